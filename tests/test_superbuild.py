"""py_build_cmake_add_wheel_matrix(): wheels for native, aarch64 and armhf
from one configure of examples/superbuild, with its code generator built once
for the build machine; every wheel is installed and imported (the cross ones
under qemu-user, in their Debian sysroots)."""

from __future__ import annotations

from pathlib import Path

import cmake_support as cs
import test_cross as cross

PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
CHECK = "import platform, superbuild_ext as m; print(m.primes(), platform.machine())"


def configure_superbuild(tmp_path: Path, cross_configs: list[Path]) -> tuple[Path, Path]:
    src = cs.copy_example("superbuild", tmp_path)
    build = tmp_path / "build"
    cs.run([
        cs.cmake_newest(), "-S", src, "-B", build, "-G", "Ninja",
        f"-DCMAKE_PREFIX_PATH={cs.REPO}",
        f"-DPY_BUILD_CMAKE_EXECUTABLE={cs.helper()}",
        f"-DPY_BUILD_CMAKE_PYTHON={cs.python_exe()}",
        "-DSUPERBUILD_CROSS_CONFIGS=" + ";".join(map(str, cross_configs)),
    ])
    return src, build


def test_one_configure_builds_native_aarch64_and_armhf_wheels(tmp_path):
    configs = [cross.write_cross_config(tmp_path, arch) for arch in ("arm64", "armhf")]
    src, build = configure_superbuild(tmp_path, configs)
    result = cs.run([cs.cmake_newest(), "--build", build, "--target", "wheels", "-j2"])
    # The code generator is built once, for the build machine, and installed
    # where every target's build finds it.
    assert result.stdout.count("Performing configure step for 'wheels-host-tools'") == 1
    codegen = build / "wheels" / "host-tools" / "install" / "bin" / "codegen"
    assert cross.elf_header(codegen.read_bytes()) == (2, 62)  # x86_64

    dist = src / "dist"
    names = sorted(w.name for w in cs.wheels(dist))
    assert names == sorted([
        f"superbuild_ext-1.0.0-{cs.full_abi_tags()}.whl",
        "superbuild_ext-1.0.0-cp311-cp311-linux_aarch64.whl",
        "superbuild_ext-1.0.0-cp311-cp311-linux_armv7l.whl",
    ])

    native = dist / f"superbuild_ext-1.0.0-{cs.full_abi_tags()}.whl"
    env = cs.Venv(tmp_path / "venv")
    env.install(native)
    assert env.run_python(CHECK).split("] ")[0] + "]" == str(PRIMES)

    for arch in ("arm64", "armhf"):
        wheel = dist / f"superbuild_ext-1.0.0-cp311-cp311-{cross.ARCHES[arch]['platform']}.whl"
        cross.check_binaries(wheel, arch)
        root, _ = cross.sysroot(arch)
        site = cross.install_into_sysroot(wheel, root)
        out = cross.run_on_target(arch, CHECK, site).strip()
        assert out == f"{PRIMES} {cross.ARCHES[arch]['uname']}", out

    # Nothing changed: a second build packs nothing again.
    stamps = {w: w.stat().st_mtime_ns for w in cs.wheels(dist)}
    again = cs.run([cs.cmake_newest(), "--build", build, "--target", "wheels", "-j2"])
    assert "PyBuildCmake: wrote" not in again.stdout, again.stdout
    assert {w: w.stat().st_mtime_ns for w in cs.wheels(dist)} == stamps


def test_matrix_without_targets_is_refused(tmp_path):
    src = tmp_path / "sb"
    src.mkdir()
    (src / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.20)\nproject(sb NONE)\n"
        "find_package(PyBuildCmake REQUIRED COMPONENTS Superbuild)\n"
        "py_build_cmake_add_wheel_matrix(NAME wheels)\n"
    )
    result = cs.run([cs.cmake_newest(), "-S", src, "-B", tmp_path / "b", f"-DCMAKE_PREFIX_PATH={cs.REPO}"], check=False)
    assert result.returncode != 0
    # CMake wraps long messages: compare with the white space folded.
    assert "no target; give NATIVE and/or CROSS_CONFIGS" in " ".join(result.stdout.split()), result.stdout


def test_every_target_asks_for_the_install_rules_before_its_first_configure(tmp_path):
    """Each matrix target's build dir holds the File API query before the
    target configures, so its first wheel already tracks the install rules
    with CMake 3.21 to 3.26 too (src/install_inputs/file_api.rs reads the reply)."""
    configs = [tmp_path / f"{arch}.cross.toml" for arch in ("arm64", "armhf")]
    for config in configs:
        config.write_text("")
    _, build = configure_superbuild(tmp_path, configs)
    query = Path(".cmake/api/v1/query/client-pybuildcmake/codemodel-v2")
    for label in ("native", "arm64", "armhf"):
        assert (build / "wheels" / label / "build" / query).is_file(), label
    assert not (build / "wheels" / "build").exists()


