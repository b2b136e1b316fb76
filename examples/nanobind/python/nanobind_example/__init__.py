"""A nanobind example: the functions come from the compiled _core module."""

from ._core import add, shout, version

__all__ = ["add", "shout", "version"]
