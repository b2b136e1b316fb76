"""End-to-end tests of `py-build-cmake wheel`: real staged trees (with a C
extension compiled by gcc), the real binary, and every produced wheel checked
by the real validators (installer, packaging, check-wheel-contents, twine,
pip + import, auditwheel for the manylinux guess)."""

from __future__ import annotations

import email.parser
import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from packaging.metadata import Metadata
from packaging.utils import parse_wheel_filename

REPO = Path(__file__).resolve().parent.parent
EXE = Path(os.environ.get("PY_BUILD_CMAKE_EXE", REPO / "target" / "debug" / "py-build-cmake"))
PYTHON_BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A validator installed next to the running Python (tests/requirements.txt)."""
    path = PYTHON_BIN / name
    return str(path) if path.exists() else name


def run_wheel(project: Path, staging: Path, out: Path, *extra: str, env=None, check=True):
    cmd = [str(EXE), "wheel", "--project", str(project), "--staging", str(staging)]
    cmd += ["--out-dir", str(out), "--python", sys.executable, *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if check:
        assert proc.returncode == 0, f"{cmd}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        last = proc.stdout.strip().splitlines()[-1]
        return Path(last)
    return proc


def write(path: Path, text: str, mode: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    if mode is not None:
        path.chmod(mode)
    return path


PYPROJECT = """\
[build-system]
requires = ["py-build-cmake"]
build-backend = "py_build_cmake.build"

[project]
name = "Demo.Pkg"
version = "1.0.0"
description = "A demo package"
readme = "README.md"
requires-python = ">=3.8"
license = "MIT"
license-files = ["LICENSE", "licenses/*.txt"]
authors = [{ name = "Ann Example", email = "ann@example.org" }]
keywords = ["demo", "test"]
classifiers = ["Programming Language :: Python :: 3"]
dependencies = []

[project.optional-dependencies]
Test_Extra = ["pytest>=7; python_version >= '3.8'"]

[project.urls]
Homepage = "https://example.org"

[project.scripts]
demo-tool = "demo_pkg.cli:main"

[project.entry-points."demo.plugins"]
one = "demo_pkg.cli:main"

