//! What a target Python installation (a prefix inside a sysroot) says about
//! itself, read from its files without running it: `build-details.json`
//! (PEP 739, Python 3.14+), else `_sysconfigdata_*.py`, else the
//! `python3.X-config` shell script.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::sysconfigdata::{ParseError, SysconfigData};
use crate::python_version;

/// The facts one description file gave. Paths are already moved from the
/// build-time prefix (`/usr`) to where the prefix is now.
#[derive(Debug, Clone, Default)]
pub struct Described {
    /// The file the facts came from, for error messages.
    pub source: PathBuf,
    /// `sys.implementation.name` (`cpython`), when the file says.
    pub implementation: Option<String>,
    pub version: Option<(u32, u32)>,
    /// The ABI tag, when the description names it rather than a SOABI
    /// (a Windows import library: `python313t.lib` -> `cp313t`).
    pub abi: Option<String>,
    pub ext_suffix: Option<String>,
    pub soabi: Option<String>,
    /// `.abi3.so` when the file names the stable-ABI suffix.
    pub stable_abi_suffix: Option<String>,
    /// The Debian/GNU triple (`aarch64-linux-gnu`).
    pub multiarch: Option<String>,
    /// `sysconfig.get_platform()` of the target, when the file says.
    pub platform: Option<String>,
    pub include_dirs: Vec<PathBuf>,
    pub library: Option<PathBuf>,
    pub sabi_library: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {}", file.display())]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid sysconfig data")]
    Sysconfig(#[from] ParseError),
    #[error("{} is not a valid build-details.json", file.display())]
    BuildDetails {
        file: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error(
        "{} holds several Pythons ({}); set `version` in the cross config to pick one",
        prefix.display(),
        versions.join(", ")
    )]
    SeveralVersions {
        prefix: PathBuf,
        versions: Vec<String>,
    },
}

/// Looks for a description of the Python in `prefix` (for `version`
/// `(major, minor)` when given). `Ok(None)` when the prefix holds none.
pub fn describe(prefix: &Path, version: Option<(u32, u32)>) -> Result<Option<Described>, Error> {
    let Some(stdlib) = stdlib_dir(prefix, version)? else {
        return describe_windows(prefix, version);
    };
    let details = stdlib.join("build-details.json");
    if details.is_file() {
        return from_build_details(&details).map(Some);
    }
    if let Some(file) = sysconfigdata_file(&stdlib)? {
        let text = read(&file)?;
        let data = SysconfigData::parse(&file, &text)?;
        return Ok(Some(from_sysconfigdata(prefix, &data)));
    }
    let dir_name = stdlib.file_name().unwrap_or_default().to_string_lossy();
    if let Some(script) = python_config_script(prefix, &dir_name)? {
        return from_python_config(prefix, &script).map(Some);
    }
    Ok(None)
}

fn read(file: &Path) -> Result<String, Error> {
    std::fs::read_to_string(file).map_err(|source| Error::Read {
        file: file.to_owned(),
        source,
    })
}

fn list_dir(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Read {
                file: dir.to_owned(),
                source,
            })
        }
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    paths.sort();
    Ok(paths)
}

