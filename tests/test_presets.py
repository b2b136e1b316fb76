"""`py-build-cmake presets`: a configure, build and workflow preset per
target, so that `cmake --workflow --preset <target>` builds that wheel."""

from __future__ import annotations

import json
from pathlib import Path

import cmake_support as cs
import test_cross as cross

PRESETS = "CMakePresets.pybuildcmake.json"


def presets(project: Path, *args) -> Path:
    out = cs.run([cs.helper(), "presets", "--project", project, *args]).stdout
    path = Path(out.strip().splitlines()[-1])
    assert path == project / PRESETS
    return path


def test_workflow_presets_build_native_and_cross_wheels(tmp_path):
    project = cs.copy_example("c-extension", tmp_path)
    user = project / "CMakeUserPresets.json"
    user.write_text(json.dumps({
        "version": 6,
        "configurePresets": [{"name": "mine", "binaryDir": "${sourceDir}/build/mine"}],
    }, indent=2))
    aarch64 = cross.write_cross_config(tmp_path, "arm64")
    native_name = cs.full_abi_tags()

    path = presets(project, "--native", "--cross", aarch64)
    doc = json.loads(path.read_text())
    assert doc["version"] == 6 and "py-build-cmake" in doc["vendor"]
    names = [p["name"] for p in doc["workflowPresets"]]
    assert names == [native_name, "cp311-cp311-linux_aarch64"]
    user_doc = json.loads(user.read_text())
    assert user_doc["include"] == [PRESETS]
    assert user_doc["configurePresets"][0]["name"] == "mine"

    # Idempotent: a second run rewrites nothing.
    before = (path.stat().st_mtime_ns, user.stat().st_mtime_ns)
    presets(project, "--native", "--cross", aarch64)
    assert (path.stat().st_mtime_ns, user.stat().st_mtime_ns) == before

    for name in names:
        cs.run([cs.cmake_newest(), "--workflow", "--preset", name], cwd=project)
        assert (project / "build" / name / "CMakeCache.txt").is_file()
    wheels = sorted(w.name for w in cs.wheels(project / "dist"))
    assert wheels == sorted([
        f"c_extension_example-0.1.0-{native_name}.whl",
        "c_extension_example-0.1.0-cp311-cp311-linux_aarch64.whl",
    ])
    cross.check_binaries(project / "dist" / "c_extension_example-0.1.0-cp311-cp311-linux_aarch64.whl", "arm64")

    # Dropping the cross config drops its presets, and only those.
    presets(project, "--native")
    doc = json.loads(path.read_text())
    assert [p["name"] for p in doc["configurePresets"]] == [native_name]
    assert json.loads(user.read_text())["include"] == [PRESETS]


def test_presets_refuse_user_presets_without_include_support(tmp_path):
    project = cs.copy_example("c-extension", tmp_path)
    user = project / "CMakeUserPresets.json"
    user.write_text('{"version": 3, "configurePresets": []}')
    result = cs.run([cs.helper(), "presets", "--project", project], check=False)
    assert result.returncode != 0
    assert "needs version 4 or later" in result.stdout
    assert user.read_text() == '{"version": 3, "configurePresets": []}'
    assert not (project / PRESETS).exists()


def test_presets_print_each_cause_once(tmp_path):
    """A CMakeUserPresets.json that cannot be read: the message names the
    file and the OS error follows once, as its cause."""
    project = cs.copy_example("c-extension", tmp_path)
    (project / "CMakeUserPresets.json").mkdir()
    result = cs.run([cs.helper(), "presets", "--project", project], check=False)
    assert result.returncode != 0
    lines = result.stdout.splitlines()
    error = [line for line in lines if "error: while reading" in line]
    assert len(error) == 1 and "CMakeUserPresets.json" in error[0], result.stdout
    assert "Is a directory" not in error[0], result.stdout
    causes = [line for line in lines if "caused by:" in line]
    assert len(causes) == 1 and "Is a directory" in causes[0], result.stdout
    assert not (project / PRESETS).exists()
