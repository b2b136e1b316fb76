//! Parallel deflate: every input is cut into fixed-size blocks, the blocks
//! are compressed on worker threads, and the results are handed back in
//! order. Each block is raw deflate that ends in a sync flush (the last one
//! of an input ends the stream), so an input's blocks concatenate into one
//! valid deflate stream. Block size and level are fixed, never derived from
//! the thread count, so the output is the same for any `--jobs`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use flate2::{Compress, Compression, FlushCompress, Status};

/// Deflate level: pinned, like the backend (zlib-rs), for reproducible output.
pub const LEVEL: u32 = 6;
/// Large enough that the sync flush markers cost nothing measurable, small
/// enough that one big shared library keeps every core busy.
pub const BLOCK_SIZE: u64 = 1 << 20;

/// Where an input's bytes come from.
pub enum Source {
    File(PathBuf),
    Bytes(Vec<u8>),
}

pub struct Input {
    pub source: Source,
    /// The size the input had when it was listed; a file that changes size
    /// while packing is an error, not a silently wrong RECORD.
    pub size: u64,
}

/// One compressed block, handed to the sink in input order.
pub struct Block<'a> {
    pub input: usize,
    pub first: bool,
    pub last: bool,
    pub raw: &'a [u8],
    pub deflated: &'a [u8],
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{0} changed size while it was being packed")]
    Changed(PathBuf),
}

#[derive(Clone, Copy)]
struct Task {
    input: usize,
    offset: u64,
    len: u64,
    first: bool,
    last: bool,
}

fn tasks(inputs: &[Input]) -> Vec<Task> {
    let mut out = Vec::new();
    for (input, item) in inputs.iter().enumerate() {
        let mut offset = 0;
        loop {
            let len = (item.size - offset).min(BLOCK_SIZE);
            let last = offset + len == item.size;
            out.push(Task {
                input,
                offset,
                len,
                first: offset == 0,
                last,
            });
            if last {
                break;
            }
            offset += len;
        }
    }
    out
}

fn read_block(input: &Input, task: &Task) -> Result<Vec<u8>, ReadError> {
    let path = match &input.source {
        Source::Bytes(bytes) => {
            let start = task.offset as usize;
            return Ok(bytes[start..start + task.len as usize].to_vec());
        }
        Source::File(path) => path,
    };
    let io_err = |source| ReadError::Io {
        path: path.clone(),
        source,
    };
    let mut file = File::open(path).map_err(io_err)?;
    file.seek(SeekFrom::Start(task.offset)).map_err(io_err)?;
    let mut buf = Vec::with_capacity(task.len as usize + 1);
    // One byte more than expected tells a grown file from an unchanged one.
    file.take(task.len + u64::from(task.last))
        .read_to_end(&mut buf)
        .map_err(io_err)?;
    if buf.len() as u64 != task.len {
        return Err(ReadError::Changed(path.clone()));
    }
    Ok(buf)
}

/// A raw deflate compressor at the pinned level.
pub fn compressor() -> Compress {
    Compress::new(Compression::new(LEVEL), false)
}

/// Raw deflate of one block: `last` ends the stream, otherwise the block
/// ends in a sync flush so that the next block's data can follow it.
/// `compress` is reset first; reusing one per thread saves allocating and
/// clearing its tables for every small file.
pub fn deflate_block(compress: &mut Compress, data: &[u8], last: bool) -> Vec<u8> {
    compress.reset();
    let mut out = Vec::with_capacity(data.len() + data.len() / 1000 + 64);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    loop {
        if out.len() == out.capacity() {
            out.reserve(out.capacity().max(64));
        }
        let consumed = compress.total_in() as usize;
        let status = compress
            .compress_vec(&data[consumed..], &mut out, flush)
            // Compressing into a growing Vec cannot fail: this is a bug.
            .unwrap_or_else(|e| panic!("deflate failed: {e}"));
        let all_in = compress.total_in() as usize == data.len();
        match status {
            Status::StreamEnd => break,
            // A flush is complete once zlib leaves output space unused.
            _ if !last && all_in && out.len() < out.capacity() => break,
            _ => {}
        }
    }
    out
}

