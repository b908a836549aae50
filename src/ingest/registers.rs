//! Registers: complaints (顾客意见登记簿), monthly volumes, corrective actions (纠正预防措施).
//! Each row becomes a typed record or a rejection with its reason.

use super::table::{read_rows, CellError, Table};
use super::value::{normalize_header, parse_quantity, Quantity};
use super::{FileAccount, Rejection, RowPos, SourceFile};
use crate::config::{ActionsConfig, VolumeConfig};
use crate::diag::Result;
use crate::period::{parse_year_month, Date, YearMonth};
use std::collections::HashMap;

/// Interned text values (categories, departments, segment values ...): records hold small ids,
/// numbered in order of first appearance. While a table holds at most `FEW` values (a column
/// usually has a handful), a value is found by comparing its length and first 16 bytes with
/// theirs, one integer compare each, before the hash table is asked.
#[derive(Debug, Clone, Default)]
pub struct Symbols {
    names: Vec<String>,
    index: HashMap<String, u32, std::hash::BuildHasherDefault<WordHasher>>,
    /// (first 16 bytes, length) of values 0..FEW.
    few: Vec<(u128, usize)>,
    /// 64 slots by a hash of that key: the number + 1 of the value last found there (0: none).
    cache: Vec<u8>,
}

/// A hash of short texts eight bytes at a time (a value is hashed for every cell of a
/// register's category columns: FNV's byte at a time was a tenth of a register's read). Not
/// resistant to chosen collisions, which do not matter for a local build of one's own data.
#[derive(Debug, Default)]
pub struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn finish(&self) -> u64 {
        // murmur3's fmix64.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut h = (self.0 ^ bytes.len() as u64).wrapping_mul(K);
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            h = (h ^ u64::from_le_bytes(w.try_into().expect("8 bytes"))).wrapping_mul(K).rotate_left(29);
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(29);
        }
        self.0 = h;
    }
}

impl Symbols {
    const FEW: usize = 32;

