//! Overriding one checked value with another: used for override files and
//! `-o` (applied in order) and for inheritance (`linux.cmake` on top of
//! `cmake`). The schema says how each option combines.

use super::raw::KeyPath;
use super::schema::{Kind, Opt};
use super::value::{CmakeEdit, Map, Val};
use super::Error;

/// `old` overridden by `new`; `None` when the result is unset.
pub fn merge(opt: &Opt, old: Option<&Val>, new: &Val, key: &KeyPath) -> Result<Option<Val>, Error> {
    Ok(match (new, old) {
        (Val::Cleared, _) => None,
        (Val::Section(new), old) => {
            let old = match old {
                Some(Val::Section(map)) => Some(map),
                _ => None,
            };
            Some(Val::Section(match opt.kind {
                Kind::Multi(_) => merge_multi(opt, old, new, key)?,
                _ => merge_section(opt, old, new, key)?,
            }))
        }
        (Val::Str(new), Some(Val::Str(old))) => Some(Val::Str(old.then(new))),
        (Val::List(new), Some(Val::List(old))) => Some(Val::List(old.then(new))),
        (Val::Env(new), Some(Val::Env(old))) => {
            let mut out = old.clone();
            for (name, edit) in new {
                let merged = match out.get(name) {
                    Some(prev) => prev.then(edit),
                    None => edit.clone(),
                };
                out.insert(name.clone(), merged);
            }
            Some(Val::Env(out))
        }
        (Val::Cmake(new), Some(Val::Cmake(old))) => {
            let mut out = old.clone();
            for (name, edit) in new {
                let merged = match out.get(name) {
                    Some(prev) => combine_cmake(prev, edit, &key.join(name))?,
                    None => edit.clone(),
                };
                out.insert(name.clone(), merged);
            }
            Some(Val::Cmake(out))
        }
        // Scalars replace; anything over nothing is itself.
        (new, _) => Some(new.clone()),
    })
}

pub fn merge_section(opt: &Opt, old: Option<&Map>, new: &Map, key: &KeyPath) -> Result<Map, Error> {
    let mut out = old.cloned().unwrap_or_default();
    for (name, value) in new {
        // Verification only lets known options through.
        let Some(child) = opt.child(name) else {
            continue;
        };
        match merge(child, out.get(name), value, &key.join(name))? {
            Some(merged) => out.insert(name.clone(), merged),
            None => out.shift_remove(name),
        };
    }
    Ok(out)
}

/// `cmake`: each configuration (`*` for the unnumbered options, or a number)
/// merges with the one of the same index.
fn merge_multi(opt: &Opt, old: Option<&Map>, new: &Map, key: &KeyPath) -> Result<Map, Error> {
    let mut out = old.cloned().unwrap_or_default();
    for (index, value) in new {
        let entry_key = if index == "*" {
            key.clone()
        } else {
            key.join(index)
        };
        let merged = match value {
            Val::Section(section) => {
                let prev = match out.get(index) {
                    Some(Val::Section(map)) => Some(map),
                    _ => None,
                };
                Some(Val::Section(merge_section(opt, prev, section, &entry_key)?))
            }
            _ => None,
        };
        match merged {
            Some(merged) => out.insert(index.clone(), merged),
            None => out.shift_remove(index),
        };
    }
    Ok(out)
}

fn combine_cmake(old: &CmakeEdit, new: &CmakeEdit, key: &KeyPath) -> Result<CmakeEdit, Error> {
    let kind = match (&old.kind, &new.kind) {
        (_, None) => old.kind.clone(),
        (None, Some(_)) => new.kind.clone(),
        (Some(a), Some(b)) if a == b => new.kind.clone(),
        // PATH may be narrowed to FILEPATH; every other change is a conflict.
        (Some(a), Some(b)) if a == "PATH" && b == "FILEPATH" => new.kind.clone(),
        (Some(a), Some(b)) => {
            if new.strict {
                return Err(Error::Merge {
                    key: key.to_string(),
                    message: format!(
                        "incompatible CMake types when overriding or inheriting: {a} and {b} \
                         (set \"strict\" = false in the overriding value to allow it)"
                    ),
                });
            }
            new.kind.clone()
        }
    };
    Ok(CmakeEdit {
        edit: old.edit.then(&new.edit),
        kind,
        // Like py-build-cmake: strictness stays with the value overridden.
        strict: old.strict,
    })
}
