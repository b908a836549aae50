//! `manyi init`: a ready-to-edit example project (config, survey, complaint register,
//! conclusions) in the user's language, embedded so that it works without the repository;
//! `manyi init --theme`: the default theme written out for editing.

use crate::diag::{Error, Location, Result};
use std::path::{Path, PathBuf};

/// The files of the example project per language: path inside the project, contents.
fn files(language: &str) -> &'static [(&'static str, &'static str)] {
    match language {
        "en" => &[
            ("manyi.toml", include_str!("init/en/manyi.toml")),
            ("conclusions.md", include_str!("init/en/conclusions.md")),
            ("data/survey.csv", include_str!("init/en/data/survey.csv")),
            ("data/complaints.csv", include_str!("init/en/data/complaints.csv")),
        ],
        _ => &[
            ("manyi.toml", include_str!("init/zh-CN/manyi.toml")),
            ("conclusions.md", include_str!("init/zh-CN/conclusions.md")),
            ("data/survey.csv", include_str!("init/zh-CN/data/survey.csv")),
            ("data/complaints.csv", include_str!("init/zh-CN/data/complaints.csv")),
        ],
    }
}

/// Writes the example project into `dir` (created when missing). A folder that already holds
/// anything is refused (a usage error), so no file of the user's is ever overwritten.
pub fn init(dir: &Path, language: &str) -> Result<Vec<PathBuf>> {
    let shown = dir.display().to_string();
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if let Some(first) = entries.next() {
                let name = first.map(|e| e.file_name().to_string_lossy().into_owned()).unwrap_or_default();
                return Err(Error::config(
                    Location::file(shown.clone()),
                    format!("the folder is not empty (it holds {name}, …); manyi init writes only into a new or empty folder"),
                )
                .with_hint(format!("choose a new folder, e.g. manyi init {}", Path::new(&shown).join("report").display())));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(Error::config(Location::file(shown), "this is a file, not a folder")
                .with_hint("give manyi init the path of a new folder"));
        }
        Err(e) => return Err(Error::io(dir, "read the folder", e)),
    }
    let mut written = Vec::new();
    for (path, text) in files(language) {
        let to = dir.join(path);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create the folder", e))?;
        }
        std::fs::write(&to, text).map_err(|e| Error::io(&to, "write the file", e))?;
        written.push(to);
    }
    Ok(written)
}

/// The folder `manyi init --theme` writes the default theme into, inside the project.
pub const THEME_FOLDER: &str = "themes/custom";

/// Writes every file of the built-in default theme (templates, stylesheet, both label files)
/// into `project/themes/custom/`, for editing. Nothing else is touched: the project uses it
/// once its manyi.toml says `theme = "custom"` under `[site]`. An existing `themes/custom`
/// is refused (a usage error), so no file of the user's is ever overwritten.
pub fn init_theme(project: &Path) -> Result<Vec<PathBuf>> {
    let dir = project.join(THEME_FOLDER);
    if std::fs::symlink_metadata(&dir).is_ok() {
        return Err(Error::config(
            Location::file(dir.display().to_string()),
            "this already exists; manyi init --theme writes only a new themes/custom folder",
        )
        .with_hint("rename or remove the folder first, or edit the theme it holds"));
    }
    let mut written = Vec::new();
    for (path, text) in crate::render::templates::theme_files() {
        let to = dir.join(&path);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create the folder", e))?;
        }
        std::fs::write(&to, text).map_err(|e| Error::io(&to, "write the file", e))?;
        written.push(to);
    }
    Ok(written)
}
