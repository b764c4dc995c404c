//! Running `SFCONNECT_STORE_PASSPHRASE_CMD`, so that it can neither hang
//! sfconnect nor swallow what the user types.
//!
//! Its stdin is closed: `link` may be reading a pasted callback address from
//! our stdin, and a command that read it would take the user's input (and
//! with it the authorization code). It must finish within
//! `SFCONNECT_STORE_PASSPHRASE_TIMEOUT` seconds (default 30), or it is
//! stopped, with every process it started (on Unix it runs in a process group
//! of its own, which is killed whole), and the command fails with exit 6. Its
//! output is capped: a passphrase is short.

use crate::error::{Error, Result};
use crate::settings;
use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const COMMAND_VAR: &str = settings::STORE_PASSPHRASE_CMD.env;
pub const TIMEOUT_VAR: &str = settings::STORE_PASSPHRASE_TIMEOUT.env;
pub(crate) const DEFAULT_TIMEOUT_SECS: u64 = 30;
const MAX_OUTPUT_BYTES: u64 = 64 * 1024;

/// How the command ended, and what it printed on stdout.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
}

/// Runs `command` through the shell, bounded as described above.
pub fn run(command: &str) -> Result<Finished> {
    let timeout = timeout()?;
    let deadline = Instant::now() + timeout;
    let mut child = shell(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Error::secret_store(format!("cannot run {COMMAND_VAR}: {e}")))?;
    let group = child.id();
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let (output_sender, output) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let read = (&mut stdout)
            .take(MAX_OUTPUT_BYTES + 1)
            .read_to_end(&mut bytes);
        let _ = output_sender.send(read.map(|_| bytes));
    });
    let (exit_sender, exited) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = exit_sender.send(wait(child));
    });
    let left = || deadline.saturating_duration_since(Instant::now());
    // The output ends when every process holding the pipe has closed it: a
    // process the command left running in the background holds it too.
    let finished = exited.recv_timeout(left()).ok().and_then(|status| {
        let stdout = output.recv_timeout(left()).ok()?;
        Some((status, stdout))
    });
    let Some((status, stdout)) = finished else {
        stop(group);
        return Err(Error::secret_store(format!(
            "{COMMAND_VAR} did not finish within {} s and was stopped; the secret file was left untouched",
            timeout.as_secs()
        ))
        .with_hint(format!(
            "it runs without stdin or a terminal, so it must print the passphrase without asking; or give it longer with {TIMEOUT_VAR}=SECONDS"
        )));
    };
    let status =
        status.map_err(|e| Error::secret_store(format!("cannot run {COMMAND_VAR}: {e}")))?;
    let stdout = stdout
        .map_err(|e| Error::secret_store(format!("cannot read what {COMMAND_VAR} printed: {e}")))?;
    if stdout.len() as u64 > MAX_OUTPUT_BYTES {
        return Err(Error::secret_store(format!(
            "{COMMAND_VAR} printed more than {} KiB; a passphrase is one short line",
            MAX_OUTPUT_BYTES / 1024
        )));
    }
    Ok(Finished { status, stdout })
}

fn wait(mut child: Child) -> std::io::Result<ExitStatus> {
    child.wait()
}

/// `SFCONNECT_STORE_PASSPHRASE_TIMEOUT`: whole seconds, at least 1.
fn timeout() -> Result<Duration> {
    let value = match settings::STORE_PASSPHRASE_TIMEOUT.value() {
        Some(value) if !value.trim().is_empty() => value,
        _ => return Ok(Duration::from_secs(DEFAULT_TIMEOUT_SECS)),
    };
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|secs| (1..=24 * 60 * 60).contains(secs))
        .map(Duration::from_secs)
        .ok_or_else(|| {
            Error::usage(format!(
                "{TIMEOUT_VAR} must be a whole number of seconds from 1 to a day, not {value:?}"
            ))
            .with_hint(format!(
                "for example {TIMEOUT_VAR}={DEFAULT_TIMEOUT_SECS} (the default)"
            ))
        })
}

/// The command in a process group of its own, so `stop` reaches whatever
/// it starts.
#[cfg(unix)]
fn shell(command: &str) -> Command {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new("sh");
    cmd.args(["-c", command]).process_group(0);
    cmd
}

#[cfg(not(unix))]
fn shell(command: &str) -> Command {
    let mut cmd = Command::new("cmd");
    cmd.args(["/C", command]);
    cmd
}

/// Kills the command's whole process group.
#[cfg(unix)]
fn stop(group: u32) {
    if let Ok(group) = libc::pid_t::try_from(group) {
        // SAFETY: kill(2) with a negative pid signals that process group;
        // it has no memory effects on this process.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
}

/// Windows has no process groups to kill here: `taskkill /T` ends the tree.
#[cfg(not(unix))]
fn stop(pid: u32) {
    let _ = Command::new("taskkill")
        .args(["/F", "/T", "/PID", &pid.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}
