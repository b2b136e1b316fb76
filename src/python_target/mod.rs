//! The Python a build targets: the native interpreter, or a cross-compilation
//! config with its sysroot.

mod abi;
mod cache;
mod cross;
mod native;
mod prefix;
mod sysconfigdata;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::platform::Os;
use crate::python_version::PythonVersion;

pub use cross::resolve_cross;
pub use native::{resolve_native, resolve_native_cached};

/// The `cross` section after inheritance, with paths made absolute against the
/// file that set them. Fields left out are derived from the sysroot or prefix.
/// Filled from the schema's `cross` options like the option structs of
/// `config::model`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrossSpec {
    pub os: Option<Os>,
    /// `cp`, `pp`, ...
    pub implementation: Option<String>,
    /// Major and minor, as written: `311`.
    pub version: Option<PythonVersion>,
    /// `cp311`, `cp313t`, ...
    pub abi: Option<String>,
    /// Platform tag: `linux_aarch64`.
    pub arch: Option<String>,
    pub prefix: Option<PathBuf>,
    pub library: Option<PathBuf>,
    pub sabi_library: Option<PathBuf>,
    pub include_dir: Option<PathBuf>,
    /// SOABI, e.g. `cpython-311-aarch64-linux-gnu`.
    pub soabi: Option<String>,
    pub toolchain_file: Option<PathBuf>,
    pub generator_platform: Option<String>,
    /// Our extension: a command that runs target executables
    /// (CMAKE_CROSSCOMPILING_EMULATOR), e.g. `["qemu-aarch64", "-L", "/sysroot"]`.
    pub emulator: Option<Vec<String>>,
    /// Extra CMake cache entries automatic cross compilation needs
    /// (e.g. CMAKE_OSX_ARCHITECTURES from ARCHFLAGS); not an option.
    #[serde(skip_deserializing, serialize_with = "pairs_as_map")]
    pub cmake_options: Vec<(String, String)>,
}

/// `config --json` shows the cache entries as an object (one of the
/// special cases `config::json` lists; it stays here, `config` being above).
fn pairs_as_map<S: serde::Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(name, value)| (name, value)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Implementation {
    CPython,
    PyPy,
    /// Anything else, by its tag prefix.
    Other,
}

/// Everything the build and the wheel tags need to know about the target Python.
#[derive(Debug, Clone, Serialize)]
pub struct PythonTarget {
    pub implementation: Implementation,
    /// Tag prefix: `cp`, `pp`, ...
    pub implementation_tag: String,
    pub major: u32,
    pub minor: u32,
    /// Full version when known (`3.11.7`), else `major.minor`.
    pub version: String,
    /// ABI tag of a full-ABI extension: `cp311`, `cp313t`, `pypy310_pp73`.
    pub abi_tag: String,
    /// Base platform tag: `linux_x86_64`, `linux_aarch64`, `win_amd64`, `macosx_11_0_arm64`.
    pub platform_tag: String,
    pub free_threaded: bool,
    pub debug: bool,
    /// `cpython-311-x86_64-linux-gnu`
    pub soabi: String,
    /// `.cpython-311-x86_64-linux-gnu.so`
    pub ext_suffix: String,
    /// Stable-ABI SOABI (`abi3`) where the target has one.
    pub sosabi: Option<String>,
    pub os: Os,
    pub cross: bool,
    /// The interpreter, when it can run here (native, or under the emulator).
    pub interpreter: Option<PathBuf>,
    pub root_dir: Option<PathBuf>,
    /// Every directory the headers need (Python.h's and pyconfig.h's).
    pub include_dirs: Vec<PathBuf>,
    pub library: Option<PathBuf>,
    pub sabi_library: Option<PathBuf>,
    pub toolchain_file: Option<PathBuf>,
    pub emulator: Option<Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "Python interpreter `{}` not found{}",
        path.display(),
        if path.is_absolute() { "" } else { " on PATH" }
    )]
    InterpreterNotFound { path: PathBuf },
    #[error("cannot run Python interpreter `{}`", path.display())]
    InterpreterNotRunnable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "Python interpreter `{}` failed ({status}) while describing itself \
         (is it Python 3.6 or newer?):\n{stderr}",
        path.display()
    )]
    InterpreterFailed {
        path: PathBuf,
        status: std::process::ExitStatus,
        stderr: String,
    },
    #[error(
        "Python interpreter `{}` printed something that is not the expected description \
         (is it Python 3?): {output:?}",
        path.display()
    )]
    InterpreterGarbage {
        path: PathBuf,
        output: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("Python interpreter `{}` reports {what}", path.display())]
    InterpreterInconsistent { path: PathBuf, what: String },
    #[error("while resolving the cross-compilation target")]
    Cross(#[from] cross::Error),
}

impl PythonTarget {
    /// `cp311-cp311-linux_aarch64`: what `{build_config}` in cmake.build_path
    /// becomes, and the name of this target's presets.
    pub fn build_config(&self) -> String {
        format!(
            "{}{}{}-{}-{}",
            self.implementation_tag, self.major, self.minor, self.abi_tag, self.platform_tag
        )
    }
}

/// The interpreter a native build targets: `PY_BUILD_CMAKE_PYTHON`, else
/// `python3` on PATH. A bare name that is not on PATH comes back unchanged,
/// so that [`resolve_native`] reports it as not found.
pub fn default_interpreter() -> PathBuf {
    let name = std::env::var_os("PY_BUILD_CMAKE_PYTHON")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(if cfg!(windows) { "python" } else { "python3" }));
    find_program(&name).unwrap_or(name)
}

/// Looks a bare program name up on PATH (with the PATHEXT extensions on
/// Windows); any name with a directory part is made absolute as it is.
pub(crate) fn find_program(name: &Path) -> Option<PathBuf> {
    if name.components().count() > 1 || name.is_absolute() {
        return std::path::absolute(name).ok();
    }
    let extensions: Vec<String> = if cfg!(windows) {
        std::env::var("PATHEXT")
            .unwrap_or_else(|_| ".EXE;.BAT;.CMD".into())
            .split(';')
            .map(str::to_owned)
            .chain(std::iter::once(String::new()))
            .collect()
    } else {
        vec![String::new()]
    };
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .flat_map(|dir| {
            extensions.iter().map(move |ext| {
                let mut file = name.as_os_str().to_owned();
                file.push(ext);
                dir.join(file)
            })
        })
        .find(|candidate| is_executable(candidate))
        .and_then(|found| std::path::absolute(found).ok())
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error_chain::{assert_each_cause_once, io_error, json_error};

    #[test]
    fn cross_target_errors_print_each_cause_once() {
        let prefix = PathBuf::from("/sysroot/usr");
        let file = prefix.join("lib/python3.11/build-details.json");
        let through_prefix = |source| {
            Error::Cross(cross::Error::Prefix {
                prefix: prefix.clone(),
                source,
            })
        };
        assert_each_cause_once(&through_prefix(prefix::Error::Read {
            file: file.clone(),
            source: io_error(),
        }));
        assert_each_cause_once(&through_prefix(prefix::Error::BuildDetails {
            file: file.clone(),
            source: json_error(),
        }));
        assert_each_cause_once(&through_prefix(prefix::Error::Sysconfig(
            sysconfigdata::ParseError {
                file,
                line: 3,
                message: "expected a dict".into(),
            },
        )));
        assert_each_cause_once(&Error::Cross(cross::Error::Native {
            keys: "version".into(),
            source: Box::new(Error::InterpreterNotRunnable {
                path: PathBuf::from("python3"),
                source: io_error(),
            }),
        }));
    }
}
