//! The command line: every command, flag and environment variable, with its
//! help text. Parsing only; behaviour lives in `commands/`.
//!
//! Every command's help has a one-line summary (the first paragraph of its
//! doc comment), a longer description (the rest, shown by `--help`) and an
//! EXAMPLES section (`after_help`). The alias arguments complete dynamically
//! from the index (`COMPLETE=bash sfconnect`, see `complete.rs`).

mod admin;
mod complete;
mod keygen;
mod link;
mod portable;
mod scripts;
mod store_flag;
mod tokens;

pub use admin::*;
pub use keygen::*;
pub use link::*;
pub use portable::*;
pub use scripts::*;
pub use store_flag::StoreFlag;
pub use tokens::*;

use crate::output::ColorChoice;
use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "sfconnect",
    version,
    about = "Link a Salesforce account to the command line",
    long_about = "Link a Salesforce account to the command line.\n\n\
sfconnect logs you in to Salesforce in the browser (OAuth 2.0 with PKCE), keeps the \
refresh token in the OS keychain, and hands fresh access tokens to shell scripts.\n\n\
Data goes to stdout, every message to stderr. Commands that report data take --json. \
Colour is used only on a terminal, and never when NO_COLOR is set (unless --color always).",
    after_help = "EXAMPLES:\n  \
sfconnect link --sandbox --alias uat\n  \
sfconnect tokens list\n  \
curl -H \"Authorization: Bearer $(sfconnect token uat)\" \"$URL\"\n  \
sfconnect exec uat -- python3 sync.py\n  \
sfconnect api uat /services/data/v62.0/limits | jq .DailyApiRequests\n\n\
Exit codes: 0 ok, 1 unexpected, 2 usage, 3 no such connection, 4 re-link needed, \
5 Salesforce unreachable or answered 5xx, 6 secret store unavailable, 7 login not completed, \
8 `api` answered another non-2xx status (4xx, 3xx).",
    disable_help_subcommand = true
)]
pub struct Cli {
    /// Only warnings and errors on stderr, no informational lines
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Global options"
    )]
    pub quiet: bool,

    /// Also diagnostic lines on stderr (hosts, paths, timings; never a secret)
    #[arg(short, long, global = true, help_heading = "Global options")]
    pub verbose: bool,

    /// When to colour: auto (on a terminal, unless NO_COLOR is set), always, never
    #[arg(
        long,
        value_enum,
        value_name = "WHEN",
        global = true,
        default_value_t = ColorChoice::Auto,
        hide_possible_values = true,
        help_heading = "Global options"
    )]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Log in to Salesforce in the browser and store the connection
    ///
    /// Opens the Salesforce login page in your browser (OAuth 2.0 authorization code with
    /// PKCE), waits for Salesforce to send the browser back to a listener on localhost, and
    /// stores the connection: its refresh token in the OS keychain, everything else (alias,
    /// username, org, URLs) in the index. The login URL is always printed on stderr too, for
    /// when no browser opens. Linking the same user, org and app again replaces the old
    /// connection and revokes its token. For servers and CI, --jwt (JWT bearer, with an RSA
    /// key) and --client-credentials (the app's consumer secret) link without a browser.
    Link(LinkArgs),
    /// Inspect linked connections
    ///
    /// `tokens list` reads the local index only; `tokens check` and `tokens approvals` ask
    /// Salesforce.
    #[command(
        subcommand,
        after_help = "EXAMPLES:\n  \
sfconnect tokens list\n  \
sfconnect tokens check || echo 'a connection needs attention' >&2\n  \
sfconnect tokens approvals prod --json | jq .count"
    )]
    Tokens(TokensCommand),
    /// Revoke connections at Salesforce and forget them
    ///
    /// Each connection's refresh token is revoked at Salesforce (which also ends every access
    /// token issued from it), then its secret and index entry are deleted. When Salesforce
    /// cannot be reached nothing is changed (exit 5); --local-only forgets without calling
    /// Salesforce, and the token stays valid there. An unknown alias exits 3 before anything
    /// is revoked.
    Revoke(RevokeArgs),
    /// Print a valid access token (for scripts)
    ///
    /// Prints the token and a newline on stdout, nothing else. A cached token younger than
    /// --max-age is printed without any network call; otherwise the refresh token gets a new
    /// one, under a lock per connection, so parallel callers refresh once. The connection is
    /// ALIAS, else the environment connection (SFCONNECT_AUTH_URL or SFCONNECT_ENV, which
    /// needs no link and writes no file), else $SFCONNECT_ALIAS, else the alias in the nearest
    /// .sfconnect.toml, else the only linked one.
    ///
    /// A caller waits for that lock at most SFCONNECT_LOCK_TIMEOUT seconds (default 30); then
    /// it exits 5, naming the pid that holds it. migrate and revoke take the same lock.
    Token(TokenArgs),
    /// Run a command with a fresh access token in its environment
    ///
    /// CMD gets SF_ACCESS_TOKEN, SF_INSTANCE_URL, SF_USERNAME and SF_ORG_ID in its environment
    /// (never in its arguments, where `ps` would show the token), and for the sf CLI
    /// SF_ORG_INSTANCE_URL and SF_TARGET_ORG (the access token), so that `sf data query` works
    /// against the connection without a login of its own. stdin, stdout and stderr pass
    /// through; sfconnect exits with CMD's exit code (128+N if signal N ended it, 127 if CMD
    /// cannot be found, 126 if it cannot be run).
    Exec(ExecArgs),
    /// Call the Salesforce REST API of a connection
    ///
    /// Sends the request to the connection's instance with its bearer token and prints the
    /// response body on stdout. The token is only ever sent to the connection's own instance.
    /// An expired session (401 INVALID_SESSION_ID) is refreshed once and retried. Exit 0 on
    /// 2xx; otherwise `HTTP <status>` on stderr and exit 8 (5 for 5xx), the body still on
    /// stdout.
    Api(ApiArgs),
    /// Bring in a connection from an SFDX auth URL (the Salesforce CLI's)
    ///
    /// Reads the URL from stdin (or --file, or the variable --from-env names), proves it with
    /// one refresh and the identity call at the URL's host, and stores the connection like a
    /// linked one, with kind `imported`. It shares its approval with the URL's source: with
    /// refresh-token rotation on, this first refresh makes every other copy of the URL dead, the
    /// sf CLI's own included (a warning says so before, and again when it happened). Import
    /// never revokes anything; the same user, org and app already linked here is refused unless
    /// --force, which replaces the local record only.
    Import(ImportArgs),
    /// Print a connection as an SFDX auth URL (for the sf CLI, or a CI secret)
    ///
    /// Prints force://CLIENT_ID:SECRET:REFRESH_TOKEN@HOST on stdout: HOST is the connection's
    /// instance host, the secret is there only when the connection has one. The URL is a
    /// password: every copy shares the connection's approval, and with rotation on, whichever
    /// copy refreshes first makes the others dead. Warnings on stderr say so on every export,
    /// and for CI a JWT connection is the better tool.
    Export(ExportArgs),
    /// Read and change sfconnect's settings (config.toml)
    ///
    /// Defaults for `link` kept in config.toml in the config directory. Precedence, for every
    /// setting: a flag, then its environment variable, then this file, then the built-in
    /// default. Settings: client-id (SFCONNECT_CLIENT_ID), port (SFCONNECT_PORT), login-url,
    /// scopes, store (SFCONNECT_STORE), timeout.
    #[command(
        subcommand,
        after_help = "EXAMPLES:\n  \
sfconnect config set client-id 3MVG9...\n  \
sfconnect config list\n  \
port=$(sfconnect config get port)\n  \
sfconnect config unset port"
    )]
    Config(ConfigCommand),
    /// Make an RSA key and certificate for `link --jwt`
    ///
    /// Writes a new 2048-bit RSA private key (sfconnect.key, PKCS#8 PEM, mode 0600) and a
    /// self-signed X.509 certificate for it (sfconnect.crt) into DIR, then prints the steps to
    /// upload the certificate to your External Client App and the `sfconnect link --jwt` line to
    /// run. It never overwrites a file: when either exists it exits 2 and writes nothing.
    Keygen(KeygenArgs),
    /// Move a connection's secret to another store
    ///
    /// Writes the secret to the new store, reads it back to verify it, records the new store
    /// in the index, and only then deletes it from the old store.
    #[command(after_help = "EXAMPLES:\n  \
