//! Comparing where paths really are: an output dir that does not exist yet
//! must still be recognised inside a staging or project dir, through
//! symlinks and `..`.

use std::io;
use std::path::{Path, PathBuf};

/// `path` made absolute, its longest existing ancestor canonicalized and the
/// rest appended.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(real) => {
                return Ok(rest.iter().rev().fold(real, |p, part| p.join(part)));
            }
            Err(err) => {
                let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else {
                    return Err(err);
                };
                rest.push(name.to_owned());
                existing = parent;
            }
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn missing_tails_keep_their_resolved_parent() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        std::fs::create_dir(real.join("stage")).unwrap();
        std::os::unix::fs::symlink(real.join("stage"), real.join("link")).unwrap();
        assert_eq!(
            resolve(&real.join("link/dist/new")).unwrap(),
            real.join("stage/dist/new")
        );
        assert_eq!(resolve(&real.join("stage")).unwrap(), real.join("stage"));
    }
}
