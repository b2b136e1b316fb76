"""End-to-end tests of the native CMake path on examples/c-extension:
find_package(PyBuildCmake) + py_build_cmake_add_wheel() with real CMake
(3.20, 3.22, 3.25 and 4.x), Ninja, Ninja Multi-Config and Unix Makefiles, pip install and
import, the no-op rebuild, incremental rebuilds and the helper discovery."""

from __future__ import annotations

import os
import shutil
import re
import time
import tomllib
from pathlib import Path

import pytest

from cmake_support import (
    CMAKES,
    REPO,
    Venv,
    build,
    cmake_newest,
    configure,
    copy_example,
    full_abi_tags,
    helper,
    only_wheel,
    python_exe,
    run,
    wheel_names,
)

GENERATORS = ["Ninja", "Ninja Multi-Config", "Unix Makefiles"]


@pytest.fixture(scope="module")
def install_venv(tmp_path_factory) -> Venv:
    return Venv(tmp_path_factory.mktemp("venv") / "env")


def test_version_file_matches_cargo():
    cargo = tomllib.loads((REPO / "Cargo.toml").read_text())["package"]["version"]
    text = (REPO / "cmake" / "PyBuildCmakeConfigVersion.cmake").read_text()
    assert f'set(PACKAGE_VERSION "{cargo}")' in text


def flat(text: str) -> str:
    """CMake wraps long messages: compare with whitespace collapsed."""
    return " ".join(text.split())


def configure_error(src: Path, build_dir: Path, *args: str) -> str:
    """Configures `src` with the newest CMake, which must fail; its output, flattened."""
    result = configure(cmake_newest(), src, build_dir, "Ninja", *args, check=False)
    assert result.returncode != 0, result.stdout
    return flat(result.stdout)


def no_op_output(generator: str, output: str) -> None:
    """A second `--target wheel` with nothing changed does no install and no pack."""
    assert "Packing the wheel" not in output, output
    assert "Building C object" not in output, output
    if generator.startswith("Ninja"):
        assert "ninja: no work to do." in output, output


@pytest.mark.parametrize("cmake_name", list(CMAKES))
@pytest.mark.parametrize("generator", GENERATORS)
def test_c_extension_wheel(tmp_path, install_venv, cmake_name, generator):
    cmake = CMAKES[cmake_name]()
    src = copy_example("c-extension", tmp_path)
    bdir = tmp_path / "build"
    configure(cmake, src, bdir, generator)
    out = build(cmake, bdir).stdout
    assert "Packing the wheel" in out

    wheel = only_wheel(src / "dist")
    assert wheel.name == f"c_extension_example-0.1.0-{full_abi_tags()}.whl"
    names = wheel_names(wheel)
    assert "c_extension/__init__.py" in names
    assert any(re.fullmatch(r"c_extension/_core\.cpython-.*\.so", n) for n in names), names

    install_venv.install(wheel)
    assert install_venv.run_python(
        "import c_extension as c; print(c.add(2, 40), c.greet('CMake'), c.version)"
    ).split("\n")[0] == "42 Hello, CMake! 0.1.0"

    # Nothing changed: an up-to-date check only, the wheel stays untouched.
    mtime = wheel.stat().st_mtime_ns
    no_op_output(generator, build(cmake, bdir).stdout)
    assert wheel.stat().st_mtime_ns == mtime

    # One changed C source: recompiled, reinstalled, repacked.
    core = src / "src" / "core.c"
    core.write_text(core.read_text().replace('"Hello, %s!"', '"Hi, %s!"'))
    out = build(cmake, bdir).stdout
    assert "Building C object" in out and "Packing the wheel" in out, out
    install_venv.install(only_wheel(src / "dist"))
    assert install_venv.run_python("import c_extension as c; print(c.greet('x'))").strip() == "Hi, x!"

    # One changed Python source: repacked without recompiling anything.
    init = src / "python" / "c_extension" / "__init__.py"
    init.write_text(init.read_text() + "\nEXTRA = 1\n")
    out = build(cmake, bdir).stdout
    assert "Packing the wheel" in out and "Building C object" not in out, out
    no_op_output(generator, build(cmake, bdir).stdout)


def test_new_python_file_is_packed(tmp_path):
    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    bdir = tmp_path / "build"
    configure(cmake, src, bdir)
    build(cmake, bdir)
    # A new module file changes its directory's timestamp: the depfile names it.
    time.sleep(0.01)
    (src / "python" / "c_extension" / "extra.py").write_text("X = 1\n")
    out = build(cmake, bdir).stdout
    assert "Packing the wheel" in out
    assert "c_extension/extra.py" in wheel_names(only_wheel(src / "dist"))


