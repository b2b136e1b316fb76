//! `py-build-cmake cmake-vars`: resolve the configuration and the target
//! Python once and write the CMake script PyBuildCmakeConfig.cmake includes.

use crate::cli::CmakeVarsArgs;
use crate::cmake_output::{self, Inputs};
use crate::python_target;
use crate::tags::{self, TagOverrides, WheelTags};

use super::Error;

pub fn run(args: CmakeVarsArgs) -> Result<(), Error> {
    let config = super::load_config(&args.inputs, crate::platform::Os::host())?;
    let target = super::resolve_target(&config, args.python.clone())?;
    // A cross build takes its build-time CMake packages (pybind11, nanobind)
    // from the interpreter running the build.
    let build_python = match &config.cross {
        Some(_) => {
            let interpreter = args
                .python
                .clone()
                .unwrap_or_else(python_target::default_interpreter);
            Some(python_target::resolve_native(&interpreter)?)
        }
        None => None,
    };
    let cmake = config
        .cmake
        .iter()
        .find(|c| c.index == args.cmake_index)
        .or_else(|| config.cmake.first());
    let pure = tags::is_pure(&config);
    let tags = WheelTags::compute(
        &config,
        (!pure).then_some(&target),
        &TagOverrides::default(),
    )?;
    // A module that cannot be found stops the configure, not only the packing.
    config.module.source()?;
    let script = cmake_output::render(&Inputs {
        config: &config,
        cmake,
        target: &target,
        build_python: build_python.as_ref(),
        tags: &tags,
        pure,
    });
    crate::fs_atomic::write_if_changed(&args.output, script.as_bytes(), false).map_err(
        |source| Error::Io {
            context: format!("while writing {}", args.output.display()),
            source,
        },
    )?;
    Ok(())
}
