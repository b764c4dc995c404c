//! The table of settings read from the environment. Adding a variable is
//! adding a row here; the docs, the man page and the source scan follow.

use super::Setting;

/// Declares each row as a constant (`settings::PORT`) and lists them all,
/// in this order, in `ALL` (with their names in `NAMES`, for the source
/// scan), so a row cannot be left out of the list.
macro_rules! table {
    ($($(#[$doc:meta])* $name:ident = $row:expr;)*) => {
        $($(#[$doc])* pub const $name: Setting = $row;)*
        /// Every row, in the order the docs list them.
        pub const ALL: &[Setting] = &[$($name),*];
        /// Each row's constant's name, as code refers to it.
        pub const NAMES: &[(&str, &Setting)] = &[$((stringify!($name), &$name)),*];
    };
}

table! {
    CONFIG_DIR = Setting {
        env: "SFCONNECT_CONFIG_DIR",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: Some("sfconnect in the platform's configuration directory"),
        help: "The directory of the index, the config file and the file store",
    };
    CLIENT_ID = Setting {
        env: "SFCONNECT_CLIENT_ID",
        fallbacks: &[],
        flag: Some("--client-id"),
        read_by_clap: true,
        config_key: Some("client-id"),
        default: Some("PlatformCLI"),
        help: "Consumer key of your External Client App",
    };
    CLIENT_SECRET = Setting {
        env: "SFCONNECT_CLIENT_SECRET",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: None,
        help: "The app's consumer secret, for apps that require one and for `link --client-credentials` (never a flag, where \
               other users could read it); kept with the connection it was linked with",
    };
    PORT = Setting {
        env: "SFCONNECT_PORT",
        fallbacks: &[],
        flag: Some("--port"),
        read_by_clap: true,
        config_key: Some("port"),
        default: Some("1717"),
        help: "Port of the callback URL http://localhost:PORT/OauthRedirect, or several to try \
               in order (1717,1718); 0: any free port",
    };
    ALIAS = Setting {
        env: "SFCONNECT_ALIAS",
        fallbacks: &[],
        flag: Some("ALIAS"),
        read_by_clap: false,
        config_key: None,
        default: Some("the alias in the nearest .sfconnect.toml, else the only linked connection"),
        help: "The connection a command acts on when none is named",
    };
    STORE = Setting {
        env: "SFCONNECT_STORE",
        fallbacks: &[],
        flag: Some("--store"),
        read_by_clap: false,
        config_key: Some("store"),
        default: Some("keychain"),
        help: "Where to keep the secret: keychain, keyutils (Linux kernel keyring, lost at \
               reboot), file (0600; encrypted when SFCONNECT_STORE_PASSPHRASE_CMD is set) or vault \
               (OpenBao / HashiCorp Vault, shared by several machines; docs/vault.md)",
    };
    STORE_PASSPHRASE_CMD = Setting {
        env: "SFCONNECT_STORE_PASSPHRASE_CMD",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: None,
        help: "A command printing the passphrase that encrypts the file store; it runs with \
               stdin closed",
    };
    STORE_PASSPHRASE_TIMEOUT = Setting {
        env: "SFCONNECT_STORE_PASSPHRASE_TIMEOUT",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: Some("30"),
        help: "Seconds the passphrase command may run before it is stopped (1 to 86400)",
    };
    KEYCHAIN_TIMEOUT = Setting {
        env: "SFCONNECT_KEYCHAIN_TIMEOUT",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: Some("10"),
        help: "Seconds before a keychain call gives up",
    };
    KERNEL_CACHE = Setting {
        env: "SFCONNECT_KERNEL_CACHE",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: Some("on"),
        help: "on or off: keep a copy of a keychain connection's access token in the Linux kernel's \
               user keyring for up to 10 minutes, so `token` needs no D-Bus call (SECURITY.md)",
    };
    LOCK_TIMEOUT = Setting {
        env: "SFCONNECT_LOCK_TIMEOUT",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: Some("30"),
        help: "Seconds a command waits for another sfconnect's lock on a connection or file, \
               or for a vault connection's refresh lease (0: do not wait; at most 86400)",
    };
    HTTP_TIMEOUT = Setting {
        env: "SFCONNECT_HTTP_TIMEOUT",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: Some("30"),
        help: "Seconds before a Salesforce call gives up (1 to 86400)",
    };
    BROWSER = Setting {
        env: "SFCONNECT_BROWSER",
        fallbacks: &["BROWSER"],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: Some("the system browser"),
        help: "The browser `link` opens: a command, `%s` replaced by the URL (else the URL is \
               appended); several commands may be separated by `:`",
    };
    AUDIENCE_URL = Setting {
        env: "SF_AUDIENCE_URL",
        fallbacks: &[],
        flag: Some("--audience"),
        read_by_clap: false,
        config_key: None,
        default: Some("https://test.salesforce.com for sandboxes and scratch orgs, else https://login.salesforce.com"),
        help: "The `aud` of the assertions of `link --jwt`, read as the Salesforce CLI reads it",
    };
    AUTH_URL = Setting {
        env: "SFCONNECT_AUTH_URL",
        fallbacks: &[],
        flag: Some("ALIAS"),
        read_by_clap: false,
        config_key: None,
        default: None,
        help: "An SFDX auth URL (force://...): the environment connection of `token`, `exec`, `api` and \
               `tokens check`, with no link and no file (see docs/environment-mode.md); a password",
    };
    ENV = Setting {
        env: "SFCONNECT_ENV",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: None,
        help: "jwt or client-credentials: describe the environment connection by the SFCONNECT_ variables \
               of that grant (never guessed from SFCONNECT_CLIENT_ID/SECRET alone)",
    };
    JWT_KEY = Setting {
        env: "SFCONNECT_JWT_KEY",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: None,
        help: "SFCONNECT_ENV=jwt: the PEM private key itself (one line with literal \\n accepted)",
    };
    USERNAME = Setting {
        env: "SFCONNECT_USERNAME",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: None,
        help: "SFCONNECT_ENV=jwt: the Salesforce username to act as",
    };
    LOGIN_URL = Setting {
        env: "SFCONNECT_LOGIN_URL",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: None,
        help: "SFCONNECT_ENV=jwt or client-credentials: the login URL (or SFCONNECT_DOMAIN, or SFCONNECT_SANDBOX=1)",
    };
    DOMAIN = Setting {
        env: "SFCONNECT_DOMAIN",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: None,
        help: "SFCONNECT_ENV=jwt or client-credentials: the My Domain name (with SFCONNECT_SANDBOX=1: NAME--SANDBOX)",
    };
    SANDBOX = Setting {
        env: "SFCONNECT_SANDBOX",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: Some("0"),
        help: "SFCONNECT_ENV=jwt or client-credentials: 1 for a sandbox (test.salesforce.com, or the sandbox My Domain)",
    };
    ENV_CACHE = Setting {
        env: "SFCONNECT_ENV_CACHE",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: None,
        help: "A job-private directory (yours, not writable by others) where the environment connection \
               keeps its access token and a rotated refresh token for the rest of the job",
    };
    VAULT_ADDR = Setting {
        env: "VAULT_ADDR",
        fallbacks: &["BAO_ADDR"],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: None,
        help: "The vault (OpenBao or HashiCorp Vault) of `--store vault`; https, or http on a loopback \
               address. Read only when the vault store is used",
    };
    VAULT_TOKEN = Setting {
        env: "VAULT_TOKEN",
        fallbacks: &["BAO_TOKEN"],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: Some("the token file ~/.vault-token, else an AppRole login"),
        help: "The vault token of `--store vault`; never printed or passed on",
    };
    VAULT_ROLE_ID = Setting {
        env: "VAULT_ROLE_ID",
        fallbacks: &["BAO_ROLE_ID"],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: None,
        help: "With VAULT_SECRET_ID: log in to the vault by AppRole when no token is given",
    };
    VAULT_SECRET_ID = Setting {
        env: "VAULT_SECRET_ID",
        fallbacks: &["BAO_SECRET_ID"],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: None,
        help: "The AppRole secret id that goes with VAULT_ROLE_ID",
    };
    VAULT_NAMESPACE = Setting {
        env: "VAULT_NAMESPACE",
        fallbacks: &["BAO_NAMESPACE"],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: None,
        help: "The vault namespace (sent as X-Vault-Namespace)",
    };
    VAULT_CACERT = Setting {
        env: "VAULT_CACERT",
        fallbacks: &["BAO_CACERT"],
        flag: None,
        read_by_clap: false,
        config_key: None,
        default: Some("the system's trusted certificates"),
        help: "A PEM file of CA certificates the vault's certificate is checked against, besides the system's",
    };
    VAULT_MOUNT = Setting {
        env: "SFCONNECT_VAULT_MOUNT",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: Some("vault-mount"),
        default: Some("secret"),
        help: "The KV version 2 mount of `--store vault`",
    };
    VAULT_PREFIX = Setting {
        env: "SFCONNECT_VAULT_PREFIX",
        fallbacks: &[],
        flag: None,
        read_by_clap: false,
        config_key: Some("vault-prefix"),
        default: Some("sfconnect"),
        help: "The path under the mount where `--store vault` keeps connections",
    };
    NO_COLOR = Setting {
        env: "NO_COLOR",
        fallbacks: &[],
        flag: Some("--color"),
        read_by_clap: false,
        config_key: None,
        default: None,
        help: "When set and not empty, no colour (no-color.org), unless --color always",
    };
}
