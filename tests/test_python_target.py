"""Native target resolution (`py-build-cmake python-target`) against what
packaging and sysconfig say about the same interpreter, its cache, and its
errors."""

from __future__ import annotations

import json
import sys
import sysconfig
from pathlib import Path

from packaging import tags

import cmake_support as cs


def python_target(*args, check=True):
    result = cs.run([cs.helper(), "python-target", *args], check=check)
    return json.loads(result.stdout)["target"] if check else result


def test_tags_and_paths_match_packaging_and_sysconfig(tmp_path):
    target = python_target("--python", sys.executable, "--cache-dir", tmp_path)
    first = next(tags.sys_tags())
    assert target["implementation_tag"] + f"{target['major']}{target['minor']}" == first.interpreter
    assert target["abi_tag"] == first.abi
    expected_platform = sysconfig.get_platform().replace("-", "_").replace(".", "_").lower()
    assert target["platform_tag"] == expected_platform
    assert any(t.platform == target["platform_tag"] for t in tags.sys_tags())
    assert target["ext_suffix"] == sysconfig.get_config_var("EXT_SUFFIX")
    assert target["soabi"] == sysconfig.get_config_var("SOABI")
    assert target["version"] == ".".join(map(str, sys.version_info[:3]))
    assert Path(sysconfig.get_paths()["include"]) in map(Path, target["include_dirs"])
    assert Path(target["root_dir"]) == Path(sys.prefix)
    assert not target["cross"]


def test_the_answer_is_cached_per_interpreter_file(tmp_path):
    # A venv's python is a symlink to a real binary, so its answer is cached.
    first = python_target("--python", sys.executable, "--cache-dir", tmp_path)
    entries = list(tmp_path.glob("python-*.json"))
    assert len(entries) == 1
    entry = json.loads(entries[0].read_text())
    # The cached output is what the next call uses: change it and see.
    facts = json.loads(entry["output"])
    facts["version"] = "3.99.0"
    entry["output"] = json.dumps(facts)
    entries[0].write_text(json.dumps(entry))
    assert python_target("--python", sys.executable, "--cache-dir", tmp_path)["version"] == "3.99.0"
    # A broken entry is recomputed, not an error.
    entries[0].write_text("{broken")
    assert python_target("--python", sys.executable, "--cache-dir", tmp_path) == first


def test_errors_name_the_interpreter(tmp_path):
    missing = python_target("--python", tmp_path / "nope" / "python3", "--no-cache", check=False)
    assert missing.returncode != 0
    assert f"Python interpreter `{tmp_path / 'nope' / 'python3'}` not found" in missing.stdout

    not_python = tmp_path / "fake-python"
    not_python.write_text("#!/bin/sh\necho hello\n")
    not_python.chmod(0o755)
    garbage = python_target("--python", not_python, "--no-cache", check=False)
    assert garbage.returncode != 0
    assert "printed something that is not the expected description" in garbage.stdout
    assert "hello" in garbage.stdout

    failing = tmp_path / "failing-python"
    failing.write_text("#!/bin/sh\necho 'SyntaxError: boom' >&2\nexit 1\n")
    failing.chmod(0o755)
    failed = python_target("--python", failing, "--no-cache", check=False)
    assert failed.returncode != 0
    assert "failed (exit status: 1)" in failed.stdout and "SyntaxError: boom" in failed.stdout


def test_override_sources_apply_to_a_project_and_need_one(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "1.0"\n[tool.py-build-cmake.cmake]\n')
    (tmp_path / "CMakeLists.txt").write_text("")
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "__init__.py").write_text("")
    (tmp_path / "tag.pbc").write_text("wheel.python_tag=py2\n")
    result = cs.run([cs.helper(), "python-target", "--python", sys.executable, "--project", tmp_path,
                     "--local", tmp_path / "tag.pbc", "-o", "wheel.python_abi=none"])
    assert json.loads(result.stdout)["tags"].startswith("py2-none-")
    for args in (["--local", "x.pbc"], ["--cross", "x.toml"], ["-o", "wheel.python_abi=none"]):
        result = python_target(*args, check=False)
        assert result.returncode == 2
        assert "required arguments were not provided:\n  --project <PROJECT>" in result.stdout
