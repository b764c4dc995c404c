//! The loopback listener that catches Salesforce's redirect after login.
//!
//! It binds 127.0.0.1 and [::1] on the same port (a browser may resolve
//! `localhost` to either; [::1] is skipped only where the machine has no
//! IPv6 loopback) and never 0.0.0.0 (RFC 8252 §7.3, §8.3), and it is
//! listening before the browser opens. Given several ports (`--port
//! 1717,1718`), it takes the first free one; when all are busy it says which
//! process holds each, where the OS tells (`port_holder`). tiny_http reads
//! each connection on its own thread, so a client that connects and sends
//! nothing cannot block the real callback.
//!
//! Requests whose `Host` is not ours are refused (DNS rebinding); the rest
//! are judged by `callback::judge`. Addresses pasted back (`paste`) arrive
//! on the same channel and are judged the same way. The login waits until a
//! valid callback arrives, the deadline passes, or the user presses Ctrl-C.
//! The sockets close when the `Listener` is dropped.

use crate::error::{Error, Result};
use crate::login::callback::{self, REDIRECT_PATH, Verdict};
use crate::login::countdown::Countdown;
use crate::login::port_holder;
use crate::secrets::secret::Secret;
use std::io::ErrorKind;
use std::net::{Ipv4Addr, Ipv6Addr, TcpListener};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

pub enum Event {
    Request(tiny_http::Request),
    /// A line the user pasted (it may hold a code).
    Pasted(Secret),
    Interrupted,
}

pub struct Listener {
    servers: Vec<Arc<tiny_http::Server>>,
    port: u16,
    /// Ports tried first and found busy, each with its holder when known.
    pub skipped: Vec<String>,
    events: Receiver<Event>,
    sender: Sender<Event>,
}

/// A callback that ended the wait, and the browser still waiting for a page
/// (none when the address was pasted).
pub struct Callback {
    pub verdict: Verdict,
    request: Option<tiny_http::Request>,
}

impl Callback {
    /// Shows the browser a small page saying what happened.
    pub fn answer(self, status: u16, title: &str, detail: &str) {
        if let Some(request) = self.request {
            respond(request, status, title, detail);
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
        let port = listeners[0]
            .local_addr()
            .map_err(|e| Error::unexpected(format!("cannot read the listener's port: {e}")))?
            .port();
        let (sender, events) = mpsc::channel();
        let mut servers = Vec::new();
        for listener in listeners {
            let server = tiny_http::Server::from_listener(listener, None)
                .map_err(|e| Error::unexpected(format!("cannot start the listener: {e}")))?;
            let server = Arc::new(server);
            let (server_ref, tx) = (Arc::clone(&server), sender.clone());
            thread::spawn(move || {
                while let Ok(request) = server_ref.recv() {
                    if tx.send(Event::Request(request)).is_err() {
                        break;
                    }
                }
            });
            servers.push(server);
        }
        Ok(Listener {
            servers,
            port,
            skipped,
            events,
            sender,
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
    /// pasted. Everything else is answered (or reported) and ignored.
    pub fn wait(
        &self,
        state: &Secret,
        deadline: Instant,
        timeout_secs: u64,
        countdown: &mut Countdown,
    ) -> Result<Callback> {
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
                    if !callback::host_is_ours(host_header(&request).as_deref(), self.port) {
                        let detail = format!(
                            "this listener answers only requests for localhost:{}",
                            self.port
                        );
                        respond(request, 403, "Refused", &detail);
                        continue;
                    }
                    let verdict = callback::judge(request.method().as_str(), request.url(), state);
                    if let Verdict::Ignore { status, reason } = verdict {
                        respond(request, status, "Not the login callback", reason);
                        continue;
                    }
                    (verdict, Some(request))
                }
            };
            countdown.finish(request.is_none());
            return Ok(Callback { verdict, request });
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        for server in &self.servers {
            server.unblock();
        }
    }
}

fn host_header(request: &tiny_http::Request) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string())
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

fn respond(request: tiny_http::Request, status: u16, title: &str, detail: &str) {
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>sfconnect: {t}</title></head>\
<body style=\"font-family:sans-serif;max-width:40em;margin:4em auto\"><h1>{t}</h1><p>{d}</p></body></html>",
        t = html_escape(title),
        d = html_escape(detail)
    );
    let response = tiny_http::Response::from_string(page)
        .with_status_code(status)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("Referrer-Policy", "no-referrer"));
    // The browser may have gone away; nothing to do about it.
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("static header is valid")
}

/// Error text from the redirect is shown, never interpreted as HTML.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            html_escape("<script>alert('x')</script>&"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"
        );
    }

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
        for server in &listener.servers {
            let addr = server.server_addr().to_ip().unwrap();
            assert!(addr.ip().is_loopback(), "{addr}");
        }
    }
}
