//! Reading TOML files into `Raw` trees that remember each key's line.

use std::path::Path;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::raw::{Action, Raw, RawValue};
use super::Error;

/// Reads a file as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, Error> {
    if path.is_dir() {
        return Err(Error::Other(format!(
            "{} is a directory; expected a configuration file",
            path.display()
        )));
    }
    crate::input_file::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })
}

/// Parses TOML text into a `Raw` table with line numbers.
pub fn parse_toml(path: &Path, text: &str) -> Result<Raw, Error> {
    let table = DeTable::parse(text).map_err(|err| Error::Toml {
        path: path.to_owned(),
        message: toml_message(text, &err),
    })?;
    let lines = LineIndex::new(text);
    Ok(convert_table(table.get_ref(), &lines, Some(1)))
}

fn toml_message(text: &str, err: &toml::de::Error) -> String {
    let message = err.message().trim_end();
    match err.span() {
        Some(span) => format!(
            "line {}: invalid TOML: {message}",
            LineIndex::new(text).line(span.start)
        ),
        None => format!("invalid TOML: {message}"),
    }
}

/// Maps byte offsets to 1-based line numbers.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex(starts)
    }

    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
    }
}

fn convert_table(table: &DeTable<'_>, lines: &LineIndex, line: Option<usize>) -> Raw {
    let entries = table
        .iter()
        .map(|(key, value)| {
            let line = Some(lines.line(key.span().start));
            (key.get_ref().to_string(), convert(value, lines, line))
        })
        .collect();
    Raw::table(entries, line)
}

fn convert(value: &Spanned<DeValue<'_>>, lines: &LineIndex, line: Option<usize>) -> Raw {
    let value = match value.get_ref() {
        DeValue::String(s) => RawValue::Str(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => RawValue::Int(n),
            // Out of range for i64: no option takes such a number, so keep
            // its text and let the type check reject it.
            Err(_) => RawValue::Str(i.as_str().to_owned()),
        },
        DeValue::Float(f) => RawValue::Float(f.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => RawValue::Bool(*b),
        DeValue::Datetime(d) => RawValue::Datetime(d.to_string()),
        DeValue::Array(items) => {
            let items = items
                .iter()
                .map(|item| convert(item, lines, Some(lines.line(item.span().start))))
                .collect();
            RawValue::Array(items)
        }
        DeValue::Table(table) => return convert_table(table, lines, line),
    };
    Raw {
        value,
        action: Action::Default,
        line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_remember_their_lines() {
        let text = "[a]\nx = 1\n\n[a.b]\ny = [\n  'p',\n]\n";
        let raw = parse_toml(Path::new("t.toml"), text).expect("valid TOML");
        let a = raw.get("a").expect("a");
        assert_eq!(a.get("x").and_then(|x| x.line), Some(2));
        let y = a.get("b").and_then(|b| b.get("y")).expect("y");
        assert_eq!(y.line, Some(5));
        match &y.value {
            RawValue::Array(items) => assert_eq!(items[0].line, Some(6)),
            other => panic!("not an array: {other:?}"),
        }
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let err = parse_toml(Path::new("t.toml"), "a = 1\nb = [\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
