//! `py-build-cmake python-target`: print what the helper knows about the
//! target Python, as JSON: `{"target": ...}`, plus with `--project` the
//! wheel tags and the CMake cache entries a cross build adds.

use serde_json::json;

use crate::cli::{ConfigInputs, PythonTargetArgs};
use crate::platform::Os;
use crate::python_target::{self, PythonTarget};
use crate::tags::{TagOverrides, WheelTags};

use super::Error;

pub fn run(args: PythonTargetArgs) -> Result<(), Error> {
    let native = || -> Result<PythonTarget, Error> {
        let interpreter = args
            .python
            .clone()
            .unwrap_or_else(python_target::default_interpreter);
        let target = if args.no_cache {
            python_target::resolve_native_cached(&interpreter, None)?
        } else if let Some(dir) = &args.cache_dir {
            python_target::resolve_native_cached(&interpreter, Some(dir))?
        } else {
            python_target::resolve_native(&interpreter)?
        };
        Ok(target)
    };
    let output = match &args.project {
        None => json!({ "target": native()? }),
        Some(project) => {
            let os = args.os.map_or(Os::host(), Os::from);
            let inputs = ConfigInputs {
                project: project.clone(),
                sources: args.sources.clone(),
            };
            let config = super::load_config(&inputs, os)?;
            let target = match &config.cross {
                Some(spec) => python_target::resolve_cross(spec, spec.os.unwrap_or(config.os))?,
                None => native()?,
            };
            let tags = WheelTags::compute(&config, Some(&target), &TagOverrides::default())?;
            let cmake_options = config.cross.as_ref().map(|spec| &spec.cmake_options);
            json!({
                "target": target,
                "tags": format!(
                    "{}-{}-{}",
                    tags.python.join("."),
                    tags.abi.join("."),
                    tags.platform.join(".")
                ),
                "cmake_options": cmake_options,
            })
        }
    };
    let text = serde_json::to_string_pretty(&output).map_err(|source| Error::Json {
        context: "while printing the target as JSON".into(),
        source,
    })?;
    super::print_line(text)?;
    Ok(())
}
