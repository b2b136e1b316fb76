# The step behind py_build_cmake_add_wheel()'s target, run as
#   cmake -DPBC_SETTINGS=<settings.cmake> -P PyBuildCmakeWheel.cmake
# It stages the Python sources and the install components into a fresh
# staging dir, runs stubgen when configured, packs the wheel with the helper
# and writes a depfile naming everything it read, so the build tool reruns
# it only when one of those changes.

cmake_minimum_required(VERSION 3.20...4.4)

if(NOT PBC_SETTINGS OR NOT EXISTS "${PBC_SETTINGS}")
  message(FATAL_ERROR "PyBuildCmakeWheel.cmake: run it with -DPBC_SETTINGS=<file>")
endif()
include("${PBC_SETTINGS}")

# Two builds of this target at once (two `cmake --build` in one tree) would
# share the staging dir and the depfile: the second waits for the first.
get_filename_component(work_dir "${PBC_STAMP}" DIRECTORY)
file(MAKE_DIRECTORY "${work_dir}")
set(lock_timeout 1800)
file(LOCK "${work_dir}/wheel.lock" GUARD PROCESS TIMEOUT ${lock_timeout}
  RESULT_VARIABLE lock_result)
if(NOT lock_result EQUAL 0)
  message(FATAL_ERROR "PyBuildCmake: another build of this wheel target has held "
    "${work_dir}/wheel.lock for ${lock_timeout} s (${lock_result}); wait for it to end, "
    "or stop it, then build again.")
endif()

set(deps "")

# Adds a file or directory tree to the dependencies (directories too: their
# timestamps change when files are added or removed).
function(pbc_depend_on_tree path)
  if(IS_DIRECTORY "${path}")
    file(GLOB_RECURSE files LIST_DIRECTORIES TRUE "${path}/*")
    list(FILTER files EXCLUDE REGEX "/__pycache__(/|$)|\\.pyc$")
    set(deps ${deps} "${path}" ${files} PARENT_SCOPE)
  elseif(EXISTS "${path}")
    set(deps ${deps} "${path}" PARENT_SCOPE)
  endif()
endfunction()

# --- 1. Fresh staging dir with the module's Python sources ------------------
file(REMOVE_RECURSE "${PBC_STAGING_DIR}")
file(MAKE_DIRECTORY "${PBC_STAGING_DIR}")
set(module_dest "${PBC_STAGING_DIR}")
if(PBC_MODULE_DESTINATION)
  set(module_dest "${PBC_STAGING_DIR}/${PBC_MODULE_DESTINATION}")
endif()
if(PBC_MODULE_SOURCE_KIND STREQUAL "package")
  file(COPY "${PBC_MODULE_SOURCE}" DESTINATION "${module_dest}"
    PATTERN "__pycache__" EXCLUDE
    PATTERN "*.pyc" EXCLUDE)
  pbc_depend_on_tree("${PBC_MODULE_SOURCE}")
elseif(PBC_MODULE_SOURCE_KIND STREQUAL "file")
  file(COPY "${PBC_MODULE_SOURCE}" DESTINATION "${module_dest}")
  pbc_depend_on_tree("${PBC_MODULE_SOURCE}")
endif()

# --- 2. cmake --install, once per configuration and component ----------------
# tool.py-build-cmake.cmake.env applies to every step: install, stubgen, pack.
set(env_prefix "")
if(PBC_ENV)
  set(env_prefix "${CMAKE_COMMAND}" -E env ${PBC_ENV})
endif()
set(component_args "")
if(PBC_DEFAULT_COMPONENT)
  list(APPEND component_args "<default>")
endif()
foreach(component IN LISTS PBC_COMPONENTS)
  list(APPEND component_args "${component}")
endforeach()
set(configs ${PBC_CONFIGS})
if(NOT configs)
  set(configs "<none>")
