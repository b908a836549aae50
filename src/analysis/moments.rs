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

/// Lanes of the pending product sums: eight u16, one SSE2 register (the loops below are
/// written so that the compiler makes one multiply and one add of them per eight products).
const L: usize = 8;
type Lane = [u16; L];

/// Lane `l` of a word.
#[inline]
fn lane_of(w: Lane, l: usize) -> u64 {
    u64::from(w[l])
}

/// `acc += k · x` lane by lane (every lane stays below 2¹⁶: nothing wraps).
#[inline(always)]
fn mul_add(acc: &mut Lane, k: u16, x: &Lane) {
    let mut r = *acc;
    for l in 0..L {
        r[l] = r[l].wrapping_add(k.wrapping_mul(x[l]));
    }
    *acc = r;
}

/// Adds row `lanes` (its points, `Moments::row_lanes`) to the products of `pending` (one row
/// of `C` lanes per item, every lane: products of a row are at most its highest point squared,
/// so the lanes before the diagonal are bounded alike and simply not read), or with `set`
/// writes them instead. `C` fixed lets the compiler unroll a row into `C` SSE2 operations.
#[inline(always)]
fn products<const C: usize>(pending: &mut [Lane], lanes: &[Lane], set: bool) {
    let lanes: &[Lane; C] = lanes.try_into().expect("C lanes");
    for (i, row) in pending.chunks_exact_mut(C).enumerate() {
        let row: &mut [Lane; C] = row.try_into().expect("C lanes");
        let ki = lanes[i / L][i % L];
        // Only lanes j ≥ i are read (the pairs i < j, the square, the lane of ones): the
        // lanes before row i's own are left as they are (zero in a row's terms).
        for c in i / L..C {
            if set {
                row[c] = mul(ki, &lanes[c]);
            } else {
                mul_add(&mut row[c], ki, &lanes[c]);
            }
        }
    }
}

/// `products` for any number of lanes per row.
#[inline]
fn products_any(pending: &mut [Lane], lanes: &[Lane], set: bool) {
    match lanes.len() {
        1 => products::<1>(pending, lanes, set),
        2 => products::<2>(pending, lanes, set),
        3 => products::<3>(pending, lanes, set),
        4 => products::<4>(pending, lanes, set),
        cw => {
            for (i, row) in pending.chunks_exact_mut(cw).enumerate() {
                let ki = lanes[i / L][i % L];
                for (p, x) in row.iter_mut().zip(lanes).skip(i / L) {
                    if set {
                        *p = mul(ki, x);
                    } else {
                        mul_add(p, ki, x);
                    }
                }
            }
        }
    }
}

/// `k · x` lane by lane.
#[inline(always)]
fn mul(k: u16, x: &Lane) -> Lane {
    let mut r = [0; L];
    for l in 0..L {
        r[l] = k.wrapping_mul(x[l]);
    }
    r
}

/// `acc += x` lane by lane.
#[inline(always)]
fn add(acc: &mut Lane, x: &Lane) {
    let mut r = *acc;
    for l in 0..L {
        r[l] = r[l].wrapping_add(x[l]);
    }
    *acc = r;
}

/// `acc += x` over whole rows of lanes: with AVX2 (where the processor has it) sixteen
/// products per instruction, else eight (SSE2, every x86-64).
#[inline]
fn add_all(acc: &mut [Lane], x: &[Lane]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2 (checked just above), all `add_all_avx2` requires.
        return unsafe { add_all_avx2(acc, x) };
    }
    add_lanes(acc, x);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_all_avx2(acc: &mut [Lane], x: &[Lane]) {
    add_lanes(acc, x);
}

#[inline(always)]
fn add_lanes(acc: &mut [Lane], x: &[Lane]) {
    // As one run of u16, so that the compiler may take as many per instruction as it can.
    for (p, q) in acc.as_flattened_mut().iter_mut().zip(x.as_flattened()) {
        *p = p.wrapping_add(*q);
    }
}

