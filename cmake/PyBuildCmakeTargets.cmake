# The targets a project adds after find_package(PyBuildCmake):
# py_build_cmake_add_wheel() and py_build_cmake_add_sdist().
# Included by PyBuildCmakeConfig.cmake.

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

# Runs at the end of the top-level CMakeLists.txt: each wheel target depends
# on every target `all` builds under its project's directory (the one whose
# install rules it runs), including those defined after it.
function(_py_build_cmake_depend_on_all)
  get_property(wheel_targets GLOBAL PROPERTY _PY_BUILD_CMAKE_WHEEL_TARGETS)
  foreach(wheel_target IN LISTS wheel_targets)
    get_property(project_dir TARGET ${wheel_target} PROPERTY _PY_BUILD_CMAKE_PROJECT_DIR)
    _py_build_cmake_all_targets(targets "${project_dir}")
    if(targets)
      add_dependencies(${wheel_target} ${targets})
    endif()
  endforeach()
endfunction()

# Where a target writes: OUTPUT_DIR (relative to the project directory),
# else the matrix's collecting dir, else <project>/dist.
function(_py_build_cmake_out_dir out_var output_dir)
  set(out_dir "${PY_BUILD_CMAKE_PROJECT_DIR}/dist")
  if(PY_BUILD_CMAKE_WHEEL_DIR)
    # Set by py_build_cmake_add_wheel_matrix(), which collects every target's wheel.
    set(out_dir "${PY_BUILD_CMAKE_WHEEL_DIR}")
  endif()
  if(output_dir)
    get_filename_component(out_dir "${output_dir}" ABSOLUTE BASE_DIR "${PY_BUILD_CMAKE_PROJECT_DIR}")
  endif()
  set(${out_var} "${out_dir}" PARENT_SCOPE)
endfunction()

# Asks CMake's File API to describe the install rules of the tree in
# `build_dir` (codemodel-v2, 2.3+), which the wheel step reads. CMake reads
# this query when a configure starts: the next one of that tree answers it.
# The one spelling of the query in CMake (py_build_cmake_add_wheel() and the
# matrix targets); the driver writes it too (src/install_inputs/file_api.rs,
# whose test checks that the two agree).
function(_py_build_cmake_request_install_rules build_dir)
  set(query "${build_dir}/.cmake/api/v1/query/client-pybuildcmake/codemodel-v2")
  if(NOT EXISTS "${query}")
    file(WRITE "${query}" "")
  endif()
endfunction()

# The start both target functions share, after their cmake_parse_arguments
# (it reads the caller's ARG_*): no unknown arguments (`takes` names the
# known ones), find_package(PyBuildCmake) called, a free target name
# (TARGET, else `default_name`) and the output dir (OUTPUT_DIR), set in the
# caller as `name` and `out_dir`.
function(_py_build_cmake_target_args caller default_name takes)
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${caller}: unknown arguments "
      "'${ARG_UNPARSED_ARGUMENTS}'; it takes ${takes}")
  endif()
  if(NOT DEFINED PY_BUILD_CMAKE_HELPER)
    message(FATAL_ERROR "${caller}: call find_package(PyBuildCmake) first")
  endif()
  set(target_name ${default_name})
  if(ARG_TARGET)
    set(target_name "${ARG_TARGET}")
  endif()
  if(TARGET ${target_name})
    message(FATAL_ERROR "${caller}: a target named '${target_name}' already "
      "exists; pick another name with TARGET")
  endif()
  _py_build_cmake_out_dir(dir "${ARG_OUTPUT_DIR}")
  set(name "${target_name}" PARENT_SCOPE)
  set(out_dir "${dir}" PARENT_SCOPE)
endfunction()

