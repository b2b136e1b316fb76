# PyBuildCmake: build Python wheels from a CMake project.
#
#   find_package(PyBuildCmake REQUIRED)   # after project(); reads pyproject.toml
#   ...
#   py_build_cmake_add_wheel()            # adds the `wheel` target
#   py_build_cmake_add_sdist()            # adds the `sdist` target
#
# find_package(PyBuildCmake) runs the py-build-cmake helper once (it is
# skipped while nothing it read changed) and sets, in the calling scope:
# - the PY_BUILD_CMAKE_* variables py-build-cmake projects use (README.md lists them),
# - FindPython / FindPython3 hints (tool.py-build-cmake.cmake.find_python{,3})
#   so find_package(Python3 COMPONENTS Development.Module) finds the target
#   Python and Python3_add_library(WITH_SOABI / USE_SABI) agrees with the tags,
# - pybind11 / nanobind hints (PYTHON_MODULE_EXTENSION, NB_SUFFIX, ..., and
#   pybind11_ROOT / nanobind_ROOT pointing at the target's site-packages),
# - tool.py-build-cmake.cmake.options as cache defaults.
#
# Inputs (cache or normal variables, set before find_package):
#   PY_BUILD_CMAKE_EXECUTABLE  the helper (default: found or built, see below)
#   PY_BUILD_CMAKE_PYTHON      target interpreter (default: Python3_EXECUTABLE,
#                              then $ENV{PY_BUILD_CMAKE_PYTHON}, then python3 on PATH)
#   PY_BUILD_CMAKE_LOCAL       list of extra local override files (--local)
#   PY_BUILD_CMAKE_CROSS       list of cross config files (--cross)
#   PY_BUILD_CMAKE_OVERRIDES   list of overrides (-o), e.g. cmake.build_type=Debug
#   PY_BUILD_CMAKE_CMAKE_INDEX which numbered cmake config (cmake.N) applies (default 0)
#   PY_BUILD_CMAKE_WHEEL_DIR   where py_build_cmake_add_wheel() writes wheels when it
#                              is given no OUTPUT_DIR (default <project>/dist)
#
# find_package(PyBuildCmake COMPONENTS Superbuild) in a project without a
# pyproject.toml only defines py_build_cmake_add_wheel_matrix().

if(CMAKE_VERSION VERSION_LESS 3.20)
  message(FATAL_ERROR "PyBuildCmake needs CMake 3.20 or newer (this is ${CMAKE_VERSION})")
endif()
# find_package gives this file its own policy scope; the functions below
# keep these policies wherever they are called.
cmake_policy(VERSION 3.20...4.4)

# --- Helper location ----------------------------------------------------------
# _py_build_cmake_find_helper(), shared with PyBuildCmakeToolchain.cmake.
include("${CMAKE_CURRENT_LIST_DIR}/PyBuildCmakeHelper.cmake")

# --- Configure-time resolution -----------------------------------------------

# The directory holding pyproject.toml: the project's source dir or the
# nearest parent that has one (cmake.source_path may point below it).
function(_py_build_cmake_project_dir out_var)
  set(dir "${PROJECT_SOURCE_DIR}")
  while(NOT EXISTS "${dir}/pyproject.toml")
    get_filename_component(parent "${dir}" DIRECTORY)
    if(parent STREQUAL dir)
      message(FATAL_ERROR "PyBuildCmake: no pyproject.toml in ${PROJECT_SOURCE_DIR} "
        "or any parent directory; find_package(PyBuildCmake) reads the project's "
        "pyproject.toml, so call it from a project that has one.")
    endif()
    set(dir "${parent}")
  endwhile()
  set(${out_var} "${dir}" PARENT_SCOPE)
endfunction()

