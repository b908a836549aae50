//! Stage 2: ingest. The only stage that reads input files.
//!
//! It resolves the configured file patterns, reads each table, matches the configured
//! columns against the header, and turns every row into typed values, or into a
//! `Rejection` with its reason. Rows are streamed to the caller, never all held.

pub mod complaints;
mod decode;
mod grouped;
pub mod history;
mod ids;
pub mod load;
mod reason;
mod records;
pub mod registers;
pub mod survey;
mod table;
pub mod value;

use crate::config::FileEntry;
use crate::diag::{Error, Location, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use load::{load_inputs, Inputs, Quality, ReadPlan, RowSink};
pub use reason::{Code, Reason};

/// One input file, with the name it is shown under in messages.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Path relative to the project folder, with `/` separators.
    pub shown: String,
    /// The period of the `files` entry that named it: every row belongs to it.
    pub period: Option<crate::period::Period>,
    /// Whether a date column, when present, dates the rows (the entry's `use_date`).
    pub use_date: bool,
}

/// Where a row came from, for deterministic tie-breaks and messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// Serialised as `reason` (the English text), `code` and `params`.
    #[serde(flatten)]
    pub reason: Reason,
}

impl Rejection {
    pub fn location(&self) -> Location {
        Location::at(self.file.clone(), self.line, self.col).in_sheet(self.sheet.clone())
    }
}

/// Per-file row accounting: `read = used + rejected + excluded`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FileAccount {
    pub file: String,
    /// The text encoding the file was read in (`UTF-8`, `GB18030`, a configured one); `None`
    /// for workbooks.
    pub encoding: Option<&'static str>,
    /// The survey-platform format of the file (`wjx`), configured or detected; absent for a
    /// plain file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    pub read: u64,
    pub used: u64,
    pub rejected: u64,
    /// Rows left out by the file set's `filters` or the format's exclusions (not rejected:
    /// they are not this data).
    pub excluded: u64,
    /// `excluded` by reason, in the order first met in the file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excluded_by: Vec<Excluded>,
    /// Rejected rows completed faster than `[survey] min_seconds` (part of `rejected`).
    pub too_fast: u64,
}

/// Rows excluded for one reason: a format's exclusion (`column` holds `value`, e.g. Qualtrics'
/// `Status` = `Survey Preview`) or a row filter on `column` (`value` is null).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Excluded {
    pub column: String,
    pub value: Option<&'static str>,
    pub rows: u64,
}

impl FileAccount {
    /// Counts `rows` excluded for a reason (see `Excluded`).
    pub fn exclude(&mut self, column: &str, value: Option<&'static str>, rows: u64) {
        self.excluded += rows;
        match self.excluded_by.iter_mut().find(|e| e.column == column && e.value == value) {
            Some(e) => e.rows += rows,
            None => self.excluded_by.push(Excluded { column: column.to_string(), value, rows }),
        }
    }

    /// Adds the row counts of a later part of the same file (read in ranges).
    pub fn add_counts(&mut self, part: &FileAccount) {
        self.read += part.read;
        self.used += part.used;
        self.rejected += part.rejected;
        for e in &part.excluded_by {
            self.exclude(&e.column, e.value, e.rows);
        }
        self.too_fast += part.too_fast;
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

pub fn duplicate_reason(id: &str) -> Reason {
    Reason::new(Code::DuplicateId).with_value(id)
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

/// The largest text input read (the conclusions Markdown): 10 MB.
pub const TEXT_LIMIT: u64 = 10 * 1024 * 1024;

/// Where input files may come from: the project folder (or anywhere, when
/// `[site] allow_outside_project` says so), never a folder manyi writes its output into.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The project folder as given; paths in the config are relative to it.
    root: PathBuf,
    /// The project folder, absolute and lexically clean: inputs are shown relative to it.
    abs_root: PathBuf,
    /// The project folder with symlinks resolved: inputs must resolve inside it.
    real_root: PathBuf,
    allow_outside: bool,
    /// Output folders (symlinks resolved) never read, besides any folder holding the marker.
    skip: Vec<PathBuf>,
}

impl Scope {
    pub fn new(root: &Path, allow_outside: bool) -> Scope {
        let abs_root = lexical(&std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()));
        let real_root = root.canonicalize().unwrap_or_else(|_| abs_root.clone());
        Scope { root: root.to_path_buf(), abs_root, real_root, allow_outside, skip: Vec::new() }
    }

    /// Also never reads `folder` (the configured output folder), even before it holds the marker.
    pub fn skipping(mut self, folder: &Path) -> Scope {
        let abs = lexical(&std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf()));
        self.skip.push(folder.canonicalize().unwrap_or(abs));
        self
    }

