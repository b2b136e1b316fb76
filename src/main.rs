//! `py-build-cmake`: the helper that CMake calls to resolve a py-build-cmake
//! configuration, describe the target Python and pack wheels.

mod cli;
mod cmake_cache;
mod cmake_output;
mod commands;
mod config;
mod cross_toolchain;
mod driver;
mod fs_atomic;
mod layout;
mod manylinux;
mod metadata;
mod module_source;
mod names;
mod pep517;
mod presets;
mod project;
mod python_target;
mod requirement;
mod sdist;
mod stubgen;
mod tags;
#[cfg(test)]
mod test_support;
mod wheel;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("py-build-cmake: error: {err}");
            let mut source = std::error::Error::source(&err);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}
