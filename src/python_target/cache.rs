//! The native interpreter's answer, cached per interpreter file: configure
//! time must not pay for starting Python each time.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Bumped whenever the query script changes what it prints.
const FORMAT: u32 = 1;

/// Identifies one interpreter file as it is now: the path it was named by
/// (a venv's `python` differs from its base even when both resolve to the
/// same binary) and the size and mtime of the file it resolves to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    format: u32,
    path: PathBuf,
    resolved: PathBuf,
    size: u64,
    mtime_ns: u128,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    output: String,
}

impl Stamp {
    /// `None` for launcher scripts (pyenv shims, wrappers): which Python they
    /// start depends on more than the file, so their answer is not cached.
    pub fn of(interpreter: &Path) -> Option<Stamp> {
        let resolved = std::fs::canonicalize(interpreter).ok()?;
        let meta = std::fs::metadata(&resolved).ok()?;
        if is_script(&resolved) {
            return None;
        }
        let mtime_ns = meta
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(Stamp {
            format: FORMAT,
            path: interpreter.to_owned(),
            resolved,
            size: meta.len(),
            mtime_ns,
        })
    }
}

fn is_script(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 2];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut head))
        .map(|()| &head == b"#!")
        .unwrap_or(false)
}

/// `$XDG_CACHE_HOME/py-build-cmake`, else `~/.cache/py-build-cmake`
/// (`%LOCALAPPDATA%\py-build-cmake` on Windows).
pub fn default_dir() -> Option<PathBuf> {
    let nonempty = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    let base = nonempty("XDG_CACHE_HOME").map(PathBuf::from).or_else(|| {
        if cfg!(windows) {
            nonempty("LOCALAPPDATA").map(PathBuf::from)
        } else {
            nonempty("HOME").map(|home| PathBuf::from(home).join(".cache"))
        }
    })?;
    Some(base.join("py-build-cmake"))
}

fn entry_path(dir: &Path, stamp: &Stamp) -> PathBuf {
    let digest = Sha256::digest(stamp.path.as_os_str().as_encoded_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("python-{hex}.json"))
}

/// The cached output for `stamp`, if an entry exists and still matches.
pub fn load(dir: &Path, stamp: &Stamp) -> Option<String> {
    let text = std::fs::read_to_string(entry_path(dir, stamp)).ok()?;
    let entry: Entry = serde_json::from_str(&text).ok()?;
    (entry.stamp == *stamp).then_some(entry.output)
}

/// Best effort: an entry that cannot be written (a path that is not UTF-8,
/// a read-only cache dir) only means the next run asks the interpreter again.
pub fn store(dir: &Path, stamp: &Stamp, output: &str) {
    let entry = Entry {
        stamp: stamp.clone(),
        output: output.to_owned(),
    };
    if let Ok(text) = serde_json::to_vec(&entry) {
        let _ = crate::fs_atomic::write(&entry_path(dir, stamp), &text, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_found_only_while_the_file_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("python");
        std::fs::write(&exe, b"\x7fELF binary").unwrap();
        let stamp = Stamp::of(&exe).unwrap();
        store(dir.path(), &stamp, "answer");
        assert_eq!(load(dir.path(), &stamp).as_deref(), Some("answer"));
        std::fs::write(&exe, b"\x7fELF changed binary").unwrap();
        let changed = Stamp::of(&exe).unwrap();
        assert_eq!(load(dir.path(), &changed), None);
        std::fs::write(entry_path(dir.path(), &changed), "{not json").unwrap();
        assert_eq!(load(dir.path(), &changed), None);
    }

    #[test]
    fn scripts_are_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let shim = dir.path().join("python3");
        std::fs::write(&shim, "#!/bin/sh\nexec python3.11 \"$@\"\n").unwrap();
        assert!(Stamp::of(&shim).is_none());
    }
}
