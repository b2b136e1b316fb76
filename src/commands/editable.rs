//! Editable installs (PEP 660), two ways in: the backend's build_editable
//! (the driver configures, builds and installs the persistent tree), and
//! `py-build-cmake editable`, which the CMake `editable` target runs after
//! building: it installs that build tree and pip-installs the editable wheel
//! into the target interpreter's environment. `editable` lays out the wheel.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cli::{BundleArgs, EditableArgs};
use crate::config::model::{Config, EditableMode};
use crate::driver::Rebuild;
use crate::editable::{self, Layout};
use crate::fs_atomic;
use crate::module_source::ModuleSource;
use crate::python_target::PythonTarget;
use crate::stage;
use crate::tags::TagOverrides;

use super::build::BuildRequest;
use super::Error;

/// Builds the editable wheel into the request's out dir and returns its path.
pub fn build_editable(request: BuildRequest<'_>) -> Result<PathBuf, Error> {
    let config = request.config;
    let start = Start::new(config, request.project_dir, request.python)?;
    let tools = super::persistent::for_driver(config, request.site_packages)?;
    let driver = super::build::driver(
        config,
        &start.target,
        &tools,
        request.sources,
        request.verbose,
    );
    let build_dirs: Vec<PathBuf> = config.cmake.iter().map(|c| driver.build_dir(c)).collect();
    let _locks = super::build::lock_trees(build_dirs.iter().cloned())?;
    let rebuilds = start.install(build_dirs, |tree| Ok(driver.install_into(tree)?))?;
    start.pack(&rebuilds, request.out_dir)
}

/// `py-build-cmake editable`: the CMake `editable` target's step.
pub fn run(args: EditableArgs) -> Result<(), Error> {
    let inputs = super::absolute_inputs(args.inputs)?;
    let (project_dir, config) = super::load_for_packing(&inputs)?;
    let python = args.python;
    let start = Start::new(&config, &project_dir, python)?;
    let Some(first) = config.cmake.first() else {
        return Err(Error::Usage(format!(
            "{} has no [tool.py-build-cmake.cmake] section, so there is no CMake build to \
             install; use `pip install -e {}`",
            config.pyproject.display(),
            project_dir.display()
        )));
    };
    // What the `wheel` target installs, from the tree CMake just built.
    let loop_args = args.install;
    let mut cmake = first.clone();
    cmake.install_config = loop_args
        .config
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect();
    cmake.config.clone_from(&cmake.install_config);
    cmake.install_components = loop_args.component;
    cmake.install_args = loop_args.install_arg;
    // The tree is the user's, configured by CMake: the driver only installs it.
    let tools = super::persistent::running(&[])?;
    let mut driver = super::build::driver(&config, &start.target, &tools, &inputs.sources, true);
    // The CMake that configured the tree installs it.
    driver.cmake_program = loop_args.cmake.into_os_string();
    let build_dir = super::absolute(&loop_args.build_dir)?;
    let rebuilds = start.install(vec![build_dir.clone()], |tree| {
        Ok(vec![driver.install(&cmake, build_dir.clone(), tree)?])
    })?;
    let out_dir = build_dir.join("py-build-cmake").join("editable-dist");
    stage::fresh_dir(&out_dir)?;
    let wheel = start.pack(&rebuilds, &out_dir)?;
    pip_install(&start.target, &wheel)?;
    super::print_line(format_args!(
        "installed {} editable into {}",
        config.project.name,
        start
            .target
            .interpreter
            .as_deref()
            .unwrap_or(Path::new("?"))
            .display()
    ))?;
    Ok(())
}

/// Before a regular build of the persistent trees in `build_dirs`, which
/// an editable install may share: that build may rebuild outputs the
/// editable tree holds older copies of, and the build hook, finding nothing
/// left to build, would not reinstall them. Without the stamp it does.
pub(super) fn forget_installed(build_dirs: impl IntoIterator<Item = PathBuf>) -> Result<(), Error> {
    for dir in build_dirs {
        remove_file(&dir.join(editable::INSTALLED_STAMP))?;
    }
    Ok(())
}

