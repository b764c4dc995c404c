//! A terminal for sfconnect's stdin, stdout and stderr, from script(1):
//! what sfconnect shows a user at a terminal, and what it refuses there.

use super::{Run, Sandbox, run_command};

/// Runs `sfconnect ARGS` in the sandbox's environment with a terminal as
/// stdin, stdout and stderr (script(1) hands back everything it wrote as
/// `stdout`); `None` where there is no script(1).
pub fn on_a_terminal(sandbox: &Sandbox, args: &[&str]) -> Option<Run> {
    std::process::Command::new("script")
        .arg("--version")
        .output()
        .ok()?;
    // script(1) runs the line through a shell: every word is quoted.
    let line = std::iter::once(env!("CARGO_BIN_EXE_sfconnect"))
        .chain(args.iter().copied())
        .map(|word| {
            assert!(!word.contains('\''), "cannot quote {word:?}");
            format!("'{word}'")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"]).env_clear();
    for (k, v) in sandbox.command(&[]).get_envs() {
        if let Some(v) = v {
            cmd.env(k, v);
        }
    }
    Some(run_command(cmd, None))
}