# The target interpreter: PY_BUILD_CMAKE_PYTHON, Python3_EXECUTABLE,
# $ENV{PY_BUILD_CMAKE_PYTHON}, else python3 on PATH.
function(_py_build_cmake_python out_var)
  if(PY_BUILD_CMAKE_PYTHON)
    set(python "${PY_BUILD_CMAKE_PYTHON}")
  elseif(Python3_EXECUTABLE AND NOT Python3_EXECUTABLE STREQUAL "${PY_BUILD_CMAKE_TARGET_PYTHON_LAUNCHER}")
    # (The wrapper toolchain's launcher of a cross target's Python is no
    # interpreter of the build machine.)
    set(python "${Python3_EXECUTABLE}")
  elseif(DEFINED ENV{PY_BUILD_CMAKE_PYTHON} AND NOT "$ENV{PY_BUILD_CMAKE_PYTHON}" STREQUAL "")
    set(python "$ENV{PY_BUILD_CMAKE_PYTHON}")
  else()
    find_program(_PY_BUILD_CMAKE_PYTHON3 NAMES python3 python NO_CMAKE_PATH NO_CMAKE_ENVIRONMENT_PATH)
    set(python "${_PY_BUILD_CMAKE_PYTHON3}")
    unset(_PY_BUILD_CMAKE_PYTHON3 CACHE)
    if(NOT python)
      message(FATAL_ERROR "PyBuildCmake: no python3 on PATH; set PY_BUILD_CMAKE_PYTHON "
        "(or Python3_EXECUTABLE) to the interpreter the wheel is for.")
    endif()
  endif()
  if(NOT EXISTS "${python}")
    message(FATAL_ERROR "PyBuildCmake: the target interpreter '${python}' does not exist; "
      "set PY_BUILD_CMAKE_PYTHON to an existing interpreter.")
  endif()
  set(${out_var} "${python}" PARENT_SCOPE)
endfunction()

# Turns paths relative to the project directory into absolute ones.
function(_py_build_cmake_absolute out_var project_dir)
  set(result "")
  foreach(path IN LISTS ARGN)
    get_filename_component(path "${path}" ABSOLUTE BASE_DIR "${project_dir}")
    list(APPEND result "${path}")
  endforeach()
  set(${out_var} "${result}" PARENT_SCOPE)
endfunction()

# The arguments every helper call shares: project, override files and overrides.
function(_py_build_cmake_config_args out_var project_dir)
  set(args --project "${project_dir}")
  _py_build_cmake_absolute(local "${project_dir}" ${PY_BUILD_CMAKE_LOCAL})
  _py_build_cmake_absolute(cross "${project_dir}" ${PY_BUILD_CMAKE_CROSS})
  foreach(file IN LISTS local)
    list(APPEND args --local "${file}")
  endforeach()
  foreach(file IN LISTS cross)
    list(APPEND args --cross "${file}")
  endforeach()
  foreach(override IN LISTS PY_BUILD_CMAKE_OVERRIDES)
    list(APPEND args "--override=${override}")
  endforeach()
  set(${out_var} "${args}" PARENT_SCOPE)
endfunction()

