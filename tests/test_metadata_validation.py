"""Differential test of the [project] metadata checks against `packaging`,
the library pip and twine validate with: each requirement, specifier set and
license expression below must be accepted by `py-build-cmake config` exactly
when packaging accepts it (and license expressions canonicalized the same).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet

EXE = os.environ.get("PY_BUILD_CMAKE_EXE", "py-build-cmake")

REQUIREMENTS = [
    # Accepted.
    "numpy",
    "numpy>=1.20",
    "NumPy_Two.x-y>=1.0,<2",
    "foo[bar]",
    "foo[bar,baz]>=1",
    "foo [ bar , baz ] (>=1.0, <2.0)",
    "foo[]",
    "foo>=1.0,",
    "foo ()",
    "foo==1.*",
    "foo!=1.0.*",
    "foo~=1.4.2",
    "foo===1.0-anything",
    "foo==1.0+local.7",
    "foo>=1.0rc1.post2.dev3",
    "foo >= v1.0",
    "foo; python_version < '3.12'",
    "foo;extra=='x'",
    'foo ; os_name == "nt" and platform_machine != "arm64"',
    "foo; (os_name == 'nt' or sys_platform == 'linux') and python_full_version >= '3.8.1'",
    "foo; 'linux' in sys_platform",
    "foo; 'win' not in sys_platform",
    "foo; os.name == 'posix'",
    "foo; platform_python_implementation == 'CPython' or implementation_name == 'pypy'",
    "foo; python_version ~= '3.10'",
    "foo @ https://example.org/foo-1.0.tar.gz",
    "foo @ file:///tmp/foo.whl ; python_version >= '3'",
    "foo @ https://example.org/a;b.whl",
    "foo[x] @ https://example.org/foo.zip",
    "foo>=1;python_version>'3'",
    # Refused.
    "",
    "-foo",
    "foo bar",
    "foo[bar baz]",
    "foo[bar,]",
    "foo[-x]",
    "foo >=1.0 <2",
    "foo>=1.0,,<2",
    "foo=>1.0",
    "foo~=1",
    "foo>=1.0+local",
    "foo<1.*",
    "foo==1.0a1.*",
    "foo>=x",
    "foo>=1.0; ",
    "foo; os_name",
    "foo; os_name = 'nt'",
    "foo; python_versionx < '3'",
    "foo; os_name == 'nt",
    "foo; os_name == 'a' and",
    "foo; os_name not 'a'",
    "foo; os_name == 'a' xor os_name == 'b'",
    "foo; (os_name == 'a'",
    "foo @",
    "foo @ https://example.org/a.whl extra",
    "foo (>=1",
    "foo>=1)",
    "foo\nbar",
    "foo]",
    "foo; unknown_var == 'x'",
]

SPECIFIER_SETS = [
    ">=3.8",
    ">=3.8, <4",
    "==3.*",
    "!=3.9.*",
    "~=3.10",
    "> 3 , < 4",
    "===3.11-custom",
    ">=3.8rc1",
    "3.8",
    ">=",
    ">=3.8,,<4",
    "=>3.8",
    "~=3",
    ">=3.8+local",
    "<3.*",
    "==3.8a1.*",
    ">=three",
]

LICENSES = [
    "MIT",
    "mit",
    "MIT OR Apache-2.0",
    "mit and (apache-2.0 or bsd-2-clause)",
    "GPL-2.0-only WITH Classpath-exception-2.0",
    "gpl-2.0+",
    "LicenseRef-My-License.1",
    "(MIT)",
    "Use-it-after-midnight",
    "MIT WITH Not-An-Exception",
    "MIT OR",
    "(MIT",
    "MIT)",
    "MIT Apache-2.0",
    "LicenseRef-a_b",
    "LicenseRef-x+",
    "WITH MIT",
    "MIT WITH",
]


def config(tmp_path: Path, project: str):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo-pkg"\nversion = "1"\n' + project
    )
    (tmp_path / "demo_pkg").mkdir(exist_ok=True)
    (tmp_path / "demo_pkg" / "__init__.py").write_text("")
    return subprocess.run(
        [EXE, "config", "--json", "--project", str(tmp_path)], capture_output=True, text=True
    )


def packaging_accepts(parse, value) -> bool:
    try:
        parse(value)
    except (InvalidRequirement, InvalidSpecifier, ValueError):
        return False
    return True


@pytest.mark.parametrize("requirement", REQUIREMENTS)
def test_requirements_agree_with_packaging(requirement, tmp_path):
    ours = config(tmp_path, f"dependencies = [\"ok\", {json.dumps(requirement)}]\n")
    theirs = packaging_accepts(Requirement, requirement)
    assert (ours.returncode == 0) == theirs, ours.stderr
    if not theirs:
        assert "key project.dependencies[1]" in ours.stderr, ours.stderr
        assert json.dumps(requirement) in ours.stderr, ours.stderr
    # As an optional dependency it gets an extra marker; packaging must accept that line.
    if theirs:
        extra = config(tmp_path, f"optional-dependencies = {{ test = [{json.dumps(requirement)}] }}\n")
        assert extra.returncode == 0, extra.stderr


@pytest.mark.parametrize("specifiers", SPECIFIER_SETS)
def test_requires_python_agrees_with_packaging(specifiers, tmp_path):
    ours = config(tmp_path, f"requires-python = {json.dumps(specifiers)}\n")
    theirs = packaging_accepts(SpecifierSet, specifiers)
    assert (ours.returncode == 0) == theirs, ours.stderr
    if not theirs:
        assert "key project.requires-python" in ours.stderr, ours.stderr


@pytest.mark.parametrize("expression", LICENSES)
def test_license_expressions_agree_with_packaging(expression, tmp_path):
    licenses = pytest.importorskip("packaging.licenses")
    ours = config(tmp_path, f"license = {json.dumps(expression)}\n")
    try:
        canonical = licenses.canonicalize_license_expression(expression)
    except licenses.InvalidLicenseExpression:
        canonical = None
    assert (ours.returncode == 0) == (canonical is not None), ours.stderr
    if canonical is None:
        assert "key project.license" in ours.stderr, ours.stderr
    else:
        assert json.loads(ours.stdout)["project"]["license"] == {"expression": canonical}
