//! `py-build-cmake pep517 <hook>`: the work behind each hook of the Python
//! build backend `pybuildcmake.build`. Each prints its answer as the last
//! line of stdout; errors go to stderr as for every command.

use std::path::{Path, PathBuf};

use crate::archive::{ArchiveWriter, DirWriter};
use crate::cli::{BuildWheelArgs, ConfigInputs, Hook, HookInputs, Pep517Command};
use crate::config::model::Config;
use crate::pep517::{self, Settings};
use crate::temp_files;
use crate::wheel;

use super::Error;

pub fn run(command: Pep517Command) -> Result<(), Error> {
    match command {
        Pep517Command::GetRequires(args) => {
            let requires = match args.hook {
                Hook::Sdist => Vec::new(),
                Hook::Wheel | Hook::Editable => {
                    let (_, config, _) = load(&args.inputs)?;
                    let python = args
                        .inputs
                        .python
                        .unwrap_or_else(crate::python_target::default_interpreter);
                    pep517::wheel_requires(&config, &python)
                }
            };
            super::print_line(serde_json::Value::from(requires))?;
        }
        Pep517Command::PrepareMetadata(args) => {
            let (_, config, _) = load(&args.inputs)?;
            super::print_line(write_dist_info(&config, &args.metadata_directory)?)?;
        }
        Pep517Command::BuildWheel(args) => build(args, super::build::build_wheel)?,
        Pep517Command::BuildEditable(args) => build(args, super::editable::build_editable)?,
        Pep517Command::BuildSdist(args) => {
            let (_, config, _) = load(&args.inputs)?;
            let sdist = super::sdist::write(&config, &args.sdist_directory)?;
            super::print_line(file_name(&sdist))?;
        }
    }
    Ok(())
}

/// [`super::build::build_wheel`] or [`super::editable::build_editable`].
type BuildFn = fn(super::build::BuildRequest<'_>) -> Result<PathBuf, Error>;

/// Runs a build hook and prints the wheel's file name.
fn build(args: BuildWheelArgs, build: BuildFn) -> Result<(), Error> {
    let (project_dir, config, settings) = load(&args.inputs)?;
    let wheel = build(super::build::BuildRequest {
        config: &config,
        project_dir: &project_dir,
        python: args.inputs.python,
        sources: &settings.sources,
        site_packages: &args.inputs.site_packages,
        out_dir: &args.wheel_directory,
        verbose: settings.verbose,
    })?;
    super::print_line(file_name(&wheel))
}

/// The configuration the frontend's config settings select (for a component
/// project, its main project's with its own metadata), and the directory of
/// the project being packed.
fn load(inputs: &HookInputs) -> Result<(PathBuf, Config, Settings), Error> {
    let project_dir = super::absolute(&inputs.project)?;
    let env_verbose = std::env::var("PY_BUILD_CMAKE_VERBOSE").ok();
    let settings = Settings::parse(
        &inputs.config_settings,
        &project_dir,
        env_verbose.as_deref(),
    )?;
    let (project_dir, config) = super::load_for_packing(&ConfigInputs {
        project: project_dir,
        sources: settings.sources.clone(),
    })?;
    Ok((project_dir, config, settings))
}

/// Writes `<dist>-<version>.dist-info` into `directory` (complete or not at
/// all: it is assembled beside and renamed) and returns its name.
fn write_dist_info(config: &Config, directory: &Path) -> Result<String, Error> {
    let name = wheel::dist_info_name(&config.project);
    let entries = wheel::dist_info_entries(&config.project)?;
    let dest = directory.join(&name);
    let tmp = temp_files::temp_sibling(&dest);
    let io = |source| Error::Io {
        context: format!("while writing {}", dest.display()),
        source,
    };
    let mut writer = DirWriter::new(&tmp);
    let written = entries
        .into_iter()
        .try_for_each(|entry| writer.add(entry))
        .map_err(wheel::Error::from);
    let result = written.map_err(Error::from).and_then(|()| {
        if dest.exists() {
            std::fs::remove_dir_all(&dest).map_err(io)?;
        }
        std::fs::rename(&tmp, &dest).map_err(io)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result?;
    Ok(name)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}
