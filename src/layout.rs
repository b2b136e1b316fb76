//! Where this helper's CMake package lives: next to an installed binary
//! (`<prefix>/bin` + `<prefix>/lib/cmake/PyBuildCmake` from `install`, or
//! `<prefix>/share/cmake/PyBuildCmake` from the pybuildcmake wheel), or in
//! the source checkout the binary was built from (`<checkout>/cmake`,
//! wherever cargo's target dir is).

use std::path::{Path, PathBuf};

const CONFIG_FILE: &str = "PyBuildCmakeConfig.cmake";

/// The project's cache directory, as py-build-cmake names it: the default
/// parent of `cmake.build_path`, the staging and editable trees, and the
/// copies a build tree calls back. A macro so that the schema's default can
/// `concat!` it.
macro_rules! project_cache_dir {
    () => {
        ".py-build-cmake_cache"
    };
}
pub(crate) use project_cache_dir;
pub const PROJECT_CACHE_DIR: &str = project_cache_dir!();

/// The directory holding PyBuildCmakeConfig.cmake for the running binary.
pub fn cmake_package_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?.canonicalize().ok()?;
    package_dir_for(&exe, Path::new(env!("CARGO_MANIFEST_DIR")))
}

fn package_dir_for(exe: &Path, checkout: &Path) -> Option<PathBuf> {
    let prefix = exe.parent()?.parent()?;
    [
        prefix.join("lib/cmake/PyBuildCmake"),
        prefix.join("share/cmake/PyBuildCmake"),
        checkout.join("cmake"),
    ]
    .into_iter()
    .find(|dir| dir.join(CONFIG_FILE).is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_installed_and_checkout_layouts() {
        let root = tempfile::tempdir().unwrap();
        let nowhere = root.path().join("nowhere");
        let prefix = root.path().join("prefix");
        std::fs::create_dir_all(prefix.join("bin")).unwrap();
        std::fs::create_dir_all(prefix.join("lib/cmake/PyBuildCmake")).unwrap();
        std::fs::write(prefix.join("lib/cmake/PyBuildCmake").join(CONFIG_FILE), "").unwrap();
        assert_eq!(
            package_dir_for(&prefix.join("bin/py-build-cmake"), &nowhere),
            Some(prefix.join("lib/cmake/PyBuildCmake"))
        );

        let venv = root.path().join("venv");
        std::fs::create_dir_all(venv.join("share/cmake/PyBuildCmake")).unwrap();
        std::fs::write(venv.join("share/cmake/PyBuildCmake").join(CONFIG_FILE), "").unwrap();
        assert_eq!(
            package_dir_for(&venv.join("bin/py-build-cmake"), &nowhere),
            Some(venv.join("share/cmake/PyBuildCmake"))
        );

        let checkout = root.path().join("checkout");
        std::fs::create_dir_all(checkout.join("cmake")).unwrap();
        std::fs::write(checkout.join("cmake").join(CONFIG_FILE), "").unwrap();
        let cargo_target = root.path().join("targets/release/py-build-cmake");
        assert_eq!(
            package_dir_for(&cargo_target, &checkout),
            Some(checkout.join("cmake"))
        );
        assert_eq!(package_dir_for(&cargo_target, &nowhere), None);
    }
}
