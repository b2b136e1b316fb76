//! From the merged option tree to the effective `Config`: inheritance
//! (`<os>.X` and `cross.X` on top of `X`), numbered CMake configurations,
//! finalizing the edits, defaults (also by reference) and the typed model.

use std::path::PathBuf;

use indexmap::IndexMap;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::auto_cross;
use super::env::{self, Environ};
use super::merge::{merge, merge_section};
use super::model::{
    CmakeOption, CmakeOptions, ComponentOptions, ComponentProject, Config, EditableMode,
    EditableOptions, ModuleOptions,
};
use super::raw::{KeyPath, Raw};
use super::schema::{self, Default, Kind, Opt};
use super::serde_names;
use super::value::{CmakeItem, Map, Scalar, Val};
use super::verify;
use super::Error;
use crate::cmake_list;
use crate::metadata;
use crate::platform::Os;
use crate::project::{self, Project};
use crate::python_target::CrossSpec;

pub struct Input {
    pub project_dir: PathBuf,
    pub pyproject: PathBuf,
    pub input_files: Vec<PathBuf>,
    pub absent_inputs: Vec<PathBuf>,
    pub document: toml::Table,
    /// The same document with line numbers, for `[project]` errors.
    pub document_raw: Raw,
    pub tool: Map,
    pub os: Os,
}

/// A finished option value.
#[derive(Debug, Clone)]
enum Fin {
    Bool(bool),
    Int(i64),
    Text(String),
    Path(PathBuf),
    List(Vec<String>),
    Env(Vec<(String, String)>),
    Cmake(Vec<CmakeOption>),
}

