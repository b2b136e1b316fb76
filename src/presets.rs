//! CMake presets for each target platform: a configure, build and workflow
//! preset per target, in a file of their own that CMakeUserPresets.json
//! includes, so `cmake --workflow --preset <target>` builds that target's wheel.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::config::model::Config;
use crate::python_target::PythonTarget;

/// The presets file that `include` names; its schema needs CMake 3.25.
pub const SCHEMA_VERSION: u64 = 6;
/// `include` appeared in schema 4.
const INCLUDE_MIN_VERSION: u64 = 4;
const VENDOR_KEY: &str = "py-build-cmake";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("while reading {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("while writing {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid JSON (line {line}, column {column}): {message}; fix it or remove the file")]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    UserPresets { path: PathBuf, message: String },
    #[error("two targets are both named '{0}': give each cross config a different target Python or platform")]
    DuplicateTarget(String),
}

/// One target platform: its configuration and the Python it builds for.
pub struct Target<'a> {
    pub config: &'a Config,
    pub python: &'a PythonTarget,
    /// The cross config file, for the wrapper toolchain; `None` when native.
    pub cross_file: Option<&'a Path>,
}

/// Options in [tool.py-build-cmake.cmake] that presets cannot express; the
/// caller warns about them rather than dropping them silently.
pub fn unrepresentable(config: &Config) -> Vec<String> {
    let mut dropped = Vec::new();
    for cmake in &config.cmake {
        if !cmake.args.is_empty() {
            dropped.push(format!("cmake.args = {:?}", cmake.args));
        }
        if !cmake.build_args.is_empty() {
            dropped.push(format!("cmake.build_args = {:?}", cmake.build_args));
        }
    }
    dropped
}

/// The whole presets document for `targets`; `package_dir` holds the CMake
/// package (PyBuildCmakeConfig.cmake and the wrapper toolchain).
pub fn render(targets: &[Target], package_dir: &Path) -> Result<Value, Error> {
    let mut configure = Vec::new();
    let mut build = Vec::new();
    let mut workflow = Vec::new();
    let mut names = Vec::new();
    for target in targets {
        let name = target.python.build_config();
        if names.contains(&name) {
            return Err(Error::DuplicateTarget(name));
        }
        // Only the first numbered cmake config maps onto one configure preset.
        let Some(cmake) = target.config.cmake.first() else {
            continue;
        };
        configure.push(configure_preset(target, &name, package_dir));
        let configs: Vec<Option<&String>> = if cmake.config.len() > 1 {
            cmake.config.iter().map(Some).collect()
        } else {
            vec![cmake.config.first()]
        };
        let mut steps = vec![json!({"type": "configure", "name": name})];
        for config in configs {
            let build_name = match config {
                Some(c) if cmake.config.len() > 1 => format!("{name}-{c}"),
                _ => name.clone(),
            };
            let mut preset = Map::new();
            preset.insert("name".into(), json!(build_name));
            preset.insert("configurePreset".into(), json!(name));
            preset.insert("targets".into(), json!(["wheel"]));
            if let Some(c) = config {
                preset.insert("configuration".into(), json!(c));
            }
            if !cmake.build_tool_args.is_empty() {
                preset.insert("nativeToolOptions".into(), json!(cmake.build_tool_args));
            }
            build.push(Value::Object(preset));
            steps.push(json!({"type": "build", "name": build_name}));
        }
        workflow.push(json!({"name": name, "steps": steps}));
        names.push(name);
    }
    Ok(json!({
        "version": SCHEMA_VERSION,
        "cmakeMinimumRequired": {"major": 3, "minor": 25, "patch": 0},
        "vendor": {VENDOR_KEY: {"generated": true, "targets": names}},
        "configurePresets": configure,
        "buildPresets": build,
        "workflowPresets": workflow,
    }))
}

