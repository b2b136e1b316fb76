"""Shared helpers of the CMake end-to-end tests (tests/test_cmake_*.py).

Every test runs real tools: CMake and Ninja from the project venv, the built
py-build-cmake helper, the C/C++ compilers and pip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


def helper() -> Path:
    """The helper binary tests/run.sh built (PY_BUILD_CMAKE_EXE)."""
    exe = os.environ.get("PY_BUILD_CMAKE_EXE")
    path = Path(exe) if exe else REPO / "target" / "debug" / "py-build-cmake"
    if not path.is_file():
        raise AssertionError(
            f"the py-build-cmake helper is not built at {path}; run tests/run.sh "
            "(or cargo build and set PY_BUILD_CMAKE_EXE)"
        )
    return path


def cmake_newest() -> str:
    """CMake 4.x from the project venv."""
    found = shutil.which("cmake")
    if not found:
        raise AssertionError("cmake not found on PATH; run the tests through tests/run.sh")
    return found


def cmake_old(version: str) -> str:
    """An old CMake tests/venv.sh installs into .venv/opt/cmake-<version>:
    3.20 (the minimum), 3.22 (Ubuntu 22.04), 3.25 (Debian 12)."""
    path = REPO / ".venv" / "opt" / f"cmake-{version}" / "cmake" / "data" / "bin" / "cmake"
    if not path.is_file():
        raise AssertionError(f"CMake {version} not found at {path}; run tests/venv.sh")
    return str(path)


CMAKES = {
    "cmake4": cmake_newest,
    "cmake3.25": lambda: cmake_old("3.25"),
    "cmake3.22": lambda: cmake_old("3.22"),
    "cmake3.20": lambda: cmake_old("3.20"),
}


def run(cmd, cwd=None, env=None, check=True) -> subprocess.CompletedProcess:
    """Runs a command, capturing its output; on failure the assertion shows it."""
    result = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"command failed ({result.returncode}): {' '.join(map(str, cmd))}\n{result.stdout}"
        )
    return result


def copy_example(name: str, dest: Path) -> Path:
    """A pristine copy of examples/<name> (without build trees or wheels)."""
    target = dest / name
    shutil.copytree(
        EXAMPLES / name,
        target,
        ignore=shutil.ignore_patterns("build", "dist", ".py-build-cmake_cache", "__pycache__", "*.pyc"),
    )
    return target


def with_backend(project: Path, backend: str) -> Path:
    """Makes the copied project name another PEP 517 backend (the examples
    name ours; the reference runs need py-build-cmake's)."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    assert 'build-backend = "pybuildcmake.build"' in text, text
    pyproject.write_text(text.replace('build-backend = "pybuildcmake.build"', f'build-backend = "{backend}"'))
    return project


def frontend_env(wheelhouse: Path | None, **extra: str) -> dict[str, str]:
    """The environment of a frontend run (pip, build, uv): none of our
    PY_BUILD_CMAKE_* variables, and the wheelhouse with the pybuildcmake
    wheel for the isolated build envs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PY_BUILD_CMAKE_")}
    if wheelhouse is not None:
        env.update(PIP_FIND_LINKS=str(wheelhouse), UV_FIND_LINKS=str(wheelhouse))
    env.update(extra)
    return env


def python_exe() -> str:
    """The interpreter the wheels are built for: the one running the tests."""
    return sys.executable


def configure(cmake, src: Path, build: Path, generator="Ninja", *args, check=True, env=None):
    return run(
        [
            cmake,
            "-S",
            src,
            "-B",
            build,
            "-G",
            generator,
            f"-DCMAKE_PREFIX_PATH={REPO}",
            f"-DPY_BUILD_CMAKE_EXECUTABLE={helper()}",
            f"-DPY_BUILD_CMAKE_PYTHON={python_exe()}",
            *args,
        ],
        check=check,
        env=env,
    )


def build(cmake, build_dir: Path, target="wheel", config="Release", check=True, env=None):
    return run(
        [cmake, "--build", build_dir, "--target", target, "--config", config],
        check=check,
        env=env,
    )


def wheels(dist: Path) -> list[Path]:
    return sorted(dist.glob("*.whl"))


def only_wheel(dist: Path) -> Path:
    found = wheels(dist)
    assert len(found) == 1, f"expected one wheel in {dist}, found {found}"
    return found[0]


def full_abi_tags() -> str:
    """`cp311-cp311-linux_x86_64` for the running interpreter."""
    impl = f"cp{sys.version_info.major}{sys.version_info.minor}"
    abi = impl + ("t" if sysconfig.get_config_var("Py_GIL_DISABLED") else "")
    return f"{impl}-{abi}-{platform_tag()}"


def platform_tag() -> str:
    return sysconfig.get_platform().replace("-", "_").replace(".", "_").lower()


def wheel_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


class Venv:
    """A throwaway venv to pip install wheels into and run code in."""

    def __init__(self, root: Path, base_python: str | None = None):
        self.root = root
        if base_python:
            run([base_python, "-m", "venv", "--clear", root])
        else:
            venv.EnvBuilder(with_pip=True, clear=True).create(root)
        self.python = root / "bin" / "python"
        self.scripts = root / "bin"

    def install(self, wheel: Path) -> None:
        run(
            [
                self.python,
                "-m",
                "pip",
                "install",
                "--no-index",
                "--no-deps",
                "--force-reinstall",
                "--quiet",
                wheel,
            ]
        )

    def run_python(self, code: str) -> str:
        # Run outside the source tree so imports resolve to the installed package.
        return run([self.python, "-c", code], cwd=self.root).stdout

