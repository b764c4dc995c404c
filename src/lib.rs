//! sfconnect as a library: every module of the command-line tool.
//!
//! The binary (`main.rs`) is a thin wrapper around `run_cli`; the library
//! exists so fuzz targets (`fuzz/`) can drive the parsers directly: the
//! callback judge, login-URL normalization, and the index and config readers.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod index;
pub mod keys;
pub mod login;
pub mod output;
pub mod report;
pub mod salesforce;
pub mod secrets;
pub mod settings;
pub mod tokens;
pub mod vault;

use clap::{CommandFactory, Parser};

/// Answers a shell's completion request (`COMPLETE=bash sfconnect`) before
/// anything else, then parses, sets how output looks (`-q`, `-v`,
/// `--color`), runs the command, and turns an error into one line on stderr
/// (plus its causes under `-v`, and a hint). Returns the documented exit
/// code: the only place that decides how the process ends (`main` exits
/// with it).
pub fn run_cli() -> i32 {
    // Nothing may reach stdout before this: it is the completion's answer.
    clap_complete::CompleteEnv::with_factory(cli::Cli::command).complete();
    let cli = cli::Cli::parse();
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => output::Verbosity::Quiet,
        (_, true) => output::Verbosity::Verbose,
        _ => output::Verbosity::Normal,
    };
    output::init(verbosity, cli.color);
    let result = commands::run(cli);
    // Revokes a vault token this process minted by AppRole, if any.
    vault::session::finish();
    match result {
        Ok(()) => error::Exit::Ok.code(),
        Err(err) if err.message.is_empty() => err.exit.code(),
        Err(err) => {
            output::error(&err.message);
            output::causes(&err);
            if let Some(hint) = &err.hint {
                output::tell(&format!("hint: {hint}"));
            }
            err.exit.code()
        }
    }
}
