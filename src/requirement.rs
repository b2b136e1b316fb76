//! PEP 508 requirements as METADATA spells them: the canonical form that
//! py-build-cmake 0.5 writes (through `packaging`): no spaces inside the
//! version specifiers, specifiers and extras sorted, markers re-spaced with
//! double-quoted values and redundant parentheses dropped.

/// The canonical spelling of `requirement`, or the text unchanged when it
/// does not parse (the loader reports invalid requirements).
pub fn normalize(requirement: &str) -> String {
    parse(requirement).unwrap_or_else(|| requirement.trim().to_owned())
}

/// `requirement` with `extra == "<extra>"` added to its marker.
pub fn with_extra(requirement: &str, extra: &str) -> String {
    let (head, marker) = split_marker(requirement);
    let extra_marker = format!("extra == \"{extra}\"");
    let marker = match marker.and_then(parse_marker) {
        Some(group) => format!("{} and {extra_marker}", format_node(&group, false)),
        None => extra_marker,
    };
    let head = normalize(head);
    let separator = if head.contains(" @ ") { " ; " } else { "; " };
    format!("{head}{separator}{marker}")
}

fn parse(requirement: &str) -> Option<String> {
    let (head, marker) = split_marker(requirement);
    let head = head.trim();
    let name_end = head
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(head.len());
    let (name, mut rest) = head.split_at(name_end);
    if name.is_empty() {
        return None;
    }
    let mut out = name.to_owned();
    rest = rest.trim_start();
    if let Some(inner) = rest.strip_prefix('[') {
        let (extras, after) = inner.split_once(']')?;
        let mut extras: Vec<&str> = extras
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        extras.sort_unstable();
        extras.dedup();
        if !extras.is_empty() {
            out += &format!("[{}]", extras.join(","));
        }
        rest = after.trim_start();
    }
    let url = rest.strip_prefix('@').map(str::trim);
    match url {
        Some(url) if !url.is_empty() => out += &format!(" @ {url}"),
        Some(_) => return None,
        None => {
            let specs = rest
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .unwrap_or(rest);
            let mut specs: Vec<String> = specs
                .split(',')
                .map(|s| s.split_whitespace().collect::<String>())
                .filter(|s| !s.is_empty())
                .collect();
            if specs
                .iter()
                .any(|s| !s.starts_with(['<', '>', '=', '!', '~']))
            {
                return None;
            }
            specs.sort_unstable();
            out += &specs.join(",");
        }
    }
    if let Some(marker) = marker {
        let separator = if url.is_some() { " ; " } else { "; " };
        out += separator;
        out += &format_node(&parse_marker(marker)?, true);
    }
    Some(out)
}

/// Splits off the marker where the PEP 508 parser says it starts (in a URL
/// requirement a `;` only starts it after whitespace).
fn split_marker(requirement: &str) -> (&str, Option<&str>) {
    match crate::project::pep508::parse(requirement) {
        Ok(parsed) => (parsed.dependency, parsed.marker),
        Err(_) => (requirement, None),
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Open,
    Close,
    Word(String),
    Quoted(String),
    Op(String),
}

fn tokens(text: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => out.push(Token::Open),
            ')' => out.push(Token::Close),
            '\'' | '"' => {
                let end = text[i + 1..].find(c)? + i + 1;
                out.push(Token::Quoted(text[i + 1..end].to_owned()));
                while chars.peek().is_some_and(|&(j, _)| j <= end) {
                    chars.next();
                }
            }
            '<' | '>' | '=' | '!' | '~' => {
                let mut op = c.to_string();
                while let Some(&(_, n)) = chars.peek() {
                    if !matches!(n, '=' | '<' | '>') {
                        break;
                    }
                    op.push(n);
                    chars.next();
                }
                out.push(Token::Op(op));
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == '.' => {
                let mut word = c.to_string();
                while let Some(&(_, n)) = chars.peek() {
                    if !(n.is_ascii_alphanumeric() || n == '_' || n == '.') {
                        break;
                    }
                    word.push(n);
                    chars.next();
                }
                out.push(Token::Word(word));
            }
            _ => return None,
        }
    }
    Some(out)
}

