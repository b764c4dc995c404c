//! A gate a test holds shut to keep a request in flight at the fake, then
//! opens: "the exchange has started and not finished" becomes a state the
//! test waits for and controls, instead of a delay it hopes is long enough.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

/// Requests wait at most this long at a gate, so a failing test never
/// leaves the fake's workers stuck.
const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// Shut until `open` is called; clones share the same gate.
#[derive(Clone, Default)]
pub struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    pub fn open(&self) {
        let (open, changed) = &*self.0;
        *open.lock().unwrap_or_else(PoisonError::into_inner) = true;
        changed.notify_all();
    }

    /// Blocks until the gate is open (or `LONGEST_WAIT` has passed).
    pub(super) fn pass(&self) {
        let (open, changed) = &*self.0;
        let guard = open.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = changed
            .wait_timeout_while(guard, LONGEST_WAIT, |open| !*open)
            .unwrap_or_else(PoisonError::into_inner);
    }
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let open = *self.0.0.lock().unwrap_or_else(PoisonError::into_inner);
        write!(f, "Gate({})", if open { "open" } else { "shut" })
    }
}
