//! The command line: every command, flag and environment variable, with its
//! help text. Parsing only; behaviour lives in `commands/`.
//!
//! Every command's help has a one-line summary (the first paragraph of its
//! doc comment), a longer description (the rest, shown by `--help`) and an
//! EXAMPLES section (`after_help`). The alias arguments complete dynamically
//! from the index (`COMPLETE=bash sfconnect`, see `commands/completions.rs`).

use crate::commands::completions::complete_alias;
use crate::output::ColorChoice;
use clap::{Args, Parser, Subcommand};
use clap_complete::engine::ArgValueCompleter;

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
5 Salesforce unreachable, 6 secret store unavailable, 7 login not completed, \
8 API answered non-2xx.",
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
    /// connection and revokes its token.
    Link(LinkArgs),
    /// Inspect linked connections
    ///
    /// `tokens list` reads the local index only; `tokens check` and `tokens approvals` ask
    /// Salesforce.
    #[command(subcommand)]
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
    /// ALIAS, else $SFCONNECT_ALIAS, else the only linked one.
    Token(TokenArgs),
    /// Run a command with a fresh access token in its environment
    ///
    /// CMD gets SF_ACCESS_TOKEN, SF_INSTANCE_URL, SF_USERNAME and SF_ORG_ID in its environment
    /// (never in its arguments, where `ps` would show the token). stdin, stdout and stderr pass
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
    /// Read and change sfconnect's settings (config.toml)
    ///
    /// Defaults for `link` kept in config.toml in the config directory. Precedence, for every
    /// setting: a flag, then its environment variable, then this file, then the built-in
    /// default. Settings: client-id (SFCONNECT_CLIENT_ID), port (SFCONNECT_PORT), login-url,
    /// scopes, store (SFCONNECT_STORE), timeout.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Move a connection's secret to another store
    ///
    /// Writes the secret to the new store, reads it back to verify it, records the new store
    /// in the index, and only then deletes it from the old store.
    #[command(after_help = "EXAMPLES:\n  \
sfconnect migrate prod --to keychain\n  \
sfconnect migrate ci-bot --to file\n  \
sfconnect tokens list --json | jq -r '.connections[].alias' | xargs -n1 sfconnect migrate --to keychain")]
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
    /// Prints sfconnect(1) on stdout, covering every command, for `man` to read.
    #[command(after_help = "EXAMPLES:\n  \
sfconnect man | man -l -\n  \
sfconnect man > ~/.local/share/man/man1/sfconnect.1")]
    Man,
}

/// How fresh an access token must be.
#[derive(Args, Debug, Clone, Copy)]
pub struct FreshnessArgs {
    /// Reuse a cached access token younger than this (e.g. 600, 90s, 10m, 1h)
    #[arg(long, value_name = "AGE", default_value = "10m", value_parser = parse_age)]
    pub max_age: std::time::Duration,

    /// Always refresh, never use the cached access token
    #[arg(long)]
    pub fresh: bool,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFormat {
    /// The token alone
    Bare,
    /// `Authorization: Bearer TOKEN`
    Header,
    /// {"alias", "access_token", "instance_url", "username", "org_id", "issued_at"}
    Json,
    /// SF_ACCESS_TOKEN=... and SF_INSTANCE_URL=... lines, shell-quoted, for `eval`
    Env,
}

#[derive(Args, Debug)]
#[command(after_help = "EXAMPLES:\n  \
curl -H \"Authorization: Bearer $(sfconnect token prod)\" \"$URL\"\n  \
curl -H \"$(sfconnect token prod --format header)\" \"$URL\"\n  \
eval \"$(sfconnect token prod --format env)\"\n  \
sfconnect token prod --json | jq -r .instance_url\n  \
token=$(sfconnect token prod) || exit   # 4: link again, 5: Salesforce unreachable")]
pub struct TokenArgs {
    /// The connection [default: $SFCONNECT_ALIAS, or the only one]
    #[arg(add = ArgValueCompleter::new(complete_alias))]
    pub alias: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = TokenFormat::Bare)]
    pub format: TokenFormat,

    /// Same as --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

