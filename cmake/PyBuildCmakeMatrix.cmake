# py_build_cmake_add_wheel_matrix(): many targets' wheels from one configure.
# Included by PyBuildCmakeConfig.cmake; see the function's comment.

# py_build_cmake_add_wheel_matrix(NAME name [NATIVE] [CROSS_CONFIGS file...]
#                                 [HOST_TOOLS dir] [SOURCE_DIR dir]
#                                 [OUTPUT_DIR dir] [CMAKE_ARGS -DX=Y...])
# Adds one ExternalProject per target, each configuring SOURCE_DIR (default:
# the current source dir; it must call find_package(PyBuildCmake) and
# py_build_cmake_add_wheel()) with its own toolchain: the build machine's for
# NATIVE, the wrapper toolchain with PY_BUILD_CMAKE_CROSS for each cross
# config. HOST_TOOLS names a CMake project built once with the build
# machine's compilers and installed into a prefix every target gets as
# PY_BUILD_CMAKE_HOST_TOOLS (its executables are at <prefix>/bin). The
# target `name` builds every wheel, in parallel with -j, into OUTPUT_DIR
# (default <current source dir>/dist). Inside the targets' own builds the
# function does nothing, so SOURCE_DIR may be the superbuild itself.
function(py_build_cmake_add_wheel_matrix)
  if(_PY_BUILD_CMAKE_MATRIX_CHILD)
    return()
  endif()
  # Here, not at file scope: a project that never calls this function does
  # not get ExternalProject's functions and variables.
  include(ExternalProject)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "NATIVE"
    "NAME;HOST_TOOLS;SOURCE_DIR;OUTPUT_DIR" "CROSS_CONFIGS;CMAKE_ARGS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "py_build_cmake_add_wheel_matrix: unknown arguments "
      "'${ARG_UNPARSED_ARGUMENTS}'; it takes NAME, NATIVE, CROSS_CONFIGS, HOST_TOOLS, "
      "SOURCE_DIR, OUTPUT_DIR and CMAKE_ARGS")
  endif()
  if(NOT ARG_NAME)
    message(FATAL_ERROR "py_build_cmake_add_wheel_matrix: NAME is required "
      "(the aggregate target, e.g. NAME wheels)")
  endif()
  if(NOT ARG_NATIVE AND NOT ARG_CROSS_CONFIGS)
    message(FATAL_ERROR "py_build_cmake_add_wheel_matrix(NAME ${ARG_NAME}): no target; "
      "give NATIVE and/or CROSS_CONFIGS <cross config files>")
  endif()
  _py_build_cmake_matrix_dir(source_dir "${ARG_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${source_dir}/CMakeLists.txt")
    message(FATAL_ERROR "py_build_cmake_add_wheel_matrix: no CMakeLists.txt in "
      "SOURCE_DIR ${source_dir}")
  endif()
  _py_build_cmake_matrix_dir(out_dir "${ARG_OUTPUT_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}/dist")
  set(work "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}")

  # What every target's configure gets.
  set(common
    "-D_PY_BUILD_CMAKE_MATRIX_CHILD:INTERNAL=ON"
    "-DPY_BUILD_CMAKE_WHEEL_DIR:PATH=${out_dir}"
    "-DPyBuildCmake_DIR:PATH=${PyBuildCmake_DIR}")
  foreach(var IN ITEMS PY_BUILD_CMAKE_EXECUTABLE PY_BUILD_CMAKE_LOCAL PY_BUILD_CMAKE_OVERRIDES CMAKE_BUILD_TYPE)
    if(DEFINED ${var} AND NOT "${${var}}" STREQUAL "")
      list(APPEND common "-D${var}:STRING=${${var}}")
    endif()
  endforeach()
  set(depends "")
  if(ARG_HOST_TOOLS)
    _py_build_cmake_matrix_dir(host_dir "${ARG_HOST_TOOLS}" "${CMAKE_CURRENT_SOURCE_DIR}")
    set(host_prefix "${work}/host-tools/install")
    # No toolchain file and no cross settings: the build machine's compilers.
    ExternalProject_Add(${ARG_NAME}-host-tools
      SOURCE_DIR "${host_dir}"
      PREFIX "${work}/host-tools"
      BINARY_DIR "${work}/host-tools/build"
      INSTALL_DIR "${host_prefix}"
      CMAKE_CACHE_ARGS
        "-DCMAKE_INSTALL_PREFIX:PATH=${host_prefix}"
        "-DCMAKE_BUILD_TYPE:STRING=Release"
      BUILD_ALWAYS ON)
    list(APPEND common "-DPY_BUILD_CMAKE_HOST_TOOLS:PATH=${host_prefix}")
    list(APPEND depends ${ARG_NAME}-host-tools)
  endif()

  set(targets "")
  if(ARG_NATIVE)
    set(native_args "")
    if(PY_BUILD_CMAKE_PYTHON)
      list(APPEND native_args "-DPY_BUILD_CMAKE_PYTHON:FILEPATH=${PY_BUILD_CMAKE_PYTHON}")
    endif()
    _py_build_cmake_matrix_target(${ARG_NAME} native "${source_dir}" "${work}"
      "${depends}" ${common} ${native_args} ${ARG_CMAKE_ARGS})
    list(APPEND targets ${ARG_NAME}-native)
  endif()
  foreach(cross IN LISTS ARG_CROSS_CONFIGS)
    get_filename_component(cross "${cross}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${cross}")
      message(FATAL_ERROR "py_build_cmake_add_wheel_matrix: cross config ${cross} does not exist")
    endif()
    # The target's label: the config's file name without .toml/.pbc and .cross.
    get_filename_component(label "${cross}" NAME)
    string(REGEX REPLACE "(\\.cross)?\\.(toml|pbc)$" "" label "${label}")
    string(MAKE_C_IDENTIFIER "${label}" label)
    if(TARGET ${ARG_NAME}-${label})
      message(FATAL_ERROR "py_build_cmake_add_wheel_matrix: two cross configs are named "
        "'${label}'; rename one of them")
    endif()
    _py_build_cmake_matrix_target(${ARG_NAME} ${label} "${source_dir}" "${work}" "${depends}"
      ${common}
      "-DCMAKE_TOOLCHAIN_FILE:FILEPATH=${PyBuildCmake_DIR}/PyBuildCmakeToolchain.cmake"
      "-DPY_BUILD_CMAKE_CROSS:STRING=${cross}"
      ${ARG_CMAKE_ARGS})
    list(APPEND targets ${ARG_NAME}-${label})
  endforeach()
  add_custom_target(${ARG_NAME} DEPENDS ${targets})
  set_property(TARGET ${ARG_NAME} PROPERTY PY_BUILD_CMAKE_WHEEL_DIR "${out_dir}")
