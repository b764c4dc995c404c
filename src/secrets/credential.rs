//! What a connection's secret-store entry holds, whatever its kind: the
//! credential it mints access tokens with, and the cached access token.
//!
//! Browser and device connections keep the refresh token as the JSON of
//! `StoredTokens`, as they always have. JWT bearer and client-credentials
//! connections keep a small binary record instead, written as raw bytes
//! (`SecretStore::set_bytes`): an RSA key must fit Windows' Credential
//! Manager, which holds at most 2,560 bytes per entry, and a 4096-bit key is
//! about 2,350 bytes of DER already; as base64 inside JSON, or as a UTF-16
//! string (how `set_password` stores text there), it would not fit. A
//! connection whose key or secret lives in an environment variable keeps
//! only the variable's name here: the value is read at every mint and
//! stored nowhere.
//!
//! The record: the magic `sfc\x01`, then fields of a one-byte tag, a
//! two-byte big-endian length and the value. Exactly one credential field;
//! the access token and its issue time are optional.

use super::secret::{Secret, SecretBytes};
use super::{SERVICE, SecretStore, StoredTokens, load_tokens, save_tokens};
use crate::error::{Error, Result};
use crate::index::kind::Kind;

/// Windows' Credential Manager limit for one entry's secret
/// (`CRED_MAX_CREDENTIAL_BLOB_SIZE`, 5 × 512 bytes).
pub const WINDOWS_ENTRY_LIMIT: usize = 2560;

const MAGIC: &[u8; 4] = b"sfc\x01";
const TAG_RSA_KEY: u8 = 0x01;
const TAG_KEY_ENV: u8 = 0x02;
const TAG_CLIENT_SECRET: u8 = 0x03;
const TAG_SECRET_ENV: u8 = 0x04;
const TAG_ACCESS_TOKEN: u8 = 0x10;
const TAG_ISSUED_AT_MS: u8 = 0x11;

/// How a connection gets a new access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// Browser and device connections: the refresh grant.
    RefreshToken(Secret),
    /// JWT bearer: the RSA private key, PKCS#1 DER.
    RsaKey(SecretBytes),
    /// JWT bearer: the name of the variable holding the PEM key.
    RsaKeyEnv(String),
    /// Client credentials: the consumer secret.
    ClientSecret(Secret),
    /// Client credentials: the name of the variable holding the secret.
    ClientSecretEnv(String),
}

impl Credential {
    /// The environment variable this credential is read from at every
    /// mint, if any: child processes must not inherit it.
    pub fn env_var(&self) -> Option<&str> {
        match self {
            Credential::RsaKeyEnv(name) | Credential::ClientSecretEnv(name) => Some(name),
            _ => None,
        }
    }

    fn fits(&self, kind: Kind) -> bool {
        match self {
            Credential::RefreshToken(_) => kind.uses_refresh_token(),
            Credential::RsaKey(_) | Credential::RsaKeyEnv(_) => kind == Kind::Jwt,
            Credential::ClientSecret(_) | Credential::ClientSecretEnv(_) => {
                kind == Kind::ClientCredentials
            }
        }
    }
}

/// One connection's secret-store entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub credential: Credential,
    pub access_token: Option<Secret>,
    /// When the cached access token was issued, in milliseconds since the
    /// epoch (Salesforce's `issued_at`, else our clock at the answer).
    pub access_issued_at_ms: Option<i64>,
    /// The app's consumer secret for a refresh-token connection whose app
    /// requires one (`secrets::client_secret`); kept in the same JSON entry
    /// as the refresh token. A client-credentials connection holds its
    /// secret as the credential itself.
    pub client_secret: Option<Secret>,
}

impl Entry {
    /// The token whose revocation at Salesforce ends this connection's
    /// access: the refresh token (which takes its access tokens with it),
    /// else the cached access token; `None` when there is nothing to revoke.
    pub fn revocable(&self) -> Option<&Secret> {
        match &self.credential {
            Credential::RefreshToken(token) => Some(token),
            _ => self.access_token.as_ref(),
        }
    }
}

