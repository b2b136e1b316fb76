# PyBuildCmakeToolchain.cmake: select a py-build-cmake cross target in one configure.
#
#   cmake -S <project> -B <build> \
#         --toolchain <py-build-cmake>/cmake/PyBuildCmakeToolchain.cmake \
#         -DPY_BUILD_CMAKE_CROSS=<cross.toml>
#
# The helper resolves the cross config together with the project's
# pyproject.toml (and PY_BUILD_CMAKE_LOCAL / PY_BUILD_CMAKE_OVERRIDES, like
# find_package(PyBuildCmake) does), checks it against the target Python's
# sysroot, and writes a script that this file includes: it sets
# CMAKE_CROSSCOMPILING_EMULATOR (cross.emulator) and includes the config's
# toolchain_file. find_package(PyBuildCmake) later reads the same config for
# the FindPython hints and the wheel tags.
#
# Inputs (-D on the first configure; they stay in the cache):
#   PY_BUILD_CMAKE_CROSS       list of cross config files (.toml/.pbc); may be
#                              empty when pyproject.toml has a `cross` section
#   PY_BUILD_CMAKE_LOCAL       list of local override files
#   PY_BUILD_CMAKE_OVERRIDES   list of overrides (-o)
#   PY_BUILD_CMAKE_EXECUTABLE  the helper (default: found like PyBuildCmakeConfig.cmake does)
#
# CMake reads a toolchain file several times per configure and again in every
# try_compile project; the helper runs once per configure, and try_compile
# projects include the script it wrote (forwarded through
# CMAKE_TRY_COMPILE_PLATFORM_VARIABLES).

# The generated script appends flags with this; it runs on every inclusion,
# so a flag already there is not added again.
function(_py_build_cmake_append_flag variable flag)
  string(FIND " ${${variable}} " " ${flag} " found)
  if(found EQUAL -1)
    set(${variable} "${${variable}} ${flag}" PARENT_SCOPE)
  endif()
endfunction()

get_property(_py_build_cmake_in_try_compile GLOBAL PROPERTY IN_TRY_COMPILE)
if(_py_build_cmake_in_try_compile)
  if(NOT _PY_BUILD_CMAKE_CROSS_TOOLCHAIN)
    message(FATAL_ERROR "PyBuildCmakeToolchain.cmake: _PY_BUILD_CMAKE_CROSS_TOOLCHAIN "
      "was not forwarded into this try_compile project")
  endif()
  include("${_PY_BUILD_CMAKE_CROSS_TOOLCHAIN}")
  set(_PY_BUILD_CMAKE_TOOLCHAIN_ACTIVE ON)
  return()
endif()

set(_PY_BUILD_CMAKE_CROSS_TOOLCHAIN "${CMAKE_BINARY_DIR}/py-build-cmake/cross-toolchain.cmake")
get_property(_py_build_cmake_resolved GLOBAL PROPERTY _PY_BUILD_CMAKE_CROSS_RESOLVED)
if(NOT _py_build_cmake_resolved)
  include("${CMAKE_CURRENT_LIST_DIR}/PyBuildCmakeHelper.cmake")
  _py_build_cmake_find_helper(_py_build_cmake_helper)
  # Relative override files: the helper resolves them against the project dir.
  _py_build_cmake_override_args(_py_build_cmake_args "")
  list(PREPEND _py_build_cmake_args cross-toolchain --source-dir "${CMAKE_SOURCE_DIR}"
      --output "${_PY_BUILD_CMAKE_CROSS_TOOLCHAIN}")
  execute_process(
    COMMAND "${_py_build_cmake_helper}" ${_py_build_cmake_args}
    RESULT_VARIABLE _py_build_cmake_result
    ERROR_VARIABLE _py_build_cmake_error)
  if(NOT _py_build_cmake_result EQUAL 0)
    string(STRIP "${_py_build_cmake_error}" _py_build_cmake_error)
    message(FATAL_ERROR "PyBuildCmakeToolchain.cmake: resolving the cross config failed:\n"
      "${_py_build_cmake_error}\n"
      "(command: ${_py_build_cmake_helper} ${_py_build_cmake_args})")
  endif()
  set_property(GLOBAL PROPERTY _PY_BUILD_CMAKE_CROSS_RESOLVED TRUE)
  unset(_py_build_cmake_helper)
  unset(_py_build_cmake_args)
  unset(_py_build_cmake_result)
  unset(_py_build_cmake_error)
endif()
unset(_py_build_cmake_resolved)
unset(_py_build_cmake_in_try_compile)

include("${_PY_BUILD_CMAKE_CROSS_TOOLCHAIN}")
if(NOT "_PY_BUILD_CMAKE_CROSS_TOOLCHAIN" IN_LIST CMAKE_TRY_COMPILE_PLATFORM_VARIABLES)
  list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES _PY_BUILD_CMAKE_CROSS_TOOLCHAIN)
endif()
# find_package(PyBuildCmake) checks this: a cross config without this wrapper
# would build with the native compilers.
set(_PY_BUILD_CMAKE_TOOLCHAIN_ACTIVE ON)
