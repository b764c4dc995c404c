//! `SFCONNECT_STORE_PASSPHRASE_CMD` can neither hang a command nor swallow
//! what the user types: it runs with stdin closed, and a command that does
//! not finish in time is stopped, with everything it started, exit 6.

use crate::support::Sandbox;
#[cfg(target_os = "linux")]
use std::path::Path;
#[cfg(target_os = "linux")]
use std::time::{Duration, Instant};

/// Whether the process has ended (gone, or a zombie nobody reaped yet).
#[cfg(target_os = "linux")]
fn has_ended(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            stat.rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X']))
        })
        .unwrap_or(true)
}

#[cfg(target_os = "linux")]
fn read_pid(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim()
        .to_string()
}

#[test]
fn the_passphrase_command_reads_eof_not_what_was_typed() {
    let mut sandbox = Sandbox::new();
    let captured = sandbox.config_dir().with_file_name("stdin-seen");
    sandbox.set_env(
        "SFCONNECT_STORE_PASSPHRASE_CMD",
        &format!("cat >> '{}'; printf 'correct horse'", captured.display()),
    );
    let url = sandbox.fake.url();
    let args = crate::support::link_args(&url, &["--alias", "prod"]);
    sandbox
        .run_with_stdin(&args, "http://localhost:1717/OauthRedirect?code=typed\n")
        .expect(0);
    assert_eq!(
        std::fs::read_to_string(&captured).unwrap(),
        "",
        "the passphrase command read our stdin"
    );
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);
}

#[cfg(target_os = "linux")]
#[test]
fn a_passphrase_command_that_never_ends_is_stopped_with_6() {
    let mut sandbox = Sandbox::new();
    let dir = sandbox.config_dir().with_file_name("pids");
    std::fs::create_dir_all(&dir).unwrap();
    let (shell_pid, child_pid) = (dir.join("shell"), dir.join("child"));
    // The shell and a process it started; neither ever ends on its own.
    sandbox.set_env(
        "SFCONNECT_STORE_PASSPHRASE_CMD",
        &format!(
            "echo $$ > '{}'; sleep 100000 & echo $! > '{}'; wait",
            shell_pid.display(),
            child_pid.display()
        ),
    );
    sandbox.set_env("SFCONNECT_STORE_PASSPHRASE_TIMEOUT", "1");
    sandbox.link(&["--alias", "prod"]).expect_error(
        6,
        &[
            "SFCONNECT_STORE_PASSPHRASE_CMD did not finish within 1 s",
            "SFCONNECT_STORE_PASSPHRASE_TIMEOUT",
        ],
    );
    assert_eq!(sandbox.fake.requests().len(), 0, "no login was wasted");
    // Both were killed: wait (boundedly) for the kernel to finish them off.
    for pid in [read_pid(&shell_pid), read_pid(&child_pid)] {
        let started = Instant::now();
        while !has_ended(&pid) {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "pid {pid} still runs"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    sandbox.set_env("SFCONNECT_STORE_PASSPHRASE_TIMEOUT", "later");
    sandbox
        .link(&["--alias", "prod"])
        .expect_error(2, &["SFCONNECT_STORE_PASSPHRASE_TIMEOUT"]);
}
