//! One file per command; `run` dispatches.

mod api;
mod approvals;
mod check;
mod completions;
mod config;
mod doctor;
mod exec;
mod export;
mod import;
mod keygen;
mod link;
mod list;
mod man;
mod migrate;
mod revoke;
mod token;

use crate::app::Context;
use crate::cli::{Cli, Command, TokensCommand};
use crate::error::Result;

pub fn run(cli: Cli) -> Result<()> {
    // These only print what the clap definition says, or write files where
    // they are told (keygen); they need no config dir.
    let command = match cli.command {
        Command::Completions(args) => return completions::run(args),
        Command::Man(args) => return man::run(args),
        Command::Keygen(args) => return keygen::run(args),
        command => command,
    };
    crate::salesforce::http::check_environment()?;
    // These may run on the environment connection, which needs no config
    // dir: they choose their connection first (`tokens::target`).
    let command = match command {
        Command::Token(args) => return token::run(args),
        Command::Exec(args) => return exec::run(args),
        Command::Api(args) => return api::run(args),
        Command::Tokens(TokensCommand::Check(args)) => return check::run(args),
        command => command,
    };
    let ctx = Context::open()?;
    match command {
        Command::Link(args) => link::run(&ctx, args),
        Command::Tokens(TokensCommand::List(args)) => list::run(&ctx, args),
        Command::Tokens(TokensCommand::Approvals(args)) => approvals::run(&ctx, args),
        Command::Revoke(args) => revoke::run(&ctx, args),
        Command::Import(args) => import::run(&ctx, args),
        Command::Export(args) => export::run(&ctx, args),
        Command::Config(command) => config::run(&ctx, command),
        Command::Migrate(args) => migrate::run(&ctx, args),
        Command::Doctor(args) => doctor::run(&ctx, args),
        Command::Completions(_)
        | Command::Man(_)
        | Command::Keygen(_)
        | Command::Token(_)
        | Command::Exec(_)
        | Command::Api(_)
        | Command::Tokens(TokensCommand::Check(_)) => unreachable!("handled above"),
    }
}
