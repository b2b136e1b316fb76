//! The one walk over a file tree and the one rule for what an archive
//! leaves out: the module's sources (wheel staging and sdist), the sdist's
//! included directories and the staged install tree are all listed here.

use std::fs;
use std::path::{Path, PathBuf};

use super::Error;
use crate::override_files;

/// Directories a Python run leaves in a tree.
const LEFT_OUT_DIRS: [&str; 1] = ["__pycache__"];
/// Compiled files.
const LEFT_OUT_SUFFIXES: [&str; 2] = [".pyc", ".pyo"];

/// What a walk leaves out: always the names above, and what the
/// configuration's exclude patterns (relative to the walk's paths) match;
/// a matched directory leaves out everything below it.
#[derive(Default)]
pub struct Filter {
    excludes: Vec<glob::Pattern>,
}

impl Filter {
    /// With the glob `patterns` of the configuration key `key` (for errors).
    pub fn with_excludes(key: &str, patterns: &[String]) -> Result<Filter, Error> {
        let excludes = patterns
            .iter()
            .map(|pattern| {
                glob::Pattern::new(pattern).map_err(|e| Error::Pattern {
                    key: key.to_string(),
                    pattern: pattern.clone(),
                    reason: e.to_string(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Filter { excludes })
    }

    /// Whether the entry at the `/`-separated path `relative` is kept.
    pub fn keeps(&self, relative: &str, is_dir: bool) -> bool {
        let name = relative.rsplit('/').next().unwrap_or(relative);
        let left_out = if is_dir {
            LEFT_OUT_DIRS.contains(&name)
        } else {
            override_files::is_override_file(name)
                || LEFT_OUT_SUFFIXES.iter().any(|s| name.ends_with(s))
        };
        !left_out && !self.excludes_path_or_parent(relative)
    }

    fn excludes_path_or_parent(&self, relative: &str) -> bool {
        // `*` stays inside one directory, as in the shell; `.` files are
        // matched like others.
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        let prefixes = relative
            .match_indices('/')
            .map(|(at, _)| &relative[..at])
            .chain([relative]);
        prefixes
            .flat_map(|prefix| self.excludes.iter().map(move |p| (p, prefix)))
            .any(|(pattern, prefix)| pattern.matches_with(prefix, options))
    }
}

/// How a walk treats symbolic links. A link it follows is dereferenced:
/// the walk lists what it points to under the link's own path. Where a link
/// must stay inside a directory, its target is resolved and checked before
/// anything below it is read or listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symlinks<'a> {
    /// Anywhere (install inputs, an environment's packages).
    Follow,
    /// Only inside the walked root (the staging tree: what is packed must
    /// have been installed into it).
    Confined,
    /// Only inside this project directory (the module's sources and the
    /// sdist's files: no host file may leak into an archive through a link).
    InProject(&'a Path),
}

/// A file a walk found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkedFile {
    /// `/`-separated, under the walk's prefix.
    pub relative: String,
    /// Where it was found, for errors.
    pub path: PathBuf,
    /// The file to read (a symlink dereferenced).
    pub source: PathBuf,
    pub size: u64,
    pub executable: bool,
}

/// Lists the files under `root` (or `root` itself when it is a file) as
/// `<prefix>/<path below root>`, sorted, without what `filter` leaves out.
pub fn walk(
    root: &Path,
    prefix: &str,
    filter: &Filter,
    symlinks: Symlinks,
) -> Result<Vec<WalkedFile>, Error> {
    Ok(walk_with_dirs(root, prefix, filter, symlinks)?.0)
}

/// `walk`, and the directories it entered (where found; `root` first): a
/// build tool depending on a tree depends on those too, as adding or
/// removing a file changes its directory's timestamp.
pub fn walk_with_dirs(
    root: &Path,
    prefix: &str,
    filter: &Filter,
    symlinks: Symlinks,
) -> Result<(Vec<WalkedFile>, Vec<PathBuf>), Error> {
    let canonical_root = canonicalize_dir(root)?;
    let bound = match symlinks {
        Symlinks::Follow => None,
        Symlinks::Confined => Some(Bound::Staging(canonical_root.clone())),
        Symlinks::InProject(project) => {
            let project = canonicalize_dir(project)?;
            check_in_project(root, &canonical_root, &project)?;
            Some(Bound::Project(project))
        }
    };
    let mut walk = Walk {
        bound,
        filter,
        files: Vec::new(),
        dirs: Vec::new(),
        stack: vec![canonical_root.clone()],
    };
    let meta = read_meta(&canonical_root)?;
    if !filter.keeps(prefix, meta.is_dir()) {
        return Ok((Vec::new(), Vec::new()));
    }
    if meta.is_dir() {
        walk.dirs.push(root.to_path_buf());
        walk.dir(&canonical_root, root, prefix)?;
    } else {
        walk.file(
            root.to_path_buf(),
            canonical_root,
            prefix.to_string(),
            &meta,
        )?;
    }
    walk.files.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok((walk.files, walk.dirs))
}

fn read_meta(path: &Path) -> Result<fs::Metadata, Error> {
    fs::metadata(path).map_err(|source| Error::Io {
        context: format!("cannot read {}", path.display()),
        source,
    })
}

/// The directory a walk's symlinks must stay in (canonical).
enum Bound {
    Staging(PathBuf),
    Project(PathBuf),
}

/// `fs::canonicalize` of `path` (shown as `shown`), a loop of links
/// reported as one.
pub(super) fn canonicalize(path: &Path, shown: &Path) -> Result<PathBuf, Error> {
    fs::canonicalize(path).map_err(|source| {
        if is_symlink_loop(&source) {
            Error::SymlinkLoop(shown.to_path_buf())
        } else {
            Error::BrokenSymlink {
                link: shown.to_path_buf(),
                source,
            }
        }
    })
}

/// `canonicalize` of a walk's root or bound: missing is no broken link.
pub(super) fn canonicalize_dir(path: &Path) -> Result<PathBuf, Error> {
    canonicalize(path, path).map_err(|error| match error {
        Error::BrokenSymlink { source, .. } => Error::Io {
            context: format!("cannot resolve {}", path.display()),
            source,
        },
        other => other,
    })
}

#[cfg(unix)]
fn is_symlink_loop(error: &std::io::Error) -> bool {
    error.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(unix))]
fn is_symlink_loop(_error: &std::io::Error) -> bool {
    false
}

/// Refuses `path` (resolved: `target`) when it leads outside the canonical
/// `project` directory.
pub(super) fn check_in_project(path: &Path, target: &Path, project: &Path) -> Result<(), Error> {
    if target.starts_with(project) {
        return Ok(());
    }
    Err(Error::SymlinkLeavesProject {
        link: path.to_path_buf(),
        target: target.to_path_buf(),
        project: project.to_path_buf(),
    })
}

struct Walk<'a> {
    bound: Option<Bound>,
    filter: &'a Filter,
    files: Vec<WalkedFile>,
    dirs: Vec<PathBuf>,
    /// Canonical directories being walked, to detect symlink loops.
    stack: Vec<PathBuf>,
}

impl Walk<'_> {
    /// Walks the canonical directory `dir`, found at `shown` (for errors).
    fn dir(&mut self, dir: &Path, shown: &Path, prefix: &str) -> Result<(), Error> {
        let list_error = |source| Error::Io {
            context: format!("cannot list {}", shown.display()),
            source,
        };
        for entry in fs::read_dir(dir).map_err(list_error)? {
            let entry = entry.map_err(list_error)?;
            let path = shown.join(entry.file_name());
            let name = entry.file_name();
            let name = name.to_str().ok_or_else(|| Error::BadFileName {
                path: path.clone(),
                reason: "it is not valid UTF-8, which RECORD and archive names require".into(),
            })?;
            check_name(&path, name)?;
            let relative = match prefix {
                "" => name.to_string(),
                _ => format!("{prefix}/{name}"),
            };
            let link_meta = fs::symlink_metadata(entry.path()).map_err(|source| Error::Io {
                context: format!("cannot read {}", path.display()),
                source,
            })?;
            let (source, meta) = if link_meta.file_type().is_symlink() {
                let target = self.resolve_symlink(&entry.path(), &path)?;
                let meta = read_meta(&target)?;
                (target, meta)
            } else {
                (entry.path(), link_meta)
            };
            if !self.filter.keeps(&relative, meta.is_dir()) {
                continue;
            }
            if meta.is_dir() {
                if self.stack.contains(&source) {
                    return Err(Error::SymlinkLoop(path));
                }
                // Canonical already: a child of a canonical directory, or a
                // resolved symlink.
                self.stack.push(source.clone());
                self.dirs.push(path.clone());
                self.dir(&source, &path, &relative)?;
                self.stack.pop();
            } else {
                self.file(path, source, relative, &meta)?;
            }
        }
        Ok(())
    }

