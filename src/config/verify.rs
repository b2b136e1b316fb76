//! Checking a `Raw` tree against the schema: unknown keys, types, operators
//! and referenced paths. The result is a typed `Val` tree.

use std::path::{Component, Path, PathBuf};

use indexmap::IndexMap;

use super::raw::{Action, KeyPath, Raw, RawValue, Source};
use super::schema::{Base, Format, Kind, Opt, PathKind};
use super::value::{CmakeEdit, CmakeItem, Edit, Map, Scalar, StrEdit, Val};
use super::Error;
use crate::suggest::did_you_mean;

/// What verification needs besides the tree.
pub struct Ctx<'a> {
    pub source: &'a Source,
    pub project_dir: &'a Path,
}

impl Ctx<'_> {
    fn error(&self, raw: &Raw, key: &KeyPath, message: String) -> Error {
        Error::Invalid {
            label: self.source.label.clone(),
            line: raw.line,
            key: key.to_string(),
            message,
        }
    }
}

/// Checks `raw` against the option `opt`.
pub fn verify(opt: &Opt, raw: &Raw, ctx: &Ctx<'_>, key: &KeyPath) -> Result<Val, Error> {
    match opt.kind {
        Kind::Section(_) | Kind::Multi(_) => {
            if raw.action == Action::Clear {
                return Ok(Val::Cleared);
            }
            only_assign(raw, ctx, key, opt)?;
            let entries = expect_table(raw, ctx, key)?;
            match opt.kind {
                Kind::Multi(_) => verify_multi(opt, raw, entries, ctx, key),
                _ => verify_entries(opt, raw, entries, ctx, key).map(Val::Section),
            }
        }
        Kind::Bool => scalar(opt, raw, ctx, key, |v| match v {
            RawValue::Bool(b) => Some(Scalar::Bool(*b)),
            _ => None,
        }),
        Kind::Int { min, max } => {
            let val = scalar(opt, raw, ctx, key, |v| match v {
                RawValue::Int(n) => Some(Scalar::Int(*n)),
                _ => None,
            })?;
            if let Val::Scalar(Some(Scalar::Int(n))) = val {
                if !(min..=max).contains(&n) {
                    return Err(ctx.error(
                        raw,
                        key,
                        format!("expected an integer from {min} to {max}, got {n}"),
                    ));
                }
            }
            Ok(val)
        }
        Kind::Enum(values) => {
            let val = scalar(opt, raw, ctx, key, |v| match v {
                RawValue::Str(s) => Some(Scalar::Text(s.clone())),
                _ => None,
            })?;
            if let Val::Scalar(Some(Scalar::Text(s))) = &val {
                if !values().contains(&s.as_str()) {
                    return Err(ctx.error(
                        raw,
                        key,
                        format!("expected one of {}, got {s:?}", opt.type_name()),
                    ));
                }
            }
            Ok(val)
        }
        Kind::Path(kind) => {
            let val = scalar(opt, raw, ctx, key, |v| match v {
                RawValue::Str(s) => Some(Scalar::Text(s.clone())),
                _ => None,
            })?;
            match val {
                Val::Scalar(Some(Scalar::Text(text))) => {
                    let base = match kind.base {
                        Base::Project => ctx.project_dir,
                        Base::ConfigFile => &ctx.source.base_dir,
                    };
                    check_path(&text, base, kind)
                        .map(|p| Val::Scalar(Some(Scalar::Path(p))))
                        .map_err(|message| ctx.error(raw, key, message))
                }
                other => Ok(other),
            }
        }
        Kind::Str => {
            let edit = verify_str(raw, ctx, key)?;
            // Only an assigned value is a whole string; edits are checked
            // once final (`check_final`).
            check_written(opt, raw, ctx, key, edit.value.iter())?;
            Ok(Val::Str(edit))
        }
        Kind::List { append, singleton } => {
            let edit = verify_list(raw, ctx, key, append, singleton)?;
            let added = [&edit.value, &edit.append, &edit.prepend];
            check_written(opt, raw, ctx, key, added.into_iter().flatten().flatten())?;
            Ok(Val::List(edit))
        }
        Kind::Env => verify_dict(opt, raw, ctx, key, |raw, key| verify_str(raw, ctx, key))
            .map(|d| d.map_or(Val::Cleared, Val::Env)),
        Kind::CmakeOptions => {
            verify_dict(opt, raw, ctx, key, |raw, key| verify_cmake(raw, ctx, key))
                .map(|d| d.map_or(Val::Cleared, Val::Cmake))
        }
    }
}

