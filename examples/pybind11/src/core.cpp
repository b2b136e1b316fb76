// pybind11_example._core: a small pybind11 module.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <numeric>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

long long add(long long a, long long b) { return a + b; }

double mean(const std::vector<double> &values) {
    if (values.empty())
        throw py::value_error("mean() of an empty list");
    return std::accumulate(values.begin(), values.end(), 0.0) / values.size();
}

} // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "The compiled part of pybind11_example.";
    m.def("add", &add, "Add two integers.", py::arg("a"), py::arg("b"));
    m.def("mean", &mean, "Arithmetic mean of a list of numbers.", py::arg("values"));
    m.attr("version") = PYBIND11_EXAMPLE_VERSION;
}
