//! The one HTTP client for every Salesforce call, and how its failures read.
//!
//! reqwest (blocking, rustls with the ring provider, the OS trust store; no
//! OpenSSL). Redirects are never followed: OAuth endpoints answer directly,
//! and following a redirect could carry a token to another host. Every call
//! has connect and overall timeouts, so a hung server never hangs a script
//! (security checklist, "Timeouts on every network call"). Failures name the
//! host and what failed, with exit 5, and never quote a URL's query.
//!
//! Proxies come from the environment, except that plain `http` to a
//! loopback address never goes through one (`proxy`).
//!
//! `Http` also implements oauth2's `SyncHttpClient`, the small adapter the
//! oauth2 crate needs since its own reqwest feature pins an older reqwest.

use crate::error::{Error, Result};
use crate::output;
use crate::settings;
use reqwest::blocking::{Client, RequestBuilder, Response};
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A Salesforce answer larger than this is not one we asked for.
const MAX_BODY_BYTES: u64 = 4 * 1024 * 1024;
pub(crate) const DEFAULT_TIMEOUT_SECS: u64 = 30;

pub struct Http {
    client: Client,
}

/// A response read in full: status and (bounded) body.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl Http {
    pub fn new() -> Result<Http> {
        // Several providers could be compiled in; pick ring explicitly. A
        // second call finds one installed already, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let timeout = Duration::from_secs(timeout_setting().secs);
        let builder = Client::builder()
            .user_agent(concat!("sfconnect/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout);
        let client = super::proxy::configure(builder)
            .build()
            .map_err(|e| Error::unexpected(format!("cannot set up HTTPS: {}", chain(&e))))?;
        Ok(Http { client })
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Sends a request and reads the answer; transport failures and 5xx
    /// answers become exit-5 errors naming `host`.
    pub fn send(&self, request: RequestBuilder, host: &str) -> Result<Answer> {
        let answer = read_answer(self.open(request, host)?, host)?;
        if answer.status >= 500 {
            return Err(server_error(host, answer.status));
        }
        Ok(answer)
    }
}

impl Http {
    /// Sends a request and returns the response unread, whatever its status;
    /// only transport failures are errors. With `-v` it says what it sent:
    /// method, host and path, never the query, headers or body.
    pub fn open(&self, request: RequestBuilder, host: &str) -> Result<Response> {
        let (client, request) = request.build_split();
        let request = request.map_err(|e| transport_error(host, &e))?;
        let what = format!("{} {}", request.method(), without_query(request.url()));
        let started = Instant::now();
        let result = client.execute(request);
        let ms = started.elapsed().as_millis();
        match &result {
            Ok(response) => output::debug(&format!(
                "{what} -> HTTP {} in {ms} ms",
                response.status().as_u16()
            )),
            Err(_) => output::debug(&format!("{what} -> failed after {ms} ms")),
        }
        result.map_err(|e| transport_error(host, &e))
    }
}

/// A timeout for every later `Http` of this process (`tokens check
/// --timeout`); 0 means none was set.
static TIMEOUT_OVERRIDE_SECS: AtomicU64 = AtomicU64::new(0);

pub fn set_timeout(timeout: Duration) {
    TIMEOUT_OVERRIDE_SECS.store(timeout.as_secs().max(1), Ordering::Relaxed);
}

/// The longest SFCONNECT_HTTP_TIMEOUT: a day. Larger is no deliberate
/// choice, and would overflow a deadline.
const MAX_TIMEOUT_SECS: u64 = 86_400;

/// How long a call may take, and what set it: a timeout error names that,
/// so the user changes the right thing.
struct TimeoutSetting {
    secs: u64,
    source: &'static str,
}

/// How long one call may take (`--timeout`, else SFCONNECT_HTTP_TIMEOUT,
/// else 30 seconds): the vault client uses the same bound.
pub fn call_timeout() -> Duration {
    Duration::from_secs(timeout_setting().secs)
}

fn timeout_setting() -> TimeoutSetting {
    match TIMEOUT_OVERRIDE_SECS.load(Ordering::Relaxed) {
        0 => match env_timeout() {
            Ok(Some(secs)) => TimeoutSetting {
                secs,
                source: "SFCONNECT_HTTP_TIMEOUT",
            },
            // A bad value was refused when the command started.
            Ok(None) | Err(_) => TimeoutSetting {
                secs: DEFAULT_TIMEOUT_SECS,
                source: "the default; SFCONNECT_HTTP_TIMEOUT sets another",
            },
        },
        secs => TimeoutSetting {
            secs,
            source: "--timeout",
        },
    }
}

/// SFCONNECT_HTTP_TIMEOUT, when set: a whole number of seconds, 1 to a day.
fn env_timeout() -> Result<Option<u64>> {
    let Some(value) = settings::HTTP_TIMEOUT.os_value() else {
        return Ok(None);
    };
    let text = value.to_string_lossy();
    match text.trim().parse::<u64>() {
        Ok(secs) if (1..=MAX_TIMEOUT_SECS).contains(&secs) => Ok(Some(secs)),
        _ => Err(Error::usage(format!(
            "SFCONNECT_HTTP_TIMEOUT is {text:?}: expected a whole number of seconds from 1 to {MAX_TIMEOUT_SECS}"
        ))
        .with_hint("fix it, or unset it for the default of 30 seconds")),
    }
}

/// Refuses a bad SFCONNECT_HTTP_TIMEOUT before a command does anything, as a
/// bad flag is refused.
pub fn check_environment() -> Result<()> {
    env_timeout().map(|_| ())
}

pub fn read_answer(response: Response, host: &str) -> Result<Answer> {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    // reqwest's blocking timeout bounds each read, not the whole body: a
    // server that trickles a byte at a time would never trip it. So the
    // body gets its own deadline, checked after every read.
    let setting = timeout_setting();
    let deadline = Instant::now() + Duration::from_secs(setting.secs);
    let mut body = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let mut reader = response.take(MAX_BODY_BYTES + 1);
    loop {
        let n = reader.read(&mut chunk).map_err(|e| {
            Error::network(format!("the answer from {host} broke off: {}", chain(&e)))
        })?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
        if Instant::now() > deadline {
            return Err(Error::network(format!(
                "the answer from {host} did not arrive in full within {} ({}); giving up",
                output::count(setting.secs, "second"),
                setting.source
            ))
            .with_hint("Salesforce or a proxy is answering very slowly; try again later"));
        }
    }
    if body.len() as u64 > MAX_BODY_BYTES {
        return Err(Error::network(format!(
            "the answer from {host} is larger than {MAX_BODY_BYTES} bytes; refusing it"
        )));
    }
    Ok(Answer {
        status,
        content_type,
        body,
    })
}

pub fn server_error(host: &str, status: u16) -> Error {
    Error::network(format!("Salesforce at {host} answered HTTP {status}")).with_hint(
        "Salesforce may be down or in maintenance (status.salesforce.com); try again later",
    )
}

pub fn transport_error(host: &str, err: &reqwest::Error) -> Error {
    let detail = chain(err);
    let lower = detail.to_lowercase();
    let what = if err.is_timeout() {
        let setting = timeout_setting();
        format!(
            "timed out after {} ({})",
            output::count(setting.secs, "second"),
            setting.source
        )
    } else if lower.contains("dns error") || lower.contains("failed to lookup") {
        format!("DNS lookup failed ({detail})")
    } else if [
        "tls",
        "certificate",
        "handshake",
        "fatal alert",
        "corrupt message",
        "peer is incompatible",
    ]
    .iter()
    .any(|word| lower.contains(word))
    {
        format!("TLS handshake failed ({detail})")
    } else if lower.contains("connection refused") {
        "connection refused".to_string()
    } else if err.is_connect() {
        format!("could not connect ({detail})")
    } else {
        detail
    };
    // Through a proxy, a failed connection is a failed connection to the
    // proxy: name it, not the host it was asked for.
    if let Some(proxy) = err.url().and_then(super::proxy::proxy_for)
        && (err.is_connect() || err.is_timeout())
    {
        return Error::network(format!(
            "cannot reach the proxy {proxy} (on the way to {host}): {what}"
        ))
        .with_hint("check the proxy settings (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY) and that the proxy runs");
    }
    Error::network(format!("cannot reach {host}: {what}"))
        .with_hint("check the network, proxy settings (HTTPS_PROXY) and the login URL")
}

/// The error and its sources in one line, without the request URL (whose
/// query could carry a secret).
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        let text = match e.downcast_ref::<reqwest::Error>() {
            Some(r) if r.url().is_some() => strip_url(&r.to_string(), r.url().unwrap().as_str()),
            _ => e.to_string(),
        };
        if !text.is_empty() && !parts.iter().any(|p: &String| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// `https://host:port/path`: a URL without its query or fragment, which
/// could carry a secret.
fn without_query(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.to_string()
}

fn strip_url(text: &str, url: &str) -> String {
    text.replace(&format!(" ({url})"), "").replace(url, "<url>")
}

impl oauth2::SyncHttpClient for Http {
    type Error = Error;

    fn call(&self, request: oauth2::HttpRequest) -> Result<oauth2::HttpResponse> {
        let host = request
            .uri()
            .authority()
            .map_or("Salesforce".to_string(), |a| a.to_string());
        let (parts, body) = request.into_parts();
        let url = parts.uri.to_string();
        let builder = self
            .client
            .request(parts.method, url)
            .headers(parts.headers)
            .body(body);
        let answer = self.send(builder, &host)?;
        let mut response = oauth2::HttpResponse::new(answer.body);
        *response.status_mut() = oauth2::http::StatusCode::from_u16(answer.status)
            .map_err(|e| Error::network(format!("{host} answered a bad status: {e}")))?;
        if let Ok(value) = oauth2::http::HeaderValue::from_str(&answer.content_type) {
            response
                .headers_mut()
                .insert(oauth2::http::header::CONTENT_TYPE, value);
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_drop_query_fragment_and_credentials() {
        let url =
            reqwest::Url::parse("https://u:p@acme.my.salesforce.com:8443/services/data?q=SECRET#x")
                .unwrap();
        assert_eq!(
            without_query(&url),
            "https://acme.my.salesforce.com:8443/services/data"
        );
    }
}