/// Checks the strings as written against the option's `Format`, so that a
/// bad one is reported with its file and line.
fn check_written<'s>(
    opt: &Opt,
    raw: &Raw,
    ctx: &Ctx<'_>,
    key: &KeyPath,
    texts: impl Iterator<Item = &'s String>,
) -> Result<(), Error> {
    let Some(format) = opt.format else {
        return Ok(());
    };
    for text in texts {
        format
            .check(text)
            .map_err(|message| ctx.error(raw, key, message))?;
    }
    Ok(())
}

fn only_assign(raw: &Raw, ctx: &Ctx<'_>, key: &KeyPath, opt: &Opt) -> Result<(), Error> {
    match raw.action {
        Action::Default | Action::Assign => Ok(()),
        action => Err(unsupported(raw, ctx, key, opt, action)),
    }
}

fn unsupported(raw: &Raw, ctx: &Ctx<'_>, key: &KeyPath, opt: &Opt, action: Action) -> Error {
    ctx.error(
        raw,
        key,
        format!(
            "option of type {} does not support the operator '{}'",
            opt.type_name(),
            action.operator()
        ),
    )
}

fn type_error(raw: &Raw, ctx: &Ctx<'_>, key: &KeyPath, expected: &str) -> Error {
    ctx.error(
        raw,
        key,
        format!("expected {expected}, got {}", raw.value.type_name()),
    )
}

fn expect_table<'r>(
    raw: &'r Raw,
    ctx: &Ctx<'_>,
    key: &KeyPath,
) -> Result<&'r [(String, Raw)], Error> {
    raw.entries()
        .ok_or_else(|| type_error(raw, ctx, key, "a table"))
}

fn verify_entries(
    opt: &Opt,
    raw: &Raw,
    entries: &[(String, Raw)],
    ctx: &Ctx<'_>,
    key: &KeyPath,
) -> Result<Map, Error> {
    let mut out = Map::new();
    for (name, value) in entries {
        let child_key = key.join(name);
        let Some(child) = opt.child(name) else {
            let line_raw = Raw {
                line: value.line.or(raw.line),
                ..value.clone()
            };
            return Err(ctx.error(&line_raw, &child_key, unknown_option(opt, name)));
        };
        out.insert(name.clone(), verify(child, value, ctx, &child_key)?);
    }
    Ok(out)
}

fn unknown_option(opt: &Opt, name: &str) -> String {
    let names: Vec<&str> = opt.children().iter().map(|o| o.name).collect();
    let hint = did_you_mean(name, &names)
        .unwrap_or_else(|| format!("valid options are: {}", names.join(", ")));
    format!("unknown option '{name}'; {hint}")
}

/// `cmake`: numbered keys are whole configurations, the other keys are the
/// options every configuration shares (index `*`).
fn verify_multi(
    opt: &Opt,
    raw: &Raw,
    entries: &[(String, Raw)],
    ctx: &Ctx<'_>,
    key: &KeyPath,
) -> Result<Val, Error> {
    let (numbered, shared): (Vec<_>, Vec<_>) = entries
        .iter()
        .cloned()
        .partition(|(k, _)| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()));
    let mut out = Map::new();
    // An empty `[cmake]` table still asks for one configuration.
    if !shared.is_empty() || numbered.is_empty() {
        out.insert(
            "*".to_owned(),
            Val::Section(verify_entries(opt, raw, &shared, ctx, key)?),
        );
    }
    for (index, value) in &numbered {
        let index_key = key.join(index);
        // Resolving orders the configurations by this number.
        if index.parse::<u64>().is_err() {
            return Err(ctx.error(
                value,
                &index_key,
                format!("configuration number {index} is too large; number them 0, 1, 2, ..."),
            ));
        }
        let val = if value.action == Action::Clear {
            Val::Cleared
        } else {
            only_assign(value, ctx, &index_key, opt)?;
            let entries = expect_table(value, ctx, &index_key)?;
            Val::Section(verify_entries(opt, value, entries, ctx, &index_key)?)
        };
        out.insert(index.clone(), val);
    }
    Ok(Val::Section(out))
}

