"""Editable installs (PEP 660): `pip install -e` with build isolation on,
the three editable modes, the rebuild-on-import build hook, and the
installed layouts next to py-build-cmake 0.5.1's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cmake_support as cs
from conftest import REFERENCE

CHECK = "import c_extension as m; print(m.add(2, 3))"


def project(tmp_path: Path, editable: str, example="c-extension", generator="Ninja") -> Path:
    """A copy of an example with an [tool.py-build-cmake.editable] section
    (and the generator, so the build hook's fast path is what is tested)."""
    root = cs.copy_example(example, tmp_path)
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    if generator:
        text = text.replace("[tool.py-build-cmake.cmake]\n", f'[tool.py-build-cmake.cmake]\ngenerator = "{generator}"\n')
    pyproject.write_text(text + f"\n[tool.py-build-cmake.editable]\n{editable}\n")
    return root


def site_packages(env: cs.Venv) -> Path:
    (site,) = (env.root / "lib").glob("python3*/site-packages")
    return site


def site_files(env: cs.Venv) -> set[str]:
    site = site_packages(env)
    return {p.relative_to(site).as_posix() for p in site.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def pip(env: cs.Venv, *args, wheelhouse=None, check=True, **extra):
    return cs.run([env.python, "-m", "pip", *args], env=cs.frontend_env(wheelhouse, **extra), check=check)


def run_python(env: cs.Venv, code: str, check=True, **extra) -> subprocess.CompletedProcess:
    """Runs code in the venv; stdout and stderr apart (the build hook's
    warnings and errors go to stderr)."""
    result = subprocess.run([env.python, "-c", code], cwd=env.root, env=dict(os.environ, **extra),
                            capture_output=True, text=True)
    assert not check or result.returncode == 0, result.stdout + result.stderr
    return result


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new))


def without_cmake_and_ninja() -> str:
    """PATH without cmake and ninja: get_requires then asks for them, and
    they come from pip's isolated build env (gone after the build)."""
    bare = os.pathsep.join(d for d in os.environ["PATH"].split(os.pathsep)
                           if not (Path(d) / "cmake").exists() and not (Path(d) / "ninja").exists())
    assert shutil.which("cmake", path=bare) is None
    return bare


def cache_entries(root: Path) -> dict[str, str]:
    (cache,) = (root / ".py-build-cmake_cache").glob("*/CMakeCache.txt")
    return {key.partition(":")[0]: value for key, _, value in
            (line.partition("=") for line in cache.read_text().splitlines()) if ":" in key}


@pytest.mark.parametrize("mode", ["symlink", "hook", "wrapper"])
def test_each_mode_imports_keeps_python_edits_live_and_uninstalls_clean(tmp_path, wheelhouse, mode):
    root = project(tmp_path, f'mode = "{mode}"')
    env = cs.Venv(tmp_path / "venv")
    before = site_files(env)
    pip(env, "install", "-e", root, wheelhouse=wheelhouse)
    assert run_python(env, CHECK).stdout.strip() == "5"
    init = root / "python" / "c_extension" / "__init__.py"
    init.write_text(init.read_text() + '\nEDITED = "live"\n')
    assert run_python(env, "import c_extension as m; print(m.EDITED, m.add(1, 1))").stdout.split() == ["live", "2"]
    pip(env, "uninstall", "--yes", "c-extension-example")
    assert site_files(env) == before


def test_uv_pip_install_editable_rebuilds_on_import(tmp_path, wheelhouse):
    root = project(tmp_path, "build_hook = true")
    env = cs.Venv(tmp_path / "venv")
    uv = Path(sys.executable).parent / "uv"
    cs.run([uv, "pip", "install", "--python", env.python, "-e", root], env=cs.frontend_env(wheelhouse))
    assert run_python(env, CHECK).stdout.strip() == "5"
    edit(root / "src" / "core.c", "a + b", "a + b + 100")
    assert run_python(env, CHECK).stdout.strip() == "105"
    cs.run([uv, "pip", "uninstall", "--python", env.python, "c-extension-example"])
    assert not list(site_packages(env).glob("c_extension*"))


