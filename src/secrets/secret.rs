//! A string that must never be printed: refresh tokens, access tokens,
//! authorization codes, client secrets.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::new("5Aep861canary");
        let shown = format!("{secret:?} {:?}", Some(&secret));
        assert!(!shown.contains("canary"), "{shown}");
        assert_eq!(secret.expose(), "5Aep861canary");
    }
}
