//! `license` (an SPDX expression, or the legacy `{file}` / `{text}` table)
//! and `license-files` (globs that must each match a file), PEP 639.

use std::path::Path;

use super::{err, Error, License, LicenseFile};

/// The license and, for `license = { file = ... }`, that file.
pub fn read(
    value: Option<&toml::Value>,
    project_dir: &Path,
    classifiers: &[String],
) -> Result<(Option<License>, Option<LicenseFile>), Error> {
    let key = "project.license";
    match value {
        None => Ok((None, None)),
        Some(toml::Value::String(given)) => {
            let expr = canonical_expression(given).map_err(|m| {
                err(
                    key,
                    format!("{given:?} is not a valid SPDX license expression: {m}"),
                )
            })?;
            if classifiers.iter().any(|c| c.starts_with("License ::")) {
                return Err(err(
                    "project.classifiers",
                    "License :: classifiers cannot be combined with a license expression (PEP 639); remove them",
                ));
            }
            Ok((Some(License::Expression(expr)), None))
        }
        Some(toml::Value::Table(t)) => match (t.get("file"), t.get("text"), t.len()) {
            (Some(toml::Value::String(file)), None, 1) => {
                let relative = relative_path(file, &format!("{key}.file"))?;
                let source = project_dir.join(&relative);
                let text = crate::input_file::read_to_string(&source).map_err(|e| {
                    err(
                        format!("{key}.file"),
                        format!("cannot read {}: {e}", source.display()),
                    )
                })?;
                Ok((
                    Some(License::Text(text)),
                    Some(LicenseFile { source, relative }),
                ))
            }
            (None, Some(toml::Value::String(text)), 1) => {
                Ok((Some(License::Text(text.clone())), None))
            }
            _ => Err(err(
                key,
                "expected a string (SPDX expression) or a table with exactly one of file and text",
            )),
        },
        Some(other) => Err(err(
            key,
            format!(
                "expected an SPDX expression string, got {}",
                other.type_str()
            ),
        )),
    }
}

/// A project-relative path with `/`, refusing absolute paths and `..`.
fn relative_path(given: &str, key: &str) -> Result<String, Error> {
    let path = given.replace('\\', "/");
    if path.starts_with('/') || Path::new(given).is_absolute() || path.split('/').any(|p| p == "..")
    {
        return Err(err(
            key,
            format!("{given:?} must be relative to the project directory, without '..'"),
        ));
    }
    Ok(path.trim_start_matches("./").to_owned())
}

/// Expands the `license-files` globs, sorted and without duplicates.
pub fn files(value: Option<&toml::Value>, project_dir: &Path) -> Result<Vec<LicenseFile>, Error> {
    let key = "project.license-files";
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let patterns = super::string_list(value, key)?;
    let base = glob::Pattern::escape(&project_dir.to_string_lossy());
    let mut out: Vec<LicenseFile> = Vec::new();
    for pattern in patterns {
        let relative = relative_path(&pattern, key)?;
        let full = format!("{base}/{relative}");
        let matches = glob::glob(&full)
            .map_err(|e| err(key, format!("{pattern:?} is not a valid glob: {e}")))?;
        let mut found = false;
        for entry in matches {
            let path = entry.map_err(|e| err(key, format!("while expanding {pattern:?}: {e}")))?;
            if !path.is_file() {
                continue;
            }
            found = true;
            let rel = path
                .strip_prefix(project_dir)
                .map(|p| {
                    p.components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .unwrap_or_default();
            out.push(LicenseFile {
                source: path,
                relative: rel,
            });
        }
        if !found {
            return Err(err(
                key,
                format!("{pattern:?} matches no file in {}", project_dir.display()),
            ));
        }
    }
    out.sort_by(|a, b| a.relative.cmp(&b.relative));
    out.dedup_by(|a, b| a.relative == b.relative);
    Ok(out)
}

/// Checks the grammar of an SPDX expression (license ids, optionally `+`,
/// `LicenseRef-...`, `WITH` exceptions, `AND`, `OR` and parentheses) and
/// returns it with upper-case operators and single spaces, as `packaging`
/// canonicalizes it.
fn canonical_expression(expr: &str) -> Result<String, String> {
    let spaced = expr.replace('(', " ( ").replace(')', " ) ");
    let tokens: Vec<String> = spaced
        .split_whitespace()
        .map(|t| match t.to_ascii_uppercase().as_str() {
            op @ ("AND" | "OR" | "WITH") => op.to_owned(),
            _ => t.to_owned(),
        })
        .collect();
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let mut pos = 0;
    expression(&tokens, &mut pos)?;
    if let Some(t) = tokens.get(pos) {
        return Err(format!("unexpected {t:?}"));
    }
    Ok(tokens.join(" ").replace("( ", "(").replace(" )", ")"))
}

fn expression(tokens: &[&str], pos: &mut usize) -> Result<(), String> {
    term(tokens, pos)?;
    while let Some(&op) = tokens.get(*pos) {
        if op != "AND" && op != "OR" {
            if op.eq_ignore_ascii_case("and") || op.eq_ignore_ascii_case("or") {
                return Err(format!(
                    "operators are upper case: write {}",
                    op.to_ascii_uppercase()
                ));
            }
            break;
        }
        *pos += 1;
        term(tokens, pos)?;
    }
    Ok(())
}

fn term(tokens: &[&str], pos: &mut usize) -> Result<(), String> {
    match tokens.get(*pos) {
        None => Err("expected a license identifier at the end".into()),
        Some(&"(") => {
            *pos += 1;
            expression(tokens, pos)?;
            if tokens.get(*pos) != Some(&")") {
                return Err("missing ')'".into());
            }
            *pos += 1;
            Ok(())
        }
        Some(&id) => {
            identifier(id)?;
            *pos += 1;
            if tokens.get(*pos) == Some(&"WITH") {
                *pos += 1;
                let exception = tokens.get(*pos).ok_or("expected an exception after WITH")?;
                identifier(exception)?;
                *pos += 1;
            }
            Ok(())
        }
    }
}

fn identifier(id: &str) -> Result<(), String> {
    let core = id.strip_suffix('+').unwrap_or(id);
    let valid = !core.is_empty()
        && !["AND", "OR", "WITH", "(", ")"].contains(&core)
        && core
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b':');
    if valid {
        Ok(())
    } else {
        Err(format!("{id:?} is not a license identifier"))
    }
}

#[cfg(test)]
mod tests {
    use super::canonical_expression;

    #[test]
    fn expressions() {
        let cases = [
            ("MIT", "MIT"),
            ("MIT or  Apache-2.0", "MIT OR Apache-2.0"),
            (
                "( MIT OR Apache-2.0 ) and GPL-2.0+ with Classpath-exception-2.0",
                "(MIT OR Apache-2.0) AND GPL-2.0+ WITH Classpath-exception-2.0",
            ),
            ("LicenseRef-Mine", "LicenseRef-Mine"),
        ];
        for (given, canonical) in cases {
            assert_eq!(
                canonical_expression(given).as_deref(),
                Ok(canonical),
                "{given}"
            );
        }
        for bad in ["", "MIT OR", "(MIT", "MIT Apache", "M I T", "MIT AND (OR)"] {
            assert!(canonical_expression(bad).is_err(), "{bad}");
        }
    }
}
