//! Builders for the contract types, for unit tests of the modules that read
//! them (the loader and the interpreter probe live in other modules).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::model::{
    CmakeOptions, Config, EditableMode, EditableOptions, ModuleOptions, PythonAbi, SdistOptions,
    WheelOptions,
};
use crate::platform::Os;
use crate::project::Project;
use crate::python_target::{Implementation, PythonTarget};

/// Writes `text` to `root/relative`, creating the directories on the way.
pub fn write_file(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("a file below root")).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Writes `text` to each of `files` below `root`.
pub fn write_files(root: &Path, files: &[&str], text: &str) {
    for file in files {
        write_file(root, file, text);
    }
}

/// A named pipe at `path`: opening it for reading would block until a
/// writer comes.
pub fn make_fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

pub fn project(name: &str, version: &str) -> Project {
    Project {
        name: name.to_string(),
        normalized_name: crate::project::normalize_name(name),
        version: version.to_string(),
        description: None,
        readme: None,
        requires_python: None,
        license: None,
        license_files: Vec::new(),
        authors: Vec::new(),
        maintainers: Vec::new(),
        keywords: Vec::new(),
        classifiers: Vec::new(),
        urls: Vec::new(),
        dependencies: Vec::new(),
        optional_dependencies: BTreeMap::new(),
        scripts: BTreeMap::new(),
        gui_scripts: BTreeMap::new(),
        entry_points: BTreeMap::new(),
        dynamic: Vec::new(),
    }
}

fn cmake_options() -> CmakeOptions {
    CmakeOptions {
        index: 0,
        minimum_version: "3.17".into(),
        build_type: None,
        config: Vec::new(),
        preset: None,
        build_presets: None,
        generator: None,
        source_path: PathBuf::from("/project"),
        build_path: "/project/.py-build-cmake_cache/{build_config}".into(),
        options: Vec::new(),
        args: Vec::new(),
        find_python: false,
        find_python3: true,
        find_python_build_artifacts_prefix: None,
        find_python3_build_artifacts_prefix: None,
        build_args: Vec::new(),
        build_tool_args: Vec::new(),
        install_config: Vec::new(),
        install_args: Vec::new(),
        install_components: vec![String::new()],
        env: BTreeMap::new(),
    }
}

/// A configuration with default wheel options; `pure` leaves out the cmake section.
pub fn config(pure: bool) -> Config {
    Config {
        project_dir: PathBuf::from("/project"),
        pyproject: PathBuf::from("/project/pyproject.toml"),
        input_files: Vec::new(),
        absent_inputs: Vec::new(),
        input_env: Vec::new(),
        os: Os::Linux,
        build_backend: Some("pybuildcmake.build".into()),
        has_tool_table: true,
        project: project("pkg", "1.0"),
        module: ModuleOptions {
            name: "pkg".into(),
            directory: PathBuf::from("/project"),
            namespace: false,
            generated: None,
        },
        editable: EditableOptions {
            mode: EditableMode::Wrapper,
            build_hook: false,
        },
        sdist: SdistOptions {
            include: Vec::new(),
            exclude: Vec::new(),
        },
        cmake: if pure {
            Vec::new()
        } else {
            vec![cmake_options()]
        },
        wheel: WheelOptions {
            pure_python: None,
            python_tag: vec!["auto".into()],
            python_abi: PythonAbi::Auto,
            abi3_minimum_cpython_version: 32,
            abi_tag: None,
            platform_tag: None,
            build_tag: None,
            bundle_libs: true,
            bundle_exclude: Vec::new(),
        },
        stubgen: None,
        component: None,
        cross: None,
    }
}

/// A Linux x86_64 target: `implementation` is `cp` or `pp`.
pub fn target(implementation: &str, major: u32, minor: u32, free_threaded: bool) -> PythonTarget {
    let (kind, abi_tag) = match implementation {
        "cp" => (
            Implementation::CPython,
            format!("cp{major}{minor}{}", if free_threaded { "t" } else { "" }),
        ),
        _ => (Implementation::PyPy, format!("pypy{major}{minor}_pp73")),
    };
    PythonTarget {
        implementation: kind,
        implementation_tag: implementation.to_string(),
        major,
        minor,
        version: format!("{major}.{minor}"),
        abi_tag,
        platform_tag: "linux_x86_64".into(),
        free_threaded,
        debug: false,
        soabi: format!("cpython-{major}{minor}-x86_64-linux-gnu"),
        ext_suffix: format!(".cpython-{major}{minor}-x86_64-linux-gnu.so"),
        sosabi: Some("abi3".into()),
        os: Os::Linux,
        cross: false,
        interpreter: None,
        root_dir: None,
        include_dirs: Vec::new(),
        library: None,
        sabi_library: None,
        toolchain_file: None,
        emulator: None,
    }
}
