# The configure-time part of find_package(PyBuildCmake): where the project
# and the target interpreter are, running `py-build-cmake cmake-vars` (only
# when an input changed) and applying tool.py-build-cmake.cmake.options.
# Included by PyBuildCmakeConfig.cmake.

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
  elseif(Python3_EXECUTABLE AND NOT Python3_EXECUTABLE STREQUAL "${_PY_BUILD_CMAKE_TARGET_PYTHON_LAUNCHER}")
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

# The arguments every helper call shares: --project `project_dir`, override
# files and overrides; relative override files are made absolute against
# OVERRIDE_BASE (default: `project_dir`).
function(_py_build_cmake_config_args out_var project_dir)
  cmake_parse_arguments(PARSE_ARGV 2 ARG "" "OVERRIDE_BASE" "")
  set(base "${project_dir}")
  if(DEFINED ARG_OVERRIDE_BASE)
    set(base "${ARG_OVERRIDE_BASE}")
  endif()
  _py_build_cmake_override_args(overrides "${base}")
  set(${out_var} --project "${project_dir}" ${overrides} PARENT_SCOPE)
endfunction()

# Runs `py-build-cmake cmake-vars` unless its last answer still holds: same
# helper, interpreter and arguments, no input file (pyproject.toml, override
# files) newer than that answer or new, and the environment variables it
# read unchanged. Sets out_var to the script to include.
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

  set(up_to_date FALSE)
  if(EXISTS "${vars_file}" AND EXISTS "${key_file}")
    file(READ "${key_file}" old_key)
    if(old_key STREQUAL key)
      include("${vars_file}")
      _py_build_cmake_inputs_unchanged(up_to_date "${key_file}")
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

# Whether the inputs the last answer (already included) lists are as they
# were when `since` was written.
function(_py_build_cmake_inputs_unchanged out_var since)
  set(${out_var} FALSE PARENT_SCOPE)
  foreach(input IN LISTS _PY_BUILD_CMAKE_INPUT_FILES)
    if(NOT EXISTS "${input}" OR "${input}" IS_NEWER_THAN "${since}")
      return()
    endif()
  endforeach()
  foreach(input IN LISTS _PY_BUILD_CMAKE_ABSENT_INPUTS)
    if(EXISTS "${input}")
      return()
    endif()
  endforeach()
  if(_PY_BUILD_CMAKE_INPUT_ENV_COUNT GREATER 0)
    math(EXPR last "${_PY_BUILD_CMAKE_INPUT_ENV_COUNT} - 1")
    foreach(i RANGE ${last})
      set(name "${_PY_BUILD_CMAKE_INPUT_ENV_${i}_NAME}")
      set(value_var "_PY_BUILD_CMAKE_INPUT_ENV_${i}_VALUE")
      if(DEFINED ENV{${name}})
        if(NOT DEFINED ${value_var} OR NOT "$ENV{${name}}" STREQUAL "${${value_var}}")
          return()
        endif()
      elseif(DEFINED ${value_var})
        return()
      endif()
    endforeach()
  endif()
  set(${out_var} TRUE PARENT_SCOPE)
endfunction()

# Applies tool.py-build-cmake.cmake.options as cache defaults: set when the
# entry is new, or when it still holds the default set last time (so a
# changed pyproject.toml takes effect), never over a value the user chose.
function(_py_build_cmake_apply_options)
  set(i 0)
  foreach(name IN LISTS _PY_BUILD_CMAKE_OPTION_NAMES)
    set(type "${_PY_BUILD_CMAKE_OPTION_${i}_TYPE}")
    set(value "${_PY_BUILD_CMAKE_OPTION_${i}_VALUE}")
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
  if(_PY_BUILD_CMAKE_BUILD_TYPE AND NOT multi_config AND NOT CMAKE_BUILD_TYPE)
    set(CMAKE_BUILD_TYPE "${_PY_BUILD_CMAKE_BUILD_TYPE}" CACHE STRING
      "Set by tool.py-build-cmake.cmake.build_type" FORCE)
  endif()
endfunction()

