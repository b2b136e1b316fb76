/* c_extension._core: a small module written against the Python C API. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *add(PyObject *self, PyObject *args) {
    long long a, b;
    (void)self;
    if (!PyArg_ParseTuple(args, "LL", &a, &b))
        return NULL;
    return PyLong_FromLongLong(a + b);
}

static PyObject *greet(PyObject *self, PyObject *args) {
    const char *name;
    (void)self;
    if (!PyArg_ParseTuple(args, "s", &name))
        return NULL;
    return PyUnicode_FromFormat("Hello, %s!", name);
}

static PyMethodDef core_methods[] = {
    {"add", add, METH_VARARGS, "Add two integers."},
    {"greet", greet, METH_VARARGS, "Return a greeting for the given name."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT, "_core", "The compiled part of c_extension.", -1,
    core_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__core(void) {
    PyObject *module = PyModule_Create(&core_module);
    if (module == NULL)
        return NULL;
    if (PyModule_AddStringConstant(module, "version", C_EXTENSION_VERSION) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
