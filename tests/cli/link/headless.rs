//! Where no browser can open: detection (through the environment), the
//! ways forward, and paste-back.

use crate::support::fake_salesforce::DEFAULT_USERNAME;
use crate::support::leak_checks::assert_no_secret;
use crate::support::listener::{authorize_url, callback_address, callback_port};
use crate::support::live::Live;
use crate::support::terminal::on_a_terminal;
use crate::support::{Sandbox, link_args};

const SSH: &str = "10.0.0.5 51000 10.0.0.9 22";

/// A command with no browser chosen, as on a machine without one.
fn without_browser(sandbox: &Sandbox, args: &[&str]) -> std::process::Command {
    let mut cmd = sandbox.command(args);
    cmd.env_remove("SFCONNECT_BROWSER");
    cmd
}

#[test]
fn ssh_session_prints_the_url_a_tunnel_line_and_paste_back() {
    let sandbox = Sandbox::new();
    let url = sandbox.fake.url();
    let mut cmd = without_browser(&sandbox, &link_args(&url, &["--timeout", "1"]));
    cmd.env("SSH_CONNECTION", SSH).env("USER", "ada");
    let run = crate::support::run_command(cmd, None).expect(7);
    let port = callback_port(&run.stderr);
    run.says(&[
        "SSH session without a forwarded display",
        &format!("ssh -L {port}:localhost:{port} ada@10.0.0.9"),
        "--paste",
        "--device",
    ]);
    assert!(!sandbox.browser_log().exists(), "no browser may be started");
    assert_eq!(sandbox.fake.requests().len(), 0);
}

#[test]
fn ssh_tty_without_connection_still_counts() {
    let sandbox = Sandbox::new();
    let url = sandbox.fake.url();
    let mut cmd = without_browser(&sandbox, &link_args(&url, &["--timeout", "1"]));
    cmd.env("SSH_TTY", "/dev/pts/4");
    crate::support::run_command(cmd, None).expect_error(7, &["SSH session", "ssh -L "]);
    assert!(!sandbox.browser_log().exists());
}

#[test]
fn an_explicit_browser_beats_detection() {
    let mut sandbox = Sandbox::new();
    sandbox.set_env("SSH_CONNECTION", SSH);
    let run = sandbox.link(&[]).expect(0);
    assert!(
        !run.stderr.contains("does not open a browser"),
        "{}",
        run.stderr
    );
    assert_eq!(sandbox.connections().len(), 1);
}

#[test]
fn no_display_means_no_browser() {
    let version = std::fs::read_to_string("/proc/version").unwrap_or_default();
    if !cfg!(target_os = "linux") || version.to_lowercase().contains("microsoft") {
        return; // a desktop (or WSL) needs no DISPLAY
    }
    let in_container = std::path::Path::new("/.dockerenv").exists()
        || std::path::Path::new("/run/.containerenv").exists()
        || std::fs::read_to_string("/proc/1/cgroup").is_ok_and(|c| {
            ["docker", "kubepods", "containerd", "libpod"]
                .iter()
                .any(|w| c.contains(w))
        });
    let sandbox = Sandbox::new();
    let url = sandbox.fake.url();
    let cmd = without_browser(&sandbox, &link_args(&url, &["--timeout", "1"]));
    let run = crate::support::run_command(cmd, None).expect(7);
    let reason = if in_container {
        "this is a container without a display"
    } else {
        "there is no graphical display here"
    };
    assert!(run.stderr.contains(reason), "{}", run.stderr);
    run.says(&["Open this URL in a browser on your own computer"]);
    authorize_url(&run.stderr);
    // $BROWSER, like SFCONNECT_BROWSER, is an explicit choice: used even here.
    let mut cmd = without_browser(&sandbox, &link_args(&url, &[]));
    let browser = std::env::current_dir()
        .unwrap()
        .join("tests/cli/support/browser.py");
    cmd.env("BROWSER", format!("python3 {}", browser.display()));
    let run = crate::support::run_command(cmd, None).expect(0);
    assert!(
        !run.stderr.contains("does not open a browser"),
        "{}",
        run.stderr
    );
}

