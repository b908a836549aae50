//! "Did you mean" suggestions for names the user typed (columns, template figures).

/// Edit distance in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate closest to `wanted`, if it is close enough to be a likely typo (at most a
/// third of its characters differ); ties go to the first candidate.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wanted.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(wanted, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_typo_finds_its_name_and_a_stranger_finds_nothing() {
        assert_eq!(super::edit_distance("index", "indx"), 1);
        assert_eq!(super::closest("indx", ["valid", "index", "issued"]), Some("index"));
        assert_eq!(super::closest("zzzzzz", ["valid", "index"]), None);
    }
}
