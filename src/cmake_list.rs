//! CMake lists: elements separated by `;`, so a `;` inside an element is
//! escaped to keep it one element.

/// One element, escaped.
pub fn escape(item: &str) -> String {
    item.replace(';', "\\;")
}

/// The elements as one CMake list.
pub fn join<I, S>(items: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    items
        .into_iter()
        .map(|item| escape(item.as_ref()))
        .collect::<Vec<_>>()
        .join(";")
}

#[cfg(test)]
mod tests {
    #[test]
    fn semicolons_inside_an_element_are_escaped() {
        assert_eq!(super::join(["a;b", "c"]), "a\\;b;c");
        assert_eq!(super::join([""; 0]), "");
    }
}
