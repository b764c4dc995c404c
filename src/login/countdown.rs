//! The one status line on stderr while a login waits: time left, and that
//! Ctrl-C cancels.
//!
//! Only on a terminal: the line is rewritten in place
//! every second with `\r`. Into a pipe or file nothing of the kind is
//! written, so logs hold no carriage returns. When the user may paste the
//! address back on the same terminal, the status line sits above a
//! "Paste ..." prompt and is redrawn with the cursor saved and restored, so
//! what the user types is not overwritten.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Countdown {
    enabled: bool,
    deadline: Instant,
    what: String,
    /// The prompt shown below the status line, when paste-back reads the
    /// terminal.
    prompt: Option<String>,
    drawn: bool,
}

impl Countdown {
    /// `what` is the thing awaited ("the login in the browser").
    pub fn new(deadline: Instant, what: &str, prompt: Option<&str>) -> Countdown {
        Countdown {
            enabled: std::io::stderr().is_terminal(),
            deadline,
            what: what.to_string(),
            prompt: prompt.map(String::from),
            drawn: false,
        }
    }

    /// Whether a status line is shown at all.
    pub fn is_live(&self) -> bool {
        self.enabled
    }

    /// Draws the line, or updates it in place.
    pub fn tick(&mut self) {
        if !self.enabled {
            return;
        }
        let line = status_line(
            &self.what,
            self.deadline.saturating_duration_since(Instant::now()),
        );
        let text = match (&self.prompt, self.drawn) {
            (None, _) => format!("\r{line}\x1b[K"),
            (Some(prompt), false) => format!("{line}\n{prompt}"),
            // Save the cursor, go up to the status line, rewrite it, restore.
            (Some(_), true) => format!("\x1b7\x1b[1A\r{line}\x1b[K\x1b8"),
        };
        self.drawn = true;
        write_stderr(&text);
    }

    /// Prints a message about a pasted line without garbling the status
    /// line, then draws it again below. With a prompt, the user just pressed
    /// Enter on it, so the cursor is already at the start of a fresh line.
    pub fn message(&mut self, text: &str) {
        if self.enabled && self.drawn && self.prompt.is_none() {
            self.erase();
        }
        write_stderr(&format!("{text}\n"));
        if self.enabled {
            self.drawn = false;
            self.tick();
        }
    }

    /// Removes the status line (and the prompt) before the result is
    /// printed. `after_enter`: the user ended the wait by pressing Enter on
    /// the prompt; then the lines stay, since the cursor has moved on.
    pub fn finish(&mut self, after_enter: bool) {
        if self.enabled && self.drawn && !(after_enter && self.prompt.is_some()) {
            self.erase();
        }
        self.drawn = false;
    }

    fn erase(&self) {
        let text = match self.prompt {
            None => "\r\x1b[K",
            Some(_) => "\r\x1b[K\x1b[1A\r\x1b[K",
        };
        write_stderr(text);
    }
}

fn write_stderr(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

/// "Waiting for the login in the browser: 4:59 left (Ctrl-C cancels)".
pub fn status_line(what: &str, left: Duration) -> String {
    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    format!(
        "Waiting for {what}: {}:{:02} left (Ctrl-C cancels)",
        secs / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_minutes_and_seconds_left() {
        assert_eq!(
            status_line("the login in the browser", Duration::from_secs(299)),
            "Waiting for the login in the browser: 4:59 left (Ctrl-C cancels)"
        );
        assert!(status_line("x", Duration::from_millis(100)).contains("0:01 left"));
        assert!(status_line("x", Duration::ZERO).contains("0:00 left"));
    }

    #[test]
    fn writes_nothing_when_not_live() {
        let mut countdown = Countdown {
            enabled: false,
            deadline: Instant::now(),
            what: "x".into(),
            prompt: None,
            drawn: false,
        };
        countdown.tick();
        assert!(!countdown.drawn && !countdown.is_live());
    }
}
