//! Keeps the top-level modules layered (ARCHITECTURE.md, "Module layers"):
//! a module may name only modules of lower layers, so that moving shared
//! vocabulary back into a user of it (and making a cycle) fails a test.

use std::collections::BTreeSet;
use std::path::Path;

/// Lowest first. Modules of one layer may not use each other. Every module
/// of main.rs except the test-only ones is listed (a test checks).
const LAYERS: &[&[&str]] = &[
    // Shared vocabulary and plumbing.
    &[
        "platform",
        "suggest",
        "override_files",
        "cmake_list",
        "python_version",
        "temp_files",
        "elf",
        "cmake_cache",
        "input_file",
        "layout",
        "names",
        "real_path",
        "build_lock",
    ],
    &["archive"],
    &[
        "cli",
        "module_source",
        "fs_atomic",
        "install_inputs",
        "manylinux",
    ],
    &["python_target", "bundle"],
    &["project"],
    &["requirement"],
    &["metadata"],
    &["config"],
    &["tags", "presets", "sdist", "stubgen"],
    &["wheel", "cmake_output"],
    &["stage", "cross_toolchain"],
    &["driver"],
    &["editable", "pep517"],
    &["commands"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level modules a source text names as `crate::m` or inside
/// `crate::{m::..., n}`.
fn references(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Only the first name of each top-level item of the group.
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        rest = &group[i..];
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        found.insert(identifier(&group[i..]).to_owned());
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(identifier(rest).to_owned());
        }
    }
    found
}

fn identifier(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The top-level modules main.rs declares, without the test-only ones
/// (`#[cfg(test)]` on the line before).
fn declared_modules(main: &str) -> Vec<String> {
    let mut modules = Vec::new();
    let mut test_only = false;
    for line in main.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix("mod ").and_then(|l| l.strip_suffix(';')) {
            if !test_only {
                modules.push(name.to_owned());
            }
        }
        test_only = line == "#[cfg(test)]";
    }
    modules
}

/// A file's code without its unit tests (the `#[cfg(test)] mod tests` at
/// the end, by this crate's convention): tests may use any module.
fn without_tests(text: &str) -> &str {
    match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    }
}

/// Every .rs file of top-level module `module`: src/m.rs and src/m/**.
fn module_sources(src: &Path, module: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let single = src.join(format!("{module}.rs"));
    if single.is_file() {
        files.push(single);
    }
    let mut dirs = vec![src.join(module)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("listing src/").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("reading a source file");
            (path.display().to_string(), text)
        })
        .collect()
}

#[test]
fn references_finds_paths_and_groups() {
    let text = "use crate::config::model::Config;\n\
                use crate::{tags::{WheelTags, x}, wheel};\n\
                let p = crate::platform::Os::host();";
    let names: Vec<String> = references(text).into_iter().collect();
    assert_eq!(names, ["config", "platform", "tags", "wheel"]);
}

#[test]
fn top_level_modules_use_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut upward = Vec::new();
    for (layer, modules) in LAYERS.iter().enumerate() {
        for module in *modules {
            let sources = module_sources(&src, module);
            assert!(!sources.is_empty(), "no source files for module {module}");
            for (file, text) in sources {
                for used in references(without_tests(&text)) {
                    if used == *module {
                        continue;
                    }
                    if layer_of(&used).is_some_and(|l| l >= layer) {
                        upward.push(format!("{file} uses crate::{used}"));
                    }
                }
            }
        }
    }
    assert!(
        upward.is_empty(),
        "a module uses one of its own or a higher layer (see ARCHITECTURE.md, \
         \"Module layers\"):\n{}",
        upward.join("\n")
    );
}

#[test]
fn every_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let main = std::fs::read_to_string(src.join("main.rs")).expect("reading src/main.rs");
    let declared = declared_modules(&main);
    assert!(declared.contains(&"config".to_owned()), "{declared:?}");
    assert!(
        !declared.contains(&"test_support".to_owned()),
        "{declared:?}"
    );
    let missing: Vec<&String> = declared.iter().filter(|m| layer_of(m).is_none()).collect();
    assert!(
        missing.is_empty(),
        "modules without a layer in module_layers::LAYERS (add each to the \
         lowest layer above everything it uses): {missing:?}"
    );
    let listed = LAYERS.iter().flat_map(|layer| layer.iter());
    let stale: Vec<&&str> = listed
        .filter(|m| !declared.iter().any(|d| d == *m))
        .collect();
    assert!(
        stale.is_empty(),
        "LAYERS names modules main.rs does not declare: {stale:?}"
    );
}
