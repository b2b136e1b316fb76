//! The text files of `.dist-info`: METADATA (core metadata), WHEEL and
//! entry_points.txt, rendered from the normalized `[project]` table.

use std::fmt::Write;

use crate::project::{self, Contact, License, Project};
use crate::requirement;

/// A value that cannot become a METADATA line; `key` is where pyproject.toml
/// sets it.
#[derive(Debug, thiserror::Error)]
#[error("pyproject.toml key {key}: cannot be written as the METADATA field {field}: {reason}")]
pub struct Error {
    pub key: String,
    pub field: String,
    pub reason: String,
}

fn error(key: &str, field: &str, reason: impl Into<String>) -> Error {
    Error {
        key: key.to_owned(),
        field: field.to_owned(),
        reason: reason.into(),
    }
}

/// Core metadata versions, oldest first; each field needs the version that
/// introduced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum MetadataVersion {
    V1_0,
    V1_1,
    V1_2,
    V2_1,
    V2_4,
}

impl MetadataVersion {
    fn as_str(self) -> &'static str {
        match self {
            MetadataVersion::V1_0 => "1.0",
            MetadataVersion::V1_1 => "1.1",
            MetadataVersion::V1_2 => "1.2",
            MetadataVersion::V2_1 => "2.1",
            MetadataVersion::V2_4 => "2.4",
        }
    }
}

/// Collects header lines and the lowest metadata version that covers them.
struct Headers {
    text: String,
    version: MetadataVersion,
}

impl Headers {
    fn add(
        &mut self,
        since: MetadataVersion,
        field: &str,
        key: &str,
        value: &str,
    ) -> Result<(), Error> {
        if value.contains(['\n', '\r']) {
            return Err(error(
                key,
                field,
                format!("{value:?} must be a single line"),
            ));
        }
        self.version = self.version.max(since);
        // Infallible: writing into a String.
        let _ = writeln!(self.text, "{field}: {value}");
        Ok(())
    }
}

