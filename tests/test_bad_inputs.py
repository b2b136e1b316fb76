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
    else:
        assert_clean_error(proc, str(path), "larger than 16 MiB")


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
