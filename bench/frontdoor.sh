#!/usr/bin/env bash
# The front door, measured side by side in one run: an isolated
# `python -m build --wheel` of examples/c-extension with our backend
# (pybuildcmake.build), scikit-build-core and py-build-cmake 0.5.1 on the
# same C and Python sources, all with Ninja and the same CMake:
#   cold:       an empty build tree (each run also makes its isolated env),
#   persistent: the build tree of the previous run kept (each backend's
#               persistent build dir), nothing changed.
# Ours must be faster than both in each case.
# Usage: bench/frontdoor.sh [repetitions, default 3]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps="${1:-3}"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_frontends

isolated() { (cd "$1" && "$python" -m build --wheel --outdir dist .); }
ours_cold() { rm -rf "$ours/.py-build-cmake_cache" "$ours/dist" && isolated "$ours"; }
ours_warm() { isolated "$ours"; }
skb_cold() { rm -rf "$skb/build" "$skb/dist" && isolated "$skb"; }
skb_warm() { isolated "$skb"; }
pbc_cold() { rm -rf "$pbc/.py-build-cmake_cache" "$pbc/dist" && isolated "$pbc"; }
pbc_warm() { isolated "$pbc"; }

# One untimed run each fills pip's cache with the backends' packages.
for fn in ours_cold skb_cold pbc_cold; do timed "$fn" >/dev/null; done

echo "bench: $reps repetitions each (median), isolated python -m build --wheel, $(nproc) cores"
measure ours_cold ours_cold "$reps"
measure ours_warm ours_warm "$reps"
measure skb_cold skb_cold "$reps"
measure skb_warm skb_warm "$reps"
measure pbc_cold pbc_cold "$reps"
measure pbc_warm pbc_warm "$reps"
bench_each_has_wheel "$ours" "$skb" "$pbc"

printf '\n%-44s %9s %9s\n' "python -m build --wheel (isolated)" "cold" "persistent"
printf '%-44s %9s %9s\n' "ours (pybuildcmake.build)" "${results[ours_cold]}" "${results[ours_warm]}"
printf '%-44s %9s %9s\n' "scikit-build-core" "${results[skb_cold]}" "${results[skb_warm]}"
printf '%-44s %9s %9s\n' "py-build-cmake 0.5.1" "${results[pbc_cold]}" "${results[pbc_warm]}"
echo
check "cold vs scikit-build-core" "${results[skb_cold]}" "${results[ours_cold]}" 1.0
check "cold vs py-build-cmake 0.5.1" "${results[pbc_cold]}" "${results[ours_cold]}" 1.0
check "persistent vs scikit-build-core" "${results[skb_warm]}" "${results[ours_warm]}" 1.0
check "persistent vs py-build-cmake 0.5.1" "${results[pbc_warm]}" "${results[ours_warm]}" 1.0
exit $status
