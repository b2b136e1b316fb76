"""Differential test of `py-build-cmake config --json` against py-build-cmake
0.5.1's own loader, on every fixture of tests/fixtures/config/.

The fixtures' expected.json files are the primary test (cargo test); this
checks that the same inputs mean the same thing to the original tool. The
cases where we deliberately differ are listed with the reason. The oracle
is imported from .venv/opt/py-build-cmake-0.5 (see tests/venv.sh and
tests/conftest.py); without it the test is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "config"
EXE = os.environ.get("PY_BUILD_CMAKE_EXE", "py-build-cmake")

# Our behaviour differs on purpose (or the oracle cannot run the case).
DIVERGENT = {
    "auto-cross-windows-dist-extra-config": "the oracle only applies Windows quirks on Windows",
    "cmake-numbered-only": "the oracle crashes (KeyError) on numbered configs without shared options",
    "cmake-options-override-operators": "the oracle rejects clearing one CMake option with =!",
    "cross-without-os-inherits-top-level": "cross.emulator is our extension",
    "wheel-bundle-options": "wheel.bundle_libs and bundle_exclude are our extension",
    "override-clear-cmake-makes-pure": "the oracle keeps an empty cmake section after cmake=!",
    "override-quoted-values-and-tables": "the oracle rejects `cmake.options={...}` (its docs use this form for env)",
    # Errors we report while loading; the oracle finds them later, while building.
    "error-build-tag": "build tags are checked at load time",
    "error-build-tag-plus": "build tags are checked at load time",
    "error-build-tag-built-by-an-edit": "build tags are checked at load time",
    "error-wheel-python-tag": "wheel tags are checked at load time",
    "error-wheel-abi-tag-in-os-section": "wheel tags are checked at load time",
    "error-wheel-platform-tag-in-pbc": "wheel tags are checked at load time",
    "error-sdist-include-bad-glob": "sdist globs are checked at load time",
    "error-sdist-exclude-bad-glob": "sdist globs are checked at load time",
    "error-abi3-negative": "the oracle takes any integer",
    "error-abi3-one-digit": "the oracle takes any integer (and fails while building)",
    "error-cross-version": "the oracle reads cross.version only while building",
    "error-component-needs-install-components": "the oracle's main backend ignores component",
    "error-default-source-path-needs-cmakelists": "checked at load time",
    "error-env-missing-variable": "cmake.env is expanded at load time",
    "error-project-dynamic-missing-version": "dynamic metadata is read at load time",
    "error-project-dynamic-with-generated": "dynamic metadata is read at load time",
    "error-project-unknown-field": "unknown [project] fields are errors, not warnings",
    "error-project-console-scripts-entry-point": "PEP 621 makes this an error; the oracle accepts it",
    "error-project-bad-license-expression": "the oracle checks SPDX expressions only for Metadata 2.4 output",
    # Names and values that would become paths or break a build; the oracle takes them as they are.
    "error-cmake-index-too-large": "the oracle accepts any number of digits",
    "error-cmake-minimum-version-not-a-version": "the oracle accepts any string",
    "error-module-name-absolute": "the oracle uses module.name as a path unchecked",
    "error-module-name-default-from-project-name": "the oracle uses module.name as a path unchecked",
    "error-module-name-path-in-override": "the oracle uses module.name as a path unchecked",
    "error-stubgen-package-path": "the oracle passes stubgen names on unchecked",
    "error-sdist-include-outside": "the oracle globs outside the project",
    "error-override-space-around-value": "the oracle keeps the blanks in the value",
    "error-project-entry-point-name-newline": "the oracle checks [project] only while building",
    "error-project-entry-point-reference": "the oracle checks [project] only while building",
    "error-project-readme-file-absolute": "the oracle reads the readme only while building",
    "error-project-script-name-path": "the oracle checks [project] only while building",
    "error-project-url-newline": "the oracle checks [project] only while building",
    "error-project-unknown-license": "the oracle checks license ids only while building",
    "error-editable-build-hook-needs-symlink": "the oracle only warns and skips the build hook",
}

def plain(x):
    """The oracle's config as JSON-like data."""
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, Path):
        return str(x)
    return x if isinstance(x, (str, int, float, bool, type(None))) else repr(x)


