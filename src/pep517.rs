//! What the PEP 517 build backend (`pybuildcmake.build`, a thin Python
//! module) asks of the helper beyond building: the frontend's config
//! settings, the build requirements, and the metadata directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::cli::OverrideSources;
use crate::config::model::Config;
use crate::driver;
use crate::python_target::find_program;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the config settings are not valid JSON")]
    Json(#[source] serde_json::Error),
    #[error("the config settings are not a JSON object: got {0}")]
    NotAnObject(String),
    #[error(
        "unknown config setting {key:?}; the known ones are {known} \
         (e.g. `-C cross=aarch64.cross.toml`, `-C o=cmake.build_type=Debug`)"
    )]
    Unknown { key: String, known: String },
    #[error("config setting {key:?} takes a string or a list of strings, not {value}")]
    Value { key: String, value: String },
    #[error(
        "{origin} = {value:?} is not a yes/no value; use \"\" or 1/true/yes/on, or 0/false/no/off"
    )]
    Bool { origin: String, value: String },
    #[error("the {what} file {path} (config setting {key:?}) does not exist")]
    MissingFile {
        what: &'static str,
        key: String,
        path: PathBuf,
    },
}

/// The frontend's config settings, with py-build-cmake's names.
#[derive(Debug, Default)]
pub struct Settings {
    /// The `--local` / `--cross` files (absolute) and `-o` overrides.
    pub sources: OverrideSources,
    pub verbose: bool,
}

#[derive(Clone, Copy)]
enum Setting {
    Local,
    Cross,
    Override,
    Verbose,
}

const SETTINGS: &[(&str, Setting)] = &[
    ("local", Setting::Local),
    ("--local", Setting::Local),
    ("cross", Setting::Cross),
    ("--cross", Setting::Cross),
    ("o", Setting::Override),
    ("-o", Setting::Override),
    ("override", Setting::Override),
    ("--override", Setting::Override),
    ("verbose", Setting::Verbose),
    ("--verbose", Setting::Verbose),
    ("V", Setting::Verbose),
    ("-V", Setting::Verbose),
];

impl Settings {
    /// Parses the JSON object the backend hands over. Relative files are
    /// relative to `project_dir` (where frontends run the hooks);
    /// `env_verbose` (`PY_BUILD_CMAKE_VERBOSE`) applies unless a setting
    /// says otherwise.
    pub fn parse(
        json: &str,
        project_dir: &Path,
        env_verbose: Option<&str>,
    ) -> Result<Settings, Error> {
        let object = match serde_json::from_str::<Value>(json) {
            Ok(Value::Object(object)) => object,
            Ok(other) => return Err(Error::NotAnObject(other.to_string())),
            Err(e) => return Err(Error::Json(e)),
        };
        let mut settings = Settings::default();
        let mut verbose = env_verbose
            .map(|v| yes_no("PY_BUILD_CMAKE_VERBOSE", v))
            .transpose()?;
        for (key, value) in &object {
            let Some(&(_, setting)) = SETTINGS.iter().find(|(name, _)| name == key) else {
                let known: Vec<&str> = SETTINGS.iter().map(|(name, _)| *name).collect();
                return Err(Error::Unknown {
                    key: key.clone(),
                    known: known.join(", "),
                });
            };
            let values = strings(key, value)?;
            match setting {
                Setting::Local => {
                    let found = files(key, "local", &values, project_dir)?;
                    settings.sources.local.extend(found);
                }
                Setting::Cross => {
                    let found = files(key, "cross", &values, project_dir)?;
                    settings.sources.cross.extend(found);
                }
                Setting::Override => settings.sources.overrides.extend(values),
                Setting::Verbose => {
                    for value in &values {
                        verbose = Some(yes_no(&format!("config setting {key:?}"), value)?);
                    }
                }
            }
        }
        settings.verbose = verbose.unwrap_or(false);
        Ok(settings)
    }
}

fn strings(key: &str, value: &Value) -> Result<Vec<String>, Error> {
    let bad = || Error::Value {
        key: key.to_string(),
        value: value.to_string(),
    };
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned).ok_or_else(bad))
            .collect(),
        _ => Err(bad()),
    }
}

fn files(
    key: &str,
    what: &'static str,
    values: &[String],
    project_dir: &Path,
) -> Result<Vec<PathBuf>, Error> {
    values
        .iter()
        .map(|value| {
            let path = project_dir.join(value);
            if path.is_file() {
                Ok(path)
            } else {
                Err(Error::MissingFile {
                    what,
                    key: key.to_string(),
                    path,
                })
            }
        })
        .collect()
}

/// py-build-cmake's truthy values (an empty value means yes, as `-C verbose` sends).
fn yes_no(origin: &str, value: &str) -> Result<bool, Error> {
    match value.to_ascii_lowercase().as_str() {
        "" | "1" | "true" | "yes" | "y" | "on" => Ok(true),
        "0" | "false" | "no" | "n" | "off" => Ok(false),
        _ => Err(Error::Bool {
            origin: origin.to_string(),
            value: value.to_string(),
        }),
    }
}

