//! The loopback listener that catches Salesforce's redirect after login.
//!
//! It binds 127.0.0.1 and [::1] on the same port (a browser may resolve
//! `localhost` to either; [::1] is skipped only where the machine has no
//! IPv6 loopback) and never 0.0.0.0 (RFC 8252 §7.3, §8.3), and it is
//! listening before the browser opens. Given several ports (`--port
//! 1717,1718`), it takes the first free one; when all are busy it says which
//! process holds each, where the OS tells (`port_holder`).
//!
//! Any local process can connect, so what one connection may cost is
//! bounded (`incoming`: head size and time; `connections`: how many at
//! once), and each is read on its own thread, so a client that connects and
//! sends nothing cannot block the real callback. Requests whose `Host` is
//! not ours are refused (DNS rebinding); the rest are judged by
//! `callback::judge`; a callback that would end the login must also come
//! from this user's process (`peer`). Addresses pasted back (`paste`)
//! arrive on the same channel and are judged the same way. The login waits
//! until a valid callback arrives, the deadline passes, or the user presses
//! Ctrl-C.
//!
//! Once a callback is judged, the listening sockets close and every other
//! connection is dropped: nothing new is accepted while the code is
//! exchanged. The browser's own request is held (`Callback`) and answered
//! with the outcome, the page the person reads.

use crate::error::{Error, Result};
use crate::login::callback::{self, REDIRECT_PATH, Verdict};
use crate::login::connections::Connections;
use crate::login::countdown::Countdown;
use crate::login::incoming::{self, Request};
use crate::login::page::Page;
use crate::login::peer;
use crate::login::port_holder;
use crate::secrets::secret::Secret;
use std::io::ErrorKind;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

pub enum Event {
    Request(Request),
    /// A line the user pasted (it may hold a code).
    Pasted(Secret),
    Interrupted,
}

/// What the browser shows when the callback's sender is not provably this
/// user's process.
const NOT_YOURS: &str = "sfconnect did not take this login: it could not confirm that this request came from the user who started it. If you did start this login (from WSL, for example, where the Windows browser reaches this machine through a relay), copy this page's whole address from the address bar and paste it into the terminal where sfconnect is waiting.";

pub struct Listener {
    port: u16,
    /// Ports tried first and found busy, each with its holder when known.
    pub skipped: Vec<String>,
    events: Receiver<Event>,
    sender: Sender<Event>,
    connections: Arc<Connections>,
    /// Each listening socket's address, and word from its thread that the
    /// socket is closed.
    sockets: Vec<(SocketAddr, Receiver<()>)>,
    closing: Arc<AtomicBool>,
}

/// A callback that ended the wait, and the browser still waiting for a page
/// (none when the address was pasted).
pub struct Callback {
    pub verdict: Verdict,
    request: Option<Request>,
}

impl Callback {
    /// Shows the browser a small page saying what happened, and returns
    /// once the connection is closed.
    pub fn answer(self, status: u16, title: &str, detail: &str) {
        if let Some(request) = self.request {
            request.respond_and_close(Page::new(status, title, detail));
        }
    }

    /// True when the user pasted the address rather than the browser
    /// calling the listener.
    pub fn was_pasted(&self) -> bool {
        self.request.is_none()
    }
}

impl Listener {
    /// Binds the first free port of `ports` on loopback. Port 0 lets the OS
    /// pick a free one.
    pub fn bind(ports: &[u16]) -> Result<Listener> {
        let mut busy = Vec::new();
        for &port in ports {
            match bind_loopback(port) {
                Ok(sockets) => {
                    let skipped = busy.iter().map(|(p, who)| busy_port(*p, who)).collect();
                    return Self::serve(sockets, skipped);
                }
                Err(e) if e.kind() == ErrorKind::AddrInUse => {
                    busy.push((port, port_holder::find(port)));
                }
                Err(e) => {
                    return Err(Error::login(format!(
                        "cannot listen for the login callback on localhost port {port}: {e}"
                    )));
                }
            }
        }
        Err(all_busy(&busy))
    }

