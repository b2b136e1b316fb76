# The step behind py_build_cmake_add_wheel()'s target, run as
#   cmake -P PyBuildCmakeWheel.cmake -- <lock file> <command...>
# It takes the lock, then runs the command (`py-build-cmake wheel-step ...`,
# which stages, installs, runs stubgen, packs and writes the depfile and the
# stamp) and shows its messages as CMake status lines.

cmake_minimum_required(VERSION 3.20...4.4)

# CMAKE_ARGV0..3 are cmake, -P, this script and `--`.
if(CMAKE_ARGC LESS 6)
  message(FATAL_ERROR "PyBuildCmakeWheel.cmake: run it as "
    "cmake -P PyBuildCmakeWheel.cmake -- <lock file> <command...>")
endif()
set(lock_file "${CMAKE_ARGV4}")
set(command "")
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE 5 ${last})
  # An argument's own semicolons stay escaped inside the list.
  string(REPLACE ";" "\\;" arg "${CMAKE_ARGV${i}}")
  list(APPEND command "${arg}")
endforeach()

# Two builds of this target at once (two `cmake --build` in one tree) would
# share the staging dir and the depfile: the second waits for the first.
get_filename_component(work_dir "${lock_file}" DIRECTORY)
file(MAKE_DIRECTORY "${work_dir}")
set(lock_timeout 1800)
file(LOCK "${lock_file}" GUARD PROCESS TIMEOUT ${lock_timeout}
  RESULT_VARIABLE lock_result)
if(NOT lock_result EQUAL 0)
  message(FATAL_ERROR "PyBuildCmake: another build of this wheel target has held "
    "${lock_file} for ${lock_timeout} s (${lock_result}); wait for it to end, "
    "or stop it, then build again.")
endif()

execute_process(COMMAND ${command}
  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE error)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "PyBuildCmake: ${error}")
endif()
# What it did, and on success its warnings (e.g. the libraries left out of
# the bundle by bundle_exclude).
foreach(text IN ITEMS "${output}" "${error}")
  string(STRIP "${text}" text)
  string(REPLACE "py-build-cmake: " "PyBuildCmake: " text "${text}")
  if(text)
    message(STATUS "${text}")
  endif()
endforeach()
