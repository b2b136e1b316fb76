//! `py-build-cmake wheel`: pack a staged install tree into a wheel.

use std::path::Path;

use crate::cli::WheelArgs;
use crate::config::model::Config;
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
    if let Some(list) = &args.inputs_list {
        write_inputs_list(&config, list)?;
    }
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

/// Every file the wheel's metadata is read from, one per line.
fn write_inputs_list(config: &Config, list: &Path) -> Result<(), Error> {
    let mut files = config.input_files.clone();
    files.extend(crate::sdist::readme_path(config)?);
    files.extend(
        config
            .project
            .license_files
            .iter()
            .map(|l| l.source.clone()),
    );
    let mut text = String::new();
    for file in files {
        text.push_str(&super::absolute(&file)?.to_string_lossy());
        text.push('\n');
    }
    crate::fs_atomic::write(list, text.as_bytes(), false).map_err(|source| Error::Io {
        context: format!("while writing {}", list.display()),
        source,
    })
}
