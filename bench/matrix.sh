#!/usr/bin/env bash
# The CPython grid of examples/c-extension: Debian's CPython 3.9 (bullseye),
# 3.11 (bookworm), 3.13 (trixie) and 3.14 (sid), each for x86_64 and aarch64
# (bookworm's x86_64 one is the build machine's), measured side by side in
# one run:
#   superbuild: one configure of a py_build_cmake_add_wheel_matrix() project,
#               then `cmake --build --target wheels -j` (targets in parallel);
#   driver:     one `py-build-cmake build` run per target, one after the
#               other, each with its own configure: the serial shape of
#               cibuildwheel.
# Both start from empty build trees. Needs the cross tools
# (toolchains/install-cross-tools.sh); the sysroots are built here.
# Usage: bench/matrix.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tests/venv.sh"
export PATH="$root/.venv/bin:$PATH"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
exe="$target_dir/release/py-build-cmake"
python="$root/.venv/bin/python"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
configs=()
for suite in bullseye bookworm trixie sid; do
    for arch in amd64 arm64; do
        [ "$suite-$arch" = bookworm-amd64 ] && continue
        dir="$root/.sysroots/$suite-$arch"
        [ "$suite" = bookworm ] && dir="$root/.sysroots/$arch"
        bash "$root/toolchains/make-python-sysroot.sh" "$arch" "$dir" "$suite" >"$work/$suite-$arch.cross.toml"
        configs+=("$work/$suite-$arch.cross.toml")
    done
done

cp -r "$root/examples/c-extension" "$work/project"
rm -rf "$work/project/build" "$work/project/dist"
mkdir "$work/super"
cat >"$work/super/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(matrix-bench LANGUAGES NONE)
find_package(PyBuildCmake REQUIRED COMPONENTS Superbuild)
py_build_cmake_add_wheel_matrix(NAME wheels NATIVE
  CROSS_CONFIGS ${configs[*]}
  SOURCE_DIR "$work/project" OUTPUT_DIR "$work/super-dist")
CMAKE

now() { date +%s.%N; }
start=$(now)
cmake -S "$work/super" -B "$work/super-build" -G Ninja -DCMAKE_PREFIX_PATH="$root" \
    -DPY_BUILD_CMAKE_EXECUTABLE="$exe" -DPY_BUILD_CMAKE_PYTHON="$python" >/dev/null
cmake --build "$work/super-build" --target wheels -j "$(nproc)" >/dev/null
super=$(echo "$(now) - $start" | bc)

start=$(now)
"$exe" build --project "$work/project" --python "$python" --out-dir "$work/driver-dist" >/dev/null 2>&1
for config in "${configs[@]}"; do
    "$exe" build --project "$work/project" --cross "$config" --out-dir "$work/driver-dist" >/dev/null 2>&1
done
driver=$(echo "$(now) - $start" | bc)

echo "wheels (superbuild): $(ls "$work/super-dist" | tr '\n' ' ')"
echo "wheels (driver):     $(ls "$work/driver-dist" | tr '\n' ' ')"
[ "$(ls "$work/super-dist")" = "$(ls "$work/driver-dist")" ] || { echo "bench/matrix.sh: the two ways built different wheels" >&2; exit 1; }
printf 'superbuild, one configure, -j%s:  %6.2f s\n' "$(nproc)" "$super"
printf '%s sequential driver runs:    %6.2f s\n' "$((${#configs[@]} + 1))" "$driver"
printf 'ratio (driver / superbuild):    %6.2fx\n' "$(echo "$driver / $super" | bc -l)"
