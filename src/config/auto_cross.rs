//! Automatic cross compilation when there is no `cross` section (as
//! cibuildwheel expects): macOS from `ARCHFLAGS`, Windows from the
//! `DIST_EXTRA_CONFIG` ini file's `[build_ext] plat_name` / `library_dirs`.

use std::path::{Path, PathBuf};

use super::env::Environ;
use super::raw::{Action, KeyPath, Raw, RawValue, Source};
use super::value::{Map, Val};
use super::verify::{self, Ctx};
use super::{schema, Error};
use crate::platform::Os;

/// Adds a `cross` section to `tool` when the environment asks for one, and
/// returns the CMake cache entries that cross build needs. The ini file
/// read is added to `input_files`.
pub fn apply(
    tool: &mut Map,
    os: Os,
    project_dir: &Path,
    environ: &Environ,
    input_files: &mut Vec<PathBuf>,
) -> Result<Vec<(String, String)>, Error> {
    // Only a project with a CMake build and no cross config of its own.
    if tool.contains_key("cross") || !tool.contains_key("cmake") {
        return Ok(Vec::new());
    }
    match os {
        Os::Mac => match environ.get("ARCHFLAGS") {
            Some(flags) => mac(tool, flags, project_dir, environ),
            None => Ok(Vec::new()),
        },
        Os::Windows => match environ.get("DIST_EXTRA_CONFIG") {
            Some(path) => {
                input_files.push(PathBuf::from(path));
                windows(tool, Path::new(path), project_dir)
            }
            None => Ok(Vec::new()),
        },
        Os::Linux => Ok(Vec::new()),
    }
}

/// Checks the options the environment implies like those of a file, then
/// adds each one the project does not set itself.
fn add(tool: &mut Map, options: Raw, source: &Source, project_dir: &Path) -> Result<(), Error> {
    let ctx = Ctx {
        source,
        project_dir,
    };
    if let Val::Section(auto) = verify::verify(&schema::ROOT, &options, &ctx, &KeyPath::default())?
    {
        fill_in(tool, auto);
    }
    Ok(())
}

/// Adds what `auto` sets and `tool` does not; every value of `tool` stays.
fn fill_in(tool: &mut Map, auto: Map) {
    for (key, value) in auto {
        match (tool.get_mut(&key), value) {
            (None, value) => {
                tool.insert(key, value);
            }
            (Some(Val::Section(mine)), Val::Section(auto)) => fill_in(mine, auto),
            (Some(Val::Cmake(mine)), Val::Cmake(auto)) => {
                for (name, edit) in auto {
                    mine.entry(name).or_insert(edit);
                }
            }
            _ => {}
        }
    }
}

/// A value as a file would give it.
fn raw(value: RawValue) -> Raw {
    Raw {
        value,
        action: Action::Default,
        line: None,
    }
}

fn raw_str(s: &str) -> Raw {
    raw(RawValue::Str(s.to_owned()))
}

fn table(entries: Vec<(&str, Raw)>) -> Raw {
    let entries = entries
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    Raw::table(entries, None)
}

fn mac(
    tool: &mut Map,
    flags: &str,
    project_dir: &Path,
    environ: &Environ,
) -> Result<Vec<(String, String)>, Error> {
    let words: Vec<&str> = flags.split_whitespace().collect();
    let mut archs: Vec<String> = Vec::new();
    for pair in words.windows(2).filter(|w| w[0] == "-arch") {
        match pair[1] {
            "x86_64" | "arm64" => {
                if !archs.iter().any(|a| a == pair[1]) {
                    archs.push(pair[1].to_owned());
                }
            }
            other => {
                return Err(Error::Other(format!(
                    "ARCHFLAGS={flags:?}: unsupported architecture {other:?}; expected -arch x86_64 and/or -arch arm64"
                )))
            }
        }
    }
    let native = match std::env::consts::ARCH {
        "aarch64" => "arm64",
        other => other,
    };
    if archs.is_empty() || archs == [native] {
        return Ok(Vec::new());
    }
    archs.sort();
    let arch_list = archs.join(";");
    let source = Source {
        label: format!("while reading ARCHFLAGS={flags:?}"),
        key_prefix: String::new(),
        base_dir: project_dir.to_owned(),
    };
    if archs.iter().any(|a| a == native) {
        // A universal build that includes this machine: not cross, but CMake
        // must still build every architecture.
        let value = RawValue::Array(archs.iter().map(|a| raw_str(a)).collect());
        let option = table(vec![
            ("value", raw(value)),
            ("type", raw_str("STRING")),
            ("strict", raw(RawValue::Bool(false))),
        ]);
        let options = table(vec![("CMAKE_OSX_ARCHITECTURES", option)]);
        let cmake = table(vec![("options", options)]);
        add(tool, table(vec![("cmake", cmake)]), &source, project_dir)?;
        return Ok(Vec::new());
    }
    let version = environ
        .get("MACOSX_DEPLOYMENT_TARGET")
        .unwrap_or("11.0")
        .to_owned();
    let (major, minor) = version.split_once('.').unwrap_or((&version, "0"));
    // From macOS 11 on, only the major version counts in platform tags.
    let minor = if major.parse::<u32>().is_ok_and(|m| m >= 11) {
        "0"
    } else {
        minor
    };
    let tag_arch = if archs.len() > 1 {
        "universal2"
    } else {
        archs[0].as_str()
    };
    let env = table(vec![("MACOSX_DEPLOYMENT_TARGET", raw_str(&version))]);
    let cross = table(vec![
        ("os", raw_str("mac")),
        (
            "arch",
            raw_str(&format!("macosx_{major}_{minor}_{tag_arch}")),
        ),
        ("cmake", table(vec![("env", env)])),
    ]);
    add(tool, table(vec![("cross", cross)]), &source, project_dir)?;
    Ok(vec![
        ("CMAKE_SYSTEM_NAME".to_owned(), "Darwin".to_owned()),
        ("CMAKE_OSX_ARCHITECTURES".to_owned(), arch_list),
        ("CMAKE_OSX_DEPLOYMENT_TARGET".to_owned(), version),
    ])
}