/// A whole-point row's points, its products and blanks (see `Moments::terms`); a reused buffer.
#[derive(Debug, Clone, Default)]
pub struct RowTerms {
    /// The row as lanes (`Moments::row_lanes`): its points and its blanks, and its products
    /// laid out as `Moments::pending`.
    lanes: Vec<Lane>,
    blank_lanes: Vec<Lane>,
    prod: Vec<Lane>,
    /// The largest product of the row (its highest point squared).
    bound: u32,
    /// The blank items, in order.
    blank_items: Vec<u16>,
    /// Items of the row being read, and its highest point so far.
    n: usize,
    top: u8,
}

impl RowTerms {
    /// Starts reading a row of `n` items (`point` or `blank` each, in item order, then `finish`).
    #[inline]
    pub fn begin(&mut self, n: usize) {
        let cw = n / L + 1;
        self.lanes.clear();
        self.lanes.resize(cw, [0; L]);
        self.blank_lanes.clear();
        self.blank_lanes.resize(cw, [0; L]);
        self.blank_items.clear();
        self.n = n;
        self.top = 0;
    }

    #[inline]
    pub fn point(&mut self, j: usize, k: u8) {
        self.lanes[j / L][j % L] = u16::from(k);
        self.top = self.top.max(k);
    }

    #[inline]
    pub fn blank(&mut self, j: usize) {
        self.blank_lanes[j / L][j % L] = 1;
        self.blank_items.push(j as u16);
    }

    /// Ends the row: the lane of ones, and the bound of its products.
    #[inline]
    pub fn finish(&mut self) {
        let n = self.n;
        self.lanes[n / L][n % L] = 1;
        self.bound = u32::from(self.top) * u32::from(self.top);
    }
}

/// Second moments of one month's valid questionnaires.
///
/// Whole-point rows are summed with a blank counted as 0, plus what it takes to take the blanks
/// back out: for the respondents answering both i and j,
/// nᵢⱼ = rows − blankᵢ − blankⱼ + both_blankᵢⱼ and Σxᵢ = sumᵢ − missⱼᵢ (missⱼᵢ: Σxᵢ over the
/// rows where j is blank), while Σxᵢxⱼ needs no correction. The α sums of a dimension are the
/// same totals less those of the rows with a blank in it (kept apart, in `excl`).
///
/// The products kᵢkⱼ of whole points fit 16 bits (points are at most 255). A row adds them to
/// u16 lanes (`pending`, a row of lanes per item i: lane j holds Σkᵢkⱼ, lane n Σkᵢ), eight
/// to an SSE2 multiply and add, and the lanes are flushed into the u64 totals before any could
/// overflow: `bound` is the sum of the rows' largest products since the last flush. Every
/// reader takes total + pending, so when a flush happens does not change any figure. The blank
/// corrections are kept in lanes too: a blank answer j adds the row's points (and a 1 for the
/// row) and its blank marks to row j of `miss_pending` and `both_pending`.
#[derive(Debug, Clone)]
pub struct Moments {
    n_items: usize,
    /// Dimensions as item ranges.
    dims: Vec<(usize, usize)>,
    /// Whole-point rows.
    rows: u64,
    /// Per item: Σ k and Σ k² (offsets in points, blank = 0) and the rows leaving it blank.
    sum: Vec<u64>,
    sq: Vec<u64>,
    blank: Vec<u64>,
    /// Per pair i < j: Σ kᵢkⱼ (0 unless both are answered).
    cross: Vec<u64>,
    /// `miss[j * n + i]`: Σ kᵢ over the rows where item j is blank.
    miss: Vec<u64>,
    /// Per pair: rows leaving both blank.
    both_blank: Vec<u64>,
    /// Per dimension: the α sums of the rows with a blank in it (blank = 0).
    excl: Vec<AlphaSums<u64>>,
    /// Lanes per item row of `pending` (room for the items and the lane of ones).
    chunks: usize,
    /// Lane j % L of `pending[i * chunks + j / L]`: Σ kᵢkⱼ since the last flush (j = n: Σ kᵢ).
    pending: Vec<Lane>,
    /// Laid out alike, row j: lane i holds Σ kᵢ over the rows leaving j blank (lane n: those
    /// rows), and the rows leaving both i and j blank.
    miss_pending: Vec<Lane>,
    both_pending: Vec<Lane>,
    bound: u32,
    /// Rows with another value; `None` until the first.
    micro: Option<Box<MicroSums>>,
    /// Each item's dimension (`u16::MAX`: none).
    dim_of: Vec<u16>,
    /// A reused buffer of `add` (not part of the sums).
    blank_items: Vec<u16>,
}

