//! Where the module's Python sources are: what the wheel step copies into
//! the staging dir and the sdist ships.

use std::path::{Path, PathBuf};

use crate::config::model::Config;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "module '{name}' not found: looked for {package}/__init__.py and {module}; \
         set tool.py-build-cmake.module.name / module.directory, or module.generated \
         when CMake generates it"
    )]
    NotFound {
        name: String,
        package: PathBuf,
        module: PathBuf,
    },
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

/// Finds the module the way py-build-cmake does: `<directory>/<name>/` (a
/// package) or `<directory>/<name>.py`, dots in the name being sub-packages.
pub fn find(config: &Config) -> Result<ModuleSource, Error> {
    let module = &config.module;
    if module.generated.is_some() {
        return Ok(ModuleSource::Generated);
    }
    let relative: PathBuf = module.name.split('.').collect();
    let package = module.directory.join(&relative);
    let file = package.with_extension("py");
    let is_package = if module.namespace {
        package.is_dir()
    } else {
        package.join("__init__.py").is_file()
    };
    if is_package {
        Ok(ModuleSource::Package(package))
    } else if file.is_file() {
        Ok(ModuleSource::File(file))
    } else {
        Err(Error::NotFound {
            name: module.name.clone(),
            package,
            module: file,
        })
    }
}

impl ModuleSource {
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
}
