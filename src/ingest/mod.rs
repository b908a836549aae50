//! Stage 2: ingest. The only stage that reads input files.
//!
//! It resolves the configured file patterns, reads each table, matches the configured
//! columns against the header, and turns every row into typed values, or into a
//! `Rejection` with its reason. Rows are streamed to the caller, never all held.

mod ids;
pub mod load;
mod records;
pub mod registers;
pub mod survey;
mod table;
pub mod value;

use crate::diag::{Error, Location, Result};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::path::{Path, PathBuf};

pub use load::{load_inputs, Inputs, Quality, ReadPlan, RowSink};

/// One input file, with the name it is shown under in messages.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Path relative to the project folder, with `/` separators.
    pub shown: String,
}

/// Where a row came from, for deterministic tie-breaks and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowPos {
    /// Index of the file in resolution order.
    pub file: u32,
    /// The file's own line number (the header is line 1).
    pub line: u64,
}

/// A row that could not be used, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Rejection {
    pub file: String,
    pub line: u64,
    /// 1-based column number and header name, when one cell is at fault.
    pub col: Option<u64>,
    pub column: Option<String>,
    /// Worksheet, for workbooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub reason: String,
}

impl Rejection {
    pub fn location(&self) -> Location {
        Location::at(self.file.clone(), self.line, self.col).in_sheet(self.sheet.clone())
    }
}

/// Per-file row accounting: `read = used + rejected`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FileAccount {
    pub file: String,
    /// The text encoding the file was read in (`UTF-8`, `GB18030`, a configured one); `None`
    /// for workbooks.
    pub encoding: Option<&'static str>,
    pub read: u64,
    pub used: u64,
    pub rejected: u64,
}

/// Finds repeated ids in a register by comparing the ids themselves (registers hold
/// thousands of rows, not millions; the survey uses the two-pass check in `survey::IdCheck`).
/// The ids are kept back to back in one string, indexed by their hash.
#[derive(Debug, Default)]
pub struct SeenIds {
    text: String,
    /// Hash of an id → where the first id with that hash sits in `text`.
    by_hash: HashMap<u64, (u32, u32), BuildHasherDefault<TextHasher>>,
    /// Ids whose hash equals that of a different id seen before (practically never).
    collided: std::collections::HashSet<Box<str>>,
}

impl SeenIds {
    /// `Err` with the reason when `id` was seen before; blank ids are not checked.
    pub fn check(&mut self, id: &str, col: usize) -> Result<(), (Option<usize>, String)> {
        if id.is_empty() {
            return Ok(());
        }
        let fresh = match self.by_hash.entry(hash_id(id.as_bytes())) {
            std::collections::hash_map::Entry::Vacant(v) => {
                let start = self.text.len() as u32;
                self.text.push_str(id);
                v.insert((start, self.text.len() as u32));
                true
            }
            std::collections::hash_map::Entry::Occupied(o) => {
                let (start, end) = *o.get();
                &self.text[start as usize..end as usize] != id && self.collided.insert(id.into())
            }
        };
        if fresh {
            Ok(())
        } else {
            Err((Some(col), duplicate_reason(id)))
        }
    }
}

/// A fast hasher for short text keys (symbol tables): `hash_id` of the bytes; a `u64` key is
/// taken as already mixed (a `hash_id` value). Not resistant to chosen collisions, which do not
/// matter for a local build of one's own data.
#[derive(Debug, Default)]
pub struct TextHasher(u64);

impl std::hash::Hasher for TextHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = self.0.rotate_left(5) ^ hash_id(bytes);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = self.0.rotate_left(5) ^ n;
    }
}

pub fn duplicate_reason(id: &str) -> String {
    format!("duplicate id {}: an earlier row has the same id; this row is not counted", value::quote(id))
}

/// FNV-1a then a 64-bit finaliser (murmur3 fmix64): fast on short ids, well spread, and
/// fixed across runs and machines.
pub fn hash_id(id: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Reads a UTF-8 text file of the project (e.g. the conclusions Markdown).
pub fn read_text(root: &Path, rel: &str, key: &str) -> Result<String> {
    let path = root.join(rel);
    std::fs::read_to_string(&path).map_err(|e| {
        Error::config(Location::file(rel.to_string()), format!("cannot read the file named by {key}: {e}"))
            .with_hint("paths are relative to the project folder; save the file as UTF-8")
    })
}

/// Expands `files` entries (paths, globs, folders) relative to the project root.
/// The result is sorted within each entry and free of duplicates, so runs are deterministic.
pub fn resolve_files(root: &Path, patterns: &[String], key: &str) -> Result<Vec<SourceFile>> {
    let mut out: Vec<SourceFile> = Vec::new();
    for pattern in patterns {
        let mut found = Vec::new();
        let full = root.join(pattern);
        if pattern.contains(['*', '?', '[']) {
            let full_pattern = full.to_string_lossy().into_owned();
            let paths = glob::glob(&full_pattern).map_err(|e| {
                Error::config(
                    Location::file(crate::config::CONFIG_FILE),
                    format!("{key}: \"{pattern}\" is not a valid glob: {e}"),
                )
                .with_hint("use * for any name part, ** for any folder depth, e.g. \"data/**/*.csv\"")
            })?;
            found.extend(paths.filter_map(|p| p.ok()).filter(|p| p.is_file()));
        } else if full.is_dir() {
            for entry in walkdir::WalkDir::new(&full).sort_by_file_name() {
                let entry = entry.map_err(|e| {
                    Error::data(Location::file(pattern.clone()), format!("cannot walk the folder: {e}"))
                })?;
                if entry.file_type().is_file() && is_table_file(entry.path()) {
                    found.push(entry.into_path());
                }
            }
        } else if full.is_file() {
            found.push(full);
        } else {
            return Err(Error::config(
                Location::file(crate::config::CONFIG_FILE),
                format!("{key}: file \"{pattern}\" not found in {}", root.display()),
            )
            .with_hint(
                "paths are relative to the project folder; globs such as \"data/*.csv\" and folders are accepted",
            ));
        }
        if found.is_empty() {
            return Err(Error::config(
                Location::file(crate::config::CONFIG_FILE),
                format!("{key}: \"{pattern}\" matches no file"),
            )
            .with_hint("paths are relative to the project folder; check the folder and the file extension"));
        }
        found.sort();
        for path in found {
            let shown = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if !out.iter().any(|f| f.path == path) {
                out.push(SourceFile { path, shown });
            }
        }
    }
    Ok(out)
}

fn is_table_file(p: &Path) -> bool {
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    matches!(ext.as_str(), "csv" | "tsv" | "txt" | "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
}

#[cfg(test)]
mod seen_ids_tests {
    use super::*;

    #[test]
    fn repeats_are_found_and_a_hash_collision_is_not_a_repeat() {
        let mut ids = SeenIds::default();
        assert!(ids.check("C1", 0).is_ok());
        assert!(ids.check("", 0).is_ok() && ids.check("", 0).is_ok());
        assert!(ids.check("C1", 3).unwrap_err().1.contains("duplicate id \"C1\""));
        // Make "C2" collide with "C1": its hash points at C1's text.
        let c1 = ids.by_hash[&hash_id(b"C1")];
        ids.by_hash.insert(hash_id(b"C2"), c1);
        assert!(ids.check("C2", 0).is_ok(), "a different id with the same hash is new");
        assert!(ids.check("C2", 0).is_err(), "and its own repeat is still found");
    }
}
