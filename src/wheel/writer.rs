//! The wheel as an `ArchiveWriter`: `WheelWriter` collects the entries,
//! then compresses them in parallel into a zip with `.dist-info` last and
//! RECORD last of all, written atomically into the output directory.

use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::deflate::{self, Input, Source};
use super::record;
use super::zip::{DosTime, ZipWriter};
use super::Error;
use crate::archive::{self, ArchiveWriter, Content, Entries, Entry};
use crate::fs_atomic::AtomicFile;

pub struct WheelWriter {
    dist_info: String,
    entries: Entries,
}

impl WheelWriter {
    pub fn new(dist_info: String) -> WheelWriter {
        WheelWriter {
            dist_info,
            entries: Entries::default(),
        }
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
        // A killed earlier pack's temp files go; this one's is removed on
        // an error or a signal: no half-written `.whl` is ever left.
        crate::temp_files::sweep_stale(out_dir);
        let target = out_dir.join(file_name);
        let temp = AtomicFile::create(&target).map_err(|source| Error::OutDir {
            path: out_dir.to_path_buf(),
            source,
        })?;
        let write_error = |source| Error::Io {
            context: format!("cannot write {}", temp.temp_path().display()),
            source,
        };
        let file = temp.file().try_clone().map_err(write_error)?;
        let mut zip = ZipWriter::new(BufWriter::with_capacity(1 << 20, file), time);

        // `.dist-info` last, as the wheel spec recommends.
        let dist_info_dir = format!("{}/", self.dist_info);
        let mut entries: Vec<Entry> = self.entries.into_sorted().collect();
        entries.sort_by_key(|e| e.path.starts_with(&dist_info_dir));
        let mut names = Vec::new();
        let mut inputs = Vec::new();
        let mut modes = Vec::new();
        for entry in entries {
            let (source, size) = match entry.content {
                Content::File(path) => {
                    let size = fs::metadata(&path)
                        .map_err(|source| deflate::ReadError::Io {
                            path: path.clone(),
                            source,
                        })?
                        .len();
                    (Source::File(path), size)
                }
                Content::Bytes(data) => {
                    let size = data.len() as u64;
                    (Source::Bytes(data), size)
                }
                // `add` refuses them.
                Content::Symlink(_) => continue,
            };
            names.push(entry.path);
            inputs.push(Input { source, size });
            modes.push(entry.mode);
        }

        let mut record = String::new();
        let mut sha = Sha256::new();
        let mut crc = flate2::Crc::new();
        deflate::compress_all::<Error, _>(&inputs, jobs, |block| {
            let name = &names[block.input];
            if block.first {
                let mode = 0o100000 | modes[block.input].bits();
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
        let temp_path = temp.temp_path().to_path_buf();
        temp.persist().map_err(|source| Error::Io {
            context: format!(
                "cannot rename {} to {}",
                temp_path.display(),
                target.display()
            ),
            source,
        })?;
        Ok(target)
    }
}

impl ArchiveWriter for WheelWriter {
    /// Wheels hold no symlinks (installers would not recreate them): the
    /// staging walk dereferences them.
    fn add(&mut self, entry: Entry) -> Result<(), archive::Error> {
        if matches!(entry.content, Content::Symlink(_)) {
            return Err(archive::Error::SymlinkUnsupported {
                path: entry.path,
                format: "wheel",
            });
        }
        self.entries.insert(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn writes_sorted_entries_with_record_last() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WheelWriter::new("p-1.dist-info".into());
        w.add(Entry::bytes(
            "p-1.dist-info/METADATA".into(),
            b"Name: p\n".to_vec(),
        ))
        .unwrap();
        w.add(Entry::bytes("z.py".into(), b"z = 1\n".to_vec()))
            .unwrap();
        w.add(Entry::bytes("a.py".into(), b"a = 1\n".to_vec()))
            .unwrap();
        assert!(matches!(
            w.add(Entry::bytes("a.py".into(), Vec::new())),
            Err(archive::Error::Duplicate(_))
        ));
        assert!(matches!(
            w.add(Entry {
                path: "link.py".into(),
                content: Content::Symlink("a.py".into()),
                mode: archive::Mode::Regular,
            }),
            Err(archive::Error::SymlinkUnsupported { .. })
        ));
        let path = w
            .finish(dir.path(), "p-1-py3-none-any.whl", 2, DosTime::from_unix(0))
            .unwrap();
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
        let mut archive = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
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
