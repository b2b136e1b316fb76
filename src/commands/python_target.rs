//! `py-build-cmake python-target`: print what the helper knows about the
//! target Python, as JSON.

use crate::cli::PythonTargetArgs;
use crate::python_target::{default_interpreter, resolve_native, resolve_native_cached};

use super::Error;

pub fn run(args: PythonTargetArgs) -> Result<(), Error> {
    let interpreter = args.python.unwrap_or_else(default_interpreter);
    let target = if args.no_cache {
        resolve_native_cached(&interpreter, None)?
    } else if let Some(dir) = &args.cache_dir {
        resolve_native_cached(&interpreter, Some(dir))?
    } else {
        resolve_native(&interpreter)?
    };
    let json = serde_json::to_string_pretty(&target).map_err(|source| Error::Io {
        context: "while printing the target as JSON".into(),
        source: source.into(),
    })?;
    println!("{json}");
    Ok(())
}
