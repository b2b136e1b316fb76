//! Where this helper's CMake package lives: next to an installed binary
//! (`<prefix>/bin` + `<prefix>/lib/cmake/PyBuildCmake`), or in the source
//! checkout the binary was built in (`<checkout>/target/*/` + `<checkout>/cmake`).

use std::path::{Path, PathBuf};

const CONFIG_FILE: &str = "PyBuildCmakeConfig.cmake";

/// The directory holding PyBuildCmakeConfig.cmake for the running binary.
pub fn cmake_package_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?.canonicalize().ok()?;
    package_dir_for(&exe)
}

fn package_dir_for(exe: &Path) -> Option<PathBuf> {
    let bin_dir = exe.parent()?;
    let installed = bin_dir.parent()?.join("lib/cmake/PyBuildCmake");
    if installed.join(CONFIG_FILE).is_file() {
        return Some(installed);
    }
    // A cargo build: the binary is somewhere below <checkout>/target.
    bin_dir
        .ancestors()
        .map(|dir| dir.join("cmake"))
        .find(|dir| {
            dir.join(CONFIG_FILE).is_file()
                && dir.parent().is_some_and(|p| p.join("Cargo.toml").is_file())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_installed_and_checkout_layouts() {
        let root = tempfile::tempdir().unwrap();
        let prefix = root.path().join("prefix");
        std::fs::create_dir_all(prefix.join("bin")).unwrap();
        std::fs::create_dir_all(prefix.join("lib/cmake/PyBuildCmake")).unwrap();
        std::fs::write(prefix.join("lib/cmake/PyBuildCmake").join(CONFIG_FILE), "").unwrap();
        assert_eq!(
            package_dir_for(&prefix.join("bin/py-build-cmake")),
            Some(prefix.join("lib/cmake/PyBuildCmake"))
        );

        let checkout = root.path().join("checkout");
        std::fs::create_dir_all(checkout.join("target/release")).unwrap();
        std::fs::create_dir_all(checkout.join("cmake")).unwrap();
        std::fs::write(checkout.join("Cargo.toml"), "").unwrap();
        std::fs::write(checkout.join("cmake").join(CONFIG_FILE), "").unwrap();
        assert_eq!(
            package_dir_for(&checkout.join("target/release/py-build-cmake")),
            Some(checkout.join("cmake"))
        );

        assert_eq!(
            package_dir_for(&root.path().join("elsewhere/py-build-cmake")),
            None
        );
    }
}