/// The entry of connection `id` of this kind; `None` when there is none.
pub fn load(store: &dyn SecretStore, id: &str, kind: Kind) -> Result<Option<Entry>> {
    if kind.uses_refresh_token() {
        return Ok(load_tokens(store, id)?.map(|tokens| Entry {
            credential: Credential::RefreshToken(tokens.refresh_token),
            access_token: tokens.access_token,
            access_issued_at_ms: tokens.access_issued_at_ms,
            client_secret: tokens.client_secret,
        }));
    }
    let Some(bytes) = store.get_bytes(id)? else {
        return Ok(None);
    };
    match decode(bytes.expose()) {
        Some(entry) if entry.credential.fits(kind) => Ok(Some(entry)),
        // Which field was wrong is not said: the bytes are secret.
        _ => Err(Error::secret_store(format!(
            "the secret-store entry {SERVICE}/{id} is not in sfconnect's format for a {} connection",
            kind.name()
        ))
        .with_hint("link the connection again with `sfconnect link --force --alias ALIAS`")),
    }
}

/// Stores the entry of connection `id`, replacing what was there.
pub fn save(store: &dyn SecretStore, id: &str, entry: &Entry) -> Result<()> {
    match &entry.credential {
        Credential::RefreshToken(refresh_token) => save_tokens(
            store,
            id,
            &StoredTokens {
                refresh_token: refresh_token.clone(),
                access_token: entry.access_token.clone(),
                access_issued_at_ms: entry.access_issued_at_ms,
                client_secret: entry.client_secret.clone(),
            },
        ),
        _ => {
            let mut bytes = encode(entry);
            if bytes.expose().len() > WINDOWS_ENTRY_LIMIT && entry.access_token.is_some() {
                // Only a 4096-bit key with an unusually long access token
                // comes here: keep the key, and mint afresh next time.
                let without_cache = Entry {
                    access_token: None,
                    access_issued_at_ms: None,
                    ..entry.clone()
                };
                bytes = encode(&without_cache);
            }
            store.set_bytes(id, &bytes)
        }
    }
}

/// The binary record of a headless entry (see the module header).
pub fn encode(entry: &Entry) -> SecretBytes {
    let mut out = MAGIC.to_vec();
    let mut field = |tag: u8, value: &[u8]| {
        let len = u16::try_from(value.len()).expect("a field is under 64 KiB");
        out.push(tag);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(value);
    };
    match &entry.credential {
        Credential::RsaKey(der) => field(TAG_RSA_KEY, der.expose()),
        Credential::RsaKeyEnv(name) => field(TAG_KEY_ENV, name.as_bytes()),
        Credential::ClientSecret(secret) => field(TAG_CLIENT_SECRET, secret.expose().as_bytes()),
        Credential::ClientSecretEnv(name) => field(TAG_SECRET_ENV, name.as_bytes()),
        Credential::RefreshToken(_) => unreachable!("refresh tokens are stored as JSON"),
    }
    if let Some(token) = &entry.access_token {
        field(TAG_ACCESS_TOKEN, token.expose().as_bytes());
    }
    if let Some(ms) = entry.access_issued_at_ms {
        field(TAG_ISSUED_AT_MS, &ms.to_be_bytes());
    }
    SecretBytes::new(out)
}