def test_a_project_without_find_package_installs_editable(tmp_path, wheelhouse):
    root = project(tmp_path, 'mode = "symlink"', example="driver-c-module")
    env = cs.Venv(tmp_path / "venv")
    pip(env, "install", "-e", root, wheelhouse=wheelhouse)
    init = root / "python" / "driver_c_module" / "__init__.py"
    init.write_text(init.read_text() + "\nEDITED = 1\n")
    out = run_python(env, "import driver_c_module as m; print(m.add(2, 3), m.EDITED)").stdout.split()
    assert out == ["5", "1"]


def reference_install(tmp_path: Path, editable: str) -> set[str]:
    """The same project installed editable by py-build-cmake 0.5.1 (without
    isolation: its backend comes from the reference dir on PYTHONPATH)."""
    root = cs.with_backend(project(tmp_path / "ref", editable, example=LAYOUT_EXAMPLE, generator=None),
                           "py_build_cmake.build")
    env = cs.Venv(tmp_path / "ref-venv")
    pip(env, "install", "--no-build-isolation", "-e", root, PYTHONPATH=str(REFERENCE))
    return site_files(env)


# A project both backends build (no find_package(PyBuildCmake)).
LAYOUT_EXAMPLE = "driver-c-module"
# Where our installed files differ from py-build-cmake 0.5.1's, and why.
ALLOWED = {
    # py-build-cmake writes an empty entry_points.txt; a project without
    # entry points has none in our wheels (editable or not).
    "driver_c_module-0.2.1.dist-info/entry_points.txt": "no entry points, no file",
}


@pytest.mark.parametrize("editable", ['mode = "symlink"', 'mode = "symlink"\nbuild_hook = true',
                                      'mode = "hook"', 'mode = "wrapper"'])
def test_installed_layout_matches_py_build_cmake(tmp_path, wheelhouse, editable):
    if not (REFERENCE / "py_build_cmake").is_dir():
        pytest.skip(f"py-build-cmake 0.5.1 is not in {REFERENCE} (tests/venv.sh puts it there)")
    ours_env = cs.Venv(tmp_path / "venv")
    pip(ours_env, "install", "-e", project(tmp_path, editable, example=LAYOUT_EXAMPLE, generator=None),
        wheelhouse=wheelhouse)
    ours = site_files(ours_env)
    theirs = reference_install(tmp_path, editable)
    assert ours ^ theirs <= set(ALLOWED), sorted(ours ^ theirs)
    pth = (site_packages(ours_env) / "driver_c_module.pth").read_text().splitlines()
    imports = [line for line in pth if line.startswith("import ")]
    expected = {"build_hook = true": ["import driver_c_module_build_hook"],
                'mode = "hook"': ["import driver_c_module_editable_hook"]}
    assert imports == next((v for k, v in expected.items() if k in editable), [])


