//! `sfconnect completions SHELL`, and the dynamic completion of aliases.
//!
//! The static scripts (clap_complete's generators) know every subcommand,
//! flag and fixed value; they are committed in `completions/` and a test
//! keeps them identical to what this prints. Aliases change as you link, so
//! they complete dynamically: with `source <(COMPLETE=bash sfconnect)` the
//! shell asks sfconnect at each TAB (`clap_complete::CompleteEnv` in `main`),
//! and the alias arguments answer from the index file alone: no keychain, no
//! network, nothing that could prompt or be slow.

use crate::app::Context;
use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;
use crate::output;
use clap::CommandFactory;
use clap_complete::engine::CompletionCandidate;
use std::ffi::OsStr;

/// The name the scripts complete.
const BIN: &str = "sfconnect";

pub fn run(args: CompletionsArgs) -> Result<()> {
    output::print_bytes(&script(args.shell))
}

/// The static completion script for `shell`.
pub fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut script);
    script
}

/// The linked aliases starting with `current`, each with its username as
/// help (shown by zsh and fish). Any failure completes nothing: a TAB must
/// never print an error into the command line. (For `api [ALIAS] PATH`
/// they are offered for PATH too: clap_complete does not tell a completer
/// which value of the argument it completes. A path starts with `/`, so
/// they drop out as soon as one is typed.)
pub fn complete_alias(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(prefix) = current.to_str() else {
        return Vec::new();
    };
    let Ok(index) = Context::from_env().and_then(|ctx| ctx.registry.load()) else {
        return Vec::new();
    };
    let mut connections: Vec<_> = index
        .connections
        .into_iter()
        .filter(|c| c.alias.starts_with(prefix))
        .collect();
    connections.sort_by(|a, b| a.alias.cmp(&b.alias));
    connections
        .into_iter()
        .map(|c| CompletionCandidate::new(c.alias.as_str()).help(Some(c.username.into())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_has_a_script_naming_the_binary() {
        use clap::ValueEnum;
        for shell in clap_complete::Shell::value_variants() {
            let text = String::from_utf8(script(*shell)).unwrap();
            assert!(text.contains("sfconnect"), "{shell}");
            assert!(text.contains("approvals"), "{shell}: subcommands complete");
        }
    }
}