#[derive(Debug, Clone, Default)]
struct Finals(IndexMap<&'static str, Fin>);

impl Finals {
    /// The typed options of a finished section (see `model`).
    fn into_model<T: DeserializeOwned>(self, key: &str) -> Result<T, Error> {
        let mut map = serde_json::Map::new();
        for (name, fin) in self.0 {
            map.insert(name.to_owned(), fin.into_json(&format!("{key}.{name}"))?);
        }
        serde_json::from_value(Value::Object(map)).map_err(|source| Error::Model {
            key: key.to_owned(),
            source,
        })
    }
}

impl Fin {
    fn into_json(self, key: &str) -> Result<Value, Error> {
        Ok(match self {
            Fin::Bool(b) => Value::Bool(b),
            Fin::Int(n) => Value::from(n),
            Fin::Text(t) => Value::String(t),
            Fin::Path(p) => match p.to_str() {
                Some(text) => Value::String(text.to_owned()),
                None => {
                    return Err(Error::Merge {
                        key: key.to_owned(),
                        message: format!(
                        "{} is not valid UTF-8, which CMake and the wheel need; move the project",
                        p.display()
                    ),
                    })
                }
            },
            Fin::List(items) => Value::from(items),
            Fin::Env(entries) => Value::Object(
                entries
                    .into_iter()
                    .map(|(name, value)| (name, Value::String(value)))
                    .collect(),
            ),
            Fin::Cmake(options) => {
                serde_json::to_value(options).map_err(|source| Error::Model {
                    key: key.to_owned(),
                    source,
                })?
            }
        })
    }
}

struct FinishCtx {
    project_dir: PathBuf,
    /// Default of `module.name`.
    import_name: String,
    /// The environment `cmake.env` expands against.
    environ: Environ,
}

pub fn resolve(input: Input) -> Result<Config, Error> {
    let Input {
        project_dir,
        pyproject,
        mut input_files,
        absent_inputs,
        document,
        document_raw,
        mut tool,
        os,
    } = input;
    let environ = Environ::from_process();
    let auto_options = auto_cross::apply(&mut tool, os, &project_dir, &environ, &mut input_files)?;

    let project_name = document
        .get("project")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or_default();
    let ctx = FinishCtx {
        project_dir: project_dir.clone(),
        import_name: project::dist_name(project_name),
        environ,
    };

    let cross: Option<CrossSpec> = match section(&tool, "cross") {
        Some(map) => {
            let mut spec: CrossSpec =
                finish_map(top("cross"), map, &ctx, "cross")?.into_model("cross")?;
            spec.cmake_options = auto_options;
            Some(spec)
        }
        None => None,
    };
    let cross_os = cross.as_ref().and_then(|c| c.os);
    let target_os = cross_os.unwrap_or(os);
    // The layers a section inherits through, most general first.
    let mut layers: Vec<(&Map, String)> = vec![(&tool, String::new())];
    let os_layer = match cross {
        Some(_) => cross_os,
        None => Some(os),
    };
    if let Some(os) = os_layer {
        let name = os.section_name();
        if let Some(map) = section(&tool, name) {
            layers.push((map, format!("{name}.")));
        }
    }
    if let Some(map) = section(&tool, "cross") {
        layers.push((map, "cross.".into()));
    }
    let inherited = |name: &str| -> Result<Option<Val>, Error> {
        let opt = top(name);
        let mut acc: Option<Val> = None;
        for (layer, prefix) in &layers {
            if let Some(val) = layer.get(name) {
                acc = merge(
                    opt,
                    acc.as_ref(),
                    val,
                    &KeyPath::new(&format!("{prefix}{name}")),
                )?;
            }
        }
        Ok(acc)
    };
    // A top-level section, finished after inheritance.
    let finish_inherited = |name: &str| -> Result<Finals, Error> {
        finish_section(top(name), inherited(name)?.as_ref(), &ctx, name)
    };

    let mut module: ModuleOptions =
        finish_section(top("module"), tool.get("module"), &ctx, "module")?.into_model("module")?;
    // Like py-build-cmake, an import name is spelled with '_'.
    module.name = module.name.replace('-', "_");
    let editable: EditableOptions = finish_inherited("editable")?.into_model("editable")?;
    let sdist = finish_inherited("sdist")?.into_model("sdist")?;
    let wheel = finish_inherited("wheel")?.into_model("wheel")?;
    let cmake = numbered_configs("cmake", inherited("cmake")?)?
        .into_iter()
        .map(|(index, key, map)| {
            let mut options: CmakeOptions =
                finish_map(top("cmake"), &map, &ctx, &key)?.into_model(&key)?;
            options.index = index;
            Ok(options)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let component = component_project(&tool, &ctx)?;
    let stubgen = match tool.get("stubgen") {
        Some(val @ Val::Section(_)) => Some(
            finish_section(top("stubgen"), Some(val), &ctx, "stubgen")?.into_model("stubgen")?,
        ),
        _ => None,
    };

    if editable.mode == EditableMode::Wrapper && (module.namespace || module.generated.is_some()) {
        let what = if module.namespace {
            "a namespace package"
        } else {
            "a generated module"
        };
        return Err(Error::Merge {
            key: "editable.mode".into(),
            message: format!("{what} cannot use editable mode 'wrapper'; use 'symlink' or 'hook'"),
        });
    }
    if editable.build_hook && editable.mode != EditableMode::Symlink {
        let mode = serde_names::name_of(&editable.mode);
        return Err(Error::Merge {
            key: "editable.build_hook".into(),
            message: format!(
                "rebuilding on import works only with editable mode 'symlink', not '{mode}'; \
                 set editable.mode = \"symlink\" or remove build_hook"
            ),
        });
    }
    let dynamic_source = dynamic_source(&document, &module)?;
    // A new __version__ must reach the build as well.
    input_files.extend(dynamic_source.iter().cloned());
    let invalid_project = |key: String, message: String| Error::Invalid {
        label: format!("while reading {}", pyproject.display()),
        line: line_of(&document_raw, &key),
        key,
        message,
    };
    let project = Project::from_pyproject(&pyproject, &document, dynamic_source.as_deref())
        .map_err(|e| invalid_project(e.key, e.message))?;
    // Whatever cannot become a METADATA line is found now, not when packing.
    // This lives here, not in `project`, because `metadata` builds on `project`.
    let licenses: Vec<String> = project
        .license_files
        .iter()
        .map(|l| l.relative.clone())
        .collect();
    metadata::render_metadata(&project, &licenses).map_err(|e| {
        invalid_project(
            e.key,
            format!(
                "cannot be written as the METADATA field {}: {}",
                e.field, e.reason
            ),
        )
    })?;

    let build_backend = document
        .get("build-system")
        .and_then(|b| b.get("build-backend"))
        .and_then(|b| b.as_str())
        .map(str::to_owned);
    let has_tool_table = document
        .get("tool")
        .and_then(|t| t.get("py-build-cmake"))
        .is_some();
    Ok(Config {
        project_dir,
        pyproject,
        input_files,
        absent_inputs,
        input_env: ctx.environ.read(),
        os: target_os,
        build_backend,
        has_tool_table,
        project,
        module,
        editable,
        sdist,
        cmake,
        wheel,
        stubgen,
        cross,
        component,
    })
}

/// The component project's settings, when `main_project` is given (a main
/// project ignores `component`, as py-build-cmake's main backend does).
fn component_project(tool: &Map, ctx: &FinishCtx) -> Result<Option<ComponentProject>, Error> {
    let Some(Val::Scalar(Some(Scalar::Path(main_project)))) = tool.get("main_project") else {
        return Ok(None);
    };
    let main_project = main_project.clone();
    let sections = numbered_configs("component", tool.get("component").cloned())?;
    if !main_project.join("pyproject.toml").is_file() {
        return Err(Error::Merge {
            key: "main_project".into(),
            message: format!(
                "{} has no pyproject.toml; point main_project at the main project's directory",
                main_project.display()
            ),
        });
    }
    if sections.is_empty() {
        return Err(Error::Merge {
            key: "component".into(),
            message: "a component project needs a [tool.py-build-cmake.component] section \
                      with install_components"
                .into(),
        });
    }
    let components = sections
        .into_iter()
        .map(|(index, key, map)| {
            let mut options: ComponentOptions =
                finish_map(top("component"), &map, ctx, &key)?.into_model(&key)?;
            options.index = index;
            Ok(options)
        })
        .collect::<Result<_, Error>>()?;
    Ok(Some(ComponentProject {
        main_project,
        components,
    }))
}

fn top(name: &str) -> &'static Opt {
    schema::ROOT
        .child(name)
        .unwrap_or_else(|| unreachable!("schema has no top-level section {name}"))
}

fn section<'m>(map: &'m Map, name: &str) -> Option<&'m Map> {
    match map.get(name) {
        Some(Val::Section(s)) => Some(s),
        _ => None,
    }
}

