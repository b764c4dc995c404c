//! The config file (`config.toml` in the config dir): defaults for `link`
//! that a user sets once instead of repeating flags.
//!
//! Precedence, everywhere: a flag, then its environment variable, then this
//! file, then the built-in default. Unknown keys and bad values are refused
//! with the key's name and what it accepts (exit 2), both by `sfconnect
//! config set` and when a hand-edited file is read.

use crate::cli::StoreFlag;
use crate::error::{Error, Result};
use crate::index::files;
use crate::salesforce::hosts::parse_login_url;
use crate::secrets::StoreKind;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE: &str = "config.toml";

/// Every key and what it accepts. The environment variable that overrides a
/// key is the settings table's row for it (`Key::env`).
pub const KEYS: &[Key] = &[
    Key {
        name: "client-id",
        accepts: "the consumer key of your External Client App",
    },
    Key {
        name: "port",
        accepts: "a callback port, or several to try in order (1717 or 1717,1718)",
    },
    Key {
        name: "login-url",
        accepts: "an https login URL (My Domain or Experience Cloud site)",
    },
    Key {
        name: "scopes",
        accepts: "space-separated OAuth scopes (\"api refresh_token\")",
    },
    Key {
        name: "store",
        accepts: "keychain, keyutils, file or vault",
    },
    Key {
        name: "vault-mount",
        accepts: "the KV version 2 mount of the vault store (a vault path, e.g. secret)",
    },
    Key {
        name: "vault-prefix",
        accepts: "the path under the mount where the vault store keeps connections (e.g. sfconnect or teams/a/sfconnect)",
    },
    Key {
        name: "timeout",
        accepts: "seconds `link` waits for the login (a whole number from 1 to 86400)",
    },
];

pub struct Key {
    pub name: &'static str,
    pub accepts: &'static str,
}

impl Key {
    /// The setting that overrides this key from the environment, if any.
    pub fn env(&self) -> Option<&'static crate::settings::Setting> {
        crate::settings::for_config_key(self.name)
    }
}

/// The file's settings, validated, as strings.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Config {
    values: BTreeMap<String, String>,
}

pub fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

impl Config {
    pub fn load(dir: &Path) -> Result<Config> {
        let path = path(dir);
        match files::read_if_exists(&path)? {
            None => Ok(Config::default()),
            Some(text) => Self::parse_named(&text, &path),
        }
    }

    /// Parses and validates the text of a config file, touching no file
    /// (the fuzz target's entry). Errors name the file as `config.toml`.
    pub fn parse(text: &str) -> Result<Config> {
        Self::parse_named(text, Path::new(FILE))
    }

    /// The file's settings as they stand, unchecked: what `config set` and
    /// `config unset` start from, so that they can repair a file whose
    /// values fail validation (the error for such a file tells the user to
    /// use them). Only text that is not TOML at all is refused.
    pub fn load_unchecked(dir: &Path) -> Result<Config> {
        let path = path(dir);
        match files::read_if_exists(&path)? {
            None => Ok(Config::default()),
            Some(text) => Ok(Config {
                values: raw_values(&text, &path)?.into_iter().collect(),
            }),
        }
    }

    fn parse_named(text: &str, path: &Path) -> Result<Config> {
        let mut values = BTreeMap::new();
        for (name, text) in raw_values(text, path)? {
            let checked = validate(&name, &text).map_err(|e| {
                e.with_hint(format!(
                    "in {}; fix it with `sfconnect config set` or `sfconnect config unset`",
                    path.display()
                ))
            })?;
            values.insert(name, checked);
        }
        Ok(Config { values })
    }

    /// The first setting of the file that fails validation, if any.
    pub fn first_invalid(&self) -> Option<Error> {
        self.values
            .iter()
            .find_map(|(name, value)| validate(name, value).err())
    }

