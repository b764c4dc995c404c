//! Paste-back: the user pastes the address the browser ended on.
//!
//! When the browser runs on another machine (SSH, a container), Salesforce
//! still sends it to `http://localhost:PORT/OauthRedirect?code=...&state=...`,
//! which fails to load there. The address bar then holds everything the
//! listener would have received. A thread reads lines from stdin and feeds
//! each to the listener's wait as `Event::Pasted`; the wait judges it
//! exactly like a request (`callback::judge_pasted`: our host and port, the
//! redirect path, our `state`), so the first valid one of listener or paste
//! wins. This is safe because the code is useless without the PKCE verifier,
//! which never leaves this process, and the `state` ties the address to
//! this login.

use crate::login::listener::Event;
use crate::secrets::secret::Secret;
use std::io::BufRead;
use std::sync::mpsc::Sender;

/// Starts reading stdin in the background. The thread ends at end of input
/// (the wait goes on for the browser) or when the wait is over.
pub fn start(events: Sender<Event>) {
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        for line in stdin.lock().lines() {
            let Ok(line) = line else {
                break;
            };
            if line.trim().is_empty() {
                continue;
            }
            // The line may hold a code: it travels as a Secret.
            if events.send(Event::Pasted(Secret::new(line))).is_err() {
                break;
            }
        }
    });
}
