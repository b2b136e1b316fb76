//! The override files beside pyproject.toml: read by the configuration
//! loader, left out of every archive (they hold the build machine's paths).

/// `py-build-cmake.local.*`, which override the tool table, in the order they apply.
pub const LOCAL: [&str; 2] = ["py-build-cmake.local.toml", "py-build-cmake.local.pbc"];
/// `py-build-cmake.cross.*`, which override the `cross` section, in the order they apply.
pub const CROSS: [&str; 2] = ["py-build-cmake.cross.toml", "py-build-cmake.cross.pbc"];

/// Whether a file name is one of the override files.
pub fn is_override_file(name: &str) -> bool {
    LOCAL.contains(&name) || CROSS.contains(&name)
}
