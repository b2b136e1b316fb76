#!/usr/bin/env bash
# Installs the Debian cross compilers (aarch64, armhf) and qemu-user, which the
# cross tests and make-python-sysroot.sh need, and the native g++ and make the
# C++ examples and the Unix Makefiles tests need (a machine with only gcc lacks
# them). Idempotent: when everything is already installed it only checks and
# returns.
set -euo pipefail

packages=(
    g++ make
    gcc-aarch64-linux-gnu g++-aarch64-linux-gnu
    gcc-arm-linux-gnueabihf g++-arm-linux-gnueabihf
    qemu-user
)

missing=()
for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-cross-tools.sh: need root to install: ${missing[*]}" >&2
    echo "  run: sudo $0" >&2
    exit 1
fi

# Other processes may hold the dpkg lock for a while; wait for it instead of failing.
apt_get=(apt-get -o DPkg::Lock::Timeout=600 -y --no-install-recommends)
echo "install-cross-tools.sh: installing ${missing[*]}" >&2
if ! "${apt_get[@]}" install "${missing[@]}"; then
    "${apt_get[@]}" update
    "${apt_get[@]}" install "${missing[@]}"
fi
