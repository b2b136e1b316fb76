"""``python -m pybuildcmake --cmakedir``: where find_package(PyBuildCmake)
finds the CMake package (as ``python -m pybind11 --cmakedir`` does)."""

from __future__ import annotations

import argparse
import sys

from . import cmake_dir, executable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pybuildcmake", description=__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--cmakedir", action="store_true", help="print the CMake package directory")
    group.add_argument("--executable", action="store_true", help="print the py-build-cmake executable")
    args = parser.parse_args(argv)
    try:
        print(cmake_dir() if args.cmakedir else executable())
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
