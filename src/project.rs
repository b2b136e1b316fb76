//! The `[project]` table (PEP 621), checked and normalized.

mod dynamic;
mod license;
pub mod pep440;
pub mod pep508;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Normalized `[project]` metadata: what METADATA is rendered from.
#[derive(Debug, Clone, Serialize)]
pub struct Project {
    /// As written.
    pub name: String,
    /// PEP 503 normalized (`my-project`); the wheel file name uses `_` instead of `-`.
    pub normalized_name: String,
    /// PEP 440 normalized (read from `__version__` when dynamic).
    pub version: String,
    /// Read from the module docstring when dynamic.
    pub description: Option<String>,
    pub readme: Option<Readme>,
    pub requires_python: Option<String>,
    pub license: Option<License>,
    /// `license-files` (or the legacy `license = {file}`), expanded and sorted.
    pub license_files: Vec<LicenseFile>,
    pub authors: Vec<Contact>,
    pub maintainers: Vec<Contact>,
    pub keywords: Vec<String>,
    pub classifiers: Vec<String>,
    /// In the order written.
    pub urls: Vec<(String, String)>,
    pub dependencies: Vec<String>,
    pub optional_dependencies: BTreeMap<String, Vec<String>>,
    pub scripts: BTreeMap<String, String>,
    pub gui_scripts: BTreeMap<String, String>,
    pub entry_points: BTreeMap<String, BTreeMap<String, String>>,
    pub dynamic: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Readme {
    pub text: String,
    /// The file it was read from, relative to the project directory with `/`.
    pub file: Option<String>,
    /// `text/markdown`, `text/x-rst` or `text/plain` (with a charset when given).
    pub content_type: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum License {
    /// `license = "MIT OR Apache-2.0"`: an SPDX expression (Metadata 2.4).
    Expression(String),
    /// `license = { text = "..." }` or the contents of `license = { file = "..." }`.
    Text(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct LicenseFile {
    pub source: PathBuf,
    /// Relative to the project directory, with `/`: the path under `.dist-info/licenses/`.
    pub relative: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// A `[project]` problem: the key and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("key {key}: {message}")]
pub struct Error {
    pub key: String,
    pub message: String,
}

fn err(key: impl Into<String>, message: impl Into<String>) -> Error {
    Error {
        key: key.into(),
        message: message.into(),
    }
}

/// Every `[project]` key PEP 621 defines.
const FIELDS: &[&str] = &[
    "name",
    "version",
    "description",
    "readme",
    "requires-python",
    "license",
    "license-files",
    "authors",
    "maintainers",
    "keywords",
    "classifiers",
    "urls",
    "dependencies",
    "optional-dependencies",
    "scripts",
    "gui-scripts",
    "entry-points",
    "dynamic",
];

/// What py-build-cmake can fill in from the module.
const DYNAMIC_FIELDS: &[&str] = &["version", "description"];

/// PEP 503: lowercase, runs of `-`, `_` and `.` become one `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}

/// The `[project]` table, read key by key.
struct Table<'a> {
    table: &'a toml::Table,
}

impl<'a> Table<'a> {
    fn key(name: &str) -> String {
        format!("project.{name}")
    }

    fn string(&self, name: &str) -> Result<Option<String>, Error> {
        match self.table.get(name) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(err(
                Self::key(name),
                format!("expected a string, got {}", other.type_str()),
            )),
        }
    }

    fn strings(&self, name: &str) -> Result<Vec<String>, Error> {
        match self.table.get(name) {
            None => Ok(Vec::new()),
            Some(value) => string_list(value, &Self::key(name)),
        }
    }

    fn table(&self, name: &str) -> Result<Option<&'a toml::Table>, Error> {
        match self.table.get(name) {
            None => Ok(None),
            Some(toml::Value::Table(t)) => Ok(Some(t)),
            Some(other) => Err(err(
                Self::key(name),
                format!("expected a table, got {}", other.type_str()),
            )),
        }
    }
}

fn string_list(value: &toml::Value, key: &str) -> Result<Vec<String>, Error> {
    let toml::Value::Array(items) = value else {
        return Err(err(
            key,
            format!("expected a list of strings, got {}", value.type_str()),
        ));
    };
    items
        .iter()
        .map(|item| match item {
            toml::Value::String(s) => Ok(s.clone()),
            other => Err(err(
                key,
                format!(
                    "expected a list of strings, but an element is {}",
                    other.type_str()
                ),
            )),
        })
        .collect()
}

fn string_map(table: &toml::Table, key: &str) -> Result<BTreeMap<String, String>, Error> {
    table
        .iter()
        .map(|(k, v)| match v {
            toml::Value::String(s) => Ok((k.clone(), s.clone())),
            other => Err(err(
                child_key(key, k),
                format!("expected a string, got {}", other.type_str()),
            )),
        })
        .collect()
}

/// A list of PEP 508 requirements; an error names the element.
fn requirements(value: &toml::Value, key: &str) -> Result<Vec<String>, Error> {
    let items = string_list(value, key)?;
    for (i, item) in items.iter().enumerate() {
        pep508::parse(item).map_err(|reason| {
            err(
                format!("{key}[{i}]"),
                format!("{item:?} is not a PEP 508 requirement (like \"name[extra] >=1.0; python_version < '3.12'\"): {reason}"),
            )
        })?;
    }
    Ok(items)
}

fn requires_python(value: Option<String>) -> Result<Option<String>, Error> {
    if let Some(spec) = &value {
        pep440::check_specifiers(spec).map_err(|reason| {
            err(
                "project.requires-python",
                format!("{spec:?} is not a PEP 440 version specifier set (like \">=3.8, <4\"): {reason}"),
            )
        })?;
    }
    Ok(value)
}

/// `key.name`, quoting a name that a bare TOML key could not spell.
fn child_key(key: &str, name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match bare {
        true => format!("{key}.{name}"),
        false => format!("{key}.{name:?}"),
    }
}

/// Entry points `name = "module:attribute"`, checked as the packaging spec
/// says: a script's name becomes a file, every line goes into entry_points.txt.
fn entry_point_table(
    table: Option<&toml::Table>,
    key: &str,
) -> Result<BTreeMap<String, String>, Error> {
    let Some(table) = table else {
        return Ok(BTreeMap::new());
    };
    let points = string_map(table, key)?;
    for (name, reference) in &points {
        let key = child_key(key, name);
        crate::names::entry_point_name(name).map_err(|m| err(&key, m))?;
        crate::names::object_reference(reference).map_err(|m| err(&key, m))?;
    }
    Ok(points)
}

fn valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let edge = |b: &u8| b.is_ascii_alphanumeric();
    !bytes.is_empty()
        && bytes.first().is_some_and(edge)
        && bytes.last().is_some_and(edge)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A project name as wheel and sdist file names spell it: normalized, `_`
/// for `-` (also the default import name).
pub fn dist_name(name: &str) -> String {
    normalize_name(name).replace('-', "_")
}

/// The subdirectories of the wheel's `.data` directory that installers know
/// (the install schemes' keys).
pub const DATA_SCHEME_KEYS: [&str; 5] = ["data", "headers", "platlib", "purelib", "scripts"];

impl Project {
    /// The name as wheel and sdist file names spell it (see [`dist_name`]).
    pub fn dist_name(&self) -> String {
        dist_name(&self.normalized_name)
    }

    /// The wheel's data directory, `<dist>-<version>.data`: where CMake installs
    /// scripts, headers and data, and what packing expects to find.
    pub fn data_dir_name(&self) -> String {
        format!("{}-{}.data", self.dist_name(), self.version)
    }

    /// Whether `<dist>-<version>` (a staged `.data` directory's stem) means
    /// this project's name and version, however spelt.
    pub fn is_named_by(&self, dist: &str, version: &str) -> bool {
        dist_name(dist) == self.dist_name()
            && pep440::normalize(version).as_deref() == Some(self.version.as_str())
    }

    /// Reads `[project]` from an already parsed pyproject.toml. `dynamic_source`
    /// is the module file (`__init__.py` or `<name>.py`) that dynamic version and
    /// description come from.
    pub fn from_pyproject(
        pyproject: &Path,
        document: &toml::Table,
        dynamic_source: Option<&Path>,
    ) -> Result<Project, Error> {
        let project_dir = pyproject.parent().unwrap_or(Path::new("."));
        let table = match document.get("project") {
            Some(toml::Value::Table(t)) => t,
            Some(other) => {
                return Err(err(
                    "project",
                    format!("expected a table, got {}", other.type_str()),
                ))
            }
            None => {
                return Err(err(
                    "project",
                    "pyproject.toml has no [project] table; add one with name and version",
                ))
            }
        };
        for key in table.keys() {
            if !FIELDS.contains(&key.as_str()) {
                let hint = crate::suggest::did_you_mean(key, FIELDS)
                    .unwrap_or_else(|| "it is not a PEP 621 field".to_owned());
                return Err(err(
                    Table::key(key),
                    format!("unknown field '{key}'; {hint}"),
                ));
            }
        }
        let t = Table { table };

        let dynamic = t.strings("dynamic")?;
        for field in &dynamic {
            if field == "name" {
                return Err(err("project.dynamic", "name cannot be dynamic"));
            }
            if !DYNAMIC_FIELDS.contains(&field.as_str()) {
                return Err(err(
                    "project.dynamic",
                    format!("'{field}' cannot be dynamic here: only version and description are read from the module"),
                ));
            }
            if table.contains_key(field) {
                return Err(err(
                    Table::key(field),
                    format!("'{field}' is listed in project.dynamic, so it must not also be given"),
                ));
            }
        }
        let info = match (dynamic.is_empty(), dynamic_source) {
            (true, _) => dynamic::ModuleInfo::default(),
            (false, Some(source)) => {
                // The build interpreter imports the module when reading it fails.
                let python = crate::python_target::default_interpreter();
                dynamic::read(source, &dynamic, &python)?
            }
            (false, None) => {
                return Err(err(
                    "project.dynamic",
                    "dynamic metadata needs a module to read it from",
                ));
            }
        };

        let name = t
            .string("name")?
            .ok_or_else(|| err("project.name", "missing; every project needs a name"))?;
        if !valid_name(&name) {
            return Err(err(
                "project.name",
                format!("{name:?} is not a valid name: use ASCII letters, digits, '.', '_' and '-', starting and ending with a letter or digit"),
            ));
        }
        let raw_version = match info.version {
            Some(v) => v,
            None => t.string("version")?.ok_or_else(|| {
                err(
                    "project.version",
                    "missing; give a version, or list \"version\" in project.dynamic",
                )
            })?,
        };
        let version = pep440::normalize(&raw_version).ok_or_else(|| {
            err(
                "project.version",
                format!("{raw_version:?} is not a valid PEP 440 version"),
            )
        })?;
        let description = match info.description {
            Some(d) => Some(d),
            None => t.string("description")?,
        };
        if description.as_deref().is_some_and(|d| d.contains('\n')) {
            return Err(err(
                "project.description",
                "must be a single line (it becomes the Summary)",
            ));
        }

        let classifiers = t.strings("classifiers")?;
        let (license, legacy_file) =
            license::read(table.get("license"), project_dir, &classifiers)?;
        let mut license_files = license::files(table.get("license-files"), project_dir)?;
        if let Some(file) = legacy_file {
            if table.contains_key("license-files") {
                return Err(err(
                    "project.license-files",
                    "cannot be combined with license = { file = ... }",
                ));
            }
            license_files.push(file);
        }

        let optional_dependencies = match t.table("optional-dependencies")? {
            None => BTreeMap::new(),
            Some(groups) => groups
                .iter()
                .map(|(extra, deps)| {
                    let key = format!("project.optional-dependencies.{extra}");
                    if !valid_name(extra) {
                        return Err(err(key, format!("{extra:?} is not a valid extra name")));
                    }
                    Ok((extra.clone(), requirements(deps, &key)?))
                })
                .collect::<Result<_, Error>>()?,
        };
        let entry_points = match t.table("entry-points")? {
            None => BTreeMap::new(),
            Some(groups) => groups
                .iter()
                .map(|(group, points)| {
                    let key = child_key("project.entry-points", group);
                    if group == "console_scripts" || group == "gui_scripts" {
                        let field = if group == "console_scripts" {
                            "scripts"
                        } else {
                            "gui-scripts"
                        };
                        return Err(err(
                            key,
                            format!("use project.{field} instead of this entry point group"),
                        ));
                    }
                    crate::names::entry_point_group(group).map_err(|m| err(&key, m))?;
                    let toml::Value::Table(points) = points else {
                        return Err(err(
                            key,
                            format!("expected a table, got {}", points.type_str()),
                        ));
                    };
                    Ok((group.clone(), entry_point_table(Some(points), &key)?))
                })
                .collect::<Result<_, Error>>()?,
        };
        let urls = match t.table("urls")? {
            None => Vec::new(),
            // In the order written: the first URL is shown first.
            Some(urls) => urls
                .iter()
                .map(|(label, url)| match url {
                    toml::Value::String(u) => Ok((label.clone(), u.clone())),
                    other => Err(err(
                        format!("project.urls.{label}"),
                        format!("expected a string, got {}", other.type_str()),
                    )),
                })
                .collect::<Result<_, Error>>()?,
        };
        let project = Project {
            normalized_name: normalize_name(&name),
            name,
            version,
            description,
            readme: readme(table.get("readme"), project_dir)?,
            requires_python: requires_python(t.string("requires-python")?)?,
            license,
            license_files,
            authors: contacts(table.get("authors"), "project.authors")?,
            maintainers: contacts(table.get("maintainers"), "project.maintainers")?,
            keywords: t.strings("keywords")?,
            classifiers,
            urls,
            dependencies: match table.get("dependencies") {
                None => Vec::new(),
                Some(deps) => requirements(deps, "project.dependencies")?,
            },
            optional_dependencies,
            scripts: entry_point_table(t.table("scripts")?, "project.scripts")?,
            gui_scripts: entry_point_table(t.table("gui-scripts")?, "project.gui-scripts")?,
            entry_points,
            dynamic,
        };
        Ok(project)
    }
}

fn contacts(value: Option<&toml::Value>, key: &str) -> Result<Vec<Contact>, Error> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let toml::Value::Array(items) = value else {
        return Err(err(
            key,
            format!("expected a list of tables, got {}", value.type_str()),
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let key = format!("{key}[{i}]");
            let toml::Value::Table(t) = item else {
                return Err(err(
                    key,
                    format!(
                        "expected a table with name and/or email, got {}",
                        item.type_str()
                    ),
                ));
            };
            let fields = string_map(t, &key)?;
            if let Some(other) = fields.keys().find(|k| *k != "name" && *k != "email") {
                return Err(err(
                    format!("{key}.{other}"),
                    "unknown field; a contact has only name and email",
                ));
            }
            let contact = Contact {
                name: fields.get("name").cloned(),
                email: fields.get("email").cloned(),
            };
            if contact.name.is_none() && contact.email.is_none() {
                return Err(err(key, "a contact needs a name or an email"));
            }
            if contact.email.as_deref().is_some_and(|e| !e.contains('@')) {
                return Err(err(format!("{key}.email"), "not an email address"));
            }
            Ok(contact)
        })
        .collect()
}

fn content_type_of(file: &str) -> Option<&'static str> {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        Some("text/markdown")
    } else if lower.ends_with(".rst") {
        Some("text/x-rst")
    } else if lower.ends_with(".txt") {
        Some("text/plain")
    } else {
        None
    }
}

