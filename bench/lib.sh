# Shared by the benches (source it after setting $root): the tools, the same
# examples/c-extension sources laid out for ours, scikit-build-core and
# py-build-cmake 0.5.1, and the timing helpers.

# CMake and Ninja from the project venv on PATH (the real binaries, no
# launchers), bench/requirements.txt in a venv of its own, $venv (PyPI's
# py-build-cmake also installs a `py-build-cmake` command, which must not
# shadow this helper), and the release helper, $helper.
bench_tools() {
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
}

# For benches that run frontends (pip, build): CMake and Ninja on PATH for
# every backend (so none installs its own), $python (the project venv's), a
# temporary $work dir, and $work/wheelhouse with the pybuildcmake wheel, which
# each isolated env gets (PIP_FIND_LINKS); the other backends come from PyPI.
# Then the three variants of the example in $ours, $skb and $pbc.
bench_frontends() {
    "$root/tests/venv.sh"
    export PATH="$root/.venv/opt/bin:$PATH"
    export CMAKE_GENERATOR=Ninja
    unset PY_BUILD_CMAKE_EXECUTABLE
    python="$root/.venv/bin/python"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    echo "bench: building the pybuildcmake wheel (pip wheel, not timed)"
    "$python" -m pip wheel --quiet --no-deps -w "$work/wheelhouse" "$root"
    export PIP_FIND_LINKS="$work/wheelhouse"
    ours="$work/ours"
    skb="$work/scikit-build-core"
    pbc="$work/py-build-cmake-pypi"
    bench_variants "$ours" "$skb" "$pbc"
}

# Copies the sources into one dir per backend: $1 ours, $2 scikit-build-core,
# $3 py-build-cmake (PyPI). The others get a CMakeLists.txt of their own (no
# find_package(PyBuildCmake), no wheel target), all build with Ninja.
bench_variants() {
    local ours="$1" skb="$2" pbc="$3" example="$root/examples/c-extension" dir
    for dir in "$ours" "$skb" "$pbc"; do
        mkdir -p "$dir"
        cp -r "$example/src" "$example/python" "$example/README.md" "$dir/"
    done
    cp "$example/CMakeLists.txt" "$ours/"
    sed 's/^minimum_version = "3.20"$/minimum_version = "3.20"\ngenerator = "Ninja"/' \
        "$example/pyproject.toml" >"$ours/pyproject.toml"
    bench_plain_lists c_extension >"$skb/CMakeLists.txt"
    bench_plain_lists '${PY_BUILD_CMAKE_IMPORT_NAME}' >"$pbc/CMakeLists.txt"
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
    sed -e 's/^build-backend = "pybuildcmake.build"$/build-backend = "py_build_cmake.build"/' \
        -e 's/"pybuildcmake>=0.1"/"py-build-cmake==0.5.1"/' \
        "$ours/pyproject.toml" >"$pbc/pyproject.toml"
}

# Fails unless each dir's dist/ holds the example's wheel.
bench_each_has_wheel() {
    local dir
    for dir in "$@"; do
        ls "$dir"/dist/c_extension_example-0.1.0-*.whl >/dev/null
    done
}

bench_plain_lists() {
    cat <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(c_extension_example LANGUAGES C)
find_package(Python3 REQUIRED COMPONENTS Development.Module)
Python3_add_library(_core MODULE WITH_SOABI src/core.c)
target_compile_definitions(_core PRIVATE C_EXTENSION_VERSION="0.1.0")
install(TARGETS _core DESTINATION $1 COMPONENT python_modules)
CMAKE
}

# Runs a command quietly and prints its wall time in seconds; its output
# is shown when it fails.
timed() {
    local start end log
    log="$(mktemp)"
    start=$(date +%s.%N)
    if ! "$@" >"$log" 2>&1; then
        echo "bench: command failed: $*" >&2
        cat "$log" >&2
        rm -f "$log"
        exit 1
    fi
    end=$(date +%s.%N)
    rm -f "$log"
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
}

# The median of its arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# results[name] = median wall time of n runs of fn.
declare -A results
measure() {
    local name="$1" fn="$2" n="$3" times=() _
    for _ in $(seq "$n"); do times+=("$(timed "$fn")"); done
    results[$name]="$(median "${times[@]}")"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

# check LABEL THEIRS MINE TARGET: prints the ratio; clears `status` when it
# misses the target.
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