def test_pyproject_change_reconfigures_and_renames_the_wheel(tmp_path):
    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    bdir = tmp_path / "build"
    configure(cmake, src, bdir)
    build(cmake, bdir)
    pyproject = src / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', 'version = "0.2.0"'))
    out = build(cmake, bdir).stdout
    assert "Packing the wheel" in out
    assert (src / "dist" / f"c_extension_example-0.2.0-{full_abi_tags()}.whl").is_file()


def test_helper_runs_once_per_change(tmp_path):
    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    bdir = tmp_path / "build"
    configure(cmake, src, bdir)
    key = bdir / "py-build-cmake" / "cmake-vars.key"
    mtime = key.stat().st_mtime_ns
    # Re-configuring with nothing changed reuses the last answer.
    out = run([cmake, bdir]).stdout
    assert "PyBuildCmake: resolved" not in out
    assert key.stat().st_mtime_ns == mtime
    # A new local override file is an input: the helper runs again.
    (src / "py-build-cmake.local.toml").write_text('[cmake]\ninstall_args = ["--strip"]\n')
    out = run([cmake, bdir]).stdout
    assert "PyBuildCmake: resolved" in out
    assert key.stat().st_mtime_ns != mtime


def test_environment_read_by_the_config_is_an_input(tmp_path):
    """cmake.env is expanded when the helper resolves: a changed variable it
    named must resolve again at the next configure, an unrelated one not."""
    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    bdir = tmp_path / "build"
    (src / "py-build-cmake.local.toml").write_text('[cmake.env]\nGREETING = "hello $WHO"\n')
    vars_file = bdir / "py-build-cmake" / "cmake-vars.cmake"
    env = dict(os.environ, WHO="a", UNRELATED="1")
    assert "PyBuildCmake: resolved" in configure(cmake, src, bdir, env=env).stdout
    assert "GREETING=hello a" in vars_file.read_text()

    env["UNRELATED"] = "2"
    assert "PyBuildCmake: resolved" not in run([cmake, bdir], env=env).stdout
    env["WHO"] = "b"
    assert "PyBuildCmake: resolved" in run([cmake, bdir], env=env).stdout
    assert "GREETING=hello b" in vars_file.read_text()
    # Set to the empty string is a change too, and unset is an error that
    # names the variable.
    env["WHO"] = ""
    assert "PyBuildCmake: resolved" in run([cmake, bdir], env=env).stdout
    del env["WHO"]
    out = run([cmake, bdir], env=env, check=False)
    assert out.returncode != 0
    assert "environment variable WHO is not set" in out.stdout, out.stdout


def test_installed_prefix_is_found_without_a_checkout(tmp_path):
    prefix = tmp_path / "prefix"
    out = run([helper(), "install", "--prefix", prefix]).stdout
    assert (prefix / "bin" / "py-build-cmake").is_file()
    assert os.access(prefix / "bin" / "py-build-cmake", os.X_OK)
    for path in (REPO / "cmake").glob("*.cmake"):
        name = path.name
        installed = prefix / "lib" / "cmake" / "PyBuildCmake" / name
        assert installed.read_text() == path.read_text()
    assert str(prefix) in out

    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    bdir = tmp_path / "build"
    env = dict(os.environ)
    env.pop("PY_BUILD_CMAKE_EXECUTABLE", None)
    out = run(
        [cmake, "-S", src, "-B", bdir, "-G", "Ninja", f"-DCMAKE_PREFIX_PATH={prefix}",
         f"-DPY_BUILD_CMAKE_PYTHON={python_exe()}", "-DPyBuildCmake_DIR="],
        env=env,
    ).stdout
    assert f"PyBuildCmake: resolved with {prefix / 'bin' / 'py-build-cmake'}" in out
    build(cmake, bdir)
    assert only_wheel(src / "dist").name.endswith(f"-{full_abi_tags()}.whl")


def test_missing_helper_is_a_clear_error(tmp_path):
    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    result = run(
        [cmake, "-S", src, "-B", tmp_path / "build", "-G", "Ninja", f"-DCMAKE_PREFIX_PATH={REPO}",
         "-DPY_BUILD_CMAKE_EXECUTABLE=/nonexistent/py-build-cmake"],
        check=False,
    )
    assert result.returncode != 0
    assert "PY_BUILD_CMAKE_EXECUTABLE is '/nonexistent/py-build-cmake', which does not exist" in flat(result.stdout)


