//! Reading a build tree's CMakeCache.txt: what an earlier configure left
//! (the build program, the wheel targets' stamps).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("cannot read {path}")]
pub struct Error {
    path: PathBuf,
    #[source]
    source: std::io::Error,
}

/// The entries of one CMakeCache.txt, by name.
#[derive(Debug, Default)]
pub struct CmakeCache {
    entries: HashMap<String, String>,
}

impl CmakeCache {
    /// The cache at `path`; an empty one when the tree was never configured.
    pub fn read(path: &Path) -> Result<CmakeCache, Error> {
        match std::fs::read(path) {
            Ok(bytes) => Ok(Self::parse(&String::from_utf8_lossy(&bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(Error {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Lines are `NAME:TYPE=VALUE` (NAME in quotes when it holds a `:`);
    /// `#` and `//` lines are comments.
    fn parse(text: &str) -> CmakeCache {
        let mut entries = HashMap::new();
        for line in text.lines() {
            if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
                continue;
            }
            let (name, rest) = match line.strip_prefix('"') {
                Some(quoted) => match quoted.split_once('"') {
                    Some((name, rest)) => (name, rest),
                    None => continue,
                },
                None => match line.find(':') {
                    Some(colon) => line.split_at(colon),
                    None => continue,
                },
            };
            if let Some((_type, value)) = rest.strip_prefix(':').and_then(|r| r.split_once('=')) {
                entries.insert(name.to_string(), value.to_string());
            }
        }
        CmakeCache { entries }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries.get(name).map(String::as_str)
    }

    /// The entries whose name starts with `prefix`, as (the rest of the
    /// name, value), sorted by name.
    pub fn with_prefix(&self, prefix: &str) -> Vec<(&str, &str)> {
        let mut found: Vec<(&str, &str)> = self
            .entries
            .iter()
            .filter_map(|(name, value)| Some((name.strip_prefix(prefix)?, value.as_str())))
            .collect();
        found.sort_unstable();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entries_and_skips_comments() {
        let cache = CmakeCache::parse(
            "# This is the CMakeCache file.\n\
             //Path to a program.\n\
             CMAKE_MAKE_PROGRAM:FILEPATH=/usr/bin/ninja\n\
             \"WITH:COLON\":STRING=a=b\n\
             EMPTY:STRING=\n\
             broken line\n",
        );
        assert_eq!(cache.get("CMAKE_MAKE_PROGRAM"), Some("/usr/bin/ninja"));
        assert_eq!(cache.get("WITH:COLON"), Some("a=b"));
        assert_eq!(cache.get("EMPTY"), Some(""));
        assert_eq!(cache.get("broken line"), None);
    }

    #[test]
    fn lists_the_entries_with_a_prefix() {
        let cache = CmakeCache::parse("STAMP_b:INTERNAL=2\nOTHER:STRING=x\nSTAMP_a:INTERNAL=1\n");
        assert_eq!(cache.with_prefix("STAMP_"), [("a", "1"), ("b", "2")]);
        assert!(cache.with_prefix("NONE_").is_empty());
    }

    #[test]
    fn a_tree_never_configured_has_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let cache = CmakeCache::read(&dir.path().join("CMakeCache.txt")).unwrap();
        assert_eq!(cache.get("CMAKE_COMMAND"), None);
    }
}