# Runs `py-build-cmake cmake-vars` unless its last answer still holds: same
# helper, interpreter, arguments and environment hints, and no input file
# (pyproject.toml, override files) newer than that answer. Sets out_var to
# the script to include.
function(_py_build_cmake_resolve out_var helper python project_dir)
  set(dir "${PROJECT_BINARY_DIR}/py-build-cmake")
  set(vars_file "${dir}/cmake-vars.cmake")
  set(key_file "${dir}/cmake-vars.key")
  _py_build_cmake_config_args(config_args "${project_dir}")
  if(NOT DEFINED PY_BUILD_CMAKE_CMAKE_INDEX)
    set(PY_BUILD_CMAKE_CMAKE_INDEX 0)
  endif()
  set(args cmake-vars ${config_args} --python "${python}"
      --cmake-index "${PY_BUILD_CMAKE_CMAKE_INDEX}" --output "${vars_file}")
  file(TIMESTAMP "${helper}" helper_time "%s")
  file(TIMESTAMP "${python}" python_time "%s")
  set(key "${helper}@${helper_time}|${python}@${python_time}|${args}")
  # Files py-build-cmake reads when they exist, and environment variables
  # that select automatic cross compilation.
  foreach(name IN ITEMS py-build-cmake.local.toml py-build-cmake.local.pbc
                        py-build-cmake.cross.toml py-build-cmake.cross.pbc)
    if(EXISTS "${project_dir}/${name}")
      string(APPEND key "|${name}")
    endif()
  endforeach()
  string(APPEND key "|$ENV{ARCHFLAGS}|$ENV{DIST_EXTRA_CONFIG}|$ENV{PY_BUILD_CMAKE_PYTHON}")

  set(up_to_date FALSE)
  if(EXISTS "${vars_file}" AND EXISTS "${key_file}")
    file(READ "${key_file}" old_key)
    if(old_key STREQUAL key)
      set(up_to_date TRUE)
      include("${vars_file}")
      foreach(input IN LISTS PY_BUILD_CMAKE_INPUT_FILES)
        if(NOT EXISTS "${input}" OR "${input}" IS_NEWER_THAN "${key_file}")
          set(up_to_date FALSE)
        endif()
      endforeach()
    endif()
  endif()
  if(NOT up_to_date)
    execute_process(
      COMMAND "${helper}" ${args}
      RESULT_VARIABLE result
      ERROR_VARIABLE error)
    if(NOT result EQUAL 0)
      string(STRIP "${error}" error)
      # The helper reads the configuration and runs the target Python; its
      # message says which of them failed.
      message(FATAL_ERROR "PyBuildCmake: the helper failed (exit ${result}) while "
        "resolving ${project_dir}/pyproject.toml for the Python ${python}:\n"
        "${error}\n(command: ${helper} ${args})")
    endif()
    file(WRITE "${key_file}" "${key}")
    message(STATUS "PyBuildCmake: resolved with ${helper} for ${python}")
  endif()
  set(${out_var} "${vars_file}" PARENT_SCOPE)
endfunction()

# Applies tool.py-build-cmake.cmake.options as cache defaults: set when the
# entry is new, or when it still holds the default set last time (so a
# changed pyproject.toml takes effect), never over a value the user chose.
function(_py_build_cmake_apply_options)
  set(i 0)
  foreach(name IN LISTS PY_BUILD_CMAKE_OPTION_NAMES)
    set(type "${PY_BUILD_CMAKE_OPTION_${i}_TYPE}")
    set(value "${PY_BUILD_CMAKE_OPTION_${i}_VALUE}")
    set(last "_PY_BUILD_CMAKE_OPTION_DEFAULT_${name}")
    if(NOT DEFINED CACHE{${name}}
       OR (DEFINED CACHE{${last}} AND "$CACHE{${name}}" STREQUAL "$CACHE{${last}}"))
      set(${name} "${value}" CACHE ${type} "Set by tool.py-build-cmake.cmake.options" FORCE)
    endif()
    set(${last} "${value}" CACHE INTERNAL "")
    math(EXPR i "${i} + 1")
  endforeach()
  # The build type is a cache default of single-config generators too.
  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(PY_BUILD_CMAKE_BUILD_TYPE AND NOT multi_config AND NOT CMAKE_BUILD_TYPE)
    set(CMAKE_BUILD_TYPE "${PY_BUILD_CMAKE_BUILD_TYPE}" CACHE STRING
      "Set by tool.py-build-cmake.cmake.build_type" FORCE)
  endif()
endfunction()

# --- The wheel target ----------------------------------------------------------

# A CMake bracket argument holding `value` verbatim.
function(_py_build_cmake_quote out_var value)
  set(eq "")
  while(TRUE)
    string(FIND "${value}]${eq}" "]${eq}]" pos)
    if(pos EQUAL -1)
      break()
    endif()
    string(APPEND eq "=")
  endwhile()
  set(${out_var} "[${eq}[${value}]${eq}]" PARENT_SCOPE)
endfunction()

# Appends `set(NAME value)` to the variable `content_var` (the settings file
# the wheel step reads).
function(_py_build_cmake_setting content_var name)
  set(elements "")
  foreach(item IN LISTS ARGN)
    # An element's own semicolons stay escaped inside the list.
    string(REPLACE ";" "\\;" item "${item}")
    _py_build_cmake_quote(quoted "${item}")
    string(APPEND elements " ${quoted}")
  endforeach()
  if(elements STREQUAL "")
    set(elements " \"\"")
  endif()
  set(${content_var} "${${content_var}}set(${name}${elements})\n" PARENT_SCOPE)
endfunction()