def run_oracle(project: Path, settings: dict) -> dict:
    from py_build_cmake.common.platform import determine_build_platform_info
    from py_build_cmake.config.load import read_full_config

    cfg = read_full_config(determine_build_platform_info(), project / "pyproject.toml", settings, False)
    return {k: plain(getattr(cfg, k)) for k in ("module", "cmake", "wheel", "cross", "sdist", "editable")}


def oracle_available() -> bool:
    try:
        import py_build_cmake.config.load  # noqa: F401
    except ImportError:
        return False
    return True


def cases():
    return sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def prepare(case: str, tmp_path: Path):
    project = tmp_path.resolve() / "project"
    shutil.copytree(FIXTURES / case, project)
    for f in project.rglob("*"):
        if f.is_file():
            f.write_text(f.read_text().replace("${PROJECT}", str(project)))

    def lines(name):
        path = project / name
        if not path.exists():
            return []
        return [l for l in path.read_text().splitlines() if l]

    env = {k: v for k, v in os.environ.items() if k not in ("ARCHFLAGS", "DIST_EXTRA_CONFIG", "MACOSX_DEPLOYMENT_TARGET")}
    for line in lines("env.txt"):
        name, value = line.split("=", 1)
        env[name] = value
    env["PWD"] = str(project)  # the oracle resolves --local/--cross against $PWD
    return project, lines("args.txt"), env


def split_args(args):
    """Our CLI arguments as the oracle's config settings, and the OS."""
    settings = {"override": [], "local": [], "cross": []}
    os_name = "linux"
    for flag, value in zip(args[::2], args[1::2]):
        if flag == "--os":
            os_name = value
        else:
            settings["override" if flag == "-o" else flag.lstrip("-")].append(value)
    return settings, os_name


def compare(ours: dict, theirs: dict, section: str) -> list[str]:
    diffs = []
    our_cmake = ours["cmake"]
    if our_cmake is not None and not isinstance(our_cmake, list):
        our_cmake = [our_cmake]
    their_cmake = (theirs["cmake"] or {}).get(section)
    if (our_cmake is None) != (their_cmake is None):
        return [f"cmake: ours {ours['cmake']!r}, theirs {their_cmake!r}"]
    for index, their_config in (their_cmake or {}).items():
        our_config = our_cmake[int(index)] if int(index) < len(our_cmake) else {}
        for key, value in their_config.items():
            # env is expanded at build time by the oracle; the rest is ours too.
            if key == "env" or key.startswith("find_python_build"):
                continue
            if our_config.get(key) != value:
                diffs.append(f"cmake[{index}].{key}: ours {our_config.get(key)!r}, theirs {value!r}")
    for name in ("wheel", "editable"):
        for key, value in theirs[name].get(section, {}).items():
            if ours[name].get(key) != value:
                diffs.append(f"{name}.{key}: ours {ours[name].get(key)!r}, theirs {value!r}")
    for key, value in theirs["sdist"].get(section, {}).items():
        ours_value = ours["sdist"].get(key.removesuffix("_patterns"))
        if ours_value != value:
            diffs.append(f"sdist.{key}: ours {ours_value!r}, theirs {value!r}")
    for key, value in theirs["module"].items():
        if ours["module"].get(key) != value:
            diffs.append(f"module.{key}: ours {ours['module'].get(key)!r}, theirs {value!r}")
    for key, value in (theirs["cross"] or {}).items():
        if (ours["cross"] or {}).get(key) != value:
            diffs.append(f"cross.{key}: ours {(ours['cross'] or {}).get(key)!r}, theirs {value!r}")
    return diffs


