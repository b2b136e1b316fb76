//! `platform_tag = "guess"` for Linux: the manylinux tag the wheel's own ELF
//! files allow, chosen the way auditwheel's policy list does (the data is
//! auditwheel's, see data/README.md). Works on files of any architecture, so
//! cross-compiled wheels are tagged from what they really need.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use goblin::elf::header;
use goblin::elf::Elf;
use serde::Deserialize;

const POLICY_JSON: &str = include_str!("../data/manylinux-policy.json");

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} looks like an ELF file but cannot be parsed: {reason}")]
    Parse { path: PathBuf, reason: String },
    #[error("{path} is for ELF machine {machine}, which has no Linux platform tag known here; pass --platform-tag")]
    UnknownMachine { path: PathBuf, machine: u16 },
    #[error("the wheel mixes architectures: {first} is {first_arch} but {other} is {other_arch}")]
    MixedArchitectures {
        first: String,
        first_arch: String,
        other: String,
        other_arch: String,
    },
    #[error("the shipped manylinux policy data is invalid: {0}")]
    Policy(String),
}

#[derive(Debug, Deserialize)]
struct Policy {
    name: String,
    aliases: Vec<String>,
    priority: u32,
    /// arch -> symbol version prefix (GLIBC, GLIBCXX, ...) -> allowed versions.
    symbol_versions: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    lib_whitelist: BTreeSet<String>,
    #[serde(default)]
    blacklist: BTreeMap<String, BTreeSet<String>>,
}

/// What the policy check needs from one ELF file.
#[derive(Debug)]
struct ElfFacts {
    archive_path: String,
    arch: &'static str,
    needed: Vec<String>,
    /// (library, version name) pairs from the GNU version needs.
    versions: Vec<(String, String)>,
    undefined: BTreeSet<String>,
    /// DT_RUNPATH, else DT_RPATH, split at `:`.
    search_path: Vec<String>,
}

/// The dynamic loader is never an external library (auditwheel's rule).
fn is_loader(lib: &str) -> bool {
    lib.starts_with("ld-linux") || lib == "ld64.so.1" || lib == "ld64.so.2"
}

fn arch_name(elf: &Elf<'_>) -> Option<&'static str> {
    let machine = elf.header.e_machine;
    Some(match machine {
        header::EM_X86_64 if elf.is_64 => "x86_64",
        header::EM_386 => "i686",
        header::EM_AARCH64 => "aarch64",
        header::EM_ARM => "armv7l",
        header::EM_PPC64 if elf.little_endian => "ppc64le",
        header::EM_PPC64 => "ppc64",
        header::EM_S390 if elf.is_64 => "s390x",
        header::EM_RISCV if elf.is_64 => "riscv64",
        258 if elf.is_64 => "loongarch64", // EM_LOONGARCH
        _ => return None,
    })
}

/// Reads `path` when it is an ELF shared object or executable.
fn read_elf(archive_path: &str, path: &Path) -> Result<Option<ElfFacts>, Error> {
    let io_err = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io_err)?;
    let mut magic = [0u8; 4];
    if file.read(&mut magic).map_err(io_err)? < 4 || &magic != b"\x7fELF" {
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(io_err)?;
    let elf = Elf::parse(&bytes).map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    if elf.header.e_type == header::ET_REL {
        return Ok(None);
    }
    let arch = arch_name(&elf).ok_or(Error::UnknownMachine {
        path: path.to_path_buf(),
        machine: elf.header.e_machine,
    })?;
    let mut versions = Vec::new();
    if let Some(verneed) = &elf.verneed {
        for need in verneed.iter() {
            let Some(lib) = elf.dynstrtab.get_at(need.vn_file) else {
                continue;
            };
            if is_loader(lib) {
                continue;
            }
            for aux in need.iter() {
                if let Some(name) = elf.dynstrtab.get_at(aux.vna_name) {
                    versions.push((lib.to_string(), name.to_string()));
                }
            }
        }
    }
    let undefined = elf
        .dynsyms
        .iter()
        .filter(|s| s.st_shndx == 0 && s.st_name != 0)
        .filter_map(|s| elf.dynstrtab.get_at(s.st_name))
        .map(str::to_string)
        .collect();
    let paths = if elf.runpaths.is_empty() {
        &elf.rpaths
    } else {
        &elf.runpaths
    };
    Ok(Some(ElfFacts {
        archive_path: archive_path.to_string(),
        arch,
        needed: elf.libraries.iter().map(|l| l.to_string()).collect(),
        versions,
        undefined,
        search_path: paths
            .iter()
            .flat_map(|p| p.split(':'))
            .map(str::to_string)
            .collect(),
    }))
}

/// Joins `dir` and `rel` inside the archive, resolving `.` and `..`.
fn archive_join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// The needed libraries of `elf` that the wheel does not provide through an
/// `$ORIGIN`-relative search path.
fn external_libs<'a>(elf: &'a ElfFacts, in_wheel: &BTreeSet<&str>) -> Vec<&'a str> {
    let origin = elf.archive_path.rsplit_once('/').map_or("", |(d, _)| d);
    let dirs: Vec<String> = elf
        .search_path
        .iter()
        .filter_map(|p| {
            let rel = p
                .strip_prefix("$ORIGIN")
                .or_else(|| p.strip_prefix("${ORIGIN}"))?;
            archive_join(origin, rel)
        })
        .collect();
    elf.needed
        .iter()
        .map(String::as_str)
        .filter(|lib| !is_loader(lib))
        .filter(|lib| {
            !dirs
                .iter()
                .any(|d| in_wheel.contains(archive_join(d, lib).unwrap_or_default().as_str()))
        })
        .collect()
}

