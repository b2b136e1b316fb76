"""The PEP 517 (and PEP 660) build backend ``pybuildcmake.build``.

    [build-system]
    requires = ["pybuildcmake"]
    build-backend = "pybuildcmake.build"

Each hook runs ``py-build-cmake pep517 <hook>``, which does the work (as
maturin's backend runs maturin): config settings, build requirements,
metadata, the CMake build in the persistent build tree and the wheel all
live in the executable. Standard library only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import checkout, executable

__all__ = [
    "build_editable",
    "build_sdist",
    "build_wheel",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "prepare_metadata_for_build_wheel",
]


def _hook(hook: str, config_settings: dict | None, *args: str) -> str:
    """Runs one hook of the executable and returns the last line it printed."""
    settings = json.dumps(config_settings or {})
    # The build requirements (pybind11, nanobind) are importable here: in
    # pip's isolated env from dirs that the target interpreter alone lacks.
    site = [arg for path in sys.path if os.path.basename(path) in ("site-packages", "dist-packages")
            and os.path.isdir(path) for arg in ("--site-packages", path)]
    return _run(executable(), "pep517", hook, "--python", sys.executable,
                "--config-settings", settings, *site, *args)


def _run(exe: Path, *args: str) -> str:
    """Runs the executable and returns the last line of its stdout. Its
    stderr (the steps, and on failure the tools' output and the error) goes
    straight to the frontend."""
    result = subprocess.run([str(exe), *args], stdout=subprocess.PIPE, text=True)
    lines = result.stdout.splitlines()
    if result.returncode != 0:
        # The executable has said what failed; a traceback would add nothing.
        sys.stdout.write(result.stdout)
        sys.exit(result.returncode)
    sys.stdout.write("".join(line + "\n" for line in lines[:-1]))
    return lines[-1] if lines else ""


def _building_self() -> bool:
    """Whether the project being built is this package's own source tree
    (pyproject.toml's backend-path brings the backend in from it)."""
    root = checkout()
    return root is not None and Path.cwd().resolve() == root


def get_requires_for_build_wheel(config_settings=None):
    if _building_self():
        return []
    return json.loads(_hook("get-requires", config_settings, "--hook", "wheel"))


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    return _hook("prepare-metadata", config_settings, "--metadata-directory", metadata_directory)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    if _building_self():
        return _build_self(wheel_directory)
    return _hook("build-wheel", config_settings, "--wheel-directory", wheel_directory)


def get_requires_for_build_editable(config_settings=None):
    if _building_self():
        return []
    return json.loads(_hook("get-requires", config_settings, "--hook", "editable"))


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    return prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    if _building_self():
        return _build_self(wheel_directory, editable=True)
    return _hook("build-editable", config_settings, "--wheel-directory", wheel_directory)


def build_sdist(sdist_directory, config_settings=None):
    return _hook("build-sdist", config_settings, "--sdist-directory", sdist_directory)


def _build_self(wheel_directory: str, editable: bool = False) -> str:
    """The pybuildcmake wheel: the freshly built executable as a script, the
    CMake package under the data scheme's share/cmake/PyBuildCmake (CMake
    finds it from <prefix>/bin on PATH) and this Python package, packed by
    the executable itself. Editable, the package is a .pth line naming
    python/ of the checkout, whose executable() then rebuilds the
    executable with cargo on each use, so an edited source is live."""
    root = checkout()
    # pip shows a backend's output with -v only; one line per phase says
    # what the minutes go to.
    print("pybuildcmake: building the py-build-cmake executable (cargo build --release: "
          "about a minute on a fast machine, several on a small one, the first time)",
          file=sys.stderr, flush=True)
    exe = executable()
    print("pybuildcmake: packing the pybuildcmake wheel", file=sys.stderr, flush=True)
    version = subprocess.run([str(exe), "--version"], check=True, stdout=subprocess.PIPE, text=True)
    data = f"pybuildcmake-{version.stdout.split()[-1]}.data"
    with tempfile.TemporaryDirectory(prefix="pybuildcmake-staging-") as staging:
        staging = Path(staging)
        scripts = staging / data / "scripts"
        scripts.mkdir(parents=True)
        shutil.copy2(exe, scripts / exe.name)
        package = staging / data / "data" / "share" / "cmake" / "PyBuildCmake"
        package.mkdir(parents=True)
        for file in sorted((root / "cmake").glob("*.cmake")):
            shutil.copy2(file, package / file.name)
        if editable:
            (staging / "pybuildcmake.pth").write_text(f"{root / 'python'}\n")
        else:
            # The packing walk leaves out __pycache__ and .pyc files.
            shutil.copytree(root / "python" / "pybuildcmake", staging / "pybuildcmake")
        # pyproject.toml's [tool.py-build-cmake.wheel] gives the tags:
        # py3-none-<the platform the executable's ELF needs>.
        wheel = _run(exe, "wheel", "--project", str(root), "--staging", str(staging),
                     "--out-dir", wheel_directory, "--python", sys.executable)
        return Path(wheel).name