# The CPython grid: each Debian suite's CPython for x86_64 and aarch64; the
# build machine's own (bookworm's 3.11 on x86_64) is the native target.
GRID = [(suite, arch) for suite in cross.SUITES for arch in ("amd64", "arm64")]


def test_one_configure_builds_every_cpython_for_x86_64_and_aarch64(tmp_path):
    """cp39, cp311, cp313 and cp314 for x86_64 and aarch64 from one
    configure; each wheel is imported under its own interpreter (Debian's,
    under qemu-user in its sysroot)."""
    configs = [
        cross.write_cross_config(tmp_path, arch, suite=suite)
        for suite, arch in GRID
        if (suite, arch) != ("bookworm", "amd64")
    ]
    src, build = configure_superbuild(tmp_path, configs)
    cs.run([cs.cmake_newest(), "--build", build, "--target", "wheels", "-j2"])
    dist = src / "dist"
    expected = {}
    for suite, arch in GRID:
        nodot = cross.SUITES[suite].replace(".", "")
        name = f"superbuild_ext-1.0.0-cp{nodot}-cp{nodot}-{cross.ARCHES[arch]['platform']}.whl"
        expected[name] = (suite, arch)
    assert sorted(w.name for w in cs.wheels(dist)) == sorted(expected)
    for name, (suite, arch) in expected.items():
        wheel = dist / name
        cross.check_binaries(wheel, arch)
        root, _ = cross.sysroot(arch, suite)
        site = cross.install_into_sysroot(wheel, root)
        out = cross.run_on_target(arch, CHECK, site, suite).strip()
        assert out == f"{PRIMES} {cross.ARCHES[arch]['uname']}", (name, out)


ABI3_MODULE = r"""
#define Py_LIMITED_API 0x03090000
#include <Python.h>

static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(42); }
static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_stable", NULL, -1, methods};
PyMODINIT_FUNC PyInit__stable(void) { return PyModule_Create(&module); }
"""


def test_one_abi3_wheel_imports_under_every_cpython(tmp_path):
    """A cp39-abi3 wheel built once imports under CPython 3.9, 3.11, 3.13
    and 3.14."""
    src = tmp_path / "stable"
    (src / "src").mkdir(parents=True)
    (src / "src" / "stable.c").write_text(ABI3_MODULE)
    (src / "pyproject.toml").write_text(
        '[project]\nname = "stable"\nversion = "1.0"\nrequires-python = ">=3.9"\n'
        '[tool.py-build-cmake.module]\ngenerated = "package"\n'
        '[tool.py-build-cmake.cmake]\nbuild_type = "Release"\n'
        '[tool.py-build-cmake.wheel]\npython_abi = "abi3"\nabi3_minimum_cpython_version = 39\n'
    )
    (src / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.26)\nproject(stable LANGUAGES C)\n"
        "find_package(PyBuildCmake REQUIRED)\n"
        "find_package(Python3 REQUIRED COMPONENTS Development.SABIModule)\n"
        "Python3_add_library(_stable MODULE USE_SABI ${PY_BUILD_CMAKE_PACKAGE_USE_SABI} WITH_SOABI src/stable.c)\n"
        "install(TARGETS _stable DESTINATION stable)\n"
        "file(WRITE ${CMAKE_BINARY_DIR}/__init__.py \"from ._stable import answer\\n\")\n"
        "install(FILES ${CMAKE_BINARY_DIR}/__init__.py DESTINATION stable)\n"
        "py_build_cmake_add_wheel()\n"
    )
    build = tmp_path / "build"
    cs.run([cs.cmake_newest(), "-S", src, "-B", build, "-G", "Ninja",
            f"-DCMAKE_PREFIX_PATH={cs.REPO}", f"-DPY_BUILD_CMAKE_EXECUTABLE={cs.helper()}",
            f"-DPY_BUILD_CMAKE_PYTHON={cs.python_exe()}"])
    cs.run([cs.cmake_newest(), "--build", build, "--target", "wheel"])
    wheel = cs.only_wheel(src / "dist")
    assert wheel.name == "stable-1.0-cp39-abi3-linux_x86_64.whl", wheel.name
    check = "import platform, sys, stable; print(stable.answer(), sys.version_info[:2])"
    for suite, version in cross.SUITES.items():
        root, _ = cross.sysroot("amd64", suite)
        site = cross.install_into_sysroot(wheel, root)
        out = cross.run_on_target("amd64", check, site, suite).strip()
        major, minor = version.split(".")
        assert out == f"42 ({major}, {minor})", (suite, out)