[tool.py-build-cmake.module]
name = "demo_pkg"
directory = "src"
"""


def make_project(root: Path, pyproject: str = PYPROJECT, cmake: bool = True) -> Path:
    project = root / "project"
    text = pyproject + ("\n[tool.py-build-cmake.cmake]\nbuild_type = \"Release\"\n" if cmake else "")
    write(project / "pyproject.toml", text)
    write(project / "README.md", "# Demo\n\nA *demo* package.\n")
    write(project / "LICENSE", "MIT License\n\nCopyright (c) 2026 Ann Example\n")
    write(project / "licenses" / "third-party.txt", "Third party notice\n")
    write(project / "src" / "demo_pkg" / "__init__.py", '"""Demo."""\n')
    write(project / "CMakeLists.txt", "cmake_minimum_required(VERSION 3.17)\nproject(demo C)\n")
    return project


EXT_SOURCE = r"""
#define PY_SSIZE_T_CLEAN
#include <Python.h>
static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(42); }
static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, "The answer."}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ext", NULL, -1, methods};
PyMODINIT_FUNC PyInit__ext(void) { return PyModule_Create(&module); }
"""


def compile_extension(out: Path, workdir: Path) -> None:
    src = write(workdir / "ext.c", EXT_SOURCE)
    include = sysconfig.get_paths()["include"]
    cmd = ["gcc", "-shared", "-fPIC", "-O1", f"-I{include}", str(src), "-o", str(out)]
    subprocess.run(cmd, check=True)


def make_staging(root: Path, with_extension: bool = True) -> Path:
    staging = root / "staging"
    pkg = staging / "demo_pkg"
    write(pkg / "__init__.py", 'from ._ext import answer\n' if with_extension else "answer = lambda: 42\n")
    write(pkg / "cli.py", "def main():\n    print('demo-tool says', 42)\n")
    write(pkg / "data" / "table,with comma.txt", "a,b\n")
    write(pkg / "__pycache__" / "cli.cpython-311.pyc", "stale")
    write(pkg / "stale.pyc", "stale")
    write(staging / "py-build-cmake.local.toml", "[cmake]\n")
    write(staging / "demo_pkg-1.0.0.data" / "scripts" / "demo-run", "#!python\nprint('run')\n", 0o755)
    write(staging / "demo_pkg-1.0.0.data" / "headers" / "demo.h", "int demo(void);\n")
    write(staging / "demo_pkg-1.0.0.data" / "data" / "share" / "demo" / "notes.txt", "notes\n")
    if with_extension:
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        compile_extension(pkg / f"_ext{suffix}", root)
    return staging


def read_zip(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def validate(wheel: Path, ignore: str = "", has_readme: bool = True) -> None:
    """Every validator named in the issue, on one wheel. twine's --strict
    also fails a wheel that has no README (long description): such wheels
    get the plain check."""
    name, version, build, tags = parse_wheel_filename(wheel.name, validate_order=True)
    assert tags
    with zipfile.ZipFile(wheel) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        dist_info = f"{wheel.name.split('-')[0]}-{version}.dist-info"
        assert names[-1] == f"{dist_info}/RECORD", names
        assert all(n.startswith(dist_info) for n in names[names.index(f"{dist_info}/METADATA"):])
        metadata_text = zf.read(f"{dist_info}/METADATA").decode()
        for info in infos:
            mode = info.external_attr >> 16
            assert stat.S_ISREG(mode) and stat.S_IMODE(mode) in (0o644, 0o755), info
            assert not info.filename.startswith("/") and ".." not in info.filename.split("/")
    Metadata.from_email(metadata_text, validate=True)
    install_dir = wheel.parent / f"installed-{wheel.stem}"
    shutil.rmtree(install_dir, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "installer", "--validate-record", "all", "--destdir",
         str(install_dir), str(wheel)],
        check=True,
    )
    shutil.rmtree(install_dir)
    cwc = [tool("check-wheel-contents"), "--no-config"]
    if ignore:
        cwc += ["--ignore", ignore]
    subprocess.run([*cwc, str(wheel)], check=True)
    strict = ["--strict"] if has_readme else []
    subprocess.run([tool("twine"), "check", *strict, str(wheel)], check=True)


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path


def pip_install(venv: Path, wheel: Path) -> None:
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps",
         "--force-reinstall", "--no-index", str(wheel)],
        check=True,
    )


def test_native_extension_wheel(tmp_path, venv):
    project = make_project(tmp_path)
    staging = make_staging(tmp_path)
    wheel = run_wheel(project, staging, tmp_path / "dist")
    tag = sysconfig.get_config_var("SOABI").split("-")[1]
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    assert wheel.name == f"demo_pkg-1.0.0-cp{tag}-cp{tag}-{plat}.whl"
    validate(wheel)

    files = read_zip(wheel)
    di = "demo_pkg-1.0.0.dist-info"
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in files)
    assert "py-build-cmake.local.toml" not in files
    assert "demo_pkg/data/table,with comma.txt" in files
    assert f"{di}/licenses/LICENSE" in files
    assert f"{di}/licenses/licenses/third-party.txt" in files
    wheel_file = files[f"{di}/WHEEL"].decode()
    assert "Root-Is-Purelib: false\n" in wheel_file
    assert f"Tag: cp{tag}-cp{tag}-{plat}\n" in wheel_file
    meta = email.parser.Parser().parsestr(files[f"{di}/METADATA"].decode())
    assert meta["Metadata-Version"] == "2.4"
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE", "licenses/third-party.txt"]
    assert meta["Description-Content-Type"] == "text/markdown"
    assert meta.get_payload().startswith("# Demo")
    assert meta.get_all("Provides-Extra") == ["test-extra"]
    assert meta.get_all("Requires-Dist") == [
        # py-build-cmake 0.5.1's spelling (packaging's canonical form).
        'pytest>=7; python_version >= "3.8" and extra == "test-extra"'
    ]
    entry_points = files[f"{di}/entry_points.txt"].decode()
    assert "[console_scripts]\ndemo-tool = demo_pkg.cli:main\n" in entry_points
    assert "[demo.plugins]\none = demo_pkg.cli:main\n" in entry_points

    with zipfile.ZipFile(wheel) as zf:
        script = zf.getinfo("demo_pkg-1.0.0.data/scripts/demo-run")
        assert stat.S_IMODE(script.external_attr >> 16) == 0o755
        record = zf.read(f"{di}/RECORD").decode()
    assert '"demo_pkg/data/table,with comma.txt",sha256=' in record
    init = files["demo_pkg/__init__.py"]
    digest = hashlib.sha256(init).digest()
    import base64

    b64 = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert f"demo_pkg/__init__.py,sha256={b64},{len(init)}\n" in record

    pip_install(venv, wheel)
    py = str(venv / "bin" / "python")
    out = subprocess.run([py, "-c", "import demo_pkg; print(demo_pkg.answer())"],
                         check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "42"
    out = subprocess.run([str(venv / "bin" / "demo-tool")], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "demo-tool says 42"
    out = subprocess.run([str(venv / "bin" / "demo-run")], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "run"


def test_pure_wheel(tmp_path, venv):
    project = make_project(tmp_path, cmake=False)
    staging = make_staging(tmp_path, with_extension=False)
    wheel = run_wheel(project, staging, tmp_path / "dist")
    assert wheel.name == "demo_pkg-1.0.0-py3-none-any.whl"
    validate(wheel)
    assert "Root-Is-Purelib: true\n" in read_zip(wheel)["demo_pkg-1.0.0.dist-info/WHEEL"].decode()
    pip_install(venv, wheel)
    out = subprocess.run([str(venv / "bin" / "python"), "-c", "import demo_pkg; print(demo_pkg.answer())"],
                         check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "42"


def test_tags_from_config_and_flags(tmp_path):
    pyproject = PYPROJECT + textwrap.dedent("""\
        [tool.py-build-cmake.wheel]
        python_abi = "abi3"
        abi3_minimum_cpython_version = 38
        """)
    project = make_project(tmp_path, pyproject)
    staging = make_staging(tmp_path)
    wheel = run_wheel(project, staging, tmp_path / "dist")
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    assert wheel.name == f"demo_pkg-1.0.0-cp38-abi3-{plat}.whl"
    validate(wheel)

    wheel = run_wheel(project, staging, tmp_path / "dist", "--python-tag", "py3.cp311",
                      "--abi-tag", "none", "--platform-tag", "linux_x86_64.any", "--build-tag", "7")
    assert wheel.name == "demo_pkg-1.0.0-7-cp311.py3-none-any.linux_x86_64.whl"
    validate(wheel)
    wheel_file = read_zip(wheel)["demo_pkg-1.0.0.dist-info/WHEEL"].decode()
    assert "Build: 7\n" in wheel_file
    assert wheel_file.count("Tag: ") == 4

    proc = run_wheel(project, staging, tmp_path / "dist", "--build-tag", "x7", check=False)
    assert proc.returncode != 0 and "build tag" in proc.stderr


def pack_bytes(project, staging, out, *extra, epoch=None) -> bytes:
    env = dict(os.environ)
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    return run_wheel(project, staging, out, *extra, env=env).read_bytes()


def test_reproducible(tmp_path):
    project = make_project(tmp_path)
    staging = make_staging(tmp_path)
    big = staging / "demo_pkg" / "big.bin"
    # Several deflate blocks of mixed data, so that block splitting is exercised.
    chunk = hashlib.sha256(b"seed").digest() * 2048 + b"text " * 20000
    big.write_bytes(chunk * 40)
    first = pack_bytes(project, staging, tmp_path / "a", "--jobs", "1")
    os.utime(staging / "demo_pkg" / "cli.py", (1, 1))
    (staging / "demo_pkg" / "cli.py").chmod(0o664)
    second = pack_bytes(project, staging, tmp_path / "b", "--jobs", "4")
    assert first == second
    validate(tmp_path / "b" / next(p.name for p in (tmp_path / "b").glob("*.whl")))
    with zipfile.ZipFile(tmp_path / "a" / next(p.name for p in (tmp_path / "a").glob("*.whl"))) as zf:
        assert zf.read("demo_pkg/big.bin") == chunk * 40
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}

    dated = pack_bytes(project, staging, tmp_path / "c", epoch=1_700_000_000)
    assert dated != first
    with zipfile.ZipFile(tmp_path / "c" / next(p.name for p in (tmp_path / "c").glob("*.whl"))) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    early = pack_bytes(project, staging, tmp_path / "d", epoch=0)
    assert early == first


def test_symlinks_are_dereferenced_or_refused(tmp_path):
    project = make_project(tmp_path)
    staging = make_staging(tmp_path)
    lib = staging / "demo_pkg" / "libdemo.so.1.0"
    shutil.copy(next((staging / "demo_pkg").glob("_ext*.so")), lib)
    (staging / "demo_pkg" / "libdemo.so.1").symlink_to("libdemo.so.1.0")
    wheel = run_wheel(project, staging, tmp_path / "dist")
    # Dereferenced copies are identical files: check-wheel-contents' W002.
    validate(wheel, ignore="W002")
    files = read_zip(wheel)
    assert files["demo_pkg/libdemo.so.1"] == files["demo_pkg/libdemo.so.1.0"]

    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    (staging / "demo_pkg" / "escape.txt").symlink_to(outside)
    proc = run_wheel(project, staging, tmp_path / "dist2", check=False)
    assert proc.returncode != 0
    assert "escape.txt" in proc.stderr and "outside the staging directory" in proc.stderr
    assert not (tmp_path / "dist2").exists() or not list((tmp_path / "dist2").iterdir())


@pytest.mark.parametrize(
    "case, expected",
    [
        ("missing_staging", "staging directory"),
        ("bad_name", "not a valid name"),
        ("bad_version", "version"),
        ("missing_license", "matches no file"),
        ("dotdot_license", "'..'"),
        ("newline_name", "RECORD cannot hold"),
        ("unwritable_out", "file-not-dir is a file, but the output directory must be a directory"),
        ("out_below_a_file", "file-not-dir is a file, but the output directory"),
        ("foreign_data_dir", "rename it to demo_pkg-1.0.0.data"),
        ("same_file_in_platlib", "demo_pkg-1.0.0.data/platlib/demo_pkg/cli.py and "),
        ("case_only_difference", "conflict: both would be installed as the same file"),
        ("dist_info_other_case", "must not hold a .dist-info"),
        ("file_named_like_dist_info", "must not hold a .dist-info"),
        ("out_dir_in_staging", "is inside the staging dir"),
    ],
)
def test_bad_input(tmp_path, case, expected):
    pyproject = PYPROJECT
    project_root = tmp_path
    staging_root = tmp_path
    out = tmp_path / "dist"
    if case == "bad_name":
        pyproject = pyproject.replace('name = "Demo.Pkg"', 'name = "Demo Pkg!"')
    if case == "bad_version":
        pyproject = pyproject.replace('version = "1.0.0"', 'version = "1.0.0-banana"')
    project = make_project(project_root, pyproject)
    staging = make_staging(staging_root, with_extension=False)
    if case == "missing_staging":
        staging = tmp_path / "nope"
    elif case == "missing_license":
        (project / "LICENSE").unlink()
    elif case == "dotdot_license":
        # A license-files entry that escapes the project directory.
        write(tmp_path / "OUTER-LICENSE", "outer\n")
        text = (project / "pyproject.toml").read_text()
        (project / "pyproject.toml").write_text(
            text.replace('license-files = ["LICENSE", "licenses/*.txt"]',
                         'license-files = ["../OUTER-LICENSE"]'))
    elif case == "newline_name":
        write(staging / "demo_pkg" / "bad\nname.py", "")
    elif case == "unwritable_out":
        out = tmp_path / "file-not-dir"
        out.write_text("")
    elif case == "out_below_a_file":
        (tmp_path / "file-not-dir").write_text("")
        out = tmp_path / "file-not-dir" / "dist"
    elif case == "foreign_data_dir":
        write(staging / "other_pkg-2.0.data" / "data" / "x.txt", "x")
    elif case == "same_file_in_platlib":
        write(staging / "demo_pkg-1.0.0.data" / "platlib" / "demo_pkg" / "cli.py", "")
    elif case == "case_only_difference":
        write(staging / "demo_pkg" / "CLI.py", "")
    elif case == "dist_info_other_case":
        write(staging / "Demo_Pkg-1.0.0.DIST-INFO" / "METADATA", "")
    elif case == "file_named_like_dist_info":
        write(staging / "demo_pkg-1.0.0.dist-info", "")
    elif case == "out_dir_in_staging":
        # Through a symlink, and not created yet.
        (tmp_path / "stage-link").symlink_to(staging)
        out = tmp_path / "stage-link" / "demo_pkg" / "dist"
    before = set(tmp_path.rglob("*"))
    proc = run_wheel(project, staging, out, check=False)
    assert proc.returncode != 0, proc.stdout
    assert expected in proc.stderr, proc.stderr
    assert "panicked" not in proc.stderr
    created = set(tmp_path.rglob("*")) - before
    assert not [p for p in created if p.is_file()], created


def test_sdist_out_dir_that_is_a_file(tmp_path):
    project = make_project(tmp_path)
    out = tmp_path / "dist.txt"
    out.write_text("keep me\n")
    proc = subprocess.run([str(EXE), "sdist", "--project", str(project), "--out-dir", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert f"{out} is a file, but the output directory must be a directory" in proc.stderr, proc.stderr
    assert out.read_text() == "keep me\n"


def test_empty_staging_packs_a_metadata_only_wheel_with_a_warning(tmp_path):
    # As py-build-cmake does when the install step installs nothing.
    project = make_project(tmp_path)
    staging = tmp_path / "empty"
    (staging / "__pycache__").mkdir(parents=True)
    proc = run_wheel(project, staging, tmp_path / "dist", check=False)
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "holds no files" in warnings[0], proc.stderr
    wheel = Path(proc.stdout.strip().splitlines()[-1])
    with zipfile.ZipFile(wheel) as zf:
        assert all(".dist-info/" in n for n in zf.namelist()), zf.namelist()


def test_concurrent_packs_do_not_interfere(tmp_path):
    project = make_project(tmp_path)
    staging = make_staging(tmp_path)
    (staging / "demo_pkg" / "big.bin").write_bytes(os.urandom(8 << 20))
    out = tmp_path / "dist"
    cmd = [str(EXE), "wheel", "--project", str(project), "--staging", str(staging),
           "--out-dir", str(out), "--python", sys.executable, "--jobs", "2"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    for p in procs:
        _, err = p.communicate()
        assert p.returncode == 0, err
    wheels = list(out.iterdir())
    assert len(wheels) == 1, wheels
    validate(wheels[0])


def start_big_pack(tmp_path, size_mib=64):
    """A pack slow enough to interrupt (one job, incompressible data)."""
    project = make_project(tmp_path)
    staging = make_staging(tmp_path)
    (staging / "demo_pkg" / "big.bin").write_bytes(os.urandom(size_mib << 20))
    out = tmp_path / "dist"
    out.mkdir()
    cmd = [str(EXE), "wheel", "--project", str(project), "--staging", str(staging),
           "--out-dir", str(out), "--python", sys.executable, "--jobs", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return proc, out, project, staging


def wait_for_temp_file(proc, out: Path) -> Path:
    """Waits until the pack has created its temp wheel, and checks that the
    process is still running then (else the signal would test nothing)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        temps = list(out.glob(f".*.whl.{proc.pid}-*.tmp"))
        if temps:
            assert proc.poll() is None, "the pack ended before it could be interrupted"
            return temps[0]
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.005)
    proc.kill()
    raise AssertionError("the pack created no temp file within 60 s")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_interrupted_pack_leaves_nothing(tmp_path, sig):
    proc, out, _, _ = start_big_pack(tmp_path)
    temp = wait_for_temp_file(proc, out)
    assert temp.is_file()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    # It dies of the signal, as build tools expect of an interrupted step.
    assert proc.returncode == -sig, (proc.returncode, err)
    assert list(out.iterdir()) == []