endif()
foreach(config IN LISTS configs)
  foreach(component IN LISTS component_args)
    set(command ${env_prefix} "${CMAKE_COMMAND}" --install "${PBC_BINARY_DIR}"
        --prefix "${PBC_STAGING_DIR}")
    if(NOT config STREQUAL "<none>")
      list(APPEND command --config "${config}")
    endif()
    if(NOT component STREQUAL "<default>")
      list(APPEND command --component "${component}")
    endif()
    list(APPEND command ${PBC_INSTALL_ARGS})
    execute_process(COMMAND ${command}
      RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    if(NOT result EQUAL 0)
      set(hint "")
      list(LENGTH configs config_count)
      if(config_count GREATER 1)
        string(REPLACE ";" ", " names "${configs}")
        set(hint "\nThe wheel installs the configurations ${names}: build each of them first (cmake --build <dir> --config <config>).")
      endif()
      message(FATAL_ERROR "PyBuildCmake: installing into the wheel's staging dir failed "
        "(config '${config}', component '${component}'):\n${output}${hint}")
    endif()
  endforeach()
endforeach()

# The sources of everything installed, read from the generated install
# scripts (the top-level one includes those of the subdirectories).
set(scripts "${PBC_BINARY_DIR}/cmake_install.cmake")
set(seen "")
while(scripts)
  list(POP_FRONT scripts install_script)
  if(install_script IN_LIST seen OR NOT EXISTS "${install_script}")
    continue()
  endif()
  list(APPEND seen "${install_script}")
  list(APPEND deps "${install_script}")
  file(READ "${install_script}" text)
  string(REGEX MATCHALL "include\\(\"[^\"]*cmake_install\\.cmake\"\\)" includes "${text}")
  foreach(include IN LISTS includes)
    string(REGEX REPLACE "^include\\(\"(.*)\"\\)$" "\\1" included "${include}")
    list(APPEND scripts "${included}")
  endforeach()
  string(REGEX MATCHALL "file\\(INSTALL ([^)\"]|\"([^\"\\]|\\\\.)*\")*\\)" installs "${text}")
  foreach(install IN LISTS installs)
    # Every quoted argument (with its escapes), in order; those referring to
    # variables (`${`) are not sources, a literal `$` in a path is.
    string(REGEX MATCHALL "\"([^\"\\]|\\\\.)*\"" paths "${install}")
    foreach(path IN LISTS paths)
      string(REGEX REPLACE "^\"(.*)\"$" "\\1" path "${path}")
      if(path MATCHES "\\$\\{")
        continue()
      endif()
      string(REGEX REPLACE "\\\\(.)" "\\1" path "${path}")
      if(IS_ABSOLUTE "${path}" AND EXISTS "${path}")
        pbc_depend_on_tree("${path}")
      endif()
    endforeach()
  endforeach()
endwhile()

# --- 3. stubgen -----------------------------------------------------------------
# The helper runs it (with py-build-cmake's defaults; stubs never replace
# existing .pyi files) and says in one line what it did or why it skipped.
if(PBC_STUBGEN)
  # stubgen imports the built modules: a cross build runs it with the target's
  # Python under the emulator (the wrapper toolchain's launcher).
  set(stubgen_python "${PBC_PYTHON}")
  set(launcher_arg "")
  if(PBC_CROSSCOMPILING)
    set(stubgen_python "${PBC_TARGET_PYTHON_LAUNCHER}")
    set(launcher_arg --launcher)
  endif()
  if(NOT stubgen_python)
    message(STATUS "PyBuildCmake: stubgen skipped: cross-compiling without an emulator "
      "to run the target's Python (set cross.emulator, e.g. [\"qemu-aarch64\", \"-L\", \"<sysroot>\"])")
  else()
    execute_process(
      COMMAND ${env_prefix} "${PBC_HELPER}" stubgen ${PBC_HELPER_ARGS} --staging "${PBC_STAGING_DIR}"
              --python "${stubgen_python}" ${launcher_arg}
      RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error)
    if(NOT result EQUAL 0)
      message(FATAL_ERROR "PyBuildCmake: ${error}")
    endif()
    string(STRIP "${output}" output)
    string(REPLACE "py-build-cmake: " "PyBuildCmake: " output "${output}")
    message(STATUS "${output}")
  endif()
endif()

# --- 4. Pack ----------------------------------------------------------------------
# A cross build has no interpreter that runs here: the cross config gives the target.
set(python_args "")
if(PBC_PYTHON)
  set(python_args --python "${PBC_PYTHON}")
endif()
set(inputs_list "${work_dir}/wheel.inputs")
execute_process(
  COMMAND ${env_prefix} "${PBC_HELPER}" wheel ${PBC_HELPER_ARGS} --staging "${PBC_STAGING_DIR}"
          --out-dir "${PBC_OUTPUT_DIR}" --inputs-list "${inputs_list}" ${python_args}
          ${PBC_BUNDLE_ARGS}
  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "PyBuildCmake: packing the wheel failed:\n${error}")
endif()
string(STRIP "${error}" error)
if(NOT error STREQUAL "")
  # Warnings, and the libraries left out of the bundle (bundle_exclude).
  message(STATUS "${error}")
endif()
# The files the metadata came from: pyproject.toml, override files, readme,
# license files, the module a dynamic version is read from.
file(STRINGS "${inputs_list}" metadata_inputs)
list(APPEND deps ${metadata_inputs})
string(STRIP "${output}" output)
string(REGEX REPLACE "^.*\n" "" wheel "${output}")
message(STATUS "PyBuildCmake: wrote ${wheel}")
list(APPEND deps "${wheel}")

# --- 5. Depfile and stamp -----------------------------------------------------
# Paths escaped as Ninja and CMake's depfile reader (which turns it into
# Make rules for the Makefile generators) both read them: `\ ` is a space,
# `\#` a `#`, `$$` a `$`.
function(pbc_depfile_path out path)
  string(REPLACE "$" "$$" path "${path}")
  string(REPLACE "#" "\\#" path "${path}")
  string(REPLACE " " "\\ " path "${path}")
  set(${out} "${path}" PARENT_SCOPE)
endfunction()

list(REMOVE_DUPLICATES deps)
pbc_depfile_path(target "${PBC_STAMP}")
set(depfile_text "${target}:")
foreach(dep IN LISTS deps)
  pbc_depfile_path(dep "${dep}")
  string(APPEND depfile_text " \\\n  ${dep}")
endforeach()
# Written whole, then renamed: the build tool never reads half a depfile.
file(WRITE "${PBC_DEPFILE}.tmp" "${depfile_text}\n")
file(RENAME "${PBC_DEPFILE}.tmp" "${PBC_DEPFILE}")
# The stamp names the wheel, for drivers that copy it elsewhere.
file(WRITE "${PBC_STAMP}" "${wheel}\n")
