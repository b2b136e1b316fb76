//! `py-build-cmake`: the helper that CMake calls to resolve a py-build-cmake
//! configuration, describe the target Python and pack wheels.

mod archive;
mod build_lock;
mod bundle;
mod cli;
mod cmake_cache;
#[cfg(test)]
mod cmake_contract;
mod cmake_list;
mod cmake_output;
mod commands;
mod config;
mod cross_toolchain;
mod driver;
mod editable;
mod elf;
#[cfg(test)]
mod error_chain;
mod fs_atomic;
mod input_file;
mod install_inputs;
mod layout;
mod manylinux;
mod metadata;
#[cfg(test)]
mod module_layers;
mod module_source;
mod names;
mod override_files;
mod pep517;
mod platform;
mod presets;
mod project;
mod python_target;
mod python_version;
mod real_path;
mod requirement;
mod sdist;
mod stage;
mod stubgen;
mod suggest;
mod tags;
mod temp_files;
#[cfg(test)]
mod test_support;
mod wheel;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // Without the handler an interrupt leaves temp files for the next
    // pack's sweep; not a reason to refuse the work.
    let _ = temp_files::remove_on_signal();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of stdout went away (`| head -1`): like a tool killed by
        // SIGPIPE it stops, but with status 0, since what it was asked to do
        // (write a wheel, resolve a config) is done.
        Err(err) if err.is_broken_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            // A closed or full stderr must not turn the error into a panic.
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "py-build-cmake: error: {err}");
            let mut source = std::error::Error::source(&err);
            while let Some(cause) = source {
                let _ = writeln!(stderr, "  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}
