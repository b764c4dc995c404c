//! One error type for the whole program.
//!
//! Scripts branch on our exit codes, so every error is born knowing its code
//! (see `Exit`), rather than having it worked out later by downcasting. An
//! error also carries an optional hint: the next command or setting that gets
//! the user unstuck. Messages never contain a secret; callers build them from
//! non-secret facts only (hosts, aliases, Salesforce error codes).

use std::fmt;

/// The exit-code contract documented in the README. Values never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Unexpected = 1,
    Usage = 2,
    NoSuchConnection = 3,
    RelinkNeeded = 4,
    Network = 5,
    SecretStore = 6,
    LoginNotCompleted = 7,
    /// `sfconnect api`: the API answered with a non-2xx, non-5xx status.
    HttpStatus = 8,
}

impl Exit {
    pub fn code(self) -> i32 {
        self as i32
    }
}

#[derive(Debug)]
pub struct Error {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
    /// Salesforce's own error code (`invalid_grant`, ...), when it said one.
    pub salesforce_code: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Error {
            exit,
            message: message.into(),
            hint: None,
            salesforce_code: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_salesforce_code(mut self, code: &str) -> Self {
        self.salesforce_code = Some(code.to_string());
        self
    }

    pub fn unexpected(message: impl Into<String>) -> Self {
        Self::new(Exit::Unexpected, message)
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    pub fn no_such_connection(message: impl Into<String>) -> Self {
        Self::new(Exit::NoSuchConnection, message)
    }

    pub fn relink(message: impl Into<String>) -> Self {
        Self::new(Exit::RelinkNeeded, message)
    }

    pub fn network(message: impl Into<String>) -> Self {
        Self::new(Exit::Network, message)
    }

    pub fn secret_store(message: impl Into<String>) -> Self {
        Self::new(Exit::SecretStore, message)
    }

    pub fn login(message: impl Into<String>) -> Self {
        Self::new(Exit::LoginNotCompleted, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README and scripts depend on these numbers: changing one is a
    /// breaking change and must fail this test.
    #[test]
    fn exit_codes_are_pinned() {
        let pinned = [
            (Exit::Ok, 0),
            (Exit::Unexpected, 1),
            (Exit::Usage, 2),
            (Exit::NoSuchConnection, 3),
            (Exit::RelinkNeeded, 4),
            (Exit::Network, 5),
            (Exit::SecretStore, 6),
            (Exit::LoginNotCompleted, 7),
            (Exit::HttpStatus, 8),
        ];
        for (exit, code) in pinned {
            assert_eq!(exit.code(), code, "{exit:?}");
        }
    }

    #[test]
    fn hint_is_kept_apart_from_the_message() {
        let err = Error::usage("bad alias").with_hint("use letters");
        assert_eq!(err.to_string(), "bad alias");
        assert_eq!(err.hint.as_deref(), Some("use letters"));
        assert_eq!(err.exit, Exit::Usage);
    }
}
