//! The editable wheel (PEP 660) of the backend's build_editable: the driver
//! configures, builds and installs into the editable tree (or a directory
//! whose files the wheel copies), then `editable` lays out the wheel.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::cli::OverrideSources;
use crate::config::model::{Config, EditableMode};
use crate::driver::Driver;
use crate::editable::{self, Layout};
use crate::fs_atomic;
use crate::module_source;
use crate::tags::TagOverrides;

use super::Error;

/// Builds `config`'s editable wheel into `out_dir` and returns its path;
/// the arguments are as for [`super::build::build_wheel`].
pub fn build_editable(
    config: &Config,
    project_dir: &Path,
    python: Option<PathBuf>,
    sources: &OverrideSources,
    site_packages: &[PathBuf],
    out_dir: &Path,
    verbose: bool,
) -> Result<PathBuf, Error> {
    if config.component.is_some() {
        return Err(Error::Usage(format!(
            "{} is a component project ([tool.py-build-cmake] main_project): it has no \
             editable install; install the main project with `pip install -e` instead",
            config.pyproject.display()
        )));
    }
    let target = super::resolve_target(config, python)?;
    if target.cross {
        return Err(Error::Usage(format!(
            "an editable install imports the build in the interpreter that runs it, but {} \
             cross-compiles (a cross section, py-build-cmake.cross.toml, --cross, ARCHFLAGS or \
             DIST_EXTRA_CONFIG); build a wheel instead, or install without the cross config",
            config.pyproject.display()
        )));
    }
    let source = module_source::find(config)?;
    editable::check(config, &source)?;

    let cache = project_dir.join(".py-build-cmake_cache");
    // The build tree outlives this build's environment (pip deletes an
    // isolated one): it must call back a helper and CMake package that stay.
    let (helper, package_dir) = super::install::install(&cache.join("pybuildcmake"))?;
    let build_config = target.build_config();
    let driver = Driver {
        config,
        target: &target,
        package_dir: &package_dir,
        local: &sources.local,
        cross: &sources.cross,
        overrides: &sources.overrides,
        cmake_program: std::env::var_os("CMAKE").unwrap_or_else(|| OsString::from("cmake")),
        helper: &helper,
        site_packages,
        verbose,
    };
    let installed = cache.join(match config.editable.mode {
        EditableMode::Symlink => format!("{build_config}-editable"),
        _ => format!("{build_config}-editable-install"),
    });
    fresh_dir(&installed)?;
    if config.editable.mode == EditableMode::Symlink {
        editable::link_sources(config, &source, &installed)?;
    }
    let stamps: Vec<PathBuf> = config
        .cmake
        .iter()
        .map(|cmake| driver.build_dir(cmake).join(editable::INSTALLED_STAMP))
        .collect();
    for stamp in &stamps {
        remove_file(stamp)?;
    }
    let rebuilds = driver.install_into(&installed)?;
    for stamp in &stamps {
        fs_atomic::write(stamp, b"", false).map_err(|source| Error::Io {
            context: format!("while writing {}", stamp.display()),
            source,
        })?;
    }

    let staging = cache.join(format!("{build_config}-editable-wheel"));
    fresh_dir(&staging)?;
    editable::stage(
        &Layout {
            config,
            source: &source,
            installed: &installed,
            rebuilds: &rebuilds,
        },
        &staging,
    )?;
    super::pack(
        config,
        Some(&target),
        TagOverrides::default(),
        &staging,
        out_dir,
        None,
    )
}

fn fresh_dir(path: &Path) -> Result<(), Error> {
    let io = |source| Error::Io {
        context: format!("while emptying {}", path.display()),
        source,
    };
    fs_atomic::remove_tree(path).map_err(io)?;
    std::fs::create_dir_all(path).map_err(io)
}

fn remove_file(path: &Path) -> Result<(), Error> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Io {
            context: format!("while removing {}", path.display()),
            source: e,
        }),
        _ => Ok(()),
    }
}