/// `<prefix>/lib/python3.X` (also `python3.Xt` for free-threaded builds):
/// the one for `version` when there is one, else the only one, so that a
/// version mismatch shows up as a disagreement rather than as nothing found.
fn stdlib_dir(prefix: &Path, version: Option<(u32, u32)>) -> Result<Option<PathBuf>, Error> {
    let candidates: Vec<(PathBuf, (u32, u32))> = list_dir(&prefix.join("lib"))?
        .into_iter()
        .filter(|path| path.is_dir())
        .filter_map(|path| {
            let found = parse_stdlib_name(&path.file_name()?.to_string_lossy())?;
            Some((path, found))
        })
        .collect();
    if let Some((path, _)) = candidates.iter().find(|(_, found)| Some(*found) == version) {
        return Ok(Some(path.clone()));
    }
    match candidates.len() {
        0 | 1 => Ok(candidates.into_iter().next().map(|(path, _)| path)),
        _ => Err(Error::SeveralVersions {
            prefix: prefix.to_owned(),
            versions: candidates
                .iter()
                .map(|(path, _)| {
                    path.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect(),
        }),
    }
}

/// `python3.11` -> (3, 11); `python3.13t` -> (3, 13).
fn parse_stdlib_name(name: &str) -> Option<(u32, u32)> {
    let rest = name.strip_prefix("python")?;
    let rest = rest.strip_suffix('t').unwrap_or(rest);
    let (major, minor) = rest.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// The `_sysconfigdata_*.py` that CPython itself would load. Debian ships a
/// second copy without the MACHDEP part; when several remain, the longest
/// name (`_sysconfigdata_<abiflags>_<machdep>_<multiarch>`) is the canonical one.
fn sysconfigdata_file(stdlib: &Path) -> Result<Option<PathBuf>, Error> {
    Ok(list_dir(stdlib)?
        .into_iter()
        .filter(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("_sysconfigdata_") && name.ends_with(".py")
        })
        .max_by_key(|path| path.as_os_str().len()))
}

/// `<prefix>/bin/<triple>-python3.X-config` or `python3.X-config`.
fn python_config_script(prefix: &Path, stdlib_name: &str) -> Result<Option<PathBuf>, Error> {
    let wanted = format!("{stdlib_name}-config");
    Ok(list_dir(&prefix.join("bin"))?.into_iter().find(|path| {
        path.file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .ends_with(&wanted)
    }))
}

/// Moves a build-time path under `build_prefix` to the prefix's real place.
fn relocate(path: &str, build_prefix: &str, prefix: &Path) -> PathBuf {
    let build_prefix = build_prefix.trim_end_matches('/');
    match path.strip_prefix(build_prefix) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            prefix.join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(path),
    }
}

fn from_sysconfigdata(prefix: &Path, data: &SysconfigData) -> Described {
    let build_prefix = data.str("prefix").unwrap_or("/usr");
    let path = |name: &str| data.str(name).map(|p| relocate(p, build_prefix, prefix));
    let mut include_dirs: Vec<PathBuf> = Vec::new();
    for dir in [path("INCLUDEPY"), path("CONFINCLUDEPY")]
        .into_iter()
        .flatten()
    {
        if !include_dirs.contains(&dir) {
            include_dirs.push(dir);
        }
    }
    let library = data.str("LDLIBRARY").and_then(|name| {
        [path("LIBDIR"), path("LIBPL")]
            .into_iter()
            .flatten()
            .map(|dir| dir.join(name))
            .find(|file| file.is_file())
    });
    let sabi_library = path("LIBDIR")
        .map(|dir| dir.join("libpython3.so"))
        .filter(|file| file.is_file());
    let ext_suffix = data.str("EXT_SUFFIX").map(str::to_owned);
    Described {
        source: data.file.clone(),
        // Only CPython writes _sysconfigdata with a SOABI of this form.
        implementation: data
            .str("SOABI")
            .filter(|soabi| soabi.starts_with("cpython-"))
            .map(|_| "cpython".to_owned()),
        version: data.str("VERSION").and_then(python_version::parse),
        abi: None,
        soabi: data.str("SOABI").map(str::to_owned),
        ext_suffix,
        stable_abi_suffix: None,
        multiarch: data.str("MULTIARCH").map(str::to_owned),
        platform: None,
        include_dirs,
        library,
        sabi_library,
    }
}

/// The `NAME="value"` assignments of a python-config shell script, with the
/// `${prefix}`-style references the script itself uses expanded.
fn from_python_config(prefix: &Path, script: &Path) -> Result<Described, Error> {
    let text = read(script)?;
    let mut vars: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let value = value.trim();
        let Some(value) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
            continue;
        };
        let mut expanded = value.to_owned();
        for (known, known_value) in &vars {
            expanded = expanded.replace(&format!("${{{known}}}"), known_value);
        }
        vars.push((name.to_owned(), expanded));
    }
    let get = |name: &str| {
        vars.iter()
            .rev()
            .find(|(known, _)| known == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    };
    let build_prefix = get("prefix").unwrap_or("/usr");
    let version = get("VERSION");
    let abiflags = get("ABIFLAGS").unwrap_or("");
    let include_dirs = version
        .map(|v| vec![prefix.join("include").join(format!("python{v}{abiflags}"))])
        .unwrap_or_default();
    let ext_suffix = get("EXT_SUFFIX").or(get("SO")).map(str::to_owned);
    let soabi = ext_suffix
        .as_deref()
        .and_then(super::abi::soabi_from_ext_suffix)
        .map(str::to_owned);
    let library_dir = text
        .lines()
        .find_map(|line| line.strip_prefix("libdir=$(echo \""))
        .and_then(|rest| rest.split('"').next())
        .map(|dir| relocate(dir, build_prefix, prefix));
    let library = version.zip(library_dir).and_then(|(v, dir)| {
        [
            format!("libpython{v}{abiflags}.so"),
            format!("libpython{v}{abiflags}.a"),
        ]
        .into_iter()
        .map(|name| dir.join(name))
        .find(|file| file.is_file())
    });
    Ok(Described {
        source: script.to_owned(),
        implementation: soabi
            .as_deref()
            .filter(|s| s.starts_with("cpython-"))
            .map(|_| "cpython".to_owned()),
        version: version.and_then(python_version::parse),
        abi: None,
        multiarch: soabi
            .as_deref()
            .and_then(|s| s.splitn(3, '-').nth(2))
            .map(str::to_owned),
        soabi,
        ext_suffix,
        stable_abi_suffix: None,
        platform: None,
        include_dirs,
        library,
        sabi_library: None,
    })
}

