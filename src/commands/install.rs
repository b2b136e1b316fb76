//! `py-build-cmake install --prefix P`: installs this helper as
//! `P/bin/py-build-cmake` and the CMake package into
//! `P/lib/cmake/PyBuildCmake/`, where `find_package(PyBuildCmake)` finds it
//! with `P` on CMAKE_PREFIX_PATH.

use std::path::{Path, PathBuf};

use crate::cli::InstallArgs;
use crate::fs_atomic;

use super::Error;

/// The CMake package, embedded so an installed helper and its package always match.
const CMAKE_FILES: &[(&str, &str)] = &[
    (
        "PyBuildCmakeConfig.cmake",
        include_str!("../../cmake/PyBuildCmakeConfig.cmake"),
    ),
    (
        "PyBuildCmakeConfigVersion.cmake",
        include_str!("../../cmake/PyBuildCmakeConfigVersion.cmake"),
    ),
    (
        "PyBuildCmakeResolve.cmake",
        include_str!("../../cmake/PyBuildCmakeResolve.cmake"),
    ),
    (
        "PyBuildCmakeTargets.cmake",
        include_str!("../../cmake/PyBuildCmakeTargets.cmake"),
    ),
    (
        "PyBuildCmakeHelper.cmake",
        include_str!("../../cmake/PyBuildCmakeHelper.cmake"),
    ),
    (
        "PyBuildCmakeToolchain.cmake",
        include_str!("../../cmake/PyBuildCmakeToolchain.cmake"),
    ),
    (
        "PyBuildCmakeWheel.cmake",
        include_str!("../../cmake/PyBuildCmakeWheel.cmake"),
    ),
    (
        "PyBuildCmakeMatrix.cmake",
        include_str!("../../cmake/PyBuildCmakeMatrix.cmake"),
    ),
    (
        "PyBuildCmakeDriver.cmake",
        include_str!("../../cmake/PyBuildCmakeDriver.cmake"),
    ),
];

pub fn run(args: InstallArgs) -> Result<(), Error> {
    let (bin_dest, package_dir) = install(&args.prefix)?;
    super::print_line(format_args!("installed {}", bin_dest.display()))?;
    super::print_line(format_args!("installed {}", display_dir(&package_dir)))?;
    super::print_line(format_args!(
        "use it with: cmake -DCMAKE_PREFIX_PATH={} ...",
        args.prefix.display()
    ))?;
    Ok(())
}

/// Installs this helper and its CMake package into `prefix` (files that
/// hold the same bytes already are left alone); returns the binary's path
/// and the package's directory.
pub fn install(prefix: &Path) -> Result<(PathBuf, PathBuf), Error> {
    let io = |context: String| move |source| Error::Io { context, source };
    let exe = std::env::current_exe().map_err(io("while locating this executable".into()))?;
    let exe_name = format!("py-build-cmake{}", std::env::consts::EXE_SUFFIX);
    let bin_dest = prefix.join("bin").join(exe_name);
    // Reinstalling over the running binary is fine: the rename replaces the
    // directory entry, not the file being executed.
    fs_atomic::link_or_copy_if_changed(&exe, &bin_dest).map_err(io(format!(
        "while installing {} as {}",
        exe.display(),
        bin_dest.display()
    )))?;
    let package_dir = prefix.join("lib").join("cmake").join("PyBuildCmake");
    for (name, contents) in CMAKE_FILES {
        let dest = package_dir.join(name);
        fs_atomic::write_if_changed(&dest, contents.as_bytes(), false)
            .map_err(io(format!("while writing {}", dest.display())))?;
    }
    Ok((bin_dest, package_dir))
}

fn display_dir(dir: &Path) -> String {
    format!("{}{}", dir.display(), std::path::MAIN_SEPARATOR)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_file_of_the_cmake_package_is_installed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("cmake");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut installed: Vec<String> = super::CMAKE_FILES
            .iter()
            .map(|(name, _)| name.to_string())
            .collect();
        installed.sort();
        assert_eq!(installed, on_disk);
    }
}