/// A marker as `packaging` holds it: comparisons and groups joined by
/// `and` / `or`, left to right.
#[derive(Debug)]
enum Node {
    Compare(String),
    Group(Vec<Node>),
    Join(&'static str),
}

fn parse_marker(text: &str) -> Option<Node> {
    let tokens = tokens(text)?;
    let mut pos = 0;
    let group = parse_group(&tokens, &mut pos)?;
    (pos == tokens.len()).then_some(group)
}

fn parse_group(tokens: &[Token], pos: &mut usize) -> Option<Node> {
    let mut items = vec![parse_atom(tokens, pos)?];
    while let Some(Token::Word(word)) = tokens.get(*pos) {
        let join = match word.as_str() {
            "and" => "and",
            "or" => "or",
            _ => return None,
        };
        *pos += 1;
        items.push(Node::Join(join));
        items.push(parse_atom(tokens, pos)?);
    }
    Some(Node::Group(items))
}

fn parse_atom(tokens: &[Token], pos: &mut usize) -> Option<Node> {
    if tokens.get(*pos) == Some(&Token::Open) {
        *pos += 1;
        let group = parse_group(tokens, pos)?;
        if tokens.get(*pos) != Some(&Token::Close) {
            return None;
        }
        *pos += 1;
        return Some(group);
    }
    let lhs = value(tokens.get(*pos)?)?;
    *pos += 1;
    let op = match tokens.get(*pos)? {
        Token::Op(op) => op.clone(),
        Token::Word(w) if w == "in" => "in".into(),
        Token::Word(w) if w == "not" && tokens.get(*pos + 1) == Some(&Token::Word("in".into())) => {
            *pos += 1;
            "not in".into()
        }
        _ => return None,
    };
    *pos += 1;
    let rhs = value(tokens.get(*pos)?)?;
    *pos += 1;
    Some(Node::Compare(format!("{lhs} {op} {rhs}")))
}

/// A marker variable (old dotted spellings renamed, as `packaging` does) or
/// a double-quoted value.
fn value(token: &Token) -> Option<String> {
    match token {
        Token::Quoted(s) => Some(format!("\"{s}\"")),
        Token::Word(w) => Some(
            match w.as_str() {
                "os.name" => "os_name",
                "sys.platform" => "sys_platform",
                "platform.version" => "platform_version",
                "platform.machine" => "platform_machine",
                "platform.python_implementation" | "python_implementation" => {
                    "platform_python_implementation"
                }
                other => other,
            }
            .to_owned(),
        ),
        _ => None,
    }
}

/// A group of one item loses its parentheses; others keep them except at
/// the top.
fn format_node(node: &Node, top: bool) -> String {
    match node {
        Node::Compare(text) => text.clone(),
        Node::Join(join) => (*join).to_owned(),
        Node::Group(items) if items.len() == 1 => format_node(&items[0], top),
        Node::Group(items) => {
            let inner = items
                .iter()
                .map(|item| format_node(item, false))
                .collect::<Vec<_>>()
                .join(" ");
            if top {
                inner
            } else {
                format!("({inner})")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each pair was checked against py-build-cmake 0.5.1's METADATA.
    #[test]
    fn canonical_forms() {
        for (written, expected) in [
            ("foo >=1.0, <2", "foo<2,>=1.0"),
            ("Foo_Bar >= 1.0 , < 2", "Foo_Bar<2,>=1.0"),
            (
                "Bar[b,a]>=1; python_version<\"3.9\"",
                "Bar[a,b]>=1; python_version < \"3.9\"",
            ),
            ("baz (>=1)", "baz>=1"),
            ("q==1.*,!=1.2,>1", "q!=1.2,==1.*,>1"),
            ("d~=1.2,!=1.3.*", "d!=1.3.*,~=1.2"),
            ("c===1", "c===1"),
            ("z @ https://x/y.whl", "z @ https://x/y.whl"),
            (
                "a[x] @ https://x/y.whl ; os_name == 'nt'",
                "a[x] @ https://x/y.whl ; os_name == \"nt\"",
            ),
            (
                "b; python_version<='3.9' and (os_name==\"nt\")",
                "b; python_version <= \"3.9\" and os_name == \"nt\"",
            ),
        ] {
            assert_eq!(normalize(written), expected, "{written}");
        }
        assert_eq!(normalize("not a requirement!"), "not a requirement!");
    }

    #[test]
    fn extras_join_the_marker() {
        assert_eq!(
            with_extra("pytest>=7,<9; os_name==\"nt\" or sys_platform==\"x\"", "t"),
            "pytest<9,>=7; (os_name == \"nt\" or sys_platform == \"x\") and extra == \"t\""
        );
        assert_eq!(
            with_extra("p; os_name==\"nt\"", "t-x"),
            "p; os_name == \"nt\" and extra == \"t-x\""
        );
        assert_eq!(with_extra("a", "t"), "a; extra == \"t\"");
    }
}
