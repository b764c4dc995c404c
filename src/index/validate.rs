//! An index entry is used only once it passes, as read, the rules it passed
//! when it was written: the file can be edited by hand, or by anything that
//! runs as the user (security checklist, "Check ... every URL read back
//! from the index, not just the scheme: files can be edited").
//!
//! The login URL must be one `link` accepts (`https`, or `http` on a
//! loopback address); the instance URL must be one a token response may
//! name for that login URL (`hosts::check_server_url`); the id must have the
//! shape sfconnect generates, because it names the secret-store entry and
//! the lock file. A refused entry is a one-line error (exit 2) naming the
//! field, raised before any network request. The other entries are not
//! affected, and `revoke --local-only` can still forget the refused one.

use crate::error::{Error, Result};
use crate::index::connection::{Connection, Retired};
use crate::salesforce::errors::clean;
use crate::salesforce::hosts::{check_server_url, is_loopback_host};
use crate::secrets::is_connection_id;
use url::Url;

/// Checks a connection's fields that decide where its tokens go.
pub fn connection(c: &Connection) -> Result<()> {
    let alias = clean(&c.alias);
    let refuse = |field: &str, value: &str, why: &str| {
        refused(&format!("the index entry {alias}"), field, value, why).with_hint(format!(
            "repair {field} in the index file (index.json in the config directory), or forget the entry with `sfconnect revoke {alias} --local-only` and link again"
        ))
    };
    check_id(&c.id).map_err(|why| refuse("id", &c.id, &why))?;
    check_login_url(&c.login_url).map_err(|why| refuse("login_url", &c.login_url, &why))?;
    check_text(&c.instance_url)
        .and_then(|()| check_server_url(&c.login_url, &c.instance_url).map(drop))
        .map_err(|why| refuse("instance_url", &c.instance_url, &why))
}

/// Checks a replaced connection awaiting revocation: its refresh token goes
/// to its login URL, and its id names its secret.
pub fn retired(r: &Retired) -> Result<()> {
    let entry = format!(
        "the replaced connection {} awaiting revocation",
        clean(&r.alias)
    );
    let refuse = |field: &str, value: &str, why: &str| {
        refused(&entry, field, value, why).with_hint(format!(
            "repair {field} under \"retired\" in the index file (index.json in the config directory), or delete that record and revoke the token in Salesforce (Settings > Connected Apps OAuth Usage)"
        ))
    };
    check_id(&r.id).map_err(|why| refuse("id", &r.id, &why))?;
    check_login_url(&r.login_url).map_err(|why| refuse("login_url", &r.login_url, &why))
}

/// `ENTRY is refused: its FIELD "VALUE" cannot be used (WHY)`, one line.
fn refused(entry: &str, field: &str, value: &str, why: &str) -> Error {
    Error::usage(format!(
        "{entry} is refused: its {field} {:?} cannot be used ({why}); nothing was sent for it",
        clean(value)
    ))
}

fn check_id(id: &str) -> Result<(), String> {
    if is_connection_id(id) {
        Ok(())
    } else {
        Err("sfconnect generates ids of 32 lower-case hex digits".to_string())
    }
}

/// The rule of `hosts::require_safe_scheme`, worded for a stored value.
fn check_login_url(input: &str) -> Result<(), String> {
    check_text(input)?;
    let url = Url::parse(input).map_err(|e| format!("it is not a URL: {e}"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("it carries a user name or password".to_string());
    }
    let host = url.host_str().unwrap_or_default();
    match url.scheme() {
        "https" if !host.is_empty() => Ok(()),
        "http" if is_loopback_host(host) => Ok(()),
        "http" => Err("plain http is allowed only to a loopback address".to_string()),
        _ => Err("it is not an https URL".to_string()),
    }
}

/// A stored URL is printed and passed to child processes as it stands: it
/// may hold no control character (sfconnect writes none).
fn check_text(value: &str) -> Result<(), String> {
    if value.chars().any(char::is_control) {
        Err("it contains control characters".to_string())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exit;
    use crate::index::alias::Alias;
    use crate::index::connection::Kind;
    use crate::secrets::StoreKind;
    use chrono::Utc;

    fn entry() -> Connection {
        Connection {
            alias: Alias::new("prod").unwrap(),
            username: "ada@example.com".into(),
            org_id: "00D000000000001EAA".into(),
            user_id: "005000000000001AAA".into(),
            instance_url: "https://acme.my.salesforce.com".into(),
            login_url: "https://login.salesforce.com".into(),
            client_id: "PlatformCLI".into(),
            kind: Kind::Browser,
            audience: None,
            scopes: vec!["api".into()],
            created_at: Utc::now(),
            last_used_at: None,
            last_refreshed_at: None,
            last_rotated_at: None,
            store: StoreKind::File,
            id: "0123456789abcdef0123456789abcdef".into(),
            app_name: None,
            health: None,
        }
    }

    #[track_caller]
    fn refused_naming(c: &Connection, field: &str) {
        let err = connection(c).unwrap_err();
        assert_eq!(err.exit, Exit::Usage);
        assert!(
            err.message.contains(&format!("its {field} ")),
            "{}",
            err.message
        );
        assert!(
            !err.message.chars().any(char::is_control),
            "{}",
            err.message
        );
        assert!(err.hint.unwrap().contains("revoke prod --local-only"));
    }

    #[test]
    fn good_entries_pass() {
        connection(&entry()).unwrap();
        let mut local = entry();
        local.login_url = "http://127.0.0.1:4000".into();
        local.instance_url = "http://127.0.0.1:4000".into();
        connection(&local).unwrap();
    }

    #[test]
    fn each_field_that_steers_a_token_is_checked() {
        for (field, value) in [
            ("login_url", "http://acme.example.com"),
            ("login_url", "ftp://login.salesforce.com"),
            ("login_url", "https://u:p@login.salesforce.com"),
            ("login_url", "not a url"),
            ("instance_url", "https://evil.example"),
            ("instance_url", "http://acme.my.salesforce.com"),
            ("instance_url", "https://acme.my.salesforce.com/\u{1b}[2J"),
            ("id", "../../../../tmp/owned"),
            ("id", ""),
        ] {
            let mut c = entry();
            match field {
                "login_url" => c.login_url = value.into(),
                "instance_url" => c.instance_url = value.into(),
                _ => c.id = value.into(),
            }
            refused_naming(&c, field);
        }
        // A loopback instance needs a loopback login URL.
        let mut c = entry();
        c.instance_url = "http://127.0.0.1:4000".into();
        refused_naming(&c, "instance_url");
    }

    #[test]
    fn retired_entries_are_checked_too() {
        let mut r = Retired {
            alias: Alias::new("old").unwrap(),
            id: "0123456789abcdef0123456789abcdef".into(),
            store: StoreKind::File,
            kind: Kind::Browser,
            login_url: "https://login.salesforce.com".into(),
            retired_at: Utc::now(),
        };
        retired(&r).unwrap();
        r.login_url = "http://evil.example".into();
        assert!(retired(&r).unwrap_err().message.contains("login_url"));
    }
}
