#!/usr/bin/env bash
# Times `py-build-cmake config --json` on a typical project, minus the
# time to start the process (`--version`), (a [project]
# table with a readme and license files, cmake with options, per-OS and
# cross sections, a local override file and -o overrides). The target is
# well under 5 ms for the resolution itself.
# Usage: bench/config.sh [RUNS]   (builds the release binary first)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-200}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
exe="$target_dir/release/py-build-cmake"

project="$(mktemp -d)"
trap 'rm -rf "$project"' EXIT
mkdir -p "$project/src/typical_pkg" "$project/native"
echo '"""A typical package."""' > "$project/src/typical_pkg/__init__.py"
echo '__version__ = "1.4.2"' >> "$project/src/typical_pkg/__init__.py"
echo 'cmake_minimum_required(VERSION 3.20)' > "$project/native/CMakeLists.txt"
echo '# Typical' > "$project/README.md"
echo 'MIT License' > "$project/LICENSE"
cat > "$project/pyproject.toml" <<'TOML'
[project]
name = "typical-pkg"
dynamic = ["version", "description"]
readme = "README.md"
requires-python = ">=3.9"
license = "MIT"
license-files = ["LICENSE"]
authors = [{ name = "A. Author", email = "a@example.org" }]
classifiers = ["Programming Language :: Python :: 3"]
dependencies = ["numpy>=1.22"]
[project.optional-dependencies]
test = ["pytest"]
[project.urls]
Homepage = "https://example.org"

[tool.py-build-cmake.module]
directory = "src"
[tool.py-build-cmake.sdist]
include = ["native/*"]
[tool.py-build-cmake.cmake]
minimum_version = "3.20"
build_type = "RelWithDebInfo"
source_path = "native"
args = ["-Wdev"]
build_args = ["-j"]
install_components = ["python_modules"]
env = { PKG_ROOT = "${HOME}/pkg" }
[tool.py-build-cmake.cmake.options]
WITH_TESTS = false
CMAKE_PREFIX_PATH = ["/opt/a", "/opt/b"]
TARGET_NAME = { value = "typical", type = "STRING" }
[tool.py-build-cmake.linux.cmake]
generator = "Ninja Multi-Config"
config = ["Debug", "Release"]
[tool.py-build-cmake.linux.cmake.options]
CMAKE_PREFIX_PATH = { prepend = "/opt/linux" }
[tool.py-build-cmake.windows.cmake]
config = ["Release"]
[tool.py-build-cmake.mac.cmake.options]
CMAKE_OSX_SYSROOT = "macosx"
[tool.py-build-cmake.wheel]
python_abi = "abi3"
abi3_minimum_cpython_version = 312
[tool.py-build-cmake.stubgen]
args = ["-v"]
TOML
printf 'cmake.build_args+=["--verbose"]\ncmake.options.EXTRA=on\n' > "$project/py-build-cmake.local.pbc"

args=(config --json --project "$project" --os linux -o 'cmake.args+=["-Wno-dev"]' -o wheel.build_tag=1)
"$exe" "${args[@]}" > /dev/null

# Mean wall time of one run of "$@", in microseconds.
time_us() {
    local start end
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do
        "$@" > /dev/null
    done
    end=$(date +%s%N)
    echo $(( (end - start) / runs / 1000 ))
}
baseline=$(time_us "$exe" --version)
config=$(time_us "$exe" "${args[@]}")
echo "py-build-cmake --version (process start): ${baseline} us per run"
echo "py-build-cmake config --json:             ${config} us per run"
echo "resolution of a typical project:          $(( config - baseline )) us (${runs} runs each)"