def test_build_hook_rebuilds_on_import_reports_errors_and_locks(tmp_path, wheelhouse):
    root = project(tmp_path, "build_hook = true")
    env = cs.Venv(tmp_path / "venv")
    pip(env, "install", "-e", root, wheelhouse=wheelhouse)
    assert run_python(env, CHECK).stdout.strip() == "5"
    core = root / "src" / "core.c"
    edit(core, "a + b", "a + b + 100")
    assert run_python(env, CHECK).stdout.strip() == "105"

    edit(core, "a + b + 100", "a + b +")
    failed = run_python(env, CHECK, check=False)
    assert failed.returncode != 0
    assert "ImportError" in failed.stderr and "rebuilding 'c_extension' failed" in failed.stderr
    assert "core.c" in failed.stderr and "error:" in failed.stderr, failed.stderr
    edit(core, "a + b +", "a + b + 7")
    assert run_python(env, CHECK).stdout.strip() == "12"

    # Two processes import at once after an edit: one builds, the other waits.
    edit(core, "a + b + 7", "a + b + 1000")
    procs = [subprocess.Popen([env.python, "-c", CHECK], cwd=env.root, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    assert [(out.strip(), code) for out, _, code in results] == [("1005", 0)] * 2, results


def test_build_hook_survives_the_deleted_isolated_build_env(tmp_path, wheelhouse):
    """CMake and Ninja only in pip's isolated env (requested by
    get_requires): once pip deletes it, an import without any cmake warns
    once and imports the last build; with cmake on PATH it reconfigures and
    rebuilds."""
    root = project(tmp_path, "build_hook = true")
    env = cs.Venv(tmp_path / "venv")
    bare_path = without_cmake_and_ninja()
    pip(env, "install", "-e", root, wheelhouse=wheelhouse, PATH=bare_path)
    assert not Path(cache_entries(root)["CMAKE_COMMAND"]).exists(), "the isolated env's cmake should be gone"

    edit(root / "src" / "core.c", "a + b", "a + b + 100")
    warned = run_python(env, CHECK, PATH=bare_path)
    assert warned.stdout.strip() == "5"
    warnings = [line for line in warned.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "not rebuilding 'c_extension'" in warnings[0], warned.stderr
    assert "pip install cmake" in warnings[0]

    assert run_python(env, CHECK).stdout.strip() == "105"


def regular_build(frontend: str, env: cs.Venv, root: Path, dist: Path, wheelhouse: Path, **extra) -> None:
    """A wheel of the project, built with build isolation: by the venv's pip
    (the build env is an overlay of its interpreter) or by build (from the
    tests' venv, for the same interpreter: a venv of its own, whose
    interpreter goes with it)."""
    if frontend == "pip wheel":
        pip(env, "wheel", "--no-deps", "-w", dist, root, wheelhouse=wheelhouse, **extra)
    else:
        cs.run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, root],
               env=cs.frontend_env(wheelhouse, **extra))
    assert cs.wheels(dist)


@pytest.mark.parametrize("example, module, source, frontend",
                         [("c-extension", "c_extension", "src/core.c", "pip wheel"),
                          ("c-extension", "c_extension", "src/core.c", "python -m build"),
                          ("pybind11", "pybind11_example", "src/core.cpp", "pip wheel")])
def test_build_hook_outlives_a_regular_build_of_the_same_tree(tmp_path, wheelhouse, example, module,
                                                               source, frontend):
    """A regular build of the project reuses the editable install's build
    tree, from its own isolated env (CMake, Ninja, pybind11 there too), which
    goes after the build: the build hook still rebuilds, and installs what
    that build built."""
    root = project(tmp_path, "build_hook = true", example=example)
    env = cs.Venv(tmp_path / "venv")
    check = f"import {module} as m; print(m.add(2, 3))"
    pip(env, "install", "-e", root, wheelhouse=wheelhouse)
    assert run_python(env, check).stdout.strip() == "5"

    edit(root / source, "a + b", "a + b + 100")
    regular_build(frontend, env, root, tmp_path / "dist", wheelhouse, PATH=without_cmake_and_ninja())
    cache = cache_entries(root)
    assert not Path(cache["CMAKE_COMMAND"]).exists(), "the isolated env's cmake should be gone"
    tools = root / ".py-build-cmake_cache" / "pybuildcmake"
    for key in ["PyBuildCmake_DIR", "PY_BUILD_CMAKE_EXECUTABLE"]:
        assert Path(cache[key]).is_relative_to(tools), (key, cache[key])
    # What the regular build built reaches the editable tree.
    assert run_python(env, check).stdout.strip() == "105"
    edit(root / source, "a + b + 100", "a + b + 7")
    assert run_python(env, check).stdout.strip() == "12"


def test_an_editable_install_after_a_regular_build_rebuilds_on_import(tmp_path, wheelhouse):
    root = project(tmp_path, "build_hook = true")
    env = cs.Venv(tmp_path / "venv")
    bare_path = without_cmake_and_ninja()
    regular_build("pip wheel", env, root, tmp_path / "dist", wheelhouse, PATH=bare_path)
    pip(env, "install", "-e", root, wheelhouse=wheelhouse, PATH=bare_path)
    assert run_python(env, CHECK).stdout.strip() == "5"
    edit(root / "src" / "core.c", "a + b", "a + b + 100")
    assert run_python(env, CHECK).stdout.strip() == "105"


def test_what_py_build_cmake_refuses_names_file_and_key(tmp_path):
    single = tmp_path / "single"
    single.mkdir()
    (single / "single.py").write_text("X = 1\n")
    (single / "pyproject.toml").write_text(
        '[project]\nname = "single"\nversion = "1.0"\ndescription = "d"\n'
        '[tool.py-build-cmake.module]\nname = "single"\n'
        '[tool.py-build-cmake.editable]\nmode = "wrapper"\n')
    hook = tmp_path / "hook"
    shutil.copytree(single, hook)
    (hook / "pyproject.toml").write_text(
        (single / "pyproject.toml").read_text().replace('mode = "wrapper"', 'mode = "hook"\nbuild_hook = true'))
    for root, key in [(single, "editable.mode"), (hook, "editable.build_hook")]:
        result = cs.run([cs.helper(), "pep517", "build-editable", "--project", root,
                         "--wheel-directory", tmp_path / "dist"], check=False)
        assert result.returncode != 0
        assert str(root / "pyproject.toml") in result.stdout and key in result.stdout, result.stdout
        assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())


