//! PEP 440 versions: parsing every accepted spelling and writing the
//! normalized form (`1.0-RC1` -> `1.0rc1`, `v1.0.post` -> `1.0.post0`).

/// The normalized form of `text`, or `None` when it is not a PEP 440 version.
pub fn normalize(text: &str) -> Option<String> {
    let lower = text.trim().to_ascii_lowercase();
    let mut s = Cursor(lower.strip_prefix('v').unwrap_or(&lower));
    let mut out = String::new();

    let first = s.number()?;
    let (epoch, first) = if s.eat("!") {
        (Some(first), s.number()?)
    } else {
        (None, first)
    };
    if let Some(epoch) = epoch.filter(|e| *e != 0) {
        out += &format!("{epoch}!");
    }
    out += &first.to_string();
    while s.0.starts_with('.') && s.0[1..].starts_with(|c: char| c.is_ascii_digit()) {
        s.eat(".");
        out += &format!(".{}", s.number()?);
    }

    // Pre-release: a, b, rc and their long spellings.
    let save = s.0;
    s.separator();
    let pre = [
        ("alpha", "a"),
        ("a", "a"),
        ("beta", "b"),
        ("b", "b"),
        ("preview", "rc"),
        ("pre", "rc"),
        ("rc", "rc"),
        ("c", "rc"),
    ]
    .into_iter()
    .find(|(spelling, _)| s.eat(spelling));
    match pre {
        Some((_, tag)) => {
            s.separator();
            out += &format!("{tag}{}", s.number().unwrap_or(0));
        }
        None => s.0 = save,
    }

    // Post-release: `-N`, or post / rev / r.
    let save = s.0;
    if s.0.starts_with('-') && s.0[1..].starts_with(|c: char| c.is_ascii_digit()) {
        s.eat("-");
        out += &format!(".post{}", s.number()?);
    } else {
        s.separator();
        if ["post", "rev", "r"]
            .into_iter()
            .any(|spelling| s.eat(spelling))
        {
            s.separator();
            out += &format!(".post{}", s.number().unwrap_or(0));
        } else {
            s.0 = save;
        }
    }

    let save = s.0;
    s.separator();
    if s.eat("dev") {
        s.separator();
        out += &format!(".dev{}", s.number().unwrap_or(0));
    } else {
        s.0 = save;
    }

    if s.eat("+") {
        let parts: Vec<&str> = s.0.split(['.', '-', '_']).collect();
        if parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return None;
        }
        // Numeric local segments lose their leading zeros.
        let parts: Vec<String> = parts
            .iter()
            .map(|p| match p.parse::<u128>() {
                Ok(n) if p.bytes().all(|b| b.is_ascii_digit()) => n.to_string(),
                _ => (*p).to_owned(),
            })
            .collect();
        out += &format!("+{}", parts.join("."));
        s.0 = "";
    }
    s.0.is_empty().then_some(out)
}

/// Checks a PEP 440 specifier set such as `>=3.8, <4` (`requires-python`,
/// the version part of a requirement), as `packaging`'s SpecifierSet does:
/// empty items between commas are skipped.
pub fn check_specifiers(text: &str) -> Result<(), String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .try_for_each(check_specifier)
}

/// Longest first, so that `===` is not read as `==`.
const OPERATORS: [&str; 8] = ["===", "==", "~=", "!=", "<=", ">=", "<", ">"];

