//! Native resolution: run the interpreter once with a small script that prints
//! what the build needs as JSON, then derive the target from that answer.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use super::{abi, cache, find_program, Error, Implementation, PythonTarget};
use crate::platform::Os;

/// Runs on every Python 3 the helper may meet (3.6 and up); prints one line
/// of JSON. Kept to plain sysconfig so that nothing is imported that a
/// minimal Python lacks.
const QUERY: &str = r#"
import json, os, platform, sys, sysconfig
from importlib.machinery import EXTENSION_SUFFIXES
v = sysconfig.get_config_var
p = sysconfig.get_paths()
print(json.dumps(dict(
    implementation=sys.implementation.name,
    version=platform.python_version(),
    version_info=list(sys.version_info[:2]),
    soabi=v("SOABI"),
    ext_suffix=v("EXT_SUFFIX"),
    include_dirs=[v("INCLUDEPY"), p.get("include"), p.get("platinclude")],
    ldlibrary=v("LDLIBRARY"),
    libdir=v("LIBDIR"),
    libpl=v("LIBPL"),
    gil_disabled=bool(v("Py_GIL_DISABLED")),
    debug=bool(v("Py_DEBUG")) or hasattr(sys, "gettotalrefcount"),
    pymalloc=bool(v("WITH_PYMALLOC")),
    prefix=sys.prefix,
    base_prefix=sys.base_prefix,
    platform=sysconfig.get_platform(),
    ext_suffixes=EXTENSION_SUFFIXES,
    pointer_64bit=sys.maxsize > 2**32,
    os_name=os.name,
)))
"#;

/// What [`QUERY`] prints.
#[derive(Debug, Deserialize)]
struct Facts {
    implementation: String,
    version: String,
    version_info: (u32, u32),
    soabi: Option<String>,
    ext_suffix: Option<String>,
    include_dirs: Vec<Option<PathBuf>>,
    ldlibrary: Option<String>,
    libdir: Option<PathBuf>,
    libpl: Option<PathBuf>,
    gil_disabled: bool,
    debug: bool,
    pymalloc: bool,
    prefix: PathBuf,
    base_prefix: PathBuf,
    platform: String,
    ext_suffixes: Vec<String>,
    pointer_64bit: bool,
    os_name: String,
}

/// Asks a native interpreter about itself, through the default cache
/// (`$XDG_CACHE_HOME/py-build-cmake`, else `~/.cache/py-build-cmake`).
pub fn resolve_native(interpreter: &Path) -> Result<PythonTarget, Error> {
    resolve_native_cached(interpreter, cache::default_dir().as_deref())
}

/// Asks a native interpreter about itself; `cache_dir` (when given) keeps
/// the answer keyed by the interpreter file, so that later calls need not
/// start Python.
pub fn resolve_native_cached(
    interpreter: &Path,
    cache_dir: Option<&Path>,
) -> Result<PythonTarget, Error> {
    let interpreter = find_program(interpreter)
        .filter(|path| path.is_file())
        .ok_or_else(|| Error::InterpreterNotFound {
            path: interpreter.to_owned(),
        })?;
    let stamp = cache_dir.and_then(|_| cache::Stamp::of(&interpreter));
    let cached = match (cache_dir, &stamp) {
        (Some(dir), Some(stamp)) => cache::load(dir, stamp),
        _ => None,
    };
    // A cache entry that no longer parses is just recomputed.
    if let Some(target) = cached.and_then(|output| target_from_output(&interpreter, &output).ok()) {
        return Ok(target);
    }
    let output = run_query(&interpreter)?;
    let target = target_from_output(&interpreter, &output)?;
    if let (Some(dir), Some(stamp)) = (cache_dir, &stamp) {
        cache::store(dir, stamp, &output);
    }
    Ok(target)
}

