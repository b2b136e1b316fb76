//! Where packed files go: a `ModuleWriter` puts a file at an archive path.
//! `WheelWriter` collects the files, then compresses them in parallel into a
//! zip with RECORD last, written atomically into the output directory.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::deflate::{self, Input, Source};
use super::record;
use super::zip::{DosTime, ZipWriter};
use super::Error;

/// "Put this file at this archive path": the walk over the staged tree and
/// the generated `.dist-info` files talk to a destination only through this.
pub trait ModuleWriter {
    fn add_file(
        &mut self,
        target: &str,
        source: &Path,
        size: u64,
        executable: bool,
    ) -> Result<(), Error>;
    fn add_bytes(&mut self, target: &str, data: Vec<u8>) -> Result<(), Error>;
}

struct Entry {
    input: Input,
    executable: bool,
}

pub struct WheelWriter {
    dist_info: String,
    /// Keyed by (is in .dist-info, path): the order the archive gets, with
    /// `.dist-info` last as the wheel spec recommends.
    entries: BTreeMap<(bool, String), Entry>,
}

/// Refuses archive paths an installer could write outside its target.
fn check_archive_path(target: &str) -> Result<(), Error> {
    let reason = if target.starts_with('/') {
        "it is absolute"
    } else if target.contains('\\') {
        "it contains a backslash"
    } else if target
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        "it has an empty, '.' or '..' component"
    } else {
        return Ok(());
    };
    Err(Error::BadArchivePath {
        path: target.to_string(),
        reason: reason.into(),
    })
}

impl WheelWriter {
    pub fn new(dist_info: String) -> WheelWriter {
        WheelWriter {
            dist_info,
            entries: BTreeMap::new(),
        }
    }

    fn add(&mut self, target: &str, input: Input, executable: bool) -> Result<(), Error> {
        check_archive_path(target)?;
        let in_dist_info = target
            .strip_prefix(&self.dist_info)
            .is_some_and(|rest| rest.starts_with('/'));
        let key = (in_dist_info, target.to_string());
        if self.entries.contains_key(&key) {
            return Err(Error::Duplicate(target.to_string()));
        }
        self.entries.insert(key, Entry { input, executable });
        Ok(())
    }

    /// Compresses every entry on `jobs` threads and writes
    /// `<out_dir>/<file_name>` atomically; returns its path.
    pub fn finish(
        self,
        out_dir: &Path,
        file_name: &str,
        jobs: usize,
        time: DosTime,
    ) -> Result<PathBuf, Error> {
        fs::create_dir_all(out_dir).map_err(|source| Error::OutDir {
            path: out_dir.to_path_buf(),
            source,
        })?;
        let temp = TempFile::create(out_dir, file_name)?;
        let write_error = |source| Error::Io {
            context: format!("cannot write {}", temp.path.display()),
            source,
        };
        let file = temp.file.try_clone().map_err(write_error)?;
        let mut zip = ZipWriter::new(BufWriter::with_capacity(1 << 20, file), time);

        let (names, entries): (Vec<_>, Vec<_>) = self
            .entries
            .into_iter()
            .map(|((_, name), entry)| (name, entry))
            .unzip();
        let (inputs, executables): (Vec<Input>, Vec<bool>) =
            entries.into_iter().map(|e| (e.input, e.executable)).unzip();

        let mut record = String::new();
        let mut sha = Sha256::new();
        let mut crc = flate2::Crc::new();
        deflate::compress_all::<Error, _>(&inputs, jobs, |block| {
            let name = &names[block.input];
            if block.first {
                let mode = if executables[block.input] {
                    0o100755
                } else {
                    0o100644
                };
                zip.start_entry(name, mode, inputs[block.input].size)
                    .map_err(write_error)?;
                sha = Sha256::new();
                crc.reset();
            }
            sha.update(block.raw);
            crc.update(block.raw);
            zip.write_data(block.deflated).map_err(write_error)?;
            if block.last {
                zip.finish_entry(crc.sum()).map_err(write_error)?;
                let digest = std::mem::take(&mut sha).finalize();
                record.push_str(&record::row(name, &digest, inputs[block.input].size));
            }
            Ok(())
        })?;

        let record_path = format!("{}/RECORD", self.dist_info);
        record.push_str(&record::own_row(&record_path));
        let mut record_crc = flate2::Crc::new();
        record_crc.update(record.as_bytes());
        zip.start_entry(&record_path, 0o100644, record.len() as u64)
            .map_err(write_error)?;
        zip.write_data(&deflate::deflate_block(
            &mut deflate::compressor(),
            record.as_bytes(),
            true,
        ))
        .map_err(write_error)?;
        zip.finish_entry(record_crc.sum()).map_err(write_error)?;
        zip.finish()
            .and_then(|out| out.into_inner().map_err(|e| e.into_error()))
            .map_err(write_error)?;
        temp.persist(&out_dir.join(file_name))
    }
}

