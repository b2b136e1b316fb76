#!/usr/bin/env bash
# Builds a target Python sysroot from Debian's packages and prints the
# py-build-cmake cross config that uses it.
#
#   toolchains/make-python-sysroot.sh <amd64|arm64|armhf> <dir> [suite]  > cross.toml
#
# suite picks the Debian release, and with it the CPython version:
# bullseye 3.9 (glibc 2.31), bookworm 3.11 (the default; glibc 2.36),
# trixie 3.13 (glibc 2.41), sid 3.14. The sysroot holds that CPython's headers,
# libpython, the standard library and the interpreter for the target, plus
# the target's C library, so that `qemu-<cpu> -L <dir> <dir>/usr/bin/python3.X`
# runs there. Running it again with the same arguments only prints the config.
# The packages are downloaded and unpacked, never installed: another suite's
# package lists live in <dir>/../.apt-<suite>, apart from the system's.
# Needs root the first time for a foreign architecture of the system's own
# suite (dpkg --add-architecture, apt-get update); the compilers and qemu
# come from install-cross-tools.sh.
set -euo pipefail

usage() {
    echo "usage: $0 <amd64|arm64|armhf> <sysroot-dir> [bullseye|bookworm|trixie|sid]" >&2
    exit 2
}
[ $# -eq 2 ] || [ $# -eq 3 ] || usage
arch=$1
suite=${3:-bookworm}
case "$arch" in
    amd64) triple=x86_64-linux-gnu; cpu=x86_64; platform=linux_x86_64 ;;
    arm64) triple=aarch64-linux-gnu; cpu=aarch64; platform=linux_aarch64 ;;
    armhf) triple=arm-linux-gnueabihf; cpu=arm; platform=linux_armv7l ;;
    *) echo "make-python-sysroot.sh: unknown architecture '$arch' (expected amd64, arm64 or armhf)" >&2; usage ;;
esac
case "$suite" in
    bullseye) py=3.9; libffi=libffi7; extra=() ;;
    bookworm) py=3.11; libffi=libffi8; extra=() ;;
    trixie) py=3.13; libffi=libffi8; extra=() ;;
    sid) py=3.14; libffi=libffi8; extra=(libzstd1) ;;
    *) echo "make-python-sysroot.sh: unknown suite '$suite' (expected bullseye, bookworm, trixie or sid)" >&2; usage ;;
esac
mkdir -p "$2"
sysroot=$(cd "$2" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# CPython with what its standard library's extension modules link to
# (sqlite3, bz2, lzma, uuid; mypy's stubgen needs sqlite3), and the C/C++
# runtime that compiled modules need.
packages=(
    "libpython$py-dev" "libpython$py" "libpython$py-stdlib" "libpython$py-minimal"
    "python$py-minimal" zlib1g libexpat1 "$libffi" libsqlite3-0 libbz2-1.0 liblzma5
    libuuid1 libc6 libgcc-s1 libstdc++6 "${extra[@]}"
)

# apt-get for this suite: the system's own lists for its own suite; for
# another, a sources file and lists of its own (the same mirror as the
# system's), so the system's apt state is never touched.
system_suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
apt=(apt-get -o DPkg::Lock::Timeout=600 -o APT::Sandbox::User=root)
if [ "$suite" != "$system_suite" ]; then
    state="$(dirname "$sysroot")/.apt-$suite"
    mirror=$(sed -n 's/^URIs: *\([^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
    mirror=${mirror:-http://deb.debian.org/debian}
    mkdir -p "$state/sources.d" "$state/lists/partial" "$state/cache/archives/partial"
    # An empty dpkg status: the system's installed versions (another suite's)
    # must not be what apt-get download looks for.
    : > "$state/status"
    cat > "$state/sources.d/$suite.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: $suite
Components: main
Architectures: $arch
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    apt+=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$state/sources.d"
          -o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache"
          -o "Dir::State::status=$state/status"
          -o "APT::Architectures::=$arch" -o Debug::NoLocking=1)
fi
# A mirror that is mid-sync fails some lists; what matters is whether the
# packages can be downloaded afterwards, so a failed update only warns.
apt_update() {
    "${apt[@]}" update >&2 ||
        echo "make-python-sysroot.sh: warning: apt-get update reported errors (see above)" >&2
}

stamp="$sysroot/.py-build-cmake-sysroot"
wanted="$arch $suite ${packages[*]}"

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    if [ "$suite" = "$system_suite" ] && [ "$arch" != "$(dpkg --print-architecture)" ] &&
        ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
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
    # apt-get download fails when the package lists are missing or stale.
    if ! (cd "$debs" && "${apt[@]}" download "${specs[@]}" >&2); then
        apt_update
        (cd "$debs" && "${apt[@]}" download "${specs[@]}" >&2)
    fi
    for deb in "$debs"/*.deb; do
        dpkg -x "$deb" "$sysroot"
    done
    rm -rf "$debs"
    # An absolute link (bullseye's /lib64/ld-linux-x86-64.so.2) would
    # resolve on the build machine, mixing its loader with the target's libc.
    while IFS= read -r -d '' link; do
        ln -sfn "$sysroot$(readlink "$link")" "$link"
    done < <(find "$sysroot" -type l -lname '/*' -print0)
    # From trixie on, packages ship /lib and /lib64 under /usr only (the
    # merged /usr); the system's symlinks are not in any package.
    for dir in lib lib64; do
        if [ -d "$sysroot/usr/$dir" ] && [ ! -e "$sysroot/$dir" ]; then
            ln -s "usr/$dir" "$sysroot/$dir"
        fi
    done
    # The target's loader reads /etc/ld.so.cache, which qemu -L takes from
    # the build machine when the sysroot has none: its paths can name the
    # build machine's own (newer) libraries.
    # (/etc/ld.so.conf itself is libc-bin's, which the sysroot leaves out.)
    [ -f "$sysroot/etc/ld.so.conf" ] ||
        echo 'include /etc/ld.so.conf.d/*.conf' > "$sysroot/etc/ld.so.conf"
    ldconfig -r "$sysroot" ||
        echo "make-python-sysroot.sh: warning: ldconfig -r $sysroot failed" >&2
    # qemu-user's -L finds the program interpreter under the sysroot's /lib
    # (/lib64 for x86_64), where libc6 puts it.
    if ! compgen -G "$sysroot/lib*/ld-linux*.so*" > /dev/null; then
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
# CPython $py for $triple ($platform) from Debian $suite's packages, sysroot $sysroot.
prefix = $(toml_string "$sysroot/usr")
toolchain_file = $(toml_string "$here/$triple.cmake")
emulator = ["qemu-$cpu", "-L", $(toml_string "$sysroot")]
TOML
