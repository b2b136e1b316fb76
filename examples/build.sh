#!/usr/bin/env bash
# Builds one example's wheel with the project venv's CMake and Ninja:
#   examples/build.sh c-extension [extra cmake configure arguments]
# The wheel lands in examples/<name>/dist/. The target interpreter is
# $PY_BUILD_CMAKE_PYTHON when set, else the project venv's python (which has
# pybind11 and nanobind).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 1 ] || [ ! -f "$root/examples/$1/CMakeLists.txt" ]; then
    echo "usage: examples/build.sh NAME [cmake args...]; NAME is one of:" >&2
    for d in "$root"/examples/*/CMakeLists.txt; do echo "  $(basename "$(dirname "$d")")" >&2; done
    exit 2
fi
name="$1"
shift

"$root/tests/venv.sh"
export PATH="$root/.venv/opt/bin:$root/.venv/bin:$PATH"
python="${PY_BUILD_CMAKE_PYTHON:-$root/.venv/bin/python}"
src="$root/examples/$name"

cmake -S "$src" -B "$src/build" -G Ninja \
    -DCMAKE_PREFIX_PATH="$root" -DPY_BUILD_CMAKE_PYTHON="$python" "$@"
cmake --build "$src/build" --target wheel