fn configure_preset(target: &Target, name: &str, package_dir: &Path) -> Value {
    let config = target.config;
    let cmake = &config.cmake[0];
    let mut cache = Map::new();
    cache.insert(
        "PyBuildCmake_DIR".into(),
        json!({"type": "PATH", "value": package_dir.display().to_string()}),
    );
    if let Some(build_type) = &cmake.build_type {
        cache.insert("CMAKE_BUILD_TYPE".into(), json!(build_type));
    }
    for option in &cmake.options {
        let value = match &option.kind {
            Some(kind) => json!({"type": kind, "value": option.value}),
            None => json!(option.value),
        };
        cache.insert(option.name.clone(), value);
    }
    match (target.cross_file, &target.python.interpreter) {
        (Some(cross), _) => {
            cache.insert(
                "PY_BUILD_CMAKE_CROSS".into(),
                json!({"type": "FILEPATH", "value": cross.display().to_string()}),
            );
        }
        (None, Some(interpreter)) => {
            cache.insert(
                "PY_BUILD_CMAKE_PYTHON".into(),
                json!({"type": "FILEPATH", "value": interpreter.display().to_string()}),
            );
        }
        (None, None) => {}
    }

    let mut preset = Map::new();
    preset.insert("name".into(), json!(name));
    preset.insert(
        "displayName".into(),
        json!(format!("{} for {name}", config.project.name)),
    );
    if let Some(base) = &cmake.preset {
        preset.insert("inherits".into(), json!(base));
    }
    if let Some(generator) = &cmake.generator {
        preset.insert("generator".into(), json!(generator));
    }
    preset.insert(
        "binaryDir".into(),
        json!(format!("${{sourceDir}}/build/{name}")),
    );
    if target.cross_file.is_some() {
        let toolchain = package_dir.join("PyBuildCmakeToolchain.cmake");
        preset.insert(
            "toolchainFile".into(),
            json!(toolchain.display().to_string()),
        );
    }
    preset.insert("cacheVariables".into(), Value::Object(cache));
    if !cmake.env.is_empty() {
        preset.insert("environment".into(), json!(cmake.env));
    }
    Value::Object(preset)
}

/// Adds `include_path` (relative to the project) to CMakeUserPresets.json,
/// creating the file when needed. Returns the new text, or `None` when the
/// file already includes it and must stay untouched.
pub fn user_presets_with_include(
    path: &Path,
    existing: Option<&str>,
    include_path: &str,
) -> Result<Option<String>, Error> {
    let Some(text) = existing else {
        let doc = json!({"version": SCHEMA_VERSION, "include": [include_path]});
        return Ok(Some(pretty(&doc)));
    };
    let mut doc: Value = serde_json::from_str(text).map_err(|e| Error::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let user_error = |message: String| Error::UserPresets {
        path: path.to_path_buf(),
        message,
    };
    let object = doc
        .as_object_mut()
        .ok_or_else(|| user_error("expected a JSON object at the top level".into()))?;
    let version = object.get("version").and_then(Value::as_u64).unwrap_or(0);
    if version < INCLUDE_MIN_VERSION {
        return Err(user_error(format!(
            "\"version\" is {version}, but \"include\" needs version {INCLUDE_MIN_VERSION} or later; raise it, then run this again"
        )));
    }
    let includes = object
        .entry("include")
        .or_insert_with(|| Value::Array(Vec::new()))
        .as_array_mut()
        .ok_or_else(|| user_error("\"include\" must be a list of file names".into()))?;
    if includes.iter().any(|v| v.as_str() == Some(include_path)) {
        return Ok(None);
    }
    includes.push(json!(include_path));
    Ok(Some(pretty(&doc)))
}

pub fn pretty(doc: &Value) -> String {
    let mut text = serde_json::to_string_pretty(doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes `text` atomically, and only when it differs, so rerunning changes
/// no timestamps.
pub fn write_if_changed(path: &Path, text: &str) -> Result<bool, Error> {
    crate::fs_atomic::write_if_changed(path, text.as_bytes(), false).map_err(|source| {
        Error::Write {
            path: path.to_path_buf(),
            source,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_user_presets_when_missing() {
        let text = user_presets_with_include(Path::new("U.json"), None, "P.json")
            .unwrap()
            .unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["version"], 6);
        assert_eq!(doc["include"], json!(["P.json"]));
    }

    #[test]
    fn keeps_user_presets_and_adds_include_once() {
        let original = r#"{"version": 5, "configurePresets": [{"name": "mine", "binaryDir": "b"}], "include": ["other.json"]}"#;
        let text = user_presets_with_include(Path::new("U.json"), Some(original), "P.json")
            .unwrap()
            .unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["include"], json!(["other.json", "P.json"]));
        assert_eq!(doc["configurePresets"][0]["name"], "mine");
        // Already there: leave the file alone.
        assert!(
            user_presets_with_include(Path::new("U.json"), Some(&text), "P.json")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn refuses_user_presets_too_old_for_include() {
        let err =
            user_presets_with_include(Path::new("U.json"), Some(r#"{"version": 3}"#), "P.json")
                .unwrap_err();
        assert!(err.to_string().contains("needs version 4"), "{err}");
        let err =
            user_presets_with_include(Path::new("U.json"), Some("{oops"), "P.json").unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
