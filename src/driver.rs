//! The driver for projects whose CMakeLists.txt does not call
//! find_package(PyBuildCmake): configure, build and install each numbered
//! CMake configuration the way py-build-cmake does, into one staging tree
//! that the wheel writer then packs.
//!
//! The PY_BUILD_CMAKE_* variables and the FindPython hints reach the project
//! through CMAKE_PROJECT_TOP_LEVEL_INCLUDES (PyBuildCmakeDriver.cmake), which
//! runs find_package(PyBuildCmake) inside the project's first project() call.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmake_output;
use crate::config::model::{CmakeOptions, ComponentOptions, Config};
use crate::module_source::{self, ModuleSource};
use crate::python_target::PythonTarget;
use crate::stubgen;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot run `{command}`: {source}; is CMake installed and on PATH (e.g. `pip install cmake`)?")]
    Spawn {
        command: String,
        source: std::io::Error,
    },
    #[error("the {step} step failed (exit status {status}): `{command}`")]
    Failed {
        step: &'static str,
        status: String,
        command: String,
    },
    #[error(
        "`{program} --version` says {found}; `py-build-cmake build` needs CMake 3.24 or newer \
         (for CMAKE_PROJECT_TOP_LEVEL_INCLUDES): `pip install -U cmake`, or set CMAKE to a newer one"
    )]
    TooOld { program: String, found: String },
    #[error("while staging {path}: {source}")]
    Stage {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "[tool.py-build-cmake.component] {index} names no CMake configuration of the main \
         project {}: use the number N of one of its cmake / cmake.N sections",
        main_project.display()
    )]
    NoSuchConfig { index: u64, main_project: PathBuf },
    #[error(
        "the main project has no build tree at {}: build it first \
         (`py-build-cmake build --project {}` with the same --python, --local, --cross and -o)",
        build_dir.display(),
        main_project.display()
    )]
    NotBuilt {
        build_dir: PathBuf,
        main_project: PathBuf,
    },
    #[error(transparent)]
    Module(#[from] module_source::Error),
    #[error(transparent)]
    Stubgen(#[from] stubgen::Error),
}

/// One driver run's fixed inputs.
pub struct Driver<'a> {
    pub config: &'a Config,
    pub target: &'a PythonTarget,
    /// The CMake package dir (PyBuildCmakeConfig.cmake, the driver include,
    /// the wrapper toolchain).
    pub package_dir: &'a Path,
    /// The `--local` / `--cross` / `-o` inputs, forwarded so that
    /// find_package(PyBuildCmake) inside the project resolves the same way.
    pub local: &'a [PathBuf],
    pub cross: &'a [PathBuf],
    pub overrides: &'a [String],
    pub cmake_program: OsString,
}

