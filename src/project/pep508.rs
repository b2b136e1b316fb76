//! PEP 508 dependency specifiers (`name[extra] >=1.0; python_version < "3.12"`,
//! `name @ URL ; marker`), parsed the way `packaging.requirements` does.

use super::pep440;

/// The parts of a requirement that METADATA needs.
#[derive(Debug, PartialEq, Eq)]
pub struct Requirement<'a> {
    pub name: &'a str,
    /// The part before the marker, without trailing blanks.
    pub dependency: &'a str,
    /// The environment marker after `;`, trimmed.
    pub marker: Option<&'a str>,
}

/// Parses `text`; an error says what was expected where.
pub fn parse(text: &str) -> Result<Requirement<'_>, String> {
    let mut c = Cursor { text, pos: 0 };
    c.blanks();
    let name = c
        .identifier()
        .ok_or_else(|| c.expected("a package name (letters, digits, '.', '_', '-')"))?;
    c.blanks();
    if c.eat("[") {
        c.extras()?;
    }
    let mut semicolon = None;
    if c.eat("@") {
        c.blanks();
        let start = c.pos;
        c.pos += c.rest().find(char::is_whitespace).unwrap_or(c.rest().len());
        if c.pos == start {
            return Err(c.expected("a URL after '@'"));
        }
        // A `;` right after the URL belongs to it.
        if !c.at_end() && !c.blanks() {
            return Err(c.expected("a blank after the URL"));
        }
        if !c.at_end() {
            semicolon = Some(c.pos);
            if !c.eat(";") {
                return Err(c.expected("';' and a marker after the URL, or the end"));
            }
        }
    } else {
        c.specifiers()?;
        if !c.at_end() {
            semicolon = Some(c.pos);
            if !c.eat(";") {
                return Err(c.expected("',' and a version specifier, ';' and a marker, or the end"));
            }
        }
    }
    let marker = match semicolon {
        None => None,
        Some(at) => {
            c.marker(0)?;
            if !c.at_end() {
                return Err(c.expected("'and', 'or' or the end of the marker"));
            }
            Some(text[at + 1..].trim())
        }
    };
    let dependency = text[..semicolon.unwrap_or(text.len())].trim_end();
    Ok(Requirement {
        name,
        dependency,
        marker,
    })
}

/// Marker variables, as `packaging` spells them (with the legacy dotted forms).
const VARIABLES: &[&str] = &[
    "python_version",
    "python_full_version",
    "os_name",
    "os.name",
    "sys_platform",
    "sys.platform",
    "platform_release",
    "platform_system",
    "platform_version",
    "platform.version",
    "platform_machine",
    "platform.machine",
    "platform_python_implementation",
    "platform.python_implementation",
    "python_implementation",
    "implementation_name",
    "implementation_version",
    "extra",
    "extras",
    "dependency_groups",
];

/// Longest first, so that `===` is not read as `==`.
const MARKER_OPERATORS: &[&str] = &["===", "==", "~=", "!=", "<=", ">=", "<", ">"];

/// Deeper nesting is refused rather than recursed into.
const MAX_DEPTH: usize = 100;

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

