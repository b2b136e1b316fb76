"""Cross compilation end to end, on this x86_64 machine: build the examples
for aarch64 and armhf with Debian's cross compilers through the wrapper
toolchain (cmake/PyBuildCmakeToolchain.cmake), check the tags and the ELF
machine of every binary, install each wheel into its target sysroot with
installer, and import it with the target's CPython under qemu-user.

The sysroots come from toolchains/make-python-sysroot.sh into <repo>/.sysroots
(built once, then reused). The compilers and qemu come from
toolchains/install-cross-tools.sh (.ci/run runs it); a missing tool fails the
test with the command that installs it.

Also: automatic cross compilation (ARCHFLAGS, DIST_EXTRA_CONFIG) at the
configuration level, through `py-build-cmake python-target --project`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import cmake_support as cs

SYSROOTS = cs.REPO / ".sysroots"
TOOLCHAIN = cs.REPO / "cmake" / "PyBuildCmakeToolchain.cmake"

# Debian architecture -> what its binaries and wheels must look like.
ARCHES = {
    "amd64": {
        "triple": "x86_64-linux-gnu",
        "qemu": "qemu-x86_64",
        "platform": "linux_x86_64",
        "elf_class": 2,  # ELFCLASS64
        "elf_machine": 62,  # EM_X86_64
        "uname": "x86_64",
    },
    "arm64": {
        "triple": "aarch64-linux-gnu",
        "qemu": "qemu-aarch64",
        "platform": "linux_aarch64",
        "elf_class": 2,  # ELFCLASS64
        "elf_machine": 183,  # EM_AARCH64
        "uname": "aarch64",
    },
    "armhf": {
        "triple": "arm-linux-gnueabihf",
        "qemu": "qemu-arm",
        "platform": "linux_armv7l",
        "elf_class": 1,  # ELFCLASS32
        "elf_machine": 40,  # EM_ARM
        "uname": "armv7l",
    },
}

# What each example's module must do once imported on the target.
EXAMPLES = {
    "c-extension": (
        "c_extension",
        "import c_extension, platform\n"
        "assert c_extension.add(2, 3) == 5\n"
        "assert c_extension.greet('arm') == 'Hello, arm!'\n"
        "print(platform.machine())\n",
    ),
    "pybind11": (
        "pybind11_example",
        "import pybind11_example as m, platform\n"
        "assert m.add(2, 3) == 5\n"
        "assert m.mean([1.0, 2.0, 6.0]) == 3.0\n"
        "print(platform.machine())\n",
    ),
    "nanobind": (
        "nanobind_example",
        "import nanobind_example as m, platform\n"
        "assert m.add(2, 3) == 5\n"
        "assert m.shout('arm') == 'arm!'\n"
        "print(platform.machine())\n",
    ),
}

# Debian suite -> its CPython (toolchains/make-python-sysroot.sh).
SUITES = {"bullseye": "3.9", "bookworm": "3.11", "trixie": "3.13", "sid": "3.14"}

_SYSROOTS: dict[tuple[str, str], tuple[Path, str]] = {}


def require_cross_tools(arch: str) -> None:
    info = ARCHES[arch]
    tools = [f"{info['triple']}-gcc", f"{info['triple']}-g++", info["qemu"]]
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        raise AssertionError(
            f"cross tools missing: {', '.join(missing)}; install them with: "
            f"sudo {cs.REPO / 'toolchains' / 'install-cross-tools.sh'}"
        )


def sysroot(arch: str, suite: str = "bookworm") -> tuple[Path, str]:
    """The target sysroot for `arch` (Debian `suite`'s CPython) and the
    cross config the script printed."""
    require_cross_tools(arch)
    if (arch, suite) not in _SYSROOTS:
        root = SYSROOTS / (arch if suite == "bookworm" else f"{suite}-{arch}")
        script = cs.REPO / "toolchains" / "make-python-sysroot.sh"
        result = subprocess.run(
            ["bash", str(script), arch, str(root), suite], capture_output=True, text=True
        )
        if result.returncode != 0:
            raise AssertionError(
                f"{script} {arch} {root} {suite} failed ({result.returncode}):\n{result.stderr}"
            )
        _SYSROOTS[(arch, suite)] = (root, result.stdout)
    return _SYSROOTS[(arch, suite)]


def write_cross_config(tmp_path: Path, arch: str, extra: str = "", suite: str = "bookworm") -> Path:
    _, config = sysroot(arch, suite)
    path = tmp_path / (f"{arch}.cross.toml" if suite == "bookworm" else f"{suite}-{arch}.cross.toml")
    path.write_text(config + extra)
    return path


def configure_cross(cmake, src: Path, build: Path, cross: Path, *args, check=True):
    return cs.configure(
        cmake, src, build, "Ninja",
        f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN}", f"-DPY_BUILD_CMAKE_CROSS={cross}", *args,
        check=check,
    )


def elf_header(data: bytes) -> tuple[int, int]:
    """(EI_CLASS, e_machine) of an ELF file (both targets are little-endian)."""
    assert data[:4] == b"\x7fELF", "not an ELF file"
    return data[4], int.from_bytes(data[18:20], "little")


def check_binaries(wheel: Path, arch: str) -> list[str]:
    info = ARCHES[arch]
    binaries = []
    with zipfile.ZipFile(wheel) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            if data[:4] == b"\x7fELF":
                assert elf_header(data) == (info["elf_class"], info["elf_machine"]), (
                    f"{name} in {wheel.name} is not a {arch} binary: {elf_header(data)}"
                )
                binaries.append(name)
    assert binaries, f"{wheel.name} holds no compiled module"
    return binaries


def install_into_sysroot(wheel: Path, root: Path) -> Path:
    """Installs with installer (validating RECORD) under the sysroot's
    /usr/local; returns that site-packages directory."""
    local = root / "usr" / "local"
    # Only our installs live there (Debian's packages ship nothing under it),
    # so a stale module from an earlier run cannot answer for this wheel.
    shutil.rmtree(local, ignore_errors=True)
    cs.run([sys.executable, "-m", "installer", "--validate-record", "all",
            "--destdir", root, "--prefix", "/usr/local", wheel])
    # installer lays the files out with this interpreter's scheme.
    platlib = sysconfig.get_path("platlib", vars={"base": "/usr/local", "platbase": "/usr/local"})
    site = root / platlib.lstrip("/")
    assert site.is_dir(), f"installer did not create {site}"
    return site


def run_on_target(arch: str, code: str, site: Path, suite: str = "bookworm") -> str:
    root, _ = sysroot(arch, suite)
    python = root / "usr" / "bin" / f"python{SUITES[suite]}"
    env = dict(os.environ, PYTHONPATH=str(site))
    return cs.run([ARCHES[arch]["qemu"], "-L", root, python, "-c", code], env=env, cwd=root).stdout


def build_example(tmp_path: Path, cmake, example: str, arch: str, extra_config: str = "") -> Path:
    src = cs.copy_example(example, tmp_path)
    cross = write_cross_config(tmp_path, arch, extra_config)
    build = tmp_path / "build"
    configure_cross(cmake, src, build, cross)
    cs.build(cmake, build)
    return cs.only_wheel(src / "dist")


CASES = [
    ("c-extension", "arm64", "cmake4"),
    ("c-extension", "arm64", "cmake3.25"),
    ("c-extension", "arm64", "cmake3.20"),
    ("c-extension", "armhf", "cmake4"),
    ("c-extension", "armhf", "cmake3.25"),
    ("pybind11", "arm64", "cmake4"),
    ("pybind11", "armhf", "cmake4"),
    ("nanobind", "arm64", "cmake4"),
    ("nanobind", "armhf", "cmake4"),
]


@pytest.mark.parametrize("example,arch,cmake", CASES)
def test_cross_build_installs_and_imports_on_target(tmp_path, example, arch, cmake):
    wheel = build_example(tmp_path, cs.CMAKES[cmake](), example, arch)
    platform = ARCHES[arch]["platform"]
    assert wheel.name.endswith(f"-cp311-cp311-{platform}.whl"), wheel.name
    binaries = check_binaries(wheel, arch)
    assert all(".cpython-311-" + ARCHES[arch]["triple"] + ".so" in b for b in binaries), binaries

    root, _ = sysroot(arch)
    site = install_into_sysroot(wheel, root)
    package, code = EXAMPLES[example]
    assert (site / package).is_dir()
    assert run_on_target(arch, code, site).strip() == ARCHES[arch]["uname"]


def test_guess_gives_the_manylinux_tag_of_the_cross_compiled_files(tmp_path):
    wheel = build_example(
        tmp_path, cs.cmake_newest(), "c-extension", "arm64",
        '\n[wheel]\nplatform_tag = ["guess"]\n',
    )
    # auditwheel, reading the same ELF files, must agree.
    shown = cs.run([Path(sys.executable).parent / "auditwheel", "show", wheel]).stdout
    expected = re.search(r'"(manylinux_2_\d+_aarch64)"', shown)
    assert expected, shown
    assert re.search(rf"-cp311-cp311-(?:\w+\.)?{expected.group(1)}\.whl$", wheel.name), (
        wheel.name, shown)


def install_target_mypy(arch: str) -> None:
    """mypy for the target's Python (its aarch64 wheels from PyPI) in the
    sysroot's dist-packages, which that Python has on its path."""
    root, _ = sysroot(arch)
    dist_packages = root / "usr" / "lib" / "python3" / "dist-packages"
    if list(dist_packages.glob("mypy-*.dist-info")):
        return
    cs.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", dist_packages,
            "--platform", "manylinux2014_aarch64", "--only-binary=:all:",
            "--python-version", "3.11", "--implementation", "cp", "mypy>=1.10"])


