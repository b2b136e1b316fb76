//! The temp files this process is writing: their names, removed when SIGINT, SIGTERM or
//! SIGHUP stops it (Drop does not run then), and the sweep of those that a
//! killed process (SIGKILL, power loss) left behind.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

static LIVE: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Starts the thread that, on SIGINT, SIGTERM or SIGHUP, removes every
/// registered temp file and then dies of the signal as if unhandled, so the
/// build tool sees an interrupted step.
pub fn remove_on_signal() -> std::io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // Held until the process ends: no new temp file is renamed or
            // registered meanwhile.
            let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
            for path in live.iter() {
                let _ = std::fs::remove_file(path);
            }
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    });
    Ok(())
}

/// A name no other writer uses at the same time: the process id keeps
/// concurrent processes apart, the counter concurrent threads. The name is
/// `.<file name>.<pid>-<counter>.tmp`.
pub fn temp_sibling(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(
        ".{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    path.with_file_name(name)
}

/// The process id in a name [`temp_sibling`] made, else None.
pub fn temp_owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (stem, numbers) = rest.rsplit_once('.')?;
    let (pid, counter) = numbers.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if stem.is_empty() || !digits(pid) || !digits(counter) {
        return None;
    }
    pid.parse().ok()
}

/// A temp file being written: registered until dropped or persisted, and
/// removed when dropped unpersisted (an error on the way), so no caller
/// cleans up on its own.
pub struct Registration {
    path: PathBuf,
    persisted: bool,
}

pub fn register(path: &Path) -> Registration {
    lock().insert(path.to_path_buf());
    Registration {
        path: path.to_path_buf(),
        persisted: false,
    }
}

impl Registration {
    /// The temp file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the file to `target` while no signal can remove it.
    pub fn persist(mut self, target: &Path) -> std::io::Result<()> {
        let mut live = lock();
        std::fs::rename(&self.path, target)?;
        live.remove(&self.path);
        self.persisted = true;
        Ok(())
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if !self.persisted {
            // Best effort: the name is hidden and ends in .tmp either way.
            let _ = std::fs::remove_file(&self.path);
        }
        lock().remove(&self.path);
    }
}

fn lock() -> std::sync::MutexGuard<'static, BTreeSet<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes from `dir` the temp files of [`temp_sibling`]
/// whose writing process is gone. Best effort: a file that cannot be
/// listed or removed stays for the next sweep.
pub fn sweep_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_owner) else {
            continue;
        };
        if !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // Signal 0 checks existence only; EPERM means it exists as another user.
    // SAFETY: kill with signal 0 sends nothing.
    let sent = unsafe { libc::kill(pid, 0) };
    sent == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    // Without a cheap check, never remove another process's file.
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_removes_only_temp_files_of_dead_processes() {
        let dir = tempfile::tempdir().unwrap();
        let wheel = dir.path().join("a-1-py3-none-any.whl");
        let mine = temp_sibling(&wheel);
        // A pid above the kernel's maximum (4194304) is never alive.
        let dead = dir.path().join(".a-1-py3-none-any.whl.999999999-0.tmp");
        let unrelated = dir.path().join(".notes.tmp");
        for path in [&wheel, &mine, &dead, &unrelated] {
            std::fs::write(path, "").unwrap();
        }
        sweep_stale(dir.path());
        assert!(wheel.exists() && mine.exists() && unrelated.exists());
        assert!(!dead.exists());
    }

    #[test]
    fn temp_owner_reads_only_temp_sibling_names() {
        let temp = temp_sibling(Path::new("/d/a-1.whl"));
        let name = temp.file_name().unwrap().to_str().unwrap();
        assert_eq!(temp_owner(name), Some(std::process::id()));
        for other in [
            "a-1.whl",
            ".a-1.whl.tmp",
            ".a.12-x.tmp",
            "..12-3.tmp",
            "a.12-3.tmp",
        ] {
            assert_eq!(temp_owner(other), None, "{other}");
        }
    }

    #[test]
    fn persisted_and_dropped_files_are_unregistered() {
        let dir = tempfile::tempdir().unwrap();
        let temp = dir.path().join(".x.tmp");
        std::fs::write(&temp, "").unwrap();
        let registration = register(&temp);
        assert!(lock().contains(&temp));
        registration.persist(&dir.path().join("x")).unwrap();
        assert!(!lock().contains(&temp));
        assert!(dir.path().join("x").is_file());
        std::fs::write(&temp, "").unwrap();
        drop(register(&temp));
        assert!(!lock().contains(&temp));
        assert!(!temp.exists(), "a dropped temp file is removed");
    }
}
