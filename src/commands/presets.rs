//! `py-build-cmake presets`: a configure, build and workflow preset for the
//! native target and for each cross config.

use std::path::{Path, PathBuf};

use crate::cli::PresetsArgs;
use crate::config::{self, LoadRequest};
use crate::presets::{self, Target};
use crate::python_target;

use super::Error;

const DEFAULT_FILE: &str = "CMakePresets.pybuildcmake.json";
const USER_PRESETS: &str = "CMakeUserPresets.json";

pub fn run(args: PresetsArgs) -> Result<(), Error> {
    let project = absolute(&args.project)?;
    let os = crate::config::model::Os::host();
    let load = |cross: Option<&Path>| {
        config::load(&LoadRequest {
            project_dir: project.clone(),
            local: Vec::new(),
            cross: cross.map(Path::to_path_buf).into_iter().collect(),
            overrides: Vec::new(),
            os,
        })
    };

    // Each entry: (config, python target, cross file).
    let mut resolved = Vec::new();
    if args.native || args.cross.is_empty() {
        let config = load(None)?;
        let python = python_target::resolve_native(&python_target::default_interpreter())?;
        resolved.push((config, python, None));
    }
    for cross in &args.cross {
        let cross = absolute(cross)?;
        let config = load(Some(&cross))?;
        let spec = config.cross.clone().unwrap_or_default();
        let python = python_target::resolve_cross(&spec, spec.os.unwrap_or(config.os))?;
        resolved.push((config, python, Some(cross)));
    }
    for (config, _, _) in &resolved {
        for dropped in presets::unrepresentable(config) {
            eprintln!("py-build-cmake: warning: presets cannot pass {dropped}; the driver (`py-build-cmake build`) applies it");
        }
    }

    let package_dir = crate::layout::cmake_package_dir().ok_or_else(|| Error::Usage(
        "cannot find this helper's CMake package (PyBuildCmakeConfig.cmake) next to the binary; install it with `py-build-cmake install --prefix DIR` or run the helper from its source checkout".into(),
    ))?;
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
        Some(path) => absolute(path)?,
        None => project.join(DEFAULT_FILE),
    };
    presets::write_if_changed(&output, &presets::pretty(&document))?;

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
    if let Some(text) =
        presets::user_presets_with_include(&user_path, existing.as_deref(), &include)?
    {
        presets::write_if_changed(&user_path, &text)?;
    }
    println!("{}", output.display());
    Ok(())
}

/// Relative to the project when the file is inside it, as presets usually are.
fn include_path(project: &Path, file: &Path) -> String {
    match file.strip_prefix(project) {
        Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
        Err(_) => file.display().to_string(),
    }
}

fn absolute(path: &Path) -> Result<PathBuf, Error> {
    std::path::absolute(path).map_err(|source| Error::Io {
        context: format!("cannot resolve the path {}", path.display()),
        source,
    })
}
