//! The token request both headless grants make (docs/salesforce-oauth.md §11):
//! a form POST to `/services/oauth2/token`, answered with the token JSON of
//! docs/salesforce-oauth.md §3 (without a refresh token) or its JSON error.
//!
//! Written by hand rather than through the oauth2 crate, because a refusal
//! is explained with what the crate does not keep: the server's `Date`
//! header, which shows a wrong local clock, the usual cause of an expired
//! JWT assertion.

use super::http::{Http, read_answer, server_error};
use super::oauth::{Tokens, host_of};
use super::token_answer::TokenAnswer;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// Salesforce said no, with these words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    /// `error` (`invalid_grant`, ...); empty when the body had none.
    pub code: String,
    /// `error_description`, as sent (escape it before showing it).
    pub description: String,
    /// Salesforce's clock minus ours, in seconds, from its `Date` header.
    pub clock_offset_secs: Option<i64>,
}

#[derive(Deserialize)]
struct Failure {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// Posts `form` to the token endpoint of `login_url`. Transport failures and
/// 5xx answers are errors (exit 5); a 4xx answer is a `Refusal`.
pub fn post(
    http: &Http,
    login_url: &str,
    form: &[(&str, &str)],
) -> Result<std::result::Result<Tokens, Refusal>> {
    let host = host_of(login_url);
    let request = http
        .client()
        .post(format!("{login_url}/services/oauth2/token"))
        .header(reqwest::header::ACCEPT, "application/json")
        .form(form);
    let response = http.open(request, &host)?;
    let server_date = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok());
    let clock_offset_secs = server_date.map(|date| date.timestamp() - Utc::now().timestamp());
    let answer = read_answer(response, &host)?;
    if answer.status >= 500 {
        return Err(server_error(&host, answer.status));
    }
    if !answer.is_success() {
        let failure = serde_json::from_slice::<Failure>(&answer.body).ok();
        return Ok(Err(Refusal {
            status: answer.status,
            code: failure
                .as_ref()
                .map(|f| f.error.clone())
                .unwrap_or_default(),
            description: failure.map_or_else(
                || format!("HTTP {} without an OAuth error", answer.status),
                |f| f.error_description,
            ),
            clock_offset_secs,
        }));
    }
    // Neither the body nor serde's words are quoted: they could hold a token.
    let answer: TokenAnswer = serde_json::from_slice(&answer.body).map_err(|_| {
        Error::network(format!(
            "{host} answered the token request with something that is not a Salesforce token response (no access_token, instance_url and id)"
        ))
    })?;
    // A headless grant keeps no refresh token, even were one sent.
    Ok(Ok(Tokens {
        refresh_token: None,
        ..answer.into_tokens()
    }))
}
