"""Each example in examples/ built with CMake 4.x and Ninja, its wheel checked,
pip-installed into a venv and used there."""

from __future__ import annotations

import os
import re
import sys
import sysconfig
from pathlib import Path

import pytest

from cmake_support import (
    REPO,
    Venv,
    build,
    cmake_newest,
    configure,
    copy_example,
    full_abi_tags,
    helper,
    only_wheel,
    platform_tag,
    run,
    wheel_names,
)


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> Venv:
    return Venv(tmp_path_factory.mktemp("venv") / "env")


def build_example(name, tmp_path):
    cmake = cmake_newest()
    src = copy_example(name, tmp_path)
    bdir = tmp_path / "build"
    configure(cmake, src, bdir, "Ninja")
    build(cmake, bdir)
    return src, only_wheel(src / "dist")


def test_pybind11(tmp_path, env):
    src, wheel = build_example("pybind11", tmp_path)
    assert wheel.name == f"pybind11_example-0.2.0-{full_abi_tags()}.whl"
    names = wheel_names(wheel)
    # stubgen ran on the staged package, compiled module included.
    assert "pybind11_example/__init__.pyi" in names, names
    assert "pybind11_example/_core.pyi" in names, names
    env.install(wheel)
    out = env.run_python("import pybind11_example as m; print(m.add(1, 2), m.mean([1, 2, 3, 6]), m.version)")
    assert out.strip() == "3 3.0 0.2.0"


def test_nanobind(tmp_path, env):
    src, wheel = build_example("nanobind", tmp_path)
    stable = sys.version_info >= (3, 12) and not sysconfig.get_config_var("Py_GIL_DISABLED")
    if stable:
        assert wheel.name == f"nanobind_example-0.3.0-cp312-abi3-{platform_tag()}.whl"
        so = r"nanobind_example/_core\.abi3\.so"
    else:
        assert wheel.name == f"nanobind_example-0.3.0-{full_abi_tags()}.whl"
        so = r"nanobind_example/_core\.cpython-.*\.so"
    assert any(re.fullmatch(so, n) for n in wheel_names(wheel)), wheel_names(wheel)
    env.install(wheel)
    out = env.run_python("import nanobind_example as m; print(m.add(20, 22), m.shout('hi'), m.version)")
    assert out.strip() == "42 hi! 0.3.0"


def test_program(tmp_path, env):
    src, wheel = build_example("program", tmp_path)
    assert wheel.name == f"program_example-1.0.0-py3-none-{platform_tag()}.whl"
    assert "program_example-1.0.0.data/scripts/pbc-hello" in wheel_names(wheel)
    env.install(wheel)
    hello = env.scripts / "pbc-hello"
    assert hello.is_file()
    out = env.run_python("import program_example as p; print(p.hello('wheel'), end='')")
    assert out == "Hello, wheel!\n"


def test_pure_python(tmp_path, env):
    src, wheel = build_example("pure-python", tmp_path)
    assert wheel.name == "pure_python_example-0.4.0-py3-none-any.whl"
    names = wheel_names(wheel)
    assert "pure_python_example-0.4.0.data/headers/answer.h" in names, names
    assert "pure_python_example-0.4.0.data/data/share/pure-python-example/answer-notes.txt" in names
    env.install(wheel)
    out = env.run_python("import pure_python_example as p; print(p.answer())")
    assert out.strip() == "42 (from pure_python_example 0.4.0)"
    headers = list(env.root.glob("include/site/python*/pure-python-example/answer.h"))
    assert headers, "the header was not installed"
    assert (env.root / "share" / "pure-python-example" / "answer-notes.txt").read_text() == "The answer is 42.\n"


def newer_python(minor: int) -> str:
    """A working CPython 3.<minor> interpreter of this machine: `python3.<minor>`
    on PATH, or one that pyenv ($PYENV_ROOT, ~/.pyenv) or uv ($UV_PYTHON_INSTALL_DIR,
    ~/.local/share/uv/python) installed."""
    import glob
    import shutil

    name = f"python3.{minor}"
    home = Path.home()
    patterns = [
        f"{os.environ.get('PYENV_ROOT', home / '.pyenv')}/versions/3.{minor}.*/bin/{name}",
        f"{os.environ.get('UV_PYTHON_INSTALL_DIR', home / '.local/share/uv/python')}"
        f"/cpython-3.{minor}.*/bin/{name}",
    ]
    candidates = [p for p in [shutil.which(name)] if p]
    for pattern in patterns:
        candidates += sorted(glob.glob(pattern))
    for candidate in candidates:
        if run([candidate, "-c", "import venv, ensurepip"], check=False).returncode == 0:
            return candidate
    tried = ", ".join(candidates) or "none found"
    pytest.skip(
        f"NOT TESTED: the abi3 wheel needs CPython 3.{minor} with venv and ensurepip; "
        f"looked for {name} on PATH and {' and '.join(patterns)} (candidates: {tried}). "
        f"Install one, e.g. `uv python install 3.{minor}` or `pyenv install 3.{minor}`."
    )


def test_nanobind_abi3_for_cpython_312(tmp_path):
    """With CPython 3.12 the nanobind example is a cp312-abi3 wheel with a
    .abi3.so module (Py_LIMITED_API through nanobind's STABLE_ABI)."""
    py312 = Venv(tmp_path / "venv312", newer_python(12))
    run([py312.python, "-m", "pip", "install", "--quiet", "nanobind>=2.4,<3"])
    cmake = cmake_newest()
    src = copy_example("nanobind", tmp_path)
    bdir = tmp_path / "build"
    run([cmake, "-S", src, "-B", bdir, "-G", "Ninja", f"-DCMAKE_PREFIX_PATH={REPO}",
         f"-DPY_BUILD_CMAKE_EXECUTABLE={helper()}", f"-DPY_BUILD_CMAKE_PYTHON={py312.python}"])
    build(cmake, bdir)
    wheel = only_wheel(src / "dist")
    assert wheel.name == f"nanobind_example-0.3.0-cp312-abi3-{platform_tag()}.whl"
    assert "nanobind_example/_core.abi3.so" in wheel_names(wheel)
    py312.install(wheel)
    assert py312.run_python("import nanobind_example as m; print(m.add(1, 1))").strip() == "2"
