//! One file per subcommand; each turns parsed arguments into calls on the
//! library modules and prints the result.

mod build;
mod cmake_vars;
mod config;
mod cross_toolchain;
mod editable;
mod install;
mod pep517;
mod persistent;
mod presets;
mod python_target;
mod sdist;
mod stubgen;
mod wheel;
mod wheel_step;

use std::path::{Path, PathBuf};

use crate::bundle;
use crate::cli::{BundleArgs, Cli, Command, ConfigInputs, OverrideSources};
use crate::config::model::Config;
use crate::config::LoadRequest;
use crate::platform::Os;
use crate::python_target::PythonTarget;
use crate::tags::{self, TagOverrides, WheelTags};
use crate::wheel::PackRequest;

/// Errors of the command layer: each wraps the error of the layer it called.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] crate::config::Error),
    #[error(transparent)]
    Project(#[from] crate::project::Error),
    #[error(transparent)]
    Python(#[from] crate::python_target::Error),
    #[error(transparent)]
    Tags(#[from] crate::tags::Error),
    #[error(transparent)]
    Wheel(#[from] crate::wheel::Error),
    #[error(transparent)]
    Module(#[from] crate::module_source::Error),
    #[error(transparent)]
    Sdist(#[from] crate::sdist::Error),
    #[error(transparent)]
    Presets(#[from] crate::presets::Error),
    #[error("while writing the cross toolchain script")]
    CrossToolchain(#[from] crate::cross_toolchain::Error),
    #[error(transparent)]
    Driver(#[from] crate::driver::Error),
    #[error(transparent)]
    Editable(#[from] crate::editable::Error),
    #[error(transparent)]
    Archive(#[from] crate::archive::Error),
    #[error(transparent)]
    Pep517(#[from] crate::pep517::Error),
    #[error(transparent)]
    Stubgen(#[from] crate::stubgen::Error),
    #[error(transparent)]
    InstallInputs(#[from] crate::install_inputs::Error),
    #[error(transparent)]
    Stage(#[from] crate::stage::Error),
    #[error(
        "installing into the wheel's staging dir failed (config '{config}', component \
         '{component}'):\n{output}{hint}"
    )]
    InstallFailed {
        config: String,
        component: String,
        output: String,
        hint: String,
    },
    #[error("{0}")]
    Usage(String),
    #[error("cannot write to standard output")]
    Stdout(#[source] std::io::Error),
    #[error("{context}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{context}")]
    Json {
        context: String,
        #[source]
        source: serde_json::Error,
    },
}

pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Config(args) => config::run(args),
        Command::Wheel(args) => wheel::run(args),
        Command::CmakeVars(args) => cmake_vars::run(args),
        Command::Install(args) => install::run(args),
        Command::Presets(args) => presets::run(args),
        Command::Build(args) => build::run(args),
        Command::Editable(args) => editable::run(args),
        Command::PythonTarget(args) => python_target::run(args),
        Command::Sdist(args) => sdist::run(args),
        Command::Stubgen(args) => stubgen::run(args),
        Command::WheelStep(args) => wheel_step::run(args),
        Command::CrossToolchain(args) => cross_toolchain::run(args),
        Command::Pep517(command) => pep517::run(command),
    }
}

/// Writes `text` to stdout and flushes it; a closed or full stdout is an
/// error, never a panic (main ends quietly on a closed pipe).
fn print_out(text: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::Stdout)
}

/// [`print_out`] of `value` and a newline.
fn print_line(value: impl std::fmt::Display) -> Result<(), Error> {
    print_out(&format!("{value}\n"))
}

impl Error {
    /// Whether the reader of stdout went away (`... | head -1`): the
    /// output is no longer wanted, which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Stdout(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// The configuration the inputs select for `os`'s section.
fn load_config(inputs: &ConfigInputs, os: Os) -> Result<Config, Error> {
    let sources = inputs.sources.clone();
    Ok(crate::config::load(&LoadRequest {
        project_dir: inputs.project.clone(),
        local: sources.local,
        cross: sources.cross,
        overrides: sources.overrides,
        os,
    })?)
}

/// The project's directory and the configuration its wheel is packed with:
/// its own, or for a component project the main project's (its CMake builds,
/// its tags) with the component project's metadata, as py-build-cmake's
/// `build_component` backend does. The `-o` overrides of the component
/// project's own keys (`component`, `main_project`) go to it, every other
/// input configures the main project.
fn load_for_packing(inputs: &ConfigInputs) -> Result<(PathBuf, Config), Error> {
    if !is_component_project(&inputs.project) {
        let config = load_config(inputs, Os::host())?;
        return Ok((config.project_dir.clone(), config));
    }
    let (own_overrides, main_overrides): (Vec<String>, Vec<String>) =
        inputs.sources.overrides.iter().cloned().partition(|o| {
            let key = o.trim_start();
            key.starts_with("component") || key.starts_with("main_project")
        });
    let own = load_config(
        &ConfigInputs {
            project: inputs.project.clone(),
            sources: OverrideSources {
                overrides: own_overrides,
                ..OverrideSources::default()
            },
        },
        Os::host(),
    )?;
    let Some(component) = &own.component else {
        return Ok((own.project_dir.clone(), own));
    };
    let main = load_config(
        &ConfigInputs {
            project: component.main_project.clone(),
            sources: OverrideSources {
                overrides: main_overrides,
                ..inputs.sources.clone()
            },
        },
        Os::host(),
    )?;
    Ok((
        own.project_dir,
        Config {
            project: own.project,
            component: own.component,
            ..main
        },
    ))
}

/// Whether `[tool.py-build-cmake]` of the project's pyproject.toml names a
/// main project; an unreadable file is left to the loader.
fn is_component_project(project: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(project.join("pyproject.toml")) else {
        return false;
    };
    let Ok(document) = text.parse::<toml::Table>() else {
        return false;
    };
    document
        .get("tool")
        .and_then(|t| t.get("py-build-cmake"))
        .and_then(|t| t.as_table())
        .is_some_and(|t| t.contains_key("main_project"))
}

/// The inputs with absolute paths, for commands that hand them on to CMake,
/// which runs elsewhere.
fn absolute_inputs(inputs: ConfigInputs) -> Result<ConfigInputs, Error> {
    let all = |paths: &[PathBuf]| {
        paths
            .iter()
            .map(|p| absolute(p))
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(ConfigInputs {
        project: absolute(&inputs.project)?,
        sources: OverrideSources {
            local: all(&inputs.sources.local)?,
            cross: all(&inputs.sources.cross)?,
            overrides: inputs.sources.overrides,
        },
    })
}

fn absolute(path: &Path) -> Result<PathBuf, Error> {
    std::path::absolute(path).map_err(|source| Error::Io {
        context: format!("cannot resolve the path {}", path.display()),
        source,
    })
}

/// The directory a command writes its wheel or sdist into: `given` or
/// `<project>/dist`. Checked before any work: a file on the way is named
/// as such rather than surfacing as "File exists" from creating it.
fn out_dir(given: Option<PathBuf>, project_dir: &Path) -> Result<PathBuf, Error> {
    let dir = given.unwrap_or_else(|| project_dir.join("dist"));
    if let Some(file) = dir.ancestors().find(|p| p.exists() && !p.is_dir()) {
        let what = match file == dir {
            true => "the output directory".to_owned(),
            false => format!("the output directory {}", dir.display()),
        };
        return Err(Error::Usage(format!(
            "{} is a file, but {what} must be a directory (it is created when missing); \
             pass another --out-dir or remove that file",
            file.display()
        )));
    }
    Ok(dir)
}

/// This executable and its CMake package dir: what a driven CMake build
/// calls back.
fn this_helper() -> Result<(PathBuf, PathBuf), Error> {
    let helper = std::env::current_exe().map_err(|source| Error::Io {
        context: "while locating this executable".into(),
        source,
    })?;
    Ok((helper, package_dir()?))
}

/// This helper's CMake package (PyBuildCmakeConfig.cmake, the wrapper
/// toolchain), for commands that point CMake at it.
fn package_dir() -> Result<PathBuf, Error> {
    crate::layout::cmake_package_dir().ok_or_else(|| {
        Error::Usage(
            "cannot find this helper's CMake package (PyBuildCmakeConfig.cmake) next to the \
             binary; install both with `py-build-cmake install --prefix DIR`"
                .into(),
        )
    })
}

/// The Python a build targets: the cross config's when cross-compiling,
/// else `python` or the default interpreter.
fn resolve_target(config: &Config, python: Option<PathBuf>) -> Result<PythonTarget, Error> {
    Ok(match &config.cross {
        Some(spec) => crate::python_target::resolve_cross(spec, spec.os.unwrap_or(config.os))?,
        None => {
            let interpreter = python.unwrap_or_else(crate::python_target::default_interpreter);
            crate::python_target::resolve_native(&interpreter)?
        }
    })
}

/// Packs `staging` into a wheel in `out_dir` with the tags `config` and
/// `target` give (a pure package ignores the target), and returns its path.
fn pack(
    config: &Config,
    target: Option<&PythonTarget>,
    overrides: TagOverrides,
    staging: &Path,
    out_dir: &Path,
    jobs: Option<usize>,
    bundle: &BundleArgs,
) -> Result<PathBuf, Error> {
    let jobs = match jobs {
        Some(0) => return Err(Error::Usage("--jobs must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let pure = tags::is_pure(config);
    let target = target.filter(|_| !pure);
    let tags = WheelTags::compute(config, target, &overrides)?;
    Ok(crate::wheel::pack(PackRequest {
        project: &config.project,
        tags,
        pure,
        staging,
        out_dir,
        jobs,
        timestamp: source_date_epoch()?,
        fallback_platform: target.map(|t| t.platform_tag.clone()),
        bundle: bundle_options(config, target, bundle),
    })?)
}

/// What to bundle, from wheel.bundle_libs / bundle_exclude and the command
/// line; None when bundling is off.
fn bundle_options(
    config: &Config,
    target: Option<&PythonTarget>,
    args: &BundleArgs,
) -> Option<bundle::Options> {
    if args.no_bundle_libs || !config.wheel.bundle_libs {
        return None;
    }
    let mut exclude = config.wheel.bundle_exclude.clone();
    exclude.extend(args.bundle_exclude.iter().cloned());
    let mut sysroots = args.bundle_sysroot.clone();
    // A cross target's prefix is <sysroot>/usr (or the sysroot itself).
    let cross_root = target
        .filter(|t| t.cross)
        .and_then(|t| t.root_dir.as_deref())
        .map(|prefix| match prefix.parent() {
            Some(root) if prefix.ends_with("usr") => root.to_path_buf(),
            _ => prefix.to_path_buf(),
        });
    sysroots.extend(cross_root);
    Some(bundle::Options {
        exclude,
        search_dirs: args.bundle_search_dir.clone(),
        prefixes: args.bundle_prefix.clone(),
        sysroots,
    })
}

/// Entry timestamp without SOURCE_DATE_EPOCH: the earliest zip can hold, so
/// that two builds give the same bytes by default.
const DEFAULT_EPOCH: u64 = 315_532_800;

/// SOURCE_DATE_EPOCH (clamped to what zip can hold by the writer), else
/// DEFAULT_EPOCH.
pub fn source_date_epoch() -> Result<u64, Error> {
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