    /// How a file is named in messages: relative to the project folder with `/`, or absolute.
    fn shown(&self, path: &Path) -> String {
        let abs = lexical(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
        let shown = match abs.strip_prefix(&self.abs_root) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => relative_to(&abs, &self.abs_root).unwrap_or(abs),
        };
        shown.to_string_lossy().replace('\\', "/")
    }

    fn inside(&self, real: &Path) -> bool {
        self.allow_outside || real.starts_with(&self.real_root)
    }

    /// A folder manyi writes its output into: marked, or the configured output folder.
    fn is_output(&self, dir: &Path, real: &Path) -> bool {
        dir.join(crate::site::MARKER).exists() || self.skip.iter().any(|s| s == real)
    }
}

/// `path` with `.` removed and `..` applied to the components before it, without touching
/// the file system.
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `base` with `..` steps, when the two share more than the file-system root.
fn relative_to(path: &Path, base: &Path) -> Option<PathBuf> {
    let common = path.components().zip(base.components()).take_while(|(a, b)| a == b).count();
    if common <= 1 {
        return None;
    }
    let mut rel: PathBuf = base.components().skip(common).map(|_| "..").collect();
    rel.extend(path.components().skip(common));
    Some(rel)
}

fn config_error(message: String) -> Error {
    Error::config(Location::file(crate::config::CONFIG_FILE), message)
}

fn outside_hint() -> String {
    "inputs must lie inside the project folder (after following symlinks); move the file into it, \
     or set allow_outside_project = true under [site] in manyi.toml if reading it is intended"
        .to_string()
}

fn not_regular(key: &str, pattern: &str) -> Error {
    config_error(format!("{key}: \"{pattern}\" is not a regular file (a device, pipe or socket is never read)"))
        .with_hint("name a file saved in the project folder")
}

/// Reads a UTF-8 text file of the project (e.g. the conclusions Markdown): a regular file
/// inside the project folder (unless allowed outside), at most `TEXT_LIMIT` bytes.
pub fn read_text(scope: &Scope, rel: &str, key: &str) -> Result<String> {
    use std::io::Read;
    let path = scope.root.join(rel);
    let cannot = |e: &dyn std::fmt::Display| {
        Error::config(Location::file(rel.to_string()), format!("cannot read the file named by {key}: {e}"))
            .with_hint("paths are relative to the project folder; save the file as UTF-8")
    };
    let meta = std::fs::metadata(&path).map_err(|e| cannot(&e))?;
    let real = path.canonicalize().map_err(|e| cannot(&e))?;
    if !scope.inside(&real) {
        return Err(config_error(format!(
            "{key}: \"{rel}\" resolves to {}, outside the project folder {}",
            real.display(),
            scope.real_root.display()
        ))
        .with_hint(outside_hint()));
    }
    if !meta.is_file() {
        return Err(not_regular(key, rel));
    }
    let file = open_regular(&path).map_err(|e| cannot(&e))?.ok_or_else(|| not_regular(key, rel))?;
    let mut bytes = Vec::new();
    file.take(TEXT_LIMIT + 1).read_to_end(&mut bytes).map_err(|e| cannot(&e))?;
    if bytes.len() as u64 > TEXT_LIMIT {
        return Err(Error::data(
            Location::file(scope.shown(&path)),
            format!("the file named by {key} is larger than {} MB, the limit for text inputs", TEXT_LIMIT >> 20),
        )
        .with_hint("keep the conclusions to text and links; put large material in separate files"));
    }
    String::from_utf8(bytes).map_err(|_| cannot(&"stream did not contain valid UTF-8"))
}

