//! A hostile front for the fake: a raw TCP server whose token endpoint
//! answers badly at the byte level (malformed JSON, a body cut short and the
//! connection closed, a huge body, a body that trickles in), which tiny_http
//! cannot be made to do. Every other request is passed to the real fake
//! unchanged, so a whole `link` works through it (authorize, identity) and
//! only the token exchange or refresh meets the bad answer.
//!
//! Every bad body carries `HOSTILE_MARKER` and the secret canary, so a test
//! can check that no error message quotes it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use super::SECRET_CANARY;

/// In every bad body; an error that shows it quoted the body.
pub const HOSTILE_MARKER: &str = "HOSTILEBODY";

/// How the token endpoint misbehaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenAnswer {
    /// 200 with a complete body that is not JSON.
    Malformed,
    /// 200 with `Content-Length: 4000`, 60 bytes, then the connection closes.
    Truncated,
    /// 200 with a 5 MiB body (the client caps answers at 4 MiB).
    Huge,
    /// 200 with a well-formed token response sent a byte every 200 ms.
    Trickle,
}

pub struct HostileFront {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    token_requests: Arc<AtomicUsize>,
}

impl HostileFront {
    /// Starts the front on 127.0.0.1 before the fake at `fake_url`.
    pub fn start(fake_url: &str, answer: TokenAnswer) -> HostileFront {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the hostile front");
        let addr = listener.local_addr().unwrap();
        let fake: SocketAddr = fake_url
            .trim_start_matches("http://")
            .parse()
            .expect("the fake listens on an IP address");
        let stop = Arc::new(AtomicBool::new(false));
        let token_requests = Arc::new(AtomicUsize::new(0));
        let (stopping, counter) = (Arc::clone(&stop), Arc::clone(&token_requests));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let counter = Arc::clone(&counter);
                std::thread::spawn(move || {
                    let _ = serve(stream, fake, answer, &counter);
                });
            }
        });
        HostileFront {
            addr,
            stop,
            token_requests,
        }
    }

    /// `http://127.0.0.1:PORT`, to use as a login URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many token-endpoint requests got a bad answer.
    pub fn token_requests(&self) -> usize {
        self.token_requests.load(Ordering::SeqCst)
    }
}

impl Drop for HostileFront {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr); // wake the accept loop
    }
}

fn serve(
    stream: TcpStream,
    fake: SocketAddr,
    answer: TokenAnswer,
    counter: &AtomicUsize,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut head = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
            if name.eq_ignore_ascii_case("connection") {
                continue; // replaced below
            }
        }
        if line == "\r\n" {
            break;
        }
        head.extend_from_slice(line.as_bytes());
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    let mut stream = stream;
    if head.starts_with(b"POST /services/oauth2/token ") {
        counter.fetch_add(1, Ordering::SeqCst);
        return misbehave(&mut stream, answer);
    }
    // Anything else: pass it to the fake, one request per connection.
    let mut upstream = TcpStream::connect(fake)?;
    head.extend_from_slice(b"Connection: close\r\n\r\n");
    upstream.write_all(&head)?;
    upstream.write_all(&body)?;
    let mut reply = Vec::new();
    upstream.read_to_end(&mut reply)?;
    stream.write_all(&reply)?;
    stream.shutdown(Shutdown::Both)
}

fn misbehave(stream: &mut TcpStream, answer: TokenAnswer) -> std::io::Result<()> {
    let token = format!("00D000000000001!AQ{SECRET_CANARY}{HOSTILE_MARKER}");
    let head = |length: usize| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
        )
    };
    match answer {
        TokenAnswer::Malformed => {
            let body = format!("{{\"access_token\": \"{token}\", \"instance_url\": <html>");
            stream.write_all(head(body.len()).as_bytes())?;
            stream.write_all(body.as_bytes())?;
        }
        TokenAnswer::Truncated => {
            let body = format!("{{\"access_token\": \"{token}\", \"instance");
            stream.write_all(head(4000).as_bytes())?;
            stream.write_all(body.as_bytes())?;
        }
        TokenAnswer::Huge => {
            let pad = "x".repeat(5 << 20);
            let body = format!("{{\"access_token\": \"{token}\", \"pad\": \"{pad}\"}}");
            stream.write_all(head(body.len()).as_bytes())?;
            // The client stops reading at its cap and closes: a write error.
            stream.write_all(body.as_bytes())?;
        }
        TokenAnswer::Trickle => {
            let body = format!(
                "{{\"access_token\": \"{token}\", \"instance_url\": \"http://127.0.0.1:1\", \"id\": \"http://127.0.0.1:1/id/00D/005\", \"token_type\": \"Bearer\", \"issued_at\": \"1\"}}"
            );
            stream.write_all(head(body.len()).as_bytes())?;
            for byte in body.as_bytes() {
                stream.write_all(&[*byte])?;
                stream.flush()?;
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
    stream.flush()?;
    stream.shutdown(Shutdown::Both)
}
