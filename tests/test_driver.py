"""`py-build-cmake build`: the driver for projects in py-build-cmake's own
style (no find_package(PyBuildCmake) in their CMakeLists.txt), and how it
picks a py_build_cmake_add_wheel() project's wheel target.

The reference is py-build-cmake 0.5 from PyPI, run through PyPA build on the
same sources: both wheels must have the same file name and the same files.
"""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import pytest

from cmake_support import (
    CMAKES, Venv, copy_example, full_abi_tags, helper, platform_tag, python_exe, run, with_backend,
)
from conftest import REFERENCE

EXAMPLE = "driver-c-module"
# Examples in py-build-cmake's own style, each compared with its wheel.
STYLE_EXAMPLES = ["driver-c-module", "driver-program"]


def names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        return sorted(zf.namelist())


def driver_build(project: Path, out_dir: Path, *args: str) -> Path:
    result = run(
        [helper(), "build", "--project", project, "--python", python_exe(), "--out-dir", out_dir, *args]
    )
    wheel = Path(result.stdout.strip().splitlines()[-1])
    assert wheel.parent == out_dir and wheel.is_file(), result.stdout
    return wheel


@pytest.mark.parametrize("example", STYLE_EXAMPLES)
def test_driver_matches_py_build_cmake(tmp_path, example):
    ours = driver_build(copy_example(example, tmp_path / "ours"), tmp_path / "ours-dist")

    theirs_src = with_backend(copy_example(example, tmp_path / "theirs"), "py_build_cmake.build")
    assert (REFERENCE / "py_build_cmake").is_dir(), f"py-build-cmake 0.5 is not in {REFERENCE}; run tests/venv.sh"
    env = dict(os.environ, PYTHONPATH=str(REFERENCE))
    run(
        [python_exe(), "-m", "build", "--wheel", "--no-isolation", "--skip-dependency-check", "-o", tmp_path / "theirs-dist", theirs_src],
        env=env,
    )
    (theirs,) = (tmp_path / "theirs-dist").glob("*.whl")

    assert ours.name == theirs.name
    # py-build-cmake always writes an entry_points.txt, empty when the project
    # declares no entry points; an empty one says nothing, so we write none.
    with zipfile.ZipFile(theirs) as zf:
        empty = [
            n for n in zf.namelist()
            if n.endswith(".dist-info/entry_points.txt") and zf.read(n).strip() == b""
        ]
    assert names(ours) == sorted(set(names(theirs)) - set(empty))


def test_driver_program_runs_from_its_script(tmp_path):
    wheel = driver_build(copy_example("driver-program", tmp_path / "src"), tmp_path / "dist")
    assert wheel.name == "driver_program-1.2.0-cp311-none-linux_x86_64.whl".replace(
        "cp311", f"cp{sys.version_info.major}{sys.version_info.minor}"
    ).replace("linux_x86_64", platform_tag())
    env = Venv(tmp_path / "venv")
    env.install(wheel)
    assert run([env.scripts / "driver-program-hello", "pip"]).stdout == "hello from pip\n"
    assert run([env.scripts / "driver-program-info"]).stdout.startswith("driver-program:")


@pytest.mark.parametrize("cmake", ["cmake4", "cmake3.25"])
def test_driver_wheel_installs_and_applies_options(tmp_path, monkeypatch, cmake):
    monkeypatch.setenv("CMAKE", CMAKES[cmake]())
    project = copy_example(EXAMPLE, tmp_path / "src")
    wheel = driver_build(project, tmp_path / "dist", "-o", 'cmake.options.DRIVER_EXAMPLE_GREETING="from -o"')
    cache = (project / ".py-build-cmake_cache" / full_abi_tags() / "CMakeCache.txt").read_text()
    major = {"cmake4": "4", "cmake3.25": "3"}[cmake]
    assert f"CMAKE_CACHE_MAJOR_VERSION:INTERNAL={major}\n" in cache
    env = Venv(tmp_path / "venv")
    env.install(wheel)
    out = env.run_python("import driver_c_module as m; print(m.add(2, 40), m.greeting(), m.__version__)")
    assert out.split() == ["42", "from", "-o", "0.2.1"]


def test_driver_reports_a_failing_configure(tmp_path):
    project = copy_example(EXAMPLE, tmp_path / "src")
    (project / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.20)\nproject(x C)\nmessage(FATAL_ERROR boom)\n")
    result = run([helper(), "build", "--project", project, "--python", python_exe()], check=False)
    assert result.returncode != 0
    assert "the configure step failed" in result.stdout
    assert not (project / "dist").exists()