sfconnect migrate prod --to keychain\n  \
sfconnect migrate ci-bot --to file\n  \
sfconnect tokens list --json | jq -r '.connections[].alias' \\\n    \
| xargs -n1 sfconnect migrate --to keychain")]
    Migrate(MigrateArgs),
    /// Explain why sfconnect does or does not work here
    ///
    /// One screen: version, paths, the index, each secret store (a real write-read-delete
    /// probe), the default client id and callback URL, whether the port is free, what `link`
    /// will do about the browser, and proxy settings. Exits 0 when `link` would work with the
    /// defaults, else with the exit code of the first blocker. It also lists orphans: secrets
    /// that no connection in the index refers to (left by a crash between the two writes of a
    /// link or revoke); `--clean` deletes those of the file store and says which ids it
    /// removed. Keychain entries are only reported, since other config dirs share the keychain.
    #[command(after_help = "EXAMPLES:\n  \
sfconnect doctor\n  \
sfconnect doctor --json | jq '.findings[] | select(.ok | not)'\n  \
sfconnect doctor --clean")]
    Doctor(DoctorArgs),
    /// Print a shell completion script
    ///
    /// Prints a static completion script for SHELL on stdout: subcommands, flags and their
    /// values. The same scripts are in the repository's completions/ directory. For aliases
    /// completed from your linked connections, use the dynamic completion instead, which asks
    /// sfconnect at each TAB (it reads only the index): `source <(COMPLETE=bash sfconnect)` in
    /// ~/.bashrc, `source <(COMPLETE=zsh sfconnect)` in ~/.zshrc, `COMPLETE=fish sfconnect |
    /// source` in fish's config.
    Completions(CompletionsArgs),
    /// Print the manual page (roff)
    ///
    /// Prints sfconnect(1) on stdout, covering every command, for `man` to read. With
    /// --markdown, prints the same reference as Markdown instead (the repository's
    /// docs/commands.md is this output).
    #[command(after_help = "EXAMPLES:\n  \
sfconnect man | man -l -\n  \
sfconnect man > ~/.local/share/man/man1/sfconnect.1\n  \
sfconnect man --markdown > sfconnect-commands.md")]
    Man(ManArgs),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sandbox_and_login_url_conflict() {
        let err = Cli::try_parse_from([
            "sfconnect",
            "link",
            "--sandbox",
            "--login-url",
            "https://x.my.salesforce.com",
        ])
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }
}
