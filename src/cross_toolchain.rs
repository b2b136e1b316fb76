//! What PyBuildCmakeToolchain.cmake includes for a cross build: a CMake
//! script (the emulator, automatic cross settings, the config's own toolchain
//! file, flags for Debian's sysroot layout) and, with an emulator, a launcher
//! that runs the target's Python on the build machine.

use std::path::{Path, PathBuf};

use crate::cmake_output::{bracket, cmake_path};
use crate::platform::Os;
use crate::python_target::{find_program, CrossSpec, PythonTarget};

/// The launcher's file name, beside the script (the driver finds it there).
pub const LAUNCHER: &str = "target-python";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "cross.emulator names `{program}`, which is not on PATH; install it \
         (qemu-user: toolchains/install-cross-tools.sh) or give its absolute path"
    )]
    EmulatorNotFound { program: String },
    #[error(
        "cross.emulator is an empty list; give the command, e.g. [\"qemu-aarch64\", \"-L\", \"/sysroot\"]"
    )]
    EmptyEmulator,
    #[error("cross.toolchain_file {} does not exist", path.display())]
    ToolchainMissing { path: PathBuf },
}

pub struct Rendered {
    pub script: String,
    /// A `/bin/sh` script for `launcher_path`, when the target's Python can
    /// run here under the emulator.
    pub launcher: Option<String>,
}

/// Renders what `target` (resolved from `spec` and the files in `inputs`,
/// named in a comment) needs; `launcher_path` is where the launcher goes.
pub fn render(
    spec: &CrossSpec,
    target: &PythonTarget,
    inputs: &[PathBuf],
    launcher_path: &Path,
) -> Result<Rendered, Error> {
    let mut out = String::from(
        "# Written by `py-build-cmake cross-toolchain` for PyBuildCmakeToolchain.cmake,\n\
         # which may include it several times per configure.\n",
    );
    for input in inputs {
        out.push_str(&format!("# From {}\n", input.display()));
    }
    // A comment, not a variable: find_package(PyBuildCmake)'s variables
    // describe the target to the project.
    out.push_str(&format!("# Target: {}\n", target.build_config()));

    let emulator = match &target.emulator {
        Some(emulator) => Some(resolve_emulator(emulator)?),
        None => None,
    };
    if let Some(command) = &emulator {
        out.push_str(&set("CMAKE_CROSSCOMPILING_EMULATOR", command));
    }
    let launcher = match (&emulator, &target.interpreter) {
        (Some(command), Some(python)) if cfg!(unix) => {
            out.push_str(&launcher_hints(launcher_path));
            Some(launcher_script(command, python))
        }
        _ => None,
    };

    // Automatic cross settings (CMAKE_SYSTEM_NAME, CMAKE_OSX_ARCHITECTURES)
    // must be in place before project() enables a language.
    for (name, value) in &spec.cmake_options {
        out.push_str(&set(name, std::slice::from_ref(value)));
    }
    if let Some(toolchain) = &target.toolchain_file {
        if !toolchain.is_file() {
            return Err(Error::ToolchainMissing {
                path: toolchain.clone(),
            });
        }
        out.push_str(&format!("include({})\n", bracket(&cmake_path(toolchain))));
    }
    for (variable, flag) in sysroot_flags(target) {
        out.push_str(&format!(
            "_py_build_cmake_append_flag({variable} {})\n",
            bracket(&flag)
        ));
    }
    Ok(Rendered {
        script: out,
        launcher,
    })
}

/// The emulator command with its program made absolute, so that a missing
/// qemu fails here with the fix, not later inside FindPython or a test run.
fn resolve_emulator(emulator: &[String]) -> Result<Vec<String>, Error> {
    let (program, args) = emulator.split_first().ok_or(Error::EmptyEmulator)?;
    let found = find_program(Path::new(program))
        .filter(|path| path.is_file())
        .ok_or_else(|| Error::EmulatorNotFound {
            program: program.clone(),
        })?;
    let mut command = vec![cmake_path(&found)];
    command.extend(args.iter().cloned());
    Ok(command)
}

