//! The rule main.rs's printer relies on: an error that keeps its cause as
//! `#[source]` never repeats the cause's text in its own message, so each
//! cause is printed once ("caused by: ..."). The tests build every variant
//! with a source, layer by layer, around real causes. The project, tags and
//! pep517 layers have no variant with a source; their errors print alone.

use std::error::Error as StdError;

/// Asserts that no message in `err`'s chain contains the next one's text.
pub fn assert_each_cause_once(err: &dyn StdError) {
    let mut messages = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        messages.push(cause.to_string());
        source = cause.source();
    }
    assert!(messages.len() > 1, "{err:?} has no cause");
    for pair in messages.windows(2) {
        assert!(
            !pair[0].contains(&pair[1]),
            "the message {:?} repeats its cause {:?}",
            pair[0],
            pair[1]
        );
    }
}

/// A real I/O error: reading a directory as a file.
pub fn io_error() -> std::io::Error {
    let dir = tempfile::tempdir().unwrap();
    std::fs::read_to_string(dir.path()).unwrap_err()
}

pub fn json_error() -> serde_json::Error {
    serde_json::from_str::<serde_json::Value>("{\"a\": ").unwrap_err()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn path() -> PathBuf {
        PathBuf::from("/project/some/file")
    }

    #[test]
    fn the_checker_catches_a_repeated_cause() {
        #[derive(Debug, thiserror::Error)]
        #[error("while reading: {source}")]
        struct Repeats {
            source: std::io::Error,
        }
        let err = Repeats { source: io_error() };
        let check = std::panic::AssertUnwindSafe(|| assert_each_cause_once(&err));
        assert!(std::panic::catch_unwind(check).is_err());
    }

    #[test]
    fn config_errors_print_each_cause_once() {
        assert_each_cause_once(&crate::config::Error::Io {
            path: path(),
            source: io_error(),
        });
    }

    #[test]
    fn python_target_errors_print_each_cause_once() {
        use crate::python_target::Error;
        assert_each_cause_once(&Error::InterpreterNotRunnable {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::InterpreterGarbage {
            path: path(),
            output: "{\"a\": ".into(),
            source: json_error(),
        });
    }

    #[test]
    fn wheel_errors_print_each_cause_once() {
        use crate::wheel::Error;
        assert_each_cause_once(&Error::Staging {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Archive(crate::archive::Error::BrokenSymlink {
            link: path(),
            source: io_error(),
        }));
        assert_each_cause_once(&Error::LicenseMissing {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::OutDir {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Io {
            context: "while packing the wheel".into(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Manylinux(crate::manylinux::Error::Elf(
            crate::elf::Error::Io {
                path: path(),
                source: io_error(),
            },
        )));
        assert_each_cause_once(&Error::Bundle(crate::bundle::Error::Io {
            path: path(),
            source: io_error(),
        }));
    }

    #[test]
    fn sdist_errors_print_each_cause_once() {
        use crate::sdist::Error;
        assert_each_cause_once(&Error::Read {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Write {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Module(crate::module_source::Error::Walk {
            path: path(),
            source: crate::archive::Error::Io {
                context: format!("cannot list {}", path().display()),
                source: io_error(),
            },
        }));
    }

    #[test]
    fn presets_errors_print_each_cause_once() {
        use crate::presets::Error;
        assert_each_cause_once(&Error::Read {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Write {
            path: path(),
            source: io_error(),
        });
    }

    #[test]
    fn editable_errors_print_each_cause_once() {
        use crate::editable::Error;
        assert_each_cause_once(&Error::Resolve {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Archive(crate::archive::Error::Io {
            context: format!("cannot write {}", path().display()),
            source: io_error(),
        }));
    }

    #[test]
    fn install_inputs_errors_print_each_cause_once() {
        use crate::install_inputs::Error;
        assert_each_cause_once(&Error::Read {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Query {
            path: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Reply {
            path: path(),
            reply_dir: path(),
            source: json_error().into(),
        });
        assert_each_cause_once(&Error::Walk {
            path: path(),
            source: crate::archive::Error::Io {
                context: format!("cannot list {}", path().display()),
                source: io_error(),
            },
        });
    }

    #[test]
    fn stubgen_errors_print_each_cause_once() {
        use crate::stubgen::Error;
        assert_each_cause_once(&Error::Spawn {
            program: path(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Copy {
            path: path(),
            source: io_error(),
        });
    }

    #[test]
    fn driver_errors_print_each_cause_once() {
        use crate::driver::Error;
        assert_each_cause_once(&Error::Spawn {
            command: "cmake -S . -B build".into(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Stage {
            path: path(),
            source: io_error(),
        });
        let dir = tempfile::tempdir().unwrap();
        let cache = crate::cmake_cache::CmakeCache::read(dir.path()).unwrap_err();
        assert_each_cause_once(&Error::Cache(cache));
        assert_each_cause_once(&Error::Stubgen(crate::stubgen::Error::Spawn {
            program: path(),
            source: io_error(),
        }));
    }

    #[test]
    fn command_errors_print_each_cause_once() {
        use crate::commands::Error;
        assert_each_cause_once(&Error::CrossToolchain(
            crate::cross_toolchain::Error::ToolchainMissing { path: path() },
        ));
        assert_each_cause_once(&Error::Stdout(io_error()));
        assert_each_cause_once(&Error::Io {
            context: "while writing the file list".into(),
            source: io_error(),
        });
        assert_each_cause_once(&Error::Json {
            context: "while writing the configuration as JSON".into(),
            source: json_error(),
        });
        // The layers below keep their chain through a command's error.
        assert_each_cause_once(&Error::Presets(crate::presets::Error::Read {
            path: PathBuf::from("CMakeUserPresets.json"),
            source: io_error(),
        }));
    }
}
