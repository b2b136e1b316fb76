# CMake toolchain file for x86_64 Linux targets built on an x86_64 Debian
# machine: another Debian release's CPython (a sysroot from
# make-python-sysroot.sh amd64 <dir> <suite>) with the system's compilers.
# Naming the system makes CMake treat the build as a cross build, so the
# target's Python is taken from the cross config, never from the build machine.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_LIBRARY_ARCHITECTURE x86_64-linux-gnu)

set(CMAKE_C_COMPILER x86_64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER x86_64-linux-gnu-g++)
