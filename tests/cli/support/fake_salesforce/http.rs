//! The HTTP plumbing: reading and recording a request, routing it to its endpoint
//! after the failure knobs had their say, and writing the reply the way
//! Salesforce shapes its answers (JSON errors, form-encoded pages, redirects).
//!
//! Endpoints see an `Incoming` and return a `Reply`; nothing of the socket
//! (`wire`) leaks into them.

use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::{Value, json};

use super::knobs::Knobs;
use super::wire::{RawRequest, RawResponse};
use super::{
    FORM, HTML, INVALID_SESSION, JSON, NOT_FOUND, Recorded, Shared, authorize, device, identity,
    revoke, token,
};

/// A request after reading: what the handlers look at.
pub(super) struct Incoming {
    pub(super) method: String,
    pub(super) path: String,
    pub(super) query: Vec<(String, String)>,
    pub(super) form: Vec<(String, String)>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: String,
    body_ok: bool,
}

impl Incoming {
    pub(super) fn query(&self, name: &str) -> Option<&str> {
        first(&self.query, name)
    }

    pub(super) fn form(&self, name: &str) -> Option<&str> {
        first(&self.form, name)
    }

    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The token from `Authorization: Bearer|OAuth <token>`.
    pub(super) fn bearer(&self) -> Option<&str> {
        let (scheme, token) = self.header("authorization")?.trim().split_once(' ')?;
        let known = scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth");
        known.then(|| token.trim()).filter(|t| !t.is_empty())
    }
}

pub(super) struct Reply {
    status: u16,
    content_type: &'static str,
    body: String,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub(super) fn new(status: u16, content_type: &'static str, body: impl Into<String>) -> Reply {
        let body = body.into();
        Reply {
            status,
            content_type,
            body,
            headers: vec![],
        }
    }

    pub(super) fn json(status: u16, value: &Value) -> Reply {
        let mut reply = Reply::new(status, JSON, value.to_string());
        reply.headers.push((
            "Cache-Control",
            "no-cache,must-revalidate,max-age=0,no-store,private".into(),
        ));
        reply
    }

    pub(super) fn text(status: u16, body: impl Into<String>) -> Reply {
        Reply::new(status, "text/plain;charset=UTF-8", body)
    }

    /// The token endpoint's `{"error","error_description"}`.
    pub(super) fn oauth_error(status: u16, error: &str, description: &str) -> Reply {
        Reply::json(
            status,
            &json!({"error": error, "error_description": description}),
        )
    }

    /// The REST API's `[{"message","errorCode"}]`, keys in Salesforce's order.
    pub(super) fn rest_error(status: u16, error_code: &str, message: &str) -> Reply {
        let body = format!(
            r#"[{{"message":{},"errorCode":{}}}]"#,
            json!(message),
            json!(error_code)
        );
        Reply::new(status, JSON, body)
    }

    /// The page Salesforce shows instead of redirecting (bad client or callback).
    pub(super) fn error_page(error: &str, description: &str) -> Reply {
        let body = encode_query(&[("error", error), ("error_description", description)]);
        Reply::new(400, HTML, body)
    }

    pub(super) fn redirect(redirect_uri: &str, params: &[(&str, &str)]) -> Reply {
        let separator = if redirect_uri.contains('?') { '&' } else { '?' };
        let location = format!("{redirect_uri}{separator}{}", encode_query(params));
        let body = "<html><body>Redirecting back to the application.</body></html>";
        let mut reply = Reply::new(302, HTML, body);
        reply.headers.push(("Location", location));
        reply
    }

    pub(super) fn invalid_session() -> Reply {
        let mut reply = Reply::new(401, JSON, INVALID_SESSION);
        reply.headers.push(("WWW-Authenticate", "Token".into()));
        reply
    }

    pub(super) fn not_found() -> Reply {
        Reply::new(404, JSON, NOT_FOUND)
    }

