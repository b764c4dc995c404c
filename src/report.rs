//! The JSON documents sfconnect prints: one type per documented shape
//! (README, "JSON output"), the public contract scripts parse.
//!
//! They are kept apart from the index records (`index::connection`) so the
//! index file format and the public output can change independently: a
//! field added to a record does not appear in `tokens list --json` until it
//! is added here. `version` is this output's own version, not the index's.
//! Field names and order follow the documentation; every time is RFC 3339
//! in UTC with whole seconds. The integration tests pin each shape's field
//! names (tests/cli/json_shapes.rs).
//!
//! The listings borrow from the records they describe and are streamed by
//! `output::print_json`: `tokens list --json` with 1,000 connections copies
//! no record (bench/bench.py measures it).

use crate::index::connection::{Connection, Health, Kind};
use crate::index::status::Status;
use crate::index::timestamp;
use crate::secrets::StoreKind;
use crate::vault::config::VaultConfig;
use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};
use std::path::Path;

/// The version of every JSON document that carries one.
pub const VERSION: u32 = 1;

fn time<S: Serializer>(time: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&timestamp::format(time))
}

fn optional_time<S: Serializer>(time: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match time {
        Some(t) => self::time(t, s),
        None => s.serialize_none(),
    }
}

/// `sfconnect tokens list --json`.
#[derive(Serialize)]
pub struct ConnectionList<'a> {
    pub version: u32,
    pub connections: Connections<'a>,
}

impl<'a> ConnectionList<'a> {
    pub fn new(connections: &'a [Connection]) -> Self {
        Self::with_vault(connections, None)
    }

    /// The list, each vault connection with its `vault_path` in `vault`.
    pub fn with_vault(connections: &'a [Connection], vault: Option<&'a VaultConfig>) -> Self {
        ConnectionList {
            version: VERSION,
            connections: Connections(connections, vault),
        }
    }
}

/// The records, each written as a `ConnectionView` as it is reached.
pub struct Connections<'a>(&'a [Connection], Option<&'a VaultConfig>);

impl Serialize for Connections<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.0
                .iter()
                .map(|c| ConnectionView::new(c).in_vault(self.1)),
        )
    }
}

/// One connection, in `tokens list --json` and `link --json`.
#[derive(Serialize)]
pub struct ConnectionView<'a> {
    pub alias: &'a str,
    pub username: &'a str,
    pub org_id: &'a str,
    pub user_id: &'a str,
    pub instance_url: &'a str,
    pub login_url: &'a str,
    pub client_id: &'a str,
    /// How the connection gets its tokens: browser, device, jwt,
    /// client-credentials.
    pub kind: Kind,
    /// The `aud` a JWT connection's assertions carry; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<&'a str>,
    pub scopes: &'a [String],
    #[serde(serialize_with = "time")]
    pub created_at: DateTime<Utc>,
    /// `null` until first used.
    #[serde(serialize_with = "optional_time")]
    pub last_used_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "optional_time")]
    pub last_refreshed_at: Option<DateTime<Utc>>,
    pub store: StoreKind,
    /// Where a vault connection's secret is (`mount/prefix/secrets/ID`, as
    /// `bao kv get` names it); absent for the other stores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vault_path: Option<String>,
    pub id: &'a str,
    /// Absent until sfconnect has learnt the app's name in the approvals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_name: Option<&'a str>,
    /// Absent until Salesforce has said something about the connection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<HealthView<'a>>,
}

impl<'a> ConnectionView<'a> {
    pub fn new(c: &'a Connection) -> Self {
        ConnectionView {
            alias: c.alias.as_str(),
            username: &c.username,
            org_id: &c.org_id,
            user_id: &c.user_id,
            instance_url: &c.instance_url,
            login_url: &c.login_url,
            client_id: &c.client_id,
            kind: c.kind,
            audience: c.audience.as_deref(),
            scopes: &c.scopes,
            created_at: c.created_at,
            last_used_at: c.last_used_at,
            last_refreshed_at: c.last_refreshed_at,
            store: c.store,
            vault_path: None,
            id: &c.id,
            app_name: c.app_name.as_deref(),
            health: c.health.as_ref().map(HealthView::new),
        }
    }
}