def test_killed_pack_is_swept_by_the_next(tmp_path):
    """SIGKILL runs no handler: the next pack into the directory removes the
    temp file of the dead process, and leaves those of live ones."""
    proc, out, project, staging = start_big_pack(tmp_path)
    temp = wait_for_temp_file(proc, out)
    proc.kill()
    proc.wait()
    assert temp.is_file()
    live = out / f".other.whl.{os.getpid()}-0.tmp"
    live.write_text("")
    wheel = run_wheel(project, staging, out)
    assert sorted(out.iterdir()) == sorted([wheel, live])


def test_full_disk_is_a_clear_error(tmp_path):
    """A pack into a full file system (a 1 MiB tmpfs) fails with an error
    naming the file, and leaves nothing behind."""
    full = tmp_path / "small"
    full.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(full)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        # tests/test_bad_inputs.py still checks a full stdout (/dev/full).
        pytest.skip(f"NOT TESTED: a pack into a full disk; mounting a 1 MiB tmpfs needs root "
                    f"(CAP_SYS_ADMIN): {mounted.stderr.strip()}")
    try:
        project = make_project(tmp_path)
        staging = make_staging(tmp_path)
        (staging / "demo_pkg" / "big.bin").write_bytes(os.urandom(4 << 20))
        proc = run_wheel(project, staging, full, check=False)
        assert proc.returncode == 1, proc.stderr
        assert "cannot write" in proc.stderr and "No space left on device" in proc.stderr, proc.stderr
        assert "panicked" not in proc.stderr
        assert list(full.iterdir()) == []
    finally:
        subprocess.run(["umount", str(full)], check=True)


def test_minimal_metadata_wheel(tmp_path):
    """Only name and version: the lowest Metadata-Version (1.0) must still
    satisfy every validator."""
    project = tmp_path / "project"
    write(project / "pyproject.toml", """\
        [project]
        name = "tiny"
        version = "0.1"
        description = "Tiny"
        """)
    write(project / "tiny" / "__init__.py", "")
    staging = tmp_path / "staging"
    write(staging / "tiny" / "__init__.py", "VALUE = 1\n")
    wheel = run_wheel(project, staging, tmp_path / "dist")
    assert wheel.name == "tiny-0.1-py3-none-any.whl"
    validate(wheel, has_readme=False)
    metadata = read_zip(wheel)["tiny-0.1.dist-info/METADATA"].decode()
    assert metadata == "Metadata-Version: 1.0\nName: tiny\nVersion: 0.1\nSummary: Tiny\n"
