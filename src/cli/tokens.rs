//! The arguments of `tokens list|check|approvals` and `revoke`.

use super::complete::complete_alias;
use clap::{Args, Subcommand};
use clap_complete::engine::ArgValueCompleter;

#[derive(Subcommand, Debug)]
pub enum TokensCommand {
    /// List linked connections
    ///
    /// Reads only the local index: no network, no keychain, so it is fast and never prompts.
    /// KIND says how each was linked: browser, device, jwt or client-credentials. The STATUS column is the last verdict from Salesforce (see `tokens check`): `-` until
    /// one was recorded, in capitals when the connection needs attention. With --check, every
    /// connection is verified first and the exit code is that of `tokens check`.
    #[command(after_help = "EXAMPLES:\n  \
sfconnect tokens list\n  \
sfconnect tokens list --check\n  \
sfconnect tokens list --json | jq -r '.connections[].alias'")]
    List(ListArgs),
    /// Verify connections against Salesforce, in parallel
    ///
    /// Each connection is refreshed at Salesforce. Status: ok, revoked (invalid_grant: revoked,
    /// expired, or pushed out by the five-approval limit), unreachable (network, DNS, 5xx),
    /// blocked (the app is blocked or not approved for the user), error (anything else). The
    /// result is recorded for `tokens list`. Exit 0 when all are ok, 4 if any is revoked or
    /// blocked (as `token` exits for it), else 5.
    #[command(after_help = "EXAMPLES:\n  \
sfconnect tokens check\n  \
sfconnect tokens check prod uat --json | jq -r '.results[] | select(.status != \"ok\") | .alias'\n  \
sfconnect tokens check || echo 'a connection needs attention' >&2")]
    Check(CheckArgs),
    /// How many of Salesforce's five approvals per user per app are in use
    ///
    /// Salesforce keeps at most five approvals (refresh tokens) per user per connected app; a
    /// sixth login anywhere revokes the oldest. This asks Salesforce (the OauthToken object)
    /// how many this connection's user holds for its app, and which one goes next. When
    /// Salesforce does not let the user read them, it says why and still exits 0. JWT bearer and
    /// client-credentials connections hold no refresh token and so no approval: it says so (and
    /// the one exception: a JWT user whom the app does not pre-authorize relies on an earlier
    /// browser approval) without asking Salesforce.
    #[command(after_help = "EXAMPLES:\n  \
sfconnect tokens approvals prod\n  \
sfconnect tokens approvals prod --json | jq .count")]
    Approvals(ApprovalsArgs),
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Print {"version": 1, "connections": [...]}
    #[arg(long)]
    pub json: bool,

    /// Verify every connection at Salesforce first (as `tokens check`)
    #[arg(long)]
    pub check: bool,

    /// With --check: seconds to wait for each connection
    #[arg(long, value_name = "SECS", default_value_t = 15, requires = "check")]
    pub timeout: u64,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Connections to check [default: the environment connection if one is described, else all]
    #[arg(value_name = "ALIAS", add = ArgValueCompleter::new(complete_alias))]
    pub aliases: Vec<String>,

    /// Print {"version": 1, "results": [...]}
    #[arg(long)]
    pub json: bool,

    /// Seconds to wait for each connection
    #[arg(long, value_name = "SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
}

#[derive(Args, Debug)]
pub struct ApprovalsArgs {
    /// The connection [default: $SFCONNECT_ALIAS, .sfconnect.toml, or the only one]
    #[arg(add = ArgValueCompleter::new(complete_alias))]
    pub alias: Option<String>,

    /// Print the approvals as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
#[command(after_help = "EXAMPLES:\n  \
sfconnect revoke uat\n  \
sfconnect revoke --all\n  \
sfconnect revoke uat --local-only\n  \
sfconnect revoke uat --json | jq -r '.results[] | \"\\(.alias) \\(.outcome)\"'")]
pub struct RevokeArgs {
    /// Connections to revoke
    #[arg(
        value_name = "ALIAS",
        add = ArgValueCompleter::new(complete_alias),
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