/// Without CMP0190 (CMake < 4.1, or a project that sets it OLD), FindPython
/// runs the Interpreter it finds directly and rejects one whose pointer size
/// differs from the target's; the launcher makes the target's Python that
/// interpreter. With CMP0190 NEW, FindPython runs it under the emulator itself.
fn launcher_hints(launcher_path: &Path) -> String {
    let launcher = bracket(&cmake_path(launcher_path));
    format!(
        "set(_PY_BUILD_CMAKE_TARGET_PYTHON_LAUNCHER {launcher})\n\
         set(_py_build_cmake_cmp0190 OLD)\n\
         if(POLICY CMP0190)\n  cmake_policy(GET CMP0190 _py_build_cmake_cmp0190)\n\
         endif()\n\
         if(NOT _py_build_cmake_cmp0190 STREQUAL \"NEW\")\n  \
         set(Python_EXECUTABLE {launcher})\n  set(Python3_EXECUTABLE {launcher})\n\
         endif()\n\
         unset(_py_build_cmake_cmp0190)\n"
    )
}

fn launcher_script(emulator: &[String], python: &Path) -> String {
    let words: Vec<String> = emulator
        .iter()
        .cloned()
        .chain(std::iter::once(python.to_string_lossy().into_owned()))
        .map(|word| format!("'{}'", word.replace('\'', r"'\''")))
        .collect();
    format!(
        "#!/bin/sh\n# The target's Python under the emulator (py-build-cmake cross-toolchain).\n\
         exec {} \"$@\"\n",
        words.join(" ")
    )
}

/// Flags Debian's sysroot layout needs, as (CMake variable, flag) pairs.
fn sysroot_flags(target: &PythonTarget) -> Vec<(String, String)> {
    let mut flags = Vec::new();
    if target.os != Os::Linux {
        return flags;
    }
    // pythonX.Y/pyconfig.h includes <triple/pythonX.Y/pyconfig.h>, and
    // FindPython takes one include dir: the others are searched after the
    // compiler's own directories, where they cannot shadow its libc headers.
    for dir in target.include_dirs.iter().skip(1) {
        for lang in ["C", "CXX"] {
            flags.push((
                format!("CMAKE_{lang}_FLAGS_INIT"),
                format!("-idirafter {}", shell_word(&cmake_path(dir))),
            ));
        }
    }
    // Linking libpython (embedding) needs its own dependencies (libz,
    // libexpat), which live beside it and in the sysroot's /lib.
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(lib_dir) = target.library.as_deref().and_then(Path::parent) {
        dirs.push(lib_dir.to_owned());
        if let (Some(prefix), Some(name)) = (&target.root_dir, lib_dir.file_name()) {
            if prefix.ends_with("usr") {
                if let Some(root) = prefix.parent() {
                    dirs.push(root.join("lib").join(name));
                }
            }
        }
    }
    for dir in dirs.iter().filter(|dir| dir.is_dir()) {
        for kind in ["EXE", "SHARED", "MODULE"] {
            flags.push((
                format!("CMAKE_{kind}_LINKER_FLAGS_INIT"),
                format!("-Wl,-rpath-link,{}", shell_word(&cmake_path(dir))),
            ));
        }
    }
    flags
}

/// `set(NAME [[a]] [[b]])`, each element verbatim.
fn set(name: &str, items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|item| bracket(item)).collect();
    format!("set({name} {})\n", items.join(" "))
}

/// A word of a compiler command line, quoted when it needs to be.
fn shell_word(text: &str) -> String {
    if text.contains([' ', '"', '\'']) {
        format!("\"{}\"", text.replace('"', "\\\""))
    } else {
        text.to_owned()
    }
}