# Two wheel targets packing one project (the same metadata, and this
# tree's tags) into one dir write the same wheel path, each overwriting the
# other's wheel: refused when the second is added, naming both.
function(_py_build_cmake_claim_wheel_path target project_dir out_dir)
  get_property(keys GLOBAL PROPERTY _PY_BUILD_CMAKE_WHEEL_PATH_KEYS)
  get_property(owners GLOBAL PROPERTY _PY_BUILD_CMAKE_WHEEL_PATH_TARGETS)
  set(key "${project_dir}|${out_dir}")
  list(FIND keys "${key}" at)
  if(at GREATER -1)
    list(GET owners ${at} owner)
    message(FATAL_ERROR "py_build_cmake_add_wheel: the wheel targets '${owner}' and "
      "'${target}' would both write the wheel of ${project_dir} into ${out_dir}, each "
      "overwriting the other's; give one another OUTPUT_DIR, or a PROJECT_DIR (a "
      "component project with its own name)")
  endif()
  set_property(GLOBAL APPEND PROPERTY _PY_BUILD_CMAKE_WHEEL_PATH_KEYS "${key}")
  set_property(GLOBAL APPEND PROPERTY _PY_BUILD_CMAKE_WHEEL_PATH_TARGETS "${target}")
endfunction()

# Marks `target` as ours and makes it depend, at the end of the top-level
# CMakeLists.txt, on every target `all` builds under this project (a
# deferred call expands its arguments only when it runs: the targets are
# listed in a global property instead).
function(_py_build_cmake_depend_on_all_later target)
  set_property(TARGET ${target} PROPERTY _PY_BUILD_CMAKE_TARGET TRUE)
  set_property(TARGET ${target} PROPERTY _PY_BUILD_CMAKE_PROJECT_DIR "${PROJECT_SOURCE_DIR}")
  get_property(scheduled GLOBAL PROPERTY _PY_BUILD_CMAKE_WHEEL_TARGETS SET)
  set_property(GLOBAL APPEND PROPERTY _PY_BUILD_CMAKE_WHEEL_TARGETS ${target})
  if(NOT scheduled)
    cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _py_build_cmake_depend_on_all)
  endif()
endfunction()

# The helper's bundling arguments: the function's BUNDLE_LIBS / BUNDLE_EXCLUDE
# (ARG_* of the caller) and where CMake found libraries: the prefixes, the
# library path and, when cross compiling, the target's roots.
function(_py_build_cmake_bundle_args out)
  set(args "")
  if(DEFINED ARG_BUNDLE_LIBS AND NOT ARG_BUNDLE_LIBS)
    list(APPEND args --no-bundle-libs)
  endif()
  foreach(item IN LISTS ARG_BUNDLE_EXCLUDE)
    list(APPEND args --bundle-exclude "${item}")
  endforeach()
  foreach(item IN LISTS CMAKE_PREFIX_PATH)
    list(APPEND args --bundle-prefix "${item}")
  endforeach()
  foreach(item IN LISTS CMAKE_LIBRARY_PATH)
    list(APPEND args --bundle-search-dir "${item}")
  endforeach()
  if(CMAKE_CROSSCOMPILING)
    foreach(item IN LISTS CMAKE_SYSROOT CMAKE_FIND_ROOT_PATH)
      list(APPEND args --bundle-sysroot "${item}")
    endforeach()
  endif()
  set(${out} "${args}" PARENT_SCOPE)
endfunction()

