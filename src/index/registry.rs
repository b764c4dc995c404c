//! Loads and saves the index of connections (`index.json` in the config dir).
//!
//! `tokens list` and every other reader call `load`, which takes no lock: a
//! writer replaces the file by rename, so a reader sees a whole file. Writers
//! call `update`, which takes the index lock, re-reads the file, applies the
//! change and writes it back atomically, so parallel processes never lose an
//! entry. A file that cannot be parsed is reported with its path (exit 1) and
//! is never overwritten: it may hold connections we would otherwise forget.

use crate::error::{Error, Result};
use crate::index::connection::{INDEX_VERSION, Index};
use crate::index::files;
use std::path::{Path, PathBuf};

const INDEX_FILE: &str = "index.json";

#[derive(Clone)]
pub struct Registry {
    dir: PathBuf,
}

impl Registry {
    pub fn new(dir: &Path) -> Self {
        Registry {
            dir: dir.to_path_buf(),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(INDEX_FILE)
    }

    /// The current index; an empty one when nothing has been linked yet.
    pub fn load(&self) -> Result<Index> {
        let path = self.path();
        match files::read_if_exists(&path)? {
            None => Ok(Index::new()),
            Some(text) => parse(&path, &text),
        }
    }

    /// Applies `change` to the index under the cross-process index lock and
    /// saves the result. Nothing is written when `change` fails.
    pub fn update<T>(&self, change: impl FnOnce(&mut Index) -> Result<T>) -> Result<T> {
        let _lock = files::lock(&self.dir, INDEX_FILE, "the index lock")?;
        let mut index = self.load()?;
        let value = change(&mut index)?;
        self.save(&index)?;
        Ok(value)
    }

    fn save(&self, index: &Index) -> Result<()> {
        let mut text = serde_json::to_string_pretty(index)
            .map_err(|e| Error::unexpected(format!("cannot encode the index: {e}")))?;
        text.push('\n');
        files::write_atomic(&self.path(), text.as_bytes())
    }
}

/// Parses index text, refusing unknown versions and anything malformed.
pub fn parse(path: &Path, text: &str) -> Result<Index> {
    let broken = |why: String| {
        Error::unexpected(format!(
            "the index file {} cannot be read: {why}",
            path.display()
        ))
        .with_hint("sfconnect left it untouched; repair it or move it aside to start afresh")
    };
    // One pass straight into `Index` (the hot path of `tokens list`); only a
    // failure pays for a second look to word the error.
    #[derive(serde::Deserialize)]
    struct VersionOnly {
        version: Option<u64>,
    }
    let wrong_version = |v: u64| {
        broken(format!(
            "it has format version {v}, this sfconnect reads version {INDEX_VERSION}"
        ))
    };
    match serde_json::from_str::<Index>(text) {
        Ok(index) if index.version == INDEX_VERSION => Ok(index),
        Ok(index) => Err(wrong_version(u64::from(index.version))),
        Err(e) => match serde_json::from_str::<VersionOnly>(text) {
            Ok(VersionOnly { version: Some(v) }) if v != u64::from(INDEX_VERSION) => {
                Err(wrong_version(v))
            }
            Ok(VersionOnly { version: None }) => Err(broken("it has no format version".into())),
            _ => Err(broken(e.to_string())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exit;

    #[test]
    fn missing_index_is_empty_and_update_creates_it() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::new(dir.path());
        assert!(registry.load().unwrap().connections.is_empty());
        registry.update(|_| Ok(())).unwrap();
        let text = std::fs::read_to_string(registry.path()).unwrap();
        assert!(text.contains("\"version\": 1"), "{text}");
    }

    #[test]
    fn unreadable_index_is_an_error_and_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::new(dir.path());
        for bad in ["{not json", "{\"version\": 9, \"connections\": []}", "[]"] {
            std::fs::write(registry.path(), bad).unwrap();
            let err = registry.update(|_| Ok(())).unwrap_err();
            assert_eq!(err.exit, Exit::Unexpected);
            assert!(err.message.contains("index.json"), "{}", err.message);
            assert_eq!(std::fs::read_to_string(registry.path()).unwrap(), bad);
        }
    }
}