# Every buildsystem target under `dir` that `all` builds.
function(_py_build_cmake_all_targets out_var dir)
  set(result "")
  get_property(excluded DIRECTORY "${dir}" PROPERTY EXCLUDE_FROM_ALL)
  if(NOT excluded)
    get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
    foreach(target IN LISTS targets)
      get_property(type TARGET ${target} PROPERTY TYPE)
      get_property(skip TARGET ${target} PROPERTY EXCLUDE_FROM_ALL)
      get_property(ours TARGET ${target} PROPERTY _PY_BUILD_CMAKE_TARGET)
      # Custom targets carry no mark of being in `all`; ones whose output is
      # installed need add_dependencies(wheel <target>).
      if(NOT skip AND NOT ours AND NOT type MATCHES "^(INTERFACE_LIBRARY|UTILITY|GLOBAL_TARGET)$")
        list(APPEND result ${target})
      endif()
    endforeach()
  endif()
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    _py_build_cmake_all_targets(sub "${subdir}")
    list(APPEND result ${sub})
  endforeach()
  set(${out_var} "${result}" PARENT_SCOPE)
endfunction()

# Runs at the end of the top-level CMakeLists.txt: the wheel target depends
# on every target `all` builds under the project's directory (the one whose
# install rules it runs), including those defined after it.
function(_py_build_cmake_depend_on_all wheel_target project_dir)
  _py_build_cmake_all_targets(targets "${project_dir}")
  if(targets)
    add_dependencies(${wheel_target} ${targets})
  endif()
endfunction()

# The helper's bundling arguments: the function's BUNDLE_LIBS / BUNDLE_EXCLUDE
# (ARG_* of the caller) and where CMake found libraries: the prefixes, the
# library path and, when cross compiling, the target's roots.
macro(_py_build_cmake_bundle_args out)
  set(${out} "")
  if(DEFINED ARG_BUNDLE_LIBS AND NOT ARG_BUNDLE_LIBS)
    list(APPEND ${out} --no-bundle-libs)
  endif()
  foreach(_pbc_item IN LISTS ARG_BUNDLE_EXCLUDE)
    list(APPEND ${out} --bundle-exclude "${_pbc_item}")
  endforeach()
  foreach(_pbc_item IN LISTS CMAKE_PREFIX_PATH)
    list(APPEND ${out} --bundle-prefix "${_pbc_item}")
  endforeach()
  foreach(_pbc_item IN LISTS CMAKE_LIBRARY_PATH)
    list(APPEND ${out} --bundle-search-dir "${_pbc_item}")
  endforeach()
  if(CMAKE_CROSSCOMPILING)
    foreach(_pbc_item IN LISTS CMAKE_SYSROOT CMAKE_FIND_ROOT_PATH)
      list(APPEND ${out} --bundle-sysroot "${_pbc_item}")
    endforeach()
  endif()
endmacro()

