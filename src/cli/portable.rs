//! The arguments of `import` and `export`: moving a connection in and out
//! of sfconnect as the Salesforce CLI's SFDX auth URL.

use super::complete::complete_alias;
use clap::Args;
use clap_complete::engine::ArgValueCompleter;

#[derive(Args, Debug)]
#[command(
    after_help = "The URL is a password (it is the refresh token itself), so it is never \
taken from a flag's value, which `ps` shows: it comes from stdin (a pipe or a file), --file or \
the variable --from-env names. Accepted: force://CLIENT_ID:SECRET:REFRESH_TOKEN@HOST (the secret \
may be empty), the short force://REFRESH_TOKEN@HOST, or the JSON of `sf org auth \
show-sfdx-auth-url --json` or `sf org display --verbose --json` (result.sfdxAuthUrl), or an \
object with sfdxAuthUrl.\n\n\
Exit codes: 2 for input that is not such a URL (nothing is sent), and when the same user, org \
and app is already linked here without --force; 4 when Salesforce refuses the token (nothing \
is stored).\n\n\
EXAMPLES:\n  \
sf org auth show-sfdx-auth-url --target-org uat --json | sfconnect import --alias uat\n  \
sfconnect import --file uat-auth-url.txt --alias uat\n  \
sfconnect import --from-env SFDX_AUTH_URL --alias ci"
)]
pub struct ImportArgs {
    /// Name for the connection [default: the Salesforce username]
    #[arg(long, value_name = "NAME")]
    pub alias: Option<String>,

    /// Read the URL (or the sf CLI's JSON) from this file instead of stdin
    #[arg(long, value_name = "PATH", conflicts_with = "from_env")]
    pub file: Option<std::path::PathBuf>,

    /// Read the URL (or the sf CLI's JSON) from this environment variable (its name, not its
    /// value)
    #[arg(long, value_name = "VAR")]
    pub from_env: Option<String>,

    #[command(flatten)]
    pub store: super::StoreFlag,

    /// Replace the local connection of the same user, org and app (or holding the alias),
    /// without revoking anything
    #[arg(long)]
    pub force: bool,

    /// Print the new connection as JSON
    #[arg(long)]
    pub json: bool,
}

/// The formats `export` writes.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The Salesforce CLI's force://CLIENT_ID:SECRET:REFRESH_TOKEN@HOST
    SfdxUrl,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Refused (exit 2, with the reason): a JWT or client-credentials connection \
(it has no refresh token: give CI the key or secret through the environment mode instead), a \
connection the format cannot carry (an Experience Cloud site path, an IPv6 host), one kept in a \
store several machines share (unless --force), and a terminal as stdout (unless --reveal).\n\n\
EXAMPLES:\n  \
sfconnect export prod --format sfdx-url > prod-auth-url.txt\n  \
sfconnect export prod --format sfdx-url | sf org login sfdx-url --sfdx-url-stdin --alias prod\n  \
sfconnect export prod --format sfdx-url | gh secret set SFDX_AUTH_URL"
)]
pub struct ExportArgs {
    /// The connection [default: $SFCONNECT_ALIAS, or the only one]
    #[arg(add = ArgValueCompleter::new(complete_alias))]
    pub alias: Option<String>,

    /// What to write (required, so that a script keeps meaning the same when formats are added)
    #[arg(long, value_enum, required = true)]
    pub format: ExportFormat,

    /// Print the URL even when stdout is a terminal (where it would stay in the scrollback)
    #[arg(long)]
    pub reveal: bool,

    /// Export a connection kept in a store several machines share
    #[arg(long)]
    pub force: bool,
}
