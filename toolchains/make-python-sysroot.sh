#!/usr/bin/env bash
# Builds a target Python sysroot from Debian's packages and prints the
# py-build-cmake cross config that uses it.
#
#   toolchains/make-python-sysroot.sh <arm64|armhf> <dir>  > cross.toml
#
# The sysroot holds CPython 3.11's headers, libpython, the standard library and
# the interpreter for the target, plus the target's C library, so that
# `qemu-<cpu> -L <dir> <dir>/usr/bin/python3.11` runs there. Running it again
# with the same arguments only prints the config. Needs root the first time
# (dpkg --add-architecture, apt-get update); the compilers and qemu come from
# install-cross-tools.sh.
set -euo pipefail

usage() {
    echo "usage: $0 <arm64|armhf> <sysroot-dir>" >&2
    exit 2
}
[ $# -eq 2 ] || usage
arch=$1
case "$arch" in
    arm64) triple=aarch64-linux-gnu; cpu=aarch64; platform=linux_aarch64 ;;
    armhf) triple=arm-linux-gnueabihf; cpu=arm; platform=linux_armv7l ;;
    *) echo "make-python-sysroot.sh: unknown architecture '$arch' (expected arm64 or armhf)" >&2; usage ;;
esac
mkdir -p "$2"
sysroot=$(cd "$2" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# CPython 3.11 with what its standard library's extension modules link to
# (sqlite3, bz2, lzma, uuid; mypy's stubgen needs sqlite3), and the C/C++
# runtime that compiled modules need.
packages=(
    libpython3.11-dev libpython3.11 libpython3.11-stdlib libpython3.11-minimal
    python3.11-minimal zlib1g libexpat1 libffi8 libsqlite3-0 libbz2-1.0 liblzma5
    libuuid1 libc6 libgcc-s1 libstdc++6
)
# A mirror that is mid-sync fails some lists; what matters is whether the
# packages can be downloaded afterwards, so a failed update only warns.
apt_update() {
    apt-get -o DPkg::Lock::Timeout=600 update >&2 ||
        echo "make-python-sysroot.sh: warning: apt-get update reported errors (see above)" >&2
}

stamp="$sysroot/.py-build-cmake-sysroot"
wanted="$arch ${packages[*]}"

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "make-python-sysroot.sh: dpkg does not know architecture $arch yet; run as root once:" >&2
            echo "  sudo dpkg --add-architecture $arch && sudo apt-get update" >&2
            exit 1
        fi
        dpkg --add-architecture "$arch"
        apt_update
    fi
    # Left over from an interrupted run, older versions would be unpacked too.
    debs="$sysroot/.debs"
    rm -rf "$debs"
    mkdir -p "$debs"
    specs=()
    for pkg in "${packages[@]}"; do specs+=("$pkg:$arch"); done
    # apt-get download fails when the foreign package lists are missing or stale.
    if ! (cd "$debs" && apt-get -o APT::Sandbox::User=root download "${specs[@]}" >&2); then
        apt_update
        (cd "$debs" && apt-get -o APT::Sandbox::User=root download "${specs[@]}" >&2)
    fi
    for deb in "$debs"/*.deb; do
        dpkg -x "$deb" "$sysroot"
    done
    rm -rf "$debs"
    # qemu-user's -L finds the program interpreter under the sysroot's /lib,
    # where libc6 puts it.
    if ! compgen -G "$sysroot/lib/ld-linux*.so*" > /dev/null; then
        echo "make-python-sysroot.sh: no dynamic loader in $sysroot/lib after unpacking libc6:$arch" >&2
        exit 1
    fi
    echo "$wanted" > "$stamp"
fi

# A TOML basic string holding $1.
toml_string() {
    local escaped=${1//\\/\\\\}
    printf '"%s"' "${escaped//\"/\\\"}"
}

# Short on purpose: the helper reads the implementation, version, ABI, platform,
# extension suffix, include dirs and library from the prefix.
cat <<TOML
# CPython 3.11 for $triple ($platform) from Debian's packages, sysroot $sysroot.
prefix = $(toml_string "$sysroot/usr")
toolchain_file = $(toml_string "$here/$triple.cmake")
emulator = ["qemu-$cpu", "-L", $(toml_string "$sysroot")]
TOML