@pytest.mark.parametrize("file, old, new, messages", [
    pytest.param("pyproject.toml", "build_type", "build_typo",
                 ["PyBuildCmake: the helper failed (exit 1) while resolving", "build_typo"], id="bad-pyproject"),
    pytest.param("CMakeLists.txt", "py_build_cmake_add_wheel()", "py_build_cmake_add_wheel(OUTPUT dist2)",
                 ["py_build_cmake_add_wheel: unknown arguments 'OUTPUT;dist2'"], id="bad-wheel-arguments"),
    pytest.param("CMakeLists.txt", "py_build_cmake_add_wheel()",
                 "py_build_cmake_add_wheel()\npy_build_cmake_add_sdist(TARGET wheel)",
                 ["py_build_cmake_add_sdist: a target named 'wheel' already exists; pick another name with TARGET"],
                 id="taken-target-name"),
])
def test_a_broken_project_is_a_clear_error(tmp_path, file, old, new, messages):
    src = copy_example("c-extension", tmp_path)
    path = src / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    out = configure_error(src, tmp_path / "build")
    for message in messages:
        assert message in out, out


def test_failing_python_is_named_as_such(tmp_path):
    """An interpreter that cannot run is not reported as a pyproject.toml problem."""
    src = copy_example("c-extension", tmp_path)
    python = tmp_path / "python3"
    python.write_text("#!/bin/sh\necho 'no such module: sysconfig' >&2\nexit 3\n")
    python.chmod(0o755)
    out = configure_error(src, tmp_path / "build", f"-DPY_BUILD_CMAKE_PYTHON={python}")
    assert "pyproject.toml failed" not in out, out
    assert f"the helper failed (exit 1) while resolving {src}/pyproject.toml for the Python {python}" in out, out
    assert f"Python interpreter `{python}` failed" in out, out


def test_no_pyproject_is_a_clear_error(tmp_path):
    src = copy_example("c-extension", tmp_path)
    (src / "pyproject.toml").unlink()
    assert "no pyproject.toml in" in configure_error(src, tmp_path / "build")


def test_output_dir_target_and_components(tmp_path):
    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    lists = src / "CMakeLists.txt"
    text = lists.read_text().replace(
        "py_build_cmake_add_wheel()",
        'py_build_cmake_add_wheel(TARGET pywheel OUTPUT_DIR wheels COMPONENTS "" python_modules)\n'
        'install(FILES pyproject.toml DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME})',
    )
    lists.write_text(text)
    bdir = tmp_path / "build"
    configure(cmake, src, bdir)
    build(cmake, bdir, target="pywheel")
    names = wheel_names(only_wheel(src / "wheels"))
    # The default component ("") and python_modules are both installed.
    assert "c_extension/pyproject.toml" in names
    assert any(n.startswith("c_extension/_core") for n in names)


def test_cmake_options_are_cache_defaults(tmp_path):
    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    pyproject = src / "pyproject.toml"
    base = pyproject.read_text()
    pyproject.write_text(base + '\n[tool.py-build-cmake.cmake.options]\nGREETING = "hello"\nWITH_X = true\n')
    bdir = tmp_path / "build"
    configure(cmake, src, bdir)
    cache = (bdir / "CMakeCache.txt").read_text()
    assert "GREETING:STRING=hello" in cache
    assert re.search(r"WITH_X:\w+=On", cache), cache
    # The user's own value wins over the default...
    run([cmake, "-DGREETING=mine", bdir])
    # ... also when pyproject.toml's default changes later,
    pyproject.write_text(base + '\n[tool.py-build-cmake.cmake.options]\nGREETING = "bye"\nWITH_X = false\n')
    run([cmake, bdir])
    cache = (bdir / "CMakeCache.txt").read_text()
    # (-D without a type makes an UNINITIALIZED entry.)
    assert re.search(r"GREETING:\w+=mine", cache), cache
    # while a default nobody changed follows pyproject.toml.
    assert re.search(r"WITH_X:\w+=Off", cache), cache


