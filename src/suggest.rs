//! "Did you mean" hints for misspelt keys, one wording for the tool table
//! checks (`config`) and the `[project]` table checks (`project`).

/// "did you mean 'a' or 'b'?" when some of `names` are close to `name`.
pub fn did_you_mean(name: &str, names: &[&str]) -> Option<String> {
    let close = suggestions(name, names);
    (!close.is_empty()).then(|| format!("did you mean '{}'?", close.join("' or '")))
}

/// Up to three names close to `name`, closest first.
fn suggestions<'n>(name: &str, names: &[&'n str]) -> Vec<&'n str> {
    let limit = (name.chars().count() / 3).max(2);
    let mut close: Vec<(usize, &str)> = names
        .iter()
        .map(|n| (edit_distance(name, n), *n))
        .filter(|(d, _)| *d <= limit)
        .collect();
    close.sort();
    close.into_iter().take(3).map(|(_, n)| n).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_name_the_close_names_only() {
        let names = ["append", "prepend", "remove"];
        assert_eq!(
            did_you_mean("apend", &names).as_deref(),
            Some("did you mean 'append'?")
        );
        assert_eq!(did_you_mean("zzzzzz", &names), None);
    }
}
