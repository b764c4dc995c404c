//! What sfconnect remembers about a linked connection, outside the secret
//! store: the index file's format and its records.
//!
//! Nothing here is secret. Tokens live only in the secret store, under the
//! connection's stable `id`, which never changes when the alias does.

use crate::error::{Error, Result};
use crate::index::alias::Alias;
use crate::index::choice::Rule;
pub use crate::index::kind::Kind;
use crate::index::project;
use crate::index::status::Status;
use crate::output;
use crate::secrets::StoreKind;
use crate::settings;
use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

/// The index format version written by this build. A file with another
/// version is refused rather than guessed at (and never overwritten).
pub const INDEX_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Index {
    pub version: u32,
    pub connections: Vec<Connection>,
    /// Secrets of replaced connections whose revocation at Salesforce has
    /// not succeeded yet; retried by later network commands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<Retired>,
}

/// A replaced connection's secret awaiting revocation (see `retired.rs`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Retired {
    pub alias: Alias,
    pub id: String,
    pub store: StoreKind,
    pub login_url: String,
    #[serde(with = "crate::index::timestamp")]
    pub retired_at: DateTime<Utc>,
    /// How its secret is stored and revoked; absent in older files.
    #[serde(default)]
    pub kind: Kind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Connection {
    pub alias: Alias,
    pub username: String,
    pub org_id: String,
    pub user_id: String,
    pub instance_url: String,
    pub login_url: String,
    pub client_id: String,
    /// How it was linked, and so how it gets access tokens (`kind.rs`);
    /// absent in files written before kinds were recorded: `browser`.
    #[serde(default)]
    pub kind: Kind,
    /// JWT bearer only: the `aud` of its assertions, as chosen at link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    pub scopes: Vec<String>,
    #[serde(with = "crate::index::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(default, with = "crate::index::timestamp::option")]
    pub last_used_at: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::index::timestamp::option")]
    pub last_refreshed_at: Option<DateTime<Utc>>,
    /// When Salesforce last rotated this connection's refresh token (a
    /// refresh answer carrying a new one, docs/salesforce-oauth.md §4);
    /// absent when it never has, and in older files. `export` warns from
    /// it: the sf CLI does not keep rotated tokens.
    #[serde(
        default,
        with = "crate::index::timestamp::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_rotated_at: Option<DateTime<Utc>>,
    /// Where the secret lives.
    pub store: StoreKind,
    /// Key of the secret-store entry; random, never derived from the alias.
    pub id: String,
    /// The app's name as Salesforce lists its approvals (`OauthToken.AppName`),
    /// once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// The last verdict on this connection from Salesforce, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<Health>,
}

/// What Salesforce last said about a connection, kept so `tokens list` can
/// show it without a network call.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Health {
    pub status: Status,
    pub detail: String,
    #[serde(with = "crate::index::timestamp")]
    pub checked_at: DateTime<Utc>,
}

impl Health {
    /// A verdict reached at `at`, kept to the whole second like every time
    /// in the index.
    pub fn new(status: Status, detail: &str, at: DateTime<Utc>) -> Health {
        Health {
            status,
            detail: detail.to_string(),
            checked_at: at.trunc_subsecs(0),
        }
    }
}

impl Index {
    pub fn new() -> Self {
        Index {
            version: INDEX_VERSION,
            connections: Vec::new(),
            retired: Vec::new(),
        }
    }

    pub fn find(&self, alias: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.alias == alias)
    }

    /// The connection a command acts on: the alias given, else
    /// `SFCONNECT_ALIAS`, else the project file (`project.rs`), else the only
    /// connection. Never a stored "current" connection, which would race
    /// between shells. An entry that fails `validate::connection` is refused
    /// (exit 2). Under `-v`, says which rule chose.
    pub fn resolve(&self, alias: Option<&str>) -> Result<&Connection> {
        let (found, rule) = self.choose(alias)?;
        output::debug(&format!("connection {}: {rule}", found.alias));
        Ok(found)
    }

    /// `resolve`, with the rule that chose (`choice.rs`), for `doctor`.
    pub fn choose(&self, alias: Option<&str>) -> Result<(&Connection, Rule)> {
        let (found, rule) = self.choose_unchecked(alias)?;
        crate::index::validate::connection(found)?;
        Ok((found, rule))
    }

    fn choose_unchecked(&self, alias: Option<&str>) -> Result<(&Connection, Rule)> {
        if let Some(alias) = alias {
            return Ok((self.named(alias, &Rule::Argument)?, Rule::Argument));
        }
        if let Some(alias) = settings::ALIAS.value() {
            return Ok((
                self.named(&alias, &Rule::AliasVariable)?,
                Rule::AliasVariable,
            ));
        }
        if let Some(file) = project::find()? {
            let rule = Rule::ProjectFile(file.path);
            return Ok((self.named(&file.alias, &rule)?, rule));
        }
        match self.connections.as_slice() {
            [only] => Ok((only, Rule::OnlyOne)),
            [] => Err(Error::no_such_connection("nothing is linked yet")
                .with_hint("link a connection with `sfconnect link`")),
            _ => Err(Error::usage(format!(
                "several connections are linked; name one: {}",
                self.aliases().join(", ")
            ))
            .with_hint(format!(
                "pass the alias as the first argument, set SFCONNECT_ALIAS, or put \
                 alias = \"NAME\" in a {} of the project",
                project::FILE_NAME
            ))),
        }
    }

    /// The connection `alias` names, chosen by `rule`.
    fn named(&self, alias: &str, rule: &Rule) -> Result<&Connection> {
        // A name no connection could have is a usage error (exit 2), not a
        // missing connection (3).
        Alias::new(alias).map_err(|e| match rule {
            Rule::Argument => e,
            Rule::AliasVariable => e.with_hint("it comes from SFCONNECT_ALIAS"),
            other => e.with_hint(format!("it comes {other}")),
        })?;
        self.find(alias).ok_or_else(|| {
            let message = match rule {
                Rule::Argument => format!("no connection named {alias}"),
                other => format!("no connection named {alias} ({other})"),
            };
            Error::no_such_connection(message).with_hint(self.aliases_hint())
        })
    }

    pub fn aliases_hint(&self) -> String {
        if self.connections.is_empty() {
            "nothing is linked yet; link with `sfconnect link`".to_string()
        } else {
            format!("linked connections: {}", self.aliases().join(", "))
        }
    }

    pub fn aliases(&self) -> Vec<&str> {
        let mut aliases: Vec<&str> = self.connections.iter().map(|c| c.alias.as_str()).collect();
        aliases.sort_unstable();
        aliases
    }
}

/// Which kind of login host a connection uses, for the `tokens list` table.
pub fn host_kind(login_url: &str) -> &'static str {
    let host = url::Url::parse(login_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    if host == "login.salesforce.com" {
        "production"
    } else if host == "test.salesforce.com" || host.ends_with(".sandbox.my.salesforce.com") {
        "sandbox"
    } else {
        "custom"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_kinds() {
        assert_eq!(host_kind("https://login.salesforce.com"), "production");
        assert_eq!(host_kind("https://test.salesforce.com"), "sandbox");
        assert_eq!(
            host_kind("https://acme--uat.sandbox.my.salesforce.com"),
            "sandbox"
        );
        assert_eq!(host_kind("https://acme.my.salesforce.com"), "custom");
        assert_eq!(host_kind("http://127.0.0.1:8080"), "custom");
    }
}