#[test]
fn pasted_address_from_a_pipe_links_after_refusing_bad_ones() {
    let sandbox = Sandbox::new();
    let url = sandbox.fake.url();
    let mut cmd = without_browser(&sandbox, &link_args(&url, &["--paste"]));
    cmd.env("SSH_CONNECTION", SSH);
    let mut live = Live::start(cmd);
    let stderr = live.wait_for("Ctrl-C cancels");
    assert!(stderr.contains("on stdin (--paste)"), "{stderr}");
    // The user's browser, on another machine, ends on the callback address.
    let address = callback_address(&authorize_url(&stderr));
    assert!(address.starts_with("http://localhost:"), "{address}");
    let wrong_state = {
        let mut u = url::Url::parse(&address).unwrap();
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "state" {
                    "forged".into()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
        u.to_string()
    };
    live.send_line(&wrong_state);
    live.wait_for("state mismatch");
    live.send_line(&address.replace("/OauthRedirect", "/Elsewhere"));
    let stderr = live.wait_for("refused the pasted address: not found");
    assert_eq!(
        stderr.matches("refused the pasted address").count(),
        2,
        "{stderr}"
    );
    assert_eq!(
        sandbox.fake.token_requests("authorization_code"),
        0,
        "refused ones are not exchanged"
    );
    live.send_line(&format!("  {address}  "));
    let run = live.finish().expect(0);
    assert!(
        run.stdout
            .starts_with(&format!("linked {DEFAULT_USERNAME}:")),
        "{}",
        run.stdout
    );
    assert_eq!(sandbox.fake.token_requests("authorization_code"), 1);
    assert_eq!(sandbox.connections().len(), 1);
    assert_no_secret(&sandbox, &run.stderr, "stderr");
}

#[test]
fn without_paste_a_pipe_on_stdin_is_not_read() {
    let sandbox = Sandbox::new();
    let url = sandbox.fake.url();
    // Long enough for the address to be sent under any load; a login that
    // read it would be exchanged at once, and none is.
    let mut cmd = without_browser(&sandbox, &link_args(&url, &["--timeout", "10"]));
    cmd.env("SSH_CONNECTION", SSH);
    let mut live = Live::start(cmd);
    let stderr = live.wait_for("Ctrl-C cancels");
    assert!(stderr.contains("sfconnect link --paste"), "{stderr}");
    let address = callback_address(&authorize_url(&stderr));
    live.send_line(&address);
    live.finish().expect_error(7, &["no login was completed"]);
    assert_eq!(sandbox.fake.token_requests("authorization_code"), 0);
}

#[test]
fn no_countdown_when_stderr_is_not_a_terminal() {
    let mut sandbox = Sandbox::new();
    sandbox.set_env("SFCONNECT_BROWSER", "true");
    let run = sandbox.link(&["--timeout", "2"]).expect(7);
    assert!(!run.stderr.contains('\r'), "{:?}", run.stderr);
    assert!(
        !run.stderr.contains("left (Ctrl-C cancels)"),
        "{}",
        run.stderr
    );
    run.says(&["Waiting for the login to complete in the browser (Ctrl-C cancels)"]);
}

#[test]
fn on_a_terminal_a_status_line_counts_down() {
    let sandbox = Sandbox::new();
    let url = sandbox.fake.url();
    let args = link_args(&url, &["--timeout", "3", "--no-browser"]);
    let Some(run) = on_a_terminal(&sandbox, &args) else {
        return;
    };
    assert!(
        run.stdout.contains("left (Ctrl-C cancels)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\r\u{1b}[K") || run.stdout.contains("\u{1b}7"),
        "{:?}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("no login was completed within 3 seconds")
    );
}
