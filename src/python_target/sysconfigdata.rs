//! Reading a target's `_sysconfigdata_*.py` without running it: the file is
//! one dict literal (`build_time_vars = {...}`) of strings and integers, as
//! pprint writes it, so a small literal parser is enough.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One build-time variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(String),
    Int(i64),
}

#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {message}", file.display())]
pub struct ParseError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

/// The variables of one `_sysconfigdata_*.py`.
#[derive(Debug, Clone)]
pub struct SysconfigData {
    pub file: PathBuf,
    vars: BTreeMap<String, Value>,
}

impl SysconfigData {
    pub fn parse(file: &Path, text: &str) -> Result<SysconfigData, ParseError> {
        let mut parser = Parser {
            file,
            bytes: text.as_bytes(),
            pos: 0,
        };
        let vars = parser.build_time_vars()?;
        Ok(SysconfigData {
            file: file.to_owned(),
            vars,
        })
    }

    /// A string variable; empty strings count as unset, like sysconfig's users treat them.
    pub fn str(&self, name: &str) -> Option<&str> {
        match self.vars.get(name) {
            Some(Value::Str(s)) if !s.is_empty() => Some(s),
            _ => None,
        }
    }
}

struct Parser<'a> {
    file: &'a Path,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> ParseError {
        let line = 1 + self.bytes[..self.pos.min(self.bytes.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        ParseError {
            file: self.file.to_owned(),
            line,
            message: message.into(),
        }
    }

    /// Skips whitespace and `#` comments.
    fn skip(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if b == b'#' {
                while self.bytes.get(self.pos).is_some_and(|&b| b != b'\n') {
                    self.pos += 1;
                }
            } else if b.is_ascii_whitespace() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip();
        self.bytes.get(self.pos).copied()
    }

    fn expect(&mut self, token: &str) -> Result<(), ParseError> {
        self.skip();
        if self.bytes[self.pos..].starts_with(token.as_bytes()) {
            self.pos += token.len();
            Ok(())
        } else {
            Err(self.error(format!("expected `{token}`")))
        }
    }

    fn build_time_vars(&mut self) -> Result<BTreeMap<String, Value>, ParseError> {
        self.expect("build_time_vars")?;
        self.expect("=")?;
        self.expect("{")?;
        let mut vars = BTreeMap::new();
        loop {
            if self.peek() == Some(b'}') {
                self.pos += 1;
                break;
            }
            let key = self.string()?;
            self.expect(":")?;
            let value = self.value()?;
            vars.insert(key, value);
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                _ => return Err(self.error("expected `,` or `}` after a value")),
            }
        }
        Ok(vars)
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        match self.peek() {
            Some(b'\'' | b'"') => Ok(Value::Str(self.concatenated()?)),
            // pprint wraps long strings as `('part one ' 'part two')`.
            Some(b'(') => {
                self.pos += 1;
                let s = self.concatenated()?;
                self.expect(")")?;
                Ok(Value::Str(s))
            }
            Some(b'-' | b'0'..=b'9') => self.integer(),
            _ => Err(self.error("expected a string or an integer")),
        }
    }

    /// Adjacent string literals, joined as Python joins them.
    fn concatenated(&mut self) -> Result<String, ParseError> {
        let mut s = self.string()?;
        while matches!(self.peek(), Some(b'\'' | b'"')) {
            s.push_str(&self.string()?);
        }
        Ok(s)
    }

    fn integer(&mut self) -> Result<Value, ParseError> {
        let start = self.pos;
        if self.bytes[self.pos] == b'-' {
            self.pos += 1;
        }
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        std::str::from_utf8(&self.bytes[start..self.pos])
            .ok()
            .and_then(|digits| digits.parse().ok())
            .map(Value::Int)
            .ok_or_else(|| self.error("invalid integer"))
    }

    /// One single- or double-quoted literal with Python's escapes.
    fn string(&mut self) -> Result<String, ParseError> {
        let quote = match self.peek() {
            Some(q @ (b'\'' | b'"')) => q,
            _ => return Err(self.error("expected a quoted string")),
        };
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.error("unterminated string"));
            };
            self.pos += 1;
            match b {
                b'\n' => return Err(self.error("unterminated string")),
                b'\\' => self.escape(&mut out)?,
                b if b == quote => break,
                b => out.push(b),
            }
        }
        String::from_utf8(out).map_err(|_| self.error("string is not UTF-8"))
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), ParseError> {
        let Some(&b) = self.bytes.get(self.pos) else {
            return Err(self.error("unterminated string"));
        };
        self.pos += 1;
        let simple = match b {
            b'\\' => Some(b'\\'),
            b'\'' => Some(b'\''),
            b'"' => Some(b'"'),
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'0' => Some(0),
            b'\n' => return Ok(()),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            return Ok(());
        }
        let digits = match b {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => return Err(self.error(format!("unsupported escape `\\{}`", b as char))),
        };
        let hex = self
            .bytes
            .get(self.pos..self.pos + digits)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32)
            .ok_or_else(|| self.error("invalid hex escape"))?;
        self.pos += digits;
        let mut buf = [0u8; 4];
        out.extend_from_slice(hex.encode_utf8(&mut buf).as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pprint_output() {
        let text = "# system configuration generated and used by the sysconfig module\n\
            build_time_vars = {'ABIFLAGS': '',\n 'BLDSHARED': 'gcc -shared '\n              '-O2 ',\n \
            'CFLAGS': (\"it's \"\n  'quoted\\\\ \\x41'),\n 'Py_DEBUG': 0,\n 'Py_GIL_DISABLED': 1,\n \
            'NEG': -3,\n 'SOABI': 'cpython-313t-aarch64-linux-gnu'}\n";
        let data = SysconfigData::parse(Path::new("x.py"), text).unwrap();
        assert_eq!(data.str("BLDSHARED"), Some("gcc -shared -O2 "));
        assert_eq!(data.str("CFLAGS"), Some("it's quoted\\ A"));
        assert_eq!(data.str("ABIFLAGS"), None);
        assert_eq!(data.str("SOABI"), Some("cpython-313t-aarch64-linux-gnu"));
        assert_eq!(data.vars["Py_GIL_DISABLED"], Value::Int(1));
        assert_eq!(data.vars["NEG"], Value::Int(-3));
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let err = SysconfigData::parse(
            Path::new("/s/_sysconfigdata__linux.py"),
            "build_time_vars = {'A': 'x',\n 'B': [1]}",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "/s/_sysconfigdata__linux.py:2: expected a string or an integer"
        );
        let err = SysconfigData::parse(Path::new("f.py"), "x = 1").unwrap_err();
        assert_eq!(err.to_string(), "f.py:1: expected `build_time_vars`");
    }
}