/// The numbered configurations of a multi section (`cmake`, `component`),
/// each on top of the unnumbered options; just those (as number 0) when
/// nothing is numbered. Keys name them for messages.
fn numbered_configs(name: &str, val: Option<Val>) -> Result<Vec<(u64, String, Map)>, Error> {
    let Some(Val::Section(map)) = val else {
        return Ok(Vec::new());
    };
    let shared = section(&map, "*");
    let mut numbered: Vec<(u64, &Map)> = map
        .iter()
        .filter_map(|(k, v)| match v {
            Val::Section(s) => k.parse().ok().map(|n| (n, s)),
            _ => None,
        })
        .collect();
    numbered.sort_by_key(|(n, _)| *n);
    if numbered.is_empty() {
        return Ok(shared
            .map(|s| (0, name.to_owned(), s.clone()))
            .into_iter()
            .collect());
    }
    let opt = top(name);
    numbered
        .into_iter()
        .map(|(n, own)| {
            let key = format!("{name}.{n}");
            Ok((
                n,
                key.clone(),
                merge_section(opt, shared, own, &KeyPath::new(&key))?,
            ))
        })
        .collect()
}

/// Finishes every option of a section and fills in the defaults, in schema
/// order (so a default by reference sees its target's final value).
fn finish_section(
    opt: &Opt,
    val: Option<&Val>,
    ctx: &FinishCtx,
    key: &str,
) -> Result<Finals, Error> {
    match val {
        Some(Val::Section(map)) => finish_map(opt, map, ctx, key),
        _ => finish_map(opt, &Map::new(), ctx, key),
    }
}

fn finish_map(opt: &Opt, map: &Map, ctx: &FinishCtx, key: &str) -> Result<Finals, Error> {
    let mut out = Finals::default();
    for child in opt.children() {
        // Sections that inherit (cross.cmake, ...) are resolved by inheritance.
        if child.inherits.is_some() {
            continue;
        }
        let child_key = format!("{key}.{}", child.name);
        let value = match map.get(child.name) {
            Some(v) => finish_value(v, ctx, &child_key)?,
            None => None,
        };
        let given = value.is_some();
        let value = match value {
            Some(v) => Some(v),
            None => default_value(child, &out, ctx, &child_key)?,
        };
        match (child.format, &value) {
            (Some(format), Some(Fin::Text(text))) => {
                verify::check_final(format, std::slice::from_ref(text), given, &child_key)?
            }
            (Some(format), Some(Fin::List(items))) => {
                verify::check_final(format, items, given, &child_key)?
            }
            _ => {}
        }
        if let Some(v) = value {
            out.0.insert(child.name, v);
        }
    }
    Ok(out)
}

