"""The PEP 517 backend for component projects (py-build-cmake's
``build_component``): a pyproject.toml with ``[tool.py-build-cmake]
main_project = ...`` packs install components of its already built main
project into a wheel of its own.

    [build-system]
    requires = ["pybuildcmake"]
    build-backend = "pybuildcmake.build_component"

The executable recognises a component project by its ``main_project`` key,
so the wheel hooks are ``pybuildcmake.build``'s. Like py-build-cmake, a
component has no sdist and no editable install.
"""

from __future__ import annotations

from .build import build_wheel, get_requires_for_build_wheel, prepare_metadata_for_build_wheel

__all__ = [
    "build_sdist",
    "build_wheel",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "prepare_metadata_for_build_wheel",
]


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_sdist(sdist_directory, config_settings=None):
    raise NotImplementedError(
        "pybuildcmake.build_component: a component project has no source distribution; "
        "build the sdist of its main project"
    )
