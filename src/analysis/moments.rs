//! Exact second moments of the answers, per month: what the intervals of dimensions and the
//! index (covariances of item pairs) and Cronbach's α need.
//!
//! Like the other survey sums they are integers, so months and the parts of a parallel read
//! merge into the same bytes in any order. Rows whose answers are all whole scale points
//! (nearly all) are summed in points (u64) on a cheap path; a row with any other value (a
//! label worth 4.5, a decimal scale) is summed in micro-units of the scale (i128). Both are
//! offsets from the scale minimum; `pair` and `alpha` return their totals in micro-units.

use crate::ingest::value::Ans;

/// A million: answers in micro-units of the scale, as the other survey sums.
const MICRO: i128 = 1_000_000;

/// Cronbach's α sums of one dimension over the rows answering all of its items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlphaSums<T> {
    pub n: u64,
    /// Σ T and Σ T², T the row's total over the dimension's items.
    pub t: T,
    pub t2: T,
    /// Σ x and Σ x² per item of the dimension.
    pub sum: Vec<T>,
    pub sq: Vec<T>,
}

impl<T: Copy + Default + std::ops::AddAssign> AlphaSums<T> {
    fn new(k: usize) -> Self {
        AlphaSums { n: 0, t: T::default(), t2: T::default(), sum: vec![T::default(); k], sq: vec![T::default(); k] }
    }

    fn merge(&mut self, o: &Self) {
        self.n += o.n;
        self.t += o.t;
        self.t2 += o.t2;
        for (a, b) in self.sum.iter_mut().zip(&o.sum).chain(self.sq.iter_mut().zip(&o.sq)) {
            *a += *b;
        }
    }
}

/// Sums of rows holding a value that is not a whole point, in micro-units (i128).
#[derive(Debug, Clone, PartialEq, Eq)]
struct MicroSums {
    /// Per pair i < j: [nᵢⱼ, Σxᵢ, Σxⱼ, Σxᵢxⱼ] over the rows answering both.
    pairs: Vec<[i128; 4]>,
    alpha: Vec<AlphaSums<i128>>,
}

/// A whole-point row's points and pair products (see `Moments::terms`); a reused buffer.
#[derive(Debug, Clone, Default)]
pub struct RowTerms {
    k: Vec<u32>,
    cross: Vec<u64>,
    blanks: usize,
}

/// Second moments of one month's valid questionnaires.
///
/// Whole-point rows are summed with a blank counted as 0, plus what it takes to take the blanks
/// back out: for the respondents answering both i and j,
/// nᵢⱼ = rows − blankᵢ − blankⱼ + both_blankᵢⱼ and Σxᵢ = sumᵢ − missⱼᵢ (missⱼᵢ: Σxᵢ over the
/// rows where j is blank), while Σxᵢxⱼ needs no correction. A row so costs one multiply-add
/// per pair, plus a pass over the items per blank answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moments {
    n_items: usize,
    /// Dimensions as item ranges.
    dims: Vec<(usize, usize)>,
    /// Whole-point rows.
    rows: u64,
    /// Per item: Σ k (offsets in points, blank = 0) and the rows leaving it blank.
    sum: Vec<u64>,
    blank: Vec<u64>,
    /// Per pair i < j: Σ kᵢkⱼ (0 unless both are answered).
    cross: Vec<u64>,
    /// `miss[j * n + i]`: Σ kᵢ over the rows where item j is blank.
    miss: Vec<u64>,
    /// Per pair: rows leaving both blank.
    both_blank: Vec<u64>,
    alpha: Vec<AlphaSums<u64>>,
    /// Rows with another value; `None` until the first.
    micro: Option<Box<MicroSums>>,
}

/// Index of pair (i, j), i < j, among the n(n−1)/2 pairs of `n` items.
#[inline]
fn pair_index(n: usize, i: usize, j: usize) -> usize {
    i * (2 * n - i - 1) / 2 + (j - i - 1)
}

