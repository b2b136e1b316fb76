//! The `[project]` table (PEP 621) and the core metadata rendered from it.

use serde::Serialize;

/// Normalized `[project]` metadata.
#[derive(Debug, Clone, Serialize)]
pub struct Project {
    /// As written.
    pub name: String,
    /// PEP 503 normalized (`my-project`).
    pub normalized_name: String,
    /// PEP 440 normalized.
    pub version: String,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {}
