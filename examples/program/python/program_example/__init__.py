"""Runs the pbc-hello program this wheel installs into the environment's scripts."""

import os
import subprocess
import sysconfig


def executable() -> str:
    """Path of the installed pbc-hello program."""
    name = "pbc-hello.exe" if os.name == "nt" else "pbc-hello"
    return os.path.join(sysconfig.get_path("scripts"), name)


def hello(*names: str) -> str:
    """Runs pbc-hello with the given names and returns what it printed."""
    return subprocess.run(
        [executable(), *names], check=True, capture_output=True, text=True
    ).stdout