impl ConnectionView<'_> {
    /// With `vault_path` set, for a connection in the vault.
    pub fn in_vault(mut self, vault: Option<&VaultConfig>) -> Self {
        if let (StoreKind::Vault, Some(config)) = (self.store, vault) {
            self.vault_path = Some(crate::vault::shared::display_path(config, self.id));
        }
        self
    }
}

/// A connection's last verdict, inside `ConnectionView`.
#[derive(Serialize)]
pub struct HealthView<'a> {
    pub status: Status,
    pub detail: &'a str,
    #[serde(serialize_with = "time")]
    pub checked_at: DateTime<Utc>,
}

impl<'a> HealthView<'a> {
    pub fn new(health: &'a Health) -> Self {
        HealthView {
            status: health.status,
            detail: &health.detail,
            checked_at: health.checked_at,
        }
    }
}

/// `sfconnect tokens check --json`.
#[derive(Serialize)]
pub struct CheckReport<'a> {
    pub version: u32,
    pub results: Vec<CheckResult<'a>>,
}

#[derive(Serialize)]
pub struct CheckResult<'a> {
    pub alias: &'a str,
    pub status: Status,
    /// Salesforce's or the network's reason.
    pub detail: &'a str,
    #[serde(serialize_with = "time")]
    pub checked_at: DateTime<Utc>,
}

impl<'a> CheckReport<'a> {
    pub fn new(results: &'a [(String, Health)]) -> Self {
        let results = results
            .iter()
            .map(|(alias, health)| CheckResult {
                alias,
                status: health.status,
                detail: &health.detail,
                checked_at: health.checked_at,
            })
            .collect();
        CheckReport {
            version: VERSION,
            results,
        }
    }
}

/// `sfconnect tokens approvals --json`, when Salesforce lets the user count.
#[derive(Serialize)]
pub struct ApprovalCount<'a> {
    pub version: u32,
    pub alias: &'a str,
    /// Always `true` here; `false` in `ApprovalsUnavailable`.
    pub available: bool,
    pub app_name: &'a str,
    pub count: usize,
    pub limit: usize,
    /// Oldest first.
    pub approvals: Vec<ApprovalView>,
}

#[derive(Serialize)]
pub struct ApprovalView {
    #[serde(serialize_with = "time")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "optional_time")]
    pub last_used_at: Option<DateTime<Utc>>,
    pub use_count: Option<u64>,
    /// The approval this connection holds.
    pub this_connection: bool,
}

/// `sfconnect tokens approvals --json`, when Salesforce refuses the count
/// (the command still exits 0).
#[derive(Serialize)]
pub struct ApprovalsUnavailable<'a> {
    pub version: u32,
    pub alias: &'a str,
    /// Always `false`.
    pub available: bool,
    pub reason: &'a str,
}

/// `sfconnect tokens approvals --json` for a connection that holds no
/// approval (JWT bearer, client credentials): nothing to count.
#[derive(Serialize)]
pub struct ApprovalsNotUsed<'a> {
    pub version: u32,
    pub alias: &'a str,
    pub kind: Kind,
    /// Always `false`.
    pub uses_approval: bool,
    pub note: &'a str,
}

/// `sfconnect token --json` (`--format json`). No `version`: it is the one
/// shape meant to be read field by field straight into a script.
#[derive(Serialize)]
pub struct TokenReport<'a> {
    pub alias: &'a str,
    pub access_token: &'a str,
    pub instance_url: &'a str,
    pub username: &'a str,
    pub org_id: &'a str,
    #[serde(serialize_with = "time")]
    pub issued_at: DateTime<Utc>,
}