/// Reads a binary record; `None` when it is not one.
pub fn decode(bytes: &[u8]) -> Option<Entry> {
    let mut rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let mut credential = None;
    let mut access_token = None;
    let mut access_issued_at_ms = None;
    while !rest.is_empty() {
        let (&tag, after) = rest.split_first()?;
        let len = u16::from_be_bytes(after.get(..2)?.try_into().ok()?) as usize;
        let value = after.get(2..2 + len)?;
        rest = &after[2 + len..];
        let text = || String::from_utf8(value.to_vec()).ok();
        let found = match tag {
            TAG_RSA_KEY => Credential::RsaKey(SecretBytes::new(value.to_vec())),
            TAG_KEY_ENV => Credential::RsaKeyEnv(text()?),
            TAG_CLIENT_SECRET => Credential::ClientSecret(Secret::new(text()?)),
            TAG_SECRET_ENV => Credential::ClientSecretEnv(text()?),
            TAG_ACCESS_TOKEN => {
                access_token = Some(Secret::new(text()?));
                continue;
            }
            TAG_ISSUED_AT_MS => {
                access_issued_at_ms = Some(i64::from_be_bytes(value.try_into().ok()?));
                continue;
            }
            _ => return None,
        };
        if credential.replace(found).is_some() {
            return None;
        }
    }
    Some(Entry {
        credential: credential?,
        access_token,
        access_issued_at_ms,
        client_secret: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::private_key::RsaKey;
    use crate::secrets::memory::MemoryStore;

    /// An access token as long as Salesforce's (`00D…!AQ…`, 112
    /// characters), with room to spare.
    fn access_token() -> Secret {
        Secret::new(format!("00D000000000001!AQ{}", "x".repeat(142)))
    }

    fn key_entry(pem: &str) -> Entry {
        let key = RsaKey::from_pem(pem.as_bytes()).unwrap();
        Entry {
            credential: Credential::RsaKey(key.der().clone()),
            access_token: Some(access_token()),
            access_issued_at_ms: Some(1_738_348_388_166),
            client_secret: None,
        }
    }

    /// The issue's size test: a 2048-bit and a 4096-bit key, with a cached
    /// access token longer than Salesforce's, fit one Windows entry.
    #[test]
    fn entries_with_2048_and_4096_bit_keys_fit_windows_credential_manager() {
        for (pem, bits) in [
            (
                include_str!("../../tests/fixtures/keys/rsa2048-pkcs8.pem"),
                2048,
            ),
            (
                include_str!("../../tests/fixtures/keys/rsa4096-pkcs8.pem"),
                4096,
            ),
        ] {
            let entry = key_entry(pem);
            let size = encode(&entry).expose().len();
            eprintln!("{bits}-bit key: an entry of {size} bytes (limit {WINDOWS_ENTRY_LIMIT})");
            assert!(
                size <= WINDOWS_ENTRY_LIMIT,
                "{bits}-bit key entry is {size} bytes"
            );
            // Base64 in a JSON string would not have fitted a 4096-bit key.
            if bits == 4096 {
                assert!(size * 4 / 3 > WINDOWS_ENTRY_LIMIT, "{size}");
            }
        }
    }

    #[test]
    fn every_credential_round_trips_through_a_store() {
        let store = MemoryStore::default();
        let pem = include_str!("../../tests/fixtures/keys/rsa2048-pkcs1.pem");
        let cases = [
            (Kind::Jwt, key_entry(pem)),
            (
                Kind::Jwt,
                Entry {
                    credential: Credential::RsaKeyEnv("SF_JWT_KEY".into()),
                    access_token: None,
                    access_issued_at_ms: None,
                    client_secret: None,
                },
            ),
            (
                Kind::ClientCredentials,
                Entry {
                    credential: Credential::ClientSecret(Secret::new("s3cret")),
                    access_token: Some(access_token()),
                    access_issued_at_ms: Some(-1),
                    client_secret: None,
                },
            ),
            (
                Kind::ClientCredentials,
                Entry {
                    credential: Credential::ClientSecretEnv("CI_SECRET".into()),
                    access_token: Some(access_token()),
                    access_issued_at_ms: Some(7),
                    client_secret: None,
                },
            ),
            (
                Kind::Browser,
                Entry {
                    credential: Credential::RefreshToken(Secret::new("5Aep")),
                    access_token: None,
                    access_issued_at_ms: None,
                    client_secret: None,
                },
            ),
        ];
        for (kind, entry) in cases {
            save(&store, "id", &entry).unwrap();
            assert_eq!(load(&store, "id", kind).unwrap().as_ref(), Some(&entry));
        }
        assert!(load(&store, "other", Kind::Jwt).unwrap().is_none());
    }

    #[test]
    fn an_entry_too_big_for_windows_drops_its_cached_token_not_its_key() {
        let store = MemoryStore::default();
        let mut entry = key_entry(include_str!("../../tests/fixtures/keys/rsa4096-pkcs8.pem"));
        entry.access_token = Some(Secret::new("x".repeat(400)));
        save(&store, "id", &entry).unwrap();
        let back = load(&store, "id", Kind::Jwt).unwrap().unwrap();
        assert_eq!(back.credential, entry.credential);
        assert_eq!(back.access_token, None);
    }

    #[test]
    fn the_wrong_kind_or_a_damaged_record_is_an_error_without_the_value() {
        let store = MemoryStore::default();
        let entry = Entry {
            credential: Credential::ClientSecret(Secret::new("canary-secret")),
            access_token: None,
            access_issued_at_ms: None,
            client_secret: None,
        };
        save(&store, "id", &entry).unwrap();
        let err = load(&store, "id", Kind::Jwt).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::SecretStore);
        assert!(!err.message.contains("canary"), "{}", err.message);
        let bytes = encode(&entry);
        let whole = bytes.expose();
        for cut in 0..whole.len() {
            let damaged = &whole[..cut];
            assert!(decode(damaged).is_none(), "cut at {cut}");
        }
        let mut twice = whole.to_vec();
        twice.extend_from_slice(&whole[4..]);
        assert!(decode(&twice).is_none(), "two credentials");
        assert!(decode(b"{\"refresh_token\":\"x\"}").is_none());
    }
}
