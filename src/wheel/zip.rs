//! A small zip container writer for entries that are already deflated
//! (compression happens in parallel elsewhere): local headers, central
//! directory, zip64 extra fields and end records.
//!
//! Each entry's local header is written before its data with the sizes known
//! up front, and the CRC and compressed size are patched in afterwards, so no
//! data descriptors are needed and a huge entry is never held in memory.

use std::io::{self, Seek, SeekFrom, Write};

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIR: u32 = 0x0605_4b50;
const ZIP64_END_OF_CENTRAL_DIR: u32 = 0x0606_4b50;
const ZIP64_END_LOCATOR: u32 = 0x0706_4b50;
const ZIP64_EXTRA: u16 = 0x0001;
const METHOD_DEFLATE: u16 = 8;
const FLAG_UTF8: u16 = 1 << 11;
const UNIX_HOST: u16 = 3 << 8;
const U32_MAX: u64 = 0xFFFF_FFFF;
/// Entries at least this large get zip64 sizes in their local header: deflate
/// can expand data slightly, so the compressed size may pass 4 GiB even when
/// the uncompressed size does not.
const ZIP64_ENTRY_THRESHOLD: u64 = 0xF000_0000;

/// Zip timestamps are MS-DOS local date and time; we write UTC.
#[derive(Debug, Clone, Copy)]
pub struct DosTime {
    time: u16,
    date: u16,
}

impl DosTime {
    /// Seconds since the Unix epoch, clamped to the range zip can hold
    /// (1980-01-01 to 2107-12-31).
    pub fn from_unix(seconds: u64) -> DosTime {
        const MIN: u64 = 315_532_800; // 1980-01-01T00:00:00Z
        const MAX: u64 = 4_354_819_198; // 2107-12-31T23:59:58Z
        let secs = seconds.clamp(MIN, MAX);
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        let time = ((rem / 3600) << 11) | (((rem % 3600) / 60) << 5) | ((rem % 60) / 2);
        let date = ((year - 1980) << 9) | (month << 5) | day;
        DosTime {
            time: time as u16,
            date: date as u16,
        }
    }
}

/// Days since 1970-01-01 to (year, month, day), Howard Hinnant's algorithm.
fn civil_from_days(days: i64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as u64, month as u64, day as u64)
}

struct CentralEntry {
    name: String,
    mode: u32,
    crc: u32,
    compressed: u64,
    uncompressed: u64,
    offset: u64,
    zip64_sizes: bool,
}

impl CentralEntry {
    fn flags(&self) -> u16 {
        if self.name.is_ascii() {
            0
        } else {
            FLAG_UTF8
        }
    }
}

/// The entry being written: where its header is, to patch it when done.
struct OpenEntry {
    entry: CentralEntry,
    header_offset: u64,
    written: u64,
}

pub struct ZipWriter<W: Write + Seek> {
    out: W,
    offset: u64,
    time: DosTime,
    entries: Vec<CentralEntry>,
    open: Option<OpenEntry>,
}

fn version_needed(zip64: bool) -> u16 {
    if zip64 {
        45
    } else {
        20
    }
}

fn sat32(value: u64) -> u32 {
    value.min(U32_MAX) as u32
}

impl<W: Write + Seek> ZipWriter<W> {
    pub fn new(out: W, time: DosTime) -> ZipWriter<W> {
        ZipWriter {
            out,
            offset: 0,
            time,
            entries: Vec::new(),
            open: None,
        }
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.offset += bytes.len() as u64;
        Ok(())
    }

    /// Starts a deflated entry of `uncompressed` bytes with Unix mode `mode`.
    pub fn start_entry(&mut self, name: &str, mode: u32, uncompressed: u64) -> io::Result<()> {
        debug_assert!(self.open.is_none(), "previous entry not finished");
        let zip64_sizes = uncompressed >= ZIP64_ENTRY_THRESHOLD;
        let entry = CentralEntry {
            name: name.to_string(),
            mode,
            crc: 0,
            compressed: 0,
            uncompressed,
            offset: self.offset,
            zip64_sizes,
        };
        let mut h = Vec::with_capacity(30 + name.len() + 20);
        h.extend_from_slice(&LOCAL_HEADER.to_le_bytes());
        h.extend_from_slice(&version_needed(zip64_sizes).to_le_bytes());
        h.extend_from_slice(&entry.flags().to_le_bytes());
        h.extend_from_slice(&METHOD_DEFLATE.to_le_bytes());
        h.extend_from_slice(&self.time.time.to_le_bytes());
        h.extend_from_slice(&self.time.date.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes()); // crc, patched later
        if zip64_sizes {
            h.extend_from_slice(&u32::MAX.to_le_bytes());
            h.extend_from_slice(&u32::MAX.to_le_bytes());
        } else {
            h.extend_from_slice(&0u32.to_le_bytes()); // compressed, patched later
            h.extend_from_slice(&(uncompressed as u32).to_le_bytes());
        }
        h.extend_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(&(if zip64_sizes { 20u16 } else { 0 }).to_le_bytes());
        h.extend_from_slice(name.as_bytes());
        if zip64_sizes {
            h.extend_from_slice(&ZIP64_EXTRA.to_le_bytes());
            h.extend_from_slice(&16u16.to_le_bytes());
            h.extend_from_slice(&uncompressed.to_le_bytes());
            h.extend_from_slice(&0u64.to_le_bytes()); // compressed, patched later
        }
        let header_offset = self.offset;
        self.put(&h)?;
        self.open = Some(OpenEntry {
            entry,
            header_offset,
            written: 0,
        });
        Ok(())
    }

