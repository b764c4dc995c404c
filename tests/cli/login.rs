//! Logins that never dead-end: where no browser can open (SSH, no display,
//! a container), paste-back, the device flow, the listener's ports and Host
//! check, the forgiving login hosts, Ctrl-C. Helpers for driving a running
//! `sfconnect link` live here; the scenarios are in `login/`.

mod device;
mod headless;
mod hosts;
mod listener;

use crate::support::{Run, Sandbox};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a test waits for something a running sfconnect should print.
const PATIENCE: Duration = Duration::from_secs(20);

pub use crate::support::link_args;

/// A running sfconnect whose stderr can be watched and stdin written.
pub struct Live {
    child: Child,
    stdin: Option<ChildStdin>,
    stderr: Arc<Mutex<String>>,
    stdout: std::thread::JoinHandle<String>,
    reader: std::thread::JoinHandle<()>,
}

impl Live {
    pub fn start(mut cmd: Command) -> Live {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sfconnect starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (sink, mut err) = (Arc::clone(&stderr), child.stderr.take().unwrap());
        let reader = std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = err.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let mut out = child.stdout.take().unwrap();
        let stdout = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = out.read_to_string(&mut s);
            s
        });
        Live {
            stdin: child.stdin.take(),
            child,
            stderr,
            stdout,
            reader,
        }
    }

    /// The process id, to read its /proc entries.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether it has exited (without reaping it: `finish` still works).
    pub fn has_exited(&mut self) -> bool {
        self.child.try_wait().unwrap().is_some()
    }

    /// Waits until stderr contains `needle`; returns all of stderr so far.
    #[track_caller]
    pub fn wait_for(&self, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let text = self.stderr.lock().unwrap().clone();
            if text.contains(needle) {
                return text;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "sfconnect never printed {needle:?}; stderr so far:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// SIGINT, as Ctrl-C in a terminal sends.
    pub fn interrupt(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits (boundedly) for the exit.
    pub fn finish(mut self) -> Run {
        drop(self.stdin.take());
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > PATIENCE * 2 {
                let _ = self.child.kill();
                panic!(
                    "sfconnect did not exit; stderr:\n{}",
                    self.stderr.lock().unwrap()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        self.reader.join().unwrap();
        let stderr = self.stderr.lock().unwrap().clone();
        Run {
            code: status.code().unwrap_or(-1),
            stdout: self.stdout.join().unwrap(),
            stderr,
        }
    }
}

/// The authorize URL sfconnect printed (the first https?:// line that is one).
pub fn authorize_url(stderr: &str) -> String {
    stderr
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("http") && l.contains("/services/oauth2/authorize?"))
        .unwrap_or_else(|| panic!("no authorize URL in:\n{stderr}"))
        .to_string()
}

/// The listener's port, from the redirect_uri of the authorize URL.
pub fn callback_port(stderr: &str) -> u16 {
    let url = url::Url::parse(&authorize_url(stderr)).unwrap();
    let redirect = url
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .expect("redirect_uri")
        .1
        .to_string();
    url::Url::parse(&redirect).unwrap().port().expect("port")
}

/// What a browser on another machine would end on: the fake's redirect
/// from the authorize URL, unfollowed.
pub fn callback_address(authorize: &str) -> String {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let response = client.get(authorize).send().expect("authorize at the fake");
    assert_eq!(response.status().as_u16(), 302, "the fake redirects");
    response.headers()["location"].to_str().unwrap().to_string()
}

/// A GET with exactly this Host header, over a raw connection; returns the
/// status and body.
pub fn raw_get(addr: SocketAddr, host: &str, target: &str) -> (u16, String) {
    let mut stream = TcpStream::connect_timeout(&addr, PATIENCE).expect("listener reachable");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let mut rest = String::new();
    let _ = reader.read_to_string(&mut rest);
    (status, rest)
}

/// The path and query of an address.
pub fn target_of(address: &str) -> String {
    let url = url::Url::parse(address).unwrap();
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

/// Asserts that no code, token or device code the fake issued is in `text`.
#[track_caller]
pub fn assert_no_secret(sandbox: &Sandbox, text: &str) {
    for secret in sandbox.fake.issued_secrets() {
        assert!(!text.contains(&secret), "a secret leaked: {text}");
    }
}

/// Nothing stored: no connection in the index, no secret in the store.
#[track_caller]
pub fn assert_nothing_stored(sandbox: &Sandbox) {
    let index = sandbox.config_dir().join("index.json");
    if index.exists() {
        assert!(
            sandbox.connections().is_empty(),
            "{:?}",
            sandbox.connections()
        );
    }
    let secrets =
        std::fs::read_to_string(sandbox.config_dir().join("secrets.json")).unwrap_or_default();
    for secret in sandbox.fake.issued_secrets() {
        assert!(!secrets.contains(&secret), "a secret was stored");
    }
}
