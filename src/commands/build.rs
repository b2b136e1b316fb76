//! `py-build-cmake build`: build a py-build-cmake project's wheel without a
//! Python build backend, the way py-build-cmake does (see `driver`).

use std::ffi::OsString;

use crate::cli::BuildArgs;
use crate::driver::Driver;
use crate::tags::TagOverrides;

use super::Error;

pub fn run(args: BuildArgs) -> Result<(), Error> {
    let inputs = super::absolute_inputs(args.inputs)?;
    let config = super::load_config(&inputs, crate::config::model::Os::host())?;
    let target = super::resolve_target(&config, args.python)?;
    let package_dir = super::package_dir()?;
    let cache = config.project_dir.join(".py-build-cmake_cache");
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
    driver.stage(&staging)?;
    let out_dir = args
        .out_dir
        .unwrap_or_else(|| config.project_dir.join("dist"));
    let path = super::pack(
        &config,
        Some(&target),
        TagOverrides::default(),
        &staging,
        &out_dir,
        None,
    )?;
    super::print_line(path.display())?;
    Ok(())
}
