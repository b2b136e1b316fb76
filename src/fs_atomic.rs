//! Atomic file writes: a temp file in the destination directory, then a
//! rename, so readers never see a half-written file.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `contents` to `path` atomically. `executable` sets mode 755 on Unix.
pub fn write(path: &Path, contents: &[u8], executable: bool) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let tmp = temp_sibling(path);
    let registration = crate::temp_files::register(&tmp);
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        set_mode(&tmp, executable)?;
        registration.persist(path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Copies `from` to `to` atomically (a temp file beside `to`, then a rename).
pub fn copy(from: &Path, to: &Path) -> io::Result<()> {
    let tmp = temp_sibling(to);
    let registration = crate::temp_files::register(&tmp);
    let result = fs::copy(from, &tmp).and_then(|_| registration.persist(to));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
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

/// Removes a directory tree; one that does not exist is already removed.
pub fn remove_tree(path: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// A name no other writer uses at the same time: the process id keeps
/// concurrent processes apart, the counter concurrent threads. The name is
/// `.<file name>.<pid>-<counter>.tmp`.
pub fn temp_sibling(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(
        ".{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    path.with_file_name(name)
}

/// The process id in a name [`temp_sibling`] made, else None.
pub fn temp_owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (stem, numbers) = rest.rsplit_once('.')?;
    let (pid, counter) = numbers.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if stem.is_empty() || !digits(pid) || !digits(counter) {
        return None;
    }
    pid.parse().ok()
}

#[cfg(unix)]
fn set_mode(path: &Path, executable: bool) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if executable { 0o755 } else { 0o644 };
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _executable: bool) -> io::Result<()> {
    Ok(())
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
    fn temp_owner_reads_only_temp_sibling_names() {
        let temp = temp_sibling(Path::new("/d/a-1.whl"));
        let name = temp.file_name().unwrap().to_str().unwrap();
        assert_eq!(temp_owner(name), Some(std::process::id()));
        for other in [
            "a-1.whl",
            ".a-1.whl.tmp",
            ".a.12-x.tmp",
            "..12-3.tmp",
            "a.12-3.tmp",
        ] {
            assert_eq!(temp_owner(other), None, "{other}");
        }
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