fn scalar(
    opt: &Opt,
    raw: &Raw,
    ctx: &Ctx<'_>,
    key: &KeyPath,
    convert: impl Fn(&RawValue) -> Option<Scalar>,
) -> Result<Val, Error> {
    if raw.action == Action::Clear {
        return Ok(Val::Scalar(None));
    }
    only_assign(raw, ctx, key, opt)?;
    let expected = match opt.kind {
        Kind::Bool => "a bool (true or false)",
        Kind::Int { .. } => "an integer",
        _ => "a string",
    };
    convert(&raw.value)
        .map(|s| Val::Scalar(Some(s)))
        .ok_or_else(|| type_error(raw, ctx, key, expected))
}

fn check_path(text: &str, base: &Path, kind: PathKind) -> Result<PathBuf, String> {
    let given = Path::new(text);
    if given.is_absolute() && !kind.allow_abs {
        return Err(format!("{text:?} must be a relative path"));
    }
    let path = normalize(&base.join(given));
    if kind.must_exist {
        let what = if kind.dir { "directory" } else { "file" };
        if !path.exists() {
            return Err(format!("the {what} {} does not exist", path.display()));
        }
        if path.is_dir() != kind.dir {
            return Err(format!("{} is not a {what}", path.display()));
        }
        if let Some(needed) = kind.contains {
            if !path.join(needed).exists() {
                return Err(format!("{} does not contain {needed}", path.display()));
            }
        }
    }
    Ok(path)
}

/// A path default is checked like a given path (source_path "." must hold
/// CMakeLists.txt); the message says it was the default.
pub fn check_default_path(
    text: &str,
    base: &Path,
    kind: PathKind,
    key: &str,
) -> Result<PathBuf, Error> {
    check_path(text, base, kind).map_err(|message| Error::Merge {
        key: key.to_owned(),
        message: format!("defaults to {text:?}, but {message}; create it or set {key}"),
    })
}

/// Checks an option's final strings, after every override and inheritance
/// step, against its rule (what `check_written` could not see: defaults and
/// strings built by edits); a default that breaks it (a module name from an
/// odd project name) says where it came from.
pub fn check_final(format: Format, texts: &[String], given: bool, key: &str) -> Result<(), Error> {
    for text in texts {
        // A missing [project] name is reported by [project] itself.
        if text.is_empty() && !given {
            continue;
        }
        format.check(text).map_err(|message| Error::Merge {
            key: key.to_owned(),
            message: match given {
                true => message,
                false => format!("{message} (the default); set {key}"),
            },
        })?;
    }
    Ok(())
}

/// Removes `.` and resolves `..` without touching the file system, so a
/// path reads the same whether or not it exists yet.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn verify_str(raw: &Raw, ctx: &Ctx<'_>, key: &KeyPath) -> Result<StrEdit, Error> {
    match (&raw.value, raw.action) {
        (_, Action::Clear) => Ok(StrEdit::from_action(Action::Clear, String::new())),
        (RawValue::Str(s), action) => Ok(StrEdit::from_action(action, s.clone())),
        // Override text is untyped: `-o wheel.build_tag=1` means the string "1".
        (RawValue::Int(n), action) if action != Action::Default => {
            Ok(StrEdit::from_action(action, n.to_string()))
        }
        (RawValue::Array(items), Action::Remove) => {
            let remove = strings(items, ctx, key, "a list of strings")?;
            Ok(StrEdit {
                remove: Some(remove),
                ..StrEdit::default()
            })
        }
        _ => Err(type_error(raw, ctx, key, "a string")),
    }
}

