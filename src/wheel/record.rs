//! RECORD: one CSV row per packed file with its urlsafe-base64 sha256 (no
//! padding) and size, and a last row for RECORD itself.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Quotes a CSV field the way Python's csv module does (its default
/// dialect is what installers read RECORD with).
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// One row: `path,sha256=<digest>,size`.
pub fn row(path: &str, sha256: &[u8], size: u64) -> String {
    format!(
        "{},sha256={},{size}\n",
        csv_field(path),
        URL_SAFE_NO_PAD.encode(sha256)
    )
}

/// RECORD's own row, which has no hash and no size.
pub fn own_row(path: &str) -> String {
    format!("{},,\n", csv_field(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn rows_are_quoted_and_hashed() {
        let digest = Sha256::digest(b"hello");
        assert_eq!(
            row("pkg/a,b \"c\".py", &digest, 5),
            "\"pkg/a,b \"\"c\"\".py\",sha256=LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ,5\n"
        );
        assert_eq!(own_row("x-1.dist-info/RECORD"), "x-1.dist-info/RECORD,,\n");
    }
}
