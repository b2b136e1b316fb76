//! The rules for names and paths from the configuration that become file
//! names, import paths or lines of a `.dist-info` file: module names, entry
//! points and project files. Each check returns what was expected; callers
//! add the file and key.

use std::path::{Component, Path};

/// A Python identifier (letters, digits and `_`, not starting with a digit).
fn identifier(part: &str) -> bool {
    let mut chars = part.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// A `\w` run of a regular expression: letters, digits and `_`.
fn word(part: &str) -> bool {
    !part.is_empty() && part.chars().all(|c| c == '_' || c.is_alphanumeric())
}

/// An import name like `pkg` or `pkg.sub`: its dots become directories.
pub fn dotted_name(name: &str) -> Result<(), String> {
    if name.split('.').all(identifier) {
        Ok(())
    } else {
        Err(format!(
            "{name:?} is not a module name: expected Python identifiers \
             (letters, digits and '_', not starting with a digit) separated by dots"
        ))
    }
}

/// An entry point group (`console_scripts`, `pkg.plugins`): `\w+(\.\w+)*`.
pub fn entry_point_group(group: &str) -> Result<(), String> {
    if group.split('.').all(word) {
        Ok(())
    } else {
        Err(format!(
            "{group:?} is not an entry point group: expected letters, digits and '_', \
             in parts separated by dots"
        ))
    }
}

/// An entry point name: letters, digits, `_`, `.` and `-` (the packaging
/// spec's rule for new entry points), and not `.` or `..`, since a script's
/// name becomes a file name.
pub fn entry_point_name(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c == '_' || c == '.' || c == '-' || c.is_alphanumeric())
        && name != "."
        && name != "..";
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{name:?} is not an entry point name: expected letters, digits, '_', '.' and '-'"
        ))
    }
}

/// An object reference `module` or `module:attribute`, each part a dotted name.
pub fn object_reference(reference: &str) -> Result<(), String> {
    let (module, attribute) = match reference.split_once(':') {
        Some((m, a)) => (m, Some(a)),
        None => (reference, None),
    };
    let valid =
        module.split('.').all(identifier) && attribute.is_none_or(|a| a.split('.').all(identifier));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{reference:?} is not an object reference: expected 'module' or \
             'module:attribute', each a dotted Python name"
        ))
    }
}

/// A path or glob relative to the project directory, checked by its text
/// alone: not absolute and no `..`. Returns it with `/` and without `./`.
pub fn relative_path(given: &str) -> Result<String, String> {
    let relative = given.replace('\\', "/");
    let lexical_ok = !Path::new(given).is_absolute()
        && !relative.starts_with('/')
        && Path::new(&relative)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !lexical_ok {
        return Err(format!(
            "{given:?} must be relative to the project directory and stay inside it (no '..')"
        ));
    }
    Ok(relative
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect::<Vec<_>>()
        .join("/"))
}

/// `path` below `dir` as a `/`-separated relative path (`""` for `dir`
/// itself); None when it is not below `dir` or climbs out with `..`.
pub fn below(dir: &Path, path: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for component in path.strip_prefix(dir).ok()?.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// A file named relative to the project directory: [`relative_path`] and,
/// resolving symlinks, inside the project.
pub fn project_file(project_dir: &Path, given: &str) -> Result<String, String> {
    let relative = relative_path(given)?;
    inside_project(project_dir, &project_dir.join(&relative))?;
    Ok(relative)
}

/// Refuses a project file that is, or passes through, a symlink leading out
/// of the project. A missing file passes: reading it reports that.
pub fn inside_project(project_dir: &Path, path: &Path) -> Result<(), String> {
    let (Ok(real), Ok(root)) = (path.canonicalize(), project_dir.canonicalize()) else {
        return Ok(());
    };
    if real.starts_with(&root) {
        Ok(())
    } else {
        Err(format!(
            "{} leads outside the project directory (to {}); project files must be inside it",
            path.display(),
            real.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names() {
        for good in ["pkg", "_pkg", "pkg.sub", "Pkg2", "π"] {
            assert!(dotted_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/b",
            "a..b",
            ".a",
            "a.",
            "1a",
            "a-b",
            "a b",
        ] {
            assert!(dotted_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn entry_points() {
        for good in ["console_scripts", "pkg.plugins", "pytest11"] {
            assert!(entry_point_group(good).is_ok(), "{good}");
        }
        for bad in ["", "a]b", "a\nb", "a..b", "a-b", "[x"] {
            assert!(entry_point_group(bad).is_err(), "{bad:?}");
        }
        for good in ["tool", "my-tool", "tool.v2", "_x"] {
            assert!(entry_point_name(good).is_ok(), "{good}");
        }
        for bad in ["", ".", "..", "../x", "a/b", "a b", "a=b", "a\nb", "[a"] {
            assert!(entry_point_name(bad).is_err(), "{bad:?}");
        }
        for good in ["pkg", "pkg.cli:main", "pkg:Class.method"] {
            assert!(object_reference(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "pkg:",
            ":main",
            "pkg.cli:main [extra]",
            "a b",
            "pkg:main\nx",
        ] {
            assert!(object_reference(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn project_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("README.md"), "").unwrap();
        assert_eq!(project_file(root, "./README.md").unwrap(), "README.md");
        assert_eq!(project_file(root, "docs/a.md").unwrap(), "docs/a.md");
        for bad in ["/etc/passwd", "../x", "docs/../../x", "a\\..\\x"] {
            assert!(project_file(root, bad).is_err(), "{bad}");
        }
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            std::fs::write(outside.path().join("secret"), "").unwrap();
            std::os::unix::fs::symlink(outside.path().join("secret"), root.join("link.md"))
                .unwrap();
            std::os::unix::fs::symlink(outside.path(), root.join("out")).unwrap();
            let err = project_file(root, "link.md").unwrap_err();
            assert!(err.contains("leads outside"), "{err}");
            assert!(project_file(root, "out/secret").is_err());
        }
    }
}
