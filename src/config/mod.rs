//! The py-build-cmake configuration: pyproject.toml's `[tool.py-build-cmake]`,
//! the override files and `-o` overrides, merged and inherited into the
//! effective options for one build.
//!
//! Order of application (as py-build-cmake): pyproject.toml, then
//! py-build-cmake.local.toml, py-build-cmake.local.pbc, each `--local`, then
//! py-build-cmake.cross.toml, py-build-cmake.cross.pbc, each `--cross` (these
//! override the `cross` section), then each `-o`. Overrides land before
//! inheritance, so an override of `cmake.args` reaches every OS section.

mod auto_cross;
mod env;
mod json;
mod merge;
pub mod model;
mod overrides;
mod raw;
pub mod reference;
mod resolve;
mod schema;
mod serde_names;
mod source;
mod value;
mod verify;

// Value rules that also apply outside the configuration (tag flags).
pub use schema::Format;

use std::path::{Path, PathBuf};

use crate::override_files;
use crate::platform::Os;
use model::Config;
use raw::{KeyPath, Raw, Source};
use value::{Map, Val};
use verify::Ctx;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("while reading {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("while reading {}: {message}", path.display())]
    Toml { path: PathBuf, message: String },
    /// A `.pbc` file or `-o` override that does not parse.
    #[error("{label}: {}invalid override: {message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
    Syntax {
        label: String,
        line: Option<usize>,
        message: String,
    },
    /// A value the schema rejects.
    #[error("{label}: {}key {key}: {message}", line.map(|l| format!("line {l}, ")).unwrap_or_default())]
    Invalid {
        label: String,
        line: Option<usize>,
        key: String,
        message: String,
    },
    /// A problem found while combining values (types, environment).
    #[error("key {key}: {message}")]
    Merge { key: String, message: String },
    /// A finished section that its `model` type refuses: the schema and the
    /// model disagree, a bug here rather than in the input.
    #[error(
        "key {key}: the resolved options do not fit the typed model (a bug in py-build-cmake)"
    )]
    Model {
        key: String,
        #[source]
        source: serde_json::Error,
    },
    /// A project of another build backend, with nothing for this tool to build.
    #[error(
        "{} names the build backend {backend:?} and has no [tool.py-build-cmake] table, so \
         py-build-cmake would build a wheel without its CMake parts; to build it with \
         py-build-cmake, set [build-system] build-backend = \"pybuildcmake.build\" and \
         requires = [\"pybuildcmake\"], and add a [tool.py-build-cmake.cmake] table (an empty \
         [tool.py-build-cmake] table for a pure-Python package)",
        pyproject.display()
    )]
    ForeignBackend { pyproject: PathBuf, backend: String },
    #[error("{0}")]
    Other(String),
}

/// The backends whose projects this tool builds: its own and py-build-cmake's.
const OUR_BACKENDS: [&str; 4] = [
    "pybuildcmake.build",
    "pybuildcmake.build_component",
    "py_build_cmake.build",
    "py_build_cmake.build_component",
];

/// Refuses a project written for another build backend: without a
/// `[tool.py-build-cmake]` table it would pack as an empty pure-Python
/// wheel. A project of ours without the table is a pure-Python package.
pub fn check_backend(config: &Config) -> Result<(), Error> {
    match &config.build_backend {
        Some(backend) if !config.has_tool_table && !OUR_BACKENDS.contains(&backend.as_str()) => {
            Err(Error::ForeignBackend {
                pyproject: config.pyproject.clone(),
                backend: backend.clone(),
            })
        }
        _ => Ok(()),
    }
}

/// What to resolve: the project and every override source, in CLI order.
#[derive(Debug, Clone)]
pub struct LoadRequest {
    pub project_dir: PathBuf,
    pub local: Vec<PathBuf>,
    pub cross: Vec<PathBuf>,
    pub overrides: Vec<String>,
    pub os: Os,
}

/// Which section an override file overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Tool,
    Cross,
}

