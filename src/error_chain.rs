//! The rule main.rs's printer relies on: an error that keeps its cause as
//! `#[source]` never repeats the cause's text in its own message, so each
//! cause is printed once ("caused by: ..."). Two kinds of test keep it:
//! `no_message_formats_its_source` reads every `#[error(...)]` in src/ and
//! fails on one that formats its source field, and the per-layer tests
//! print real chains (real I/O and JSON causes) through several layers.

use std::error::Error as StdError;

/// Asserts that no message in `err`'s chain contains the next one's text.
pub fn assert_each_cause_once(err: &dyn StdError) {
    let mut messages = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        messages.push(cause.to_string());
        source = cause.source();
    }
    assert!(messages.len() > 1, "{err:?} has no cause");
    for pair in messages.windows(2) {
        assert!(
            !pair[0].contains(&pair[1]),
            "the message {:?} repeats its cause {:?}",
            pair[0],
            pair[1]
        );
    }
}

/// A real I/O error: reading a directory as a file.
pub fn io_error() -> std::io::Error {
    let dir = tempfile::tempdir().unwrap();
    std::fs::read_to_string(dir.path()).unwrap_err()
}

pub fn json_error() -> serde_json::Error {
    serde_json::from_str::<serde_json::Value>("{\"a\": ").unwrap_err()
}

/// The `#[error(...)]` attributes of a source text that format a field
/// holding the error's source (`#[source]`, `#[from]`, or named `source`),
/// as "Item: field".
fn messages_formatting_their_source(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[error(") {
        rest = &rest[at + "#[error(".len()..];
        let Some(attr_len) = balanced(rest, '(', ')') else {
            break;
        };
        let message = &rest[..attr_len];
        rest = &rest[attr_len + 1..];
        if message.trim() == "transparent" {
            continue;
        }
        // The item the attribute is on: `[pub] [struct] Name` then its fields.
        let item = rest.trim_start().trim_start_matches(']').trim_start();
        let item = item.strip_prefix("pub ").unwrap_or(item);
        let item = item.strip_prefix("struct ").unwrap_or(item);
        let name_len = item
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(item.len());
        let (name, body) = item.split_at(name_len);
        let body = body.trim_start();
        let (tuple, open, close) = match body.chars().next() {
            Some('(') => (true, '(', ')'),
            Some('{') => (false, '{', '}'),
            _ => continue,
        };
        let Some(fields_len) = balanced(&body[1..], open, close) else {
            continue;
        };
        for (index, field) in top_level_fields(&body[1..1 + fields_len]).enumerate() {
            let attrs_end = field.rfind(']').map_or(0, |i| i + 1);
            let declared = field[attrs_end..].trim();
            let declared = declared.strip_prefix("pub ").unwrap_or(declared);
            let field_name = match tuple {
                true => index.to_string(),
                false => declared.split(':').next().unwrap_or("").trim().to_owned(),
            };
            let is_source = field[..attrs_end].contains("#[source]")
                || field[..attrs_end].contains("#[from]")
                || field_name == "source";
            if is_source && formats(message, &field_name) {
                found.push(format!("{name}: {field_name}"));
            }
        }
    }
    found
}

/// The length of `text` up to the `close` that ends the group `text` is
/// inside of (string literals skipped).
fn balanced(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == open {
            depth += 1;
        } else if c == close {
            if depth == 0 {
                return Some(i);
            }
            depth -= 1;
        }
    }
    None
}

