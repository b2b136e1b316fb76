"""`py-build-cmake build` against py-build-cmake 0.5.1 on projects in its own
style (tests/fixtures/driver/<case>/, one behaviour each): both build every
case from the same sources; the wheels must have the same name, the same
files with the same bytes (outside .dist-info) and the same METADATA, but
for the differences listed in ALLOWED. Our wheels are then installed and
imported.

The reference runs through PyPA build with PYTHONPATH at
.venv/opt/py-build-cmake-0.5 (see tests/venv.sh), its component projects
through its `py_build_cmake.build_component` backend.
"""

from __future__ import annotations

import email.parser
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from cmake_support import Venv, build, cmake_newest, configure, helper, python_exe, run
from conftest import REFERENCE

FIXTURES = Path(__file__).parent / "fixtures" / "driver"

# Every way our wheel may differ from py-build-cmake 0.5.1's, with the reason.
ALLOWED = {
    "entry_points.txt": "0.5.1 writes an empty entry_points.txt when there are no entry points; "
    "an empty one says nothing, so we write none",
    "Metadata-Version": "0.5.1 always writes 2.1; we write the lowest version covering the fields used",
    "CMakeLists.txt": "0.5.1's sdist holds CMakeLists.txt only when sdist.include names it; ours always "
    "holds what building it needs",
}

# case -> the module whose import must work after installing our wheel, and
# what it must print.
CASES = {
    "src-layout": ("import parity_src_layout as m; print(m.BUILT)", "built by CMake"),
    "version-by-import": (
        "import parity_version_by_import as m; print(m.__version__)",
        "2.3.4",
    ),
    "artifacts-prefix": (
        "import importlib.resources as r; print(r.files('parity_artifacts_prefix')"
        ".joinpath('hints.txt').read_text().replace(chr(10), ' '))",
        "Python_EXECUTABLE: unset Python_BUILD_EXECUTABLE: set Python_BUILD_FIND_STRATEGY: set "
        "Python3_EXECUTABLE: unset Python3_HOST_EXECUTABLE: set Python3_HOST_FIND_STRATEGY: set "
        "Python3_FIND_STRATEGY: set",
    ),
    "stubgen": ("import parity_stubgen as m; print(m.double(m.area(2, 3.0)))", "12.0"),
    # py-build-cmake copies the module's sources, then installs: CMake's file wins.
    "install-over-source": (
        "import importlib.resources as r; "
        "print(r.files('parity_install_over_source').joinpath('data.txt').read_text().strip())",
        "installed by CMake",
    ),
    "empty-install": (None, None),
}


def reference_build(project: Path, out: Path) -> Path:
    assert (REFERENCE / "py_build_cmake").is_dir(), f"py-build-cmake 0.5.1 is not in {REFERENCE}; run tests/venv.sh"
    env = dict(os.environ, PYTHONPATH=str(REFERENCE))
    run([python_exe(), "-m", "build", "--wheel", "--no-isolation", "-o", out, project], env=env)
    (wheel,) = out.glob("*.whl")
    return wheel


def driver_build(project: Path, out: Path) -> tuple[Path, str]:
    result = run([helper(), "build", "--project", project, "--python", python_exe(), "--out-dir", out])
    wheel = Path(result.stdout.strip().splitlines()[-1])
    assert wheel.parent == out and wheel.is_file(), result.stdout
    return wheel, result.stdout


