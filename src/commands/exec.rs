//! `sfconnect exec [ALIAS] -- CMD...`: run a command with a fresh token in
//! its environment, including what the sf CLI needs to use it (docs/recipes.md).
//!
//! The token goes through the environment, never argv, where any local user
//! could read it with `ps` (security checklist, "Files and processes"). The
//! client secret does not: `main` takes `SFCONNECT_CLIENT_SECRET`,
//! `SFCONNECT_AUTH_URL` and `SFCONNECT_JWT_KEY` out of the environment before
//! anything runs (`secrets::client_secret`,
//! `secrets::environment_credentials`), and a `--key-env` or `--secret-env`
//! variable is removed from the child's.
//! stdin, stdout and stderr pass straight through, and we exit with the
//! child's code, or 128+N when signal N ended it, as shells do (returned as
//! `Exit::Command`; `run_cli` ends the process).

use crate::cli::ExecArgs;
use crate::error::{Error, Exit, Result};
use crate::tokens::target;
use std::io::ErrorKind;
use std::process::Command;

pub fn run(args: ExecArgs) -> Result<()> {
    let chosen = target::resolve(args.alias.as_deref())?;
    let access = chosen.obtain((&args.freshness).into())?;
    let (program, rest) = args.command.split_first().expect("clap requires CMD");
    let c = &access.connection;
    let mut command = Command::new(program);
    // The child gets the access token, never what mints one.
    for name in access.private_env() {
        command.env_remove(name);
    }
    let spawned = command
        .args(rest)
        .env("SF_ACCESS_TOKEN", access.token.expose())
        .env("SF_INSTANCE_URL", &c.instance_url)
        .env("SF_USERNAME", &c.username)
        .env("SF_ORG_ID", &c.org_id)
        // For the sf CLI: with its `org-instance-url` set, it takes an access
        // token as the target org, so `sf data query` runs against this
        // connection with no login of its own (checked with sf 2.146.3;
        // docs/recipes.md). Through the environment, like the token above,
        // never argv.
        .env("SF_ORG_INSTANCE_URL", &c.instance_url)
        .env("SF_TARGET_ORG", access.token.expose())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            let code = if e.kind() == ErrorKind::NotFound {
                127
            } else {
                126
            };
            return Err(Error::new(
                Exit::Command(code),
                format!("cannot run {program}: {e}"),
            ));
        }
    };
    // Ctrl-C reaches the child too (same process group); we wait for it
    // to decide, and report its exit instead of dying first.
    ignore_interrupts();
    let status = child
        .wait()
        .map_err(|e| Error::unexpected(format!("lost track of {program}: {e}")))?;
    match exit_code(status) {
        0 => Ok(()),
        code => Err(Error::silent(Exit::Command(code))),
    }
}

#[cfg(unix)]
fn ignore_interrupts() {
    // SAFETY: setting a signal disposition to SIG_IGN has no handler to race.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_IGN);
        libc::signal(libc::SIGQUIT, libc::SIG_IGN);
    }
}

#[cfg(not(unix))]
fn ignore_interrupts() {}

fn exit_code(status: std::process::ExitStatus) -> i32 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return 128 + signal;
        }
    }
    status.code().unwrap_or(1)
}
