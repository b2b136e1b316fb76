#define PY_SSIZE_T_CLEAN
#include <Python.h>

extern const int superbuild_prime_count;
extern const int superbuild_primes[];

static PyObject *primes(PyObject *self, PyObject *noargs) {
    PyObject *list = PyList_New(superbuild_prime_count);
    if (!list)
        return NULL;
    for (int i = 0; i < superbuild_prime_count; ++i)
        PyList_SET_ITEM(list, i, PyLong_FromLong(superbuild_primes[i]));
    return list;
}

static PyMethodDef methods[] = {
    {"primes", primes, METH_NOARGS, "The primes the code generator tabulated."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_primes", NULL, -1, methods};

PyMODINIT_FUNC PyInit__primes(void) { return PyModule_Create(&module); }
