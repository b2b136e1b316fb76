//! `py-build-cmake sdist`: write the project's source distribution.

use crate::cli::SdistArgs;
use crate::config::model::Os;
use crate::sdist;

use super::{source_date_epoch, Error};

pub fn run(args: SdistArgs) -> Result<(), Error> {
    let timestamp = source_date_epoch()?;
    let config = super::load_config(&args.inputs, Os::host())?;
    let out_dir = args
        .out_dir
        .unwrap_or_else(|| config.project_dir.join("dist"));
    let path = sdist::build(&config, &out_dir, timestamp)?;
    super::print_line(path.display())?;
    Ok(())
}
