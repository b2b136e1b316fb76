"""Editable install (py-build-cmake, editable.mode = "hook"): the package is
imported from its source tree, and the build outputs installed into
site-packages (beside this hook) are added to its search path."""

import os
import sys
from importlib.machinery import PathFinder

_SETTINGS: dict = {}  # filled in by py-build-cmake


class _EditableFinder:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != _SETTINGS["package"]:
            return None
        spec = PathFinder.find_spec(name, [os.path.dirname(_SETTINGS["source"])])
        if spec is None or spec.submodule_search_locations is None:
            return spec
        site_packages = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        installed = os.path.join(site_packages, *name.split("."))
        # Sources first: an edited .py file wins over a stale installed copy.
        if installed not in spec.submodule_search_locations:
            spec.submodule_search_locations.append(installed)
        return spec


if _EditableFinder not in sys.meta_path:
    sys.meta_path.insert(0, _EditableFinder)
