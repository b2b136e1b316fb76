//! `py-build-cmake presets`: a configure, build and workflow preset for the
//! native target and for each cross config.

use std::path::{Path, PathBuf};

use crate::cli::{ConfigInputs, OverrideSources, PresetsArgs};
use crate::platform::Os;
use crate::presets::{self, Target};

use super::Error;

const DEFAULT_FILE: &str = "CMakePresets.pybuildcmake.json";
const USER_PRESETS: &str = "CMakeUserPresets.json";

pub fn run(args: PresetsArgs) -> Result<(), Error> {
    let project = super::absolute(&args.project)?;
    let load = |cross: Option<PathBuf>| {
        let inputs = ConfigInputs {
            project: project.clone(),
            sources: OverrideSources {
                cross: cross.into_iter().collect(),
                ..OverrideSources::default()
            },
        };
        let config = super::load_config(&inputs, Os::host())?;
        let python = super::resolve_target(&config, None)?;
        Ok::<_, Error>((config, python))
    };

    // Each entry: (config, python target, cross file).
    let mut resolved = Vec::new();
    if args.native || args.cross.is_empty() {
        let (config, python) = load(None)?;
        resolved.push((config, python, None));
    }
    for cross in &args.cross {
        let cross = super::absolute(cross)?;
        let (config, python) = load(Some(cross.clone()))?;
        resolved.push((config, python, Some(cross)));
    }
    for (config, _, _) in &resolved {
        for dropped in presets::unrepresentable(config) {
            eprintln!(
                "py-build-cmake: warning: presets cannot pass {dropped}; \
                 the driver (`py-build-cmake build`) applies it"
            );
        }
    }

    let package_dir = super::package_dir()?;
    let targets: Vec<Target> = resolved
        .iter()
        .map(|(config, python, cross)| Target {
            config,
            python,
            cross_file: cross.as_deref(),
        })
        .collect();
    let document = presets::render(&targets, &package_dir)?;

    let output = match &args.output {
        Some(path) => super::absolute(path)?,
        None => project.join(DEFAULT_FILE),
    };
    // Check CMakeUserPresets.json before writing anything, so a refusal
    // leaves both files as they were.
    let user_path = project.join(USER_PRESETS);
    let existing = match std::fs::read_to_string(&user_path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(presets::Error::Read {
                path: user_path,
                source,
            }
            .into())
        }
    };
    let include = include_path(&project, &output);
    let user_text = presets::user_presets_with_include(&user_path, existing.as_deref(), &include)?;
    presets::write_if_changed(&output, &presets::pretty(&document))?;
    if let Some(text) = user_text {
        presets::write_if_changed(&user_path, &text)?;
    }
    super::print_line(output.display())?;
    Ok(())
}

/// Relative to the project when the file is inside it, as presets usually are.
fn include_path(project: &Path, file: &Path) -> String {
    match file.strip_prefix(project) {
        Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
        Err(_) => file.display().to_string(),
    }
}
