//! `sfconnect api [ALIAS] PATH`: call the connection's REST API with its
//! bearer token, like a small curl that knows where the token lives.
//!
//! The token only ever goes to the connection's own instance host: a full
//! URL elsewhere is refused. An expired session (HTTP 401 with
//! `INVALID_SESSION_ID`, docs/salesforce-oauth.md §4) is refreshed once and the
//! request retried; other 401 bodies mean a policy block and are not
//! retried (as jsforce does).

use crate::cli::ApiArgs;
use crate::error::{Error, Exit, Result};
use crate::output;
use crate::salesforce::http::{Http, read_answer};
use crate::salesforce::oauth::host_of;
use crate::tokens::access::{Access, Freshness};
use crate::tokens::target;
use reqwest::Method;
use reqwest::blocking::Response;
use url::Url;

pub fn run(args: ApiArgs) -> Result<()> {
    let (alias, path) = (args.alias.as_deref(), args.path.as_str());
    let chosen = target::resolve(alias)?;
    // Every argument is checked before any network call (the environment
    // connection learns its instance from the grant: its path is checked
    // against a stand-in here, a full URL after the grant).
    match chosen.instance_url() {
        Some(instance_url) => target_url(instance_url, path)?,
        None if is_full_url(path) => target_url(path, path)?,
        None => target_url("https://instance.invalid", path)?,
    };
    let body = read_data(args.data.as_deref())?;
    let method = method(args.method.as_deref(), body.is_some())?;
    let headers = headers(&args.headers)?;
    let freshness = Freshness::from(&args.freshness);
    let http = Http::new()?;
    let request = Request {
        method,
        path,
        body,
        headers,
    };
    let mut access = chosen.obtain(freshness)?;
    let mut response = request.send(&http, &access)?;
    if response.status().as_u16() == 401 {
        let host = host_of(&access.connection.instance_url);
        let answer = read_answer(response, &host)?;
        if !String::from_utf8_lossy(&answer.body).contains("INVALID_SESSION_ID") {
            output::print_bytes(&answer.body)?;
            return Err(status_error(401));
        }
        let force = Freshness {
            force: true,
            ..freshness
        };
        access = chosen.obtain(force)?;
        response = request.send(&http, &access)?;
    }
    let status = response.status().as_u16();
    output::stream(response)?;
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(status_error(status))
    }
}

struct Request<'a> {
    method: Method,
    path: &'a str,
    body: Option<Vec<u8>>,
    headers: Vec<(String, String)>,
}

impl Request<'_> {
    fn send(&self, http: &Http, access: &Access) -> Result<Response> {
        let url = target_url(&access.connection.instance_url, self.path)?;
        let host = host_of(url.as_str());
        let mut builder = http
            .client()
            .request(self.method.clone(), url)
            .bearer_auth(access.token.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = &self.body {
            let has_type = self
                .headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
            if !has_type {
                builder = builder.header(reqwest::header::CONTENT_TYPE, "application/json");
            }
            builder = builder.body(body.clone());
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        http.open(builder, &host)
    }
}

fn status_error(status: u16) -> Error {
    let exit = if status >= 500 {
        Exit::Network
    } else {
        Exit::HttpStatus
    };
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    Error::new(
        exit,
        format!("HTTP {status} {reason}").trim_end().to_string(),
    )
}

/// `instance_url + PATH`, or a full URL on the instance's own host only: the
/// bearer token must not travel anywhere else.
fn target_url(instance_url: &str, path: &str) -> Result<Url> {
    let instance = Url::parse(instance_url).map_err(|_| {
        Error::unexpected(format!(
            "the stored instance URL {instance_url:?} is malformed"
        ))
    })?;
    if is_full_url(path) {
        let url =
            Url::parse(path).map_err(|e| Error::usage(format!("malformed URL {path:?}: {e}")))?;
        if url.origin() != instance.origin() {
            return Err(Error::usage(format!(
                "{path} is not on this connection's instance {instance_url}; the token is only sent there"
            ))
            .with_hint("pass a path such as /services/data/v62.0/limits"));
        }
        return Ok(url);
    }
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    let base = instance_url.trim_end_matches('/');
    Url::parse(&format!("{base}{path}"))
        .map_err(|e| Error::usage(format!("bad path {path:?}: {e}")))
}

fn is_full_url(path: &str) -> bool {
    path.starts_with("http://") || path.starts_with("https://")
}

fn method(method: Option<&str>, has_body: bool) -> Result<Method> {
    let name = method.map_or(if has_body { "POST" } else { "GET" }, str::trim);
    Method::from_bytes(name.to_ascii_uppercase().as_bytes())
        .map_err(|_| Error::usage(format!("invalid HTTP method {name:?}")))
}

fn headers(raw: &[String]) -> Result<Vec<(String, String)>> {
    raw.iter()
        .map(|header| {
            let (name, value) = header.split_once(':').ok_or_else(|| {
                Error::usage(format!("invalid header {header:?}: use \"Name: value\""))
            })?;
            let (name, value) = (name.trim(), value.trim());
            reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::usage(format!("invalid header name {name:?}")))?;
            if name.eq_ignore_ascii_case("authorization") {
                return Err(Error::usage(
                    "sfconnect sets the Authorization header itself",
                ));
            }
            Ok((name.to_string(), value.to_string()))
        })
        .collect()
}

/// `-d DATA`, `-d @FILE`, or `-d @-` for stdin.
fn read_data(data: Option<&str>) -> Result<Option<Vec<u8>>> {
    let Some(data) = data else { return Ok(None) };
    let Some(source) = data.strip_prefix('@') else {
        return Ok(Some(data.as_bytes().to_vec()));
    };
    let bytes = if source == "-" {
        let mut buffer = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buffer)
            .map_err(|e| Error::usage(format!("cannot read the body from stdin: {e}")))?;
        buffer
    } else {
        std::fs::read(source).map_err(|e| Error::usage(format!("cannot read {source}: {e}")))?
    };
    Ok(Some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_on_the_instance() {
        let base = "https://acme.my.salesforce.com";
        assert_eq!(
            target_url(base, "/services/data/").unwrap().as_str(),
            "https://acme.my.salesforce.com/services/data/"
        );
        assert_eq!(
            target_url(base, "services/data").unwrap().path(),
            "/services/data"
        );
        assert!(target_url(base, "https://acme.my.salesforce.com/x?y=1").is_ok());
        for elsewhere in [
            "https://evil.example/services",
            "http://acme.my.salesforce.com/x",
            "https://acme.my.salesforce.com:444/x",
        ] {
            assert_eq!(
                target_url(base, elsewhere).unwrap_err().exit,
                Exit::Usage,
                "{elsewhere}"
            );
        }
    }

    #[test]
    fn methods_and_headers() {
        assert_eq!(method(None, false).unwrap(), Method::GET);
        assert_eq!(method(None, true).unwrap(), Method::POST);
        assert_eq!(method(Some("patch"), true).unwrap(), Method::PATCH);
        assert!(method(Some("BAD METHOD"), false).is_err());
        assert_eq!(
            headers(&["X-Trace: 1".into()]).unwrap(),
            vec![("X-Trace".to_string(), "1".to_string())]
        );
        assert!(headers(&["nocolon".into()]).is_err());
        assert!(headers(&["Authorization: Bearer x".into()]).is_err());
    }
}