/// A project file's text and its path relative to the project directory.
fn read_file(project_dir: &Path, file: &str, key: &str) -> Result<(String, String), Error> {
    let relative = crate::names::project_file(project_dir, file).map_err(|m| err(key, m))?;
    let path = project_dir.join(&relative);
    let text = crate::input_file::read_to_string(&path)
        .map_err(|e| err(key, format!("cannot read {}: {e}", path.display())))?;
    Ok((text, relative))
}

fn readme(value: Option<&toml::Value>, project_dir: &Path) -> Result<Option<Readme>, Error> {
    let key = "project.readme";
    match value {
        None => Ok(None),
        Some(toml::Value::String(file)) => {
            let content_type = content_type_of(file).ok_or_else(|| {
                err(key, format!("cannot tell the content type of {file:?} (use .md, .rst or .txt, or a table with content-type)"))
            })?;
            let (text, relative) = read_file(project_dir, file, key)?;
            Ok(Some(Readme {
                text,
                file: Some(relative),
                content_type: content_type.to_owned(),
            }))
        }
        Some(toml::Value::Table(t)) => {
            let fields = string_map(t, key)?;
            if let Some(other) = fields
                .keys()
                .find(|k| !["file", "text", "content-type"].contains(&k.as_str()))
            {
                return Err(err(
                    format!("{key}.{other}"),
                    "unknown field; expected file or text, and content-type",
                ));
            }
            let (text, file) = match (fields.get("file"), fields.get("text")) {
                (Some(file), None) => {
                    let (text, relative) = read_file(project_dir, file, &format!("{key}.file"))?;
                    (text, Some(relative))
                }
                (None, Some(text)) => (text.clone(), None),
                _ => return Err(err(key, "give exactly one of file and text")),
            };
            let content_type = fields
                .get("content-type")
                .ok_or_else(|| err(key, "content-type is required in the table form"))?;
            let base = content_type.split(';').next().unwrap_or_default().trim();
            if !["text/markdown", "text/x-rst", "text/plain"].contains(&base) {
                return Err(err(
                    format!("{key}.content-type"),
                    format!("{content_type:?} is not text/markdown, text/x-rst or text/plain"),
                ));
            }
            Ok(Some(Readme {
                text,
                file,
                content_type: content_type.clone(),
            }))
        }
        Some(other) => Err(err(
            key,
            format!("expected a file name or a table, got {}", other.type_str()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::project;

    #[test]
    fn data_dir_name_spells_the_name_as_wheel_file_names_do() {
        assert_eq!(
            project("My.Pkg", "1.0.post1").data_dir_name(),
            "my_pkg-1.0.post1.data"
        );
    }
}
