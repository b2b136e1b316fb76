#!/usr/bin/env bash
# Times bundling on examples/bundled-lib: the wheel step packing the staged
# tree with bundling (py-build-cmake wheel, which finds libgreet, copies,
# renames and rewrites) against `auditwheel repair` of the same tree packed
# without bundling (the route users take today: pack, then repair), and
# prints the ratio. The pack without bundling is shown too, so bundling's own
# share is visible. Usage: bench/bundle.sh [repetitions, default 5]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps="${1:-5}"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_tools

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$root/examples/bundled-lib" "$work/src"
rm -rf "$work/src/extension/dist"
echo "bench: building examples/bundled-lib without bundling (not timed)"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$root" \
    -DPY_BUILD_CMAKE_PYTHON="$root/.venv/bin/python" \
    "-DEXTENSION_CMAKE_ARGS=-DPY_BUILD_CMAKE_EXECUTABLE=$helper;-DBUNDLE_GREET=OFF" >/dev/null
cmake --build "$work/build" >/dev/null
project="$work/src/extension"
staging="$work/build/extension-prefix/src/extension-build/py-build-cmake/wheel/staging"
prefix="$work/build/greet-prefix"
unbundled="$(ls "$project"/dist/*.whl)"

pack() {
    rm -rf "$work/out-$1"
    "$helper" wheel --project "$project" --staging "$staging" --python "$root/.venv/bin/python" \
        --out-dir "$work/out-$1" --platform-tag guess "${@:2}"
}
ours_bundled() { pack bundled --bundle-prefix "$prefix"; }
ours_plain() { pack plain --no-bundle-libs; }
repair() {
    rm -rf "$work/repaired"
    PATH="$venv/bin:$PATH" LD_LIBRARY_PATH="$prefix/lib" auditwheel repair --plat manylinux_2_5_x86_64 \
        -w "$work/repaired" "$unbundled"
}

echo "bench: $reps repetitions each (median), $(nproc) cores"
measure ours_bundled ours_bundled "$reps"
measure ours_plain ours_plain "$reps"
measure repair repair "$reps"
ls "$work"/out-bundled/*manylinux*.whl "$work"/repaired/*.whl >/dev/null

printf '%-44s %8s s\n' "pack with bundling (py-build-cmake wheel)" "${results[ours_bundled]}"
printf '%-44s %8s s\n' "pack without bundling" "${results[ours_plain]}"
printf '%-44s %8s s\n' "auditwheel repair of the unbundled wheel" "${results[repair]}"
echo "ratio: auditwheel repair / pack with bundling = $(ratio "${results[repair]}" "${results[ours_bundled]}")x"
