//! Name and version normalization: PEP 503 project names, their wheel file
//! name spelling, PEP 685 extra names and PEP 440 versions.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "project name {0:?} is not a valid distribution name: it must start and end with a \
         letter or digit and contain only letters, digits, '-', '_' and '.'"
    )]
    Name(String),
    #[error("version {version:?} is not a valid PEP 440 version: {reason}")]
    Version { version: String, reason: String },
}

fn is_separator(c: char) -> bool {
    matches!(c, '-' | '_' | '.')
}

/// Lowercases `name` and turns each run of `-`, `_`, `.` into `sep`.
fn collapse(name: &str, sep: char) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if is_separator(c) {
            if !in_run {
                out.push(sep);
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

/// The distribution name as it is spelled in wheel file names and the
/// `.dist-info` / `.data` directories: `My.Project` -> `my_project`.
pub fn wheel_name(name: &str) -> Result<String, Error> {
    let valid_char = |c: char| c.is_ascii_alphanumeric() || is_separator(c);
    let ends_ok = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !ends_ok || !name.chars().all(valid_char) {
        return Err(Error::Name(name.to_string()));
    }
    Ok(collapse(name, '_'))
}

/// PEP 685 extra name: `Dev_Tools` -> `dev-tools`.
pub fn extra_name(extra: &str) -> String {
    collapse(extra, '-')
}

/// A cursor over the lowercased version string.
struct Cursor<'a> {
    rest: &'a str,
}

impl Cursor<'_> {
    fn eat(&mut self, prefix: &str) -> bool {
        match self.rest.strip_prefix(prefix) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn eat_separator(&mut self) -> bool {
        self.eat("-") || self.eat("_") || self.eat(".")
    }

    /// Digits with leading zeros removed (`007` -> `7`), kept as text so
    /// that no size limit applies.
    fn number(&mut self) -> Option<String> {
        let len = self
            .rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(self.rest.len());
        if len == 0 {
            return None;
        }
        let (digits, rest) = self.rest.split_at(len);
        self.rest = rest;
        let trimmed = digits.trim_start_matches('0');
        Some(if trimmed.is_empty() { "0" } else { trimmed }.to_string())
    }

    /// Tries `[sep]word[sep][N]` for one of `words`; returns the word and N
    /// (0 when left out), or leaves the cursor where it was.
    fn labelled(&mut self, words: &[&'static str]) -> Option<(&'static str, String)> {
        let start = self.rest;
        self.eat_separator();
        // Longest first, so that `rc` is not read as `r` + `c`.
        let mut sorted = words.to_vec();
        sorted.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let Some(word) = sorted.into_iter().find(|w| self.eat(w)) else {
            self.rest = start;
            return None;
        };
        let after_word = self.rest;
        self.eat_separator();
        let number = match self.number() {
            Some(n) => n,
            None => {
                self.rest = after_word;
                "0".to_string()
            }
        };
        Some((word, number))
    }
}

/// PEP 440 normalized form of `version` (`1.0-RC1` -> `1.0rc1`,
/// `v2.01.post` -> `2.1.post0`).
pub fn version(version: &str) -> Result<String, Error> {
    let fail = |reason: &str| Error::Version {
        version: version.to_string(),
        reason: reason.to_string(),
    };
    let lower = version.trim().to_ascii_lowercase();
    let mut cur = Cursor { rest: &lower };
    cur.eat("v");
    let mut out = String::new();

    let first = cur
        .number()
        .ok_or_else(|| fail("it must start with a release number such as 1.0"))?;
    let release = if cur.eat("!") {
        if first != "0" {
            out.push_str(&first);
            out.push('!');
        }
        cur.number()
            .ok_or_else(|| fail("a release number must follow the epoch"))?
    } else {
        first
    };
    out.push_str(&release);
    loop {
        let before = cur.rest;
        if cur.eat(".") {
            if let Some(n) = cur.number() {
                out.push('.');
                out.push_str(&n);
                continue;
            }
        }
        cur.rest = before;
        break;
    }

    let pre_words = ["a", "b", "c", "rc", "alpha", "beta", "pre", "preview"];
    if let Some((word, n)) = cur.labelled(&pre_words) {
        let short = match word {
            "a" | "alpha" => "a",
            "b" | "beta" => "b",
            _ => "rc",
        };
        out.push_str(short);
        out.push_str(&n);
    }

    // `1.0-1` is an implicit post release.
    let before = cur.rest;
    let post = if cur.eat("-") {
        match cur.number() {
            Some(n) => Some(n),
            None => {
                cur.rest = before;
                cur.labelled(&["post", "rev", "r"]).map(|(_, n)| n)
            }
        }
    } else {
        cur.labelled(&["post", "rev", "r"]).map(|(_, n)| n)
    };
    if let Some(n) = post {
        out.push_str(".post");
        out.push_str(&n);
    }

    if let Some((_, n)) = cur.labelled(&["dev"]) {
        out.push_str(".dev");
        out.push_str(&n);
    }

    if cur.eat("+") {
        let segments: Vec<&str> = cur.rest.split(is_separator).collect();
        let valid = |s: &&str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
        if !segments.iter().all(valid) {
            return Err(fail(
                "the local version after '+' must be letters and digits separated by '.'",
            ));
        }
        let normalized: Vec<String> = segments
            .iter()
            .map(|s| {
                if s.chars().all(|c| c.is_ascii_digit()) {
                    Cursor { rest: s }.number().unwrap_or_default()
                } else {
                    s.to_string()
                }
            })
            .collect();
        out.push('+');
        out.push_str(&normalized.join("."));
        cur.rest = "";
    }

    if !cur.rest.is_empty() {
        return Err(fail(&format!("unexpected {:?} after {out:?}", cur.rest)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wheel_names() {
        assert_eq!(wheel_name("My.Project--x").unwrap(), "my_project_x");
        assert_eq!(wheel_name("a").unwrap(), "a");
        for bad in ["", "-a", "a-", "a b", "ä"] {
            assert!(wheel_name(bad).is_err(), "{bad}");
        }
        assert_eq!(extra_name("Dev_.Tools"), "dev-tools");
    }

    #[test]
    fn versions() {
        let cases = [
            ("1.0", "1.0"),
            ("v1.01", "1.1"),
            ("1.0-RC1", "1.0rc1"),
            ("1.0.alpha", "1.0a0"),
            ("1.0c2", "1.0rc2"),
            ("1.0-1", "1.0.post1"),
            ("1.0.post", "1.0.post0"),
            ("1.0rev3", "1.0.post3"),
            ("1.0-dev", "1.0.dev0"),
            ("0!1.0", "1.0"),
            ("2!1.0b2.post3.dev4", "2!1.0b2.post3.dev4"),
            ("1.0+Ubuntu-01.x", "1.0+ubuntu.1.x"),
            (" 1.2.3 ", "1.2.3"),
        ];
        for (input, expected) in cases {
            assert_eq!(version(input).unwrap(), expected, "{input}");
        }
        for bad in [
            "", "x", "1.0-", "1.0+", "1.0+a..b", "1.0 beta", "1.0foo", "1..0",
        ] {
            assert!(version(bad).is_err(), "{bad}");
        }
    }
}
