//! Dynamic `version` and `description` read from the module source:
//! `__version__ = "..."` and the first line of the module docstring, found
//! without running Python (like py-build-cmake's AST pass). When that finds
//! nothing, the module is imported by the build interpreter, as
//! py-build-cmake falls back to doing (`from .about import __version__`).

use std::path::Path;
use std::process::Command;

use super::{err, Error};

#[derive(Debug, Default)]
pub struct ModuleInfo {
    pub version: Option<String>,
    pub description: Option<String>,
}

/// Imports the file as a package or module (relative imports work), with
/// anything it prints sent to stderr, and prints its `__doc__` and
/// `__version__` as JSON.
const IMPORT_SCRIPT: &str = r#"
import importlib.util, json, sys
del sys.path[0]
path = sys.argv[1]
spec = importlib.util.spec_from_file_location("_py_build_cmake_dynamic", path)
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
stdout, sys.stdout = sys.stdout, sys.stderr
spec.loader.exec_module(module)
sys.stdout = stdout
version = module.__dict__.get("__version__")
json.dump({"doc": module.__dict__.get("__doc__"), "version": version,
           "version_type": type(version).__name__}, sys.stdout)
"#;

/// Reads the fields listed in `dynamic` from the module file `source`;
/// `python` imports it when the static read finds a field missing.
pub fn read(source: &Path, dynamic: &[String], python: &Path) -> Result<ModuleInfo, Error> {
    let text = crate::input_file::read_to_string(source).map_err(|e| {
        err(
            "project.dynamic",
            format!("cannot read {}: {e}", source.display()),
        )
    })?;
    let want_version = dynamic.iter().any(|f| f == "version");
    let want_description = dynamic.iter().any(|f| f == "description");
    let mut version = version(&text);
    let mut doc = docstring(&text);
    let mut import_error = None;
    if (want_version && version.is_none())
        || (want_description && doc.as_deref().and_then(summary).is_none())
    {
        // Like py-build-cmake, both fields then come from the import.
        match import_module(source, python) {
            Ok(imported) => (doc, version) = imported,
            Err(e) => import_error = Some(e),
        }
    }
    let tried = |what: &str| match &import_error {
        Some(e) => format!(
            "{} has no {what}, and importing it with {} failed: {e}",
            source.display(),
            python.display()
        ),
        None => format!(
            "{} has no {what}, not even when imported with {}",
            source.display(),
            python.display()
        ),
    };
    let mut info = ModuleInfo::default();
    if want_version {
        info.version = Some(version.ok_or_else(|| {
            err(
                "project.dynamic",
                tried("__version__ = \"x.y.z\" to read the version from"),
            )
        })?);
    }
    if want_description {
        info.description = Some(doc.as_deref().and_then(summary).ok_or_else(|| {
            err(
                "project.dynamic",
                tried("module docstring to read the description from"),
            )
        })?);
    }
    Ok(info)
}

/// `(docstring, __version__)` of the imported module.
fn import_module(source: &Path, python: &Path) -> Result<(Option<String>, Option<String>), String> {
    let output = Command::new(python)
        .arg("-c")
        .arg(IMPORT_SCRIPT)
        .arg(source)
        .current_dir(source.parent().unwrap_or(Path::new(".")))
        .output()
        .map_err(|e| format!("cannot run it: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.trim_end().lines().last().unwrap_or("no message");
        return Err(last.to_owned());
    }
    let answer: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("unreadable answer ({e})"))?;
    let version = match &answer["version"] {
        serde_json::Value::String(v) => Some(v.clone()),
        serde_json::Value::Null => None,
        _ => {
            return Err(format!(
                "__version__ is of type {}, not str",
                answer["version_type"].as_str().unwrap_or("?")
            ))
        }
    };
    Ok((answer["doc"].as_str().map(str::to_owned), version))
}