# py_build_cmake_add_wheel([TARGET name] [EDITABLE_TARGET name]
#                          [COMPONENTS comp...] [CONFIGS cfg...]
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
# Unless cross-compiling or PROJECT_DIR is given, it also adds a target
# (EDITABLE_TARGET, default `editable` for `wheel`, else <name>_editable)
# that builds everything and installs the project editable into the target
# Python's environment with pip ([tool.py-build-cmake.editable]).
function(py_build_cmake_add_wheel)
  cmake_parse_arguments(PARSE_ARGV 0 ARG ""
    "TARGET;EDITABLE_TARGET;OUTPUT_DIR;PROJECT_DIR;BUNDLE_LIBS" "COMPONENTS;CONFIGS;BUNDLE_EXCLUDE")
  _py_build_cmake_target_args(py_build_cmake_add_wheel wheel
    "TARGET, EDITABLE_TARGET, COMPONENTS, CONFIGS, OUTPUT_DIR, PROJECT_DIR, BUNDLE_LIBS and BUNDLE_EXCLUDE")
  if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.27)
    # Answered by this configure.
    cmake_file_api(QUERY API_VERSION 1 CODEMODEL 2.3)
  else()
    _py_build_cmake_request_install_rules("${CMAKE_BINARY_DIR}")
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
    set(components ${_PY_BUILD_CMAKE_INSTALL_COMPONENTS})
    set(default_component ${_PY_BUILD_CMAKE_INSTALL_DEFAULT_COMPONENT})
  endif()

  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(DEFINED ARG_CONFIGS)
    set(configs ${ARG_CONFIGS})
  else()
    set(configs ${_PY_BUILD_CMAKE_INSTALL_CONFIGS})
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

  set(helper_project "${PY_BUILD_CMAKE_PROJECT_DIR}")
  set(no_module OFF)
  set(stubgen "${_PY_BUILD_CMAKE_STUBGEN}")
  set(inputs ${_PY_BUILD_CMAKE_INPUT_FILES})
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
    # project's tags.
    set(helper_project "${component_dir}")
    # Its wheel holds the components only.
    set(no_module ON)
    set(stubgen OFF)
    list(APPEND inputs "${component_dir}/pyproject.toml")
  endif()
  _py_build_cmake_claim_wheel_path("${name}" "${helper_project}" "${out_dir}")
  # The override inputs are this project's, also for a component project.
  _py_build_cmake_config_args(config_args "${helper_project}"
    OVERRIDE_BASE "${PY_BUILD_CMAKE_PROJECT_DIR}")
  # The install loop over this build tree, as the wheel step and the
  # editable install run it.
  set(install_loop --build-dir "${PROJECT_BINARY_DIR}" --cmake "${CMAKE_COMMAND}")
  if(default_component)
    list(APPEND install_loop "--component=")
  endif()
  foreach(component IN LISTS components)
    list(APPEND install_loop "--component=${component}")
  endforeach()
  foreach(config IN LISTS configs)
    list(APPEND install_loop "--config=${config}")
  endforeach()
  foreach(arg IN LISTS _PY_BUILD_CMAKE_INSTALL_ARGS)
    list(APPEND install_loop "--install-arg=${arg}")
  endforeach()

  # The step's command: the helper's wheel-step, under cmake.env.
  set(command "")
  if(_PY_BUILD_CMAKE_ENV)
    list(APPEND command "${CMAKE_COMMAND}" -E env ${_PY_BUILD_CMAKE_ENV})
  endif()
  list(APPEND command "${PY_BUILD_CMAKE_HELPER}" wheel-step ${config_args} ${install_loop}
    --staging "${work}/staging" --out-dir "${out_dir}" --stamp "${stamp}" --depfile "${depfile}")
  if(no_module)
    list(APPEND command --no-module)
  endif()
  if(stubgen)
    list(APPEND command --stubgen)
  endif()
  _py_build_cmake_bundle_args(bundle_args)
  list(APPEND command ${bundle_args})
  if(PY_BUILD_CMAKE_PYTHON_INTERPRETER)
    list(APPEND command --python "${PY_BUILD_CMAKE_PYTHON_INTERPRETER}")
  endif()
  if(PY_BUILD_CMAKE_CROSSCOMPILING AND _PY_BUILD_CMAKE_TARGET_PYTHON_LAUNCHER)
    list(APPEND command --launcher "${_PY_BUILD_CMAKE_TARGET_PYTHON_LAUNCHER}")
  endif()

  # Makefile generators do not rerun a command whose text changed: it is
  # also written to a file (rewritten only when it changes) the step depends on.
  set(command_file "${work}/command.txt")
  file(GENERATE OUTPUT "${command_file}" CONTENT "${command}")

  set(script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/PyBuildCmakeWheel.cmake")
  add_custom_command(
    OUTPUT "${stamp}"
    COMMAND "${CMAKE_COMMAND}" -P "${script}" -- "${work}/wheel.lock" ${command}
    DEPENDS "${command_file}" "${script}" "${PY_BUILD_CMAKE_HELPER}" ${inputs}
    # Written by the step: every installed source file, the build artifacts,
    # the module's Python sources and their directories, the metadata's
    # inputs and the wheel.
    DEPFILE "${depfile}"
    COMMENT "Packing the wheel of ${PY_BUILD_CMAKE_PROJECT_NAME}"
    VERBATIM)
  add_custom_target(${name} DEPENDS "${stamp}")
  _py_build_cmake_depend_on_all_later(${name})
  # The step writes the wheel's path into the stamp; a driver (the build
  # backend, `py-build-cmake build`) finds the stamp here. Only this
  # project's own wheels: a driver never builds a PROJECT_DIR one.
  if(NOT ARG_PROJECT_DIR)
    set(_PY_BUILD_CMAKE_WHEEL_STAMP_${name} "${stamp}" CACHE INTERNAL "")
  endif()

  # The same contents installed editable (PEP 660) into the target Python's
  # environment from this build tree, so an IDE's build button keeps it live.
  if(NOT ARG_PROJECT_DIR AND NOT PY_BUILD_CMAKE_CROSSCOMPILING)
    if(ARG_EDITABLE_TARGET)
      set(editable_name "${ARG_EDITABLE_TARGET}")
    elseif(name STREQUAL "wheel")
      set(editable_name editable)
    else()
      set(editable_name "${name}_editable")
    endif()
    if(TARGET ${editable_name})
      message(FATAL_ERROR "py_build_cmake_add_wheel: a target named '${editable_name}' "
        "already exists; name the editable-install target with EDITABLE_TARGET")
    endif()
    add_custom_target(${editable_name}
      COMMAND "${PY_BUILD_CMAKE_HELPER}" editable ${config_args} ${install_loop}
        --python "${PY_BUILD_CMAKE_PYTHON_INTERPRETER}"
      COMMENT "Installing ${PY_BUILD_CMAKE_PROJECT_NAME} editable into the environment of ${PY_BUILD_CMAKE_PYTHON_INTERPRETER}"
      USES_TERMINAL
      VERBATIM)
    _py_build_cmake_depend_on_all_later(${editable_name})
  endif()
endfunction()

# py_build_cmake_add_sdist([TARGET name] [OUTPUT_DIR dir])
# Adds a target (default `sdist`) that writes a reproducible source
# distribution (tar.gz with PKG-INFO, pyproject.toml, the sources and the
# files tool.py-build-cmake.sdist.include names) into OUTPUT_DIR (default
# <project>/dist).
function(py_build_cmake_add_sdist)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "TARGET;OUTPUT_DIR" "")
  _py_build_cmake_target_args(py_build_cmake_add_sdist sdist "TARGET and OUTPUT_DIR")
  _py_build_cmake_config_args(config_args "${PY_BUILD_CMAKE_PROJECT_DIR}")
  # Always runs: the helper walks the source tree, which costs milliseconds,
  # and writes the archive only when its bytes change.
  add_custom_target(${name}
    COMMAND "${PY_BUILD_CMAKE_HELPER}" sdist ${config_args} --out-dir "${out_dir}"
    COMMENT "Writing the sdist of ${PY_BUILD_CMAKE_PROJECT_NAME}"
    VERBATIM)
  set_property(TARGET ${name} PROPERTY _PY_BUILD_CMAKE_TARGET TRUE)
endfunction()