# py_build_cmake_add_wheel([TARGET name] [COMPONENTS comp...] [CONFIGS cfg...]
#                          [OUTPUT_DIR dir] [PROJECT_DIR dir]
#                          [BUNDLE_LIBS ON|OFF] [BUNDLE_EXCLUDE lib...])
# Adds a target (default `wheel`) that builds everything, installs the
# install components (default tool.py-build-cmake.cmake.install_components;
# "" is the default component) of the configurations CONFIGS (default
# install_config; else the configuration being built) into a staging dir
# under the build tree, adds the module's Python sources, runs stubgen when
# configured, and packs the wheel into OUTPUT_DIR (default <project>/dist;
# relative to the project directory). It does nothing when no input changed.
# PROJECT_DIR (relative to the project directory) makes it a second
# distribution: the wheel of the component project there (its pyproject.toml
# has [project], main_project and component), holding only COMPONENTS.
# BUNDLE_LIBS OFF leaves the shared libraries the wheel needs out of it
# (default: wheel.bundle_libs); BUNDLE_EXCLUDE names libraries never bundled.
function(py_build_cmake_add_wheel)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "TARGET;OUTPUT_DIR;PROJECT_DIR;BUNDLE_LIBS"
    "COMPONENTS;CONFIGS;BUNDLE_EXCLUDE")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "py_build_cmake_add_wheel: unknown arguments "
      "'${ARG_UNPARSED_ARGUMENTS}'; it takes TARGET, COMPONENTS, CONFIGS, OUTPUT_DIR, "
      "PROJECT_DIR, BUNDLE_LIBS and BUNDLE_EXCLUDE")
  endif()
  if(NOT DEFINED PY_BUILD_CMAKE_HELPER)
    message(FATAL_ERROR "py_build_cmake_add_wheel: call find_package(PyBuildCmake) first")
  endif()
  set(name wheel)
  if(ARG_TARGET)
    set(name "${ARG_TARGET}")
  endif()
  if(TARGET ${name})
    message(FATAL_ERROR "py_build_cmake_add_wheel: a target named '${name}' already "
      "exists; pick another name with TARGET")
  endif()
  set(out_dir "${PY_BUILD_CMAKE_PROJECT_DIR}/dist")
  if(PY_BUILD_CMAKE_WHEEL_DIR)
    # Set by py_build_cmake_add_wheel_matrix(), which collects every target's wheel.
    set(out_dir "${PY_BUILD_CMAKE_WHEEL_DIR}")
  endif()
  if(ARG_OUTPUT_DIR)
    get_filename_component(out_dir "${ARG_OUTPUT_DIR}" ABSOLUTE BASE_DIR "${PY_BUILD_CMAKE_PROJECT_DIR}")
  endif()

  # Components: "" (the default component) travels as a flag.
  if(DEFINED ARG_COMPONENTS OR "COMPONENTS" IN_LIST ARG_KEYWORDS_MISSING_VALUES)
    set(components "")
    set(default_component OFF)
    foreach(component IN LISTS ARG_COMPONENTS)
      if(component STREQUAL "")
        set(default_component ON)
      else()
        list(APPEND components "${component}")
      endif()
    endforeach()
  else()
    set(components ${PY_BUILD_CMAKE_INSTALL_COMPONENTS})
    set(default_component ${PY_BUILD_CMAKE_INSTALL_DEFAULT_COMPONENT})
  endif()

  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(DEFINED ARG_CONFIGS)
    set(configs ${ARG_CONFIGS})
  else()
    set(configs ${PY_BUILD_CMAKE_INSTALL_CONFIGS})
  endif()
  if(NOT configs)
    # The configuration being built (single-config: CMAKE_BUILD_TYPE, maybe empty).
    set(configs "$<CONFIG>")
  endif()

  set(work "${CMAKE_CURRENT_BINARY_DIR}/py-build-cmake/${name}")
  if(multi_config)
    set(work "${work}/$<CONFIG>")
  endif()
  set(stamp "${work}/wheel.stamp")
  set(depfile "${work}/wheel.d")
  if(multi_config AND CMAKE_VERSION VERSION_LESS 3.21)
    # CMake 3.20 hands a DEPFILE's $<CONFIG> unexpanded to its depfile
    # transform, so every build would repack: one depfile for all configs.
    set(depfile "${CMAKE_CURRENT_BINARY_DIR}/py-build-cmake/${name}/wheel.d")
  endif()
  set(settings_file "${work}/settings.cmake")

  _py_build_cmake_config_args(config_args "${PY_BUILD_CMAKE_PROJECT_DIR}")
  set(module_kind "${PY_BUILD_CMAKE_MODULE_SOURCE_KIND}")
  set(stubgen "${PY_BUILD_CMAKE_STUBGEN}")
  set(inputs ${PY_BUILD_CMAKE_INPUT_FILES})
  if(ARG_PROJECT_DIR)
    get_filename_component(component_dir "${ARG_PROJECT_DIR}" ABSOLUTE BASE_DIR "${PY_BUILD_CMAKE_PROJECT_DIR}")
    if(NOT EXISTS "${component_dir}/pyproject.toml")
      message(FATAL_ERROR "py_build_cmake_add_wheel: PROJECT_DIR ${component_dir} has no "
        "pyproject.toml; write one with [project] and [tool.py-build-cmake] main_project")
    endif()
    if(NOT ARG_COMPONENTS)
      message(FATAL_ERROR "py_build_cmake_add_wheel: PROJECT_DIR needs COMPONENTS: "
        "the install components its wheel holds")
    endif()
    # The helper packs with the component project's metadata and this
    # project's tags; the override inputs stay this project's.
    list(REMOVE_AT config_args 0 1)
    list(PREPEND config_args --project "${component_dir}")
    # Its wheel holds the components only.
    set(module_kind "generated")
    set(stubgen OFF)
    list(APPEND inputs "${component_dir}/pyproject.toml")
  endif()
  set(content "# Settings of the `${name}` target, read by PyBuildCmakeWheel.cmake.\n")
  _py_build_cmake_setting(content PBC_HELPER "${PY_BUILD_CMAKE_HELPER}")
  _py_build_cmake_setting(content PBC_HELPER_ARGS ${config_args})
  _py_build_cmake_setting(content PBC_PYTHON "${PY_BUILD_CMAKE_PYTHON_INTERPRETER}")
  _py_build_cmake_setting(content PBC_CROSSCOMPILING "${PY_BUILD_CMAKE_CROSSCOMPILING}")
  _py_build_cmake_setting(content PBC_TARGET_PYTHON_LAUNCHER "${PY_BUILD_CMAKE_TARGET_PYTHON_LAUNCHER}")
  _py_build_cmake_setting(content PBC_BINARY_DIR "${PROJECT_BINARY_DIR}")
  _py_build_cmake_setting(content PBC_STAGING_DIR "${work}/staging")
  _py_build_cmake_setting(content PBC_OUTPUT_DIR "${out_dir}")
  _py_build_cmake_setting(content PBC_STAMP "${stamp}")
  _py_build_cmake_setting(content PBC_DEPFILE "${depfile}")
  _py_build_cmake_setting(content PBC_CONFIGS ${configs})
  _py_build_cmake_setting(content PBC_COMPONENTS ${components})
  _py_build_cmake_setting(content PBC_DEFAULT_COMPONENT "${default_component}")
  _py_build_cmake_setting(content PBC_INSTALL_ARGS ${PY_BUILD_CMAKE_INSTALL_ARGS})
  _py_build_cmake_setting(content PBC_ENV ${PY_BUILD_CMAKE_ENV})
  _py_build_cmake_setting(content PBC_MODULE_SOURCE_KIND "${module_kind}")
  _py_build_cmake_setting(content PBC_MODULE_SOURCE "${PY_BUILD_CMAKE_MODULE_SOURCE}")
  _py_build_cmake_setting(content PBC_MODULE_DESTINATION "${PY_BUILD_CMAKE_MODULE_DESTINATION}")
  _py_build_cmake_setting(content PBC_STUBGEN "${stubgen}")
  _py_build_cmake_bundle_args(bundle_args)
  _py_build_cmake_setting(content PBC_BUNDLE_ARGS ${bundle_args})
  # file(GENERATE) writes one file per configuration, only when it changes.
  file(GENERATE OUTPUT "${settings_file}" CONTENT "${content}")

  set(script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/PyBuildCmakeWheel.cmake")
  add_custom_command(
    OUTPUT "${stamp}"
    COMMAND "${CMAKE_COMMAND}" "-DPBC_SETTINGS=${settings_file}" -P "${script}"
    DEPENDS "${settings_file}" "${script}" "${PY_BUILD_CMAKE_HELPER}" ${inputs}
    # Written by the step: every installed source file, the build artifacts,
    # the module's Python sources and their directories, and the wheel.
    DEPFILE "${depfile}"
    COMMENT "Packing the wheel of ${PY_BUILD_CMAKE_PROJECT_NAME}"
    VERBATIM)
  add_custom_target(${name} DEPENDS "${stamp}")
  set_property(TARGET ${name} PROPERTY _PY_BUILD_CMAKE_TARGET TRUE)
  # The step writes the wheel's path into the stamp; a driver (the build
  # backend, `py-build-cmake build`) finds the stamp here.
  set(_PY_BUILD_CMAKE_WHEEL_STAMP_${name} "${stamp}" CACHE INTERNAL "")
  # A deferred call expands its arguments when it runs, so EVAL bakes the
  # target name and project dir in now.
  _py_build_cmake_quote(quoted_top "${CMAKE_SOURCE_DIR}")
  _py_build_cmake_quote(quoted_name "${name}")
  _py_build_cmake_quote(quoted_project "${PROJECT_SOURCE_DIR}")
  cmake_language(EVAL CODE "cmake_language(DEFER DIRECTORY ${quoted_top} CALL _py_build_cmake_depend_on_all ${quoted_name} ${quoted_project})")
endfunction()

# py_build_cmake_add_sdist([TARGET name] [OUTPUT_DIR dir])
# Adds a target (default `sdist`) that writes a reproducible source
# distribution (tar.gz with PKG-INFO, pyproject.toml, the sources and the
# files tool.py-build-cmake.sdist.include names) into OUTPUT_DIR (default
# <project>/dist).
function(py_build_cmake_add_sdist)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "TARGET;OUTPUT_DIR" "")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "py_build_cmake_add_sdist: unknown arguments "
      "'${ARG_UNPARSED_ARGUMENTS}'; it takes TARGET and OUTPUT_DIR")
  endif()
  if(NOT DEFINED PY_BUILD_CMAKE_HELPER)
    message(FATAL_ERROR "py_build_cmake_add_sdist: call find_package(PyBuildCmake) first")
  endif()
  set(name sdist)
  if(ARG_TARGET)
    set(name "${ARG_TARGET}")
  endif()
  set(out_dir "${PY_BUILD_CMAKE_PROJECT_DIR}/dist")
  if(PY_BUILD_CMAKE_WHEEL_DIR)
    # Set by py_build_cmake_add_wheel_matrix(), which collects every target's wheel.
    set(out_dir "${PY_BUILD_CMAKE_WHEEL_DIR}")
  endif()
  if(ARG_OUTPUT_DIR)
    get_filename_component(out_dir "${ARG_OUTPUT_DIR}" ABSOLUTE BASE_DIR "${PY_BUILD_CMAKE_PROJECT_DIR}")
  endif()
  _py_build_cmake_config_args(config_args "${PY_BUILD_CMAKE_PROJECT_DIR}")
  # Always runs: the helper walks the source tree, which costs milliseconds,
  # and writes the archive only when its bytes change.
  add_custom_target(${name}
    COMMAND "${PY_BUILD_CMAKE_HELPER}" sdist ${config_args} --out-dir "${out_dir}"
    COMMENT "Writing the sdist of ${PY_BUILD_CMAKE_PROJECT_NAME}"
    VERBATIM)
  set_property(TARGET ${name} PROPERTY _PY_BUILD_CMAKE_TARGET TRUE)
