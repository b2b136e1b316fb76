/* The answer, for C code that builds against pure-python-example. */
#ifndef PURE_PYTHON_EXAMPLE_ANSWER_H
#define PURE_PYTHON_EXAMPLE_ANSWER_H
#define PURE_PYTHON_EXAMPLE_ANSWER 42
#endif
