//! `py-build-cmake build`: build a project's wheel without a Python build
//! backend: through its `wheel` target when it has one, else the way
//! py-build-cmake does (see `driver`); for a component project, the way its
//! `build_component` backend does.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::cli::{BuildArgs, BundleArgs, OverrideSources};
use crate::cmake_cache::CmakeCache;
use crate::config::model::Config;
use crate::driver::{Driver, Outcome};
use crate::fs_atomic;
use crate::python_target::PythonTarget;
use crate::tags::TagOverrides;

use super::persistent::Tools;
use super::Error;

pub fn run(args: BuildArgs) -> Result<(), Error> {
    let inputs = super::absolute_inputs(args.inputs)?;
    let (project_dir, config) = super::load_for_packing(&inputs)?;
    crate::config::check_backend(&config)?;
    // Before the build, which takes long.
    let out_dir = super::out_dir(args.out_dir, &project_dir)?;
    let path = build_wheel(BuildRequest {
        config: &config,
        project_dir: &project_dir,
        python: args.python,
        sources: &inputs.sources,
        site_packages: &[],
        out_dir: &out_dir,
        verbose: !args.quiet,
    })?;
    super::print_line(path.display())?;
    Ok(())
}

/// What a build of a project's wheel (or editable wheel) needs: `config`
/// (for a component project, its main project's), `project_dir` (the
/// project being packed), the target interpreter, the `--local`, `--cross`
/// and `-o` inputs (absolute; forwarded to find_package(PyBuildCmake) inside
/// the project), the build backend's site-packages, where the wheel goes, and
/// whether every tool's output streams.
pub struct BuildRequest<'a> {
    pub config: &'a Config,
    pub project_dir: &'a Path,
    pub python: Option<PathBuf>,
    pub sources: &'a OverrideSources,
    pub site_packages: &'a [PathBuf],
    pub out_dir: &'a Path,
    pub verbose: bool,
}

/// Builds the wheel in the persistent build tree and puts it into the
/// request's out dir.
pub fn build_wheel(request: BuildRequest<'_>) -> Result<PathBuf, Error> {
    let BuildRequest {
        config,
        project_dir,
        python,
        sources,
        site_packages,
        out_dir,
        verbose,
    } = request;
    let target = super::resolve_target(config, python)?;
    let tools = super::persistent::for_driver(config, site_packages)?;
    let staging = project_dir
        .join(crate::layout::PROJECT_CACHE_DIR)
        .join(format!("{}-staging", target.build_config()));
    let driver = driver(config, &target, &tools, sources, verbose);
    // Held until the wheel is out: another build of this tree (other
    // overrides, the editable build hook) waits instead of mixing in.
    let _locks = lock_trees(config.cmake.iter().map(|c| driver.build_dir(c)))?;
    super::editable::forget_installed(config.cmake.iter().map(|c| driver.build_dir(c)))?;
    let outcome = match &config.component {
        Some(component) => {
            driver.stage_components(&component.components, &staging)?;
            Outcome::Staged
        }
        None => driver.run(&staging)?,
    };
    match outcome {
        Outcome::Wheel(built) => {
            let name = built.file_name().unwrap_or_default();
            let dest = out_dir.join(name);
            let io = |source| Error::Io {
                context: format!("while copying {} to {}", built.display(), out_dir.display()),
                source,
            };
            std::fs::create_dir_all(out_dir).map_err(io)?;
            if dest != built {
                fs_atomic::copy(&built, &dest).map_err(io)?;
            }
            Ok(dest)
        }
        Outcome::Staged => super::pack(
            config,
            Some(&target),
            TagOverrides::default(),
            &staging,
            out_dir,
            None,
            &bundle_args(&driver, config)?,
        ),
    }
}

/// Locks each build tree (`build_lock`), in the configuration's order.
pub(super) fn lock_trees(
    build_dirs: impl Iterator<Item = PathBuf>,
) -> Result<Vec<crate::build_lock::TreeLock>, Error> {
    // A process this build starts (stubgen importing the package) must not
    // run an editable install's build hook, which would wait for this lock.
    // Set before any thread starts.
    std::env::set_var("PY_BUILD_CMAKE_BUILD_HOOK", "1");
    build_dirs
        .map(|dir| {
            crate::build_lock::lock(&dir, |path| {
                eprintln!(
                    "py-build-cmake: waiting for another build of {} (it holds {})",
                    dir.display(),
                    path.display()
                );
            })
            .map_err(|source| Error::Io {
                context: format!("cannot lock the build tree {}", dir.display()),
                source,
            })
        })
        .collect()
}

/// Where the driver's configures told CMake to find libraries
/// (CMAKE_PREFIX_PATH, CMAKE_LIBRARY_PATH and, cross-compiling, CMAKE_SYSROOT
/// and CMAKE_FIND_ROOT_PATH, as cmake.options, args or presets set them in
/// the cache): the bundling search paths the `wheel` target gets from CMake.
fn bundle_args(driver: &Driver<'_>, config: &Config) -> Result<BundleArgs, Error> {
    let mut args = BundleArgs::default();
    for cmake in &config.cmake {
        let cache_file = driver.build_dir(cmake).join("CMakeCache.txt");
        let cache = CmakeCache::read(&cache_file).map_err(crate::driver::Error::from)?;
        let list = |name: &str| -> Vec<PathBuf> {
            cache
                .get(name)
                .unwrap_or_default()
                .split(';')
                .filter(|item| !item.is_empty())
                .map(PathBuf::from)
                .collect()
        };
        args.bundle_prefix.extend(list("CMAKE_PREFIX_PATH"));
        args.bundle_search_dir.extend(list("CMAKE_LIBRARY_PATH"));
        if driver.target.cross {
            args.bundle_sysroot.extend(list("CMAKE_SYSROOT"));
            args.bundle_sysroot.extend(list("CMAKE_FIND_ROOT_PATH"));
        }
    }
    Ok(args)
}

/// The driver of `config` for `target`, pointing the build at `tools`, with
/// CMake from `$CMAKE`, else PATH.
pub(super) fn driver<'a>(
    config: &'a Config,
    target: &'a PythonTarget,
    tools: &'a Tools,
    sources: &'a OverrideSources,
    verbose: bool,
) -> Driver<'a> {
    Driver {
        config,
        target,
        helper: &tools.helper,
        package_dir: &tools.package_dir,
        local: &sources.local,
        cross: &sources.cross,
        overrides: &sources.overrides,
        cmake_program: std::env::var_os("CMAKE").unwrap_or_else(|| OsString::from("cmake")),
        site_packages: &tools.site_packages,
        verbose,
    }
}
