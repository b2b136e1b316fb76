//! Python versions as the configuration and target descriptions spell them:
//! `3.11`, or without the dot `311` (`cross.version`,
//! `abi3_minimum_cpython_version`, where the major version is one digit).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// `(major, minor)` from `3.11` or `311`.
pub fn parse(text: &str) -> Option<(u32, u32)> {
    if !text.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    match text.split_once('.') {
        Some((major, minor)) => Some((major.parse().ok()?, minor.parse().ok()?)),
        None if text.len() >= 2 => text.parse().ok().map(from_nodot),
        None => None,
    }
}

/// `(major, minor)` of a version without the dot: the first digit is the
/// major version (`312` is 3.12, `32` is 3.2), as py-build-cmake reads
/// `abi3_minimum_cpython_version`.
pub fn from_nodot(version: u32) -> (u32, u32) {
    let scale = 10u32.pow(version.checked_ilog10().unwrap_or(0));
    (version / scale, version % scale)
}

/// A major and minor version as written (`311`, `3.11`), read once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PythonVersion {
    text: String,
    pub major: u32,
    pub minor: u32,
}

impl FromStr for PythonVersion {
    type Err = String;

    fn from_str(text: &str) -> Result<PythonVersion, String> {
        let (major, minor) = parse(text).ok_or_else(|| {
            format!("{text:?} is not a Python version: expected major and minor, like \"311\" or \"3.11\"")
        })?;
        Ok(PythonVersion {
            text: text.to_owned(),
            major,
            minor,
        })
    }
}

impl TryFrom<String> for PythonVersion {
    type Error = String;

    fn try_from(text: String) -> Result<PythonVersion, String> {
        text.parse()
    }
}

impl From<PythonVersion> for String {
    fn from(version: PythonVersion) -> String {
        version.text
    }
}

impl fmt::Display for PythonVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_and_nodot_versions() {
        assert_eq!(parse("3.11"), Some((3, 11)));
        assert_eq!(parse("311"), Some((3, 11)));
        assert_eq!(parse("39"), Some((3, 9)));
        for bad in ["three", "é1", "3", "3.x", "3.", ".11", "3.1.1", "+3.11"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_first_digit_is_the_major_version() {
        assert_eq!(from_nodot(310), (3, 10));
        assert_eq!(from_nodot(39), (3, 9));
        assert_eq!(from_nodot(32), (3, 2));
        assert!(from_nodot(39) < from_nodot(310));
    }

    #[test]
    fn the_written_text_is_kept() {
        let version: PythonVersion = "3.11".parse().unwrap();
        assert_eq!((version.major, version.minor), (3, 11));
        assert_eq!(String::from(version), "3.11");
        assert!("3".parse::<PythonVersion>().is_err());
    }
}
