//! A small client for the KV version 2 secrets engine of OpenBao and
//! HashiCorp Vault, over the blocking reqwest client sfconnect already uses.
//!
//! Why not `vaultrs`: it is async, so it would bring an async runtime
//! (tokio) into a program that has none and makes one call at a time; and
//! sfconnect needs a dozen endpoints, each a JSON request and answer.
//! Written here, they follow the rules every Salesforce call follows
//! (`salesforce::http`): proxies from the environment with loopback http
//! never proxied, redirects never followed (a token must not follow one),
//! every call bounded by the HTTP timeout, bodies bounded in size and time,
//! URLs without queries in `-v` output. See docs/vault.md, "The client".
//!
//! The endpoints (Vault HTTP API; OpenBao serves the same):
//! `GET/POST {mount}/data/{path}` (read with version and `created_time`;
//! write with `options.cas`), `DELETE {mount}/metadata/{path}` (destroys
//! every version: a DELETE of `data/` takes no check-and-set and leaves old
//! versions readable with `?version=N`), `GET {mount}/metadata/{path}?list=true`,
//! `auth/token/lookup-self`, `sys/capabilities-self`,
//! `sys/internal/ui/mounts/{mount}` (readable by a scoped token where
//! `sys/mounts` answers 403), `auth/approle/login` and
//! `auth/token/revoke-self`.
//!
//! The server's `Date` header and each entry's `created_time` and
//! `version` are exposed: a lease across machines is judged by the vault's
//! clock, never the local one.

use super::config::{Auth, VaultConfig};
use super::errors;
use crate::error::{Error, Exit, Result};
use crate::output;
use crate::salesforce::http;
use crate::secrets::secret::Secret;
use chrono::{DateTime, Utc};
use reqwest::Method;
use reqwest::blocking::Client;
use reqwest::header::HeaderValue;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use url::Url;

/// One KV v2 entry as read: its data, the version it is, when the vault
/// created that version, and the vault's clock when it answered.
#[derive(Debug, Clone)]
pub struct KvEntry {
    pub data: Map<String, Value>,
    pub version: u64,
    pub created_time: DateTime<Utc>,
    pub server_date: Option<DateTime<Utc>>,
}

/// A version written.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    pub version: u64,
    pub created_time: DateTime<Utc>,
    pub server_date: Option<DateTime<Utc>>,
}

/// The check-and-set version did not match: someone else wrote first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CasConflict;

/// What `auth/token/lookup-self` says about the token (never the token).
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub display_name: String,
    pub policies: Vec<String>,
    /// Seconds left; 0 for a token that never expires (root).
    pub ttl_secs: i64,
}

/// What `sys/internal/ui/mounts/{mount}` says about a mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountInfo {
    /// `kv` for a key/value engine.
    pub engine: String,
    /// `options.version`: `"2"` for KV v2, absent or `"1"` for KV v1.
    pub version: Option<String>,
}

impl MountInfo {
    pub fn is_kv2(&self) -> bool {
        self.engine == "kv" && self.version.as_deref() == Some("2")
    }
}

pub struct VaultClient {
    http: Client,
    addr: Url,
    label: String,
    mount: String,
    namespace: Option<String>,
    token: Secret,
    /// Where the token came from, for errors ("VAULT_TOKEN", a file, AppRole).
    token_source: String,
    /// Minted by an AppRole login of this process: revoked when dropped.
    minted: bool,
    last_date: Mutex<Option<DateTime<Utc>>>,
}

/// An answer read in full.
struct Reply {
    status: u16,
    body: Vec<u8>,
}

impl VaultClient {
    /// A client with the HTTP timeout every sfconnect call has; logs in by
    /// AppRole when that is how it is configured.
    pub fn connect(config: &VaultConfig) -> Result<VaultClient> {
        Self::connect_with_timeout(config, http::call_timeout())
    }

