//! The py-build-cmake configuration: pyproject.toml's `[tool.py-build-cmake]`,
//! the override files and `-o` overrides, merged and inherited into the
//! effective options for one build.

pub mod model;

#[derive(Debug, thiserror::Error)]
pub enum Error {}
