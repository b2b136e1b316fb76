//! Where the module's Python sources are: what the wheel step copies into
//! the staging dir and the sdist ships.

use std::path::{Path, PathBuf};

use crate::archive::{self, ArchiveWriter, DirWriter, Filter, Symlinks, WalkedFile};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "module '{name}' not found in {}: looked for {name}/, src/{name}/, {name}.py and \
         src/{name}.py; set tool.py-build-cmake.module.name / module.directory, or \
         module.generated when CMake generates it",
        directory.display()
    )]
    NotFound { name: String, directory: PathBuf },
    #[error(
        "module '{name}' is ambiguous: {}; keep one, or set tool.py-build-cmake.module.directory",
        found.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    Ambiguous { name: String, found: Vec<PathBuf> },
    #[error(
        "{} has no __init__.py: add one, or set tool.py-build-cmake.module.namespace = true \
         for a namespace package",
        package.display()
    )]
    MissingInit { package: PathBuf },
    #[error(
        "{} is a namespace package but holds __init__.py: remove it, or set \
         tool.py-build-cmake.module.namespace = false",
        package.display()
    )]
    InitInNamespace { package: PathBuf },
    #[error("while copying the module's sources into {path}")]
    Stage {
        path: PathBuf,
        #[source]
        source: archive::Error,
    },
    #[error("while listing the module's sources in {path}")]
    Walk {
        path: PathBuf,
        #[source]
        source: archive::Error,
    },
}

/// The module's sources in the source tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleSource {
    /// A package directory (with `__init__.py`, or a namespace package).
    Package(PathBuf),
    /// A single `<name>.py`.
    File(PathBuf),
    /// CMake generates and installs it (`module.generated`).
    Generated,
}

/// The module to look for: the configuration's `module` options
/// (`config::model::ModuleOptions::source` fills it in).
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    /// Import name; dots are sub-packages.
    pub name: &'a str,
    pub directory: &'a Path,
    pub namespace: bool,
    /// CMake generates and installs it: nothing to find.
    pub generated: bool,
}

/// Finds the module the way py-build-cmake does: `<directory>/<name>/`,
/// `<directory>/src/<name>/` (packages), `<directory>/<name>.py` or
/// `<directory>/src/<name>.py`, dots in the name being sub-packages.
/// Exactly one may exist.
pub fn locate(module: Wanted<'_>) -> Result<ModuleSource, Error> {
    if module.generated {
        return Ok(ModuleSource::Generated);
    }
    let relative: PathBuf = module.name.split('.').collect();
    let bases = [module.directory.to_path_buf(), module.directory.join("src")];
    let mut found: Vec<ModuleSource> = Vec::new();
    for base in &bases {
        let package = base.join(&relative);
        if package.is_dir() {
            found.push(ModuleSource::Package(package));
        }
    }
    if !module.namespace {
        for base in &bases {
            let file = base.join(&relative).with_extension("py");
            if file.is_file() {
                found.push(ModuleSource::File(file));
            }
        }
    }
    let source = match found.len() {
        0 => {
            return Err(Error::NotFound {
                name: module.name.to_owned(),
                directory: module.directory.to_path_buf(),
            })
        }
        1 => found.remove(0),
        _ => {
            return Err(Error::Ambiguous {
                name: module.name.to_owned(),
                found: found
                    .into_iter()
                    .filter_map(|s| s.path().map(Path::to_path_buf))
                    .collect(),
            })
        }
    };
    if let ModuleSource::Package(package) = &source {
        let has_init = package.join("__init__.py").is_file();
        if module.namespace && has_init {
            return Err(Error::InitInNamespace {
                package: package.clone(),
            });
        }
        if !module.namespace && !has_init {
            return Err(Error::MissingInit {
                package: package.clone(),
            });
        }
    }
    Ok(source)
}

impl ModuleSource {
    /// The package directory or module file; none for a generated module.
    pub fn path(&self) -> Option<&Path> {
        match self {
            ModuleSource::Package(p) | ModuleSource::File(p) => Some(p),
            ModuleSource::Generated => None,
        }
    }