fn satisfies(policy: &Policy, arch: &str, elfs: &[ElfFacts], in_wheel: &BTreeSet<&str>) -> bool {
    let Some(allowed) = policy.symbol_versions.get(arch) else {
        return false;
    };
    for elf in elfs {
        let external = external_libs(elf, in_wheel);
        if external
            .iter()
            .any(|lib| !policy.lib_whitelist.contains(*lib))
        {
            return false;
        }
        for lib in &elf.needed {
            if let Some(banned) = policy.blacklist.get(lib) {
                if banned.contains("*") || banned.iter().any(|s| elf.undefined.contains(s)) {
                    return false;
                }
            }
        }
        for (_, version) in &elf.versions {
            let prefix = version.split_once('_').map_or(version.as_str(), |(p, _)| p);
            if let Some(versions) = allowed.get(prefix) {
                let number = &version[prefix.len()..].trim_start_matches('_');
                if !versions.contains(*number) {
                    return false;
                }
            }
        }
    }
    true
}

/// The platform tags for the ELF files among `files` (archive path, file on
/// disk): the best manylinux policy they satisfy, with its aliases, else
/// `linux_<arch>`. `None` when there is no ELF file.
pub fn guess(files: &[(&str, &Path)]) -> Result<Option<Vec<String>>, Error> {
    let mut elfs = Vec::new();
    for (archive_path, path) in files {
        if let Some(facts) = read_elf(archive_path, path)? {
            elfs.push(facts);
        }
    }
    let Some(first) = elfs.first() else {
        return Ok(None);
    };
    let arch = first.arch;
    if let Some(other) = elfs.iter().find(|e| e.arch != arch) {
        return Err(Error::MixedArchitectures {
            first: first.archive_path.clone(),
            first_arch: arch.to_string(),
            other: other.archive_path.clone(),
            other_arch: other.arch.to_string(),
        });
    }
    let mut policies: Vec<Policy> =
        serde_json::from_str(POLICY_JSON).map_err(|e| Error::Policy(e.to_string()))?;
    policies.sort_by_key(|p| std::cmp::Reverse(p.priority));
    // Python 2 era ABI breakers: auditwheel gives these the plain linux tag.
    let old_abi = elfs.iter().any(|e| {
        e.undefined
            .iter()
            .any(|s| s.starts_with("PyUnicodeUCS2_") || s == "PyFPE_jbuf")
    });
    let in_wheel: BTreeSet<&str> = elfs.iter().map(|e| e.archive_path.as_str()).collect();
    let best = policies
        .iter()
        .filter(|p| p.priority > 0 && !old_abi)
        .find(|p| satisfies(p, arch, &elfs, &in_wheel));
    let tags = match best {
        Some(policy) => std::iter::once(&policy.name)
            .chain(&policy.aliases)
            .map(|name| format!("{name}_{arch}"))
            .collect(),
        None => vec![format!("linux_{arch}")],
    };
    Ok(Some(tags))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(path: &str, needed: &[&str], versions: &[&str], search: &[&str]) -> ElfFacts {
        ElfFacts {
            archive_path: path.to_string(),
            arch: "x86_64",
            needed: needed.iter().map(|s| s.to_string()).collect(),
            versions: versions
                .iter()
                .map(|v| ("libc.so.6".to_string(), v.to_string()))
                .collect(),
            undefined: BTreeSet::new(),
            search_path: search.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn best(elfs: &[ElfFacts]) -> Option<String> {
        let mut policies: Vec<Policy> = serde_json::from_str(POLICY_JSON).unwrap();
        policies.sort_by_key(|p| std::cmp::Reverse(p.priority));
        let in_wheel = elfs.iter().map(|e| e.archive_path.as_str()).collect();
        policies
            .iter()
            .filter(|p| p.priority > 0)
            .find(|p| satisfies(p, "x86_64", elfs, &in_wheel))
            .map(|p| p.name.clone())
    }

    #[test]
    fn highest_glibc_version_decides() {
        let old = facts("a.so", &["libc.so.6"], &["GLIBC_2.2.5"], &[]);
        assert_eq!(best(&[old]).as_deref(), Some("manylinux_2_5"));
        let mid = facts("a.so", &["libc.so.6"], &["GLIBC_2.2.5", "GLIBC_2.14"], &[]);
        assert_eq!(best(&[mid]).as_deref(), Some("manylinux_2_17"));
        let new = facts("a.so", &["libc.so.6"], &["GLIBC_2.34"], &[]);
        assert_eq!(best(&[new]).as_deref(), Some("manylinux_2_34"));
        let private = facts("a.so", &["libc.so.6"], &["GLIBC_PRIVATE"], &[]);
        assert_eq!(best(&[private]), None);
    }

    #[test]
    fn libraries_outside_the_whitelist_need_the_wheel() {
        let ext = facts("pkg/a.so", &["libfoo.so.1"], &[], &[]);
        assert_eq!(best(&[ext]), None);
        let ext = facts("pkg/a.so", &["libfoo.so.1"], &[], &["$ORIGIN/../pkg.libs"]);
        let lib = facts("pkg.libs/libfoo.so.1", &["libc.so.6"], &["GLIBC_2.17"], &[]);
        assert_eq!(best(&[ext, lib]).as_deref(), Some("manylinux_2_17"));
    }

    #[test]
    fn archive_join_resolves_dots() {
        assert_eq!(archive_join("a/b", "../c/./d").as_deref(), Some("a/c/d"));
        assert_eq!(archive_join("", "x").as_deref(), Some("x"));
        assert_eq!(archive_join("a", "../.."), None);
    }
}