def test_driver_applies_generator_configs_args_and_tool_args(tmp_path):
    project = copy_example(EXAMPLE, tmp_path / "src")
    result = run([
        helper(), "build", "--project", project, "--python", python_exe(), "--out-dir", tmp_path / "dist",
        "-o", 'cmake.generator="Ninja Multi-Config"',
        "-o", 'cmake.config=["Debug","Release"]',
        "-o", 'cmake.install_config=["Release"]',
        "-o", 'cmake.args+=["-DDRIVER_EXAMPLE_GREETING=from args"]',
        "-o", 'cmake.build_tool_args+=["-v"]',
    ])
    build_dir = project / ".py-build-cmake_cache" / full_abi_tags()
    cache = (build_dir / "CMakeCache.txt").read_text()
    assert "CMAKE_GENERATOR:INTERNAL=Ninja Multi-Config\n" in cache
    # Both configurations were built (ninja -v shows each compile), one installed.
    assert (build_dir / "Debug").is_dir() and (build_dir / "Release").is_dir()
    assert result.stdout.count("--config Debug") == 1 and "--install" in result.stdout
    assert " -v" in result.stdout
    wheel = Path(result.stdout.strip().splitlines()[-1])
    env = Venv(tmp_path / "venv")
    env.install(wheel)
    assert env.run_python("import driver_c_module as m; print(m.greeting())").strip() == "from args"


def test_driver_hands_cmake_its_own_helper_and_applies_driver_options_silently(tmp_path):
    # The checkout holds other builds of the helper (release, debug): the
    # configure must call back the very one that drives it, found by no
    # search; a copy in the project's cache, which outlives an isolated build
    # env (a hard link where the file system allows).
    project = copy_example(EXAMPLE, tmp_path / "src")
    result = run([
        helper(), "build", "--project", project, "--python", python_exe(), "--out-dir", tmp_path / "dist",
        "-o", 'cmake.build_args+=["--parallel", "2"]',
    ])
    build_dir = project / ".py-build-cmake_cache" / full_abi_tags()
    cache = (build_dir / "CMakeCache.txt").read_text()
    copy = project / ".py-build-cmake_cache" / "pybuildcmake" / "bin" / "py-build-cmake"
    assert f"PY_BUILD_CMAKE_EXECUTABLE:FILEPATH={copy}\n" in cache
    assert copy.samefile(helper()) or copy.read_bytes() == helper().read_bytes()
    key = (build_dir / "py-build-cmake" / "cmake-vars.key").read_text()
    assert key.startswith(f"{copy}@"), key
    assert "--parallel 2" in result.stdout
    # build_args is applied by this very driver: no advice to use one.
    assert "not applied from inside CMake" not in result.stdout


def test_driver_builds_a_renamed_wheel_target(tmp_path):
    """A project whose py_build_cmake_add_wheel() names its target is built
    through that target; of several, the driver needs the one named `wheel`,
    and names them when there is none. The cache entry of a target a later
    configure no longer adds is gone."""
    project = copy_example("c-extension", tmp_path / "src")
    lists = project / "CMakeLists.txt"
    original = lists.read_text()

    def use(wheel_calls: str):
        lists.write_text(original.replace("py_build_cmake_add_wheel()", wheel_calls))

    def build(check=True):
        return run([
            helper(), "build", "--project", project, "--python", python_exe(), "--out-dir", tmp_path / "dist",
        ], check=check)

    use("py_build_cmake_add_wheel(TARGET mywheel)")
    result = build()
    assert "--target mywheel" in result.stdout, result.stdout
    wheel = Path(result.stdout.strip().splitlines()[-1])
    assert wheel.parent == tmp_path / "dist" and "c_extension/_core" in " ".join(names(wheel))

    use("py_build_cmake_add_wheel(TARGET mywheel)\npy_build_cmake_add_wheel(TARGET other OUTPUT_DIR other)")
    result = build(check=False)
    assert result.returncode != 0
    assert "several wheel targets (`mywheel`, `other`) and none is named `wheel`" in result.stdout, result.stdout

    use("py_build_cmake_add_wheel(TARGET other)")
    assert "--target other" in build().stdout


@pytest.mark.parametrize("example", ["c-extension", EXAMPLE])
def test_one_builder_per_build_tree(tmp_path, example):
    """Two builds of one project with different `-o` overrides, started
    together, both succeeded and the first got the second's wheel. The
    driver (as pip's and uv's builds) locks the persistent tree from the
    configure until the wheel is copied out: the editable build hook's lock,
    held here by the test, makes it wait."""
    import fcntl
    import subprocess
    import time
    src = copy_example(example, tmp_path)
    first = driver_build(src, tmp_path / "one", "-o", "wheel.build_tag=1")
    (tree,) = [d for d in (src / ".py-build-cmake_cache").iterdir()
               if (d / "CMakeCache.txt").is_file()]
    with open(tree / "py-build-cmake-editable.lock", "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        log = tmp_path / "second.log"
        with open(log, "w") as out:
            second = subprocess.Popen(
                [str(helper()), "build", "--project", str(src), "--python", python_exe(),
                 "--out-dir", str(tmp_path / "two"), "-o", "wheel.build_tag=2"],
                stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while "waiting for another build" not in log.read_text():
                assert second.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            time.sleep(1)
            assert second.poll() is None, log.read_text()
            assert not (tmp_path / "two").exists()
        finally:
            fcntl.flock(held.fileno(), fcntl.LOCK_UN)
    assert second.wait(timeout=300) == 0, log.read_text()
    (wheel,) = (tmp_path / "two").glob("*.whl")
    assert "-2-" in wheel.name and "-1-" in first.name
