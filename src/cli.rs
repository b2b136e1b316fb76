//! Command-line interface, declared with clap's derive API.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "py-build-cmake",
    version,
    about = "Build Python wheels from inside CMake"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the effective configuration, or the option reference.
    Config(ConfigArgs),
    /// Pack a staged install tree into a wheel.
    Wheel(WheelArgs),
    /// Write the CMake script PyBuildCmakeConfig.cmake includes (variables and hints).
    CmakeVars(CmakeVarsArgs),
    /// Install this helper and the CMake package into a prefix.
    Install(InstallArgs),
    /// Write the project's source distribution (a reproducible tar.gz).
    Sdist(SdistArgs),
    /// Write CMake presets: one configure, build and workflow preset per target.
    Presets(PresetsArgs),
    /// Build the wheel of a project that does not call find_package(PyBuildCmake),
    /// the way py-build-cmake does: configure, build, install, pack.
    Build(BuildArgs),
    /// Install a built CMake tree editable (PEP 660) into the target Python's
    /// environment with pip, as [tool.py-build-cmake.editable] says: what the
    /// `editable` target of py_build_cmake_add_wheel() runs.
    Editable(EditableArgs),
    /// Describe the target Python (wheel tags, suffixes, paths) as JSON.
    PythonTarget(PythonTargetArgs),
    /// Run mypy's stubgen over a staged wheel tree ([tool.py-build-cmake.stubgen]);
    /// stubs never replace existing .pyi files.
    Stubgen(StubgenArgs),
    /// The step of py_build_cmake_add_wheel()'s target: stage the module's
    /// sources and `cmake --install` per configuration and component, run
    /// stubgen, pack, write the depfile and the stamp.
    WheelStep(WheelStepArgs),
    /// Resolve the cross config for PyBuildCmakeToolchain.cmake and write the
    /// CMake script it includes (emulator, the config's toolchain_file).
    CrossToolchain(CrossToolchainArgs),
    /// The PEP 517 hooks behind the Python build backend `pybuildcmake.build`.
    #[command(subcommand)]
    Pep517(Pep517Command),
}

/// The inputs every command that resolves a configuration shares.
#[derive(Debug, Clone, Args)]
pub struct ConfigInputs {
    /// Project directory (holds pyproject.toml).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    #[command(flatten)]
    pub sources: OverrideSources,
}

/// What overrides pyproject.toml, in the order it applies.
#[derive(Debug, Clone, Default, Args)]
pub struct OverrideSources {
    /// Extra local override file (.toml or .pbc), applied in order.
    #[arg(long = "local", value_name = "FILE")]
    pub local: Vec<PathBuf>,
    /// Extra cross-compilation override file (.toml or .pbc), applied in order.
    #[arg(long = "cross", value_name = "FILE")]
    pub cross: Vec<PathBuf>,
    /// Override of the form `KEY OP VALUE`, e.g. `cmake.build_type=Debug`.
    #[arg(
        short = 'o',
        long = "override",
        value_name = "OVERRIDE",
        allow_hyphen_values = true
    )]
    pub overrides: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetOs {
    Linux,
    Windows,
    Mac,
}

impl From<TargetOs> for crate::platform::Os {
    fn from(os: TargetOs) -> Self {
        match os {
            TargetOs::Linux => Self::Linux,
            TargetOs::Windows => Self::Windows,
            TargetOs::Mac => Self::Mac,
        }
    }
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(flatten)]
    pub inputs: ConfigInputs,
    /// Operating system whose section is selected (default: the running OS).
    #[arg(long = "os", value_enum)]
    pub os: Option<TargetOs>,
    /// Print the effective configuration as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Print the option reference generated from the schema.
    #[arg(long, conflicts_with = "json")]
    pub format: bool,
}