/// The comma-separated fields of a variant, commas inside `<>`, `()`, `[]`
/// and `{}` not counting.
fn top_level_fields(fields: &str) -> impl Iterator<Item = &str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in fields.char_indices() {
        match c {
            '<' | '(' | '[' | '{' => depth += 1,
            '>' | ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&fields[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&fields[start..]);
    parts.into_iter().filter(|f| !f.trim().is_empty())
}

/// Whether an error attribute's text uses `field`: `{field}`, `{field:?}`,
/// or `.field` / `field` among its format arguments.
fn formats(message: &str, field: &str) -> bool {
    let placeholder = ["}", ":", "."]
        .iter()
        .any(|end| message.contains(&format!("{{{field}{end}")));
    let words = message
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| *w == field);
    // In the format string itself a bare word is prose ("source" may be a
    // word of the message); only after its closing quote is it an argument.
    let arguments = message.rfind('"').map_or("", |end| &message[end..]);
    let in_arguments = arguments
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| w == field);
    placeholder || (in_arguments && words.count() > 0)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    /// Every `.rs` file under `dir`, without the file's unit tests.
    fn sources(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).expect("listing src/") {
            let path = entry.expect("listing src/").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("reading a source file");
                let code = match text.find("#[cfg(test)]\nmod tests") {
                    Some(at) => text[..at].to_owned(),
                    None => text,
                };
                out.push((path, code));
            }
        }
    }

    #[test]
    fn no_message_formats_its_source() {
        let mut files = Vec::new();
        sources(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut attributes = 0;
        let mut repeated = Vec::new();
        for (path, text) in &files {
            attributes += text.matches("#[error(").count();
            for item in messages_formatting_their_source(text) {
                repeated.push(format!("{}: {item}", path.display()));
            }
        }
        assert!(
            attributes > 100,
            "only {attributes} #[error] attributes found"
        );
        assert!(
            repeated.is_empty(),
            "these messages format their own source, which main.rs prints again \
             as \"caused by\"; drop it from the message:\n{}",
            repeated.join("\n")
        );
    }

    #[test]
    fn the_scanner_sees_sources_in_every_spelling() {
        let text = r#"
            pub enum Error {
                #[error("fine: {path}")]
                Fine { path: PathBuf, #[source] source: io::Error },
                #[error("named: {source}")]
                Named { source: io::Error },
                #[error("marked: {inner:?}")]
                Marked { #[source] inner: io::Error },
                #[error(transparent)]
                Transparent(#[from] io::Error),
                #[error("tuple: {0}")]
                Tuple(#[from] Box<dyn std::error::Error>),
                #[error("tuple fine: {0}", )]
                TupleFine(String, #[source] io::Error),
                #[error("argument: {}", .1.to_string())]
                Argument(String, #[source] io::Error),
                #[error("the source of a \"quote\" (source)")]
                Prose { source: io::Error },
            }
            #[derive(Debug, thiserror::Error)]
            #[error("struct: {source}")]
            pub struct Wrapper { source: io::Error }
        "#;
        assert_eq!(
            messages_formatting_their_source(text),
            [
                "Named: source",
                "Marked: inner",
                "Tuple: 0",
                "Argument: 1",
                "Wrapper: source"
            ]
        );
    }

    fn path() -> PathBuf {
        PathBuf::from("/project/some/file")
    }

    #[test]
    fn the_checker_catches_a_repeated_cause() {
        #[derive(Debug, thiserror::Error)]
        #[error("while reading: {source}")]
        struct Repeats {
            source: std::io::Error,
        }
        let err = Repeats { source: io_error() };
        let check = std::panic::AssertUnwindSafe(|| assert_each_cause_once(&err));
        assert!(std::panic::catch_unwind(check).is_err());
    }

    #[test]
    fn config_errors_print_each_cause_once() {
        assert_each_cause_once(&crate::config::Error::Io {
            path: path(),
            source: io_error(),
        });
    }

    #[test]
    fn python_target_errors_print_each_cause_once() {
        use crate::python_target::Error;
        assert_each_cause_once(&Error::InterpreterNotRunnable {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::InterpreterGarbage {
            path: path(),
            output: "{\"a\": ".into(),
            source: json_error(),
        });
    }

    #[test]
    fn wheel_errors_print_each_cause_once() {
        use crate::wheel::Error;
        assert_each_cause_once(&Error::Staging {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Archive(crate::archive::Error::BrokenSymlink {
            link: path(),
            source: io_error(),
        }));
        assert_each_cause_once(&Error::LicenseMissing {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::OutDir {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Io {
            context: "while packing the wheel".into(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Manylinux(crate::manylinux::Error::Elf(
            crate::elf::Error::Io {
                path: path(),
                source: io_error(),
            },
        )));
        assert_each_cause_once(&Error::Bundle(crate::bundle::Error::Io {
            path: path(),
            source: io_error(),
        }));
    }

    #[test]
    fn sdist_errors_print_each_cause_once() {
        use crate::sdist::Error;
        assert_each_cause_once(&Error::Read {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Write {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Module(crate::module_source::Error::Walk {
            path: path(),
            source: crate::archive::Error::Io {
                context: format!("cannot list {}", path().display()),
                source: io_error(),
            },
        }));
    }

    #[test]
    fn presets_errors_print_each_cause_once() {
        use crate::presets::Error;
        assert_each_cause_once(&Error::Read {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Write {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Json {
            path: path(),
            source: json_error(),
        });
    }

    #[test]
    fn json_causes_stay_causes() {
        assert_each_cause_once(&crate::pep517::Error::Json(json_error()));
        assert_each_cause_once(&crate::manylinux::Error::Policy(json_error()));
    }

    #[test]
    fn editable_errors_print_each_cause_once() {
        use crate::editable::Error;
        assert_each_cause_once(&Error::Resolve {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Archive(crate::archive::Error::Io {
            context: format!("cannot write {}", path().display()),
            source: io_error(),
        }));
    }

    #[test]
    fn install_inputs_errors_print_each_cause_once() {
        use crate::install_inputs::Error;
        assert_each_cause_once(&Error::Read {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Query {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Reply {
            path: path(),
            reply_dir: path(),
            source: json_error().into(),
        });
        assert_each_cause_once(&Error::Walk {
            path: path(),
            source: crate::archive::Error::Io {
                context: format!("cannot list {}", path().display()),
                source: io_error(),
            },
        });
    }

    #[test]
    fn stubgen_errors_print_each_cause_once() {
        use crate::stubgen::Error;
        assert_each_cause_once(&Error::Spawn {
            program: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Copy {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Walk {
            path: path(),
            source: crate::archive::Error::Io {
                context: format!("cannot list {}", path().display()),
                source: io_error(),
            },
        });
    }

    #[test]
    fn driver_errors_print_each_cause_once() {
        use crate::driver::Error;
        assert_each_cause_once(&Error::Spawn {
            command: "cmake -S . -B build".into(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Stage(crate::stage::Error::Fresh {
            path: path(),
            source: io_error(),
        }));
        let dir = tempfile::tempdir().unwrap();
        let cache = crate::cmake_cache::CmakeCache::read(dir.path()).unwrap_err();
        assert_each_cause_once(&Error::Cache(cache));
    }

    #[test]
    fn stage_errors_print_each_cause_once() {
        use crate::stage::Error;
        assert_each_cause_once(&Error::Fresh {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Stubgen(crate::stubgen::Error::Spawn {
            program: path(),
            source: io_error(),
        }));
    }

    #[test]
    fn command_errors_print_each_cause_once() {
        use crate::commands::Error;
        assert_each_cause_once(&Error::CrossToolchain(
            crate::cross_toolchain::Error::ToolchainMissing { path: path() },
        ));
        assert_each_cause_once(&Error::Stdout(io_error()));
        assert_each_cause_once(&Error::Io {
            context: "while writing the file list".into(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Json {
            context: "while writing the configuration as JSON".into(),
            source: json_error(),
        });
        // The layers below keep their chain through a command's error.
        assert_each_cause_once(&Error::Presets(crate::presets::Error::Read {
            path: PathBuf::from("CMakeUserPresets.json"),
            source: io_error(),
        }));
    }
}
