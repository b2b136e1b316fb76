//! `py-build-cmake cross-toolchain`: resolve the cross config of the project
//! being configured and write the script PyBuildCmakeToolchain.cmake includes.

use std::path::{Path, PathBuf};

use crate::cli::{ConfigInputs, CrossToolchainArgs, OverrideSources};
use crate::{cross_toolchain, python_target};

use super::Error;

pub fn run(args: CrossToolchainArgs) -> Result<(), Error> {
    let project_dir = find_project_dir(&args.source_dir)?;
    let in_project = |files: &[PathBuf]| files.iter().map(|f| project_dir.join(f)).collect();
    let sources = OverrideSources {
        local: in_project(&args.sources.local),
        cross: in_project(&args.sources.cross),
        overrides: args.sources.overrides.clone(),
    };
    let config = super::load_config(
        &ConfigInputs {
            project: project_dir.clone(),
            sources,
        },
        crate::platform::Os::host(),
    )?;
    let spec = config.cross.as_ref().ok_or_else(|| {
        Error::Usage(format!(
            "PyBuildCmakeToolchain.cmake found no cross-compilation config: pass \
             -DPY_BUILD_CMAKE_CROSS=<cross.toml>, or add a [tool.py-build-cmake.cross] \
             section or a py-build-cmake.cross.toml to {}",
            project_dir.display()
        ))
    })?;
    let target = python_target::resolve_cross(spec, spec.os.unwrap_or(config.os))?;
    let launcher_path = args.output.with_file_name(cross_toolchain::LAUNCHER);
    let rendered = cross_toolchain::render(spec, &target, &config.input_files, &launcher_path)?;
    // Rewritten only when they change: CMake watches their timestamps.
    let write = |path: &Path, text: &str, executable: bool| {
        crate::fs_atomic::write_if_changed(path, text.as_bytes(), executable).map_err(|source| {
            Error::Io {
                context: format!("while writing {}", path.display()),
                source,
            }
        })
    };
    write(&args.output, &rendered.script, false)?;
    if let Some(launcher) = &rendered.launcher {
        write(&launcher_path, launcher, true)?;
    }
    Ok(())
}

/// The directory holding pyproject.toml: `source_dir` or its nearest parent
/// that has one (cmake.source_path may point below it).
fn find_project_dir(source_dir: &Path) -> Result<PathBuf, Error> {
    let start = std::path::absolute(source_dir).map_err(|source| Error::Io {
        context: format!("while resolving {}", source_dir.display()),
        source,
    })?;
    start
        .ancestors()
        .find(|dir| dir.join("pyproject.toml").is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            Error::Usage(format!(
                "no pyproject.toml in {} or any parent directory; the cross config is \
                 resolved with the project's pyproject.toml",
                start.display()
            ))
        })
}
