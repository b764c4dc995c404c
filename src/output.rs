//! Writing results and messages, the same way for every command.
//!
//! stdout carries only the result (a token, a table, JSON): it is an API for
//! scripts. Every message goes to stderr: `note` for informational lines
//! (silenced by `-q`), `tell` for lines the user needs to go on (never
//! silenced), `warn` and `error` (never silenced), and `debug` for
//! diagnostics (only with `-v`; callers never pass a secret). A closed stdout
//! pipe (`sfconnect tokens list | head -1`) is not an error: the command
//! stops quietly with exit 0, like other Unix tools (the print functions
//! return that as an `Error::silent`; only `run_cli` ends the process).
//!
//! Colour follows `--color`: `auto` (the default) colours a stream only when
//! it is a terminal and `NO_COLOR` is unset or empty (no-color.org); `always`
//! and `never` are what the user asked for on this command line, which wins
//! over the environment.

use crate::error::{Error, Exit, Result};
use std::io::{ErrorKind, IsTerminal, Read, Write};
use std::sync::OnceLock;

/// How much goes to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// `-q`: warnings, errors and what the user must act on.
    Quiet,
    Normal,
    /// `-v`: also diagnostics.
    Verbose,
}

/// `--color`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set
    #[default]
    Auto,
    /// Always colour, even into a pipe or file
    Always,
    /// Never colour
    Never,
}

/// The ANSI styles we use, sparingly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Red,
    Yellow,
    Green,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Red => "\x1b[1;31m",
            Style::Yellow => "\x1b[33m",
            Style::Green => "\x1b[32m",
        }
    }
}

struct Settings {
    verbosity: Verbosity,
    color_stdout: bool,
    color_stderr: bool,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Sets the process-wide verbosity and colour; `main` calls it once, before
/// any command runs. Without it (unit tests) output is normal and plain.
pub fn init(verbosity: Verbosity, color: ColorChoice) {
    let no_color = crate::settings::NO_COLOR.os_value().is_some();
    let decide = |is_terminal: bool| match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && !no_color,
    };
    let _ = SETTINGS.set(Settings {
        verbosity,
        color_stdout: decide(std::io::stdout().is_terminal()),
        color_stderr: decide(std::io::stderr().is_terminal()),
    });
}

fn settings() -> &'static Settings {
    SETTINGS.get_or_init(|| Settings {
        verbosity: Verbosity::Normal,
        color_stdout: false,
        color_stderr: false,
    })
}

fn paint(text: &str, style: Style, on: bool) -> String {
    if on {
        format!("{}{text}\x1b[0m", style.code())
    } else {
        text.to_string()
    }
}

/// `text` in `style` when stdout gets colour (for a table cell).
pub fn paint_stdout(text: &str, style: Style) -> String {
    paint(text, style, settings().color_stdout)
}

/// Prints `text` on stdout. A reader that has gone away ends the command
/// quietly with exit 0 (`Error::silent`); any other write failure is exit 1.
pub fn print(text: &str) -> Result<()> {
    print_bytes(text.as_bytes())
}

pub fn print_bytes(bytes: &[u8]) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|e| stdout_failed(&e))
}

/// Copies a whole reader (an HTTP body of any size) to stdout; a body that
/// breaks off is exit 5.
pub fn stream(mut reader: impl Read) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    let mut buffer = [0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::network(format!("the response broke off: {e}"))),
        };
        stdout
            .write_all(&buffer[..n])
            .map_err(|e| stdout_failed(&e))?;
    }
    stdout.flush().map_err(|e| stdout_failed(&e))
}

fn stdout_failed(e: &std::io::Error) -> Error {
    if e.kind() == ErrorKind::BrokenPipe {
        Error::silent(Exit::Ok)
    } else {
        Error::unexpected(format!("cannot write to stdout: {e}"))
    }
}

/// JSON and a newline on stdout, streamed: a large listing is never built
/// twice in memory (`tokens list --json` with 1,000 connections). Indented
/// for a person on a terminal, one compact line for a pipe (as `gh` does):
/// the same document either way. The documents are the types of `report`.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<()> {
    let stdout = std::io::stdout();
    let pretty = stdout.is_terminal();
    let mut stdout = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let written = if pretty {
        serde_json::to_writer_pretty(&mut stdout, value)
    } else {
        serde_json::to_writer(&mut stdout, value)
    };
    written
        .map_err(|e| match e.io_error_kind() {
            Some(kind) => std::io::Error::from(kind),
            None => std::io::Error::other(e.to_string()),
        })
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush())
        .map_err(|e| stdout_failed(&e))
}

fn stderr_line(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// An informational line on stderr; `-q` silences it.
pub fn note(text: &str) {
    if settings().verbosity != Verbosity::Quiet {
        stderr_line(text);
    }
}

/// A line on stderr the user needs to go on (a login URL, the hint after an
/// error); `-q` does not silence it.
pub fn tell(text: &str) {
    stderr_line(text);
}

/// `warning: ...` on stderr, never silenced.
pub fn warn(text: &str) {
    let prefix = paint("warning:", Style::Yellow, settings().color_stderr);
    stderr_line(&format!("{prefix} {text}"));
}

/// `sfconnect: error: ...` on stderr, never silenced.
pub fn error(text: &str) {
    let prefix = paint("sfconnect: error:", Style::Red, settings().color_stderr);
    stderr_line(&format!("{prefix} {text}"));
}

/// Under `-v`, one `caused by: ...` line per cause of an error (see
/// `Error::caused_by`); their messages hold no secret, like every message.
pub fn causes(err: &Error) {
    if settings().verbosity == Verbosity::Verbose {
        for cause in err.causes() {
            stderr_line(&format!("caused by: {}", cause.message));
        }
    }
}

/// A diagnostic line on stderr, only with `-v`. Never pass a secret: hosts,
/// paths without their query, aliases, statuses and timings only.
pub fn debug(text: &str) {
    if settings().verbosity == Verbosity::Verbose {
        stderr_line(&format!("debug: {text}"));
    }
}

/// Whether `-v` is on: work done only to say something under it (the
/// vault's shadowed aliases) is skipped otherwise.
pub fn is_verbose() -> bool {
    settings().verbosity == Verbosity::Verbose
}

/// A count and its unit, pluralised: "1 second", "2 seconds".
pub fn count(n: u64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_pluralised() {
        assert_eq!(count(1, "second"), "1 second");
        assert_eq!(count(0, "second"), "0 seconds");
        assert_eq!(count(300, "second"), "300 seconds");
    }

    #[test]
    fn paint_wraps_only_when_on() {
        assert_eq!(paint("ok", Style::Green, false), "ok");
        assert_eq!(paint("ok", Style::Green, true), "\x1b[32mok\x1b[0m");
    }
}
