//! The values the fake hands out, shaped like Salesforce's: codes, tokens, the
//! device flow's codes, `DeleteToken`s, timestamps and the HMAC behind `signature`.
//!
//! Every secret that grants access carries `SECRET_CANARY`, so leak tests can grep
//! for it; the random part only has to be unpredictable enough for a fake.

use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use super::SECRET_CANARY;

pub(super) fn now_millis() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
}

/// Salesforce's REST datetime format, `2026-11-28T21:00:00.000+0000` (UTC).
pub(super) fn salesforce_datetime(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time)
        .format("%Y-%m-%dT%H:%M:%S.000+0000")
        .to_string()
}

/// Unpredictable hex from std's randomly keyed SipHash; good enough for a fake.
fn random_hex(chars: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::with_capacity(chars + 16);
    while out.len() < chars {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.write_u128(now_millis());
        let _ = write!(out, "{:016x}", hasher.finish());
    }
    out.truncate(chars);
    out
}

/// Shaped like Salesforce's (`aPrx…==`), so clients must percent-decode it.
pub(super) fn authorization_code() -> String {
    format!("aPrx{SECRET_CANARY}{}==", random_hex(40))
}

pub(super) fn access_token(org_id: &str) -> String {
    let org15 = org_id.get(..15).unwrap_or(org_id);
    format!("{org15}!AQ{SECRET_CANARY}{}", random_hex(48))
}

pub(super) fn refresh_token() -> String {
    format!("5Aep861{SECRET_CANARY}{}", random_hex(48))
}

/// The device flow's polling secret (§9).
pub(super) fn device_code() -> String {
    format!("M0dv{SECRET_CANARY}{}", random_hex(40))
}

/// Eight upper-case characters the user types at the verification page.
pub(super) fn user_code() -> String {
    random_hex(8).to_ascii_uppercase()
}

/// An `OauthToken.DeleteToken`. It only revokes, so it carries no canary and is
/// not among the issued secrets.
pub(super) fn delete_token() -> String {
    format!("DT{}", random_hex(38))
}

pub(super) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > block.len() {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}
