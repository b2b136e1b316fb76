//! The install rules of a build tree from CMake's File API: the newest
//! reply index names the codemodel-v2 object, whose directory objects
//! (codemodel 2.3+) list each directory's installers with the paths they
//! copy. See cmake-file-api(7).

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{add_tree, modified, Error, Selection};

/// The stateless query of this client; its presence makes every configure
/// write the reply. The driver writes it before its first configure; inside
/// a configure, `_py_build_cmake_request_install_rules`
/// (cmake/PyBuildCmakeTargets.cmake) writes the same file, for
/// py_build_cmake_add_wheel() and each matrix target.
const QUERY: &str = ".cmake/api/v1/query/client-pybuildcmake/codemodel-v2";
const REPLY_DIR: &str = ".cmake/api/v1/reply";

#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

#[derive(Deserialize)]
struct Index {
    objects: Vec<ObjectRef>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ObjectRef {
    kind: String,
    version: Version,
    json_file: String,
}

#[derive(Deserialize)]
struct Version {
    major: u32,
    minor: u32,
}

#[derive(Deserialize)]
struct Codemodel {
    paths: TopPaths,
    configurations: Vec<Configuration>,
}

#[derive(Deserialize)]
struct TopPaths {
    source: PathBuf,
    build: PathBuf,
}

#[derive(Deserialize)]
struct Configuration {
    name: String,
    directories: Vec<DirectoryRef>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DirectoryRef {
    build: PathBuf,
    json_file: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Directory {
    #[serde(default)]
    installers: Vec<Installer>,
    backtrace_graph: Option<BacktraceGraph>,
}

/// Where each rule was written: `nodes[backtrace]` names a command and a
/// file (relative to the top source dir) and line.
#[derive(Deserialize)]
struct BacktraceGraph {
    #[serde(default)]
    nodes: Vec<BacktraceNode>,
    #[serde(default)]
    commands: Vec<String>,
    #[serde(default)]
    files: Vec<PathBuf>,
}

#[derive(Deserialize)]
struct BacktraceNode {
    file: usize,
    line: Option<u64>,
    command: Option<usize>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Installer {
    component: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    paths: Vec<InstallPath>,
    script_file: Option<PathBuf>,
    #[serde(default)]
    is_exclude_from_all: bool,
    #[serde(default)]
    is_for_all_components: bool,
    destination: Option<String>,
    backtrace: Option<usize>,
}

/// A path as installed under its own name, or renamed (`to` is not needed).
#[derive(Deserialize)]
#[serde(untagged)]
enum InstallPath {
    Plain(PathBuf),
    Renamed { from: PathBuf },
}

impl InstallPath {
    fn from(&self) -> &Path {
        match self {
            InstallPath::Plain(path) | InstallPath::Renamed { from: path } => path,
        }
    }
}

impl Installer {
    /// Whether one of the `cmake --install` runs (per component, `""`:
    /// without `--component`) runs this rule.
    fn selected(&self, components: &[String]) -> bool {
        let runs = |component: &String| {
            if component.is_empty() {
                !self.is_exclude_from_all
            } else {
                self.is_for_all_components || *component == self.component
            }
        };
        components.is_empty() && !self.is_exclude_from_all || components.iter().any(runs)
    }

    /// The paths it copies from, made absolute: source-side rules are
    /// relative to the top source dir, build outputs to the top build dir.
    fn inputs(&self, top: &TopPaths) -> Vec<PathBuf> {
        let base = match self.kind.as_str() {
            "file" | "directory" | "fileSet" | "script" => &top.source,
            "target" | "export" => &top.build,
            // code, importedRuntimeArtifacts, runtimeDependencySet,
            // cxxModuleBmi: no input paths in the reply.
            _ => return Vec::new(),
        };
        let paths = self.paths.iter().map(InstallPath::from);
        paths
            .chain(self.script_file.as_deref())
            .map(|path| under(base, path))
            .collect()
    }
}

pub fn write_query(binary_dir: &Path) -> Result<(), Error> {
    let path = binary_dir.join(QUERY);
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        if !path.exists() {
            std::fs::write(&path, "")?;
        }
        Ok(())
    };
    write().map_err(|source| Error::Query { path, source })
}

/// The inputs of `cmake --install <binary_dir>` per the reply, or None when no reply describes the tree as
/// it is now: none yet, a codemodel older than 2.3, one of the configs
/// missing, or an install script rewritten after the reply (a configure
/// that no longer asked for it).
pub fn install_inputs(
    binary_dir: &Path,
    selection: &Selection,
) -> Result<Option<Vec<PathBuf>>, Error> {
    let Some(Reply {
        reply_dir,
        index_path,
        codemodel,
    }) = codemodel_reply(binary_dir)?
    else {
        return Ok(None);
    };
    let Some(configurations) = selected_configurations(&codemodel, selection.configs) else {
        return Ok(None);
    };
    let replied = modified(&index_path);

    let mut found = Vec::new();
    for configuration in configurations {
        for directory in &configuration.directories {
            // `cmake --install <binary_dir>` runs its directory's rules and
            // those of the directories below it.
            let build = under(&codemodel.paths.build, &directory.build);
            if !build.starts_with(binary_dir) {
                continue;
            }
            let script = build.join("cmake_install.cmake");
            if let Some(time) = modified(&script) {
                if replied.is_none_or(|replied| time > replied) {
                    return Ok(None);
                }
                found.push(script);
            }
            let object: Directory = read(&reply_dir, &directory.json_file)?;
            for installer in &object.installers {
                if !installer.selected(selection.components) {
                    continue;
                }
                for path in installer.inputs(&codemodel.paths) {
                    if path.exists() {
                        add_tree(&path, &mut found)?;
                    }
                }
            }
        }
    }
    Ok(Some(found))
}

/// The newest codemodel reply (2.3 or newer: it has install rules) that
/// describes `binary_dir`, with where it was read from.
struct Reply {
    reply_dir: PathBuf,
    index_path: PathBuf,
    codemodel: Codemodel,
}

fn codemodel_reply(binary_dir: &Path) -> Result<Option<Reply>, Error> {
    // A project added with add_subdirectory() installs from its own build
    // dir; CMake writes the reply in the top one, beside CMakeCache.txt.
    let Some(top) = binary_dir
        .ancestors()
        .find(|dir| dir.join("CMakeCache.txt").is_file())
    else {
        return Ok(None);
    };
    let reply_dir = top.join(REPLY_DIR);
    let Some(index_path) = newest_index(&reply_dir) else {
        return Ok(None);
    };
    let index: Index = read(&reply_dir, &file_name(&index_path))?;
    let Some(object) = index
        .objects
        .iter()
        .find(|o| o.kind == "codemodel" && o.version.major == 2 && o.version.minor >= 3)
    else {
        return Ok(None);
    };
    let codemodel: Codemodel = read(&reply_dir, &object.json_file)?;
    Ok(Some(Reply {
        reply_dir,
        index_path,
        codemodel,
    }))
}

/// The selected install rules of `binary_dir` whose DESTINATION is absolute
/// or climbs out of the install prefix with `..`: `cmake --install
/// --prefix <staging>` would write them to the host, not into the wheel.
/// Empty when no reply describes the tree (nothing to check against).
pub fn rules_outside_prefix(
    binary_dir: &Path,
    selection: &Selection,
) -> Result<Vec<OutsideRule>, Error> {
    let Some(Reply {
        reply_dir,
        codemodel,
        ..
    }) = codemodel_reply(binary_dir)?
    else {
        return Ok(Vec::new());
    };
    let configurations = selected_configurations(&codemodel, selection.configs).unwrap_or_default();
    let mut found = Vec::new();
    for configuration in configurations {
        for directory in &configuration.directories {
            let build = under(&codemodel.paths.build, &directory.build);
            if !build.starts_with(binary_dir) {
                continue;
            }
            let object: Directory = read(&reply_dir, &directory.json_file)?;
            for installer in &object.installers {
                let Some(destination) = &installer.destination else {
                    continue;
                };
                if !installer.selected(selection.components) || !leaves_prefix(destination) {
                    continue;
                }
                let rule = OutsideRule {
                    command: format!("install({})", rule_keyword(&installer.kind)),
                    destination: destination.clone(),
                    written_at: object.backtrace_graph.as_ref().and_then(|graph| {
                        written_at(graph, installer.backtrace?, &codemodel.paths.source)
                    }),
                };
                if !found.contains(&rule) {
                    found.push(rule);
                }
            }
        }
    }
    Ok(found)
}

/// An install rule writing outside the install prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideRule {
    /// `install(FILES)`, `install(TARGET)`, ... (the reply's rule type).
    pub command: String,
    pub destination: String,
    /// `<file>:<line>` of the command, when the reply has a backtrace.
    pub written_at: Option<String>,
}

/// The install() keyword of a reply's rule type.
fn rule_keyword(kind: &str) -> String {
    match kind {
        "file" => "FILES".into(),
        "target" => "TARGETS".into(),
        "fileSet" => "TARGETS ... FILE_SET".into(),
        "importedRuntimeArtifacts" => "IMPORTED_RUNTIME_ARTIFACTS".into(),
        "runtimeDependencySet" => "RUNTIME_DEPENDENCY_SET".into(),
        other => other.to_uppercase(),
    }
}

/// Whether an install DESTINATION, relative to the prefix, ends up outside it.
fn leaves_prefix(destination: &str) -> bool {
    let path = Path::new(destination);
    if path.is_absolute() || destination.starts_with('/') {
        return true;
    }
    let mut depth: i64 = 0;
    for component in path.components() {
        match component {
            std::path::Component::Normal(_) => depth += 1,
            std::path::Component::ParentDir => depth -= 1,
            std::path::Component::CurDir => {}
            _ => return true,
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// `file:line` of the command (the outermost call in the project's own
/// files: the first node whose command is `install`).
fn written_at(graph: &BacktraceGraph, node: usize, source: &Path) -> Option<String> {
    let node = graph.nodes.get(node)?;
    let file = graph.files.get(node.file)?;
    let shown = under(source, file);
    let command = node
        .command
        .and_then(|c| graph.commands.get(c))
        .map_or(String::new(), |c| format!(" ({c})"));
    Some(match node.line {
        Some(line) => format!("{}:{line}{command}", shown.display()),
        None => format!("{}{command}", shown.display()),
    })
}

/// The configurations the wheel installs, or None when one is missing.
/// Names compare as `cmake --install --config` does, ignoring case.
fn selected_configurations<'a>(
    codemodel: &'a Codemodel,
    configs: &[String],
) -> Option<Vec<&'a Configuration>> {
    if configs.is_empty() {
        return Some(codemodel.configurations.iter().collect());
    }
    configs
        .iter()
        .map(|config| {
            codemodel
                .configurations
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(config))
        })
        .collect()
}

/// `path` (relative paths in a reply, `.` for the top dir) under `base`.
fn under(base: &Path, path: &Path) -> PathBuf {
    let rest: PathBuf = path
        .components()
        .filter(|c| *c != std::path::Component::CurDir)
        .collect();
    if rest.as_os_str().is_empty() {
        base.to_path_buf()
    } else {
        base.join(rest)
    }
}

/// The index CMake wrote last: their names sort by time.
fn newest_index(reply_dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(reply_dir)
        .ok()?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| {
            let name = file_name(path);
            name.starts_with("index-") && name.ends_with(".json")
        })
        .max()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// One reply file, named relative to the reply dir.
fn read<T: DeserializeOwned>(reply_dir: &Path, name: &str) -> Result<T, Error> {
    let path = reply_dir.join(name);
    let parse = || -> Result<T, ReplyError> { Ok(serde_json::from_slice(&std::fs::read(&path)?)?) };
    parse().map_err(|source| Error::Reply {
        reply_dir: reply_dir.to_path_buf(),
        path,
        source,
    })
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;
    use serde_json::json;

    #[test]
    fn destinations_leaving_the_prefix_are_recognised() {
        for outside in ["/abs/dir", "../x", "a/../../x", "../../../../tmp/x"] {
            assert!(leaves_prefix(outside), "{outside}");
        }
        for inside in ["pkg", "a/../b", "./share/x", "demo-1.0.data/scripts"] {
            assert!(!leaves_prefix(inside), "{inside}");
        }
    }

    /// A reply as CMake writes it: the index, the codemodel and one
    /// directory object per configuration, with `installers`.
    struct Tree {
        _dir: tempfile::TempDir,
        source: PathBuf,
        build: PathBuf,
    }

    impl Tree {
        fn new() -> Tree {
            let dir = tempfile::tempdir().unwrap();
            let source = dir.path().join("src");
            let build = dir.path().join("build");
            crate::test_support::write_files(
                &source,
                &[
                    "data/a.txt",
                    "data/__pycache__/a.pyc",
                    "lib.txt",
                    "extra.cmake",
                ],
                "",
            );
            std::fs::create_dir_all(&build).unwrap();
            std::fs::write(build.join("_core.so"), "").unwrap();
            std::fs::write(build.join("cmake_install.cmake"), "").unwrap();
            std::fs::write(build.join("CMakeCache.txt"), "").unwrap();
            Tree {
                _dir: dir,
                source,
                build,
            }
        }

        fn reply(&self, configs: &[&str], installers: serde_json::Value) {
            self.reply_dirs(configs, &[(".", installers)]);
        }

        /// One directory object per (build dir, installers) and config.
        fn reply_dirs(&self, configs: &[&str], dirs: &[(&str, serde_json::Value)]) {
            let reply = self.build.join(REPLY_DIR);
            std::fs::create_dir_all(&reply).unwrap();
            let mut configurations = Vec::new();
            for config in configs {
                let mut directories = Vec::new();
                for (i, (build, installers)) in dirs.iter().enumerate() {
                    let name = format!("directory-{i}-{config}.json");
                    let paths = json!({"source": build, "build": build});
                    let directory = json!({"paths": paths, "installers": installers});
                    std::fs::write(reply.join(&name), directory.to_string()).unwrap();
                    directories.push(json!({"source": build, "build": build, "jsonFile": name}));
                }
                configurations.push(json!({"name": config, "directories": directories}));
            }
            let codemodel = json!({
                "paths": {"source": self.source, "build": self.build},
                "configurations": configurations,
            });
            std::fs::write(reply.join("codemodel-v2-1.json"), codemodel.to_string()).unwrap();
            let index = json!({"objects": [{
                "kind": "codemodel", "version": {"major": 2, "minor": 3},
                "jsonFile": "codemodel-v2-1.json"
            }]});
            std::fs::write(
                reply.join("index-2026-01-01T00-00-00-0000.json"),
                index.to_string(),
            )
            .unwrap();
        }

        fn inputs(&self, configs: &[&str], components: &[&str]) -> Option<Vec<String>> {
            self.inputs_of(&self.build, configs, components)
        }

        fn inputs_of(
            &self,
            binary_dir: &Path,
            configs: &[&str],
            components: &[&str],
        ) -> Option<Vec<String>> {
            let configs: Vec<String> = configs.iter().map(|c| c.to_string()).collect();
            let components: Vec<String> = components.iter().map(|c| c.to_string()).collect();
            let selection = Selection {
                configs: &configs,
                components: &components,
            };
            let found = install_inputs(binary_dir, &selection).unwrap()?;
            let root = self.source.parent().unwrap();
            let mut found: Vec<String> = found
                .iter()
                .map(|p| p.strip_prefix(root).unwrap().display().to_string())
                .collect();
            found.sort();
            found.dedup();
            Some(found)
        }
    }

    fn installers() -> serde_json::Value {
        json!([
            {"component": "py", "type": "directory", "destination": "pkg",
             "paths": [{"from": "data", "to": "."}]},
            {"component": "py", "type": "target", "destination": "pkg", "paths": ["_core.so"]},
            {"component": "py", "type": "script", "scriptFile": "extra.cmake"},
            {"component": "dev", "type": "file", "destination": "share", "paths": ["lib.txt"]},
            {"component": "opt", "type": "file", "destination": "share",
             "paths": ["missing.txt"], "isOptional": true},
            {"component": "docs", "type": "file", "destination": "share",
             "paths": ["absent-because-excluded.txt"], "isExcludeFromAll": true},
            {"component": "x", "type": "code", "isForAllComponents": true}
        ])
    }

    #[test]
    fn lists_what_the_selected_components_install() {
        let tree = Tree::new();
        tree.reply(&["Release"], installers());
        let py = tree.inputs(&["release"], &["py"]).unwrap();
        assert_eq!(
            py,
            [
                "build/_core.so",
                "build/cmake_install.cmake",
                "src/data",
                "src/data/a.txt",
                "src/extra.cmake"
            ]
        );
        let dev = tree.inputs(&[], &["dev"]).unwrap();
        assert_eq!(dev, ["build/cmake_install.cmake", "src/lib.txt"]);
        // The default install: every component but EXCLUDE_FROM_ALL rules.
        let all = tree.inputs(&[], &[""]).unwrap();
        assert!(
            all.contains(&"src/lib.txt".to_string()) && all.contains(&"src/data/a.txt".to_string())
        );
    }

    #[test]
    fn a_subproject_installs_its_own_directories() {
        let tree = Tree::new();
        let sub = tree.build.join("sub");
        std::fs::create_dir_all(sub.join("inner")).unwrap();
        for dir in [&sub, &sub.join("inner")] {
            std::fs::write(dir.join("cmake_install.cmake"), "").unwrap();
        }
        let file = |path: &str| json!([{"component": "py", "type": "file", "destination": "d", "paths": [path]}]);
        tree.reply_dirs(
            &["Release"],
            &[
                (".", file("lib.txt")),
                ("sub", file("extra.cmake")),
                ("sub/inner", file("data")),
            ],
        );
        let found = tree.inputs_of(&sub, &[], &[""]).unwrap();
        assert_eq!(
            found,
            [
                "build/sub/cmake_install.cmake",
                "build/sub/inner/cmake_install.cmake",
                "src/data",
                "src/data/a.txt",
                "src/extra.cmake"
            ]
        );
    }

    #[test]
    fn excluded_rules_run_for_their_own_component_only() {
        let tree = Tree::new();
        std::fs::write(tree.source.join("absent-because-excluded.txt"), "").unwrap();
        tree.reply(&["Release"], installers());
        let default = tree.inputs(&[], &[""]).unwrap();
        assert!(
            !default.iter().any(|p| p.contains("excluded")),
            "{default:?}"
        );
        let docs = tree.inputs(&[], &["docs"]).unwrap();
        assert!(docs.iter().any(|p| p.contains("excluded")), "{docs:?}");
    }

    #[test]
    fn no_reply_a_missing_config_or_a_newer_script_means_no_answer() {
        let tree = Tree::new();
        assert_eq!(tree.inputs(&[], &[""]), None);
        tree.reply(&["Debug", "Release"], installers());
        assert!(tree.inputs(&["Debug", "Release"], &["py"]).is_some());
        assert_eq!(tree.inputs(&["RelWithDebInfo"], &["py"]), None);
        // A configure that rewrote the install script without asking again.
        let script = tree.build.join("cmake_install.cmake");
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&script)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert_eq!(tree.inputs(&["Release"], &["py"]), None);
    }

