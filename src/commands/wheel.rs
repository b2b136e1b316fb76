//! `py-build-cmake wheel`: pack a staged install tree into a wheel.

use crate::cli::WheelArgs;
use crate::tags::TagOverrides;

use super::Error;

pub fn run(args: WheelArgs) -> Result<(), Error> {
    let config = super::load_config(&args.inputs, crate::config::model::Os::host())?;
    // A pure package needs no target Python.
    let target = if crate::tags::is_pure(&config) {
        None
    } else {
        Some(super::resolve_target(&config, args.python)?)
    };
    let overrides = TagOverrides {
        python: args.python_tag,
        abi: args.abi_tag,
        platform: args.platform_tag,
        build: args.build_tag,
    };
    let out_dir = args
        .out_dir
        .unwrap_or_else(|| config.project_dir.join("dist"));
    let path = super::pack(
        &config,
        target.as_ref(),
        overrides,
        &args.staging,
        &out_dir,
        args.jobs,
    )?;
    super::print_line(path.display())?;
    Ok(())
}
