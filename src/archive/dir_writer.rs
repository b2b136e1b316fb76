//! A destination that is a plain directory: the staging tree the wheel is
//! packed from (and what an editable install lays out).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::{check_archive_path, ArchiveWriter, Content, Entry, Error};

pub struct DirWriter {
    root: PathBuf,
    written: BTreeSet<String>,
}

impl DirWriter {
    /// Writes below `root`; a file already there (say one CMake installed)
    /// is replaced.
    pub fn new(root: &Path) -> DirWriter {
        DirWriter {
            root: root.to_path_buf(),
            written: BTreeSet::new(),
        }
    }
}

impl ArchiveWriter for DirWriter {
    fn add(&mut self, entry: Entry) -> Result<(), Error> {
        check_archive_path(&entry.path)?;
        if !self.written.insert(entry.path.clone()) {
            return Err(Error::Duplicate(entry.path));
        }
        let target = self.root.join(&entry.path);
        let write_error = |source| Error::Io {
            context: format!("cannot write {}", target.display()),
            source,
        };
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(write_error)?;
        }
        // A symlink or read-only file left there is replaced, not written through.
        match fs::symlink_metadata(&target) {
            Ok(_) => fs::remove_file(&target).map_err(write_error)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(write_error(e)),
        }
        match entry.content {
            Content::File(source) => {
                copy_with_time(&source, &target).map_err(|source_error| Error::Io {
                    context: format!("cannot copy {} to {}", source.display(), target.display()),
                    source: source_error,
                })?;
            }
            Content::Bytes(data) => fs::write(&target, data).map_err(write_error)?,
            Content::Symlink(link) => return symlink(&link, &target).map_err(write_error),
        }
        entry.mode.apply(&target).map_err(write_error)
    }
}

/// Copies the file and its modification time, as py-build-cmake's copy of
/// the module does: `cmake --install` then replaces a staged file of the
/// same path unless both have the same time (to the second), which is the
/// case only when it installs that very file.
fn copy_with_time(source: &Path, target: &Path) -> std::io::Result<()> {
    fs::copy(source, target)?;
    let modified = fs::metadata(source)?.modified()?;
    // Read-only: the copy keeps a read-only source's permissions, and the
    // owner may set the time through any handle.
    fs::File::open(target)?.set_modified(modified)
}

#[cfg(unix)]
fn symlink(link: &Path, target: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(link, target)
}

#[cfg(not(unix))]
fn symlink(link: &Path, target: &Path) -> std::io::Result<()> {
    if link.is_dir() {
        std::os::windows::fs::symlink_dir(link, target)
    } else {
        std::os::windows::fs::symlink_file(link, target)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::super::Mode;
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn writes_files_bytes_and_symlinks_with_modes() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("tool");
        fs::write(&source, "#!/bin/sh\n").unwrap();
        let root = dir.path().join("stage");
        fs::create_dir_all(root.join("pkg")).unwrap();
        fs::write(root.join("pkg/old.py"), "installed").unwrap();
        let mut writer = DirWriter::new(&root);
        writer
            .add(Entry::file(
                "bin/tool".into(),
                source.clone(),
                Mode::Executable,
            ))
            .unwrap();
        writer
            .add(Entry::bytes("pkg/old.py".into(), b"new".to_vec()))
            .unwrap();
        writer
            .add(Entry {
                path: "pkg/link.py".into(),
                content: Content::Symlink(source.clone()),
                mode: Mode::Regular,
            })
            .unwrap();
        assert!(matches!(
            writer.add(Entry::bytes("pkg/old.py".into(), Vec::new())),
            Err(Error::Duplicate(_))
        ));
        let mode = fs::metadata(root.join("bin/tool"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755);
        assert_eq!(fs::read_to_string(root.join("pkg/old.py")).unwrap(), "new");
        let modified = |path: &Path| fs::metadata(path).unwrap().modified().unwrap();
        assert_eq!(modified(&root.join("bin/tool")), modified(&source));
        assert_eq!(fs::read_link(root.join("pkg/link.py")).unwrap(), source);
    }
}
