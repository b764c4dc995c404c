//! Writing results and messages.
//!
//! stdout carries only the result (a token, a table, JSON): it is an API for
//! scripts. Every message goes to stderr. A closed stdout pipe
//! (`sfconnect tokens list | head -1`) is not an error: we stop quietly with
//! exit 0, like other Unix tools.

use std::io::{ErrorKind, Read, Write};

/// Prints `text` on stdout, exiting 0 at once if the reader has gone away.
pub fn print(text: &str) {
    print_bytes(text.as_bytes());
}

pub fn print_bytes(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        stdout_failed(&e);
    }
}

/// Copies a whole reader (an HTTP body of any size) to stdout.
pub fn stream(mut reader: impl Read) {
    let mut stdout = std::io::stdout().lock();
    let mut buffer = [0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => {
                note(&format!("sfconnect: error: the response broke off: {e}"));
                std::process::exit(crate::error::Exit::Network.code());
            }
        };
        if let Err(e) = stdout.write_all(&buffer[..n]) {
            stdout_failed(&e);
        }
    }
    if let Err(e) = stdout.flush() {
        stdout_failed(&e);
    }
}

fn stdout_failed(e: &std::io::Error) -> ! {
    if e.kind() == ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    note(&format!("sfconnect: error: cannot write to stdout: {e}"));
    std::process::exit(crate::error::Exit::Unexpected.code());
}

/// A line for the user on stderr.
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

pub fn warn(text: &str) {
    note(&format!("warning: {text}"));
}

/// Pretty JSON and a newline on stdout.
pub fn print_json(value: &serde_json::Value) {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values always encode");
    text.push('\n');
    print(&text);
}
