//! PEP 508 requirements as METADATA spells them: the canonical form that
//! py-build-cmake 0.5 writes (through `packaging`): no spaces inside the
//! version specifiers, specifiers and extras sorted, markers re-spaced with
//! double-quoted values and redundant parentheses dropped. It formats
//! what `project::pep508` parsed, so the two cannot read a requirement
//! differently.

use crate::project::pep508::{self, Marker, MarkerValue, Requirement, Version};

/// The canonical spelling of `requirement`, or the text unchanged when it
/// does not parse (the loader reports invalid requirements).
pub fn normalize(requirement: &str) -> String {
    match pep508::parse(requirement) {
        Ok(parsed) => {
            let mut out = head(&parsed);
            if let Some(marker) = &parsed.marker {
                out += separator(&parsed);
                out += &format_marker(marker, true);
            }
            out
        }
        Err(_) => requirement.trim().to_owned(),
    }
}

/// `requirement` with `extra == "<extra>"` added to its marker.
pub fn with_extra(requirement: &str, extra: &str) -> String {
    let extra_marker = format!("extra == \"{extra}\"");
    match pep508::parse(requirement) {
        Ok(parsed) => {
            let marker = match &parsed.marker {
                Some(marker) => format!("{} and {extra_marker}", format_marker(marker, false)),
                None => extra_marker,
            };
            format!("{}{}{marker}", head(&parsed), separator(&parsed))
        }
        Err(_) => format!("{}; {extra_marker}", requirement.trim()),
    }
}

/// Name, sorted extras, and the URL or the sorted specifiers without blanks.
fn head(requirement: &Requirement<'_>) -> String {
    let mut out = requirement.name.to_owned();
    let mut extras = requirement.extras.clone();
    extras.sort_unstable();
    extras.dedup();
    if !extras.is_empty() {
        out += &format!("[{}]", extras.join(","));
    }
    match &requirement.version {
        Version::Url(url) => out += &format!(" @ {url}"),
        Version::Specifiers(specifiers) => {
            let mut specifiers: Vec<String> = specifiers
                .iter()
                .map(|s| s.split_whitespace().collect())
                .collect();
            specifiers.sort_unstable();
            out += &specifiers.join(",");
        }
    }
    out
}

/// A `;` right after a URL would be read as part of it.
fn separator(requirement: &Requirement<'_>) -> &'static str {
    match requirement.version {
        Version::Url(_) => " ; ",
        Version::Specifiers(_) => "; ",
    }
}

/// A group of one item loses its parentheses; others keep them except at
/// the top.
fn format_marker(marker: &Marker<'_>, top: bool) -> String {
    match marker {
        Marker::Compare { lhs, op, rhs } => format!("{} {op} {}", value(lhs), value(rhs)),
        Marker::Group(items) if items.len() == 1 => format_marker(&items[0].1, top),
        Marker::Group(items) => {
            let inner = items
                .iter()
                .map(|(join, item)| match join {
                    Some(join) => format!("{join} {}", format_marker(item, false)),
                    None => format_marker(item, false),
                })
                .collect::<Vec<_>>()
                .join(" ");
            if top {
                inner
            } else {
                format!("({inner})")
            }
        }
    }
}

/// A marker variable (old dotted spellings renamed, as `packaging` does) or
/// a double-quoted value.
fn value(value: &MarkerValue<'_>) -> String {
    match value {
        MarkerValue::Quoted(s) => format!("\"{s}\""),
        MarkerValue::Variable(name) => match *name {
            "os.name" => "os_name",
            "sys.platform" => "sys_platform",
            "platform.version" => "platform_version",
            "platform.machine" => "platform_machine",
            "platform.python_implementation" | "python_implementation" => {
                "platform_python_implementation"
            }
            other => other,
        }
        .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each pair was checked against py-build-cmake 0.5.1's METADATA.
    #[test]
    fn canonical_forms() {
        for (written, expected) in [
            ("foo >=1.0, <2", "foo<2,>=1.0"),
            ("Foo_Bar >= 1.0 , < 2", "Foo_Bar<2,>=1.0"),
            (
                "Bar[b,a]>=1; python_version<\"3.9\"",
                "Bar[a,b]>=1; python_version < \"3.9\"",
            ),
            ("baz (>=1)", "baz>=1"),
            ("q==1.*,!=1.2,>1", "q!=1.2,==1.*,>1"),
            ("d~=1.2,!=1.3.*", "d!=1.3.*,~=1.2"),
            ("c===1", "c===1"),
            ("z @ https://x/y.whl", "z @ https://x/y.whl"),
            (
                "a[x] @ https://x/y.whl ; os_name == 'nt'",
                "a[x] @ https://x/y.whl ; os_name == \"nt\"",
            ),
            (
                "b; python_version<='3.9' and (os_name==\"nt\")",
                "b; python_version <= \"3.9\" and os_name == \"nt\"",
            ),
        ] {
            assert_eq!(normalize(written), expected, "{written}");
        }
        assert_eq!(normalize("not a requirement!"), "not a requirement!");
    }

    #[test]
    fn extras_join_the_marker() {
        assert_eq!(
            with_extra("pytest>=7,<9; os_name==\"nt\" or sys_platform==\"x\"", "t"),
            "pytest<9,>=7; (os_name == \"nt\" or sys_platform == \"x\") and extra == \"t\""
        );
        assert_eq!(
            with_extra("p; os_name==\"nt\"", "t-x"),
            "p; os_name == \"nt\" and extra == \"t-x\""
        );
        assert_eq!(with_extra("a", "t"), "a; extra == \"t\"");
    }
}
