//! Bundling the shared libraries a wheel's ELF files need into the wheel,
//! as `auditwheel repair` does: every DT_NEEDED library (recursively) that is
//! neither in the wheel nor on the manylinux policy's whitelist is found where
//! the loader and CMake would look, copied to `<dist>.libs/` under a name with
//! a hash of its bytes (so another wheel's copy of another version never
//! clashes), and the files that need it get the new name and an
//! `$ORIGIN`-relative search path.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::elf::edit::{self, Edit};
use crate::elf::{self, ElfFacts};
use crate::manylinux;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Elf(#[from] elf::Error),
    #[error(transparent)]
    Edit(#[from] edit::Error),
    #[error(transparent)]
    Policy(#[from] manylinux::Error),
    #[error(
        "{lib}, needed by {needed_by}, is neither in the wheel nor allowed by the manylinux \
         policy, and no {arch} library of that name is in any of: {searched}; add its \
         directory (CMAKE_PREFIX_PATH, --bundle-search-dir) or, to leave it to the system, \
         list it in wheel.bundle_exclude"
    )]
    NotFound {
        lib: String,
        needed_by: String,
        arch: &'static str,
        searched: String,
    },
    #[error(
        "{file} needs {lib} from {dir}/ in the wheel, but it is installed outside \
         site-packages, where no $ORIGIN-relative path reaches {dir}/; install it into \
         the package, or list {lib} in wheel.bundle_exclude"
    )]
    OutsidePackage {
        file: String,
        lib: String,
        dir: String,
    },
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Where to look for libraries and which to leave out.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Library names (DT_NEEDED spelling) never bundled.
    pub exclude: Vec<String>,
    /// Directories searched after the files' own search paths.
    pub search_dirs: Vec<PathBuf>,
    /// Prefixes (CMAKE_PREFIX_PATH) whose lib dirs are searched next.
    pub prefixes: Vec<PathBuf>,
    /// Roots of the target's system dirs (cross builds); empty: `/`.
    pub sysroots: Vec<PathBuf>,
}

/// One file of the wheel: its archive path and the file to read.
pub struct WheelFile<'a> {
    pub archive_path: &'a str,
    pub source: &'a Path,
}

/// What bundling changes: edited copies of wheel files and added libraries,
/// by archive path.
#[derive(Debug, Default)]
pub struct Outcome {
    pub edited: BTreeMap<String, Vec<u8>>,
    pub added: BTreeMap<String, Vec<u8>>,
}

/// A library found outside the wheel.
struct Found {
    path: PathBuf,
    bytes: Vec<u8>,
    facts: ElfFacts,
    /// Its name in the wheel: `libfoo-<hash>.so.1`.
    new_name: String,
}

/// A wheel file that is an ELF file, with where it lands when installed.
struct Staged<'a> {
    file: &'a WheelFile<'a>,
    facts: ElfFacts,
    /// Path relative to site-packages (None for scripts, headers, data).
    installed: Option<String>,
}

