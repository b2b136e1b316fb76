//! `py-build-cmake config`: print the effective configuration as JSON.

use crate::cli::ConfigArgs;

use super::Error;

pub fn run(args: ConfigArgs) -> Result<(), Error> {
    let _ = args;
    todo!("issue 2")
}