fn is_word(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn at_end(&self) -> bool {
        self.pos == self.text.len()
    }

    fn expected(&self, what: &str) -> String {
        let column = self.text[..self.pos].chars().count() + 1;
        match self.rest().chars().next() {
            None => format!("expected {what} at the end"),
            Some(c) => format!("expected {what} at column {column}, found {c:?}"),
        }
    }

    /// Spaces and tabs; whether there were any.
    fn blanks(&mut self) -> bool {
        let len = self.rest().len() - self.rest().trim_start_matches([' ', '\t']).len();
        self.pos += len;
        len > 0
    }

    fn eat(&mut self, token: &str) -> bool {
        let found = self.rest().starts_with(token);
        if found {
            self.pos += token.len();
        }
        found
    }

    /// `word` as a whole word (not the start of a longer one).
    fn keyword(&mut self, word: &str) -> bool {
        let found =
            self.rest().starts_with(word) && !self.rest()[word.len()..].starts_with(is_word);
        if found {
            self.pos += word.len();
        }
        found
    }

    /// `[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9_])?`, ending at a word boundary.
    fn identifier(&mut self) -> Option<&'a str> {
        let rest = self.rest();
        if !rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return None;
        }
        let run = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
            .unwrap_or(rest.len());
        let name = rest[..run].trim_end_matches(['.', '-']);
        if rest[name.len()..].starts_with(is_word) {
            return None;
        }
        self.pos += name.len();
        Some(name)
    }

    /// After `[`: `extra (, extra)* ]`, blanks anywhere.
    fn extras(&mut self) -> Result<(), String> {
        self.blanks();
        if self.identifier().is_some() {
            loop {
                self.blanks();
                if self.eat(",") {
                    self.blanks();
                    self.identifier()
                        .ok_or_else(|| self.expected("an extra name after ','"))?;
                } else if self.identifier().is_some() {
                    return Err("expected ',' between extra names".into());
                } else {
                    break;
                }
            }
        }
        if !self.eat("]") {
            return Err(self.expected("']' after the extras"));
        }
        self.blanks();
        Ok(())
    }

    /// The version part, bare or in parentheses; it may be empty.
    fn specifiers(&mut self) -> Result<(), String> {
        let parenthesized = self.eat("(");
        let end = self
            .rest()
            .find(|c| c == ';' || c == ')')
            .unwrap_or(self.rest().len());
        let text = &self.rest()[..end];
        // Unlike a bare specifier set, the grammar allows no empty item but
        // one trailing comma.
        let items: Vec<&str> = text.split(',').map(str::trim).collect();
        let trailing = items.len() > 1 && items.last() == Some(&"");
        let items = &items[..items.len() - usize::from(trailing)];
        if items.len() > 1 && items.contains(&"") {
            return Err(self.expected("a version specifier between commas"));
        }
        pep440::check_specifiers(text)?;
        self.pos += end;
        if parenthesized {
            if !self.eat(")") {
                return Err(self.expected("')' after the version specifier"));
            }
            self.blanks();
        }
        Ok(())
    }

    /// `atom (and|or atom)*`.
    fn marker(&mut self, depth: usize) -> Result<(), String> {
        self.marker_atom(depth)?;
        while self.keyword("and") || self.keyword("or") {
            self.marker_atom(depth)?;
        }
        Ok(())
    }

    fn marker_atom(&mut self, depth: usize) -> Result<(), String> {
        self.blanks();
        if self.eat("(") {
            if depth >= MAX_DEPTH {
                return Err(format!(
                    "the marker is nested more than {MAX_DEPTH} levels deep"
                ));
            }
            self.marker(depth + 1)?;
            if !self.eat(")") {
                return Err(self.expected("')' closing the marker group"));
            }
        } else {
            self.marker_value()?;
            self.blanks();
            self.marker_operator()?;
            self.blanks();
            self.marker_value()?;
        }
        self.blanks();
        Ok(())
    }

    /// A marker variable or a quoted string.
    fn marker_value(&mut self) -> Result<(), String> {
        let mut names: Vec<&str> = VARIABLES.to_vec();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        if names.into_iter().any(|name| self.keyword(name)) {
            return Ok(());
        }
        for quote in ['"', '\''] {
            if self.rest().starts_with(quote) {
                let close = self.rest()[1..].find(quote).ok_or_else(|| {
                    self.expected(&format!("a closing {quote} for the marker string"))
                })?;
                let inner = &self.rest()[1..1 + close];
                // packaging evaluates those as Python escapes; plain text is enough here.
                if inner.contains(|c: char| c == '\\' || c.is_control()) {
                    return Err(self.expected("a marker string without '\\' or control characters"));
                }
                self.pos += close + 2;
                return Ok(());
            }
        }
        Err(self.expected(&format!(
            "a marker variable ({}) or a quoted string",
            VARIABLES.join(", ")
        )))
    }

    fn marker_operator(&mut self) -> Result<(), String> {
        if self.keyword("in") {
            return Ok(());
        }
        if self.keyword("not") {
            if !self.blanks() || !self.keyword("in") {
                return Err(self.expected("' in' after 'not'"));
            }
            return Ok(());
        }
        if MARKER_OPERATORS.iter().any(|op| self.eat(op)) {
            return Ok(());
        }
        Err(self.expected("a marker operator (<=, <, !=, ==, >=, >, ~=, ===, in, not in)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts() {
        let r = parse("foo[bar, baz] >=1.0, <2 ; python_version < '3.12' and os_name == \"nt\"")
            .unwrap();
        assert_eq!(r.name, "foo");
        assert_eq!(r.dependency, "foo[bar, baz] >=1.0, <2");
        assert_eq!(
            r.marker,
            Some("python_version < '3.12' and os_name == \"nt\"")
        );
        let r = parse("foo @ https://x.org/a;b.whl ; os_name == 'nt'").unwrap();
        assert_eq!(r.dependency, "foo @ https://x.org/a;b.whl");
        assert_eq!(r.marker, Some("os_name == 'nt'"));
        assert_eq!(parse("foo (>=1)").unwrap().marker, None);
    }

    /// The differential test against packaging (tests/test_metadata_validation.py)
    /// covers many more; these are the shapes each rule is about.
    #[test]
    fn accepts_and_refuses() {
        let good = [
            "foo",
            "Foo_Bar.baz-1",
            "foo[]",
            "foo>=1,",
            "foo ()",
            "foo;extra=='x'",
            "foo; (os_name == 'nt' or sys.platform == 'linux') and 'a' not in extra",
            "foo @ file:///tmp/x.whl",
            "foo===1.0-weird",
            // The URL runs to the next blank: this `;` is part of it.
            "foo @ https://x.org/a.whl;os_name=='nt'",
        ];
        for given in good {
            assert!(parse(given).is_ok(), "{given}: {:?}", parse(given));
        }
        let bad = [
            "",
            "-foo",
            "foo bar",
            "foo[bar baz]",
            "foo[bar,]",
            "foo >=1.0 <2",
            "foo>=1,,<2",
            "foo>=1,,",
            "foo>=1.0; ",
            "foo; os_name",
            "foo; os_name = 'nt'",
            "foo; python_versionx < '3'",
            "foo; os_name == 'nt",
            "foo @",
            "foo (>=1",
            "foo>=1)",
            "foo\nbar",
            "foo; os_name == 'a' and",
            "foo; os_name not  'a'",
        ];
        for given in bad {
            assert!(parse(given).is_err(), "{given:?}");
        }
    }
}
