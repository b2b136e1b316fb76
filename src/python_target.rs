//! The Python a build targets: the native interpreter, or a cross-compilation
//! config with its sysroot.

use std::path::PathBuf;

use serde::Serialize;

use crate::config::model::Os;

/// The `cross` section after inheritance, with paths made absolute against the
/// file that set them. Fields left out are derived from the sysroot or prefix.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CrossSpec {
    pub os: Option<Os>,
    /// `cp`, `pp`, ...
    pub implementation: Option<String>,
    /// Major and minor without a dot: `311`.
    pub version: Option<String>,
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
    /// (e.g. CMAKE_OSX_ARCHITECTURES from ARCHFLAGS).
    pub cmake_options: Vec<(String, String)>,
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
pub enum Error {}

/// The interpreter a native build targets: `PY_BUILD_CMAKE_PYTHON`, else
/// `python3` on PATH.
pub fn default_interpreter() -> PathBuf {
    todo!("issue 4")
}

/// Asks a native interpreter about itself.
pub fn resolve_native(interpreter: &std::path::Path) -> Result<PythonTarget, Error> {
    let _ = interpreter;
    todo!("issue 4")
}

/// Resolves a cross config, filling in what it leaves out from its sysroot
/// or prefix and checking that both agree.
pub fn resolve_cross(spec: &CrossSpec, os: Os) -> Result<PythonTarget, Error> {
    let _ = (spec, os);
    todo!("issue 5")
}
