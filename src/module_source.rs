//! Where the module's Python sources are: what the wheel step copies into
//! the staging dir and the sdist ships.

use std::path::{Path, PathBuf};

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
    #[error("while listing {path}")]
    Walk {
        path: PathBuf,
        #[source]
        source: std::io::Error,
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

    /// Every source file, sorted, without `__pycache__` and compiled files.
    pub fn files(&self) -> Result<Vec<PathBuf>, Error> {
        let mut files = Vec::new();
        match self {
            ModuleSource::Package(dir) => walk(dir, &mut files)?,
            ModuleSource::File(file) => files.push(file.clone()),
            ModuleSource::Generated => {}
        }
        files.sort();
        Ok(files)
    }
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), Error> {
    let walk_error = |source| Error::Walk {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(walk_error)? {
        let entry = entry.map_err(walk_error)?;
        let path = entry.path();
        let name = entry.file_name();
        if name == "__pycache__" {
            continue;
        }
        if path.is_dir() {
            walk(&path, files)?;
        } else if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("pyc" | "pyo")
        ) {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_files_skip_caches() {
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
        let files = ModuleSource::Package(pkg.clone()).files().unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|p| p.strip_prefix(&pkg).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["__init__.py", "data.txt", "sub/a.py"]);
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
