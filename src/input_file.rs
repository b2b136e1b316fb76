//! Reading the text files a build takes as input (pyproject.toml, override
//! files, readme, license): only regular files, with a size cap. Such a
//! file that is a device (/dev/zero through a symlink), a FIFO or huge
//! must fail, not exhaust memory or block forever.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Far above any real pyproject.toml, readme or license.
pub const LIMIT: u64 = 16 << 20;

/// Reads `path` as UTF-8 text of at most [`LIMIT`] bytes.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    read_capped(path, LIMIT)
}

fn read_capped(path: &Path, limit: u64) -> io::Result<String> {
    let mut bytes = Vec::new();
    open_regular(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "it is larger than {} MiB, the limit for input files",
                limit >> 20
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let line_start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "it is not valid UTF-8: line {line}, byte {} of the line (byte {} of the \
                 file) is 0x{:02x}; save it as UTF-8",
                at - line_start + 1,
                at + 1,
                bytes[at]
            ),
        )
    })
}

/// Opens `path` for reading when it is a regular file. Opened without
/// blocking, then checked: a FIFO's open waits for a writer, and a file
/// checked before opening could be swapped for one in between.
fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is not a regular file (a FIFO, device or socket); input files must be regular \
             files",
        ));
    }
    Ok(file)
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

    /// /dev/zero would never end, a FIFO's open would wait for a writer.
    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_opened() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("pyproject.toml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let err = read_to_string(&link).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let fifo = dir.path().join("README.md");
        crate::test_support::make_fifo(&fifo);
        let err = read_to_string(&fifo).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }

    #[test]
    fn invalid_utf8_names_its_line_and_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pyproject.toml");
        std::fs::write(&path, b"[project]\nname = \"d\xe9mo\"\n").unwrap();
        let err = read_to_string(&path).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        let text = err.to_string();
        assert!(
            text.contains("line 2, byte 10 of the line (byte 20 of the file) is 0xe9"),
            "{text}"
        );
    }
}