def test_variables_for_existing_projects(tmp_path):
    """The PY_BUILD_CMAKE_* variables py-build-cmake projects read, and the
    FindPython hints, agree with the interpreter and the wheel tags."""
    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    lists = src / "CMakeLists.txt"
    names = [
        "PY_BUILD_CMAKE_VERSION", "PY_BUILD_CMAKE_PROJECT_VERSION", "PY_BUILD_CMAKE_PROJECT_NAME",
        "PY_BUILD_CMAKE_IMPORT_NAME", "PY_BUILD_CMAKE_MODULE_NAME", "PY_BUILD_CMAKE_PACKAGE_PYTHON_TAG",
        "PY_BUILD_CMAKE_PACKAGE_ABI_TAG", "PY_BUILD_CMAKE_BUILD_PYTHON_VERSION_MAJOR",
        "PY_BUILD_CMAKE_BUILD_PYTHON_VERSION_MINOR", "PY_BUILD_CMAKE_SCRIPTS_DESTINATION",
        "PY_BUILD_CMAKE_HEADERS_DESTINATION", "PY_BUILD_CMAKE_DATA_DESTINATION",
        "Python3_SOABI", "Python3_EXECUTABLE", "PYTHON_MODULE_EXTENSION", "NB_SUFFIX",
    ]
    lists.write_text(lists.read_text() + "".join(f'message(STATUS "VAR {n}=${{{n}}}")\n' for n in names))
    out = configure(cmake, src, tmp_path / "build").stdout
    values = dict(re.findall(r"-- VAR (\w+)=(.*)", out))
    import sys
    import sysconfig

    major, minor = sys.version_info[:2]
    assert values["PY_BUILD_CMAKE_PROJECT_VERSION"] == "0.1.0"
    assert values["PY_BUILD_CMAKE_PROJECT_NAME"] == "c_extension_example"
    assert values["PY_BUILD_CMAKE_IMPORT_NAME"] == "c_extension"
    assert values["PY_BUILD_CMAKE_MODULE_NAME"] == "c_extension"
    assert values["PY_BUILD_CMAKE_PACKAGE_PYTHON_TAG"] == f"cp{major}{minor}"
    assert values["PY_BUILD_CMAKE_PACKAGE_ABI_TAG"] == full_abi_tags().split("-")[1]
    assert values["PY_BUILD_CMAKE_BUILD_PYTHON_VERSION_MAJOR"] == str(major)
    assert values["PY_BUILD_CMAKE_BUILD_PYTHON_VERSION_MINOR"] == str(minor)
    data = "c_extension_example-0.1.0.data"
    assert values["PY_BUILD_CMAKE_SCRIPTS_DESTINATION"] == f"{data}/scripts"
    assert values["PY_BUILD_CMAKE_HEADERS_DESTINATION"] == f"{data}/headers"
    assert values["PY_BUILD_CMAKE_DATA_DESTINATION"] == f"{data}/data"
    assert values["Python3_SOABI"] == sysconfig.get_config_var("SOABI")
    assert values["PYTHON_MODULE_EXTENSION"] == sysconfig.get_config_var("EXT_SUFFIX")
    assert values["NB_SUFFIX"] == sysconfig.get_config_var("EXT_SUFFIX")
    assert Path(values["Python3_EXECUTABLE"]).resolve() == Path(python_exe()).resolve()


def test_cross_without_the_toolchain_is_a_clear_error(tmp_path):
    src = copy_example("c-extension", tmp_path)
    cross = tmp_path / "cross.toml"
    cross.write_text('arch = "linux_aarch64"\n')
    text = configure_error(src, tmp_path / "build", f"-DPY_BUILD_CMAKE_CROSS={cross}")
    assert "PY_BUILD_CMAKE_CROSS is set, but the build does not use PyBuildCmake's toolchain" in text
    assert "PyBuildCmakeToolchain.cmake" in text


def test_multi_config_wheel_installs_every_listed_config(tmp_path):
    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    (src / "debug.txt").write_text("debug\n")
    (src / "release.txt").write_text("release\n")
    lists = src / "CMakeLists.txt"
    lists.write_text(
        lists.read_text().replace(
            "py_build_cmake_add_wheel()",
            "install(FILES debug.txt DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME} CONFIGURATIONS Debug"
            " COMPONENT python_modules)\n"
            "install(FILES release.txt DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME} CONFIGURATIONS Release"
            " COMPONENT python_modules)\n"
            "py_build_cmake_add_wheel(CONFIGS Debug Release)",
        )
    )
    bdir = tmp_path / "build"
    configure(cmake, src, bdir, "Ninja Multi-Config")
    # Debug is not built yet: the install step says what to do.
    result = build(cmake, bdir, config="Release", check=False)
    assert result.returncode != 0
    assert "build each of them first" in flat(result.stdout)
    build(cmake, bdir, target="all", config="Debug")
    build(cmake, bdir, config="Release")
    names = wheel_names(only_wheel(src / "dist"))
    assert "c_extension/debug.txt" in names and "c_extension/release.txt" in names


