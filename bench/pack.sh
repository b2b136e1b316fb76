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

# Wall time decides the targets; CPU time is printed too, because on a shared
# machine wall time also measures everyone else's load.
"$PYTHON" - "$EXE" "$WORK" "$JOBS" <<'EOF'
import resource, subprocess, sys, tarfile, time
from pathlib import Path

exe, work, jobs = sys.argv[1], Path(sys.argv[2]), sys.argv[3]


def timed(cmd, stdout=subprocess.PIPE):
    """Runs cmd; returns (wall seconds, CPU seconds, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, check=True, stdout=stdout, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, proc.stdout


ours_wall, ours_cpu, out = timed([exe, "wheel", "--project", str(work / "project"),
                                  "--staging", str(work / "staging"),
                                  "--out-dir", str(work / "ours"), "--jobs", jobs])
ours = Path(out.strip().splitlines()[-1])

subprocess.run([sys.executable, "-m", "wheel", "unpack", str(ours), "-d", str(work / "unpacked")],
               check=True, stdout=subprocess.DEVNULL)
unpacked = next((work / "unpacked").iterdir())
(work / "wheelpack").mkdir()
wheel_wall, wheel_cpu, _ = timed([sys.executable, "-m", "wheel", "pack", str(unpacked),
                                  "-d", str(work / "wheelpack")])
theirs = next((work / "wheelpack").glob("*.whl"))

with tarfile.open(work / "tree.tar", "w") as tar:
    tar.add(unpacked, arcname=".")
with open(work / "tree.tar.gz", "wb") as gz:
    pigz_wall, pigz_cpu, _ = timed(["pigz", "-6", "-p", jobs, "-c", str(work / "tree.tar")], stdout=gz)


def mb(path):
    return f"{path.stat().st_size / 1e6:.0f} MB"


print(f"py-build-cmake wheel --jobs {jobs}: {ours_wall:6.2f} s wall {ours_cpu:6.2f} s CPU ({mb(ours)})")
print(f"python -m wheel pack:         {wheel_wall:6.2f} s wall {wheel_cpu:6.2f} s CPU ({mb(theirs)})"
      f"  -> ours {wheel_wall / ours_wall:.1f}x faster (target >= 4x)")
print(f"pigz -6 -p {jobs} (same bytes):     {pigz_wall:6.2f} s wall {pigz_cpu:6.2f} s CPU "
      f"({mb(work / 'tree.tar.gz')})  -> ours {pigz_wall / ours_wall:.2f}x as fast (target > 1x)")
met = wheel_wall / ours_wall >= 4 and pigz_wall > ours_wall
print("targets met" if met else "targets NOT met (is the machine busy? see uptime)")
EOF
