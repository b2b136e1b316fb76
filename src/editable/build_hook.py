"""Editable install (py-build-cmake, editable.mode = "symlink" with
build_hook): the first import of the package in a process rebuilds its CMake
build tree (only what changed) and reinstalls the outputs into the editable
tree, so an edited C/C++ file is live on the next run.

Imported from the install's .pth file at every interpreter start, so this
module only puts a finder on sys.meta_path; the work waits for the import.
Nothing here may come from the build environment that made the install
or last configured the tree (pip deletes an isolated one): CMake is the one
that configured the tree while it exists, else the first on PATH or in this
environment.
"""

import os
import sys

_SETTINGS: dict = {}  # filled in by py-build-cmake

# Set for the build's children (a build step that runs Python must not
# rebuild again), and after a rebuild for this process's children.
_SKIP = "PY_BUILD_CMAKE_BUILD_HOOK"


class _BuildHookFinder:
    @staticmethod
    def find_spec(name, path=None, target=None):
        package = _SETTINGS["package"]
        if name != package and not name.startswith(package + "."):
            return None
        # A failed rebuild raises and leaves the finder in place: the next
        # import tries again.
        _rebuild()
        if _BuildHookFinder in sys.meta_path:
            sys.meta_path.remove(_BuildHookFinder)
        return None


def _rebuild():
    env = dict(os.environ)
    env[_SKIP] = "1"
    for config in _SETTINGS["configs"]:
        _rebuild_config(config, env)
    os.environ[_SKIP] = "1"


def _rebuild_config(config, env):
    env = dict(env, **config["env"])
    build_dir = config["build_dir"]
    cache_file = os.path.join(build_dir, "CMakeCache.txt")
    if not os.path.isfile(cache_file):
        raise ImportError(
            f"py-build-cmake: cannot rebuild '{_SETTINGS['package']}': its build tree "
            f"{build_dir} is gone; reinstall it (pip install -e <project>)"
        )
    # The same lock the driver holds while it builds this tree (build_lock.rs).
    with _Lock(os.path.join(build_dir, "py-build-cmake-editable.lock")):
        cache = _read_cache(cache_file)
        cmake = _existing(cache.get("CMAKE_COMMAND")) or _find("cmake")
        if cmake is None:
            _warn(f"no cmake on PATH or in {_scripts_dir()}; `pip install cmake` into this "
                  "environment (or put cmake on PATH) to rebuild on import")
            return
        make = cache.get("CMAKE_MAKE_PROGRAM")
        python = cache.get("PY_BUILD_CMAKE_PYTHON")
        python_gone = python and not os.path.exists(python)
        if cmake != cache.get("CMAKE_COMMAND") or (make and not os.path.exists(make)) or python_gone:
            # The tools that configured the tree are gone (an isolated build
            # env, the interpreter of one made as a venv): configure it again
            # with the ones found here, and this interpreter, the target.
            args = [cmake, "-S", config["source_dir"], "-B", build_dir]
            if python_gone:
                args.append(f"-DPY_BUILD_CMAKE_PYTHON={sys.executable}")
            if make and not os.path.exists(make):
                found = _find(os.path.basename(make))
                if found is None:
                    _warn(f"{os.path.basename(make)} ({make}) is gone and none is on PATH or in "
                          f"{_scripts_dir()}; `pip install {os.path.basename(make)}` into this "
                          "environment to rebuild on import")
                    return
                args.append(f"-DCMAKE_MAKE_PROGRAM={found}")
            _run(args, env)
            cache = _read_cache(cache_file)
        changed = False
        for args in config["build"]:
            output = _run(_fast_build(args, cache) or [cmake, *args], env)
            changed = changed or "ninja: no work to do." not in output
        stamp = config["stamp"]
        if changed or not os.path.exists(stamp):
            if os.path.exists(stamp):
                os.remove(stamp)
            _forget_installed(build_dir, config["prefix"])
            for args in config["install"]:
                _run([cmake, *args], env)
            with open(stamp, "w"):
                pass


