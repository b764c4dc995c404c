//! What Salesforce's refusals of the headless grants mean, and what fixes
//! them (docs/salesforce-oauth.md §11). Salesforce's own words are shown, after
//! `clean`, followed by our reading and, as the hint, the fix.
//!
//! The exit code depends on the moment. While linking, a refusal is a
//! setup mistake the person at the keyboard fixes (exit 2). For a stored
//! connection it is exit 4, "re-link needed", the code scripts already
//! branch on: a rotated certificate or secret in a cron job must land
//! there. A missing approval is exit 4 in both cases: re-linking (in the
//! browser) or an admin's pre-authorization fixes it, not the command line.
//!
//! An expired assertion ("expired authorization code") almost always
//! means this computer's clock is wrong: the server's `Date` header is
//! compared with ours, and an offset over 30 s is printed. Its exit code is
//! the same as the other refusals (2 while linking, 4 for a stored
//! connection): retrying never fixes a wrong clock, so a script should stop
//! and call a person, which is what 4 already means to it.

use super::errors::{describe, is_app_blocked};
use super::grant::Refusal;
use super::jwt::{AUDIENCE_ENV, other_audience};
use crate::error::{Error, Exit};

/// A larger clock offset is reported.
pub const CLOCK_SKEW_REPORT_SECS: i64 = 30;

/// Which grant was refused.
pub enum Grant<'a> {
    Jwt {
        username: &'a str,
        audience: &'a str,
    },
    ClientCredentials,
}

/// When it was refused.
pub enum Moment<'a> {
    /// During `link`.
    Link,
    /// Minting for a stored connection; `relink` is the command that
    /// links it again.
    Stored { alias: &'a str, relink: &'a str },
    /// Minting for the environment connection (`SFCONNECT_ENV`): nothing
    /// to link again, the job's variables or the app need fixing.
    Environment,
}

