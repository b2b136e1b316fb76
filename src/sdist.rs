//! Source distributions: a reproducible `<name>-<version>.tar.gz` holding
//! PKG-INFO (the same core metadata as the wheel's METADATA), pyproject.toml,
//! the readme and license files, each CMake source dir's CMakeLists.txt, the
//! module's sources and what `sdist.include` names, minus `sdist.exclude`.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::config::model::Config;
use crate::module_source::{self, ModuleSource};
use crate::{fs_atomic, metadata};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Module(#[from] module_source::Error),
    #[error(transparent)]
    Metadata(#[from] metadata::Error),
    #[error("tool.py-build-cmake.sdist pattern {pattern:?} is not a valid glob: {reason}")]
    Pattern { pattern: String, reason: String },
    #[error(
        "{path} is outside the project directory {project}; an sdist holds only files under it"
    )]
    Outside { path: PathBuf, project: PathBuf },
    #[error("tool.py-build-cmake.sdist.exclude removes {0}, which the sdist cannot do without")]
    CrucialExcluded(String),
    #[error("while reading {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("while writing {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The build backend an sdist should name: the one `pip install <sdist>`
/// then builds with.
pub const BACKEND: &str = "pybuildcmake.build";

/// A warning when pyproject.toml's `[build-system]` names another backend
/// than ours: an sdist built from it would not build with this tool.
pub fn backend_warning(config: &Config) -> Option<String> {
    match config.build_backend.as_deref() {
        Some(BACKEND) => None,
        other => Some(format!(
            "{} names the build backend {}, so `pip install` of its sdist builds with that \
             backend, not with this tool; set [build-system] build-backend = \"{BACKEND}\" and \
             requires = [\"pybuildcmake\"]",
            config.pyproject.display(),
            other.map_or("of setuptools (none is set)".to_string(), |b| format!(
                "{b:?}"
            )),
        )),
    }
}

