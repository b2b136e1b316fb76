"""A new user's first wheel: README's install block run as written in a fresh
venv (the tool from this checkout, its wheel put in a wheelhouse, then
`pip install .` and `uv build` of a project with build isolation), and an
isolated build that must not find build requirements (pybind11) from the
environment that calls it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import cmake_support as cs
from test_wheel_pack import validate


def readme_install_block() -> list[str]:
    """The README's install commands (the sh block after its `install:` marker)."""
    text = (cs.REPO / "README.md").read_text()
    after = text[text.index("<!-- install:"):]
    block = re.search(r"```sh\n(.*?)```", after, re.S)
    assert block, "README.md: no sh block after the install marker"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def user_env(home: Path, venv: cs.Venv) -> dict[str, str]:
    """A shell with the fresh venv activated, as a user's (HOME for `~`)."""
    env = cs.frontend_env(None, HOME=str(home), VIRTUAL_ENV=str(venv.root))
    # The user's Rust stays where it was installed (under the real HOME).
    for name, default in (("RUSTUP_HOME", ".rustup"), ("CARGO_HOME", ".cargo")):
        env.setdefault(name, os.environ.get(name, str(Path.home() / default)))
    env["PATH"] = f"{venv.scripts}{os.pathsep}{env['PATH']}"
    for name in ("PIP_FIND_LINKS", "UV_FIND_LINKS", "PYTHONPATH"):
        env.pop(name, None)
    return env


def bash(line: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(["bash", "-c", line], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert result.returncode == 0, f"`{line}` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def first_user(tmp_path_factory):
    """A user's home after README's first two commands: a fresh venv with the
    tool installed from the checkout (as ./py-build-cmake), and the
    wheelhouse. Returns (home, venv, the commands, the env with the printed line applied)."""
    home = tmp_path_factory.mktemp("home")
    venv = cs.Venv(home / "venv")
    (home / "py-build-cmake").symlink_to(cs.REPO, target_is_directory=True)
    install, wheelhouse, export, project = readme_install_block()
    env = user_env(home, venv)
    bash(install, home, env)
    printed = bash(wheelhouse, home, env).stdout.strip()
    # The line README shows is the line the command prints.
    expected = export.replace("$HOME", str(home))
    assert printed == expected, (printed, expected)
    (wheel,) = (home / "wheelhouse").glob("pybuildcmake-*-py3-none-manylinux_*.whl")
    validate(wheel)  # packed again from the installed files: still a valid wheel
    for assignment in printed.removeprefix("export ").split():
        name, value = assignment.split("=", 1)
        env[name] = value
    return home, venv, project, env


def test_readme_install_then_pip_install_and_uv_build_of_a_project(first_user, tmp_path):
    home, venv, project_line, env = first_user
    cs.copy_example("c-extension", tmp_path).rename(tmp_path / "my-project")
    # `cd my-project && pip install .`, as written.
    bash(project_line, tmp_path, env)
    out = cs.run([venv.python, "-c", "import c_extension as m; print(m.add(2, 3))"], env=env)
    assert out.stdout.strip() == "5"
    # `uv build` (README: "or: uv build") in the same shell.
    uv = Path(sys.executable).parent / "uv"
    bash(f"cd my-project && {uv} build --wheel", tmp_path, env)
    assert list((tmp_path / "my-project" / "dist").glob("c_extension_example-*.whl"))


def test_an_isolated_build_does_not_see_the_callers_pybind11(first_user, tmp_path):
    """pybind11 installed where the frontend runs, but not in [build-system]
    requires: the isolated build must fail and say what to add."""
    home, venv, _, env = first_user
    cs.run([venv.python, "-m", "pip", "install", "--quiet", "pybind11>=2.13"], env=env)
    src = cs.copy_example("pybind11", tmp_path)
    pyproject = src / "pyproject.toml"
    text = pyproject.read_text()
    assert '"pybind11>=2.13"' in text
    pyproject.write_text(text.replace(', "pybind11>=2.13"', ""))
    result = cs.run([venv.python, "-m", "pip", "wheel", "--no-deps", "-w", tmp_path / "out", src],
                    env=env, check=False)
    assert result.returncode != 0, result.stdout
    assert "pybind11" in result.stdout
    assert re.search(r'add "pybind11" to \[build-system\] requires', result.stdout), result.stdout
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.whl"))


def test_a_build_from_an_sdist_that_lacks_a_cmake_input_names_sdist_include(first_user, tmp_path):
    """`python -m build` packs the sdist, then builds from it: a CMake input
    the sdist left out (a subdirectory) fails that configure with a hint at
    sdist.include, and an include pattern that matches nothing is named."""
    _, _, _, env = first_user
    src = cs.copy_example("c-extension", tmp_path)
    (src / "extra").mkdir()
    (src / "extra" / "CMakeLists.txt").write_text("# read by the top-level CMakeLists.txt\n")
    lists = src / "CMakeLists.txt"
    lists.write_text(lists.read_text() + "\nadd_subdirectory(extra)\n")
    pyproject = src / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"src/*"]', '"src/*", "cmake/**"]'))
    result = cs.run([sys.executable, "-m", "build", "--outdir", tmp_path / "dist", src],
                    env=env, check=False)
    assert result.returncode != 0, result.stdout
    assert 'sdist.include pattern "cmake/**" matches nothing' in result.stdout, result.stdout
    assert "unpacked from an sdist" in result.stdout, result.stdout
    assert "tool.py-build-cmake.sdist.include" in result.stdout


def test_find_package_before_project_says_to_call_it_after(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "pyproject.toml").write_text('[project]\nname = "early"\nversion = "1.0"\n')
    (src / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.20)\nfind_package(PyBuildCmake REQUIRED)\n"
        "project(early LANGUAGES NONE)\n")
    result = cs.configure(cs.cmake_newest(), src, tmp_path / "build", check=False)
    assert result.returncode != 0
    text = " ".join(result.stdout.split())  # CMake wraps long messages
    assert f"called before project(); call it after project() in {src / 'CMakeLists.txt'}" in text, text
    assert "no pyproject.toml" not in result.stdout


def test_wheelhouse_from_a_checkout_builds_the_wheel_and_says_what_it_is_doing(tmp_path):
    env = cs.frontend_env(None, PYTHONPATH=str(cs.REPO / "python"))
    result = subprocess.run([sys.executable, "-m", "pybuildcmake", "wheelhouse", tmp_path / "wh"],
                            env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert result.returncode == 0, result.stderr
    (wheel,) = (tmp_path / "wh").glob("pybuildcmake-*.whl")
    assert "pybuildcmake: building the py-build-cmake executable (cargo build --release" in result.stderr
    assert "pybuildcmake: packing the pybuildcmake wheel" in result.stderr
    assert result.stdout.strip() == f"export PIP_FIND_LINKS={tmp_path / 'wh'} UV_FIND_LINKS={tmp_path / 'wh'}"
    validate(wheel)
