"""py-build-cmake for CMake: build Python wheels from inside a CMake project.

This package holds the PEP 517 build backend (``pybuildcmake.build``) and
finds the two things the wheel installs beside it: the ``py-build-cmake``
executable (in the environment's bin dir) and the CMake package
(``<prefix>/share/cmake/PyBuildCmake``, printed by
``python -m pybuildcmake --cmakedir``).
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
from pathlib import Path

__all__ = ["cmake_dir", "executable"]

_PACKAGE = Path(__file__).resolve().parent
_EXE = "py-build-cmake.exe" if os.name == "nt" else "py-build-cmake"
_CONFIG = "PyBuildCmakeConfig.cmake"


def checkout() -> Path | None:
    """The source checkout (or unpacked sdist) this package is imported from."""
    root = _PACKAGE.parent.parent
    if (root / "Cargo.toml").is_file() and (root / "cmake" / _CONFIG).is_file():
        return root
    return None


def _installed_file(suffixes: tuple[str, ...]) -> Path | None:
    """A file this package's own installed distribution put elsewhere (its
    RECORD knows where the scripts and data schemes went)."""
    for dist in importlib.metadata.distributions(name="pybuildcmake"):
        if Path(dist.locate_file("pybuildcmake/__init__.py")).resolve() != _PACKAGE / "__init__.py":
            continue  # another installation of the same name
        for file in dist.files or ():
            if file.as_posix().endswith(suffixes):
                path = Path(dist.locate_file(file)).resolve()
                if path.exists():
                    return path
    return None


def _cargo_build(root: Path) -> Path:
    cargo = shutil.which("cargo") or shutil.which("cargo", path=str(Path.home() / ".cargo" / "bin"))
    if not cargo:
        raise RuntimeError(
            f"pybuildcmake: building py-build-cmake from its source in {root} needs Rust's cargo "
            "on PATH; install Rust (https://rustup.rs) or install a pybuildcmake wheel"
        )
    subprocess.run(
        [cargo, "build", "--release", "--quiet", "--manifest-path", str(root / "Cargo.toml")],
        check=True,
    )
    # cargo reads a relative CARGO_TARGET_DIR against the working directory.
    target = Path(os.environ.get("CARGO_TARGET_DIR") or root / "target")
    return (target / "release" / _EXE).resolve()


def executable() -> Path:
    """The py-build-cmake executable: ``$PY_BUILD_CMAKE_EXECUTABLE``, else the
    one built from the checkout this package lives in (cargo, incremental),
    else the one installed with this package."""
    override = os.environ.get("PY_BUILD_CMAKE_EXECUTABLE")
    if override:
        return Path(override)
    root = checkout()
    if root is not None:
        return _cargo_build(root)
    found = _installed_file((f"/bin/{_EXE}", f"/Scripts/{_EXE}"))
    if found is None:
        raise RuntimeError(
            "pybuildcmake: the py-build-cmake executable of this installation is missing; "
            "reinstall it (pip install --force-reinstall pybuildcmake)"
        )
    return found


def cmake_dir() -> Path:
    """The directory holding PyBuildCmakeConfig.cmake, for
    ``-DPyBuildCmake_DIR=`` or ``CMAKE_PREFIX_PATH``."""
    root = checkout()
    if root is not None:
        return root / "cmake"
    found = _installed_file((f"/share/cmake/PyBuildCmake/{_CONFIG}",))
    if found is None:
        raise RuntimeError(
            "pybuildcmake: the CMake package of this installation is missing; "
            "reinstall it (pip install --force-reinstall pybuildcmake)"
        )
    return found.parent
