//! The staged install tree as wheel entries: the one walk
//! (`archive::walk`, symlinks confined to the tree), then the wheel's
//! rules: the `.data` layout and no two files an installer would write to
//! one path.

use std::collections::BTreeMap;
use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use super::Error;
use crate::archive::{self, Filter, Symlinks, WalkedFile};
use crate::project::{Project, DATA_SCHEME_KEYS};

/// Lists every file under `root`, its `relative` path being its archive
/// path. A staged `.data` directory spelled differently from `project`'s
/// (`Project::data_dir_name`) but meaning the same project and version is
/// renamed to it.
pub fn collect(root: &Path, project: &Project) -> Result<Vec<WalkedFile>, Error> {
    let data_dir = &project.data_dir_name();
    let meta = std::fs::metadata(root).map_err(|source| Error::Staging {
        path: root.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(Error::StagingNotDir(root.to_path_buf()));
    }
    let mut files = archive::walk(root, "", &Filter::default(), Symlinks::Confined)?;
    // Each top-level entry is named once, not once per file below it.
    let mut top_names: BTreeMap<String, String> = BTreeMap::new();
    for file in &mut files {
        let (top, rest) = match file.relative.split_once('/') {
            Some((top, rest)) => (top, Some(rest)),
            None => (file.relative.as_str(), None),
        };
        let name = match top_names.get(top) {
            Some(name) => name.clone(),
            None => {
                let name = top_level_name(top, rest.is_some(), &root.join(top), project, data_dir)?;
                top_names.insert(top.to_owned(), name.clone());
                name
            }
        };
        if let Some(rest) = rest {
            file.relative = format!("{name}/{rest}");
        }
        check_data_file(&file.relative, &file.path, data_dir)?;
    }
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    check_conflicts(&files, data_dir)?;
    Ok(files)
}

/// Where an installer puts a file, folded to lower case and Unicode NFC:
/// the tree root, `.data/purelib` and `.data/platlib` all land in
/// site-packages (one directory in a venv and on common layouts), the other
/// `.data` keys each in their own, Windows and macOS file systems ignore
/// case, and macOS's and Python's imports do not tell `é` from `e` + U+0301.
fn install_key(archive_path: &str, data_dir: &str) -> String {
    let rest = archive_path
        .strip_prefix(data_dir)
        .and_then(|r| r.strip_prefix('/'));
    let key = match rest.and_then(|r| r.split_once('/')) {
        Some(("purelib" | "platlib", path)) => format!("lib/{path}"),
        Some((scheme, path)) => format!("{scheme}/{path}"),
        None => format!("lib/{archive_path}"),
    };
    key.to_lowercase().nfc().collect()
}

/// Refuses two staged files that an installer would write to the same path,
/// or a file where another needs a directory, naming both staged paths.
fn check_conflicts(files: &[WalkedFile], data_dir: &str) -> Result<(), Error> {
    let mut keys: Vec<(String, &WalkedFile)> = files
        .iter()
        .map(|f| (install_key(&f.relative, data_dir), f))
        .collect();
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    // Sorted, a file `x` is followed by `x` itself (a duplicate) or, before
    // any other `x/...`, by entries between `x` and `x/` such as `x.py`:
    // search for the directory form explicitly.
    for (i, (key, file)) in keys.iter().enumerate() {
        if let Some((next_key, next)) = keys.get(i + 1) {
            if next_key == key {
                return Err(conflict(
                    file,
                    next,
                    "both would be installed as the same file",
                ));
            }
        }
        let dir = format!("{key}/");
        let start = keys.partition_point(|(k, _)| k.as_str() < dir.as_str());
        if let Some((inner_key, inner)) = keys.get(start) {
            if inner_key.starts_with(&dir) {
                return Err(conflict(
                    file,
                    inner,
                    "the first would be installed where the second needs a directory",
                ));
            }
        }
    }
    Ok(())
}

fn conflict(first: &WalkedFile, second: &WalkedFile, reason: &str) -> Error {
    Error::Conflict {
        first: first.path.clone(),
        second: second.path.clone(),
        reason: reason.into(),
    }
}

/// The archive name of the top-level entry `name` (a directory when
/// `is_dir`): a `.data` directory respelled, a staged `.dist-info` refused.
fn top_level_name(
    name: &str,
    is_dir: bool,
    path: &Path,
    project: &Project,
    data_dir: &str,
) -> Result<String, Error> {
    // In any case: installers on case-insensitive file systems would
    // merge it with the one py-build-cmake writes.
    let lower = name.to_lowercase();
    if lower.ends_with(".dist-info") {
        return Err(Error::DataLayout {
            path: path.to_path_buf(),
            reason: "the staging tree must not hold a .dist-info directory or file: \
                     py-build-cmake writes it"
                .into(),
        });
    }
    if !is_dir {
        if lower == data_dir.to_lowercase() {
            return Err(Error::DataLayout {
                path: path.to_path_buf(),
                reason: "it must be a directory".into(),
            });
        }
        return Ok(name.to_string());
    }
    let split = name.len().saturating_sub(".data".len());
    let Some(stem) = (name.is_char_boundary(split) && name[split..].eq_ignore_ascii_case(".data"))
        .then(|| &name[..split])
    else {
        return Ok(name.to_string());
    };
    let Some((dist, version)) = stem.rsplit_once('-') else {
        return Ok(name.to_string());
    };
    if project.is_named_by(dist, version) {
        Ok(data_dir.to_owned())
    } else {
        Err(Error::DataLayout {
            path: path.to_path_buf(),
            reason: format!(
                "a staged .data directory must belong to this project; rename it to {data_dir}"
            ),
        })
    }
}

/// Files under `.data` must be in one of the directories installers know.
fn check_data_file(archive_path: &str, path: &Path, data_dir: &str) -> Result<(), Error> {
    let Some(rest) = archive_path
        .strip_prefix(data_dir)
        .and_then(|r| r.strip_prefix('/'))
    else {
        return Ok(());
    };
    match rest.split_once('/') {
        Some((key, _)) if DATA_SCHEME_KEYS.contains(&key) => Ok(()),
        _ => Err(Error::DataLayout {
            path: path.to_path_buf(),
            reason: format!(
                "files in {data_dir} must be in one of its subdirectories {}",
                DATA_SCHEME_KEYS.join(", ")
            ),
        }),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::test_support::{project, write_file as write};
    use std::fs;
    use std::os::unix::fs::{symlink, PermissionsExt};

    fn paths(files: &[WalkedFile]) -> Vec<&str> {
        files.iter().map(|f| f.relative.as_str()).collect()
    }

    #[test]
    fn walks_filters_and_respells() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "pkg/__init__.py", "");
        write(root, "pkg/__pycache__/x.cpython-311.pyc", "");
        write(root, "pkg/old.pyc", "");
        write(root, "py-build-cmake.local.toml", "");
        write(root, "My.Pkg-1.0.0.data/scripts/tool", "#!python\n");
        write(root, "pkg/libfoo.so.1.2", "elf");
        fs::set_permissions(
            root.join("pkg/libfoo.so.1.2"),
            fs::Permissions::from_mode(0o775),
        )
        .unwrap();
        symlink("libfoo.so.1.2", root.join("pkg/libfoo.so.1")).unwrap();
        symlink("pkg", root.join("alias")).unwrap();
        let files = collect(root, &project("my-pkg", "1.0.0")).unwrap();
        assert_eq!(
            paths(&files),
            [
                "alias/__init__.py",
                "alias/libfoo.so.1",
                "alias/libfoo.so.1.2",
                "my_pkg-1.0.0.data/scripts/tool",
                "pkg/__init__.py",
                "pkg/libfoo.so.1",
                "pkg/libfoo.so.1.2"
            ]
        );
        let lib = files
            .iter()
            .find(|f| f.relative == "pkg/libfoo.so.1")
            .unwrap();
        assert!(lib.executable);
        assert_eq!(lib.size, 3);
        assert!(!files[0].executable);
    }

    #[test]
    fn bad_trees_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("stage");
        assert!(matches!(
            collect(&root, &project("a", "1")),
            Err(Error::Staging { .. })
        ));
        fs::create_dir(&root).unwrap();
        write(&root, "__pycache__/a.pyc", "");
        assert!(collect(&root, &project("a", "1")).unwrap().is_empty());

        let outside = dir.path().join("outside.txt");
        fs::write(&outside, "x").unwrap();
        symlink(&outside, root.join("escape")).unwrap();
        let err = collect(&root, &project("a", "1")).unwrap_err();
        assert!(
            matches!(err, Error::Archive(archive::Error::SymlinkEscapes { .. })),
            "{err}"
        );
        fs::remove_file(root.join("escape")).unwrap();

        symlink(".", root.join("loop")).unwrap();
        assert!(matches!(
            collect(&root, &project("a", "1")),
            Err(Error::Archive(archive::Error::SymlinkLoop(_)))
        ));
        fs::remove_file(root.join("loop")).unwrap();

        symlink("missing", root.join("dangling")).unwrap();
        assert!(matches!(
            collect(&root, &project("a", "1")),
            Err(Error::Archive(archive::Error::BrokenSymlink { .. }))
        ));
        fs::remove_file(root.join("dangling")).unwrap();

        write(&root, "bad\nname.py", "");
        assert!(matches!(
            collect(&root, &project("a", "1")),
            Err(Error::Archive(archive::Error::BadFileName { .. }))
        ));
        fs::remove_file(root.join("bad\nname.py")).unwrap();

        write(&root, "other-2.0.data/data/x", "");
        assert!(matches!(
            collect(&root, &project("a", "1")),
            Err(Error::DataLayout { .. })
        ));
        fs::remove_dir_all(root.join("other-2.0.data")).unwrap();

        write(&root, "a-1.data/stray.txt", "");
        assert!(matches!(
            collect(&root, &project("a", "1")),
            Err(Error::DataLayout { .. })
        ));
    }

    /// Each pair installs to one path (or a file where a directory must
    /// be); the error names both staged paths.
    #[test]
    fn conflicting_paths_are_refused() {
        let cases: [(&[&str], &str); 7] = [
            (&["pkg/a.py", "a-1.data/platlib/pkg/a.py"], "pkg/a.py"),
            (&["pkg/a.py", "a-1.data/purelib/pkg/a.py"], "pkg/a.py"),
            (&["pkg/Mod.py", "pkg/mod.py"], "pkg/Mod.py"),
            (&["pkg", "a-1.data/platlib/pkg/x.py"], "platlib/pkg/x.py"),
            (&["a-1.data/platlib/pkg", "pkg/x.py"], "pkg/x.py"),
            (&["pkg.py", "a-1.data/purelib/PKG.py"], "PKG.py"),
            // Equal after NFC: composed and decomposed `é`.
            (
                &["pkg/caf\u{e9}.py", "pkg/cafe\u{301}.py"],
                "pkg/cafe\u{301}.py",
            ),
        ];
        for (files, second) in cases {
            let dir = tempfile::tempdir().unwrap();
            for file in files {
                write(dir.path(), file, "");
            }
            let err = collect(dir.path(), &project("a", "1")).unwrap_err();
            let message = err.to_string();
            assert!(
                matches!(err, Error::Conflict { .. }),
                "{files:?}: {message}"
            );
            assert!(message.contains(second), "{files:?}: {message}");
        }
        // The same relative path under different schemes is fine.
        let dir = tempfile::tempdir().unwrap();
        for file in ["x.txt", "a-1.data/data/x.txt", "a-1.data/headers/x.txt"] {
            write(dir.path(), file, "");
        }
        assert_eq!(collect(dir.path(), &project("a", "1")).unwrap().len(), 3);
    }

    #[test]
    fn dist_info_and_data_in_any_case_are_recognised() {
        for staged in [
            "Foo-1.0.DIST-INFO/METADATA",
            "a-1.dist-info",
            "A-1.Dist-Info",
        ] {
            let dir = tempfile::tempdir().unwrap();
            write(dir.path(), staged, "");
            let err = collect(dir.path(), &project("a", "1")).unwrap_err();
            assert!(
                matches!(err, Error::DataLayout { .. }) && err.to_string().contains(".dist-info"),
                "{staged}: {err}"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "A-1.DATA/scripts/tool", "");
        let files = collect(dir.path(), &project("a", "1")).unwrap();
        assert_eq!(paths(&files), ["a-1.data/scripts/tool"]);
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "A-1.Data", "");
        assert!(matches!(
            collect(dir.path(), &project("a", "1")),
            Err(Error::DataLayout { .. })
        ));
    }
}
