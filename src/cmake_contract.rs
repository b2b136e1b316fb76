//! The variables that cross between the helper and CMake, in one table, and
//! the tests that keep both sides to it (ARCHITECTURE.md, "The CMake
//! contract"). The helper writes variables in three ways (the `cmake-vars`
//! script, the driver's `-D` options, the cross toolchain script); the CMake
//! package (cmake/) reads them, or a user's CMakeLists.txt does (then README
//! documents them). The other way round, the package leaves cache entries
//! the driver reads. A variable written and never read, or read and never
//! written, fails a test here.
//!
//! A `*` in a name stands for one index or name (`_PY_BUILD_CMAKE_OPTION_*_TYPE`).

use std::collections::BTreeSet;
use std::path::Path;

/// Who sets a variable.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Writer {
    /// `py-build-cmake cmake-vars` (src/cmake_output.rs).
    Script,
    /// The driver's `-D` options (src/driver.rs) and the presets' cache
    /// variables (src/presets.rs): also the user's to set by hand.
    Driver,
    /// The script PyBuildCmakeToolchain.cmake includes (src/cross_toolchain.rs).
    CrossToolchain,
    /// The CMake package itself (cmake/).
    Package,
}

/// Who reads it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Reader {
    /// The CMake package (cmake/).
    Package,
    /// The project's own CMakeLists.txt: README documents it.
    Project,
    /// The helper, from CMakeCache.txt (src/).
    Helper,
}

struct Variable {
    name: &'static str,
    writer: Writer,
    readers: &'static [Reader],
}

const fn var(name: &'static str, writer: Writer, readers: &'static [Reader]) -> Variable {
    Variable {
        name,
        writer,
        readers,
    }
}

use Reader::{Helper as ByHelper, Package as ByPackage, Project as ByProject};
use Writer::{CrossToolchain, Driver, Package, Script};