/// A Windows installation (`include/Python.h`, `libs/python3XY.lib`) has no
/// sysconfig data file; its import library names the version and ABI.
fn describe_windows(
    prefix: &Path,
    version: Option<(u32, u32)>,
) -> Result<Option<Described>, Error> {
    let include = prefix.join("include");
    if !include.join("Python.h").is_file() {
        return Ok(None);
    }
    // python312.lib, python313t.lib; not python3.lib (the stable ABI) or *_d.lib.
    let libraries: Vec<(PathBuf, (u32, u32), bool)> = list_dir(&prefix.join("libs"))?
        .into_iter()
        .filter_map(|path| {
            let stem = path.file_stem()?.to_str()?.to_ascii_lowercase();
            if !path.extension()?.eq_ignore_ascii_case("lib") {
                return None;
            }
            let digits = stem.strip_prefix("python3")?;
            let (digits, free_threaded) = match digits.strip_suffix('t') {
                Some(d) => (d, true),
                None => (digits, false),
            };
            let minor = digits.parse().ok().filter(|_| !digits.is_empty())?;
            Some((path, (3, minor), free_threaded))
        })
        .collect();
    let chosen = match version {
        Some(wanted) => libraries.iter().find(|(_, found, _)| *found == wanted),
        None if libraries.len() == 1 => libraries.first(),
        None => None,
    };
    let Some((library, (major, minor), free_threaded)) = chosen.cloned() else {
        return Ok(None);
    };
    let sabi = prefix.join("libs").join("python3.lib");
    Ok(Some(Described {
        source: library.clone(),
        implementation: Some("cpython".into()),
        version: Some((major, minor)),
        abi: Some(format!(
            "cp{major}{minor}{}",
            if free_threaded { "t" } else { "" }
        )),
        include_dirs: vec![include],
        library: Some(library),
        sabi_library: sabi.is_file().then_some(sabi),
        ..Described::default()
    }))
}

#[derive(Deserialize)]
struct BuildDetails {
    base_prefix: String,
    platform: Option<String>,
    language: Language,
    implementation: BuildImplementation,
    #[serde(default)]
    abi: Option<Abi>,
    #[serde(default)]
    libpython: Option<LibPython>,
    #[serde(default)]
    c_api: Option<CApi>,
}

#[derive(Deserialize)]
struct Language {
    version: String,
}

#[derive(Deserialize)]
struct BuildImplementation {
    name: String,
    #[serde(rename = "_multiarch")]
    multiarch: Option<String>,
}

#[derive(Deserialize)]
struct Abi {
    extension_suffix: Option<String>,
    stable_abi_suffix: Option<String>,
}

