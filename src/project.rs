//! The `[project]` table (PEP 621), normalized.

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

#[derive(Debug, thiserror::Error)]
pub enum Error {}

impl Project {
    /// Reads `[project]` from an already parsed pyproject.toml. `dynamic_source`
    /// is the module file (`__init__.py` or `<name>.py`) that dynamic version and
    /// description come from.
    pub fn from_pyproject(
        pyproject: &Path,
        document: &toml::Table,
        dynamic_source: Option<&Path>,
    ) -> Result<Project, Error> {
        let _ = (pyproject, document, dynamic_source);
        todo!("issue 2")
    }
}
