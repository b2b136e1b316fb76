//! `platform_tag = "guess"` for Linux: the manylinux tag the wheel's own ELF
//! files allow, chosen the way auditwheel's policy list does (the data is
//! auditwheel's, see data/README.md). Works on files of any architecture, so
//! cross-compiled wheels are tagged from what they really need.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::elf::{is_loader, ElfFacts};

const POLICY_JSON: &str = include_str!("../data/manylinux-policy.json");

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Elf(#[from] crate::elf::Error),
    #[error("the wheel mixes architectures: {first} is {first_arch} but {other} is {other_arch}")]
    MixedArchitectures {
        first: String,
        first_arch: String,
        other: String,
        other_arch: String,
    },
    #[error("the shipped manylinux policy data is invalid")]
    Policy(#[source] serde_json::Error),
    #[error("the shipped manylinux policy data lists no policy")]
    NoPolicy,
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
pub fn external_libs<'a>(elf: &'a ElfFacts, in_wheel: &BTreeSet<&str>) -> Vec<&'a str> {
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
    symbols_allowed(policy, arch, elfs)
        && elfs.iter().all(|elf| {
            external_libs(elf, in_wheel)
                .iter()
                .all(|lib| policy.lib_whitelist.contains(*lib))
        })
}

/// Whether `policy` allows every symbol version and blacklisted symbol the
/// files use (the library whitelist aside).
fn symbols_allowed(policy: &Policy, arch: &str, elfs: &[ElfFacts]) -> bool {
    let Some(allowed) = policy.symbol_versions.get(arch) else {
        return false;
    };
    for elf in elfs {
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

/// The manylinux policies, best (highest priority) first, without `linux`.
fn policies() -> Result<Vec<Policy>, Error> {
    let mut policies: Vec<Policy> = serde_json::from_str(POLICY_JSON).map_err(Error::Policy)?;
    policies.retain(|p| p.priority > 0);
    policies.sort_by_key(|p| std::cmp::Reverse(p.priority));
    Ok(policies)
}

/// The one architecture of `elfs` (None when there are none).
fn common_arch(elfs: &[ElfFacts]) -> Result<Option<&'static str>, Error> {
    let Some(first) = elfs.first() else {
        return Ok(None);
    };
    if let Some(other) = elfs.iter().find(|e| e.arch != first.arch) {
        return Err(Error::MixedArchitectures {
            first: first.archive_path.clone(),
            first_arch: first.arch.to_string(),
            other: other.archive_path.clone(),
            other_arch: other.arch.to_string(),
        });
    }
    Ok(Some(first.arch))
}

/// The platform tags for `elfs` (the wheel's ELF files): the best manylinux
/// policy they satisfy, with its aliases, else `linux_<arch>`. `None` when
/// there is no ELF file.
pub fn guess(elfs: &[ElfFacts]) -> Result<Option<Vec<String>>, Error> {
    let Some(arch) = common_arch(elfs)? else {
        return Ok(None);
    };
    // Python 2 era ABI breakers: auditwheel gives these the plain linux tag.
    let old_abi = elfs.iter().any(|e| {
        e.undefined
            .iter()
            .any(|s| s.starts_with("PyUnicodeUCS2_") || s == "PyFPE_jbuf")
    });
    let in_wheel: BTreeSet<&str> = elfs.iter().map(|e| e.archive_path.as_str()).collect();
    let policies = policies()?;
    let best = policies
        .iter()
        .filter(|_| !old_abi)
        .find(|p| satisfies(p, arch, elfs, &in_wheel));
    let tags = match best {
        Some(policy) => std::iter::once(&policy.name)
            .chain(&policy.aliases)
            .map(|name| format!("{name}_{arch}"))
            .collect(),
        None => vec![format!("linux_{arch}")],
    };
    Ok(Some(tags))
}

/// The libraries a wheel of `elfs` may leave to the system: the whitelist of
/// the best policy their symbol versions allow (the policy the wheel gets once
/// the rest is bundled), else of the newest policy.
pub fn allowed_libraries(elfs: &[ElfFacts]) -> Result<BTreeSet<String>, Error> {
    let arch = common_arch(elfs)?.unwrap_or_default();
    let policies = policies()?;
    let chosen = policies
        .iter()
        .find(|p| symbols_allowed(p, arch, elfs))
        .or_else(|| policies.last())
        .ok_or(Error::NoPolicy)?;
    Ok(chosen.lib_whitelist.clone())
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
        let in_wheel = elfs.iter().map(|e| e.archive_path.as_str()).collect();
        policies()
            .unwrap()
            .iter()
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