/// `sfconnect revoke --json`.
#[derive(Serialize)]
pub struct RevokeReport {
    pub version: u32,
    pub results: Vec<RevokeResult>,
}

#[derive(Serialize)]
pub struct RevokeResult {
    pub alias: String,
    /// `revoked`, `already_invalid`, `nothing_to_revoke`, `no_secret`,
    /// `forgotten_locally` or `failed`.
    pub outcome: &'static str,
    pub detail: String,
}

/// `sfconnect config list --json`.
#[derive(Serialize)]
pub struct ConfigReport<'a> {
    pub version: u32,
    pub file: &'a Path,
    pub settings: Vec<SettingView<'a>>,
}

#[derive(Serialize)]
pub struct SettingView<'a> {
    pub key: &'a str,
    /// The value in effect, the built-in default included.
    pub value: &'a str,
    /// `env VAR`, `config file` or `default`.
    pub source: &'a str,
    /// Why the value is refused (only a bad environment variable can be).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a str>,
}

/// `sfconnect doctor --json`.
#[derive(Serialize)]
pub struct DoctorReport<'a> {
    pub version: u32,
    pub sfconnect_version: &'static str,
    pub config_dir: &'a Path,
    pub findings: Vec<FindingView<'a>>,
    pub link_would_work: bool,
    /// Per store that can list its entries: the secrets no connection
    /// refers to.
    pub orphans: Vec<OrphanReport>,
    /// Temp files left by a writer that died.
    pub leftover_temp_files: Vec<String>,
}

#[derive(Serialize)]
pub struct FindingView<'a> {
    /// `index`, `config`, `keychain`, `keyutils`, `file`, `orphans`,
    /// `temp files`, `app`, `port`, `browser` or `proxy`.
    pub topic: &'a str,
    pub ok: bool,
    pub detail: &'a str,
    pub blocks_link: bool,
}

#[derive(Serialize)]
pub struct OrphanReport {
    pub store: StoreKind,
    /// Those still there.
    pub ids: Vec<String>,
    /// Those `--clean` deleted.
    pub removed: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::alias::Alias;
    use chrono::TimeZone;

    fn connection() -> Connection {
        let at = Utc.with_ymd_and_hms(2026, 11, 28, 21, 2, 11).unwrap();
        Connection {
            alias: Alias::new("prod").unwrap(),
            username: "ada@acme.com".into(),
            org_id: "00D".into(),
            user_id: "005".into(),
            instance_url: "https://acme.my.salesforce.com".into(),
            login_url: "https://login.salesforce.com".into(),
            client_id: "3MVG9".into(),
            kind: Kind::Browser,
            audience: None,
            scopes: vec!["api".into()],
            created_at: at,
            last_used_at: None,
            last_refreshed_at: Some(at),
            store: StoreKind::Keychain,
            id: "9f0c".into(),
            app_name: None,
            health: Some(Health::new(Status::Blocked, "app blocked", at)),
        }
    }

    /// Today the listing says what the index says: same names, same values.
    /// The day the index changes, this test shows whether the output did.
    #[test]
    fn a_listed_connection_reads_like_its_record() {
        let record = connection();
        let listed = serde_json::to_value(ConnectionView::new(&record)).unwrap();
        let stored = serde_json::to_value(&record).unwrap();
        assert_eq!(listed, stored);
        assert_eq!(listed["store"], "keychain");
        assert_eq!(listed["health"]["status"], "blocked");
        assert_eq!(listed["created_at"], "2026-11-28T21:02:11Z");
        assert!(listed["last_used_at"].is_null());
        assert!(listed.get("app_name").is_none());
    }

    #[test]
    fn the_listing_streams_every_connection() {
        let records = [connection(), connection()];
        let text = serde_json::to_string(&ConnectionList::new(&records)).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["version"], 1);
        assert_eq!(value["connections"].as_array().unwrap().len(), 2);
        assert!(text.starts_with("{\"version\":1,\"connections\":[{\"alias\":\"prod\""));
    }
}
