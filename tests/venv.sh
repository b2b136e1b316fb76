#!/usr/bin/env bash
# Creates or updates the project venv (.venv) with tests/requirements.txt,
# and CMake 3.20, 3.22 and 3.25 beside it for the old-version tests. Idempotent and
# fast when nothing changed: a stamp holds the hash of the requirements.
# Usage: tests/venv.sh            (prints nothing on success)
# Env:   PY_BUILD_CMAKE_BASE_PYTHON  the interpreter the venv is made from (default: python3)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
requirements="$root/tests/requirements.txt"
base_python="${PY_BUILD_CMAKE_BASE_PYTHON:-python3}"
# Old CMakes the package must still work with: 3.20 (the README's minimum),
# 3.22 (Ubuntu 22.04) and 3.25 (Debian 12). Each goes to .venv/opt/cmake-X.Y.
cmake_old_versions="3.20 3.22 3.25"
# py-build-cmake 0.5 from PyPI, the reference the config and driver tests
# compare with; kept out of .venv/bin, where its `py-build-cmake` script
# would shadow ours. Tests put this dir on PYTHONPATH.
pbc_spec="py-build-cmake==0.5.1"
pbc_dir="$venv/opt/py-build-cmake-0.5"

if ! command -v "$base_python" >/dev/null 2>&1; then
    echo "tests/venv.sh: error: '$base_python' not found; install Python 3 (e.g. apt-get install python3 python3-venv)" >&2
    exit 1
fi

if [ ! -x "$venv/bin/python" ]; then
    echo "tests/venv.sh: creating $venv"
    if ! "$base_python" -m venv "$venv"; then
        echo "tests/venv.sh: error: could not create a venv; run: apt-get install python3-venv" >&2
        exit 1
    fi
fi

want="$(sha256sum <"$requirements" | cut -d' ' -f1)-cmake-$cmake_old_versions-$pbc_spec"
stamp="$venv/.requirements.sha256"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    echo "tests/venv.sh: installing tests/requirements.txt into $venv"
    if ! "$venv/bin/python" -m pip install --quiet --upgrade -r "$requirements"; then
        echo "tests/venv.sh: error: pip failed; run: $venv/bin/python -m pip install -r $requirements" >&2
        exit 1
    fi
    for version in $cmake_old_versions; do
        dir="$venv/opt/cmake-$version"
        spec="cmake==$version.*"
        echo "tests/venv.sh: installing $spec into $dir"
        rm -rf "$dir"
        if ! "$venv/bin/python" -m pip install --quiet --target "$dir" "$spec"; then
            echo "tests/venv.sh: error: pip failed; run: $venv/bin/python -m pip install --target $dir '$spec'" >&2
            exit 1
        fi
    done
    rm -rf "$pbc_dir"
    if ! "$venv/bin/python" -m pip install --quiet --target "$pbc_dir" "$pbc_spec"; then
        echo "tests/venv.sh: error: pip failed; run: $venv/bin/python -m pip install --target $pbc_dir '$pbc_spec'" >&2
        exit 1
    fi
    echo "$want" >"$stamp"
fi

# pip's cmake and ninja commands are Python launchers that cost a Python
# start-up (0.1-0.4 s) per call; .venv/opt/bin links the real binaries so
# build times measure the build, not the launcher.
links="$venv/opt/bin"
if [ ! -x "$links/cmake" ] || [ ! -x "$links/ninja" ] || [ "$links" -ot "$stamp" ]; then
    mkdir -p "$links"
    "$venv/bin/python" - "$links" <<'PY'
import os, sys
import cmake, ninja
links = sys.argv[1]
for directory, names in [(cmake.CMAKE_BIN_DIR, ["cmake", "ctest", "cpack"]), (ninja.BIN_DIR, ["ninja"])]:
    for name in names:
        link = os.path.join(links, name)
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.join(directory, name), link)
PY
    touch "$links"
fi