/// METADATA for `project`. `license_files` are the paths under
/// `.dist-info/licenses/` (they must be packed too).
pub fn render_metadata(project: &Project, license_files: &[String]) -> Result<String, Error> {
    use MetadataVersion::*;
    let mut h = Headers {
        text: String::new(),
        version: V1_0,
    };
    h.add(V1_0, "Name", "project.name", &project.name)?;
    h.add(V1_0, "Version", "project.version", &project.version)?;
    if let Some(summary) = &project.description {
        h.add(V1_0, "Summary", "project.description", summary)?;
    }
    if !project.keywords.is_empty() {
        if let Some(k) = project.keywords.iter().find(|k| k.contains(',')) {
            return Err(error(
                "project.keywords",
                "Keywords",
                format!("keyword {k:?} contains a comma"),
            ));
        }
        h.add(
            V1_0,
            "Keywords",
            "project.keywords",
            &project.keywords.join(","),
        )?;
    }
    add_contacts(&mut h, V1_0, "Author", "project.authors", &project.authors)?;
    add_contacts(
        &mut h,
        V1_2,
        "Maintainer",
        "project.maintainers",
        &project.maintainers,
    )?;
    match &project.license {
        Some(License::Expression(expr)) => {
            h.add(V2_4, "License-Expression", "project.license", expr)?
        }
        Some(License::Text(text)) => {
            // A multi-line license is folded: continuation lines are indented.
            let folded = text
                .trim_end()
                .lines()
                .collect::<Vec<_>>()
                .join("\n        ");
            h.version = h.version.max(V1_0);
            let _ = writeln!(h.text, "License: {folded}");
        }
        None => {}
    }
    for path in license_files {
        h.add(V2_4, "License-File", "project.license-files", path)?;
    }
    for classifier in &project.classifiers {
        h.add(V1_1, "Classifier", "project.classifiers", classifier)?;
    }
    for (label, url) in &project.urls {
        h.add(
            V1_2,
            "Project-URL",
            "project.urls",
            &format!("{label}, {url}"),
        )?;
    }
    if let Some(requires) = &project.requires_python {
        h.add(V1_2, "Requires-Python", "project.requires-python", requires)?;
    }
    for dep in &project.dependencies {
        h.add(
            V1_2,
            "Requires-Dist",
            "project.dependencies",
            &requirement::normalize(dep),
        )?;
    }
    for (given, deps) in &project.optional_dependencies {
        let key = format!("project.optional-dependencies.{given}");
        // PEP 685: extra names are normalized like project names.
        let extra = project::normalize_name(given);
        h.add(V2_1, "Provides-Extra", &key, &extra)?;
        for dep in deps {
            h.add(
                V1_2,
                "Requires-Dist",
                &key,
                &requirement::with_extra(dep, &extra),
            )?;
        }
    }
    if let Some(readme) = &project.readme {
        h.add(
            V2_1,
            "Description-Content-Type",
            "project.readme",
            &readme.content_type,
        )?;
    }
    let mut out = format!("Metadata-Version: {}\n{}", h.version.as_str(), h.text);
    if let Some(readme) = &project.readme {
        out.push('\n');
        out.push_str(&readme.text);
        // An empty readme stays an empty description.
        if !readme.text.is_empty() && !readme.text.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

/// PEP 621: names alone go to `Author`, anything with an email to
/// `Author-email` as `Name <email>`.
fn add_contacts(
    h: &mut Headers,
    since: MetadataVersion,
    field: &str,
    key: &str,
    contacts: &[Contact],
) -> Result<(), Error> {
    let mut names = Vec::new();
    let mut emails = Vec::new();
    for contact in contacts {
        match (&contact.name, &contact.email) {
            (Some(name), None) => names.push(name.clone()),
            (None, Some(email)) => emails.push(email.clone()),
            (Some(name), Some(email)) if name.contains(',') => {
                emails.push(format!("\"{name}\" <{email}>"))
            }
            (Some(name), Some(email)) => emails.push(format!("{name} <{email}>")),
            (None, None) => {}
        }
    }
    if !names.is_empty() {
        h.add(since, field, key, &names.join(", "))?;
    }
    if !emails.is_empty() {
        h.add(since, &format!("{field}-email"), key, &emails.join(", "))?;
    }
    Ok(())
}

/// entry_points.txt, or `None` when the project declares no entry points.
pub fn render_entry_points(project: &Project) -> Option<String> {
    let mut groups = vec![
        ("console_scripts", &project.scripts),
        ("gui_scripts", &project.gui_scripts),
    ];
    groups.extend(project.entry_points.iter().map(|(g, e)| (g.as_str(), e)));
    let mut out = String::new();
    for (group, entries) in groups.into_iter().filter(|(_, e)| !e.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "[{group}]");
        for (name, value) in entries {
            let _ = writeln!(out, "{name} = {value}");
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Readme;
    use crate::test_support::project;

    #[test]
    fn minimal_metadata_is_version_1_0() {
        let p = project("My.Pkg", "1.0");
        let text = render_metadata(&p, &[]).unwrap();
        assert_eq!(text, "Metadata-Version: 1.0\nName: My.Pkg\nVersion: 1.0\n");
    }

    #[test]
    fn an_empty_readme_is_an_empty_description() {
        let mut p = project("pkg", "1");
        p.readme = Some(Readme {
            text: String::new(),
            file: Some("README.md".into()),
            content_type: "text/markdown".into(),
        });
        let text = render_metadata(&p, &[]).unwrap();
        assert!(
            text.ends_with("Description-Content-Type: text/markdown\n\n"),
            "{text:?}"
        );
    }

    #[test]
    fn full_metadata() {
        let mut p = project("pkg", "2.0rc1");
        p.description = Some("A package".into());
        p.readme = Some(Readme {
            text: "# Title\n\nBody".into(),
            file: None,
            content_type: "text/markdown".into(),
        });
        p.license = Some(License::Expression("MIT OR Apache-2.0".into()));
        p.authors = vec![
            Contact {
                name: Some("Ann".into()),
                email: None,
            },
            Contact {
                name: Some("Bo, B".into()),
                email: Some("b@x.org".into()),
            },
            Contact {
                name: None,
                email: Some("c@x.org".into()),
            },
        ];
        p.maintainers = vec![Contact {
            name: Some("Mo".into()),
            email: Some("m@x.org".into()),
        }];
        p.urls = vec![("Homepage".into(), "https://x.org".into())];
        p.requires_python = Some(">=3.8".into());
        p.dependencies = vec!["numpy>=1".into()];
        p.optional_dependencies.insert(
            "Dev_Tools".into(),
            vec![
                "pytest; python_version < '3.12'".into(),
                "foo @ https://x.org/a;b.whl ; os_name == 'nt'".into(),
                "bar".into(),
            ],
        );
        p.keywords = vec!["a".into(), "b".into()];
        p.classifiers = vec!["Programming Language :: Python :: 3".into()];
        let text = render_metadata(&p, &["LICENSE".into()]).unwrap();
        let expected = "Metadata-Version: 2.4
Name: pkg
Version: 2.0rc1
Summary: A package
Keywords: a,b
Author: Ann
Author-email: \"Bo, B\" <b@x.org>, c@x.org
Maintainer-email: Mo <m@x.org>
License-Expression: MIT OR Apache-2.0
License-File: LICENSE
Classifier: Programming Language :: Python :: 3
Project-URL: Homepage, https://x.org
Requires-Python: >=3.8
Requires-Dist: numpy>=1
Provides-Extra: dev-tools
Requires-Dist: pytest; python_version < \"3.12\" and extra == \"dev-tools\"
Requires-Dist: foo @ https://x.org/a;b.whl ; os_name == \"nt\" and extra == \"dev-tools\"
Requires-Dist: bar; extra == \"dev-tools\"
Description-Content-Type: text/markdown

# Title

Body
";
        assert_eq!(text, expected);
    }

    #[test]
    fn version_follows_fields() {
        let mut p = project("pkg", "1");
        p.classifiers = vec!["X".into()];
        assert!(render_metadata(&p, &[])
            .unwrap()
            .starts_with("Metadata-Version: 1.1\n"));
        p.requires_python = Some(">=3".into());
        assert!(render_metadata(&p, &[])
            .unwrap()
            .starts_with("Metadata-Version: 1.2\n"));
        p.license = Some(License::Text("Line one\nLine two\n".into()));
        let text = render_metadata(&p, &[]).unwrap();
        assert!(
            text.contains("License: Line one\n        Line two\n"),
            "{text}"
        );
    }

    #[test]
    fn multi_line_summary_is_refused() {
        let mut p = project("pkg", "1");
        p.description = Some("two\nlines".into());
        let err = render_metadata(&p, &[]).unwrap_err().to_string();
        assert!(
            err.contains("Summary") && err.contains("single line"),
            "{err}"
        );
        p.description = None;
        p.urls = vec![("Home\npage".into(), "https://x.org".into())];
        let err = render_metadata(&p, &[]).unwrap_err().to_string();
        assert!(
            err.starts_with("pyproject.toml key project.urls: ") && err.contains("Project-URL"),
            "{err}"
        );
    }

    #[test]
    fn entry_points() {
        let mut p = project("pkg", "1");
        assert_eq!(render_entry_points(&p), None);
        p.scripts.insert("tool".into(), "pkg.cli:main".into());
        p.entry_points
            .entry("pkg.plugins".into())
            .or_default()
            .insert("a".into(), "pkg.a".into());
        assert_eq!(
            render_entry_points(&p).unwrap(),
            "[console_scripts]\ntool = pkg.cli:main\n\n[pkg.plugins]\na = pkg.a\n"
        );
    }
}
