//! One connection to the listener, on its own thread: read a bounded head
//! within a deadline, hand it to the login's wait, write the page the wait
//! chose, close.
//!
//! Bounds (any local process can connect): the head may be at most
//! `request_head::MAX_HEAD_BYTES` and must be complete within
//! `HEAD_TIMEOUT` of the connection being accepted, counted from the
//! accept and not from the last byte, so a client trickling one byte at a
//! time is cut off too. A head too long is answered 414 (the request line
//! alone is too long) or 431 (RFC 6585 §5); bytes that are not HTTP, a
//! silent client and a client too slow are closed unanswered.

use crate::login::connections::{Connections, Slot};
use crate::login::page::{LINGER, Page};
use crate::login::request_head::{self, Head, MAX_HEAD_BYTES, Unusable};
use std::io::{ErrorKind, Read};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

/// How long a client has to send its whole request head. A browser sends
/// it at once; a preconnected socket closed here is simply reopened.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// A request whose head arrived in full, waiting for the wait's answer.
/// Dropping it unanswered closes the connection.
pub struct Request {
    pub head: Head,
    /// The client's address and ours, to ask the kernel who the client is.
    pub peer: SocketAddr,
    pub local: SocketAddr,
    answer: Sender<Page>,
    closed: Receiver<()>,
}

impl Request {
    /// Answers without waiting for the page to be written.
    pub fn respond(self, page: Page) {
        let _ = self.answer.send(page);
    }

    /// Answers, and returns once the page is written and the connection
    /// closed (or the writing gave up).
    pub fn respond_and_close(self, page: Page) {
        if self.answer.send(page).is_ok() {
            let _ = self.closed.recv_timeout(LINGER * 4);
        }
    }
}

/// Takes a new connection into the table and serves it on its own thread;
/// `deliver` hands a complete request to the wait (false if it is gone).
pub fn accept<F>(stream: TcpStream, connections: &Arc<Connections>, deliver: F)
where
    F: FnOnce(Request) -> bool + Send + 'static,
{
    let (Ok(peer), Ok(local)) = (stream.peer_addr(), stream.local_addr()) else {
        return;
    };
    let Some(slot) = connections.admit(&stream) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("listener-connection".into())
        .stack_size(256 * 1024)
        .spawn(move || serve(stream, slot, peer, local, deliver));
}

fn serve<F>(mut stream: TcpStream, slot: Slot, peer: SocketAddr, local: SocketAddr, deliver: F)
where
    F: FnOnce(Request) -> bool,
{
    let head = match read_head(&mut stream, &slot, Instant::now() + HEAD_TIMEOUT) {
        Ok(head) => head,
        Err(Some(page)) => return page.send(&mut stream),
        Err(None) => return,
    };
    let (answer, answered) = mpsc::channel();
    let (closed_sender, closed) = mpsc::channel();
    let request = Request {
        head,
        peer,
        local,
        answer,
        closed,
    };
    if !slot.hand_over(move || deliver(request)) {
        return;
    }
    if let Ok(page) = answered.recv() {
        page.send(&mut stream);
    }
    // The table holds a handle on the socket too: both go before we say
    // the connection is closed.
    drop(stream);
    drop(slot);
    let _ = closed_sender.send(());
}

/// The head, or why not: a page to answer with, or None to close unanswered.
fn read_head(stream: &mut TcpStream, slot: &Slot, deadline: Instant) -> Result<Head, Option<Page>> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let mut searched = 0;
    loop {
        if let Some(end) = request_head::head_end(&buffer, searched) {
            return match request_head::parse(&buffer[..end]) {
                Ok(head) => Ok(head),
                Err(Unusable::NotHttp) => Err(None),
                Err(Unusable::BadHeaders(why)) => Err(Some(Page::new(400, "Bad request", why))),
            };
        }
        searched = buffer.len();
        if buffer.len() >= MAX_HEAD_BYTES {
            return Err(Some(too_long(&buffer)));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(None);
        }
        // Never read past the bound: the buffer cannot grow beyond it.
        let room = (MAX_HEAD_BYTES - buffer.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) => return Err(None),
            Ok(n) => {
                buffer.extend_from_slice(&chunk[..n]);
                slot.touch();
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return Err(None),
        }
    }
}

fn too_long(buffer: &[u8]) -> Page {
    if request_head::has_request_line(buffer) {
        Page::new(
            431,
            "Request too large",
            "the request headers are too large to be a login callback",
        )
    } else {
        Page::new(
            414,
            "Address too long",
            "the address is too long to be a login callback",
        )
    }
}
