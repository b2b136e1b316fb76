"""Bundling the shared libraries a wheel needs (issue 14), on
examples/bundled-lib: a superbuild step installs libgreet into a prefix
outside the package and the extension links it. The wheel must import in a
fresh venv once that prefix is gone, agree with `auditwheel show`, load
beside a second wheel that bundles another build of the same library, build
for aarch64 and import under qemu; BUNDLE_LIBS OFF leaves the wheel as it
was before bundling existed."""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path

import cmake_support as cs

AUDITWHEEL = Path(sys.executable).parent / "auditwheel"


def build_example(tmp_path: Path, *args: str, name: str = "bundled-lib") -> tuple[Path, Path]:
    """Copies and builds the superbuild; returns (wheel, build dir)."""
    src = cs.copy_example("bundled-lib", tmp_path / name)
    build = tmp_path / name / "build"
    cs.configure(cs.cmake_newest(), src, build, "Ninja", *args)
    cs.build(cs.cmake_newest(), build, target="all")
    return cs.only_wheel(src / "extension" / "dist"), build


def renamed_copy(tmp_path: Path) -> None:
    """A second distribution of the example: its own project and package name."""
    src = cs.copy_example("bundled-lib", tmp_path / "two")
    ext = src / "extension"
    pyproject = ext / "pyproject.toml"
    text = pyproject.read_text()
    text = text.replace('name = "bundled-lib-example"', 'name = "bundled-lib-two"')
    pyproject.write_text(text.replace('name = "bundled_lib"', 'name = "bundled_lib_two"'))
    (ext / "python" / "bundled_lib").rename(ext / "python" / "bundled_lib_two")


def libs_in(wheel: Path, dist: str) -> list[str]:
    return [n for n in cs.wheel_names(wheel) if n.startswith(f"{dist}.libs/")]


def test_the_wheel_imports_without_the_prefix_and_auditwheel_agrees(tmp_path):
    wheel, build = build_example(tmp_path)
    libs = libs_in(wheel, "bundled_lib_example")
    assert len(libs) == 1 and re.fullmatch(
        r"bundled_lib_example\.libs/libgreet-[0-9a-f]{8}\.so\.1", libs[0]
    ), libs

    shown = cs.run([AUDITWHEEL, "show", wheel]).stdout
    assert "requires no external shared libraries" in shown, shown
    policy = re.search(r'consistent with the following platform tag: "(manylinux_\d+_\d+_x86_64)"',
                       shown.replace("\n", " "))
    assert policy, shown
    platforms = wheel.name.removesuffix(".whl").split("-")[-1].split(".")
    assert policy.group(1) in platforms, (wheel.name, shown)

    shutil.rmtree(build / "greet-prefix")
    env = cs.Venv(tmp_path / "venv")
    env.install(wheel)
    assert env.run_python("import bundled_lib; print(bundled_lib.greet_version())").strip() == "1"


def test_two_wheels_bundling_two_builds_of_one_library_load_side_by_side(tmp_path):
    one, _ = build_example(tmp_path)
    renamed_copy(tmp_path)
    src = tmp_path / "two" / "bundled-lib"
    build = tmp_path / "two" / "build"
    cs.configure(cs.cmake_newest(), src, build, "Ninja", "-DGREET_VERSION=2")
    cs.build(cs.cmake_newest(), build, target="all")
    two = cs.only_wheel(src / "extension" / "dist")
    # Same soname, other bytes: other names in the wheels.
    assert libs_in(one, "bundled_lib_example")[0].split("/")[1] != libs_in(two, "bundled_lib_two")[0].split("/")[1]

    env = cs.Venv(tmp_path / "venv")
    env.install(one)
    env.install(two)
    out = env.run_python(
        "import bundled_lib, bundled_lib_two\n"
        "print(bundled_lib.greet_version(), bundled_lib_two.greet_version())\n"
    )
    assert out.split() == ["1", "2"], out


def test_bundle_libs_off_leaves_the_wheel_as_before(tmp_path):
    wheel, build = build_example(tmp_path, "-DEXTENSION_CMAKE_ARGS=-DBUNDLE_GREET=OFF")
    assert not libs_in(wheel, "bundled_lib_example"), cs.wheel_names(wheel)
    # libgreet is not on any policy's whitelist: without it, the plain tag.
    assert wheel.name.endswith("-linux_x86_64.whl"), wheel.name
    staging = build / "extension-prefix" / "src" / "extension-build" / "py-build-cmake" / "wheel" / "staging"
    (staged,) = (staging / "bundled_lib").glob("_core*.so")
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read(f"bundled_lib/{staged.name}") == staged.read_bytes()


