//! Cross resolution: a `CrossSpec` plus what its sysroot or prefix says,
//! checked against each other. What neither gives comes from the native
//! interpreter (implementation, version, ABI), like py-build-cmake's
//! "same as current interpreter" defaults that automatic cross compilation
//! (ARCHFLAGS, DIST_EXTRA_CONFIG) relies on.

use std::path::{Path, PathBuf};

use super::prefix::{self, Described};
use super::{abi, CrossSpec, Implementation, PythonTarget};
use crate::platform::Os;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cross.prefix {} does not exist", prefix.display())]
    PrefixMissing { prefix: PathBuf },
    #[error(
        "cross.prefix {} holds no Python description (lib/python3.X/build-details.json, \
         lib/python3.X/_sysconfigdata_*.py, bin/*python3.X-config, or on Windows \
         include/Python.h with libs/python3X.lib); point `prefix` at the target Python's \
         installation prefix (e.g. <sysroot>/usr)",
        prefix.display()
    )]
    NoDescription { prefix: PathBuf },
    #[error("while reading the target Python in {}", prefix.display())]
    Prefix {
        prefix: PathBuf,
        #[source]
        source: prefix::Error,
    },
    #[error(
        "cross.{key} is {configured:?}, but the target Python in {} says {derived:?}; \
         fix `{key}` in the cross config, or point `prefix` at a matching Python",
        source_file.display()
    )]
    Disagree {
        key: &'static str,
        configured: String,
        derived: String,
        source_file: PathBuf,
    },
    #[error("cannot tell the target's {what}: set `{key}` in the cross config{hint}")]
    Missing {
        what: &'static str,
        key: &'static str,
        hint: &'static str,
    },
    #[error("while asking the build machine's Python for the defaults of cross.{keys}")]
    Native {
        keys: String,
        #[source]
        source: Box<super::Error>,
    },
}

/// Resolves a cross config, filling in what it leaves out from its sysroot
/// or prefix and checking that both agree. `os` is the OS whose config
/// section applies, used when the platform tag does not name one.
pub fn resolve_cross(spec: &CrossSpec, os: Os) -> Result<PythonTarget, super::Error> {
    let described = match &spec.prefix {
        Some(prefix) => Some(describe(prefix, configured_version(spec))?),
        None => None,
    };
    resolve_with(spec, os, described.as_ref(), || {
        super::resolve_native(&super::default_interpreter())
    })
}

/// Reads the prefix (or `<prefix>/usr` when given a sysroot's root).
fn describe(prefix: &Path, version: Option<(u32, u32)>) -> Result<Described, Error> {
    if !prefix.is_dir() {
        return Err(Error::PrefixMissing {
            prefix: prefix.to_owned(),
        });
    }
    for candidate in [prefix.to_owned(), prefix.join("usr")] {
        let found = prefix::describe(&candidate, version).map_err(|source| Error::Prefix {
            prefix: candidate.clone(),
            source,
        })?;
        if let Some(found) = found {
            return Ok(found);
        }
    }
    Err(Error::NoDescription {
        prefix: prefix.to_owned(),
    })
}

/// `cross.version`, checked when the configuration was loaded.
fn configured_version(spec: &CrossSpec) -> Option<(u32, u32)> {
    spec.version.as_ref().map(|v| (v.major, v.minor))
}

/// Fails when the config and the prefix disagree on `key`.
fn agree(
    key: &'static str,
    configured: Option<&str>,
    derived: Option<&str>,
    described: Option<&Described>,
    same: impl Fn(&str, &str) -> bool,
) -> Result<(), Error> {
    match (configured, derived, described) {
        (Some(c), Some(d), Some(described)) if !same(c, d) => Err(Error::Disagree {
            key,
            configured: c.to_owned(),
            derived: d.to_owned(),
            source_file: described.source.clone(),
        }),
        _ => Ok(()),
    }
}