def test_helper_is_built_with_cargo_when_missing(tmp_path):
    """A checkout without a built helper builds it at configure time."""
    checkout = tmp_path / "checkout"
    for name in ["Cargo.toml", "Cargo.lock"]:
        (checkout).mkdir(exist_ok=True)
        shutil.copy2(REPO / name, checkout / name)
    for name in ["src", "cmake", "data"]:
        shutil.copytree(REPO / name, checkout / name)
    # A persistent target dir keeps later runs incremental; the binary itself
    # is removed so the configure must build it.
    target_dir = REPO / "tests" / ".work" / "cargo-fallback-target"
    (target_dir / "release" / "py-build-cmake").unlink(missing_ok=True)
    env = dict(os.environ, CARGO_TARGET_DIR=str(target_dir))
    env.pop("PY_BUILD_CMAKE_EXECUTABLE", None)
    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    bdir = tmp_path / "build"
    out = run(
        [cmake, "-S", src, "-B", bdir, "-G", "Ninja", f"-DCMAKE_PREFIX_PATH={checkout}",
         f"-DPY_BUILD_CMAKE_PYTHON={python_exe()}"],
        env=env,
    ).stdout
    assert "PyBuildCmake: building the py-build-cmake helper" in out
    assert f"resolved with {target_dir / 'release' / 'py-build-cmake'}" in out
    build(cmake, bdir, env=env)
    assert only_wheel(src / "dist").name.endswith(f"-{full_abi_tags()}.whl")


def test_env_reaches_the_install_step_and_minimum_version_is_checked(tmp_path):
    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    pyproject = src / "pyproject.toml"
    base = pyproject.read_text()
    pyproject.write_text(base + '\n[tool.py-build-cmake.cmake.env]\nPBC_TEST_GREETING = "from-env-${HOME}"\n')
    lists = src / "CMakeLists.txt"
    lists.write_text(
        lists.read_text().replace(
            "py_build_cmake_add_wheel()",
            'install(CODE "file(WRITE \\"\\${CMAKE_INSTALL_PREFIX}/c_extension/env.txt\\" '
            '\\"\\$ENV{PBC_TEST_GREETING}\\")" COMPONENT python_modules)\n'
            "py_build_cmake_add_wheel()",
        )
    )
    bdir = tmp_path / "build"
    configure(cmake, src, bdir)
    build(cmake, bdir)
    import zipfile

    with zipfile.ZipFile(only_wheel(src / "dist")) as zf:
        assert zf.read("c_extension/env.txt").decode() == f"from-env-{os.environ['HOME']}"

    pyproject.write_text(base.replace('minimum_version = "3.20"', 'minimum_version = "99.0"'))
    out = configure_error(src, tmp_path / "build2")
    assert "asks for CMake 99.0 or newer (tool.py-build-cmake.cmake.minimum_version)" in out


def test_readme_example_command(tmp_path):
    """README's first command: examples/build.sh builds an example's wheel."""
    example = REPO / "examples" / "program"
    shutil.rmtree(example / "build", ignore_errors=True)
    shutil.rmtree(example / "dist", ignore_errors=True)
    env = dict(os.environ, PY_BUILD_CMAKE_EXECUTABLE=str(helper()))
    try:
        run(["bash", REPO / "examples" / "build.sh", "program"], env=env)
        assert only_wheel(example / "dist").name.startswith("program_example-1.0.0-py3-none-")
    finally:
        shutil.rmtree(example / "build", ignore_errors=True)
        shutil.rmtree(example / "dist", ignore_errors=True)


def test_local_files_and_overrides_from_cache_variables(tmp_path):
    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    local = tmp_path / "build-tag.toml"
    local.write_text('[wheel]\nbuild_tag = "7"\n')
    bdir = tmp_path / "build"
    configure(cmake, src, bdir, "Ninja", f"-DPY_BUILD_CMAKE_LOCAL={local}",
              "-DPY_BUILD_CMAKE_OVERRIDES=cmake.options.GREETING=hi;cmake.build_type=Debug")
    cache = (bdir / "CMakeCache.txt").read_text()
    assert "GREETING:STRING=hi" in cache
    assert "CMAKE_BUILD_TYPE:STRING=Debug" in cache
    build(cmake, bdir)
    # The pack step sees the same inputs: the local file's build tag is in the name.
    assert only_wheel(src / "dist").name == f"c_extension_example-0.1.0-7-{full_abi_tags()}.whl"


def test_wheel_of_a_subproject(tmp_path):
    """A py-build-cmake project added with add_subdirectory() to a larger
    build: its wheel installs and depends on its own targets only, and its
    depfile holds its own install rules' inputs (from the reply CMake writes
    in the top build dir)."""
    cmake = cmake_newest()
    outer = tmp_path / "outer"
    outer.mkdir()
    add_install_rules(copy_example("c-extension", outer))
    (outer / "other.c").write_text("int main(void) { return 0; }\n")
    (outer / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.20)\n"
        "project(outer LANGUAGES C)\n"
        "add_executable(other other.c)\n"
        "install(TARGETS other DESTINATION bin)\n"
        "add_subdirectory(c-extension)\n"
    )
    bdir = tmp_path / "build"
    configure(cmake, outer, bdir)
    out = build(cmake, bdir).stdout
    assert "other.c" not in out, out
    names = wheel_names(only_wheel(outer / "c-extension" / "dist"))
    assert not any(n.startswith("bin/") for n in names), names
    assert any(n.startswith("c_extension/_core") for n in names), names
    listed = (bdir / "c-extension" / "py-build-cmake" / "wheel" / "wheel.d").read_text()
    assert str(outer / "c-extension" / "extra.cmake") in listed, listed
    assert str(bdir / "other") not in listed, listed


