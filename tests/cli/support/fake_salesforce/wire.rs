//! The fake's HTTP/1.1 front: a thread per connection, one request per
//! connection (`Connection: close`).
//!
//! Not tiny_http: its pool of connection threads hands a new connection to a
//! waiting thread that may already be taken, and then the connection is not
//! read until some other connection closes. With answers held back (`Gate`)
//! every thread can be waiting, and the fake stops hearing new requests. A
//! thread per connection never leaves one unread.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

/// A request head and body as read from the socket.
pub(super) struct RawRequest {
    pub(super) method: String,
    /// The request target: path and query.
    pub(super) target: String,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
    /// False when the body could not be read whole (or was over the cap).
    pub(super) body_ok: bool,
}

impl RawRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What goes back: status, headers (without Content-Length), body.
pub(super) struct RawResponse {
    pub(super) status: u16,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

/// The running front; it stops accepting when dropped.
pub(super) struct Front {
    port: u16,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl Front {
    /// Listens on 127.0.0.1 (any free port) and answers each request with
    /// `handle`, each connection on its own thread.
    pub(super) fn start(
        max_body: u64,
        handle: impl Fn(RawRequest) -> RawResponse + Send + Sync + 'static,
    ) -> Front {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fake Salesforce");
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let handle = Arc::new(handle);
        let stopping = Arc::clone(&stop);
        let acceptor = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let handle = Arc::clone(&handle);
                std::thread::spawn(move || serve_connection(stream, max_body, &*handle));
            }
        });
        Front {
            port,
            stop,
            acceptor: Some(acceptor),
        }
    }

    pub(super) fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept call so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn serve_connection(stream: TcpStream, max_body: u64, handle: &dyn Fn(RawRequest) -> RawResponse) {
    // A client that connects and never sends must not keep a thread forever.
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(60)));
    let Ok(reader) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reader);
    let response = match read_request(&mut reader, max_body) {
        Ok(Some(request)) => handle(request),
        Ok(None) => return,
        Err(_) => RawResponse {
            status: 400,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: b"malformed request".to_vec(),
        },
    };
    let _ = write_response(&stream, &response);
    let _ = stream.shutdown(Shutdown::Write);
    // Let the client read the answer before the socket closes under it.
    let _ = reader.read_to_end(&mut Vec::new());
}

/// The head is at most 64 KiB; `Ok(None)` for a connection closed at once.
fn read_request(reader: &mut impl BufRead, max_body: u64) -> std::io::Result<Option<RawRequest>> {
    let invalid = |why: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, why.to_string());
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        let n = reader
            .by_ref()
            .take(64 * 1024)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return if head.is_empty() {
                Ok(None)
            } else {
                Err(invalid("the head ended early"))
            };
        }
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        head.push(String::from_utf8(line).map_err(|_| invalid("the head is not UTF-8"))?);
        if head.len() > 200 {
            return Err(invalid("too many header lines"));
        }
    }
    let request_line = head.first().ok_or_else(|| invalid("no request line"))?;
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(invalid("a bad request line"));
    };
    let headers = head[1..]
        .iter()
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut request = RawRequest {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        body: Vec::new(),
        body_ok: true,
    };
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let length = request
        .header("content-length")
        .and_then(|v| v.parse::<u64>().ok());
    let read = if chunked {
        read_chunked(reader, max_body, &mut request.body)
    } else {
        let length = length.unwrap_or(0);
        let read = reader
            .take(length.min(max_body))
            .read_to_end(&mut request.body);
        read.and_then(|n| {
            (n as u64 == length)
                .then_some(())
                .ok_or_else(|| invalid("the body is short or over the cap"))
        })
    };
    request.body_ok = read.is_ok();
    Ok(Some(request))
}

fn read_chunked(
    reader: &mut impl BufRead,
    max_body: u64,
    body: &mut Vec<u8>,
) -> std::io::Result<()> {
    let invalid = || std::io::Error::new(std::io::ErrorKind::InvalidData, "bad chunk");
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let size = u64::from_str_radix(size.trim().split(';').next().unwrap_or(""), 16)
            .map_err(|_| invalid())?;
        if size == 0 {
            let mut trailer = String::new();
            reader.read_line(&mut trailer)?;
            return Ok(());
        }
        if body.len() as u64 + size > max_body {
            return Err(invalid());
        }
        reader.take(size).read_to_end(body)?;
        let mut crlf = String::new();
        reader.read_line(&mut crlf)?;
    }
}

fn write_response(mut stream: &TcpStream, response: &RawResponse) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        response.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(&response.body)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
