//! `[tool.py-build-cmake.stubgen]`: mypy's stubgen over the staged wheel
//! tree, run by the target interpreter (it imports the built modules), with
//! py-build-cmake's defaults. Generated stubs never replace `.pyi` files the
//! sources or the install step already provide. The wheel target's CMake
//! step (through `py-build-cmake stubgen`) and the driver both use this.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::archive::{self, Filter, Symlinks};
use crate::config::model::{Config, Generated, StubgenOptions};
use crate::module_source::{self, ModuleSource};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Module(#[from] module_source::Error),
    #[error("cannot run {program}")]
    Spawn {
        program: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("stubgen failed (exit status {status}): `{command}`\n{output}")]
    Failed {
        status: String,
        command: String,
        output: String,
    },
    #[error("while listing the generated stubs in {path}")]
    Walk {
        path: PathBuf,
        #[source]
        source: archive::Error,
    },
    #[error("while moving the generated stubs into {path}")]
    Copy {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// One stubgen run.
pub struct Request<'a> {
    pub config: &'a Config,
    pub options: &'a StubgenOptions,
    /// The staged wheel tree: searched for the modules, receives the stubs.
    pub staging: &'a Path,
    /// The target interpreter, or the launcher that runs it under an emulator.
    pub python: &'a Path,
    /// `python` is a launcher: mypy's worker processes must be started
    /// through it too (multiprocessing would use the target binary itself).
    pub launcher: bool,
}

/// What happened.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The stub files added to the staging tree, relative to it.
    Written(Vec<PathBuf>),
    /// Why nothing ran.
    Skipped(String),
}

impl Outcome {
    /// One line saying what stubgen did.
    pub fn summary(&self) -> String {
        match self {
            Outcome::Written(files) => format!("stubgen wrote {} stub file(s)", files.len()),
            Outcome::Skipped(why) => format!("stubgen skipped: {why}"),
        }
    }
}

/// mypy is compiled with mypyc: `-m mypy.stubgen` cannot run it, its main() can.
const MAIN: &str = "__import__('mypy.stubgen').stubgen.main()";

pub fn run(request: &Request) -> Result<Outcome, Error> {
    let python = request.python;
    let have_mypy = Command::new(python)
        .args(["-c", "import mypy.stubgen"])
        .output()
        .map_err(|source| Error::Spawn {
            program: python.to_owned(),
            source,
        })?;
    if !have_mypy.status.success() {
        return Ok(Outcome::Skipped(format!(
            "mypy is not installed for {0} (install it with: {0} -m pip install mypy)",
            python.display()
        )));
    }
    let staging = request.staging;
    let stubs_dir = sibling(staging, "stubs");
    let cache_dir = sibling(staging, "mypy-cache");
    remove_tree(&stubs_dir)?;
    let args = arguments(request, &stubs_dir)?;
    let code = if request.launcher {
        // A JSON string is a valid Python string literal.
        let exe = serde_json::to_string(&python.to_string_lossy()).unwrap_or_default();
        format!("__import__('multiprocessing').set_executable({exe}) or {MAIN}")
    } else {
        MAIN.to_owned()
    };
    let mut command = Command::new(python);
    command
        .arg("-c")
        .arg(&code)
        .args(&args)
        .current_dir(staging)
        .env("MYPY_CACHE_DIR", &cache_dir)
        .env("MYPYPATH", staging)
        .env("PYTHONPATH", python_path(staging));
    let shown = format!("{} -c \"{code}\" {}", python.display(), args.join(" "));
    let output = command.output().map_err(|source| Error::Spawn {
        program: python.to_owned(),
        source,
    })?;
    if !output.status.success() {
        return Err(Error::Failed {
            status: output
                .status
                .code()
                .map_or("killed".into(), |c| c.to_string()),
            command: shown,
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        });
    }
    let written = if stubs_dir.is_dir() {
        move_stubs(&stubs_dir, staging)?
    } else {
        Vec::new()
    };
    remove_tree(&stubs_dir)?;
    remove_tree(&cache_dir)?;
    Ok(Outcome::Written(written))
}

/// stubgen's arguments: the configured ones, then py-build-cmake's defaults
/// (the module itself as `-p` or `-m`, `-o` and `--search-path` unless given).
fn arguments(request: &Request, stubs_dir: &Path) -> Result<Vec<String>, Error> {
    let options = request.options;
    let config = request.config;
    let is_module = match config.module.source()? {
        ModuleSource::File(_) => true,
        ModuleSource::Generated => config.module.generated == Some(Generated::Module),
        ModuleSource::Package(_) => false,
    };
    let name = &config.module.name;
    let own = |yes: bool| if yes { vec![name.clone()] } else { Vec::new() };
    let packages = options.packages.clone().unwrap_or_else(|| own(!is_module));
    let modules = options.modules.clone().unwrap_or_else(|| own(is_module));
    let mut args = options.args.clone();
    for p in packages {
        args.extend(["-p".into(), p]);
    }
    for m in modules {
        args.extend(["-m".into(), m]);
    }
    args.extend(options.files.iter().flatten().cloned());
    let given = |flags: &[&str]| options.args.iter().any(|a| flags.contains(&a.as_str()));
    if !given(&["-o", "--output"]) {
        args.extend(["-o".into(), stubs_dir.to_string_lossy().into_owned()]);
    }
    if !given(&["--search-path"]) {
        args.extend([
            "--search-path".into(),
            request.staging.to_string_lossy().into_owned(),
        ]);
    }
    Ok(args)
}

