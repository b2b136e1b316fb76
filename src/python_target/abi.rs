//! Tag rules shared by native and cross resolution, following packaging's
//! `tags` module: interpreter names, ABI tags from SOABI, platform tags.

use super::Implementation;

/// Maps `sys.implementation.name` to its tag prefix (`cpython` -> `cp`).
pub fn implementation_from_name(name: &str) -> (Implementation, String) {
    match name {
        "cpython" => (Implementation::CPython, "cp".into()),
        "pypy" => (Implementation::PyPy, "pp".into()),
        "python" => (Implementation::Other, "py".into()),
        "ironpython" => (Implementation::Other, "ip".into()),
        "jython" => (Implementation::Other, "jy".into()),
        other => (Implementation::Other, other.into()),
    }
}

/// Maps a tag prefix (`cp`, `pp`) back to the implementation.
pub fn implementation_from_tag(tag: &str) -> Implementation {
    match tag {
        "cp" => Implementation::CPython,
        "pp" => Implementation::PyPy,
        _ => Implementation::Other,
    }
}

/// The SOABI inside an extension suffix: `.cpython-311-x86_64-linux-gnu.so`
/// holds `cpython-311-x86_64-linux-gnu`; `.pyd` holds none.
pub fn soabi_from_ext_suffix(ext_suffix: &str) -> Option<&str> {
    let inner = ext_suffix.strip_prefix('.')?;
    let (soabi, _extension) = inner.rsplit_once('.')?;
    (!soabi.is_empty()).then_some(soabi)
}

/// The ABI tag a SOABI stands for, as packaging's generic rule computes it:
/// `cpython-313t-...` -> `cp313t`, `cp311-win_amd64` -> `cp311`,
/// `pypy310-pp73-...` -> `pypy310_pp73`.
pub fn abi_tag_from_soabi(soabi: &str) -> Option<String> {
    let parts: Vec<&str> = soabi.split('-').collect();
    let abi = if soabi.starts_with("cpython") {
        format!("cp{}", parts.get(1)?)
    } else if soabi.starts_with("cp") {
        parts[0].to_owned()
    } else if soabi.starts_with("pypy") {
        parts.get(..2)?.join("-")
    } else if soabi.starts_with("graalpy") {
        parts.get(..3)?.join("-")
    } else if !soabi.is_empty() {
        soabi.to_owned()
    } else {
        return None;
    };
    Some(normalize_tag(&abi))
}

/// The flags a CPython ABI tag carries: (`t` free-threaded, `d` debug).
pub fn cpython_abi_flags(abi_tag: &str) -> (bool, bool) {
    let digits_end = abi_tag
        .strip_prefix("cp")
        .map(|rest| {
            2 + rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len())
        })
        .unwrap_or(abi_tag.len());
    let flags = &abi_tag[digits_end..];
    (flags.contains('t'), flags.contains('d'))
}

/// Lowercase, with `-` and `.` (and spaces) replaced by `_`: the form every
/// tag takes in a wheel name (`macosx-11.0-arm64` -> `macosx_11_0_arm64`).
pub fn normalize_tag(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '-' | '.' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The platform tag of `sysconfig.get_platform()`, corrected like packaging
/// does for a 32-bit interpreter on a 64-bit Linux kernel.
pub fn platform_tag(get_platform: &str, pointer_64bit: bool) -> String {
    let tag = normalize_tag(get_platform);
    if pointer_64bit {
        return tag;
    }
    match tag.as_str() {
        "linux_x86_64" => "linux_i686".into(),
        "linux_aarch64" => "linux_armv8l".into(),
        _ => tag,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abi_tags_follow_packaging() {
        let cases = [
            ("cpython-311-x86_64-linux-gnu", "cp311"),
            ("cpython-313t-aarch64-linux-gnu", "cp313t"),
            ("cpython-312d-x86_64-linux-gnu", "cp312d"),
            ("cp311-win_amd64", "cp311"),
            ("pypy310-pp73-x86_64-linux-gnu", "pypy310_pp73"),
            (
                "graalpy240-310-native-x86_64-linux",
                "graalpy240_310_native",
            ),
        ];
        for (soabi, abi) in cases {
            assert_eq!(abi_tag_from_soabi(soabi).as_deref(), Some(abi), "{soabi}");
        }
    }

    #[test]
    fn soabi_comes_from_the_middle_of_the_suffix() {
        assert_eq!(
            soabi_from_ext_suffix(".cpython-311-arm-linux-gnueabihf.so"),
            Some("cpython-311-arm-linux-gnueabihf")
        );
        assert_eq!(
            soabi_from_ext_suffix(".cp311-win_amd64.pyd"),
            Some("cp311-win_amd64")
        );
        assert_eq!(soabi_from_ext_suffix(".pyd"), None);
        assert_eq!(soabi_from_ext_suffix("cpython.so"), None);
    }

    #[test]
    fn cpython_flags() {
        assert_eq!(cpython_abi_flags("cp313t"), (true, false));
        assert_eq!(cpython_abi_flags("cp313td"), (true, true));
        assert_eq!(cpython_abi_flags("cp311"), (false, false));
        assert_eq!(cpython_abi_flags("cp37dm"), (false, true));
    }

    #[test]
    fn platform_tags() {
        assert_eq!(platform_tag("macosx-11.0-arm64", true), "macosx_11_0_arm64");
        assert_eq!(platform_tag("win-amd64", true), "win_amd64");
        assert_eq!(platform_tag("linux-x86_64", false), "linux_i686");
        assert_eq!(platform_tag("linux-aarch64", true), "linux_aarch64");
    }
}
