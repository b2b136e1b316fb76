#!/usr/bin/env bash
# THE test command: installs the system tools the tests need (cross
# compilers, qemu, g++, make: toolchains/install-cross-tools.sh, as root; else
# it says what to run), sets up .venv, builds the helper, runs `cargo test`,
# then pytest over tests/. Extra arguments go to pytest (e.g. -k c_extension).
# Exits non-zero when any runner fails; skipped tests are listed with the
# reason at the end.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

echo "run.sh: checking the system tools (toolchains/install-cross-tools.sh)"
if ! bash "$root/toolchains/install-cross-tools.sh"; then
    echo "run.sh: error: the tests need the tools above; install them, then run tests/run.sh again" >&2
    exit 1
fi
"$root/tests/venv.sh" || exit 1
export PATH="$root/.venv/opt/bin:$root/.venv/bin:$PATH"
export VIRTUAL_ENV="$root/.venv"

target_dir="${CARGO_TARGET_DIR:-$root/target}"
echo "run.sh: building the helper (cargo build)"
if ! cargo build --quiet; then
    echo "run.sh: error: cargo build failed" >&2
    exit 1
fi
export PY_BUILD_CMAKE_EXE="$target_dir/debug/py-build-cmake"
export PY_BUILD_CMAKE_TEST_REFERENCE="$root/.venv/opt/py-build-cmake-0.5"

echo "run.sh: cargo test"
cargo test --no-fail-fast
cargo_status=$?

echo "run.sh: pytest"
# -rs: every skipped test is listed with its reason, never skipped quietly.
python -m pytest -q -rs tests/ "$@"
pytest_status=$?
# Exit 5 means no tests were collected: not a failure of the suite.
if [ "$pytest_status" -eq 5 ]; then
    pytest_status=0
fi

if [ "$cargo_status" -ne 0 ] || [ "$pytest_status" -ne 0 ]; then
    echo "run.sh: FAILED (cargo test exit $cargo_status, pytest exit $pytest_status)" >&2
    exit 1
fi
echo "run.sh: all runners succeeded"
