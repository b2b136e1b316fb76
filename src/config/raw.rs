//! The option tree of one source (a TOML file, a `.pbc` line, an `-o`
//! override) as written, before it is checked against the schema.

use std::fmt;
use std::path::PathBuf;

/// How a value changes the one it overrides (`.pbc` / `-o` operators).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A value written in a TOML file: replaces, or appends for `list+`.
    Default,
    Assign,
    Append,
    AppendPath,
    Prepend,
    PrependPath,
    Remove,
    Clear,
}

impl Action {
    pub fn operator(self) -> &'static str {
        match self {
            Action::Default | Action::Assign => "=",
            Action::Append => "+=",
            Action::AppendPath => "+=(path)",
            Action::Prepend => "=+",
            Action::PrependPath => "=+(path)",
            Action::Remove => "-=",
            Action::Clear => "=!",
        }
    }
}

/// Where values come from, for error messages and relative paths.
#[derive(Debug, Clone)]
pub struct Source {
    /// `while reading /p/pyproject.toml` or `-o #2 'cmake.x=1'`.
    pub label: String,
    /// Key path of the source's root as the user wrote it (`tool.py-build-cmake`
    /// in pyproject.toml, empty in override files).
    pub key_prefix: String,
    /// What relative `cross` paths are resolved against.
    pub base_dir: PathBuf,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Raw {
    pub value: RawValue,
    pub action: Action,
    /// 1-based line in the source file, when it is a file.
    pub line: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Str(String),
    Bool(bool),
    Int(i64),
    Float(f64),
    Datetime(String),
    Array(Vec<Raw>),
    Table(Vec<(String, Raw)>),
    /// The value of `=!`.
    Nothing,
}

impl RawValue {
    pub fn type_name(&self) -> &'static str {
        match self {
            RawValue::Str(_) => "a string",
            RawValue::Bool(_) => "a bool",
            RawValue::Int(_) => "an integer",
            RawValue::Float(_) => "a float",
            RawValue::Datetime(_) => "a datetime",
            RawValue::Array(_) => "a list",
            RawValue::Table(_) => "a table",
            RawValue::Nothing => "nothing",
        }
    }
}

impl Raw {
    pub fn table(entries: Vec<(String, Raw)>, line: Option<usize>) -> Raw {
        Raw {
            value: RawValue::Table(entries),
            action: Action::Default,
            line,
        }
    }

    pub fn entries(&self) -> Option<&[(String, Raw)]> {
        match &self.value {
            RawValue::Table(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Raw> {
        self.entries()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// A dotted key path for messages (`tool.py-build-cmake.cmake.generator`).
#[derive(Debug, Clone, Default)]
pub struct KeyPath(Vec<String>);

impl KeyPath {
    pub fn new(prefix: &str) -> KeyPath {
        KeyPath(
            prefix
                .split('.')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    pub fn join(&self, name: &str) -> KeyPath {
        let mut parts = self.0.clone();
        parts.push(name.to_owned());
        KeyPath(parts)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, part) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            // Quote parts a bare TOML key could not spell.
            if !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                f.write_str(part)?;
            } else {
                write!(f, "{part:?}")?;
            }
        }
        Ok(())
    }
}
