//! Expanding a glob relative to the project directory (`license-files`,
//! `sdist.include`) without leaving it or going round in circles: each
//! symlink on the way is resolved and checked before anything below it is
//! listed, `**` refuses a link back into a directory it is already in, and
//! special files (a FIFO, a device) are left out unopened.

use std::fs;
use std::path::{Component, Path, PathBuf};

use super::walk::{canonicalize, canonicalize_dir, check_in_project};
use super::Error;

/// One `/`-separated part of a pattern.
enum Part {
    Literal(String),
    Wildcard(glob::Pattern),
    /// `**`: this directory and every one below it.
    AnyDirs,
}

/// The files and directories under `project_dir` that `pattern` (relative,
/// `/`-separated; from the configuration key `key`, for errors) matches,
/// sorted and each once, as paths below `project_dir`. `*` stays inside one
/// directory and matches leading dots, as `glob::glob` does; a trailing
/// `**` matches files too.
pub fn expand_glob(project_dir: &Path, pattern: &str, key: &str) -> Result<Vec<PathBuf>, Error> {
    let bad = |reason: String| Error::Pattern {
        key: key.to_string(),
        pattern: pattern.to_string(),
        reason,
    };
    let mut parts = Vec::new();
    for component in Path::new(pattern).components() {
        let Component::Normal(text) = component else {
            if component == Component::CurDir {
                continue;
            }
            return Err(bad("it must stay inside the project directory".into()));
        };
        let text = text.to_string_lossy();
        parts.push(if text == "**" {
            Part::AnyDirs
        } else if text.contains(['*', '?', '[']) {
            Part::Wildcard(glob::Pattern::new(&text).map_err(|e| bad(e.to_string()))?)
        } else {
            Part::Literal(text.into_owned())
        });
    }
    let project = canonicalize_dir(project_dir)?;
    let mut expansion = Expansion {
        project: project.clone(),
        found: Vec::new(),
        stack: vec![project.clone()],
    };
    expansion.step(project_dir, &project, &parts)?;
    expansion.found.sort();
    expansion.found.dedup();
    Ok(expansion.found)
}

struct Expansion {
    project: PathBuf,
    found: Vec<PathBuf>,
    /// Canonical directories being expanded, to refuse symlink loops.
    stack: Vec<PathBuf>,
}

/// An existing file or directory the expansion reached.
struct Reached {
    path: PathBuf,
    canonical: PathBuf,
    is_dir: bool,
}

impl Expansion {
    /// Matches `parts` in the directory found at `dir` (canonical: `real`).
    fn step(&mut self, dir: &Path, real: &Path, parts: &[Part]) -> Result<(), Error> {
        let Some((part, rest)) = parts.split_first() else {
            self.found.push(dir.to_path_buf());
            return Ok(());
        };
        match part {
            Part::Literal(name) => {
                if let Some(reached) = self.reach(real, dir.join(name))? {
                    self.next(reached, rest)?;
                }
            }
            Part::Wildcard(pattern) => {
                for name in list(dir, real)? {
                    if pattern.matches_with(&name, glob::MatchOptions::new()) {
                        if let Some(reached) = self.reach(real, dir.join(&name))? {
                            self.next(reached, rest)?;
                        }
                    }
                }
            }
            Part::AnyDirs => {
                self.step(dir, real, rest)?;
                for name in list(dir, real)? {
                    let Some(reached) = self.reach(real, dir.join(&name))? else {
                        continue;
                    };
                    if !reached.is_dir {
                        if rest.is_empty() {
                            self.found.push(reached.path);
                        }
                        continue;
                    }
                    if self.stack.contains(&reached.canonical) {
                        return Err(Error::SymlinkLoop(reached.path));
                    }
                    self.next(reached, parts)?;
                }
            }
        }
        Ok(())
    }

    /// Goes on with `rest` from `reached`.
    fn next(&mut self, reached: Reached, rest: &[Part]) -> Result<(), Error> {
        if rest.is_empty() {
            self.found.push(reached.path);
        } else if reached.is_dir {
            self.stack.push(reached.canonical.clone());
            self.step(&reached.path, &reached.canonical, rest)?;
            self.stack.pop();
        }
        Ok(())
    }

