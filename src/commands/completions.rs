//! `sfconnect completions SHELL`: the static completion scripts.
//!
//! The static scripts (clap_complete's generators) know every subcommand,
//! flag and fixed value; they are committed in `completions/` and a test
//! keeps them identical to what this prints. Aliases change as you link, so
//! they complete dynamically instead (`cli/complete.rs`).

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;
use crate::output;
use clap::CommandFactory;

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
