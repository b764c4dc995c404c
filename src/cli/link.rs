//! The arguments of `link`: host, app, port, store, how to log in (in a
//! browser, with the device flow, or without a browser: JWT bearer and
//! client credentials).

use crate::settings;
use clap::Args;

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
With --store file, SFCONNECT_STORE_PASSPHRASE_CMD (a command printing the passphrase that \
encrypts the file) runs with stdin closed, so it never reads what you paste, and is stopped \
after SFCONNECT_STORE_PASSPHRASE_TIMEOUT seconds (default 30; exit 6).\n\n\
EXAMPLES:\n  \
sfconnect link                              # production (login.salesforce.com)\n  \
sfconnect link --sandbox --alias uat        # sandbox (test.salesforce.com)\n  \
sfconnect link --domain acme                # https://acme.my.salesforce.com\n  \
sfconnect link --sandbox --domain acme--uat # https://acme--uat.sandbox.my.salesforce.com\n  \
sfconnect link --login-url acme.lightning.force.com  # becomes https://acme.my.salesforce.com\n  \
sfconnect link --port 1717,1718,1719        # the first free port (each must be a callback URL)\n  \
sfconnect link --device --client-id 3MVG9...  # approve on another device\n  \
sfconnect link --no-browser --paste < callback.txt   # paste-back from a file or pipe\n  \
sfconnect link --json | jq -r .alias        # in a script: the new alias\n\n\
WITHOUT A BROWSER (servers, CI): --jwt signs a JWT with your RSA key (its certificate uploaded to \
the External Client App; `sfconnect keygen` makes both); --client-credentials uses the app's \
consumer secret and acts as its Run As user. Neither holds one of the five approvals.\n  \
sfconnect link --jwt --client-id 3MVG9... --username ci@acme.com --key-file ci.key --alias ci\n  \
sfconnect link --jwt --client-id 3MVG9... --username ci@acme.com --key-env SF_JWT_KEY --sandbox --domain acme--uat\n  \
SFCONNECT_CLIENT_SECRET=... sfconnect link --client-credentials --client-id 3MVG9... --domain acme\n  \
sfconnect link --client-credentials --client-id 3MVG9... --domain acme --secret-env CI_SF_SECRET"
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

    // Help, variable and default from the settings table.
    #[arg(
        long,
        env = settings::CLIENT_ID.env,
        help = settings::CLIENT_ID.flag_help(),
        value_name = "ID"
    )]
    pub client_id: Option<String>,

    /// OAuth scopes to request, space-separated
    #[arg(long, value_name = "SCOPES")]
    pub scopes: Option<String>,

    #[arg(
        long,
        env = settings::PORT.env,
        help = settings::PORT.flag_help(),
        value_name = "PORT[,PORT...]",
        value_delimiter = ','
    )]
    pub port: Vec<u16>,

    #[command(flatten)]
    pub store: super::StoreFlag,

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

    /// Link with the JWT bearer flow, no browser: sign a JWT with your RSA key, whose
    /// certificate is uploaded to the app (needs --client-id, --username and a key)
    #[arg(
        long,
        help_heading = "Without a browser",
        conflicts_with_all = ["device", "paste", "no_browser", "client_credentials", "scopes"]
    )]
    pub jwt: bool,

    /// The Salesforce username the JWT is for (its `sub`)
    #[arg(
        long,
        value_name = "USER",
        requires = "jwt",
        help_heading = "Without a browser"
    )]
    pub username: Option<String>,

    /// The PEM RSA private key (PKCS#1 or PKCS#8); sfconnect stores it in the secret store
    #[arg(
        long,
        value_name = "PATH",
        requires = "jwt",
        group = "jwt_key",
        help_heading = "Without a browser"
    )]
    pub key_file: Option<std::path::PathBuf>,

    /// Read the PEM RSA private key from stdin; sfconnect stores it in the secret store
    #[arg(
        long,
        requires = "jwt",
        group = "jwt_key",
        help_heading = "Without a browser"
    )]
    pub key_stdin: bool,

    /// Read the PEM RSA private key from this environment variable at every new token;
    /// nothing is stored but the variable's name
    #[arg(
        long,
        value_name = "VAR",
        requires = "jwt",
        group = "jwt_key",
        help_heading = "Without a browser"
    )]
    pub key_env: Option<String>,

    /// The JWT's `aud` [default: $SF_AUDIENCE_URL, else https://test.salesforce.com for
    /// sandboxes and scratch orgs, https://login.salesforce.com for production and My Domains,
    /// the login URL for Experience Cloud sites]
    #[arg(
        long,
        value_name = "URL",
        requires = "jwt",
        help_heading = "Without a browser"
    )]
    pub audience: Option<String>,

    /// Link with the client credentials flow, no browser: the app's consumer key and secret,
    /// acting as its Run As user; only on a My Domain (--domain or --login-url). The secret
    /// comes from SFCONNECT_CLIENT_SECRET, --secret-stdin or --secret-env
    #[arg(
        long,
        help_heading = "Without a browser",
        conflicts_with_all = ["device", "paste", "no_browser", "scopes"]
    )]
    pub client_credentials: bool,

    /// Read the consumer secret from stdin; sfconnect stores it in the secret store
    #[arg(
        long,
        requires = "client_credentials",
        conflicts_with = "secret_env",
        help_heading = "Without a browser"
    )]
    pub secret_stdin: bool,

    /// Read the consumer secret from this environment variable at every new token; nothing is
    /// stored but the variable's name
    #[arg(
        long,
        value_name = "VAR",
        requires = "client_credentials",
        help_heading = "Without a browser"
    )]
    pub secret_env: Option<String>,
}
