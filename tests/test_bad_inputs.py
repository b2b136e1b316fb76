"""The helper's command line against hostile inputs and outputs: a closed or
full stdout, values nested 100,000 deep, a pyproject.toml or override file
that is a device or huge. Each must end in a clear error (or, for a closed
pipe, quietly), never a panic or a stack overflow."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from cmake_support import helper

PYPROJECT = '[project]\nname = "demo"\nversion = "1.0"\n'
DEEP = 100_000


def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    return tmp_path


def run(args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(helper()), *args], stderr=subprocess.PIPE, text=True, **kwargs)


def assert_clean_error(proc, *expected):
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "panicked" not in proc.stderr and "overflow" not in proc.stderr, proc.stderr
    for text in expected:
        assert text in proc.stderr, proc.stderr


@pytest.mark.parametrize("args", [["config", "--format"], ["config", "--project", "{p}"]])
def test_closed_stdout_ends_quietly(tmp_path, args):
    """`py-build-cmake config --format | head -1`: the reader is gone, which
    ends the command with status 0 and no message."""
    args = [a.replace("{p}", str(project(tmp_path))) for a in args]
    read, write = os.pipe()
    os.close(read)
    try:
        proc = run(args, stdout=write)
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (0, "")


def test_full_stdout_is_an_error(tmp_path):
    with open("/dev/full", "w") as full:
        proc = run(["config", "--project", str(project(tmp_path))], stdout=full)
    assert_clean_error(proc, "cannot write to standard output", "No space left on device")


def deep_list(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_deep_override_is_an_error(tmp_path):
    # 60,000 levels: as deep as one command-line argument (128 KiB) allows.
    proc = run(["config", "--project", str(project(tmp_path)), "-o",
                f"cmake.args={deep_list(60_000)}"], stdout=subprocess.PIPE)
    assert_clean_error(proc, "-o #1", "nest more than 64 levels")


@pytest.mark.parametrize("name", ["py-build-cmake.local.pbc", "extra.pbc"])
def test_deep_override_file_is_an_error(tmp_path, name):
    path = project(tmp_path) / name
    path.write_text(f"cmake.build_type=Debug\ncmake.args={deep_list(DEEP)}\n")
    args = ["config", "--project", str(tmp_path)]
    if name == "extra.pbc":
        args += ["--local", str(path)]
    proc = run(args, stdout=subprocess.PIPE)
    assert_clean_error(proc, name, "line 2", "nest more than 64 levels")


def test_deep_pyproject_is_an_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        PYPROJECT + f"[tool.py-build-cmake.cmake]\nargs = {deep_list(DEEP)}\n")
    proc = run(["config", "--project", str(tmp_path)], stdout=subprocess.PIPE)
    assert_clean_error(proc, "pyproject.toml", "line 5")


@pytest.mark.parametrize("kind", ["device", "huge"])
@pytest.mark.parametrize("name", ["pyproject.toml", "py-build-cmake.local.toml",
                                  "py-build-cmake.cross.pbc", "README.md"])
def test_unbounded_input_files_are_capped(tmp_path, kind, name):
    project(tmp_path)
    if name == "README.md":
        (tmp_path / "pyproject.toml").write_text(PYPROJECT + 'readme = "README.md"\n')
    path = tmp_path / name
    if path.exists():
        path.unlink()
    if kind == "device":
        path.symlink_to("/dev/zero")
    else:
        with open(path, "w") as f:
            f.write(("# " + "x" * 1022 + "\n") * (17 << 10))
    proc = run(["config", "--project", str(tmp_path)], stdout=subprocess.PIPE, timeout=60)
    if name == "README.md" and kind == "device":
        # A readme must stay inside the project: the link is refused before
        # anything is read (the huge case reads and caps it).
        assert_clean_error(proc, "README.md", "outside the project directory", "/dev/zero")
    elif kind == "device":
        # Only regular files are opened (a FIFO would block the open).
        assert_clean_error(proc, str(path), "not a regular file")
    else:
        assert_clean_error(proc, str(path), "larger than 16 MiB")


BACKEND = '[build-system]\nrequires = ["pybuildcmake"]\nbuild-backend = "pybuildcmake.build"\n'


def pure_project(root: Path, extra: str = "") -> Path:
    """A pure Python project (no CMake): `build` stages its module and packs."""
    root.mkdir(exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT + extra + BACKEND)
    (root / "demo").mkdir()
    (root / "demo" / "__init__.py").write_text("")
    return root


def build_and_sdist(root: Path, out: Path):
    """`py-build-cmake build` (the wheel) and `sdist` of the project."""
    return [run([command, "--project", str(root), "--out-dir", str(out)],
                stdout=subprocess.PIPE, timeout=60)
            for command in ("build", "sdist")]


@pytest.mark.parametrize("case", ["file", "dir", "include"])
def test_symlinks_leaving_the_project_leak_nothing(tmp_path, case):
    """A module file `demo/pw -> /etc/passwd`, a directory `demo/etc -> /etc`
    or `sdist.include = ["pw"]` naming such a link: the wheel and the sdist
    refuse it, naming the link and its target, and write nothing."""
    extra = '[tool.py-build-cmake.sdist]\ninclude = ["pw"]\n' if case == "include" else ""
    root = pure_project(tmp_path / "p", extra)
    link, target = {"file": ("demo/pw", "/etc/passwd"), "dir": ("demo/etc", "/etc"),
                    "include": ("pw", "/etc/passwd")}[case]
    (root / link).symlink_to(target)
    out = tmp_path / "out"
    procs = build_and_sdist(root, out)
    if case == "include":
        procs = procs[1:]  # the wheel does not take sdist.include
    for proc in procs:
        assert_clean_error(proc, f"{root / link} leads to {target}", "outside the project")
    assert not list(out.glob("*.tar.gz"))
    if case != "include":
        assert not list(out.glob("*.whl"))


def test_symlinks_inside_the_project_are_followed(tmp_path):
    """The one rule for links that stay inside: the archive holds what they
    point to, under the link's path."""
    root = pure_project(tmp_path / "p", '[tool.py-build-cmake.sdist]\ninclude = ["docs"]\n')
    (root / "shared").mkdir()
    (root / "shared" / "data.txt").write_text("shared\n")
    (root / "demo" / "data").symlink_to("../shared")
    (root / "docs").symlink_to("shared")
    out = tmp_path / "out"
    for proc in build_and_sdist(root, out):
        assert proc.returncode == 0, proc.stderr
    import tarfile
    import zipfile
    wheel = zipfile.ZipFile(next(out.glob("*.whl")))
    assert wheel.read("demo/data/data.txt") == b"shared\n"
    with tarfile.open(next(out.glob("*.tar.gz"))) as sdist:
        members = {m.name: m for m in sdist.getmembers()}
        for name in ("demo-1.0/demo/data/data.txt", "demo-1.0/docs/data.txt"):
            assert members[name].isfile(), name
            assert sdist.extractfile(name).read() == b"shared\n"


