//! The fallback while no File API reply describes the tree: the generated
//! install scripts (`cmake_install.cmake`, the top-level one including
//! those of the subdirectories) and every absolute source path their
//! `file(INSTALL ...)` calls name, whatever the component.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{add_tree, Error};

pub fn install_inputs(binary_dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    let mut scripts = vec![binary_dir.join("cmake_install.cmake")];
    let mut seen = BTreeSet::new();
    while let Some(script) = scripts.pop() {
        if !seen.insert(script.clone()) || !script.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&script).map_err(|source| Error::Read {
            path: script.clone(),
            source,
        })?;
        found.push(script);
        for call in calls(&text) {
            let args = quoted_arguments(call.arguments);
            match call.name {
                "include" => scripts.extend(
                    args.into_iter()
                        .filter(|a| a.ends_with("cmake_install.cmake"))
                        .map(PathBuf::from),
                ),
                "file" if call.arguments.trim_start().starts_with("INSTALL ") => {
                    for path in args.into_iter().map(PathBuf::from) {
                        if path.is_absolute() && path.exists() {
                            add_tree(&path, &mut found)?;
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(found)
}

struct Call<'a> {
    name: &'a str,
    arguments: &'a str,
}

/// The `include(...)` and `file(...)` calls of a generated script, with
/// their argument text (quoted arguments may hold parentheses).
fn calls(text: &str) -> Vec<Call<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let before = &rest[..open];
        let name_start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let name = &before[name_start..];
        let body = &rest[open + 1..];
        let end = closing_paren(body).unwrap_or(body.len());
        if matches!(name, "include" | "file") {
            out.push(Call {
                name,
                arguments: &body[..end],
            });
            rest = &body[end..];
        } else {
            rest = body;
        }
    }
    out
}

/// Where the argument list starting at `body` closes, outside quotes.
fn closing_paren(body: &str) -> Option<usize> {
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            ')' if !in_quotes => return Some(i),
            _ => {}
        }
    }
    None
}

/// Every quoted argument, unescaped; those holding a variable reference
/// (`${`) are not literal paths and are left out.
fn quoted_arguments(arguments: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = arguments.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut raw = String::new();
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => {
                    if let Some(next) = chars.next() {
                        raw.push('\\');
                        raw.push(next);
                        value.push(next);
                    }
                }
                c => {
                    raw.push(c);
                    value.push(c);
                }
            }
        }
        if !raw.contains("${") {
            out.push(value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_includes_and_install_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let sub = root.join("sub");
        std::fs::create_dir_all(sub.join("data/__pycache__")).unwrap();
        std::fs::write(sub.join("data/a (1).txt"), "").unwrap();
        std::fs::write(sub.join("data/__pycache__/x.pyc"), "").unwrap();
        std::fs::write(root.join("lib$x.so"), "").unwrap();
        let top = format!(
            "if(CMAKE_INSTALL_COMPONENT STREQUAL \"lib\")\n  file(INSTALL DESTINATION \
             \"${{CMAKE_INSTALL_PREFIX}}/pkg\" TYPE SHARED_LIBRARY FILES \"{}/lib$x.so\")\nendif()\n\
             include(\"{}/sub/cmake_install.cmake\")\n",
            root.display(),
            root.display()
        );
        std::fs::write(root.join("cmake_install.cmake"), top).unwrap();
        let inner = format!(
            "file(INSTALL DESTINATION \"${{CMAKE_INSTALL_PREFIX}}/d\" TYPE DIRECTORY FILES \
             \"{}/data\" REGEX \"/x\\\\.\\\"y\\\"$\" EXCLUDE)\nfile(MAKE_DIRECTORY \"{}/other\")\n",
            sub.display(),
            root.display()
        );
        std::fs::write(sub.join("cmake_install.cmake"), inner).unwrap();
        let mut found = install_inputs(root).unwrap();
        found.sort();
        let expected: Vec<PathBuf> = [
            "cmake_install.cmake",
            "lib$x.so",
            "sub/cmake_install.cmake",
            "sub/data",
            "sub/data/a (1).txt",
        ]
        .iter()
        .map(|p| root.join(p))
        .collect();
        assert_eq!(found, expected);
    }
}