fn strings(
    items: &[Raw],
    ctx: &Ctx<'_>,
    key: &KeyPath,
    expected: &str,
) -> Result<Vec<String>, Error> {
    items
        .iter()
        .map(|item| match &item.value {
            RawValue::Str(s) => Ok(s.clone()),
            _ => Err(ctx.error(
                item,
                key,
                format!(
                    "expected {expected}, but an element is {}",
                    item.value.type_name()
                ),
            )),
        })
        .collect()
}

const LIST_KEYS: &[&str] = &["=", "+", "-", "value", "append", "remove", "prepend"];

/// The dict form of a list (`{"+" = [...], "-" = [...]}`): which part each
/// key sets, after checking that no two keys set the same part.
fn dict_parts<'r>(
    entries: &'r [(String, Raw)],
    raw: &Raw,
    ctx: &Ctx<'_>,
    key: &KeyPath,
    extra: &[&str],
) -> Result<Vec<(&'static str, &'r Raw)>, Error> {
    let mut parts: Vec<(&'static str, &Raw)> = Vec::new();
    for (name, value) in entries {
        let part = match name.as_str() {
            "=" | "value" => "value",
            "+" | "append" => "append",
            "-" | "remove" => "remove",
            "prepend" => "prepend",
            other if extra.contains(&other) => continue,
            other => {
                let mut valid = LIST_KEYS.to_vec();
                valid.extend_from_slice(extra);
                let hint = did_you_mean(other, &valid)
                    .unwrap_or_else(|| format!("valid keys are {}", valid.join(", ")));
                return Err(ctx.error(
                    value,
                    &key.join(other),
                    format!("unknown key '{other}'; {hint}"),
                ));
            }
        };
        if parts.iter().any(|(p, _)| *p == part) {
            return Err(ctx.error(
                raw,
                key,
                format!("'{name}' sets the {part} part a second time"),
            ));
        }
        parts.push((part, value));
    }
    let assigns = parts.iter().any(|(p, _)| *p == "value");
    if assigns && parts.len() > 1 {
        return Err(ctx.error(
            raw,
            key,
            "'=' (value) replaces the whole list, so it cannot be combined with '+', '-' or 'prepend'".into(),
        ));
    }
    Ok(parts)
}

fn verify_list(
    raw: &Raw,
    ctx: &Ctx<'_>,
    key: &KeyPath,
    append: bool,
    singleton: bool,
) -> Result<Edit<String>, Error> {
    let expected = if singleton {
        "a list of strings or a string"
    } else {
        "a list of strings"
    };
    match (&raw.value, raw.action) {
        (_, Action::Clear) => Ok(Edit::from_action(Action::Clear, Vec::new(), false)),
        (_, Action::AppendPath | Action::PrependPath) => Err(ctx.error(
            raw,
            key,
            format!(
                "a list does not support the operator '{}'",
                raw.action.operator()
            ),
        )),
        (RawValue::Table(entries), Action::Default | Action::Assign) => {
            let mut edit = Edit::default();
            for (part, value) in dict_parts(entries, raw, ctx, key, &[])? {
                let RawValue::Array(items) = &value.value else {
                    return Err(type_error(value, ctx, &key.join(part), "a list of strings"));
                };
                let items = strings(items, ctx, key, "a list of strings")?;
                set_part(&mut edit, part, items);
            }
            Ok(edit)
        }
        (RawValue::Array(items), action) => Ok(Edit::from_action(
            action,
            strings(items, ctx, key, expected)?,
            append,
        )),
        (RawValue::Str(s), action) if singleton => {
            Ok(Edit::from_action(action, vec![s.clone()], append))
        }
        _ => Err(type_error(raw, ctx, key, expected)),
    }
}

fn set_part<T>(edit: &mut Edit<T>, part: &str, items: Vec<T>) {
    match part {
        "value" => edit.value = Some(items),
        "append" => edit.append = Some(items),
        "remove" => edit.remove = Some(items),
        _ => edit.prepend = Some(items),
    }
}

/// `cmake.env` and `cmake.options`: a table of entries, each checked by `entry`.
/// `None` is a cleared table.
fn verify_dict<T>(
    opt: &Opt,
    raw: &Raw,
    ctx: &Ctx<'_>,
    key: &KeyPath,
    entry: impl Fn(&Raw, &KeyPath) -> Result<T, Error>,
) -> Result<Option<IndexMap<String, T>>, Error> {
    match raw.action {
        Action::Clear => return Ok(None),
        // `=` and `+=` both add the given entries to the table.
        Action::Default | Action::Assign | Action::Append => {}
        action => return Err(unsupported(raw, ctx, key, opt, action)),
    }
    let entries = expect_table(raw, ctx, key)?;
    entries
        .iter()
        .map(|(name, value)| Ok((name.clone(), entry(value, &key.join(name))?)))
        .collect::<Result<_, Error>>()
        .map(Some)
}

fn cmake_items(raw: &Raw, ctx: &Ctx<'_>, key: &KeyPath) -> Result<Vec<CmakeItem>, Error> {
    let item = |r: &Raw| match &r.value {
        RawValue::Str(s) => Ok(CmakeItem::Str(s.clone())),
        RawValue::Bool(b) => Ok(CmakeItem::Bool(*b)),
        _ => Err(type_error(r, ctx, key, "a string or a bool")),
    };
    match &raw.value {
        RawValue::Array(items) => items.iter().map(item).collect(),
        _ => item(raw)
            .map(|i| vec![i])
            .map_err(|_| type_error(raw, ctx, key, "a string, a bool or a list of them")),
    }
}

const CMAKE_TYPES: &[&str] = &["STRING", "BOOL", "PATH", "FILEPATH"];

fn verify_cmake(raw: &Raw, ctx: &Ctx<'_>, key: &KeyPath) -> Result<CmakeEdit, Error> {
    let all_bool = |items: &[CmakeItem]| {
        !items.is_empty() && items.iter().all(|i| matches!(i, CmakeItem::Bool(_)))
    };
    match (&raw.value, raw.action) {
        (_, Action::Clear) => Ok(CmakeEdit {
            edit: Edit::from_action(Action::Clear, Vec::new(), false),
            kind: None,
            strict: false,
        }),
        (_, Action::AppendPath | Action::PrependPath) => Err(ctx.error(
            raw,
            key,
            format!(
                "a CMake option does not support the operator '{}'",
                raw.action.operator()
            ),
        )),
        (RawValue::Table(entries), Action::Default | Action::Assign) => {
            let mut edit = Edit::default();
            let mut bools = true;
            let mut nonempty = false;
            for (part, value) in dict_parts(entries, raw, ctx, key, &["type", "strict"])? {
                let items = cmake_items(value, ctx, &key.join(part))?;
                bools &= items.iter().all(|i| matches!(i, CmakeItem::Bool(_)));
                nonempty |= !items.is_empty();
                set_part(&mut edit, part, items);
            }
            let kind = match raw.get("type") {
                Some(Raw {
                    value: RawValue::Str(t),
                    ..
                }) if CMAKE_TYPES.contains(&t.as_str()) => Some(t.clone()),
                Some(other) => {
                    return Err(ctx.error(
                        other,
                        &key.join("type"),
                        format!(
                            "expected one of {}, got {:?}",
                            CMAKE_TYPES.join(", "),
                            other.value
                        ),
                    ))
                }
                None => (bools && nonempty).then(|| "BOOL".to_owned()),
            };
            let strict = match raw.get("strict") {
                Some(Raw {
                    value: RawValue::Bool(b),
                    ..
                }) => *b,
                Some(other) => return Err(type_error(other, ctx, &key.join("strict"), "a bool")),
                None => true,
            };
            Ok(CmakeEdit { edit, kind, strict })
        }
        (_, action) => {
            let items = cmake_items(raw, ctx, key)?;
            let kind = all_bool(&items).then(|| "BOOL".to_owned());
            Ok(CmakeEdit {
                edit: Edit::from_action(action, items, false),
                kind,
                strict: false,
            })
        }
    }
}