/// Bundles what the ELF files among `files` need. `libs_dir` is
/// `<dist>.libs`, `data_dir` the wheel's `.data` directory name.
pub fn bundle(
    files: &[WheelFile<'_>],
    libs_dir: &str,
    data_dir: &str,
    options: &Options,
) -> Result<Outcome, Error> {
    let mut staged = Vec::new();
    for file in files {
        let installed = installed_path(file.archive_path, data_dir);
        let mut facts = match elf::read(file.archive_path, file.source) {
            Ok(Some(facts)) => facts,
            // Data that merely looks like ELF is never loaded: nothing to bundle for.
            Ok(None) | Err(elf::Error::Parse { .. } | elf::Error::UnknownMachine { .. }) => {
                continue
            }
            Err(error) => return Err(error.into()),
        };
        // external_libs resolves $ORIGIN against where the file is installed.
        if let Some(path) = &installed {
            facts.archive_path = path.clone();
        }
        staged.push(Staged {
            file,
            facts,
            installed,
        });
    }
    if staged.is_empty() {
        return Ok(Outcome::default());
    }
    let all_facts: Vec<ElfFacts> = staged.iter().map(|s| s.facts.clone()).collect();
    let allowed = manylinux::allowed_libraries(&all_facts)?;
    let in_wheel: BTreeSet<&str> = staged
        .iter()
        .filter_map(|s| s.installed.as_deref())
        .collect();

    // The interpreter provides libpython; a second copy would be a second
    // interpreter (auditwheel never bundles it either).
    let leave =
        |lib: &str| elf::is_loader(lib) || allowed.contains(lib) || lib.starts_with("libpython");
    let mut reported = BTreeSet::new();
    let mut excluded = |lib: &str, needed_by: &str| {
        let listed = options.exclude.iter().any(|e| e == lib);
        if listed && reported.insert(lib.to_string()) {
            eprintln!(
                "py-build-cmake: not bundling {lib} (needed by {needed_by}): \
                 wheel.bundle_exclude lists it"
            );
        }
        listed
    };

    // A needed library the wheel holds but the file's search path misses
    // (e.g. installed into lib/ beside the package): by installed path.
    let staged_by_name: BTreeMap<&str, &str> = staged
        .iter()
        .filter_map(|s| s.installed.as_deref())
        .map(|path| (path.rsplit('/').next().unwrap_or(path), path))
        .collect();
    // (library, its site-packages-relative dir) each staged file must also reach.
    let mut reach: BTreeMap<usize, Vec<(String, String)>> = BTreeMap::new();

    // Libraries to bundle, by DT_NEEDED name, found breadth first.
    let mut found: BTreeMap<String, Found> = BTreeMap::new();
    let mut queue: VecDeque<(String, Vec<String>, PathBuf, String)> = VecDeque::new();
    for (index, s) in staged.iter().enumerate() {
        for lib in manylinux::external_libs(&s.facts, &in_wheel) {
            if leave(lib) || excluded(lib, &s.facts.archive_path) {
                continue;
            }
            if let Some(path) = staged_by_name.get(lib) {
                let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
                let entry = (lib.to_string(), dir.to_string());
                reach.entry(index).or_default().push(entry);
                continue;
            }
            let origin = s.file.source.parent().unwrap_or(Path::new("/"));
            queue.push_back((
                lib.to_string(),
                s.facts.search_path.clone(),
                origin.to_path_buf(),
                s.file.archive_path.to_string(),
            ));
        }
    }
    let arch = staged[0].facts.arch;
    while let Some((lib, search_path, origin, needed_by)) = queue.pop_front() {
        if found.contains_key(&lib) {
            continue;
        }
        let dirs = search_dirs(&search_path, &origin, options, arch);
        let Some((path, bytes, facts)) = find(&lib, &dirs, arch)? else {
            return Err(Error::NotFound {
                lib,
                needed_by,
                arch,
                searched: dirs
                    .iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        let lib_origin = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        for dep in &facts.needed {
            if leave(dep) || excluded(dep, &lib) {
                continue;
            }
            queue.push_back((
                dep.clone(),
                facts.search_path.clone(),
                lib_origin.clone(),
                path.display().to_string(),
            ));
        }
        let new_name = hashed_name(&lib, &bytes);
        found.insert(
            lib,
            Found {
                path,
                bytes,
                facts,
                new_name,
            },
        );
    }
    if found.is_empty() && reach.is_empty() {
        return Ok(Outcome::default());
    }

    let renames: BTreeMap<String, String> = found
        .iter()
        .map(|(lib, f)| (lib.clone(), f.new_name.clone()))
        .collect();
    let mut outcome = Outcome::default();
    for (index, s) in staged.iter().enumerate() {
        let mut needs: Vec<(&str, &str)> = s
            .facts
            .needed
            .iter()
            .filter(|lib| renames.contains_key(*lib))
            .map(|lib| (lib.as_str(), libs_dir))
            .collect();
        needs.extend(
            reach
                .get(&index)
                .into_iter()
                .flatten()
                .map(|(lib, dir)| (lib.as_str(), dir.as_str())),
        );
        let Some(&(first_lib, first_dir)) = needs.first() else {
            continue;
        };
        let Some(installed) = &s.installed else {
            return Err(Error::OutsidePackage {
                file: s.file.archive_path.to_string(),
                lib: first_lib.to_string(),
                dir: first_dir.to_string(),
            });
        };
        let mut path: Vec<String> = s
            .facts
            .search_path
            .iter()
            .filter(|p| p.starts_with("$ORIGIN") || p.starts_with("${ORIGIN}"))
            .cloned()
            .collect();
        for (_, dir) in needs {
            let entry = origin_relative(installed, dir);
            if !path.contains(&entry) {
                path.push(entry);
            }
        }
        let edit = Edit {
            replace_needed: renames_of(&s.facts.needed, &renames),
            search_path: Some(path.join(":")),
            soname: None,
        };
        let bytes = read(s.file.source)?;
        let edited = edit::apply(s.file.source, &bytes, &edit)?;
        outcome
            .edited
            .insert(s.file.archive_path.to_string(), edited);
    }
    for f in found.values() {
        let replace_needed = renames_of(&f.facts.needed, &renames);
        // Its own search path named the build machine's dirs; the libraries
        // it needs from the wheel are beside it.
        let search_path = if !replace_needed.is_empty() {
            Some("$ORIGIN".to_string())
        } else if !f.facts.search_path.is_empty() {
            Some(String::new())
        } else {
            None
        };
        let edit = Edit {
            replace_needed,
            search_path,
            soname: Some(f.new_name.clone()),
        };
        let edited = edit::apply(&f.path, &f.bytes, &edit)?;
        outcome
            .added
            .insert(format!("{libs_dir}/{}", f.new_name), edited);
    }
    Ok(outcome)
}

fn renames_of(needed: &[String], renames: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    needed
        .iter()
        .filter_map(|lib| Some((lib.clone(), renames.get(lib)?.clone())))
        .collect()
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Where a wheel file lands relative to site-packages: the archive path, or
/// for `.data/platlib` and `.data/purelib` the rest of it; None for the other
/// `.data` keys.
fn installed_path(archive_path: &str, data_dir: &str) -> Option<String> {
    let Some(rest) = archive_path
        .strip_prefix(data_dir)
        .and_then(|r| r.strip_prefix('/'))
    else {
        return Some(archive_path.to_string());
    };
    ["platlib/", "purelib/"]
        .iter()
        .find_map(|key| rest.strip_prefix(key))
        .map(str::to_string)
}

/// `$ORIGIN/<relative path from the dir of installed to dir>`, both
/// relative to site-packages.
fn origin_relative(installed: &str, dir: &str) -> String {
    let from: Vec<&str> = installed.split('/').collect();
    let from = &from[..from.len() - 1];
    let to: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = "$ORIGIN".to_string();
    for _ in common..from.len() {
        path.push_str("/..");
    }
    for part in &to[common..] {
        path.push('/');
        path.push_str(part);
    }
    path
}

/// auditwheel's naming: the first 8 hex digits of the sha256 of the bytes,
/// inserted before the name's first `.`.
fn hashed_name(lib: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    match lib.split_once('.') {
        Some((base, ext)) => format!("{base}-{hash}.{ext}"),
        None => format!("{lib}-{hash}"),
    }
}

/// Debian's multiarch directory name of `arch`.
fn multiarch(arch: &str) -> &'static str {
    match arch {
        "x86_64" => "x86_64-linux-gnu",
        "i686" => "i386-linux-gnu",
        "aarch64" => "aarch64-linux-gnu",
        "armv7l" => "arm-linux-gnueabihf",
        "ppc64le" => "powerpc64le-linux-gnu",
        "s390x" => "s390x-linux-gnu",
        "riscv64" => "riscv64-linux-gnu",
        _ => "",
    }
}

/// The library dirs of a prefix or system root.
fn lib_dirs(root: &Path, arch: &str) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let triple = multiarch(arch);
    for lib in ["lib", "lib64"] {
        if !triple.is_empty() && lib == "lib" {
            dirs.push(root.join(lib).join(triple));
        }
        dirs.push(root.join(lib));
    }
    dirs
}

/// The search order for a library needed by a file whose search path is
/// `search_path` and which lives in `origin`: that search path (the loader's
/// DT_RPATH / DT_RUNPATH), the given dirs, the prefixes' lib dirs (given,
/// then CMAKE_PREFIX_PATH), LD_LIBRARY_PATH, then the system dirs (of the
/// sysroots when cross compiling).
fn search_dirs(
    search_path: &[String],
    origin: &Path,
    options: &Options,
    arch: &str,
) -> Vec<PathBuf> {
    let env_list = |name: &str| -> Vec<PathBuf> {
        std::env::var_os(name)
            .map(|v| {
                std::env::split_paths(&v)
                    .filter(|p| !p.as_os_str().is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut dirs: Vec<PathBuf> = Vec::new();
    for entry in search_path {
        let expanded = entry
            .replace("${ORIGIN}", "$ORIGIN")
            .replace("$ORIGIN", &origin.to_string_lossy());
        dirs.push(PathBuf::from(expanded));
    }
    dirs.extend(options.search_dirs.iter().cloned());
    for prefix in options
        .prefixes
        .iter()
        .chain(&env_list("CMAKE_PREFIX_PATH"))
    {
        dirs.extend(lib_dirs(prefix, arch));
    }
    if options.sysroots.is_empty() {
        dirs.extend(env_list("LD_LIBRARY_PATH"));
        dirs.extend(lib_dirs(Path::new("/usr/local"), arch));
        dirs.extend(lib_dirs(Path::new("/"), arch));
        dirs.extend(lib_dirs(Path::new("/usr"), arch));
    } else {
        for root in &options.sysroots {
            dirs.extend(lib_dirs(root, arch));
            dirs.extend(lib_dirs(&root.join("usr"), arch));
        }
    }
    let mut seen = BTreeSet::new();
    dirs.retain(|d| seen.insert(d.clone()));
    dirs
}

/// The first `lib` in `dirs` that is an ELF file for `arch` (the loader
/// skips libraries of another architecture too).
fn find(
    lib: &str,
    dirs: &[PathBuf],
    arch: &str,
) -> Result<Option<(PathBuf, Vec<u8>, ElfFacts)>, Error> {
    for dir in dirs {
        let path = dir.join(lib);
        if !path.is_file() {
            continue;
        }
        let bytes = read(&path)?;
        // A file of another architecture or a linker script is skipped.
        let Ok(Some(facts)) = elf::parse(lib, &path, &bytes) else {
            continue;
        };
        if facts.arch == arch {
            return Ok(Some((path, bytes, facts)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// Compiles `source` (C) into the shared library `out` with `args`.
    fn cc(dir: &Path, source: &str, out: &Path, args: &[&str]) {
        let c = dir.join(format!("{}.c", out.file_name().unwrap().to_string_lossy()));
        std::fs::write(&c, source).unwrap();
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        let status = Command::new("cc")
            .args(["-shared", "-fPIC", "-o"])
            .arg(out)
            .arg(&c)
            .args(args)
            .status()
            .expect("a C compiler (cc) on PATH");
        assert!(status.success());
    }

    /// staging/pkg/_ext.so needs libfoo.so.1 from prefix/lib (no RPATH).
    fn project(dir: &Path) -> (PathBuf, PathBuf) {
        let prefix = dir.join("prefix");
        let lib = prefix.join("lib");
        cc(
            dir,
            "int foo(void) { return 41; }",
            &lib.join("libfoo.so.1"),
            &["-Wl,-soname,libfoo.so.1"],
        );
        std::os::unix::fs::symlink("libfoo.so.1", lib.join("libfoo.so")).unwrap();
        let staging = dir.join("staging");
        cc(
            dir,
            "int foo(void); int ext(void) { return foo() + 1; }",
            &staging.join("pkg/_ext.so"),
            &["-L", lib.to_str().unwrap(), "-lfoo"],
        );
        (staging, prefix)
    }

    fn run(staging: &Path, options: &Options) -> Result<Outcome, Error> {
        let source = staging.join("pkg/_ext.so");
        let files = [WheelFile {
            archive_path: "pkg/_ext.so",
            source: &source,
        }];
        bundle(&files, "p.libs", "p-1.data", options)
    }

    #[test]
    fn bundles_from_a_prefix_and_the_copy_loads_without_it() {
        let dir = tempfile::tempdir().unwrap();
        let (staging, prefix) = project(dir.path());
        let options = Options {
            prefixes: vec![prefix.clone()],
            ..Options::default()
        };
        let outcome = run(&staging, &options).unwrap();
        let (added, lib_bytes) = outcome.added.iter().next().unwrap();
        assert_eq!(outcome.added.len(), 1);
        let name = added.strip_prefix("p.libs/").unwrap();
        assert!(
            name.starts_with("libfoo-") && name.ends_with(".so.1"),
            "{name}"
        );
        let ext = &outcome.edited["pkg/_ext.so"];
        let facts = elf::parse("pkg/_ext.so", Path::new("x"), ext)
            .unwrap()
            .unwrap();
        assert!(facts.needed.iter().any(|n| n == name), "{:?}", facts.needed);
        assert_eq!(facts.search_path, ["$ORIGIN/../p.libs"]);

        // The edited tree loads with the prefix gone.
        let out = dir.path().join("out");
        std::fs::create_dir_all(out.join("pkg")).unwrap();
        std::fs::create_dir_all(out.join("p.libs")).unwrap();
        std::fs::write(out.join("pkg/_ext.so"), ext).unwrap();
        std::fs::write(out.join(added), lib_bytes).unwrap();
        std::fs::remove_dir_all(&prefix).unwrap();
        let script = "import ctypes, sys; print(ctypes.CDLL(sys.argv[1]).ext())";
        let output = Command::new("python3")
            .args(["-c", script])
            .arg(out.join("pkg/_ext.so"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(String::from_utf8_lossy(&output.stdout), "42\n", "{stderr}");
    }

    #[test]
    fn a_missing_library_names_itself_the_file_and_the_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let (staging, prefix) = project(dir.path());
        let options = Options {
            search_dirs: vec![dir.path().join("elsewhere")],
            ..Options::default()
        };
        let message = run(&staging, &options).unwrap_err().to_string();
        for part in ["libfoo.so.1", "pkg/_ext.so", "elsewhere", "bundle_exclude"] {
            assert!(message.contains(part), "{part} not in {message}");
        }
        drop(prefix);
    }

    #[test]
    fn excluded_and_allowed_libraries_stay_out() {
        let dir = tempfile::tempdir().unwrap();
        let (staging, _prefix) = project(dir.path());
        let options = Options {
            exclude: vec!["libfoo.so.1".into()],
            ..Options::default()
        };
        let outcome = run(&staging, &options).unwrap();
        assert!(outcome.added.is_empty() && outcome.edited.is_empty());

        // libpython comes with the interpreter.
        let lib = dir.path().join("py/lib");
        cc(
            dir.path(),
            "int py(void) { return 1; }",
            &lib.join("libpython3.99.so.1.0"),
            &["-Wl,-soname,libpython3.99.so.1.0"],
        );
        cc(
            dir.path(),
            "int py(void); int ext(void) { return py(); }",
            &staging.join("pkg/_ext.so"),
            &[lib.join("libpython3.99.so.1.0").to_str().unwrap()],
        );
        let options = Options {
            prefixes: vec![dir.path().join("py")],
            ..Options::default()
        };
        let outcome = run(&staging, &options).unwrap();
        assert!(outcome.added.is_empty() && outcome.edited.is_empty());

        // Only libc: nothing changes.
        cc(
            dir.path(),
            "int ext(void) { return 1; }",
            &staging.join("pkg/_ext.so"),
            &[],
        );
        let outcome = run(&staging, &Options::default()).unwrap();
        assert!(outcome.added.is_empty() && outcome.edited.is_empty());
    }

    #[test]
    fn hashed_names_keep_the_suffix() {
        let name = hashed_name("libfoo.so.1.2", b"x");
        assert!(
            name.starts_with("libfoo-") && name.ends_with(".so.1.2"),
            "{name}"
        );
        assert_eq!(name.len(), "libfoo-12345678.so.1.2".len());
        assert_ne!(name, hashed_name("libfoo.so.1.2", b"y"));
    }

    #[test]
    fn origin_paths_climb_to_the_site_packages_root() {
        assert_eq!(
            origin_relative("pkg/_core.so", "p.libs"),
            "$ORIGIN/../p.libs"
        );
        assert_eq!(
            origin_relative("a/b/c.so", "p.libs"),
            "$ORIGIN/../../p.libs"
        );
        assert_eq!(origin_relative("top.so", "p.libs"), "$ORIGIN/p.libs");
        assert_eq!(origin_relative("a/b/c.so", "a/lib"), "$ORIGIN/../lib");
        assert_eq!(origin_relative("a/c.so", "a"), "$ORIGIN");
    }

    #[test]
    fn data_paths_install_into_site_packages_or_not() {
        let data = "p-1.data";
        assert_eq!(
            installed_path("pkg/a.so", data).as_deref(),
            Some("pkg/a.so")
        );
        assert_eq!(
            installed_path("p-1.data/platlib/x/a.so", data).as_deref(),
            Some("x/a.so")
        );
        assert_eq!(installed_path("p-1.data/scripts/tool", data), None);
    }
}