impl WheelWriter {
    /// `add_bytes` for bytes that replace a file, keeping its executable bit.
    pub fn add_bytes_with_mode(
        &mut self,
        target: &str,
        data: Vec<u8>,
        executable: bool,
    ) -> Result<(), Error> {
        let input = Input {
            size: data.len() as u64,
            source: Source::Bytes(data),
        };
        self.add(target, input, executable)
    }
}

impl ModuleWriter for WheelWriter {
    fn add_file(
        &mut self,
        target: &str,
        source: &Path,
        size: u64,
        executable: bool,
    ) -> Result<(), Error> {
        let input = Input {
            source: Source::File(source.to_path_buf()),
            size,
        };
        self.add(target, input, executable)
    }

    fn add_bytes(&mut self, target: &str, data: Vec<u8>) -> Result<(), Error> {
        self.add_bytes_with_mode(target, data, false)
    }
}

/// A hidden file next to the final wheel, removed unless persisted: a failed
/// or interrupted pack never leaves a `.whl` behind, and concurrent packs
/// into the same directory each get their own.
struct TempFile {
    path: PathBuf,
    file: File,
    /// Until persisted: a signal removes the file, Drop does otherwise.
    registration: Option<crate::temp_files::Registration>,
}

impl TempFile {
    fn create(dir: &Path, file_name: &str) -> Result<TempFile, Error> {
        crate::temp_files::sweep_stale(dir);
        let path = crate::fs_atomic::temp_sibling(&dir.join(file_name));
        // Registered before it exists, so no signal can leave it behind.
        let registration = crate::temp_files::register(&path);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|source| Error::OutDir {
                path: dir.to_path_buf(),
                source,
            })?;
        Ok(TempFile {
            path,
            file,
            registration: Some(registration),
        })
    }

    fn persist(mut self, target: &Path) -> Result<PathBuf, Error> {
        let registration = self.registration.take().expect("persisted once");
        registration.persist(target).map_err(|source| Error::Io {
            context: format!(
                "cannot rename {} to {}",
                self.path.display(),
                target.display()
            ),
            source,
        })?;
        Ok(target.to_path_buf())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.registration.is_some() {
            // Best effort: the file is hidden and not named .whl either way.
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn archive_paths_are_checked() {
        for bad in ["/abs", "a/../b", "a//b", "./a", "a\\b", ""] {
            assert!(check_archive_path(bad).is_err(), "{bad}");
        }
        check_archive_path("pkg/mod.py").unwrap();
    }

    #[test]
    fn writes_sorted_entries_with_record_last() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WheelWriter::new("p-1.dist-info".into());
        w.add_bytes("p-1.dist-info/METADATA", b"Name: p\n".to_vec())
            .unwrap();
        w.add_bytes("z.py", b"z = 1\n".to_vec()).unwrap();
        w.add_bytes("a.py", b"a = 1\n".to_vec()).unwrap();
        assert!(matches!(
            w.add_bytes("a.py", Vec::new()),
            Err(Error::Duplicate(_))
        ));
        let path = w
            .finish(dir.path(), "p-1-py3-none-any.whl", 2, DosTime::from_unix(0))
            .unwrap();
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
        let mut archive = zip::ZipArchive::new(File::open(path).unwrap()).unwrap();
        let names: Vec<_> = archive.file_names().map(str::to_string).collect();
        let mut ordered = names.clone();
        ordered.sort_by_key(|n| archive.index_for_name(n));
        assert_eq!(
            ordered,
            [
                "a.py",
                "z.py",
                "p-1.dist-info/METADATA",
                "p-1.dist-info/RECORD"
            ]
        );
        let mut record = String::new();
        archive
            .by_name("p-1.dist-info/RECORD")
            .unwrap()
            .read_to_string(&mut record)
            .unwrap();
        assert!(record.starts_with("a.py,sha256="), "{record}");
        assert!(record.ends_with("p-1.dist-info/RECORD,,\n"), "{record}");
    }
}
