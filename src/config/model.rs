//! The effective configuration of one build, after overrides, inheritance
//! and defaults. Every path here is absolute.
//!
//! This is the contract between the loader and its users (the wheel writer,
//! the CMake output, presets, the driver): they read these types only.
//!
//! Each options struct is filled by deserializing its finished schema
//! section (`resolve`), so its fields are the schema's option names:
//! `deny_unknown_fields` refuses a schema key without a field, and the test
//! `every_schema_section_matches_its_model` a field without a schema key.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::module_source::{self, ModuleSource, Wanted};
use crate::platform::Os;
use crate::project::Project;
use crate::python_target::CrossSpec;

/// Serialized, it is the output of `config --json` (see `json`): the
/// options, then `[project]`; the fields before `module` are not shown.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    #[serde(skip)]
    pub project_dir: PathBuf,
    #[serde(skip)]
    pub pyproject: PathBuf,
    /// Every file that was read, in order: CMake re-runs the helper when one changes.
    #[serde(skip)]
    pub input_files: Vec<PathBuf>,
    /// Files that would be read if they existed (the default override
    /// files): one appearing makes the answer stale too.
    #[serde(skip)]
    pub absent_inputs: Vec<PathBuf>,
    /// The environment variables the answer depends on (`cmake.env`
    /// expansion, automatic cross compilation) and their values (`None`:
    /// unset).
    #[serde(skip)]
    pub input_env: Vec<(String, Option<String>)>,
    #[serde(skip)]
    pub os: Os,
    /// `[build-system] build-backend`, as written.
    #[serde(skip)]
    pub build_backend: Option<String>,
    /// Whether pyproject.toml has a `[tool.py-build-cmake]` table.
    #[serde(skip)]
    pub has_tool_table: bool,
    pub module: ModuleOptions,
    pub editable: EditableOptions,
    pub sdist: SdistOptions,
    /// The numbered CMake configurations (`cmake`, or `cmake.0`, `cmake.1`, ...).
    /// Empty when there is no `cmake` section: a pure Python package.
    #[serde(serialize_with = "super::json::cmake_sections")]
    pub cmake: Vec<CmakeOptions>,
    pub wheel: WheelOptions,
    pub stubgen: Option<StubgenOptions>,
    /// Present when cross-compiling (a `cross` section, or automatic cross
    /// compilation detected from ARCHFLAGS / DIST_EXTRA_CONFIG).
    pub cross: Option<CrossSpec>,
    /// Present for a component project (`main_project` set).
    pub component: Option<ComponentProject>,
    pub project: Project,
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
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentOptions {
    /// The main project's CMake configuration (`cmake.N`) it installs from;
    /// set from the section's number, not an option.
    #[serde(skip_deserializing)]
    pub index: u64,
    pub build_presets: Option<Vec<String>>,
    pub build_args: Option<Vec<String>>,
    pub build_tool_args: Option<Vec<String>>,
    pub install_only: bool,
    pub install_args: Option<Vec<String>>,
    pub install_components: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Generated {
    Module,
    Package,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleOptions {
    /// Import name.
    pub name: String,
    pub directory: PathBuf,
    pub namespace: bool,
    pub generated: Option<Generated>,
}

impl ModuleOptions {
    /// Finds the module's sources (see `module_source::locate`).
    pub fn source(&self) -> Result<ModuleSource, module_source::Error> {
        module_source::locate(Wanted {
            name: &self.name,
            directory: &self.directory,
            namespace: self.namespace,
            generated: self.generated.is_some(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EditableMode {
    Wrapper,
    Hook,
    Symlink,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditableOptions {
    pub mode: EditableMode,
    pub build_hook: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SdistOptions {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

/// One typed `cmake.options` entry, ready for `-D NAME[:TYPE]=VALUE`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CmakeOption {
    pub name: String,
    /// STRING, BOOL, PATH or FILEPATH when given.
    pub kind: Option<String>,
    /// The final CMake string (bools as On/Off, lists joined with `;`).
    pub value: String,
    pub strict: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CmakeOptions {
    /// N of `cmake.N`; 0 when nothing is numbered. Set from the section's
    /// number, not an option (nor shown: it is the position in `cmake`).
    #[serde(skip)]
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
    #[serde(serialize_with = "super::json::cmake_options")]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PythonAbi {
    Auto,
    None,
    Abi3,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StubgenOptions {
    pub packages: Option<Vec<String>>,
    pub modules: Option<Vec<String>>,
    pub files: Option<Vec<String>>,
    pub args: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::schema::{Default, Format, Kind, Opt, ROOT};
    use crate::config::serde_names::fields;
    use serde::de::DeserializeOwned;
    use serde_json::{json, Map, Value};

    /// Each model struct reads exactly its section's options, in schema
    /// order; sections that inherit (`cross.cmake`) are resolved on their own.
    #[test]
    fn every_schema_section_matches_its_model() {
        let models = [
            ("module", fields::<ModuleOptions>()),
            ("editable", fields::<EditableOptions>()),
            ("sdist", fields::<SdistOptions>()),
            ("cmake", fields::<CmakeOptions>()),
            ("wheel", fields::<WheelOptions>()),
            ("stubgen", fields::<StubgenOptions>()),
            ("component", fields::<ComponentOptions>()),
            ("cross", fields::<CrossSpec>()),
        ];
        for (section, fields) in models {
            let opt = ROOT.child(section).expect("a top-level section");
            let options: Vec<&str> = opt
                .children()
                .iter()
                .filter(|o| o.inherits.is_none())
                .map(|o| o.name)
                .collect();
            assert_eq!(fields, options.as_slice(), "section {section}");
        }
    }

    /// A value of the JSON type `resolve` hands the model for an option of
    /// this kind, and one of another type.
    fn samples(opt: &Opt) -> Option<(Value, Value)> {
        // A string that follows the option's value rule, for a model type
        // that checks it when deserialized (`cross.version`).
        let text = match opt.format {
            Some(Format::PythonVersion) => "3.11",
            Some(Format::CmakeVersion) => "3.20",
            Some(Format::BuildTag) => "1",
            _ => "x",
        };
        Some(match &opt.kind {
            Kind::Section(_) | Kind::Multi(_) => return None,
            Kind::Bool => (json!(true), json!("yes")),
            Kind::Int { min, .. } => (json!(min), json!("1")),
            Kind::Str | Kind::Path(_) => (json!(text), json!([text])),
            Kind::Enum(values) => (json!(values()[0]), json!(1)),
            Kind::List { .. } => (json!([text]), json!(text)),
            Kind::Env => (json!({ "A": "b" }), json!(["A=b"])),
            Kind::CmakeOptions => (json!([]), json!({})),
        })
    }

    /// The model's field types and optionality agree with the schema: each
    /// field takes the JSON type `resolve` gives its option's kind and
    /// refuses another, and may be missing exactly when the option has no
    /// default (`Option<T>`).
    fn check_types<T: DeserializeOwned>(section: &str) {
        let opts: Vec<_> = ROOT
            .child(section)
            .expect("a top-level section")
            .children()
            .iter()
            .filter(|o| o.inherits.is_none())
            .filter_map(|o| samples(o).map(|s| (o, s)))
            .collect();
        let full: Map<String, Value> = opts
            .iter()
            .map(|(o, (good, _))| (o.name.to_owned(), good.clone()))
            .collect();
        let parse = |map: Map<String, Value>| serde_json::from_value::<T>(Value::Object(map));
        if let Err(e) = parse(full.clone()) {
            panic!("{section}: the model does not take the schema's types: {e}");
        }
        for (opt, (_, bad)) in &opts {
            let mut wrong = full.clone();
            wrong.insert(opt.name.to_owned(), bad.clone());
            assert!(
                parse(wrong).is_err(),
                "{section}.{}: the model takes a {bad} where the schema says {}",
                opt.name,
                opt.type_name()
            );
            let mut missing = full.clone();
            missing.remove(opt.name);
            let optional = matches!(opt.default, Default::None);
            assert_eq!(
                parse(missing).is_ok(),
                optional,
                "{section}.{}: the schema's default is {:?}, so the field must {}be an Option",
                opt.name,
                opt.default,
                if optional { "" } else { "not " }
            );
        }
    }

    #[test]
    fn every_model_field_has_its_options_type_and_optionality() {
        check_types::<ModuleOptions>("module");
        check_types::<EditableOptions>("editable");
        check_types::<SdistOptions>("sdist");
        check_types::<CmakeOptions>("cmake");
        check_types::<WheelOptions>("wheel");
        check_types::<StubgenOptions>("stubgen");
        check_types::<ComponentOptions>("component");
        check_types::<CrossSpec>("cross");
    }
}
