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
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_tools
python="$venv/bin/python"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ours="$work/ours"
skb="$work/scikit-build-core"
pbc="$work/py-build-cmake-pypi"
bench_variants "$ours" "$skb" "$pbc"

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

echo "bench: $reps repetitions each (median), examples/c-extension, $(nproc) cores"
measure ours_cold ours_cold "$reps"
measure ours_noop ours_noop $((reps * 3))
measure skb_cold skb_cold "$reps"
measure skb_warm skb_warm "$reps"
measure pbc_cold pbc_cold "$reps"
measure pbc_warm pbc_warm "$reps"
bench_each_has_wheel "$ours" "$skb" "$pbc"

printf '\n%-46s %9s\n' "step" "seconds"
printf '%-46s %9s\n' "ours: cold configure + build + wheel" "${results[ours_cold]}"
printf '%-46s %9s\n' "ours: no-op --target wheel" "${results[ours_noop]}"
printf '%-46s %9s\n' "scikit-build-core: cold python -m build" "${results[skb_cold]}"
printf '%-46s %9s\n' "scikit-build-core: warm rebuild" "${results[skb_warm]}"
printf '%-46s %9s\n' "py-build-cmake 0.5.1: cold python -m build" "${results[pbc_cold]}"
printf '%-46s %9s\n' "py-build-cmake 0.5.1: warm rebuild" "${results[pbc_warm]}"
echo
check "cold vs scikit-build-core" "${results[skb_cold]}" "${results[ours_cold]}" 1.5
check "cold vs py-build-cmake" "${results[pbc_cold]}" "${results[ours_cold]}" 1.5
check "no-op vs scikit-build-core warm" "${results[skb_warm]}" "${results[ours_noop]}" 10
check "no-op vs py-build-cmake warm" "${results[pbc_warm]}" "${results[ours_noop]}" 10
exit $status