def _forget_installed(build_dir, prefix):
    """Removes the files the last install copied into the editable tree:
    cmake --install skips a file whose copy has the same size and, to the
    second, the same time, so one rebuilt within a second of its last
    install would stay stale. Symlinks (the sources) stay."""
    import glob

    prefix = os.path.abspath(prefix)
    for manifest in glob.glob(os.path.join(glob.escape(build_dir), "install_manifest*.txt")):
        with open(manifest, encoding="utf-8", errors="replace") as file:
            for line in file:
                path = os.path.abspath(line.strip())
                if (line.strip() and os.path.commonpath([prefix, path]) == prefix
                        and os.path.isfile(path) and not os.path.islink(path)):
                    os.remove(path)


def _fast_build(args, cache):
    """Ninja itself for a plain `cmake --build <dir> [--config C]` of a Ninja
    tree: it starts in milliseconds, cmake --build in tens of them."""
    generator = cache.get("CMAKE_GENERATOR", "")
    make = cache.get("CMAKE_MAKE_PROGRAM")
    if not generator.startswith("Ninja") or not make or len(args) not in (2, 4):
        return None
    command = [make, "-C", args[1]]
    if len(args) == 4:
        if args[2] != "--config" or generator != "Ninja Multi-Config":
            return None
        command += ["-f", f"build-{args[3]}.ninja"]
    return command if args[0] == "--build" else None


def _run(command, env):
    """Runs command with stdout and stderr in one pipe and returns what it
    printed; a failure is an ImportError that carries it."""
    try:
        status, output = _spawn(command, env)
    except OSError as error:
        raise ImportError(f"py-build-cmake: cannot run {command[0]}: {error}") from error
    if status != 0:
        shown = " ".join(command)
        raise ImportError(
            f"py-build-cmake: rebuilding '{_SETTINGS['package']}' failed: `{shown}` exited "
            f"with status {status}; fix the error and import again:\n{output}"
        )
    return output


def _spawn(command, env):
    # os.posix_spawn, not subprocess: importing subprocess (and the re and
    # locale it pulls in) would cost a no-op import more than running Ninja.
    if not hasattr(os, "posix_spawn"):
        import subprocess

        result = subprocess.run(command, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return result.returncode, result.stdout.decode(errors="replace")
    read_end, write_end = os.pipe()
    try:
        pid = os.posix_spawn(command[0], command, env, file_actions=[
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, write_end, 1),
            (os.POSIX_SPAWN_DUP2, write_end, 2),
            (os.POSIX_SPAWN_CLOSE, read_end),
        ])
    finally:
        os.close(write_end)
    chunks = []
    with open(read_end, "rb", closefd=True) as pipe:
        for chunk in iter(lambda: pipe.read1(65536), b""):
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode(errors="replace")


def _read_cache(path):
    wanted = ("CMAKE_COMMAND:", "CMAKE_MAKE_PROGRAM:", "CMAKE_GENERATOR:", "PY_BUILD_CMAKE_PYTHON:")
    values = {}
    with open(path, encoding="utf-8", errors="replace") as file:
        for line in file:
            if line.startswith(wanted) and "=" in line:
                key, _, value = line.rstrip("\n").partition("=")
                values[key.partition(":")[0]] = value
    return values


def _existing(path):
    return path if path and os.path.isfile(path) else None


def _scripts_dir():
    import sysconfig

    return sysconfig.get_path("scripts")


def _find(name):
    import shutil

    return shutil.which(name) or shutil.which(name, path=_scripts_dir())


def _warn(message):
    sys.stderr.write(
        f"py-build-cmake: warning: not rebuilding '{_SETTINGS['package']}': {message}; "
        "importing the last build\n")


class _Lock:
    """Another process rebuilding the same tree finishes first."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        self.file = open(self.path, "a+b")
        if os.name == "nt":
            import msvcrt

            self.file.seek(0)
            while True:
                try:
                    msvcrt.locking(self.file.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
        else:
            import fcntl

            fcntl.flock(self.file.fileno(), fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        self.file.close()  # closing releases the lock


if os.environ.get(_SKIP) is None and _BuildHookFinder not in sys.meta_path:
    sys.meta_path.insert(0, _BuildHookFinder)
