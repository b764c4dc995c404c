//! Holding answers back, so a test can race a command against another
//! without sleeping and hoping.
//!
//! A `Gate` matches some requests (a path, and for the token endpoint a
//! `grant_type`). The fake handles a matching request as usual, so its effects
//! have happened (a refresh token rotated, a token revoked), and then keeps the
//! answer until the test opens the gate. The test waits for the event it needs
//! (`wait_until_holding`), does what it wants to race with the held command,
//! and opens the gate. Once open it stays open.
//!
//! A gate made by `FakeSalesforce::hold_unhandled` holds matching requests
//! *before* handling them instead: as if the request had not reached
//! Salesforce yet. What it held is never handled: when the gate opens, each
//! held request is answered 503 untouched (its sender is usually dead by
//! then), and later requests pass through as usual.

use std::fmt;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use super::http::{Incoming, lock};

/// How long a test waits for held answers before it fails.
const PATIENCE: Duration = Duration::from_secs(60);

pub struct Gate {
    path: String,
    grant_type: Option<String>,
    /// Held before handling (and then never handled), not after.
    pub(super) before_handling: bool,
    state: Mutex<Held>,
    changed: Condvar,
}

#[derive(Default)]
struct Held {
    open: bool,
    /// Answers held so far (including those since let through).
    count: usize,
}

impl fmt::Debug for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held = lock(&self.state);
        write!(
            f,
            "Gate({} {:?}, held {}, open {})",
            self.path, self.grant_type, held.count, held.open
        )
    }
}

impl Gate {
    /// A closed gate on every request whose path starts with `path`, and, when
    /// `grant_type` is given, whose form has that `grant_type`.
    pub(super) fn new(path: &str, grant_type: Option<&str>, before_handling: bool) -> Gate {
        Gate {
            path: path.to_string(),
            grant_type: grant_type.map(str::to_string),
            before_handling,
            state: Mutex::new(Held::default()),
            changed: Condvar::new(),
        }
    }

    pub(super) fn matches(&self, rq: &Incoming) -> bool {
        rq.path.starts_with(&self.path)
            && self
                .grant_type
                .as_deref()
                .is_none_or(|g| rq.form("grant_type") == Some(g))
    }

    /// Called by a worker with a matching request (already handled, unless
    /// `before_handling`): counts it and waits for the gate to open. Whether
    /// it was held at all (false once the gate is open).
    pub(super) fn hold(&self) -> bool {
        let mut held = lock(&self.state);
        held.count += 1;
        self.changed.notify_all();
        if held.open {
            return false;
        }
        while !held.open {
            held = self
                .changed
                .wait(held)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        true
    }

    /// Waits until `n` matching answers have been held; panics after a
    /// minute, naming how many arrived.
    #[track_caller]
    pub fn wait_until_holding(&self, n: usize) {
        let deadline = Instant::now() + PATIENCE;
        let mut held = lock(&self.state);
        while held.count < n {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "the fake held {} of {n} answers on {} within {PATIENCE:?}",
                held.count,
                self.path
            );
            held = self
                .changed
                .wait_timeout(held, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }

    /// Lets every held answer go, and every later one through.
    pub fn open(&self) {
        lock(&self.state).open = true;
        self.changed.notify_all();
    }
}
