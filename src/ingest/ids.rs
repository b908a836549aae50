//! Finding repeated questionnaire ids in one pass over millions of rows, in little memory.
//!
//! Most ids are a fixed prefix and a zero-padded number (`Q2026000123`). The ids of one
//! *family* (same prefix, same number of digits) are kept as bits of a bitmap over their
//! number range: about one bit per id when the numbers are dense, as issued numbers are. Other
//! ids, and a family whose numbers are too sparse for a bitmap to pay, are kept as 64-bit
//! hashes. A collector only tells which ids may repeat, as hashes of the ids; the caller then
//! reads again comparing those ids exactly (see `survey::IdCheck`). Collectors of parts read in
//! parallel are merged in input order; whether an id repeats does not depend on the split.

use super::hash_id;
use std::collections::HashSet;

/// Ids of one part of the input (or, after merging, of several).
#[derive(Debug, Default)]
pub struct IdCollector {
    /// The family kept as a bitmap (the first numbered id's, unless hashed below).
    family: Option<Family>,
    /// Families (prefix, digits) with ids among `hashes`: a bitmap of one of them could miss
    /// a repeat against those hashes, so such a family is never a bitmap when merging.
    hashed_families: Vec<(Vec<u8>, usize)>,
    /// Past `MAX_FAMILIES` hashed families every id is hashed (and every family counts as
    /// hashed), so the lookups above stay short.
    all_hashed: bool,
    hashes: Vec<u64>,
    /// Hashes of ids already seen twice.
    repeated: Vec<u64>,
}

#[derive(Debug)]
struct Family {
    prefix: Vec<u8>,
    digits: usize,
    /// Bit `n - base` is set when number `n` was seen; `base` is a multiple of 64.
    base: u64,
    words: Vec<u64>,
    count: u64,
}

/// Most digits a family number may have (fits a u64 with room to spare).
const MAX_DIGITS: usize = 18;
/// Hashed families tracked one by one (ids such as site code + number can have many).
const MAX_FAMILIES: usize = 32;
/// Bitmap size allowed before density counts: 64 Ki numbers (8 KiB).
const SLACK_WORDS: usize = 1024;

/// An id as (prefix, trailing digits), when it ends in 1 to 18 ASCII digits.
fn split(id: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = id.iter().rposition(|b| !b.is_ascii_digit()).map_or(0, |i| i + 1);
    let digits = &id[start..];
    (!digits.is_empty() && digits.len() <= MAX_DIGITS).then(|| (&id[..start], digits))
}

fn number(digits: &[u8]) -> u64 {
    digits.iter().fold(0, |n, d| n * 10 + u64::from(d - b'0'))
}

impl Family {
    fn new(prefix: &[u8], digits: usize) -> Self {
        Family { prefix: prefix.to_vec(), digits, base: 0, words: Vec::new(), count: 0 }
    }

    /// The id a number stands for: the prefix and the number padded to the family's width.
    fn id_of(&self, n: u64) -> Vec<u8> {
        let mut id = self.prefix.clone();
        id.extend_from_slice(format!("{n:0width$}", width = self.digits).as_bytes());
        id
    }

    /// Words a bitmap may have while costing at most a hash (8 bytes) per id, plus slack.
    fn allowed_words(count: u64) -> u64 {
        SLACK_WORDS as u64 + count
    }

    /// Words spanned once numbers `lo..=hi` are in too.
    fn span_with(&self, lo: u64, hi: u64) -> u64 {
        if self.words.is_empty() {
            return hi / 64 - lo / 64 + 1;
        }
        let (first, last) = (self.base / 64, self.base / 64 + self.words.len() as u64 - 1);
        last.max(hi / 64) - first.min(lo / 64) + 1
    }

    /// Makes room for numbers `lo..=hi`, growing by up to the current size again (within
    /// what the density allows) so a run of new numbers does not regrow each time.
    fn reserve(&mut self, lo: u64, hi: u64, allowed: u64) {
        let (lo_w, hi_w) = (lo / 64, hi / 64);
        if self.words.is_empty() {
            self.base = lo_w * 64;
            self.words = vec![0; (hi_w - lo_w + 1) as usize];
            return;
        }
        let (first, len) = (self.base / 64, self.words.len() as u64);
        let room = allowed.saturating_sub(self.span_with(lo, hi)).min(len);
        if lo_w < first {
            let new_first = lo_w.saturating_sub(room);
            self.words.splice(0..0, std::iter::repeat_n(0, (first - new_first) as usize));
            self.base = new_first * 64;
        }
        let (first, len) = (self.base / 64, self.words.len() as u64);
        if hi_w >= first + len {
            self.words.resize((hi_w - first + 1 + room) as usize, 0);
        }
    }

