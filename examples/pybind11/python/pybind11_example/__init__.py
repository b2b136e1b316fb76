"""A pybind11 example: the functions come from the compiled _core module."""

from ._core import add, mean, version

__all__ = ["add", "mean", "version"]