impl Moments {
    /// `dims` are the dimensions' item ranges, covering items `0..n_items` in order.
    pub fn new(n_items: usize, dims: &[(usize, usize)]) -> Self {
        let pairs = n_items * n_items.saturating_sub(1) / 2;
        Moments {
            n_items,
            dims: dims.to_vec(),
            rows: 0,
            sum: vec![0; n_items],
            blank: vec![0; n_items],
            cross: vec![0; pairs],
            miss: vec![0; n_items * n_items],
            both_blank: vec![0; pairs],
            alpha: dims.iter().map(|(s, e)| AlphaSums::new(e - s)).collect(),
            micro: None,
        }
    }

    /// Adds the item answers of a valid questionnaire (`answers` holds exactly the items);
    /// `min_micro` holds each item's scale minimum in micro-units, for values other than
    /// whole points.
    pub fn add(&mut self, answers: &[Ans], min_micro: &[i64]) {
        debug_assert_eq!(answers.len(), self.n_items);
        let n = self.n_items;
        // The row as points, 0 where blank (u32, widened per product: one 32 × 32 → 64-bit
        // multiply per pair).
        let mut k_small = [0u32; 64];
        let mut k_big = Vec::new();
        let k: &mut [u32] = if n <= k_small.len() {
            &mut k_small[..n]
        } else {
            k_big.resize(n, 0);
            &mut k_big
        };
        let mut blanks = 0;
        for (kx, a) in k.iter_mut().zip(answers) {
            match *a {
                Ans::Point(p) => *kx = u32::from(p),
                Ans::Blank => blanks += 1,
                Ans::Value(_) => return self.add_micro(answers, min_micro),
            }
        }
        self.rows += 1;
        for (s, x) in self.sum.iter_mut().zip(k.iter()) {
            *s += u64::from(*x);
        }
        for i in 0..n {
            if k[i] == 0 {
                continue; // blank, or the lowest point: every product is 0
            }
            let ki = u64::from(k[i]);
            let start = i * (2 * n - i - 1) / 2; // pair (i, i + 1)
            for (c, kj) in self.cross[start..start + (n - i - 1)].iter_mut().zip(&k[i + 1..]) {
                *c += ki * u64::from(*kj);
            }
        }
        self.add_blanks_and_alpha(answers, k, blanks);
    }

    /// The blank corrections and the α sums of a whole-point row `k` (0 where blank).
    #[inline]
    fn add_blanks_and_alpha(&mut self, answers: &[Ans], k: &[u32], blanks: usize) {
        let n = self.n_items;
        if blanks > 0 {
            for j in (0..n).filter(|j| answers[*j] == Ans::Blank) {
                self.blank[j] += 1;
                for (m, x) in self.miss[j * n..(j + 1) * n].iter_mut().zip(k.iter()) {
                    *m += u64::from(*x);
                }
                for i in (0..j).filter(|i| answers[*i] == Ans::Blank) {
                    self.both_blank[pair_index(n, i, j)] += 1;
                }
            }
        }
        for (acc, (s, e)) in self.alpha.iter_mut().zip(&self.dims) {
            if blanks > 0 && answers[*s..*e].contains(&Ans::Blank) {
                continue;
            }
            acc.n += 1;
            let mut t = 0u64;
            for (idx, x) in k[*s..*e].iter().enumerate() {
                let x = u64::from(*x);
                t += x;
                acc.sum[idx] += x;
                acc.sq[idx] += x * x;
            }
            acc.t += t;
            acc.t2 += t * t;
        }
    }

    /// Fills `terms` with a row's points (0 where blank) and pair products, computed once for
    /// several accumulators (a month and its segments) and added with `add_terms`; false for
    /// a row with a value other than a whole point (added with `add` instead).
    pub fn terms(&self, answers: &[Ans], terms: &mut RowTerms) -> bool {
        let n = self.n_items;
        terms.k.clear();
        terms.blanks = 0;
        for a in answers {
            match *a {
                Ans::Point(p) => terms.k.push(u32::from(p)),
                Ans::Blank => {
                    terms.k.push(0);
                    terms.blanks += 1;
                }
                Ans::Value(_) => return false,
            }
        }
        terms.cross.clear();
        terms.cross.resize(self.cross.len(), 0);
        let k = &terms.k;
        for i in 0..n {
            if k[i] == 0 {
                continue;
            }
            let ki = u64::from(k[i]);
            let start = i * (2 * n - i - 1) / 2;
            for (c, kj) in terms.cross[start..start + (n - i - 1)].iter_mut().zip(&k[i + 1..]) {
                *c = ki * u64::from(*kj);
            }
        }
        true
    }