/// Turns a refusal into our error: message, exit code, hint.
pub fn explain(refusal: &Refusal, grant: &Grant, moment: &Moment, client_id: &str) -> Error {
    let said = describe(&refusal.code, &refusal.description);
    let description = refusal.description.to_ascii_lowercase();
    let has = |words: &str| description.contains(words);
    let what = match grant {
        Grant::Jwt { username, .. } => format!("the JWT bearer grant for {username}"),
        Grant::ClientCredentials => format!("the client credentials grant of app {client_id}"),
    };
    let setup_exit = match moment {
        Moment::Link => Exit::Usage,
        Moment::Stored { .. } | Moment::Environment => Exit::RelinkNeeded,
    };
    let relink = match moment {
        Moment::Link => String::new(),
        Moment::Stored { relink, .. } => format!("; then link it again: {relink}"),
        Moment::Environment => "; then fix the job's SFCONNECT_ variables".to_string(),
    };
    let (exit, reading, fix) = match (refusal.code.as_str(), grant) {
        ("invalid_grant", Grant::Jwt { .. }) if has("hasn't approved") || has("not approved") => (
            Exit::RelinkNeeded,
            "the user has not approved the app, and the app does not pre-authorize them".to_string(),
            format!(
                "an admin pre-authorizes the user: in the External Client App's policies choose \"Admin approved users are pre-authorized\" and add the user's profile or permission set; or the user approves the app once in the browser with `sfconnect link --client-id {client_id}` (that approval holds one of the user's five)"
            ),
        ),
        ("invalid_grant", Grant::Jwt { audience, .. }) if has("audience") => {
            let other = other_audience(audience);
            let first = other.split(' ').next().unwrap_or_default().to_string();
            (
                setup_exit,
                format!("Salesforce did not accept the JWT's aud {audience}"),
                match moment {
                    Moment::Link => format!(
                        "try --audience {first} (or {AUDIENCE_ENV}={first}): sandboxes and scratch orgs use {other_sandbox}, production and other My Domains {other_production}",
                        other_sandbox = super::hosts::SANDBOX,
                        other_production = super::hosts::PRODUCTION,
                    ),
                    Moment::Stored { relink, .. } => format!(
                        "link it again with the other audience: {relink} --audience {first}"
                    ),
                    Moment::Environment => format!("set {AUDIENCE_ENV}={first}"),
                },
            )
        }
        ("invalid_grant", Grant::Jwt { .. }) if has("expired") => {
            let (reading, fix) = clock_reading(refusal.clock_offset_secs);
            // A clock is fixed on this computer; the connection stays good.
            (setup_exit, reading, fix)
        }
        ("invalid_grant", Grant::Jwt { .. }) if has("invalid assertion") => (
            setup_exit,
            "the signature does not match the certificate in the app: the certificate there is not this key's".to_string(),
            format!(
                "upload this key's certificate to the External Client App (OAuth settings, \"Use digital signatures\"), or use the key whose certificate is there; the two match when `openssl x509 -noout -pubkey -in CERT` and `openssl pkey -pubout -in KEY` print the same{relink}"
            ),
        ),
        ("invalid_grant", _) if has("locked") || has("inactive") => (
            setup_exit,
            "the user cannot log in: Salesforce has locked or deactivated them".to_string(),
            format!(
                "an admin unlocks or reactivates the user in Setup > Users (for client credentials: the app's Run As user){relink}"
            ),
        ),
        ("invalid_grant", Grant::ClientCredentials) if has("client credentials user") => (
            setup_exit,
            "the app has no Run As user for the client credentials flow".to_string(),
            format!(
                "set one in Setup > External Client App Manager > the app > Policies > OAuth Policies > \"Run As\" (an API-only integration user is recommended){relink}"
            ),
        ),
        ("invalid_client_id", _) => (
            setup_exit,
            format!("Salesforce does not know the consumer key {client_id}"),
            format!(
                "check --client-id: it is the External Client App's consumer key, and the app must be installed in this org{relink}"
            ),
        ),
        ("invalid_client", Grant::ClientCredentials) => (
            setup_exit,
            "Salesforce refused the consumer secret".to_string(),
            match moment {
                Moment::Link => "pass the app's current consumer secret (SFCONNECT_CLIENT_SECRET, --secret-stdin or --secret-env VAR)".to_string(),
                Moment::Stored { relink, .. } => format!(
                    "the secret was probably rotated in the app: link again with the new one: {relink}"
                ),
                Moment::Environment => "the secret was probably rotated in the app: set SFCONNECT_CLIENT_SECRET to the new one".to_string(),
            },
        ),
        ("unsupported_grant_type", grant) => (
            setup_exit,
            "the app does not allow this flow".to_string(),
            format!(
                "in the External Client App's OAuth settings, tick {}{relink}",
                match grant {
                    Grant::Jwt { .. } => "\"Enable JWT Bearer Flow\" and upload the certificate",
                    Grant::ClientCredentials => "\"Enable Client Credentials Flow\" and set a Run As user",
                }
            ),
        ),
        ("invalid_request", _) if has("domain") => (
            setup_exit,
            "Salesforce accepts this flow only on the org's My Domain".to_string(),
            format!("use --domain NAME or --login-url https://NAME.my.salesforce.com{relink}"),
        ),
        (code, _) if is_app_blocked(code) => (
            Exit::RelinkNeeded,
            "Salesforce blocks this app for this user".to_string(),
            "ask a Salesforce admin to install and approve the External Client App".to_string(),
        ),
        _ => (
            setup_exit,
            "Salesforce refused it".to_string(),
            format!("check the app's OAuth settings and the user in Setup{relink}"),
        ),
    };
    let prefix = match moment {
        Moment::Link => String::new(),
        Moment::Stored { alias, .. } => format!("{alias}: "),
        Moment::Environment => "environment connection: ".to_string(),
    };
    let error = Error::new(
        exit,
        format!("{prefix}Salesforce refused {what} ({said}): {reading}"),
    )
    .with_hint(fix);
    if refusal.code.is_empty() {
        error
    } else {
        error.with_salesforce_code(&refusal.code)
    }
}

