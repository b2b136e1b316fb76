//! Editable installs (PEP 660): what the editable wheel holds for each
//! `editable.mode`, and the build hook that keeps the build outputs fresh.
//!
//! - `symlink`: a tree in the project's cache holds one symlink per source
//!   file, and CMake installs the build outputs into it; the wheel's `.pth`
//!   names the tree. With `build_hook`, the `.pth` also imports a module
//!   (build_hook.py) that rebuilds and reinstalls on the package's first
//!   import in a process.
//! - `hook`: the build outputs are copied into the wheel; a meta path hook
//!   (hook.py) adds them to the package found in the source tree.
//! - `wrapper`: the build outputs are copied into the wheel; the package's
//!   `__init__.py` there (wrapper.py) runs the source tree's and looks for
//!   submodules there first.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::archive::{self, ArchiveWriter, Content, DirWriter, Entry, Filter, Mode, Symlinks};
use crate::cmake_output::path_text;
use crate::config::model::{Config, EditableMode};
use crate::driver::Rebuild;
use crate::module_source::ModuleSource;

const BUILD_HOOK: &str = include_str!("build_hook.py");
const IMPORT_HOOK: &str = include_str!("hook.py");
const WRAPPER: &str = include_str!("wrapper.py");
/// The line of each template that the generated values replace.
const SETTINGS_LINE: &str = "_SETTINGS: dict = {}  # filled in by py-build-cmake\n";

/// Left in a build dir once its outputs are installed into the editable
/// tree; the build hook reinstalls when it is missing.
pub const INSTALLED_STAMP: &str = "py-build-cmake-editable.stamp";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{pyproject}: editable.mode = 'wrapper' needs a package (a directory with __init__.py), \
         but module '{module}' is the single file {}; set \
         [tool.py-build-cmake.editable] mode = 'symlink' or 'hook'",
        file.display()
    )]
    WrapperNeedsPackage {
        pyproject: PathBuf,
        module: String,
        file: PathBuf,
    },
    #[error("cannot resolve {path}")]
    Resolve {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Archive(#[from] crate::archive::Error),
    #[error(transparent)]
    Module(#[from] crate::module_source::Error),
}

/// What an editable wheel is made of.
pub struct Layout<'a> {
    pub config: &'a Config,
    pub source: &'a ModuleSource,
    /// Where CMake installed the build outputs: the symlink tree, or a
    /// directory whose files the wheel gets copies of.
    pub installed: &'a Path,
    /// The steps that bring `installed` up to date (the build hook's).
    pub rebuilds: &'a [Rebuild],
}

/// Refuses what the configured mode cannot do with this module, before
/// anything is built.
pub fn check(config: &Config, source: &ModuleSource) -> Result<(), Error> {
    if let (EditableMode::Wrapper, ModuleSource::File(file)) = (config.editable.mode, source) {
        return Err(Error::WrapperNeedsPackage {
            pyproject: config.pyproject.clone(),
            module: config.module.name.clone(),
            file: file.clone(),
        });
    }
    Ok(())
}

/// Fills the empty directory `tree` with one symlink per source file of the
/// module (absolute, so the tree can be anywhere): an edited file is live,
/// and CMake installs the build outputs beside them.
pub fn link_sources(config: &Config, source: &ModuleSource, tree: &Path) -> Result<(), Error> {
    let (files, _) = source.wheel_files(&config.module.name, &config.project_dir)?;
    let mut writer = DirWriter::new(tree);
    for file in files {
        let target = std::path::absolute(&file.source).map_err(|source| Error::Resolve {
            path: file.source.clone(),
            source,
        })?;
        writer.add(Entry {
            path: file.relative,
            content: Content::Symlink(target),
            mode: Mode::from_executable(file.executable),
        })?;
    }
    Ok(())
}

/// Writes the editable wheel's contents into the empty directory `staging`.
pub fn stage(layout: &Layout<'_>, staging: &Path) -> Result<(), Error> {
    let config = layout.config;
    let module = &config.module.name;
    let stem = module.replace('.', "_");
    let package_init = format!("{}/__init__.py", module.replace('.', "/"));
    let mut writer = DirWriter::new(staging);
    // Absolute paths: a `.pth` line relative to site-packages would be
    // wrong, and the hooks run from anywhere.
    let mut pth = Vec::new();
    if config.editable.mode == EditableMode::Symlink {
        pth.push(path_text(layout.installed));
    } else {
        // The build outputs; in wrapper mode the package's __init__.py is
        // the wrapper's.
        let installed =
            archive::walk(layout.installed, "", &Filter::default(), Symlinks::Confined)?;
        writer.add_walked(
            installed
                .into_iter()
                .filter(|f| {
                    config.editable.mode != EditableMode::Wrapper || f.relative != package_init
                })
                .collect(),
        )?;
        pth.extend(source_parent(layout.source, module).map(|dir| path_text(&dir)));
    }
    match (config.editable.mode, layout.source) {
        (EditableMode::Symlink, _) if config.editable.build_hook && !layout.rebuilds.is_empty() => {
            let hook = format!("{stem}_build_hook");
            let settings = BuildHookSettings {
                package: module,
                configs: layout.rebuilds.iter().map(RebuildSettings::from).collect(),
            };
            writer.add(Entry::bytes(
                format!("{hook}/__init__.py"),
                render(BUILD_HOOK, &settings).into_bytes(),
            ))?;
            pth.push(format!("import {hook}"));
        }
        (EditableMode::Hook, ModuleSource::Package(dir)) => {
            let hook = format!("{stem}_editable_hook");
            let settings = ImportHookSettings {
                package: module,
                source: path_text(dir),
            };
            writer.add(Entry::bytes(
                format!("{hook}/__init__.py"),
                render(IMPORT_HOOK, &settings).into_bytes(),
            ))?;
            pth.push(format!("import {hook}"));
        }
        (EditableMode::Wrapper, ModuleSource::Package(dir)) => {
            let settings = WrapperSettings {
                source: path_text(dir),
            };
            writer.add(Entry::bytes(
                package_init,
                render(WRAPPER, &settings).into_bytes(),
            ))?;
        }
        _ => {}
    }
    if !pth.is_empty() {
        let text: String = pth.iter().map(|line| format!("{line}\n")).collect();
        writer.add(Entry::bytes(format!("{stem}.pth"), text.into_bytes()))?;
    }
    Ok(())
}

/// What build_hook.py needs to know.
#[derive(Serialize)]
struct BuildHookSettings<'a> {
    package: &'a str,
    configs: Vec<RebuildSettings>,
}