    fn serve(listeners: Vec<TcpListener>, skipped: Vec<String>) -> Result<Listener> {
        let addresses = listeners
            .iter()
            .map(TcpListener::local_addr)
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(|e| Error::unexpected(format!("cannot read the listener's port: {e}")))?;
        let (sender, events) = mpsc::channel();
        let connections = Arc::new(Connections::default());
        let closing = Arc::new(AtomicBool::new(false));
        let mut sockets = Vec::new();
        for (listener, address) in listeners.into_iter().zip(&addresses) {
            let (closed, closed_signal) = mpsc::channel();
            let (connections, closing, events) = (
                Arc::clone(&connections),
                Arc::clone(&closing),
                sender.clone(),
            );
            thread::Builder::new()
                .name("listener-accept".into())
                .spawn(move || {
                    accept_until_closed(&listener, &connections, &closing, &events);
                    drop(listener);
                    let _ = closed.send(());
                })
                .map_err(|e| Error::unexpected(format!("cannot start the listener: {e}")))?;
            sockets.push((*address, closed_signal));
        }
        Ok(Listener {
            port: addresses[0].port(),
            skipped,
            events,
            sender,
            connections,
            sockets,
            closing,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}{REDIRECT_PATH}", self.port)
    }

    /// A sender for Ctrl-C, paste-back (or anything else) to feed the wait.
    pub fn interrupter(&self) -> Sender<Event> {
        self.sender.clone()
    }

    /// Waits for the callback carrying our `state`, from the browser or
    /// pasted. Everything else is answered (or reported) and ignored. When
    /// it returns a callback, the listener is already closed.
    pub fn wait(
        &self,
        state: &Secret,
        deadline: Instant,
        timeout_secs: u64,
        countdown: &mut Countdown,
    ) -> Result<Callback> {
        let mut told_refusal = false;
        loop {
            countdown.tick();
            let left = deadline.saturating_duration_since(Instant::now());
            let event = match self.events.recv_timeout(left.min(Duration::from_secs(1))) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) if !left.is_zero() => continue,
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    countdown.finish(false);
                    return Err(Error::login(format!(
                        "no login was completed within {}; nothing was stored",
                        crate::output::count(timeout_secs, "second")
                    ))
                    .with_hint("run the command again and finish the login in a browser, or give more time with --timeout SECS"));
                }
            };
            let (verdict, request) = match event {
                Event::Interrupted => {
                    countdown.finish(false);
                    return Err(Error::login("login cancelled (Ctrl-C); nothing was stored"));
                }
                Event::Pasted(text) => {
                    match callback::judge_pasted(text.expose(), self.port, state) {
                        Verdict::Ignore { reason, .. } => {
                            countdown.message(&format!(
                                "sfconnect: refused the pasted address: {reason}; still waiting"
                            ));
                            continue;
                        }
                        verdict => (verdict, None),
                    }
                }
                Event::Request(request) => {
                    let Some((verdict, request)) =
                        self.judge(request, state, countdown, &mut told_refusal)
                    else {
                        continue;
                    };
                    (verdict, Some(request))
                }
            };
            self.close();
            countdown.finish(request.is_none());
            return Ok(Callback { verdict, request });
        }
    }

    /// A request that may end the login, with its verdict; anything else is
    /// answered here and None returned.
    fn judge(
        &self,
        request: Request,
        state: &Secret,
        countdown: &mut Countdown,
        told_refusal: &mut bool,
    ) -> Option<(Verdict, Request)> {
        let head = &request.head;
        if !callback::host_is_ours(head.host.as_deref(), self.port) {
            let detail = format!(
                "this listener answers only requests for localhost:{}",
                self.port
            );
            request.respond(Page::new(403, "Refused", &detail));
            return None;
        }
        let verdict = callback::judge(&head.method, &head.target, state);
        if let Verdict::Ignore { status, reason } = verdict {
            request.respond(Page::new(status, "Not the login callback", reason));
            return None;
        }
        let sender = peer::check(request.peer, request.local);
        if !sender.may_end_the_login() {
            // Said once: a flood of them must not flood the terminal.
            if !std::mem::replace(told_refusal, true) {
                countdown.message(&format!(
                    "sfconnect: refused a login callback: {}; still waiting. If that was your own browser (as on WSL), paste the address it shows here, or give it to `sfconnect link --paste`.",
                    sender.refusal()
                ));
            }
            request.respond(Page::new(403, "Refused", NOT_YOURS));
            return None;
        }
        Some((verdict, request))
    }

    /// Stops listening and drops every connection but a callback already
    /// taken: from here on, connecting is refused. Waits (boundedly) until
    /// the sockets are closed.
    fn close(&self) {
        if self.closing.swap(true, Ordering::SeqCst) {
            return;
        }
        self.connections.close();
        for (address, closed) in &self.sockets {
            // The accept thread is blocked in accept(): a connection wakes
            // it, it sees `closing` and closes the socket.
            let _ = TcpStream::connect_timeout(address, Duration::from_secs(1));
            // Bounded: a stuck thread must not hang the login.
            let _ = closed.recv_timeout(Duration::from_secs(10));
        }
        // Requests already handed over and not yet judged: close them.
        while self.events.try_recv().is_ok() {}
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.close();
    }
}

