//! The dynamic completion of aliases: with `source <(COMPLETE=bash
//! sfconnect)` the shell asks sfconnect at each TAB
//! (`clap_complete::CompleteEnv` in `run_cli`), and the alias arguments
//! answer from the index file alone: no keychain, no network, nothing that
//! could prompt or be slow.

use crate::app::Context;
use clap_complete::engine::CompletionCandidate;
use std::ffi::OsStr;

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
