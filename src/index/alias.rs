//! A connection's name, checked once when it is made: from `link --alias`,
//! from the Salesforce username (the default), or when the index is read.
//! Past that, an `Alias` is known to be valid and is never checked again.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest alias: Salesforce usernames (the default alias) are at most 80
/// characters.
const MAX_ALIAS_LEN: usize = 80;

/// Letters, digits, `.`, `_`, `-`, plus `@` and `+` so that a Salesforce
/// username is a valid alias as it stands; not starting with `-`, which
/// would read as a flag.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Alias(String);

impl Alias {
    pub fn new(alias: impl Into<String>) -> Result<Alias> {
        let alias = alias.into();
        let allowed = |c: char| c.is_ascii_alphanumeric() || "._-@+".contains(c);
        if alias.is_empty() || alias.len() > MAX_ALIAS_LEN {
            return Err(Error::usage(format!(
                "invalid alias {alias:?}: it must be 1 to {MAX_ALIAS_LEN} characters long"
            )));
        }
        if alias.starts_with('-') || !alias.chars().all(allowed) {
            return Err(Error::usage(format!(
                "invalid alias {alias:?}: use letters, digits and . _ - @ + (not starting with -)"
            )));
        }
        Ok(Alias(alias))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Alias {
    type Error = Error;

    fn try_from(alias: String) -> Result<Alias> {
        Alias::new(alias)
    }
}

impl From<Alias> for String {
    fn from(alias: Alias) -> String {
        alias.0
    }
}

impl std::ops::Deref for Alias {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Alias {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Alias {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Alias {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for Alias {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_accept_usernames_and_refuse_the_rest() {
        for good in [
            "prod",
            "ada@example.com",
            "a.b_c-d",
            "x+dev@corp.org.sbx",
            "A1",
        ] {
            assert_eq!(Alias::new(good).unwrap(), good);
        }
        let too_long = "a".repeat(81);
        for bad in ["", "-x", "a b", "a/b", "ä", "a;rm", too_long.as_str()] {
            let err = Alias::new(bad).unwrap_err();
            assert_eq!(err.exit, crate::error::Exit::Usage, "{bad}");
        }
    }

    #[test]
    fn an_index_with_an_invalid_alias_is_refused_when_read() {
        let alias: Alias = serde_json::from_str("\"prod\"").unwrap();
        assert_eq!(serde_json::to_string(&alias).unwrap(), "\"prod\"");
        let err = serde_json::from_str::<Alias>("\"a b\"").unwrap_err();
        assert!(err.to_string().contains("invalid alias"), "{err}");
    }
}
