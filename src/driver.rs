//! The driver behind `py-build-cmake build` and the build backend: runs
//! CMake in the project's persistent build tree (`cmake.build_path`).
//!
//! A project whose CMakeLists.txt calls find_package(PyBuildCmake) and
//! py_build_cmake_add_wheel() is built through the target that function
//! added (of several, the one named `wheel`). Any other
//! project is configured, built and installed the way py-build-cmake does,
//! each numbered CMake configuration into one staging tree that the wheel
//! writer then packs. The PY_BUILD_CMAKE_* variables and the FindPython
//! hints reach such a project through CMAKE_PROJECT_TOP_LEVEL_INCLUDES
//! (PyBuildCmakeDriver.cmake), which runs find_package(PyBuildCmake) inside
//! its first project() call.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmake_cache::CmakeCache;
use crate::cmake_output::path_text;
use crate::config::model::{CmakeOptions, ComponentOptions, Config};
use crate::install_inputs;
use crate::python_target::PythonTarget;
use crate::stage::{self, install_commands, InstallCommand, InstallLoop, Stage, StubgenPython};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot run `{command}`; is CMake installed and on PATH (e.g. `pip install cmake`)?")]
    Spawn {
        command: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the {step} step failed (exit status {status}): `{command}`")]
    Failed {
        step: &'static str,
        status: String,
        command: String,
    },
    #[error(
        "the configure step found no {requirement}: add \"{requirement}\" to [build-system] \
         requires in pyproject.toml (an isolated build env has only those; packages installed \
         where the frontend runs do not count); the command was `{command}`"
    )]
    MissingRequirement {
        requirement: &'static str,
        command: String,
    },
    #[error(
        "the configure step failed (exit status {status}) in a project unpacked from an sdist \
         (it has PKG-INFO): when CMake misses a file the source tree has, the sdist left it \
         out; list it in tool.py-build-cmake.sdist.include (a directory name includes its \
         whole tree); the command was `{command}`"
    )]
    FailedFromSdist { status: String, command: String },
    #[error("`{program} --version` printed {found:?}, which names no CMake version")]
    NoVersion { program: String, found: String },
    #[error(
        "{program} is CMake {major}.{minor}; py-build-cmake needs CMake 3.20 or newer: \
         `pip install -U cmake`, or set CMAKE to a newer one"
    )]
    TooOld {
        program: String,
        major: u32,
        minor: u32,
    },
    #[error(
        "{project} does not call find_package(PyBuildCmake) and py_build_cmake_add_wheel(), \
         so its variables must come from CMAKE_PROJECT_TOP_LEVEL_INCLUDES, which needs CMake \
         3.24 or newer; {program} is CMake {major}.{minor}: `pip install -U cmake`, or set \
         CMAKE to a newer one"
    )]
    TooOldForDriver {
        project: PathBuf,
        program: String,
        major: u32,
        minor: u32,
    },
    #[error(
        "{project} builds its wheel through its `{target}` target, which packs one CMake \
         configuration; remove the numbered cmake.1, cmake.2, ... sections, or drop \
         py_build_cmake_add_wheel() to let the driver install every configuration"
    )]
    NumberedConfigs { project: PathBuf, target: String },
    #[error(
        "{project} adds several wheel targets ({targets}) and none is named `wheel`; \
         name the one to build `wheel` (py_build_cmake_add_wheel(TARGET wheel))"
    )]
    SeveralWheelTargets { project: PathBuf, targets: String },
    #[error("the `{target}` target ran but left no wheel path in {stamp}")]
    NoWheelRecorded { target: String, stamp: PathBuf },
    #[error("while reading the CMake cache")]
    Cache(#[from] crate::cmake_cache::Error),
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
    InstallInputs(#[from] install_inputs::Error),
    #[error(transparent)]
    Stage(#[from] stage::Error),
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
    /// This helper: the CMake side must call back the same one, not look
    /// for another (or build one with cargo).
    pub helper: &'a Path,
    /// The build backend's site-packages dirs (PY_BUILD_CMAKE_BUILD_SITE_PACKAGES).
    pub site_packages: &'a [PathBuf],
    /// Stream every tool's output; else one line per step, and a failing
    /// step's output after it fails.
    pub verbose: bool,
}

/// The `cmake --build` and `cmake --install` arguments (without the
/// program) that bring one configuration's installed files up to date,
/// with the environment they run in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuild {
    pub source_dir: PathBuf,
    pub build_dir: PathBuf,
    /// Where `install` installs.
    pub prefix: PathBuf,
    pub build: Vec<Vec<OsString>>,
    pub install: Vec<Vec<OsString>>,
    pub env: std::collections::BTreeMap<String, String>,
}

/// What a configuration needs before its install, when the driver stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Before {
    /// Installed as it is (`install_only` components).
    Nothing,
    /// Configured already: built.
    Build,
    /// Configured (with this CMake version), then built.
    Configure((u32, u32, u32)),
}