    fn file(
        &mut self,
        path: PathBuf,
        source: PathBuf,
        relative: String,
        meta: &fs::Metadata,
    ) -> Result<(), Error> {
        if !meta.is_file() {
            return Err(Error::SpecialFile(path));
        }
        self.files.push(WalkedFile {
            relative,
            path,
            source,
            size: meta.len(),
            executable: is_executable(meta),
        });
        Ok(())
    }

    /// Dereferences a symlink (`link`, shown as `shown`), checking where
    /// it leads before anything there is read.
    fn resolve_symlink(&self, link: &Path, shown: &Path) -> Result<PathBuf, Error> {
        let target = canonicalize(link, shown)?;
        match &self.bound {
            Some(Bound::Staging(root)) if !target.starts_with(root) => Err(Error::SymlinkEscapes {
                link: shown.to_path_buf(),
                target,
            }),
            Some(Bound::Project(project)) => {
                check_in_project(shown, &target, project)?;
                Ok(target)
            }
            _ => Ok(target),
        }
    }
}

/// Refuses names RECORD or an archive cannot carry faithfully.
fn check_name(path: &Path, name: &str) -> Result<(), Error> {
    let reason = if name.chars().any(char::is_control) {
        "it contains a control character (such as a newline), which RECORD cannot hold"
    } else if name.contains('\\') {
        "it contains a backslash, which installers on Windows read as a path separator"
    } else {
        return Ok(());
    };
    Err(Error::BadFileName {
        path: path.to_path_buf(),
        reason: reason.into(),
    })
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &fs::Metadata) -> bool {
    false
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::test_support::{write_file, write_files};
    use std::os::unix::fs::{symlink, PermissionsExt};

    fn relatives(files: &[WalkedFile]) -> Vec<&str> {
        files.iter().map(|f| f.relative.as_str()).collect()
    }

    /// The one rule: caches, compiled files and override files, anywhere,
    /// plus the exclude patterns (a matched directory with all below it).
    #[test]
    fn leaves_out_caches_compiled_and_override_files_and_excludes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_files(
            root,
            &[
                "pkg/__init__.py",
                "pkg/__pycache__/a.cpython-311.pyc",
                "pkg/old.pyc",
                "pkg/old.pyo",
                "pkg/py-build-cmake.local.toml",
                "pkg/py-build-cmake.cross.pbc",
                "pkg/docs/draft.md",
                "pkg/docs/final.md",
                "pkg/tests/t.py",
                "pkg/.hidden",
            ],
            "x",
        );
        let files = walk(
            &root.join("pkg"),
            "pkg",
            &Filter::default(),
            Symlinks::Follow,
        )
        .unwrap();
        assert_eq!(
            relatives(&files),
            [
                "pkg/.hidden",
                "pkg/__init__.py",
                "pkg/docs/draft.md",
                "pkg/docs/final.md",
                "pkg/tests/t.py"
            ]
        );
        let patterns = [
            "pkg/docs/draft*".to_string(),
            "pkg/tests".to_string(),
            "*/.h*".into(),
        ];
        let filter = Filter::with_excludes("sdist.exclude", &patterns).unwrap();
        let files = walk(&root.join("pkg"), "pkg", &filter, Symlinks::Follow).unwrap();
        assert_eq!(relatives(&files), ["pkg/__init__.py", "pkg/docs/final.md"]);
        assert!(!filter.keeps("pkg/tests/deep/x.py", false));
        let (_, dirs) =
            walk_with_dirs(&root.join("pkg"), "pkg", &filter, Symlinks::Follow).unwrap();
        assert_eq!(dirs, [root.join("pkg"), root.join("pkg/docs")]);
        // `*` does not cross a directory.
        assert!(Filter::with_excludes("k", &["*.md".into()])
            .unwrap()
            .keeps("a/b.md", false));
        let error = Filter::with_excludes("sdist.exclude", &["a[".into()])
            .err()
            .unwrap();
        assert!(error.to_string().contains("sdist.exclude"), "{error}");
    }

    #[test]
    fn a_file_root_is_one_entry_and_modes_are_read() {
        let dir = tempfile::tempdir().unwrap();
        write_file(dir.path(), "tool.py", "x");
        let file = dir.path().join("tool.py");
        fs::set_permissions(&file, fs::Permissions::from_mode(0o755)).unwrap();
        let files = walk(&file, "pkg/tool.py", &Filter::default(), Symlinks::Follow).unwrap();
        assert_eq!(relatives(&files), ["pkg/tool.py"]);
        assert!(files[0].executable);
        assert_eq!(files[0].size, 1);
        // The filter sees the root too.
        let filter = Filter::with_excludes("k", &["pkg".into()]).unwrap();
        assert!(walk(&file, "pkg/tool.py", &filter, Symlinks::Follow)
            .unwrap()
            .is_empty());
        assert!(walk(dir.path(), "pkg", &filter, Symlinks::Follow)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn symlinks_are_followed_or_confined() {
        let dir = tempfile::tempdir().unwrap();
        write_file(dir.path(), "outside.txt", "x");
        write_file(dir.path(), "tree/a.py", "x");
        let tree = dir.path().join("tree");
        symlink(dir.path().join("outside.txt"), tree.join("out.txt")).unwrap();
        let files = walk(&tree, "", &Filter::default(), Symlinks::Follow).unwrap();
        assert_eq!(relatives(&files), ["a.py", "out.txt"]);
        assert_eq!(
            files[1].source,
            fs::canonicalize(dir.path().join("outside.txt")).unwrap()
        );
        let error = walk(&tree, "", &Filter::default(), Symlinks::Confined).unwrap_err();
        assert!(matches!(error, Error::SymlinkEscapes { .. }), "{error}");
        fs::remove_file(tree.join("out.txt")).unwrap();
        symlink(".", tree.join("loop")).unwrap();
        let error = walk(&tree, "", &Filter::default(), Symlinks::Follow).unwrap_err();
        assert!(matches!(error, Error::SymlinkLoop(_)), "{error}");
    }

    /// `pkg/pw -> /etc/passwd` and `pkg/etc -> /etc/ssh` packed the host's
    /// files; links inside the project are followed.
    #[test]
    fn links_leaving_the_project_are_refused_and_loops_named() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        write_files(&project, &["pkg/__init__.py", "shared/data.txt"], "x");
        let pkg = project.join("pkg");
        let in_project = Symlinks::InProject(&project);
        symlink("../shared", pkg.join("shared")).unwrap();
        let files = walk(&pkg, "pkg", &Filter::default(), in_project).unwrap();
        assert_eq!(
            relatives(&files),
            ["pkg/__init__.py", "pkg/shared/data.txt"]
        );
        for (name, target) in [("pw", "/etc/passwd"), ("etc", "/etc")] {
            symlink(target, pkg.join(name)).unwrap();
            let error = walk(&pkg, "pkg", &Filter::default(), in_project).unwrap_err();
            let Error::SymlinkLeavesProject {
                link, target: to, ..
            } = &error
            else {
                panic!("{error}");
            };
            assert_eq!((link, to.as_path()), (&pkg.join(name), Path::new(target)));
            let text = error.to_string();
            assert!(
                text.contains(&format!("{} leads to {target}", pkg.join(name).display())),
                "{text}"
            );
            fs::remove_file(pkg.join(name)).unwrap();
        }
        // The walked root itself.
        symlink("/etc", project.join("etc")).unwrap();
        let error = walk(&project.join("etc"), "etc", &Filter::default(), in_project).unwrap_err();
        assert!(
            matches!(error, Error::SymlinkLeavesProject { .. }),
            "{error}"
        );
        // `a -> b -> a` is a loop, not a broken link.
        symlink("b", pkg.join("a")).unwrap();
        symlink("a", pkg.join("b")).unwrap();
        let error = walk(&pkg, "pkg", &Filter::default(), Symlinks::Follow).unwrap_err();
        assert!(
            matches!(&error, Error::SymlinkLoop(p) if p.parent() == Some(&pkg)),
            "{error}"
        );
        assert!(error.to_string().contains("is a loop"), "{error}");
    }
}
