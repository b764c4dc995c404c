//! sfconnect: link a Salesforce account to the command line.
//!
//! `main` only parses, runs the command, and turns an error into one line on
//! stderr (plus a hint) and its documented exit code.

mod access;
mod app;
mod approvals;
mod browser;
mod callback;
mod cli;
mod commands;
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

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    let code = match commands::run(cli) {
        Ok(()) => error::Exit::Ok.code(),
        Err(err) => {
            output::note(&format!("sfconnect: error: {}", err.message));
            if let Some(hint) = &err.hint {
                output::note(&format!("hint: {hint}"));
            }
            err.exit.code()
        }
    };
    std::process::exit(code);
}
