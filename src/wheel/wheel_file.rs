//! The WHEEL file of a wheel's .dist-info.

use std::fmt::Write;

use crate::tags::WheelTags;

/// The WHEEL file.
pub fn render_wheel(tags: &WheelTags, root_is_purelib: bool) -> String {
    let mut out = format!(
        "Wheel-Version: 1.0\nGenerator: py-build-cmake {}\nRoot-Is-Purelib: {root_is_purelib}\n",
        env!("CARGO_PKG_VERSION")
    );
    for tag in tags.expanded() {
        let _ = writeln!(out, "Tag: {tag}");
    }
    if let Some(build) = &tags.build {
        let _ = writeln!(out, "Build: {build}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_each_tag_and_the_build() {
        let tags = WheelTags {
            python: vec!["cp311".into()],
            abi: vec!["cp311".into()],
            platform: vec!["a".into(), "b".into()],
            build: Some("3".into()),
        };
        let wheel = render_wheel(&tags, false);
        assert!(wheel.ends_with(
            "Root-Is-Purelib: false\nTag: cp311-cp311-a\nTag: cp311-cp311-b\nBuild: 3\n"
        ));
    }
}
