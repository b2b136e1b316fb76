//! The whole `[tool.py-build-cmake]` option tree, declared once as data.
//!
//! This declaration drives validation (`verify`), merging (`merge`),
//! inheritance, defaults (`resolve`) and the generated reference
//! (`config --format`), so none of them can drift from the others.

use super::model::{EditableMode, Generated, PythonAbi};
use super::serde_names::variants;
use crate::platform::Os;

/// One option or section of the tree.
#[derive(Debug)]
pub struct Opt {
    pub name: &'static str,
    pub kind: Kind,
    pub default: Default,
    /// Top-level section this one inherits from (`linux.cmake` <- `cmake`).
    pub inherits: Option<&'static str>,
    pub doc: &'static str,
    /// Our extension, not part of py-build-cmake's format.
    pub extension: bool,
    /// The rule a final string value (or each list element) must follow.
    pub format: Option<Format>,
}

/// Rules for strings that become paths or version checks.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    /// A dotted Python import name; its dots become directories. `-` is
    /// allowed, as py-build-cmake spells it `_`.
    ModuleName,
    /// A CMake version: numbers separated by dots (`3.20`, `3.26.4`).
    CmakeVersion,
    /// A glob (`*`, `**`, `?`, `[...]`) relative to the project directory,
    /// not leaving it.
    ProjectGlob,
    /// One wheel tag: letters, digits and `_` (a set of tags is a list).
    Tag,
    /// A Python major and minor version, `311` or `3.11` (`cross.version`).
    PythonVersion,
    /// A wheel build tag: a digit first, then letters, digits, `_` and `.`
    /// (`-` separates the file name's fields).
    BuildTag,
}

impl Format {
    pub fn check(self, value: &str) -> Result<(), String> {
        match self {
            Format::ModuleName => crate::names::dotted_name(&value.replace('-', "_")),
            Format::ProjectGlob => {
                crate::names::relative_path(value)?;
                glob::Pattern::new(value)
                    .map(drop)
                    .map_err(|e| format!("{value:?} is not a glob pattern: {}", e.msg))
            }
            Format::Tag => {
                let valid = !value.is_empty()
                    && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if valid {
                    Ok(())
                } else {
                    Err(format!(
                        "{value:?} is not a wheel tag: a tag is one or more of letters, digits and '_'"
                    ))
                }
            }
            Format::BuildTag => {
                let valid = value.starts_with(|c: char| c.is_ascii_digit())
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
                if valid {
                    Ok(())
                } else {
                    Err(format!(
                        "{value:?} must start with a digit and contain only letters, digits, '_' and '.', e.g. 1 or 2_nightly"
                    ))
                }
            }
            Format::PythonVersion => value
                .parse::<crate::python_version::PythonVersion>()
                .map(drop),
            Format::CmakeVersion => {
                let parts: Vec<&str> = value.split('.').collect();
                let numbers = parts
                    .iter()
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
                if numbers && parts.len() <= 4 {
                    Ok(())
                } else {
                    Err(format!(
                        "{value:?} is not a CMake version: expected numbers separated by dots, like 3.20"
                    ))
                }
            }
        }
    }
}

#[derive(Debug)]
pub enum Kind {
    Section(&'static [Opt]),
    /// A section that may also be given several times as `cmake.0`, `cmake.1`, ...
    Multi(&'static [Opt]),
    Bool,
    /// An integer from `min` to `max`.
    Int {
        min: i64,
        max: i64,
    },
    /// A string that overrides can append to, prepend to or remove from.
    Str,
    /// One of the serde names of a model enum (`serde_names::variants`).
    Enum(fn() -> &'static [&'static str]),
    List {
        /// `list+`: a plain value appends instead of replacing.
        append: bool,
        /// A single string is accepted as a one-element list.
        singleton: bool,
    },
    Path(PathKind),
    /// `cmake.env`: names to strings, expanded against the environment.
    Env,
    /// `cmake.options`: typed CMake cache entries.
    CmakeOptions,
}

#[derive(Debug, Clone, Copy)]
pub struct PathKind {
    pub base: Base,
    pub dir: bool,
    pub must_exist: bool,
    pub allow_abs: bool,
    /// A file the directory must contain.
    pub contains: Option<&'static str>,
}

/// What a relative path is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    Project,
    /// The file that set the value (the project directory for `-o`).
    ConfigFile,
}

