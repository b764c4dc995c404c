//! The head of one HTTP/1 request to the loopback listener, within bounds.
//!
//! The listener needs three things from a request: its method, its target
//! and its `Host`. A browser's callback is one small `GET` (a few hundred
//! bytes), so the listener reads the head itself instead of through an HTTP
//! server library, and never more than `MAX_HEAD_BYTES` of it: any local
//! process can connect, and a head without an end must not grow in memory.
//! Parsing follows RFC 9112 §2-§5 strictly where it matters to us: one
//! request line `method SP target SP HTTP/1.x`, header lines `name: value`,
//! no line folding (RFC 9112 §5.2), exactly one `Host` (RFC 9112 §3.2); a
//! single LF is accepted as a line end, and blank lines before the request
//! line are skipped (both RFC 9112 §2.2).

/// Request line and headers together (the bound; a real callback
/// is under 1 KiB, `callback::MAX_TARGET_BYTES` bounds the target alone).
pub const MAX_HEAD_BYTES: usize = 16 * 1024;

/// What the listener uses of a request.
pub struct Head {
    pub method: String,
    pub target: String,
    /// The one `Host` header, when there was one.
    pub host: Option<String>,
}

/// A head that cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub enum Unusable {
    /// The bytes are not an HTTP/1 request line (a TLS hello, say): the
    /// connection is closed unanswered.
    NotHttp,
    /// An HTTP request whose headers break the rules (400).
    BadHeaders(&'static str),
}

/// The length of the head, blank line included, once it is complete in
/// `buffer`. `searched` is how much of `buffer` a previous call already
/// looked at, so a head arriving byte by byte is not scanned again and
/// again.
pub fn head_end(buffer: &[u8], searched: usize) -> Option<usize> {
    // Blank lines before the request line are not its end.
    let start = buffer.iter().position(|b| *b != b'\r' && *b != b'\n')?;
    let from = searched.saturating_sub(3).max(start);
    let rest = &buffer[from..];
    (0..rest.len()).find_map(|i| {
        let tail = &rest[i..];
        if tail.starts_with(b"\r\n\r\n") {
            Some(from + i + 4)
        } else if tail.starts_with(b"\n\r\n") {
            Some(from + i + 3)
        } else if tail.starts_with(b"\n\n") {
            Some(from + i + 2)
        } else {
            None
        }
    })
}

/// Whether an incomplete head has at least finished its request line (for
/// choosing 431 over 414 when it grows too long).
pub fn has_request_line(buffer: &[u8]) -> bool {
    let start = buffer.iter().position(|b| *b != b'\r' && *b != b'\n');
    start.is_some_and(|s| buffer[s..].contains(&b'\n'))
}

/// Parses a complete head (as delimited by `head_end`).
pub fn parse(head: &[u8]) -> Result<Head, Unusable> {
    let text = std::str::from_utf8(head).map_err(|_| Unusable::NotHttp)?;
    let mut lines = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .skip_while(|l| l.is_empty());
    let request_line = lines.next().ok_or(Unusable::NotHttp)?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Unusable::NotHttp);
    };
    if !is_token(method) || !is_target(target) || !matches!(version, "HTTP/1.1" | "HTTP/1.0") {
        return Err(Unusable::NotHttp);
    }
    let mut host = None;
    for line in lines.take_while(|l| !l.is_empty()) {
        if line.starts_with([' ', '\t']) {
            return Err(Unusable::BadHeaders("folded header lines are not accepted"));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(Unusable::BadHeaders("a header line without a colon"));
        };
        if !is_token(name) {
            return Err(Unusable::BadHeaders("a malformed header name"));
        }
        if name.eq_ignore_ascii_case("host") {
            if host.is_some() {
                return Err(Unusable::BadHeaders("more than one Host header"));
            }
            host = Some(value.trim_matches([' ', '\t']).to_string());
        }
    }
    Ok(Head {
        method: method.to_string(),
        target: target.to_string(),
        host,
    })
}

/// RFC 9110 §5.6.2 token.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Visible ASCII without spaces: what a request target may hold.
fn is_target(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Head, Unusable> {
        let end = head_end(text.as_bytes(), 0).expect("complete");
        parse(&text.as_bytes()[..end])
    }

    #[test]
    fn a_browsers_get() {
        let head = parsed(
            "GET /OauthRedirect?code=a&state=b HTTP/1.1\r\nHost: localhost:1717\r\nUser-Agent: x\r\nAccept: */*\r\n\r\n",
        )
        .unwrap();
        assert_eq!(head.method, "GET");
        assert_eq!(head.target, "/OauthRedirect?code=a&state=b");
        assert_eq!(head.host.as_deref(), Some("localhost:1717"));
    }

    #[test]
    fn bare_line_feeds_and_leading_blank_lines() {
        let head = parsed("\r\n\nGET / HTTP/1.0\nhost:\t127.0.0.1:9 \n\n").unwrap();
        assert_eq!(head.host.as_deref(), Some("127.0.0.1:9"));
        assert!(parsed("GET / HTTP/1.1\r\n\r\n").unwrap().host.is_none());
    }

    #[test]
    fn the_end_is_found_across_reads() {
        let text = b"GET / HTTP/1.1\r\nHost: a\r\n\r\nextra";
        for split in 0..text.len() {
            let first = head_end(&text[..split], 0);
            let found = first.or_else(|| head_end(text, split));
            assert_eq!(found, Some(text.len() - 5), "split at {split}");
        }
        assert_eq!(head_end(b"\r\n\r\n\r\n", 0), None);
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n", 0), None);
    }

    #[test]
    fn not_http_is_told_apart_from_bad_headers() {
        for text in [
            "\x16\x03\x01\x02\x00\x01\x00\x01\r\n\r\n",
            "GET /a b HTTP/1.1\r\n\r\n",
            "GET /a HTTP/2\r\n\r\n",
            "GET\r\n\r\n",
            "GET  /a HTTP/1.1\r\n\r\n",
            "G(T /a HTTP/1.1\r\n\r\n",
            "GET /\u{e9} HTTP/1.1\r\n\r\n",
        ] {
            assert_eq!(parsed(text).err(), Some(Unusable::NotHttp), "{text:?}");
        }
        for text in [
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
        ] {
            assert!(
                matches!(parsed(text), Err(Unusable::BadHeaders(_))),
                "{text:?}"
            );
        }
    }

    #[test]
    fn an_unfinished_request_line_is_known() {
        assert!(!has_request_line(b"GET /aaaaaaaa"));
        assert!(!has_request_line(b"\r\n\r\nGET /aaaaaaaa"));
        assert!(has_request_line(b"GET / HTTP/1.1\r\nX-Pad: aaaa"));
    }
}
