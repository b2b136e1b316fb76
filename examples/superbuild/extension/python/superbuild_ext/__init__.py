"""Primes tabulated at build time by a code generator built for the build machine."""

from ._primes import primes  # noqa: F401