    #[test]
    fn an_old_codemodel_is_no_answer_and_a_broken_reply_an_error() {
        let tree = Tree::new();
        tree.reply(&["Release"], installers());
        let reply = tree.build.join(REPLY_DIR);
        let index = reply.join("index-2026-01-01T00-00-00-0000.json");
        let text = std::fs::read_to_string(&index).unwrap();
        std::fs::write(&index, text.replace("\"minor\":3", "\"minor\":2")).unwrap();
        assert_eq!(tree.inputs(&[], &["py"]), None);

        std::fs::write(
            reply.join("index-2026-01-02T00-00-00-0000.json"),
            "{\"objects\": 1}",
        )
        .unwrap();
        let selection = Selection {
            configs: &[],
            components: &[],
        };
        let err = install_inputs(&tree.build, &selection).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("index-2026-01-02T00-00-00-0000.json"),
            "{text}"
        );
        assert!(text.contains("configure again"), "{text}");
        crate::error_chain::assert_each_cause_once(&err);
    }

    #[test]
    fn cmake_writes_the_same_query() {
        let targets = include_str!("../../cmake/PyBuildCmakeTargets.cmake");
        let spelled = format!("\"${{build_dir}}/{QUERY}\"");
        assert!(
            targets.contains(&spelled),
            "{spelled} not in PyBuildCmakeTargets.cmake"
        );
    }

    #[test]
    fn the_query_is_written_once() {
        let dir = tempfile::tempdir().unwrap();
        write_query(dir.path()).unwrap();
        let query = dir.path().join(QUERY);
        assert_eq!(std::fs::read(&query).unwrap(), b"");
        write_query(dir.path()).unwrap();
        assert!(query.is_file());
    }
}