    /// `path`, an entry of the canonical directory `real`, when it is a
    /// file or directory (a symlink resolved and checked first); None when
    /// it is missing, a broken link or a special file.
    fn reach(&self, real: &Path, path: PathBuf) -> Result<Option<Reached>, Error> {
        let io = |source| Error::Io {
            context: format!("cannot read {}", path.display()),
            source,
        };
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        let (canonical, meta) = if meta.file_type().is_symlink() {
            let target = match canonicalize(&path, &path) {
                Ok(target) => target,
                Err(Error::BrokenSymlink { .. }) => return Ok(None),
                Err(other) => return Err(other),
            };
            check_in_project(&path, &target, &self.project)?;
            let meta = fs::metadata(&target).map_err(io)?;
            (target, meta)
        } else {
            let name = path.file_name().unwrap_or_default();
            (real.join(name), meta)
        };
        if !meta.is_dir() && !meta.is_file() {
            return Ok(None);
        }
        Ok(Some(Reached {
            path,
            canonical,
            is_dir: meta.is_dir(),
        }))
    }
}

/// The names in the canonical directory `real` (found at `dir`), sorted;
/// names that are not UTF-8 match no pattern.
fn list(dir: &Path, real: &Path) -> Result<Vec<String>, Error> {
    let error = |source| Error::Io {
        context: format!("cannot list {}", dir.display()),
        source,
    };
    let mut names = Vec::new();
    for entry in fs::read_dir(real).map_err(error)? {
        if let Ok(name) = entry.map_err(error)?.file_name().into_string() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::test_support::write_files;
    use std::os::unix::fs::symlink;

    fn relatives(root: &Path, pattern: &str) -> Result<Vec<String>, Error> {
        Ok(expand_glob(root, pattern, "k")?
            .iter()
            .map(|p| crate::names::below(root, p).unwrap())
            .collect())
    }

    #[test]
    fn matches_like_glob_with_double_stars() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_files(
            root,
            &["LICENSE", "a/LICENSE.txt", "a/b/LICENSE", "a/.h/x", "c.txt"],
            "x",
        );
        assert_eq!(
            relatives(root, "**/LICENSE*").unwrap(),
            ["LICENSE", "a/LICENSE.txt", "a/b/LICENSE"]
        );
        assert_eq!(
            relatives(root, "a/*").unwrap(),
            ["a/.h", "a/LICENSE.txt", "a/b"]
        );
        assert_eq!(
            relatives(root, "a/**").unwrap(),
            ["a", "a/.h", "a/.h/x", "a/LICENSE.txt", "a/b", "a/b/LICENSE"]
        );
        assert_eq!(relatives(root, "./c.txt").unwrap(), ["c.txt"]);
        assert!(relatives(root, "missing/*").unwrap().is_empty());
        assert!(matches!(
            relatives(root, "a[").unwrap_err(),
            Error::Pattern { .. }
        ));
    }

    /// `d/self -> .` twice made `**` run forever; `root -> /usr` was walked
    /// before any check; a FIFO is not a file to match.
    #[test]
    fn loops_links_out_and_special_files_end_the_expansion() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_files(root, &["d/LICENSE"], "x");
        symlink(".", root.join("d/self")).unwrap();
        symlink(".", root.join("d/again")).unwrap();
        let error = relatives(root, "**/LICENSE").unwrap_err();
        assert!(
            matches!(&error, Error::SymlinkLoop(p) if p.ends_with("d/again")),
            "{error}"
        );
        // A loop the pattern does not descend into is no matter.
        assert_eq!(relatives(root, "d/LICENSE").unwrap(), ["d/LICENSE"]);
        std::fs::remove_file(root.join("d/self")).unwrap();
        std::fs::remove_file(root.join("d/again")).unwrap();

        symlink("/usr", root.join("root")).unwrap();
        let error = relatives(root, "**/LICENSE").unwrap_err();
        assert!(
            matches!(&error, Error::SymlinkLeavesProject { link, .. } if link.ends_with("root")),
            "{error}"
        );
        assert!(error.to_string().contains("/usr"), "{error}");
        std::fs::remove_file(root.join("root")).unwrap();

        symlink("b", root.join("a")).unwrap();
        symlink("a", root.join("b")).unwrap();
        let error = relatives(root, "a/x").unwrap_err();
        assert!(
            matches!(&error, Error::SymlinkLoop(p) if p.ends_with("a")),
            "{error}"
        );
        std::fs::remove_file(root.join("a")).unwrap();
        std::fs::remove_file(root.join("b")).unwrap();

        crate::test_support::make_fifo(&root.join("LICENSE.fifo"));
        assert_eq!(relatives(root, "**/LICENSE*").unwrap(), ["d/LICENSE"]);
    }
}
