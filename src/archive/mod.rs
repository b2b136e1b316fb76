//! One archive pipeline: a file tree is walked and filtered once (`walk`),
//! and each destination implements `ArchiveWriter`, which takes entries as
//! (archive path, content, mode) and assumes no container format. The wheel
//! (`wheel::writer::WheelWriter`), the sdist (`sdist::SdistWriter`) and a
//! plain directory (`DirWriter`, the staging tree) are such destinations.

mod dir_writer;
mod entries;
mod expand;
pub mod walk;

use std::path::{Path, PathBuf};

pub use dir_writer::DirWriter;
pub use entries::Entries;
pub use expand::expand_glob;
pub use walk::{walk, walk_with_dirs, Filter, Symlinks, WalkedFile};

/// What an entry holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// The bytes of a file on disk (read when the archive is written).
    File(PathBuf),
    Bytes(Vec<u8>),
    /// A symbolic link with this target, for destinations that keep links
    /// (the editable install's symlink mode makes them; the walks dereference).
    Symlink(PathBuf),
}

/// The permissions an entry gets: archives normalize them to 644 / 755.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Regular,
    Executable,
}

impl Mode {
    pub fn from_executable(executable: bool) -> Mode {
        if executable {
            Mode::Executable
        } else {
            Mode::Regular
        }
    }

    /// The permission bits (no file type).
    pub fn bits(self) -> u32 {
        match self {
            Mode::Regular => 0o644,
            Mode::Executable => 0o755,
        }
    }

    /// Gives the file at `path` these permissions (on Unix; elsewhere
    /// files have no such bits).
    pub fn apply(self, path: &Path) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(self.bits()))
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            Ok(())
        }
    }
}

/// One file of an archive, at its `/`-separated archive path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub content: Content,
    pub mode: Mode,
}

impl Entry {
    pub fn file(path: String, source: PathBuf, mode: Mode) -> Entry {
        Entry {
            path,
            content: Content::File(source),
            mode,
        }
    }

    pub fn bytes(path: String, data: Vec<u8>) -> Entry {
        Entry {
            path,
            content: Content::Bytes(data),
            mode: Mode::Regular,
        }
    }
}

/// "Put this entry at its archive path": walks and generated files talk to
/// a destination only through this; each destination has its own `finish`.
pub trait ArchiveWriter {
    fn add(&mut self, entry: Entry) -> Result<(), Error>;

    /// Adds walked files under their relative paths.
    fn add_walked(&mut self, files: Vec<WalkedFile>) -> Result<(), Error> {
        for file in files {
            let mode = Mode::from_executable(file.executable);
            self.add(Entry::file(file.relative, file.source, mode))?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot put {path:?} into the archive: {reason}")]
    BadArchivePath { path: String, reason: String },
    #[error("two files would be packed as {0}")]
    Duplicate(String),
    #[error("{path} is a symlink, which a {format} cannot hold")]
    SymlinkUnsupported { path: String, format: &'static str },
    #[error("cannot pack {path:?}: {reason}; rename it")]
    BadFileName { path: PathBuf, reason: String },
    #[error(
        "symlink {link} points to {target}, outside the staging directory; install the file \
         itself into the staging tree instead"
    )]
    SymlinkEscapes { link: PathBuf, target: PathBuf },
    #[error(
        "{link} leads to {target}, outside the project directory {project}; a wheel or sdist \
         holds only the project's own files: replace the link with a copy of what it points \
         to, or remove it"
    )]
    SymlinkLeavesProject {
        link: PathBuf,
        target: PathBuf,
        project: PathBuf,
    },
    #[error("symlink {link} is broken")]
    BrokenSymlink {
        link: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("symlink {0} is a loop: following it leads back to itself or to a directory above it")]
    SymlinkLoop(PathBuf),
    #[error("{0} is neither a regular file nor a directory")]
    SpecialFile(PathBuf),
    #[error("glob pattern {pattern:?} (from {key}) is not valid: {reason}")]
    Pattern {
        key: String,
        pattern: String,
        reason: String,
    },
    #[error("{context}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

/// Refuses archive paths an installer or unpacker could write outside its
/// target.
pub fn check_archive_path(target: &str) -> Result<(), Error> {
    let reason = if target.starts_with('/') {
        "it is absolute"
    } else if target.contains('\\') {
        "it contains a backslash"
    } else if target
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        "it has an empty, '.' or '..' component"
    } else {
        return Ok(());
    };
    Err(Error::BadArchivePath {
        path: target.to_string(),
        reason: reason.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_paths_are_checked() {
        for bad in ["/abs", "a/../b", "a//b", "./a", "a\\b", ""] {
            assert!(check_archive_path(bad).is_err(), "{bad}");
        }
        check_archive_path("pkg/mod.py").unwrap();
    }
}