const VARIABLES: &[Variable] = &[
    // The cmake-vars script: what the package needs to apply the config.
    var("_PY_BUILD_CMAKE_HELPER_VERSION", Script, &[ByPackage]),
    var("_PY_BUILD_CMAKE_INPUT_FILES", Script, &[ByPackage]),
    var("_PY_BUILD_CMAKE_ABSENT_INPUTS", Script, &[ByPackage]),
    var("_PY_BUILD_CMAKE_INPUT_ENV_COUNT", Script, &[ByPackage]),
    var("_PY_BUILD_CMAKE_INPUT_ENV_*_NAME", Script, &[ByPackage]),
    var("_PY_BUILD_CMAKE_INPUT_ENV_*_VALUE", Script, &[ByPackage]),
    var("_PY_BUILD_CMAKE_PYTHON_SITE_PACKAGES", Script, &[ByPackage]),
    var("_PY_BUILD_CMAKE_OPTION_NAMES", Script, &[ByPackage]),
    var("_PY_BUILD_CMAKE_OPTION_*_TYPE", Script, &[ByPackage]),
    var("_PY_BUILD_CMAKE_OPTION_*_VALUE", Script, &[ByPackage]),
    var(
        "_PY_BUILD_CMAKE_MINIMUM_CMAKE_VERSION",
        Script,
        &[ByPackage],
    ),
    var("_PY_BUILD_CMAKE_BUILD_TYPE", Script, &[ByPackage]),
    var("_PY_BUILD_CMAKE_INSTALL_CONFIGS", Script, &[ByPackage]),
    var("_PY_BUILD_CMAKE_INSTALL_COMPONENTS", Script, &[ByPackage]),
    var(
        "_PY_BUILD_CMAKE_INSTALL_DEFAULT_COMPONENT",
        Script,
        &[ByPackage],
    ),
    var("_PY_BUILD_CMAKE_INSTALL_ARGS", Script, &[ByPackage]),
    var("_PY_BUILD_CMAKE_ENV", Script, &[ByPackage]),
    var("_PY_BUILD_CMAKE_DRIVER_ONLY_OPTIONS", Script, &[ByPackage]),
    var("_PY_BUILD_CMAKE_STUBGEN", Script, &[ByPackage]),
    // The cmake-vars script: what py-build-cmake projects read.
    var("PY_BUILD_CMAKE_VERSION", Script, &[ByProject]),
    var(
        "PY_BUILD_CMAKE_PROJECT_DIR",
        Script,
        &[ByProject, ByPackage],
    ),
    var("PY_BUILD_CMAKE_PROJECT_VERSION", Script, &[ByProject]),
    var(
        "PY_BUILD_CMAKE_PROJECT_NAME",
        Script,
        &[ByProject, ByPackage],
    ),
    var("PY_BUILD_CMAKE_PACKAGE_VERSION", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PACKAGE_NAME", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_IMPORT_NAME", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_MODULE_NAME", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PACKAGE_PYTHON_TAG", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PACKAGE_ABI_TAG", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PACKAGE_PLATFORM_TAG", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PACKAGE_BUILD_TAG", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PACKAGE_LIMITED_API", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PACKAGE_USE_SABI", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PURE_PYTHON", Script, &[ByProject]),
    var(
        "PY_BUILD_CMAKE_PYTHON_INTERPRETER",
        Script,
        &[ByProject, ByPackage],
    ),
    var("PY_BUILD_CMAKE_PYTHON_VERSION", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PYTHON_VERSION_MAJOR", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PYTHON_VERSION_MINOR", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PYTHON_VERSION_PATCH", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PYTHON_RELEASE_LEVEL", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PYTHON_ABIFLAGS", Script, &[ByProject]),
    var(
        "PY_BUILD_CMAKE_BUILD_PYTHON_INTERPRETER",
        Script,
        &[ByProject],
    ),
    var("PY_BUILD_CMAKE_BUILD_PYTHON_VERSION", Script, &[ByProject]),
    var(
        "PY_BUILD_CMAKE_BUILD_PYTHON_VERSION_MAJOR",
        Script,
        &[ByProject],
    ),
    var(
        "PY_BUILD_CMAKE_BUILD_PYTHON_VERSION_MINOR",
        Script,
        &[ByProject],
    ),
    var(
        "PY_BUILD_CMAKE_BUILD_PYTHON_VERSION_PATCH",
        Script,
        &[ByProject],
    ),
    var(
        "PY_BUILD_CMAKE_BUILD_PYTHON_RELEASE_LEVEL",
        Script,
        &[ByProject],
    ),
    var("PY_BUILD_CMAKE_BUILD_PYTHON_ABIFLAGS", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PYTHON_IMPLEMENTATION", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PYTHON_SOABI", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PYTHON_EXT_SUFFIX", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PYTHON_SOSABI", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PYTHON_INCLUDE_DIRS", Script, &[ByProject]),
    var(
        "PY_BUILD_CMAKE_CROSSCOMPILING",
        Script,
        &[ByProject, ByPackage],
    ),
    var("PY_BUILD_CMAKE_WHEEL_DATA_DIR", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PURELIB_DESTINATION", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_PLATLIB_DESTINATION", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_SCRIPTS_DESTINATION", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_HEADERS_DESTINATION", Script, &[ByProject]),
    var("PY_BUILD_CMAKE_DATA_DESTINATION", Script, &[ByProject]),
    // The driver's -D options; users may set the public ones by hand.
    var("PY_BUILD_CMAKE_EXECUTABLE", Driver, &[ByPackage, ByProject]),
    var("_PY_BUILD_CMAKE_DRIVEN", Driver, &[ByPackage]),
    var(
        "PY_BUILD_CMAKE_BUILD_SITE_PACKAGES",
        Driver,
        &[ByPackage, ByProject],
    ),
    var("PY_BUILD_CMAKE_WHEEL_DIR", Driver, &[ByPackage, ByProject]),
    var(
        "PY_BUILD_CMAKE_CMAKE_INDEX",
        Driver,
        &[ByPackage, ByProject],
    ),
    var("PY_BUILD_CMAKE_PYTHON", Driver, &[ByPackage, ByProject]),
    var("PY_BUILD_CMAKE_LOCAL", Driver, &[ByPackage, ByProject]),
    var("PY_BUILD_CMAKE_CROSS", Driver, &[ByPackage, ByProject]),
    var("PY_BUILD_CMAKE_OVERRIDES", Driver, &[ByPackage, ByProject]),
    // The cross toolchain script.
    var(
        "_PY_BUILD_CMAKE_TARGET_PYTHON_LAUNCHER",
        CrossToolchain,
        &[ByPackage],
    ),
    // The package's cache entries the driver reads back.
    var(
        "_PY_BUILD_CMAKE_WHEEL_STAMP_*",
        Package,
        &[ByHelper, ByPackage],
    ),
    // The package's own state, and what it gives the project.
    var("PY_BUILD_CMAKE_HELPER", Package, &[ByProject, ByPackage]),
    var("_PY_BUILD_CMAKE_CARGO", Package, &[ByPackage]),
    var("_PY_BUILD_CMAKE_CROSS_RESOLVED", Package, &[ByPackage]),
    var("_PY_BUILD_CMAKE_CROSS_TOOLCHAIN", Package, &[ByPackage]),
    var("_PY_BUILD_CMAKE_TOOLCHAIN_ACTIVE", Package, &[ByPackage]),
    var("_PY_BUILD_CMAKE_MATRIX_CHILD", Package, &[ByPackage]),
    var("_PY_BUILD_CMAKE_OPTION_DEFAULT_*", Package, &[ByPackage]),
    var("_PY_BUILD_CMAKE_PROJECT_DIR", Package, &[ByPackage]),
    var("_PY_BUILD_CMAKE_PYTHON3", Package, &[ByPackage]),
    var("_PY_BUILD_CMAKE_TARGET", Package, &[ByPackage]),
    var("_PY_BUILD_CMAKE_WHEEL_TARGETS", Package, &[ByPackage]),
    var("_PY_BUILD_CMAKE_WHEEL_PATH_KEYS", Package, &[ByPackage]),
    var("_PY_BUILD_CMAKE_WHEEL_PATH_TARGETS", Package, &[ByPackage]),
    // py_build_cmake_add_wheel_matrix() to each target.
    var("PY_BUILD_CMAKE_HOST_TOOLS", Package, &[ByProject]),
];

/// Whether `name` fits `pattern`, where each `*` stands for a non-empty
/// run of name characters.
fn fits(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            let Some(rest) = name.strip_prefix(head) else {
                return false;
            };
            (1..=rest.len()).any(|n| rest.is_char_boundary(n) && fits(tail, &rest[n..]))
        }
    }
}

