//! `cmake.env`: expanding `$VAR`, `${VAR}` and `$$` against the
//! environment, entry by entry, so later entries see earlier ones.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use super::value::StrEdit;
use super::Error;

/// Expands and applies each entry to `environ`; returns the final value of
/// every entry that is still set.
pub fn expand(
    entries: &IndexMap<String, StrEdit>,
    environ: &mut BTreeMap<String, String>,
    key: &str,
) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::new();
    for (name, edit) in entries {
        let fail = |message: String| Error::Merge {
            key: format!("{key}.{name}"),
            message,
        };
        let mut edit = edit.clone();
        for part in edit.parts_mut().into_iter().flatten() {
            *part = substitute(part, environ).map_err(fail)?;
        }
        if let Some(remove) = &mut edit.remove {
            for r in remove.iter_mut() {
                *r = substitute(r, environ).map_err(fail)?;
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
            if let Some(current) = environ.get(name) {
                edit.value = Some(current.clone());
            }
        }
        match edit.finish() {
            Some(value) => {
                environ.insert(name.clone(), value.clone());
                out.retain(|(n, _)| n != name);
                out.push((name.clone(), value));
            }
            None => {
                environ.remove(name);
                out.retain(|(n, _)| n != name);
            }
        }
    }
    Ok(out)
}

/// `$$` is `$`; `$NAME` and `${NAME}` are variables (names of ASCII letters,
/// digits and `_`, not starting with a digit).
pub fn substitute(text: &str, environ: &BTreeMap<String, String>) -> Result<String, String> {
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
        let value = environ
            .get(name)
            .ok_or_else(|| format!("environment variable {name} is not set (used in {text:?})"))?;
        out.push_str(value);
        rest = &after[used..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_like_python_templates() {
        let environ = BTreeMap::from([("HOME".to_owned(), "/h".to_owned())]);
        assert_eq!(
            substitute("${HOME}/x:$HOME:$$HOME", &environ).as_deref(),
            Ok("/h/x:/h:$HOME")
        );
        assert!(substitute("$NOPE", &environ).is_err());
        assert!(substitute("a $ b", &environ).is_err());
        assert!(substitute("${1x}", &environ).is_err());
    }
}