@pytest.mark.parametrize("key", ["license-files", "include"])
@pytest.mark.parametrize("case", ["loop", "out"])
def test_double_star_globs_end(tmp_path, key, case):
    """`**` in license-files or sdist.include once followed `d/self -> .`
    (twice) forever, and wandered through /usr via `root -> /usr` before any
    check: both are errors naming the link."""
    extra = ('license-files = ["**/LICENSE*"]\n' if key == "license-files"
             else '[tool.py-build-cmake.sdist]\ninclude = ["**/*.txt"]\n')
    root = pure_project(tmp_path / "p", extra)
    (root / "LICENSE").write_text("MIT\n")
    (root / "d").mkdir()
    if case == "loop":
        (root / "d" / "self").symlink_to(".")
        (root / "d" / "again").symlink_to(".")
        expected = ["is a loop", str(root / "d")]
    else:
        (root / "d" / "root").symlink_to("/usr")
        expected = [f"{root / 'd' / 'root'} leads to /usr", "outside the project"]
    command = "config" if key == "license-files" else "sdist"
    proc = run([command, "--project", str(root), "--out-dir", str(tmp_path / "out")]
               if command == "sdist" else [command, "--project", str(root)],
               stdout=subprocess.PIPE, timeout=60)
    assert_clean_error(proc, *expected)


