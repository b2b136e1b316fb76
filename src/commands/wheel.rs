//! `py-build-cmake wheel`: pack a staged install tree into a wheel.

use crate::cli::WheelArgs;
use crate::config::{self, model::Os, LoadRequest};
use crate::python_target;
use crate::tags::{self, TagOverrides, WheelTags};
use crate::wheel::{self, PackRequest};

use super::Error;

/// Entry timestamp without SOURCE_DATE_EPOCH: the earliest zip can hold, so
/// that two builds give the same bytes by default.
const DEFAULT_EPOCH: u64 = 315_532_800;

pub fn run(args: WheelArgs) -> Result<(), Error> {
    let jobs = match args.jobs {
        Some(0) => return Err(Error::Usage("--jobs must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let timestamp = source_date_epoch()?;
    let inputs = args.inputs;
    let config = config::load(&LoadRequest {
        project_dir: inputs.project.clone(),
        local: inputs.local,
        cross: inputs.cross,
        overrides: inputs.overrides,
        os: Os::host(),
    })?;
    let pure = tags::is_pure(&config);
    let target = if pure {
        None
    } else if let Some(cross) = &config.cross {
        Some(python_target::resolve_cross(cross, config.os)?)
    } else {
        let interpreter = args
            .python
            .unwrap_or_else(python_target::default_interpreter);
        Some(python_target::resolve_native(&interpreter)?)
    };
    let overrides = TagOverrides {
        python: args.python_tag,
        abi: args.abi_tag,
        platform: args.platform_tag,
        build: args.build_tag,
    };
    let tags = WheelTags::compute(&config, target.as_ref(), &overrides)?;
    let out_dir = args
        .out_dir
        .unwrap_or_else(|| config.project_dir.join("dist"));
    let path = wheel::pack(PackRequest {
        project: &config.project,
        tags,
        pure,
        staging: &args.staging,
        out_dir: &out_dir,
        jobs,
        timestamp,
        fallback_platform: target.map(|t| t.platform_tag),
    })?;
    println!("{}", path.display());
    Ok(())
}

/// SOURCE_DATE_EPOCH (clamped to what zip can hold by the writer), else
/// DEFAULT_EPOCH.
fn source_date_epoch() -> Result<u64, Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) if !value.trim().is_empty() => value.trim().parse().map_err(|_| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH={value:?} is not a number of seconds since 1970; \
                 unset it or set it to e.g. 1700000000"
            ))
        }),
        _ => Ok(DEFAULT_EPOCH),
    }
}
