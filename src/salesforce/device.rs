//! Salesforce's device flow (docs/salesforce-oauth.md §9), for machines where no
//! browser can reach a loopback listener.
//!
//! Not RFC 8628, so it is written by hand rather than through the oauth2
//! crate: the device code comes from the token endpoint with
//! `response_type=device_code`, and the polls send `grant_type=device` with
//! the device code as `code`. The user approves on another device at the
//! verification URL with the user code; we poll at the interval Salesforce
//! gives, wait on `authorization_pending`, add 5 seconds on `slow_down`
//! (as RFC 8628 §3.5 does), and stop on `access_denied`, on an expired code
//! (`invalid_grant`) or at our own deadline. Success is the same JSON as the
//! code exchange. The device code is a secret; only the user code is shown.

use super::errors::{Stage, describe, refused_secret, token_endpoint_error};
use super::http::{Answer, Http};
use super::oauth::{AppConfig, Tokens, host_of};
use super::token_answer::TokenAnswer;
use crate::error::{Error, Result};
use crate::login::countdown::Countdown;
use crate::secrets::secret::Secret;
use serde::Deserialize;
use serde_json::Value;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// What Salesforce adds to the interval when asked to slow down.
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// A device login in progress.
pub struct DeviceLogin {
    device_code: Secret,
    /// What the user types on the verification page.
    pub user_code: String,
    pub verification_uri: String,
    pub interval: Duration,
    /// When Salesforce says how long the code lives (it usually does not).
    pub expires_in: Option<Duration>,
}

/// One poll's outcome.
pub enum Poll {
    Pending,
    SlowDown,
    Approved(Tokens),
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// Asks for a device code and user code.
pub fn start(http: &Http, app: &AppConfig, scopes: &[String]) -> Result<DeviceLogin> {
    let scope = scopes.join(" ");
    let form = [
        ("response_type", "device_code"),
        ("client_id", app.client_id.as_str()),
        ("scope", scope.as_str()),
    ];
    let answer = post(http, app, &form)?;
    if !answer.is_success() {
        let (code, description) = error_of(&answer, app)?;
        return Err(match code.as_str() {
            "oauth_flow_disabled" => flow_disabled(&code, &description),
            _ => {
                let err = token_endpoint_error(&code, &description, Stage::Login);
                let err = match app.client_secret {
                    Some(_) => refused_secret(err),
                    None => err,
                };
                match err.hint {
                    Some(_) => err,
                    None => err.with_hint(ENABLE_HINT),
                }
            }
        });
    }
    let body: Value = serde_json::from_slice(&answer.body).map_err(|_| unreadable(app))?;
    let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_string);
    let seconds = |name: &str| {
        body.get(name)
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .map(Duration::from_secs)
    };
    let (Some(device_code), Some(user_code), Some(verification_uri)) = (
        text("device_code"),
        text("user_code"),
        text("verification_uri"),
    ) else {
        return Err(unreadable(app));
    };
    Ok(DeviceLogin {
        device_code: Secret::new(device_code),
        user_code: super::errors::clean(&user_code),
        verification_uri: super::errors::clean(&verification_uri),
        interval: seconds("interval")
            .unwrap_or(Duration::from_secs(5))
            .clamp(Duration::from_secs(1), Duration::from_secs(60)),
        expires_in: seconds("expires_in"),
    })
}

/// Asks once whether the user has approved.
pub fn poll(http: &Http, app: &AppConfig, login: &DeviceLogin) -> Result<Poll> {
    let form = [
        ("grant_type", "device"),
        ("client_id", app.client_id.as_str()),
        ("code", login.device_code.expose()),
    ];
    let answer = post(http, app, &form)?;
    if answer.is_success() {
        return tokens(&answer, app).map(Poll::Approved);
    }
    let (code, description) = error_of(&answer, app)?;
    let said = describe(&code, &description);
    match code.as_str() {
        "authorization_pending" => Ok(Poll::Pending),
        "slow_down" => Ok(Poll::SlowDown),
        "access_denied" => Err(Error::login(format!(
            "the login was denied on the verification page ({said}); nothing was stored"
        ))),
        "invalid_grant" => Err(Error::login(format!(
            "the device code expired before the login was approved ({said}); nothing was stored"
        ))
        .with_hint("run `sfconnect link --device` again and enter the new code promptly")),
        "oauth_flow_disabled" => Err(flow_disabled(&code, &description)),
        _ => {
            let err = token_endpoint_error(&code, &description, Stage::Login);
            Err(match app.client_secret {
                Some(_) => refused_secret(err),
                None => err,
            })
        }
    }
}

