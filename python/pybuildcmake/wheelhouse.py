"""``python -m pybuildcmake wheelhouse DIR``: the tool's own wheel in a
folder that isolated builds can install it from.

pip, build and uv build a project in a fresh env that installs
``[build-system] requires`` from an index; until pybuildcmake is on one,
that env finds it only through ``--find-links``. From a checkout the wheel
is built (the in-tree backend, cargo); from an installed pybuildcmake it is
packed again from the installed files, which are the wheel's own (its
RECORD says where each one went), so nothing is compiled twice.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import os
import shlex
import sysconfig
import tempfile
import zipfile
from pathlib import Path

from . import _PACKAGE, checkout

# Files an installer adds to .dist-info; the wheel had none of them (RECORD
# is written anew).
_INSTALLER_FILES = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def wheelhouse(directory: Path) -> Path:
    """Puts the pybuildcmake wheel into `directory`; returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    root = checkout()
    if root is not None:
        from .build import _build_self

        return directory / _build_self(str(directory))
    return _repack_installed(directory)


def find_links_line(directory: Path) -> str:
    """The shell line that points pip's and uv's isolated builds at `directory`."""
    d = shlex.quote(str(directory.resolve()))
    return f"export PIP_FIND_LINKS={d} UV_FIND_LINKS={d}"


def _installed_distribution() -> importlib.metadata.Distribution:
    for dist in importlib.metadata.distributions(name="pybuildcmake"):
        if Path(dist.locate_file("pybuildcmake/__init__.py")).resolve() == _PACKAGE / "__init__.py":
            return dist
    raise RuntimeError(
        f"pybuildcmake: {_PACKAGE} is neither a checkout nor an installed distribution; "
        "reinstall it (pip install --force-reinstall pybuildcmake)"
    )


def _scheme_dirs(site: Path) -> tuple[Path, Path]:
    """The scripts and data dirs of the install scheme whose site-packages
    is `site` (a venv's, the user site, ...)."""
    for scheme in sysconfig.get_scheme_names():
        try:
            paths = sysconfig.get_paths(scheme)
        except KeyError:
            continue
        libs = {Path(paths[k]).resolve() for k in ("purelib", "platlib") if k in paths}
        if site in libs and "scripts" in paths and "data" in paths:
            return Path(paths["scripts"]).resolve(), Path(paths["data"]).resolve()
    raise RuntimeError(f"pybuildcmake: no install scheme of this Python installs into {site}")


def _archive_path(path: Path, site: Path, scripts: Path, data: Path, data_dir: str) -> str:
    """Where an installed file was in the wheel: relative to site-packages,
    or in the .data dir's scripts or data scheme."""
    for base, prefix in ((site, ""), (scripts, f"{data_dir}/scripts/"), (data, f"{data_dir}/data/")):
        try:
            return prefix + path.relative_to(base).as_posix()
        except ValueError:  # (Path.is_relative_to is Python 3.9+)
            continue
    raise RuntimeError(f"pybuildcmake: the installed file {path} is outside {site}, {scripts} and {data}")


def _repack_installed(directory: Path) -> Path:
    dist = _installed_distribution()
    site = Path(dist.locate_file("")).resolve()
    scripts, data = _scheme_dirs(site)
    name, version = dist.metadata["Name"], dist.version
    dist_info = f"{name}-{version}.dist-info"
    tags = [line.split(":", 1)[1].strip() for line in (dist.read_text("WHEEL") or "").splitlines()
            if line.startswith("Tag:")]
    if not tags:
        raise RuntimeError(f"pybuildcmake: the installed {dist_info}/WHEEL names no tag")
    # One file name for all tags: each part's values joined by dots (PEP 425).
    parts = [".".join(dict.fromkeys(t.split("-")[i] for t in tags)) for i in range(3)]
    wheel = directory / f"{name}-{version}-{'-'.join(parts)}.whl"

    entries: dict[str, Path] = {}
    for file in dist.files or ():
        if file.parts[0] == dist_info and file.name in _INSTALLER_FILES:
            continue
        if "__pycache__" in file.parts or file.suffix == ".pyc":
            continue
        path = Path(dist.locate_file(file)).resolve()
        entries[_archive_path(path, site, scripts, data, f"{name}-{version}.data")] = path
    # The .dist-info goes last, as installers expect.
    order = sorted(entries, key=lambda a: (a.startswith(dist_info + "/"), a))
    fd, temp = tempfile.mkstemp(prefix=f".{wheel.name}.", dir=directory)
    os.close(fd)
    try:
        record = []
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as zf:
            for arcname in order:
                content = entries[arcname].read_bytes()
                info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
                mode = 0o755 if os.access(entries[arcname], os.X_OK) else 0o644
                info.external_attr = (0o100000 | mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, content)
                digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=")
                record.append(f"{arcname},sha256={digest.decode()},{len(content)}")
            record.append(f"{dist_info}/RECORD,,")
            info = zipfile.ZipInfo(f"{dist_info}/RECORD", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, "".join(line + "\n" for line in record))
        os.chmod(temp, 0o644)
        os.replace(temp, wheel)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return wheel