    /// Appends deflated bytes of the open entry.
    pub fn write_data(&mut self, data: &[u8]) -> io::Result<()> {
        self.put(data)?;
        if let Some(open) = &mut self.open {
            open.written += data.len() as u64;
        }
        Ok(())
    }

    /// Ends the open entry: patches its CRC and compressed size.
    pub fn finish_entry(&mut self, crc: u32) -> io::Result<()> {
        let Some(OpenEntry {
            mut entry,
            header_offset,
            written,
        }) = self.open.take()
        else {
            return Err(io::Error::other("finish_entry without an open entry"));
        };
        if !entry.zip64_sizes && written >= U32_MAX {
            return Err(io::Error::other(format!(
                "{}: compressed data passed 4 GiB for a small entry",
                entry.name
            )));
        }
        entry.crc = crc;
        entry.compressed = written;
        self.out.seek(SeekFrom::Start(header_offset + 14))?;
        self.out.write_all(&crc.to_le_bytes())?;
        if entry.zip64_sizes {
            let extra_sizes = header_offset + 30 + entry.name.len() as u64 + 4;
            self.out.seek(SeekFrom::Start(extra_sizes + 8))?;
            self.out.write_all(&written.to_le_bytes())?;
        } else {
            self.out.write_all(&(written as u32).to_le_bytes())?;
        }
        self.out.seek(SeekFrom::Start(self.offset))?;
        self.entries.push(entry);
        Ok(())
    }

