//! `py-build-cmake sdist`: write the project's source distribution.

use std::path::{Path, PathBuf};

use crate::cli::SdistArgs;
use crate::config::model::Config;
use crate::platform::Os;
use crate::sdist;

use super::{source_date_epoch, Error};

pub fn run(args: SdistArgs) -> Result<(), Error> {
    let config = super::load_config(&args.inputs, Os::host())?;
    crate::config::check_backend(&config)?;
    let out_dir = super::out_dir(args.out_dir, &config.project_dir)?;
    let path = write(&config, &out_dir)?;
    super::print_line(path.display())?;
    Ok(())
}

/// Writes the sdist into `out_dir`, warning when it would not build with
/// this backend.
pub fn write(config: &Config, out_dir: &Path) -> Result<PathBuf, Error> {
    let timestamp = source_date_epoch()?;
    if let Some(warning) = sdist::backend_warning(config) {
        eprintln!("py-build-cmake: warning: {warning}");
    }
    for warning in sdist::pattern_warnings(config)? {
        eprintln!("py-build-cmake: warning: {warning}");
    }
    Ok(sdist::build(config, out_dir, timestamp)?)
}