def test_the_tool_itself_installs_editable(tmp_path):
    env = cs.Venv(tmp_path / "venv")
    pip(env, "install", "-e", cs.REPO, CARGO_TARGET_DIR=str(cs.REPO / "target"))
    out = cs.run([env.python, "-m", "pybuildcmake", "--cmakedir"], cwd=tmp_path).stdout.strip()
    assert Path(out) == cs.REPO / "cmake"
    assert cs.run([env.scripts / "py-build-cmake", "--version"]).stdout.startswith("py-build-cmake ")
    pip(env, "uninstall", "--yes", "pybuildcmake")
    assert not (env.scripts / "py-build-cmake").exists()


@pytest.mark.parametrize("generator", ["Ninja", "Ninja Multi-Config"])
def test_the_cmake_editable_target_installs_into_the_target_environment(tmp_path, generator):
    root = project(tmp_path, "build_hook = true", generator=None)
    env = cs.Venv(tmp_path / "venv")
    build = tmp_path / "build"
    cs.configure(cs.cmake_newest(), root, build, generator, f"-DPY_BUILD_CMAKE_PYTHON={env.python}")
    cs.build(cs.cmake_newest(), build, target="editable")
    assert run_python(env, CHECK).stdout.strip() == "5"
    # The build hook rebuilds this tree, the one the IDE builds.
    edit(root / "src" / "core.c", "a + b", "a + b + 100")
    assert run_python(env, CHECK).stdout.strip() == "105"
    edit(root / "src" / "core.c", "a + b + 100", "a + b + 5")
    cs.build(cs.cmake_newest(), build, target="editable")
    assert run_python(env, CHECK).stdout.strip() == "10"


def test_build_hook_of_a_pybind11_project_outlives_the_isolated_env(tmp_path, wheelhouse):
    """pybind11 comes from pip's isolated env, which is gone after the
    install: the rebuild includes the copy of its headers the install kept."""
    root = project(tmp_path, "build_hook = true", example="pybind11")
    env = cs.Venv(tmp_path / "venv")
    pip(env, "install", "-e", root, wheelhouse=wheelhouse)
    check = "import pybind11_example as m; print(m.add(2, 3))"
    assert run_python(env, check).stdout.strip() == "5"
    assert not (site_packages(env) / "pybind11").exists()
    edit(root / "src" / "core.cpp", "a + b", "a + b + 100")
    assert run_python(env, check).stdout.strip() == "105"
