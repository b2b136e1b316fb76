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
                let file_key = format!("{key}.file");
                let relative =
                    crate::names::project_file(project_dir, file).map_err(|m| err(&file_key, m))?;
                let source = project_dir.join(&relative);
                let text = crate::input_file::read_to_string(&source).map_err(|e| {
                    err(&file_key, format!("cannot read {}: {e}", source.display()))
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

/// Expands the `license-files` globs, sorted and without duplicates.
pub fn files(value: Option<&toml::Value>, project_dir: &Path) -> Result<Vec<LicenseFile>, Error> {
    let key = "project.license-files";
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let patterns = super::string_list(value, key)?;
    let mut out: Vec<LicenseFile> = Vec::new();
    for (i, pattern) in patterns.iter().enumerate() {
        let key = format!("{key}[{i}]");
        let key = key.as_str();
        let relative = crate::names::project_file(project_dir, pattern).map_err(|m| err(key, m))?;
        let matches = crate::archive::expand_glob(project_dir, &relative, key)
            .map_err(|e| err(key, e.to_string()))?;
        let mut found = false;
        for path in matches {
            if !path.is_file() {
                continue;
            }
            found = true;
            let rel = crate::names::below(project_dir, &path).ok_or_else(|| {
                err(
                    key,
                    format!(
                        "{pattern:?} matches {}, which is not below {}",
                        path.display(),
                        project_dir.display()
                    ),
                )
            })?;
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

/// Checks an SPDX expression (license ids of the SPDX list, optionally `+`,
/// `LicenseRef-...`, `WITH` exceptions of the list, `AND`, `OR` and
/// parentheses) and returns it as `packaging` canonicalizes it: operators
/// upper case, ids spelled as the list spells them, single spaces.
fn canonical_expression(expr: &str) -> Result<String, String> {
    let spaced = expr.replace('(', " ( ").replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut parser = Parser {
        tokens: &tokens,
        pos: 0,
        out: Vec::new(),
    };
    parser.expression(0)?;
    if let Some(t) = tokens.get(parser.pos) {
        return Err(format!("unexpected {t:?}"));
    }
    Ok(parser.out.join(" ").replace("( ", "(").replace(" )", ")"))
}

/// Deeper nesting is refused rather than recursed into.
const MAX_DEPTH: usize = 100;

struct Parser<'t> {
    tokens: &'t [&'t str],
    pos: usize,
    /// The canonical tokens so far.
    out: Vec<String>,
}

impl Parser<'_> {
    fn operator(&self) -> Option<String> {
        self.tokens
            .get(self.pos)
            .map(|t| t.to_ascii_uppercase())
            .filter(|t| matches!(t.as_str(), "AND" | "OR" | "WITH"))
    }

    fn expression(&mut self, depth: usize) -> Result<(), String> {
        self.term(depth)?;
        while let Some(op) = self.operator().filter(|op| op != "WITH") {
            self.out.push(op);
            self.pos += 1;
            self.term(depth)?;
        }
        Ok(())
    }

    fn term(&mut self, depth: usize) -> Result<(), String> {
        match self.tokens.get(self.pos) {
            None => Err("expected a license identifier at the end".into()),
            Some(&"(") => {
                if depth >= MAX_DEPTH {
                    return Err(format!("nested more than {MAX_DEPTH} levels deep"));
                }
                self.out.push("(".into());
                self.pos += 1;
                self.expression(depth + 1)?;
                if self.tokens.get(self.pos) != Some(&")") {
                    return Err("missing ')'".into());
                }
                self.out.push(")".into());
                self.pos += 1;
                Ok(())
            }
            Some(&id) => {
                self.out.push(license_id(id)?);
                self.pos += 1;
                if self.operator().as_deref() == Some("WITH") {
                    self.out.push("WITH".into());
                    self.pos += 1;
                    let exception = self
                        .tokens
                        .get(self.pos)
                        .ok_or("expected an exception after WITH")?;
                    self.out.push(exception_id(exception)?);
                    self.pos += 1;
                }
                Ok(())
            }
        }
    }
}

/// A license of the SPDX list (any case, optionally `+`) or `LicenseRef-...`,
/// spelled as the list spells it.
fn license_id(token: &str) -> Result<String, String> {
    const REF: &str = "LicenseRef-";
    if token.len() >= REF.len() && token[..REF.len()].eq_ignore_ascii_case(REF) {
        let rest = &token[REF.len()..];
        if rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        {
            return Ok(format!("{REF}{rest}"));
        }
        return Err(format!(
            "{token:?} is not a valid LicenseRef: after LicenseRef- only letters, digits, '.' and '-'"
        ));
    }
    let (id, plus) = match token.strip_suffix('+') {
        Some(id) => (id, "+"),
        None => (token, ""),
    };
    spdx::identifiers::LICENSES
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(id))
        .map(|l| format!("{}{plus}", l.name))
        .ok_or_else(|| {
            format!("unknown license {token:?}: use an id of the SPDX license list or LicenseRef-<name>")
        })
}

fn exception_id(token: &str) -> Result<String, String> {
    spdx::identifiers::EXCEPTIONS
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(token))
        .map(|e| e.name.to_owned())
        .ok_or_else(|| {
            format!("unknown license exception {token:?}: use an exception of the SPDX list")
        })
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
            (
                "mit and (apache-2.0 or bsd-2-clause)",
                "MIT AND (Apache-2.0 OR BSD-2-Clause)",
            ),
            ("licenseref-x.1", "LicenseRef-x.1"),
            (
                "gpl-2.0-only WITH llvm-exception",
                "GPL-2.0-only WITH LLVM-exception",
            ),
        ];
        for (given, canonical) in cases {
            assert_eq!(
                canonical_expression(given).as_deref(),
                Ok(canonical),
                "{given}"
            );
        }
        let bad = [
            "",
            "MIT OR",
            "(MIT",
            "MIT Apache",
            "M I T",
            "MIT AND (OR)",
            "Use-it-after-midnight",
            "MIT WITH Not-An-Exception",
            "LicenseRef-a_b",
            "MIT WITH",
            "WITH MIT",
            "MIT)",
        ];
        for bad in bad {
            assert!(canonical_expression(bad).is_err(), "{bad}");
        }
    }
}
