//! `py-build-cmake wheel-step`: everything the `wheel` target of
//! py_build_cmake_add_wheel() does, run by PyBuildCmakeWheel.cmake under the
//! step's lock. The staging tree is laid out as the driver lays it out
//! (`stage::stage`: the module's sources, `cmake --install` of each
//! configuration and component, stubgen when configured), then packed, and the depfile
//! names every file that went in, so the build tool reruns the step exactly
//! when one of them changes. The stamp names the wheel for drivers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cli::WheelStepArgs;
use crate::install_inputs;
use crate::stage::{self, InstallCommand, InstallLoop, Stage, StubgenPython};
use crate::tags::TagOverrides;

use super::Error;

pub fn run(args: WheelStepArgs) -> Result<(), Error> {
    let record = args.stamp.with_extension("inputs.json");
    // Lossy: a path that is not UTF-8 must not panic here.
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if let Some(wheel) = LastRun::read(&record).and_then(|last| last.unchanged(&argv, &args.stamp))
    {
        write(&args.stamp, format!("{}\n", wheel.display()))?;
        return super::print_line(format!(
            "py-build-cmake: {} is up to date (only the install scripts were rewritten, as they were)",
            wheel.display()
        ));
    }
    let (project_dir, config) = super::load_for_packing(&args.inputs)?;
    // A single-config generator without CMAKE_BUILD_TYPE builds "".
    let configs: Vec<String> = args
        .install
        .config
        .iter()
        .filter(|c| !c.is_empty())
        .cloned()
        .collect();
    let installs = [InstallLoop {
        build_dir: &args.install.build_dir,
        staging: &args.staging,
        configs: &configs,
        components: &args.install.component,
        extra_args: &args.install.install_arg,
    }];
    let request = Stage {
        config: &config,
        staging: &args.staging,
        module: !args.no_module,
        installs: &installs,
        stubgen: args.stubgen.then_some(StubgenPython {
            interpreter: args.python.as_deref(),
            launcher: args.launcher.as_deref(),
            cross: config.cross.is_some(),
        }),
    };
    let staged = stage::stage(&request, |index, commands| {
        stage::check_destinations(&installs[index])?;
        commands
            .into_iter()
            .try_for_each(|command| install(&args.install.cmake, &configs, command))
    })?;
    if let Some(outcome) = staged.stubgen {
        super::print_line(format!("py-build-cmake: {}", outcome.summary()))?;
    }
    let mut dependencies = staged.module_inputs;
    let selection = install_inputs::Selection {
        configs: &configs,
        components: &args.install.component,
    };
    dependencies.extend(install_inputs::collect(
        &args.install.build_dir,
        &selection,
    )?);

    let target = if crate::tags::is_pure(&config) {
        None
    } else {
        Some(super::resolve_target(&config, args.python.clone())?)
    };
    let out_dir = super::out_dir(Some(args.out_dir.clone()), &project_dir)?;
    let wheel = super::pack(
        &config,
        target.as_ref(),
        TagOverrides::default(),
        &args.staging,
        &out_dir,
        None,
        &args.bundle,
    )?;
    dependencies.extend(super::wheel::metadata_inputs(&config, &project_dir));
    dependencies.push(wheel.clone());
    // An override file that appears is an input too: the build tool reruns
    // the step when its directory changes, and the record sees it exist.
    let absent = config.absent_inputs.clone();
    let mut watched: Vec<PathBuf> = absent
        .iter()
        .filter_map(|path| path.parent().map(Path::to_path_buf))
        .filter(|dir| dir.is_dir())
        .collect();
    watched.sort();
    watched.dedup();
    write_depfile(
        &args.depfile,
        &args.stamp,
        &[dependencies.as_slice(), watched.as_slice()].concat(),
    )?;
    // A path JSON cannot hold leaves an empty record: the next run is full.
    let last = LastRun::new(argv, dependencies, absent)?;
    write(&record, serde_json::to_string(&last).unwrap_or_default())?;
    write(&args.stamp, format!("{}\n", wheel.display()))?;
    super::print_line(format!("py-build-cmake: wrote {}", wheel.display()))
}

/// What the last full run read. Every configure rewrites each
/// cmake_install.cmake, mostly with the same text; a run the build tool
/// started for that alone touches the stamp instead of repacking.
#[derive(Serialize, Deserialize)]
struct LastRun {
    argv: Vec<String>,
    inputs: Vec<PathBuf>,
    /// The SHA-256 of each install script among the inputs.
    scripts: BTreeMap<PathBuf, [u8; 32]>,
    /// Files the configuration would have read had they existed (override
    /// files): one that exists now makes the run full.
    #[serde(default)]
    absent: Vec<PathBuf>,
}

