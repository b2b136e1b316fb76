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
#   PY_BUILD_CMAKE_BUILD_SITE_PACKAGES  the build env's site-packages dirs, searched
#                              for pybind11 / nanobind instead of the target's
#                              (the backend passes them)
#
# find_package(PyBuildCmake COMPONENTS Superbuild) in a project without a
# pyproject.toml only defines py_build_cmake_add_wheel_matrix().

if(CMAKE_VERSION VERSION_LESS 3.20)
  message(FATAL_ERROR "PyBuildCmake needs CMake 3.20 or newer (this is ${CMAKE_VERSION})")
endif()
# find_package gives this file its own policy scope; the functions below
# keep these policies wherever they are called.
cmake_policy(VERSION 3.20...4.4)

# _py_build_cmake_find_helper() and _py_build_cmake_override_args(), shared
# with PyBuildCmakeToolchain.cmake.
include("${CMAKE_CURRENT_LIST_DIR}/PyBuildCmakeHelper.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/PyBuildCmakeResolve.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/PyBuildCmakeTargets.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/PyBuildCmakeMatrix.cmake")

# --- find_package(PyBuildCmake) itself ------------------------------------------
# This part runs in the caller's scope, so the variables it sets are the caller's.

# A superbuild that only drives other projects' builds asks for the
# Superbuild component alone: it has no pyproject.toml of its own.
if(PyBuildCmake_FIND_COMPONENTS STREQUAL "Superbuild")
  return()
endif()

# The project's source dir (where pyproject.toml is looked up), its
# languages and the wrapper toolchain's settings all come from project().
if(NOT DEFINED PROJECT_NAME)
  message(FATAL_ERROR "PyBuildCmake: find_package(PyBuildCmake) was called before "
    "project(); call it after project() in ${CMAKE_CURRENT_SOURCE_DIR}/CMakeLists.txt, "
    "and the py_build_cmake_* functions after it.")
endif()
if(PY_BUILD_CMAKE_CROSS AND NOT _PY_BUILD_CMAKE_TOOLCHAIN_ACTIVE)
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
if(PY_BUILD_CMAKE_CROSSCOMPILING AND NOT _PY_BUILD_CMAKE_TOOLCHAIN_ACTIVE)
  message(FATAL_ERROR "PyBuildCmake: the configuration cross-compiles (PY_BUILD_CMAKE_CROSS, "
    "a `cross` section, py-build-cmake.cross.toml, or ARCHFLAGS / DIST_EXTRA_CONFIG), "
    "but the project was not configured with the wrapper toolchain that applies it. "
    "Configure a fresh build directory with\n"
    "  cmake --toolchain ${CMAKE_CURRENT_LIST_DIR}/PyBuildCmakeToolchain.cmake "
    "-DPY_BUILD_CMAKE_CROSS=<cross.toml> ...")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_PY_BUILD_CMAKE_INPUT_FILES})
unset(_py_build_cmake_project_dir)
unset(_py_build_cmake_python)
unset(_py_build_cmake_vars)

# The helper and this package come from one build: a mismatch means one of
# them is stale. (find_package sets PyBuildCmake_VERSION only after this file.)
file(STRINGS "${CMAKE_CURRENT_LIST_DIR}/PyBuildCmakeConfigVersion.cmake" _py_build_cmake_version
  REGEX "^set\\(PACKAGE_VERSION ")
string(REGEX REPLACE "^set\\(PACKAGE_VERSION \"([^\"]*)\"\\)$" "\\1"
  _py_build_cmake_version "${_py_build_cmake_version}")
if(NOT _PY_BUILD_CMAKE_HELPER_VERSION STREQUAL _py_build_cmake_version)
  message(WARNING "PyBuildCmake: the helper ${PY_BUILD_CMAKE_HELPER} is version "
    "${_PY_BUILD_CMAKE_HELPER_VERSION} but this CMake package is ${_py_build_cmake_version}; "
    "rebuild or reinstall them together (py-build-cmake install --prefix <prefix>).")
endif()
unset(_py_build_cmake_version)
# (A driver, which sets _PY_BUILD_CMAKE_DRIVEN, applies them itself.)
if(_PY_BUILD_CMAKE_DRIVER_ONLY_OPTIONS AND NOT _PY_BUILD_CMAKE_DRIVEN)
  message(STATUS "PyBuildCmake: tool.py-build-cmake.cmake options "
    "${_PY_BUILD_CMAKE_DRIVER_ONLY_OPTIONS} apply to the CMake command line and are "
    "not applied from inside CMake; pass them to cmake yourself or use a driver.")
endif()
if(_PY_BUILD_CMAKE_MINIMUM_CMAKE_VERSION
   AND CMAKE_VERSION VERSION_LESS _PY_BUILD_CMAKE_MINIMUM_CMAKE_VERSION)
  message(FATAL_ERROR "PyBuildCmake: ${PY_BUILD_CMAKE_PROJECT_DIR}/pyproject.toml asks for "
    "CMake ${_PY_BUILD_CMAKE_MINIMUM_CMAKE_VERSION} or newer "
    "(tool.py-build-cmake.cmake.minimum_version); this is CMake ${CMAKE_VERSION}. "
    "Install a newer one, e.g. `pip install cmake`.")
endif()
_py_build_cmake_apply_options()
# Which site-packages count: a build given its build env's
# (PY_BUILD_CMAKE_BUILD_SITE_PACKAGES, the backend's) finds pybind11 and
# nanobind there alone. The target interpreter's are the calling venv's under
# pip's isolation, so a requirement missing from [build-system] requires
# would be found here and fail on a clean machine.
if(PY_BUILD_CMAKE_BUILD_SITE_PACKAGES)
  set(_PY_BUILD_CMAKE_PYTHON_SITE_PACKAGES "")
endif()
# pybind11 and nanobind ship their CMake packages inside site-packages: the
# target's, and those of the build backend's (isolated) environment, which
# the driver passes as PY_BUILD_CMAKE_BUILD_SITE_PACKAGES.
foreach(_py_build_cmake_pkg IN ITEMS pybind11 nanobind)
  if(NOT DEFINED ${_py_build_cmake_pkg}_ROOT
     AND (PY_BUILD_CMAKE_BUILD_SITE_PACKAGES OR _PY_BUILD_CMAKE_PYTHON_SITE_PACKAGES))
    set(${_py_build_cmake_pkg}_ROOT
      ${PY_BUILD_CMAKE_BUILD_SITE_PACKAGES} ${_PY_BUILD_CMAKE_PYTHON_SITE_PACKAGES})
  endif()
endforeach()
unset(_py_build_cmake_pkg)
