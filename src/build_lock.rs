//! One builder per build tree: the driver (`py-build-cmake build`, the
//! backend's builds) holds this lock from the configure until the wheel is
//! copied out, and the editable build hook (src/editable/build_hook.py)
//! takes the same file, so two builds of one persistent tree never mix
//! their configures, builds and wheels.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// The lock file in a build tree; build_hook.py names it too.
pub const FILE_NAME: &str = "py-build-cmake-editable.lock";

/// Held until dropped (closing the file releases the lock).
pub struct TreeLock {
    _file: File,
}

/// Locks the build tree `build_dir` (created when missing), waiting for
/// another holder; `waiting` is called once when it has to wait.
pub fn lock(build_dir: &Path, waiting: impl FnOnce(&Path)) -> io::Result<TreeLock> {
    std::fs::create_dir_all(build_dir)?;
    let path: PathBuf = build_dir.join(FILE_NAME);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(&path)?;
    if !try_lock(&file)? {
        waiting(&path);
        wait_lock(&file)?;
    }
    Ok(TreeLock { _file: file })
}

#[cfg(unix)]
fn try_lock(file: &File) -> io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    loop {
        // SAFETY: flock on a descriptor this File owns.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return Ok(true);
        }
        let error = io::Error::last_os_error();
        match error.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EWOULDBLOCK) => return Ok(false),
            _ => return Err(error),
        }
    }
}

#[cfg(unix)]
fn wait_lock(file: &File) -> io::Result<()> {
    use std::os::unix::io::AsRawFd;
    loop {
        // SAFETY: as above.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
            return Ok(());
        }
        let error = io::Error::last_os_error();
        if error.raw_os_error() != Some(libc::EINTR) {
            return Err(error);
        }
    }
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> io::Result<bool> {
    Ok(true)
}

#[cfg(not(unix))]
fn wait_lock(_file: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("build");
        let first = lock(&tree, |_| panic!("nothing holds it yet")).unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        let tree2 = tree.clone();
        let second = std::thread::spawn(move || {
            let mut waited = false;
            let _held = lock(&tree2, |_| waited = true).unwrap();
            sender.send(waited).unwrap();
        });
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(receiver.try_recv().is_err(), "taken while held");
        drop(first);
        assert!(receiver.recv().unwrap(), "it waited");
        second.join().unwrap();
    }
}