/// What both ways share: the checked inputs and where the pieces go.
struct Start<'a> {
    config: &'a Config,
    target: PythonTarget,
    source: ModuleSource,
    cache: PathBuf,
}

impl<'a> Start<'a> {
    /// Refuses what has no editable install, before anything is built.
    fn new(config: &'a Config, project_dir: &Path, python: Option<PathBuf>) -> Result<Self, Error> {
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
                 cross-compiles (a cross section, py-build-cmake.cross.toml, --cross, ARCHFLAGS \
                 or DIST_EXTRA_CONFIG); build a wheel instead, or drop the cross config",
                config.pyproject.display()
            )));
        }
        let source = config.module.source()?;
        editable::check(config, &source)?;
        Ok(Start {
            config,
            target,
            source,
            cache: project_dir.join(crate::layout::PROJECT_CACHE_DIR),
        })
    }

    /// Prepares the directory CMake installs into (the symlink tree, or one
    /// whose files the wheel copies), runs `install` into it, and marks each
    /// build dir of `build_dirs` as installed only once that succeeded.
    fn install(
        &self,
        build_dirs: Vec<PathBuf>,
        install: impl FnOnce(&Path) -> Result<Vec<Rebuild>, Error>,
    ) -> Result<Vec<Rebuild>, Error> {
        let tree = self.installed();
        stage::fresh_dir(&tree)?;
        if self.config.editable.mode == EditableMode::Symlink {
            editable::link_sources(self.config, &self.source, &tree)?;
        }
        let stamps: Vec<PathBuf> = build_dirs
            .iter()
            .map(|dir| dir.join(editable::INSTALLED_STAMP))
            .collect();
        for stamp in &stamps {
            remove_file(stamp)?;
        }
        let rebuilds = install(&tree)?;
        for stamp in &stamps {
            fs_atomic::write(stamp, b"", false).map_err(|source| Error::Io {
                context: format!("while writing {}", stamp.display()),
                source,
            })?;
        }
        Ok(rebuilds)
    }

    fn installed(&self) -> PathBuf {
        let build_config = self.target.build_config();
        self.cache.join(match self.config.editable.mode {
            EditableMode::Symlink => format!("{build_config}-editable"),
            _ => format!("{build_config}-editable-install"),
        })
    }

    /// Lays out and packs the editable wheel into `out_dir`.
    fn pack(&self, rebuilds: &[Rebuild], out_dir: &Path) -> Result<PathBuf, Error> {
        let staging = self
            .cache
            .join(format!("{}-editable-wheel", self.target.build_config()));
        stage::fresh_dir(&staging)?;
        let layout = Layout {
            config: self.config,
            source: &self.source,
            installed: &self.installed(),
            rebuilds,
        };
        editable::stage(&layout, &staging)?;
        super::pack(
            self.config,
            Some(&self.target),
            TagOverrides::default(),
            &staging,
            out_dir,
            None,
            // The build outputs load their libraries from where the build
            // tree's RUNPATH says, as in the build tree.
            &BundleArgs {
                no_bundle_libs: true,
                ..BundleArgs::default()
            },
        )
    }
}

/// `python -m pip install` of the editable wheel into the target's environment.
fn pip_install(target: &PythonTarget, wheel: &Path) -> Result<(), Error> {
    let python = target
        .interpreter
        .as_deref()
        .unwrap_or(Path::new("python3"));
    let mut command = Command::new(python);
    command.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--force-reinstall",
    ]);
    command.arg(wheel);
    let shown = format!(
        "{} -m pip install --no-deps --force-reinstall {}",
        python.display(),
        wheel.display()
    );
    let status = command.status().map_err(|source| Error::Io {
        context: format!("cannot run `{shown}`"),
        source,
    })?;
    if !status.success() {
        return Err(Error::Usage(format!(
            "`{shown}` failed; the environment of {} needs pip (`{} -m ensurepip`)",
            python.display(),
            python.display()
        )));
    }
    Ok(())
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
