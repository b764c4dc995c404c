//! One error type for the whole program.
//!
//! Scripts branch on our exit codes, so every error is born knowing its code
//! (see `Exit`), rather than having it worked out later by downcasting. An
//! error also carries an optional hint: the next command or setting that gets
//! the user unstuck, and optionally its cause: the lower-level error it was
//! raised for, printed as `caused by:` lines under `-v`. Messages never
//! contain a secret; callers build them from non-secret facts only (hosts,
//! aliases, Salesforce error codes). The cause is an `Error` too, never a
//! foreign error, whose text (a URL with its query, a serde error quoting a
//! value) could carry one.

use std::fmt;

/// The exit-code contract documented in the README. Values never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok,
    Unexpected,
    Usage,
    NoSuchConnection,
    RelinkNeeded,
    Network,
    SecretStore,
    LoginNotCompleted,
    /// `sfconnect api`: the API answered with a non-2xx, non-5xx status.
    HttpStatus,
    /// `sfconnect exec`: its command's own exit code (127 when it cannot be
    /// found, 126 when it cannot be run, 128+N when signal N ended it).
    Command(i32),
}

impl Exit {
    pub fn code(self) -> i32 {
        match self {
            Exit::Ok => 0,
            Exit::Unexpected => 1,
            Exit::Usage => 2,
            Exit::NoSuchConnection => 3,
            Exit::RelinkNeeded => 4,
            Exit::Network => 5,
            Exit::SecretStore => 6,
            Exit::LoginNotCompleted => 7,
            Exit::HttpStatus => 8,
            Exit::Command(code) => code,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Error {
    pub exit: Exit,
    /// One line for the user; empty for an exit that has nothing to say
    /// (see `Error::silent`).
    pub message: String,
    pub hint: Option<String>,
    /// Salesforce's own error code (`invalid_grant`, ...), when it said one.
    pub salesforce_code: Option<String>,
    /// The error this one was raised for, if any.
    cause: Option<Box<Error>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Error {
            exit,
            message: message.into(),
            hint: None,
            salesforce_code: None,
            cause: None,
        }
    }

    /// Ends the program with `exit` and prints nothing: stdout was closed by
    /// its reader (exit 0), or `exec`'s command exited non-zero.
    pub fn silent(exit: Exit) -> Self {
        Self::new(exit, "")
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_salesforce_code(mut self, code: &str) -> Self {
        self.salesforce_code = Some(code.to_string());
        self
    }

    /// Records `cause` as what this error was raised for, keeping this
    /// error's own exit code and hint.
    pub fn caused_by(mut self, cause: Error) -> Self {
        self.cause = Some(Box::new(cause));
        self
    }

    /// The same error (exit code, hint, cause) with its message reworded,
    /// e.g. to name the connection it is about.
    pub fn reworded(mut self, reword: impl FnOnce(&str) -> String) -> Self {
        self.message = reword(&self.message);
        self
    }

    /// The causes, nearest first.
    pub fn causes(&self) -> impl Iterator<Item = &Error> {
        std::iter::successors(self.cause.as_deref(), |e| e.cause.as_deref())
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

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

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
            (Exit::Command(127), 127),
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

    #[test]
    fn causes_chain_and_keep_each_errors_own_exit_and_hint() {
        let inner = Error::network("cannot reach login.salesforce.com: connection refused")
            .with_hint("check the network");
        let middle = Error::relink("the old token could not be revoked").caused_by(inner);
        assert_eq!(middle.exit, Exit::RelinkNeeded);
        let top = Error::unexpected("top").caused_by(middle);
        assert_eq!(top.exit, Exit::Unexpected);
        assert_eq!(top.hint, None);
        let causes: Vec<&str> = top.causes().map(|e| e.message.as_str()).collect();
        assert_eq!(
            causes,
            [
                "the old token could not be revoked",
                "cannot reach login.salesforce.com: connection refused"
            ]
        );
        assert_eq!(
            top.causes().last().unwrap().hint.as_deref(),
            Some("check the network")
        );
        // The standard chain walks the same causes.
        let source = std::error::Error::source(&top).unwrap();
        assert_eq!(source.to_string(), "the old token could not be revoked");
    }

    #[test]
    fn rewording_keeps_everything_else() {
        let err = Error::relink("refused")
            .with_hint("link again")
            .caused_by(Error::network("inner"))
            .reworded(|m| format!("prod: {m}"));
        assert_eq!(err.message, "prod: refused");
        assert_eq!(err.exit, Exit::RelinkNeeded);
        assert_eq!(err.hint.as_deref(), Some("link again"));
        assert_eq!(err.causes().count(), 1);
    }
}
