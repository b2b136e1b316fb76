//! Runs `py-build-cmake config --json` on every case under
//! tests/fixtures/config/. A case is a project directory:
//!
//! - `pyproject.toml` and any other files the project needs;
//! - `args.txt`: extra CLI arguments, one per line (optional);
//! - `env.txt`: `NAME=VALUE` lines set for the run (optional);
//! - `expected.json`: what the output must contain (objects are compared
//!   key by key, so a case lists only what it is about; arrays element by
//!   element, values exactly), or `expected-error.txt`: lines that must all appear in the
//!   error message of a failing run.
//!
//! Each case is copied to a temporary directory first; `${PROJECT}` in
//! the case's files stands for that directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Copies a case, with `${PROJECT}` in its files replaced by `project`.
fn copy_dir(from: &Path, to: &Path, project: &str) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target, project);
        } else {
            let text = fs::read_to_string(entry.path()).expect("fixture files are text");
            fs::write(&target, text.replace("${PROJECT}", project)).expect("write fixture file");
        }
    }
}

fn lines(path: &Path, project: &str) -> Vec<String> {
    match fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| l.replace("${PROJECT}", project))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Where `actual` differs from `expected` (objects: only expected keys).
fn mismatches(expected: &Value, actual: &Value, at: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                let path = format!("{at}.{key}");
                match a.get(key) {
                    Some(actual) => mismatches(value, actual, &path, out),
                    None => out.push(format!("{path}: missing")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (e, a)) in e.iter().zip(a).enumerate() {
                mismatches(e, a, &format!("{at}[{i}]"), out);
            }
        }
        _ if expected == actual => {}
        _ => out.push(format!("{at}: expected {expected}, got {actual}")),
    }
}

fn run_case(case: &Path) -> Result<(), String> {
    let work = tempfile::tempdir().map_err(|e| e.to_string())?;
    // Canonical, so it matches the paths the tool prints.
    let project = work
        .path()
        .canonicalize()
        .map_err(|e| e.to_string())?
        .join("project");
    let project_str = project.to_string_lossy().into_owned();
    copy_dir(case, &project, &project_str);

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_py-build-cmake"));
    cmd.current_dir(&project)
        .args(["config", "--json", "--project"])
        .arg(&project)
        .args(lines(&case.join("args.txt"), &project_str));
    for name in ["ARCHFLAGS", "DIST_EXTRA_CONFIG", "MACOSX_DEPLOYMENT_TARGET"] {
        cmd.env_remove(name);
    }
    for line in lines(&case.join("env.txt"), &project_str) {
        let (name, value) = line
            .split_once('=')
            .ok_or(format!("bad env.txt line {line:?}"))?;
        cmd.env(name, value);
    }
    let output = cmd.output().map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    let error_file = case.join("expected-error.txt");
    if error_file.exists() {
        if output.status.success() {
            return Err(format!("expected a failure, but it succeeded:\n{stdout}"));
        }
        if stderr.contains("panicked")
            || stderr.lines().filter(|l| l.contains("error:")).count() != 1
        {
            return Err(format!("expected one clear error message, got:\n{stderr}"));
        }
        let missing: Vec<String> = lines(&error_file, &project_str)
            .into_iter()
            .filter(|l| !stderr.contains(l.as_str()))
            .collect();
        return match missing.is_empty() {
            true => Ok(()),
            false => Err(format!("error message lacks {missing:?}:\n{stderr}")),
        };
    }

    if !output.status.success() {
        return Err(format!("failed:\n{stderr}"));
    }
    let actual: Value =
        serde_json::from_str(&stdout).map_err(|e| format!("bad JSON ({e}):\n{stdout}"))?;
    let expected_text = fs::read_to_string(case.join("expected.json"))
        .map_err(|e| format!("no expected.json or expected-error.txt: {e}"))?
        .replace("${PROJECT}", &project_str);
    let expected: Value =
        serde_json::from_str(&expected_text).map_err(|e| format!("bad expected.json: {e}"))?;
    let mut diffs = Vec::new();
    mismatches(&expected, &actual, "", &mut diffs);
    match diffs.is_empty() {
        true => Ok(()),
        false => Err(format!("{}\nfull output:\n{stdout}", diffs.join("\n"))),
    }
}

#[test]
fn config_fixtures() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config");
    let mut cases: Vec<PathBuf> = fs::read_dir(&root)
        .expect("fixture directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "only {} fixture cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            run_case(case).err().map(|e| {
                format!(
                    "--- {}:\n{e}",
                    case.file_name().unwrap_or_default().to_string_lossy()
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
