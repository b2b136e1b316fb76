# The step behind py_build_cmake_add_wheel()'s target, run as
#   cmake -DPBC_SETTINGS=<settings.cmake> -P PyBuildCmakeWheel.cmake
# The helper stages the Python sources and the install components into a
# fresh staging dir, runs stubgen when configured and packs the wheel; this
# script then writes a depfile naming everything they read, so the build
# tool reruns it only when one of those changes.

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

# --- 1. Stage: the module's sources and `cmake --install` per configuration
# and component, into a fresh staging dir (the helper's `stage`) ------------
# tool.py-build-cmake.cmake.env applies to every step: install, stubgen, pack.
set(env_prefix "")
if(PBC_ENV)
  set(env_prefix "${CMAKE_COMMAND}" -E env ${PBC_ENV})
endif()
set(stage_args --build-dir "${PBC_BINARY_DIR}" --staging "${PBC_STAGING_DIR}"
    --cmake "${CMAKE_COMMAND}" --dependencies "${work_dir}/stage.inputs")
if(PBC_DEFAULT_COMPONENT)
  list(APPEND stage_args "--component=")
endif()
foreach(component IN LISTS PBC_COMPONENTS)
  list(APPEND stage_args "--component=${component}")
endforeach()
foreach(config IN LISTS PBC_CONFIGS)
  list(APPEND stage_args "--config=${config}")
endforeach()
foreach(arg IN LISTS PBC_INSTALL_ARGS)
  list(APPEND stage_args "--install-arg=${arg}")
endforeach()
foreach(pair IN LISTS PBC_ENV)
  list(APPEND stage_args "--env=${pair}")
endforeach()
if(PBC_NO_MODULE)
  list(APPEND stage_args --no-module)
endif()
execute_process(
  COMMAND "${PBC_HELPER}" stage ${PBC_HELPER_ARGS} ${stage_args}
  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "PyBuildCmake: ${error}")
endif()
# The module's sources and their directories, the install scripts and what
# they install from.
file(STRINGS "${work_dir}/stage.inputs" deps)

# --- 2. stubgen -----------------------------------------------------------------
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

# --- 3. Pack ----------------------------------------------------------------------
# A cross build has no interpreter that runs here: the cross config gives the target.
set(python_args "")
if(PBC_PYTHON)
  set(python_args --python "${PBC_PYTHON}")
endif()
set(inputs_list "${work_dir}/wheel.inputs")
execute_process(
  COMMAND ${env_prefix} "${PBC_HELPER}" wheel ${PBC_HELPER_ARGS} --staging "${PBC_STAGING_DIR}"
          --out-dir "${PBC_OUTPUT_DIR}" --inputs-list "${inputs_list}" ${python_args}
  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "PyBuildCmake: packing the wheel failed:\n${error}")
endif()
# The files the metadata came from: pyproject.toml, override files, readme,
# license files, the module a dynamic version is read from.
file(STRINGS "${inputs_list}" metadata_inputs)
list(APPEND deps ${metadata_inputs})
string(STRIP "${output}" output)
string(REGEX REPLACE "^.*\n" "" wheel "${output}")
message(STATUS "PyBuildCmake: wrote ${wheel}")
list(APPEND deps "${wheel}")

# --- 4. Depfile and stamp -----------------------------------------------------
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
