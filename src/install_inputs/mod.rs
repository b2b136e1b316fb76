//! What `cmake --install` reads: the generated install scripts and every
//! file and directory the install rules copy. The wheel step lists them in
//! its depfile, so the wheel is repacked exactly when one of them changes.
//!
//! The install rules come from CMake's File API (the codemodel-v2 reply,
//! 2.3 or newer: CMake 3.21+). CMake reads queries when a configure starts,
//! so the query has to exist before it: the driver writes it before its
//! first configure, py_build_cmake_add_wheel() adds it for the current run
//! with cmake_file_api() on CMake 3.27+ and otherwise writes it for the next
//! configure, and py_build_cmake_add_wheel_matrix() writes it into each
//! target's build dir before that target's first configure. Until a reply describes the tree (CMake 3.20, or the first
//! configure of a tree by hand with CMake 3.21 to 3.26), the generated
//! cmake_install.cmake scripts are read instead.

mod file_api;
mod install_script;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::archive::{self, Filter, Symlinks};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read the install script {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "cannot read CMake's File API reply {path}; delete {} and configure again",
        reply_dir.display()
    )]
    Reply {
        path: PathBuf,
        reply_dir: PathBuf,
        #[source]
        source: file_api::ReplyError,
    },
    #[error("cannot write the File API query {path}")]
    Query {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("while listing the installed tree {path}")]
    Walk {
        path: PathBuf,
        #[source]
        source: archive::Error,
    },
}

/// What one wheel step installs: no configs means every configuration of
/// the tree; a component `""` (or none) is a run without `--component`
/// (every rule but EXCLUDE_FROM_ALL ones).
pub struct Selection<'a> {
    pub configs: &'a [String],
    pub components: &'a [String],
}

/// The install scripts of the build tree `binary_dir` and the files and
/// directories the selected install rules copy (trees listed with the
/// archive filter), sorted.
pub fn collect(binary_dir: &Path, selection: &Selection) -> Result<Vec<PathBuf>, Error> {
    let mut found = match file_api::install_inputs(binary_dir, selection)? {
        Some(found) => found,
        None => install_script::install_inputs(binary_dir)?,
    };
    found.sort();
    found.dedup();
    Ok(found)
}

/// Asks CMake for the codemodel reply from the next configure of
/// `binary_dir` on.
pub fn request_reply(binary_dir: &Path) -> Result<(), Error> {
    file_api::write_query(binary_dir)
}

pub use file_api::OutsideRule;

/// The selected rules of `binary_dir` that would install outside the prefix
/// (see `file_api::rules_outside_prefix`); checked before installing.
pub fn rules_outside_prefix(
    binary_dir: &Path,
    selection: &Selection,
) -> Result<Vec<OutsideRule>, Error> {
    file_api::rules_outside_prefix(binary_dir, selection)
}

/// When an input last changed; None when it is gone.
pub fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Adds `path` to `found`: a file, or a directory with everything in it.
fn add_tree(path: &Path, found: &mut Vec<PathBuf>) -> Result<(), Error> {
    let (files, dirs) = archive::walk_with_dirs(path, "", &Filter::default(), Symlinks::Follow)
        .map_err(|source| Error::Walk {
            path: path.to_path_buf(),
            source,
        })?;
    found.extend(dirs);
    found.extend(files.into_iter().map(|f| f.path));
    Ok(())
}
