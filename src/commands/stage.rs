//! `py-build-cmake stage`: the wheel target's staging step. A fresh staging
//! tree gets the module's sources and `cmake --install` of each
//! configuration and component (the loop the driver runs too); the files
//! that went into it are listed for the step's depfile.

use std::path::PathBuf;
use std::process::Command;

use crate::cli::StageArgs;
use crate::driver::{self, InstallLoop};
use crate::{install_inputs, module_source};

use super::Error;

pub fn run(args: StageArgs) -> Result<(), Error> {
    let env = args
        .env
        .iter()
        .map(|pair| {
            pair.split_once('=').ok_or_else(|| {
                Error::Usage(format!("--env {pair:?} is not of the form NAME=VALUE"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    driver::fresh_dir(&args.staging)?;
    let mut dependencies: Vec<PathBuf> = Vec::new();
    if !args.no_module {
        let (_, config) = super::load_for_packing(&args.inputs)?;
        dependencies.extend(module_source::stage(&config, &args.staging)?);
    }

    // A single-config generator without CMAKE_BUILD_TYPE builds "".
    let configs: Vec<String> = args.config.into_iter().filter(|c| !c.is_empty()).collect();
    let install = InstallLoop {
        build_dir: &args.build_dir,
        staging: &args.staging,
        configs: &configs,
        components: &args.component,
        extra_args: &args.install_arg,
    };
    for (config, component, cmake_args) in driver::install_commands(&install) {
        let output = Command::new(&args.cmake)
            .args(&cmake_args)
            .envs(env.iter().copied())
            .output()
            .map_err(|source| Error::Io {
                context: format!("cannot run {}", args.cmake.display()),
                source,
            })?;
        if !output.status.success() {
            let hint = if configs.len() > 1 {
                format!(
                    "\nThe wheel installs the configurations {}: build each of them first \
                     (cmake --build <dir> --config <config>).",
                    configs.join(", ")
                )
            } else {
                String::new()
            };
            return Err(Error::InstallFailed {
                config: config.unwrap_or("<none>").to_string(),
                component: if component.is_empty() {
                    "<default>"
                } else {
                    component
                }
                .to_string(),
                output: String::from_utf8_lossy(&[output.stdout, output.stderr].concat())
                    .into_owned(),
                hint,
            });
        }
    }

    dependencies.extend(install_inputs::collect(&args.build_dir)?);
    let mut text = String::new();
    for path in dependencies {
        text.push_str(&super::absolute(&path)?.to_string_lossy());
        text.push('\n');
    }
    crate::fs_atomic::write(&args.dependencies, text.as_bytes(), false).map_err(|source| {
        Error::Io {
            context: format!("while writing {}", args.dependencies.display()),
            source,
        }
    })
}