impl LastRun {
    fn new(
        argv: Vec<String>,
        inputs: Vec<PathBuf>,
        absent: Vec<PathBuf>,
    ) -> Result<LastRun, Error> {
        let mut scripts = BTreeMap::new();
        for input in inputs.iter().filter(|i| is_install_script(i)) {
            scripts.insert(input.clone(), hash(input)?);
        }
        Ok(LastRun {
            argv,
            inputs,
            scripts,
            absent,
        })
    }

    /// A missing or unreadable record: a full run rewrites it.
    fn read(path: &Path) -> Option<LastRun> {
        serde_json::from_slice(&std::fs::read(path).ok()?).ok()
    }

    /// The wheel of the last run, when the same command finds every input
    /// older than the stamp or, for an install script, with the same text,
    /// and no file that was absent.
    fn unchanged(&self, argv: &[String], stamp: &Path) -> Option<PathBuf> {
        if self.argv != argv || self.absent.iter().any(|p| p.symlink_metadata().is_ok()) {
            return None;
        }
        let stamped = install_inputs::modified(stamp)?;
        let wheel = PathBuf::from(std::fs::read_to_string(stamp).ok()?.trim_end());
        if !wheel.is_file() {
            return None;
        }
        for input in &self.inputs {
            if install_inputs::modified(input)? <= stamped {
                continue;
            }
            let same = self
                .scripts
                .get(input)
                .is_some_and(|h| hash(input).ok() == Some(*h));
            if !same {
                return None;
            }
        }
        Some(wheel)
    }
}

fn is_install_script(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name == "cmake_install.cmake")
}

fn hash(path: &Path) -> Result<[u8; 32], Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        context: format!("cannot read {}", path.display()),
        source,
    })?;
    Ok(Sha256::digest(bytes).into())
}

/// One `cmake --install` of the staging loop; its output is shown only
/// when it fails, with the configurations `configs` to build first.
fn install(cmake: &Path, configs: &[String], command: InstallCommand) -> Result<(), Error> {
    let output = Command::new(cmake)
        .args(&command.args)
        .output()
        .map_err(|source| Error::Io {
            context: format!("cannot run {}", cmake.display()),
            source,
        })?;
    if output.status.success() {
        return Ok(());
    }
    let hint = if configs.len() > 1 {
        format!(
            "\nThe wheel installs the configurations {}: build each of them first \
             (cmake --build <dir> --config <config>).",
            configs.join(", ")
        )
    } else {
        String::new()
    };
    Err(Error::InstallFailed {
        config: command.config.unwrap_or("<none>").to_string(),
        component: match command.component {
            "" => "<default>",
            component => component,
        }
        .to_string(),
        output: String::from_utf8_lossy(&[output.stdout, output.stderr].concat()).into_owned(),
        hint,
    })
}

/// A Make-style depfile: `stamp: dep...`, paths escaped as Ninja and CMake's
/// depfile reader (which turns it into Make rules for the Makefile
/// generators) both read them: `\ ` is a space, `\#` a `#`, `$$` a `$`.
fn write_depfile(depfile: &Path, stamp: &Path, dependencies: &[PathBuf]) -> Result<(), Error> {
    let mut seen = std::collections::BTreeSet::new();
    let mut text = depfile_path(stamp);
    text.push(':');
    for path in dependencies {
        let path = super::absolute(path)?;
        if seen.insert(path.clone()) {
            text.push_str(" \\\n  ");
            text.push_str(&depfile_path(&path));
        }
    }
    text.push('\n');
    write(depfile, text)
}

fn depfile_path(path: &Path) -> String {
    path.to_string_lossy()
        .replace('$', "$$")
        .replace('#', "\\#")
        .replace(' ', "\\ ")
}

/// Written whole, then renamed: the build tool never reads half a file.
fn write(path: &Path, text: String) -> Result<(), Error> {
    crate::fs_atomic::write(path, text.as_bytes(), false).map_err(|source| Error::Io {
        context: format!("while writing {}", path.display()),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depfile_escapes_spaces_hashes_and_dollars_and_lists_each_path_once() {
        let dir = tempfile::tempdir().unwrap();
        let depfile = dir.path().join("wheel.d");
        let deps = [
            PathBuf::from("/a dir $x/#1.py"),
            PathBuf::from("/b.py"),
            PathBuf::from("/a dir $x/#1.py"),
        ];
        write_depfile(&depfile, Path::new("/w/wheel.stamp"), &deps).unwrap();
        assert_eq!(
            std::fs::read_to_string(&depfile).unwrap(),
            "/w/wheel.stamp: \\\n  /a\\ dir\\ $$x/\\#1.py \\\n  /b.py\n"
        );
    }
}
