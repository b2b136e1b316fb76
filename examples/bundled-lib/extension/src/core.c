/* bundled_lib._core: calls into libgreet, a shared library outside the package. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "greet.h"

static PyObject *py_greet_version(PyObject *self, PyObject *args) {
    (void)self;
    (void)args;
    return PyLong_FromLong(greet_version());
}

static PyMethodDef core_methods[] = {
    {"greet_version", py_greet_version, METH_NOARGS, "The version of the libgreet loaded."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT, "_core", "The compiled part of bundled_lib.", -1,
    core_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__core(void) { return PyModule_Create(&core_module); }