endfunction()

# --- find_package(PyBuildCmake) itself ------------------------------------------
# This part runs in the caller's scope, so the variables it sets are the caller's.

include("${CMAKE_CURRENT_LIST_DIR}/PyBuildCmakeMatrix.cmake")
# A superbuild that only drives other projects' builds asks for the
# Superbuild component alone: it has no pyproject.toml of its own.
if(PyBuildCmake_FIND_COMPONENTS STREQUAL "Superbuild")
  return()
endif()

if(PY_BUILD_CMAKE_CROSS AND NOT PY_BUILD_CMAKE_TOOLCHAIN_ACTIVE)
  message(FATAL_ERROR "PyBuildCmake: PY_BUILD_CMAKE_CROSS is set, but the build does not "
    "use PyBuildCmake's toolchain, so it would compile for this machine. Configure a new "
    "build dir with --toolchain ${CMAKE_CURRENT_LIST_DIR}/PyBuildCmakeToolchain.cmake "
    "-DPY_BUILD_CMAKE_CROSS=<cross.toml>.")
endif()
_py_build_cmake_find_helper(PY_BUILD_CMAKE_HELPER)
_py_build_cmake_project_dir(_py_build_cmake_project_dir)
_py_build_cmake_python(_py_build_cmake_python)
_py_build_cmake_resolve(_py_build_cmake_vars "${PY_BUILD_CMAKE_HELPER}"
  "${_py_build_cmake_python}" "${_py_build_cmake_project_dir}")
