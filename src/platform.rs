//! Operating system names shared by the configuration (its `linux`, `windows`,
//! `mac` sections) and the target Python (platform tags).

use serde::{Deserialize, Serialize};

/// The operating system whose section (`linux`, `windows`, `mac`) applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Linux,
    Windows,
    Mac,
}

impl Os {
    /// The OS this program runs on (its section applies to native builds).
    pub fn host() -> Os {
        if cfg!(windows) {
            Os::Windows
        } else if cfg!(target_os = "macos") {
            Os::Mac
        } else {
            Os::Linux
        }
    }
}
