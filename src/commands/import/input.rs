//! Where `import` reads the SFDX auth URL from: stdin (a pipe or a file),
//! `--file PATH`, or the variable `--from-env VAR` names. Never from a
//! flag's value: argv is readable by every local user (`ps`), and the URL
//! is the refresh token itself.
//!
//! A terminal on stdin is refused rather than read: the URL typed there
//! would be echoed onto the screen and into the scrollback, and waiting
//! silently for input that never comes would look like a hang.

use crate::cli::ImportArgs;
use crate::error::{Error, Result};
use crate::output;
use crate::secrets::exposed_file::{Exposure, exposure};
use crate::secrets::secret::Secret;
use crate::settings;
use std::io::{IsTerminal, Read};
use std::path::Path;

/// An auth URL, even wrapped in the sf CLI's JSON, is far smaller.
const MAX_BYTES: u64 = 64 * 1024;

/// The text handed to `import`, not yet parsed.
pub fn read(args: &ImportArgs) -> Result<Secret> {
    if let Some(path) = &args.file {
        return from_file(path);
    }
    if let Some(name) = &args.from_env {
        return from_env(name);
    }
    from_stdin()
}

fn from_file(path: &Path) -> Result<Secret> {
    let shown = path.display();
    let file = std::fs::File::open(path)
        .map_err(|e| Error::usage(format!("cannot read --file {shown}: {e}")))?;
    warn_if_exposed(path);
    bounded(file, &format!("--file {shown}"))
}

/// The URL is a password: say so, as ssh does for a key, when others may
/// read the file that holds it.
fn warn_if_exposed(path: &Path) {
    if let Ok(meta) = std::fs::metadata(path)
        && meta.is_file()
        && let Some(Exposure { mode, readers }) = exposure(&meta)
    {
        output::warn(&format!(
            "{} holds a refresh token and can be read by {readers} (mode {mode:04o}); protect it (chmod 600 {}) or delete it once imported",
            path.display(),
            path.display()
        ));
    }
}

fn from_env(name: &str) -> Result<Secret> {
    if !settings::is_variable_name(name) {
        // Not quoted back: what was given may be the URL itself.
        return Err(Error::usage(
            "--from-env takes the name of a variable (letters, digits and _), and what was given is not a variable name",
        )
        .with_hint("pass the variable's name, e.g. --from-env SFDX_AUTH_URL, never its value"));
    }
    settings::named_by_user(name)
        .map(Secret::new)
        .ok_or_else(|| {
            Error::usage(format!(
                "--from-env {name}: the variable is not set or empty"
            ))
            .with_hint(format!("set {name} to the SFDX auth URL (force://...)"))
        })
}

fn from_stdin() -> Result<Secret> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(Error::usage(
            "import reads the SFDX auth URL from a pipe or a file, not from a terminal",
        )
        .with_hint(
            "pipe it in (`sf org auth show-sfdx-auth-url --json | sfconnect import`), or pass --file PATH or --from-env VAR",
        ));
    }
    bounded(stdin.lock(), "stdin")
}

fn bounded(reader: impl Read, source: &str) -> Result<Secret> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::usage(format!("cannot read {source}: {e}")))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(Error::usage(format!(
            "{source} holds more than {MAX_BYTES} bytes, which is not an SFDX auth URL"
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::usage(format!("{source} is not text, so not an SFDX auth URL")))?;
    Ok(Secret::new(text))
}
