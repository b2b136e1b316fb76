//! Source distributions: a reproducible `<name>-<version>.tar.gz` holding
//! PKG-INFO (the same core metadata as the wheel's METADATA), pyproject.toml,
//! the readme and license files, each CMake source dir's CMakeLists.txt, the
//! module's sources and what `sdist.include` names, minus `sdist.exclude`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::archive::{self, ArchiveWriter, Content, Entries, Entry, Filter, Symlinks, WalkedFile};
use crate::config::model::Config;
use crate::module_source::{self, ModuleSource};
use crate::{fs_atomic, metadata};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Module(#[from] module_source::Error),
    #[error(transparent)]
    Metadata(#[from] metadata::Error),
    #[error(transparent)]
    Archive(#[from] archive::Error),
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

/// Warnings for `sdist.include` / `sdist.exclude` patterns that match
/// nothing in the project dir (a pattern meant to match is a file the sdist
/// silently lacks, or keeps); a `**` in one is explained, since `src/**`
/// matches only the directories below src.
pub fn pattern_warnings(config: &Config) -> Result<Vec<String>, Error> {
    let mut warnings = Vec::new();
    for (key, patterns) in [
        ("include", &config.sdist.include),
        ("exclude", &config.sdist.exclude),
    ] {
        for pattern in patterns {
            if !expand(&config.project_dir, std::slice::from_ref(pattern))?.is_empty() {
                continue;
            }
            let mut warning = format!(
                "tool.py-build-cmake.sdist.{key} pattern {pattern:?} matches nothing in {}",
                config.project_dir.display()
            );
            if pattern.contains("**") {
                warning.push_str(&format!(
                    "; `**` matches directories at any depth, so `dir/**` matches only \
                     the directories below dir, not its files; a directory name includes \
                     its whole tree: write {:?} (or `dir/**/*.c` for some files)",
                    pattern
                        .split("/**")
                        .next()
                        .filter(|d| !d.is_empty() && !d.contains('*'))
                        .unwrap_or("<dir>")
                ));
            }
            warnings.push(warning);
        }
    }
    Ok(warnings)
}

/// Writes the sdist of `config`'s project into `out_dir` and returns its path.
/// `timestamp` is every entry's mtime (SOURCE_DATE_EPOCH), so two runs over the
/// same files give the same bytes; an unchanged archive is not rewritten.
pub fn build(config: &Config, out_dir: &Path, timestamp: u64) -> Result<PathBuf, Error> {
    let base = format!("{}-{}", config.project.dist_name(), config.project.version);
    let license_paths: Vec<String> = config
        .project
        .license_files
        .iter()
        .map(|l| l.relative.clone())
        .collect();
    let pkg_info = metadata::render_metadata(&config.project, &license_paths)?;

    let mut writer = SdistWriter::new(base);
    writer.add_walked(select_files(config, out_dir)?)?;
    writer.add(Entry::bytes("PKG-INFO".into(), pkg_info.into_bytes()))?;
    writer.finish(out_dir, timestamp)
}

/// The sdist's files, by their path relative to the project directory.
fn select_files(config: &Config, out_dir: &Path) -> Result<Vec<WalkedFile>, Error> {
    let project_dir = &config.project_dir;
    let relative = |path: &Path| relative_to(project_dir, path);
    let mut excludes = config.sdist.exclude.clone();
    excludes.extend(our_outputs(config, out_dir)?);
    let filter = Filter::with_excludes("tool.py-build-cmake.sdist.exclude", &excludes)?;

    // Files the sdist cannot be built from without.
    let mut crucial = vec![config.pyproject.clone()];
    let module = config.module.source()?;
    match &module {
        ModuleSource::Package(dir) if !config.module.namespace => {
            crucial.push(dir.join("__init__.py"));
        }
        ModuleSource::File(file) => crucial.push(file.clone()),
        _ => {}
    }
    for cmake in &config.cmake {
        let lists = cmake.source_path.join("CMakeLists.txt");
        if lists.is_file() {
            crucial.push(lists);
        }
    }
    for file in &crucial {
        let file = relative(file)?;
        if !filter.keeps(&file, false) {
            return Err(Error::CrucialExcluded(file));
        }
    }

    // Keyed by relative path: a file named twice (by the module and an
    // include pattern) is packed once.
    let mut files: BTreeMap<String, WalkedFile> = BTreeMap::new();
    let mut add = |root: &Path| -> Result<(), Error> {
        let symlinks = Symlinks::InProject(project_dir);
        for file in archive::walk(root, &relative(root)?, &filter, symlinks)? {
            files.insert(file.relative.clone(), file);
        }
        Ok(())
    };
    for file in &crucial {
        add(file)?;
    }
    if let Some(path) = module.path() {
        add(path)?;
    }
    if let Some(readme) = config.project.readme.as_ref().and_then(|r| r.file.as_ref()) {
        add(&project_dir.join(readme))?;
    }
    for license in &config.project.license_files {
        add(&license.source)?;
    }
    for path in expand(project_dir, &config.sdist.include)? {
        add(&path)?;
    }
    Ok(files.into_values().collect())
}

/// Exclude patterns for our own outputs, which an include glob such as `*`
/// or `dist/**` must not pack into the next sdist: the out dir when it is
/// below the project dir, and this project's wheels and sdists anywhere.
fn our_outputs(config: &Config, out_dir: &Path) -> Result<Vec<String>, Error> {
    let resolve = |path: &Path| {
        crate::real_path::resolve(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })
    };
    let prefix = glob::Pattern::escape(&format!("{}-", config.project.dist_name()));
    let mut patterns = vec![format!("**/{prefix}*.whl"), format!("**/{prefix}*.tar.gz")];
    let out_dir = resolve(out_dir)?;
    let project_dir = resolve(&config.project_dir)?;
    match crate::names::below(&project_dir, &out_dir) {
        // The project dir itself: its sdists and wheels are left out above.
        Some(relative) if !relative.is_empty() => {
            patterns.push(glob::Pattern::escape(&relative));
        }
        _ => {}
    }
    Ok(patterns)
}

/// What the glob patterns (relative to the project directory) match: files,
/// and directories that stand for every file below them.
fn expand(project_dir: &Path, patterns: &[String]) -> Result<Vec<PathBuf>, Error> {
    let mut paths = Vec::new();
    for pattern in patterns {
        paths.extend(archive::expand_glob(
            project_dir,
            pattern,
            "tool.py-build-cmake.sdist.include",
        )?);
    }
    Ok(paths)
}

fn relative_to(project_dir: &Path, path: &Path) -> Result<String, Error> {
    crate::names::below(project_dir, path).ok_or_else(|| Error::Outside {
        path: path.to_path_buf(),
        project: project_dir.to_path_buf(),
    })
}

/// The sdist as an `ArchiveWriter`: a ustar archive under `<base>/`,
/// gzip-compressed with a fixed header (mtime, no file name), entries
/// sorted, with normalized owner and modes.
pub struct SdistWriter {
    base: String,
    entries: Entries,
}

impl SdistWriter {
    pub fn new(base: String) -> SdistWriter {
        SdistWriter {
            base,
            entries: Entries::default(),
        }
    }

    /// Writes `<out_dir>/<base>.tar.gz` unless it holds these bytes already;
    /// returns its path.
    pub fn finish(self, out_dir: &Path, timestamp: u64) -> Result<PathBuf, Error> {
        let target = out_dir.join(format!("{}.tar.gz", self.base));
        let archive = self.write_tar_gz(timestamp)?;
        fs_atomic::write_if_changed(&target, &archive, false).map_err(|source| Error::Write {
            path: target.clone(),
            source,
        })?;
        Ok(target)
    }

    fn write_tar_gz(self, timestamp: u64) -> Result<Vec<u8>, Error> {
        let gz = flate2::GzBuilder::new()
            // gzip holds 32-bit times; later ones are clamped.
            .mtime(u32::try_from(timestamp).unwrap_or(u32::MAX))
            .write(Vec::new(), flate2::Compression::new(9));
        let mut tar = tar::Builder::new(gz);
        let write_error = |source| Error::Write {
            path: PathBuf::from(format!("{}.tar.gz", self.base)),
            source,
        };
        for entry in self.entries.into_sorted() {
            let mut header = tar::Header::new_ustar();
            header.set_mode(entry.mode.bits());
            header.set_mtime(timestamp);
            header.set_uid(0);
            header.set_gid(0);
            let path = format!("{}/{}", self.base, entry.path);
            let data = match entry.content {
                Content::File(source) => std::fs::read(&source).map_err(|error| Error::Read {
                    path: source,
                    source: error,
                })?,
                Content::Bytes(data) => data,
                Content::Symlink(target) => {
                    header.set_size(0);
                    header.set_entry_type(tar::EntryType::Symlink);
                    tar.append_link(&mut header, &path, &target)
                        .map_err(write_error)?;
                    continue;
                }
            };
            header.set_size(data.len() as u64);
            header.set_entry_type(tar::EntryType::Regular);
            tar.append_data(&mut header, &path, data.as_slice())
                .map_err(write_error)?;
        }
        let finish = |tar: tar::Builder<flate2::write::GzEncoder<Vec<u8>>>| {
            let mut gz = tar.into_inner()?;
            gz.flush()?;
            gz.finish()
        };
        finish(tar).map_err(write_error)
    }
}

impl ArchiveWriter for SdistWriter {
    fn add(&mut self, entry: Entry) -> Result<(), archive::Error> {
        self.entries.insert(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Entries come out sorted under the base directory, with normalized
    /// modes and owners, symlinks as links.
    #[test]
    fn writes_sorted_entries_files_bytes_and_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("run.sh");
        std::fs::write(&script, "#!/bin/sh\n").unwrap();
        let mut writer = SdistWriter::new("p-1.0".into());
        writer
            .add(Entry::bytes("PKG-INFO".into(), b"Name: p\n".to_vec()))
            .unwrap();
        writer
            .add(Entry::file(
                "bin/run.sh".into(),
                script,
                archive::Mode::Executable,
            ))
            .unwrap();
        writer
            .add(Entry {
                path: "bin/run".into(),
                content: Content::Symlink("run.sh".into()),
                mode: archive::Mode::Regular,
            })
            .unwrap();
        assert!(matches!(
            writer.add(Entry::bytes("PKG-INFO".into(), Vec::new())),
            Err(archive::Error::Duplicate(_))
        ));
        let path = writer.finish(dir.path(), 1_700_000_000).unwrap();
        let bytes = std::fs::read(path).unwrap();
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        let mut seen = Vec::new();
        for entry in tar.entries().unwrap() {
            let mut entry = entry.unwrap();
            let header = entry.header();
            let name = entry.path().unwrap().display().to_string();
            let mode = header.mode().unwrap();
            let link = entry.link_name().unwrap().map(|l| l.display().to_string());
            assert_eq!(header.mtime().unwrap(), 1_700_000_000);
            assert_eq!(header.uid().unwrap(), 0);
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            seen.push((name, mode, link, text));
        }
        let expect = |n: &str, m: u32, l: Option<&str>, t: &str| {
            (n.to_string(), m, l.map(str::to_string), t.to_string())
        };
        assert_eq!(
            seen,
            [
                expect("p-1.0/PKG-INFO", 0o644, None, "Name: p\n"),
                expect("p-1.0/bin/run", 0o644, Some("run.sh"), ""),
                expect("p-1.0/bin/run.sh", 0o755, None, "#!/bin/sh\n"),
            ]
        );
    }

    #[test]
    fn our_outputs_are_left_out_by_the_walks_filter() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().canonicalize().unwrap();
        crate::test_support::write_files(
            &project,
            &[
                "pyproject.toml",
                "pkg/__init__.py",
                "pkg-1.0.tar.gz",
                "old/pkg-0.9-py3-none-any.whl",
                "old/other-1.0.tar.gz",
                "out/anything.txt",
            ],
            "",
        );
        let mut config = crate::test_support::config(true);
        config.pyproject = project.join("pyproject.toml");
        config.module.directory.clone_from(&project);
        config.project_dir = project.clone();
        config.sdist.include = vec!["*".into(), "old/*".into(), "out/*".into()];
        let files = super::select_files(&config, &project.join("out")).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(
            names,
            ["old/other-1.0.tar.gz", "pkg/__init__.py", "pyproject.toml"]
        );
    }

    #[test]
    fn warns_about_patterns_that_match_nothing_and_explains_double_stars() {
        let dir = tempfile::tempdir().unwrap();
        crate::test_support::write_files(dir.path(), &["src/a.c", "tests/t.txt"], "");
        let mut config = crate::test_support::config(false);
        config.project_dir = dir.path().to_path_buf();
        config.sdist.include = vec!["src".into(), "lib/**".into(), "*.md".into()];
        config.sdist.exclude = vec!["tests/*.txt".into(), "build".into()];
        let warnings = super::pattern_warnings(&config).unwrap();
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(
            warnings[0].contains("sdist.include pattern \"lib/**\" matches nothing"),
            "{warnings:?}"
        );
        assert!(warnings[0].contains("not its files") && warnings[0].contains("write \"lib\""));
        assert!(warnings[1].contains("sdist.include pattern \"*.md\""));
        assert!(!warnings[1].contains("**"));
        assert!(warnings[2].contains("sdist.exclude pattern \"build\""));
    }

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
