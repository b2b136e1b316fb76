//! `py-build-cmake build`: build a py-build-cmake project's wheel without a
//! Python build backend, the way py-build-cmake does (see `driver`); for a
//! component project, the way its `build_component` backend does.

use std::ffi::OsString;

use crate::cli::BuildArgs;
use crate::driver::Driver;
use crate::tags::TagOverrides;

use super::Error;

pub fn run(args: BuildArgs) -> Result<(), Error> {
    let inputs = super::absolute_inputs(args.inputs)?;
    let (project_dir, config) = super::load_for_packing(&inputs)?;
    let cache = project_dir.join(".py-build-cmake_cache");
    let out_dir = args.out_dir.unwrap_or_else(|| project_dir.join("dist"));
    let target = super::resolve_target(&config, args.python)?;
    let package_dir = super::package_dir()?;
    let staging = cache.join(format!("{}-staging", target.build_config()));
    let driver = Driver {
        config: &config,
        target: &target,
        package_dir: &package_dir,
        local: &inputs.sources.local,
        cross: &inputs.sources.cross,
        overrides: &inputs.sources.overrides,
        cmake_program: std::env::var_os("CMAKE").unwrap_or_else(|| OsString::from("cmake")),
    };
    match &config.component {
        Some(component) => driver.stage_components(&component.components, &staging)?,
        None => driver.stage(&staging)?,
    }
    let path = super::pack(
        &config,
        Some(&target),
        TagOverrides::default(),
        &staging,
        &out_dir,
        None,
    )?;
    println!("{}", path.display());
    Ok(())
}
