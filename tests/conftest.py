"""pytest setup shared by every test under tests/."""

import os
import sys
from pathlib import Path

import pytest

# py-build-cmake 0.5 from PyPI, the reference some tests compare with; it
# lives outside the venv's site-packages (see tests/venv.sh).
REFERENCE = Path(
    os.environ.get(
        "PY_BUILD_CMAKE_TEST_REFERENCE",
        Path(__file__).resolve().parent.parent / ".venv" / "opt" / "py-build-cmake-0.5",
    )
)
if REFERENCE.is_dir() and str(REFERENCE) not in sys.path:
    sys.path.append(str(REFERENCE))


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> Path:
    """The pybuildcmake wheel, built from this checkout by `pip wheel`."""
    import cmake_support as cs

    house = tmp_path_factory.mktemp("wheelhouse")
    cs.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", house, cs.REPO],
           env=cs.frontend_env(None))
    return house
