//! `py-build-cmake config`: print the effective configuration as JSON, or
//! the option reference.

use crate::cli::ConfigArgs;
use crate::config::reference;
use crate::platform::Os;

use super::Error;

pub fn run(args: ConfigArgs) -> Result<(), Error> {
    if args.format {
        super::print_out(&reference::render())?;
        return Ok(());
    }
    let config = super::load_config(&args.inputs, args.os.map_or(Os::host(), Os::from))?;
    crate::config::check_backend(&config)?;
    // JSON is the only output format; `--json` says so explicitly.
    let text = serde_json::to_string_pretty(&config).map_err(|source| Error::Json {
        context: "while writing the configuration as JSON".into(),
        source,
    })?;
    super::print_line(text)?;
    Ok(())
}
