"""A pure Python package; CMake installs its data files and headers."""

from importlib import resources


def answer() -> str:
    """The contents of answer.txt, which CMake generated and installed."""
    return resources.files(__name__).joinpath("answer.txt").read_text().strip()