def test_stubgen_runs_under_the_emulator(tmp_path):
    install_target_mypy("arm64")
    wheel = build_example(tmp_path, cs.cmake_newest(), "pybind11", "arm64")
    names = cs.wheel_names(wheel)
    assert "pybind11_example/_core.pyi" in names, names
    with zipfile.ZipFile(wheel) as zf:
        stub = zf.read("pybind11_example/_core.pyi").decode()
    # Signatures come from importing the aarch64 module under qemu.
    assert re.search(r"def add\(a: .+, b: .+\) -> int", stub), stub
    assert re.search(r"def mean\(values: .+\) -> float", stub), stub


def test_stubgen_is_skipped_with_a_message_without_an_emulator(tmp_path):
    src = cs.copy_example("pybind11", tmp_path)
    _, config = sysroot("arm64")
    cross = tmp_path / "no-emulator.cross.toml"
    cross.write_text("".join(l + "\n" for l in config.splitlines() if not l.startswith("emulator")))
    configure_cross(cs.cmake_newest(), src, tmp_path / "build", cross)
    built = cs.build(cs.cmake_newest(), tmp_path / "build").stdout
    assert "stubgen skipped: cross-compiling without an emulator" in built, built
    wheel = cs.only_wheel(src / "dist")
    assert not [n for n in cs.wheel_names(wheel) if n.endswith(".pyi")]
    check_binaries(wheel, "arm64")


