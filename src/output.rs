//! Writing results and messages.
//!
//! stdout carries only the result (a token, a table, JSON): it is an API for
//! scripts. Every message goes to stderr. A closed stdout pipe
//! (`sfconnect tokens list | head -1`) is not an error: we stop quietly with
//! exit 0, like other Unix tools.

use std::io::{ErrorKind, Write};

/// Prints `text` on stdout, exiting 0 at once if the reader has gone away.
pub fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let result = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    if let Err(e) = result {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("sfconnect: error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
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