/// Writes the sdist of `config`'s project into `out_dir` and returns its path.
/// `timestamp` is every entry's mtime (SOURCE_DATE_EPOCH), so two runs over the
/// same files give the same bytes; an unchanged archive is not rewritten.
pub fn build(config: &Config, out_dir: &Path, timestamp: u64) -> Result<PathBuf, Error> {
    let project_dir = &config.project_dir;
    let files = select_files(config, out_dir)?;
    let base = format!("{}-{}", config.project.dist_name(), config.project.version);
    let license_paths: Vec<String> = config
        .project
        .license_files
        .iter()
        .map(|l| l.relative.clone())
        .collect();
    let pkg_info = metadata::render_metadata(&config.project, &license_paths)?;

    let mut entries: Vec<(String, Vec<u8>, bool)> = Vec::new();
    for relative in &files {
        let path = project_dir.join(relative);
        let data = std::fs::read(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        entries.push((relative.clone(), data, is_executable(&path)));
    }
    entries.push(("PKG-INFO".to_string(), pkg_info.into_bytes(), false));
    entries.sort_by(|a, b| a.0.cmp(&b.0));

    let archive = write_tar_gz(&base, &entries, timestamp).map_err(|source| Error::Write {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let target = out_dir.join(format!("{base}.tar.gz"));
    fs_atomic::write_if_changed(&target, &archive, false).map_err(|source| Error::Write {
        path: target.clone(),
        source,
    })?;
    Ok(target)
}

/// The sdist's files, relative to the project directory with `/`, sorted.
fn select_files(config: &Config, out_dir: &Path) -> Result<Vec<String>, Error> {
    let project_dir = &config.project_dir;
    let relative = |path: &Path| relative_to(project_dir, path);

    // Files the sdist cannot be built from without.
    let mut crucial = vec![relative(&config.pyproject)?];
    let module = config.module.source()?;
    match &module {
        ModuleSource::Package(dir) if !config.module.namespace => {
            crucial.push(relative(&dir.join("__init__.py"))?);
        }
        ModuleSource::File(file) => crucial.push(relative(file)?),
        _ => {}
    }
    let module_files = module.files()?;
    for cmake in &config.cmake {
        let lists = cmake.source_path.join("CMakeLists.txt");
        if lists.is_file() {
            crucial.push(relative(&lists)?);
        }
    }

    let mut files: BTreeSet<String> = BTreeSet::new();
    files.extend(crucial.iter().cloned());
    for file in &module_files {
        files.insert(relative(file)?);
    }
    if let Some(readme) = config.project.readme.as_ref().and_then(|r| r.file.clone()) {
        files.insert(readme);
    }
    for license in &config.project.license_files {
        files.insert(license.relative.clone());
    }
    for file in expand(project_dir, &config.sdist.include)? {
        files.insert(file);
    }

    let excluded = expand(project_dir, &config.sdist.exclude)?;
    if let Some(file) = crucial.iter().find(|f| excluded.contains(*f)) {
        return Err(Error::CrucialExcluded(file.clone()));
    }
    let is_output = our_outputs(config, out_dir)?;
    Ok(files
        .into_iter()
        .filter(|f| !excluded.contains(f) && !is_output(f))
        .collect())
}

/// Whether a project file is one of our own outputs, which an include glob
/// such as `*` or `dist/**` must not pack into the next sdist: anything in
/// the out dir, and this project's wheels and sdists wherever they are.
fn our_outputs(config: &Config, out_dir: &Path) -> Result<impl Fn(&str) -> bool, Error> {
    let resolve = |path: &Path| {
        crate::real_path::resolve(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })
    };
    let out_dir = resolve(out_dir)?;
    let project_dir = resolve(&config.project_dir)?;
    let prefix = format!("{}-", config.project.dist_name());
    Ok(move |relative: &str| {
        let name = relative.rsplit('/').next().unwrap_or(relative);
        let ours_by_name =
            name.starts_with(&prefix) && (name.ends_with(".whl") || name.ends_with(".tar.gz"));
        ours_by_name || project_dir.join(relative).starts_with(&out_dir)
    })
}

/// Files matching the glob patterns (relative to the project directory); a
/// matched directory stands for every file below it.
fn expand(project_dir: &Path, patterns: &[String]) -> Result<BTreeSet<String>, Error> {
    let mut files = BTreeSet::new();
    for pattern in patterns {
        let full = project_dir.join(pattern);
        let matches = glob::glob(&full.to_string_lossy()).map_err(|e| Error::Pattern {
            pattern: pattern.clone(),
            reason: e.to_string(),
        })?;
        for path in matches.flatten() {
            if path.is_dir() {
                let mut below = Vec::new();
                walk_all(&path, &mut below)?;
                for file in below {
                    files.insert(relative_to(project_dir, &file)?);
                }
            } else if path.is_file() {
                files.insert(relative_to(project_dir, &path)?);
            }
        }
    }
    Ok(files)
}

fn walk_all(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), Error> {
    let read_error = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.is_dir() {
            walk_all(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

fn relative_to(project_dir: &Path, path: &Path) -> Result<String, Error> {
    let outside = || Error::Outside {
        path: path.to_path_buf(),
        project: project_dir.to_path_buf(),
    };
    let rel = path.strip_prefix(project_dir).map_err(|_| outside())?;
    let mut parts = Vec::new();
    for component in rel.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => return Err(outside()),
        }
    }
    Ok(parts.join("/"))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o100 != 0)
}

#[cfg(not(unix))]
fn is_executable(_path: &Path) -> bool {
    false
}

/// A ustar archive under `<base>/`, gzip-compressed with a fixed header
/// (mtime, no file name), entries with normalized owner and modes.
fn write_tar_gz(
    base: &str,
    entries: &[(String, Vec<u8>, bool)],
    timestamp: u64,
) -> std::io::Result<Vec<u8>> {
    let gz = flate2::GzBuilder::new()
        // gzip holds 32-bit times; later ones are clamped.
        .mtime(u32::try_from(timestamp).unwrap_or(u32::MAX))
        .write(Vec::new(), flate2::Compression::new(9));
    let mut tar = tar::Builder::new(gz);
    for (path, data, executable) in entries {
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(if *executable { 0o755 } else { 0o644 });
        header.set_mtime(timestamp);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, format!("{base}/{path}"), data.as_slice())?;
    }
    let mut gz = tar.into_inner()?;
    gz.flush()?;
    gz.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn warns_when_another_backend_would_build_the_sdist() {
        let mut config = crate::test_support::config(false);
        assert_eq!(super::backend_warning(&config), None);
        config.build_backend = Some("py_build_cmake.build".into());
        let warning = super::backend_warning(&config).unwrap();
        assert!(warning.contains("\"py_build_cmake.build\""), "{warning}");
        config.build_backend = None;
        assert!(super::backend_warning(&config)
            .unwrap()
            .contains("setuptools"));
    }
}
