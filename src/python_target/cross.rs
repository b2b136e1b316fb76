//! Cross resolution: a `CrossSpec` plus what its sysroot or prefix says.

use super::CrossSpec;
use super::PythonTarget;
use crate::config::model::Os;

#[derive(Debug, thiserror::Error)]
pub enum Error {}

/// Resolves a cross config, filling in what it leaves out from its sysroot
/// or prefix and checking that both agree.
pub fn resolve_cross(spec: &CrossSpec, os: Os) -> Result<PythonTarget, super::Error> {
    let _ = (spec, os);
    todo!("issue 5")
}
