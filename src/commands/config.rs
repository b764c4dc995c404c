//! `sfconnect config get|set|unset|list`: the settings in config.toml.

use crate::app::Context;
use crate::cli::ConfigCommand;
use crate::config::{self, Config, KEYS};
use crate::error::Result;
use crate::output;
use crate::report::{self, ConfigReport, SettingView};

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
        ConfigCommand::Set { key, value } => {
            let mut settings = Config::load(dir)?;
            settings.set(&key, &value)?;
            settings.save(dir)?;
            output::note(&format!(
                "{key} = {}",
                settings.get(&key).unwrap_or_default()
            ));
        }
        ConfigCommand::Unset { key } => {
            let mut settings = Config::load(dir)?;
            if settings.unset(&key)? {
                settings.save(dir)?;
                output::note(&format!("{key} unset"));
            } else {
                output::note(&format!("{key} was not set"));
            }
        }
        ConfigCommand::List { json } => list(dir, json)?,
    }
    Ok(())
}

/// Every setting with its effective value and where it comes from: the
/// environment beats the file, which beats the default.
fn list(dir: &std::path::Path, json: bool) -> Result<()> {
    let settings = Config::load(dir)?;
    let rows: Vec<(&str, Option<String>, String)> = KEYS
        .iter()
        .map(|key| {
            let from_env = key.env.and_then(|var| {
                std::env::var(var)
                    .ok()
                    .filter(|v| !v.is_empty())
                    .map(|v| (var, v))
            });
            match (from_env, settings.get(key.name)) {
                (Some((var, value)), _) => (key.name, Some(value), format!("env {var}")),
                (None, Some(value)) => {
                    (key.name, Some(value.to_string()), "config file".to_string())
                }
                (None, None) => (key.name, None, "default".to_string()),
            }
        })
        .collect();
    if json {
        let file = config::path(dir);
        output::print_json(&ConfigReport {
            version: report::VERSION,
            file: &file,
            settings: rows
                .into_iter()
                .map(|(key, value, source)| SettingView { key, value, source })
                .collect(),
        })?;
    } else {
        let mut text = String::new();
        for (key, value, source) in rows {
            let shown = value.unwrap_or_else(|| "(default)".to_string());
            text.push_str(&format!("{key:<10} {shown}  [{source}]\n"));
        }
        output::print(&text)?;
    }
    Ok(())
}
