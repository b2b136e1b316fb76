//! The staging tree a wheel is packed from, laid out one way for the driver
//! and for the `wheel` target's step, in py-build-cmake's order: a fresh
//! directory, the module's Python sources, `cmake --install` of every
//! configuration and component (so a file CMake installs replaces a source
//! file of the same path), then stubgen (whose stubs replace nothing).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::config::model::Config;
use crate::stubgen;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot empty the staging directory {path}")]
    Fresh {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Module(#[from] crate::module_source::Error),
    #[error(transparent)]
    Stubgen(#[from] stubgen::Error),
    #[error(transparent)]
    InstallRules(#[from] crate::install_inputs::Error),
    #[error(
        "{} writes outside the wheel's staging dir (DESTINATION {destination:?}{}), so the \
         wheel would lack the file and the install would write to the build machine; use a \
         DESTINATION relative to the install prefix, such as ${{PY_BUILD_CMAKE_IMPORT_NAME}} \
         or ${{PY_BUILD_CMAKE_DATA_DESTINATION}}",
        command,
        written_at.as_ref().map_or(String::new(), |at| format!(", at {at}"))
    )]
    DestinationOutside {
        command: String,
        destination: String,
        written_at: Option<String>,
    },
}

/// What the configurations × components install loop installs, and where.
pub struct InstallLoop<'a> {
    pub build_dir: &'a Path,
    pub staging: &'a Path,
    /// None: one run without `--config`.
    pub configs: &'a [String],
    /// `""` is the default component (no `--component`).
    pub components: &'a [String],
    /// `cmake.install_args`, after the others.
    pub extra_args: &'a [String],
}

/// One `cmake --install` of the loop (without the program).
pub struct InstallCommand<'a> {
    /// For messages: None is a run without `--config`.
    pub config: Option<&'a str>,
    /// For messages: `""` is the default component.
    pub component: &'a str,
    pub args: Vec<OsString>,
}

/// The `cmake --install` of every configuration and component.
pub fn install_commands<'a>(install: &InstallLoop<'a>) -> Vec<InstallCommand<'a>> {
    let mut all = Vec::new();
    for config in configs(install.configs) {
        for component in install.components {
            let mut args: Vec<OsString> = vec![
                "--install".into(),
                install.build_dir.into(),
                "--prefix".into(),
                install.staging.into(),
            ];
            if let Some(config) = config {
                args.extend(["--config".into(), config.into()]);
            }
            if !component.is_empty() {
                args.extend(["--component".into(), component.into()]);
            }
            args.extend(install.extra_args.iter().map(OsString::from));
            all.push(InstallCommand {
                config,
                component,
                args,
            });
        }
    }
    all
}

/// Refuses the loop before it installs anything when one of its rules (per
/// CMake's File API reply) writes outside the install prefix.
pub fn check_destinations(install: &InstallLoop) -> Result<(), Error> {
    let selection = crate::install_inputs::Selection {
        configs: install.configs,
        components: install.components,
    };
    let outside = crate::install_inputs::rules_outside_prefix(install.build_dir, &selection)?;
    match outside.into_iter().next() {
        None => Ok(()),
        Some(rule) => Err(Error::DestinationOutside {
            command: rule.command,
            destination: rule.destination,
            written_at: rule.written_at,
        }),
    }
}

/// Each listed configuration, or one run without `--config` when none is.
pub fn configs(list: &[String]) -> impl Iterator<Item = Option<&str>> {
    let none = list.is_empty().then_some(None);
    list.iter().map(|c| Some(c.as_str())).chain(none)
}

/// The interpreters stubgen may run with (it imports the built modules).
pub struct StubgenPython<'a> {
    /// The target interpreter.
    pub interpreter: Option<&'a Path>,
    /// Runs the cross target's interpreter under `cross.emulator`.
    pub launcher: Option<&'a Path>,
    /// A cross build: `interpreter` cannot run here.
    pub cross: bool,
}

/// One staging run.
pub struct Stage<'a> {
    pub config: &'a Config,
    pub staging: &'a Path,
    /// Copy the module's sources (false: a component wheel holds only its
    /// components). A generated module (`module.generated`) CMake installs.
    pub module: bool,
    /// Install loops, in order.
    pub installs: &'a [InstallLoop<'a>],
    /// Run stubgen ([tool.py-build-cmake.stubgen]) with one of these.
    pub stubgen: Option<StubgenPython<'a>>,
}

/// What a staging run did.
pub struct Staged {
    /// The module's sources and the directories walked for them.
    pub module_inputs: Vec<PathBuf>,
    /// None: stubgen was not asked for, or not configured.
    pub stubgen: Option<stubgen::Outcome>,
}