/// The project's replacements for files of the default theme: every file in `folder`
/// (relative to the project) must be named like one of `known`, and is read like any other
/// text input (inside the project, a regular file, at most `TEXT_LIMIT`). Returns (name, text).
pub fn read_overrides(scope: &Scope, folder: &str, known: &[&str]) -> Result<Vec<(String, String)>> {
    let Ok(entries) = std::fs::read_dir(scope.root.join(folder)) else { return Ok(Vec::new()) };
    let mut names: Vec<String> =
        entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let mut out = Vec::new();
    for name in names.iter().filter(|n| !n.starts_with('.')) {
        if !known.contains(&name.as_str()) {
            let list = known.join(", ");
            let hint = match crate::suggest::closest(name, known.iter().copied()) {
                Some(k) => {
                    format!("did you mean \"{k}\"? A project template replaces the default of the same name: {list}")
                }
                None => format!("a project template replaces the default of the same name: {list}"),
            };
            return Err(Error::config(
                Location::file(format!("{folder}/{name}")),
                "this file does not replace any template of the default theme",
            )
            .with_hint(hint));
        }
        let rel = format!("{folder}/{name}");
        out.push((name.clone(), read_text(scope, &rel, &rel)?));
    }
    Ok(out)
}

/// A text file of the project, read: the name it is shown under and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextFile {
    /// Path relative to the project folder, with `/` separators.
    pub shown: String,
    pub text: String,
}

/// The files of a project theme, `themes/<name>/`, each read like any other text input.
#[derive(Debug, Clone, Default)]
pub struct ThemeFiles {
    /// Replacements for files of the default theme: (template name, file). `style.css` comes
    /// from the theme's own folder, the templates from its `templates/`.
    pub templates: Vec<(String, TextFile)>,
    /// Label files of `labels/`: (file name such as `en.toml`, file).
    pub labels: Vec<(String, TextFile)>,
}

/// Reads the theme `themes/<name>/` of the project. Every entry must be something the default
/// theme has (`templates/`, `style.css`, `labels/`), every file in `templates/` and `labels/`
/// named like one of the default's: a typo is an error, not a file silently left out.
pub fn read_theme(scope: &Scope, name: &str, templates: &[&str], labels: &[&str]) -> Result<ThemeFiles> {
    let folder = format!("themes/{name}");
    let dir = scope.root.join(&folder);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Err(config_error(format!("[site] theme: the theme folder {folder}/ does not exist"))
            .with_hint("create it with `manyi init --theme PROJECT_DIR` (it writes themes/custom/) or fix the name"));
    };
    let mut names: Vec<String> =
        entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    const ROOT: [&str; 3] = ["labels", "style.css", "templates"];
    if let Some(stray) = names.iter().find(|n| !n.starts_with('.') && !ROOT.contains(&n.as_str())) {
        let hint = match crate::suggest::closest(stray, ROOT) {
            Some(k) => format!("did you mean \"{k}\"? A theme holds templates/, style.css and labels/"),
            None => "a theme holds templates/, style.css and labels/, like themes/default/".to_string(),
        };
        return Err(Error::config(
            Location::file(format!("{folder}/{stray}")),
            "this is not part of a theme: it replaces no file of the default theme",
        )
        .with_hint(hint));
    }
    let shown =
        |folder: &str, (n, text): (String, String)| (n.clone(), TextFile { shown: format!("{folder}/{n}"), text });
    let sub = format!("{folder}/templates");
    let mut theme = ThemeFiles {
        templates: read_overrides(scope, &sub, templates)?.into_iter().map(|f| shown(&sub, f)).collect(),
        ..ThemeFiles::default()
    };
    if names.iter().any(|n| n == "style.css") {
        let rel = format!("{folder}/style.css");
        theme.templates.push(("style.css".into(), TextFile { text: read_text(scope, &rel, &rel)?, shown: rel }));
    }
    let sub = format!("{folder}/labels");
    theme.labels = read_overrides(scope, &sub, labels)?.into_iter().map(|f| shown(&sub, f)).collect();
    Ok(theme)
}