impl PartialEq for Moments {
    /// Equal sums, however much of them is still pending.
    fn eq(&self, o: &Self) -> bool {
        let (mut a, mut b) = (self.clone(), o.clone());
        a.flush();
        b.flush();
        (a.n_items, &a.dims, a.rows, &a.sum, &a.sq, &a.blank, &a.cross, &a.miss, &a.both_blank, &a.excl, &a.micro)
            == (
                b.n_items,
                &b.dims,
                b.rows,
                &b.sum,
                &b.sq,
                &b.blank,
                &b.cross,
                &b.miss,
                &b.both_blank,
                &b.excl,
                &b.micro,
            )
    }
}

impl Eq for Moments {}

/// Index of pair (i, j), i < j, among the n(n−1)/2 pairs of `n` items.
#[inline]
fn pair_index(n: usize, i: usize, j: usize) -> usize {
    i * (2 * n - i - 1) / 2 + (j - i - 1)
}

impl Moments {
    /// `dims` are the dimensions' item ranges, covering items `0..n_items` in order.
    pub fn new(n_items: usize, dims: &[(usize, usize)]) -> Self {
        let pairs = n_items * n_items.saturating_sub(1) / 2;
        let chunks = n_items / L + 1;
        Moments {
            n_items,
            dims: dims.to_vec(),
            rows: 0,
            sum: vec![0; n_items],
            sq: vec![0; n_items],
            blank: vec![0; n_items],
            cross: vec![0; pairs],
            miss: vec![0; n_items * n_items],
            both_blank: vec![0; pairs],
            excl: dims.iter().map(|(s, e)| AlphaSums::new(e - s)).collect(),
            chunks,
            pending: vec![[0; L]; n_items * chunks],
            miss_pending: vec![[0; L]; n_items * chunks],
            both_pending: vec![[0; L]; n_items * chunks],
            bound: 0,
            micro: None,
            dim_of: (0..n_items)
                .map(|i| dims.iter().position(|(s, e)| (*s..*e).contains(&i)).map_or(u16::MAX, |d| d as u16))
                .collect(),
            blank_items: Vec::new(),
        }
    }

    /// Moves the pending lanes into the u64 totals.
    fn flush(&mut self) {
        if self.bound == 0 {
            return;
        }
        let (n, cw) = (self.n_items, self.chunks);
        for i in 0..n {
            let row = &self.pending[i * cw..(i + 1) * cw];
            let lane = |j: usize| lane_of(row[j / L], j % L);
            self.sum[i] += lane(n);
            self.sq[i] += lane(i);
            let start = i * (2 * n - i - 1) / 2;
            for (c, j) in self.cross[start..start + (n - i - 1)].iter_mut().zip(i + 1..n) {
                *c += lane(j);
            }
        }
        for j in 0..n {
            let (miss, both) = (&self.miss_pending[j * cw..(j + 1) * cw], &self.both_pending[j * cw..(j + 1) * cw]);
            self.blank[j] += lane_of(miss[n / L], n % L);
            for i in 0..n {
                self.miss[j * n + i] += lane_of(miss[i / L], i % L);
            }
            for i in 0..j {
                self.both_blank[pair_index(n, i, j)] += lane_of(both[i / L], i % L);
            }
        }
        self.pending.fill([0; L]);
        self.miss_pending.fill([0; L]);
        self.both_pending.fill([0; L]);
        self.bound = 0;
    }

    /// Pending lane (i, j) of the row of item i.
    #[inline]
    fn lane(&self, i: usize, j: usize) -> u64 {
        lane_of(self.pending[i * self.chunks + j / L], j % L)
    }

    fn sum_of(&self, i: usize) -> u64 {
        self.sum[i] + self.lane(i, self.n_items)
    }

