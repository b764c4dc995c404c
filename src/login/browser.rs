//! Handing the authorize URL to a browser.
//!
//! `SFCONNECT_BROWSER` wins, then `$BROWSER`, then the system default (the
//! webbrowser crate). We read both variables ourselves: webbrowser honours
//! `$BROWSER` only on Linux/BSD, and its `open` returns Ok even when no
//! browser appears, which is why the caller always prints the URL first.
//! Only the authorize URL goes to the child (it holds no secret: the state
//! and PKCE challenge are useless without our listener and verifier).

use crate::settings;
use std::process::{Command, Stdio};

/// Opens `url`; `Err` carries a one-line reason for the user.
pub fn open(url: &str) -> Result<(), String> {
    if let Some((var, value)) = settings::BROWSER.first_set() {
        // $BROWSER may list several commands separated by ':'.
        let mut last_error = String::new();
        for command in value.split(':').filter(|c| !c.trim().is_empty()) {
            match spawn(command, url) {
                Ok(()) => return Ok(()),
                Err(e) => last_error = format!("{var} command {command:?} failed: {e}"),
            }
        }
        return Err(last_error);
    }
    webbrowser::open(url).map_err(|e| format!("cannot open the system browser: {e}"))
}

/// Runs `command` (words split on white space; `%s` is replaced by the URL,
/// else the URL is appended) without waiting for it.
fn spawn(command: &str, url: &str) -> std::io::Result<()> {
    let mut words: Vec<String> = command.split_whitespace().map(String::from).collect();
    if words.iter().any(|w| w.contains("%s")) {
        for word in &mut words {
            *word = word.replace("%s", url);
        }
    } else {
        words.push(url.to_string());
    }
    let (program, args) = words
        .split_first()
        .ok_or_else(|| std::io::Error::other("empty command"))?;
    let mut child = Command::new(program)
        .args(args)
        // A confidential app's secret is ours, not the browser's.
        .env_remove(crate::salesforce::client_credentials::SECRET_ENV)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    // Reap it whenever it exits, without making the login wait for it.
    std::thread::spawn(move || child.wait());
    Ok(())
}
