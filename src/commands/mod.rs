//! One file per command; `run` dispatches.

mod api;
mod approvals;
mod check;
mod exec;
mod link;
mod list;
mod revoke;
mod token;

use crate::app::Context;
use crate::cli::{Cli, Command, TokensCommand};
use crate::error::Result;

pub fn run(cli: Cli) -> Result<()> {
    let ctx = Context::from_env()?;
    match cli.command {
        Command::Link(args) => link::run(&ctx, args),
        Command::Tokens(TokensCommand::List(args)) => list::run(&ctx, args),
        Command::Tokens(TokensCommand::Check(args)) => check::run(&ctx, args),
        Command::Tokens(TokensCommand::Approvals(args)) => approvals::run(&ctx, args),
        Command::Revoke(args) => revoke::run(&ctx, args),
        Command::Token(args) => token::run(&ctx, args),
        Command::Exec(args) => exec::run(&ctx, args),
        Command::Api(args) => api::run(&ctx, args),
    }
}
