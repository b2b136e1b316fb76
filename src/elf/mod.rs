//! ELF files of a wheel: what the loader reads from them (`read`), for the
//! manylinux tag guess and for bundling, and rewriting their dynamic
//! section (`edit`).

pub mod edit;

use std::collections::BTreeSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use goblin::elf::header;
use goblin::elf::Elf;

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
}

/// What the loader and the policy check need from one ELF file.
#[derive(Debug, Clone)]
pub struct ElfFacts {
    pub archive_path: String,
    pub arch: &'static str,
    pub needed: Vec<String>,
    /// (library, version name) pairs from the GNU version needs.
    pub versions: Vec<(String, String)>,
    pub undefined: BTreeSet<String>,
    /// DT_RUNPATH, else DT_RPATH, split at `:`.
    pub search_path: Vec<String>,
}

/// The dynamic loader is never an external library (auditwheel's rule).
pub fn is_loader(lib: &str) -> bool {
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

/// Whether `path` starts with the ELF magic.
pub fn is_elf(path: &Path) -> Result<bool, Error> {
    let io_err = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io_err)?;
    let mut magic = [0u8; 4];
    Ok(file.read(&mut magic).map_err(io_err)? == 4 && &magic == b"\x7fELF")
}

/// Reads `path` when it is an ELF shared object or executable.
pub fn read(archive_path: &str, path: &Path) -> Result<Option<ElfFacts>, Error> {
    if !is_elf(path)? {
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(archive_path, path, &bytes)
}

/// Parses `bytes` (the contents of `path`) when it is an ELF shared object
/// or executable.
pub fn parse(archive_path: &str, path: &Path, bytes: &[u8]) -> Result<Option<ElfFacts>, Error> {
    if !bytes.starts_with(b"\x7fELF") {
        return Ok(None);
    }
    let elf = Elf::parse(bytes).map_err(|e| Error::Parse {
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
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect(),
    }))
}
