"""A C extension example: the functions come from the compiled _core module."""

from ._core import add, greet, version

__all__ = ["add", "greet", "version"]
