#!/usr/bin/env bash
# Times, in one run on examples/c-extension:
#   - cold configure + build + wheel, and
#   - a no-op `cmake --build <dir> --target wheel`,
# against `python -m build --wheel --no-isolation` with scikit-build-core and
# with py-build-cmake 0.5.1 (PyPI) on the same C and Python sources (their
# cold build, and their warm rebuild with the build dir kept).
# Targets: cold at least 1.5x faster than both; no-op at least 10x faster
# than their warm rebuild. Usage: bench/native.sh [repetitions, default 3]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps="${1:-3}"
# CMake and Ninja from the project venv (the real binaries, no launchers),
# the PEP 517 backends in a venv of their own (PyPI's py-build-cmake also
# installs a `py-build-cmake` command, which must not shadow this helper).
"$root/tests/venv.sh"
export PATH="$root/.venv/opt/bin:$PATH"
venv="$root/bench/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet -r "$root/bench/requirements.txt"

echo "bench: building the helper (cargo build --release, not timed)"
(cd "$root" && cargo build --release --quiet)
helper="${CARGO_TARGET_DIR:-$root/target}/release/py-build-cmake"
python="$venv/bin/python"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ours="$work/ours"
skb="$work/scikit-build-core"
pbc="$work/py-build-cmake-pypi"
for dir in "$ours" "$skb" "$pbc"; do
    mkdir -p "$dir"
    cp -r "$root/examples/c-extension/src" "$root/examples/c-extension/python" \
          "$root/examples/c-extension/README.md" "$dir/"
done
cp "$root/examples/c-extension/CMakeLists.txt" "$root/examples/c-extension/pyproject.toml" "$ours/"

# The other backends get the same sources with a CMakeLists.txt of their own
# (no find_package(PyBuildCmake), no wheel target).
plain_lists() {
    cat <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(c_extension_example LANGUAGES C)
find_package(Python3 REQUIRED COMPONENTS Development.Module)
Python3_add_library(_core MODULE WITH_SOABI src/core.c)
target_compile_definitions(_core PRIVATE C_EXTENSION_VERSION="0.1.0")
install(TARGETS _core DESTINATION $1 COMPONENT python_modules)
CMAKE
}
plain_lists c_extension >"$skb/CMakeLists.txt"
plain_lists '${PY_BUILD_CMAKE_IMPORT_NAME}' >"$pbc/CMakeLists.txt"
cat >"$skb/pyproject.toml" <<'TOML'
[build-system]
requires = ["scikit-build-core"]
build-backend = "scikit_build_core.build"

[project]
name = "c-extension-example"
version = "0.1.0"
description = "A C extension module built with CMake's FindPython3 and the Python C API."
readme = "README.md"
requires-python = ">=3.9"
license = "MIT"

[tool.scikit-build]
wheel.packages = ["python/c_extension"]
install.components = ["python_modules"]
build-dir = "build/{wheel_tag}"
cmake.build-type = "Release"
ninja.make-fallback = false
TOML
# py-build-cmake's own config, with Ninja like the others.
sed -e 's/^minimum_version = "3.20"$/minimum_version = "3.20"\ngenerator = "Ninja"/' -e 's/^build-backend = "pybuildcmake.build"$/build-backend = "py_build_cmake.build"/' \
    "$root/examples/c-extension/pyproject.toml" >"$pbc/pyproject.toml"

# Runs a command quietly and prints its wall time in seconds.
timed() {
    local start end log="$work/last.log"
    start=$(date +%s.%N)
    if ! "$@" >"$log" 2>&1; then
        echo "bench: command failed: $*" >&2
        cat "$log" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
}
# The median of its arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

ours_cold() {
    rm -rf "$ours/build" "$ours/dist"
    cmake -S "$ours" -B "$ours/build" -G Ninja -DCMAKE_PREFIX_PATH="$root" \
        -DPY_BUILD_CMAKE_EXECUTABLE="$helper" -DPY_BUILD_CMAKE_PYTHON="$python" &&
        cmake --build "$ours/build" --target wheel
}
ours_noop() { cmake --build "$ours/build" --target wheel; }
pep517() { (cd "$1" && "$python" -m build --wheel --no-isolation --outdir dist .); }
skb_cold() { rm -rf "$skb/build" "$skb/dist" && pep517 "$skb"; }
skb_warm() { pep517 "$skb"; }
pbc_cold() { rm -rf "$pbc/.py-build-cmake_cache" "$pbc/dist" && pep517 "$pbc"; }
pbc_warm() { pep517 "$pbc"; }

declare -A results
measure() {
    local name="$1" fn="$2" n="$3" times=()
    for _ in $(seq "$n"); do times+=("$(timed "$fn")"); done
    results[$name]="$(median "${times[@]}")"
}

echo "bench: $reps repetitions each (median), examples/c-extension, $(nproc) cores"
measure ours_cold ours_cold "$reps"
measure ours_noop ours_noop $((reps * 3))
measure skb_cold skb_cold "$reps"
measure skb_warm skb_warm "$reps"
measure pbc_cold pbc_cold "$reps"
measure pbc_warm pbc_warm "$reps"
# Every variant produced its wheel.
for dir in "$ours" "$skb" "$pbc"; do
    ls "$dir"/dist/c_extension_example-0.1.0-*.whl >/dev/null
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
printf '\n%-46s %9s\n' "step" "seconds"
printf '%-46s %9s\n' "ours: cold configure + build + wheel" "${results[ours_cold]}"
printf '%-46s %9s\n' "ours: no-op --target wheel" "${results[ours_noop]}"
printf '%-46s %9s\n' "scikit-build-core: cold python -m build" "${results[skb_cold]}"
printf '%-46s %9s\n' "scikit-build-core: warm rebuild" "${results[skb_warm]}"
printf '%-46s %9s\n' "py-build-cmake 0.5.1: cold python -m build" "${results[pbc_cold]}"
printf '%-46s %9s\n' "py-build-cmake 0.5.1: warm rebuild" "${results[pbc_warm]}"
echo
status=0
check() {
    local label="$1" theirs="$2" mine="$3" target="$4" r
    r=$(ratio "$theirs" "$mine")
    if awk -v r="$r" -v t="$target" 'BEGIN { exit !(r >= t) }'; then
        echo "ok:   $label: ${r}x faster (target ${target}x)"
    else
        echo "MISS: $label: ${r}x faster (target ${target}x)"
        status=1
    fi
}
check "cold vs scikit-build-core" "${results[skb_cold]}" "${results[ours_cold]}" 1.5
check "cold vs py-build-cmake" "${results[pbc_cold]}" "${results[ours_cold]}" 1.5
check "no-op vs scikit-build-core warm" "${results[skb_warm]}" "${results[ours_noop]}" 10
check "no-op vs py-build-cmake warm" "${results[pbc_warm]}" "${results[ours_noop]}" 10
exit $status
