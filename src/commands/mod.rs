//! One file per subcommand; each turns parsed arguments into calls on the
//! library modules and prints the result.

mod build;
mod cmake_vars;
mod config;
mod cross_toolchain;
mod install;
mod presets;
mod python_target;
mod sdist;
mod wheel;

use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command, ConfigInputs, OverrideSources};
use crate::config::model::{Config, Os};
use crate::config::LoadRequest;
use crate::python_target::PythonTarget;
use crate::tags::{self, TagOverrides, WheelTags};
use crate::wheel::PackRequest;

/// Errors of the command layer: each wraps the error of the layer it called.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] crate::config::Error),
    #[error(transparent)]
    Project(#[from] crate::project::Error),
    #[error(transparent)]
    Python(#[from] crate::python_target::Error),
    #[error(transparent)]
    Tags(#[from] crate::tags::Error),
    #[error(transparent)]
    Wheel(#[from] crate::wheel::Error),
    #[error(transparent)]
    Module(#[from] crate::module_source::Error),
    #[error(transparent)]
    Sdist(#[from] crate::sdist::Error),
    #[error(transparent)]
    Presets(#[from] crate::presets::Error),
    #[error("while writing the cross toolchain script: {0}")]
    CrossToolchain(#[from] crate::cross_toolchain::Error),
    #[error(transparent)]
    Driver(#[from] crate::driver::Error),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write to standard output")]
    Stdout(#[source] std::io::Error),
    #[error("{context}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Config(args) => config::run(args),
        Command::Wheel(args) => wheel::run(args),
        Command::CmakeVars(args) => cmake_vars::run(args),
        Command::Install(args) => install::run(args),
        Command::Presets(args) => presets::run(args),
        Command::Build(args) => build::run(args),
        Command::PythonTarget(args) => python_target::run(args),
        Command::Sdist(args) => sdist::run(args),
        Command::CrossToolchain(args) => cross_toolchain::run(args),
    }
}

/// Writes `text` to stdout and flushes it; a closed or full stdout is an
/// error, never a panic (main ends quietly on a closed pipe).
fn print_out(text: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::Stdout)
}

/// [`print_out`] of `value` and a newline.
fn print_line(value: impl std::fmt::Display) -> Result<(), Error> {
    print_out(&format!("{value}\n"))
}

impl Error {
    /// Whether the reader of stdout went away (`... | head -1`): the
    /// output is no longer wanted, which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Stdout(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// The configuration the inputs select for `os`'s section.
fn load_config(inputs: &ConfigInputs, os: Os) -> Result<Config, Error> {
    let sources = inputs.sources.clone();
    Ok(crate::config::load(&LoadRequest {
        project_dir: inputs.project.clone(),
        local: sources.local,
        cross: sources.cross,
        overrides: sources.overrides,
        os,
    })?)
}

/// The inputs with absolute paths, for commands that hand them on to CMake,
/// which runs elsewhere.
fn absolute_inputs(inputs: ConfigInputs) -> Result<ConfigInputs, Error> {
    let all = |paths: &[PathBuf]| {
        paths
            .iter()
            .map(|p| absolute(p))
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(ConfigInputs {
        project: absolute(&inputs.project)?,
        sources: OverrideSources {
            local: all(&inputs.sources.local)?,
            cross: all(&inputs.sources.cross)?,
            overrides: inputs.sources.overrides,
        },
    })
}

fn absolute(path: &Path) -> Result<PathBuf, Error> {
    std::path::absolute(path).map_err(|source| Error::Io {
        context: format!("cannot resolve the path {}", path.display()),
        source,
    })
}

/// This helper's CMake package (PyBuildCmakeConfig.cmake, the wrapper
/// toolchain), for commands that point CMake at it.
fn package_dir() -> Result<PathBuf, Error> {
    crate::layout::cmake_package_dir().ok_or_else(|| {
        Error::Usage(
            "cannot find this helper's CMake package (PyBuildCmakeConfig.cmake) next to the \
             binary; install both with `py-build-cmake install --prefix DIR`"
                .into(),
        )
    })
}

/// The Python a build targets: the cross config's when cross-compiling,
/// else `python` or the default interpreter.
fn resolve_target(config: &Config, python: Option<PathBuf>) -> Result<PythonTarget, Error> {
    Ok(match &config.cross {
        Some(spec) => crate::python_target::resolve_cross(spec, spec.os.unwrap_or(config.os))?,
        None => {
            let interpreter = python.unwrap_or_else(crate::python_target::default_interpreter);
            crate::python_target::resolve_native(&interpreter)?
        }
    })
}

/// Packs `staging` into a wheel in `out_dir` with the tags `config` and
/// `target` give (a pure package ignores the target), and returns its path.
fn pack(
    config: &Config,
    target: Option<&PythonTarget>,
    overrides: TagOverrides,
    staging: &Path,
    out_dir: &Path,
    jobs: Option<usize>,
) -> Result<PathBuf, Error> {
    let jobs = match jobs {
        Some(0) => return Err(Error::Usage("--jobs must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let pure = tags::is_pure(config);
    let target = target.filter(|_| !pure);
    let tags = WheelTags::compute(config, target, &overrides)?;
    Ok(crate::wheel::pack(PackRequest {
        project: &config.project,
        tags,
        pure,
        staging,
        out_dir,
        jobs,
        timestamp: source_date_epoch()?,
        fallback_platform: target.map(|t| t.platform_tag.clone()),
    })?)
}

/// Entry timestamp without SOURCE_DATE_EPOCH: the earliest zip can hold, so
/// that two builds give the same bytes by default.
const DEFAULT_EPOCH: u64 = 315_532_800;

/// SOURCE_DATE_EPOCH (clamped to what zip can hold by the writer), else
/// DEFAULT_EPOCH.
pub fn source_date_epoch() -> Result<u64, Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) if !value.trim().is_empty() => value.trim().parse().map_err(|_| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH={value:?} is not a number of seconds since 1970; \
                 unset it or set it to e.g. 1700000000"
            ))
        }),
        _ => Ok(DEFAULT_EPOCH),
    }
}
