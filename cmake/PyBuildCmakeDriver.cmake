# Included by `py-build-cmake build` through CMAKE_PROJECT_TOP_LEVEL_INCLUDES,
# inside the project's first project() call: gives a project that does not
# call find_package(PyBuildCmake) itself the same PY_BUILD_CMAKE_* variables
# and FindPython / pybind11 / nanobind hints that py-build-cmake passes.
find_package(PyBuildCmake REQUIRED CONFIG PATHS "${CMAKE_CURRENT_LIST_DIR}" NO_DEFAULT_PATH)