include("${_py_build_cmake_vars}")
# A cross build selects its compilers and system through a toolchain file,
# which must be in place before project(): only the wrapper toolchain applies it.
if(PY_BUILD_CMAKE_CROSSCOMPILING AND NOT PY_BUILD_CMAKE_TOOLCHAIN_ACTIVE)
  message(FATAL_ERROR "PyBuildCmake: the configuration cross-compiles (PY_BUILD_CMAKE_CROSS, "
    "a `cross` section, py-build-cmake.cross.toml, or ARCHFLAGS / DIST_EXTRA_CONFIG), "
    "but the project was not configured with the wrapper toolchain that applies it. "
    "Configure a fresh build directory with\n"
    "  cmake --toolchain ${CMAKE_CURRENT_LIST_DIR}/PyBuildCmakeToolchain.cmake "
    "-DPY_BUILD_CMAKE_CROSS=<cross.toml> ...")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PY_BUILD_CMAKE_INPUT_FILES})
unset(_py_build_cmake_project_dir)
unset(_py_build_cmake_python)
unset(_py_build_cmake_vars)

# The helper and this package come from one build: a mismatch means one of
# them is stale. (find_package sets PyBuildCmake_VERSION only after this file.)
file(STRINGS "${CMAKE_CURRENT_LIST_DIR}/PyBuildCmakeConfigVersion.cmake" _py_build_cmake_version
  REGEX "^set\\(PACKAGE_VERSION ")