impl TokenArgs {
    /// The format asked for, `--json` included.
    pub fn format(&self) -> TokenFormat {
        if self.json {
            TokenFormat::Json
        } else {
            self.format
        }
    }
}

#[derive(Args, Debug)]
#[command(after_help = "EXAMPLES:\n  \
sfconnect exec prod -- sh -c 'curl -H \"Authorization: Bearer $SF_ACCESS_TOKEN\" \"$SF_INSTANCE_URL/services/data/\"'\n  \
sfconnect exec -- python3 nightly_sync.py\n  \
sfconnect exec uat -- env | grep '^SF_INSTANCE_URL='")]
pub struct ExecArgs {
    /// The connection [default: $SFCONNECT_ALIAS, or the only one]
    #[arg(add = ArgValueCompleter::new(complete_alias))]
    pub alias: Option<String>,

    /// The command and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<String>,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

#[derive(Args, Debug)]
#[command(after_help = "EXAMPLES:\n  \
sfconnect api prod /services/data/v62.0/limits\n  \
sfconnect api prod \"/services/data/v62.0/query?q=SELECT+Id,Name+FROM+Account+LIMIT+5\" | jq -r '.records[].Name'\n  \
sfconnect api prod /services/data/v62.0/sobjects/Account -d '{\"Name\":\"Acme\"}'\n  \
sfconnect api prod /services/data/v62.0/sobjects/Account/001xx -X PATCH -d @account.json")]
pub struct ApiArgs {
    /// [ALIAS] PATH: the connection (optional) and a path on its instance
    /// (or a full URL on the instance's host)
    #[arg(
        value_name = "ALIAS] [PATH",
        num_args = 1..=2,
        required = true,
        add = ArgValueCompleter::new(complete_alias)
    )]
    pub target: Vec<String>,

    /// HTTP method [default: GET, or POST with -d]
    #[arg(short = 'X', long = "method", value_name = "METHOD")]
    pub method: Option<String>,

    /// Request body; @FILE reads a file, @- reads stdin. Sent as JSON.
    #[arg(short = 'd', long = "data", value_name = "DATA")]
    pub data: Option<String>,

    /// Extra request header, "Name: value" (repeatable)
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

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

/// `600`, `90s`, `10m`, `1h`.
fn parse_age(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, "s"),
    };
    let value: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not an age such as 600, 90s, 10m or 1h"))?;
    let seconds = match unit {
        "s" => value,
        "m" => value * 60,
        "h" => value * 3600,
        _ => return Err(format!("{text:?}: use a number with s, m or h")),
    };
    Ok(std::time::Duration::from_secs(seconds))
}

#[derive(Args, Debug)]
#[command(
    after_help = "Log in and store the connection; the login URL is always printed on stderr.\n\n\
Where no browser can reach this machine's localhost (an SSH session without a forwarded \
display, Linux without DISPLAY or WAYLAND_DISPLAY, a container), sfconnect does not open one: \
it prints the URL, an `ssh -L PORT:localhost:PORT USER@HOST` line for a tunnel, and asks you \
to paste back the address the browser ended on (http://localhost:PORT/OauthRedirect?code=...), \
read from a terminal, or from a pipe with --paste. SFCONNECT_BROWSER or $BROWSER always opens \
that browser. --device uses Salesforce's device flow instead: approve on any device with a code. \
While waiting, a terminal shows the time left; Ctrl-C cancels (exit 7).\n\n\
EXAMPLES:\n  \
sfconnect link                              # production (login.salesforce.com)\n  \
sfconnect link --sandbox --alias uat        # sandbox (test.salesforce.com)\n  \
sfconnect link --domain acme                # https://acme.my.salesforce.com\n  \
sfconnect link --sandbox --domain acme--uat # https://acme--uat.sandbox.my.salesforce.com\n  \
sfconnect link --login-url acme.lightning.force.com  # becomes https://acme.my.salesforce.com\n  \
sfconnect link --port 1717,1718,1719        # the first free port (each must be a callback URL)\n  \
sfconnect link --device --client-id 3MVG9...  # approve on another device\n  \
sfconnect link --no-browser --paste < callback.txt   # paste-back from a file or pipe\n  \
sfconnect link --json | jq -r .alias        # in a script: the new alias"
)]
pub struct LinkArgs {
    /// Log in to a sandbox (https://test.salesforce.com, or with --domain a sandbox My Domain)
    #[arg(long)]
    pub sandbox: bool,

