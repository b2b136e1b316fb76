//! Reading the text files a build takes as input (pyproject.toml, override
//! files, readme, license) with a size cap: such a file that is a device
//! (/dev/zero through a symlink) or huge must fail, not exhaust memory.

use std::io::{self, Read};
use std::path::Path;

/// Far above any real pyproject.toml, readme or license.
pub const LIMIT: u64 = 16 << 20;

/// Reads `path` as UTF-8 text of at most [`LIMIT`] bytes.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    read_capped(path, LIMIT)
}

fn read_capped(path: &Path, limit: u64) -> io::Result<String> {
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "it is larger than {} MiB, the limit for input files",
                limit >> 20
            ),
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_past_the_limit_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pyproject.toml");
        std::fs::write(&path, vec![b'#'; 2 << 20]).unwrap();
        assert_eq!(read_capped(&path, 2 << 20).unwrap().len(), 2 << 20);
        let err = read_capped(&path, 1 << 20).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        assert!(err.to_string().contains("1 MiB"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("pyproject.toml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let err = read_to_string(&link).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
    }
}
