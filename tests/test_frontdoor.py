"""The front door: the pybuildcmake wheel (built from this checkout by pip
through its in-tree backend) and the PEP 517 backend `pybuildcmake.build`,
driven by real frontends (pip, build, uv) with build isolation on. The
isolated build envs get the tool's wheel from a wheelhouse (PIP_FIND_LINKS,
UV_FIND_LINKS) and everything else (pybind11, nanobind) from PyPI; CMake and
Ninja are the project venv's, on PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

import cmake_support as cs
from test_wheel_pack import validate

VERSION = tomllib.loads((cs.REPO / "Cargo.toml").read_text())["package"]["version"]

# What each example's module must do once installed.
IMPORT_CHECKS = {
    "c-extension": "import c_extension as m; assert m.add(2, 3) == 5; print(m.greet('pip'))",
    "pybind11": "import pybind11_example as m; assert m.add(2, 3) == 5; print(m.mean([1.0, 3.0]))",
    "nanobind": "import nanobind_example as m; assert m.add(2, 3) == 5; print(m.shout('pip'))",
    "driver-c-module": "import driver_c_module as m; assert m.add(2, 3) == 5; print(m.greeting())",
}


def tool_wheel(wheelhouse: Path) -> Path:
    (wheel,) = wheelhouse.glob("pybuildcmake-*.whl")
    return wheel


@pytest.fixture(scope="module")
def tool_venv(tmp_path_factory, wheelhouse) -> cs.Venv:
    env = cs.Venv(tmp_path_factory.mktemp("tool-venv"))
    env.install(tool_wheel(wheelhouse))
    return env


def build_with(tmp_path: Path, wheelhouse: Path, project: Path, *args: str, check=True, env=None):
    """`python -m build` with build isolation into tmp_path/dist."""
    return cs.run(
        [sys.executable, "-m", "build", "--outdir", tmp_path / "dist", *args, project],
        env=env or cs.frontend_env(wheelhouse),
        check=check,
    )


def test_the_tool_is_a_platform_wheel_with_executable_cmake_package_and_backend(wheelhouse):
    wheel = tool_wheel(wheelhouse)
    assert re.fullmatch(rf"pybuildcmake-{re.escape(VERSION)}-py3-none-manylinux_2_\d+_x86_64\.whl", wheel.name)
    validate(wheel)
    data = f"pybuildcmake-{VERSION}.data"
    with zipfile.ZipFile(wheel) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        exe = infos[f"{data}/scripts/py-build-cmake"]
        assert exe.external_attr >> 16 & 0o777 == 0o755
        assert zf.read(exe)[:4] == b"\x7fELF"
        for path in (cs.REPO / "cmake").glob("*.cmake"):
            assert zf.read(f"{data}/data/share/cmake/PyBuildCmake/{path.name}") == path.read_bytes()
        for module in ["__init__.py", "__main__.py", "build.py"]:
            assert f"pybuildcmake/{module}" in infos


def test_pip_install_of_the_checkout(tmp_path):
    env = cs.Venv(tmp_path / "venv")
    cs.run([env.python, "-m", "pip", "install", "--quiet", cs.REPO], env=cs.frontend_env(None))
    assert cs.run([env.scripts / "py-build-cmake", "--version"]).stdout.strip() == f"py-build-cmake {VERSION}"


def test_the_tools_sdist_builds_the_same_wheel(tmp_path, wheelhouse):
    # The sdist's build reuses the checkout's compiled dependencies.
    env = cs.frontend_env(None, CARGO_TARGET_DIR=str(cs.REPO / "target"))
    cs.run([sys.executable, "-m", "build", "--sdist", "--outdir", tmp_path, cs.REPO], env=env)
    sdist = tmp_path / f"pybuildcmake-{VERSION}.tar.gz"
    with tarfile.open(sdist) as tf:
        names = set(tf.getnames())
    base = f"pybuildcmake-{VERSION}"
    for needed in ["Cargo.toml", "Cargo.lock", "src/main.rs", "cmake/PyBuildCmakeConfig.cmake",
                   "data/manylinux-policy.json", "python/pybuildcmake/build.py", "pyproject.toml"]:
        assert f"{base}/{needed}" in names, needed
    cs.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", tmp_path / "from-sdist", sdist], env=env)
    rebuilt = cs.only_wheel(tmp_path / "from-sdist")
    assert rebuilt.name == tool_wheel(wheelhouse).name
    validate(rebuilt)


def test_one_version_number():
    pyproject = tomllib.loads((cs.REPO / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == VERSION
    version_file = (cs.REPO / "cmake" / "PyBuildCmakeConfigVersion.cmake").read_text()
    assert f'set(PACKAGE_VERSION "{VERSION}")' in version_file
    assert cs.run([cs.helper(), "--version"]).stdout.strip() == f"py-build-cmake {VERSION}"


def test_installed_wheel_is_found_by_cmake_from_path_alone(tmp_path, tool_venv):
    cmake_dir = tool_venv.root / "share" / "cmake" / "PyBuildCmake"
    out = cs.run([tool_venv.python, "-m", "pybuildcmake", "--cmakedir"], cwd=tmp_path).stdout
    assert Path(out.strip()) == cmake_dir
    out = cs.run([tool_venv.python, "-m", "pybuildcmake", "--executable"], cwd=tmp_path).stdout
    assert Path(out.strip()) == tool_venv.scripts / "py-build-cmake"

    # No CMAKE_PREFIX_PATH, no PY_BUILD_CMAKE_EXECUTABLE: CMake derives the
    # prefix from <venv>/bin on PATH, and the package uses the wheel's executable.
    src = cs.copy_example("c-extension", tmp_path)
    env = cs.frontend_env(None, PATH=f"{tool_venv.scripts}{os.pathsep}{os.environ['PATH']}")
    build = tmp_path / "build"
    cs.run([cs.cmake_newest(), "-S", src, "-B", build, "-G", "Ninja",
            f"-DPY_BUILD_CMAKE_PYTHON={cs.python_exe()}"], env=env)
    cache = (build / "CMakeCache.txt").read_text()
    assert f"PyBuildCmake_DIR:PATH={cmake_dir}\n" in cache
    vars_text = (build / "py-build-cmake" / "cmake-vars.key").read_text()
    assert vars_text.startswith(f"{tool_venv.scripts / 'py-build-cmake'}@"), vars_text
    cs.run([cs.cmake_newest(), "--build", build, "--target", "wheel"], env=env)
    assert cs.only_wheel(src / "dist").name.startswith("c_extension_example-0.1.0-")


@pytest.mark.parametrize("example", list(IMPORT_CHECKS))
def test_pip_install_of_an_example(tmp_path, wheelhouse, example):
    src = cs.copy_example(example, tmp_path)
    env = cs.Venv(tmp_path / "venv")
    cs.run([env.python, "-m", "pip", "install", "--quiet", src], env=cs.frontend_env(wheelhouse))
    out = env.run_python(IMPORT_CHECKS[example])
    assert out.strip() in {"Hello, pip!", "2.0", "pip!", "hello"}, out


def test_sdist_then_wheel_from_it_pass_the_validators(tmp_path, wheelhouse):
    src = cs.copy_example("c-extension", tmp_path / "src")
    build_with(tmp_path, wheelhouse, src)
    dist = tmp_path / "dist"
    (sdist,) = dist.glob("*.tar.gz")
    wheel = cs.only_wheel(dist)
    assert sdist.name == "c_extension_example-0.1.0.tar.gz"
    validate(wheel)
    cs.run([sys.executable, "-m", "twine", "check", "--strict", sdist])
    with tarfile.open(sdist) as tf:
        pyproject = tf.extractfile("c_extension_example-0.1.0/pyproject.toml").read().decode()
        assert not [m for m in tf.getnames() if ".py-build-cmake_cache" in m]
    assert 'build-backend = "pybuildcmake.build"' in pyproject
    # `pip install <sdist>` builds it again, from scratch, with our backend.
    env = cs.Venv(tmp_path / "venv")
    cs.run([env.python, "-m", "pip", "install", "--quiet", sdist], env=cs.frontend_env(wheelhouse))
    assert env.run_python(IMPORT_CHECKS["c-extension"]).strip() == "Hello, pip!"


def test_prepared_metadata_is_the_wheels(tmp_path, wheelhouse, tool_venv):
    src = cs.copy_example("driver-c-module", tmp_path / "src")
    code = (
        "import sys, pybuildcmake.build as b\n"
        "print(b.prepare_metadata_for_build_wheel(sys.argv[1]))\n"
    )
    (tmp_path / "meta").mkdir()
    out = cs.run([tool_venv.python, "-c", code, tmp_path / "meta"], cwd=src).stdout
    name = out.strip().splitlines()[-1]
    assert name == "driver_c_module-0.2.1.dist-info"
    assert not list((src / ".py-build-cmake_cache").glob("*")), "metadata must not configure or compile"
    build_with(tmp_path, wheelhouse, src, "--wheel")
    with zipfile.ZipFile(cs.only_wheel(tmp_path / "dist")) as zf:
        assert zf.read(f"{name}/METADATA") == (tmp_path / "meta" / name / "METADATA").read_bytes()


def test_override_setting_reaches_cmake(tmp_path, wheelhouse):
    src = cs.copy_example("driver-c-module", tmp_path / "src")
    build_with(tmp_path, wheelhouse, src, "--wheel",
               "-C", "override=cmake.options.DRIVER_EXAMPLE_GREETING=bonjour",
               "-C", "o=wheel.build_tag=7")
    wheel = cs.only_wheel(tmp_path / "dist")
    assert wheel.name.startswith("driver_c_module-0.2.1-7-")
    env = cs.Venv(tmp_path / "venv")
    env.install(wheel)
    assert env.run_python(IMPORT_CHECKS["driver-c-module"]).strip() == "bonjour"


def test_cross_setting_gives_an_aarch64_wheel_that_imports_under_qemu(tmp_path, wheelhouse):
    import test_cross as tc

    src = cs.copy_example("c-extension", tmp_path / "src")
    cross = tc.write_cross_config(tmp_path, "arm64")
    build_with(tmp_path, wheelhouse, src, "--wheel", "-C", f"cross={cross}")
    wheel = cs.only_wheel(tmp_path / "dist")
    assert wheel.name == "c_extension_example-0.1.0-cp311-cp311-linux_aarch64.whl"
    tc.check_binaries(wheel, "arm64")
    root, _ = tc.sysroot("arm64")
    site = tc.install_into_sysroot(wheel, root)
    out = tc.run_on_target("arm64", tc.EXAMPLES["c-extension"][1], site)
    assert out.strip() == "aarch64"


def test_uv_build(tmp_path, wheelhouse):
    src = cs.copy_example("c-extension", tmp_path / "src")
    uv = Path(sys.executable).parent / "uv"
    cs.run([uv, "build", "--wheel", "--out-dir", tmp_path / "dist", src],
           env=cs.frontend_env(wheelhouse, UV_PYTHON=sys.executable))
    wheel = cs.only_wheel(tmp_path / "dist")
    validate(wheel)


@pytest.mark.parametrize("example, language", [("c-extension", "C"), ("pybind11", "CXX")])
def test_a_second_build_recompiles_nothing(tmp_path, wheelhouse, example, language):
    src = cs.copy_example(example, tmp_path / "src")
    first = build_with(tmp_path / "1", wheelhouse, src, "--wheel", "-C", "verbose").stdout
    second = build_with(tmp_path / "2", wheelhouse, src, "--wheel", "-C", "verbose").stdout
    # Each build ran in a new isolated env, which is gone by the second: the
    # tree was re-pointed at the new CMake, its objects kept; the env's
    # pybind11 headers are included from the copy that outlives it.
    assert f"Building {language} object" in first
    assert f"Building {language} object" not in second and "Linking" not in second, second
    assert "Built target _core" in second
    assert (cs.only_wheel(tmp_path / "1" / "dist").read_bytes()
            == cs.only_wheel(tmp_path / "2" / "dist").read_bytes())


def test_quiet_by_default_one_line_per_step(tmp_path, wheelhouse):
    src = cs.copy_example("c-extension", tmp_path / "src")
    out = build_with(tmp_path, wheelhouse, src, "--wheel").stdout
    steps = [line for line in out.splitlines() if line.startswith("py-build-cmake: ")]
    assert [s.split(":")[1].strip() for s in steps] == ["configure", "build", "wheel"], out
    assert "Building C object" not in out and "-- Configuring done" not in out


def test_unknown_setting_and_missing_files_are_named(tmp_path, wheelhouse):
    src = cs.copy_example("c-extension", tmp_path / "src")
    result = build_with(tmp_path, wheelhouse, src, "--wheel", "-C", "crosss=x.toml", check=False)
    assert result.returncode != 0
    assert 'unknown config setting "crosss"; the known ones are local, --local, cross' in result.stdout
    for key in ["cross", "--local"]:
        result = build_with(tmp_path, wheelhouse, src, "--wheel", f"--config-setting={key}=missing.toml",
                            check=False)
        assert result.returncode != 0
        assert f"{src / 'missing.toml'} (config setting \"{key}\") does not exist" in result.stdout


def test_a_compiler_error_reaches_the_user_and_leaves_no_wheel(tmp_path, wheelhouse):
    src = cs.copy_example("c-extension", tmp_path / "src")
    core = src / "src" / "core.c"
    core.write_text(core.read_text() + "\nint broken(void) { return undeclared_thing; }\n")
    result = build_with(tmp_path, wheelhouse, src, "--wheel", check=False)
    assert result.returncode != 0
    # gcc quotes with ' or with typographic quotes, as the locale says.
    assert re.search(r"error: .undeclared_thing. undeclared", result.stdout), result.stdout
    assert "the build step failed" in result.stdout
    out_dir = tmp_path / "dist"
    assert not out_dir.exists() or list(out_dir.iterdir()) == []


def get_requires(project: Path, path: str, *settings: str) -> list[str]:
    env = dict(cs.frontend_env(None), PATH=path)
    env.pop("CMAKE", None)
    out = cs.run([cs.helper(), "pep517", "get-requires", "--hook", "wheel", "--project", project,
                  "--python", sys.executable, "--config-settings", json.dumps({"o": list(settings)})],
                 env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_build_requirements_only_when_missing_or_too_old(tmp_path):
    tools = str(Path(cs.cmake_newest()).parent)
    nothing = str(tmp_path / "empty")
    native = cs.copy_example("c-extension", tmp_path / "native")
    driven = cs.copy_example("driver-c-module", tmp_path / "driven")
    assert get_requires(native, tools) == []
    assert get_requires(native, nothing) == ["cmake>=3.20.0"]
    # A project without find_package(PyBuildCmake) needs the driver's 3.24.
    assert get_requires(driven, nothing) == ["cmake>=3.24.0"]
    assert get_requires(native, tools, 'cmake.minimum_version="99.1"') == ["cmake>=99.1.0"]
    # Ninja only for a Ninja generator, and only when none is on PATH.
    only_cmake = tmp_path / "only-cmake"
    only_cmake.mkdir()
    (only_cmake / "cmake").symlink_to(cs.cmake_newest())
    assert get_requires(native, str(only_cmake)) == []
    assert get_requires(native, str(only_cmake), 'cmake.generator="Ninja"') == ["ninja"]
    assert get_requires(native, tools, 'cmake.generator="Ninja"') == []
