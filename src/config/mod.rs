//! The py-build-cmake configuration: pyproject.toml's `[tool.py-build-cmake]`,
//! the override files and `-o` overrides, merged and inherited into the
//! effective options for one build.

pub mod model;

#[derive(Debug, thiserror::Error)]
pub enum Error {}

use std::path::PathBuf;

use model::{Config, Os};

/// What to resolve: the project and every override source, in CLI order.
#[derive(Debug, Clone)]
pub struct LoadRequest {
    pub project_dir: PathBuf,
    pub local: Vec<PathBuf>,
    pub cross: Vec<PathBuf>,
    pub overrides: Vec<String>,
    pub os: Os,
}

/// Reads pyproject.toml and every override source and returns the effective
/// configuration for `request.os` (or for the cross target).
pub fn load(request: &LoadRequest) -> Result<Config, Error> {
    let _ = request;
    todo!("issue 2")
}
