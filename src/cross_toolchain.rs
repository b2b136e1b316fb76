//! The CMake script PyBuildCmakeToolchain.cmake includes for a cross build:
//! the emulator, automatic cross settings, the config's own toolchain file,
//! and the include root Debian's multiarch pyconfig.h needs.

use std::path::{Path, PathBuf};

use crate::python_target::{find_program, CrossSpec, PythonTarget};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "cross.emulator names `{program}`, which is not on PATH; install it \
         (qemu-user: toolchains/install-cross-tools.sh) or give its absolute path"
    )]
    EmulatorNotFound { program: String },
    #[error("cross.emulator is an empty list; give the command, e.g. [\"qemu-aarch64\", \"-L\", \"/sysroot\"]")]
    EmptyEmulator,
    #[error("cross.toolchain_file {} does not exist", path.display())]
    ToolchainMissing { path: PathBuf },
}

/// Renders the script for `target`, resolved from `spec` and the files in
/// `inputs` (named in a comment).
pub fn render(
    spec: &CrossSpec,
    target: &PythonTarget,
    inputs: &[PathBuf],
) -> Result<String, Error> {
    let mut out = String::new();
    out.push_str(
        "# Written by `py-build-cmake cross-toolchain` for PyBuildCmakeToolchain.cmake.\n",
    );
    for input in inputs {
        out.push_str(&format!("# From {}\n", input.display()));
    }
    let name = format!(
        "{}{}{}-{}-{}",
        target.implementation_tag, target.major, target.minor, target.abi_tag, target.platform_tag
    );
    out.push_str(&set("PY_BUILD_CMAKE_CROSS_TARGET", &[name]));
    if let Some(emulator) = &target.emulator {
        let (program, args) = emulator.split_first().ok_or(Error::EmptyEmulator)?;
        // Resolved here so that a missing qemu fails with the fix, not later
        // inside FindPython or a test run.
        let program = find_program(Path::new(program))
            .filter(|path| path.is_file())
            .ok_or_else(|| Error::EmulatorNotFound {
                program: program.clone(),
            })?;
        let mut command = vec![path_text(&program)];
        command.extend(args.iter().cloned());
        out.push_str(&set("CMAKE_CROSSCOMPILING_EMULATOR", &command));
    }
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
        out.push_str(&format!("include({})\n", bracket(&path_text(toolchain))));
    }
    // Debian's pythonX.Y/pyconfig.h includes <triple/pythonX.Y/pyconfig.h>:
    // FindPython takes one include dir, so the others are searched after the
    // compiler's own directories, where they cannot shadow its libc headers.
    for dir in target.include_dirs.iter().skip(1) {
        let flag = format!(" -idirafter {}", shell_word(&path_text(dir)));
        for lang in ["C", "CXX"] {
            out.push_str(&format!(
                "string(APPEND CMAKE_{lang}_FLAGS_INIT {})\n",
                bracket(&flag)
            ));
        }
    }
    Ok(out)
}

/// `set(NAME [[a]] [[b]])`, each element verbatim.
fn set(name: &str, items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|item| bracket(item)).collect();
    format!("set({name} {})\n", items.join(" "))
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A word of a compiler command line, quoted when it needs to be.
fn shell_word(text: &str) -> String {
    if text.contains([' ', '"', '\'']) {
        format!("\"{}\"", text.replace('"', "\\\""))
    } else {
        text.to_owned()
    }
}

/// A CMake bracket argument holding `value` verbatim.
fn bracket(value: &str) -> String {
    let mut equals = String::new();
    while format!("{value}]{equals}").contains(&format!("]{equals}]")) {
        equals.push('=');
    }
    format!("[{equals}[{value}]{equals}]")
}
