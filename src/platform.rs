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

    /// The name of its configuration section, which is also its serde name
    /// (`cross.os`; a test keeps the two equal).
    pub fn section_name(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::Windows => "windows",
            Os::Mac => "mac",
        }
    }

    /// The OS a wheel platform tag names (`manylinux_2_17_x86_64` -> Linux).
    pub fn of_platform_tag(platform_tag: &str) -> Option<Os> {
        let linux = ["linux", "manylinux", "musllinux"];
        if linux.iter().any(|p| platform_tag.starts_with(p)) {
            Some(Os::Linux)
        } else if platform_tag.starts_with("win") {
            Some(Os::Windows)
        } else if platform_tag.starts_with("macosx") {
            Some(Os::Mac)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_names_are_the_serde_names() {
        for os in [Os::Linux, Os::Windows, Os::Mac] {
            let serde_name = serde_json::to_value(os).expect("a unit variant serializes");
            assert_eq!(serde_name, os.section_name());
        }
    }

    #[test]
    fn platform_tags_name_their_os() {
        assert_eq!(
            Os::of_platform_tag("musllinux_1_2_aarch64"),
            Some(Os::Linux)
        );
        assert_eq!(Os::of_platform_tag("win_amd64"), Some(Os::Windows));
        assert_eq!(Os::of_platform_tag("macosx_11_0_arm64"), Some(Os::Mac));
        assert_eq!(Os::of_platform_tag("any"), None);
    }
}
