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
    use super::normalize;

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
