//! The override syntax of `.pbc` files and `-o`: `KEY OP VALUE`, with
//! dotted keys, the operators `=`, `+=`, `=+`, `-=`, `=!`, `+=(path)`,
//! `=+(path)` and TOML-like values (unquoted strings, `"..."`, numbers,
//! `true`/`false`, `[lists]`, `{key = value}` tables).

use super::raw::{Action, Raw, RawValue};

/// One parsed override.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub keys: Vec<String>,
    pub action: Action,
    pub value: RawValue,
    /// 1-based line of the override in its file (1 for `-o`).
    pub line: usize,
}

impl Override {
    /// The override as a nested table rooted at its target section; `line`
    /// is what errors will name (none for `-o`).
    pub fn into_raw(self, line: Option<usize>) -> Raw {
        let leaf = Raw {
            value: self.value,
            action: self.action,
            line,
        };
        self.keys
            .into_iter()
            .rev()
            .fold(leaf, |inner, key| Raw::table(vec![(key, inner)], line))
    }
}

/// A syntax error: what was expected, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Parses one `-o` override.
pub fn parse_one(text: &str) -> Result<Override, SyntaxError> {
    let mut parser = Parser::new(text);
    let result = parser.option()?;
    parser.skip_blank_and_comment();
    if !parser.at_end() {
        return Err(parser.error("expected the end of the override"));
    }
    Ok(result)
}