    /// A client whose every call gives up after `timeout` (`tokens list`
    /// merges the vault's records with a short one).
    pub fn connect_with_timeout(config: &VaultConfig, timeout: Duration) -> Result<VaultClient> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = Client::builder()
            .user_agent(concat!("sfconnect/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout);
        if let Some(path) = &config.cacert {
            let pem = std::fs::read(path).map_err(|e| {
                Error::secret_store(format!("cannot read VAULT_CACERT {}: {e}", path.display()))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| {
                Error::secret_store(format!(
                    "VAULT_CACERT {} holds no PEM certificate",
                    path.display()
                ))
            })?;
            builder = builder.tls_certs_merge(certs);
        }
        let client = crate::salesforce::proxy::configure(builder)
            .build()
            .map_err(|e| Error::unexpected(format!("cannot set up HTTPS: {e}")))?;
        let (token, token_source, approle) = match &config.auth {
            Auth::Token { token, source } => (token.clone(), source.clone(), None),
            Auth::AppRole { role_id, secret_id } => (
                Secret::new(""),
                "the AppRole login".to_string(),
                Some((role_id, secret_id)),
            ),
        };
        let mut vault = VaultClient {
            http: client,
            addr: config.addr.clone(),
            label: config.label(),
            mount: config.mount.clone(),
            namespace: config.namespace.clone(),
            token,
            token_source,
            minted: false,
            last_date: Mutex::new(None),
        };
        if let Some((role_id, secret_id)) = approle {
            vault.token = super::approle::login(&vault, role_id, secret_id)?;
            vault.minted = true;
        }
        Ok(vault)
    }

    /// `host:port`, for messages.
    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn mount(&self) -> &str {
        &self.mount
    }

    /// The vault's clock at its latest answer (its `Date` header).
    pub fn server_date(&self) -> Option<DateTime<Utc>> {
        *self.last_date.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `mount/data/path`: the API path of an entry's data, as a policy names it.
    pub fn data_path(&self, path: &str) -> String {
        format!("{}/data/{path}", self.mount)
    }

    pub fn metadata_path(&self, path: &str) -> String {
        format!("{}/metadata/{path}", self.mount)
    }

    /// The latest version of an entry; `None` when there is none (never
    /// written, or destroyed).
    pub fn read(&self, path: &str) -> Result<Option<KvEntry>> {
        self.read_version(path, None)
    }

    /// One version of an entry (`?version=N`), or the latest.
    pub fn read_version(&self, path: &str, version: Option<u64>) -> Result<Option<KvEntry>> {
        let api = self.data_path(path);
        let query = version.map(|v| format!("version={v}"));
        let reply = self.call(Method::GET, &api, query.as_deref(), None)?;
        match reply.status {
            200 => {}
            404 if errors::is_no_route(&reply.body) => {
                return Err(self.no_mount());
            }
            // A deleted or destroyed version answers 404 with its metadata.
            404 => return Ok(None),
            403 => return Err(self.denied(&api, "read")),
            _ => return Err(self.refused(&format!("read {api}"), &reply)),
        }
        #[derive(Deserialize)]
        struct Answer {
            data: Option<DataAndMetadata>,
        }
        #[derive(Deserialize)]
        struct DataAndMetadata {
            data: Option<Map<String, Value>>,
            metadata: Option<Metadata>,
        }
        let answer: Answer = serde_json::from_slice(&reply.body)
            .map_err(|_| errors::malformed(&self.label, "a read"))?;
        let Some(DataAndMetadata {
            data,
            metadata: Some(metadata),
        }) = answer.data
        else {
            // KV v1 answers the data itself, without `metadata`.
            return Err(errors::not_kv2(
                &self.label,
                &self.mount,
                "its answer has no version metadata",
            ));
        };
        let Some(data) = data else {
            return Ok(None);
        };
        Ok(Some(KvEntry {
            data,
            version: metadata.version,
            created_time: self.parse_time(&metadata.created_time)?,
            server_date: self.server_date(),
        }))
    }

    /// Writes a new version. With `cas: Some(n)` the vault writes only when
    /// the latest version is `n` (`Some(0)`: only when there is none), and
    /// answers a `CasConflict` otherwise.
    pub fn write(
        &self,
        path: &str,
        data: &Map<String, Value>,
        cas: Option<u64>,
    ) -> Result<std::result::Result<Written, CasConflict>> {
        let api = self.data_path(path);
        let body = match cas {
            Some(version) => json!({ "options": { "cas": version }, "data": data }),
            None => json!({ "data": data }),
        };
        let reply = self.call(Method::POST, &api, None, Some(&body))?;
        match reply.status {
            200 | 204 => {}
            400 if errors::is_cas_mismatch(&reply.body) => return Ok(Err(CasConflict)),
            404 if errors::is_no_route(&reply.body) => return Err(self.no_mount()),
            403 => return Err(self.denied(&api, if cas == Some(0) { "create" } else { "update" })),
            _ => return Err(self.refused(&format!("write {api}"), &reply)),
        }
        #[derive(Deserialize)]
        struct Answer {
            data: Option<Metadata>,
        }
        let metadata = serde_json::from_slice::<Answer>(&reply.body)
            .ok()
            .and_then(|a| a.data)
            .ok_or_else(|| {
                errors::not_kv2(&self.label, &self.mount, "a write answered no version")
            })?;
        Ok(Ok(Written {
            version: metadata.version,
            created_time: self.parse_time(&metadata.created_time)?,
            server_date: self.server_date(),
        }))
    }

    /// Destroys an entry: its metadata and every version. Succeeds when
    /// there is nothing to destroy.
    pub fn delete_all(&self, path: &str) -> Result<()> {
        let api = self.metadata_path(path);
        let reply = self.call(Method::DELETE, &api, None, None)?;
        match reply.status {
            200 | 204 | 404 if !errors::is_no_route(&reply.body) => Ok(()),
            404 => Err(self.no_mount()),
            403 => Err(self.denied(&api, "delete")),
            _ => Err(self.refused(&format!("delete {api}"), &reply)),
        }
    }

    /// The keys under a folder (a key ending in `/` is a sub-folder); empty
    /// when there is none.
    pub fn list(&self, folder: &str) -> Result<Vec<String>> {
        let api = self.metadata_path(folder);
        let reply = self.call(Method::GET, &api, Some("list=true"), None)?;
        match reply.status {
            200 => {}
            404 if errors::is_no_route(&reply.body) => return Err(self.no_mount()),
            404 => return Ok(Vec::new()),
            403 => return Err(self.denied(&api, "list")),
            _ => return Err(self.refused(&format!("list {api}"), &reply)),
        }
        #[derive(Deserialize)]
        struct Answer {
            data: Keys,
        }
        #[derive(Deserialize)]
        struct Keys {
            #[serde(default)]
            keys: Vec<String>,
        }
        serde_json::from_slice::<Answer>(&reply.body)
            .map(|a| a.data.keys)
            .map_err(|_| errors::malformed(&self.label, "a list"))
    }

    /// What the vault knows about our token; a refused token is the error.
    pub fn lookup_self(&self) -> Result<TokenInfo> {
        let reply = self.call(Method::GET, "auth/token/lookup-self", None, None)?;
        match reply.status {
            200 => {}
            401 | 403 => return Err(errors::token_refused(&self.label, &self.token_source)),
            _ => return Err(self.refused("look up its token", &reply)),
        }
        #[derive(Deserialize)]
        struct Answer {
            data: Info,
        }
        #[derive(Deserialize)]
        struct Info {
            #[serde(default)]
            display_name: String,
            #[serde(default)]
            policies: Vec<String>,
            #[serde(default)]
            ttl: i64,
        }
        let info = serde_json::from_slice::<Answer>(&reply.body)
            .map_err(|_| errors::malformed(&self.label, "a token lookup"))?
            .data;
        Ok(TokenInfo {
            display_name: info.display_name,
            policies: info.policies,
            ttl_secs: info.ttl,
        })
    }

    /// The token's capabilities on each API path (`sys/capabilities-self`).
    pub fn capabilities(&self, paths: &[String]) -> Result<BTreeMap<String, Vec<String>>> {
        let body = json!({ "paths": paths });
        let reply = self.call(Method::POST, "sys/capabilities-self", None, Some(&body))?;
        match reply.status {
            200 => {}
            401 | 403 => return Err(errors::token_refused(&self.label, &self.token_source)),
            _ => return Err(self.refused("list its token's capabilities", &reply)),
        }
        #[derive(Deserialize)]
        struct Answer {
            data: BTreeMap<String, Value>,
        }
        let answer: Answer = serde_json::from_slice(&reply.body)
            .map_err(|_| errors::malformed(&self.label, "a capabilities query"))?;
        Ok(paths
            .iter()
            .map(|path| {
                let caps = answer
                    .data
                    .get(path)
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default();
                (path.clone(), caps)
            })
            .collect())
    }

    /// The engine and version of our mount, from `sys/internal/ui/mounts`.
    pub fn mount_info(&self) -> Result<MountInfo> {
        let api = format!("sys/internal/ui/mounts/{}", self.mount);
        let reply = self.call(Method::GET, &api, None, None)?;
        match reply.status {
            200 => {}
            // "preflight capability check returned 403": no such mount, or
            // nothing on it is granted to this token.
            403 | 404 => {
                self.lookup_self()?;
                return Err(errors::not_kv2(
                    &self.label,
                    &self.mount,
                    "no such mount, or the token may use nothing on it",
                ));
            }
            _ => return Err(self.refused(&format!("describe the mount {}", self.mount), &reply)),
        }
        #[derive(Deserialize)]
        struct Answer {
            data: Mount,
        }
        #[derive(Deserialize)]
        struct Mount {
            #[serde(rename = "type", default)]
            engine: String,
            #[serde(default)]
            options: Option<BTreeMap<String, Value>>,
        }
        let mount = serde_json::from_slice::<Answer>(&reply.body)
            .map_err(|_| errors::malformed(&self.label, "a mount query"))?
            .data;
        Ok(MountInfo {
            engine: mount.engine,
            version: mount
                .options
                .and_then(|o| o.get("version").and_then(Value::as_str).map(String::from)),
        })
    }

    /// An error unless our mount is a KV v2 engine: a KV v1 mount would take
    /// `data/...` writes as plain keys, and answer reads as "nothing there".
    pub fn ensure_kv2(&self) -> Result<()> {
        let info = self.mount_info()?;
        if info.is_kv2() {
            Ok(())
        } else {
            let what = match (info.engine.as_str(), info.version.as_deref()) {
                ("kv", version) => format!("it is KV version {}", version.unwrap_or("1")),
                (engine, _) => format!("it is a {engine} engine"),
            };
            Err(errors::not_kv2(&self.label, &self.mount, &what))
        }
    }

    /// Sends one request to `/v1/{api}`; transport failures and 5xx
    /// answers are errors (exit 6), any other answer is returned.
    fn call(
        &self,
        method: Method,
        api: &str,
        query: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Reply> {
        let mut url = format!("{}/v1/{api}", self.addr.as_str().trim_end_matches('/'));
        if let Some(query) = query {
            url.push('?');
            url.push_str(query);
        }
        let mut request = self.http.request(method.clone(), &url);
        if !self.token.expose().is_empty() {
            let mut value = HeaderValue::from_str(self.token.expose()).map_err(|_| {
                Error::secret_store(format!(
                    "the vault token from {} is not a valid header value",
                    self.token_source
                ))
            })?;
            // Kept out of any debug rendering of the request.
            value.set_sensitive(true);
            request = request.header("X-Vault-Token", value);
        }
        if let Some(namespace) = &self.namespace {
            request = request.header("X-Vault-Namespace", namespace.as_str());
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let started = Instant::now();
        let result = request.send();
        let ms = started.elapsed().as_millis();
        let response = match result {
            Ok(response) => response,
            Err(e) => {
                output::debug(&format!(
                    "vault {method} {api} at {} -> failed after {ms} ms",
                    self.label
                ));
                return Err(self.unreachable(&e));
            }
        };
        output::debug(&format!(
            "vault {method} {api} at {} -> HTTP {} in {ms} ms",
            self.label,
            response.status().as_u16()
        ));
        let date = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date);
        *self.last_date.lock().unwrap_or_else(|e| e.into_inner()) = date;
        let answer = http::read_answer(response, &format!("the vault at {}", self.label)).map_err(
            |mut e| {
                e.exit = Exit::SecretStore;
                e
            },
        )?;
        let reply = Reply {
            status: answer.status,
            body: answer.body,
        };
        match reply.status {
            503 => {
                let detail = errors::messages(&reply.body);
                if detail.to_lowercase().contains("sealed") {
                    Err(errors::sealed(&self.label))
                } else {
                    Err(errors::unavailable(&self.label, 503, &detail))
                }
            }
            status if status >= 500 => Err(errors::unavailable(
                &self.label,
                status,
                &errors::messages(&reply.body),
            )),
            _ => Ok(reply),
        }
    }

    /// A 403 on `api`: the token is dead, or its policies lack `capability`.
    fn denied(&self, api: &str, capability: &str) -> Error {
        match self.lookup_self() {
            Err(token_error) => token_error,
            Ok(_) => errors::permission_denied(&self.label, api, capability),
        }
    }

    /// Any other answer: the vault refused `action`, with its own messages.
    fn refused(&self, action: &str, reply: &Reply) -> Error {
        errors::refused(
            &self.label,
            action,
            reply.status,
            &errors::messages(&reply.body),
        )
    }

    fn no_mount(&self) -> Error {
        errors::not_kv2(
            &self.label,
            &self.mount,
            "no secrets engine is mounted there",
        )
    }

    fn unreachable(&self, err: &reqwest::Error) -> Error {
        let network = http::transport_error(&self.label, err);
        let message = match network.message.strip_prefix("cannot reach ") {
            Some(rest) if !rest.starts_with("the proxy") => {
                format!("cannot reach the vault at {rest}")
            }
            _ => network.message.clone(),
        };
        Error::secret_store(message).with_hint(
            "check VAULT_ADDR, that the vault server runs, and the proxy settings (HTTPS_PROXY, NO_PROXY)",
        )
    }

    fn parse_time(&self, text: &str) -> Result<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| errors::malformed(&self.label, "an entry's created_time"))
    }

    /// Sends a request as-is (AppRole login, revoke-self).
    pub(super) fn post(&self, api: &str, body: Option<&Value>) -> Result<(u16, Vec<u8>)> {
        let reply = self.call(Method::POST, api, None, body)?;
        Ok((reply.status, reply.body))
    }
}

impl Drop for VaultClient {
    /// A token minted by an AppRole login is revoked when this process is
    /// done with it, so none outlives its use (docs/vault.md, "AppRole").
    fn drop(&mut self) {
        if self.minted
            && let Err(err) = super::approle::revoke_self(self)
        {
            output::debug(&format!(
                "could not revoke the AppRole token: {}",
                err.message
            ));
        }
    }
}

#[derive(Deserialize)]
struct Metadata {
    version: u64,
    created_time: String,
}

/// An HTTP `Date` (RFC 9110 §5.6.7: `Mon, 30 Nov 2026 21:31:06 GMT`).
pub fn parse_http_date(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_are_read() {
        let date = parse_http_date("Mon, 30 Nov 2026 21:31:06 GMT").unwrap();
        assert_eq!(date.to_rfc3339(), "2026-11-30T21:31:06+00:00");
        assert!(parse_http_date("yesterday").is_none());
    }

    #[test]
    fn kv2_mounts_are_told_from_others() {
        let mount = |engine: &str, version: Option<&str>| MountInfo {
            engine: engine.into(),
            version: version.map(String::from),
        };
        assert!(mount("kv", Some("2")).is_kv2());
        assert!(!mount("kv", Some("1")).is_kv2());
        assert!(!mount("kv", None).is_kv2());
        assert!(!mount("transit", Some("2")).is_kv2());
    }
}
