//! The client against a scripted server on 127.0.0.1: what it sends (token
//! and namespace headers, check-and-set bodies, paths) and how it reads each
//! kind of answer. The integration tests run it against a real OpenBao.

use super::client::{CasConflict, VaultClient};
use super::config::{Auth, VaultConfig};
use super::scripted::scripted;
use crate::error::Exit;
use crate::secrets::secret::Secret;
use serde_json::{Map, Value, json};

fn config(addr: &str, auth: Auth) -> VaultConfig {
    VaultConfig {
        addr: url::Url::parse(addr).unwrap(),
        auth,
        namespace: Some("team-a".into()),
        cacert: None,
        mount: "secret".into(),
        prefix: "sfconnect".into(),
    }
}

fn token(value: &str) -> Auth {
    Auth::Token {
        token: Secret::new(value),
        source: "VAULT_TOKEN".into(),
    }
}

const READ: &str = r#"{"data":{"data":{"k":"v"},"metadata":{"created_time":"2026-11-30T21:31:06.279587564Z","version":3}}}"#;

#[test]
fn reads_carry_version_created_time_and_the_server_date() {
    let server = scripted(|_, _| (200, READ.into()));
    let vault = VaultClient::connect(&config(&server.addr, token("s.canary"))).unwrap();
    let entry = vault.read("sfconnect/secrets/abc").unwrap().unwrap();
    assert_eq!(entry.version, 3);
    assert_eq!(entry.data["k"], "v");
    assert_eq!(
        entry.created_time.to_rfc3339(),
        "2026-11-30T21:31:06.279587564+00:00"
    );
    assert_eq!(
        entry.server_date.unwrap().to_rfc3339(),
        "2026-11-30T21:31:06+00:00"
    );
    let seen = server.seen.lock().unwrap()[0].clone();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.url, "/v1/secret/data/sfconnect/secrets/abc");
    assert_eq!(seen.token.as_deref(), Some("s.canary"));
    assert_eq!(seen.namespace.as_deref(), Some("team-a"));
}

#[test]
fn writes_send_check_and_set_and_read_a_mismatch_as_a_conflict() {
    let server = scripted(|_, url| {
        if url.ends_with("/taken") {
            (
                400,
                r#"{"errors":["check-and-set parameter did not match the current version"]}"#
                    .into(),
            )
        } else {
            (
                200,
                r#"{"data":{"created_time":"2026-11-30T21:31:06Z","version":4}}"#.into(),
            )
        }
    });
    let vault = VaultClient::connect(&config(&server.addr, token("t"))).unwrap();
    let mut data = Map::new();
    data.insert("k".into(), Value::String("v".into()));
    let written = vault.write("p/free", &data, Some(3)).unwrap().unwrap();
    assert_eq!(written.version, 4);
    assert!(written.server_date.is_some());
    assert_eq!(
        vault.write("p/taken", &data, Some(0)).unwrap().unwrap_err(),
        CasConflict
    );
    let seen = server.seen.lock().unwrap().clone();
    let body: Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(body, json!({"options": {"cas": 3}, "data": {"k": "v"}}));
    assert_eq!(seen[0].method, "POST");
}

#[test]
fn revoking_destroys_metadata_and_lists_are_read() {
    let server = scripted(|method, _| match method {
        "DELETE" => (204, String::new()),
        _ => (200, r#"{"data":{"keys":["a","b/"]}}"#.into()),
    });
    let vault = VaultClient::connect(&config(&server.addr, token("t"))).unwrap();
    vault.delete_all("sfconnect/secrets/x").unwrap();
    assert_eq!(vault.list("sfconnect/connections").unwrap(), ["a", "b/"]);
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen[0].url, "/v1/secret/metadata/sfconnect/secrets/x");
    assert_eq!(
        seen[1].url,
        "/v1/secret/metadata/sfconnect/connections?list=true"
    );
}