    /// Sets the bit of `n`: `Some(false)` if it was set already, `None` (nothing done) if
    /// the bitmap would grow too sparse for it.
    fn insert(&mut self, n: u64) -> Option<bool> {
        let allowed = Self::allowed_words(self.count + 1);
        if self.span_with(n, n) > allowed {
            return None;
        }
        self.reserve(n, n, allowed);
        let i = (n - self.base) as usize;
        let (w, bit) = (i / 64, 1u64 << (i % 64));
        let fresh = self.words[w] & bit == 0;
        self.words[w] |= bit;
        self.count += u64::from(fresh);
        Some(fresh)
    }

    fn numbers(&self) -> impl Iterator<Item = u64> + '_ {
        self.words.iter().enumerate().flat_map(move |(w, &bits)| {
            let base = self.base + w as u64 * 64;
            (0..64).filter(move |b| bits >> b & 1 == 1).map(move |b| base + b)
        })
    }
}

impl IdCollector {
    pub fn add(&mut self, id: &[u8]) {
        if let Some((prefix, digits)) = split(id) {
            let fresh_family = self.family.is_none() && !self.is_hashed(prefix, digits.len());
            if fresh_family {
                self.family = Some(Family::new(prefix, digits.len()));
            }
            match &mut self.family {
                Some(f) if f.digits == digits.len() && f.prefix == prefix => match f.insert(number(digits)) {
                    Some(true) => return,
                    Some(false) => {
                        self.repeated.push(hash_id(id));
                        return;
                    }
                    None => self.spill(), // too sparse: this id and the family's are hashed
                },
                _ => self.note_hashed(prefix, digits.len()),
            }
        }
        self.hashes.push(hash_id(id));
    }

    fn is_hashed(&self, prefix: &[u8], digits: usize) -> bool {
        self.all_hashed || self.hashed_families.iter().any(|(p, d)| *d == digits && p == prefix)
    }

    fn note_hashed(&mut self, prefix: &[u8], digits: usize) {
        if self.is_hashed(prefix, digits) {
            return;
        }
        if self.hashed_families.len() < MAX_FAMILIES {
            self.hashed_families.push((prefix.to_vec(), digits));
        } else {
            self.all_hashed = true;
            self.hashed_families.clear();
            self.spill();
        }
    }

    /// Turns the bitmap into hashes of its ids.
    fn spill(&mut self) {
        if let Some(f) = self.family.take() {
            self.hashes.extend(f.numbers().map(|n| hash_id(&f.id_of(n))));
            self.note_hashed(&f.prefix, f.digits);
        }
    }

    /// Adds the ids of `other` (a later part of the input). A family can stay a bitmap only
    /// where no id of it is held as a hash, on either side; one bitmap family per collector.
    pub fn merge(&mut self, mut other: IdCollector) {
        self.repeated.append(&mut other.repeated);
        if let Some(g) = &other.family {
            let joins = self.family.as_ref().is_none_or(|f| f.prefix == g.prefix && f.digits == g.digits);
            if !joins || self.is_hashed(&g.prefix, g.digits) {
                other.spill();
            }
        }
        if let Some(f) = &self.family {
            if other.is_hashed(&f.prefix, f.digits) {
                self.spill();
            }
        }
        if other.all_hashed && !self.all_hashed {
            self.all_hashed = true;
            self.hashed_families.clear();
            self.spill();
        }
        for (p, d) in std::mem::take(&mut other.hashed_families) {
            self.note_hashed(&p, d);
        }
        self.hashes.append(&mut other.hashes);
        match (&mut self.family, other.family) {
            (_, None) => {}
            (None, Some(b)) => {
                if self.is_hashed(&b.prefix, b.digits) {
                    // Everything became hashes on this side meanwhile (too many families).
                    self.hashes.extend(b.numbers().map(|n| hash_id(&b.id_of(n))));
                } else {
                    self.family = Some(b);
                }
            }
            (Some(a), Some(b)) => {
                let (lo, hi) = (b.base, b.base + b.words.len() as u64 * 64 - 1);
                let allowed = Family::allowed_words(a.count + b.count);
                if a.span_with(lo, hi) > allowed {
                    // Together too sparse for a bitmap: both become hashes.
                    self.hashes.extend(b.numbers().map(|n| hash_id(&b.id_of(n))));
                    self.spill();
                    return;
                }
                // Widen a to b's range, then OR b in word by word; shared bits are repeats.
                a.reserve(lo, hi, allowed);
                let offset = ((b.base - a.base) / 64) as usize;
                for (i, &bits) in b.words.iter().enumerate() {
                    let mine = a.words[offset + i];
                    let both = mine & bits;
                    if both != 0 {
                        let base = b.base + i as u64 * 64;
                        for bit in (0..64).filter(|k| both >> k & 1 == 1) {
                            self.repeated.push(hash_id(&a.id_of(base + bit)));
                        }
                    }
                    a.count += u64::from((bits & !mine).count_ones());
                    a.words[offset + i] = mine | bits;
                }
            }
        }
    }