endfunction()

# One target's ExternalProject: configure with `cache_args`, build `wheel`.
# BUILD_ALWAYS lets the wheel target's own up-to-date check decide.
function(_py_build_cmake_matrix_target name label source_dir work depends)
  set(build_dir "${work}/${label}/build")
  # Before the target's first configure, so that one already answers it
  # (CMake 3.21 to 3.26, where cmake_file_api() is missing).
  _py_build_cmake_request_install_rules("${build_dir}")
  ExternalProject_Add(${name}-${label}
    SOURCE_DIR "${source_dir}"
    PREFIX "${work}/${label}"
    BINARY_DIR "${build_dir}"
    CMAKE_CACHE_ARGS ${ARGN}
    BUILD_COMMAND "${CMAKE_COMMAND}" --build <BINARY_DIR> --target wheel
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON)
  # Order only: ExternalProject's DEPENDS would make this target reconfigure
  # whenever the always-built host tools ran. A changed tool still reaches
  # the target, whose own build depends on the tool's file.
  if(depends)
    add_dependencies(${name}-${label} ${depends})
  endif()
endfunction()

# `path` made absolute against the current source dir, or `default`.
function(_py_build_cmake_matrix_dir out_var path default)
  if(path STREQUAL "")
    set(path "${default}")
  endif()
  get_filename_component(path "${path}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  set(${out_var} "${path}" PARENT_SCOPE)
endfunction()
