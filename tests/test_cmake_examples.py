"""Each example in examples/ built with CMake 4.x and Ninja, its wheel checked,
pip-installed into a venv and used there."""

from __future__ import annotations

import re
import sys
import sysconfig

import pytest

from cmake_support import (
    Venv,
    build,
    cmake_newest,
    configure,
    copy_example,
    full_abi_tags,
    only_wheel,
    platform_tag,
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