/// The table entries a name (or a name with `*`, as read with `${i}`) is.
fn entries_for(name: &str) -> Vec<&'static Variable> {
    VARIABLES
        .iter()
        .filter(|v| fits(v.name, name) || fits(name, v.name))
        .collect()
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The name that starts `text` (which starts `PY_BUILD_CMAKE_` or
/// `_PY_BUILD_CMAKE_`), with each `${...}` inside it as `*`.
fn name_at(text: &str) -> String {
    let mut name = String::new();
    let mut tail = text;
    loop {
        let run = tail.find(|c| !is_name_char(c)).unwrap_or(tail.len());
        name.push_str(&tail[..run]);
        tail = &tail[run..];
        match tail.strip_prefix("${").and_then(|t| t.split_once('}')) {
            Some((_, after)) => {
                name.push('*');
                tail = after;
            }
            None => return name,
        }
    }
}

/// Every `PY_BUILD_CMAKE_*` / `_PY_BUILD_CMAKE_*` name in a CMake text
/// (`#` comments left out). `PY_BUILD_CMAKE_` alone is a prefix in prose.
fn names_in(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split('#').next().unwrap_or("");
        for (at, _) in code.match_indices("PY_BUILD_CMAKE_") {
            // `-DNAME` on a command line starts a name too.
            let before = code[..at].strip_suffix("-D").unwrap_or(&code[..at]);
            let start = match before.strip_suffix('_') {
                Some(b) if !b.ends_with(is_name_char) => at - 1,
                _ if !before.ends_with(is_name_char) => at,
                _ => continue,
            };
            let name = name_at(&code[start..]);
            if !name.ends_with('_') {
                found.insert(name);
            }
        }
    }
    found
}

/// A name and all its `*` forms: the generic `PY_BUILD_CMAKE_*` (a loop
/// over `PY_BUILD_CMAKE_${kind}`) says nothing of which names are read.
fn is_generic(name: &str) -> bool {
    name == "PY_BUILD_CMAKE_*" || name == "_PY_BUILD_CMAKE_*"
}

fn read_dir_texts(dir: &Path, extension: &str) -> String {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The names the cmake-vars script sets, over inputs that reach each of its
/// branches: a CMake build with options and environment inputs, abi3, a
/// pure Python package.
fn script_names() -> BTreeSet<String> {
    use crate::cmake_output::{render, Inputs};
    use crate::config::model::CmakeOption;
    use crate::tags::WheelTags;
    use crate::test_support::{config, target};

    let mut with_cmake = config(false);
    with_cmake.wheel.abi3_minimum_cpython_version = 312;
    with_cmake.input_env = vec![("HOME".into(), Some("/root".into())), ("X".into(), None)];
    with_cmake.cmake[0].options = vec![CmakeOption {
        name: "OPT".into(),
        kind: None,
        value: "v".into(),
        strict: false,
    }];
    let pure = config(true);
    let python = target("cp", 3, 12, false);
    let mut names = BTreeSet::new();
    for (config, abi) in [(&with_cmake, "abi3"), (&pure, "none")] {
        let tags = WheelTags {
            python: vec!["cp312".into()],
            abi: vec![abi.into()],
            platform: vec![python.platform_tag.clone()],
            build: None,
        };
        let text = render(&Inputs {
            config,
            cmake: config.cmake.first(),
            target: &python,
            build_python: None,
            tags: &tags,
            pure: config.cmake.is_empty(),
        });
        names.extend(names_in(&text));
    }
    names
}

/// The names the helper's sources spell at the start of a string literal
/// (`"PY_BUILD_CMAKE_X:PATH"`, `"set(_PY_BUILD_CMAKE_X ..."`), outside the
/// cmake-vars script, with the file: the driver's -D options, the presets,
/// the toolchain script, the stamp entries. A literal ending in `_` is a
/// prefix (`*`). Prose in comments does not start a literal.
fn helper_literal_names() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let file = path.strip_prefix(root()).unwrap().display().to_string();
            if path.extension().is_none_or(|e| e != "rs")
                || file.ends_with("cmake_contract.rs")
                || file.ends_with("cmake_output.rs")
            {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (at, _) in text.match_indices('"') {
                let literal = &text[at + 1..];
                let literal = literal.strip_prefix("set(").unwrap_or(literal);
                if literal.starts_with("PY_BUILD_CMAKE_") || literal.starts_with("_PY_BUILD_CMAKE_")
                {
                    let mut name = name_at(literal);
                    if name.ends_with('_') {
                        name.push('*');
                    }
                    found.insert((name, file.clone()));
                }
            }
        }
    }
    found
}

