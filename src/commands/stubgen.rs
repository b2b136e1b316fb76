//! `py-build-cmake stubgen`: the wheel target's stubgen step (see `stubgen`).

use crate::cli::StubgenArgs;
use crate::stubgen::{self, Request};

use super::Error;

pub fn run(args: StubgenArgs) -> Result<(), Error> {
    let config = super::load_config(&args.inputs, crate::platform::Os::host())?;
    let Some(options) = &config.stubgen else {
        return super::print_line(
            "py-build-cmake: no [tool.py-build-cmake.stubgen] section: no stubs",
        );
    };
    let outcome = stubgen::run(&Request {
        config: &config,
        options,
        staging: &args.staging,
        python: &args.python,
        launcher: args.launcher,
    })?;
    super::print_line(format!("py-build-cmake: {}", outcome.summary()))
}
