//! The loopback listener that catches Salesforce's redirect after login.
//!
//! It binds 127.0.0.1 (and [::1] on the same port where available) and never
//! 0.0.0.0 (RFC 8252 §7.3, §8.3), and it is listening before the browser
//! opens. tiny_http reads each connection on its own thread, so a client
//! that connects and sends nothing cannot block the real callback. Every
//! request is judged by `callback::judge`; the login waits until a valid
//! callback arrives, the deadline passes, or the user presses Ctrl-C. The
//! sockets close when the `Listener` is dropped.

use crate::callback::{self, REDIRECT_PATH, Verdict};
use crate::error::{Error, Result};
use crate::secret::Secret;
use std::io::ErrorKind;
use std::net::{Ipv4Addr, Ipv6Addr, TcpListener};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Instant;

pub enum Event {
    Request(tiny_http::Request),
    Interrupted,
}

pub struct Listener {
    servers: Vec<Arc<tiny_http::Server>>,
    port: u16,
    events: Receiver<Event>,
    sender: Sender<Event>,
}

/// A callback that ended the wait, and the browser still waiting for a page.
pub struct Callback {
    pub verdict: Verdict,
    request: tiny_http::Request,
}

impl Callback {
    /// Shows the browser a small page saying what happened.
    pub fn answer(self, status: u16, title: &str, detail: &str) {
        respond(self.request, status, title, detail);
    }
}

impl Listener {
    /// Binds the port on loopback. Port 0 lets the OS pick a free one.
    pub fn bind(port: u16) -> Result<Listener> {
        let v4 =
            TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(|e| bind_error(port, &e))?;
        let port = v4
            .local_addr()
            .map_err(|e| Error::unexpected(format!("cannot read the listener's port: {e}")))?
            .port();
        let mut listeners = vec![v4];
        // `localhost` may resolve to ::1 first; listen there too when we can.
        if let Ok(v6) = TcpListener::bind((Ipv6Addr::LOCALHOST, port)) {
            listeners.push(v6);
        }
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
            events,
            sender,
        })
    }

    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}{REDIRECT_PATH}", self.port)
    }

    /// A sender for Ctrl-C (or anything else) to interrupt the wait.
    pub fn interrupter(&self) -> Sender<Event> {
        self.sender.clone()
    }

    /// Waits for the callback carrying our `state`. Everything else is
    /// answered and ignored.
    pub fn wait(&self, state: &Secret, deadline: Instant, timeout_secs: u64) -> Result<Callback> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let event = match self.events.recv_timeout(left) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    return Err(Error::login(format!(
                        "no login was completed within {timeout_secs} seconds; nothing was stored"
                    ))
                    .with_hint("run the command again and finish the login in the browser, or give more time with --timeout SECS"));
                }
            };
            let request = match event {
                Event::Interrupted => {
                    return Err(Error::login("login cancelled (Ctrl-C); nothing was stored"));
                }
                Event::Request(request) => request,
            };
            let verdict = callback::judge(request.method().as_str(), request.url(), state);
            match verdict {
                Verdict::Ignore { status, reason } => {
                    respond(request, status, "Not the login callback", reason);
                }
                verdict => return Ok(Callback { verdict, request }),
            }
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

fn bind_error(port: u16, err: &std::io::Error) -> Error {
    if err.kind() == ErrorKind::AddrInUse {
        Error::login(format!(
            "cannot listen for the login callback: port {port} on localhost is already in use"
        ))
        .with_hint(format!("stop the program holding port {port} (another login in progress?), or use --port N; the app's callback URL must then be http://localhost:N/OauthRedirect"))
    } else {
        Error::login(format!(
            "cannot listen for the login callback on localhost port {port}: {err}"
        ))
    }
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
    fn busy_port_names_the_port() {
        let holder = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = holder.local_addr().unwrap().port();
        let err = Listener::bind(port).err().expect("port is busy");
        assert!(err.message.contains(&port.to_string()), "{}", err.message);
        assert_eq!(err.exit, crate::error::Exit::LoginNotCompleted);
    }

    #[test]
    fn binds_loopback_only() {
        let listener = Listener::bind(0).unwrap();
        assert!(listener.port > 0);
        assert!(listener.redirect_uri().starts_with("http://localhost:"));
        for server in &listener.servers {
            let addr = server.server_addr().to_ip().unwrap();
            assert!(addr.ip().is_loopback(), "{addr}");
        }
    }
}