def test_interpreter_and_development_run_under_the_emulator(tmp_path):
    """CMP0190: with an emulator, Interpreter + Development are the target's,
    and an embedding program links against its libpython and runs."""
    cmake = cs.cmake_newest()
    src = tmp_path / "embed"
    src.mkdir()
    (src / "embed_check").mkdir()
    (src / "embed_check" / "__init__.py").write_text("")
    (src / "pyproject.toml").write_text(
        '[project]\nname = "embed-check"\nversion = "1.0"\n\n[tool.py-build-cmake.cmake]\n'
    )
    (src / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.20...4.1)\n"
        "project(embed_check C)\n"
        "find_package(PyBuildCmake REQUIRED)\n"
        "find_package(Python3 REQUIRED COMPONENTS Interpreter Development)\n"
        'message(STATUS "target python: ${Python3_EXECUTABLE} ${Python3_VERSION} ${Python3_SOABI}")\n'
        "add_executable(embed embed.c)\n"
        "target_link_libraries(embed PRIVATE Python3::Python)\n"
    )
    (src / "embed.c").write_text(
        "#include <Python.h>\n"
        "int main(void) {\n"
        "    Py_Initialize();\n"
        '    PyRun_SimpleString("import platform; print(platform.machine())");\n'
        "    return Py_FinalizeEx() < 0;\n"
        "}\n"
    )
    cross = write_cross_config(tmp_path, "arm64")
    root, _ = sysroot("arm64")
    out = configure_cross(cmake, src, tmp_path / "build", cross).stdout
    assert f"target python: {root}/usr/bin/python3.11 3.11." in out, out
    assert "cpython-311-aarch64-linux-gnu" in out, out
    cs.build(cmake, tmp_path / "build", target="embed")
    exe = tmp_path / "build" / "embed"
    assert elf_header(exe.read_bytes()) == (2, 183)
    ran = cs.run(["qemu-aarch64", "-L", root, exe], env=dict(os.environ, PYTHONHOME=f"{root}/usr"))
    assert ran.stdout.strip() == "aarch64"


def test_a_config_that_disagrees_with_the_sysroot_is_refused(tmp_path):
    src = cs.copy_example("c-extension", tmp_path)
    _, config = sysroot("arm64")
    cross = tmp_path / "wrong.cross.toml"
    cross.write_text(config + 'version = "312"\n')
    result = configure_cross(cs.cmake_newest(), src, tmp_path / "build", cross, check=False)
    assert result.returncode != 0
    assert 'cross.version is "312", but the target Python in' in result.stdout, result.stdout
    assert "_sysconfigdata_" in result.stdout, result.stdout