fn run_query(interpreter: &Path) -> Result<String, Error> {
    let output = Command::new(interpreter)
        .args(["-I", "-c", QUERY])
        .output()
        .map_err(|source| Error::InterpreterNotRunnable {
            path: interpreter.to_owned(),
            source,
        })?;
    if !output.status.success() {
        return Err(Error::InterpreterFailed {
            path: interpreter.to_owned(),
            status: output.status,
            stderr: tail(&String::from_utf8_lossy(&output.stderr), 2000),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The end of a long message, where the cause usually is.
fn tail(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    let skip = text.chars().count().saturating_sub(max_chars);
    let kept: String = text.chars().skip(skip).collect();
    if skip > 0 {
        format!("...{kept}")
    } else {
        kept
    }
}

fn target_from_output(interpreter: &Path, output: &str) -> Result<PythonTarget, Error> {
    let facts: Facts =
        serde_json::from_str(output.trim()).map_err(|source| Error::InterpreterGarbage {
            path: interpreter.to_owned(),
            output: output.chars().take(400).collect(),
            source,
        })?;
    target_from_facts(interpreter, facts)
}

fn target_from_facts(interpreter: &Path, facts: Facts) -> Result<PythonTarget, Error> {
    let inconsistent = |what: String| Error::InterpreterInconsistent {
        path: interpreter.to_owned(),
        what,
    };
    let (major, minor) = facts.version_info;
    let windows = facts.os_name == "nt";
    let (implementation, implementation_tag) = abi::implementation_from_name(&facts.implementation);
    let ext_suffix = facts
        .ext_suffix
        .clone()
        .filter(|suffix| suffix.starts_with('.'))
        .ok_or_else(|| inconsistent(format!("EXT_SUFFIX {:?}", facts.ext_suffix)))?;
    let soabi = facts
        .soabi
        .clone()
        .or_else(|| abi::soabi_from_ext_suffix(&ext_suffix).map(str::to_owned))
        .unwrap_or_default();
    let abi_tag = match implementation {
        // packaging's cpython rule: version, then `t`, `d`, and `m` before 3.8.
        Implementation::CPython => format!(
            "cp{major}{minor}{}{}{}",
            if facts.gil_disabled { "t" } else { "" },
            if facts.debug { "d" } else { "" },
            if facts.pymalloc && (major, minor) < (3, 8) {
                "m"
            } else {
                ""
            },
        ),
        _ => abi::soabi_from_ext_suffix(&ext_suffix)
            .and_then(abi::abi_tag_from_soabi)
            .ok_or_else(|| inconsistent(format!("no ABI in EXT_SUFFIX {ext_suffix:?}")))?,
    };
    let sosabi = if facts.ext_suffixes.iter().any(|s| s.starts_with(".abi3.")) {
        Some("abi3".to_owned())
    } else if windows && implementation == Implementation::CPython && !facts.gil_disabled {
        // Windows loads stable-ABI modules under the plain `.pyd` suffix.
        Some(String::new())
    } else {
        None
    };
    let mut include_dirs: Vec<PathBuf> = Vec::new();
    for dir in facts.include_dirs.iter().flatten() {
        if !include_dirs.contains(dir) {
            include_dirs.push(dir.clone());
        }
    }
    let (library, sabi_library) = if windows {
        let libs = facts.base_prefix.join("libs");
        let name = format!(
            "python{major}{minor}{}{}.lib",
            if facts.gil_disabled { "t" } else { "" },
            if facts.debug { "_d" } else { "" }
        );
        let sabi = libs.join(if facts.debug {
            "python3_d.lib"
        } else {
            "python3.lib"
        });
        let existing = |path: PathBuf| Some(path).filter(|p| p.is_file());
        (existing(libs.join(name)), existing(sabi))
    } else {
        let library = facts.ldlibrary.as_ref().and_then(|name| {
            [&facts.libdir, &facts.libpl]
                .into_iter()
                .flatten()
                .map(|dir| dir.join(name))
                .find(|path| path.is_file())
        });
        let sabi = facts
            .libdir
            .as_ref()
            .map(|dir| dir.join("libpython3.so"))
            .filter(|path| path.is_file());
        (library, sabi)
    };
    let platform_tag = abi::platform_tag(&facts.platform, facts.pointer_64bit);
    let os = if windows {
        Os::Windows
    } else {
        Os::of_platform_tag(&platform_tag).unwrap_or(Os::Linux)
    };
    Ok(PythonTarget {
        implementation,
        implementation_tag,
        major,
        minor,
        version: facts.version,
        abi_tag,
        platform_tag,
        free_threaded: facts.gil_disabled,
        debug: facts.debug,
        soabi,
        ext_suffix,
        sosabi,
        os,
        cross: false,
        interpreter: Some(interpreter.to_owned()),
        root_dir: Some(facts.prefix),
        include_dirs,
        library,
        sabi_library,
        toolchain_file: None,
        emulator: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(json: &str) -> Facts {
        serde_json::from_str(json).unwrap()
    }

    const LINUX_311: &str = r#"{"implementation": "cpython", "version": "3.11.7",
        "version_info": [3, 11], "soabi": "cpython-311-x86_64-linux-gnu",
        "ext_suffix": ".cpython-311-x86_64-linux-gnu.so",
        "include_dirs": ["/py/include/python3.11", "/py/include/python3.11", "/py/include/python3.11"],
        "ldlibrary": "libpython3.11.so", "libdir": "/nonexistent/lib", "libpl": null,
        "gil_disabled": false, "debug": false, "pymalloc": true, "prefix": "/venv",
        "base_prefix": "/py", "platform": "linux-x86_64",
        "ext_suffixes": [".cpython-311-x86_64-linux-gnu.so", ".abi3.so", ".so"],
        "pointer_64bit": true, "os_name": "posix"}"#;

    #[test]
    fn cpython_linux() {
        let target = target_from_facts(Path::new("/venv/bin/python"), facts(LINUX_311)).unwrap();
        assert_eq!(target.abi_tag, "cp311");
        assert_eq!(target.implementation_tag, "cp");
        assert_eq!(target.platform_tag, "linux_x86_64");
        assert_eq!(target.sosabi.as_deref(), Some("abi3"));
        assert_eq!(
            target.include_dirs,
            [PathBuf::from("/py/include/python3.11")]
        );
        assert_eq!(target.root_dir.as_deref(), Some(Path::new("/venv")));
        assert_eq!(target.library, None);
        assert_eq!(target.os, Os::Linux);
    }

    #[test]
    fn free_threaded_debug_and_old_pymalloc() {
        let ft = LINUX_311
            .replace(
                r#""gil_disabled": false, "debug": false"#,
                r#""gil_disabled": true, "debug": true"#,
            )
            .replace("[3, 11]", "[3, 13]");
        let target = target_from_facts(Path::new("/p"), facts(&ft)).unwrap();
        assert_eq!(target.abi_tag, "cp313td");
        assert!(target.free_threaded && target.debug);
        let old = LINUX_311.replace("[3, 11]", "[3, 7]");
        assert_eq!(
            target_from_facts(Path::new("/p"), facts(&old))
                .unwrap()
                .abi_tag,
            "cp37m"
        );
    }

    #[test]
    fn pypy_uses_the_suffix() {
        let pypy = LINUX_311
            .replace("\"cpython\"", "\"pypy\"")
            .replace(
                ".cpython-311-x86_64-linux-gnu.so\",",
                ".pypy310-pp73-x86_64-linux-gnu.so\",",
            )
            .replace("[3, 11]", "[3, 10]");
        let target = target_from_facts(Path::new("/p"), facts(&pypy)).unwrap();
        assert_eq!(
            (target.implementation_tag.as_str(), target.abi_tag.as_str()),
            ("pp", "pypy310_pp73")
        );
    }

    #[test]
    fn windows_library_and_suffix() {
        let win = r#"{"implementation": "cpython", "version": "3.12.1", "version_info": [3, 12],
            "soabi": null, "ext_suffix": ".cp312-win_amd64.pyd", "include_dirs": ["C:\\Py\\Include"],
            "ldlibrary": null, "libdir": null, "libpl": null, "gil_disabled": false,
            "debug": false, "pymalloc": true, "prefix": "C:\\Py", "base_prefix": "C:\\Py",
            "platform": "win-amd64", "ext_suffixes": [".cp312-win_amd64.pyd", ".pyd"],
            "pointer_64bit": true, "os_name": "nt"}"#;
        let target = target_from_facts(Path::new("python.exe"), facts(win)).unwrap();
        assert_eq!(target.soabi, "cp312-win_amd64");
        assert_eq!(target.platform_tag, "win_amd64");
        assert_eq!(target.sosabi.as_deref(), Some(""));
        assert_eq!(target.os, Os::Windows);
        // Only files that exist are hints.
        assert_eq!(target.library, None);
    }

    #[test]
    fn garbage_output_is_a_clear_error() {
        let err = target_from_output(Path::new("/usr/bin/python3"), "Hello\n").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("/usr/bin/python3") && text.contains("Hello"),
            "{text}"
        );
    }

    #[test]
    fn missing_interpreter_is_reported_by_name() {
        let err = resolve_native_cached(Path::new("no-such-python-xyz"), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Python interpreter `no-such-python-xyz` not found on PATH"
        );
    }
}
