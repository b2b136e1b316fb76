//! From the merged option tree to the effective `Config`: inheritance
//! (`<os>.X` and `cross.X` on top of `X`), numbered CMake configurations,
//! finalizing the edits, defaults (also by reference) and the typed model.

use std::collections::BTreeMap;
use std::path::PathBuf;

use indexmap::IndexMap;

use super::auto_cross;
use super::env;
use super::merge::{merge, merge_section};
use super::model::{
    CmakeOption, CmakeOptions, ComponentOptions, ComponentProject, Config, EditableMode,
    EditableOptions, Generated, ModuleOptions, PythonAbi, SdistOptions, StubgenOptions,
    WheelOptions,
};
use super::raw::{KeyPath, Raw};
use super::schema::{self, Default, Format, Kind, Opt, PathKind};
use super::value::{CmakeItem, Map, Scalar, Val};
use super::Error;
use crate::metadata;
use crate::platform::Os;
use crate::project::{self, Project};
use crate::python_target::CrossSpec;

pub struct Input {
    pub project_dir: PathBuf,
    pub pyproject: PathBuf,
    pub input_files: Vec<PathBuf>,
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
    fn bool(&self, name: &str) -> Option<bool> {
        match self.0.get(name) {
            Some(Fin::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    fn int(&self, name: &str) -> Option<i64> {
        match self.0.get(name) {
            Some(Fin::Int(n)) => Some(*n),
            _ => None,
        }
    }

    fn text(&self, name: &str) -> Option<String> {
        match self.0.get(name) {
            Some(Fin::Text(s)) => Some(s.clone()),
            _ => None,
        }
    }

    fn path(&self, name: &str) -> Option<PathBuf> {
        match self.0.get(name) {
            Some(Fin::Path(p)) => Some(p.clone()),
            _ => None,
        }
    }

    fn list(&self, name: &str) -> Option<Vec<String>> {
        match self.0.get(name) {
            Some(Fin::List(l)) => Some(l.clone()),
            _ => None,
        }
    }
}

struct FinishCtx {
    project_dir: PathBuf,
    /// Default of `module.name`.
    import_name: String,
    /// The environment `cmake.env` expands against.
    environ: BTreeMap<String, String>,
}

pub fn resolve(input: Input) -> Result<Config, Error> {
    let Input {
        project_dir,
        pyproject,
        mut input_files,
        document,
        document_raw,
        mut tool,
        os,
    } = input;
    let auto_options = auto_cross::apply(&mut tool, os)?;

    let project_name = document
        .get("project")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or_default();
    let ctx = FinishCtx {
        project_dir: project_dir.clone(),
        import_name: project::normalize_name(project_name).replace('-', "_"),
        environ: std::env::vars().collect(),
    };

    let cross = section(&tool, "cross");
    let cross_os = cross.and_then(|c| match c.get("os") {
        Some(Val::Scalar(Some(Scalar::Text(name)))) => os_from_name(name),
        _ => None,
    });
    let target_os = cross_os.unwrap_or(os);
    // The layers a section inherits through, most general first.
    let mut layers: Vec<(&Map, String)> = vec![(&tool, String::new())];
    let os_layer = match cross {
        Some(_) => cross_os,
        None => Some(os),
    };
    if let Some(os) = os_layer {
        let name = os_name(os);
        if let Some(map) = section(&tool, name) {
            layers.push((map, format!("{name}.")));
        }
    }
    if let Some(map) = cross {
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

    let module = finish_section(top("module"), tool.get("module"), &ctx, "module")?;
    let editable = finish_section(
        top("editable"),
        inherited("editable")?.as_ref(),
        &ctx,
        "editable",
    )?;
    let sdist = finish_section(top("sdist"), inherited("sdist")?.as_ref(), &ctx, "sdist")?;
    let wheel = finish_section(top("wheel"), inherited("wheel")?.as_ref(), &ctx, "wheel")?;
    let cmake = numbered_configs("cmake", inherited("cmake")?)?
        .iter()
        .map(|(index, key, map)| {
            Ok(cmake_options(
                *index,
                &finish_map(top("cmake"), map, &ctx, key)?,
            ))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let component = component_project(&tool, &ctx)?;
    let stubgen = match tool.get("stubgen") {
        Some(val @ Val::Section(_)) => {
            Some(finish_section(top("stubgen"), Some(val), &ctx, "stubgen")?)
        }
        _ => None,
    };
    let cross = match cross {
        Some(map) => {
            let fin = finish_map(top("cross"), map, &ctx, "cross")?;
            Some(cross_spec(&fin, auto_options))
        }
        None => None,
    };

    let module = module_options(&module);
    let wrapper = editable.text("mode").as_deref() == Some("wrapper");
    if wrapper && (module.namespace || module.generated.is_some()) {
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
    Ok(Config {
        project_dir,
        pyproject,
        input_files,
        os: target_os,
        build_backend,
        project,
        module,
        editable: EditableOptions {
            mode: match editable.text("mode").as_deref() {
                Some("wrapper") => EditableMode::Wrapper,
                Some("hook") => EditableMode::Hook,
                _ => EditableMode::Symlink,
            },
            build_hook: editable.bool("build_hook").unwrap_or(false),
        },
        sdist: SdistOptions {
            include: sdist.list("include").unwrap_or_default(),
            exclude: sdist.list("exclude").unwrap_or_default(),
        },
        cmake,
        wheel: wheel_options(&wheel)?,
        stubgen: stubgen.map(|s| StubgenOptions {
            packages: s.list("packages"),
            modules: s.list("modules"),
            files: s.list("files"),
            args: s.list("args").unwrap_or_default(),
        }),
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
        .iter()
        .map(|(index, key, map)| {
            let c = finish_map(top("component"), map, ctx, key)?;
            let install_components = c.list("install_components").ok_or_else(|| Error::Merge {
                key: format!("{key}.install_components"),
                message: "required: the components to install, e.g. [\"debug\"]".into(),
            })?;
            Ok(ComponentOptions {
                index: *index,
                build_presets: c.list("build_presets"),
                build_args: c.list("build_args"),
                build_tool_args: c.list("build_tool_args"),
                install_only: c.bool("install_only").unwrap_or(false),
                install_args: c.list("install_args"),
                install_components,
            })
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

pub fn os_name(os: Os) -> &'static str {
    match os {
        Os::Linux => "linux",
        Os::Windows => "windows",
        Os::Mac => "mac",
    }
}

fn os_from_name(name: &str) -> Option<Os> {
    match name {
        "linux" => Some(Os::Linux),
        "windows" => Some(Os::Windows),
        "mac" => Some(Os::Mac),
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
        if let (Some(format), Some(v)) = (child.format, &value) {
            check_format(format, v, given, &child_key)?;
        }
        if let Some(v) = value {
            out.0.insert(child.name, v);
        }
    }
    Ok(out)
}

/// Checks a final value against its option's rule; a default that breaks it
/// (a module name from an odd project name) says where it came from.
fn check_format(format: Format, value: &Fin, given: bool, key: &str) -> Result<(), Error> {
    let texts = match value {
        Fin::Text(t) => std::slice::from_ref(t),
        Fin::List(items) => items.as_slice(),
        _ => &[],
    };
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
        Val::Env(entries) => {
            let mut environ = ctx.environ.clone();
            Some(Fin::Env(env::expand(entries, &mut environ, key)?))
        }
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

/// A CMake list: bools as On/Off, `;` inside an element escaped.
fn cmake_string(items: &[CmakeItem]) -> String {
    items
        .iter()
        .map(|item| match item {
            CmakeItem::Str(s) => s.replace(';', "\\;"),
            CmakeItem::Bool(true) => "On".to_owned(),
            CmakeItem::Bool(false) => "Off".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(";")
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
            Kind::Path(kind) => Fin::Path(default_path(s, kind, ctx, key)?),
            _ if is_list => Fin::List(vec![(*s).to_owned()]),
            _ => Fin::Text((*s).to_owned()),
        }),
        Default::List(items) => Some(Fin::List(items.iter().map(|s| (*s).to_owned()).collect())),
        Default::Sibling(name) => match done.0.get(name) {
            Some(Fin::Text(s)) if is_list => Some(Fin::List(vec![s.clone()])),
            other => other.cloned(),
        },
        Default::ProjectName => Some(Fin::Text(ctx.import_name.clone())),
        // Top-level sections are always resolved, present or not.
        Default::Section => None,
    })
}

/// A path default is checked like a given path (source_path "." must hold
/// CMakeLists.txt).
fn default_path(text: &str, kind: PathKind, ctx: &FinishCtx, key: &str) -> Result<PathBuf, Error> {
    let path = super::verify::normalize(&ctx.project_dir.join(text));
    if kind.must_exist {
        let needed = kind.contains.map(|c| path.join(c));
        let missing = if !path.is_dir() {
            Some(path.clone())
        } else {
            needed.filter(|p| !p.exists())
        };
        if let Some(missing) = missing {
            return Err(Error::Merge {
                key: key.to_owned(),
                message: format!(
                    "defaults to {text:?}, but {} does not exist; create it or set {key}",
                    missing.display()
                ),
            });
        }
    }
    Ok(path)
}

fn module_options(module: &Finals) -> ModuleOptions {
    ModuleOptions {
        // Like py-build-cmake, an import name is spelled with '_'.
        name: module.text("name").unwrap_or_default().replace('-', "_"),
        directory: module.path("directory").unwrap_or_default(),
        namespace: module.bool("namespace").unwrap_or(false),
        generated: match module.text("generated").as_deref() {
            Some("module") => Some(Generated::Module),
            Some("package") => Some(Generated::Package),
            _ => None,
        },
    }
}

/// The file dynamic `version` / `description` are read from: the module
/// py-build-cmake finds (`module_source::locate`), its `__init__.py` for a
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
    let source = crate::module_source::locate(module)
        .map_err(|e| fail(format!("{e}; dynamic metadata is read from it")))?;
    Ok(source.metadata_file())
}

fn cmake_options(index: u64, c: &Finals) -> CmakeOptions {
    let config = c.list("config").unwrap_or_default();
    CmakeOptions {
        index,
        minimum_version: c.text("minimum_version").unwrap_or_default(),
        build_type: c.text("build_type"),
        install_config: c.list("install_config").unwrap_or_else(|| config.clone()),
        config,
        preset: c.text("preset"),
        build_presets: c.list("build_presets"),
        generator: c.text("generator"),
        source_path: c.path("source_path").unwrap_or_default(),
        build_path: c
            .path("build_path")
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned(),
        options: match c.0.get("options") {
            Some(Fin::Cmake(options)) => options.clone(),
            _ => Vec::new(),
        },
        args: c.list("args").unwrap_or_default(),
        find_python: c.bool("find_python").unwrap_or(true),
        find_python3: c.bool("find_python3").unwrap_or(true),
        find_python_build_artifacts_prefix: c.text("find_python_build_artifacts_prefix"),
        find_python3_build_artifacts_prefix: c.text("find_python3_build_artifacts_prefix"),
        build_args: c.list("build_args").unwrap_or_default(),
        build_tool_args: c.list("build_tool_args").unwrap_or_default(),
        install_args: c.list("install_args").unwrap_or_default(),
        install_components: c.list("install_components").unwrap_or_default(),
        env: match c.0.get("env") {
            Some(Fin::Env(entries)) => entries.iter().cloned().collect(),
            _ => BTreeMap::new(),
        },
    }
}

fn wheel_options(w: &Finals) -> Result<WheelOptions, Error> {
    let abi3 = w.int("abi3_minimum_cpython_version").unwrap_or(32);
    let abi3 = u32::try_from(abi3).map_err(|_| Error::Merge {
        key: "wheel.abi3_minimum_cpython_version".into(),
        message: format!("expected a positive version like 312, got {abi3}"),
    })?;
    let build_tag = w.text("build_tag");
    if let Some(tag) = &build_tag {
        if !tag.starts_with(|c: char| c.is_ascii_digit()) || tag.contains('-') {
            return Err(Error::Merge {
                key: "wheel.build_tag".into(),
                message: format!("{tag:?} must start with a digit and contain no '-'"),
            });
        }
    }
    Ok(WheelOptions {
        pure_python: w.bool("pure_python"),
        python_tag: w.list("python_tag").unwrap_or_default(),
        python_abi: match w.text("python_abi").as_deref() {
            Some("none") => PythonAbi::None,
            Some("abi3") => PythonAbi::Abi3,
            _ => PythonAbi::Auto,
        },
        abi3_minimum_cpython_version: abi3,
        abi_tag: w.list("abi_tag"),
        platform_tag: w.list("platform_tag"),
        build_tag,
        bundle_libs: w.bool("bundle_libs").unwrap_or(true),
        bundle_exclude: w.list("bundle_exclude").unwrap_or_default(),
    })
}

fn cross_spec(c: &Finals, cmake_options: Vec<(String, String)>) -> CrossSpec {
    CrossSpec {
        os: c.text("os").as_deref().and_then(os_from_name),
        implementation: c.text("implementation"),
        version: c.text("version"),
        abi: c.text("abi"),
        arch: c.text("arch"),
        prefix: c.path("prefix"),
        library: c.path("library"),
        sabi_library: c.path("sabi_library"),
        include_dir: c.path("include_dir"),
        soabi: c.text("soabi"),
        toolchain_file: c.path("toolchain_file"),
        generator_platform: c.text("generator_platform"),
        emulator: c.list("emulator"),
        cmake_options,
    }
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
