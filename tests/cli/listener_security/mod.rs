//! The loopback listener against other processes on this machine: another
//! user delivering a code of their own (`other_user`), a head without an
//! end, a flood of idle connections and clients too slow (`bounds`), and
//! connecting once the callback is taken (`closing`). Each scenario runs a
//! real `link` and ends with the genuine callback, which must still link.

mod bounds;
mod closing;
#[cfg(target_os = "linux")]
mod other_user;

use crate::support::listener::{callback_port, raw_get, target_of};
use crate::support::live::Live;
use crate::support::{Sandbox, link_args};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

/// How long a test waits for something sfconnect or the fake should do.
const PATIENCE: Duration = Duration::from_secs(20);

/// A `link` waiting for its callback, which the test browser did not
/// deliver: the test delivers it (or not).
struct Waiting {
    live: Live,
    port: u16,
    /// Path and query of the genuine callback (the test browser's login).
    genuine: String,
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    stderr: String,
}

impl Waiting {
    fn start(sandbox: &mut Sandbox) -> Waiting {
        sandbox.set_env("TEST_BROWSER_SKIP_CALLBACK", "1");
        let url = sandbox.fake.url();
        let live = Live::start(sandbox.command(&link_args(&url, &["--timeout", "60"])));
        let stderr = live.wait_for("Ctrl-C cancels");
        let port = callback_port(&stderr);
        // The browser runs on its own: wait for its visit to the fake.
        let mut address = None;
        wait_until("the test browser is redirected to the callback", || {
            address = sandbox
                .browser_events()
                .iter()
                .find(|e| e["event"] == "authorize")
                .and_then(|e| e["location"].as_str().map(String::from));
            address.is_some()
        });
        Waiting {
            live,
            port,
            genuine: target_of(&address.expect("waited for")),
            stderr,
        }
    }

    fn v4(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    fn host(&self) -> String {
        format!("localhost:{}", self.port)
    }

    /// Delivers the genuine callback from this process (our uid) and
    /// expects the login to complete.
    #[track_caller]
    fn link_genuinely(self, sandbox: &Sandbox) {
        let (status, body) = raw_get(self.v4(), &self.host(), &self.genuine);
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("Linked"), "{body}");
        let run = self.live.finish().expect(0);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        assert_eq!(sandbox.fake.token_requests("authorization_code"), 1);
        let connections = sandbox.connections();
        assert_eq!(connections.len(), 1, "{connections:?}");
        assert_eq!(
            connections[0]["username"],
            crate::support::fake_salesforce::DEFAULT_USERNAME
        );
    }
}

/// Polls `condition` until it holds, for at most `PATIENCE`.
#[track_caller]
fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(started.elapsed() < PATIENCE, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