string(REGEX REPLACE "^set\\(PACKAGE_VERSION \"([^\"]*)\"\\)$" "\\1"
  _py_build_cmake_version "${_py_build_cmake_version}")
if(NOT PY_BUILD_CMAKE_HELPER_VERSION STREQUAL _py_build_cmake_version)
  message(WARNING "PyBuildCmake: the helper ${PY_BUILD_CMAKE_HELPER} is version "
    "${PY_BUILD_CMAKE_HELPER_VERSION} but this CMake package is ${_py_build_cmake_version}; "
    "rebuild or reinstall them together (py-build-cmake install --prefix <prefix>).")
endif()
unset(_py_build_cmake_version)
# (A driver, which sets _PY_BUILD_CMAKE_DRIVEN, applies them itself.)
if(PY_BUILD_CMAKE_DRIVER_ONLY_OPTIONS AND NOT _PY_BUILD_CMAKE_DRIVEN)
  message(STATUS "PyBuildCmake: tool.py-build-cmake.cmake options "
    "${PY_BUILD_CMAKE_DRIVER_ONLY_OPTIONS} apply to the CMake command line and are "
    "not applied from inside CMake; pass them to cmake yourself or use a driver.")
endif()
if(PY_BUILD_CMAKE_MINIMUM_CMAKE_VERSION
   AND CMAKE_VERSION VERSION_LESS PY_BUILD_CMAKE_MINIMUM_CMAKE_VERSION)
  message(FATAL_ERROR "PyBuildCmake: ${PY_BUILD_CMAKE_PROJECT_DIR}/pyproject.toml asks for "
    "CMake ${PY_BUILD_CMAKE_MINIMUM_CMAKE_VERSION} or newer "
    "(tool.py-build-cmake.cmake.minimum_version); this is CMake ${CMAKE_VERSION}. "
    "Install a newer one, e.g. `pip install cmake`.")
endif()
_py_build_cmake_apply_options()
# pybind11 and nanobind ship their CMake packages inside site-packages: the
# target's, and those of the build backend's (isolated) environment, which
# the driver passes as PY_BUILD_CMAKE_BUILD_SITE_PACKAGES.
foreach(_py_build_cmake_pkg IN ITEMS pybind11 nanobind)
  if(NOT DEFINED ${_py_build_cmake_pkg}_ROOT
     AND (PY_BUILD_CMAKE_BUILD_SITE_PACKAGES OR PY_BUILD_CMAKE_PYTHON_SITE_PACKAGES))
    set(${_py_build_cmake_pkg}_ROOT
      ${PY_BUILD_CMAKE_BUILD_SITE_PACKAGES} ${PY_BUILD_CMAKE_PYTHON_SITE_PACKAGES})
  endif()
endforeach()
unset(_py_build_cmake_pkg)