#[derive(Serialize)]
struct RebuildSettings {
    source_dir: String,
    build_dir: String,
    /// Where `install` installs: the editable tree.
    prefix: String,
    stamp: String,
    build: Vec<Vec<String>>,
    install: Vec<Vec<String>>,
    env: std::collections::BTreeMap<String, String>,
}

impl From<&Rebuild> for RebuildSettings {
    fn from(rebuild: &Rebuild) -> Self {
        let args = |list: &[Vec<std::ffi::OsString>]| {
            list.iter()
                .map(|args| {
                    args.iter()
                        .map(|a| a.to_string_lossy().into_owned())
                        .collect()
                })
                .collect()
        };
        RebuildSettings {
            source_dir: path_text(&rebuild.source_dir),
            build_dir: path_text(&rebuild.build_dir),
            prefix: path_text(&rebuild.prefix),
            stamp: path_text(&rebuild.build_dir.join(INSTALLED_STAMP)),
            build: args(&rebuild.build),
            install: args(&rebuild.install),
            env: rebuild.env.clone(),
        }
    }
}

#[derive(Serialize)]
struct ImportHookSettings<'a> {
    package: &'a str,
    source: String,
}

#[derive(Serialize)]
struct WrapperSettings {
    source: String,
}

/// The template with its settings line replaced by the settings as a
/// Python literal: JSON without true/false/null is one, and costs no
/// `import json` at every interpreter start.
fn render(template: &str, settings: &impl Serialize) -> String {
    let literal = serde_json::to_string(settings).expect("strings, lists and maps serialize");
    template.replacen(SETTINGS_LINE, &format!("_SETTINGS: dict = {literal}\n"), 1)
}