/// What an expired assertion says about the clocks.
fn clock_reading(offset: Option<i64>) -> (String, String) {
    match offset {
        Some(offset) if offset.abs() > CLOCK_SKEW_REPORT_SECS => (
            format!(
                "the assertion had expired when Salesforce read it: this computer's clock is {} s {} Salesforce's",
                offset.abs(),
                if offset > 0 { "behind" } else { "ahead of" }
            ),
            "set this computer's clock right (enable NTP, e.g. `timedatectl set-ntp true`), then try again".to_string(),
        ),
        Some(offset) => (
            format!(
                "the assertion had expired when Salesforce read it, though the clocks agree within {CLOCK_SKEW_REPORT_SECS} s (offset {offset} s)"
            ),
            "try again; if it keeps failing, check the clock of this computer against an NTP server".to_string(),
        ),
        None => (
            "the assertion had expired when Salesforce read it: this computer's clock is probably wrong".to_string(),
            "set this computer's clock right (enable NTP), then try again".to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(code: &str, description: &str) -> Refusal {
        Refusal {
            status: 400,
            code: code.into(),
            description: description.into(),
            clock_offset_secs: None,
        }
    }

    const JWT: Grant = Grant::Jwt {
        username: "ada@example.com",
        audience: "https://login.salesforce.com",
    };
    const STORED: Moment = Moment::Stored {
        alias: "ci",
        relink: "sfconnect link --jwt --alias ci --force",
    };

    #[test]
    fn link_errors_exit_2_stored_ones_4_and_approval_4_in_both() {
        for (code, description, grant) in [
            ("invalid_grant", "audience is invalid", &JWT),
            ("invalid_grant", "invalid assertion", &JWT),
            ("invalid_grant", "expired authorization code", &JWT),
            ("invalid_client_id", "client identifier invalid", &JWT),
            ("unsupported_grant_type", "grant type not supported", &JWT),
            (
                "invalid_client",
                "invalid client credentials",
                &Grant::ClientCredentials,
            ),
            (
                "invalid_grant",
                "no client credentials user enabled",
                &Grant::ClientCredentials,
            ),
            (
                "invalid_request",
                "request not supported on this domain",
                &Grant::ClientCredentials,
            ),
        ] {
            let r = refusal(code, description);
            let link = explain(&r, grant, &Moment::Link, "3MVG9k");
            assert_eq!(link.exit, Exit::Usage, "{description}");
            assert!(link.message.contains(description), "{}", link.message);
            let stored = explain(&r, grant, &STORED, "3MVG9k");
            assert_eq!(stored.exit, Exit::RelinkNeeded, "{description}");
            assert!(stored.message.starts_with("ci: "), "{}", stored.message);
            assert_eq!(stored.salesforce_code.as_deref(), Some(code));
        }
        let r = refusal("invalid_grant", "user hasn't approved this consumer");
        for moment in [Moment::Link, STORED] {
            let err = explain(&r, &JWT, &moment, "3MVG9k");
            assert_eq!(err.exit, Exit::RelinkNeeded);
            let hint = err.hint.unwrap();
            assert!(
                hint.contains("pre-authorized") && hint.contains("--client-id 3MVG9k"),
                "{hint}"
            );
        }
    }

    #[test]
    fn each_error_names_its_fix() {
        let fix = |code: &str, description: &str, grant: &Grant| {
            explain(&refusal(code, description), grant, &Moment::Link, "k")
                .hint
                .unwrap()
        };
        assert!(
            fix("invalid_grant", "audience is invalid", &JWT)
                .contains("--audience https://test.salesforce.com")
        );
        assert!(fix("invalid_grant", "invalid assertion", &JWT).contains("certificate"));
        assert!(
            fix(
                "invalid_grant",
                "no client credentials user enabled",
                &Grant::ClientCredentials
            )
            .contains("Run As")
        );
        assert!(
            fix("unsupported_grant_type", "grant type not supported", &JWT)
                .contains("Enable JWT Bearer Flow")
        );
        assert!(
            fix("unsupported_grant_type", "x", &Grant::ClientCredentials)
                .contains("Enable Client Credentials Flow")
        );
        let err = explain(
            &refusal("invalid_grant", "audience is invalid"),
            &JWT,
            &Moment::Link,
            "k",
        );
        assert!(
            err.message.contains("aud https://login.salesforce.com"),
            "{}",
            err.message
        );
    }

    #[test]
    fn an_expired_assertion_reports_the_clock_offset_over_30_s() {
        let mut r = refusal("invalid_grant", "expired authorization code");
        r.clock_offset_secs = Some(-600);
        let err = explain(&r, &JWT, &Moment::Link, "k");
        assert!(
            err.message.contains("600 s ahead of Salesforce's"),
            "{}",
            err.message
        );
        r.clock_offset_secs = Some(400);
        let err = explain(&r, &JWT, &Moment::Link, "k");
        assert!(err.message.contains("400 s behind"), "{}", err.message);
        r.clock_offset_secs = Some(5);
        let err = explain(&r, &JWT, &Moment::Link, "k");
        assert!(err.message.contains("agree within 30 s"), "{}", err.message);
    }

    #[test]
    fn salesforce_words_are_escaped() {
        let r = refusal("invalid_grant", "bad\u{1b}[31m thing\n");
        let err = explain(&r, &JWT, &Moment::Link, "k");
        assert!(!err.message.contains('\u{1b}') && !err.message.contains('\n'));
    }
}