/// What a driver run produced.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The project's own wheel target packed this wheel.
    Wheel(PathBuf),
    /// The staging tree is complete: the caller packs it.
    Staged,
}

/// py_build_cmake_add_wheel() leaves the cache entry `<prefix><target>` for
/// each target of the project's own wheel (not for a PROJECT_DIR one): its
/// stamp file, which the step fills with the wheel's path.
const WHEEL_STAMP_PREFIX: &str = "_PY_BUILD_CMAKE_WHEEL_STAMP_";

/// A wheel target the project's configure added, and its stamp file.
struct WheelTarget {
    name: String,
    stamp: String,
}

/// The wheel target to build: the only one, else the one named `wheel`;
/// None when the project added none.
fn wheel_target(cache: &CmakeCache, project: &Path) -> Result<Option<WheelTarget>, Error> {
    let targets = cache.with_prefix(WHEEL_STAMP_PREFIX);
    let chosen = match targets.as_slice() {
        [] => return Ok(None),
        [only] => only,
        several => several
            .iter()
            .find(|(name, _)| *name == "wheel")
            .ok_or_else(|| Error::SeveralWheelTargets {
                project: project.to_path_buf(),
                targets: several
                    .iter()
                    .map(|(name, _)| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            })?,
    };
    Ok(Some(WheelTarget {
        name: chosen.0.to_string(),
        stamp: chosen.1.to_string(),
    }))
}

impl Driver<'_> {
    /// Builds the project: through its wheel target when it has one, else
    /// by configuring, building and installing every CMake configuration into
    /// `staging` and adding the module's Python sources.
    pub fn run(&self, staging: &Path) -> Result<Outcome, Error> {
        if let Some(first) = self.config.cmake.first() {
            let version = self.cmake_version()?;
            let build_dir = self.configure(first, version)?;
            let cache = CmakeCache::read(&build_dir.join("CMakeCache.txt"))?;
            if let Some(target) = wheel_target(&cache, &self.config.project_dir)? {
                if self.config.cmake.len() > 1 {
                    return Err(Error::NumberedConfigs {
                        project: self.config.project_dir.clone(),
                        target: target.name,
                    });
                }
                return self.build_wheel_target(first, &build_dir, &target);
            }
            if version < (3, 24, 0) {
                return Err(self.too_old_for_driver(version));
            }
            let built = self.every_config(build_dir, version);
            self.stage(staging, &built, true)?;
        } else {
            // No CMake at all: a pure Python package.
            self.stage(staging, &[], true)?;
        }
        Ok(Outcome::Staged)
    }

    /// Every numbered configuration, in order, with its build dir and what
    /// it needs before its install; the first is configured already, in
    /// `first_build_dir`.
    fn every_config(
        &self,
        first_build_dir: PathBuf,
        version: (u32, u32, u32),
    ) -> Vec<(&CmakeOptions, PathBuf, Before)> {
        let mut first = Some(first_build_dir);
        self.config
            .cmake
            .iter()
            .map(|cmake| match first.take() {
                Some(build_dir) => (cmake, build_dir, Before::Build),
                None => (cmake, self.build_dir(cmake), Before::Configure(version)),
            })
            .collect()
    }

    fn build(&self, cmake: &CmakeOptions, build_dir: &Path) -> Result<(), Error> {
        for args in build_args(cmake, build_dir) {
            self.step("build", cmake, args)?;
        }
        Ok(())
    }

    /// Configures and builds a configuration as `before` says.
    fn prepare(&self, cmake: &CmakeOptions, build_dir: &Path, before: Before) -> Result<(), Error> {
        if let Before::Configure(version) = before {
            self.configure(cmake, version)?;
        }
        if before != Before::Nothing {
            self.build(cmake, build_dir)?;
        }
        Ok(())
    }

    /// Stages the wheel's tree (`stage::stage`, as the wheel target's step
    /// does) from the configurations in `built`, each with its build dir and
    /// what it needs before its install (run just before it, as
    /// py-build-cmake configures, builds and installs one configuration
    /// after the other). `own_module`: the module's sources and stubgen too
    /// (a component wheel holds only its components).
    fn stage(
        &self,
        staging: &Path,
        built: &[(&CmakeOptions, PathBuf, Before)],
        own_module: bool,
    ) -> Result<(), Error> {
        let installs: Vec<InstallLoop> = built
            .iter()
            .map(|(cmake, build_dir, _)| install_loop(cmake, build_dir, staging))
            .collect();
        // The launcher PyBuildCmakeToolchain.cmake wrote, when the cross
        // config has an emulator.
        let launcher = built
            .first()
            .filter(|_| self.target.cross)
            .map(|(_, build_dir, _)| {
                build_dir
                    .join("py-build-cmake")
                    .join(crate::cross_toolchain::LAUNCHER)
            })
            .filter(|launcher| launcher.is_file());
        let request = Stage {
            config: self.config,
            staging,
            module: own_module,
            installs: &installs,
            stubgen: own_module.then_some(StubgenPython {
                interpreter: self.target.interpreter.as_deref(),
                launcher: launcher.as_deref(),
                cross: self.target.cross,
            }),
        };
        let staged = stage::stage(&request, |index, commands: Vec<InstallCommand>| {
            let (cmake, build_dir, before) = &built[index];
            self.prepare(cmake, build_dir, *before)?;
            stage::check_destinations(&installs[index])?;
            commands
                .into_iter()
                .try_for_each(|command| self.step("install", cmake, command.args))
        })?;
        if let Some(outcome) = staged.stubgen {
            eprintln!("py-build-cmake: {}", outcome.summary());
        }
        Ok(())
    }

    /// Installs one built tree into `prefix`; returns the steps, which bring
    /// `prefix` up to date again.
    pub fn install(
        &self,
        cmake: &CmakeOptions,
        build_dir: PathBuf,
        prefix: &Path,
    ) -> Result<Rebuild, Error> {
        let rebuild = Rebuild {
            source_dir: cmake.source_path.clone(),
            build: build_args(cmake, &build_dir),
            install: install_commands(&install_loop(cmake, &build_dir, prefix))
                .into_iter()
                .map(|command| command.args)
                .collect(),
            build_dir,
            prefix: prefix.to_path_buf(),
            env: cmake.env.clone(),
        };
        for args in &rebuild.install {
            self.step("install", cmake, args.clone())?;
        }
        Ok(rebuild)
    }

    /// Configures, builds and installs every configuration into `prefix`,
    /// which the caller prepared: what an editable install needs, for a
    /// project with a wheel target too (its install rules are the wheel's
    /// contents). Returns the steps that bring `prefix` up to date again.
    pub fn install_into(&self, prefix: &Path) -> Result<Vec<Rebuild>, Error> {
        let Some(first) = self.config.cmake.first() else {
            return Ok(Vec::new());
        };
        let version = self.cmake_version()?;
        let build_dir = self.configure(first, version)?;
        let cache = CmakeCache::read(&build_dir.join("CMakeCache.txt"))?;
        if cache.with_prefix(WHEEL_STAMP_PREFIX).is_empty() && version < (3, 24, 0) {
            return Err(self.too_old_for_driver(version));
        }
        // One configuration after the other, as py-build-cmake does: a later
        // one may use what an earlier one installed.
        let mut rebuilds = Vec::new();
        for (cmake, build_dir, before) in self.every_config(build_dir, version) {
            self.prepare(cmake, &build_dir, before)?;
            rebuilds.push(self.install(cmake, build_dir, prefix)?);
        }
        Ok(rebuilds)
    }

    fn too_old_for_driver(&self, version: (u32, u32, u32)) -> Error {
        Error::TooOldForDriver {
            project: self.config.project_dir.clone(),
            program: self.cmake_program.to_string_lossy().into_owned(),
            major: version.0,
            minor: version.1,
        }
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
        let mut prepared = Vec::new();
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
            let before = match component.install_only {
                true => Before::Nothing,
                false => Before::Build,
            };
            prepared.push((with_component(main, component), build_dir, before));
        }
        let built: Vec<_> = prepared
            .iter()
            .map(|(cmake, build_dir, before)| (cmake, build_dir.clone(), *before))
            .collect();
        self.stage(staging, &built, false)
    }

    /// Builds every configuration, then the wheel target of the last one
    /// (it installs `install_config`), and returns the wheel it recorded.
    fn build_wheel_target(
        &self,
        cmake: &CmakeOptions,
        build_dir: &Path,
        target: &WheelTarget,
    ) -> Result<Outcome, Error> {
        self.build(cmake, build_dir)?;
        let config = cmake.config.last();
        let mut args: Vec<OsString> = vec![
            "--build".into(),
            build_dir.into(),
            "--target".into(),
            (&target.name).into(),
        ];
        if let Some(config) = config {
            args.extend(["--config".into(), config.into()]);
        }
        self.step("wheel", cmake, args)?;
        // A multi-config generator's stamp path holds $<CONFIG>.
        let stamp = PathBuf::from(
            target
                .stamp
                .replace("$<CONFIG>", config.map_or("", |c| c.as_str())),
        );
        let recorded = std::fs::read_to_string(&stamp).unwrap_or_default();
        match recorded.lines().next().map(str::trim) {
            Some(wheel) if !wheel.is_empty() && Path::new(wheel).is_file() => {
                Ok(Outcome::Wheel(PathBuf::from(wheel)))
            }
            _ => Err(Error::NoWheelRecorded {
                target: target.name.clone(),
                stamp,
            }),
        }
    }

    /// `(major, minor, patch)` of the CMake this driver runs.
    fn cmake_version(&self) -> Result<(u32, u32, u32), Error> {
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
        let version = parse_cmake_version(&found).ok_or_else(|| Error::NoVersion {
            program: program.clone(),
            found,
        })?;
        if version < (3, 20, 0) {
            return Err(Error::TooOld {
                program,
                major: version.0,
                minor: version.1,
            });
        }
        Ok(version)
    }

    /// Configures one numbered configuration in its build dir, which it
    /// returns. A build dir configured before is reused: its objects stay,
    /// and a build program that has gone (a deleted isolated build env) is
    /// looked up again.
    fn configure(&self, cmake: &CmakeOptions, version: (u32, u32, u32)) -> Result<PathBuf, Error> {
        let build_dir = self.build_dir(cmake);
        let mut args = self.configure_args(cmake, &build_dir, version);
        // Read when the configure starts: the wheel target's step finds
        // the install rules in the reply from this configure on.
        install_inputs::request_reply(&build_dir)?;
        // Only a py_build_cmake_add_wheel() of this configure may leave one
        // (-U takes a glob: a renamed target's old entry goes too).
        args.push(format!("-U{WHEEL_STAMP_PREFIX}*").into());
        let cache = CmakeCache::read(&build_dir.join("CMakeCache.txt"))?;
        if let Some(program) = cache.get("CMAKE_MAKE_PROGRAM") {
            if !program.is_empty() && !Path::new(program).exists() {
                args.push("-UCMAKE_MAKE_PROGRAM".into());
            }
        }
        self.step("configure", cmake, args)?;
        Ok(build_dir)
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

    fn configure_args(
        &self,
        cmake: &CmakeOptions,
        build_dir: &Path,
        version: (u32, u32, u32),
    ) -> Vec<OsString> {
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
        // Older CMake ignores the variable; only projects that call
        // find_package(PyBuildCmake) themselves build there.
        if version >= (3, 24, 0) {
            define(
                "CMAKE_PROJECT_TOP_LEVEL_INCLUDES:FILEPATH",
                path_text(&self.package_dir.join("PyBuildCmakeDriver.cmake")),
            );
        }
        define("PyBuildCmake_DIR:PATH", path_text(self.package_dir));
        define("PY_BUILD_CMAKE_EXECUTABLE:FILEPATH", path_text(self.helper));
        define("_PY_BUILD_CMAKE_DRIVEN:INTERNAL", "ON".into());
        define(
            "PY_BUILD_CMAKE_BUILD_SITE_PACKAGES:STRING",
            crate::cmake_list::join(self.site_packages.iter().map(|p| path_text(p))),
        );
        // The `wheel` target writes into the build tree; the caller copies
        // the wheel where it is wanted, so a new out dir reconfigures nothing.
        define(
            "PY_BUILD_CMAKE_WHEEL_DIR:PATH",
            path_text(&build_dir.join("py-build-cmake-dist")),
        );
        define("PY_BUILD_CMAKE_CMAKE_INDEX:STRING", cmake.index.to_string());
        if let Some(python) = &self.target.interpreter {
            if !self.target.cross {
                define("PY_BUILD_CMAKE_PYTHON:FILEPATH", path_text(python));
            }
        }
        define(
            "PY_BUILD_CMAKE_LOCAL:STRING",
            crate::cmake_list::join(self.local.iter().map(|p| path_text(p))),
        );
        define(
            "PY_BUILD_CMAKE_CROSS:STRING",
            crate::cmake_list::join(self.cross.iter().map(|p| path_text(p))),
        );
        define(
            "PY_BUILD_CMAKE_OVERRIDES:STRING",
            crate::cmake_list::join(self.overrides.iter().cloned()),
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

    /// Runs one CMake step, announced in one line. Quiet, its output is
    /// collected (stdout and stderr in order, through one pipe) and shown only
    /// when it fails.
    fn step(
        &self,
        step: &'static str,
        cmake: &CmakeOptions,
        args: Vec<OsString>,
    ) -> Result<(), Error> {
        let mut command = Command::new(&self.cmake_program);
        command.args(&args).envs(&cmake.env);
        let shown = show_command(&self.cmake_program, &args);
        if self.verbose {
            eprintln!("py-build-cmake: {step}: {shown}");
        } else {
            eprintln!(
                "py-build-cmake: {step}: {}",
                short_command(&self.cmake_program, &args)
            );
        }
        let spawn_error = |source| Error::Spawn {
            command: shown.clone(),
            source,
        };
        // The output goes through one pipe, stdout and stderr in order:
        // streamed when verbose, else shown only when the step fails; read
        // for a build requirement CMake did not find either way.
        let (mut reader, writer) = std::io::pipe().map_err(spawn_error)?;
        if !self.verbose {
            command.stdin(std::process::Stdio::null());
        }
        command
            .stdout(writer.try_clone().map_err(spawn_error)?)
            .stderr(writer);
        let mut child = command.spawn().map_err(spawn_error)?;
        // The command holds the pipe's write ends: drop them, or the read
        // below never sees the end.
        drop(command);
        let mut log = Vec::new();
        let read = read_output(&mut reader, &mut log, self.verbose);
        let status = child.wait().map_err(spawn_error)?;
        if !self.verbose && (!status.success() || read.is_err()) {
            use std::io::Write;
            let _ = std::io::stderr().write_all(&log);
        }
        if !status.success() {
            if let Some(requirement) = missing_requirement(&log).filter(|_| step == "configure") {
                return Err(Error::MissingRequirement {
                    requirement,
                    command: shown,
                });
            }
            let status = status.code().map_or("killed".into(), |c| c.to_string());
            if step == "configure" && self.config.project_dir.join("PKG-INFO").is_file() {
                return Err(Error::FailedFromSdist {
                    status,
                    command: shown,
                });
            }
            return Err(Error::Failed {
                step,
                status,
                command: shown,
            });
        }
        Ok(())
    }
}

/// Reads a step's output to its end into `log`, copying it to our stderr
/// as it comes when `stream` (our stdout carries only the result).
fn read_output(reader: &mut impl Read, log: &mut Vec<u8>, stream: bool) -> std::io::Result<()> {
    if !stream {
        return reader.read_to_end(log).map(drop);
    }
    use std::io::Write;
    let mut buffer = [0; 8192];
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            return Ok(());
        }
        let _ = std::io::stderr().write_all(&buffer[..n]);
        log.extend_from_slice(&buffer[..n]);
    }
}