/// Reads pyproject.toml and every override source and returns the effective
/// configuration for `request.os` (or for the cross target).
pub fn load(request: &LoadRequest) -> Result<Config, Error> {
    let project_dir = absolute(&request.project_dir)?;
    let pyproject = project_dir.join("pyproject.toml");
    let text = source::read_text(&pyproject)?;
    let document_raw = source::parse_toml(&pyproject, &text)?;
    let document: toml::Table = toml::from_str(&text).map_err(|err| Error::Toml {
        path: pyproject.clone(),
        message: err.message().to_owned(),
    })?;
    let mut input_files = vec![pyproject.clone()];
    let mut absent_inputs = Vec::new();

    let main = Source {
        label: format!("while reading {}", pyproject.display()),
        key_prefix: "tool.py-build-cmake".into(),
        base_dir: project_dir.clone(),
    };
    let ctx = Ctx {
        source: &main,
        project_dir: &project_dir,
    };
    let mut tool = match document_raw
        .get("tool")
        .and_then(|t| t.get("py-build-cmake"))
    {
        Some(raw) => verify::verify(&schema::ROOT, raw, &ctx, &KeyPath::new(&main.key_prefix))?,
        None => Val::Section(Map::new()),
    };

    for (target, extra, names) in [
        (Target::Tool, &request.local, override_files::LOCAL),
        (Target::Cross, &request.cross, override_files::CROSS),
    ] {
        // Anything by these names is read, so that a directory is an error,
        // not a file silently skipped.
        let (defaults, absent): (Vec<_>, Vec<_>) = names
            .map(|name| project_dir.join(name))
            .into_iter()
            .partition(|p| p.symlink_metadata().is_ok());
        absent_inputs.extend(absent);
        let given = extra
            .iter()
            .map(|p| absolute(p))
            .collect::<Result<Vec<_>, _>>()?;
        for path in defaults.into_iter().chain(given) {
            apply_file(&mut tool, target, &path, &project_dir)?;
            input_files.push(path);
        }
    }

    for (i, text) in request.overrides.iter().enumerate() {
        let source = Source {
            label: format!("-o #{} '{text}'", i + 1),
            key_prefix: String::new(),
            base_dir: project_dir.clone(),
        };
        let parsed = overrides::parse_one(text).map_err(|err| Error::Syntax {
            label: source.label.clone(),
            line: None,
            message: format!("column {}: {}", err.column, err.message),
        })?;
        apply_raw(
            &mut tool,
            parsed.into_raw(None),
            Target::Tool,
            &source,
            &project_dir,
        )?;
    }

    let Val::Section(tool) = tool else {
        return Err(Error::Other("[tool.py-build-cmake] was cleared".into()));
    };
    let label = format!(
        "while resolving the configuration of {}",
        pyproject.display()
    );
    resolve::resolve(resolve::Input {
        project_dir,
        pyproject,
        input_files,
        absent_inputs,
        document,
        document_raw,
        tool,
        os: request.os,
    })
    .map_err(|e| e.with_label(&label))
}

impl Error {
    /// Names the source of a problem found while combining values.
    fn with_label(self, label: &str) -> Error {
        match self {
            Error::Merge { key, message } => Error::Invalid {
                label: label.to_owned(),
                line: None,
                key,
                message,
            },
            other => other,
        }
    }
}

fn absolute(path: &Path) -> Result<PathBuf, Error> {
    std::path::absolute(path)
        .map(|p| verify::normalize(&p))
        .map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })
}

/// Applies one override file (`.toml` or `.pbc`).
fn apply_file(
    tool: &mut Val,
    target: Target,
    path: &Path,
    project_dir: &Path,
) -> Result<(), Error> {
    let source = Source {
        label: format!("while reading {}", path.display()),
        key_prefix: String::new(),
        base_dir: path.parent().unwrap_or(project_dir).to_owned(),
    };
    let text = source::read_text(path)?;
    match path.extension().and_then(|e| e.to_str()) {
        Some("toml") => {
            let raw = source::parse_toml(path, &text)?;
            apply_raw(tool, raw, target, &source, project_dir)
        }
        Some("pbc") => {
            let all = overrides::parse_file(&text).map_err(|err| Error::Syntax {
                label: source.label.clone(),
                line: Some(err.line),
                message: format!("column {}: {}", err.column, err.message),
            })?;
            for o in all {
                let line = Some(o.line);
                apply_raw(tool, o.into_raw(line), target, &source, project_dir)?;
            }
            Ok(())
        }
        _ => Err(Error::Other(format!(
            "{}: unsupported override file extension; expected .toml or .pbc",
            path.display()
        ))),
    }
}