/// `<staging>-<what>`, beside the staging dir so it never lands in the wheel.
fn sibling(staging: &Path, what: &str) -> PathBuf {
    let mut name = staging.file_name().unwrap_or_default().to_owned();
    name.push(format!("-{what}"));
    staging.with_file_name(name)
}

/// Moves the generated stubs into the staging tree, as py-build-cmake
/// does: a `.pyi` never replaces an existing one nor a package's
/// `__init__.pyi`; a stub package is skipped when a `.pyi` (or a file) of
/// the same module is already there. Each stub is judged by the tree as the
/// sources and the install step left it. Returns the stubs written.
fn move_stubs(stubs: &Path, staging: &Path) -> Result<Vec<PathBuf>, Error> {
    let copy_error = |source| Error::Copy {
        path: staging.to_path_buf(),
        source,
    };
    let files =
        archive::walk(stubs, "", &Filter::default(), Symlinks::Confined).map_err(|source| {
            Error::Walk {
                path: stubs.to_path_buf(),
                source,
            }
        })?;
    let wanted: Vec<_> = files
        .into_iter()
        .filter(|file| file.relative.ends_with(".pyi"))
        .filter(|file| {
            let dest = staging.join(&file.relative);
            let package_stub = dest.with_extension("").join("__init__.pyi");
            // Every directory above the stub, below the stubs' root.
            let mut packages = Path::new(&file.relative).ancestors().skip(1);
            let module_exists = packages.any(|package| {
                let dir = staging.join(package);
                !package.as_os_str().is_empty()
                    && (dir.with_extension("pyi").exists() || (dir.exists() && !dir.is_dir()))
            });
            !module_exists && !dest.exists() && !package_stub.exists()
        })
        .collect();
    let mut written = Vec::new();
    for file in wanted {
        let dest = staging.join(&file.relative);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(copy_error)?;
        }
        std::fs::copy(&file.source, &dest).map_err(copy_error)?;
        written.push(PathBuf::from(file.relative));
    }
    Ok(written)
}

fn remove_tree(path: &Path) -> Result<(), Error> {
    crate::fs_atomic::remove_tree(path).map_err(|source| Error::Copy {
        path: path.to_path_buf(),
        source,
    })
}

/// The staged modules first on PYTHONPATH; what is already there stays
/// (pip's isolated build env reaches mypy through it).
fn python_path(staging: &Path) -> std::ffi::OsString {
    let existing = std::env::var_os("PYTHONPATH").unwrap_or_default();
    let paths = std::iter::once(staging.to_path_buf())
        .chain(std::env::split_paths(&existing).filter(|p| !p.as_os_str().is_empty()));
    std::env::join_paths(paths).unwrap_or_else(|_| staging.as_os_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stubs_never_replace_existing_ones() {
        let dir = tempfile::tempdir().unwrap();
        let stubs = dir.path().join("stubs");
        let staging = dir.path().join("staging");
        crate::test_support::write_files(
            &stubs,
            &[
                "pkg/__init__.pyi",
                "pkg/new.pyi",
                "pkg/kept.pyi",
                "pkg/sub/__init__.pyi",
                "pkg/mod.pyi",
                "pkg/other/x.pyi",
            ],
            "generated",
        );
        crate::test_support::write_files(
            &staging,
            &[
                "pkg/__init__.py",
                "pkg/kept.pyi",
                "pkg/sub.pyi",
                "pkg/mod/__init__.pyi",
            ],
            "own",
        );
        let written = move_stubs(&stubs, &staging).unwrap();
        let expected: Vec<PathBuf> = ["pkg/__init__.pyi", "pkg/new.pyi", "pkg/other/x.pyi"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(written, expected);
        let kept = std::fs::read_to_string(staging.join("pkg/kept.pyi")).unwrap();
        assert_eq!(kept, "own");
        assert!(!staging.join("pkg/sub").exists());
    }

    #[test]
    fn staging_siblings_stay_outside_the_tree() {
        let staging = Path::new("/b/cp311-staging");
        assert_eq!(
            sibling(staging, "stubs"),
            PathBuf::from("/b/cp311-staging-stubs")
        );
    }
}