def test_helper_switches_exclusions_and_a_missing_library(tmp_path):
    _, build = build_example(tmp_path)
    ext_build = build / "extension-prefix" / "src" / "extension-build"
    staging = ext_build / "py-build-cmake" / "wheel" / "staging"
    project = tmp_path / "bundled-lib" / "bundled-lib" / "extension"
    prefix = build / "greet-prefix"
    base = [cs.helper(), "wheel", "--project", project, "--staging", staging,
            "--python", cs.python_exe(), "--bundle-prefix", prefix]

    def wheel(name: str, *args: str) -> tuple[Path, str]:
        out = cs.run([*base, "--out-dir", tmp_path / name, *args]).stdout
        return cs.only_wheel(tmp_path / name), out

    bundled, _ = wheel("bundled")
    assert libs_in(bundled, "bundled_lib_example")
    again, _ = wheel("bundled-again")
    assert again.read_bytes() == bundled.read_bytes(), "bundling is not reproducible"
    for name, args in [("flag", ["--no-bundle-libs"]), ("config", ["-o", "wheel.bundle_libs=false"])]:
        assert not libs_in(wheel(name, *args)[0], "bundled_lib_example"), name

    for name, args in [("excluded", ["--bundle-exclude", "libgreet.so.1"]),
                       ("excluded-config", ["-o", 'wheel.bundle_exclude=["libgreet.so.1"]'])]:
        unbundled, out = wheel(name, *args)
        lines = [l for l in out.splitlines() if "libgreet.so.1" in l]
        assert len(lines) == 1 and "bundle_exclude" in lines[0], out
        assert not libs_in(unbundled, "bundled_lib_example")

    shutil.rmtree(prefix)
    missing = cs.run([*base, "--out-dir", tmp_path / "missing"], check=False)
    assert missing.returncode != 0
    for part in ["libgreet.so.1", "bundled_lib/_core", f"{prefix}/lib", "/usr/lib", "bundle_exclude"]:
        assert part in missing.stdout, missing.stdout
    assert not (tmp_path / "missing").exists() or not cs.wheels(tmp_path / "missing")


def test_the_aarch64_wheel_bundles_from_the_target_prefix_and_imports_under_qemu(tmp_path):
    import test_cross as tc

    cross = tc.write_cross_config(tmp_path, "arm64")
    plain = cs.REPO / "toolchains" / "aarch64-linux-gnu.cmake"
    wheel, build = build_example(
        tmp_path,
        f"-DGREET_CMAKE_ARGS=-DCMAKE_TOOLCHAIN_FILE={plain}",
        f"-DEXTENSION_CMAKE_ARGS=-DCMAKE_TOOLCHAIN_FILE={tc.TOOLCHAIN};-DPY_BUILD_CMAKE_CROSS={cross}",
    )
    assert "_aarch64" in wheel.name, wheel.name
    binaries = tc.check_binaries(wheel, "arm64")
    assert any(b.startswith("bundled_lib_example.libs/libgreet-") for b in binaries), binaries
    shown = cs.run([AUDITWHEEL, "show", wheel]).stdout
    assert "requires no external shared libraries" in shown, shown

    shutil.rmtree(build / "greet-prefix")
    root, _ = tc.sysroot("arm64")
    site = tc.install_into_sysroot(wheel, root)
    out = tc.run_on_target(
        "arm64", "import bundled_lib, platform; print(bundled_lib.greet_version(), platform.machine())",
        site)
    assert out.split() == ["1", "aarch64"], out


def test_the_driver_bundles_from_the_prefix_its_cmake_options_name(tmp_path):
    """A project without find_package(PyBuildCmake), built by the driver:
    CMAKE_PREFIX_PATH comes from cmake.options, not from a CMake call."""
    _, build = build_example(tmp_path)
    prefix = build / "greet-prefix"
    ext = tmp_path / "bundled-lib" / "bundled-lib" / "extension"
    lists = ext / "CMakeLists.txt"
    text = lists.read_text().replace("find_package(PyBuildCmake REQUIRED)\n", "")
    lists.write_text(text.replace("py_build_cmake_add_wheel(BUNDLE_LIBS ${BUNDLE_GREET})\n", ""))
    shutil.rmtree(ext / "dist")
    out = cs.run([cs.helper(), "build", "--project", ext, "--python", sys.executable,
                  "-o", f"cmake.options.CMAKE_PREFIX_PATH={prefix}"]).stdout
    wheel = cs.only_wheel(ext / "dist")
    assert str(wheel) in out
    assert len(libs_in(wheel, "bundled_lib_example")) == 1, cs.wheel_names(wheel)
    shutil.rmtree(prefix)
    env = cs.Venv(tmp_path / "venv")
    env.install(wheel)
    assert env.run_python("import bundled_lib; print(bundled_lib.greet_version())").strip() == "1"
