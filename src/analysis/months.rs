//! Per-month aggregates in calendar order, each found by its month number in a dense table:
//! a row (a questionnaire, a complaint) finds its month with one index, not a search of a map.

use crate::period::YearMonth;

/// A month key: its number (year × 12 + month − 1).
pub trait MonthNumber: Copy + Ord {
    fn number(self) -> i32;
}

impl MonthNumber for YearMonth {
    fn number(self) -> i32 {
        self.ordinal()
    }
}

/// A month given by its number already.
impl MonthNumber for i32 {
    fn number(self) -> i32 {
        self
    }
}

/// Aggregates `V` per month `K`, in calendar order.
#[derive(Debug, Clone)]
pub struct MonthTable<K, V> {
    months: Vec<(K, V)>,
    /// `slots[number − first]`: the month's place in `months` + 1 (0: none yet). Empty when
    /// the months span more than `SPAN` (a stray date a century off): a binary search then.
    first: i32,
    slots: Vec<u32>,
}

impl<K, V> Default for MonthTable<K, V> {
    fn default() -> Self {
        MonthTable { months: Vec::new(), first: 0, slots: Vec::new() }
    }
}

const SPAN: i32 = 1200;

impl<K: MonthNumber, V> MonthTable<K, V> {
    /// The aggregate of month `k`, created by `new` on its first use.
    #[inline]
    pub fn get_or_insert(&mut self, k: K, new: impl FnOnce() -> V) -> &mut V {
        let at = usize::try_from(k.number() - self.first).ok().and_then(|i| self.slots.get(i)).copied().unwrap_or(0);
        let place = match at {
            0 => self.place(k, new),
            i => i as usize - 1,
        };
        &mut self.months[place].1
    }

    /// Where month `k` is, inserted in calendar order if new (the table is redone).
    fn place(&mut self, k: K, new: impl FnOnce() -> V) -> usize {
        let place = match self.months.binary_search_by(|(m, _)| m.cmp(&k)) {
            Ok(i) => return i,
            Err(i) => i,
        };
        self.months.insert(place, (k, new()));
        let (lo, hi) = (self.months[0].0.number(), self.months[self.months.len() - 1].0.number());
        self.slots.clear();
        if hi - lo < SPAN {
            self.first = lo;
            self.slots.resize((hi - lo + 1) as usize, 0);
            for (i, (m, _)) in self.months.iter().enumerate() {
                self.slots[(m.number() - lo) as usize] = i as u32 + 1;
            }
        }
        place
    }

    pub fn get(&self, k: &K) -> Option<&V> {
        self.months.binary_search_by(|(m, _)| m.cmp(k)).ok().map(|i| &self.months[i].1)
    }

    /// The months from `lo` to `hi`, both included.
    pub fn range(&self, lo: K, hi: K) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        let from = self.months.partition_point(|(m, _)| *m < lo);
        let to = self.months.partition_point(|(m, _)| *m <= hi).max(from);
        self.months[from..to].iter().map(|(k, v)| (k, v))
    }
}

impl<K, V> MonthTable<K, V> {
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        self.months.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.months.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> {
        self.months.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.months.iter_mut().map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.months.len()
    }

    pub fn is_empty(&self) -> bool {
        self.months.is_empty()
    }
}

impl<K: PartialEq, V: PartialEq> PartialEq for MonthTable<K, V> {
    fn eq(&self, o: &Self) -> bool {
        self.months == o.months
    }
}

type Pair<'a, K, V> = fn(&'a (K, V)) -> (&'a K, &'a V);

impl<'a, K, V> IntoIterator for &'a MonthTable<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, Pair<'a, K, V>>;
    fn into_iter(self) -> Self::IntoIter {
        self.months.iter().map(|(k, v)| (k, v))
    }
}

impl<K, V> IntoIterator for MonthTable<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.months.into_iter()
    }
}

impl<K: MonthNumber, V> std::ops::Index<&K> for MonthTable<K, V> {
    type Output = V;
    fn index(&self, k: &K) -> &V {
        self.get(k).expect("a month of the table")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Months are kept in calendar order and found again whatever order they come in, also
    /// when a stray date lies centuries away (no dense table then); a range takes both ends.
    #[test]
    fn months_are_found_by_number_and_kept_in_order() {
        let mut months: MonthTable<YearMonth, u64> = MonthTable::default();
        let keys = [(2025, 3), (2024, 12), (2025, 1), (2025, 3), (1901, 6), (2025, 1), (2030, 2), (1901, 6)];
        for (n, (y, m)) in keys.iter().enumerate() {
            let k = YearMonth { year: *y, month: *m };
            *months.get_or_insert(k, || 0) += 1;
            if n == 3 {
                assert_eq!(months.slots.len(), 4, "2024-12 to 2025-03");
            }
        }
        assert!(months.slots.is_empty());
        let seen: Vec<(i32, u8, u64)> = months.iter().map(|(k, v)| (k.year, k.month, *v)).collect();
        assert_eq!(seen, [(1901, 6, 2), (2024, 12, 1), (2025, 1, 2), (2025, 3, 2), (2030, 2, 1)]);
        assert_eq!(months[&YearMonth { year: 2025, month: 1 }], 2);
        assert!(months.get(&YearMonth { year: 2025, month: 2 }).is_none());
        let ym = |year, month| YearMonth { year, month };
        let within: Vec<u64> = months.range(ym(2024, 12), ym(2025, 3)).map(|(_, v)| *v).collect();
        assert_eq!(within, [1, 2, 2]);
        assert_eq!(months.range(ym(2025, 4), ym(2030, 1)).count(), 0);
        assert_eq!(months.range(ym(2031, 1), ym(2020, 1)).count(), 0);
        // Numbers as keys (the complaint register's months).
        let mut by_number: MonthTable<i32, u64> = MonthTable::default();
        for k in [24301, 24300, 24301] {
            *by_number.get_or_insert(k, || 0) += 1;
        }
        assert_eq!(by_number.into_iter().collect::<Vec<_>>(), [(24300, 1), (24301, 2)]);
    }
}
