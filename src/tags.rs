//! Wheel compatibility tags: from the configuration, the target Python and
//! (for `platform_tag = "guess"`) the packed files.

use crate::config::model::Config;
use crate::python_target::PythonTarget;

/// Compressed tag sets, each sorted, as they go into the file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelTags {
    pub python: Vec<String>,
    pub abi: Vec<String>,
    /// `["guess"]` until the packed files are known.
    pub platform: Vec<String>,
    pub build: Option<String>,
}

/// Explicit tags from the command line, which win over the configuration.
#[derive(Debug, Clone, Default)]
pub struct TagOverrides {
    pub python: Option<String>,
    pub abi: Option<String>,
    pub platform: Option<String>,
    pub build: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {}

impl WheelTags {
    /// Tags for a build of `config` for `target` (`None` for a pure package).
    pub fn compute(
        config: &Config,
        target: Option<&PythonTarget>,
        overrides: &TagOverrides,
    ) -> Result<WheelTags, Error> {
        let _ = (config, target, overrides);
        todo!("issue 3")
    }
}