fn resolve_with(
    spec: &CrossSpec,
    os: Os,
    described: Option<&Described>,
    native: impl FnOnce() -> Result<PythonTarget, super::Error>,
) -> Result<PythonTarget, super::Error> {
    // What the prefix says, in the config's terms.
    let derived_impl = described
        .and_then(|d| d.implementation.as_deref())
        .map(|name| abi::implementation_from_name(name).1);
    let derived_version = described.and_then(|d| d.version);
    let derived_soabi = described.and_then(|d| {
        d.soabi.clone().or_else(|| {
            d.ext_suffix
                .as_deref()
                .and_then(abi::soabi_from_ext_suffix)
                .map(str::to_owned)
        })
    });
    let derived_abi = described
        .and_then(|d| d.abi.clone())
        .or_else(|| derived_soabi.as_deref().and_then(abi::abi_tag_from_soabi));
    let derived_arch = described.and_then(|d| {
        d.platform
            .as_deref()
            .map(abi::normalize_tag)
            .or_else(|| d.multiarch.as_deref().and_then(platform_of_multiarch))
    });

    let configured_version = configured_version(spec);
    let version_text = |(major, minor): (u32, u32)| format!("{major}{minor}");
    agree(
        "implementation",
        spec.implementation.as_deref(),
        derived_impl.as_deref(),
        described,
        |a, b| a == b,
    )?;
    agree(
        "version",
        configured_version.map(version_text).as_deref(),
        derived_version.map(version_text).as_deref(),
        described,
        |a, b| a == b,
    )?;
    agree(
        "abi",
        spec.abi.as_deref(),
        derived_abi.as_deref(),
        described,
        |a, b| a == b,
    )?;
    agree(
        "soabi",
        spec.soabi.as_deref(),
        derived_soabi.as_deref(),
        described,
        |a, b| a == b,
    )?;
    agree(
        "arch",
        spec.arch.as_deref(),
        derived_arch.as_deref(),
        described,
        same_machine,
    )?;

    // Config first, then the prefix, then (for the tags only) the build
    // machine's interpreter.
    let configured = (
        spec.implementation.clone().or(derived_impl),
        configured_version.or(derived_version),
        spec.abi.clone().or(derived_abi),
    );
    let (implementation_tag, (major, minor), abi_tag) = match configured {
        (Some(implementation), Some(version), Some(abi)) => (implementation, version, abi),
        (implementation, version, abi) => {
            let keys = [
                ("implementation", implementation.is_none()),
                ("version", version.is_none()),
                ("abi", abi.is_none()),
            ]
            .into_iter()
            .filter_map(|(key, missing)| missing.then_some(key))
            .collect::<Vec<_>>()
            .join(", ");
            let native = native().map_err(|source| Error::Native {
                keys,
                source: Box::new(source),
            })?;
            (
                implementation.unwrap_or(native.implementation_tag),
                version.unwrap_or((native.major, native.minor)),
                abi.unwrap_or(native.abi_tag),
            )
        }
    };

    let platform_tag = spec.arch.clone().or(derived_arch).ok_or(Error::Missing {
        what: "platform",
        key: "arch",
        hint: " (e.g. arch = \"linux_aarch64\")",
    })?;
    let target_os = spec
        .os
        .or_else(|| Os::of_platform_tag(&platform_tag))
        .unwrap_or(os);
    let implementation = abi::implementation_from_tag(&implementation_tag);
    let (free_threaded, debug) = match implementation {
        Implementation::CPython => abi::cpython_abi_flags(&abi_tag),
        _ => (false, false),
    };

    let soabi = match spec.soabi.clone().or(derived_soabi) {
        Some(soabi) => soabi,
        None => default_soabi(implementation, &abi_tag, &platform_tag, target_os).ok_or(
            Error::Missing {
                what: "extension suffix",
                key: "soabi",
                hint: " (e.g. soabi = \"cpython-311-aarch64-linux-gnu\"), or a `prefix` \
                       holding the target Python",
            },
        )?,
    };
    let ext_suffix = described
        .and_then(|d| d.ext_suffix.clone())
        .filter(|suffix| abi::soabi_from_ext_suffix(suffix) == Some(soabi.as_str()))
        .unwrap_or_else(|| {
            let extension = if target_os == Os::Windows {
                "pyd"
            } else {
                "so"
            };
            format!(".{soabi}.{extension}")
        });
    let sosabi = described
        .and_then(|d| d.stable_abi_suffix.as_deref())
        .and_then(abi::soabi_from_ext_suffix)
        .map(str::to_owned)
        .or_else(|| {
            // CPython has a stable ABI except in free-threaded builds;
            // Windows loads it under the plain `.pyd` suffix.
            (implementation == Implementation::CPython && !free_threaded).then(|| {
                if target_os == Os::Windows {
                    String::new()
                } else {
                    "abi3".to_owned()
                }
            })
        });

    let mut include_dirs: Vec<PathBuf> = Vec::new();
    let configured_include = spec.include_dir.iter().cloned();
    let derived_includes = described
        .iter()
        .flat_map(|d| d.include_dirs.iter().cloned());
    for dir in configured_include.chain(derived_includes) {
        if !include_dirs.contains(&dir) {
            include_dirs.push(dir);
        }
    }
    if let Some(extra) = include_dirs
        .first()
        .and_then(|dir| pyconfig_include_root(dir))
    {
        if !include_dirs.contains(&extra) {
            include_dirs.push(extra);
        }
    }

    let interpreter = spec
        .emulator
        .as_ref()
        .and(spec.prefix.as_ref())
        .and_then(|prefix| {
            [prefix.clone(), prefix.join("usr")]
                .into_iter()
                .map(|dir| dir.join("bin").join(format!("python{major}.{minor}")))
                .find(|path| path.is_file())
        });

    Ok(PythonTarget {
        implementation,
        implementation_tag,
        major,
        minor,
        version: format!("{major}.{minor}"),
        abi_tag,
        platform_tag,
        free_threaded,
        debug,
        soabi,
        ext_suffix,
        sosabi,
        os: target_os,
        cross: true,
        interpreter,
        root_dir: spec.prefix.clone(),
        include_dirs,
        library: spec
            .library
            .clone()
            .or_else(|| described.and_then(|d| d.library.clone())),
        sabi_library: spec
            .sabi_library
            .clone()
            .or_else(|| described.and_then(|d| d.sabi_library.clone())),
        toolchain_file: spec.toolchain_file.clone(),
        emulator: spec.emulator.clone(),
    })
}

