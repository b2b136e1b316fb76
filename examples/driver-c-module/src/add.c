#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *add(PyObject *self, PyObject *args) {
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b))
        return NULL;
    return PyLong_FromLong(a + b);
}

static PyObject *greeting(PyObject *self, PyObject *noargs) {
    return PyUnicode_FromString(GREETING);
}

static PyMethodDef methods[] = {
    {"add", add, METH_VARARGS, "Add two integers."},
    {"greeting", greeting, METH_NOARGS, "The greeting set by cmake.options."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_add", NULL, -1, methods};

PyMODINIT_FUNC PyInit__add(void) { return PyModule_Create(&module); }
