# Finding and calling the py-build-cmake helper, shared by
# PyBuildCmakeConfig.cmake and PyBuildCmakeToolchain.cmake (which runs before
# project(), so it cannot use find_package(PyBuildCmake)).
include_guard(GLOBAL)

# The helper's override arguments from PY_BUILD_CMAKE_LOCAL (--local),
# PY_BUILD_CMAKE_CROSS (--cross) and PY_BUILD_CMAKE_OVERRIDES (-o), in the
# order they apply. Relative files are made absolute against `base_dir`
# (none: the helper resolves them against the project directory).
function(_py_build_cmake_override_args out_var base_dir)
  set(args "")
  foreach(kind IN ITEMS LOCAL CROSS)
    string(TOLOWER "--${kind}" option)
    foreach(file IN LISTS PY_BUILD_CMAKE_${kind})
      if(NOT base_dir STREQUAL "")
        get_filename_component(file "${file}" ABSOLUTE BASE_DIR "${base_dir}")
      endif()
      list(APPEND args ${option} "${file}")
    endforeach()
  endforeach()
  foreach(override IN LISTS PY_BUILD_CMAKE_OVERRIDES)
    list(APPEND args "--override=${override}")
  endforeach()
  set(${out_var} "${args}" PARENT_SCOPE)
endfunction()

# Finds the py-build-cmake helper: PY_BUILD_CMAKE_EXECUTABLE, the installed
# prefix's bin/, a source checkout's cargo target dir, PATH; else builds it
# from the checkout with cargo.
function(_py_build_cmake_find_helper out_var)
  # A host program: CMAKE_EXECUTABLE_SUFFIX describes the target, and is not
  # set yet when a toolchain file runs.
  if(CMAKE_HOST_WIN32)
    set(exe_name "py-build-cmake.exe")
  else()
    set(exe_name "py-build-cmake")
  endif()
  set(package_dir "${CMAKE_CURRENT_FUNCTION_LIST_DIR}")
  if(PY_BUILD_CMAKE_EXECUTABLE)
    if(NOT EXISTS "${PY_BUILD_CMAKE_EXECUTABLE}")
      message(FATAL_ERROR "PyBuildCmake: PY_BUILD_CMAKE_EXECUTABLE is "
        "'${PY_BUILD_CMAKE_EXECUTABLE}', which does not exist; point it at the "
        "py-build-cmake helper or unset it to let PyBuildCmake find it")
    endif()
    set(${out_var} "${PY_BUILD_CMAKE_EXECUTABLE}" PARENT_SCOPE)
    return()
  endif()
  if(DEFINED ENV{PY_BUILD_CMAKE_EXECUTABLE} AND EXISTS "$ENV{PY_BUILD_CMAKE_EXECUTABLE}")
    set(${out_var} "$ENV{PY_BUILD_CMAKE_EXECUTABLE}" PARENT_SCOPE)
    return()
  endif()
  # Installed: <prefix>/lib/cmake/PyBuildCmake/ (py-build-cmake install) or
  # <prefix>/share/cmake/PyBuildCmake/ (the pybuildcmake wheel), beside
  # <prefix>/bin/ (Scripts\ in a Windows environment).
  get_filename_component(prefix "${package_dir}/../../.." ABSOLUTE)
  foreach(bin IN ITEMS bin Scripts)
    if(EXISTS "${prefix}/${bin}/${exe_name}")
      set(${out_var} "${prefix}/${bin}/${exe_name}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  # Source checkout: <checkout>/cmake/ next to Cargo.toml. The newest of the
  # cargo builds wins, so a fresh `cargo build` is picked up.
  get_filename_component(checkout "${package_dir}/.." ABSOLUTE)
  set(cargo_target "${checkout}/target")
  if(DEFINED ENV{CARGO_TARGET_DIR})
    set(cargo_target "$ENV{CARGO_TARGET_DIR}")
  endif()
  if(EXISTS "${checkout}/Cargo.toml")
    set(best "")
    foreach(candidate IN ITEMS "${cargo_target}/release/${exe_name}"
                               "${cargo_target}/debug/${exe_name}")
      if(EXISTS "${candidate}" AND (best STREQUAL "" OR "${candidate}" IS_NEWER_THAN "${best}"))
        set(best "${candidate}")
      endif()
    endforeach()
    if(best)
      set(${out_var} "${best}" PARENT_SCOPE)
      return()
    endif()
  endif()
  # PATH: the first `py-build-cmake` that is this helper. PyPI's
  # py-build-cmake installs a Python command of the same name; its --version
  # reads "py-build-cmake, version X", this helper's "py-build-cmake X".
  if(CMAKE_HOST_WIN32)
    set(path_dirs "$ENV{PATH}")
  else()
    string(REPLACE ":" ";" path_dirs "$ENV{PATH}")
  endif()
  foreach(dir IN LISTS path_dirs)
    set(candidate "${dir}/${exe_name}")
    if(dir STREQUAL "" OR IS_DIRECTORY "${candidate}" OR NOT EXISTS "${candidate}")
      continue()
    endif()
    execute_process(COMMAND "${candidate}" --version
      RESULT_VARIABLE result OUTPUT_VARIABLE version ERROR_QUIET)
    if(result EQUAL 0 AND version MATCHES "^py-build-cmake [0-9]")
      set(${out_var} "${candidate}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  if(NOT EXISTS "${checkout}/Cargo.toml")
    message(FATAL_ERROR "PyBuildCmake: the py-build-cmake helper was not found "
      "(looked in ${prefix}/bin and on PATH). Install it with "
      "`py-build-cmake install --prefix <prefix>` from a checkout, or set "
      "PY_BUILD_CMAKE_EXECUTABLE to its path.")
  endif()
  find_program(_PY_BUILD_CMAKE_CARGO NAMES cargo HINTS "$ENV{HOME}/.cargo/bin")
  set(cargo "${_PY_BUILD_CMAKE_CARGO}")
  unset(_PY_BUILD_CMAKE_CARGO CACHE)
  if(NOT cargo)
    message(FATAL_ERROR "PyBuildCmake: the py-build-cmake helper is not built and "
      "cargo was not found to build it. Install Rust (https://rustup.rs), then run "
      "`cargo build --release --manifest-path ${checkout}/Cargo.toml`, or set "
      "PY_BUILD_CMAKE_EXECUTABLE to a built helper.")
  endif()
  message(STATUS "PyBuildCmake: building the py-build-cmake helper "
    "(cargo build --release in ${checkout}; once)")
  execute_process(
    COMMAND "${cargo}" build --release --quiet --manifest-path "${checkout}/Cargo.toml"
    RESULT_VARIABLE result)
  set(built "${cargo_target}/release/${exe_name}")
  if(NOT result EQUAL 0 OR NOT EXISTS "${built}")
    message(FATAL_ERROR "PyBuildCmake: building the helper failed (cargo exit "
      "${result}); see the cargo output above, or set PY_BUILD_CMAKE_EXECUTABLE.")
  endif()
  set(${out_var} "${built}" PARENT_SCOPE)
endfunction()