    /// The file dynamic metadata is read from: `__init__.py` of a package,
    /// the module file itself.
    pub fn metadata_file(&self) -> Option<PathBuf> {
        match self {
            ModuleSource::Package(p) => Some(p.join("__init__.py")),
            ModuleSource::File(p) => Some(p.clone()),
            ModuleSource::Generated => None,
        }
    }

    /// Copies the sources into the staging tree `staging` as the wheel holds
    /// them for the module `name` (nothing for a generated module, which
    /// CMake installs) and returns what the staged tree depends on: the
    /// source files and their directories.
    pub fn stage(
        &self,
        name: &str,
        project_dir: &Path,
        staging: &Path,
    ) -> Result<Vec<PathBuf>, Error> {
        let (files, mut dependencies) = self.wheel_files(name, project_dir)?;
        dependencies.extend(files.iter().map(|f| f.path.clone()));
        DirWriter::new(staging)
            .add_walked(files)
            .map_err(|source| Error::Stage {
                path: staging.to_path_buf(),
                source,
            })?;
        Ok(dependencies)
    }

    /// The sources as the wheel holds them (`a/b/...` for the package
    /// `a.b`, `a/b.py` for a module file), and the directories walked.
    /// A symlink is followed when it stays inside `project_dir` (the
    /// wheel holds what it points to) and refused when it leaves it.
    pub fn wheel_files(
        &self,
        module_name: &str,
        project_dir: &Path,
    ) -> Result<(Vec<WalkedFile>, Vec<PathBuf>), Error> {
        let Some(path) = self.path() else {
            return Ok((Vec::new(), Vec::new()));
        };
        let mut archive_path = module_name.replace('.', "/");
        if let ModuleSource::File(_) = self {
            archive_path.push_str(".py");
        }
        let filter = Filter::default();
        let symlinks = Symlinks::InProject(project_dir);
        archive::walk_with_dirs(path, &archive_path, &filter, symlinks).map_err(|source| {
            Error::Walk {
                path: path.to_path_buf(),
                source,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wheel_files_skip_caches_under_the_module_path() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("pkg");
        std::fs::create_dir_all(pkg.join("sub/__pycache__")).unwrap();
        for f in [
            "__init__.py",
            "sub/a.py",
            "sub/__pycache__/a.cpython-311.pyc",
            "b.pyc",
            "data.txt",
        ] {
            std::fs::write(pkg.join(f), "").unwrap();
        }
        let (files, dirs) = ModuleSource::Package(pkg.clone())
            .wheel_files("top.pkg", dir.path())
            .unwrap();
        assert_eq!(dirs, [pkg.clone(), pkg.join("sub")]);
        let names: Vec<_> = files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(
            names,
            [
                "top/pkg/__init__.py",
                "top/pkg/data.txt",
                "top/pkg/sub/a.py"
            ]
        );
        let (single, _) = ModuleSource::File(pkg.join("data.txt"))
            .wheel_files("top.mod", dir.path())
            .unwrap();
        assert_eq!(single[0].relative, "top/mod.py");
    }

    fn wanted<'a>(directory: &'a Path, name: &'a str) -> Wanted<'a> {
        Wanted {
            name,
            directory,
            namespace: false,
            generated: false,
        }
    }

    #[test]
    fn finds_src_layouts_and_refuses_ambiguity() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src/pkg")).unwrap();
        std::fs::write(root.join("src/pkg/__init__.py"), "").unwrap();
        assert_eq!(
            locate(wanted(root, "pkg")).unwrap(),
            ModuleSource::Package(root.join("src/pkg"))
        );
        std::fs::write(root.join("src/single.py"), "").unwrap();
        assert_eq!(
            locate(wanted(root, "single")).unwrap(),
            ModuleSource::File(root.join("src/single.py"))
        );
        std::fs::write(root.join("pkg.py"), "").unwrap();
        let error = locate(wanted(root, "pkg")).unwrap_err();
        assert!(matches!(error, Error::Ambiguous { .. }), "{error}");
        std::fs::create_dir_all(root.join("bare")).unwrap();
        let error = locate(wanted(root, "bare")).unwrap_err();
        assert!(matches!(error, Error::MissingInit { .. }), "{error}");
        let error = locate(wanted(root, "absent")).unwrap_err();
        assert!(error.to_string().contains("src/absent.py"), "{error}");
    }
}