impl Driver<'_> {
    /// Configures, builds and installs every CMake configuration into
    /// `staging`, then adds the module's Python sources.
    pub fn stage(&self, staging: &Path) -> Result<(), Error> {
        self.check_cmake_version()?;
        fresh_dir(staging)?;
        for cmake in &self.config.cmake {
            let build_dir = self.build_dir(cmake);
            self.run("configure", cmake, self.configure_args(cmake, &build_dir))?;
            for args in build_args(cmake, &build_dir) {
                self.run("build", cmake, args)?;
            }
            for args in install_args(cmake, &build_dir, staging) {
                self.run("install", cmake, args)?;
            }
        }
        self.stage_module(staging)?;
        self.stubgen(staging)
    }

    /// Installs a component project's components into `staging` from the
    /// main project's build trees (this driver's config is the main
    /// project's), building them first unless `install_only`. Like
    /// py-build-cmake's `build_component` backend, it never configures: the
    /// main project must have been built.
    pub fn stage_components(
        &self,
        components: &[ComponentOptions],
        staging: &Path,
    ) -> Result<(), Error> {
        fresh_dir(staging)?;
        for component in components {
            let main = self
                .config
                .cmake
                .iter()
                .find(|c| c.index == component.index)
                .ok_or_else(|| Error::NoSuchConfig {
                    index: component.index,
                    main_project: self.config.project_dir.clone(),
                })?;
            let build_dir = self.build_dir(main);
            if !build_dir.join("CMakeCache.txt").is_file() {
                return Err(Error::NotBuilt {
                    build_dir,
                    main_project: self.config.project_dir.clone(),
                });
            }
            let cmake = with_component(main, component);
            if !component.install_only {
                for args in build_args(&cmake, &build_dir) {
                    self.run("build", &cmake, args)?;
                }
            }
            for args in install_args(&cmake, &build_dir, staging) {
                self.run("install", &cmake, args)?;
            }
        }
        Ok(())
    }

    /// Runs stubgen over the staged tree as the wheel target does.
    fn stubgen(&self, staging: &Path) -> Result<(), Error> {
        let Some(options) = &self.config.stubgen else {
            return Ok(());
        };
        let outcome = match (&self.target.interpreter, self.target.cross) {
            (Some(python), false) => stubgen::run(&stubgen::Request {
                config: self.config,
                options,
                staging,
                python,
                launcher: false,
            })?,
            _ => stubgen::Outcome::Skipped(
                "cross-compiling: the driver has no target interpreter to import the modules \
                 (the wheel target of a CMake build runs it under cross.emulator)"
                    .into(),
            ),
        };
        eprintln!("py-build-cmake: {}", outcome.summary());
        Ok(())
    }

    fn check_cmake_version(&self) -> Result<(), Error> {
        let program = self.cmake_program.to_string_lossy().into_owned();
        let output = Command::new(&self.cmake_program)
            .arg("--version")
            .output()
            .map_err(|source| Error::Spawn {
                command: format!("{program} --version"),
                source,
            })?;
        let text = String::from_utf8_lossy(&output.stdout);
        let found = text.lines().next().unwrap_or_default().trim().to_string();
        match parse_cmake_version(&found) {
            Some(version) if version >= (3, 24) => Ok(()),
            _ => Err(Error::TooOld { program, found }),
        }
    }

    /// `build_path` with `{build_config}` filled in, relative to the
    /// project; as in py-build-cmake, `cmake.N` with N > 0 adds `-N`.
    pub fn build_dir(&self, cmake: &CmakeOptions) -> PathBuf {
        let mut build_config = self.target.build_config();
        if cmake.index != 0 {
            build_config += &format!("-{}", cmake.index);
        }
        let path = cmake.build_path.replace("{build_config}", &build_config);
        self.config.project_dir.join(path)
    }

    fn configure_args(&self, cmake: &CmakeOptions, build_dir: &Path) -> Vec<OsString> {
        let mut args: Vec<OsString> = Vec::new();
        let mut push = |a: &dyn AsRef<std::ffi::OsStr>| args.push(a.as_ref().to_owned());
        push(&"-S");
        push(&cmake.source_path);
        push(&"-B");
        push(&build_dir);
        if let Some(generator) = &cmake.generator {
            push(&"-G");
            push(generator);
        }
        if let Some(preset) = &cmake.preset {
            push(&format!("--preset={preset}"));
        }
        if self.target.cross {
            push(&"--toolchain");
            push(&self.package_dir.join("PyBuildCmakeToolchain.cmake"));
        }
        let mut define = |name: &str, value: String| push(&format!("-D{name}={value}"));
        define(
            "CMAKE_PROJECT_TOP_LEVEL_INCLUDES:FILEPATH",
            path_text(&self.package_dir.join("PyBuildCmakeDriver.cmake")),
        );
        define("PyBuildCmake_DIR:PATH", path_text(self.package_dir));
        define("PY_BUILD_CMAKE_CMAKE_INDEX:STRING", cmake.index.to_string());
        if let Some(python) = &self.target.interpreter {
            if !self.target.cross {
                define("PY_BUILD_CMAKE_PYTHON:FILEPATH", path_text(python));
            }
        }
        define(
            "PY_BUILD_CMAKE_LOCAL:STRING",
            cmake_list(self.local.iter().map(|p| path_text(p))),
        );
        define(
            "PY_BUILD_CMAKE_CROSS:STRING",
            cmake_list(self.cross.iter().map(|p| path_text(p))),
        );
        define(
            "PY_BUILD_CMAKE_OVERRIDES:STRING",
            cmake_list(self.overrides.iter().cloned()),
        );
        if let Some(build_type) = &cmake.build_type {
            define("CMAKE_BUILD_TYPE:STRING", build_type.clone());
        }
        for option in &cmake.options {
            let name = match &option.kind {
                Some(kind) => format!("{}:{kind}", option.name),
                None => option.name.clone(),
            };
            define(&name, option.value.clone());
        }
        for arg in &cmake.args {
            push(arg);
        }
        args
    }

    fn run(
        &self,
        step: &'static str,
        cmake: &CmakeOptions,
        args: Vec<OsString>,
    ) -> Result<(), Error> {
        let mut command = Command::new(&self.cmake_program);
        command.args(&args).envs(&cmake.env);
        let shown = show_command(&self.cmake_program, &args);
        eprintln!("py-build-cmake: {step}: {shown}");
        let status = command.status().map_err(|source| Error::Spawn {
            command: shown.clone(),
            source,
        })?;
        if !status.success() {
            return Err(Error::Failed {
                step,
                status: status.code().map_or("killed".into(), |c| c.to_string()),
                command: shown,
            });
        }
        Ok(())
    }

    /// Copies the module's Python sources (a package tree or one file) into
    /// the staging root, as py-build-cmake does; a generated module is
    /// installed by CMake instead.
    fn stage_module(&self, staging: &Path) -> Result<(), Error> {
        let relative: PathBuf = self.config.module.name.split('.').collect();
        let source = module_source::find(self.config)?;
        for file in source.files()? {
            let dest = match &source {
                ModuleSource::Package(dir) => match file.strip_prefix(dir) {
                    Ok(inside) => staging.join(&relative).join(inside),
                    Err(_) => continue,
                },
                _ => staging.join(&relative).with_extension("py"),
            };
            copy_file(&file, &dest)?;
        }
        Ok(())
    }
}

