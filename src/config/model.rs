//! The effective configuration of one build, after overrides, inheritance
//! and defaults. Every path here is absolute.
//!
//! This is the contract between the loader and its users (the wheel writer,
//! the CMake output, presets, the driver): they read these types only.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::platform::Os;
use crate::project::Project;
use crate::python_target::CrossSpec;

#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub project_dir: PathBuf,
    pub pyproject: PathBuf,
    /// Every file that was read, in order: CMake re-runs the helper when one changes.
    pub input_files: Vec<PathBuf>,
    pub os: Os,
    /// `[build-system] build-backend`, as written.
    pub build_backend: Option<String>,
    pub project: Project,
    pub module: ModuleOptions,
    pub editable: EditableOptions,
    pub sdist: SdistOptions,
    /// The numbered CMake configurations (`cmake`, or `cmake.0`, `cmake.1`, ...).
    /// Empty when there is no `cmake` section: a pure Python package.
    pub cmake: Vec<CmakeOptions>,
    pub wheel: WheelOptions,
    pub stubgen: Option<StubgenOptions>,
    /// Present when cross-compiling (a `cross` section, or automatic cross
    /// compilation detected from ARCHFLAGS / DIST_EXTRA_CONFIG).
    pub cross: Option<CrossSpec>,
    /// Present for a component project (`main_project` set).
    pub component: Option<ComponentProject>,
}

/// A component project, as py-build-cmake's `build_component` backend
/// builds it: install components of the main project's build tree, packed
/// with this project's own metadata.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentProject {
    pub main_project: PathBuf,
    /// Sorted by `index`.
    pub components: Vec<ComponentOptions>,
}

/// One `component` (or `component.N`) section: each option left unset
/// keeps the main project's value.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentOptions {
    /// The main project's CMake configuration (`cmake.N`) it installs from.
    pub index: u64,
    pub build_presets: Option<Vec<String>>,
    pub build_args: Option<Vec<String>>,
    pub build_tool_args: Option<Vec<String>>,
    pub install_only: bool,
    pub install_args: Option<Vec<String>>,
    pub install_components: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Generated {
    Module,
    Package,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModuleOptions {
    /// Import name.
    pub name: String,
    pub directory: PathBuf,
    pub namespace: bool,
    pub generated: Option<Generated>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EditableMode {
    Wrapper,
    Hook,
    Symlink,
}

#[derive(Debug, Clone, Serialize)]
pub struct EditableOptions {
    pub mode: EditableMode,
    pub build_hook: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SdistOptions {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

/// One typed `cmake.options` entry, ready for `-D NAME[:TYPE]=VALUE`.
#[derive(Debug, Clone, Serialize)]
pub struct CmakeOption {
    pub name: String,
    /// STRING, BOOL, PATH or FILEPATH when given.
    pub kind: Option<String>,
    /// The final CMake string (bools as On/Off, lists joined with `;`).
    pub value: String,
    pub strict: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CmakeOptions {
    /// N of `cmake.N`; 0 when nothing is numbered.
    pub index: u64,
    pub minimum_version: String,
    pub build_type: Option<String>,
    /// Defaults to `[build_type]` (or empty).
    pub config: Vec<String>,
    pub preset: Option<String>,
    pub build_presets: Option<Vec<String>>,
    pub generator: Option<String>,
    pub source_path: PathBuf,
    /// With `{build_config}` still in it; the user substitutes it.
    pub build_path: String,
    pub options: Vec<CmakeOption>,
    pub args: Vec<String>,
    pub find_python: bool,
    pub find_python3: bool,
    /// Prefix of the build interpreter's FindPython hints (`Python<prefix>_*`).
    pub find_python_build_artifacts_prefix: Option<String>,
    pub find_python3_build_artifacts_prefix: Option<String>,
    pub build_args: Vec<String>,
    pub build_tool_args: Vec<String>,
    /// Defaults to `config`.
    pub install_config: Vec<String>,
    pub install_args: Vec<String>,
    /// `""` is the default component.
    pub install_components: Vec<String>,
    /// Already expanded against the environment.
    pub env: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PythonAbi {
    Auto,
    None,
    Abi3,
}

#[derive(Debug, Clone, Serialize)]
pub struct WheelOptions {
    pub pure_python: Option<bool>,
    pub python_tag: Vec<String>,
    pub python_abi: PythonAbi,
    pub abi3_minimum_cpython_version: u32,
    pub abi_tag: Option<Vec<String>>,
    pub platform_tag: Option<Vec<String>>,
    pub build_tag: Option<String>,
    pub bundle_libs: bool,
    pub bundle_exclude: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StubgenOptions {
    pub packages: Option<Vec<String>>,
    pub modules: Option<Vec<String>>,
    pub files: Option<Vec<String>>,
    pub args: Vec<String>,
}