fn finish_value(val: &Val, ctx: &FinishCtx, key: &str) -> Result<Option<Fin>, Error> {
    Ok(match val {
        Val::Cleared | Val::Scalar(None) => None,
        Val::Scalar(Some(s)) => Some(match s {
            Scalar::Bool(b) => Fin::Bool(*b),
            Scalar::Int(n) => Fin::Int(*n),
            Scalar::Text(t) => Fin::Text(t.clone()),
            Scalar::Path(p) => Fin::Path(p.clone()),
        }),
        Val::Str(edit) => edit.finish().map(Fin::Text),
        Val::List(edit) => edit.finish().map(Fin::List),
        Val::Env(entries) => Some(Fin::Env(env::expand(entries, &ctx.environ, key)?)),
        Val::Cmake(entries) => Some(Fin::Cmake(
            entries
                .iter()
                .filter_map(|(name, edit)| {
                    let items = edit.edit.finish()?;
                    Some(CmakeOption {
                        name: name.clone(),
                        kind: edit.kind.clone(),
                        value: cmake_string(&items),
                        strict: edit.strict,
                    })
                })
                .collect(),
        )),
        // Every nested section inherits and is resolved on its own.
        Val::Section(_) => None,
    })
}

/// A CMake list, bools as On/Off.
fn cmake_string(items: &[CmakeItem]) -> String {
    cmake_list::join(items.iter().map(|item| match item {
        CmakeItem::Str(s) => s.as_str(),
        CmakeItem::Bool(true) => "On",
        CmakeItem::Bool(false) => "Off",
    }))
}

fn default_value(
    opt: &Opt,
    done: &Finals,
    ctx: &FinishCtx,
    key: &str,
) -> Result<Option<Fin>, Error> {
    let is_list = matches!(opt.kind, Kind::List { .. });
    Ok(match &opt.default {
        Default::None => None,
        Default::Bool(b) => Some(Fin::Bool(*b)),
        Default::Int(n) => Some(Fin::Int(*n)),
        Default::Str(s) => Some(match opt.kind {
            Kind::Path(kind) => {
                Fin::Path(verify::check_default_path(s, &ctx.project_dir, kind, key)?)
            }
            _ if is_list => Fin::List(vec![(*s).to_owned()]),
            _ => Fin::Text((*s).to_owned()),
        }),
        Default::List(items) => Some(Fin::List(items.iter().map(|s| (*s).to_owned()).collect())),
        Default::Sibling(name) => match done.0.get(name) {
            Some(Fin::Text(s)) if is_list => Some(Fin::List(vec![s.clone()])),
            None if is_list => Some(Fin::List(Vec::new())),
            other => other.cloned(),
        },
        Default::ProjectName => Some(Fin::Text(ctx.import_name.clone())),
        Default::EmptyTable => Some(match opt.kind {
            Kind::CmakeOptions => Fin::Cmake(Vec::new()),
            _ => Fin::Env(Vec::new()),
        }),
        Default::Required => {
            return Err(Error::Merge {
                key: key.to_owned(),
                message: format!("required, but not set: {}", opt.doc),
            })
        }
        // Top-level sections are always resolved, present or not.
        Default::Section => None,
    })
}

/// The file dynamic `version` / `description` are read from: the module
/// py-build-cmake finds (`ModuleOptions::source`), its `__init__.py` for a
/// package.
fn dynamic_source(
    document: &toml::Table,
    module: &ModuleOptions,
) -> Result<Option<PathBuf>, Error> {
    let dynamic = document
        .get("project")
        .and_then(|p| p.get("dynamic"))
        .and_then(|d| d.as_array())
        .is_some_and(|d| !d.is_empty());
    // Without a name there is no module to look for; [project] reports why.
    if !dynamic || module.name.is_empty() {
        return Ok(None);
    }
    let fail = |message: String| Error::Merge {
        key: "tool.py-build-cmake.module".into(),
        message,
    };
    if module.generated.is_some() {
        return Err(fail(
            "module.generated is set, so the module is not in the sources and [project] dynamic \
             metadata cannot be read from it; give version and description in [project] instead"
                .into(),
        ));
    }
    if module.namespace {
        return Err(fail(
            "a namespace package has no __init__.py to read [project] dynamic metadata from; \
             give version and description in [project] instead"
                .into(),
        ));
    }
    let source = module
        .source()
        .map_err(|e| fail(format!("{e}; dynamic metadata is read from it")))?;
    Ok(source.metadata_file())
}

/// The line of the deepest table entry on a key path like
/// `project.authors[0].email`.
fn line_of(document: &Raw, key: &str) -> Option<usize> {
    let mut node = document;
    let mut line = None;
    for part in key.split('.') {
        let name = part.split('[').next().unwrap_or(part);
        match node.get(name) {
            Some(child) => {
                line = child.line.or(line);
                node = child;
            }
            None => break,
        }
    }
    line
}
