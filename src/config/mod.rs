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
pub mod json;
mod merge;
pub mod model;
mod overrides;
mod raw;
pub mod reference;
mod resolve;
mod schema;
mod source;
mod value;
mod verify;

use std::path::{Path, PathBuf};

use model::{Config, Os};
use raw::{KeyPath, Raw, Source};
use value::{Map, Val};
pub use verify::suggestions as suggest;
use verify::Ctx;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("while reading {}: {source}", path.display())]
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
    #[error("{0}")]
    Other(String),
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

    for (target, extra, stem) in [
        (Target::Tool, &request.local, "py-build-cmake.local"),
        (Target::Cross, &request.cross, "py-build-cmake.cross"),
    ] {
        let defaults = ["toml", "pbc"]
            .map(|ext| project_dir.join(format!("{stem}.{ext}")))
            .into_iter()
            .filter(|p| p.is_file());
        let given = extra
            .iter()
            .map(|p| absolute(p))
            .collect::<Result<Vec<_>, _>>()?;
        for path in defaults.chain(given) {
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
