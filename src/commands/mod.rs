//! One file per subcommand; each turns parsed arguments into calls on the
//! library modules and prints the result.

mod cmake_vars;
mod config;
mod cross_toolchain;
mod install;
mod presets;
mod python_target;
mod sdist;
mod wheel;

use crate::cli::{Cli, Command};

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
    #[error("{0}")]
    Usage(String),
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
        Command::PythonTarget(args) => python_target::run(args),
        Command::Sdist(args) => sdist::run(args),
        Command::CrossToolchain(args) => cross_toolchain::run(args),
    }
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
