"""The sdist: `py_build_cmake_add_sdist()`'s target and `py-build-cmake sdist`."""

from __future__ import annotations

import tarfile

from cmake_support import build, cmake_newest, configure, copy_example, helper, run


def members(path):
    with tarfile.open(path) as tf:
        return {m.name: m for m in tf.getmembers()}


def test_sdist_target_is_reproducible_and_complete(tmp_path):
    cmake = cmake_newest()
    paths = []
    for copy in ["a", "b"]:
        src = copy_example("c-extension", tmp_path / copy)
        bdir = tmp_path / copy / "build"
        configure(cmake, src, bdir)
        build(cmake, bdir, target="sdist")
        paths.append(src / "dist" / "c_extension_example-0.1.0.tar.gz")
    # Two checkouts of the same sources give the same bytes.
    assert paths[0].read_bytes() == paths[1].read_bytes()

    found = members(paths[0])
    base = "c_extension_example-0.1.0"
    assert sorted(found) == sorted(
        f"{base}/{name}"
        for name in [
            "PKG-INFO", "pyproject.toml", "README.md", "CMakeLists.txt",
            "python/c_extension/__init__.py", "src/core.c",
        ]
    )
    for member in found.values():
        assert member.uid == 0 and member.gid == 0 and member.mode == 0o644
    with tarfile.open(paths[0]) as tf:
        pkg_info = tf.extractfile(f"{base}/PKG-INFO").read().decode()
    assert "Name: c-extension-example\n" in pkg_info
    assert "Version: 0.1.0\n" in pkg_info
    run(["python", "-m", "twine", "check", "--strict", paths[0]])


def test_sdist_include_exclude(tmp_path):
    src = copy_example("c-extension", tmp_path)
    (src / "docs").mkdir()
    (src / "docs" / "guide.md").write_text("guide\n")
    (src / "docs" / "draft.md").write_text("draft\n")
    pyproject = src / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'include = ["CMakeLists.txt", "src/*"]',
            'include = ["CMakeLists.txt", "src/*", "docs"]\nexclude = ["docs/draft.md"]',
        )
    )
    out = run([helper(), "sdist", "--project", src, "--out-dir", tmp_path / "out"]).stdout
    path = tmp_path / "out" / "c_extension_example-0.1.0.tar.gz"
    assert out.strip().splitlines()[-1] == str(path)
    names = members(path)
    assert "c_extension_example-0.1.0/docs/guide.md" in names
    assert "c_extension_example-0.1.0/docs/draft.md" not in names


def test_sdist_leaves_out_what_the_wheel_leaves_out(tmp_path):
    """One exclusion rule for the wheel and the sdist: caches, compiled files
    and override files are left out of included directories and of the
    module alike."""
    src = copy_example("c-extension", tmp_path)
    left_out = [
        "docs/__pycache__/x.cpython-311.pyc", "docs/old.pyc", "docs/py-build-cmake.local.toml",
        "python/c_extension/__pycache__/__init__.cpython-311.pyc",
        "python/c_extension/stale.pyo", "python/c_extension/py-build-cmake.cross.pbc",
    ]
    for name in ["docs/guide.md", *left_out]:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text("x\n")
    pyproject = src / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        'include = ["CMakeLists.txt", "src/*"]', 'include = ["CMakeLists.txt", "src/*", "docs"]'))
    run([helper(), "sdist", "--project", src, "--out-dir", tmp_path / "out"])
    names = members(tmp_path / "out" / "c_extension_example-0.1.0.tar.gz")
    assert "c_extension_example-0.1.0/docs/guide.md" in names
    for name in left_out:
        assert f"c_extension_example-0.1.0/{name}" not in names, name


def test_sdist_refuses_to_exclude_crucial_files(tmp_path):
    src = copy_example("c-extension", tmp_path)
    pyproject = src / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'include = ["CMakeLists.txt", "src/*"]',
            'include = ["src/*"]\nexclude = ["CMakeLists.txt"]',
        )
    )
    result = run([helper(), "sdist", "--project", src, "--out-dir", tmp_path / "out"], check=False)
    assert result.returncode != 0
    assert "sdist.exclude removes CMakeLists.txt, which the sdist cannot do without" in result.stdout
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_sdist_leaves_out_our_own_outputs(tmp_path):
    """An include glob that matches everything (`*`) still leaves out the out
    dir (here inside the project) and this project's wheels and sdists
    elsewhere in it, so no sdist packs the previous one."""
    src = copy_example("c-extension", tmp_path)
    pyproject = src / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('include = ["CMakeLists.txt", "src/*"]', 'include = ["*"]')
    )
    (src / "dist").mkdir()
    (src / "dist" / "c_extension_example-0.1.0-py3-none-any.whl").write_text("old wheel")
    (src / "old").mkdir()
    (src / "old" / "c_extension_example-0.0.9.tar.gz").write_text("old sdist")
    (src / "old" / "notes.txt").write_text("kept\n")
    base = "c_extension_example-0.1.0"
    for _ in range(2):
        run([helper(), "sdist", "--project", src, "--out-dir", src / "out"])
        names = set(members(src / "out" / f"{base}.tar.gz"))
        assert f"{base}/old/notes.txt" in names and f"{base}/src/core.c" in names
        assert not [n for n in names if n.startswith((f"{base}/out/", f"{base}/dist/"))], names
        assert f"{base}/old/c_extension_example-0.0.9.tar.gz" not in names
