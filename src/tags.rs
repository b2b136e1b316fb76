//! Wheel compatibility tags: from the configuration, the target Python and
//! (for `platform_tag = "guess"`) the packed files.

use crate::config::model::{Config, PythonAbi};
use crate::config::Format;
use crate::python_target::{Implementation, PythonTarget};
use crate::python_version;

/// The platform tag that is resolved from the packed files.
pub const GUESS: &str = "guess";

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
pub enum Error {
    #[error(
        "invalid tag set ({flag}): {reason} (several tags are joined with '.', e.g. cp311.cp312)"
    )]
    InvalidTag { flag: &'static str, reason: String },
    #[error("invalid build tag (--build-tag): {0}")]
    InvalidBuildTag(String),
    #[error(
        "wheel.python_abi = 'abi3' cannot be used for the free-threaded ABI {0:?}: the stable \
         ABI does not exist for free-threaded CPython; set python_abi = 'auto' for this build"
    )]
    Abi3FreeThreaded(String),
    #[error(
        "the package is not pure Python (it has a cmake section and wheel.pure_python is not \
         true), so its tags need a target Python, but none was given"
    )]
    NoTarget,
}

impl WheelTags {
    /// Tags for a build of `config` for `target` (`None` for a pure package).
    pub fn compute(
        config: &Config,
        target: Option<&PythonTarget>,
        overrides: &TagOverrides,
    ) -> Result<WheelTags, Error> {
        let mut tags = if is_pure(config) {
            // As py-build-cmake does: a pure wheel ignores the tag options of
            // the configuration; only explicit flags change it.
            WheelTags {
                python: vec!["py3".into()],
                abi: vec!["none".into()],
                platform: vec!["any".into()],
                build: None,
            }
        } else {
            from_target(config, target.ok_or(Error::NoTarget)?)?
        };
        // Checked when the configuration was loaded.
        if let Some(build) = &config.wheel.build_tag {
            tags.build = Some(build.clone());
        }
        let flags = [
            (&overrides.python, &mut tags.python, "--python-tag"),
            (&overrides.abi, &mut tags.abi, "--abi-tag"),
            (&overrides.platform, &mut tags.platform, "--platform-tag"),
        ];
        for (flag, set, name) in flags {
            if let Some(value) = flag {
                *set = split_tag_set(value, name)?;
            }
        }
        if let Some(build) = &overrides.build {
            Format::BuildTag
                .check(build)
                .map_err(Error::InvalidBuildTag)?;
            tags.build = Some(build.clone());
        }
        tags.normalize();
        Ok(tags)
    }

    /// Sorts and de-duplicates each set, as compressed tag sets must be.
    fn normalize(&mut self) {
        for set in [&mut self.python, &mut self.abi, &mut self.platform] {
            set.sort();
            set.dedup();
        }
    }

    /// True while `platform` still holds `guess`.
    pub fn needs_guess(&self) -> bool {
        self.platform.iter().any(|p| p == GUESS)
    }

    /// Replaces `guess` by the platform tags guessed from the packed files.
    pub fn resolve_guess(&mut self, guessed: &[String]) {
        let mut platform = Vec::new();
        for tag in self.platform.drain(..) {
            if tag == GUESS {
                platform.extend(guessed.iter().cloned());
            } else {
                platform.push(tag);
            }
        }
        self.platform = platform;
        self.normalize();
    }

    /// `cp311-cp311-linux_x86_64`, the tag part of the file name.
    pub fn file_tag(&self) -> String {
        format!(
            "{}-{}-{}",
            self.python.join("."),
            self.abi.join("."),
            self.platform.join(".")
        )
    }

    /// Every single tag the compressed sets stand for, for WHEEL's `Tag:` lines.
    pub fn expanded(&self) -> Vec<String> {
        let mut out = Vec::new();
        for python in &self.python {
            for abi in &self.abi {
                for platform in &self.platform {
                    out.push(format!("{python}-{abi}-{platform}"));
                }
            }
        }
        out
    }
}

/// Pure when `wheel.pure_python` says so, else when there is no cmake section.
pub fn is_pure(config: &Config) -> bool {
    config.wheel.pure_python.unwrap_or(config.cmake.is_empty())
}

fn from_target(config: &Config, target: &PythonTarget) -> Result<WheelTags, Error> {
    let wheel = &config.wheel;
    let native_python = format!(
        "{}{}{}",
        target.implementation_tag, target.major, target.minor
    );
    let abi3_allowed = || {
        // The stable ABI exists for CPython only, and from the configured
        // minimum version on; older or other interpreters keep their own ABI
        // (documented py-build-cmake behaviour).
        target.implementation == Implementation::CPython
            && (target.major, target.minor)
                >= python_version::from_nodot(wheel.abi3_minimum_cpython_version)
    };
    let (abi, auto_python) = match wheel.python_abi {
        PythonAbi::Auto => (target.abi_tag.clone(), native_python),
        PythonAbi::None => ("none".to_string(), native_python),
        PythonAbi::Abi3 if target.free_threaded => {
            return Err(Error::Abi3FreeThreaded(target.abi_tag.clone()));
        }
        PythonAbi::Abi3 if abi3_allowed() => (
            "abi3".to_string(),
            format!("cp{}", wheel.abi3_minimum_cpython_version),
        ),
        PythonAbi::Abi3 => (target.abi_tag.clone(), native_python),
    };
    // The configured tags were checked when the configuration was loaded.
    let mut python: Vec<String> = wheel
        .python_tag
        .iter()
        .map(|tag| if tag == "auto" { &auto_python } else { tag }.clone())
        .collect();
    if python.is_empty() {
        python.push(auto_python);
    }
    let abi = wheel.abi_tag.clone().unwrap_or_else(|| vec![abi]);
    let platform = wheel
        .platform_tag
        .clone()
        .unwrap_or_else(|| vec![target.platform_tag.clone()]);
    Ok(WheelTags {
        python,
        abi,
        platform,
        build: None,
    })
}

