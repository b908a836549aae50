//! Pareto analysis (排列图): categories by descending count, cumulative share, the vital few.

use serde::Serialize;

/// One bar of a Pareto table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParetoRow {
    /// The category as written in the data (`""` for blank cells); `null` for the merged
    /// "Other" bar, which the report names in its language.
    pub category: Option<String>,
    /// Count, or summed weight for a weighted Pareto (whole numbers serialise as integers).
    #[serde(serialize_with = "crate::number::serialize_whole_as_integer")]
    pub count: f64,
    /// Share of the total, as a fraction.
    pub share: f64,
    /// Running sum of shares up to and including this row.
    pub cumulative: f64,
    /// Inside the shortest prefix whose cumulative share reaches the vital threshold.
    pub vital: bool,
    /// The merged "Other" bar.
    pub other: bool,
}

/// When to merge the tail into one "Other" bar, drawn last.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OtherRule {
    /// Merge categories that come after the cumulative share reaches this fraction.
    pub after_share: Option<f64>,
    /// Keep at most this many categories before "Other".
    pub max_categories: Option<usize>,
}

const EPS: f64 = 1e-9;

/// `totals` are (category, amount) in order of first appearance in the data; the sort is
/// stable, so ties keep that order. `vital_share` is e.g. 0.8.
pub fn compute_pareto(totals: &[(String, f64)], vital_share: f64, other: OtherRule) -> Vec<ParetoRow> {
    let total: f64 = totals.iter().map(|(_, c)| c).sum();
    let mut sorted: Vec<&(String, f64)> = totals.iter().collect();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1));
    let share_of = |c: f64| if total > 0.0 { c / total } else { 0.0 };
    // How many categories keep their own bar: the tail is merged only when it holds two or more.
    let mut keep = sorted.len();
    let mut cum = 0.0;
    for (k, (_, count)) in sorted.iter().enumerate() {
        let by_share = other.after_share.is_some_and(|s| cum >= s - EPS);
        let by_count = other.max_categories.is_some_and(|m| k >= m);
        if by_share || by_count {
            keep = k;
            break;
        }
        cum += share_of(*count);
    }
    if sorted.len() - keep < 2 {
        keep = sorted.len();
    }
    let mut rows: Vec<ParetoRow> = Vec::with_capacity(keep + 1);
    let mut cum = 0.0;
    for (name, count) in &sorted[..keep] {
        cum += share_of(*count);
        rows.push(ParetoRow {
            category: Some(name.clone()),
            count: *count,
            share: share_of(*count),
            cumulative: cum,
            vital: false,
            other: false,
        });
    }
    if keep < sorted.len() {
        let merged: f64 = sorted[keep..].iter().map(|(_, c)| c).sum();
        rows.push(ParetoRow {
            category: None,
            count: merged,
            share: share_of(merged),
            cumulative: cum + share_of(merged),
            vital: false,
            other: true,
        });
    }
    // Vital few: the shortest prefix reaching the threshold ("Other" never counts as vital).
    for r in rows.iter_mut() {
        if r.other {
            break;
        }
        r.vital = true;
        if r.cumulative >= vital_share - EPS {
            break;
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: &[(&str, f64)]) -> Vec<(String, f64)> {
        v.iter().map(|(n, c)| (n.to_string(), *c)).collect()
    }

    #[test]
    fn methods_vector_vital_few_is_a_b_c() {
        let rows = compute_pareto(
            &t(&[("A", 40.0), ("B", 25.0), ("C", 25.0), ("D", 6.0), ("E", 3.0), ("F", 1.0)]),
            0.8,
            OtherRule::default(),
        );
        let cum: Vec<f64> = rows.iter().map(|r| (r.cumulative * 1000.0).round() / 10.0).collect();
        assert_eq!(cum, vec![40.0, 65.0, 90.0, 96.0, 99.0, 100.0]);
        let vital: Vec<&str> =
            rows.iter().filter(|r| r.vital).map(|r| r.category.as_deref().unwrap_or("(other)")).collect();
        assert_eq!(vital, ["A", "B", "C"]);
    }

    #[test]
    fn ties_keep_first_appearance_order() {
        let rows = compute_pareto(&t(&[("x", 2.0), ("y", 5.0), ("z", 2.0), ("w", 5.0)]), 0.8, OtherRule::default());
        let names: Vec<&str> = rows.iter().map(|r| r.category.as_deref().unwrap_or("(other)")).collect();
        assert_eq!(names, ["y", "w", "x", "z"]);
    }

    #[test]
    fn tail_merges_into_other_drawn_last_and_counts_add_up() {
        let data = t(&[("A", 40.0), ("B", 25.0), ("C", 25.0), ("D", 6.0), ("E", 3.0), ("F", 1.0)]);
        let rows = compute_pareto(&data, 0.8, OtherRule { after_share: Some(0.9), max_categories: None });
        let names: Vec<&str> = rows.iter().map(|r| r.category.as_deref().unwrap_or("(other)")).collect();
        assert_eq!(names, ["A", "B", "C", "(other)"]);
        assert_eq!(rows[3].category, None, "the merged bar carries no label: the report names it");
        assert_eq!(rows[3].count, 10.0);
        assert!(rows[3].other && !rows[3].vital);
        assert_eq!(rows.iter().map(|r| r.count).sum::<f64>(), 100.0);
        assert!((rows[3].cumulative - 1.0).abs() < 1e-12);
        // "Other" is drawn last even when it is taller than the bar before it
        let rows = compute_pareto(&data, 0.8, OtherRule { after_share: None, max_categories: Some(1) });
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].count, 60.0);
    }

    #[test]
    fn single_leftover_category_is_not_renamed_other() {
        let rows = compute_pareto(
            &t(&[("A", 9.0), ("B", 1.0)]),
            0.8,
            OtherRule { after_share: Some(0.5), max_categories: None },
        );
        assert_eq!(
            rows.last().unwrap().category.as_deref(),
            Some("B"),
            "merging one category would only hide its name"
        );
        assert_eq!(rows.len(), 2);
    }
}
