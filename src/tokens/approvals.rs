//! The five-approval budget (docs/salesforce-oauth.md §5): how many refresh tokens
//! this user holds for this app, from Salesforce's `OauthToken` object.
//!
//! Salesforce keeps at most five approvals per user per app; the sixth login
//! anywhere silently revokes the oldest. A plain user may query their own
//! `OauthToken` rows, so we can count them and warn before that happens. The
//! object has an app name but no client id, so the app is recognised by the
//! approval created when this connection was linked (for an imported
//! connection, whose approval its source created long before: the one last
//! used when the import checked it), and its name is remembered in the
//! index. Some orgs refuse the query: that is advice lost,
//! never a failure of the command that asked.

use crate::app::Context;
use crate::error::{Error, Result};
use crate::index::connection::{Connection, Kind};
use crate::salesforce::errors::clean;
use crate::salesforce::http::Http;
use crate::salesforce::oauth::host_of;
use crate::tokens::access::Access;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const API_VERSION: &str = "v62.0";
pub const APPROVAL_LIMIT: usize = 5;

/// One approval (one refresh token) of the user, as Salesforce lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Approval {
    #[serde(rename(deserialize = "AppName"))]
    pub app_name: String,
    #[serde(rename(deserialize = "CreatedDate"), with = "salesforce_date")]
    pub created_at: DateTime<Utc>,
    #[serde(
        rename(deserialize = "LastUsedDate"),
        with = "salesforce_date_opt",
        default
    )]
    pub last_used_at: Option<DateTime<Utc>>,
    #[serde(rename(deserialize = "UseCount"), default)]
    pub use_count: Option<u64>,
}

/// This app's approvals for the connection's user, oldest first.
#[derive(Debug, Clone)]
pub struct Budget {
    pub app_name: String,
    pub approvals: Vec<Approval>,
    /// Index in `approvals` of the one this connection holds, if recognised.
    pub ours: Option<usize>,
}

#[derive(Deserialize)]
struct QueryResult {
    records: Vec<Approval>,
}

/// Queries the user's approvals and picks out this connection's app.
pub fn fetch(http: &Http, access: &Access) -> Result<Budget> {
    let connection = &access.connection;
    let soql = format!(
        "SELECT AppName, CreatedDate, LastUsedDate, UseCount FROM OauthToken WHERE UserId = '{}' ORDER BY CreatedDate",
        connection.user_id.replace('\'', "")
    );
    let base = format!(
        "{}/services/data/{API_VERSION}/query",
        connection.instance_url
    );
    let url = url::Url::parse_with_params(&base, &[("q", soql)])
        .map_err(|e| Error::unexpected(format!("bad instance URL {base}: {e}")))?;
    let host = host_of(&base);
    let request = http.client().get(url).bearer_auth(access.token.expose());
    let answer = http.send(request, &host)?;
    if !answer.is_success() {
        return Err(refused(&answer.body));
    }
    let result: QueryResult = serde_json::from_slice(&answer.body).map_err(|e| {
        Error::network(format!(
            "{host} answered the OauthToken query with unexpected JSON ({e})"
        ))
    })?;
    budget(connection, result.records)
}

fn refused(body: &[u8]) -> Error {
    #[derive(Deserialize)]
    struct RestError {
        #[serde(rename = "errorCode")]
        code: String,
    }
    let code = serde_json::from_slice::<Vec<RestError>>(body)
        .ok()
        .and_then(|errors| errors.into_iter().next())
        .map_or_else(|| "refused".to_string(), |e| clean(&e.code));
    Error::network(format!(
        "this org does not let the user query their OAuth approvals ({code})"
    ))
}

fn budget(connection: &Connection, mut all: Vec<Approval>) -> Result<Budget> {
    // Salesforce lists them oldest first; make sure, keeping its order on ties.
    all.sort_by_key(|a| a.created_at);
    let app_name = match &connection.app_name {
        Some(name) => name.clone(),
        None => ours(&all, connection)
            .map(|i| all[i].app_name.clone())
            .ok_or_else(|| {
                Error::network("Salesforce lists no approval that matches this connection")
            })?,
    };
    let approvals: Vec<Approval> = all.into_iter().filter(|a| a.app_name == app_name).collect();
    let ours = ours(&approvals, connection);
    Ok(Budget {
        app_name,
        approvals,
        ours,
    })
}

/// This connection's approval. A linked one created it; an imported one
/// shares its source's, created at some earlier login, so it is the one
/// used closest to the connection's last refresh (the import's check is
/// one), else, as for any, the one created when it was stored.
fn ours(approvals: &[Approval], connection: &Connection) -> Option<usize> {
    let used = match (connection.kind, connection.last_refreshed_at) {
        (Kind::Imported, Some(refreshed)) => closest_by(approvals, refreshed, |a| a.last_used_at),
        _ => None,
    };
    used.or_else(|| closest(approvals, connection.created_at))
}

/// The approval created when the connection was linked (within minutes,
/// allowing for clock skew between us and Salesforce). Dates have whole
/// seconds, so among equally close ones the newest wins: the link created
/// its approval after anything it could be confused with.
fn closest(approvals: &[Approval], linked_at: DateTime<Utc>) -> Option<usize> {
    closest_by(approvals, linked_at, |a| Some(a.created_at))
}

/// The approval whose `when` is closest to `at`, within minutes; the newest
/// of equally close ones.
fn closest_by(
    approvals: &[Approval],
    at: DateTime<Utc>,
    when: impl Fn(&Approval) -> Option<DateTime<Utc>>,
) -> Option<usize> {
    approvals
        .iter()
        .enumerate()
        .filter_map(|(i, a)| Some((i, when(a)?)))
        .map(|(i, time)| (i, time, (time - at).num_seconds().abs()))
        .filter(|(_, _, distance)| *distance <= 10 * 60)
        .min_by_key(|(i, created, distance)| (*distance, std::cmp::Reverse((*created, *i))))
        .map(|(i, _, _)| i)
}

