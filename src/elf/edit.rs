//! Rewriting what the loader reads from an ELF file: DT_NEEDED names, the
//! search path (DT_RUNPATH, or DT_RPATH when the file has that) and
//! DT_SONAME. object-rewrite (from the `object` crate's authors) does the
//! layout: strings that no longer fit in `.dynstr` move, with the sections
//! that must go with them, into a new PT_LOAD segment at the end of the file,
//! and the program headers are rewritten, as patchelf does. The output depends
//! only on the input bytes and the edit, so wheels stay reproducible.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error(
    "cannot rewrite the dynamic section of {path}; if it has no RUNPATH, link it with one \
     (e.g. -Wl,-rpath,'$ORIGIN') so that the section has room for it"
)]
pub struct Error {
    path: PathBuf,
    #[source]
    source: object_rewrite::Error,
}

/// The changes to one file's dynamic section.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Edit {
    /// DT_NEEDED old name -> new name.
    pub replace_needed: BTreeMap<String, String>,
    /// The whole new search path (`:`-separated); an empty one removes it.
    pub search_path: Option<String>,
    pub soname: Option<String>,
}

/// Applies `edit` to `bytes`, the contents of `path` (named in errors).
pub fn apply(path: &Path, bytes: &[u8], edit: &Edit) -> Result<Vec<u8>, Error> {
    let wrap = |source| Error {
        path: path.to_path_buf(),
        source,
    };
    let mut rewriter = object_rewrite::Rewriter::read(bytes).map_err(wrap)?;
    let mut options = object_rewrite::Options::default();
    options.elf.replace_needed = edit
        .replace_needed
        .iter()
        .map(|(old, new)| (old.as_bytes().to_vec(), new.as_bytes().to_vec()))
        .collect::<HashMap<_, _>>();
    match edit.search_path.as_deref() {
        Some("") => options.elf.delete_runpath = true,
        Some(path) => options.elf.set_runpath = Some(path.as_bytes().to_vec()),
        None => {}
    }
    options.elf.set_soname = edit.soname.as_ref().map(|s| s.as_bytes().to_vec());
    rewriter.modify(options).map_err(wrap)?;
    let mut out = Vec::with_capacity(bytes.len() + 4096);
    rewriter.write(&mut out).map_err(wrap)?;
    Ok(out)
}