/// The string literal assigned to `__version__` at the top level.
fn version(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix("__version__")?.trim_start();
        // An annotation (`__version__: str = ...`) may come first.
        let rest = match rest.strip_prefix(':') {
            Some(annotated) => annotated.split_once('=')?.1,
            None => rest.strip_prefix('=')?,
        };
        let (literal, _) = string_literal(rest.trim_start())?;
        Some(literal)
    })
}

/// The docstring: the first statement, when it is a string literal.
fn docstring(text: &str) -> Option<String> {
    let mut rest = text.trim_start_matches('\u{feff}');
    // Skip blank lines and comments before the first statement.
    loop {
        let trimmed = rest.trim_start();
        if let Some(comment) = trimmed.strip_prefix('#') {
            rest = comment.split_once('\n').map_or("", |(_, r)| r);
        } else {
            rest = trimmed;
            break;
        }
    }
    string_literal(rest).map(|(doc, _)| doc)
}

/// The summary py-build-cmake takes from a docstring: its first non-blank line.
fn summary(doc: &str) -> Option<String> {
    doc.trim_start()
        .lines()
        .next()
        .map(|l| l.trim_end().to_owned())
        .filter(|l| !l.is_empty())
}

/// A Python string literal at the start of `text` (optional r/u prefix, any
/// quote style); returns its value and the rest.
fn string_literal(text: &str) -> Option<(String, &str)> {
    let (raw, text) = match text.as_bytes().first()? {
        b'r' | b'R' => (true, &text[1..]),
        b'u' | b'U' => (false, &text[1..]),
        _ => (false, text),
    };
    let quote = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|q| text.starts_with(q))?;
    let body = &text[quote.len()..];
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        if body[i..].starts_with(quote) {
            return Some((value, &body[i + quote.len()..]));
        }
        match c {
            '\n' if quote.len() == 1 => return None,
            '\\' if !raw => match chars.next()?.1 {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                '\n' => {}
                other => value.push(other),
            },
            _ => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_version_and_docstring() {
        let text = "#!/usr/bin/env python\n# comment\n\"\"\"\n  Fast things.\n\n  More.\n\"\"\"\n__version__: str = '1.2.3'\n";
        assert_eq!(version(text).as_deref(), Some("1.2.3"));
        assert_eq!(
            docstring(text).as_deref().and_then(summary).as_deref(),
            Some("Fast things.")
        );
        assert_eq!(docstring("import x\n\"\"\"doc\"\"\"\n"), None);
        assert_eq!(version("__version__ = get()\n"), None);
    }

    fn dynamic_fields() -> Vec<String> {
        vec!["version".into(), "description".into()]
    }

    #[test]
    fn imports_the_module_when_the_version_is_not_a_literal() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("pkg");
        std::fs::create_dir(&pkg).unwrap();
        std::fs::write(
            pkg.join("__init__.py"),
            "\"\"\"Imported doc.\"\"\"\nfrom .__about__ import __version__\nprint('noise')\n",
        )
        .unwrap();
        std::fs::write(pkg.join("__about__.py"), "__version__ = '1.0.post1'\n").unwrap();
        let python = crate::python_target::default_interpreter();
        let info = read(&pkg.join("__init__.py"), &dynamic_fields(), &python).unwrap();
        assert_eq!(info.version.as_deref(), Some("1.0.post1"));
        assert_eq!(info.description.as_deref(), Some("Imported doc."));
    }

    #[test]
    fn a_failed_import_says_what_was_tried() {
        let dir = tempfile::tempdir().unwrap();
        let module = dir.path().join("mod.py");
        std::fs::write(&module, "from missing_thing import __version__\n").unwrap();
        let python = crate::python_target::default_interpreter();
        let error = read(&module, &dynamic_fields(), &python).unwrap_err();
        assert!(error.message.contains("has no __version__"), "{error}");
        assert!(error.message.contains("importing it with"), "{error}");
        assert!(error.message.contains("ModuleNotFoundError"), "{error}");
        std::fs::write(&module, "__version__ = 3\n").unwrap();
        let error = read(&module, &dynamic_fields(), &python).unwrap_err();
        assert!(
            error.message.contains("__version__ is of type int"),
            "{error}"
        );
    }
}