    /// Adds a whole-point row whose `terms` were filled from the same `answers`: the same
    /// sums as `add`.
    pub fn add_terms(&mut self, answers: &[Ans], terms: &RowTerms) {
        self.rows += 1;
        for (s, x) in self.sum.iter_mut().zip(&terms.k) {
            *s += u64::from(*x);
        }
        for (c, p) in self.cross.iter_mut().zip(&terms.cross) {
            *c += p;
        }
        self.add_blanks_and_alpha(answers, &terms.k, terms.blanks);
    }

    /// A row with a value other than a whole point: every sum in micro-units.
    fn add_micro(&mut self, answers: &[Ans], min_micro: &[i64]) {
        let n = self.n_items;
        let x: Vec<Option<i128>> = answers
            .iter()
            .zip(min_micro)
            .map(|(a, min)| match *a {
                Ans::Blank => None,
                Ans::Point(p) => Some(i128::from(p) * MICRO),
                Ans::Value(v) => Some(i128::from((v * MICRO as f64).round() as i64 - min)),
            })
            .collect();
        let dims = &self.dims;
        let micro = self.micro.get_or_insert_with(|| {
            Box::new(MicroSums {
                pairs: vec![[0; 4]; n * n.saturating_sub(1) / 2],
                alpha: dims.iter().map(|(s, e)| AlphaSums::new(e - s)).collect(),
            })
        });
        for i in 0..n {
            let Some(xi) = x[i] else { continue };
            for j in i + 1..n {
                let Some(xj) = x[j] else { continue };
                let s = &mut micro.pairs[pair_index(n, i, j)];
                s[0] += 1;
                s[1] += xi;
                s[2] += xj;
                s[3] += xi * xj;
            }
        }
        for (acc, (s, e)) in micro.alpha.iter_mut().zip(dims) {
            let Some(xs) = x[*s..*e].iter().copied().collect::<Option<Vec<i128>>>() else { continue };
            acc.n += 1;
            let t: i128 = xs.iter().sum();
            for (idx, v) in xs.iter().enumerate() {
                acc.sum[idx] += v;
                acc.sq[idx] += v * v;
            }
            acc.t += t;
            acc.t2 += t * t;
        }
    }