#[derive(Deserialize)]
struct LibPython {
    dynamic: Option<String>,
    dynamic_stableabi: Option<String>,
    #[serde(rename = "static")]
    static_: Option<String>,
}

#[derive(Deserialize)]
struct CApi {
    headers: Option<String>,
}

fn from_build_details(file: &Path) -> Result<Described, Error> {
    let text = read(file)?;
    let details: BuildDetails =
        serde_json::from_str(&text).map_err(|source| Error::BuildDetails {
            file: file.to_owned(),
            source,
        })?;
    let file_dir = file.parent().unwrap_or(Path::new("."));
    // base_prefix is absolute (the build-time prefix, which the sysroot
    // moved) or relative to the file; other paths are absolute or relative
    // to base_prefix.
    let base = Path::new(&details.base_prefix);
    let (build_prefix, prefix) = if base.is_absolute() {
        // <prefix>/lib/python3.X/build-details.json
        let prefix = file_dir
            .parent()
            .and_then(Path::parent)
            .unwrap_or(file_dir)
            .to_owned();
        (details.base_prefix.clone(), prefix)
    } else {
        (String::new(), file_dir.join(base))
    };
    let path = |p: &str| {
        if Path::new(p).is_absolute() {
            relocate(p, &build_prefix, &prefix)
        } else {
            prefix.join(p)
        }
    };
    let ext_suffix = details
        .abi
        .as_ref()
        .and_then(|abi| abi.extension_suffix.clone());
    let libpython = details.libpython.as_ref();
    Ok(Described {
        source: file.to_owned(),
        implementation: Some(details.implementation.name),
        version: python_version::parse(&details.language.version),
        abi: None,
        soabi: ext_suffix
            .as_deref()
            .and_then(super::abi::soabi_from_ext_suffix)
            .map(str::to_owned),
        ext_suffix,
        stable_abi_suffix: details.abi.and_then(|abi| abi.stable_abi_suffix),
        multiarch: details.implementation.multiarch,
        platform: details.platform,
        include_dirs: details
            .c_api
            .and_then(|c_api| c_api.headers)
            .map(|headers| vec![path(&headers)])
            .unwrap_or_default(),
        library: libpython
            .and_then(|lib| lib.dynamic.as_deref().or(lib.static_.as_deref()))
            .map(path),
        sabi_library: libpython
            .and_then(|lib| lib.dynamic_stableabi.as_deref())
            .map(path),
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A Debian-like sysroot: `/usr` at `<root>/usr`, libpython under the triple.
    pub fn debian_prefix(root: &Path, triple: &str) -> PathBuf {
        let usr = root.join("usr");
        let data = format!(
            "build_time_vars = {{'ABIFLAGS': '',\n 'CONFINCLUDEPY': '/usr/include/python3.11',\n \
             'EXT_SUFFIX': '.cpython-311-{triple}.so',\n 'INCLUDEPY': '/usr/include/python3.11',\n \
             'LDLIBRARY': 'libpython3.11.so',\n 'LIBDIR': '/usr/lib/{triple}',\n \
             'MULTIARCH': '{triple}',\n 'Py_DEBUG': 0,\n 'SOABI': 'cpython-311-{triple}',\n \
             'VERSION': '3.11',\n 'prefix': '/usr'}}\n"
        );
        write(
            &usr.join(format!("lib/python3.11/_sysconfigdata__{triple}.py")),
            &data,
        );
        write(
            &usr.join(format!("lib/python3.11/_sysconfigdata__linux_{triple}.py")),
            &data,
        );
        write(&usr.join(format!("lib/{triple}/libpython3.11.so")), "");
        usr
    }

    #[test]
    fn sysconfigdata_paths_move_into_the_sysroot() {
        let root = tempfile::tempdir().unwrap();
        let usr = debian_prefix(root.path(), "aarch64-linux-gnu");
        let found = describe(&usr, None).unwrap().unwrap();
        assert!(found
            .source
            .ends_with("_sysconfigdata__linux_aarch64-linux-gnu.py"));
        assert_eq!(found.version, Some((3, 11)));
        assert_eq!(
            found.soabi.as_deref(),
            Some("cpython-311-aarch64-linux-gnu")
        );
        assert_eq!(found.include_dirs, [usr.join("include/python3.11")]);
        assert_eq!(
            found.library,
            Some(usr.join("lib/aarch64-linux-gnu/libpython3.11.so"))
        );
        assert_eq!(found.multiarch.as_deref(), Some("aarch64-linux-gnu"));
    }

    #[test]
    fn python_config_script_is_the_last_resort() {
        let root = tempfile::tempdir().unwrap();
        let usr = root.path().join("usr");
        std::fs::create_dir_all(usr.join("lib/python3.12")).unwrap();
        write(&usr.join("lib/arm-linux-gnueabihf/libpython3.12.so"), "");
        write(
            &usr.join("bin/arm-linux-gnueabihf-python3.12-config"),
            "#!/bin/sh\nprefix=\"/usr\"\nlibdir=$(echo \"/usr/lib/arm-linux-gnueabihf\" | sed \"s#$prefix#$prefix_real#\")\n\
             VERSION=\"3.12\"\nABIFLAGS=\"\"\nSO=\".cpython-312-arm-linux-gnueabihf.so\"\n",
        );
        let found = describe(&usr, Some((3, 12))).unwrap().unwrap();
        assert_eq!(
            found.soabi.as_deref(),
            Some("cpython-312-arm-linux-gnueabihf")
        );
        assert_eq!(found.multiarch.as_deref(), Some("arm-linux-gnueabihf"));
        assert_eq!(found.include_dirs, [usr.join("include/python3.12")]);
        assert_eq!(
            found.library,
            Some(usr.join("lib/arm-linux-gnueabihf/libpython3.12.so"))
        );
    }

    #[test]
    fn build_details_wins() {
        let root = tempfile::tempdir().unwrap();
        let prefix = root.path().join("opt/py");
        write(
            &prefix.join("lib/python3.14/build-details.json"),
            r#"{"schema_version": "1.0", "base_prefix": "/opt/py", "platform": "linux-aarch64",
                "language": {"version": "3.14"},
                "implementation": {"name": "cpython", "_multiarch": "aarch64-linux-gnu"},
                "abi": {"flags": ["t"], "extension_suffix": ".cpython-314t-aarch64-linux-gnu.so",
                        "stable_abi_suffix": ".abi3.so"},
                "libpython": {"dynamic": "/opt/py/lib/libpython3.14t.so"},
                "c_api": {"headers": "/opt/py/include/python3.14t"}}"#,
        );
        let found = describe(&prefix, None).unwrap().unwrap();
        assert_eq!(
            found.soabi.as_deref(),
            Some("cpython-314t-aarch64-linux-gnu")
        );
        assert_eq!(found.include_dirs, [prefix.join("include/python3.14t")]);
        assert_eq!(found.library, Some(prefix.join("lib/libpython3.14t.so")));
        assert_eq!(found.platform.as_deref(), Some("linux-aarch64"));
    }

    #[test]
    fn windows_installations_are_read_from_their_import_library() {
        let root = tempfile::tempdir().unwrap();
        write(&root.path().join("include/Python.h"), "");
        write(&root.path().join("libs/python313t.lib"), "");
        write(&root.path().join("libs/python3.lib"), "");
        let found = describe(root.path(), None).unwrap().unwrap();
        assert_eq!(found.version, Some((3, 13)));
        assert_eq!(found.abi.as_deref(), Some("cp313t"));
        assert_eq!(found.library, Some(root.path().join("libs/python313t.lib")));
        assert_eq!(
            found.sabi_library,
            Some(root.path().join("libs/python3.lib"))
        );
        assert!(describe(root.path(), Some((3, 12))).unwrap().is_none());
    }

    #[test]
    fn several_versions_need_a_choice() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("lib/python3.11")).unwrap();
        std::fs::create_dir_all(root.path().join("lib/python3.12")).unwrap();
        let err = describe(root.path(), None).unwrap_err();
        assert!(err.to_string().contains("python3.11, python3.12"), "{err}");
        assert!(describe(root.path(), Some((3, 12))).unwrap().is_none());
    }
}