    fn sq_of(&self, i: usize) -> u64 {
        self.sq[i] + self.lane(i, i)
    }

    /// Σ kᵢkⱼ, i < j.
    fn cross_of(&self, i: usize, j: usize) -> u64 {
        self.cross[pair_index(self.n_items, i, j)] + self.lane(i, j)
    }

    /// Lane i of row j of `miss_pending` or `both_pending`.
    fn pending_of(&self, v: &[Lane], j: usize, i: usize) -> u64 {
        lane_of(v[j * self.chunks + i / L], i % L)
    }

    /// Rows leaving item i blank.
    fn blank_of(&self, i: usize) -> u64 {
        self.blank[i] + self.pending_of(&self.miss_pending, i, self.n_items)
    }

    /// Σ kᵢ over the rows leaving j blank.
    fn miss_of(&self, j: usize, i: usize) -> u64 {
        self.miss[j * self.n_items + i] + self.pending_of(&self.miss_pending, j, i)
    }

    /// Rows leaving both i < j blank.
    fn both_blank_of(&self, i: usize, j: usize) -> u64 {
        self.both_blank[pair_index(self.n_items, i, j)] + self.pending_of(&self.both_pending, j, i)
    }

    /// Reads a row of answers into `lanes` (points, 0 where blank, then a 1 in lane n),
    /// `blank_lanes` (1 where blank) and `blank_items` (the blank items, in order); `None` for
    /// a row with a value other than a whole point, else its largest product.
    #[inline]
    fn row_lanes(
        answers: &[Ans],
        lanes: &mut [Lane],
        blank_lanes: &mut [Lane],
        blank_items: &mut Vec<u16>,
    ) -> Option<u32> {
        lanes.fill([0; L]);
        blank_lanes.fill([0; L]);
        blank_items.clear();
        let mut top = 0u32;
        for (j, a) in answers.iter().enumerate() {
            let p = match *a {
                Ans::Point(p) => p,
                Ans::Blank => {
                    blank_lanes[j / L][j % L] = 1;
                    blank_items.push(j as u16);
                    continue;
                }
                Ans::Value(_) => return None,
            };
            top = top.max(u32::from(p));
            lanes[j / L][j % L] = u16::from(p);
        }
        let n = answers.len();
        lanes[n / L][n % L] = 1;
        Some(top * top)
    }

    /// Makes room in the pending lanes for a row whose products are at most `bound`.
    #[inline]
    fn reserve(&mut self, bound: u32) {
        if self.bound + bound > u32::from(u16::MAX) {
            self.flush();
        }
        // A row of zeros still adds its ones lane: count at least 1.
        self.bound += bound.max(1);
    }

    /// Adds the item answers of a valid questionnaire (`answers` holds exactly the items);
    /// `min_micro` holds each item's scale minimum in micro-units, for values other than
    /// whole points.
    pub fn add(&mut self, answers: &[Ans], min_micro: &[i64]) {
        debug_assert_eq!(answers.len(), self.n_items);
        let (mut small, mut big) = ([[0; L]; 16], Vec::new());
        let buf: &mut [Lane] = if 2 * self.chunks <= small.len() {
            &mut small[..2 * self.chunks]
        } else {
            big.resize(2 * self.chunks, [0; L]);
            &mut big
        };
        let (lanes, blank_lanes) = buf.split_at_mut(self.chunks);
        let mut blank_items = std::mem::take(&mut self.blank_items);
        match Self::row_lanes(answers, lanes, blank_lanes, &mut blank_items) {
            None => self.add_micro(answers, min_micro),
            Some(bound) => {
                self.rows += 1;
                self.reserve(bound);
                products_any(&mut self.pending, lanes, false);
                self.add_blanks_and_alpha(lanes, blank_lanes, &blank_items);
            }
        }
        self.blank_items = blank_items;
    }