@pytest.mark.skipif(not oracle_available(), reason="py-build-cmake 0.5.1 is not installed")
@pytest.mark.parametrize("case", cases())
def test_same_as_py_build_cmake(case, tmp_path, monkeypatch):
    from py_build_cmake.common import ConfigError

    if case in DIVERGENT:
        pytest.skip(DIVERGENT[case])
    project, args, env = prepare(case, tmp_path)
    settings, os_name = split_args(args)
    ours = subprocess.run([EXE, "config", "--json", "--project", str(project), *args],
                          cwd=project, env=env, capture_output=True, text=True)
    # The oracle runs in this process, in the same environment.
    monkeypatch.chdir(project)
    for name in set(os.environ) - set(env):
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if (project / "expected-error.txt").exists():
        assert ours.returncode != 0
        with pytest.raises((ConfigError, ValueError, KeyError, OSError)):
            run_oracle(project, settings)
        return
    assert ours.returncode == 0, ours.stderr
    ours_json = json.loads(ours.stdout)
    section = "cross" if ours_json["cross"] is not None else os_name
    assert compare(ours_json, run_oracle(project, settings), section) == []


FUZZ_PYPROJECT = """\
[project]
name = "demo-pkg"
version = "1"
[tool.py-build-cmake.cmake]
build_type = "Release"
args = ["-a"]
build_args = ["x", "y"]
install_components = ["", "c"]
options = {A = "1", B = true, L = ["p", "q"]}
[tool.py-build-cmake.linux.cmake]
args = ["-l"]
config = ["Debug"]
[tool.py-build-cmake.wheel]
python_tag = ["py3"]
"""
FUZZ_KEYS = [
    "cmake.build_type", "cmake.args", "cmake.build_args", "cmake.config", "cmake.install_config",
    # Not cmake.minimum_version: no value below is a CMake version, which we refuse.
    "cmake.install_components", "cmake.generator", "cmake.preset",
    "cmake.options.A", "cmake.options.B", "cmake.options.L", "cmake.options.N",
    "linux.cmake.args", "linux.cmake.config", "linux.cmake.build_type", "linux.cmake.build_args",
    "linux.cmake.options.L", "wheel.python_tag", "linux.wheel.python_tag",
]
FUZZ_OPERATORS = ["=", "+=", "=+", "-=", "=!"]
FUZZ_VALUES = ["x", "y", "Debug", "Release", "p", "q", "[x]", "[y, z]", "[a, b]", "[]", "true", "false"]


@pytest.mark.skipif(not oracle_available(), reason="py-build-cmake 0.5.1 is not installed")
def test_random_overrides_agree(tmp_path, monkeypatch):
    """Random -o sequences mean the same to both tools; the only inputs just
    one of them rejects are clearing a single CMake option (the oracle
    cannot)."""
    import random

    from py_build_cmake.common import ConfigError

    project = tmp_path.resolve()
    (project / "pyproject.toml").write_text(FUZZ_PYPROJECT)
    (project / "CMakeLists.txt").write_text("")
    (project / "demo_pkg").mkdir()
    (project / "demo_pkg" / "__init__.py").write_text("")
    monkeypatch.chdir(project)
    rng = random.Random(2024)
    agreed = 0
    for _ in range(150):
        overrides = []
        for _ in range(rng.randint(1, 4)):
            op = rng.choice(FUZZ_OPERATORS)
            value = "" if op == "=!" else rng.choice(FUZZ_VALUES)
            overrides.append(f"{rng.choice(FUZZ_KEYS)}{op}{value}")
        args = [a for o in overrides for a in ("-o", o)]
        ours = subprocess.run([EXE, "config", "--json", "--project", str(project), "--os", "linux", *args],
                              capture_output=True, text=True)
        try:
            theirs = run_oracle(project, {"override": overrides, "local": [], "cross": []})
        except ConfigError as e:
            clears_option = any(".options." in o and o.endswith("=!") for o in overrides)
            assert ours.returncode != 0 or clears_option, f"{overrides}: only the oracle fails: {e}"
            continue
        assert ours.returncode == 0, f"{overrides}: only we fail: {ours.stderr}"
        assert compare(json.loads(ours.stdout), theirs, "linux") == [], overrides
        agreed += 1
    assert agreed >= 50
