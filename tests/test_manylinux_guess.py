"""`--platform-tag guess` on real ELF files, native and cross-compiled,
compared with what `auditwheel show` says about the same wheel."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cmake_support import wheel_names
from test_wheel_pack import make_project, run_wheel, tool, validate, write

LIB_GLIBC_2_2 = "int add(int a, int b) { return a + b; }\n"
# getrandom appeared in glibc 2.25: the first policy allowing it is manylinux_2_26.
LIB_GETRANDOM = """
#include <sys/random.h>
int fill(void *buf, unsigned n) { return (int)getrandom(buf, n, 0); }
"""
LIB_CXX = """
#include <string>
#include <stdexcept>
extern "C" int check(const char *s) {
    std::string text(s);
    if (text.empty()) throw std::runtime_error("empty");
    return (int)text.size();
}
"""
USES_HELPER = "int helper(void);\nint call(void) { return helper() + 1; }\n"
HELPER = "int helper(void) { return 41; }\n"


def auditwheel_tag(wheel: Path) -> str:
    proc = subprocess.run([tool("auditwheel"), "show", str(wheel)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    match = re.search(r'consistent with the following platform tag:\s*"([^"]+)"', " ".join(proc.stdout.split()))
    assert match, proc.stdout
    return match.group(1)


def build_lib(compiler: str, source: str, out: Path, *flags: str) -> None:
    ext = ".cpp" if "++" in compiler else ".c"
    # Sources go next to the staging tree (out is <tmp>/staging/<dir>/<lib>).
    src = write(out.parent.parent.parent / "src" / (out.name + ext), source)
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [compiler, "-shared", "-fPIC", "-O1", str(src), "-o", str(out), *flags]
    subprocess.run(cmd, check=True)


def pack_guess(tmp_path: Path, staging: Path, *extra: str) -> Path:
    project = make_project(tmp_path, cmake=False)
    wheel = run_wheel(project, staging, tmp_path / "dist", "--platform-tag", "guess", *extra)
    return wheel


def platform_tags(wheel: Path) -> list[str]:
    return wheel.name[: -len(".whl")].split("-")[-1].split(".")


def require(compiler: str) -> str:
    path = shutil.which(compiler)
    if path is None:
        pytest.skip(f"{compiler} is not installed (apt-get install {compiler.replace('g++', 'gcc')})")
    return path


CASES = {
    "plain": ("gcc", LIB_GLIBC_2_2, ()),
    "getrandom": ("gcc", LIB_GETRANDOM, ()),
    "cxx": ("g++", LIB_CXX, ()),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_native_guess_agrees_with_auditwheel(tmp_path, case):
    compiler, source, flags = CASES[case]
    require(compiler)
    staging = tmp_path / "staging"
    write(staging / "demo_pkg" / "__init__.py", "")
    build_lib(compiler, source, staging / "demo_pkg" / "libdemo.so", *flags)
    wheel = pack_guess(tmp_path, staging)
    validate(wheel)
    expected = auditwheel_tag(wheel)
    assert expected in platform_tags(wheel), (wheel.name, expected)
    if expected.startswith("manylinux_2_17"):
        assert "manylinux2014_x86_64" in platform_tags(wheel)


def test_internal_library_through_origin_rpath(tmp_path):
    require("gcc")
    staging = tmp_path / "staging"
    write(staging / "demo_pkg" / "__init__.py", "")
    libs = staging / "demo_pkg.libs"
    libs.mkdir(parents=True)
    build_lib("gcc", HELPER, libs / "libhelper.so", "-Wl,-soname,libhelper.so")
    build_lib("gcc", USES_HELPER, staging / "demo_pkg" / "libuser.so",
              f"-L{libs}", "-lhelper", "-Wl,-rpath,$ORIGIN/../demo_pkg.libs")
    wheel = pack_guess(tmp_path, staging)
    expected = auditwheel_tag(wheel)
    assert expected.startswith("manylinux"), expected
    assert expected in platform_tags(wheel)

    # Without the rpath, and without bundling, the helper is an external,
    # non-whitelisted library.
    shutil.rmtree(tmp_path / "dist")
    build_lib("gcc", USES_HELPER, staging / "demo_pkg" / "libuser.so", f"-L{libs}", "-lhelper")
    wheel = pack_guess(tmp_path, staging, "--no-bundle-libs")
    assert platform_tags(wheel) == ["linux_x86_64"]

    # Bundling finds it in the wheel and gives libuser.so the rpath instead
    # of a second copy.
    shutil.rmtree(tmp_path / "dist")
    wheel = pack_guess(tmp_path, staging)
    assert not [n for n in wheel_names(wheel) if n.endswith(".so") and "libhelper-" in n]
    expected = auditwheel_tag(wheel)
    assert expected.startswith("manylinux"), expected
    assert expected in platform_tags(wheel)


CROSS = {
    "aarch64": ("aarch64-linux-gnu-gcc", "aarch64"),
    "armv7l": ("arm-linux-gnueabihf-gcc", "armv7l"),
}


@pytest.mark.parametrize("arch", sorted(CROSS))
@pytest.mark.parametrize("source", [LIB_GLIBC_2_2, LIB_GETRANDOM], ids=["plain", "getrandom"])
def test_cross_compiled_guess_agrees_with_auditwheel(tmp_path, arch, source):
    compiler, tag_arch = CROSS[arch]
    require(compiler)
    staging = tmp_path / "staging"
    write(staging / "demo_pkg" / "__init__.py", "")
    build_lib(compiler, source, staging / "demo_pkg" / "libdemo.so")
    wheel = pack_guess(tmp_path, staging)
    tags = platform_tags(wheel)
    assert all(t.endswith("_" + tag_arch) for t in tags), tags
    expected = auditwheel_tag(wheel)
    assert expected in tags, (wheel.name, expected)


def test_mixed_architectures_are_refused(tmp_path):
    require("gcc")
    require("aarch64-linux-gnu-gcc")
    staging = tmp_path / "staging"
    build_lib("gcc", LIB_GLIBC_2_2, staging / "demo_pkg" / "libx86.so")
    build_lib("aarch64-linux-gnu-gcc", LIB_GLIBC_2_2, staging / "demo_pkg" / "libarm.so")
    project = make_project(tmp_path, cmake=False)
    proc = run_wheel(project, staging, tmp_path / "dist", "--platform-tag", "guess", check=False)
    assert proc.returncode != 0
    assert "mixes architectures" in proc.stderr


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
