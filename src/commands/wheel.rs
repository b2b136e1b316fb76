//! `py-build-cmake wheel`: pack a staged install tree into a wheel.

use crate::cli::WheelArgs;

use super::Error;

pub fn run(args: WheelArgs) -> Result<(), Error> {
    let _ = args;
    todo!("issue 3")
}