#[derive(Debug)]
pub enum Default {
    None,
    Bool(bool),
    Int(i64),
    Str(&'static str),
    List(&'static [&'static str]),
    /// The final value of a sibling option (`config` <- `build_type`); a
    /// list whose sibling is unset is empty.
    Sibling(&'static str),
    /// `[project] name`, as an import name.
    ProjectName,
    /// An empty table (`cmake.env`, `cmake.options`).
    EmptyTable,
    /// No default: a section that is resolved must set it.
    Required,
    /// An empty section, so that its options get their defaults.
    Section,
}

impl Opt {
    const fn new(name: &'static str, kind: Kind, default: Default, doc: &'static str) -> Opt {
        Opt {
            name,
            kind,
            default,
            inherits: None,
            doc,
            extension: false,
            format: None,
        }
    }

    const fn format(mut self, format: Format) -> Opt {
        self.format = Some(format);
        self
    }

    const fn inherits(mut self, from: &'static str) -> Opt {
        self.inherits = Some(from);
        self
    }

    const fn extension(mut self) -> Opt {
        self.extension = true;
        self
    }

    pub fn child(&self, name: &str) -> Option<&'static Opt> {
        self.children().iter().find(|o| o.name == name)
    }

    pub fn children(&self) -> &'static [Opt] {
        match self.kind {
            Kind::Section(opts) | Kind::Multi(opts) => opts,
            _ => &[],
        }
    }

    /// The type as the reference names it.
    pub fn type_name(&self) -> String {
        match &self.kind {
            Kind::Section(_) | Kind::Multi(_) => "section".into(),
            Kind::Bool => "bool".into(),
            Kind::Int { .. } => "int".into(),
            Kind::Str => "string".into(),
            Kind::Enum(values) => values()
                .iter()
                .map(|v| format!("'{v}'"))
                .collect::<Vec<_>>()
                .join(" | "),
            Kind::List { append: true, .. } => "list+".into(),
            Kind::List { .. } => "list".into(),
            Kind::Path(p) if p.dir => "path".into(),
            Kind::Path(_) => "filepath".into(),
            Kind::Env => "dict".into(),
            Kind::CmakeOptions => "dict (CMake)".into(),
        }
    }
}

/// A list a plain value replaces (`list`).
const LIST: Kind = Kind::List {
    append: false,
    singleton: false,
};
/// A list a single string may stand for, as a one-element list.
const LIST_OR_ONE: Kind = Kind::List {
    append: false,
    singleton: true,
};
/// A list a plain value appends to (`list+`).
const APPENDING_LIST: Kind = Kind::List {
    append: true,
    singleton: false,
};

impl PathKind {
    /// A directory, relative to `base`, that need not exist yet.
    const fn dir(base: Base) -> PathKind {
        PathKind {
            base,
            dir: true,
            must_exist: false,
            allow_abs: false,
            contains: None,
        }
    }

    /// A file, relative to `base`, that need not exist yet.
    const fn file(base: Base) -> PathKind {
        PathKind {
            dir: false,
            ..PathKind::dir(base)
        }
    }

    const fn existing(self) -> PathKind {
        PathKind {
            must_exist: true,
            ..self
        }
    }

    /// An absolute path is accepted too.
    const fn or_absolute(self) -> PathKind {
        PathKind {
            allow_abs: true,
            ..self
        }
    }

    /// The directory must contain this file.
    const fn containing(self, file: &'static str) -> PathKind {
        PathKind {
            contains: Some(file),
            ..self
        }
    }
}

const MODULE: &[Opt] = &[
    Opt::new("name", Kind::Str, Default::ProjectName,
        "Import name in Python; defaults to the [project] name with '-' replaced by '_'.")
        .format(Format::ModuleName),
    Opt::new("directory", Kind::Path(PathKind::dir(Base::Project).existing()), Default::Str("."),
        "Directory that holds the Python module or package, relative to the project directory."),
    Opt::new("namespace", Kind::Bool, Default::Bool(false),
        "Whether the package is a PEP 420 namespace package."),
    Opt::new("generated", Kind::Enum(variants::<Generated>), Default::None,
        "The module is generated by CMake, so it is not looked for in the sources; forbids dynamic metadata."),
];

