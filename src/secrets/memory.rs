//! An in-memory secret store for unit tests, where no keychain can run.

use super::SecretStore;
use crate::error::Result;
use crate::secrets::secret::Secret;
use std::cell::RefCell;
use std::collections::HashMap;

#[derive(Default)]
pub struct MemoryStore {
    entries: RefCell<HashMap<String, Secret>>,
}

impl MemoryStore {
    pub fn is_empty(&self) -> bool {
        self.entries.borrow().is_empty()
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, id: &str) -> Result<Option<Secret>> {
        Ok(self.entries.borrow().get(id).cloned())
    }

    fn set(&self, id: &str, value: &Secret) -> Result<()> {
        self.entries.borrow_mut().insert(id.into(), value.clone());
        Ok(())
    }

    fn delete(&self, id: &str) -> Result<()> {
        self.entries.borrow_mut().remove(id);
        Ok(())
    }

    fn ids(&self) -> Result<Option<Vec<String>>> {
        let mut ids: Vec<String> = self.entries.borrow().keys().cloned().collect();
        ids.sort();
        Ok(Some(ids))
    }
}