@pytest.mark.parametrize("name", ["pyproject.toml", "README.md", "LICENSE"])
def test_fifo_inputs_are_refused_not_waited_on(tmp_path, name):
    """A FIFO as pyproject.toml, readme or license file blocked forever."""
    extra = {"pyproject.toml": "", "README.md": 'readme = "README.md"\n',
             "LICENSE": 'license = { file = "LICENSE" }\n'}[name]
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + extra)
    path = tmp_path / name
    if path.exists():
        path.unlink()
    os.mkfifo(path)
    proc = run(["config", "--project", str(tmp_path)], stdout=subprocess.PIPE, timeout=30)
    assert_clean_error(proc, str(path), "not a regular file")


def test_invalid_utf8_pyproject_names_line_and_byte(tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(
        b'[project]\nname = "demo"\nversion = "1.0"\ndescription = "caf\xe9"\n')
    proc = run(["config", "--project", str(tmp_path)], stdout=subprocess.PIPE)
    assert_clean_error(proc, str(tmp_path / "pyproject.toml"), "not valid UTF-8",
                       "line 4, byte 19 of the line")


def test_symlink_loop_is_reported_as_a_loop(tmp_path):
    root = pure_project(tmp_path / "p")
    (root / "demo" / "a").symlink_to("b")
    (root / "demo" / "b").symlink_to("a")
    for proc in build_and_sdist(root, tmp_path / "out"):
        assert_clean_error(proc, str(root / "demo"), "is a loop")
        assert "broken" not in proc.stderr


def test_nfc_equal_module_names_are_refused(tmp_path):
    """`café.py` composed and decomposed are one name to macOS and to
    import: refused as case-only duplicates are."""
    root = pure_project(tmp_path / "p")
    composed, decomposed = "caf\u00e9.py", "cafe\u0301.py"
    (root / "demo" / composed).write_text("")
    (root / "demo" / decomposed).write_text("")
    proc = run(["build", "--project", str(root), "--out-dir", str(tmp_path / "out")],
               stdout=subprocess.PIPE)
    assert_clean_error(proc, f"demo/{composed}", f"demo/{decomposed}")

FOREIGN = (
    '[build-system]\nrequires = ["scikit-build-core"]\nbuild-backend = "scikit_build_core.build"\n'
    '[project]\nname = "demo"\nversion = "1.0"\n'
)


@pytest.mark.parametrize("command", ["build", "sdist", "config"])
def test_foreign_backend_is_an_error(tmp_path, command):
    """A project of another backend with no [tool.py-build-cmake] table is
    refused, never packed as an empty pure-Python wheel; ours without the
    table stays a pure-Python package."""
    (tmp_path / "pyproject.toml").write_text(FOREIGN)
    (tmp_path / "demo.py").write_text("")
    proc = run([command, "--project", str(tmp_path)], stdout=subprocess.PIPE, cwd=tmp_path)
    assert_clean_error(proc, "scikit_build_core.build", "[tool.py-build-cmake]", "pybuildcmake.build")
    assert not list(tmp_path.rglob("*.whl")) and not list(tmp_path.rglob("*.tar.gz"))

    ours = FOREIGN.replace('"scikit-build-core"', '"pybuildcmake"').replace(
        "scikit_build_core.build", "pybuildcmake.build"
    )
    (tmp_path / "pyproject.toml").write_text(ours)
    proc = run([command, "--project", str(tmp_path)], stdout=subprocess.PIPE, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    if command == "build":
        assert proc.stdout.strip().endswith("py3-none-any.whl"), proc.stdout