    fn into_raw(self) -> RawResponse {
        let mut headers = vec![("Content-Type".to_string(), self.content_type.to_string())];
        headers.extend(self.headers.into_iter().map(|(k, v)| (k.to_string(), v)));
        RawResponse {
            status: self.status,
            headers,
            body: self.body.into_bytes(),
        }
    }
}

pub(super) fn serve(shared: &Shared, request: RawRequest) -> RawResponse {
    let (incoming, recorded) = read_request(request);
    lock(&shared.state).requests.push(recorded);
    let knobs = lock(&shared.knobs).clone();
    // Every matching gate holds it (no short-circuit): each counts it.
    let mut unhandled = false;
    for gate in knobs
        .holds
        .iter()
        .filter(|g| g.before_handling && g.matches(&incoming))
    {
        unhandled |= gate.hold();
    }
    if unhandled {
        return Reply::new(
            503,
            JSON,
            r#"[{"message":"held, never handled","errorCode":"SERVER_UNAVAILABLE"}]"#,
        )
        .into_raw();
    }
    let mut reply = route(shared, &knobs, &incoming);
    // Salesforce dates every answer; the JWT tests skew the fake's clock
    // and read the offset from this header.
    let now = chrono::Utc::now() + chrono::Duration::seconds(knobs.headless.clock_skew_secs);
    let date = now.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    reply.headers.push(("Date", date));
    for gate in knobs
        .holds
        .iter()
        .filter(|g| !g.before_handling && g.matches(&incoming))
    {
        gate.hold();
    }
    reply.into_raw()
}

fn read_request(request: RawRequest) -> (Incoming, Recorded) {
    let method = request.method.to_uppercase();
    let (path, raw_query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    let path = path.to_string();
    let query = parse_form(raw_query.as_bytes());
    let headers = request.headers;
    let bytes = request.body;
    let read_ok = request.body_ok;
    let utf8 = std::str::from_utf8(&bytes).is_ok();
    let is_form = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("content-type") && v.to_ascii_lowercase().starts_with(FORM)
    });
    let form = if is_form && utf8 {
        parse_form(&bytes)
    } else {
        vec![]
    };
    let recorded = Recorded {
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        form: form.clone(),
        headers: headers.clone(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    let incoming = Incoming {
        method,
        path,
        query,
        form,
        headers,
        body: recorded.body.clone(),
        body_ok: read_ok && utf8,
    };
    (incoming, recorded)
}

fn route(shared: &Shared, knobs: &Knobs, rq: &Incoming) -> Reply {
    if !knobs.delay.is_zero() {
        std::thread::sleep(knobs.delay);
    }
    let forced = knobs.fail_status.or_else(|| {
        knobs
            .fail_paths
            .iter()
            .find(|(prefix, _)| rq.path.starts_with(prefix.as_str()))
            .map(|(_, status)| *status)
    });
    if let Some(status) = forced {
        return Reply::text(status, format!("fake Salesforce: forced HTTP {status}"));
    }
    if !rq.body_ok {
        return Reply::text(400, "malformed request body");
    }
    match rq.path.as_str() {
        "/services/oauth2/authorize" => authorize::authorize(shared, knobs, rq),
        "/services/oauth2/token" => token::token(shared, knobs, rq),
        "/services/oauth2/revoke" => revoke::revoke(shared, knobs, rq),
        "/services/oauth2/userinfo" => identity::userinfo(shared, knobs, rq),
        "/setup/connect" => device::verification_page(rq),
        path if path.starts_with("/id/") => identity::identity(shared, knobs, rq),
        path if path == "/services/data" || path.starts_with("/services/data/") => {
            identity::rest(shared, knobs, rq)
        }
        _ => Reply::not_found(),
    }
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(super) fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn parse_form(bytes: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub(super) fn split_scope(scope: &str) -> Vec<String> {
    scope.split_whitespace().map(str::to_string).collect()
}

/// Form encoding the way Salesforce writes it: spaces as `%20`, not `+`.
pub(super) fn encode_query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}
