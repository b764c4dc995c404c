//! `sfconnect config get|set|unset|list`: the settings in config.toml.

use crate::app::Context;
use crate::cli::ConfigCommand;
use crate::config::{self, Config, KEYS};
use crate::error::{Error, Result};
use crate::output;
use crate::report::{self, ConfigReport, SettingView};
use crate::salesforce::hosts::PRODUCTION;
use crate::salesforce::oauth::{self, PLATFORM_CLI};
use crate::secrets::StoreKind;

pub fn run(ctx: &Context, command: ConfigCommand) -> Result<()> {
    let dir = &ctx.config_dir;
    match command {
        ConfigCommand::Get { key } => {
            config::key(&key)?;
            match Config::load(dir)?.get(&key) {
                Some(value) => output::print(&format!("{value}\n"))?,
                None => output::note(&format!("{key} is not set")),
            }
        }
        // These two repair the file too: they start from it unchecked, and
        // say what is still wrong after their change.
        ConfigCommand::Set { key, value } => {
            let mut settings = Config::load_unchecked(dir)?;
            settings.set(&key, &value)?;
            settings.save(dir)?;
            output::note(&format!(
                "{key} = {}",
                settings.get(&key).unwrap_or_default()
            ));
            warn_if_still_invalid(&settings);
        }
        ConfigCommand::Unset { key } => {
            let mut settings = Config::load_unchecked(dir)?;
            if settings.unset(&key)? {
                settings.save(dir)?;
                output::note(&format!("{key} unset"));
            } else {
                output::note(&format!("{key} was not set"));
            }
            warn_if_still_invalid(&settings);
        }
        ConfigCommand::List { json } => list(dir, json)?,
    }
    Ok(())
}

fn warn_if_still_invalid(settings: &Config) {
    if let Some(err) = settings.first_invalid() {
        output::warn(&format!(
            "config.toml still has a setting to fix: {}",
            err.message
        ));
    }
}

/// Every setting with its effective value and where it comes from: the
/// environment beats the file, which beats the built-in default (shown as
/// its value, marked `default`). A bad value in an environment variable is
/// shown, and makes the command fail with 2, as it would make `link` fail.
fn list(dir: &std::path::Path, json: bool) -> Result<()> {
    let settings = Config::load(dir)?;
    let mut rows = Vec::new();
    for key in KEYS {
        let from_env = key
            .env()
            .and_then(|setting| setting.value().map(|v| (setting.env, v)));
        let row = match (from_env, settings.get(key.name)) {
            (Some((var, value)), _) => Row {
                key: key.name,
                error: config::validate(key.name, &value)
                    .err()
                    .map(|e| format!("{var}: {}", e.message)),
                value,
                source: format!("env {var}"),
            },
            (None, Some(value)) => Row {
                key: key.name,
                value: value.to_string(),
                source: "config file".to_string(),
                error: None,
            },
            (None, None) => Row {
                key: key.name,
                value: default_value(key.name, &rows),
                source: "default".to_string(),
                error: None,
            },
        };
        rows.push(row);
    }
    if json {
        let file = config::path(dir);
        output::print_json(&ConfigReport {
            version: report::VERSION,
            file: &file,
            settings: rows
                .iter()
                .map(|row| SettingView {
                    key: row.key,
                    value: &row.value,
                    source: &row.source,
                    error: row.error.as_deref(),
                })
                .collect(),
        })?;
    } else {
        let mut text = String::new();
        for row in &rows {
            let source = match &row.error {
                Some(_) => format!("{}: INVALID", row.source),
                None => row.source.clone(),
            };
            text.push_str(&format!("{:<10} {}  [{source}]\n", row.key, row.value));
        }
        output::print(&text)?;
    }
    match rows.iter().find_map(|row| row.error.clone()) {
        Some(error) => Err(Error::usage(error).with_hint(
            "fix the environment variable, or unset it to use the config file or the default",
        )),
        None => Ok(()),
    }
}

struct Row {
    key: &'static str,
    value: String,
    source: String,
    error: Option<String>,
}

/// The built-in default of a setting; the default scopes depend on the
/// client id in effect (listed before them).
fn default_value(key: &str, earlier: &[Row]) -> String {
    match key {
        "client-id" => PLATFORM_CLI.to_string(),
        "port" => config::DEFAULT_PORT.to_string(),
        "login-url" => PRODUCTION.to_string(),
        "scopes" => {
            let client_id = earlier
                .iter()
                .find(|row| row.key == "client-id")
                .map_or(PLATFORM_CLI, |row| row.value.as_str());
            oauth::default_scopes(client_id).to_string()
        }
        "store" => StoreKind::Keychain.name().to_string(),
        "timeout" => config::DEFAULT_TIMEOUT_SECS.to_string(),
        "vault-mount" => crate::vault::config::DEFAULT_MOUNT.to_string(),
        "vault-prefix" => crate::vault::config::DEFAULT_PREFIX.to_string(),
        other => unreachable!("no default for {other}"),
    }
}
