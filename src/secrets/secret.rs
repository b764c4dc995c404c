//! A string that must never be printed: refresh tokens, access tokens,
//! authorization codes, client secrets; and its byte twin for private keys.
//!
//! It has no `Display`, and its `Debug` is redacted, so neither `{}` nor a
//! stray `{:?}` in an error or log line can leak it (security checklist,
//! "Types that hold a secret have no Display and a redacted Debug"). The only
//! way to the value is the explicit `expose()`.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Bytes that must never be printed: an RSA private key (DER), or a
/// secret-store entry holding one. Like `Secret`: no `Display`, a redacted
/// `Debug`, and `expose()` as the only way in.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    pub fn new(bytes: Vec<u8>) -> Self {
        SecretBytes(bytes)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes(<redacted, {} bytes>)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::new("5Aep861canary");
        let shown = format!("{secret:?} {:?}", Some(&secret));
        assert!(!shown.contains("canary"), "{shown}");
        assert_eq!(secret.expose(), "5Aep861canary");
        let bytes = SecretBytes::new(b"canary".to_vec());
        assert_eq!(format!("{bytes:?}"), "SecretBytes(<redacted, 6 bytes>)");
    }
}