/// Parses a `.pbc` file: one override per line, `#` comments, blank lines.
pub fn parse_file(text: &str) -> Result<Vec<Override>, SyntaxError> {
    let mut parser = Parser::new(text);
    let mut result = Vec::new();
    loop {
        parser.skip_whitespace_and_comments(true);
        if parser.at_end() {
            return Ok(result);
        }
        result.push(parser.option()?);
        parser.skip_blank_and_comment();
        match parser.peek() {
            None => return Ok(result),
            Some('\n') => parser.bump(),
            Some(_) => return Err(parser.error("expected the end of the line")),
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    /// Lists and tables open around the current position.
    depth: usize,
}

/// How deep lists and tables may nest: far more than any option needs, and
/// little enough that the recursive parser and everything that walks the
/// value later stay well within the stack.
const MAX_DEPTH: usize = 64;

const OPERATORS: &[(&str, Action)] = &[
    ("+=(path)", Action::AppendPath),
    ("=+(path)", Action::PrependPath),
    ("+=", Action::Append),
    ("=+", Action::Prepend),
    ("-=", Action::Remove),
    ("=!", Action::Clear),
    ("=", Action::Assign),
];

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser {
            text,
            pos: 0,
            depth: 0,
        }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn line(&self) -> usize {
        self.text[..self.pos].matches('\n').count() + 1
    }

    fn error(&self, message: &str) -> SyntaxError {
        let line_start = self.text[..self.pos].rfind('\n').map_or(0, |i| i + 1);
        let found = match self.peek() {
            None => "the end".to_owned(),
            Some('\n') => "the end of the line".to_owned(),
            Some(c) => format!("{c:?}"),
        };
        SyntaxError {
            line: self.line(),
            column: self.text[line_start..self.pos].chars().count() + 1,
            message: format!("{message}, found {found}"),
        }
    }

    /// Spaces, tabs and `#` comments up to (not including) the line end.
    fn skip_blank_and_comment(&mut self) {
        self.skip_whitespace_and_comments(false);
    }

    fn skip_whitespace_and_comments(&mut self, newlines: bool) {
        while let Some(c) = self.peek() {
            if c == '#' {
                let end = self.rest().find('\n').unwrap_or(self.rest().len());
                self.pos += end;
            } else if c == ' ' || c == '\t' || c == '\r' || c == '\x0c' || (newlines && c == '\n') {
                self.bump();
            } else {
                break;
            }
        }
    }

    fn option(&mut self) -> Result<Override, SyntaxError> {
        let line = self.line();
        let mut keys = vec![self.key()?];
        while self.peek() == Some('.') {
            self.bump();
            keys.push(self.key()?);
        }
        self.skip_blank_and_comment();
        let (op, action) = OPERATORS
            .iter()
            .find(|(op, _)| self.rest().starts_with(op))
            .ok_or_else(|| {
                self.error("expected an operator (=, +=, =+, -=, =!, +=(path) or =+(path))")
            })?;
        self.pos += op.len();
        let value = if *action == Action::Clear {
            RawValue::Nothing
        } else {
            self.top_value(*action == Action::Assign)?
        };
        Ok(Override {
            keys,
            action: *action,
            value,
            line,
        })
    }

    fn key(&mut self) -> Result<String, SyntaxError> {
        if self.peek() == Some('"') {
            return self.quoted();
        }
        let len = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(self.rest().len());
        // A bare key may not end in '-' (it would swallow the `-=` operator).
        let key = self.rest()[..len].trim_end_matches('-');
        if key.is_empty() {
            return Err(
                self.error("expected a key (letters, digits, '_', '-', or a quoted string)")
            );
        }
        self.pos += key.len();
        Ok(key.to_owned())
    }

    /// The value right after the operator: no space may come first. An
    /// assigned unquoted value may not start or end with blanks either:
    /// py-build-cmake keeps them (`k = v` sets " v"), which is never what was
    /// meant. (Edits keep them: `generator-= Multi-Config` removes " Multi-Config".)
    fn top_value(&mut self, assign: bool) -> Result<RawValue, SyntaxError> {
        const SPACES: &str = "a space around an assigned value would become part of it; \
                              write key=value without spaces, or quote the value";
        let after_blanks = self.rest().trim_start_matches([' ', '\t']);
        // Before a list, table or quoted string the error below says more.
        let blank_first = after_blanks.len() < self.rest().len();
        if assign && blank_first && !after_blanks.starts_with(['[', '{', '"']) {
            return Err(self.error(SPACES));
        }
        match self.peek() {
            Some('{' | '[') => self.nested(),
            Some('"') => self.quoted().map(RawValue::Str),
            _ => {
                let len = self
                    .rest()
                    .find(['"', '[', ']', '{', '}', '\r', '\n', '#'])
                    .unwrap_or(self.rest().len());
                if len == 0 {
                    return Err(self.error("expected a value"));
                }
                let text = &self.rest()[..len];
                // Blanks before a `# comment` only separate it from the value.
                let trimmed = text.trim_end_matches([' ', '\t']);
                let comment = self.rest()[len..].starts_with('#');
                if assign && trimmed.len() < text.len() && !comment {
                    self.pos += trimmed.len();
                    return Err(self.error(SPACES));
                }
                let text = if comment { trimmed } else { text };
                self.pos += len;
                if matches!(self.peek(), Some('"' | '[' | '{')) {
                    return Err(self.error(
                        "unexpected character after an unquoted value \
                         (no space may come between the operator and a list, table or quoted string)",
                    ));
                }
                Ok(scalar(text))
            }
        }
    }

    /// A value inside a list or table: unquoted strings end at whitespace.
    fn inner_value(&mut self, in_table: bool) -> Result<RawValue, SyntaxError> {
        match self.peek() {
            Some('{' | '[') => self.nested(),
            Some('"') => self.quoted().map(RawValue::Str),
            _ => {
                let len = self.bare_len(in_table);
                if len == 0 {
                    return Err(self.error("expected a value"));
                }
                let text = &self.rest()[..len];
                self.pos += len;
                Ok(scalar(text))
            }
        }
    }

    fn bare_len(&self, stop_at_equals: bool) -> usize {
        self.rest()
            .find(|c: char| {
                matches!(
                    c,
                    '"' | '[' | ']' | '{' | '}' | ',' | '\r' | '\n' | '#' | ' ' | '\t' | '\x0c'
                ) || (stop_at_equals && c == '=')
            })
            .unwrap_or(self.rest().len())
    }

    /// A list or table, one level deeper than the current position.
    fn nested(&mut self) -> Result<RawValue, SyntaxError> {
        if self.depth == MAX_DEPTH {
            return Err(self.error(&format!(
                "lists and tables nest more than {MAX_DEPTH} levels deep"
            )));
        }
        self.depth += 1;
        let value = if self.peek() == Some('[') {
            self.array()
        } else {
            self.table()
        };
        self.depth -= 1;
        value
    }

    fn array(&mut self) -> Result<RawValue, SyntaxError> {
        let mut items = Vec::new();
        self.items(']', "list", |parser, line| {
            let value = parser.inner_value(false)?;
            items.push(Raw {
                value,
                action: Action::Default,
                line,
            });
            Ok(())
        })?;
        Ok(RawValue::Array(items))
    }

    fn table(&mut self) -> Result<RawValue, SyntaxError> {
        let mut entries: Vec<(String, Raw)> = Vec::new();
        self.items('}', "table", |parser, line| {
            let key = if parser.peek() == Some('"') {
                parser.quoted()?
            } else {
                let len = parser.bare_len(true);
                if len == 0 {
                    return Err(parser.error("expected a key in the table"));
                }
                let key = parser.rest()[..len].to_owned();
                parser.pos += len;
                key
            };
            parser.skip_whitespace_and_comments(true);
            if parser.peek() != Some('=') {
                return Err(parser.error("expected '=' after the table key"));
            }
            parser.bump();
            parser.skip_whitespace_and_comments(true);
            let value = parser.inner_value(true)?;
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(parser.error(&format!("duplicate key {key:?} in the table")));
            }
            entries.push((
                key,
                Raw {
                    value,
                    action: Action::Default,
                    line,
                },
            ));
            Ok(())
        })?;
        Ok(RawValue::Table(entries))
    }

    /// The comma-separated items of a list or table (`what`), from its
    /// opening bracket (next) to `close`; `item` parses one, given the line
    /// it starts on. As in TOML, only a list may end with a comma.
    fn items(
        &mut self,
        close: char,
        what: &str,
        mut item: impl FnMut(&mut Self, Option<usize>) -> Result<(), SyntaxError>,
    ) -> Result<(), SyntaxError> {
        self.bump(); // '[' or '{'
        let trailing_comma = close == ']';
        let mut after_comma = false;
        loop {
            self.skip_whitespace_and_comments(true);
            if self.peek() == Some(close) && (trailing_comma || !after_comma) {
                self.bump();
                return Ok(());
            }
            item(self, Some(self.line()))?;
            self.skip_whitespace_and_comments(true);
            match self.peek() {
                Some(',') => {
                    self.bump();
                    after_comma = true;
                }
                Some(c) if c == close => after_comma = false,
                _ => return Err(self.error(&format!("expected ',' or '{close}' in the {what}"))),
            }
        }
    }

    /// A double-quoted string with backslash escapes.
    fn quoted(&mut self) -> Result<String, SyntaxError> {
        self.bump(); // '"'
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            match c {
                '"' => {
                    self.bump();
                    return Ok(out);
                }
                '\n' => return Err(self.error("unterminated string")),
                '\\' => {
                    self.bump();
                    out.push(self.escape()?);
                }
                _ => {
                    out.push(c);
                    self.bump();
                }
            }
        }
    }

    fn escape(&mut self) -> Result<char, SyntaxError> {
        let Some(c) = self.peek() else {
            return Err(self.error("unterminated escape"));
        };
        self.bump();
        Ok(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'b' => '\x08',
            'f' => '\x0c',
            '0' => '\0',
            '"' | '\\' | '\'' | '/' => c,
            'u' | 'U' => {
                let digits = if c == 'u' { 4 } else { 8 };
                let hex: String = self.rest().chars().take(digits).collect();
                let code = (hex.len() == digits)
                    .then(|| u32::from_str_radix(&hex, 16).ok())
                    .flatten()
                    .and_then(char::from_u32)
                    .ok_or_else(|| self.error("invalid unicode escape"))?;
                self.pos += hex.len();
                code
            }
            _ => return Err(self.error("invalid escape sequence")),
        })
    }
}

