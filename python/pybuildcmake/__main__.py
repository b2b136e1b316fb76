"""``python -m pybuildcmake --cmakedir``: where find_package(PyBuildCmake)
finds the CMake package (as ``python -m pybind11 --cmakedir`` does).
``python -m pybuildcmake wheelhouse DIR``: the tool's wheel in DIR, for
isolated builds (prints the PIP_FIND_LINKS / UV_FIND_LINKS line)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import cmake_dir, executable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pybuildcmake", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--cmakedir", action="store_true", help="print the CMake package directory")
    group.add_argument("--executable", action="store_true", help="print the py-build-cmake executable")
    parser.add_argument("command", nargs="?", choices=["wheelhouse"],
                        help="wheelhouse DIR: put the pybuildcmake wheel into DIR")
    parser.add_argument("dir", nargs="?", type=Path, help="the wheelhouse directory")
    args = parser.parse_args(argv)
    if args.command and (args.cmakedir or args.executable):
        parser.error("wheelhouse takes no --cmakedir / --executable")
    if args.command and args.dir is None:
        parser.error("wheelhouse needs a directory: python -m pybuildcmake wheelhouse DIR")
    if not (args.command or args.cmakedir or args.executable):
        parser.error("give one of --cmakedir, --executable or wheelhouse DIR")
    try:
        if args.command:
            from .wheelhouse import find_links_line, wheelhouse

            wheel = wheelhouse(args.dir)
            print(f"pybuildcmake: wrote {wheel}; isolated builds (pip, build, uv) "
                  "install it from there with:", file=sys.stderr)
            print(find_links_line(args.dir))
        else:
            print(cmake_dir() if args.cmakedir else executable())
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