/// The build requirement (its PyPI name) whose CMake package or module a
/// failed configure did not find, for the packages whose messages we know:
/// find_package's config-mode message, FindPython's NumPy component.
fn missing_requirement(log: &[u8]) -> Option<&'static str> {
    const CONFIG_PACKAGES: [&str; 2] = ["pybind11", "nanobind"];
    let text = String::from_utf8_lossy(log);
    for line in text.lines() {
        if let Some(rest) = line
            .trim_start()
            .strip_prefix("Could not find a package configuration file provided by \"")
        {
            let name = rest.split('"').next().unwrap_or("");
            if let Some(known) = CONFIG_PACKAGES
                .iter()
                .find(|p| p.eq_ignore_ascii_case(name))
            {
                return Some(known);
            }
        }
        if line.contains("Could NOT find Python") && line.contains("NumPy") {
            return Some("numpy");
        }
    }
    None
}

/// `(major, minor, patch)` from `cmake version 3.31.6`.
pub fn parse_cmake_version(line: &str) -> Option<(u32, u32, u32)> {
    version_triple(line.strip_prefix("cmake version ")?)
}

/// `(major, minor, patch)` from `3.31.6`, `3.20` or `4.1.0-rc1` (a missing
/// part is 0; what follows the digits of a part is ignored).
pub fn version_triple(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.trim().split('.').map(|part| {
        let digits = part
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(part.len());
        part[..digits].parse::<u32>().ok()
    });
    let major = parts.next()??;
    let minor = parts.next().unwrap_or(Some(0))?;
    let patch = parts.next().unwrap_or(Some(0)).unwrap_or(0);
    Some((major, minor, patch))
}

