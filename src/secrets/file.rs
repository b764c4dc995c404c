//! The file secret store: `secrets.json`, mode 0600, beside the index.
//!
//! Opt-in only (`--store file` / `SFCONNECT_STORE=file`): the tokens are
//! protected by file permissions alone, unless `SFCONNECT_STORE_PASSPHRASE_CMD`
//! is set, in which case the whole file is encrypted (see `sealed`). Writes go
//! through the same lock-and-rename path as the index. A file that cannot be
//! read or decrypted is an error and is never overwritten.

use super::SecretStore;
use super::sealed::{self, Envelope, Kdf, Key};
use crate::error::{Error, Result};
use crate::index::files;
use crate::secrets::secret::Secret;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE: &str = "secrets.json";
const VERSION: u32 = 1;

pub struct FileStore {
    dir: PathBuf,
    /// The key derived for this process, with the parameters it came from.
    key: RefCell<Option<Key>>,
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
            key: RefCell::new(None),
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    /// The secrets, and the key parameters when the file is encrypted.
    fn read(&self) -> Result<(SecretsFile, Option<Kdf>)> {
        let path = self.path();
        let Some(text) = files::read_if_exists(&path)? else {
            let empty = SecretsFile {
                version: VERSION,
                secrets: BTreeMap::new(),
            };
            return Ok((empty, None));
        };
        let unreadable = || {
            Error::secret_store(format!(
                "the secret file {} cannot be read (not sfconnect's format or version)",
                path.display()
            ))
            .with_hint("sfconnect left it untouched; repair it or move it aside")
        };
        // Parse errors are not shown: they could quote a token.
        if let Ok(envelope) = serde_json::from_str::<Envelope>(&text) {
            let passphrase = sealed::passphrase()?.ok_or_else(|| {
                Error::secret_store(format!("the secret file {} is encrypted", path.display()))
                    .with_hint(format!(
                        "set {} to the command that prints its passphrase",
                        sealed::PASSPHRASE_CMD
                    ))
            })?;
            let plain = self.with_key(&passphrase, &envelope.kdf, |key| {
                sealed::open(key, &envelope)
            })?;
            let file: SecretsFile = serde_json::from_slice(&plain).map_err(|_| unreadable())?;
            return Ok((file, Some(envelope.kdf)));
        }
        match serde_json::from_str::<SecretsFile>(&text) {
            Ok(file) if file.version == VERSION => Ok((file, None)),
            _ => Err(unreadable()),
        }
    }

    fn with_key<T>(
        &self,
        passphrase: &Secret,
        kdf: &Kdf,
        use_key: impl FnOnce(&Key) -> Result<T>,
    ) -> Result<T> {
        let mut cached = self.key.borrow_mut();
        if cached.as_ref().is_none_or(|key| &key.kdf != kdf) {
            *cached = Some(sealed::derive(passphrase, kdf)?);
        }
        use_key(cached.as_ref().expect("derived above"))
    }

    fn modify(&self, change: impl FnOnce(&mut BTreeMap<String, Secret>)) -> Result<()> {
        let _lock = files::lock(&self.dir, FILE, "the secret file's lock")?;
        let (mut file, kdf) = self.read()?;
        change(&mut file.secrets);
        let plain = serde_json::to_vec_pretty(&file)
            .map_err(|e| Error::unexpected(format!("cannot encode the secret file: {e}")))?;
        // Encrypt whenever a passphrase command is set: a plain file becomes
        // encrypted at its next write.
        let bytes = match sealed::passphrase()? {
            Some(passphrase) => {
                let kdf = kdf.unwrap_or_else(Kdf::fresh);
                let envelope =
                    self.with_key(&passphrase, &kdf, |key| Ok(sealed::seal(key, &plain)))?;
                serde_json::to_vec_pretty(&envelope).expect("an envelope encodes")
            }
            None if kdf.is_some() => unreachable!("reading an encrypted file needs the passphrase"),
            None => plain,
        };
        files::write_atomic(&self.path(), &bytes)
    }
}

impl SecretStore for FileStore {
    fn get(&self, id: &str) -> Result<Option<Secret>> {
        Ok(self.read()?.0.secrets.remove(id))
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

    fn ids(&self) -> Result<Option<Vec<String>>> {
        Ok(Some(self.read()?.0.secrets.into_keys().collect()))
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
        assert_eq!(store.ids().unwrap(), Some(vec!["b".to_string()]));
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
