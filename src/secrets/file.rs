//! The plain-file secret store: `secrets.json`, mode 0600, beside the index.
//!
//! Opt-in only (`SFCONNECT_STORE=file`): the tokens are protected by file
//! permissions alone. Used by the tests and by machines with no keychain.
//! Writes go through the same lock-and-rename path as the index.

use super::SecretStore;
use crate::error::{Error, Result};
use crate::files;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FILE: &str = "secrets.json";
const VERSION: u32 = 1;

pub struct FileStore {
    dir: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct SecretsFile {
    version: u32,
    secrets: BTreeMap<String, Secret>,
}

impl FileStore {
    pub fn new(dir: &Path) -> Self {
        FileStore {
            dir: dir.to_path_buf(),
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    fn read(&self) -> Result<SecretsFile> {
        let path = self.path();
        let Some(text) = files::read_if_exists(&path)? else {
            return Ok(SecretsFile {
                version: VERSION,
                secrets: BTreeMap::new(),
            });
        };
        // The parse error is not shown: it could quote a token.
        match serde_json::from_str::<SecretsFile>(&text) {
            Ok(file) if file.version == VERSION => Ok(file),
            _ => Err(Error::secret_store(format!(
                "the secret file {} cannot be read (not sfconnect's format or version)",
                path.display()
            ))
            .with_hint("sfconnect left it untouched; repair it or move it aside")),
        }
    }

    fn modify(&self, change: impl FnOnce(&mut BTreeMap<String, Secret>)) -> Result<()> {
        let _lock = files::lock(&self.dir, FILE)?;
        let mut file = self.read()?;
        change(&mut file.secrets);
        let text = serde_json::to_string_pretty(&file)
            .map_err(|e| Error::unexpected(format!("cannot encode the secret file: {e}")))?;
        files::write_atomic(&self.path(), text.as_bytes())
    }
}

impl SecretStore for FileStore {
    fn get(&self, id: &str) -> Result<Option<Secret>> {
        Ok(self.read()?.secrets.remove(id))
    }

    fn set(&self, id: &str, value: &Secret) -> Result<()> {
        self.modify(|secrets| {
            secrets.insert(id.to_string(), value.clone());
        })
    }

    fn delete(&self, id: &str) -> Result<()> {
        self.modify(|secrets| {
            secrets.remove(id);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_delete() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        assert!(store.get("a").unwrap().is_none());
        store.set("a", &Secret::new("one")).unwrap();
        store.set("b", &Secret::new("two")).unwrap();
        assert_eq!(store.get("a").unwrap().unwrap().expose(), "one");
        store.delete("a").unwrap();
        store.delete("a").unwrap();
        assert!(store.get("a").unwrap().is_none());
        assert_eq!(store.get("b").unwrap().unwrap().expose(), "two");
    }

    #[test]
    fn corrupt_file_is_kept_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        std::fs::write(dir.path().join(FILE), "{\"secrets\": canary").unwrap();
        let err = store.set("a", &Secret::new("x")).unwrap_err();
        assert!(err.message.contains("secrets.json"));
        assert!(!err.message.contains("canary"));
        let kept = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert_eq!(kept, "{\"secrets\": canary");
    }
}
