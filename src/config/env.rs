//! The environment as the configuration reads it, and `cmake.env`:
//! expanding `$VAR`, `${VAR}` and `$$` against it, entry by entry, so later
//! entries see earlier ones.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;

use super::value::StrEdit;
use super::Error;

/// The process environment, remembering each variable looked up: a
/// configuration that read a variable is stale once that variable changes
/// (the CMake package compares them before reusing its last answer).
#[derive(Debug, Default)]
pub struct Environ {
    /// The variables whose names and values are UTF-8; others cannot be
    /// named in `cmake.env` and are left out rather than refused.
    vars: BTreeMap<String, String>,
    read: RefCell<BTreeSet<String>>,
}

impl Environ {
    pub fn from_process() -> Environ {
        Environ::from_vars(
            std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
        )
    }

    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Environ {
        Environ {
            vars: vars.into_iter().collect(),
            read: RefCell::default(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.read.borrow_mut().insert(name.to_owned());
        self.vars.get(name).map(String::as_str)
    }

    /// Every variable looked up so far, sorted, with its value (`None`:
    /// unset).
    pub fn read(&self) -> Vec<(String, Option<String>)> {
        self.read
            .borrow()
            .iter()
            .map(|name| (name.clone(), self.vars.get(name).cloned()))
            .collect()
    }
}

/// Expands and applies each entry over `environ`; returns the final value
/// of every entry that is still set.
pub fn expand(
    entries: &IndexMap<String, StrEdit>,
    environ: &Environ,
    key: &str,
) -> Result<Vec<(String, String)>, Error> {
    // What earlier entries set (`None`: removed), over the process's values.
    let mut set: BTreeMap<String, Option<String>> = BTreeMap::new();
    let lookup = |set: &BTreeMap<String, Option<String>>, name: &str| match set.get(name) {
        Some(value) => value.clone(),
        None => environ.get(name).map(str::to_owned),
    };
    let mut out = Vec::new();
    for (name, edit) in entries {
        let fail = |message: String| Error::Merge {
            key: format!("{key}.{name}"),
            message,
        };
        let mut edit = edit.clone();
        for part in edit.parts_mut().into_iter().flatten() {
            *part = substitute(part, |name| lookup(&set, name)).map_err(fail)?;
        }
        if let Some(remove) = &mut edit.remove {
            for r in remove.iter_mut() {
                *r = substitute(r, |name| lookup(&set, name)).map_err(fail)?;
            }
        }
        // Appending or prepending extends the variable's current value.
        let extends = [
            &edit.append,
            &edit.prepend,
            &edit.append_path,
            &edit.prepend_path,
        ]
        .iter()
        .any(|p| p.is_some());
        if extends && edit.value.as_deref().is_none_or(str::is_empty) {
            if let Some(current) = lookup(&set, name) {
                edit.value = Some(current);
            }
        }
        match edit.finish() {
            Some(value) => {
                set.insert(name.clone(), Some(value.clone()));
                out.retain(|(n, _)| n != name);
                out.push((name.clone(), value));
            }
            None => {
                set.insert(name.clone(), None);
                out.retain(|(n, _)| n != name);
            }
        }
    }
    Ok(out)
}

/// `$$` is `$`; `$NAME` and `${NAME}` are variables (names of ASCII letters,
/// digits and `_`, not starting with a digit).
fn substitute(text: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let is_name_start = |c: char| c.is_ascii_alphabetic() || c == '_';
        let name_len = |s: &str| {
            s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(s.len())
        };
        let (name, used) = if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        } else if let Some(braced) = after.strip_prefix('{') {
            let len = name_len(braced);
            let valid = braced.starts_with(is_name_start) && braced[len..].starts_with('}');
            if !valid {
                return Err(format!(
                    "invalid placeholder in {text:?}; write $$ for a literal $"
                ));
            }
            (&braced[..len], len + 2)
        } else if after.starts_with(is_name_start) {
            let len = name_len(after);
            (&after[..len], len)
        } else {
            return Err(format!(
                "invalid placeholder in {text:?}; write $$ for a literal $"
            ));
        };
        let value = lookup(name)
            .ok_or_else(|| format!("environment variable {name} is not set (used in {text:?})"))?;
        out.push_str(&value);
        rest = &after[used..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::raw::Action;

    #[test]
    fn expands_like_python_templates() {
        let environ = Environ::from_vars([("HOME".to_owned(), "/h".to_owned())]);
        let lookup = |name: &str| environ.get(name).map(str::to_owned);
        assert_eq!(
            substitute("${HOME}/x:$HOME:$$HOME", lookup).as_deref(),
            Ok("/h/x:/h:$HOME")
        );
        assert!(substitute("$NOPE", lookup).is_err());
        assert!(substitute("a $ b", lookup).is_err());
        assert!(substitute("${1x}", lookup).is_err());
    }

    /// Only what the process gives is an input: a name an earlier entry
    /// set is not read from the process again.
    #[test]
    fn remembers_the_process_variables_it_read() {
        let environ = Environ::from_vars([
            ("A".to_owned(), "a".to_owned()),
            ("UNUSED".to_owned(), "u".to_owned()),
        ]);
        let entries = IndexMap::from([
            (
                "B".to_owned(),
                StrEdit::from_action(Action::Assign, "$A-$C".into()),
            ),
            (
                "D".to_owned(),
                StrEdit::from_action(Action::Assign, "${B}!".into()),
            ),
        ]);
        assert!(expand(&entries, &environ, "cmake.env").is_err());
        assert_eq!(
            environ.read(),
            [
                ("A".to_owned(), Some("a".to_owned())),
                ("C".to_owned(), None)
            ]
        );

        let environ = Environ::from_vars([("A".to_owned(), "a".to_owned())]);
        let entries = IndexMap::from([
            (
                "B".to_owned(),
                StrEdit::from_action(Action::Assign, "$A".into()),
            ),
            (
                "D".to_owned(),
                StrEdit::from_action(Action::Assign, "${B}!".into()),
            ),
        ]);
        assert_eq!(
            expand(&entries, &environ, "cmake.env").unwrap(),
            [
                ("B".to_owned(), "a".to_owned()),
                ("D".to_owned(), "a!".to_owned())
            ]
        );
        assert_eq!(environ.read(), [("A".to_owned(), Some("a".to_owned()))]);
    }
}
