//! What Salesforce last said about a connection, as one closed set of
//! verdicts: each knows the word the index and JSON use, the label and
//! colour of the `tokens list` table, and the exit code it means.
//!
//! `access::status_of` decides which one an error is; `tokens check`
//! exits with the worst of them; `tokens list` and `tokens check` colour
//! them. A blocked app and a revoked token both need a person to act before
//! the connection works again (an admin unblocks the app, or the user links
//! again), so both exit 4, in `token` and in `tokens check` alike. An
//! index entry that fails its checks is `invalid` (exit 2, a usage error:
//! the file was edited by hand) and wins over every other verdict.

use crate::error::Exit;
use crate::output::Style;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The refresh worked.
    Ok,
    /// `invalid_grant`: revoked, expired, or pushed out by the
    /// five-approval limit.
    Revoked,
    /// The app is blocked or not approved for the user.
    Blocked,
    /// Network, DNS, TLS, timeout, or a 5xx.
    Unreachable,
    /// Anything else.
    Error,
    /// The index entry fails its checks (`index::validate`): nothing was
    /// sent; a person must repair the entry or forget it
    /// (`revoke --local-only`). Reported by `tokens check`, never recorded.
    Invalid,
}

impl Status {
    /// The word in the index file and in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Revoked => "revoked",
            Status::Blocked => "blocked",
            Status::Unreachable => "unreachable",
            Status::Error => "error",
            Status::Invalid => "invalid",
        }
    }

    /// The `tokens list` STATUS cell: in capitals when a person must act.
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Revoked => "REVOKED",
            Status::Blocked => "BLOCKED",
            Status::Unreachable => "unreachable",
            Status::Error => "ERROR",
            Status::Invalid => "INVALID",
        }
    }

    /// Green for ok, yellow for unreachable (it may pass), red for what
    /// needs attention.
    pub fn style(self) -> Style {
        match self {
            Status::Ok => Style::Green,
            Status::Unreachable => Style::Yellow,
            Status::Revoked | Status::Blocked | Status::Error | Status::Invalid => Style::Red,
        }
    }

    /// The exit code this verdict means for a command that needed the
    /// connection.
    pub fn exit(self) -> Exit {
        match self {
            Status::Ok => Exit::Ok,
            Status::Revoked | Status::Blocked => Exit::RelinkNeeded,
            Status::Unreachable | Status::Error => Exit::Network,
            Status::Invalid => Exit::Usage,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exit code of each verdict is part of the documented contract.
    #[test]
    fn statuses_are_pinned() {
        let pinned = [
            (Status::Ok, "ok", "ok", 0),
            (Status::Revoked, "revoked", "REVOKED", 4),
            (Status::Blocked, "blocked", "BLOCKED", 4),
            (Status::Unreachable, "unreachable", "unreachable", 5),
            (Status::Error, "error", "ERROR", 5),
            (Status::Invalid, "invalid", "INVALID", 2),
        ];
        for (status, word, label, code) in pinned {
            assert_eq!(status.as_str(), word);
            assert_eq!(status.label(), label);
            assert_eq!(status.exit().code(), code, "{status}");
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{word}\""));
            assert_eq!(serde_json::from_str::<Status>(&json).unwrap(), status);
        }
        assert!(serde_json::from_str::<Status>("\"fine\"").is_err());
    }
}