/// The content pages of the project: every `.md` file below `content/` (walked like a data
/// folder: symlinks followed inside the project, never into manyi's output), in path order,
/// each read as a text input. None when the folder does not exist.
pub fn read_content(scope: &Scope) -> Result<Vec<TextFile>> {
    const FOLDER: &str = "content";
    let base = scope.root.join(FOLDER);
    if !base.is_dir() {
        return Ok(Vec::new());
    }
    let is_md = |p: &Path| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"));
    let found = scope.path_or_folder_with(FOLDER, "content pages", &is_md)?;
    let mut out = Vec::new();
    for (path, _) in found {
        let rel = path.strip_prefix(&scope.root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        let shown = scope.shown(&path);
        out.push(TextFile { text: read_text(scope, &rel, &shown)?, shown });
    }
    Ok(out)
}

/// Opens a file without blocking (a FIFO swapped in after the check would wait for a writer
/// forever), and `None` unless it is a regular file.
fn open_regular(path: &Path) -> std::io::Result<Option<std::fs::File>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    Ok(file.metadata()?.is_file().then_some(file))
}

/// `resolve_files_in` with the default scope: files inside the project folder `root` only.
pub fn resolve_files(root: &Path, patterns: &[FileEntry], key: &str) -> Result<Vec<SourceFile>> {
    resolve_files_in(&Scope::new(root, false), patterns, key)
}

/// Expands `files` entries (paths, globs, folders) relative to the project root.
///
/// Every file is a regular file that resolves (after symlinks) inside the project folder,
/// unless the scope allows outside paths. Folders are walked following symlinks but not
/// symlink loops, and never into manyi's output (a folder holding the marker, or the
/// configured output folder). The result is sorted within each entry and holds each file
/// once, however many paths lead to it, so runs are deterministic.
pub fn resolve_files_in(scope: &Scope, patterns: &[FileEntry], key: &str) -> Result<Vec<SourceFile>> {
    let mut out: Vec<SourceFile> = Vec::new();
    let mut seen: HashMap<PathBuf, usize> = HashMap::new();
    for entry in patterns {
        let pattern = &entry.path;
        let mut found = if pattern.contains(['*', '?', '[']) {
            scope.glob(pattern, key)?
        } else {
            scope.path_or_folder(pattern, key)?
        };
        if found.is_empty() {
            let full = scope.root.join(pattern);
            let own = full.is_dir() && scope.is_output(&full, &full.canonicalize().unwrap_or_default());
            let (message, hint) = if own {
                (
                    format!("{key}: \"{pattern}\" is manyi's output folder, which is never read as data"),
                    "name the folder that holds the data files",
                )
            } else {
                (
                    format!("{key}: \"{pattern}\" matches no file"),
                    "paths are relative to the project folder; check the folder and the file extension",
                )
            };
            return Err(config_error(message).with_hint(hint));
        }
        found.sort();
        for (path, real) in found {
            match seen.get(&real) {
                None => {
                    seen.insert(real, out.len());
                    let (period, use_date) = (entry.period, entry.use_date);
                    out.push(SourceFile { shown: scope.shown(&path), path, period, use_date });
                }
                Some(&i) if (out[i].period, out[i].use_date) != (entry.period, entry.use_date) => {
                    return Err(config_error(format!(
                        "{key}: {} is named by two entries with different periods",
                        out[i].shown
                    ))
                    .with_hint("name each file in one entry only, or give the entries the same period"));
                }
                Some(_) => {}
            }
        }
    }
    Ok(out)
}