/// Polls until approved, denied, expired, past `deadline`, or interrupted
/// (a message on `interrupted`).
pub fn wait(
    http: &Http,
    app: &AppConfig,
    login: &DeviceLogin,
    deadline: Instant,
    interrupted: &Receiver<()>,
    countdown: &mut Countdown,
) -> Result<Tokens> {
    let started = Instant::now();
    let mut interval = login.interval;
    loop {
        let next = Instant::now() + interval;
        while Instant::now() < next {
            countdown.tick();
            if Instant::now() >= deadline {
                countdown.finish(false);
                let waited = started.elapsed().as_secs();
                return Err(Error::login(format!(
                    "the login was not approved within {}; nothing was stored",
                    crate::output::count(waited, "second")
                ))
                .with_hint(
                    "run `sfconnect link --device` again, or give more time with --timeout SECS",
                ));
            }
            let step = next
                .min(deadline)
                .saturating_duration_since(Instant::now())
                .min(Duration::from_secs(1));
            match interrupted.recv_timeout(step) {
                Ok(()) => {
                    countdown.finish(false);
                    return Err(Error::login("login cancelled (Ctrl-C); nothing was stored"));
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {}
            }
        }
        match poll(http, app, login) {
            Ok(Poll::Pending) => {}
            Ok(Poll::SlowDown) => interval += SLOW_DOWN_STEP,
            Ok(Poll::Approved(tokens)) => {
                countdown.finish(false);
                return Ok(tokens);
            }
            Err(err) => {
                countdown.finish(false);
                return Err(err);
            }
        }
    }
}

const ENABLE_HINT: &str = "the device flow needs an External Client App with \"Enable for Device Flow\" ticked in its OAuth settings, passed with --client-id";

fn flow_disabled(code: &str, description: &str) -> Error {
    Error::login(format!(
        "this app is not enabled for the device flow ({})",
        describe(code, description)
    ))
    .with_hint("in Setup, open the External Client App's OAuth settings and tick \"Enable for Device Flow\"; or log in without --device (see \"Logging in on a remote or headless machine\" in the README)")
}

fn post(http: &Http, app: &AppConfig, form: &[(&str, &str)]) -> Result<Answer> {
    let url = format!("{}/services/oauth2/token", app.login_url);
    let request = http
        .client()
        .post(url)
        .header("Accept", "application/json")
        .form(form);
    http.send(request, &host_of(&app.login_url))
}

/// Salesforce's `{"error", "error_description"}`.
fn error_of(answer: &Answer, app: &AppConfig) -> Result<(String, String)> {
    let body: ErrorBody = serde_json::from_slice(&answer.body).map_err(|_| {
        Error::network(format!(
            "{} answered the device login with HTTP {} and no Salesforce error",
            host_of(&app.login_url),
            answer.status
        ))
    })?;
    Ok((body.error, body.error_description))
}

fn tokens(answer: &Answer, app: &AppConfig) -> Result<Tokens> {
    // The body is never shown: it holds tokens.
    let body: TokenAnswer = serde_json::from_slice(&answer.body).map_err(|_| unreadable(app))?;
    Ok(body.into_tokens())
}

fn unreadable(app: &AppConfig) -> Error {
    Error::network(format!(
        "{} answered the device login with something that is not a Salesforce response",
        host_of(&app.login_url)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            content_type: "application/json".into(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn app() -> AppConfig {
        AppConfig {
            login_url: "https://login.salesforce.com".into(),
            client_id: "3MVG9x".into(),
            client_secret: None,
        }
    }

    #[test]
    fn reads_salesforce_errors_and_tokens() {
        let (code, text) = error_of(
            &answer(
                400,
                r#"{"error":"authorization_pending","error_description":"x"}"#,
            ),
            &app(),
        )
        .unwrap();
        assert_eq!(
            (code.as_str(), text.as_str()),
            ("authorization_pending", "x")
        );
        let err = error_of(&answer(400, "<html>"), &app()).unwrap_err();
        assert!(err.message.contains("HTTP 400"), "{}", err.message);

        let body = r#"{"access_token":"00D!AQ","refresh_token":"5Aep","instance_url":"https://acme.my.salesforce.com/","id":"https://login.salesforce.com/id/00D/005","issued_at":"1700000000000","scope":"api refresh_token"}"#;
        let tokens = tokens(&answer(200, body), &app()).unwrap();
        assert_eq!(tokens.instance_url, "https://acme.my.salesforce.com");
        assert_eq!(tokens.issued_at_ms, 1_700_000_000_000);
        assert_eq!(tokens.scopes, ["api", "refresh_token"]);
        assert_eq!(tokens.refresh_token.unwrap().expose(), "5Aep");
        let err = tokens_err(r#"{"access_token":"secret-canary"}"#);
        assert!(!err.message.contains("secret-canary"));
    }

    fn tokens_err(body: &str) -> Error {
        tokens(&answer(200, body), &app()).unwrap_err()
    }

    #[test]
    fn flow_disabled_says_what_to_tick() {
        let err = flow_disabled(
            "oauth_flow_disabled",
            "device flow is not enabled for this app",
        );
        assert_eq!(err.exit, crate::error::Exit::LoginNotCompleted);
        assert!(err.hint.unwrap().contains("Enable for Device Flow"));
    }
}