fn check_specifier(item: &str) -> Result<(), String> {
    let Some(op) = OPERATORS.into_iter().find(|op| item.starts_with(op)) else {
        return Err(format!(
            "{item:?} does not start with an operator (one of {})",
            OPERATORS.join(" ")
        ));
    };
    let version = item[op.len()..].trim_start();
    let fail = |what: &str| Err(format!("{item:?}: {what}"));
    if version.is_empty() {
        return fail("a version must follow the operator");
    }
    match op {
        // Arbitrary equality compares strings: anything without blanks.
        "===" if version.contains(char::is_whitespace) || version.contains([';', ')']) => {
            fail("'===' takes a version without spaces, ';' or ')'")
        }
        "===" => Ok(()),
        "==" | "!=" => match version.strip_suffix(".*") {
            Some(prefix) if release_only(prefix) => Ok(()),
            Some(_) => fail(
                "'.*' may only follow a release number like 1.2 (no pre, post, dev or local part)",
            ),
            None if normalize(version).is_some() => Ok(()),
            None => fail("not a valid PEP 440 version"),
        },
        _ => {
            let Some(normalized) = normalize(version) else {
                return fail("not a valid PEP 440 version (and only == and != take '.*')");
            };
            if normalized.contains('+') {
                return fail("only == and != take a local version (+...)");
            }
            if op == "~=" && release_segments(&normalized) < 2 {
                return fail("'~=' needs a release with at least two parts, like ~=1.2");
            }
            Ok(())
        }
    }
}

/// `[v][N!]N(.N)*`: a release with no pre, post, dev or local part.
fn release_only(text: &str) -> bool {
    let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let text = match text.split_once('!') {
        Some((epoch, rest)) if !epoch.is_empty() && epoch.bytes().all(|b| b.is_ascii_digit()) => {
            rest
        }
        Some(_) => return false,
        None => text,
    };
    text.split('.')
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// How many numbers the release part of a normalized version has.
fn release_segments(normalized: &str) -> usize {
    let release = normalized.split_once('!').map_or(normalized, |(_, r)| r);
    let end = release
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(release.len());
    release[..end].trim_end_matches('.').split('.').count()
}

struct Cursor<'a>(&'a str);

impl Cursor<'_> {
    fn eat(&mut self, prefix: &str) -> bool {
        match self.0.strip_prefix(prefix) {
            Some(rest) => {
                self.0 = rest;
                true
            }
            None => false,
        }
    }

    fn separator(&mut self) {
        let _ = self.eat(".") || self.eat("-") || self.eat("_");
    }

    /// A decimal number, without its leading zeros.
    fn number(&mut self) -> Option<u128> {
        let len = self
            .0
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(self.0.len());
        let n = self.0[..len].parse().ok()?;
        self.0 = &self.0[len..];
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::{check_specifiers, normalize};

    #[test]
    fn specifiers() {
        let good = [
            ">=3.8",
            ">=3.8, <4",
            "==1.*",
            "!=1.0.*",
            "~=1.2",
            "~=1.2.post1",
            "==1.0+local",
            "===weird-thing",
            "> 1 , < 2",
            ">=1.0RC1",
            "<=v2!1.0",
            "",
            ">=3.8,",
            ">=3.8,,<4",
        ];
        for given in good {
            assert_eq!(check_specifiers(given), Ok(()), "{given}");
        }
        let bad = [
            "3.8",
            ">=",
            "=>3.8",
            "~=1",
            ">=1.0+local",
            "<1.*",
            "==1.0a1.*",
            "==1.*.2",
            ">=x",
            "== 1.0 a",
            ">=3.8; os_name",
            "=== a b",
        ];
        for given in bad {
            assert!(check_specifiers(given).is_err(), "{given}");
        }
    }

    #[test]
    fn normalizes_every_spelling() {
        let cases = [
            ("1.0", "1.0"),
            ("v1.0", "1.0"),
            ("0!1.0", "1.0"),
            ("2!01.002", "2!1.2"),
            ("1.0-RC1", "1.0rc1"),
            ("1.0alpha", "1.0a0"),
            ("1.0.beta.2", "1.0b2"),
            ("1.0c3", "1.0rc3"),
            ("1.0-1", "1.0.post1"),
            ("1.0.post", "1.0.post0"),
            ("1.0rev2", "1.0.post2"),
            ("1.0-dev", "1.0.dev0"),
            ("1.0a1.post2.dev3", "1.0a1.post2.dev3"),
            ("1.0+Ubuntu-01_a", "1.0+ubuntu.1.a"),
        ];
        for (given, expected) in cases {
            assert_eq!(normalize(given).as_deref(), Some(expected), "{given}");
        }
        for bad in ["", "x", "1.", "1.0+", "1.0 a", "1..0", "1.0+a..b"] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }
}