impl Scope {
    /// A path naming a file or a folder (walked for table files).
    fn path_or_folder(&self, pattern: &str, key: &str) -> Result<Vec<(PathBuf, PathBuf)>> {
        self.path_or_folder_with(pattern, key, &|p: &Path| is_table_file(p))
    }

    /// A path naming a file or a folder, walked for the files `wanted` takes.
    fn path_or_folder_with(
        &self,
        pattern: &str,
        key: &str,
        wanted: &dyn Fn(&Path) -> bool,
    ) -> Result<Vec<(PathBuf, PathBuf)>> {
        let full = self.root.join(pattern);
        let Ok(meta) = std::fs::metadata(&full) else {
            return Err(config_error(format!("{key}: file \"{pattern}\" not found in {}", self.root.display()))
                .with_hint(
                    "paths are relative to the project folder; globs such as \"data/*.csv\" and folders are accepted",
                ));
        };
        let real = full.canonicalize().map_err(|e| Error::io(&full, "resolve the path", e))?;
        if !self.inside(&real) {
            let resolves = if lexical(&std::path::absolute(&full).unwrap_or_default()) == real {
                String::new()
            } else {
                format!(" (it resolves to {})", real.display())
            };
            return Err(config_error(format!(
                "{key}: \"{pattern}\" is outside the project folder {}{resolves}",
                self.real_root.display()
            ))
            .with_hint(outside_hint()));
        }
        if meta.is_dir() {
            self.walk(&full, None, pattern, key, wanted)
        } else if meta.is_file() {
            Ok(vec![(full, real)])
        } else {
            Err(not_regular(key, pattern))
        }
    }

    /// A glob: the folder before its first wildcard is walked and each file's path below it
    /// matched against the rest, `*` and `?` within one name, `**` across folders.
    fn glob(&self, pattern: &str, key: &str) -> Result<Vec<(PathBuf, PathBuf)>> {
        let mut base = PathBuf::new();
        let mut rest: Vec<String> = Vec::new();
        for c in Path::new(pattern).components() {
            let part = c.as_os_str().to_string_lossy();
            if rest.is_empty() && !part.contains(['*', '?', '[']) {
                base.push(c);
            } else {
                rest.push(part.into_owned());
            }
        }
        let matcher = glob::Pattern::new(&rest.join("/")).map_err(|e| {
            config_error(format!("{key}: \"{pattern}\" is not a valid glob: {e}"))
                .with_hint("use * for any name part, ** for any folder depth, e.g. \"data/**/*.csv\"")
        })?;
        let base = self.root.join(base);
        let Ok(real) = base.canonicalize() else { return Ok(Vec::new()) };
        if !real.is_dir() {
            return Ok(Vec::new());
        }
        if !self.inside(&real) {
            return Err(config_error(format!(
                "{key}: \"{pattern}\" looks in {}, outside the project folder {}",
                real.display(),
                self.real_root.display()
            ))
            .with_hint(outside_hint()));
        }
        let depth = if rest.iter().any(|p| p == "**") { None } else { Some(rest.len()) };
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        self.walk(&base, depth, pattern, key, &|rel: &Path| matcher.matches_path_with(rel, options))
    }

