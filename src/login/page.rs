//! The pages the listener answers with, written straight to the socket.
//!
//! Every answer is one small HTML page and `Connection: close` (RFC 9112
//! §9.6): the listener serves one request per connection. After the page,
//! the socket's sending side is shut and what the client still sends is
//! read and thrown away, within `LINGER_BYTES` and `LINGER`, before the
//! socket closes: closing with unread bytes makes the kernel send a reset,
//! which can destroy the page before the browser reads it (RFC 9112 §9.6,
//! "tear-down").

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// How long writing the page may take (it is under 2 KiB).
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long, and how much, a client's leftover bytes are read after the page.
pub const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 1 << 20;

/// One answer: a status and a short text for the person at the browser.
pub struct Page {
    pub status: u16,
    pub title: String,
    pub detail: String,
}

impl Page {
    pub fn new(status: u16, title: &str, detail: &str) -> Page {
        Page {
            status,
            title: title.to_string(),
            detail: detail.to_string(),
        }
    }

    /// The whole HTTP response.
    pub fn response(&self) -> String {
        let body = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>sfconnect: {t}</title></head>\
<body style=\"font-family:sans-serif;max-width:40em;margin:4em auto\"><h1>{t}</h1><p>{d}</p></body></html>",
            t = html_escape(&self.title),
            d = html_escape(&self.detail)
        );
        // 405 must say what is allowed (RFC 9110 §15.5.6).
        let allow = if self.status == 405 {
            "Allow: GET\r\n"
        } else {
            ""
        };
        format!(
            "HTTP/1.1 {status} {reason}\r\n{allow}Content-Type: text/html; charset=utf-8\r\n\
Content-Length: {length}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
X-Content-Type-Options: nosniff\r\n\
Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'\r\n\
Connection: close\r\n\r\n{body}",
            status = self.status,
            reason = reason(self.status),
            length = body.len(),
        )
    }

    /// Writes the page, then closes the connection in good order. A client
    /// that went away is not an error: nothing can be done about it.
    pub fn send(&self, stream: &mut TcpStream) {
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        if stream.write_all(self.response().as_bytes()).is_err() {
            return;
        }
        let _ = stream.flush();
        let _ = stream.shutdown(Shutdown::Write);
        drain(stream);
    }
}

/// Reads and drops what the client still sends, until it closes, or
/// `LINGER_BYTES` or `LINGER` have passed.
fn drain(stream: &mut TcpStream) {
    let deadline = Instant::now() + LINGER;
    let mut buffer = [0u8; 4096];
    let mut read = 0;
    while read < LINGER_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut buffer) {
            Ok(0) => return,
            Ok(n) => read += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        _ => "",
    }
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
    fn a_complete_response_that_closes() {
        let response = Page::new(405, "No", "<b>").response();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        assert!(
            head.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
            "{head}"
        );
        assert!(head.contains("\r\nAllow: GET"), "{head}");
        assert!(head.contains("\r\nConnection: close"), "{head}");
        assert!(head.contains("\r\nCache-Control: no-store"), "{head}");
        assert!(
            head.contains(&format!("\r\nContent-Length: {}", body.len())),
            "{head}"
        );
        assert!(
            body.contains("&lt;b&gt;") && !body.contains("<b>"),
            "{body}"
        );
        assert!(!Page::new(200, "a", "b").response().contains("Allow:"));
    }
}
