//! `py-build-cmake wheel`: pack a staged install tree into a wheel.

use std::path::{Path, PathBuf};

use crate::cli::WheelArgs;
use crate::config::model::Config;
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
    if let Some(list) = &args.inputs_list {
        write_inputs_list(&config, &project_dir, list)?;
    }
    let path = super::pack(
        &config,
        target.as_ref(),
        overrides,
        &args.staging,
        &out_dir,
        args.jobs,
        &args.bundle,
    )?;
    super::print_line(path.display())?;
    Ok(())
}

/// Every file the wheel's metadata is read from (pyproject.toml, override
/// files, readme, license files); `project_dir` is the packed project's
/// (the readme is relative to it).
pub(super) fn metadata_inputs(config: &Config, project_dir: &Path) -> Vec<PathBuf> {
    let mut files = config.input_files.clone();
    let readme = config.project.readme.as_ref().and_then(|r| r.file.as_ref());
    files.extend(readme.map(|file| project_dir.join(file)));
    files.extend(
        config
            .project
            .license_files
            .iter()
            .map(|l| l.source.clone()),
    );
    files
}

/// `metadata_inputs`, one absolute path per line.
fn write_inputs_list(config: &Config, project_dir: &Path, list: &Path) -> Result<(), Error> {
    let mut text = String::new();
    for file in metadata_inputs(config, project_dir) {
        text.push_str(&super::absolute(&file)?.to_string_lossy());
        text.push('\n');
    }
    crate::fs_atomic::write(list, text.as_bytes(), false).map_err(|source| Error::Io {
        context: format!("while writing {}", list.display()),
        source,
    })
}