/// The platform tag of a Debian/GNU multiarch triple, for the triples whose
/// machine name is unambiguous.
fn platform_of_multiarch(triple: &str) -> Option<String> {
    let machine = match triple {
        "x86_64-linux-gnu" => "x86_64",
        "i386-linux-gnu" => "i686",
        "aarch64-linux-gnu" => "aarch64",
        "arm-linux-gnueabihf" => "armv7l",
        "powerpc64le-linux-gnu" => "ppc64le",
        "s390x-linux-gnu" => "s390x",
        "riscv64-linux-gnu" => "riscv64",
        _ => return None,
    };
    Some(format!("linux_{machine}"))
}

/// The triple CPython puts in a Linux SOABI for a platform tag's machine.
fn multiarch_of_platform(platform_tag: &str) -> Option<&'static str> {
    let triple = match machine_of(platform_tag) {
        "x86_64" => "x86_64-linux-gnu",
        "i686" => "i386-linux-gnu",
        "aarch64" => "aarch64-linux-gnu",
        "armv6l" | "armv7l" | "armv8l" => "arm-linux-gnueabihf",
        "ppc64le" => "powerpc64le-linux-gnu",
        "s390x" => "s390x-linux-gnu",
        "riscv64" => "riscv64-linux-gnu",
        _ => return None,
    };
    Some(triple)
}

/// The machine part of a Linux platform tag: `manylinux_2_17_aarch64` -> `aarch64`.
fn machine_of(platform_tag: &str) -> &str {
    let rest = platform_tag
        .strip_prefix("manylinux_")
        .or_else(|| platform_tag.strip_prefix("musllinux_"))
        .map(|rest| rest.splitn(3, '_').nth(2).unwrap_or(rest))
        .or_else(|| platform_tag.strip_prefix("manylinux2014_"))
        .or_else(|| platform_tag.strip_prefix("manylinux2010_"))
        .or_else(|| platform_tag.strip_prefix("manylinux1_"))
        .or_else(|| platform_tag.strip_prefix("linux_"));
    rest.unwrap_or(platform_tag)
}

/// Whether a configured platform tag fits the derived one: the same Linux
/// machine under any of the linux/manylinux spellings, ARM hard-float
/// sysroots fitting every ARM level they run on.
fn same_machine(configured: &str, derived: &str) -> bool {
    if configured == derived {
        return true;
    }
    let linux = |tag: &str| Os::of_platform_tag(tag) == Some(Os::Linux);
    if !(linux(configured) && linux(derived)) {
        return false;
    }
    multiarch_of_platform(configured).is_some()
        && multiarch_of_platform(configured) == multiarch_of_platform(derived)
}

