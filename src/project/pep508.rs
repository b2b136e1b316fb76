//! PEP 508 dependency specifiers (`name[extra] >=1.0; python_version < "3.12"`,
//! `name @ URL ; marker`), parsed the way `packaging.requirements` does.

use super::pep440;

/// The parts of a requirement that METADATA needs.
#[derive(Debug, PartialEq, Eq)]
pub struct Requirement<'a> {
    pub name: &'a str,
    /// As written, duplicates included.
    pub extras: Vec<&'a str>,
    pub version: Version<'a>,
    /// The environment marker after `;`.
    pub marker: Option<Marker<'a>>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Version<'a> {
    Url(&'a str),
    /// Each version specifier as written, trimmed; none for any version.
    Specifiers(Vec<&'a str>),
}

/// An environment marker as `packaging` holds it: comparisons and
/// parenthesized groups joined by `and` / `or`, left to right.
#[derive(Debug, PartialEq, Eq)]
pub enum Marker<'a> {
    Compare {
        lhs: MarkerValue<'a>,
        op: &'static str,
        rhs: MarkerValue<'a>,
    },
    /// Each item with the word (`and`, `or`) before it; the first has none.
    Group(Vec<(Option<&'static str>, Marker<'a>)>),
}

#[derive(Debug, PartialEq, Eq)]
pub enum MarkerValue<'a> {
    /// As written, legacy dotted forms (`os.name`) included.
    Variable(&'static str),
    /// The text between the quotes.
    Quoted(&'a str),
}

/// Parses `text`; an error says what was expected where.
pub fn parse(text: &str) -> Result<Requirement<'_>, String> {
    let mut c = Cursor { text, pos: 0 };
    c.blanks();
    let name = c
        .identifier()
        .ok_or_else(|| c.expected("a package name (letters, digits, '.', '_', '-')"))?;
    c.blanks();
    let extras = match c.eat("[") {
        true => c.extras()?,
        false => Vec::new(),
    };
    let mut semicolon = None;
    let version = if c.eat("@") {
        c.blanks();
        let start = c.pos;
        c.pos += c.rest().find(char::is_whitespace).unwrap_or(c.rest().len());
        if c.pos == start {
            return Err(c.expected("a URL after '@'"));
        }
        let url = &text[start..c.pos];
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
        Version::Url(url)
    } else {
        let specifiers = c.specifiers()?;
        if !c.at_end() {
            semicolon = Some(c.pos);
            if !c.eat(";") {
                return Err(c.expected("',' and a version specifier, ';' and a marker, or the end"));
            }
        }
        Version::Specifiers(specifiers)
    };
    let marker = match semicolon {
        None => None,
        Some(_) => {
            let marker = c.marker(0)?;
            if !c.at_end() {
                return Err(c.expected("'and', 'or' or the end of the marker"));
            }
            Some(marker)
        }
    };
    Ok(Requirement {
        name,
        extras,
        version,
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
    fn extras(&mut self) -> Result<Vec<&'a str>, String> {
        self.blanks();
        let mut extras = Vec::new();
        if let Some(first) = self.identifier() {
            extras.push(first);
            loop {
                self.blanks();
                if self.eat(",") {
                    self.blanks();
                    let extra = self
                        .identifier()
                        .ok_or_else(|| self.expected("an extra name after ','"))?;
                    extras.push(extra);
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
        Ok(extras)
    }

    /// The version part, bare or in parentheses; it may be empty.
    fn specifiers(&mut self) -> Result<Vec<&'a str>, String> {
        let parenthesized = self.eat("(");
        let end = self.rest().find([';', ')']).unwrap_or(self.rest().len());
        let text: &'a str = &self.rest()[..end];
        // Unlike a bare specifier set, the grammar allows no empty item but
        // one trailing comma.
        let items: Vec<&str> = text.split(',').map(str::trim).collect();
        let trailing = items.len() > 1 && items.last() == Some(&"");
        let items = &items[..items.len() - usize::from(trailing)];
        if items.len() > 1 && items.contains(&"") {
            return Err(self.expected("a version specifier between commas"));
        }
        pep440::check_specifiers(text)?;
        let specifiers = items.iter().copied().filter(|s| !s.is_empty()).collect();
        self.pos += end;
        if parenthesized {
            if !self.eat(")") {
                return Err(self.expected("')' after the version specifier"));
            }
            self.blanks();
        }
        Ok(specifiers)
    }

    /// `atom (and|or atom)*`.
    fn marker(&mut self, depth: usize) -> Result<Marker<'a>, String> {
        let mut items = vec![(None, self.marker_atom(depth)?)];
        loop {
            let join = match () {
                _ if self.keyword("and") => "and",
                _ if self.keyword("or") => "or",
                _ => break,
            };
            items.push((Some(join), self.marker_atom(depth)?));
        }
        Ok(Marker::Group(items))
    }

    fn marker_atom(&mut self, depth: usize) -> Result<Marker<'a>, String> {
        self.blanks();
        let atom = if self.eat("(") {
            if depth >= MAX_DEPTH {
                return Err(format!(
                    "the marker is nested more than {MAX_DEPTH} levels deep"
                ));
            }
            let group = self.marker(depth + 1)?;
            if !self.eat(")") {
                return Err(self.expected("')' closing the marker group"));
            }
            group
        } else {
            let lhs = self.marker_value()?;
            self.blanks();
            let op = self.marker_operator()?;
            self.blanks();
            let rhs = self.marker_value()?;
            Marker::Compare { lhs, op, rhs }
        };
        self.blanks();
        Ok(atom)
    }

    /// A marker variable or a quoted string.
    fn marker_value(&mut self) -> Result<MarkerValue<'a>, String> {
        let mut names: Vec<&'static str> = VARIABLES.to_vec();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        if let Some(name) = names.into_iter().find(|name| self.keyword(name)) {
            return Ok(MarkerValue::Variable(name));
        }
        for quote in ['"', '\''] {
            if self.rest().starts_with(quote) {
                let close = self.rest()[1..].find(quote).ok_or_else(|| {
                    self.expected(&format!("a closing {quote} for the marker string"))
                })?;
                let inner: &'a str = &self.rest()[1..1 + close];
                // packaging evaluates those as Python escapes; plain text is enough here.
                if inner.contains(|c: char| c == '\\' || c.is_control()) {
                    return Err(self.expected("a marker string without '\\' or control characters"));
                }
                self.pos += close + 2;
                return Ok(MarkerValue::Quoted(inner));
            }
        }
        Err(self.expected(&format!(
            "a marker variable ({}) or a quoted string",
            VARIABLES.join(", ")
        )))
    }

    fn marker_operator(&mut self) -> Result<&'static str, String> {
        if self.keyword("in") {
            return Ok("in");
        }
        if self.keyword("not") {
            if !self.blanks() || !self.keyword("in") {
                return Err(self.expected("' in' after 'not'"));
            }
            return Ok("not in");
        }
        if let Some(op) = MARKER_OPERATORS.iter().find(|op| self.eat(op)) {
            return Ok(op);
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
        assert_eq!(r.extras, ["bar", "baz"]);
        assert_eq!(r.version, Version::Specifiers(vec![">=1.0", "<2"]));
        let compare = |lhs, op, rhs| Marker::Compare {
            lhs: MarkerValue::Variable(lhs),
            op,
            rhs: MarkerValue::Quoted(rhs),
        };
        assert_eq!(
            r.marker,
            Some(Marker::Group(vec![
                (None, compare("python_version", "<", "3.12")),
                (Some("and"), compare("os_name", "==", "nt")),
            ]))
        );
        let r = parse("foo @ https://x.org/a;b.whl ; os.name not  in 'nt'").unwrap();
        assert_eq!(r.version, Version::Url("https://x.org/a;b.whl"));
        assert_eq!(
            r.marker,
            Some(Marker::Group(vec![(
                None,
                compare("os.name", "not in", "nt")
            )]))
        );
        let r = parse("foo (>=1)").unwrap();
        assert_eq!(r.version, Version::Specifiers(vec![">=1"]));
        assert_eq!(r.marker, None);
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