    #[inline]
    pub fn intern(&mut self, s: &str) -> u32 {
        let b = s.as_bytes();
        if self.names.len() > Self::FEW {
            if let Some(i) = self.index.get(s) {
                return *i;
            }
            return self.push(s);
        }
        let mut head = [0u8; 16];
        let n = b.len().min(16);
        head[..n].copy_from_slice(&b[..n]);
        let key = (u128::from_le_bytes(head), b.len());
        let is = |i: usize, few: &[(u128, usize)], names: &[String]| few[i] == key && (b.len() <= 16 || names[i] == s);
        // One probe first: the value last found in this key's slot (values of several columns
        // share a table, so a scan would compare about half of them).
        let folded = (key.0 as u64) ^ ((key.0 >> 64) as u64) ^ key.1 as u64;
        let slot = (folded.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as usize;
        if self.cache.is_empty() {
            self.cache = vec![0; 64];
        }
        if let Some(i) = self.cache[slot].checked_sub(1).map(usize::from) {
            if is(i, &self.few, &self.names) {
                return i as u32;
            }
        }
        if let Some(i) = (0..self.few.len()).find(|i| is(*i, &self.few, &self.names)) {
            self.cache[slot] = i as u8 + 1;
            return i as u32;
        }
        // Every value so far was compared: this one is new.
        let i = self.push(s);
        if self.few.len() < Self::FEW {
            self.few.push(key);
            self.cache[slot] = i as u8 + 1;
        }
        i
    }

    fn push(&mut self, s: &str) -> u32 {
        let i = self.names.len() as u32;
        self.names.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }
    pub fn len(&self) -> usize {
        self.names.len()
    }
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
    /// Every value, by id.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// The `closed_statuses` of a register, matched on trimmed, width-folded, lower-cased text:
/// an entry ending in `*` matches every status starting with the rest.
#[derive(Debug, Clone)]
pub struct StatusMatcher {
    exact: Vec<String>,
    prefixes: Vec<String>,
}

impl StatusMatcher {
    pub fn new(statuses: &[String]) -> Self {
        let fold = |s: &str| normalize_header(s).to_lowercase();
        let (mut exact, mut prefixes) = (Vec::new(), Vec::new());
        for s in statuses {
            match s.trim().strip_suffix('*') {
                Some(p) => prefixes.push(fold(p)),
                None => exact.push(fold(s)),
            }
        }
        StatusMatcher { exact, prefixes }
    }

    /// Whether `status` means closed; a blank status never does.
    pub fn is_closed(&self, status: &str) -> bool {
        let s = normalize_header(status).to_lowercase();
        !s.is_empty() && (self.exact.contains(&s) || self.prefixes.iter().any(|p| s.starts_with(p.as_str())))
    }
}

pub(super) fn optional(table: &Table, col: &Option<String>, key: &str) -> Result<Option<usize>> {
    col.as_deref().map(|c| table.column(c, key)).transpose()
}

/// Units (orders, deliveries) per month; a month given twice is summed.
pub fn read_volumes(
    files: &[SourceFile],
    cfg: &VolumeConfig,
    on_reject: impl FnMut(Rejection),
) -> Result<(std::collections::BTreeMap<YearMonth, f64>, Vec<FileAccount>)> {
    let mut out = std::collections::BTreeMap::new();
    let accounts = read_rows(
        files,
        0,
        &cfg.read_options(),
        |t| {
            Ok((t.column(&cfg.month, "[complaints.volume] month")?, t.column(&cfg.count, "[complaints.volume] count")?))
        },
        |row, &(m, n), _| {
            let text = row.text(m)?;
            let month = parse_year_month(text)
                .ok_or_else(|| (Some(m), super::Reason::new(super::Code::NotAMonth).with(text)))?;
            let count = parse_quantity(row.text(n)?, Quantity::Volume)
                .map_err(|e| (Some(n), e))?
                .ok_or_else(|| (Some(n), super::Reason::new(super::Code::VolumeEmpty)))?;
            *out.entry(month).or_insert(0.0) += count;
            Ok(())
        },
        on_reject,
    )?;
    Ok((out, accounts))
}

/// One corrective/preventive action.
#[derive(Debug, Clone)]
pub struct Action {
    pub pos: RowPos,
    pub id: String,
    pub problem: String,
    pub owner: String,
    pub department: String,
    pub due: Option<Date>,
    pub status: String,
    pub closed: bool,
    pub verified: Option<bool>,
    /// The completion date, when `[actions] completed` names a column and the cell is not blank.
    pub completed: Option<Date>,
    /// The complaint category the action addresses (`[actions] category`), trimmed; `None`
    /// when blank or not configured.
    pub category: Option<String>,
}

pub fn read_actions(
    files: &[SourceFile],
    cfg: &ActionsConfig,
    on_reject: impl FnMut(Rejection),
) -> Result<(Vec<Action>, Vec<FileAccount>)> {
    let closed: Vec<String> = cfg.closed_statuses.iter().map(|s| normalize_header(s).to_lowercase()).collect();
    let mut out = Vec::new();
    let accounts = read_rows(
        files,
        0,
        &cfg.read_options(),
        |t| {
            Ok([
                Some(t.column(&cfg.id, "[actions] id")?),
                Some(t.column(&cfg.problem, "[actions] problem")?),
                Some(t.column(&cfg.owner, "[actions] owner")?),
                optional(t, &cfg.department, "[actions] department")?,
                Some(t.column(&cfg.due, "[actions] due")?),
                Some(t.column(&cfg.status, "[actions] status")?),
                optional(t, &cfg.verified, "[actions] verified")?,
                optional(t, &cfg.completed, "[actions] completed")?,
                optional(t, &cfg.category, "[actions] category")?,
            ])
        },
        |row, c, pos| {
            let text = |i: Option<usize>| -> std::result::Result<String, CellError> {
                Ok(match i {
                    Some(i) => row.text(i)?.to_string(),
                    None => String::new(),
                })
            };
            let status = text(c[5])?;
            out.push(Action {
                pos,
                id: text(c[0])?,
                problem: text(c[1])?,
                owner: text(c[2])?,
                department: text(c[3])?,
                due: row.date(c[4].expect("due is required"))?,
                closed: closed.contains(&normalize_header(&status).to_lowercase()),
                status,
                verified: c[6].map(|i| row.yes_no(i)).transpose()?.flatten(),
                completed: c[7].map(|i| row.date(i)).transpose()?.flatten(),
                category: Some(text(c[8])?.trim().to_string()).filter(|v| !v.is_empty()),
            });
            Ok(())
        },
        on_reject,
    )?;
    Ok((out, accounts))
}

#[cfg(test)]
mod status_tests {
    use super::StatusMatcher;

    #[test]
    fn closed_statuses_match_trimmed_folded_case_insensitive_and_by_prefix() {
        let m = StatusMatcher::new(&crate::config::complaint_closed());
        for closed in [
            "已办结",
            " 办结 ",
            "Closed with explanation",
            "closed",
            "CLOSED WITHOUT RELIEF",
            "Resolved",
            "ｃｌｏｓｅｄ",
        ] {
            assert!(m.is_closed(closed), "{closed:?}");
        }
        for open in ["", "处理中", "In progress", "待处理", "Not closed", "Reopened", "Resolved later?"] {
            assert!(!m.is_closed(open), "{open:?}");
        }
    }
}

#[cfg(test)]
mod symbol_tests {
    use super::Symbols;

    /// Values are numbered in order of first appearance whether they are found among the few
    /// (short or long, sharing their first 16 bytes) or in the hash table beyond them.
    #[test]
    fn values_keep_their_numbers() {
        let mut ids = Symbols::default();
        let long = |i: usize| format!("一个很长的产品类型名称{i}");
        let values: Vec<String> =
            (0..100).map(|i| if i % 3 == 0 { long(i) } else { format!("v{i}") }).chain(["".to_string()]).collect();
        for (round, _) in [0, 1].iter().enumerate() {
            for (i, v) in values.iter().enumerate() {
                assert_eq!(ids.intern(v), i as u32, "round {round}, {v}");
            }
        }
        assert_eq!(ids.len(), values.len());
        assert_eq!(ids.few.len(), Symbols::FEW);
        assert_eq!(ids.name(33), long(33));
    }
}
