//! What a project's persistent build tree calls back must outlive the build
//! that configured it: pip deletes an isolated build env, but the tree stays
//! for the next build, regular or editable, and for the editable install's
//! build hook, whose rebuilds may reconfigure it. So every driven configure
//! of the tree points it at copies in `<project>/.py-build-cmake_cache/pybuildcmake`
//! (the helper, its CMake package, the build env's pybind11 / nanobind):
//! whichever build configured the shared tree last, it names files that stay.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::archive::{self, Filter, Symlinks};
use crate::config::model::Config;
use crate::fs_atomic;

use super::Error;

/// The build requirements whose CMake packages find_package(PyBuildCmake)
/// points the project at (pybind11_ROOT, nanobind_ROOT).
const HINTED_PACKAGES: [&str; 2] = ["pybind11", "nanobind"];

/// What a driven configure points the build tree at.
pub struct Tools {
    pub helper: PathBuf,
    /// The helper's CMake package dir.
    pub package_dir: PathBuf,
    /// Where the build finds the hinted packages (PY_BUILD_CMAKE_BUILD_SITE_PACKAGES).
    pub site_packages: Vec<PathBuf>,
}

/// What the driver of `config` points the build at, given the build env's
/// `site_packages` (the backend's): the copies, installed now, when it
/// configures the project's trees; as they are when there is no tree (a pure
/// Python project) or it only builds existing ones (a component project).
pub fn for_driver(config: &Config, site_packages: &[PathBuf]) -> Result<Tools, Error> {
    if config.cmake.is_empty() || config.component.is_some() {
        return running(site_packages);
    }
    install(&config.project_dir, site_packages)
}

/// Installs the copies for the trees of the project in `project_dir`.
fn install(project_dir: &Path, site_packages: &[PathBuf]) -> Result<Tools, Error> {
    let dir = project_dir
        .join(crate::layout::PROJECT_CACHE_DIR)
        .join("pybuildcmake");
    let (helper, package_dir) = super::install::install(&dir)?;
    let site_packages = mirror_hinted_packages(site_packages, &dir.join("site-packages"))?;
    Ok(Tools {
        helper,
        package_dir,
        site_packages,
    })
}

/// This helper, its package and the build env as they are: for a build that
/// configures no tree the driver made.
pub fn running(site_packages: &[PathBuf]) -> Result<Tools, Error> {
    let (helper, package_dir) = super::this_helper()?;
    Ok(Tools {
        helper,
        package_dir,
        site_packages: site_packages.to_vec(),
    })
}

/// Mirrors the hinted packages of the build env's `site_packages` into
/// `dest` and returns the dirs the build should use instead (the build
/// includes their headers, and the tree's rebuilds still will). A file that
/// holds the same bytes keeps its timestamp, so nothing recompiles for it.
fn mirror_hinted_packages(site_packages: &[PathBuf], dest: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut mirrored = false;
    for name in HINTED_PACKAGES {
        let target = dest.join(name);
        let io = |path: &Path| {
            let context = format!("while copying {} to {}", path.display(), target.display());
            move |source| Error::Io { context, source }
        };
        let Some(source) = site_packages
            .iter()
            .map(|s| s.join(name))
            .find(|p| p.is_dir())
        else {
            // A package this build env lacks must not be found in the copy
            // an earlier build left (nor through the cached <name>_DIR).
            if target.exists() {
                std::fs::remove_dir_all(&target).map_err(|source| Error::Io {
                    context: format!("while removing the stale copy {}", target.display()),
                    source,
                })?;
            }
            continue;
        };
        let walk = |dir: &Path| archive::walk(dir, "", &Filter::default(), Symlinks::Follow);
        let mut wanted = BTreeSet::new();
        for file in walk(&source)? {
            let bytes = std::fs::read(&file.source).map_err(io(&file.source))?;
            fs_atomic::write_if_changed(&target.join(&file.relative), &bytes, file.executable)
                .map_err(io(&file.source))?;
            wanted.insert(file.relative);
        }
        if target.is_dir() {
            for stale in walk(&target)? {
                if !wanted.contains(&stale.relative) {
                    std::fs::remove_file(&stale.path).map_err(io(&stale.path))?;
                }
            }
        }
        mirrored = true;
    }
    Ok(if mirrored {
        vec![dest.to_path_buf()]
    } else {
        site_packages.to_vec()
    })
}
