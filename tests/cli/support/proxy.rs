//! A tiny forwarding HTTP proxy for tests: absolute-form requests
//! (`GET http://host:port/path`, what clients send to an HTTP proxy) and
//! `CONNECT host:port` tunnels (what they send for https). It records the
//! targets it was asked for, so a test can see that sfconnect used it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

pub struct Proxy {
    pub url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    pub fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                thread::spawn(move || {
                    let _ = serve(client, &log);
                });
            }
        });
        Proxy { url, seen }
    }

    /// The request lines received, e.g. `GET http://127.0.0.1:4000/x HTTP/1.1`.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(client: TcpStream, log: &Mutex<Vec<String>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    log.lock()
        .unwrap()
        .push(request_line.trim_end().to_string());
    let mut parts = request_line.split_whitespace();
    let (method, target, version) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or("HTTP/1.1"),
    );
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        head.push(line);
    }
    let mut client_out = client;
    if method == "CONNECT" {
        let upstream = TcpStream::connect(target)?;
        client_out.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")?;
        return pipe(reader, client_out, upstream);
    }
    let rest = target.strip_prefix("http://").unwrap_or(target);
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(a, p)| (a, format!("/{p}")));
    let mut upstream = TcpStream::connect(authority)?;
    upstream.write_all(format!("{method} {path} {version}\r\n").as_bytes())?;
    for line in &head {
        upstream.write_all(line.as_bytes())?;
    }
    upstream.write_all(b"\r\n")?;
    pipe(reader, client_out, upstream)
}

/// Copies both ways until either side closes.
fn pipe(
    mut from_client: impl Read + Send + 'static,
    mut to_client: TcpStream,
    upstream: TcpStream,
) -> std::io::Result<()> {
    let mut to_upstream = upstream.try_clone()?;
    let forward = thread::spawn(move || {
        let _ = std::io::copy(&mut from_client, &mut to_upstream);
        let _ = to_upstream.shutdown(Shutdown::Write);
    });
    let mut from_upstream = upstream;
    let _ = std::io::copy(&mut from_upstream, &mut to_client);
    let _ = to_client.shutdown(Shutdown::Both);
    let _ = forward.join();
    Ok(())
}