def read_member(wheel: Path, suffix: str) -> str:
    import zipfile

    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(suffix)]
        return zf.read(name).decode()


@pytest.mark.parametrize("cmake_name", ["cmake4", "cmake3.20"])
@pytest.mark.parametrize("generator", ["Ninja", "Unix Makefiles"])
def test_metadata_inputs_repack_in_a_path_with_spaces(tmp_path, cmake_name, generator):
    """The depfile names the readme and license files, and its paths are
    escaped for Ninja and Make: in a tree whose path holds a space and a `$`,
    each edit repacks, and nothing else does."""
    cmake = CMAKES[cmake_name]()
    # CMake 3.20's Ninja generator leaves a `$` unescaped in the path of its
    # own depfile (CMakeFiles/d/<hash>.d), so there the tree gets a space only.
    root = tmp_path / ("a dir" if cmake_name == "cmake3.20" else "a dir $x")
    src = copy_example("c-extension", root)
    pyproject = src / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        'license = "MIT"', 'license = "MIT"\nlicense-files = ["LICENSE"]'))
    (src / "LICENSE").write_text("MIT License, first\n")
    bdir = root / "build dir"
    configure(cmake, src, bdir, generator)
    build(cmake, bdir)
    no_op_output(generator, build(cmake, bdir).stdout)

    (src / "README.md").write_text("# Example\n\nA second description.\n")
    assert "Packing the wheel" in build(cmake, bdir).stdout
    assert "A second description." in read_member(only_wheel(src / "dist"), ".dist-info/METADATA")
    no_op_output(generator, build(cmake, bdir).stdout)

    (src / "LICENSE").write_text("MIT License, second\n")
    assert "Packing the wheel" in build(cmake, bdir).stdout
    assert read_member(only_wheel(src / "dist"), "/licenses/LICENSE") == "MIT License, second\n"

    init = src / "python" / "c_extension" / "__init__.py"
    init.write_text(init.read_text() + "\nEDITED = 1\n")
    assert "Packing the wheel" in build(cmake, bdir).stdout
    no_op_output(generator, build(cmake, bdir).stdout)


@pytest.mark.parametrize("generator", ["Ninja", "Unix Makefiles"])
def test_reconfigure_alone_does_not_repack(tmp_path, generator):
    """A configure rewrites every cmake_install.cmake, mostly unchanged: the
    wheel step then only touches its stamp. A changed install rule repacks."""
    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    bdir = tmp_path / "build"
    configure(cmake, src, bdir, generator)
    build(cmake, bdir)
    wheel = only_wheel(src / "dist")
    mtime = wheel.stat().st_mtime_ns
    run([cmake, bdir])
    out = build(cmake, bdir).stdout
    assert "is up to date (only the install scripts were rewritten" in out, out
    assert wheel.stat().st_mtime_ns == mtime
    no_op_output(generator, build(cmake, bdir).stdout)

    (src / "data.txt").write_text("data\n")
    with open(src / "CMakeLists.txt", "a") as lists:
        lists.write("install(FILES data.txt DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME} "
                    "COMPONENT python_modules)\n")
    out = build(cmake, bdir).stdout
    assert "is up to date" not in out, out
    assert "c_extension/data.txt" in wheel_names(only_wheel(src / "dist"))
    no_op_output(generator, build(cmake, bdir).stdout)


def add_install_rules(src: Path) -> None:
    """c-extension plus an install(FILES) and an install(SCRIPT) rule of the
    wheel's component, and an install(FILES) of another component."""
    (src / "data.txt").write_text("one\n")
    write_install_script(src, "first")
    (src / "other.txt").write_text("not in the wheel\n")
    with open(src / "CMakeLists.txt", "a") as lists:
        lists.write(
            "install(FILES data.txt DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME} COMPONENT python_modules)\n"
            "install(SCRIPT extra.cmake COMPONENT python_modules)\n"
            "install(FILES other.txt DESTINATION share COMPONENT other)\n"
        )


def write_install_script(src: Path, text: str) -> None:
    (src / "extra.cmake").write_text(
        f'file(WRITE "${{CMAKE_INSTALL_PREFIX}}/c_extension/extra.txt" "{text}\\n")\n'
    )


