//! Atomic file writes: a temp file in the destination directory, then a
//! rename, so readers never see a half-written file.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::archive::Mode;
use crate::temp_files::{self, temp_sibling};

/// Writes `contents` to `path` atomically. `executable` sets mode 755 on Unix.
pub fn write(path: &Path, contents: &[u8], executable: bool) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let mut file = AtomicFile::create(path)?;
    file.file.write_all(contents)?;
    file.file.sync_all()?;
    Mode::from_executable(executable).apply(file.temp_path())?;
    file.persist()
}

/// A file written in place of `target`: a temp sibling ([`temp_sibling`]),
/// renamed over `target` by [`AtomicFile::persist`]; removed when dropped
/// before that (an error) or when a signal stops the process
/// ([`temp_files::remove_on_signal`]). Readers of `target` never see it
/// half-written, and concurrent writers each get their own.
pub struct AtomicFile {
    target: PathBuf,
    file: fs::File,
    registration: temp_files::Registration,
}

impl AtomicFile {
    /// Creates the temp file; `target`'s directory must exist.
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let temp = temp_sibling(target);
        // Registered before it exists, so no signal can leave it behind.
        let registration = temp_files::register(&temp);
        let file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            file,
            registration,
        })
    }

    /// The temp file's path, for messages.
    pub fn temp_path(&self) -> &Path {
        self.registration.path()
    }

    /// The open temp file to write.
    pub fn file(&self) -> &fs::File {
        &self.file
    }

    /// Renames the temp file to the target.
    pub fn persist(self) -> io::Result<()> {
        self.registration.persist(&self.target)
    }
}

/// Copies `from` to `to` atomically (a temp file beside `to`, then a rename).
pub fn copy(from: &Path, to: &Path) -> io::Result<()> {
    let tmp = temp_sibling(to);
    let registration = temp_files::register(&tmp);
    fs::copy(from, &tmp)?;
    registration.persist(to)
}

/// Writes `contents` only when the file does not already hold exactly them,
/// so its timestamp (which build tools watch) stays put otherwise. Returns
/// whether it wrote. `executable` is as for [`write`].
pub fn write_if_changed(path: &Path, contents: &[u8], executable: bool) -> io::Result<bool> {
    match fs::read(path) {
        Ok(existing) if existing == contents => Ok(false),
        _ => write(path, contents, executable).map(|()| true),
    }
}

/// Makes `to` hold what the file `from` holds: left alone when it does
/// already (its timestamp stays put, as with [`write_if_changed`]), else a
/// hard link to `from` where the file system allows one (a large binary is
/// not stored twice; the link outlives `from`'s deletion), else a copy;
/// atomically either way. Returns whether it wrote.
pub fn link_or_copy_if_changed(from: &Path, to: &Path) -> io::Result<bool> {
    if same_contents(from, to)? {
        return Ok(false);
    }
    if let Some(dir) = to.parent() {
        fs::create_dir_all(dir)?;
    }
    let tmp = temp_sibling(to);
    let registration = temp_files::register(&tmp);
    fs::hard_link(from, &tmp).or_else(|_| fs::copy(from, &tmp).map(drop))?;
    registration.persist(to)?;
    Ok(true)
}

/// Whether `to` exists and holds the bytes of `from` (the same file, or
/// another of the same length and contents), read in chunks.
fn same_contents(from: &Path, to: &Path) -> io::Result<bool> {
    use std::io::Read;
    let source = fs::metadata(from)?;
    let Ok(existing) = fs::metadata(to) else {
        return Ok(false);
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (source.dev(), source.ino()) == (existing.dev(), existing.ino()) {
            return Ok(true);
        }
    }
    if source.len() != existing.len() {
        return Ok(false);
    }
    let (mut a, mut b) = (fs::File::open(from)?, fs::File::open(to)?);
    let (mut chunk_a, mut chunk_b) = (vec![0; 1 << 16], vec![0; 1 << 16]);
    loop {
        let read = a.read(&mut chunk_a)?;
        if read == 0 {
            return Ok(true);
        }
        b.read_exact(&mut chunk_b[..read])?;
        if chunk_a[..read] != chunk_b[..read] {
            return Ok(false);
        }
    }
}

/// Removes a directory tree; one that does not exist is already removed.
pub fn remove_tree(path: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_if_changed_keeps_identical_files_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.cmake");
        assert!(write_if_changed(&path, b"a", false).unwrap());
        assert!(!write_if_changed(&path, b"a", false).unwrap());
        assert!(write_if_changed(&path, b"b", false).unwrap());
        assert_eq!(fs::read(&path).unwrap(), b"b");
        // No temp files are left behind.
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn link_or_copy_if_changed_links_and_then_leaves_the_same_bytes_alone() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("tool");
        let to = dir.path().join("copy/tool");
        fs::write(&from, b"one").unwrap();
        assert!(link_or_copy_if_changed(&from, &to).unwrap());
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let inode = |path: &Path| fs::metadata(path).unwrap().ino();
            assert_eq!(
                inode(&from),
                inode(&to),
                "one directory, one file system: a link"
            );
        }
        assert!(!link_or_copy_if_changed(&from, &to).unwrap());
        // The copy outlives the original; the same bytes elsewhere are no change.
        fs::remove_file(&from).unwrap();
        assert_eq!(fs::read(&to).unwrap(), b"one");
        fs::write(&from, b"one").unwrap();
        assert!(!link_or_copy_if_changed(&from, &to).unwrap());
        fs::write(&from, b"two").unwrap();
        assert!(link_or_copy_if_changed(&from, &to).unwrap());
        assert_eq!(fs::read(&to).unwrap(), b"two");
        assert_eq!(fs::read_dir(to.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn an_atomic_file_dropped_unpersisted_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("p.whl");
        let dropped = AtomicFile::create(&target).unwrap();
        assert!(dropped.temp_path().is_file());
        drop(dropped);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        let kept = AtomicFile::create(&target).unwrap();
        kept.file().write_all(b"zip").unwrap();
        kept.persist().unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"zip");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn write_sets_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tool");
        write(&path, b"#!/bin/sh\n", true).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755);
    }
}
