"""A C extension module built by the py-build-cmake driver."""

__version__ = "0.2.1"

from ._add import add, greeting  # noqa: F401
