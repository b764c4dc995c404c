//! The command line: every command, flag and environment variable, with its
//! help text. Parsing only; behaviour lives in `commands/`.

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "sfconnect",
    version,
    about = "Link a Salesforce account to the command line",
    long_about = "Link a Salesforce account to the command line.\n\n\
sfconnect logs you in to Salesforce in the browser (OAuth 2.0 with PKCE), keeps the \
refresh token in the OS keychain, and hands fresh access tokens to shell scripts.",
    after_help = "Exit codes: 0 ok, 1 unexpected, 2 usage, 3 no such connection, 4 re-link needed, \
5 Salesforce unreachable, 6 secret store unavailable, 7 login not completed.",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Log in to Salesforce in the browser and store the connection
    Link(LinkArgs),
    /// Inspect linked connections
    #[command(subcommand)]
    Tokens(TokensCommand),
    /// Revoke connections at Salesforce and forget them
    Revoke(RevokeArgs),
}

#[derive(Args, Debug)]
#[command(after_help = "EXAMPLES:\n  \
sfconnect link                       # production (login.salesforce.com)\n  \
sfconnect link --sandbox --alias uat # sandbox (test.salesforce.com)\n  \
sfconnect link --login-url https://acme.my.salesforce.com\n  \
SFCONNECT_CLIENT_ID=3MVG9... sfconnect link --port 1718")]
pub struct LinkArgs {
    /// Log in to a sandbox (https://test.salesforce.com)
    #[arg(long)]
    pub sandbox: bool,

    /// Log in at this host instead: a My Domain or Experience Cloud URL (https)
    #[arg(long, value_name = "URL", conflicts_with = "sandbox")]
    pub login_url: Option<String>,

    /// Consumer key of your External Client App [default: PlatformCLI]
    #[arg(long, env = "SFCONNECT_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,

    /// OAuth scopes to request, space-separated
    #[arg(long, value_name = "SCOPES")]
    pub scopes: Option<String>,

    /// Port of the callback URL http://localhost:PORT/OauthRedirect (0: any free port)
    #[arg(long, env = "SFCONNECT_PORT", default_value_t = 1717)]
    pub port: u16,

    /// Name for the connection [default: the Salesforce username]
    #[arg(long, value_name = "NAME")]
    pub alias: Option<String>,

    /// Replace a connection that already uses the alias
    #[arg(long)]
    pub force: bool,

    /// Only print the login URL; do not open a browser
    #[arg(long)]
    pub no_browser: bool,

    /// Give up when no login completes within this many seconds
    #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,

    /// Print the new connection as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum TokensCommand {
    /// List linked connections (reads only the local index: no network, no keychain)
    #[command(
        after_help = "EXAMPLES:\n  sfconnect tokens list\n  sfconnect tokens list --json | jq -r '.connections[].alias'"
    )]
    List(ListArgs),
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Print {"version": 1, "connections": [...]}
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
#[command(
    after_help = "EXAMPLES:\n  sfconnect revoke uat\n  sfconnect revoke --all\n  sfconnect revoke old-laptop --local-only"
)]
pub struct RevokeArgs {
    /// Connections to revoke
    #[arg(
        value_name = "ALIAS",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub aliases: Vec<String>,

    /// Revoke every linked connection
    #[arg(long)]
    pub all: bool,

    /// Forget locally without calling Salesforce (the token stays valid there)
    #[arg(long)]
    pub local_only: bool,

    /// Print {"version": 1, "results": [...]}
    #[arg(long)]
    pub json: bool,
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
