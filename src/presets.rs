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
    #[error("while reading {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("while writing {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid JSON; fix it or remove the file")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
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
    let doc: Value = serde_json::from_str(text).map_err(|source| Error::Json {
        path: path.to_path_buf(),
        source,
    })?;
    let user_error = |message: String| Error::UserPresets {
        path: path.to_path_buf(),
        message,
    };
    let object = doc
        .as_object()
        .ok_or_else(|| user_error("expected a JSON object at the top level".into()))?;
    let version = object.get("version").and_then(Value::as_u64).unwrap_or(0);
    if version < INCLUDE_MIN_VERSION {
        return Err(user_error(format!(
            "\"version\" is {version}, but \"include\" needs version {INCLUDE_MIN_VERSION} or later; raise it, then run this again"
        )));
    }
    match object.get("include") {
        None => {}
        Some(Value::Array(items))
            if items.iter().all(Value::is_string)
                && items.iter().any(|v| v.as_str() == Some(include_path)) =>
        {
            return Ok(None);
        }
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {}
        Some(_) => {
            return Err(user_error(
                "\"include\" must be a list of file names".into(),
            ))
        }
    }
    // Edit the text, not the parsed document: the user's spelling of
    // numbers, spacing and key order stay exactly as they were.
    let quoted = serde_json::to_string(include_path).unwrap_or_default();
    let members = top_level_members(text);
    let edited = match members.iter().rev().find(|m| m.key == "include") {
        Some(include) => {
            let array = &text[include.value.clone()];
            let inner = array[1..array.len() - 1].trim_end();
            let at = include.value.start + 1 + inner.len();
            let separator = if inner.trim_start().is_empty() {
                ""
            } else {
                ", "
            };
            format!("{}{separator}{quoted}{}", &text[..at], &text[at..])
        }
        None => {
            let close = text.rfind('}').unwrap_or(text.len());
            let at = text[..close].trim_end().len();
            let separator = if members.is_empty() { "" } else { "," };
            format!(
                "{}{separator}\n  \"include\": [{quoted}]{}",
                &text[..at],
                &text[at..]
            )
        }
    };
    Ok(Some(edited))
}

/// A member of the top-level object: its key and where its value is.
struct Member {
    key: String,
    value: std::ops::Range<usize>,
}

/// The members of the top-level object of `text`, which is valid JSON.
fn top_level_members(text: &str) -> Vec<Member> {
    let bytes = text.as_bytes();
    let skip_blanks = |mut i: usize| {
        while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        i
    };
    let mut members = Vec::new();
    let mut i = skip_blanks(0) + 1; // past '{'
    loop {
        i = skip_blanks(i);
        if bytes.get(i) != Some(&b'"') {
            return members;
        }
        let key_end = json_value_end(bytes, i);
        let key = serde_json::from_str(&text[i..key_end]).unwrap_or_default();
        i = skip_blanks(skip_blanks(key_end) + 1); // past ':'
        let end = json_value_end(bytes, i);
        members.push(Member { key, value: i..end });
        i = skip_blanks(end) + 1; // past ',' (or the closing '}')
    }
}

/// Where the JSON value starting at `start` ends.
fn json_value_end(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        match (in_string, b) {
            (true, b'\\') => i += 1,
            (true, b'"') => {
                in_string = false;
                if depth == 0 {
                    return i;
                }
            }
            (true, _) => {}
            (false, b'"') => in_string = true,
            (false, b'{' | b'[') => depth += 1,
            (false, b'}' | b']') if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            (false, b',' | b'}' | b']') if depth == 0 => return i - 1,
            (false, b) if depth == 0 && b.is_ascii_whitespace() => return i - 1,
            (false, _) => {}
        }
    }
    i
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

    /// Only our include is added: numbers keep their spelling (2.50), and
    /// spacing and key order stay byte for byte.
    #[test]
    fn user_presets_text_is_edited_not_rewritten() {
        let original = "{ \"vendor\" : {\"x\": 2.50, \"s\": \"a]b\\\"}\"},\n\t\"version\":6 ,\"include\" : [ \"a.json\" ] }\n";
        let text = user_presets_with_include(Path::new("U.json"), Some(original), "P.json")
            .unwrap()
            .unwrap();
        assert_eq!(
            text,
            original.replace("\"a.json\" ]", "\"a.json\", \"P.json\" ]")
        );
        let empty = "{\"version\": 6, \"include\": [ ], \"z\": 1e3}";
        let text = user_presets_with_include(Path::new("U.json"), Some(empty), "P.json")
            .unwrap()
            .unwrap();
        assert_eq!(
            text,
            "{\"version\": 6, \"include\": [\"P.json\" ], \"z\": 1e3}"
        );
        let none = "{\n  \"zeta\": 2.50,\n  \"version\": 10\n}\n";
        let text = user_presets_with_include(Path::new("U.json"), Some(none), "P.json")
            .unwrap()
            .unwrap();
        assert_eq!(
            text,
            "{\n  \"zeta\": 2.50,\n  \"version\": 10,\n  \"include\": [\"P.json\"]\n}\n"
        );
        let err = user_presets_with_include(
            Path::new("U.json"),
            Some("{\"version\": 6, \"include\": \"x\"}"),
            "P.json",
        )
        .unwrap_err();
        assert!(err.to_string().contains("list of file names"), "{err}");
    }

    #[test]
    fn refuses_user_presets_too_old_for_include() {
        let err =
            user_presets_with_include(Path::new("U.json"), Some(r#"{"version": 3}"#), "P.json")
                .unwrap_err();
        assert!(err.to_string().contains("needs version 4"), "{err}");
        let err =
            user_presets_with_include(Path::new("U.json"), Some("{oops"), "P.json").unwrap_err();
        assert!(
            err.to_string().contains("U.json is not valid JSON"),
            "{err}"
        );
        let cause = std::error::Error::source(&err).map(ToString::to_string);
        assert!(cause.is_some_and(|c| c.contains("line 1")), "{err:?}");
    }
}
