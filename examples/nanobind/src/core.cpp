// nanobind_example._core: a small nanobind module.
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include <string>

namespace nb = nanobind;

NB_MODULE(_core, m) {
    m.doc() = "The compiled part of nanobind_example.";
    m.def("add", [](long long a, long long b) { return a + b; }, nb::arg("a"), nb::arg("b"),
          "Add two integers.");
    m.def("shout", [](const std::string &s) { return s + "!"; }, nb::arg("s"),
          "Append an exclamation mark.");
    m.attr("version") = NANOBIND_EXAMPLE_VERSION;
}
