//! The `config --json` shape of a resolved `Config`.
//!
//! `cmake` is `null` without a cmake section, an object for one
//! configuration, and an array of objects for numbered ones (`cmake.0`,
//! `cmake.1`, ...). `cmake.options` maps `NAME` or `NAME:TYPE` to the final
//! CMake string. `cross` is `null` for a native build.

use serde_json::{json, Map, Value};

use super::model::{CmakeOptions, Config};
use crate::python_target::CrossSpec;

pub fn to_json(config: &Config) -> Value {
    let cmake = match config.cmake.as_slice() {
        [] => Value::Null,
        [one] => cmake_json(one),
        many => Value::Array(many.iter().map(cmake_json).collect()),
    };
    json!({
        "module": config.module,
        "editable": config.editable,
        "sdist": config.sdist,
        "cmake": cmake,
        "wheel": config.wheel,
        "stubgen": config.stubgen,
        "cross": config.cross.as_ref().map(cross_json),
        "project": config.project,
    })
}

fn cmake_json(c: &CmakeOptions) -> Value {
    let options: Map<String, Value> = c
        .options
        .iter()
        .map(|o| {
            let key = match &o.kind {
                Some(kind) => format!("{}:{kind}", o.name),
                None => o.name.clone(),
            };
            (key, Value::String(o.value.clone()))
        })
        .collect();
    json!({
        "minimum_version": c.minimum_version,
        "build_type": c.build_type,
        "config": c.config,
        "preset": c.preset,
        "build_presets": c.build_presets,
        "generator": c.generator,
        "source_path": c.source_path,
        "build_path": c.build_path,
        "options": options,
        "args": c.args,
        "find_python": c.find_python,
        "find_python3": c.find_python3,
        "build_args": c.build_args,
        "build_tool_args": c.build_tool_args,
        "install_config": c.install_config,
        "install_args": c.install_args,
        "install_components": c.install_components,
        "env": c.env,
    })
}

fn cross_json(c: &CrossSpec) -> Value {
    let options: Map<String, Value> = c
        .cmake_options
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    json!({
        "os": c.os,
        "implementation": c.implementation,
        "version": c.version,
        "abi": c.abi,
        "arch": c.arch,
        "prefix": c.prefix,
        "library": c.library,
        "sabi_library": c.sabi_library,
        "include_dir": c.include_dir,
        "soabi": c.soabi,
        "toolchain_file": c.toolchain_file,
        "generator_platform": c.generator_platform,
        "emulator": c.emulator,
        "cmake_options": options,
    })
}
