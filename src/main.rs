//! sfconnect: link a Salesforce account to the command line.
//!
//! `main` answers a shell's completion request (`COMPLETE=bash sfconnect`)
//! before anything else, then parses, sets how output looks (`-q`, `-v`,
//! `--color`), runs the command, and turns an error into one line on stderr
//! (plus a hint) and its documented exit code.

mod access;
mod app;
mod approvals;
mod browser;
mod callback;
mod cli;
mod commands;
mod config;
mod connection;
mod countdown;
mod environment;
mod error;
mod files;
mod listener;
mod output;
mod paste;
mod port_holder;
mod registry;
mod retired;
mod salesforce;
mod secret;
mod secrets;

use clap::{CommandFactory, Parser};

fn main() {
    // Nothing may reach stdout before this: it is the completion's answer.
    clap_complete::CompleteEnv::with_factory(cli::Cli::command).complete();
    let cli = cli::Cli::parse();
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => output::Verbosity::Quiet,
        (_, true) => output::Verbosity::Verbose,
        _ => output::Verbosity::Normal,
    };
    output::init(verbosity, cli.color);
    let code = match commands::run(cli) {
        Ok(()) => error::Exit::Ok.code(),
        Err(err) => {
            output::error(&err.message);
            if let Some(hint) = &err.hint {
                output::tell(&format!("hint: {hint}"));
            }
            err.exit.code()
        }
    };
    std::process::exit(code);
}