/// The SOABI CPython or PyPy uses on a platform, for configs that name no
/// prefix: `cpython-311-aarch64-linux-gnu`, `cp311-win_arm64`,
/// `cpython-312-darwin`, `pypy310-pp73-aarch64-linux-gnu`.
fn default_soabi(
    implementation: Implementation,
    abi_tag: &str,
    platform_tag: &str,
    os: Os,
) -> Option<String> {
    let machine_part = match os {
        Os::Linux => multiarch_of_platform(platform_tag)?.to_owned(),
        Os::Mac => "darwin".to_owned(),
        Os::Windows => platform_tag.to_owned(),
    };
    match (implementation, os) {
        (Implementation::CPython, Os::Windows) => Some(format!("{abi_tag}-{machine_part}")),
        (Implementation::CPython, _) => {
            let flags = abi_tag.strip_prefix("cp")?;
            Some(format!("cpython-{flags}-{machine_part}"))
        }
        (Implementation::PyPy, Os::Linux | Os::Mac) => {
            Some(format!("{}-{machine_part}", abi_tag.replace('_', "-")))
        }
        _ => None,
    }
}

/// Debian's `pythonX.Y/pyconfig.h` only includes `<triple/pythonX.Y/pyconfig.h>`,
/// which needs the include root on the path too.
fn pyconfig_include_root(include_dir: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(include_dir.join("pyconfig.h")).ok()?;
    let root = include_dir.parent()?;
    text.lines().find_map(|line| {
        let line = line.trim_start_matches(['#', ' ']);
        let target = line.strip_prefix("include <")?.strip_suffix('>')?;
        (target.ends_with("/pyconfig.h") && root.join(target).is_file()).then(|| root.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python_target::prefix::tests::debian_prefix;

    /// The error and its causes, as main prints them on one line each.
    fn chain(err: &dyn std::error::Error) -> String {
        let mut text = err.to_string();
        let mut source = err.source();
        while let Some(cause) = source {
            text += &format!(": {cause}");
            source = cause.source();
        }
        text
    }

    fn no_native() -> Result<PythonTarget, super::super::Error> {
        panic!("the native interpreter must not be needed here")
    }

    fn resolve(spec: &CrossSpec) -> Result<PythonTarget, super::super::Error> {
        let described = match &spec.prefix {
            Some(prefix) => Some(describe(prefix, None)?),
            None => None,
        };
        resolve_with(spec, Os::Linux, described.as_ref(), no_native)
    }

    #[test]
    fn a_prefix_alone_is_enough() {
        let root = tempfile::tempdir().unwrap();
        let usr = debian_prefix(root.path(), "aarch64-linux-gnu");
        // Debian's wrapper pyconfig.h, and the per-triple one it includes.
        std::fs::create_dir_all(usr.join("include/python3.11")).unwrap();
        std::fs::write(
            usr.join("include/python3.11/pyconfig.h"),
            "#if defined(__aarch64__)\n#  include <aarch64-linux-gnu/python3.11/pyconfig.h>\n#endif\n",
        )
        .unwrap();
        let triple_dir = usr.join("include/aarch64-linux-gnu/python3.11");
        std::fs::create_dir_all(&triple_dir).unwrap();
        std::fs::write(triple_dir.join("pyconfig.h"), "").unwrap();

        let spec = CrossSpec {
            prefix: Some(root.path().to_owned()),
            ..CrossSpec::default()
        };
        let target = resolve(&spec).unwrap();
        assert_eq!(
            (
                target.implementation_tag.as_str(),
                target.abi_tag.as_str(),
                target.platform_tag.as_str()
            ),
            ("cp", "cp311", "linux_aarch64")
        );
        assert_eq!(target.ext_suffix, ".cpython-311-aarch64-linux-gnu.so");
        assert_eq!(target.sosabi.as_deref(), Some("abi3"));
        assert_eq!(
            target.include_dirs,
            [usr.join("include/python3.11"), usr.join("include")]
        );
        assert_eq!(
            target.library,
            Some(usr.join("lib/aarch64-linux-gnu/libpython3.11.so"))
        );
        assert!(target.cross && target.os == Os::Linux);
    }

    #[test]
    fn disagreements_name_the_key_and_the_file() {
        let root = tempfile::tempdir().unwrap();
        let usr = debian_prefix(root.path(), "arm-linux-gnueabihf");
        let base = CrossSpec {
            prefix: Some(usr.clone()),
            ..CrossSpec::default()
        };
        let cases = [
            (
                "version",
                CrossSpec {
                    version: Some("312".parse().unwrap()),
                    ..base.clone()
                },
            ),
            (
                "abi",
                CrossSpec {
                    abi: Some("cp311t".into()),
                    ..base.clone()
                },
            ),
            (
                "arch",
                CrossSpec {
                    arch: Some("linux_aarch64".into()),
                    ..base.clone()
                },
            ),
            (
                "implementation",
                CrossSpec {
                    implementation: Some("pp".into()),
                    ..base.clone()
                },
            ),
        ];
        for (key, spec) in cases {
            let err = resolve_with(
                &spec,
                Os::Linux,
                Some(&describe(&usr, None).unwrap()),
                no_native,
            )
            .unwrap_err();
            let text = chain(&err);
            assert!(
                text.contains(&format!("cross.{key} is"))
                    && text.contains("_sysconfigdata__linux_arm-linux-gnueabihf.py"),
                "{text}"
            );
        }
        // The same machine under another spelling agrees.
        for arch in ["linux_armv7l", "linux_armv6l", "manylinux_2_36_armv7l"] {
            let spec = CrossSpec {
                arch: Some(arch.into()),
                ..base.clone()
            };
            assert_eq!(resolve(&spec).unwrap().platform_tag, arch);
        }
    }

    #[test]
    fn a_version_the_prefix_lacks_is_reported() {
        let root = tempfile::tempdir().unwrap();
        let usr = debian_prefix(root.path(), "aarch64-linux-gnu");
        let spec = CrossSpec {
            prefix: Some(usr),
            version: Some("312".parse().unwrap()),
            ..CrossSpec::default()
        };
        let text = chain(&resolve_cross(&spec, Os::Linux).unwrap_err());
        assert!(
            text.contains("cross.version is \"312\", but the target Python in"),
            "{text}"
        );
    }

    #[test]
    fn without_a_prefix_the_suffix_follows_the_platform() {
        let spec = CrossSpec {
            implementation: Some("cp".into()),
            version: Some("312".parse().unwrap()),
            abi: Some("cp312".into()),
            arch: Some("win_arm64".into()),
            library: Some("C:/py/libs/python312.lib".into()),
            ..CrossSpec::default()
        };
        let target = resolve(&spec).unwrap();
        assert_eq!(target.ext_suffix, ".cp312-win_arm64.pyd");
        assert_eq!(target.os, Os::Windows);
        assert_eq!(target.sosabi.as_deref(), Some(""));

        let mac = CrossSpec {
            arch: Some("macosx_11_0_arm64".into()),
            library: None,
            ..spec.clone()
        };
        assert_eq!(resolve(&mac).unwrap().ext_suffix, ".cpython-312-darwin.so");

        let ft = CrossSpec {
            version: Some("313".parse().unwrap()),
            abi: Some("cp313t".into()),
            arch: Some("linux_aarch64".into()),
            ..spec
        };
        let target = resolve(&ft).unwrap();
        assert_eq!(target.soabi, "cpython-313t-aarch64-linux-gnu");
        assert!(target.free_threaded && target.sosabi.is_none());
    }

    #[test]
    fn missing_fields_come_from_the_native_interpreter() {
        let spec = CrossSpec {
            arch: Some("macosx_11_0_arm64".into()),
            ..CrossSpec::default()
        };
        let native = || {
            let mut target = test_native();
            target.abi_tag = "cp312".into();
            target.major = 3;
            target.minor = 12;
            Ok(target)
        };
        let target = resolve_with(&spec, Os::Mac, None, native).unwrap();
        assert_eq!(
            (target.abi_tag.as_str(), target.platform_tag.as_str()),
            ("cp312", "macosx_11_0_arm64")
        );
        assert_eq!(target.ext_suffix, ".cpython-312-darwin.so");

        let err =
            resolve_with(&CrossSpec::default(), Os::Linux, None, || Ok(test_native())).unwrap_err();
        assert_eq!(
            chain(&err),
            "while resolving the cross-compilation target: cannot tell the target's platform: \
             set `arch` in the cross config (e.g. arch = \"linux_aarch64\")"
        );
    }

    fn test_native() -> PythonTarget {
        crate::test_support::target("cp", 3, 11, false)
    }
}