const EDITABLE: &[Opt] = &[
    Opt::new(
        "mode",
        Kind::Enum(variants::<EditableMode>),
        Default::Str("symlink"),
        "How an editable install (PEP 660) finds the sources.",
    ),
    Opt::new(
        "build_hook",
        Kind::Bool,
        Default::Bool(false),
        "Rebuild changed files on first import (symlink mode only).",
    ),
];

const SDIST: &[Opt] = &[
    Opt::new(
        "include",
        LIST,
        Default::List(&[]),
        "Glob patterns ('*', '**') of files and folders to add to the source distribution.",
    )
    .format(Format::ProjectGlob),
    Opt::new(
        "exclude",
        LIST,
        Default::List(&[]),
        "Glob patterns ('*', '**') of files and folders to leave out of the source distribution.",
    )
    .format(Format::ProjectGlob),
];

const CMAKE: &[Opt] = &[
    Opt::new("minimum_version", Kind::Str, Default::Str("3.15"),
        "Lowest CMake version the project needs.")
        .format(Format::CmakeVersion),
    Opt::new("build_type", Kind::Str, Default::None,
        "CMAKE_BUILD_TYPE of the configure step."),
    Opt::new("config", LIST_OR_ONE, Default::Sibling("build_type"),
        "Configurations built with --config (a string or a list); defaults to build_type."),
    Opt::new("preset", Kind::Str, Default::None,
        "Configure preset (--preset)."),
    Opt::new("build_presets", LIST_OR_ONE, Default::None,
        "Build presets, one build step each."),
    Opt::new("generator", Kind::Str, Default::None,
        "CMake generator (-G)."),
    Opt::new("source_path",
        Kind::Path(PathKind::dir(Base::Project).existing().containing("CMakeLists.txt")),
        Default::Str("."),
        "Folder with CMakeLists.txt, relative to the project directory."),
    Opt::new("build_path", Kind::Path(PathKind::dir(Base::Project).or_absolute()),
        Default::Str(concat!(crate::layout::project_cache_dir!(), "/{build_config}")),
        "Build folder, absolute or relative to the project directory; '{build_config}' is replaced by the Python, OS and architecture."),
    Opt::new("options", Kind::CmakeOptions, Default::EmptyTable,
        "CMake cache entries (-D NAME[:TYPE]=VALUE): a string, bool (On/Off), list (joined with ';') or a table with value/append/prepend/remove, type and strict."),
    Opt::new("args", APPENDING_LIST, Default::List(&[]),
        "Extra arguments of the configure step."),
    Opt::new("find_python", Kind::Bool, Default::Bool(true),
        "Pass hints for CMake's FindPython."),
    Opt::new("find_python3", Kind::Bool, Default::Bool(true),
        "Pass hints for CMake's FindPython3."),
    Opt::new("find_python_build_artifacts_prefix", Kind::Str, Default::None,
        "Also give FindPython hints for the build machine's interpreter under Python<prefix>_* (e.g. '_BUILD'), and leave Python_EXECUTABLE unset; for Python_ARTIFACTS_PREFIX (CMake 4.0)."),
    Opt::new("find_python3_build_artifacts_prefix", Kind::Str, Default::None,
        "The same for FindPython3: hints under Python3<prefix>_*, Python3_EXECUTABLE unset."),
    Opt::new("build_args", APPENDING_LIST, Default::List(&[]),
        "Extra arguments of the build step."),
    Opt::new("build_tool_args", APPENDING_LIST, Default::List(&[]),
        "Extra arguments for the build tool (after --)."),
    Opt::new("install_config", LIST_OR_ONE, Default::Sibling("config"),
        "Configurations installed with --config; defaults to config."),
    Opt::new("install_args", APPENDING_LIST, Default::List(&[]),
        "Extra arguments of the install step."),
    Opt::new("install_components", LIST, Default::List(&[""]),
        "Components installed, one install step each; '' is the default component."),
    Opt::new("env", Kind::Env, Default::EmptyTable,
        "Environment of the CMake steps; ${VAR} and $VAR expand, $$ is a literal $."),
];