/// Stages the tree; `install(index, commands)` runs the commands of
/// `stage.installs[index]`, one loop after the other as py-build-cmake
/// does (the driver first configures and builds that configuration, and
/// announces each command; the wheel step reports a failed one with its
/// configuration).
pub fn stage<E: From<Error>>(
    stage: &Stage,
    mut install: impl FnMut(usize, Vec<InstallCommand>) -> Result<(), E>,
) -> Result<Staged, E> {
    fresh_dir(stage.staging)?;
    let mut module_inputs = Vec::new();
    if stage.module {
        let module = &stage.config.module;
        module_inputs = module
            .source()
            .and_then(|source| source.stage(&module.name, &stage.config.project_dir, stage.staging))
            .map_err(Error::from)?;
    }
    for (index, install_loop) in stage.installs.iter().enumerate() {
        install(index, install_commands(install_loop))?;
    }
    let stubgen = match &stage.stubgen {
        Some(python) => run_stubgen(stage.config, stage.staging, python)?,
        None => None,
    };
    Ok(Staged {
        module_inputs,
        stubgen,
    })
}

/// The one rule for which interpreter runs stubgen: the launcher when the
/// build has one, else the native target interpreter.
fn run_stubgen(
    config: &Config,
    staging: &Path,
    python: &StubgenPython,
) -> Result<Option<stubgen::Outcome>, Error> {
    let Some(options) = &config.stubgen else {
        return Ok(None);
    };
    let chosen = match (python.launcher, python.interpreter) {
        (Some(launcher), _) => Some((launcher, true)),
        (None, Some(interpreter)) if !python.cross => Some((interpreter, false)),
        _ => None,
    };
    let outcome = match chosen {
        Some((python, launcher)) => stubgen::run(&stubgen::Request {
            config,
            options,
            staging,
            python,
            launcher,
        })?,
        None => stubgen::Outcome::Skipped(
            "cross-compiling without an emulator to run the target's Python (set \
             cross.emulator, e.g. [\"qemu-aarch64\", \"-L\", \"<sysroot>\"])"
                .into(),
        ),
    };
    Ok(Some(outcome))
}

/// An empty `path`: whatever a previous run left there is removed.
pub fn fresh_dir(path: &Path) -> Result<(), Error> {
    let fresh_error = |source| Error::Fresh {
        path: path.to_path_buf(),
        source,
    };
    crate::fs_atomic::remove_tree(path).map_err(fresh_error)?;
    std::fs::create_dir_all(path).map_err(fresh_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_without_a_list_run_once_without_config() {
        assert_eq!(configs(&[]).collect::<Vec<_>>(), vec![None]);
        let list = ["Debug".to_string(), "Release".to_string()];
        assert_eq!(
            configs(&list).collect::<Vec<_>>(),
            vec![Some("Debug"), Some("Release")]
        );
    }

    #[test]
    fn module_sources_go_in_before_the_installs() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        std::fs::create_dir_all(project.join("pkg")).unwrap();
        std::fs::write(project.join("pkg/__init__.py"), "").unwrap();
        std::fs::write(project.join("pkg/data.txt"), "source").unwrap();
        let mut config = crate::test_support::config(false);
        config.module.directory.clone_from(&project);
        config.project_dir.clone_from(&project);
        let staging = dir.path().join("staging");
        std::fs::create_dir_all(&staging).unwrap();
        std::fs::write(staging.join("stale"), "").unwrap();
        let build_dir = dir.path().join("build");
        let components = [String::new()];
        let installs = [InstallLoop {
            build_dir: &build_dir,
            staging: &staging,
            configs: &[],
            components: &components,
            extra_args: &[],
        }];
        let stage_request = Stage {
            config: &config,
            staging: &staging,
            module: true,
            installs: &installs,
            stubgen: None,
        };
        let mut seen = Vec::new();
        let staged = stage::<Error>(&stage_request, |index, commands| {
            // What `cmake --install` would do: replace the source's file.
            let text = std::fs::read_to_string(staging.join("pkg/data.txt")).unwrap();
            let lengths: Vec<usize> = commands.iter().map(|c| c.args.len()).collect();
            seen.push((index, lengths, text));
            std::fs::write(staging.join("pkg/data.txt"), "installed").unwrap();
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, [(0, vec![4], "source".to_string())]);
        assert!(!staging.join("stale").exists());
        assert!(staged.module_inputs.contains(&project.join("pkg/data.txt")));
        assert!(staged.stubgen.is_none());
    }
}