@pytest.mark.parametrize("cmake_name", ["cmake4", "cmake3.25", "cmake3.20"])
def test_install_rules_decide_what_repacks(tmp_path, cmake_name):
    """The depfile holds what the wheel's install rules read, as CMake's File
    API reports them (codemodel 2.3, CMake 3.21+): an install(SCRIPT) file is
    an input, a file of a component the wheel does not hold is not. CMake
    3.27+ answers in the first configure (cmake_file_api), 3.21 to 3.26 from
    the next one on; CMake 3.20 reports no install rules, so there the
    install scripts are read and install(FILES) inputs still repack."""
    cmake = CMAKES[cmake_name]()
    src = copy_example("c-extension", tmp_path)
    add_install_rules(src)
    bdir = tmp_path / "build"
    configure(cmake, src, bdir)
    if cmake_name == "cmake3.25":
        run([cmake, bdir])
    build(cmake, bdir)
    assert read_member(only_wheel(src / "dist"), "c_extension/extra.txt") == "first\n"
    no_op_output("Ninja", build(cmake, bdir).stdout)

    (src / "data.txt").write_text("two\n")
    assert "Packing the wheel" in build(cmake, bdir).stdout
    assert read_member(only_wheel(src / "dist"), "c_extension/data.txt") == "two\n"
    no_op_output("Ninja", build(cmake, bdir).stdout)
    if cmake_name == "cmake3.20":
        return

    write_install_script(src, "second")
    assert "Packing the wheel" in build(cmake, bdir).stdout
    assert read_member(only_wheel(src / "dist"), "c_extension/extra.txt") == "second\n"
    (src / "other.txt").write_text("edited\n")
    no_op_output("Ninja", build(cmake, bdir).stdout)


def test_driver_asks_for_the_install_rules_before_its_first_configure(tmp_path, monkeypatch):
    """With CMake 3.21 to 3.26 a query written during a configure is read
    by the next one; the driver writes it before its first configure, so the
    first wheel it builds already tracks an install(SCRIPT) file."""
    monkeypatch.setenv("CMAKE", CMAKES["cmake3.22"]())
    src = copy_example("c-extension", tmp_path)
    add_install_rules(src)
    run([helper(), "build", "--project", src, "--python", python_exe()])
    (depfile,) = (src / ".py-build-cmake_cache").glob("**/wheel.d")
    listed = depfile.read_text()
    assert str(src / "extra.cmake") in listed and "other.txt" not in listed, listed


def test_concurrent_wheel_builds_keep_the_dependencies(tmp_path):
    """A second `--target wheel` in one tree while the first is packing: the
    step's lock makes it wait instead of emptying the first one's staging
    dir, both succeed, and a later edit still repacks. (Without the lock this
    passes too when the first pack has opened every file before the second
    empties the staging dir: a regression guard, not a proof of the race.)"""
    import subprocess

    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    # 4 MiB of incompressible data: the (debug) pack takes long enough to overlap.
    (src / "big.bin").write_bytes(os.urandom(4 << 20))
    with open(src / "CMakeLists.txt", "a") as lists:
        lists.write("install(FILES big.bin DESTINATION ${PY_BUILD_CMAKE_IMPORT_NAME} "
                    "COMPONENT python_modules)\n")
    bdir = tmp_path / "build"
    dist = src / "dist"
    configure(cmake, src, bdir)
    build(cmake, bdir)
    init = src / "python" / "c_extension" / "__init__.py"
    cmd = [cmake, "--build", bdir, "--target", "wheel"]
    init.write_text(init.read_text() + "\nROUND = 1\n")
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while not list(dist.glob(".*.whl.*.tmp")):
        assert first.poll() is None, first.communicate()[0]
        assert time.monotonic() < deadline, "the first build never started packing"
        time.sleep(0.005)
    second = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for proc in (first, second):
        out = proc.communicate()[0]
        assert proc.returncode == 0, out
    assert "c_extension/big.bin" in wheel_names(only_wheel(dist))
    init.write_text(init.read_text() + "\nLAST = 1\n")
    assert "Packing the wheel" in build(cmake, bdir).stdout
    no_op_output("Ninja", build(cmake, bdir).stdout)