const WHEEL: &[Opt] = &[
    Opt::new("pure_python", Kind::Bool, Default::None,
        "The wheel holds no binaries (py3-none-any, purelib); unset means: pure when there is no cmake section."),
    Opt::new("python_tag", LIST_OR_ONE, Default::List(&["auto"]),
        "Python tags of the wheel; 'auto' derives them from the target Python.")
        .format(Format::Tag),
    Opt::new("python_abi", Kind::Enum(variants::<PythonAbi>), Default::Str("auto"),
        "ABI of the extension modules: full ABI (auto), none, or the stable ABI (abi3)."),
    Opt::new("abi3_minimum_cpython_version", Kind::Int { min: 10, max: 999 }, Default::Int(32),
        "Lowest CPython (e.g. 312) of an abi3 wheel; matches Py_LIMITED_API. The first digit is the major version."),
    Opt::new("abi_tag", LIST_OR_ONE, Default::None,
        "Override of the ABI tag (best given as an override, see cross.abi).")
        .format(Format::Tag),
    Opt::new("platform_tag", LIST_OR_ONE, Default::None,
        "Override of the platform tag; 'guess' picks one for native builds (see cross.arch).")
        .format(Format::Tag),
    Opt::new("build_tag", Kind::Str, Default::None,
        "Build number of the wheel; starts with a digit, then letters, digits, '_' and '.'.")
        .format(Format::BuildTag),
    Opt::new("bundle_libs", Kind::Bool, Default::Bool(true),
        "Copy the shared libraries the wheel's ELF files need, and the manylinux policy does not allow, into <dist>.libs/ (as auditwheel repair does)."),
    Opt::new("bundle_exclude", LIST, Default::List(&[]),
        "Libraries never bundled, by their DT_NEEDED name (e.g. libcuda.so.1)."),
];

const STUBGEN: &[Opt] = &[
    Opt::new(
        "packages",
        LIST,
        Default::None,
        "Packages given to stubgen with -p.",
    )
    .format(Format::ModuleName),
    Opt::new(
        "modules",
        LIST,
        Default::None,
        "Modules given to stubgen with -m.",
    )
    .format(Format::ModuleName),
    Opt::new("files", LIST, Default::None, "Files given to stubgen."),
    Opt::new(
        "args",
        APPENDING_LIST,
        Default::List(&[]),
        "Extra arguments of stubgen.",
    ),
];

const COMPONENT: &[Opt] = &[
    Opt::new(
        "build_presets",
        LIST_OR_ONE,
        Default::None,
        "Build presets of the main project's build step (default: the main project's).",
    ),
    Opt::new(
        "build_args",
        APPENDING_LIST,
        Default::None,
        "Extra arguments of the build step (default: the main project's).",
    ),
    Opt::new(
        "build_tool_args",
        APPENDING_LIST,
        Default::None,
        "Extra arguments for the build tool (default: the main project's).",
    ),
    Opt::new(
        "install_only",
        Kind::Bool,
        Default::Bool(false),
        "Do not build the main project, only install from its build tree.",
    ),
    Opt::new(
        "install_args",
        APPENDING_LIST,
        Default::None,
        "Extra arguments of the install step (default: the main project's).",
    ),
    Opt::new(
        "install_components",
        LIST,
        Default::Required,
        "The components of the main project installed into this wheel, one install step each, e.g. [\"debug\"].",
    ),
];

/// The sections an OS section may override, each inheriting from its
/// top-level namesake.
const OS_SECTIONS: &[Opt] = &[
    Opt::new(
        "editable",
        Kind::Section(EDITABLE),
        Default::None,
        "Editable options for this OS.",
    )
    .inherits("editable"),
    Opt::new(
        "sdist",
        Kind::Section(SDIST),
        Default::None,
        "Sdist options for this OS.",
    )
    .inherits("sdist"),
    Opt::new(
        "cmake",
        Kind::Multi(CMAKE),
        Default::None,
        "CMake options for this OS.",
    )
    .inherits("cmake"),
    Opt::new(
        "wheel",
        Kind::Section(WHEEL),
        Default::None,
        "Wheel options for this OS.",
    )
    .inherits("wheel"),
];

