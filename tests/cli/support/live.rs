//! A running `sfconnect` (usually `link`) whose stderr a test watches as it
//! is written and whose stdin it types into: for the steps of a login that
//! happen while the command waits (the printed URL, a pasted code, Ctrl-C).

use crate::support::Run;
use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a test waits for something a running sfconnect should print.
pub const PATIENCE: Duration = Duration::from_secs(20);

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