/// The directory that holds the module's top-level package: what `.pth`
/// puts on sys.path for the sources (and for IDEs).
fn source_parent(source: &ModuleSource, module: &str) -> Option<PathBuf> {
    let mut dir = source.path()?.to_path_buf();
    for _ in 0..module.split('.').count() {
        dir = dir.parent()?.to_path_buf();
    }
    std::path::absolute(dir).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_become_a_python_literal_in_place_of_the_marker() {
        let settings = ImportHookSettings {
            package: "pkg",
            source: "/src/\"quoted\"\\pkg".into(),
        };
        let text = render(IMPORT_HOOK, &settings);
        assert!(!text.contains(SETTINGS_LINE));
        assert!(
            text.contains(r#"_SETTINGS: dict = {"package":"pkg","source":"/src/\"quoted\"\\pkg"}"#)
        );
        for template in [BUILD_HOOK, IMPORT_HOOK, WRAPPER] {
            assert_eq!(template.matches(SETTINGS_LINE).count(), 1);
        }
    }

    /// The files `stage` writes for `mode`, with the .pth lines.
    fn staged(mode: EditableMode, build_hook: bool) -> (Vec<String>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let package = dir.path().join("src/pkg");
        std::fs::create_dir_all(&package).unwrap();
        std::fs::write(package.join("__init__.py"), "").unwrap();
        let installed = dir.path().join("installed");
        std::fs::create_dir_all(installed.join("pkg")).unwrap();
        std::fs::write(installed.join("pkg/_core.so"), "").unwrap();
        let mut config = crate::test_support::config(false);
        config.editable.mode = mode;
        config.editable.build_hook = build_hook;
        let rebuild = Rebuild {
            source_dir: dir.path().to_path_buf(),
            build_dir: dir.path().join("build"),
            prefix: installed.clone(),
            build: vec![vec!["--build".into(), "build".into()]],
            install: Vec::new(),
            env: Default::default(),
        };
        let staging = dir.path().join("staging");
        let layout = Layout {
            config: &config,
            source: &ModuleSource::Package(package.clone()),
            installed: &installed,
            rebuilds: &[rebuild],
        };
        stage(&layout, &staging).unwrap();
        let mut files: Vec<String> = walkdir(&staging)
            .iter()
            .map(|p| {
                p.strip_prefix(&staging)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        files.sort();
        let pth = std::fs::read_to_string(staging.join("pkg.pth")).unwrap();
        let root = dir.path().to_string_lossy().into_owned();
        let lines = pth.lines().map(|l| l.replace(&root, "<tmp>")).collect();
        (files, lines)
    }

    fn walkdir(dir: &Path) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                found.extend(walkdir(&path));
            } else {
                found.push(path);
            }
        }
        found
    }

    #[test]
    fn each_mode_stages_its_layout() {
        assert_eq!(
            staged(EditableMode::Symlink, false),
            (vec!["pkg.pth".into()], vec!["<tmp>/installed".into()])
        );
        assert_eq!(
            staged(EditableMode::Symlink, true),
            (
                vec!["pkg.pth".into(), "pkg_build_hook/__init__.py".into()],
                vec!["<tmp>/installed".into(), "import pkg_build_hook".into()]
            )
        );
        assert_eq!(
            staged(EditableMode::Hook, false),
            (
                vec![
                    "pkg.pth".into(),
                    "pkg/_core.so".into(),
                    "pkg_editable_hook/__init__.py".into()
                ],
                vec!["<tmp>/src".into(), "import pkg_editable_hook".into()]
            )
        );
        assert_eq!(
            staged(EditableMode::Wrapper, false),
            (
                vec![
                    "pkg.pth".into(),
                    "pkg/__init__.py".into(),
                    "pkg/_core.so".into()
                ],
                vec!["<tmp>/src".into()]
            )
        );
    }

    #[test]
    fn the_source_parent_is_above_every_level_of_a_dotted_name() {
        let source = ModuleSource::Package(PathBuf::from("/p/src/ns/pkg"));
        assert_eq!(
            source_parent(&source, "ns.pkg"),
            Some(PathBuf::from("/p/src"))
        );
        let file = ModuleSource::File(PathBuf::from("/p/single.py"));
        assert_eq!(source_parent(&file, "single"), Some(PathBuf::from("/p")));
        assert_eq!(source_parent(&ModuleSource::Generated, "gen"), None);
    }
}
