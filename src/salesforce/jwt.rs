//! The JWT bearer grant (RFC 7523 §2.1; docs/salesforce-oauth.md §11): a new
//! RS256 assertion for every access token, posted to the login host's token
//! endpoint. No client secret, no refresh token.
//!
//! The assertion's `aud` must be the login host Salesforce expects, which
//! is not always the host the request goes to: `https://test.salesforce.com`
//! for sandboxes and scratch orgs, `https://login.salesforce.com` for
//! production and every other My Domain, and the site's own URL only for
//! Experience Cloud sites (and the loopback servers of the tests).

use super::grant::{self, Refusal};
use super::hosts::{PRODUCTION, SANDBOX};
use super::http::Http;
use super::oauth::Tokens;
use crate::error::Result;
use crate::keys::private_key::RsaKey;
use crate::secrets::secret::Secret;
use crate::settings;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use serde_json::json;

pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// `exp` is at most three minutes ahead, as Salesforce asks (docs/salesforce-oauth.md §11).
pub const LIFETIME_SECS: i64 = 180;
/// The sf CLI's variable for the audience; sfconnect honours it too.
pub const AUDIENCE_ENV: &str = settings::AUDIENCE_URL.env;

/// The claims of one assertion (RFC 7523 §3).
pub struct Claims<'a> {
    /// `iss`: the app's consumer key.
    pub client_id: &'a str,
    /// `sub`: the Salesforce username.
    pub username: &'a str,
    pub audience: &'a str,
}

/// The `aud` for a login URL when neither `--audience` nor
/// `SF_AUDIENCE_URL` says otherwise.
pub fn default_audience(login_url: &str) -> String {
    let host = url::Url::parse(login_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    let sandbox = host == "test.salesforce.com"
        || host.ends_with(".sandbox.my.salesforce.com")
        || host.contains(".scratch.");
    if host.ends_with(".salesforce.com") {
        if sandbox { SANDBOX } else { PRODUCTION }.to_string()
    } else {
        login_url.to_string()
    }
}

/// The audience to try after `audience is invalid`.
pub fn other_audience(sent: &str) -> String {
    match sent {
        PRODUCTION => SANDBOX.to_string(),
        SANDBOX => PRODUCTION.to_string(),
        _ => format!("{PRODUCTION} (production and My Domains) or {SANDBOX} (sandboxes)"),
    }
}

/// `--audience`, else `SF_AUDIENCE_URL`, else the default for the host;
/// without a trailing slash, which Salesforce would not match.
pub fn choose_audience(flag: Option<&str>, login_url: &str) -> String {
    let from_env = settings::AUDIENCE_URL.value();
    flag.or(from_env.as_deref())
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map_or_else(
            || default_audience(login_url),
            |a| a.trim_end_matches('/').to_string(),
        )
}

/// A signed assertion expiring `LIFETIME_SECS` after `now` (Unix seconds).
pub fn assertion(key: &RsaKey, claims: &Claims, now: i64) -> Secret {
    let header = B64URL.encode(br#"{"alg":"RS256"}"#);
    let payload = json!({
        "iss": claims.client_id,
        "sub": claims.username,
        "aud": claims.audience,
        "exp": now + LIFETIME_SECS,
    });
    let payload = B64URL.encode(payload.to_string());
    let signing_input = format!("{header}.{payload}");
    let signature = B64URL.encode(key.sign_rs256(signing_input.as_bytes()));
    Secret::new(format!("{signing_input}.{signature}"))
}

/// One JWT bearer grant at `login_url`.
pub fn mint(
    http: &Http,
    login_url: &str,
    key: &RsaKey,
    claims: &Claims,
) -> Result<std::result::Result<Tokens, Refusal>> {
    let assertion = assertion(key, claims, chrono::Utc::now().timestamp());
    grant::post(
        http,
        login_url,
        &[
            ("grant_type", GRANT_TYPE),
            ("assertion", assertion.expose()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_follow_the_host() {
        for (login_url, audience) in [
            ("https://login.salesforce.com", PRODUCTION),
            ("https://acme.my.salesforce.com", PRODUCTION),
            ("https://acme-dev-ed.develop.my.salesforce.com", PRODUCTION),
            ("https://test.salesforce.com", SANDBOX),
            ("https://acme--uat.sandbox.my.salesforce.com", SANDBOX),
            (
                "https://ability-fun-1234.scratch.my.salesforce.com",
                SANDBOX,
            ),
            (
                "https://acme.my.site.com/partners",
                "https://acme.my.site.com/partners",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ] {
            assert_eq!(default_audience(login_url), audience, "{login_url}");
        }
        assert_eq!(other_audience(PRODUCTION), SANDBOX);
        assert_eq!(other_audience(SANDBOX), PRODUCTION);
        assert!(other_audience("http://127.0.0.1:1").contains(PRODUCTION));
        assert_eq!(
            choose_audience(Some(" https://test.salesforce.com/ "), "https://x"),
            SANDBOX
        );
    }

    #[test]
    fn the_assertion_is_rs256_with_the_four_claims() {
        let key = RsaKey::from_pem(include_bytes!(
            "../../tests/fixtures/keys/rsa2048-pkcs8.pem"
        ))
        .unwrap();
        let claims = Claims {
            client_id: "3MVG9id",
            username: "ada@example.com",
            audience: PRODUCTION,
        };
        let jwt = assertion(&key, &claims, 1_000_000);
        let parts: Vec<&str> = jwt.expose().split('.').collect();
        assert_eq!(parts.len(), 3);
        let decode = |part: &str| -> serde_json::Value {
            serde_json::from_slice(&B64URL.decode(part).unwrap()).unwrap()
        };
        assert_eq!(decode(parts[0]), json!({"alg": "RS256"}));
        assert_eq!(
            decode(parts[1]),
            json!({"iss": "3MVG9id", "sub": "ada@example.com", "aud": PRODUCTION, "exp": 1_000_180})
        );
        let verifier = ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            key.public_key_der(),
        );
        let signed = format!("{}.{}", parts[0], parts[1]);
        let signature = B64URL.decode(parts[2]).unwrap();
        assert!(verifier.verify(signed.as_bytes(), &signature).is_ok());
    }
}
