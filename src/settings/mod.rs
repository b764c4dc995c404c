//! Every environment variable sfconnect reads, read here and nowhere else.
//!
//! `table` lists the settings a user may give in the environment: for each,
//! the variable, the flag that wins over it, the config-file key it wins
//! over, the built-in default and a line of help. That one table feeds clap
//! (`env = settings::PORT.env` and the flags' help), the man page's
//! ENVIRONMENT section and the generated docs/commands.md ("Environment"),
//! which the README links to. A new variable is a new row: nothing else
//! lists them. `platform` lists the variables that describe the machine
//! rather than configure sfconnect (proxies, SSH, the display), read here
//! too so that the whole environment the tool depends on is in one file.
//!
//! A test (`source_scan`) fails when a file under src/ outside this module
//! reads the environment itself, names an `SFCONNECT_` variable the table
//! does not list, or when a row is used by nothing.

mod platform;
#[cfg(test)]
mod source_scan;
mod table;

pub use platform::{BROWSER_SITUATION, PLATFORM, PROXIES, Platform, platform};
pub use table::*;

use std::ffi::OsString;

/// One environment setting: a row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// The variable.
    pub env: &'static str,
    /// Variables read when `env` is not set, in order (`$BROWSER`).
    pub fallbacks: &'static [&'static str],
    /// What wins over the variable on the command line: a flag, or the
    /// ALIAS argument.
    pub flag: Option<&'static str>,
    /// Whether clap reads the variable for that flag (`env = ...`), so its
    /// help shows `[env: ...]`; otherwise sfconnect reads it after parsing
    /// (so that a bad value is reported as the variable, not the flag).
    pub read_by_clap: bool,
    /// The config.toml key the variable wins over.
    pub config_key: Option<&'static str>,
    /// The built-in default, as the user reads it.
    pub default: Option<&'static str>,
    /// What it sets, one line.
    pub help: &'static str,
}

impl Setting {
    /// The variable's value when it is set and not empty (as UTF-8; a value
    /// that is not counts as unset). Callers that also ignore white space
    /// say so where they call it.
    pub fn value(&self) -> Option<String> {
        std::env::var(self.env).ok().filter(|v| !v.is_empty())
    }

    /// The variable's value when it is set and not empty, as the OS gives it
    /// (a path need not be UTF-8).
    pub fn os_value(&self) -> Option<OsString> {
        std::env::var_os(self.env).filter(|v| !v.is_empty())
    }

    /// The first of the variable and its fallbacks whose value is not
    /// blank, with its name.
    pub fn first_set(&self) -> Option<(&'static str, String)> {
        std::iter::once(self.env)
            .chain(self.fallbacks.iter().copied())
            .find_map(|name| {
                std::env::var(name)
                    .ok()
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| (name, v))
            })
    }

    /// Removes the variable from this process's environment, so that no
    /// child inherits it.
    ///
    /// # Safety
    ///
    /// No other thread may exist: changing the environment races with any
    /// thread reading it.
    pub unsafe fn remove(&self) {
        // SAFETY: the caller guarantees this process has a single thread.
        unsafe { std::env::remove_var(self.env) };
    }

    /// The help of the flag that wins over the variable: the row's help and
    /// where the value comes from when the flag is not given.
    pub fn flag_help(&self) -> String {
        if self.flag.is_none() {
            return self.help.to_string();
        }
        let mut chain = Vec::new();
        if !self.read_by_clap {
            // clap shows `[env: NAME=]` itself for the variables it reads.
            chain.push(format!("${}", self.env));
        }
        if let Some(key) = self.config_key {
            chain.push(format!("the `{key}` setting"));
        }
        chain.extend(self.default.map(String::from));
        format!("{} [default: {}]", self.help, chain.join(", else "))
    }
}

/// A variable whose name the user chose (a flag names it), so it cannot be
/// a row of the table: its value when set and not empty, as for a row.
pub fn named_by_user(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Whether a flag's argument is a variable's name (`--from-env`,
/// `--key-env`, `--secret-env`): a name a shell can export (POSIX: letters,
/// digits and `_`, not starting with a digit). Stricter than the
/// environment itself, on purpose: a value given by mistake (a URL, a PEM
/// line) is refused as such, and never quoted back in a "not set" message.
pub fn is_variable_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The row whose config-file key is `key`: the variable that overrides it.
pub fn for_config_key(key: &str) -> Option<&'static Setting> {
    ALL.iter().find(|s| s.config_key == Some(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variable_name_is_told_from_a_value() {
        assert!(is_variable_name("SFDX_AUTH_URL"));
        assert!(!is_variable_name(""));
        assert!(!is_variable_name("SFDX_AUTH_URL=force://x@y"));
        assert!(!is_variable_name("A\0B"));
        assert!(is_variable_name("_private_1"));
        assert!(!is_variable_name("1ST"));
        assert!(!is_variable_name(
            "force://PlatformCLI::5Aep@acme.my.salesforce.com"
        ));
        assert!(!is_variable_name("-----BEGIN PRIVATE KEY-----"));
    }

    /// The table's defaults are text for people; the code's are typed
    /// constants where the value is used. They must say the same.
    #[test]
    fn defaults_match_the_code() {
        let code = [
            (&PORT, crate::config::DEFAULT_PORT.to_string()),
            (
                &CLIENT_ID,
                crate::salesforce::oauth::PLATFORM_CLI.to_string(),
            ),
            (&STORE, crate::secrets::StoreKind::Keychain.to_string()),
            (
                &HTTP_TIMEOUT,
                crate::salesforce::http::DEFAULT_TIMEOUT_SECS.to_string(),
            ),
            (
                &KEYCHAIN_TIMEOUT,
                crate::secrets::keyring::DEFAULT_TIMEOUT_SECS.to_string(),
            ),
            (
                &STORE_PASSPHRASE_TIMEOUT,
                crate::secrets::passphrase_cmd::DEFAULT_TIMEOUT_SECS.to_string(),
            ),
            (
                &LOCK_TIMEOUT,
                crate::index::file_lock::DEFAULT_TIMEOUT_SECS.to_string(),
            ),
        ];
        for (setting, value) in code {
            assert_eq!(setting.default, Some(value.as_str()), "{}", setting.env);
        }
    }

    #[test]
    fn flag_help_says_where_the_value_comes_from() {
        assert_eq!(
            PORT.flag_help(),
            format!("{} [default: the `port` setting, else 1717]", PORT.help)
        );
        // clap does not read SFCONNECT_STORE, so the help names it.
        assert!(
            STORE
                .flag_help()
                .ends_with("[default: $SFCONNECT_STORE, else the `store` setting, else keychain]")
        );
        assert_eq!(CLIENT_SECRET.flag_help(), CLIENT_SECRET.help);
    }

    #[test]
    fn a_variable_named_by_the_user_is_read_by_its_name() {
        // PATH is set wherever tests run; this name is set nowhere.
        assert!(named_by_user("PATH").is_some());
        assert_eq!(named_by_user("SETTINGS_TEST_NEVER_SET"), None);
    }

    #[test]
    fn config_keys_find_their_variable() {
        assert_eq!(
            for_config_key("port").map(|s| s.env),
            Some("SFCONNECT_PORT")
        );
        assert_eq!(for_config_key("login-url"), None);
        for key in crate::config::KEYS {
            assert_eq!(key.env(), for_config_key(key.name));
        }
    }
}
