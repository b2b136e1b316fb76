#!/usr/bin/env bash
# What rebuild-on-import costs when nothing changed, measured side by side in
# one run on examples/c-extension (Ninja): `python -c "import c_extension"`
# from a regular install of our wheel, and from editable installs that
# rebuild on import: ours (symlink + build_hook), py-build-cmake 0.5.1's
# (the same options) and scikit-build-core's (editable.rebuild).
# Ours must add at most 50 ms to the regular import, and less than the others.
# Usage: bench/editable.sh [repetitions, default 15]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps="${1:-15}"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_frontends
printf '\n[tool.py-build-cmake.editable]\nbuild_hook = true\n' | tee -a "$ours/pyproject.toml" >>"$pbc/pyproject.toml"
printf 'editable.rebuild = true\n' >>"$skb/pyproject.toml"

venv() { "$python" -m venv "$work/venv-$1" && echo "$work/venv-$1/bin/python"; }
echo "bench: installing (not timed)"
regular=$(venv regular)
"$regular" -m pip install --quiet "$ours"
ours_py=$(venv ours)
"$ours_py" -m pip install --quiet -e "$ours"
pbc_py=$(venv pbc)
"$pbc_py" -m pip install --quiet -e "$pbc"
# scikit-build-core rebuilds only without build isolation.
skb_py=$(venv skb)
"$skb_py" -m pip install --quiet scikit-build-core
"$skb_py" -m pip install --quiet --no-build-isolation -e "$skb"

import_with() { (cd "$work" && "$1" -c "import c_extension; assert c_extension.add(2, 3) == 5"); }
regular_import() { import_with "$regular"; }
ours_import() { import_with "$ours_py"; }
pbc_import() { import_with "$pbc_py"; }
skb_import() { import_with "$skb_py"; }
# The first imports build nothing new but warm the file cache.
for fn in regular_import ours_import pbc_import skb_import; do timed "$fn" >/dev/null; done

echo "bench: $reps repetitions each (median), no-op import, $(nproc) cores"
measure regular regular_import "$reps"
measure ours ours_import "$reps"
measure pbc pbc_import "$reps"
measure skb skb_import "$reps"

ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (a - b) * 1000 }'; }
printf '\n%-52s %8s %10s\n' "import c_extension (nothing changed)" "seconds" "added ms"
printf '%-52s %8s %10s\n' "regular install (our wheel)" "${results[regular]}" "-"
for name in ours pbc skb; do
    case $name in
        ours) label="ours (symlink + build_hook)" ;;
        pbc) label="py-build-cmake 0.5.1 (symlink + build_hook)" ;;
        skb) label="scikit-build-core (editable.rebuild)" ;;
    esac
    printf '%-52s %8s %10s\n' "$label" "${results[$name]}" "$(ms "${results[$name]}" "${results[regular]}")"
done
echo
added=$(ms "${results[ours]}" "${results[regular]}")
if [ "$added" -le 50 ]; then
    echo "ok:   ours adds ${added} ms to a no-op import (target: at most 50 ms)"
else
    echo "MISS: ours adds ${added} ms to a no-op import (target: at most 50 ms)"
    status=1
fi
check "no-op import vs py-build-cmake 0.5.1" "${results[pbc]}" "${results[ours]}" 1.0
check "no-op import vs scikit-build-core" "${results[skb]}" "${results[ours]}" 1.0
exit $status