/// CMake our package supports, and what the driver's
/// CMAKE_PROJECT_TOP_LEVEL_INCLUDES needs.
const CMAKE_FOR_PACKAGE: (u32, u32, u32) = (3, 20, 0);
const CMAKE_FOR_DRIVER: (u32, u32, u32) = (3, 24, 0);

/// What a wheel build of `config` needs installed: `cmake` and `ninja` only
/// when no suitable one is on PATH (as scikit-build-core and py-build-cmake
/// do), `mypy` when stubgen is configured and `python` lacks it.
pub fn wheel_requires(config: &Config, python: &Path) -> Vec<String> {
    let mut requires = Vec::new();
    if config.cmake.is_empty() {
        return requires;
    }
    let floor = if config
        .cmake
        .iter()
        .all(|c| driver::calls_find_package(&c.source_path))
    {
        CMAKE_FOR_PACKAGE
    } else {
        CMAKE_FOR_DRIVER
    };
    let minimum = config
        .cmake
        .iter()
        .filter_map(|c| driver::version_triple(&c.minimum_version))
        .fold(floor, std::cmp::max);
    let cmake = std::env::var_os("CMAKE").unwrap_or_else(|| "cmake".into());
    let found = tool_version(Path::new(&cmake)).and_then(|v| driver::parse_cmake_version(&v));
    if found.is_none_or(|v| v < minimum) {
        requires.push(format!("cmake>={}.{}.{}", minimum.0, minimum.1, minimum.2));
    }
    let generator_env = std::env::var("CMAKE_GENERATOR").unwrap_or_default();
    let ninja = config.cmake.iter().any(|c| {
        c.generator
            .as_deref()
            .unwrap_or(&generator_env)
            .to_ascii_lowercase()
            .contains("ninja")
    });
    if ninja && tool_version(Path::new("ninja")).is_none() {
        requires.push("ninja".to_string());
    }
    if config.stubgen.is_some() && !imports(python, "mypy.stubgen") {
        requires.push("mypy".to_string());
    }
    requires
}

/// The first line of `program --version`, when it runs and succeeds.
fn tool_version(program: &Path) -> Option<String> {
    let path = find_program(program)?;
    let output = Command::new(path)
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    output
        .status
        .success()
        .then(|| text.lines().next().unwrap_or_default().trim().to_string())
}

fn imports(python: &Path, module: &str) -> bool {
    Command::new(python)
        .args(["-c", &format!("import {module}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Settings, Error> {
        Settings::parse(json, Path::new(env!("CARGO_MANIFEST_DIR")), None)
    }

    #[test]
    fn the_environment_says_verbose_unless_a_setting_says_otherwise() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(Settings::parse("{}", dir, Some("")).unwrap().verbose);
        assert!(Settings::parse("{}", dir, Some("1")).unwrap().verbose);
        assert!(!Settings::parse("{}", dir, Some("0")).unwrap().verbose);
        assert!(
            !Settings::parse(r#"{"verbose": "false"}"#, dir, Some("1"))
                .unwrap()
                .verbose
        );
        let bad = Settings::parse("{}", dir, Some("loud"))
            .unwrap_err()
            .to_string();
        assert!(bad.contains("PY_BUILD_CMAKE_VERBOSE"), "{bad}");
    }

    #[test]
    fn reads_py_build_cmake_names_as_strings_or_lists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let settings = parse(
            r#"{"--cross": "toolchains/aarch64-linux-gnu.cp311.cross.toml",
                "o": ["cmake.build_type=Debug", "wheel.build_tag=1"],
                "--override": "cmake.args+=[\"-Wdev\"]", "-V": ""}"#,
        )
        .unwrap();
        assert_eq!(
            settings.sources.cross,
            vec![root.join("toolchains/aarch64-linux-gnu.cp311.cross.toml")]
        );
        assert_eq!(settings.sources.overrides.len(), 3);
        assert!(settings.sources.local.is_empty());
        assert!(settings.verbose);
        assert!(!parse(r#"{"verbose": "off"}"#).unwrap().verbose);
    }

    #[test]
    fn refuses_unknown_settings_missing_files_and_odd_values() {
        let unknown = parse(r#"{"crosss": "x"}"#).unwrap_err().to_string();
        assert!(unknown.contains("\"crosss\""), "{unknown}");
        assert!(unknown.contains("cross, --cross"), "{unknown}");
        let missing = parse(r#"{"local": "nowhere.toml"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            missing.contains("nowhere.toml") && missing.contains("local"),
            "{missing}"
        );
        assert!(matches!(parse(r#"{"o": 3}"#), Err(Error::Value { .. })));
        assert!(matches!(
            parse(r#"{"V": "maybe"}"#),
            Err(Error::Bool { .. })
        ));
        assert!(matches!(parse("[]"), Err(Error::NotAnObject(_))));
        assert!(matches!(parse("{"), Err(Error::Json(_))));
    }
}