    /// The blank corrections, and the α sums of the dimensions with a blank, of a
    /// whole-point row (`lanes`, 0 where blank).
    #[inline]
    fn add_blanks_and_alpha(&mut self, lanes: &[Lane], blank_lanes: &[Lane], blank_items: &[u16]) {
        let cw = self.chunks;
        let k = |i: usize| lane_of(lanes[i / L], i % L);
        let mut last_dim = usize::MAX;
        for j in blank_items {
            let j = usize::from(*j);
            for (m, x) in self.miss_pending[j * cw..(j + 1) * cw].iter_mut().zip(lanes) {
                add(m, x);
            }
            for (m, x) in self.both_pending[j * cw..(j + 1) * cw].iter_mut().zip(blank_lanes) {
                add(m, x);
            }
            // The dimension of a blank (blanks come in item order: each dimension once).
            let d = usize::from(self.dim_of[j]);
            if d == last_dim || d == usize::from(u16::MAX) {
                continue;
            }
            last_dim = d;
            let (acc, (s, e)) = (&mut self.excl[d], self.dims[d]);
            acc.n += 1;
            let mut t = 0u64;
            for (idx, i) in (s..e).enumerate() {
                let x = k(i);
                t += x;
                acc.sum[idx] += x;
                acc.sq[idx] += x * x;
            }
            acc.t += t;
            acc.t2 += t * t;
        }
    }

    /// Adds a whole-point row read into `terms` (`RowTerms::begin` … `finish`): the same sums
    /// as `add`, its products computed here.
    pub fn add_row(&mut self, terms: &RowTerms) {
        debug_assert_eq!(terms.lanes.len(), self.chunks);
        self.rows += 1;
        self.reserve(terms.bound);
        products_any(&mut self.pending, &terms.lanes, false);
        self.add_blanks_and_alpha(&terms.lanes, &terms.blank_lanes, &terms.blank_items);
    }

    /// Computes the products of a row read into `terms` once, for `add_terms` to several
    /// aggregates (a month and its segment values).
    pub fn fill_products(&self, terms: &mut RowTerms) {
        terms.prod.resize(self.pending.len(), [0; L]);
        products_any(&mut terms.prod, &terms.lanes, true);
    }