fn windows(
    tool: &mut Map,
    config: &Path,
    project_dir: &Path,
) -> Result<Vec<(String, String)>, Error> {
    // Like distutils, a config file that cannot be read is ignored.
    let Ok(text) = std::fs::read_to_string(config) else {
        return Ok(Vec::new());
    };
    let plat_name = ini_value(&text, "build_ext", "plat_name").unwrap_or_default();
    let native = match std::env::consts::ARCH {
        "aarch64" => "win-arm64",
        "x86" => "win32",
        _ => "win-amd64",
    };
    let (generator_platform, processor) = match plat_name.as_str() {
        "" => return Ok(Vec::new()),
        name if name == native => return Ok(Vec::new()),
        "win32" => ("Win32", "X86"),
        "win-amd64" => ("x64", "AMD64"),
        "win-arm32" => ("ARM", "ARM"),
        "win-arm64" => ("ARM64", "ARM64"),
        other => {
            return Err(Error::Other(format!(
                "{}: [build_ext] plat_name {other:?} is not one of win32, win-amd64, win-arm32, win-arm64",
                config.display()
            )))
        }
    };
    let arch = plat_name.replace(['-', '.'], "_");
    let mut cross = vec![
        ("os", raw_str("windows")),
        ("arch", raw_str(&arch)),
        ("generator_platform", raw_str(generator_platform)),
    ];
    let dirs: Vec<PathBuf> = ini_value(&text, "build_ext", "library_dirs")
        .unwrap_or_default()
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .collect();
    let library = find_lib(&dirs, |stem| {
        stem.strip_prefix("python3")
            .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
    });
    let sabi = find_lib(&dirs, |stem| stem == "python3" || stem == "python3t");
    for (key, lib) in [("library", &library), ("sabi_library", &sabi)] {
        if let Some(lib) = lib {
            cross.push((key, raw_str(&lib.to_string_lossy())));
        }
    }
    // libs/python3XY.lib sits next to include/ in a Python installation.
    if let Some(root) = library
        .as_ref()
        .or(sabi.as_ref())
        .and_then(|l| l.parent()?.parent())
    {
        if root.join("include").is_dir() {
            cross.push(("prefix", raw_str(&root.to_string_lossy())));
        }
    }
    let source = Source {
        label: format!("while reading {} (DIST_EXTRA_CONFIG)", config.display()),
        key_prefix: String::new(),
        base_dir: config.parent().unwrap_or(project_dir).to_owned(),
    };
    add(
        tool,
        table(vec![("cross", table(cross))]),
        &source,
        project_dir,
    )?;
    Ok(vec![
        ("CMAKE_SYSTEM_NAME".to_owned(), "Windows".to_owned()),
        ("CMAKE_SYSTEM_PROCESSOR".to_owned(), processor.to_owned()),
    ])
}

fn find_lib(dirs: &[PathBuf], wanted: impl Fn(&str) -> bool) -> Option<PathBuf> {
    dirs.iter().find_map(|dir| {
        let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|e| e.eq_ignore_ascii_case("lib"))
                    && p.file_stem().and_then(|s| s.to_str()).is_some_and(&wanted)
            })
            .collect();
        names.sort();
        names.into_iter().next()
    })
}