    /// The file's text for these settings; `parse` reads it back unchanged.
    pub fn render(&self) -> String {
        let mut table = toml::Table::new();
        for (name, value) in &self.values {
            let value = match (name.as_str(), value.parse::<i64>()) {
                ("timeout", Ok(secs)) => toml::Value::Integer(secs),
                _ => toml::Value::String(value.clone()),
            };
            table.insert(name.clone(), value);
        }
        format!("# sfconnect settings; see `sfconnect config --help`\n{table}")
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn set(&mut self, name: &str, value: &str) -> Result<()> {
        let checked = validate(name, value)?;
        self.values.insert(name.to_string(), checked);
        Ok(())
    }

    /// Removes a setting; one the file has is removed even when sfconnect
    /// does not know its name, so a hand-edited mistake can be undone.
    pub fn unset(&mut self, name: &str) -> Result<bool> {
        if self.values.remove(name).is_some() {
            return Ok(true);
        }
        key(name)?;
        Ok(false)
    }

    pub fn save(&self, dir: &Path) -> Result<()> {
        let _lock = files::lock(dir, FILE, "the settings file's lock")?;
        files::write_atomic(&path(dir), self.render().as_bytes())
    }

    pub fn port(&self) -> Option<&str> {
        self.get("port")
    }

    pub fn timeout(&self) -> Option<u64> {
        self.get("timeout").and_then(|t| t.parse().ok())
    }
}

/// The file's `name = value` pairs, values as text, nothing checked.
fn raw_values(text: &str, path: &Path) -> Result<Vec<(String, String)>> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        Error::usage(format!(
            "the config file {} is not valid TOML: {}",
            path.display(),
            e.message()
        ))
        .with_hint("fix it, or remove it and use `sfconnect config set`")
    })?;
    Ok(table
        .into_iter()
        .map(|(name, value)| {
            let text = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                other => other.to_string(),
            };
            (name, text)
        })
        .collect())
}

/// Built-in defaults, used when neither flag, environment nor file says.
pub const DEFAULT_PORT: u16 = 1717;
pub const DEFAULT_TIMEOUT_SECS: u64 = 300;
/// The longest a login may be waited for: a day. A larger value would not
/// be a deliberate choice, and an unbounded one overflows the deadline.
pub const MAX_TIMEOUT_SECS: u64 = 86_400;

/// The store for new connections when no flag names one: `SFCONNECT_STORE`,
/// then the `store` setting, then the OS keychain.
pub fn default_store(settings: &Config) -> Result<StoreKind> {
    match crate::settings::STORE.value() {
        // Named as the variable: no --store flag was given.
        Some(name) => StoreKind::parse(&name).map_err(|_| {
            Error::usage(format!(
                "SFCONNECT_STORE is {name:?}, which names no secret store: use keychain, keyutils, file or vault"
            ))
            .with_hint("fix or unset SFCONNECT_STORE, or pass --store")
        }),
        None => StoreKind::parse(settings.get("store").unwrap_or("keychain")),
    }
}

/// The store `--store` names, else the default one (`default_store`).
pub fn chosen_store(flag: &StoreFlag, settings: &Config) -> Result<StoreKind> {
    match &flag.name {
        Some(name) => StoreKind::parse(name),
        None => default_store(settings),
    }
}

pub fn key(name: &str) -> Result<&'static Key> {
    KEYS.iter().find(|k| k.name == name).ok_or_else(|| {
        let names: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
        Error::usage(format!(
            "unknown setting {name:?}: the settings are {}",
            names.join(", ")
        ))
    })
}

/// Checks a value for a key; returns it normalized.
pub fn validate(name: &str, value: &str) -> Result<String> {
    let key = key(name)?;
    let value = value.trim();
    let bad = || {
        Error::usage(format!(
            "bad value {value:?} for {name}: expected {}",
            key.accepts
        ))
    };
    let ok = match name {
        "client-id" => !value.is_empty() && !value.chars().any(char::is_whitespace),
        "port" => parse_ports(value).is_some(),
        "login-url" => {
            return parse_login_url(value)
                .map_err(|e| Error::usage(format!("bad value for login-url: {}", e.message)));
        }
        "scopes" => !value.split_whitespace().collect::<Vec<_>>().is_empty(),
        "store" => StoreKind::parse(value).is_ok(),
        "vault-mount" | "vault-prefix" => {
            return crate::vault::config::check_path(name, value);
        }
        "timeout" => {
            // Normalized, so `007` is saved and read back as 7.
            return match value.parse::<u64>() {
                Ok(secs) if (1..=MAX_TIMEOUT_SECS).contains(&secs) => Ok(secs.to_string()),
                _ => Err(bad()),
            };
        }
        _ => unreachable!("key() knows every name"),
    };
    if ok {
        Ok(value.to_string())
    } else {
        Err(bad())
    }
}

