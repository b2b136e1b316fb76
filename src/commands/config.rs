//! `py-build-cmake config`: print the effective configuration as JSON, or
//! the option reference.

use crate::cli::{ConfigArgs, TargetOs};
use crate::config::model::Os;
use crate::config::{self, json, reference, LoadRequest};

use super::Error;

pub fn run(args: ConfigArgs) -> Result<(), Error> {
    if args.format {
        print!("{}", reference::render());
        return Ok(());
    }
    let os = match args.os {
        Some(TargetOs::Linux) => Os::Linux,
        Some(TargetOs::Windows) => Os::Windows,
        Some(TargetOs::Mac) => Os::Mac,
        None => Os::host(),
    };
    let inputs = args.inputs;
    let config = config::load(&LoadRequest {
        project_dir: inputs.project,
        local: inputs.local,
        cross: inputs.cross,
        overrides: inputs.overrides,
        os,
    })?;
    // JSON is the only output format; `--json` says so explicitly.
    let text = serde_json::to_string_pretty(&json::to_json(&config)).map_err(|e| Error::Io {
        context: "while writing the configuration as JSON".into(),
        source: e.into(),
    })?;
    println!("{text}");
    Ok(())
}