/// `key` in `[section]` of an ini file (`=` or `:` separated).
fn ini_value(text: &str, section: &str, key: &str) -> Option<String> {
    let mut current = String::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.trim().to_owned();
        } else if current == section {
            if let Some((k, v)) = line.split_once(['=', ':']) {
                if k.trim().eq_ignore_ascii_case(key) {
                    return Some(v.trim().to_owned());
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::value::{CmakeEdit, CmakeItem, Edit, Scalar};

    fn with_cmake() -> Map {
        Map::from([("cmake".to_owned(), Val::Section(Map::new()))])
    }

    /// ARCHFLAGS naming only the other architecture cross-compiles to it.
    #[test]
    fn mac_other_arch_is_a_cross_build() {
        let other = if std::env::consts::ARCH == "aarch64" {
            "x86_64"
        } else {
            "arm64"
        };
        let mut tool = with_cmake();
        let environ = Environ::from_vars([("MACOSX_DEPLOYMENT_TARGET".into(), "12.1".into())]);
        let options = mac(
            &mut tool,
            &format!("-arch {other}"),
            Path::new("/"),
            &environ,
        )
        .expect("valid ARCHFLAGS");
        let version = "12.1".to_owned();
        assert_eq!(
            options,
            [
                ("CMAKE_SYSTEM_NAME".to_owned(), "Darwin".to_owned()),
                ("CMAKE_OSX_ARCHITECTURES".to_owned(), other.to_owned()),
                ("CMAKE_OSX_DEPLOYMENT_TARGET".to_owned(), version),
            ]
        );
        let Some(Val::Section(cross)) = tool.get("cross") else {
            panic!("no cross section: {tool:?}")
        };
        assert_eq!(
            cross.get("os"),
            Some(&Val::Scalar(Some(Scalar::Text("mac".into()))))
        );
        match cross.get("arch") {
            Some(Val::Str(arch)) => {
                assert!(arch
                    .value
                    .as_deref()
                    .is_some_and(|a| a.starts_with("macosx_") && a.ends_with(other)))
            }
            other => panic!("arch: {other:?}"),
        }
    }

    #[test]
    fn mac_rejects_unknown_archs_and_ignores_native_only() {
        assert!(mac(
            &mut with_cmake(),
            "-arch ppc",
            Path::new("/"),
            &Environ::default()
        )
        .is_err());
        let native = if std::env::consts::ARCH == "aarch64" {
            "arm64"
        } else {
            "x86_64"
        };
        let mut tool = with_cmake();
        assert_eq!(
            mac(
                &mut tool,
                &format!("-arch {native}"),
                Path::new("/"),
                &Environ::default()
            )
            .expect("valid"),
            []
        );
        assert_eq!(tool, with_cmake());
    }

    /// A universal build that includes this machine only adds
    /// CMAKE_OSX_ARCHITECTURES, and not over the project's own value.
    #[test]
    fn universal_build_keeps_the_projects_architectures() {
        if !matches!(std::env::consts::ARCH, "x86_64" | "aarch64") {
            return;
        }
        let architectures = |tool: &Map| match tool.get("cmake") {
            Some(Val::Section(cmake)) => match cmake.get("*") {
                Some(Val::Section(shared)) => match shared.get("options") {
                    Some(Val::Cmake(options)) => options.get("CMAKE_OSX_ARCHITECTURES").cloned(),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        let flags = "-arch x86_64 -arch arm64";
        let mut tool = with_cmake();
        assert_eq!(
            mac(&mut tool, flags, Path::new("/"), &Environ::default()).expect("valid"),
            []
        );
        let added = architectures(&tool).expect("CMAKE_OSX_ARCHITECTURES");
        assert_eq!(added.kind.as_deref(), Some("STRING"));
        assert_eq!(
            added.edit.finish(),
            Some(vec![
                CmakeItem::Str("arm64".into()),
                CmakeItem::Str("x86_64".into())
            ])
        );
        assert!(tool.get("cross").is_none());

        let own = CmakeEdit {
            edit: Edit::from_action(Action::Default, vec![CmakeItem::Str("arm64".into())], false),
            kind: None,
            strict: true,
        };
        let options = Val::Cmake([("CMAKE_OSX_ARCHITECTURES".to_owned(), own.clone())].into());
        let shared = Val::Section(Map::from([("options".to_owned(), options)]));
        let mut tool = Map::from([(
            "cmake".to_owned(),
            Val::Section(Map::from([("*".to_owned(), shared)])),
        )]);
        mac(&mut tool, flags, Path::new("/"), &Environ::default()).expect("valid");
        assert_eq!(architectures(&tool), Some(own));
    }

    #[test]
    fn ini_values() {
        let text = "[other]\nplat_name = no\n[build_ext]\n# comment\nPlat_Name: win-arm64\n";
        assert_eq!(
            ini_value(text, "build_ext", "plat_name").as_deref(),
            Some("win-arm64")
        );
        assert_eq!(ini_value(text, "build_ext", "library_dirs"), None);
    }
}