/// An unquoted value: an integer, a bool, or else a string.
fn scalar(text: &str) -> RawValue {
    match text {
        "true" | "True" => return RawValue::Bool(true),
        "false" | "False" => return RawValue::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse() {
            return RawValue::Int(n);
        }
    }
    RawValue::Str(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(v: &str) -> RawValue {
        RawValue::Str(v.to_owned())
    }

    fn item(value: RawValue) -> Raw {
        Raw {
            value,
            action: Action::Default,
            line: Some(1),
        }
    }

    #[test]
    fn every_operator() {
        let cases = [
            ("a.b=x", Action::Assign),
            ("a.b+=x", Action::Append),
            ("a.b=+x", Action::Prepend),
            ("a.b-=x", Action::Remove),
            ("a.b+=(path)x", Action::AppendPath),
            ("a.b=+(path)x", Action::PrependPath),
        ];
        for (text, action) in cases {
            let o = parse_one(text).expect(text);
            assert_eq!(o.keys, ["a", "b"]);
            assert_eq!(o.action, action, "{text}");
            assert_eq!(o.value, s("x"), "{text}");
        }
        let clear = parse_one("a.b=!").expect("clear");
        assert_eq!(
            (clear.action, clear.value),
            (Action::Clear, RawValue::Nothing)
        );
    }

    #[test]
    fn toml_like_values() {
        let o = parse_one(r#"cmake.options={A = "x y", B = [1, true, c]}"#).expect("table");
        let RawValue::Table(entries) = o.value else {
            panic!("not a table")
        };
        assert_eq!(entries[0], ("A".to_owned(), item(s("x y"))));
        let b = RawValue::Array(vec![
            item(RawValue::Int(1)),
            item(RawValue::Bool(true)),
            item(s("c")),
        ]);
        assert_eq!(entries[1], ("B".to_owned(), item(b)));
        assert_eq!(parse_one("k=a b").expect("spaces").value, s("a b"));
        assert_eq!(parse_one(r#"k="a\"b""#).expect("escape").value, s("a\"b"));
        assert_eq!(
            parse_one("\"x.y\".z=-3").expect("quoted key").keys,
            ["x.y", "z"]
        );
        assert_eq!(parse_one("k=-3").expect("int").value, RawValue::Int(-3));
    }

    #[test]
    fn commas_and_closers_of_lists_and_tables() {
        // As in TOML, a list may end with a comma, a table may not.
        let list = parse_one("k=[1, 2,]").expect("trailing comma");
        assert_eq!(
            list.value,
            RawValue::Array(vec![item(RawValue::Int(1)), item(RawValue::Int(2))])
        );
        assert_eq!(
            parse_one("k=[]").expect("empty").value,
            RawValue::Array(vec![])
        );
        assert_eq!(
            parse_one("k={}").expect("empty").value,
            RawValue::Table(vec![])
        );
        let cases = [
            ("k={a=1,}", "expected a key in the table"),
            ("k={,}", "expected a key in the table"),
            ("k={a=1 b=2}", "expected ',' or '}' in the table"),
            ("k=[1 2]", "expected ',' or ']' in the list"),
            ("k={a=1, a=2}", "duplicate key \"a\" in the table"),
            ("k={a 1}", "expected '=' after the table key"),
        ];
        for (text, message) in cases {
            let err = parse_one(text).unwrap_err();
            assert!(err.message.contains(message), "{text}: {err:?}");
        }
        assert!(parse_one("k=[,]").is_err());
    }

    /// py-build-cmake would keep the spaces of `k = v` in the value.
    #[test]
    fn spaces_around_an_unquoted_value_are_refused() {
        for text in ["k = v", "k= v", "k=v ", "k=\tv", "k=v\t"] {
            let err = parse_one(text).unwrap_err();
            assert!(err.message.contains("without spaces"), "{text}: {err:?}");
        }
        assert_eq!(parse_one("k-= v").expect("edit").value, s(" v"));
        assert_eq!(parse_one("k =v").expect("space before =").value, s("v"));
        assert_eq!(parse_one("k=\" v \"").expect("quoted").value, s(" v "));
        let all = parse_file("k=v # why\nj=w\n").expect("comment");
        assert_eq!(all[0].value, s("v"));
        assert!(parse_file("k=v \n").is_err());
    }

    #[test]
    fn space_after_the_operator_is_an_error_before_brackets() {
        assert!(parse_one(r#"k+= ["x"]"#).is_err());
        assert!(parse_one("k=").is_err());
        assert!(parse_one("=x").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let ok = format!("a={}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        parse_one(&ok).unwrap();
        for deep in [MAX_DEPTH + 1, 100_000] {
            let text = format!(
                "a={}{}",
                "[{a=".repeat(deep / 2 + 1),
                "}]".repeat(deep / 2 + 1)
            );
            let err = parse_one(&text).unwrap_err();
            assert!(err.message.contains("nest more than 64 levels"), "{err:?}");
            let file = format!("x=1\nb={}\n", "[".repeat(deep));
            let err = parse_file(&file).unwrap_err();
            assert_eq!(err.line, 2, "{err:?}");
        }
    }

    #[test]
    fn files_have_lines_and_comments() {
        let text = "# comment\n\ncmake.build_type=Debug # why\n  cmake.args+=[\"-x\",\n  \"-y\"]\n";
        let all = parse_file(text).expect("valid");
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].line, all[1].line), (3, 4));
        let err = parse_file("a=1\nb c\n").unwrap_err();
        assert_eq!(err.line, 2);
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,40}") {
            let _ = parse_one(&text);
            let _ = parse_file(&text);
        }

        #[test]
        fn never_panics_on_override_like_text(
            text in r#"[a-z.\"\\]{0,6}(=|\+=|=\+|-=|=!|\+=\(path\))[\[\]{}=,\"a-z0-9# \n-]{0,20}"#
        ) {
            let _ = parse_one(&text);
            let _ = parse_file(&text);
        }
    }
}
