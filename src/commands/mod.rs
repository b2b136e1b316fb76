//! One file per subcommand; each turns parsed arguments into calls on the
//! library modules and prints the result.

mod cmake_vars;
mod config;
mod cross_toolchain;
mod install;
mod presets;
mod python_target;
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
    CmakeOutput(#[from] crate::cmake_output::Error),
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
        Command::CrossToolchain(args) => cross_toolchain::run(args),
    }
}