#[derive(Debug, Args)]
pub struct EditableArgs {
    #[command(flatten)]
    pub inputs: ConfigInputs,
    #[command(flatten)]
    pub install: InstallLoopArgs,
    /// Target interpreter (default: PY_BUILD_CMAKE_PYTHON, else python3 on PATH).
    #[arg(long)]
    pub python: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct WheelArgs {
    #[command(flatten)]
    pub inputs: ConfigInputs,
    /// Staged install tree (its root becomes platlib, or purelib for pure wheels).
    #[arg(long)]
    pub staging: PathBuf,
    /// Target interpreter of a native build (default: PY_BUILD_CMAKE_PYTHON, else python3 on PATH).
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Where the wheel is written (default: <project>/dist).
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    #[arg(long)]
    pub python_tag: Option<String>,
    #[arg(long)]
    pub abi_tag: Option<String>,
    #[arg(long)]
    pub platform_tag: Option<String>,
    #[arg(long)]
    pub build_tag: Option<String>,
    /// Compression threads (default: every core).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Also write the files the wheel's metadata was read from (pyproject.toml,
    /// override files, readme, license files), one absolute path per line,
    /// for a build tool's dependency list.
    #[arg(long)]
    pub inputs_list: Option<PathBuf>,
    #[command(flatten)]
    pub bundle: BundleArgs,
}

/// How the wheel step bundles shared libraries (wheel.bundle_libs).
#[derive(Debug, Clone, Default, Args)]
pub struct BundleArgs {
    /// Leave the shared libraries the ELF files need out of the wheel
    /// (overrides wheel.bundle_libs).
    #[arg(long)]
    pub no_bundle_libs: bool,
    /// A library never bundled, by its DT_NEEDED name (adds to wheel.bundle_exclude).
    #[arg(long, value_name = "NAME")]
    pub bundle_exclude: Vec<String>,
    /// A directory searched for libraries to bundle, after the files' own RPATH/RUNPATH.
    #[arg(long, value_name = "DIR")]
    pub bundle_search_dir: Vec<PathBuf>,
    /// A prefix (as in CMAKE_PREFIX_PATH) whose lib dirs are searched next.
    #[arg(long, value_name = "DIR")]
    pub bundle_prefix: Vec<PathBuf>,
    /// The target's system root: its lib dirs replace the build machine's.
    #[arg(long, value_name = "DIR")]
    pub bundle_sysroot: Vec<PathBuf>,
}

#[derive(Debug, Args)]
// The override sources only change a project's configuration.
#[command(mut_group("OverrideSources", |group| group.requires("project")))]
pub struct PythonTargetArgs {
    /// Native interpreter to describe (default: PY_BUILD_CMAKE_PYTHON, else python3 on PATH).
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Where the interpreter's answer is cached (default: $XDG_CACHE_HOME/py-build-cmake).
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
    /// Do not read or write the cache.
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,
    /// Resolve the target of this project's configuration instead (its
    /// `cross` section, cross files or automatic cross compilation), and
    /// print the wheel tags and CMake cache entries it implies too; --local,
    /// --cross, -o and --os apply to it.
    #[arg(long)]
    pub project: Option<PathBuf>,
    #[command(flatten)]
    pub sources: OverrideSources,
    /// Operating system whose section is selected (default: the running OS).
    #[arg(long = "os", value_enum, requires = "project")]
    pub os: Option<TargetOs>,
}

#[derive(Debug, Args)]
pub struct CmakeVarsArgs {
    #[command(flatten)]
    pub inputs: ConfigInputs,
    /// Target interpreter of a native build (default: PY_BUILD_CMAKE_PYTHON, else python3 on PATH).
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Which numbered CMake configuration (`cmake.N`) the build uses.
    #[arg(long, default_value_t = 0)]
    pub cmake_index: u64,
    /// The CMake script to write (rewritten only when its content changes).
    #[arg(long)]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct SdistArgs {
    #[command(flatten)]
    pub inputs: ConfigInputs,
    /// Where the sdist is written (default: <project>/dist).
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Installs `<prefix>/bin/py-build-cmake` and `<prefix>/lib/cmake/PyBuildCmake/`.
    #[arg(long)]
    pub prefix: PathBuf,
}

#[derive(Debug, Args)]
pub struct PresetsArgs {
    /// Project directory (holds pyproject.toml).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// Add a preset for the native target (the default when no --cross is given).
    #[arg(long)]
    pub native: bool,
    /// A cross config; each gets its own presets.
    #[arg(long = "cross", value_name = "FILE")]
    pub cross: Vec<PathBuf>,
    /// The presets file (default: <project>/CMakePresets.pybuildcmake.json).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CrossToolchainArgs {
    /// Where the CMake project's source is; pyproject.toml is looked for there
    /// and in its parents. Relative --local/--cross files are relative to the
    /// directory holding pyproject.toml.
    #[arg(long)]
    pub source_dir: PathBuf,
    #[command(flatten)]
    pub sources: OverrideSources,
    /// The CMake script to write (rewritten only when its content changes).
    #[arg(long)]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub inputs: ConfigInputs,
    /// Target interpreter of a native build (default: PY_BUILD_CMAKE_PYTHON, else python3 on PATH).
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Where the wheel is written (default: <project>/dist).
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// One line per step; a failing step's output only when it fails.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Each hook prints its answer as the last line of stdout.
#[derive(Debug, Subcommand)]
pub enum Pep517Command {
    /// The build requirements (a JSON list): cmake and ninja when no suitable
    /// one is on PATH, mypy for stubgen.
    GetRequires(GetRequiresArgs),
    /// Write `<name>-<version>.dist-info` (METADATA, entry points, licence
    /// files) into the directory without building; prints its name.
    PrepareMetadata(PrepareMetadataArgs),
    /// Build the wheel into the directory; prints its file name.
    BuildWheel(BuildWheelArgs),
    /// Build the editable wheel (PEP 660) into the directory, as
    /// tool.py-build-cmake.editable says; prints its file name.
    BuildEditable(BuildWheelArgs),
    /// Write the sdist into the directory; prints its file name.
    BuildSdist(BuildSdistArgs),
}

/// What every hook gets from the frontend.
#[derive(Debug, Clone, Args)]
pub struct HookInputs {
    /// Project directory (holds pyproject.toml).
    #[arg(long, default_value = ".")]
    pub project: PathBuf,
    /// The frontend's config settings as a JSON object of strings or lists
    /// of strings (`local`, `cross`, `o`/`override`, `verbose`, ...).
    #[arg(long, default_value = "{}")]
    pub config_settings: String,
    /// The interpreter running the backend: the wheel's target when native.
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// A site-packages dir the backend imports from (the isolated build
    /// env's): where the CMake packages of pybind11 and nanobind are.
    #[arg(long = "site-packages", value_name = "DIR")]
    pub site_packages: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Hook {
    Wheel,
    Sdist,
    Editable,
}

#[derive(Debug, Args)]
pub struct GetRequiresArgs {
    #[command(flatten)]
    pub inputs: HookInputs,
    /// Which build the requirements are for.
    #[arg(long, value_enum)]
    pub hook: Hook,
}

#[derive(Debug, Args)]
pub struct PrepareMetadataArgs {
    #[command(flatten)]
    pub inputs: HookInputs,
    #[arg(long)]
    pub metadata_directory: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildWheelArgs {
    #[command(flatten)]
    pub inputs: HookInputs,
    #[arg(long)]
    pub wheel_directory: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildSdistArgs {
    #[command(flatten)]
    pub inputs: HookInputs,
    #[arg(long)]
    pub sdist_directory: PathBuf,
}

#[derive(Debug, Args)]
pub struct WheelStepArgs {
    #[command(flatten)]
    pub inputs: ConfigInputs,
    #[command(flatten)]
    pub install: InstallLoopArgs,
    /// The staging tree (emptied first).
    #[arg(long)]
    pub staging: PathBuf,
    /// CMake installs the module (module.generated, a component wheel).
    #[arg(long)]
    pub no_module: bool,
    /// Run stubgen ([tool.py-build-cmake.stubgen]) over the staged tree.
    #[arg(long)]
    pub stubgen: bool,
    /// Target interpreter of a native build.
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Runs the cross target's Python under an emulator (for stubgen).
    #[arg(long)]
    pub launcher: Option<PathBuf>,
    /// Where the wheel is written.
    #[arg(long)]
    pub out_dir: PathBuf,
    /// Receives the wheel's path.
    #[arg(long)]
    pub stamp: PathBuf,
    /// Receives `<stamp>: <every file the wheel came from>`.
    #[arg(long)]
    pub depfile: PathBuf,
    #[command(flatten)]
    pub bundle: BundleArgs,
}

/// The configurations x components install loop over a built CMake tree
/// (the `wheel` and `editable` targets run it).
#[derive(Debug, Args)]
pub struct InstallLoopArgs {
    /// The CMake build tree whose install rules run.
    #[arg(long)]
    pub build_dir: PathBuf,
    /// The cmake program that runs `--install`.
    #[arg(long, default_value = "cmake")]
    pub cmake: PathBuf,
    /// A configuration to install (repeat; none or "": one run without --config).
    #[arg(long, value_name = "CONFIG")]
    pub config: Vec<String>,
    /// An install component (repeat; "" is the default component).
    #[arg(long, value_name = "COMPONENT")]
    pub component: Vec<String>,
    /// An extra `cmake --install` argument (repeat).
    #[arg(long, value_name = "ARG", allow_hyphen_values = true)]
    pub install_arg: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StubgenArgs {
    #[command(flatten)]
    pub inputs: ConfigInputs,
    /// Staged wheel tree: searched for the modules, receives the stubs.
    #[arg(long)]
    pub staging: PathBuf,
    /// The target interpreter (it imports the built modules).
    #[arg(long)]
    pub python: PathBuf,
    /// --python is a launcher running the target interpreter under an emulator.
    #[arg(long)]
    pub launcher: bool,
}