/// Whether `<source_dir>/CMakeLists.txt` calls find_package(PyBuildCmake):
/// such a project builds with CMake 3.20, others need the driver's 3.24. A
/// hint for the build requirements only; the build itself asks the
/// configured project.
pub fn calls_find_package(source_dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(source_dir.join("CMakeLists.txt")) else {
        return false;
    };
    text.lines()
        .map(|line| line.split('#').next().unwrap_or_default())
        .any(|line| {
            let lower = line.to_ascii_lowercase();
            lower.match_indices("find_package").any(|(at, word)| {
                let rest = line[at + word.len()..].trim_start();
                rest.strip_prefix('(').is_some_and(|args| {
                    let args = args.trim_start();
                    args.strip_prefix("PyBuildCmake").is_some_and(|after| {
                        !after.starts_with(|c: char| c.is_alphanumeric() || c == '_')
                    })
                })
            })
        })
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
    stage::configs(&cmake.config)
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

/// One configuration's install loop into `prefix`.
fn install_loop<'a>(
    cmake: &'a CmakeOptions,
    build_dir: &'a Path,
    prefix: &'a Path,
) -> InstallLoop<'a> {
    InstallLoop {
        build_dir,
        staging: prefix,
        configs: &cmake.install_config,
        components: &cmake.install_components,
        extra_args: &cmake.install_args,
    }
}

