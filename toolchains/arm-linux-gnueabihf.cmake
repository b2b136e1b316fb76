# CMake toolchain file for Debian's arm-linux-gnueabihf cross compilers
# (apt-get install gcc-arm-linux-gnueabihf g++-arm-linux-gnueabihf, or toolchains/install-cross-tools.sh).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)

set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)

# The compilers' own sysroot holds the target's C library. Libraries and headers
# come only from there (and from paths given explicitly, like the Python hints);
# programs and CMake packages (pybind11, nanobind, PyBuildCmake) come from the
# build machine.
set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-gnueabihf)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
