//! Dynamic `version` and `description` read from the module source:
//! `__version__ = "..."` and the first line of the module docstring, found
//! without running Python (like py-build-cmake's AST pass).

use std::path::Path;

use super::{err, Error};

#[derive(Debug, Default)]
pub struct ModuleInfo {
    pub version: Option<String>,
    pub description: Option<String>,
}

/// Reads the fields listed in `dynamic` from the module file `source`.
pub fn read(source: &Path, dynamic: &[String]) -> Result<ModuleInfo, Error> {
    let text = crate::input_file::read_to_string(source).map_err(|e| {
        err(
            "project.dynamic",
            format!("cannot read {}: {e}", source.display()),
        )
    })?;
    let mut info = ModuleInfo::default();
    if dynamic.iter().any(|f| f == "version") {
        info.version = Some(version(&text).ok_or_else(|| {
            err(
                "project.dynamic",
                format!(
                    "{} has no __version__ = \"x.y.z\" to read the version from",
                    source.display()
                ),
            )
        })?);
    }
    if dynamic.iter().any(|f| f == "description") {
        info.description = Some(docstring_summary(&text).ok_or_else(|| {
            err(
                "project.dynamic",
                format!(
                    "{} has no module docstring to read the description from",
                    source.display()
                ),
            )
        })?);
    }
    Ok(info)
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

/// The first non-blank line of the docstring (the first statement, when it
/// is a string literal).
fn docstring_summary(text: &str) -> Option<String> {
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
    let (doc, _) = string_literal(rest)?;
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
        assert_eq!(docstring_summary(text).as_deref(), Some("Fast things."));
        assert_eq!(docstring_summary("import x\n\"\"\"doc\"\"\"\n"), None);
        assert_eq!(version("__version__ = get()\n"), None);
    }
}