def contents(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def metadata(files: dict[str, bytes]) -> tuple[list[tuple[str, str]], str]:
    (name,) = [n for n in files if n.endswith(".dist-info/METADATA")]
    message = email.parser.BytesParser().parsebytes(files[name])
    headers = [(k, str(v)) for k, v in message.items() if k not in ALLOWED]
    return headers, message.get_payload()


def assert_same_wheel(ours: Path, theirs: Path) -> None:
    assert ours.name == theirs.name
    our_files, their_files = contents(ours), contents(theirs)
    skipped = {
        n for n, data in their_files.items()
        if n.endswith(".dist-info/entry_points.txt") and not data.strip()
    }
    assert sorted(our_files) == sorted(set(their_files) - skipped)
    for name, data in our_files.items():
        if ".dist-info/" not in name:
            assert data == their_files[name], name
    assert metadata(our_files) == metadata(their_files)


def copy(case: str, dest: Path) -> Path:
    shutil.copytree(FIXTURES / case, dest)
    return dest


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    return Venv(tmp_path_factory.mktemp("parity") / "venv")


@pytest.mark.parametrize("case", sorted(CASES))
def test_driver_matches_py_build_cmake(tmp_path, venv, case):
    ours, log = driver_build(copy(case, tmp_path / "ours"), tmp_path / "ours-dist")
    theirs = reference_build(copy(case, tmp_path / "theirs"), tmp_path / "theirs-dist")
    assert_same_wheel(ours, theirs)

    code, expected = CASES[case]
    venv.install(ours)
    if code:
        assert venv.run_python(code).strip() == expected
    if case == "stubgen":
        names = contents(ours)
        assert b"def area(width, height: float = 1.0)" in names["parity_stubgen/shapes.pyi"]
        assert names["parity_stubgen/kept.pyi"].startswith(b"# Written by hand")
    if case == "empty-install":
        assert all(".dist-info/" in n for n in contents(ours))
        assert [line for line in log.splitlines() if "warning" in line] == [
            line for line in log.splitlines() if "holds no files" in line
        ] != []


def test_component_wheel_matches_build_component(tmp_path, venv):
    built = {}
    for who in ("ours", "theirs"):
        main = copy("component", tmp_path / who)
        out = tmp_path / f"{who}-dist"
        if who == "ours":
            main_wheel, _ = driver_build(main, out)
            component_wheel, _ = driver_build(main / "debug", out)
        else:
            main_wheel = reference_build(main, out / "main")
            component_wheel = reference_build(main / "debug", out / "debug")
        built[who] = (main_wheel, component_wheel)
    for ours, theirs in zip(built["ours"], built["theirs"]):
        assert_same_wheel(ours, theirs)

    main_wheel, component_wheel = built["ours"]
    assert sorted(n for n in contents(component_wheel) if ".dist-info/" not in n) == [
        "parity_component/core.debug"
    ]
    venv.install(main_wheel)
    venv.install(component_wheel)
    code = "import parity_component as m, pathlib; print(m.CORE, (pathlib.Path(m.__file__).parent / 'core.debug').read_text().strip())"
    assert venv.run_python(code).split() == ["core", "symbols"]


def test_cmake_native_component_wheel_matches_the_driver(tmp_path):
    """The README's CMake-native way: a second py_build_cmake_add_wheel() with
    PROJECT_DIR naming the component project gives the same two wheels."""
    main = copy("component", tmp_path / "native")
    lists = (main / "CMakeLists.txt").read_text()
    lists = lists.replace("LANGUAGES NONE)\n", "LANGUAGES NONE)\nfind_package(PyBuildCmake REQUIRED)\n", 1)
    lists += (
        "py_build_cmake_add_wheel()\n"
        "py_build_cmake_add_wheel(TARGET wheel_debug COMPONENTS debug PROJECT_DIR debug)\n"
        # A custom target's outputs are installed: see the README's limits.
        "add_dependencies(wheel core)\nadd_dependencies(wheel_debug core)\n"
    )
    (main / "CMakeLists.txt").write_text(lists)
    # A relative override file is the main project's, for both wheels.
    (main / "extra.local.toml").write_text("")
    configure(cmake_newest(), main, tmp_path / "build", "Ninja", "-DPY_BUILD_CMAKE_LOCAL=extra.local.toml")
    step = (tmp_path / "build" / "py-build-cmake" / "wheel_debug" / "command.txt").read_text().split(";")
    assert step.count("--project") == 1 and step[step.index("--project") + 1] == str(main / "debug"), step
    assert step[step.index("--local") + 1] == str(main / "extra.local.toml"), step
    # The driver builds this project's own wheel target, never the component's.
    cache = (tmp_path / "build" / "CMakeCache.txt").read_text()
    assert "_PY_BUILD_CMAKE_WHEEL_STAMP_wheel:" in cache and "_PY_BUILD_CMAKE_WHEEL_STAMP_wheel_debug" not in cache
    build(cmake_newest(), tmp_path / "build", target="wheel")
    build(cmake_newest(), tmp_path / "build", target="wheel_debug")
    native = sorted((main / "dist").glob("*.whl"))

    driver = copy("component", tmp_path / "driver")
    expected = sorted([driver_build(driver, tmp_path / "dist")[0], driver_build(driver / "debug", tmp_path / "dist")[0]])
    assert [w.name for w in native] == [w.name for w in expected]
    for ours, theirs in zip(native, expected):
        assert_same_wheel(ours, theirs)


def test_wheel_target_installs_over_the_module_sources_as_the_driver_does(tmp_path):
    """The `wheel` target stages in the driver's order: a file CMake installs
    replaces the module's source file of the same path, whether the target is
    built by hand or by `py-build-cmake build`."""
    project = copy("install-over-source", tmp_path / "native")
    lists = (project / "CMakeLists.txt").read_text()
    lists = lists.replace("LANGUAGES NONE)\n", "LANGUAGES NONE)\nfind_package(PyBuildCmake REQUIRED)\n", 1)
    (project / "CMakeLists.txt").write_text(lists + "py_build_cmake_add_wheel()\n")
    configure(cmake_newest(), project, tmp_path / "build")
    build(cmake_newest(), tmp_path / "build", target="wheel")
    (native,) = (project / "dist").glob("*.whl")
    driven, log = driver_build(project, tmp_path / "driven-dist")
    assert "--target wheel" in log
    staged_by_driver, _ = driver_build(copy("install-over-source", tmp_path / "driver"), tmp_path / "dist")
    for wheel in (native, driven, staged_by_driver):
        assert contents(wheel)["parity_install_over_source/data.txt"] == b"installed by CMake\n", wheel
    assert_same_wheel(native, staged_by_driver)
    assert_same_wheel(driven, staged_by_driver)


def test_src_layout_sdist_matches_py_build_cmake(tmp_path):
    ours = copy("src-layout", tmp_path / "ours")
    result = run([helper(), "sdist", "--project", ours, "--out-dir", tmp_path / "ours-dist"])
    our_sdist = Path(result.stdout.strip().splitlines()[-1])
    theirs = copy("src-layout", tmp_path / "theirs")
    env = dict(os.environ, PYTHONPATH=str(REFERENCE))
    run([python_exe(), "-m", "build", "--sdist", "--no-isolation", "-o", tmp_path / "theirs-dist", theirs], env=env)
    (their_sdist,) = (tmp_path / "theirs-dist").glob("*.tar.gz")
    assert our_sdist.name == their_sdist.name
    members = lambda p: sorted(m.name for m in tarfile.open(p).getmembers() if m.isfile())
    extra = {"parity_src_layout-1.0/CMakeLists.txt"}  # ALLOWED["CMakeLists.txt"]
    assert set(members(our_sdist)) == set(members(their_sdist)) | extra


def test_component_needs_the_main_build_tree(tmp_path):
    main = copy("component", tmp_path / "src")
    result = run([helper(), "build", "--project", main / "debug", "--python", python_exe()], check=False)
    assert result.returncode != 0
    assert "the main project has no build tree" in result.stdout, result.stdout
    assert "build it first" in result.stdout


def test_import_fallback_error_says_what_was_tried(tmp_path):
    project = copy("version-by-import", tmp_path / "src")
    (project / "parity_version_by_import" / "__about__.py").write_text("raise RuntimeError('no version here')\n")
    result = run([helper(), "build", "--project", project, "--python", python_exe()], check=False)
    assert result.returncode != 0
    assert "has no __version__" in result.stdout, result.stdout
    assert "importing it with" in result.stdout and "RuntimeError: no version here" in result.stdout


def test_component_project_errors_name_the_key(tmp_path):
    main = copy("component", tmp_path / "src")
    pyproject = main / "debug" / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace('install_components = ["debug"]', "install_only = true"))
    result = run([helper(), "build", "--project", main / "debug", "--python", python_exe()], check=False)
    assert result.returncode != 0 and "component.install_components" in result.stdout, result.stdout
    pyproject.write_text(text.replace("[tool.py-build-cmake.component]", "[tool.py-build-cmake.component.3]"))
    result = run([helper(), "build", "--project", main, "--python", python_exe()])
    result = run([helper(), "build", "--project", main / "debug", "--python", python_exe()], check=False)
    assert result.returncode != 0 and "component] 3 names no CMake configuration" in result.stdout, result.stdout


def test_component_build_takes_the_main_projects_overrides(tmp_path):
    # -o configures the main project; the component project (no CMakeLists.txt
    # of its own) only takes its own keys, as with py-build-cmake.
    main = copy("component", tmp_path / "src")
    options = ["-o", "cmake.build_type=Release", "-o", "component.install_only=true"]
    run([helper(), "build", "--project", main, "--python", python_exe(), *options])
    result = run([helper(), "build", "--project", main / "debug", "--python", python_exe(), *options])
    assert "--build" not in result.stdout, result.stdout
    assert "--component debug" in result.stdout