    /// Adds the whole-point row whose products `fill_products` computed: the same sums as `add`.
    pub fn add_terms(&mut self, terms: &RowTerms) {
        self.rows += 1;
        self.reserve(terms.bound);
        add_all(&mut self.pending, &terms.prod);
        self.add_blanks_and_alpha(&terms.lanes, &terms.blank_lanes, &terms.blank_items);
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
        self.flush();
        let mut o = o.clone();
        o.flush();
        self.rows += o.rows;
        for (mine, theirs) in [
            (&mut self.sum, &o.sum),
            (&mut self.sq, &o.sq),
            (&mut self.blank, &o.blank),
            (&mut self.cross, &o.cross),
            (&mut self.miss, &o.miss),
            (&mut self.both_blank, &o.both_blank),
        ] {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
        for (a, b) in self.excl.iter_mut().zip(&o.excl) {
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
        let mut s = [
            i128::from(self.rows + self.both_blank_of(i, j)) - i128::from(self.blank_of(i) + self.blank_of(j)),
            i128::from(self.sum_of(i) - self.miss_of(j, i)) * MICRO,
            i128::from(self.sum_of(j) - self.miss_of(i, j)) * MICRO,
            i128::from(self.cross_of(i, j)) * MICRO * MICRO,
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

    /// Cronbach's α sums of dimension `d` in micro-units (micro² for squares): the totals of
    /// the dimension's items less those of the rows with a blank in it.
    pub fn alpha(&self, d: usize) -> AlphaSums<i128> {
        let (s, e) = self.dims[d];
        let x = &self.excl[d];
        let sum: Vec<u64> = (s..e).map(|i| self.sum_of(i) - x.sum[i - s]).collect();
        let sq: Vec<u64> = (s..e).map(|i| self.sq_of(i) - x.sq[i - s]).collect();
        // Σ T² = Σᵢ Σ kᵢ² + 2 Σᵢ<ⱼ Σ kᵢkⱼ over the dimension's items.
        let mut t2_all: u64 = (s..e).map(|i| self.sq_of(i)).sum();
        for i in s..e {
            for j in i + 1..e {
                t2_all += 2 * self.cross_of(i, j);
            }
        }
        let (t, t2) = (sum.iter().sum::<u64>(), t2_all - x.t2);
        let sqm = MICRO * MICRO;
        let mut out = AlphaSums {
            n: self.rows - x.n,
            t: i128::from(t) * MICRO,
            t2: i128::from(t2) * sqm,
            sum: sum.iter().map(|v| i128::from(*v) * MICRO).collect(),
            sq: sq.iter().map(|v| i128::from(*v) * sqm).collect(),
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

    /// Rows of `n` items with points up to `top` and some blanks.
    fn wide_rows(n: usize, top: u64, count: usize, seed: u64) -> Vec<Vec<Ans>> {
        let mut state = seed;
        (0..count)
            .map(|_| {
                (0..n)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        if (state >> 33) % 11 == 0 {
                            Ans::Blank
                        } else {
                            Ans::Point(((state >> 40) % (top + 1)) as u8)
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Cronbach's α sums of items s..e by brute force over the rows answering all of them.
    fn brute_alpha(rows: &[Vec<Ans>], s: usize, e: usize) -> AlphaSums<i128> {
        let mut a = AlphaSums::new(e - s);
        for r in rows {
            let Some(xs) = r[s..e]
                .iter()
                .map(|x| if let Ans::Point(p) = x { Some(i128::from(*p) * MICRO) } else { None })
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            a.n += 1;
            let t: i128 = xs.iter().sum();
            for (k, x) in xs.iter().enumerate() {
                a.sum[k] += x;
                a.sq[k] += x * x;
            }
            a.t += t;
            a.t2 += t * t;
        }
        a
    }

    /// Products close to 2¹⁶ (points up to 255) flush the u16 lanes nearly every row, points up
    /// to 10 every few hundred rows: the sums stay those of brute force, through `add`, a row
    /// read into terms (`add_row`) and shared products (`add_terms`), and merge in any order. 8 and 9 items put the lane of ones at the
    /// start and in the middle of a word.
    #[test]
    fn pending_lanes_flush_into_exact_sums() {
        for (n, top, count) in [(9, 255, 400), (8, 255, 300), (9, 10, 3000), (20, 10, 2000), (40, 30, 300)] {
            let dims = [(0, 3), (3, n)];
            let rows = wide_rows(n, top, count, n as u64 + top);
            let mins = vec![1_000_000; n];
            let (mut by_add, mut by_terms, mut by_row, mut part) =
                (Moments::new(n, &dims), Moments::new(n, &dims), Moments::new(n, &dims), Moments::new(n, &dims));
            let mut terms = RowTerms::default();
            for (r, row) in rows.iter().enumerate() {
                by_add.add(row, &mins);
                terms.begin(n);
                for (j, a) in row.iter().enumerate() {
                    match *a {
                        Ans::Point(k) => terms.point(j, k),
                        Ans::Blank => terms.blank(j),
                        Ans::Value(_) => unreachable!("whole points"),
                    }
                }
                terms.finish();
                by_row.add_row(&terms);
                by_terms.fill_products(&mut terms);
                by_terms.add_terms(&terms);
                if r % 7 != 0 {
                    part.add(row, &mins);
                }
            }
            for i in 0..n {
                for j in 0..n {
                    if i != j {
                        assert_eq!(by_add.pair(i, j), brute(&rows, i, j), "n {n} top {top} pair {i} {j}");
                    }
                }
            }
            for (d, (s, e)) in dims.iter().enumerate() {
                assert_eq!(by_add.alpha(d), brute_alpha(&rows, *s, *e), "n {n} top {top} dimension {d}");
            }
            assert_eq!(by_terms, by_add);
            assert_eq!(by_row, by_add);
            let mut sevenths = Moments::new(n, &dims);
            for row in rows.iter().step_by(7) {
                sevenths.add(row, &mins);
            }
            sevenths.merge(&part);
            assert_eq!(sevenths, by_add);
            assert_eq!(sevenths.pair(1, n - 1), by_add.pair(1, n - 1));
        }
    }
}
