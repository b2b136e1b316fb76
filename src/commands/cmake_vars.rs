//! `py-build-cmake cmake-vars`: resolve the configuration and the target
//! Python once and write the CMake script PyBuildCmakeConfig.cmake includes.

use crate::cli::CmakeVarsArgs;
use crate::cmake_output::{self, Inputs};
use crate::config::{self, LoadRequest};
use crate::python_target;
use crate::tags::{TagOverrides, WheelTags};

use super::Error;

pub fn run(args: CmakeVarsArgs) -> Result<(), Error> {
    let request = LoadRequest {
        project_dir: args.inputs.project.clone(),
        local: args.inputs.local.clone(),
        cross: args.inputs.cross.clone(),
        overrides: args.inputs.overrides.clone(),
        os: crate::config::model::Os::host(),
    };
    let config = config::load(&request)?;
    let interpreter = args
        .python
        .clone()
        .unwrap_or_else(python_target::default_interpreter);
    let (target, build_python) = match &config.cross {
        Some(spec) => (
            python_target::resolve_cross(spec, spec.os.unwrap_or(config.os))?,
            Some(python_target::resolve_native(&interpreter)?),
        ),
        None => (python_target::resolve_native(&interpreter)?, None),
    };
    let cmake = config
        .cmake
        .get(args.cmake_index)
        .or_else(|| config.cmake.first());
    let pure = config.wheel.pure_python.unwrap_or(config.cmake.is_empty());
    let tags = WheelTags::compute(
        &config,
        (!pure).then_some(&target),
        &TagOverrides::default(),
    )?;
    let module = cmake_output::find_module(&config)?;
    let script = cmake_output::render(&Inputs {
        config: &config,
        cmake,
        target: &target,
        build_python: build_python.as_ref(),
        tags: &tags,
        module: &module,
        pure,
    });
    crate::fs_atomic::write_if_changed(&args.output, script.as_bytes()).map_err(|source| {
        Error::Io {
            context: format!("while writing {}", args.output.display()),
            source,
        }
    })?;
    Ok(())
}