/// `cp311.cp312` -> `["cp311", "cp312"]`, each tag following the rule of
/// the configuration's tags.
fn split_tag_set(value: &str, flag: &'static str) -> Result<Vec<String>, Error> {
    value
        .split('.')
        .map(|tag| {
            Format::Tag
                .check(tag)
                .map(|()| tag.to_owned())
                .map_err(|reason| Error::InvalidTag { flag, reason })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{config, target};

    #[test]
    fn pure_package_is_py3_none_any() {
        let config = config(true);
        let tags = WheelTags::compute(&config, None, &TagOverrides::default()).unwrap();
        assert_eq!(tags.file_tag(), "py3-none-any");
        assert_eq!(tags.expanded(), ["py3-none-any"]);
    }

    #[test]
    fn native_auto_none_and_abi3() {
        let mut config = config(false);
        let t = target("cp", 3, 11, false);
        let none = TagOverrides::default();
        let tags = WheelTags::compute(&config, Some(&t), &none).unwrap();
        assert_eq!(tags.file_tag(), "cp311-cp311-linux_x86_64");

        config.wheel.python_abi = PythonAbi::None;
        let tags = WheelTags::compute(&config, Some(&t), &none).unwrap();
        assert_eq!(tags.file_tag(), "cp311-none-linux_x86_64");

        config.wheel.python_abi = PythonAbi::Abi3;
        config.wheel.abi3_minimum_cpython_version = 310;
        let tags = WheelTags::compute(&config, Some(&t), &none).unwrap();
        assert_eq!(tags.file_tag(), "cp310-abi3-linux_x86_64");

        // Older than the minimum: the full ABI, as documented.
        config.wheel.abi3_minimum_cpython_version = 312;
        let tags = WheelTags::compute(&config, Some(&t), &none).unwrap();
        assert_eq!(tags.file_tag(), "cp311-cp311-linux_x86_64");

        // PyPy has no stable ABI.
        let pypy = target("pp", 3, 10, false);
        config.wheel.abi3_minimum_cpython_version = 32;
        let tags = WheelTags::compute(&config, Some(&pypy), &none).unwrap();
        assert_eq!(tags.file_tag(), "pp310-pypy310_pp73-linux_x86_64");
    }

    #[test]
    fn abi3_refuses_free_threaded() {
        let mut config = config(false);
        config.wheel.python_abi = PythonAbi::Abi3;
        let t = target("cp", 3, 13, true);
        let err = WheelTags::compute(&config, Some(&t), &TagOverrides::default()).unwrap_err();
        assert!(err.to_string().contains("free-threaded"), "{err}");
    }

    #[test]
    fn config_tags_overrides_and_sorting() {
        let mut config = config(false);
        config.wheel.python_tag = vec!["py3".into(), "auto".into(), "py3".into()];
        config.wheel.platform_tag = Some(vec!["manylinux_2_17_x86_64".into(), "guess".into()]);
        config.wheel.build_tag = Some("1".into());
        let t = target("cp", 3, 11, false);
        let mut tags = WheelTags::compute(&config, Some(&t), &TagOverrides::default()).unwrap();
        assert_eq!(tags.python, ["cp311", "py3"]);
        assert!(tags.needs_guess());
        tags.resolve_guess(&[
            "manylinux2014_x86_64".into(),
            "manylinux_2_17_x86_64".into(),
        ]);
        assert_eq!(
            tags.platform,
            ["manylinux2014_x86_64", "manylinux_2_17_x86_64"]
        );
        assert_eq!(tags.build.as_deref(), Some("1"));
        assert_eq!(tags.expanded().len(), 4);

        let flags = TagOverrides {
            python: Some("cp312.cp311".into()),
            abi: Some("abi3".into()),
            platform: None,
            build: Some("2_x".into()),
        };
        let tags = WheelTags::compute(&config, Some(&t), &flags).unwrap();
        assert_eq!(
            tags.file_tag(),
            "cp311.cp312-abi3-guess.manylinux_2_17_x86_64"
        );
        assert_eq!(tags.build.as_deref(), Some("2_x"));
    }

    #[test]
    fn bad_tags_are_refused() {
        let config = config(false);
        let t = target("cp", 3, 11, false);
        for flags in [
            TagOverrides {
                python: Some("cp3-11".into()),
                ..Default::default()
            },
            TagOverrides {
                abi: Some("a..b".into()),
                ..Default::default()
            },
            TagOverrides {
                build: Some("x1".into()),
                ..Default::default()
            },
            TagOverrides {
                build: Some("1-2".into()),
                ..Default::default()
            },
        ] {
            assert!(
                WheelTags::compute(&config, Some(&t), &flags).is_err(),
                "{flags:?}"
            );
        }
        assert!(matches!(
            WheelTags::compute(&config, None, &TagOverrides::default()),
            Err(Error::NoTarget)
        ));
    }
}