def test_cross_config_without_the_wrapper_toolchain_is_an_error(tmp_path):
    src = cs.copy_example("c-extension", tmp_path)
    cross = write_cross_config(tmp_path, "arm64")
    result = cs.configure(
        cs.cmake_newest(), src, tmp_path / "build", "Ninja",
        f"-DPY_BUILD_CMAKE_CROSS={cross}", check=False,
    )
    assert result.returncode != 0
    assert "PyBuildCmakeToolchain.cmake" in result.stdout, result.stdout
    assert "--toolchain" in result.stdout, result.stdout


# --- automatic cross compilation, at the configuration level ------------------


def python_target(project: Path, os_name: str, env: dict) -> dict:
    out = cs.run([cs.helper(), "python-target", "--project", project, "--os", os_name],
                 env=dict(os.environ, PY_BUILD_CMAKE_PYTHON=cs.python_exe(), **env)).stdout
    return json.loads(out)


def minimal_project(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    (project / "demo").mkdir(parents=True)
    (project / "demo" / "__init__.py").write_text('"""Demo."""\n__version__ = "1.0"\n')
    (project / "CMakeLists.txt").write_text("cmake_minimum_required(VERSION 3.20)\nproject(demo)\n")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "1.0"\n\n[tool.py-build-cmake.cmake]\n'
    )
    return project


def native_abi() -> str:
    flags = "t" if sysconfig.get_config_var("Py_GIL_DISABLED") else ""
    return f"cp{sys.version_info.major}{sys.version_info.minor}{flags}"


def test_archflags_select_a_macos_cross_target(tmp_path):
    result = python_target(minimal_project(tmp_path), "mac", {
        "ARCHFLAGS": "-arch arm64", "MACOSX_DEPLOYMENT_TARGET": "12.3",
    })
    abi = native_abi()
    impl = f"cp{sys.version_info.major}{sys.version_info.minor}"
    assert result["tags"] == f"{impl}-{abi}-macosx_12_0_arm64"
    target = result["target"]
    assert target["cross"] and target["os"] == "mac"
    assert target["ext_suffix"] == f".cpython-{abi[2:]}-darwin.so"
    options = dict(result["cmake_options"])
    assert options["CMAKE_SYSTEM_NAME"] == "Darwin"
    assert options["CMAKE_OSX_ARCHITECTURES"] == "arm64"


def test_dist_extra_config_selects_a_windows_cross_target(tmp_path):
    python = tmp_path / "python-arm64"
    (python / "include").mkdir(parents=True)
    (python / "include" / "Python.h").write_text("")
    (python / "libs").mkdir()
    (python / "libs" / "python312.lib").write_text("")
    (python / "libs" / "python3.lib").write_text("")
    ini = tmp_path / "dist-extra.cfg"
    ini.write_text(f"[build_ext]\nplat_name = win-arm64\nlibrary_dirs = {python / 'libs'}\n")
    result = python_target(minimal_project(tmp_path), "windows", {"DIST_EXTRA_CONFIG": str(ini)})
    assert result["tags"] == "cp312-cp312-win_arm64"
    target = result["target"]
    assert target["os"] == "windows" and target["cross"]
    assert target["ext_suffix"] == ".cp312-win_arm64.pyd"
    assert target["library"] == str(python / "libs" / "python312.lib")
    assert target["sabi_library"] == str(python / "libs" / "python3.lib")
    assert target["include_dirs"] == [str(python / "include")]
    options = dict(result["cmake_options"])
    assert options["CMAKE_SYSTEM_NAME"] == "Windows"
    assert options["CMAKE_SYSTEM_PROCESSOR"] == "ARM64"


@pytest.mark.parametrize("arch", ["arm64", "armhf"])
def test_shipped_cross_configs(tmp_path, arch):
    """toolchains/<triple>.cp311.cross.toml, with the sysroot in <repo>/.sysroots."""
    sysroot(arch)
    info = ARCHES[arch]
    shipped = cs.REPO / "toolchains" / f"{info['triple']}.cp311.cross.toml"
    src = cs.copy_example("c-extension", tmp_path)
    configure_cross(cs.cmake_newest(), src, tmp_path / "build", shipped)
    cs.build(cs.cmake_newest(), tmp_path / "build")
    wheel = cs.only_wheel(src / "dist")
    assert wheel.name.endswith(f"-cp311-cp311-{info['platform']}.whl"), wheel.name
    check_binaries(wheel, arch)
