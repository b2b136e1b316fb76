# CMake toolchain file for Debian's aarch64-linux-gnu cross compilers
# (apt-get install gcc-aarch64-linux-gnu g++-aarch64-linux-gnu, or toolchains/install-cross-tools.sh).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# The compilers' own sysroot holds the target's C library. Libraries and headers
# come only from there (and from paths given explicitly, like the Python hints);
# programs and CMake packages (pybind11, nanobind, PyBuildCmake) come from the
# build machine.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
