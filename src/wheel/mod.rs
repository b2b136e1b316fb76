//! Packing a staged install tree into a wheel: the walk (staging), the
//! destination (writer), the zip container, parallel deflate and RECORD.

mod deflate;
mod record;
mod staging;
mod wheel_file;
mod writer;
mod zip;

use std::path::{Path, PathBuf};

use crate::archive::{self, ArchiveWriter, Content, Entry, Mode};
use crate::bundle;
use crate::elf;
use crate::manylinux;
use crate::metadata;
use crate::project::Project;
use crate::tags::WheelTags;

use writer::WheelWriter;
pub use zip::DosTime;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read the staging directory {path} (run the CMake install step into it first)")]
    Staging {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the staging path {0} is not a directory")]
    StagingNotDir(PathBuf),
    #[error("{path}: {reason}")]
    DataLayout { path: PathBuf, reason: String },
    #[error(transparent)]
    Archive(#[from] archive::Error),
    #[error("staged files {first} and {second} conflict: {reason}; install only one of them")]
    Conflict {
        first: PathBuf,
        second: PathBuf,
        reason: String,
    },
    #[error("license file {path} (from project.license-files) does not exist")]
    LicenseMissing {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "platform_tag = 'guess' found no ELF files to guess from and there is no target \
         Python whose platform tag could be used; pass --platform-tag"
    )]
    NothingToGuessFrom,
    #[error(
        "the out dir {out_dir} is inside the staging dir {staging}: the next pack would put \
         this wheel into the next one; pick an out dir outside it"
    )]
    OutDirInStaging { out_dir: PathBuf, staging: PathBuf },
    #[error("cannot write the wheel into {path}")]
    OutDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{context}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Read(#[from] deflate::ReadError),
    #[error(transparent)]
    Metadata(#[from] metadata::Error),
    #[error("while guessing the platform tag from the ELF files")]
    Manylinux(#[from] manylinux::Error),
    #[error("while bundling the shared libraries the wheel needs")]
    Bundle(#[from] bundle::Error),
    #[error("while reading the bundled or edited ELF files")]
    Elf(#[from] elf::Error),
}

/// Everything one pack needs.
pub struct PackRequest<'a> {
    pub project: &'a Project,
    pub tags: WheelTags,
    /// Pure wheels put the tree root in purelib, others in platlib.
    pub pure: bool,
    pub staging: &'a Path,
    pub out_dir: &'a Path,
    pub jobs: usize,
    /// Timestamp of every entry (SOURCE_DATE_EPOCH).
    pub timestamp: u64,
    /// What `guess` becomes when the wheel holds no ELF file: the target
    /// Python's platform tag.
    pub fallback_platform: Option<String>,
    /// Bundle the shared libraries the ELF files need (None: leave them).
    pub bundle: Option<bundle::Options>,
}

/// Packs the staged tree into `<out_dir>/<name>-<version>[-<build>]-<tags>.whl`
/// and returns its path.
pub fn pack(request: PackRequest<'_>) -> Result<PathBuf, Error> {
    let project = request.project;
    // The loader normalized the version; the wheel spells the name with `_`.
    let dist = project.dist_name();
    let version = &project.version;
    let dist_info = dist_info_name(project);
    check_out_dir(request.out_dir, request.staging)?;
    let files = staging::collect(request.staging, project)?;
    if files.is_empty() {
        // py-build-cmake packs such a wheel too; say so once, it is rarely meant.
        eprintln!(
            "py-build-cmake: warning: {} holds no files: the wheel has only its metadata \
             (did the install step install anything?)",
            request.staging.display()
        );
    }

    let bundled = match &request.bundle {
        Some(options) => {
            let wheel_files: Vec<bundle::WheelFile<'_>> = files
                .iter()
                .map(|f| bundle::WheelFile {
                    archive_path: &f.relative,
                    source: &f.source,
                })
                .collect();
            let libs_dir = format!("{dist}.libs");
            bundle::bundle(&wheel_files, &libs_dir, &project.data_dir_name(), options)?
        }
        None => bundle::Outcome::default(),
    };

    let mut tags = request.tags;
    if tags.needs_guess() {
        let mut elfs = Vec::new();
        for file in &files {
            let facts = match bundled.edited.get(&file.relative) {
                Some(bytes) => elf::parse(&file.relative, &file.source, bytes)?,
                None => elf::read(&file.relative, &file.source)?,
            };
            elfs.extend(facts);
        }
        for (archive_path, bytes) in &bundled.added {
            elfs.extend(elf::parse(archive_path, Path::new(archive_path), bytes)?);
        }
        let guessed = match manylinux::guess(&elfs)? {
            Some(tags) => tags,
            None => vec![request
                .fallback_platform
                .clone()
                .ok_or(Error::NothingToGuessFrom)?],
        };
        tags.resolve_guess(&guessed);
    }

    let mut writer = WheelWriter::new(dist_info.clone());
    let mut bundled = bundled;
    for file in files {
        let mode = Mode::from_executable(file.executable);
        let content = match bundled.edited.remove(&file.relative) {
            Some(bytes) => Content::Bytes(bytes),
            None => Content::File(file.source),
        };
        writer.add(Entry {
            path: file.relative,
            content,
            mode,
        })?;
    }
    // Shared libraries keep the mode CMake installs them with.
    for (path, bytes) in bundled.added {
        writer.add(Entry {
            path,
            content: Content::Bytes(bytes),
            mode: Mode::Executable,
        })?;
    }
    for mut entry in dist_info_entries(project)? {
        entry.path = format!("{dist_info}/{}", entry.path);
        writer.add(entry)?;
    }
    let wheel = wheel_file::render_wheel(&tags, request.pure);
    writer.add(Entry::bytes(
        format!("{dist_info}/WHEEL"),
        wheel.into_bytes(),
    ))?;

    let build = tags
        .build
        .as_ref()
        .map(|b| format!("-{b}"))
        .unwrap_or_default();
    let file_name = format!("{dist}-{version}{build}-{}.whl", tags.file_tag());
    writer.finish(
        request.out_dir,
        &file_name,
        request.jobs.max(1),
        DosTime::from_unix(request.timestamp),
    )
}

/// `<dist>-<version>.dist-info`, the name of `project`'s metadata directory.
pub fn dist_info_name(project: &Project) -> String {
    format!("{}-{}.dist-info", project.dist_name(), project.version)
}

/// The metadata files of `.dist-info` that need no build (METADATA, the
/// licence files, entry_points.txt), by their path inside it: what a wheel
/// holds and what the backend's prepare_metadata hook writes.
pub fn dist_info_entries(project: &Project) -> Result<Vec<Entry>, Error> {
    let mut entries = Vec::new();
    let mut license_paths = Vec::new();
    for license in &project.license_files {
        std::fs::metadata(&license.source).map_err(|source| Error::LicenseMissing {
            path: license.source.clone(),
            source,
        })?;
        entries.push(Entry::file(
            format!("licenses/{}", license.relative),
            license.source.clone(),
            archive::Mode::Regular,
        ));
        license_paths.push(license.relative.clone());
    }
    let metadata = metadata::render_metadata(project, &license_paths)?;
    entries.push(Entry::bytes("METADATA".into(), metadata.into_bytes()));
    if let Some(entry_points) = metadata::render_entry_points(project) {
        entries.push(Entry::bytes(
            "entry_points.txt".into(),
            entry_points.into_bytes(),
        ));
    }
    Ok(entries)
}

/// Refuses an out dir inside the staging dir (existing or not).
fn check_out_dir(out_dir: &Path, staging: &Path) -> Result<(), Error> {
    let resolve = |path: &Path| {
        crate::real_path::resolve(path).map_err(|source| Error::Io {
            context: format!("cannot resolve {}", path.display()),
            source,
        })
    };
    if resolve(out_dir)?.starts_with(resolve(staging)?) {
        return Err(Error::OutDirInStaging {
            out_dir: out_dir.to_path_buf(),
            staging: staging.to_path_buf(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error_chain::{assert_each_cause_once, io_error};

    #[test]
    fn read_errors_print_each_cause_once() {
        assert_each_cause_once(&Error::Read(deflate::ReadError::Io {
            path: PathBuf::from("staging/pkg/_core.so"),
            source: io_error(),
        }));
    }
}