    /// Writes the central directory and end records; returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        let cd_start = self.offset;
        let entries = std::mem::take(&mut self.entries);
        for e in &entries {
            let big_offset = e.offset >= U32_MAX;
            let mut extra = Vec::new();
            if e.zip64_sizes {
                extra.extend_from_slice(&e.uncompressed.to_le_bytes());
                extra.extend_from_slice(&e.compressed.to_le_bytes());
            }
            if big_offset {
                extra.extend_from_slice(&e.offset.to_le_bytes());
            }
            let zip64 = e.zip64_sizes || big_offset;
            let version = version_needed(zip64);
            let mut h = Vec::with_capacity(46 + e.name.len() + 28);
            h.extend_from_slice(&CENTRAL_HEADER.to_le_bytes());
            h.extend_from_slice(&(UNIX_HOST | version).to_le_bytes());
            h.extend_from_slice(&version.to_le_bytes());
            h.extend_from_slice(&e.flags().to_le_bytes());
            h.extend_from_slice(&METHOD_DEFLATE.to_le_bytes());
            h.extend_from_slice(&self.time.time.to_le_bytes());
            h.extend_from_slice(&self.time.date.to_le_bytes());
            h.extend_from_slice(&e.crc.to_le_bytes());
            if e.zip64_sizes {
                h.extend_from_slice(&u32::MAX.to_le_bytes());
                h.extend_from_slice(&u32::MAX.to_le_bytes());
            } else {
                h.extend_from_slice(&(e.compressed as u32).to_le_bytes());
                h.extend_from_slice(&(e.uncompressed as u32).to_le_bytes());
            }
            h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            let extra_len = if extra.is_empty() { 0 } else { extra.len() + 4 };
            h.extend_from_slice(&(extra_len as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // comment
            h.extend_from_slice(&0u16.to_le_bytes()); // disk
            h.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
            h.extend_from_slice(&(e.mode << 16).to_le_bytes());
            h.extend_from_slice(&sat32(e.offset).to_le_bytes());
            h.extend_from_slice(e.name.as_bytes());
            if !extra.is_empty() {
                h.extend_from_slice(&ZIP64_EXTRA.to_le_bytes());
                h.extend_from_slice(&(extra.len() as u16).to_le_bytes());
                h.extend_from_slice(&extra);
            }
            self.put(&h)?;
        }
        let cd_size = self.offset - cd_start;
        let count = entries.len() as u64;
        let needs_zip64 = count >= 0xFFFF || cd_start >= U32_MAX || cd_size >= U32_MAX;
        let mut end = Vec::new();
        if needs_zip64 {
            let record_offset = self.offset;
            end.extend_from_slice(&ZIP64_END_OF_CENTRAL_DIR.to_le_bytes());
            end.extend_from_slice(&44u64.to_le_bytes()); // size of the rest
            end.extend_from_slice(&(UNIX_HOST | 45).to_le_bytes());
            end.extend_from_slice(&45u16.to_le_bytes());
            end.extend_from_slice(&0u32.to_le_bytes()); // this disk
            end.extend_from_slice(&0u32.to_le_bytes()); // central directory disk
            end.extend_from_slice(&count.to_le_bytes());
            end.extend_from_slice(&count.to_le_bytes());
            end.extend_from_slice(&cd_size.to_le_bytes());
            end.extend_from_slice(&cd_start.to_le_bytes());
            end.extend_from_slice(&ZIP64_END_LOCATOR.to_le_bytes());
            end.extend_from_slice(&0u32.to_le_bytes());
            end.extend_from_slice(&record_offset.to_le_bytes());
            end.extend_from_slice(&1u32.to_le_bytes()); // total disks
        }
        let count16 = count.min(0xFFFF) as u16;
        end.extend_from_slice(&END_OF_CENTRAL_DIR.to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes());
        end.extend_from_slice(&count16.to_le_bytes());
        end.extend_from_slice(&count16.to_le_bytes());
        end.extend_from_slice(&sat32(cd_size).to_le_bytes());
        end.extend_from_slice(&sat32(cd_start).to_le_bytes());
        end.extend_from_slice(&0u16.to_le_bytes()); // comment
        self.put(&end)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    use crate::wheel::deflate::{compressor, deflate_block};

    fn add(zip: &mut ZipWriter<Cursor<Vec<u8>>>, name: &str, mode: u32, data: &[u8]) {
        let mut crc = flate2::Crc::new();
        crc.update(data);
        zip.start_entry(name, mode, data.len() as u64).unwrap();
        zip.write_data(&deflate_block(&mut compressor(), data, true))
            .unwrap();
        zip.finish_entry(crc.sum()).unwrap();
    }

    #[test]
    fn dos_time_clamps_and_converts() {
        let t = DosTime::from_unix(0);
        // 1980-01-01 00:00:00: year offset 0, month 1, day 1.
        assert_eq!((t.date, t.time), ((1 << 5) | 1, 0));
        // 2024-02-29T13:45:30Z
        let t = DosTime::from_unix(1_709_214_330);
        assert_eq!(t.date, (44 << 9) | (2 << 5) | 29);
        assert_eq!(t.time, (13 << 11) | (45 << 5) | 15);
    }

    #[test]
    fn round_trips_through_the_zip_crate() {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()), DosTime::from_unix(0));
        add(&mut zip, "a/ü.txt", 0o100644, b"hello hello hello");
        add(&mut zip, "bin/tool", 0o100755, b"");
        let bytes = zip.finish().unwrap().into_inner();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 2);
        let mut text = String::new();
        archive
            .by_name("a/ü.txt")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "hello hello hello");
        assert_eq!(
            archive.by_name("bin/tool").unwrap().unix_mode(),
            Some(0o100755)
        );
    }

    #[test]
    fn zip64_sizes_for_an_entry_past_4_gib() {
        // 4 GiB + 1 MiB of zeros as identical 1 MiB sync-flushed blocks, the
        // way the packer splits large files, so the test writes only a few MiB.
        let block = vec![0u8; 1 << 20];
        let mut compress = compressor();
        let middle = deflate_block(&mut compress, &block, false);
        let last = deflate_block(&mut compress, &block, true);
        let blocks = 4 * 1024 + 1;
        let mut block_crc = flate2::Crc::new();
        block_crc.update(&block);
        let mut crc = flate2::Crc::new();
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()), DosTime::from_unix(0));
        add(&mut zip, "small.txt", 0o100644, b"before");
        zip.start_entry("huge.bin", 0o100644, (blocks as u64) << 20)
            .unwrap();
        for i in 0..blocks {
            zip.write_data(if i + 1 == blocks { &last } else { &middle })
                .unwrap();
            crc.combine(&block_crc);
        }
        zip.finish_entry(crc.sum()).unwrap();
        add(&mut zip, "after.txt", 0o100644, b"after");
        let bytes = zip.finish().unwrap().into_inner();

        let compressed = (middle.len() * (blocks - 1) + last.len()) as u64;
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut huge = archive.by_name("huge.bin").unwrap();
        assert_eq!(huge.size(), (blocks as u64) << 20);
        assert_eq!(huge.compressed_size(), compressed);
        assert_eq!(huge.crc32(), crc.sum());
        // Inflating all 4 GiB takes a minute in a debug build; the block
        // concatenation itself is tested in deflate.rs.
        let mut start = vec![0u8; 3 << 20];
        huge.read_exact(&mut start).unwrap();
        assert!(start.iter().all(|&b| b == 0));
        drop(huge);
        let mut text = String::new();
        archive
            .by_name("after.txt")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "after");
    }

    #[test]
    fn zip64_end_records_for_many_entries() {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()), DosTime::from_unix(0));
        let n = 70_000;
        let data = b"entry";
        let deflated = deflate_block(&mut compressor(), data, true);
        let mut crc = flate2::Crc::new();
        crc.update(data);
        for i in 0..n {
            zip.start_entry(&format!("f/{i}"), 0o100644, data.len() as u64)
                .unwrap();
            zip.write_data(&deflated).unwrap();
            zip.finish_entry(crc.sum()).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), n);
        let mut text = String::new();
        let mut last = archive.by_name("f/69999").unwrap();
        last.read_to_string(&mut text).unwrap();
        assert_eq!(text, "entry");
    }
}
