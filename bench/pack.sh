#!/usr/bin/env bash
# Pack benchmark (issue 3): builds a large staged tree (about 200 MB of real
# shared libraries from this machine plus 10,000 real .py files) and times, in
# one run, `py-build-cmake wheel` against `python -m wheel pack` of the same
# tree (zipfile's deflate, level 6 as well) and `pigz -6` of the same bytes.
# Target on a 2-core machine: at least 4x faster than wheel pack, and faster
# than pigz.
#
# Environment: PY_BUILD_CMAKE_EXE (default: cargo build --release), PYTHON
# (default python3), BENCH_WORK (default bench/.work), BENCH_MB (default 200).
set -euo pipefail

cd "$(dirname "$0")/.."
WORK=${BENCH_WORK:-$PWD/bench/.work}
PYTHON=${PYTHON:-python3}
JOBS=$(nproc)
EXE=${PY_BUILD_CMAKE_EXE:-}
if [ -z "$EXE" ]; then
    cargo build --release --quiet
    EXE=${CARGO_TARGET_DIR:-$PWD/target}/release/py-build-cmake
fi
command -v pigz >/dev/null || { echo "pigz is required (apt-get install pigz)" >&2; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK"
if ! "$PYTHON" -c "import wheel" 2>/dev/null; then
    "$PYTHON" -m venv "$WORK/venv"
    "$WORK/venv/bin/pip" install --quiet wheel
    PYTHON=$WORK/venv/bin/python
fi

# The staged tree: real shared libraries (sorted, so the same machine always
# gives the same tree) and the standard library's .py files, repeated.
"$PYTHON" - "$WORK" "${BENCH_MB:-200}" <<'EOF'
import os, shutil, sys, sysconfig
from pathlib import Path

work, target_mb = Path(sys.argv[1]), int(sys.argv[2])
staging = work / "staging" / "benchpkg"
roots = ["/usr/lib", "/usr/local/lib", str(Path.home() / ".rustup"), sys.base_prefix]
libs = sorted({
    os.path.realpath(os.path.join(d, f))
    for root in roots
    for d, _, files in os.walk(root)
    for f in files
    if ".so" in f and not os.path.islink(os.path.join(d, f))
})
total = 0
(staging / "lib").mkdir(parents=True)
for i, lib in enumerate(libs):
    size = os.path.getsize(lib)
    if size < 64 << 10 or total + size > target_mb << 20:
        continue
    shutil.copyfile(lib, staging / "lib" / f"{i:04d}_{os.path.basename(lib)}")
    total += size
sources = sorted(Path(sysconfig.get_paths()["stdlib"]).rglob("*.py"))
py_bytes = 0
for i in range(10_000):
    src = sources[i % len(sources)]
    dst = staging / "py" / f"d{i // 100:03d}" / f"m{i:05d}_{src.name}"
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    py_bytes += dst.stat().st_size
(staging / "__init__.py").write_text("")
print(f"staged: {len(list((staging / 'lib').iterdir()))} shared libraries, "
      f"{total / 1e6:.0f} MB; 10000 .py files, {py_bytes / 1e6:.0f} MB")
EOF

mkdir -p "$WORK/project/benchpkg"
cat >"$WORK/project/pyproject.toml" <<'EOF'
[project]
name = "benchpkg"
version = "1.0"
description = "Pack benchmark"

[tool.py-build-cmake.module]
directory = "."
EOF
touch "$WORK/project/benchpkg/__init__.py"

# Warm the page cache so that every contender reads from memory.
find "$WORK/staging" -type f -exec cat {} + >/dev/null

now() { date +%s.%N; }

t0=$(now)
ours=$("$EXE" wheel --project "$WORK/project" --staging "$WORK/staging" \
    --out-dir "$WORK/ours" --jobs "$JOBS" | tail -n 1)
t1=$(now)

mkdir -p "$WORK/wheelpack"
"$PYTHON" -m wheel unpack "$ours" -d "$WORK/unpacked" >/dev/null
unpacked=$(echo "$WORK"/unpacked/*)
t2=$(now)
"$PYTHON" -m wheel pack "$unpacked" -d "$WORK/wheelpack" >/dev/null
t3=$(now)

tar -cf "$WORK/tree.tar" -C "$unpacked" .
t4=$(now)
pigz -6 -p "$JOBS" -c "$WORK/tree.tar" >"$WORK/tree.tar.gz"
t5=$(now)

"$PYTHON" - "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$ours" "$WORK" "$JOBS" <<'EOF'
import sys
from pathlib import Path
t0, t1, t2, t3, t4, t5 = map(float, sys.argv[1:7])
ours, work, jobs = Path(sys.argv[7]), Path(sys.argv[8]), sys.argv[9]
theirs = next((work / "wheelpack").glob("*.whl"))
ours_s, wheel_s, pigz_s = t1 - t0, t3 - t2, t5 - t4
mb = lambda p: p.stat().st_size / 1e6
print(f"py-build-cmake wheel --jobs {jobs}: {ours_s:6.2f} s  ({mb(ours):.0f} MB)")
print(f"python -m wheel pack:        {wheel_s:6.2f} s  ({mb(theirs):.0f} MB)  "
      f"-> ours is {wheel_s / ours_s:.1f}x faster (target >= 4x)")
print(f"pigz -6 -p {jobs} (same bytes):    {pigz_s:6.2f} s  ({mb(work / 'tree.tar.gz'):.0f} MB)  "
      f"-> ours is {pigz_s / ours_s:.2f}x as fast (target > 1x)")
ok = wheel_s / ours_s >= 4 and pigz_s > ours_s
print("targets met" if ok else "targets NOT met")
EOF
