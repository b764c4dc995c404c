//! Revoking a token at Salesforce (RFC 7009; docs/salesforce-oauth.md §6).
//!
//! A plain form POST of `token=...` to `/services/oauth2/revoke` (the oauth2
//! crate refuses an `http` revocation URL, which the tests need). Revoking a
//! refresh token also ends every access token issued from it. Salesforce's
//! error body here is documented form-encoded; a JSON one is read as well.

use super::errors::describe;
use super::http::Http;
use super::oauth::host_of;
use crate::error::{Error, Result};
use crate::secrets::secret::Secret;

#[derive(Debug, PartialEq, Eq)]
pub enum Revoked {
    /// Salesforce revoked it now.
    Now,
    /// Salesforce says the token was already invalid (`invalid_token`,
    /// `unsupported_token_type`): it is dead either way.
    AlreadyInvalid(String),
}

pub fn revoke(http: &Http, login_url: &str, token: &Secret) -> Result<Revoked> {
    let host = host_of(login_url);
    let request = http
        .client()
        .post(format!("{login_url}/services/oauth2/revoke"))
        .form(&[("token", token.expose())]);
    let answer = http.send(request, &host)?;
    if answer.is_success() {
        return Ok(Revoked::Now);
    }
    let fields = error_fields(&answer.body);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    match (answer.status, field("error")) {
        (400, code @ ("invalid_token" | "unsupported_token_type")) => Ok(Revoked::AlreadyInvalid(
            describe(code, field("error_description")),
        )),
        (status, code) => Err(Error::network(format!(
            "{host} refused to revoke the token (HTTP {status}{})",
            if code.is_empty() {
                String::new()
            } else {
                format!(", {}", describe(code, field("error_description")))
            }
        ))),
    }
}

/// The fields of an error body: form-encoded, as Salesforce documents it
/// (docs/salesforce-oauth.md §6), or a JSON object, as its token endpoint
/// answers and as some revoke answers come back.
fn error_fields(body: &[u8]) -> Vec<(String, String)> {
    if let Ok(serde_json::Value::Object(object)) = serde_json::from_slice(body) {
        return object
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_str()?.to_string())))
            .collect();
    }
    url::form_urlencoded::parse(body).into_owned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_read_as_form_or_json() {
        for body in [
            &b"error=unsupported_token_type&error_description=this%20token%20type%20is%20not%20supported"[..],
            br#"{"error":"unsupported_token_type","error_description":"this token type is not supported"}"#,
        ] {
            let fields = error_fields(body);
            assert!(
                fields.contains(&("error".into(), "unsupported_token_type".into())),
                "{fields:?}"
            );
            assert!(fields.contains(&(
                "error_description".into(),
                "this token type is not supported".into()
            )));
        }
    }
}
