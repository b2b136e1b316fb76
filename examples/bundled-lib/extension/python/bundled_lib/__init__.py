"""An extension module that links libgreet, which the wheel bundles."""

from ._core import greet_version

__all__ = ["greet_version"]