/// Compresses `inputs` on `jobs` threads and calls `sink` with each block, in
/// input order and block order. Stops at the first error (the sink's, or a
/// read error converted with `From`).
pub fn compress_all<E, F>(inputs: &[Input], jobs: usize, mut sink: F) -> Result<(), E>
where
    E: From<ReadError> + Send,
    F: FnMut(Block<'_>) -> Result<(), E>,
{
    let tasks = tasks(inputs);
    // Blocks in flight ahead of the sink: bounds memory to a few MiB per job.
    let window = jobs * 4;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let consumed = Mutex::new(0usize);
    let progressed = Condvar::new();
    type Done = (usize, Result<(Vec<u8>, Vec<u8>), ReadError>);
    let (send, receive) = mpsc::channel::<Done>();

    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let send = send.clone();
            let (tasks, next, stop, consumed, progressed) =
                (&tasks, &next, &stop, &consumed, &progressed);
            scope.spawn(move || {
                let mut compress = compressor();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= tasks.len() {
                        return;
                    }
                    {
                        let mut done = consumed.lock().unwrap_or_else(|p| p.into_inner());
                        while index >= *done + window && !stop.load(Ordering::Relaxed) {
                            done = progressed.wait(done).unwrap_or_else(|p| p.into_inner());
                        }
                    }
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let task = tasks[index];
                    let result = read_block(&inputs[task.input], &task).map(|raw| {
                        let deflated = deflate_block(&mut compress, &raw, task.last);
                        (raw, deflated)
                    });
                    if send.send((index, result)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(send);

        let mut pending = BTreeMap::new();
        let mut emitted = 0;
        let result = (|| {
            while emitted < tasks.len() {
                let Some((raw, deflated)) = pending.remove(&emitted) else {
                    match receive.recv() {
                        Ok((index, block)) => {
                            pending.insert(index, block?);
                            continue;
                        }
                        // Only when a worker panicked: the scope re-raises
                        // that panic, so this partial result is never used.
                        Err(_) => break,
                    }
                };
                let task = &tasks[emitted];
                sink(Block {
                    input: task.input,
                    first: task.first,
                    last: task.last,
                    raw: &raw,
                    deflated: &deflated,
                })?;
                emitted += 1;
                *consumed.lock().unwrap_or_else(|p| p.into_inner()) = emitted;
                progressed.notify_all();
            }
            Ok(())
        })();
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
            progressed.notify_all();
        }
        drop(receive);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn inflate(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(data)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    fn pseudo_random(len: usize) -> Vec<u8> {
        let mut x: u32 = 12345;
        (0..len)
            .map(|i| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                if i % 3 == 0 {
                    b'a'
                } else {
                    (x >> 24) as u8
                }
            })
            .collect()
    }

    fn pack(inputs: &[Input], jobs: usize) -> Vec<(usize, Vec<u8>, u32)> {
        let mut out: Vec<(usize, Vec<u8>, flate2::Crc)> = Vec::new();
        compress_all::<ReadError, _>(inputs, jobs, |b| {
            if b.first {
                out.push((b.input, Vec::new(), flate2::Crc::new()));
            }
            let entry = out.last_mut().unwrap();
            entry.1.extend_from_slice(b.deflated);
            entry.2.update(b.raw);
            Ok(())
        })
        .unwrap();
        out.into_iter().map(|(i, d, c)| (i, d, c.sum())).collect()
    }

    #[test]
    fn blocks_concatenate_and_do_not_depend_on_jobs() {
        let big = pseudo_random(BLOCK_SIZE as usize * 3 + 17);
        let exact = pseudo_random(BLOCK_SIZE as usize * 2);
        let inputs = vec![
            Input {
                size: 0,
                source: Source::Bytes(Vec::new()),
            },
            Input {
                size: big.len() as u64,
                source: Source::Bytes(big.clone()),
            },
            Input {
                size: exact.len() as u64,
                source: Source::Bytes(exact.clone()),
            },
            Input {
                size: 5,
                source: Source::Bytes(b"hello".to_vec()),
            },
        ];
        let one = pack(&inputs, 1);
        // Also a block compressed on its own, with a fresh compressor.
        assert_eq!(inflate(&deflate_block(&mut compressor(), &big, true)), big);
        let three = pack(&inputs, 3);
        assert_eq!(one, three);
        assert_eq!(one.len(), 4);
        assert_eq!(inflate(&one[0].1), b"");
        assert_eq!(inflate(&one[1].1), big);
        assert_eq!(inflate(&one[2].1), exact);
        assert_eq!(inflate(&one[3].1), b"hello");
        let mut crc = flate2::Crc::new();
        crc.update(&big);
        assert_eq!(one[1].2, crc.sum());
    }

    #[test]
    fn changed_and_missing_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        let listed = |size| {
            vec![Input {
                size,
                source: Source::File(path.clone()),
            }]
        };
        let result = compress_all::<ReadError, _>(&listed(4), 2, |_| Ok(()));
        assert!(matches!(result, Err(ReadError::Changed(_))));
        let result = compress_all::<ReadError, _>(&listed(6), 2, |_| Ok(()));
        assert!(matches!(result, Err(ReadError::Changed(_))));
        std::fs::remove_file(&path).unwrap();
        let result = compress_all::<ReadError, _>(&listed(5), 2, |_| Ok(()));
        assert!(matches!(result, Err(ReadError::Io { .. })));
    }
}