/// Accepts connections until the listener closes.
fn accept_until_closed(
    listener: &TcpListener,
    connections: &Arc<Connections>,
    closing: &AtomicBool,
    events: &Sender<Event>,
) {
    for stream in listener.incoming() {
        if closing.load(Ordering::SeqCst) {
            return;
        }
        match stream {
            Ok(stream) => {
                let events = events.clone();
                incoming::accept(stream, connections, move |request| {
                    events.send(Event::Request(request)).is_ok()
                });
            }
            // Out of file descriptors, say: let the flood drain a moment
            // rather than spin.
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// 127.0.0.1 and, where the machine has an IPv6 loopback, [::1] on the same
/// port. The port counts as busy when either address is taken: a browser
/// that resolves `localhost` to the taken one would reach another program.
fn bind_loopback(port: u16) -> std::io::Result<Vec<TcpListener>> {
    // With port 0, the port the OS picks for 127.0.0.1 may be taken on ::1;
    // pick again a few times.
    let attempts = if port == 0 { 5 } else { 1 };
    let mut last = std::io::Error::from(ErrorKind::AddrInUse);
    for _ in 0..attempts {
        let v4 = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        let actual = v4.local_addr()?.port();
        match TcpListener::bind((Ipv6Addr::LOCALHOST, actual)) {
            Ok(v6) => return Ok(vec![v4, v6]),
            Err(e) if e.kind() == ErrorKind::AddrInUse => last = e,
            // No IPv6 loopback here: browsers cannot use it either.
            Err(_) => return Ok(vec![v4]),
        }
    }
    Err(last)
}

fn busy_port(port: u16, holder: &Option<port_holder::Holder>) -> String {
    match holder {
        Some(holder) => format!("port {port} is in use by {holder}"),
        None => format!("port {port} is in use"),
    }
}

fn all_busy(busy: &[(u16, Option<port_holder::Holder>)]) -> Error {
    let what: Vec<String> = busy.iter().map(|(p, who)| busy_port(*p, who)).collect();
    let tried: Vec<String> = busy.iter().map(|(p, _)| p.to_string()).collect();
    let message = if busy.len() == 1 {
        format!(
            "cannot listen for the login callback on localhost: {} (already in use)",
            what[0]
        )
    } else {
        format!(
            "cannot listen for the login callback on localhost: every port tried is already in use ({})",
            what.join("; ")
        )
    };
    Error::login(message).with_hint(format!(
        "stop that program (another login in progress?), or pass another port, or several to try in order (--port {},N); the app's callback URL must then also list http://localhost:N/OauthRedirect",
        tried.join(",")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_port_names_the_port_and_the_holder() {
        let holder = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = holder.local_addr().unwrap().port();
        let err = Listener::bind(&[port]).err().expect("port is busy");
        assert!(
            err.message.contains(&format!("port {port}")),
            "{}",
            err.message
        );
        assert_eq!(err.exit, crate::error::Exit::LoginNotCompleted);
        assert!(err.hint.unwrap().contains("callback URL"));
        if cfg!(target_os = "linux") {
            let pid = format!("pid {}", std::process::id());
            assert!(err.message.contains(&pid), "{}", err.message);
        }
    }

    #[test]
    fn the_first_free_port_of_a_list_wins() {
        let holder = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let busy = holder.local_addr().unwrap().port();
        let listener = Listener::bind(&[busy, 0]).unwrap();
        assert_ne!(listener.port(), busy);
        assert_eq!(listener.skipped.len(), 1);
        assert!(listener.skipped[0].contains(&format!("port {busy}")));
    }

    #[test]
    fn a_port_taken_on_ipv6_only_counts_as_busy() {
        let Ok(holder) = TcpListener::bind((Ipv6Addr::LOCALHOST, 0)) else {
            return; // no IPv6 loopback on this machine
        };
        let port = holder.local_addr().unwrap().port();
        if TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_err() {
            return; // the port is taken on 127.0.0.1 too; nothing to show
        }
        assert!(Listener::bind(&[port]).is_err());
    }

    #[test]
    fn binds_loopback_only() {
        let listener = Listener::bind(&[0]).unwrap();
        assert!(listener.port > 0);
        assert!(listener.redirect_uri().starts_with("http://localhost:"));
        for (address, _) in &listener.sockets {
            assert!(address.ip().is_loopback(), "{address}");
        }
    }
}