/// `1717` or `1717,1718,1719`.
pub fn parse_ports(value: &str) -> Option<Vec<u16>> {
    let ports: Option<Vec<u16>> = value.split(',').map(|p| p.trim().parse().ok()).collect();
    ports.filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exit;

    #[test]
    fn set_save_load_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::default();
        config.set("client-id", "3MVG9abc").unwrap();
        config.set("port", "1717, 1718").unwrap();
        config.set("timeout", "120").unwrap();
        config
            .set("login-url", "https://acme.my.salesforce.com/")
            .unwrap();
        config.save(dir.path()).unwrap();
        let loaded = Config::load(dir.path()).unwrap();
        assert_eq!(loaded.get("client-id"), Some("3MVG9abc"));
        assert_eq!(loaded.port(), Some("1717, 1718"));
        assert_eq!(loaded.timeout(), Some(120));
        assert_eq!(
            loaded.get("login-url"),
            Some("https://acme.my.salesforce.com")
        );
        assert!(
            std::fs::read_to_string(path(dir.path()))
                .unwrap()
                .contains("timeout = 120")
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_key() {
        let mut config = Config::default();
        let err = config.set("colour", "red").unwrap_err();
        assert_eq!(err.exit, Exit::Usage);
        assert!(err.message.contains("colour") && err.message.contains("client-id"));
        for (key, value) in [
            ("port", "http"),
            ("port", "70000"),
            ("store", "plaintext"),
            ("vault-mount", "../sys"),
            ("vault-prefix", "a//b"),
            ("timeout", "0"),
            ("login-url", "http://evil.example"),
            ("client-id", "a b"),
        ] {
            let err = config.set(key, value).unwrap_err();
            assert_eq!(err.exit, Exit::Usage, "{key}={value}");
            assert!(err.message.contains(key), "{}", err.message);
        }
    }

    #[test]
    fn a_bad_file_is_refused_with_the_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(path(dir.path()), "store = \"plaintext\"\n").unwrap();
        let err = Config::load(dir.path()).unwrap_err();
        assert_eq!(err.exit, Exit::Usage);
        assert!(err.message.contains("store"));
        std::fs::write(path(dir.path()), "nonsense = 1\n").unwrap();
        assert!(
            Config::load(dir.path())
                .unwrap_err()
                .message
                .contains("nonsense")
        );
        std::fs::write(path(dir.path()), "port = [\n").unwrap();
        assert!(
            Config::load(dir.path())
                .unwrap_err()
                .message
                .contains("config.toml")
        );
    }

    #[test]
    fn parse_touches_no_file_and_render_reads_back_unchanged() {
        let config =
            Config::parse("timeout = \"007\"\nport = \" 1717,1718 \"\nstore = \"file\"\n").unwrap();
        assert_eq!(config.timeout(), Some(7));
        assert_eq!(config.get("timeout"), Some("7"));
        assert_eq!(config.port(), Some("1717,1718"));
        assert_eq!(Config::parse(&config.render()).unwrap(), config);
        let err = Config::parse("port = [").unwrap_err();
        assert!(err.message.contains("config.toml"), "{}", err.message);
    }

    #[test]
    fn timeouts_are_bounded() {
        // A huge timeout would overflow the login's deadline.
        for bad in ["0", "86401", "18446744073709551615", "-1", "1e3"] {
            let err = validate("timeout", bad).unwrap_err();
            assert_eq!(err.exit, Exit::Usage, "{bad}");
        }
        assert_eq!(validate("timeout", "86400").unwrap(), "86400");
        assert!(Config::parse("timeout = 99999999999\n").is_err());
    }
}
