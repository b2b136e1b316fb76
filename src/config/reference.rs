//! `config --format`: the option reference, generated from the schema that
//! validates, so the two cannot drift apart.

use std::fmt::Write;

use super::schema::{Default, Kind, Opt, ROOT};

pub fn render() -> String {
    let mut out = String::from(
        "# py-build-cmake configuration options\n\n\
         Options of the [tool.py-build-cmake] table of pyproject.toml. Override files \
         (py-build-cmake.local.toml/.pbc, --local) use the same keys; \
         py-build-cmake.cross.toml/.pbc and --cross override the cross section. \
         `-o KEY OP VALUE` and .pbc lines take the operators =, +=, =+, -=, =! (clear), \
         +=(path) and =+(path).\n\n\
         Lists: `list` replaces the list it overrides, `list+` appends to it; a table \
         {\"=\" = [...]} replaces, {\"+\" = [...]} appends, {\"-\" = [...]} removes and \
         {prepend = [...]} prepends (aliases value, append, remove).\n\n\
         `config --json` prints module, editable, sdist, cmake, wheel, stubgen, cross, \
         component and project; cmake is null without a cmake section, an object for one configuration \
         and an array for numbered ones (cmake.0, cmake.1, ...); cmake.options maps NAME or \
         NAME:TYPE to the final CMake string; component is null unless main_project is set; \
         cross is null for native builds, and its cmake_options are the CMake cache entries \
         automatic cross compilation (ARCHFLAGS, DIST_EXTRA_CONFIG) adds.\n",
    );
    for section in ROOT.children() {
        let _ = write!(out, "\n## {}\n{}\n\n", section.name, section.doc);
        out += "| Option | Description | Type | Default |\n|--------|-------------|------|---------|\n";
        for opt in section.children() {
            row(&mut out, opt);
        }
    }
    out
}

fn row(out: &mut String, opt: &Opt) {
    let mut doc = opt.doc.to_owned();
    if let Some(from) = opt.inherits {
        let _ = write!(doc, "<br/>Inherits from: `{from}`");
    }
    if opt.extension {
        doc += "<br/>Extension of this tool (not read by py-build-cmake).";
    }
    let kind = match opt.kind {
        Kind::Section(_) | Kind::Multi(_) => String::new(),
        _ => opt.type_name(),
    };
    let _ = writeln!(
        out,
        "| `{}` | {} | {} | {} |",
        opt.name,
        doc.replace('|', "\\|"),
        kind.replace('|', "\\|"),
        default_text(&opt.default)
    );
}

fn default_text(default: &Default) -> String {
    match default {
        Default::None => "`none`".into(),
        Default::Bool(b) => format!("`{b}`"),
        Default::Int(n) => format!("`{n}`"),
        Default::Str(s) => format!("`'{s}'`"),
        Default::List(items) => format!(
            "`[{}]`",
            items
                .iter()
                .map(|i| format!("'{i}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Default::Sibling(name) => format!("`{name}`"),
        Default::ProjectName => "`[project] name`".into(),
        Default::Section | Default::EmptyTable => "`{}`".into(),
        Default::Required => "required".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every option of the schema is documented, with its type.
    #[test]
    fn documents_every_option() {
        let text = render();
        for section in ROOT.children() {
            assert!(text.contains(&format!("\n## {}\n", section.name)));
            for opt in section.children() {
                assert!(
                    !opt.doc.is_empty(),
                    "{}.{} has no doc",
                    section.name,
                    opt.name
                );
                assert!(text.contains(&format!("| `{}` |", opt.name)));
            }
        }
        assert!(text.contains("| `emulator` |") && text.contains("Extension of this tool"));
        assert!(text.contains("| `build_args` |") && text.contains("| list+ |"));
    }
}