def test_wheel_step_waits_for_the_lock(tmp_path):
    """The step takes `<build>/py-build-cmake/<target>/wheel.lock` (fcntl, as
    CMake's file(LOCK)) before it touches the staging dir: while another
    holds it, the build waits; once released it packs the edit."""
    import fcntl
    import subprocess

    cmake = cmake_newest()
    src = copy_example("c-extension", tmp_path)
    bdir = tmp_path / "build"
    configure(cmake, src, bdir)
    build(cmake, bdir)
    init = src / "python" / "c_extension" / "__init__.py"
    init.write_text(init.read_text() + "\nLOCKED = 1\n")
    with open(bdir / "py-build-cmake" / "wheel" / "wheel.lock", "a") as lock:
        fcntl.lockf(lock, fcntl.LOCK_EX)
        proc = subprocess.Popen([cmake, "--build", bdir, "--target", "wheel"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(3)
        assert proc.poll() is None, proc.communicate()[0]
        fcntl.lockf(lock, fcntl.LOCK_UN)
    out = proc.communicate(timeout=120)[0]
    assert proc.returncode == 0 and "PyBuildCmake: wrote" in out, out
    assert b"LOCKED = 1" in read_member(only_wheel(src / "dist"), "c_extension/__init__.py").encode()


@pytest.mark.parametrize("how", ["target", "driver"])
@pytest.mark.parametrize("where", ["absolute", "parent"])
def test_install_rule_writing_outside_the_staging_dir_is_refused(tmp_path, how, where):
    """`install(FILES x DESTINATION /abs/dir)` and `DESTINATION ../../..`
    wrote to the build machine and left the wheel without the file. Both are
    refused before anything is installed, naming the rule (from the File
    API reply) and its line."""
    src = copy_example("c-extension", tmp_path)
    host = tmp_path / "host"
    destination = str(host) if where == "absolute" else "../" * 40 + str(host).lstrip("/")
    (src / "data.txt").write_text("one\n")
    lists = src / "CMakeLists.txt"
    line = len(lists.read_text().splitlines()) + 1
    with open(lists, "a") as f:
        f.write(f'install(FILES data.txt DESTINATION "{destination}" COMPONENT python_modules)\n')
    if how == "target":
        bdir = tmp_path / "build"
        configure(cmake_newest(), src, bdir)
        out = build(cmake_newest(), bdir, check=False)
    else:
        out = run([helper(), "build", "--project", src, "--python", python_exe()], check=False)
    assert out.returncode != 0, out.stdout
    text = flat(out.stdout)
    assert "install(FILES) writes outside the wheel's staging dir" in text, out.stdout
    assert f"CMakeLists.txt:{line}" in text and destination in text, out.stdout
    assert not host.exists()
    assert not list((src / "dist").glob("*.whl")) if (src / "dist").exists() else True


@pytest.mark.parametrize("how", ["target", "driver"])
def test_override_file_that_appears_is_an_input(tmp_path, how):
    """A py-build-cmake.local.toml created after the first build was ignored
    (the up-to-date short-cut compared against the last run's inputs, where
    it was absent), even after a rebuild and an edit, until the wheel was
    deleted. The files the configuration would read are inputs too."""
    src = copy_example("c-extension", tmp_path)
    bdir = tmp_path / "build"
    dist = src / "dist"
    if how == "target":
        configure(cmake_newest(), src, bdir)

    def wheel() -> str:
        if how == "target":
            build(cmake_newest(), bdir)
        else:
            for old in dist.glob("*.whl") if dist.exists() else []:
                old.unlink()
            run([helper(), "build", "--project", src, "--python", python_exe(),
                 "--out-dir", dist])
        # The wheel this run wrote (a new build tag is a new name).
        return max(dist.glob("*.whl"), key=lambda w: w.stat().st_mtime_ns).name

    assert "-7-" not in wheel()
    if how == "target":
        no_op_output("Ninja", build(cmake_newest(), bdir).stdout)
    (src / "py-build-cmake.local.toml").write_text('[wheel]\nbuild_tag = "7"\n')
    assert "-7-" in wheel()
    (src / "py-build-cmake.local.toml").write_text('[wheel]\nbuild_tag = "8"\n')
    assert "-8-" in wheel()
    if how == "target":
        no_op_output("Ninja", build(cmake_newest(), bdir).stdout)


def test_two_wheel_targets_writing_one_wheel_path_is_a_configure_error(tmp_path):
    """Two wheel targets of one project packing into one dir would write one
    wheel path, each overwriting the other's: the configure names both."""
    src = copy_example("c-extension", tmp_path)
    lists = src / "CMakeLists.txt"
    lists.write_text(lists.read_text().replace(
        "py_build_cmake_add_wheel()",
        "py_build_cmake_add_wheel()\npy_build_cmake_add_wheel(TARGET wheel_debug COMPONENTS debug)"))
    error = configure_error(src, tmp_path / "build")
    assert "'wheel' and 'wheel_debug' would both write the wheel" in error, error
    assert str(src / "dist") in error, error