    /// Log in at this host instead: a My Domain or Experience Cloud URL (a bare host gets https://;
    /// a Lightning, Visualforce or Setup URL becomes its My Domain login URL)
    #[arg(long, value_name = "URL", conflicts_with = "sandbox")]
    pub login_url: Option<String>,

    /// Log in at the My Domain https://NAME.my.salesforce.com (with --sandbox:
    /// NAME--SBX for https://NAME--SBX.sandbox.my.salesforce.com)
    #[arg(long, value_name = "NAME", conflicts_with = "login_url")]
    pub domain: Option<String>,

    /// Consumer key of your External Client App [default: PlatformCLI]
    #[arg(long, env = "SFCONNECT_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,

    /// OAuth scopes to request, space-separated
    #[arg(long, value_name = "SCOPES")]
    pub scopes: Option<String>,

    /// Port of the callback URL http://localhost:PORT/OauthRedirect, or several to try in
    /// order (1717,1718); 0: any free port
    /// [default: the `port` setting, else 1717]
    #[arg(
        long,
        env = "SFCONNECT_PORT",
        value_name = "PORT[,PORT...]",
        value_delimiter = ','
    )]
    pub port: Vec<u16>,

    /// Where to keep the secret: keychain, keyutils (Linux kernel keyring, lost at reboot)
    /// or file (0600; encrypted when SFCONNECT_STORE_PASSPHRASE_CMD is set) [default: the
    /// `store` setting, else keychain]
    #[arg(long, env = "SFCONNECT_STORE", value_name = "STORE", value_parser = ["keychain", "keyutils", "file"])]
    pub store: Option<String>,

    /// Name for the connection [default: the Salesforce username]
    #[arg(long, value_name = "NAME")]
    pub alias: Option<String>,

    /// Replace a connection that already uses the alias
    #[arg(long)]
    pub force: bool,

    /// Only print the login URL; do not open a browser
    #[arg(long)]
    pub no_browser: bool,

    /// Read the address the browser ended on from stdin even when it is not a terminal
    #[arg(long)]
    pub paste: bool,

    /// Log in with Salesforce's device flow: approve on any device with a code (needs an app
    /// with "Enable for Device Flow")
    #[arg(long, conflicts_with_all = ["paste", "no_browser"])]
    pub device: bool,

    /// Give up when no login completes within this many seconds
    /// [default: the `timeout` setting, else 300]
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=crate::config::MAX_TIMEOUT_SECS))]
    pub timeout: Option<u64>,

    /// Print the new connection as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum TokensCommand {
    /// List linked connections
    ///
    /// Reads only the local index: no network, no keychain, so it is fast and never prompts.
    /// The STATUS column is the last verdict from Salesforce (see `tokens check`): `-` until
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
    /// result is recorded for `tokens list`. Exit 0 when all are ok, 4 if any is revoked,
    /// else 5.
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
    /// Salesforce does not let the user read them, it says why and still exits 0.
    #[command(after_help = "EXAMPLES:\n  \
sfconnect tokens approvals prod\n  \
sfconnect tokens approvals --json | jq .count")]
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
    /// Connections to check [default: all]
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
    /// The connection [default: $SFCONNECT_ALIAS, or the only one]
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
sfconnect revoke old-laptop --local-only\n  \
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

    /// The store to move the secret to: keychain, keyutils or file
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn ages() {
        assert_eq!(parse_age("600").unwrap().as_secs(), 600);
        assert_eq!(parse_age("90s").unwrap().as_secs(), 90);
        assert_eq!(parse_age("10m").unwrap().as_secs(), 600);
        assert_eq!(parse_age("1h").unwrap().as_secs(), 3600);
        for bad in ["", "m", "10d", "-1", "1.5m"] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
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
