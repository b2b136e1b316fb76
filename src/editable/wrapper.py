"""Editable install (py-build-cmake, editable.mode = "wrapper"): runs the
package's __init__.py from its source tree and looks there first for its
submodules; the build outputs are installed beside this file."""

_SETTINGS: dict = {}  # filled in by py-build-cmake


def _run_source_init(namespace):
    import os

    source = _SETTINGS["source"]
    namespace["__path__"].insert(0, source)
    init = os.path.join(source, "__init__.py")
    # Tracebacks and inspect show the source file, not this wrapper.
    namespace["__file__"] = init
    with open(init, "rb") as file:
        code = compile(file.read(), init, "exec")
    del namespace["_run_source_init"], namespace["_SETTINGS"]
    exec(code, namespace)


_run_source_init(globals())