#[test]
fn sealed_denied_and_dead_tokens_are_exit_6_with_a_fix() {
    let sealed = scripted(|_, _| (503, r#"{"errors":["Vault is sealed"]}"#.into()));
    let vault = VaultClient::connect(&config(&sealed.addr, token("t"))).unwrap();
    let err = vault.read("p").unwrap_err();
    assert_eq!(err.exit, Exit::SecretStore);
    assert!(err.message.contains("sealed"), "{}", err.message);
    assert!(err.hint.unwrap().contains("unseal"));

    // 403 everywhere, lookup-self included: the token is dead.
    let dead = scripted(|_, _| (403, r#"{"errors":["permission denied"]}"#.into()));
    let vault = VaultClient::connect(&config(&dead.addr, token("t"))).unwrap();
    let err = vault.read("p").unwrap_err();
    assert_eq!(err.exit, Exit::SecretStore);
    assert!(err.message.contains("VAULT_TOKEN"), "{}", err.message);
    assert!(
        err.message.contains("expired or revoked"),
        "{}",
        err.message
    );

    // 403 on the path only: the policy lacks the capability.
    let policy = scripted(|_, url| {
        if url.contains("lookup-self") {
            (
                200,
                r#"{"data":{"display_name":"token","policies":["ro"],"ttl":60}}"#.into(),
            )
        } else {
            (403, r#"{"errors":["permission denied"]}"#.into())
        }
    });
    let vault = VaultClient::connect(&config(&policy.addr, token("t"))).unwrap();
    let err = vault
        .write("sfconnect/secrets/x", &Map::new(), Some(1))
        .unwrap_err();
    assert_eq!(err.exit, Exit::SecretStore);
    assert!(
        err.message
            .contains("update on secret/data/sfconnect/secrets/x"),
        "{}",
        err.message
    );
    assert!(err.hint.unwrap().contains("docs/vault.md"));
}

#[test]
fn a_kv1_mount_is_named_as_such() {
    let server = scripted(|_, url| {
        if url.contains("sys/internal/ui/mounts") {
            (
                200,
                r#"{"data":{"type":"kv","options":{"version":"1"}}}"#.into(),
            )
        } else {
            (200, r#"{"data":{"k":"v"}}"#.into())
        }
    });
    let vault = VaultClient::connect(&config(&server.addr, token("t"))).unwrap();
    let err = vault.ensure_kv2().unwrap_err();
    assert_eq!(err.exit, Exit::SecretStore);
    assert!(err.message.contains("KV version 1"), "{}", err.message);
    let err = vault.read("p").unwrap_err();
    assert!(
        err.message.contains("not a KV version 2"),
        "{}",
        err.message
    );
}

#[test]
fn a_closed_port_is_unreachable_exit_6() {
    // Bound, never listening: connections are refused.
    let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    drop(socket);
    let vault =
        VaultClient::connect(&config(&format!("http://127.0.0.1:{port}"), token("t"))).unwrap();
    let err = vault.lookup_self().unwrap_err();
    assert_eq!(err.exit, Exit::SecretStore);
    assert!(
        err.message.contains("cannot reach the vault at 127.0.0.1"),
        "{}",
        err.message
    );
}

#[test]
fn approle_logs_in_and_revokes_its_token_when_done() {
    let server = scripted(|_, url| match url {
        "/v1/auth/approle/login" => (
            200,
            r#"{"auth":{"client_token":"s.minted","lease_duration":60}}"#.into(),
        ),
        "/v1/auth/token/revoke-self" => (204, String::new()),
        _ => (
            200,
            r#"{"data":{"display_name":"approle","policies":[],"ttl":60}}"#.into(),
        ),
    });
    let auth = Auth::AppRole {
        role_id: Secret::new("role-1"),
        secret_id: Secret::new("secret-1"),
    };
    let vault = VaultClient::connect(&config(&server.addr, auth)).unwrap();
    vault.lookup_self().unwrap();
    drop(vault);
    let seen = server.seen.lock().unwrap().clone();
    let urls: Vec<&str> = seen.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "/v1/auth/approle/login",
            "/v1/auth/token/lookup-self",
            "/v1/auth/token/revoke-self"
        ]
    );
    assert_eq!(seen[0].token, None);
    let body: Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(body, json!({"role_id": "role-1", "secret_id": "secret-1"}));
    assert_eq!(seen[1].token.as_deref(), Some("s.minted"));
    assert_eq!(seen[2].token.as_deref(), Some("s.minted"));
}
