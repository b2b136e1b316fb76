//! `py-build-cmake wheel`: pack a staged install tree into a wheel.

use crate::cli::WheelArgs;
use crate::tags::TagOverrides;

use super::Error;

pub fn run(args: WheelArgs) -> Result<(), Error> {
    let (project_dir, config) = super::load_for_packing(&args.inputs)?;
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
    let out_dir = super::out_dir(args.out_dir, &project_dir)?;
    let path = super::pack(
        &config,
        target.as_ref(),
        overrides,
        &args.staging,
        &out_dir,
        args.jobs,
    )?;
    println!("{}", path.display());
    Ok(())
}