    pub fn merge(&mut self, o: &Moments) {
        self.rows += o.rows;
        for (mine, theirs) in [
            (&mut self.sum, &o.sum),
            (&mut self.blank, &o.blank),
            (&mut self.cross, &o.cross),
            (&mut self.miss, &o.miss),
            (&mut self.both_blank, &o.both_blank),
        ] {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
        for (a, b) in self.alpha.iter_mut().zip(&o.alpha) {
            a.merge(b);
        }
        match (&mut self.micro, &o.micro) {
            (_, None) => {}
            (None, Some(m)) => self.micro = Some(m.clone()),
            (Some(a), Some(b)) => {
                for (x, y) in a.pairs.iter_mut().zip(&b.pairs) {
                    for (u, v) in x.iter_mut().zip(y) {
                        *u += v;
                    }
                }
                for (x, y) in a.alpha.iter_mut().zip(&b.alpha) {
                    x.merge(y);
                }
            }
        }
    }

    /// Over the respondents answering both items i ≠ j: [nᵢⱼ, Σxᵢ, Σxⱼ, Σxᵢxⱼ] (sums in
    /// micro-units of offsets from the scale minimum, products in micro²).
    pub fn pair(&self, i: usize, j: usize) -> [i128; 4] {
        let (i, j, swap) = if i < j { (i, j, false) } else { (j, i, true) };
        let p = pair_index(self.n_items, i, j);
        let n = self.n_items;
        let mut s = [
            i128::from(self.rows + self.both_blank[p]) - i128::from(self.blank[i] + self.blank[j]),
            i128::from(self.sum[i] - self.miss[j * n + i]) * MICRO,
            i128::from(self.sum[j] - self.miss[i * n + j]) * MICRO,
            i128::from(self.cross[p]) * MICRO * MICRO,
        ];
        if let Some(m) = &self.micro {
            for (a, b) in s.iter_mut().zip(&m.pairs[p]) {
                *a += b;
            }
        }
        if swap {
            s.swap(1, 2);
        }
        s
    }

    /// Cronbach's α sums of dimension `d` in micro-units (micro² for squares).
    pub fn alpha(&self, d: usize) -> AlphaSums<i128> {
        let a = &self.alpha[d];
        let sq = MICRO * MICRO;
        let mut out = AlphaSums {
            n: a.n,
            t: i128::from(a.t) * MICRO,
            t2: i128::from(a.t2) * sq,
            sum: a.sum.iter().map(|v| i128::from(*v) * MICRO).collect(),
            sq: a.sq.iter().map(|v| i128::from(*v) * sq).collect(),
        };
        if let Some(m) = &self.micro {
            out.merge(&m.alpha[d]);
        }
        out
    }
}

/// The sample variance (or covariance) from n, Σx, Σy, Σxy in micro-units: exact up to the
/// final division; `None` below two observations.
pub fn covariance(n: u64, sx: i128, sy: i128, sxy: i128) -> Option<f64> {
    if n < 2 {
        return None;
    }
    let n = i128::from(n);
    let num = n * sxy - sx * sy;
    Some(num as f64 / (n * (n - 1)) as f64 / (MICRO * MICRO) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<Ans>> {
        let mut state = 5u64;
        (0..500)
            .map(|_| {
                (0..5)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        match (state >> 33) % 9 {
                            0 => Ans::Blank,
                            8 if state % 7 == 0 => Ans::Value(2.5),
                            k => Ans::Point((k % 5) as u8),
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Pair sums by brute force, in micro-units of offsets (scale minimum 1).
    fn brute(rows: &[Vec<Ans>], i: usize, j: usize) -> [i128; 4] {
        let x = |a: Ans| match a {
            Ans::Blank => None,
            Ans::Point(p) => Some(i128::from(p) * MICRO),
            Ans::Value(v) => Some(((v - 1.0) * 1e6).round() as i128),
        };
        let mut s = [0i128; 4];
        for r in rows {
            if let (Some(a), Some(b)) = (x(r[i]), x(r[j])) {
                s[0] += 1;
                s[1] += a;
                s[2] += b;
                s[3] += a * b;
            }
        }
        s
    }

    #[test]
    fn pair_sums_equal_brute_force_and_merge_in_any_order() {
        let dims = [(0, 3), (3, 5)];
        let rows = rows();
        let mut whole = Moments::new(5, &dims);
        for r in &rows {
            whole.add(r, &[1_000_000; 5]);
        }
        for i in 0..5 {
            for j in 0..5 {
                if i != j {
                    assert_eq!(whole.pair(i, j), brute(&rows, i, j), "pair {i} {j}");
                }
            }
        }
        let (mut a, mut b) = (Moments::new(5, &dims), Moments::new(5, &dims));
        for (k, r) in rows.iter().enumerate() {
            if k % 3 == 0 { &mut a } else { &mut b }.add(r, &[1_000_000; 5]);
        }
        b.merge(&a);
        assert_eq!(b, whole);
    }

    #[test]
    fn alpha_sums_take_rows_complete_in_the_dimension() {
        // METHODS rows (4,5,4), (3,3,2), (5,5,5), (2,3,3) on 1–5, plus one with a blank.
        let p = |x: u8| Ans::Point(x - 1);
        let mut m = Moments::new(3, &[(0, 3)]);
        for r in [[4, 5, 4], [3, 3, 2], [5, 5, 5], [2, 3, 3]] {
            m.add(&r.map(p), &[1_000_000; 3]);
        }
        m.add(&[p(5), Ans::Blank, p(1)], &[1_000_000; 3]);
        let a = m.alpha(0);
        assert_eq!(a.n, 4);
        let var = |s: i128, q: i128| covariance(a.n, s, s, q).unwrap();
        let items: Vec<f64> = (0..3).map(|i| var(a.sum[i], a.sq[i])).collect();
        let alpha = crate::analysis::stats::cronbach_alpha(&items, var(a.t, a.t2)).unwrap();
        assert_eq!(crate::number::round_half_away(alpha, 3), 0.947);
    }
}
