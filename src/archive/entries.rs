//! The entries an archive collects before it is written: paths checked,
//! duplicates refused, sorted by path.

use std::collections::BTreeMap;

use super::{check_archive_path, Entry, Error};

#[derive(Default)]
pub struct Entries(BTreeMap<String, Entry>);

impl Entries {
    pub fn insert(&mut self, entry: Entry) -> Result<(), Error> {
        check_archive_path(&entry.path)?;
        if self.0.contains_key(&entry.path) {
            return Err(Error::Duplicate(entry.path));
        }
        self.0.insert(entry.path.clone(), entry);
        Ok(())
    }

    /// Every entry, sorted by archive path.
    pub fn into_sorted(self) -> impl Iterator<Item = Entry> {
        self.0.into_values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_refuses_duplicates_and_bad_paths() {
        let mut entries = Entries::default();
        entries
            .insert(Entry::bytes("z.py".into(), Vec::new()))
            .unwrap();
        entries
            .insert(Entry::bytes("a/b.py".into(), Vec::new()))
            .unwrap();
        assert!(matches!(
            entries.insert(Entry::bytes("z.py".into(), vec![1])),
            Err(Error::Duplicate(_))
        ));
        assert!(matches!(
            entries.insert(Entry::bytes("../x".into(), Vec::new())),
            Err(Error::BadArchivePath { .. })
        ));
        let paths: Vec<String> = entries.into_sorted().map(|e| e.path).collect();
        assert_eq!(paths, ["a/b.py", "z.py"]);
    }
}