/// The step's announcement when quiet: the command without its `-D` / `-U`
/// cache options (a configure has dozens), which errors and verbose show.
fn short_command(program: &OsString, args: &[OsString]) -> String {
    let cache_option = |a: &&OsString| {
        let a = a.to_string_lossy();
        a.starts_with("-D") || a.starts_with("-U")
    };
    let kept: Vec<OsString> = args.iter().filter(|a| !cache_option(a)).cloned().collect();
    let hidden = args.len() - kept.len();
    let shown = show_command(program, &kept);
    if hidden == 0 {
        return shown;
    }
    format!("{shown} (+{hidden} -D/-U options; -C verbose shows them)")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_announcements_leave_out_the_cache_options() {
        let args: Vec<OsString> = ["-S", "/p", "-B", "/p/b", "-G", "Ninja", "-DA=1", "-UB*"]
            .map(OsString::from)
            .to_vec();
        let cmake = OsString::from("cmake");
        assert_eq!(
            short_command(&cmake, &args),
            "cmake -S /p -B /p/b -G Ninja (+2 -D/-U options; -C verbose shows them)"
        );
        assert_eq!(short_command(&cmake, &args[..2]), "cmake -S /p");
    }

    #[test]
    fn names_the_build_requirement_cmake_did_not_find() {
        let config = b"CMake Error at CMakeLists.txt:6 (find_package):\n  By not providing \
            \"Findpybind11.cmake\" in CMAKE_MODULE_PATH ...\n\n  Could not find a package \
            configuration file provided by \"pybind11\" with any of\n  the following names:\n";
        assert_eq!(missing_requirement(config), Some("pybind11"));
        let nanobind = b"  Could not find a package configuration file provided by \"nanobind\"\n";
        assert_eq!(missing_requirement(nanobind), Some("nanobind"));
        let numpy = b"  Could NOT find Python3 (missing: Python3_NumPy_INCLUDE_DIRS NumPy) (found version \"3.11\")\n";
        assert_eq!(missing_requirement(numpy), Some("numpy"));
        let other = b"  Could not find a package configuration file provided by \"Eigen3\"\n";
        assert_eq!(missing_requirement(other), None);
        assert_eq!(missing_requirement(b"error: expected ';'\n"), None);
    }

    #[test]
    fn reads_cmake_versions() {
        assert_eq!(parse_cmake_version("cmake version 4.1.2"), Some((4, 1, 2)));
        assert_eq!(
            parse_cmake_version("cmake version 3.25.1"),
            Some((3, 25, 1))
        );
        assert_eq!(
            parse_cmake_version("cmake version 3.31.6-dirty"),
            Some((3, 31, 6))
        );
        assert_eq!(parse_cmake_version("something else"), None);
        assert_eq!(version_triple("3.20"), Some((3, 20, 0)));
        assert_eq!(version_triple("4.1.0-rc1"), Some((4, 1, 0)));
        assert_eq!(version_triple("three"), None);
    }

    #[test]
    fn sees_find_package_calls_but_not_comments() {
        let dir = tempfile::tempdir().unwrap();
        let with = |text: &str| {
            std::fs::write(dir.path().join("CMakeLists.txt"), text).unwrap();
            calls_find_package(dir.path())
        };
        assert!(with("project(x)\nFIND_PACKAGE ( PyBuildCmake REQUIRED)\n"));
        assert!(with("find_package(PyBuildCmake)"));
        assert!(!with("# find_package(PyBuildCmake)\n"));
        assert!(!with("find_package(PyBuildCmakeExtra)\n"));
        assert!(!with("find_package(Python3)\n"));
    }
}
