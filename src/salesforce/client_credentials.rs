//! The client credentials grant (RFC 6749 §4.4; docs/salesforce-oauth.md §11):
//! the app's consumer key and secret buy an access token that acts as the
//! app's "Run As" user. No refresh token.
//!
//! Salesforce accepts it only on the org's My Domain: login.salesforce.com
//! and test.salesforce.com answer with an error, so those hosts are refused
//! here, before any request, with the `--domain` form of the command.

use super::grant::{self, Refusal};
use super::http::Http;
use super::oauth::Tokens;
use crate::error::{Error, Result};
use crate::secrets::secret::Secret;

pub const GRANT_TYPE: &str = "client_credentials";
/// Where the consumer secret comes from unless a flag says otherwise.
pub const SECRET_ENV: &str = "SFCONNECT_CLIENT_SECRET";

/// Refuses login.salesforce.com and test.salesforce.com (exit 2).
pub fn require_my_domain(login_url: &str, client_id: &str) -> Result<()> {
    let host = url::Url::parse(login_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    let sandbox = match host.as_str() {
        "login.salesforce.com" => false,
        "test.salesforce.com" => true,
        _ => return Ok(()),
    };
    let domain = if sandbox {
        "--sandbox --domain NAME--SANDBOX"
    } else {
        "--domain NAME"
    };
    Err(Error::usage(format!(
        "the client credentials flow works only on your org's My Domain, not on {host}"
    ))
    .with_hint(format!(
        "name the My Domain: sfconnect link --client-credentials --client-id {client_id} {domain} (NAME as in https://NAME.my.salesforce.com), or --login-url https://NAME.my.salesforce.com"
    )))
}

/// One client credentials grant, with the id and secret in the form body
/// (the form Salesforce's help shows; HTTP Basic works too).
pub fn mint(
    http: &Http,
    login_url: &str,
    client_id: &str,
    secret: &Secret,
) -> Result<std::result::Result<Tokens, Refusal>> {
    grant::post(
        http,
        login_url,
        &[
            ("grant_type", GRANT_TYPE),
            ("client_id", client_id),
            ("client_secret", secret.expose()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_hosts_are_refused_with_the_domain_form() {
        let err = require_my_domain("https://login.salesforce.com", "3MVG9x").unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert!(
            err.hint
                .unwrap()
                .contains("--client-id 3MVG9x --domain NAME")
        );
        let err = require_my_domain("https://test.salesforce.com", "k").unwrap_err();
        assert!(
            err.hint
                .unwrap()
                .contains("--sandbox --domain NAME--SANDBOX")
        );
        for ok in [
            "https://acme.my.salesforce.com",
            "https://acme--uat.sandbox.my.salesforce.com",
            "http://127.0.0.1:9",
        ] {
            assert!(require_my_domain(ok, "k").is_ok(), "{ok}");
        }
    }
}