/// Checks one override tree and merges it into the configuration.
fn apply_raw(
    tool: &mut Val,
    raw: Raw,
    target: Target,
    source: &Source,
    project_dir: &Path,
) -> Result<(), Error> {
    // Cross files override the `cross` section: wrap them so one schema checks both.
    let raw = match target {
        Target::Tool => raw,
        Target::Cross => Raw::table(vec![("cross".into(), raw)], None),
    };
    let ctx = Ctx {
        source,
        project_dir,
    };
    let root = KeyPath::new(&source.key_prefix);
    let new = verify::verify(&schema::ROOT, &raw, &ctx, &root)?;
    *tool = merge::merge(&schema::ROOT, Some(tool), &new, &root)
        .map_err(|e| e.with_label(&source.label))?
        .unwrap_or_else(|| Val::Section(Map::new()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every option path of the schema, with numbered cmake configs.
    fn paths(opt: &schema::Opt, prefix: &str, out: &mut Vec<String>) {
        for child in opt.children() {
            let path = format!("{prefix}{}", child.name);
            out.push(path.clone());
            if let schema::Kind::Multi(_) = child.kind {
                out.push(format!("{path}.1"));
                paths(child, &format!("{path}.0."), out);
            }
            paths(child, &format!("{path}."), out);
        }
    }

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let files = [
            (
                "pyproject.toml",
                "[project]\nname = \"p\"\nversion = \"1\"\n[tool.py-build-cmake.cmake]\n",
            ),
            ("CMakeLists.txt", ""),
            ("f.cmake", ""),
        ];
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        dir
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("x".to_owned()),
            Just("[a, b]".to_owned()),
            Just("[true, \"q;r\"]".to_owned()),
            Just("{A = true}".to_owned()),
            Just("{\"+\" = [x], \"-\" = [y], prepend = [z]}".to_owned()),
            Just("{value = [true], type = BOOL, strict = false}".to_owned()),
            Just("{value = x, type = STRING}".to_owned()),
            Just("true".to_owned()),
            Just("3".to_owned()),
            Just(".".to_owned()),
            Just("f.cmake".to_owned()),
            Just("linux".to_owned()),
            Just("[]".to_owned()),
            Just("{}".to_owned()),
            "[a-z{}\\[\\]=,\"$ ]{0,12}",
        ]
    }

    fn operator() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["=", "+=", "=+", "-=", "=!", "+=(path)", "=+(path)"])
    }

    /// CMake re-runs the helper when any file the configuration came from
    /// changes, the module that holds a dynamic version included.
    #[test]
    fn input_files_list_every_source() {
        let dir = project();
        let root = dir.path();
        std::fs::write(
            root.join("pyproject.toml"),
            "[project]\nname = \"p\"\ndynamic = [\"version\"]\n",
        )
        .expect("write");
        std::fs::write(root.join("p.py"), "__version__ = '2'\n").expect("write");
        std::fs::write(
            root.join("py-build-cmake.local.pbc"),
            "cmake.args+=[\"-x\"]\n",
        )
        .expect("write");
        std::fs::write(root.join("extra.toml"), "").expect("write");
        let config = load(&LoadRequest {
            project_dir: root.to_owned(),
            local: vec![root.join("extra.toml")],
            cross: Vec::new(),
            overrides: Vec::new(),
            os: Os::Linux,
        })
        .expect("valid project");
        let names: Vec<_> = config
            .input_files
            .iter()
            .map(|p| p.strip_prefix(root).expect("in the project").to_owned())
            .collect();
        let expected = [
            "pyproject.toml",
            "py-build-cmake.local.pbc",
            "extra.toml",
            "p.py",
        ];
        assert_eq!(names, expected.map(PathBuf::from));
        assert_eq!(config.project.version, "2");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// No sequence of overrides, over any option, makes loading panic.
        #[test]
        fn overrides_never_panic(
            picks in prop::collection::vec((any::<prop::sample::Index>(), operator(), value()), 0..6),
            os in prop::sample::select(vec![Os::Linux, Os::Windows, Os::Mac]),
        ) {
            let mut all = Vec::new();
            paths(&schema::ROOT, "", &mut all);
            let dir = project();
            let overrides = picks
                .iter()
                .map(|(i, op, v)| format!("{}{op}{v}", i.get(&all)))
                .collect();
            let request = LoadRequest {
                project_dir: dir.path().to_owned(),
                local: Vec::new(),
                cross: Vec::new(),
                overrides,
                os,
            };
            if let Ok(config) = load(&request) {
                let _ = serde_json::to_value(&config);
            }
        }

        /// The same for values written in pyproject.toml itself.
        #[test]
        fn toml_values_never_panic(
            picks in prop::collection::vec((any::<prop::sample::Index>(), value()), 0..6),
        ) {
            let mut all = Vec::new();
            paths(&schema::ROOT, "", &mut all);
            let dir = project();
            let mut text = String::from("[project]\nname = \"p\"\nversion = \"1\"\n[tool.py-build-cmake]\n");
            for (i, v) in &picks {
                text += &format!("{} = {v}\n", i.get(&all));
            }
            std::fs::write(dir.path().join("pyproject.toml"), text).expect("write");
            let request = LoadRequest {
                project_dir: dir.path().to_owned(),
                local: Vec::new(),
                cross: Vec::new(),
                overrides: Vec::new(),
                os: Os::Linux,
            };
            let _ = load(&request);
        }
    }
}
