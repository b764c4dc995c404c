//! The arguments of the housekeeping commands: `completions`, `man`,
//! `config`, `migrate`, `doctor`.

use super::complete::complete_alias;
use clap::{Args, Subcommand};
use clap_complete::engine::ArgValueCompleter;

#[derive(Args, Debug)]
#[command(after_help = "EXAMPLES:\n  \
sfconnect completions bash > ~/.local/share/bash-completion/completions/sfconnect\n  \
sfconnect completions zsh > \"${fpath[1]}/_sfconnect\"\n  \
sfconnect completions fish > ~/.config/fish/completions/sfconnect.fish\n  \
echo 'source <(COMPLETE=bash sfconnect)' >> ~/.bashrc   # dynamic: aliases too")]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Print the reference as Markdown instead of roff
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Print a setting's value (nothing when unset)
    ///
    /// Prints the value stored in config.toml and a newline on stdout, or nothing when the
    /// setting is not in the file; it does not look at flags or environment variables (see
    /// `config list` for the effective values).
    #[command(after_help = "EXAMPLES:\n  \
sfconnect config get client-id\n  \
port=$(sfconnect config get port)")]
    Get {
        /// client-id, port, login-url, scopes, store or timeout
        key: String,
    },
    /// Set a setting
    ///
    /// Checks the value and writes it to config.toml. An unknown setting or a bad value exits 2
    /// and says what the setting accepts. A flag or environment variable still wins over it.
    #[command(after_help = "EXAMPLES:\n  \
sfconnect config set client-id 3MVG9...\n  \
sfconnect config set port 1717,1718\n  \
sfconnect config set store keyutils\n  \
sfconnect config set client-id \"$CONSUMER_KEY\"   # in a provisioning script")]
    Set {
        /// client-id, port, login-url, scopes, store or timeout
        key: String,
        /// The value
        value: String,
    },
    /// Remove a setting (back to the default)
    ///
    /// Deletes the setting from config.toml; the environment variable, if set, or the built-in
    /// default applies again. Removing a setting that is not set succeeds.
    #[command(after_help = "EXAMPLES:\n  \
sfconnect config unset port\n  \
for key in client-id port; do sfconnect config unset \"$key\"; done")]
    Unset {
        /// client-id, port, login-url, scopes, store or timeout
        key: String,
    },
    /// Show every setting, its effective value and where it comes from
    ///
    /// One line per setting: its name, the value in effect and its source (an environment
    /// variable, the config file or the default). --json prints the same as a document.
    #[command(after_help = "EXAMPLES:\n  \
sfconnect config list\n  \
sfconnect config list --json | jq '.settings'")]
    List {
        /// Print {"version": 1, "settings": [...]}
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct MigrateArgs {
    /// The connection
    #[arg(add = ArgValueCompleter::new(complete_alias))]
    pub alias: String,

    /// The store to move the secret to: keychain, keyutils, file or vault (docs/vault.md)
    #[arg(long, value_name = "STORE")]
    pub to: String,
}

#[derive(Args, Debug)]
pub struct DoctorArgs {
    /// Print the findings as JSON
    #[arg(long)]
    pub json: bool,

    /// Delete orphaned secrets of the file store (never one the index refers to)
    #[arg(long)]
    pub clean: bool,
}