    /// Hashes of the ids that may repeat; empty when every id is unique.
    pub fn finish(mut self) -> HashSet<u64> {
        self.hashes.sort_unstable();
        let mut out: HashSet<u64> = self.hashes.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
        out.extend(self.repeated);
        out
    }

    /// Bytes held, for the memory notes.
    pub fn heap_bytes(&self) -> usize {
        8 * (self.hashes.capacity() + self.repeated.capacity() + self.family.as_ref().map_or(0, |f| f.words.capacity()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(ids: &[String], cuts: &[usize]) -> HashSet<u64> {
        // Parts as a parallel read would make them, merged in order.
        let mut bounds = vec![0];
        bounds.extend(cuts.iter().map(|c| c % (ids.len() + 1)));
        bounds.push(ids.len());
        bounds.sort_unstable();
        let mut total = IdCollector::default();
        for w in bounds.windows(2) {
            let mut part = IdCollector::default();
            for id in &ids[w[0]..w[1]] {
                part.add(id.as_bytes());
            }
            total.merge(part);
        }
        total.finish()
    }

    fn repeats(ids: &[String]) -> HashSet<u64> {
        let mut seen = HashSet::new();
        ids.iter().filter(|id| !seen.insert(id.as_str())).map(|id| hash_id(id.as_bytes())).collect()
    }

    #[test]
    fn dense_numbered_ids_take_about_a_bit_each() {
        let mut c = IdCollector::default();
        for n in 0..1_000_000u64 {
            c.add(format!("Q2026{n:07}").as_bytes());
        }
        assert!(c.heap_bytes() < 300_000, "{} bytes", c.heap_bytes());
        assert!(c.finish().is_empty());
    }

    #[test]
    fn sparse_numbers_fall_back_to_hashes() {
        let mut c = IdCollector::default();
        for n in 0..10_000u64 {
            c.add(format!("T{:014}", n * 7_919_993_117).as_bytes());
        }
        assert!(c.family.is_none());
        assert!(c.heap_bytes() < 300_000, "{} bytes", c.heap_bytes());
        c.add(b"T00000000000000");
        assert_eq!(c.finish(), HashSet::from([hash_id(b"T00000000000000")]));
    }

    #[test]
    fn families_differ_by_prefix_and_width() {
        let ids: Vec<String> = ["A001", "A01", "B001", "A1", "001", "A001x", "A001"].map(String::from).to_vec();
        assert_eq!(collect(&ids, &[]), HashSet::from([hash_id(b"A001")]));
        assert_eq!(collect(&ids, &[2, 4]), HashSet::from([hash_id(b"A001")]));
    }

    #[test]
    fn many_prefixes_end_up_all_hashed_and_still_exact() {
        let ids: Vec<String> = (0..5000u64).map(|n| format!("S{}-{:04}", n % 97, n / 97 % 40)).collect();
        let mut c = IdCollector::default();
        for id in &ids {
            c.add(id.as_bytes());
        }
        assert!(c.all_hashed && c.family.is_none() && c.hashed_families.is_empty());
        assert_eq!(collect(&ids, &[1000, 2500]), repeats(&ids));
    }

    proptest::proptest! {
        #[test]
        fn any_split_finds_exactly_the_repeated_ids(
            raw in proptest::collection::vec((0u8..5, 0u64..3000), 0..400),
            cuts in proptest::collection::vec(0usize..500, 0..6),
        ) {
            // Four kinds of id: two families, a sparse family, and text.
            let ids: Vec<String> = raw.iter().map(|(kind, n)| match kind {
                0 => format!("R{n:06}"),
                1 => format!("S-{n:04}"),
                2 => format!("Z{:012}", n * 1_000_003),
                3 => format!("P{}-{:03}", n % 40, n / 40),
                _ => format!("id{}x", n % 50),
            }).collect();
            proptest::prop_assert_eq!(collect(&ids, &cuts), repeats(&ids));
        }
    }
}
