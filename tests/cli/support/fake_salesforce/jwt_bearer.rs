//! `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` (§11, RFC 7523):
//! the assertion is taken apart and judged as Salesforce does. The RS256
//! signature is verified with ring against the public key of the
//! certificate registered for the app, read with the `x509-cert` parser
//! (not sfconnect's own DER code); then `iss`, `aud`, `exp` (by the fake's
//! possibly skewed clock) and `sub`, and whether the user may use the app:
//! pre-authorized by the admin, or holding a live approval of it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use x509_cert::Certificate;
use x509_cert::der::Decode;

use super::http::{Reply, lock};
use super::knobs::{FakeClient, Knobs};
use super::token::{TokenRequest, invalid_grant, issue_new};
use super::{Shared, secrets};

pub(super) const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const NOT_APPROVED: &str = "user hasn't approved this consumer";
const INVALID_ASSERTION: &str = "invalid assertion";

pub(super) fn grant(
    shared: &Shared,
    knobs: &Knobs,
    request: &TokenRequest,
) -> Result<Reply, Reply> {
    let assertion = request
        .param("assertion")
        .ok_or_else(|| invalid_grant(INVALID_ASSERTION))?;
    let parts: Vec<&str> = assertion.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return Err(invalid_grant(INVALID_ASSERTION));
    };
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).ok();
    let json = |part: &str| decode(part).and_then(|b| serde_json::from_slice::<Value>(&b).ok());
    let (Some(header), Some(claims), Some(signature)) =
        (json(header), json(payload), decode(signature))
    else {
        return Err(invalid_grant(INVALID_ASSERTION));
    };
    if header["alg"] != "RS256" {
        return Err(invalid_grant(INVALID_ASSERTION));
    }
    let claim = |name: &str| claims[name].as_str().unwrap_or_default().to_string();
    let app = knobs
        .headless
        .jwt_apps
        .iter()
        .find(|a| a.client_id == claim("iss"))
        .ok_or_else(|| Reply::oauth_error(400, "invalid_client_id", "client identifier invalid"))?;
    if !app.enabled {
        return Err(Reply::oauth_error(
            400,
            "unsupported_grant_type",
            "grant type not supported",
        ));
    }
    let signed = format!("{}.{}", parts[0], parts[1]);
    if !verify(&app.certificate, signed.as_bytes(), &signature) {
        return Err(invalid_grant(INVALID_ASSERTION));
    }
    let audience = knobs
        .headless
        .jwt_audience
        .clone()
        .unwrap_or_else(|| shared.base_url.clone());
    if claim("aud") != audience {
        return Err(invalid_grant("audience is invalid"));
    }
    let now = (secrets::now_millis() / 1000) as i64 + knobs.headless.clock_skew_secs;
    match claims["exp"].as_i64() {
        Some(exp) if exp > now => {}
        _ => return Err(invalid_grant("expired authorization code")),
    }
    let mut st = lock(&shared.state);
    let user = st
        .users
        .iter()
        .find(|u| u.username == claim("sub"))
        .cloned()
        .ok_or_else(|| invalid_grant(NOT_APPROVED))?;
    if knobs.headless.locked_users.contains(&user.username) {
        return Err(invalid_grant("user is locked"));
    }
    let approved = app.pre_authorized
        || st.grants.iter().any(|g| {
            g.is_live_approval() && g.client_id == app.client_id && g.user.user_id == user.user_id
        });
    if !approved {
        return Err(invalid_grant(NOT_APPROVED));
    }
    let scope = ["api", "web", "refresh_token", "id"]
        .map(String::from)
        .to_vec();
    let index = st.add_grant(&app.client_id, user, scope, None, false);
    let client = FakeClient::headless(&app.client_id, None);
    Ok(issue_new(&shared.base_url, knobs, &mut st, &client, index))
}

/// RS256 over `signed` with the public key of the DER certificate.
fn verify(certificate: &[u8], signed: &[u8], signature: &[u8]) -> bool {
    let Ok(cert) = Certificate::from_der(certificate) else {
        return false;
    };
    let spki = cert.tbs_certificate().subject_public_key_info();
    let Some(public_key) = spki.subject_public_key.as_bytes() else {
        return false;
    };
    ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        public_key,
    )
    .verify(signed, signature)
    .is_ok()
}