const CROSS: &[Opt] = &[
    Opt::new("os", Kind::Enum(variants::<Os>), Default::None,
        "OS section (linux, mac, windows) the cross sections inherit from, between the top level and cross."),
    Opt::new("implementation", Kind::Str, Default::None,
        "Implementation tag of the target Python (cp, pp); default: from the sysroot."),
    Opt::new("version", Kind::Str, Default::None,
        "Major and minor version of the target Python without a dot (311).")
        .format(Format::PythonVersion),
    Opt::new("abi", Kind::Str, Default::None, "ABI tag of the target Python (cp311)."),
    Opt::new("arch", Kind::Str, Default::None, "Platform tag of the target (linux_aarch64)."),
    Opt::new("prefix", Kind::Path(PathKind::dir(Base::ConfigFile).existing().or_absolute()), Default::None,
        "Root of the target Python installation (Python3_ROOT_DIR); relative to the file that sets it."),
    Opt::new("library", Kind::Path(PathKind::file(Base::ConfigFile).existing().or_absolute()), Default::None,
        "Target Python library (Python3_LIBRARY); relative to the file that sets it."),
    Opt::new("sabi_library", Kind::Path(PathKind::file(Base::ConfigFile).existing().or_absolute()), Default::None,
        "Target stable-ABI library (Python3_SABI_LIBRARY); relative to the file that sets it."),
    Opt::new("include_dir", Kind::Path(PathKind::dir(Base::ConfigFile).existing().or_absolute()), Default::None,
        "Directory with Python.h (Python3_INCLUDE_DIR); relative to the file that sets it."),
    Opt::new("soabi", Kind::Str, Default::None, "SOABI of the target (cpython-311-aarch64-linux-gnu)."),
    Opt::new("toolchain_file", Kind::Path(PathKind::file(Base::ConfigFile).existing().or_absolute()), Default::None,
        "CMake toolchain file; relative to the file that sets it."),
    Opt::new("generator_platform", Kind::Str, Default::None,
        "CMAKE_GENERATOR_PLATFORM (Visual Studio generators)."),
    Opt::new("emulator", LIST, Default::None,
        "Command that runs target executables (CMAKE_CROSSCOMPILING_EMULATOR), e.g. ['qemu-aarch64', '-L', '/sysroot'].")
        .extension(),
    Opt::new("editable", Kind::Section(EDITABLE), Default::None, "Editable options when cross-compiling.")
        .inherits("editable"),
    Opt::new("sdist", Kind::Section(SDIST), Default::None, "Sdist options when cross-compiling.")
        .inherits("sdist"),
    Opt::new("cmake", Kind::Multi(CMAKE), Default::None, "CMake options when cross-compiling.")
        .inherits("cmake"),
    Opt::new("wheel", Kind::Section(WHEEL), Default::None, "Wheel options when cross-compiling.")
        .inherits("wheel"),
];

const TOOL: &[Opt] = &[
    Opt::new("module", Kind::Section(MODULE), Default::Section,
        "Import name of the module or package and where it is."),
    Opt::new("editable", Kind::Section(EDITABLE), Default::Section,
        "Editable installs (PEP 660)."),
    Opt::new("sdist", Kind::Section(SDIST), Default::Section,
        "Files of the source distribution."),
    Opt::new("cmake", Kind::Multi(CMAKE), Default::None,
        "How the project is built; without it the package is pure Python. Numbered copies (cmake.0, cmake.1) are built in turn, each on top of the unnumbered options."),
    Opt::new("wheel", Kind::Section(WHEEL), Default::Section, "How the wheel is tagged."),
    Opt::new("stubgen", Kind::Section(STUBGEN), Default::None,
        "Generate typed stubs with mypy's stubgen."),
    Opt::new("main_project", Kind::Path(PathKind::dir(Base::Project).existing().or_absolute()), Default::None,
        "Makes this a component project: the directory of the main project whose build tree it installs components from."),
    Opt::new("component", Kind::Multi(COMPONENT), Default::None,
        "What a component project (main_project set) installs from the main project's CMake configuration of the same number."),
    Opt::new("linux", Kind::Section(OS_SECTIONS), Default::None, "Options for Linux."),
    Opt::new("windows", Kind::Section(OS_SECTIONS), Default::None, "Options for Windows."),
    Opt::new("mac", Kind::Section(OS_SECTIONS), Default::None, "Options for macOS."),
    Opt::new("pyodide", Kind::Section(OS_SECTIONS), Default::None,
        "Options for Pyodide (accepted for compatibility; no target selects them yet)."),
    Opt::new("cross", Kind::Section(CROSS), Default::None,
        "Cross-compilation: the target Python and toolchain, and option overrides."),
];

/// `[tool.py-build-cmake]` itself.
pub static ROOT: Opt = Opt::new(
    "py-build-cmake",
    Kind::Section(TOOL),
    Default::Section,
    "The [tool.py-build-cmake] table of pyproject.toml.",
);