    /// The regular files below `base` whose path relative to it is `wanted`, each with its
    /// path with symlinks resolved. Symlinks are followed; a link back to a folder being
    /// walked, a folder reached a second time, a dangling link and manyi's output are skipped.
    fn walk(
        &self,
        base: &Path,
        max_depth: Option<usize>,
        pattern: &str,
        key: &str,
        wanted: &dyn Fn(&Path) -> bool,
    ) -> Result<Vec<(PathBuf, PathBuf)>> {
        let mut walker = walkdir::WalkDir::new(base).follow_links(true).sort_by_file_name();
        if let Some(depth) = max_depth {
            walker = walker.max_depth(depth);
        }
        let mut entries = walker.into_iter();
        let mut folders = std::collections::HashSet::new();
        let mut found = Vec::new();
        while let Some(entry) = entries.next() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) if e.loop_ancestor().is_some() => continue,
                Err(e) if e.path().is_some_and(|p| p.symlink_metadata().is_ok() && !p.exists()) => continue,
                Err(e) => {
                    let at = e.path().map_or_else(|| pattern.to_string(), |p| self.shown(p));
                    return Err(Error::data(Location::file(at), format!("cannot walk the folder named by {key}: {e}")));
                }
            };
            let path = entry.path();
            let real = || path.canonicalize().map_err(|e| Error::io(path, "resolve the path", e));
            if entry.file_type().is_dir() {
                let real = real()?;
                if self.is_output(path, &real) || !folders.insert(real) {
                    entries.skip_current_dir();
                }
                continue;
            }
            let rel = path.strip_prefix(base).unwrap_or(path);
            if !entry.file_type().is_file() || !wanted(rel) {
                continue;
            }
            let real = real()?;
            if !self.inside(&real) {
                return Err(config_error(format!(
                    "{key}: \"{pattern}\" includes {}, which resolves to {}, outside the project folder {}",
                    self.shown(path),
                    real.display(),
                    self.real_root.display()
                ))
                .with_hint(outside_hint()));
            }
            found.push((entry.into_path(), real));
        }
        Ok(found)
    }
}

fn is_table_file(p: &Path) -> bool {
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    matches!(ext.as_str(), "csv" | "tsv" | "txt" | "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
}

/// The hint for a text file holding NUL bytes: UTF-16 text without a byte-order mark has a
/// NUL beside nearly every ASCII character (after it in UTF-16LE, before it in UTF-16BE);
/// anything else is taken for a binary file.
pub(crate) fn nul_hint(prefix: &[u8]) -> &'static str {
    let (mut low, mut high, mut both) = (0usize, 0usize, 0usize);
    for pair in prefix.chunks_exact(2) {
        match (pair[0], pair[1]) {
            (0, 0) => both += 1,
            (_, 0) => low += 1,
            (0, _) => high += 1,
            _ => {}
        }
    }
    if low >= 2 && low > 4 * (high + both) {
        "the file looks like UTF-16 text without a byte-order mark: set encoding = \"utf-16le\" for this file set in manyi.toml (or save it as UTF-8)"
    } else if high >= 2 && high > 4 * (low + both) {
        "the file looks like UTF-16 text without a byte-order mark: set encoding = \"utf-16be\" for this file set in manyi.toml (or save it as UTF-8)"
    } else {
        "export the data as CSV (or point files at the .xlsx workbook itself)"
    }
}

#[cfg(test)]
mod path_tests {
    use super::*;

    #[test]
    fn paths_are_cleaned_and_shown_relative() {
        assert_eq!(lexical(Path::new("/p/./data/../data/a.csv")), Path::new("/p/data/a.csv"));
        assert_eq!(lexical(Path::new("../x/./a.csv")), Path::new("../x/a.csv"));
        assert_eq!(lexical(Path::new("/../a")), Path::new("/a"));
        assert_eq!(relative_to(Path::new("/w/t/x/a.csv"), Path::new("/w/t/p")), Some("../x/a.csv".into()));
        assert_eq!(relative_to(Path::new("/etc/passwd"), Path::new("/w/t/p")), None);
    }

    #[test]
    fn nul_bytes_of_utf16_text_get_an_encoding_hint() {
        let le: Vec<u8> = "编号,日期,项目一\nR1,2026-03-01,5\n".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = "编号,日期,项目一\nR1,2026-03-01,5\n".encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert!(nul_hint(&le).contains("encoding = \"utf-16le\""));
        assert!(nul_hint(&be).contains("encoding = \"utf-16be\""));
        // A workbook or other binary file: NULs in every position.
        let binary = [0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x06, 0, 0x08, 0, 0, 0, 0x21, 0, 0, 0, 0, 0, 0x3a, 0x7e];
        assert!(nul_hint(&binary).starts_with("export the data as CSV"));
    }
}