/// Environment variables, not CMake's: they share the prefix
/// (`PY_BUILD_CMAKE_PYTHON` is both).
const ENVIRONMENT_VARIABLES: &[&str] = &[
    "PY_BUILD_CMAKE_VERBOSE",
    "PY_BUILD_CMAKE_BUILD_HOOK",
    "PY_BUILD_CMAKE_PYTHON",
];

#[test]
fn every_name_the_script_sets_is_in_the_table() {
    let names = script_names();
    for name in &names {
        let entries = entries_for(name);
        assert!(
            entries.iter().any(|v| v.writer == Writer::Script),
            "cmake-vars sets {name}, which the table in src/cmake_contract.rs does not list as the script's"
        );
    }
    for v in VARIABLES.iter().filter(|v| v.writer == Writer::Script) {
        assert!(
            names.iter().any(|n| fits(v.name, n)),
            "the table lists {} as set by cmake-vars, but the script never sets it",
            v.name
        );
    }
}

#[test]
fn every_name_the_helper_spells_is_in_the_table() {
    for (name, file) in helper_literal_names() {
        if ENVIRONMENT_VARIABLES.contains(&name.as_str()) {
            continue;
        }
        assert!(
            !entries_for(&name).is_empty(),
            "{file} spells {name}, which the table in src/cmake_contract.rs does not list"
        );
    }
    let literals: BTreeSet<String> = helper_literal_names().into_iter().map(|(n, _)| n).collect();
    for v in VARIABLES {
        let spelled = literals.iter().any(|n| fits(v.name, n));
        match v.writer {
            Writer::Driver | Writer::CrossToolchain => assert!(
                spelled,
                "the table lists {} as the helper's, but src/ never writes it",
                v.name
            ),
            _ if v.readers.contains(&Reader::Helper) => assert!(
                spelled,
                "the table lists {} as read by the helper, but src/ never reads it",
                v.name
            ),
            _ => {}
        }
    }
}

#[test]
fn the_package_reads_what_it_is_given_and_nothing_else() {
    let package = names_in(&read_dir_texts(&root().join("cmake"), "cmake"));
    for name in &package {
        assert!(
            !entries_for(name).is_empty(),
            "cmake/ reads or sets {name}, which the table in src/cmake_contract.rs does not list"
        );
    }
    for v in VARIABLES {
        let in_package = package
            .iter()
            .filter(|n| !is_generic(n))
            .any(|n| fits(v.name, n) || fits(n, v.name));
        let package_side = v.readers.contains(&Reader::Package) || v.writer == Writer::Package;
        assert_eq!(
            in_package,
            package_side,
            "{}: the table says the package {} it, cmake/ {}",
            v.name,
            if package_side { "uses" } else { "does not use" },
            if in_package { "does" } else { "does not" },
        );
    }
}

#[test]
fn every_public_name_is_documented() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let documented = names_in(&readme);
    for v in VARIABLES {
        if v.readers.contains(&Reader::Project) {
            assert!(
                documented.contains(v.name),
                "{} is for projects to read or set, but README.md does not name it",
                v.name
            );
        }
    }
}

#[test]
fn names_are_found_with_their_indices() {
    let text = "set(a \"${_PY_BUILD_CMAKE_OPTION_${i}_TYPE}\") # PY_BUILD_CMAKE_X\n\
                foreach(f IN LISTS PY_BUILD_CMAKE_${kind}) MY_PY_BUILD_CMAKE_Y";
    let names: Vec<_> = names_in(text).into_iter().collect();
    assert_eq!(names, ["PY_BUILD_CMAKE_*", "_PY_BUILD_CMAKE_OPTION_*_TYPE"]);
    assert!(fits(
        "_PY_BUILD_CMAKE_OPTION_*_TYPE",
        "_PY_BUILD_CMAKE_OPTION_12_TYPE"
    ));
    assert!(!fits(
        "_PY_BUILD_CMAKE_OPTION_*_TYPE",
        "_PY_BUILD_CMAKE_OPTION__TYPE"
    ));
}