/// Keeps the app's name, so later counts need not guess which app is ours.
pub fn remember_app_name(ctx: &Context, connection: &Connection, budget: &Budget) {
    if connection.app_name.as_deref() == Some(budget.app_name.as_str()) {
        return;
    }
    let _ = ctx.registry.update(|index| {
        if let Some(c) = index.connections.iter_mut().find(|c| c.id == connection.id) {
            c.app_name = Some(budget.app_name.clone());
        }
        Ok(())
    });
}

impl Budget {
    pub fn count(&self) -> usize {
        self.approvals.len()
    }

    /// "approvals for APP: N of 5", and at the limit, a warning naming the
    /// approval the next login anywhere will revoke.
    pub fn lines(&self, alias: &str) -> Vec<String> {
        let mut lines = vec![format!(
            "approvals for {}: {} of {APPROVAL_LIMIT}",
            self.app_name,
            self.count()
        )];
        if self.count() >= APPROVAL_LIMIT
            && let Some(oldest) = self.approvals.first()
        {
            let whose = if self.ours == Some(0) {
                format!(" (this connection, {alias})")
            } else {
                String::new()
            };
            lines.push(format!(
                "warning: that is Salesforce's limit: the next login with this app anywhere revokes the oldest approval, created {}{whose}, last used {}",
                oldest.created_at.format("%Y-%m-%d %H:%M UTC"),
                oldest
                    .last_used_at
                    .map_or("never".to_string(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            ));
        }
        lines
    }
}

/// Salesforce's `2026-11-28T21:00:00.000+0000`.
mod salesforce_date {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn parse(text: &str) -> Option<DateTime<Utc>> {
        DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
            .or_else(|_| DateTime::parse_from_rfc3339(text))
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).ok_or_else(|| serde::de::Error::custom(format!("bad date {text:?}")))
    }

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }
}

mod salesforce_date_opt {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| {
                super::salesforce_date::parse(&text)
                    .ok_or_else(|| serde::de::Error::custom(format!("bad date {text:?}")))
            })
            .transpose()
    }

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::salesforce_date::serialize(t, s),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approval(app: &str, created: &str) -> Approval {
        Approval {
            app_name: app.into(),
            created_at: salesforce_date::parse(created).unwrap(),
            last_used_at: None,
            use_count: Some(0),
        }
    }

    #[test]
    fn the_newest_of_equally_close_approvals_is_ours() {
        let linked = salesforce_date::parse("2026-11-28T21:00:00.000+0000").unwrap();
        let approvals = vec![
            approval("A", "2026-11-01T10:00:00.000+0000"),
            approval("A", "2026-11-28T21:00:00.000+0000"),
            approval("A", "2026-11-28T21:00:00.000+0000"),
        ];
        assert_eq!(closest(&approvals, linked), Some(2));
        let long_ago = salesforce_date::parse("2026-01-01T00:00:00.000+0000").unwrap();
        assert_eq!(
            closest(&approvals, long_ago),
            None,
            "nothing within minutes"
        );
    }

    #[test]
    fn an_imported_connection_is_matched_by_its_last_use() {
        let date = |text: &str| salesforce_date::parse(text).unwrap();
        let mut source = approval("Salesforce CLI", "2026-03-01T10:00:00.000+0000");
        source.last_used_at = Some(date("2026-11-28T21:00:01.000+0000"));
        let mut other = approval("Other", "2026-11-28T20:59:00.000+0000");
        other.last_used_at = Some(date("2026-11-01T00:00:00.000+0000"));
        let approvals = vec![source, other];
        let mut connection: Connection = serde_json::from_str(
            r#"{"alias": "ci", "username": "u", "org_id": "00D", "user_id": "005",
            "instance_url": "https://a.my.salesforce.com", "login_url": "https://a.my.salesforce.com",
            "client_id": "PlatformCLI", "kind": "imported", "scopes": [],
            "created_at": "2026-11-28T21:00:00Z", "last_refreshed_at": "2026-11-28T21:00:00Z",
            "store": "file", "id": "x"}"#,
        )
        .unwrap();
        assert_eq!(ours(&approvals, &connection), Some(0));
        // A linked connection is still its approval's creation.
        connection.kind = Kind::Browser;
        assert_eq!(ours(&approvals, &connection), Some(1));
    }

    #[test]
    fn salesforce_dates_parse() {
        let t = salesforce_date::parse("2026-11-28T21:00:05.000+0000").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-28T21:00:05+00:00");
        assert!(salesforce_date::parse("yesterday").is_none());
    }

    #[test]
    fn warns_at_the_limit_naming_the_oldest() {
        let approvals: Vec<Approval> = (1..=5)
            .map(|d| approval("Acme CLI", &format!("2026-11-0{d}T10:00:00.000+0000")))
            .collect();
        let budget = Budget {
            app_name: "Acme CLI".into(),
            approvals,
            ours: Some(0),
        };
        let lines = budget.lines("prod");
        assert_eq!(lines[0], "approvals for Acme CLI: 5 of 5");
        assert!(lines[1].contains("2026-11-01 10:00 UTC"), "{}", lines[1]);
        assert!(lines[1].contains("this connection, prod"));
        let fewer = Budget {
            approvals: budget.approvals[..3].to_vec(),
            ..budget
        };
        assert_eq!(fewer.lines("prod").len(), 1);
    }
}
