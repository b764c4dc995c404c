//! Running one example's script with bash, and judging what it did.
//!
//! A script runs as `bash -e -o pipefail`: a failing command, or a failing
//! stage of a pipeline, fails the example, as it would stop a careful
//! script. It runs in its own process group so that the watchdog can end
//! everything it started.

use super::world::World;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// No example may run longer than this.
const WATCHDOG: Duration = Duration::from_secs(90);

pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}---",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `script` in `world`. With `merged`, stderr goes where stdout goes,
/// as on a terminal, so a transcript's lines come in the order shown.
pub fn run(world: &World, script: &str, merged: bool) -> Outcome {
    let script = if merged {
        format!("exec 2>&1\n{script}")
    } else {
        script.to_string()
    };
    let mut cmd = world.sandbox.program(Path::new("bash"));
    cmd.args([
        "--noprofile",
        "--norc",
        "-e",
        "-o",
        "pipefail",
        "-c",
        &script,
    ])
    .current_dir(&world.work_dir)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .process_group(0);
    let mut child = cmd.spawn().expect("bash starts");
    let group = child.id() as i32;
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > WATCHDOG {
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // Whatever the script left running (a browser, a pipeline stage) goes
    // with it, so the pipes close.
    // SAFETY: kill(2) on our own child's process group.
    unsafe { libc::kill(-group, libc::SIGKILL) };
    let _ = child.wait();
    let (stdout, mut stderr) = (out.join().unwrap(), err.join().unwrap());
    let code = match status {
        Some(status) => status.code().unwrap_or(-1),
        None => {
            stderr.push_str(&format!("(stopped by the watchdog after {WATCHDOG:?})\n"));
            -1
        }
    };
    Outcome {
        code,
        stdout,
        stderr,
    }
}

/// The lines of `output` that report an sfconnect error or a usage error
/// (`sfconnect: error: ...`, clap's `error: ...`), which a passing example
/// must not print: an error inside `$(...)` does not fail the line it is in.
pub fn error_lines(output: &str) -> Vec<&str> {
    output
        .lines()
        .filter(|l| l.starts_with("sfconnect: error:") || l.starts_with("error:"))
        .collect()
}

/// Whether every line the documentation shows appears in `output`, in
/// order (other lines may come between); in a shown line, `...` stands for
/// any text. Returns the first shown line not found.
pub fn missing_line<'a>(shown: &'a [String], output: &str) -> Option<&'a str> {
    let mut actual = output.lines().map(str::trim_end);
    shown
        .iter()
        .find(|wanted| !actual.any(|line| fits(wanted.trim_end(), line)))
        .map(String::as_str)
}

/// `line` matches `pattern`, where each `...` of the pattern matches any
/// text.
fn fits(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split("...").collect();
    let (first, rest) = parts.split_first().unwrap();
    let Some(mut left) = line.strip_prefix(first) else {
        return false;
    };
    for (i, part) in rest.iter().enumerate() {
        if i + 1 == rest.len() {
            return left.ends_with(part);
        }
        match left.find(part) {
            Some(at) => left = &left[at + part.len()..],
            None => return false,
        }
    }
    left.is_empty()
}

#[test]
fn shown_lines_match_in_order_with_ellipses() {
    let shown = |lines: &[&str]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    let output = "If the browser does not open, visit:\n  https://x/authorize?client_id=3MVG9abc&state=s\nnote\nlinked prod: ada@acme.com\n";
    let ok = shown(&[
        "If the browser does not open, visit:",
        "  https://x/authorize?client_id=3MVG9...",
        "linked prod: ada@acme.com",
    ]);
    assert_eq!(missing_line(&ok, output), None);
    let reordered = shown(&[
        "linked prod: ada@acme.com",
        "If the browser does not open, visit:",
    ]);
    assert_eq!(
        missing_line(&reordered, output),
        Some("If the browser does not open, visit:")
    );
    assert!(fits("a...c", "abbbc"));
    assert!(fits("...", "anything"));
    assert!(!fits("a...c", "abbbd"));
    assert!(!fits("abc", "abcd"));
    assert!(fits("x...y...z", "x1y2z"));
    assert!(!fits("x...y...z", "x1z2y"));
}

#[test]
fn error_lines_are_sfconnects_and_claps() {
    let output = "ok\nsfconnect: error: no connection named x\nerror: unexpected argument\nhint: error: not at the start\n";
    assert_eq!(
        error_lines(output),
        [
            "sfconnect: error: no connection named x",
            "error: unexpected argument"
        ]
    );
}
