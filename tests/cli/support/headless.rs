//! Helpers for the JWT bearer and client-credentials tests: the fixture
//! keys and certificates (tests/fixtures/keys), registering headless apps
//! at the fake, `link` command lines, and reading or editing the binary
//! secret-store entry such a connection keeps (`secrets::credential`).

use super::Sandbox;
use super::fake_salesforce::{ClientCredentialsApp, FakeSalesforce, JwtApp};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use sfconnect::secrets::credential::{self, Entry};
use std::path::PathBuf;

/// The JWT app's consumer key at the fake.
pub const JWT_CLIENT_ID: &str = "3MVG9fakeJwtBearerAppForSfconnectTests";
/// The client-credentials app's consumer key and secret. The secret carries
/// the canary, so the leak test finds it wherever it lands.
pub const CC_CLIENT_ID: &str = "3MVG9fakeClientCredentialsAppForTests";
pub const CC_SECRET: &str = "CCSECRET-SFCANARY-4d2f9a";
/// The Run As user of the client-credentials app.
pub const RUN_AS: &str = "integration@example.com";

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keys")
        .join(name)
}

pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

/// The DER of a PEM certificate fixture (or of any PEM text).
pub fn pem_der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).expect("PEM base64")
}

/// The base64 lines of a PEM key: none may appear outside the secret store.
pub fn pem_body_lines(pem: &str) -> Vec<String> {
    pem.lines()
        .filter(|l| !l.starts_with("-----") && l.len() >= 40)
        .map(String::from)
        .collect()
}

/// Registers `client_id` for the JWT bearer flow with a certificate
/// fixture, pre-authorized.
pub fn register_jwt_app(fake: &FakeSalesforce, client_id: &str, cert_fixture: &str) {
    register_jwt_certificate(fake, client_id, pem_der(&fixture_text(cert_fixture)));
}

pub fn register_jwt_certificate(fake: &FakeSalesforce, client_id: &str, certificate: Vec<u8>) {
    let mut knobs = fake.knobs();
    knobs.headless.jwt_apps.retain(|a| a.client_id != client_id);
    knobs.headless.jwt_apps.push(JwtApp {
        client_id: client_id.to_string(),
        certificate,
        enabled: true,
        pre_authorized: true,
    });
}

/// Registers the client-credentials app, running as `RUN_AS`.
pub fn register_cc_app(fake: &FakeSalesforce) {
    fake.add_user(super::fake_salesforce::FakeUser {
        username: RUN_AS.into(),
        user_id: "005000000000009AAA".into(),
        org_id: super::fake_salesforce::DEFAULT_ORG_ID.into(),
        display_name: "Integration User".into(),
        email: RUN_AS.into(),
    });
    fake.knobs()
        .headless
        .client_credentials_apps
        .push(ClientCredentialsApp {
            client_id: CC_CLIENT_ID.into(),
            secret: CC_SECRET.into(),
            enabled: true,
            run_as: Some(RUN_AS.into()),
        });
}

/// A copy of a key fixture in the sandbox, with this mode.
pub fn key_file(sandbox: &Sandbox, fixture_name: &str, mode: u32) -> PathBuf {
    let dir = sandbox.config_dir().parent().unwrap().join("keys");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(fixture_name);
    std::fs::copy(fixture(fixture_name), &path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = mode;
    path
}

/// `link --jwt` at the fake for the default user, plus `extra`.
pub fn jwt_link<'a>(url: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "link",
        "--jwt",
        "--login-url",
        url,
        "--client-id",
        JWT_CLIENT_ID,
        "--username",
        super::fake_salesforce::DEFAULT_USERNAME,
    ];
    args.extend_from_slice(extra);
    args
}

/// `link --client-credentials` at the fake, plus `extra`.
pub fn cc_link<'a>(url: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "link",
        "--client-credentials",
        "--login-url",
        url,
        "--client-id",
        CC_CLIENT_ID,
    ];
    args.extend_from_slice(extra);
    args
}

/// The file store's text for a connection id, as stored.
fn raw_entry(sandbox: &Sandbox, id: &str) -> Option<String> {
    let text = std::fs::read_to_string(sandbox.config_dir().join("secrets.json")).ok()?;
    let file: Value = serde_json::from_str(&text).unwrap();
    file["secrets"][id].as_str().map(String::from)
}

/// The decoded entry of a headless connection, by alias.
pub fn entry_of(sandbox: &Sandbox, alias: &str) -> Entry {
    let id = sandbox.connection(alias)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let raw = raw_entry(sandbox, &id).expect("an entry is stored");
    let bytes = STANDARD.decode(raw).expect("a byte entry");
    credential::decode(&bytes).expect("sfconnect's record")
}

/// Rewrites a headless connection's entry (e.g. to age its cached token).
pub fn edit_entry(sandbox: &Sandbox, alias: &str, edit: impl FnOnce(&mut Entry)) {
    let id = sandbox.connection(alias)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = sandbox.config_dir().join("secrets.json");
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut entry = entry_of(sandbox, alias);
    edit(&mut entry);
    file["secrets"][&id] = Value::String(STANDARD.encode(credential::encode(&entry).expose()));
    std::fs::write(&path, file.to_string()).unwrap();
}

/// The cached access token of a headless connection.
pub fn cached_token(sandbox: &Sandbox, alias: &str) -> String {
    entry_of(sandbox, alias)
        .access_token
        .expect("a cached access token")
        .expose()
        .to_string()
}

/// Makes the cached access token an hour old.
pub fn age_cache(sandbox: &Sandbox, alias: &str) {
    let hour_ago = chrono::Utc::now().timestamp_millis() - 60 * 60 * 1000;
    edit_entry(sandbox, alias, |e| e.access_issued_at_ms = Some(hour_ago));
}

/// The claims of every JWT assertion the fake received, in order.
pub fn assertions(fake: &FakeSalesforce) -> Vec<Value> {
    fake.requests()
        .iter()
        .filter(|r| r.path == "/services/oauth2/token")
        .filter_map(|r| r.form_param("assertion").map(String::from))
        .map(|jwt| {
            let payload = jwt.split('.').nth(1).unwrap().to_string();
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap();
            serde_json::from_slice(&bytes).unwrap()
        })
        .collect()
}

/// Revokes an access token at the fake, as an admin ending the session.
pub fn revoke_at_fake(fake: &FakeSalesforce, token: &str) {
    let response = super::http_client()
        .post(format!("{}/services/oauth2/revoke", fake.url()))
        .form(&[("token", token)])
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// The access token an `exec` child finds in `SF_ACCESS_TOKEN`.
pub fn token_seen_by_exec(sandbox: &Sandbox, alias: &str) -> String {
    sandbox
        .run(&[
            "exec",
            alias,
            "--",
            "sh",
            "-c",
            "printf %s \"$SF_ACCESS_TOKEN\"",
        ])
        .expect(0)
        .stdout
}

/// How many connections the index holds (none before the first link).
pub fn linked(sandbox: &Sandbox) -> usize {
    if sandbox.config_dir().join("index.json").exists() {
        sandbox.connections().len()
    } else {
        0
    }
}

/// Every file under `dir`.
pub fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