/// The main project's CMake settings with what a component section sets
/// instead.
fn with_component(main: &CmakeOptions, component: &ComponentOptions) -> CmakeOptions {
    let mut cmake = main.clone();
    if let Some(presets) = &component.build_presets {
        cmake.build_presets = Some(presets.clone());
    }
    for (own, from_component) in [
        (&mut cmake.build_args, &component.build_args),
        (&mut cmake.build_tool_args, &component.build_tool_args),
        (&mut cmake.install_args, &component.install_args),
    ] {
        if let Some(list) = from_component {
            own.clone_from(list);
        }
    }
    cmake.install_components = component.install_components.clone();
    cmake
}

/// `(major, minor)` from `cmake version 3.31.6`.
fn parse_cmake_version(line: &str) -> Option<(u32, u32)> {
    let version = line.strip_prefix("cmake version ")?;
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??))
}

/// One `cmake --build` per configuration (or per build preset).
fn build_args(cmake: &CmakeOptions, build_dir: &Path) -> Vec<Vec<OsString>> {
    if let Some(presets) = &cmake.build_presets {
        return presets
            .iter()
            .map(|preset| {
                let mut args: Vec<OsString> = vec![format!("--preset={preset}").into()];
                args.extend(cmake.build_args.iter().map(OsString::from));
                tool_args(&mut args, cmake);
                args
            })
            .collect();
    }
    configs(&cmake.config)
        .map(|config| {
            let mut args: Vec<OsString> = vec!["--build".into(), build_dir.into()];
            if let Some(config) = config {
                args.extend(["--config".into(), config.into()]);
            }
            args.extend(cmake.build_args.iter().map(OsString::from));
            tool_args(&mut args, cmake);
            args
        })
        .collect()
}

fn tool_args(args: &mut Vec<OsString>, cmake: &CmakeOptions) {
    if !cmake.build_tool_args.is_empty() {
        args.push("--".into());
        args.extend(cmake.build_tool_args.iter().map(OsString::from));
    }
}

/// One `cmake --install` per install configuration and component.
fn install_args(cmake: &CmakeOptions, build_dir: &Path, staging: &Path) -> Vec<Vec<OsString>> {
    let mut all = Vec::new();
    for config in configs(&cmake.install_config) {
        for component in &cmake.install_components {
            let mut args: Vec<OsString> = vec![
                "--install".into(),
                build_dir.into(),
                "--prefix".into(),
                staging.into(),
            ];
            if let Some(config) = config {
                args.extend(["--config".into(), config.into()]);
            }
            if !component.is_empty() {
                args.extend(["--component".into(), component.into()]);
            }
            args.extend(cmake.install_args.iter().map(OsString::from));
            all.push(args);
        }
    }
    all
}

/// Each listed configuration, or one run without `--config` when none is.
fn configs(list: &[String]) -> impl Iterator<Item = Option<&str>> {
    let none = list.is_empty().then_some(None);
    list.iter().map(|c| Some(c.as_str())).chain(none)
}

/// A CMake list: `;` inside an element escaped so it stays one element.
fn cmake_list(items: impl Iterator<Item = String>) -> String {
    items
        .map(|i| i.replace(';', "\\;"))
        .collect::<Vec<_>>()
        .join(";")
}

fn path_text(path: &Path) -> String {
    cmake_output::cmake_path(path)
}

fn show_command(program: &OsString, args: &[OsString]) -> String {
    std::iter::once(program)
        .chain(args)
        .map(|a| {
            let a = a.to_string_lossy();
            if a.contains(char::is_whitespace) || a.is_empty() {
                format!("'{a}'")
            } else {
                a.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// An empty `path`: whatever a previous run left there is removed.
fn fresh_dir(path: &Path) -> Result<(), Error> {
    let stage_error = |source| Error::Stage {
        path: path.to_path_buf(),
        source,
    };
    crate::fs_atomic::remove_tree(path).map_err(stage_error)?;
    std::fs::create_dir_all(path).map_err(stage_error)
}

fn copy_file(from: &Path, to: &Path) -> Result<(), Error> {
    let stage_error = |source| Error::Stage {
        path: from.to_path_buf(),
        source,
    };
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(stage_error)?;
    }
    std::fs::copy(from, to).map(|_| ()).map_err(stage_error)
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
    fn reads_cmake_versions() {
        assert_eq!(parse_cmake_version("cmake version 4.1.2"), Some((4, 1)));
        assert_eq!(parse_cmake_version("cmake version 3.25.1"), Some((3, 25)));
        assert_eq!(
            parse_cmake_version("cmake version 3.31.6-dirty"),
            Some((3, 31))
        );
        assert_eq!(parse_cmake_version("something else"), None);
    }

    #[test]
    fn cmake_lists_escape_semicolons() {
        let items = ["a;b".to_string(), "c".to_string()];
        assert_eq!(cmake_list(items.into_iter()), "a\\;b;c");
    }
}
