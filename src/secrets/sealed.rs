//! Encryption of the file store, for machines without a keychain whose
//! secret manager can hand us a passphrase (a CI secret, `pass`, a vault CLI).
//!
//! When `SFCONNECT_STORE_PASSPHRASE_CMD` names a command, sfconnect runs it
//! (through `sh -c`, stdin closed, bounded in time: `passphrase_cmd`) and
//! uses what it prints as the passphrase. The key is
//! derived with Argon2id (OWASP's minimum: 19 MiB, 2 passes) from that
//! passphrase and a random salt kept in the file; the contents are sealed
//! with XChaCha20-Poly1305 under a fresh random nonce on every write, so a
//! wrong passphrase or an altered file is detected, never silently read.

use crate::error::{Error, Result};
use crate::secrets::passphrase_cmd;
use crate::secrets::secret::Secret;
use crate::settings;
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use std::fmt;

pub use super::passphrase_cmd::COMMAND_VAR as PASSPHRASE_CMD;

/// What an encrypted secrets file holds: no secret in the clear.
#[derive(Serialize, Deserialize)]
pub struct Envelope {
    pub version: u32,
    pub kdf: Kdf,
    pub cipher: String,
    pub nonce: String,
    pub ciphertext: String,
}

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Kdf {
    pub algorithm: String,
    pub salt: String,
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

/// A derived key and the parameters it came from.
pub struct Key {
    bytes: [u8; 32],
    pub kdf: Kdf,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

impl Kdf {
    pub fn fresh() -> Kdf {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).expect("the OS random number generator failed");
        Kdf {
            algorithm: "argon2id".into(),
            salt: B64.encode(salt),
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

/// Whether a passphrase command is configured (without running it).
pub fn passphrase_configured() -> bool {
    command().is_some()
}

/// The configured passphrase command, unless blank.
fn command() -> Option<String> {
    settings::STORE_PASSPHRASE_CMD
        .value()
        .filter(|c| !c.trim().is_empty())
}

/// The passphrase from the configured command, if one is configured.
pub fn passphrase() -> Result<Option<Secret>> {
    let Some(command) = command() else {
        return Ok(None);
    };
    let output = passphrase_cmd::run(&command)?;
    if !output.status.success() {
        return Err(Error::secret_store(format!(
            "{PASSPHRASE_CMD} failed ({}); the secret file was left untouched",
            output.status
        )));
    }
    let text = String::from_utf8(output.stdout).map_err(|_| {
        Error::secret_store(format!(
            "{PASSPHRASE_CMD} printed something that is not UTF-8"
        ))
    })?;
    let passphrase = text.trim_end_matches(['\n', '\r']);
    if passphrase.is_empty() {
        return Err(Error::secret_store(format!(
            "{PASSPHRASE_CMD} printed an empty passphrase"
        )));
    }
    Ok(Some(Secret::new(passphrase)))
}

pub fn derive(passphrase: &Secret, kdf: &Kdf) -> Result<Key> {
    let bad = |why: &str| {
        Error::secret_store(format!(
            "the secret file's key parameters are unusable: {why}"
        ))
    };
    if kdf.algorithm != "argon2id" {
        return Err(bad("unknown key derivation"));
    }
    let salt = B64.decode(&kdf.salt).map_err(|_| bad("bad salt"))?;
    let params = Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32))
        .map_err(|e| bad(&e.to_string()))?;
    let mut bytes = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.expose().as_bytes(), &salt, &mut bytes)
        .map_err(|e| bad(&e.to_string()))?;
    Ok(Key {
        bytes,
        kdf: kdf.clone(),
    })
}

pub fn seal(key: &Key, plaintext: &[u8]) -> Envelope {
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce).expect("the OS random number generator failed");
    let cipher = XChaCha20Poly1305::new((&key.bytes).into());
    let ciphertext = cipher
        .encrypt(XNonce::from_slice(&nonce), plaintext)
        .expect("encryption of a bounded buffer cannot fail");
    Envelope {
        version: 1,
        kdf: key.kdf.clone(),
        cipher: "xchacha20poly1305".into(),
        nonce: B64.encode(nonce),
        ciphertext: B64.encode(ciphertext),
    }
}

/// Decrypts; a wrong key and a tampered file look the same, on purpose.
pub fn open(key: &Key, envelope: &Envelope) -> Result<Vec<u8>> {
    let refused = || {
        Error::secret_store(
            "cannot decrypt the secret file: wrong passphrase, or the file was altered",
        )
        .with_hint(format!(
            "check what {PASSPHRASE_CMD} prints; the file was left untouched"
        ))
    };
    if envelope.cipher != "xchacha20poly1305" {
        return Err(refused());
    }
    let nonce = B64.decode(&envelope.nonce).map_err(|_| refused())?;
    let ciphertext = B64.decode(&envelope.ciphertext).map_err(|_| refused())?;
    if nonce.len() != 24 {
        return Err(refused());
    }
    XChaCha20Poly1305::new((&key.bytes).into())
        .decrypt(XNonce::from_slice(&nonce), ciphertext.as_slice())
        .map_err(|_| refused())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap_kdf() -> Kdf {
        Kdf {
            memory_kib: 64,
            iterations: 1,
            ..Kdf::fresh()
        }
    }

    #[test]
    fn seal_and_open_round_trip_and_refuse_a_wrong_key() {
        let kdf = cheap_kdf();
        let key = derive(&Secret::new("correct horse"), &kdf).unwrap();
        let envelope = seal(&key, b"{\"secrets\":{}}");
        assert!(!envelope.ciphertext.contains("secrets"));
        assert_eq!(open(&key, &envelope).unwrap(), b"{\"secrets\":{}}");
        let wrong = derive(&Secret::new("battery staple"), &kdf).unwrap();
        assert_eq!(
            open(&wrong, &envelope).unwrap_err().exit,
            crate::error::Exit::SecretStore
        );
        let again = seal(&key, b"{\"secrets\":{}}");
        assert_ne!(again.nonce, envelope.nonce, "a fresh nonce on every write");
    }

    #[test]
    fn key_debug_is_redacted() {
        let key = derive(&Secret::new("p"), &cheap_kdf()).unwrap();
        assert_eq!(format!("{key:?}"), "Key(<redacted>)");
    }
}
