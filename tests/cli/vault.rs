//! `--store vault` against a real OpenBao dev server (support/bao.rs): link
//! and migrate into the vault, use and revoke from a second machine (a
//! second config dir with no local state), a sealed server, a policy
//! without write, a dead token, a mount that is not KV v2, a server that is
//! down, AppRole login, and no call at all when only VAULT_ADDR is set.

use crate::support::bao::{self, Bao, ROOT_TOKEN};
use crate::support::{Sandbox, link_args};
use serde_json::{Value, json};
use std::io::ErrorKind;
use std::net::TcpListener;

/// A second machine: its own config dir and HOME, the same Salesforce and
/// vault.
fn second_machine(first: &Sandbox, vault: &Bao) -> Sandbox {
    let mut other = Sandbox::sharing(first);
    vault.configure(&mut other);
    other
}

fn secret_path(id: &str) -> String {
    format!("sfconnect/secrets/{id}")
}

fn record_path(id: &str) -> String {
    format!("sfconnect/connections/{id}")
}

#[test]
fn link_in_the_vault_then_use_and_revoke_it_from_a_second_machine() {
    let Some(vault) = bao::start("link_in_the_vault_then_use_and_revoke_it_from_a_second_machine")
    else {
        return;
    };
    let mut first = Sandbox::new();
    vault.configure(&mut first);
    first
        .link(&["--alias", "shared", "--store", "vault"])
        .expect(0);
    let connection = first.connection("shared");
    assert_eq!(connection["store"], "vault");
    let id = connection["id"].as_str().unwrap().to_string();
    // Nothing secret on this machine; the secret and the record in the vault.
    assert!(!first.config_dir().join("secrets.json").exists());
    let tokens = vault.tokens_of(&id);
    let refresh = tokens["refresh_token"].as_str().unwrap().to_string();
    assert!(first.fake.is_refresh_token_live(&refresh));
    let record = vault.kv(&record_path(&id)).expect("the record is shared");
    assert_eq!(record["record"]["alias"], "shared");
    assert!(
        !record.to_string().contains(&refresh),
        "the record holds no secret"
    );
    let listed = first.run(&["tokens", "list"]).expect(0);
    assert!(
        listed.stdout.lines().next().unwrap().contains("STORE"),
        "{}",
        listed.stdout
    );
    assert!(listed.stdout.contains("vault"), "{}", listed.stdout);

    // The second machine has no local state, and finds it in the vault.
    let second = second_machine(&first, &vault);
    let list = second.run(&["tokens", "list", "--json"]).expect(0).json();
    let shared = &list["connections"][0];
    assert_eq!(shared["alias"], "shared");
    assert_eq!(shared["store"], "vault");
    assert_eq!(
        shared["vault_path"],
        format!("secret/sfconnect/secrets/{id}")
    );
    let cached = tokens["access_token"].as_str().unwrap();
    let token = second.run(&["token", "shared"]).expect(0);
    assert_eq!(
        token.stdout.trim(),
        cached,
        "the vault's cached token is used"
    );
    // A fresh one is stored back for every machine.
    let fresh = second.run(&["token", "shared", "--fresh"]).expect(0);
    assert_ne!(fresh.stdout.trim(), cached);
    assert_eq!(
        vault.tokens_of(&id)["access_token"].as_str().unwrap(),
        fresh.stdout.trim()
    );
    assert_eq!(
        first.run(&["token", "shared"]).expect(0).stdout,
        fresh.stdout
    );
    // The refresh is on the shared record, for every machine's list.
    let record = vault.kv(&record_path(&id)).unwrap();
    assert!(
        record["record"]["last_refreshed_at"].is_string(),
        "{record}"
    );
    assert_eq!(record["record"]["health"]["status"], "ok", "{record}");
    let exec = second
        .run(&[
            "exec",
            "shared",
            "--",
            "sh",
            "-c",
            "printf %s \"$SF_USERNAME\"",
        ])
        .expect(0);
    assert_eq!(
        exec.stdout,
        first.connection("shared")["username"].as_str().unwrap()
    );
    second.run(&["api", "shared", "/services/data"]).expect(0);
    let check = second
        .run(&["tokens", "check", "shared", "--json"])
        .expect(0)
        .json();
    assert_eq!(check["results"][0]["status"], "ok");
    assert!(
        !second.config_dir().join("index.json").exists() || second.connections().is_empty(),
        "the second machine keeps no record of its own"
    );

    // Revoked from the second machine: at Salesforce, and every version of
    // the secret and the record destroyed in the vault.
    let live = vault.tokens_of(&id)["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    second.run(&["revoke", "shared"]).expect(0);
    assert!(!first.fake.is_refresh_token_live(&live));
    assert!(
        !vault.kv_metadata_exists(&secret_path(&id)),
        "all versions destroyed"
    );
    let (status, _) = vault.api(
        "GET",
        &format!("secret/data/{}?version=1", secret_path(&id)),
        None,
    );
    assert_eq!(status, 404, "version 1 is gone too");
    assert!(!vault.kv_metadata_exists(&record_path(&id)));
    // The first machine learns it must link again.
    first
        .run(&["token", "shared", "--fresh"])
        .expect_error(4, &["missing from the vault store"]);
}

#[test]
fn migrate_into_the_vault_and_back() {
    let Some(vault) = bao::start("migrate_into_the_vault_and_back") else {
        return;
    };
    let mut sandbox = Sandbox::new();
    for (key, value) in vault.env() {
        sandbox.set_env(key, &value);
    }
    sandbox.link(&["--alias", "prod"]).expect(0);
    let id = sandbox.connection("prod")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = sandbox.tokens_of("prod");
    sandbox.run(&["migrate", "prod", "--to", "vault"]).expect(0);
    assert_eq!(sandbox.connection("prod")["store"], "vault");
    assert!(
        sandbox.stored_tokens(&id).is_none(),
        "the local copy is gone"
    );
    let moved = vault.tokens_of(&id);
    assert_eq!(moved["refresh_token"], before["refresh_token"]);
    assert!(vault.kv(&record_path(&id)).is_some());
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);

    sandbox.run(&["migrate", "prod", "--to", "file"]).expect(0);
    assert_eq!(sandbox.connection("prod")["store"], "file");
    assert!(sandbox.stored_tokens(&id).is_some());
    assert!(!vault.kv_metadata_exists(&secret_path(&id)));
    assert!(!vault.kv_metadata_exists(&record_path(&id)));
    sandbox.run(&["token", "prod"]).expect(0);
}

#[test]
fn a_sealed_vault_is_exit_6_and_the_list_still_shows_local_connections() {
    let Some(vault) = bao::start("a_sealed_vault_is_exit_6") else {
        return;
    };
    let mut sandbox = Sandbox::new();
    vault.configure(&mut sandbox);
    sandbox
        .link(&["--alias", "v", "--store", "vault"])
        .expect(0);
    sandbox
        .link(&["--alias", "local", "--store", "file", "--force"])
        .expect(0);
    vault.seal();
    sandbox
        .run(&["token", "v", "--fresh"])
        .expect_error(6, &["is sealed", "hint: unseal it"]);
    let list = sandbox.run(&["tokens", "list"]).expect(0);
    list.says(&["warning: the vault's connections are not listed", "sealed"]);
    assert!(list.stdout.contains("local"), "{}", list.stdout);
    let doctor = sandbox.run(&["doctor"]).expect(6);
    assert!(
        doctor.stdout.contains("ERR vault      the vault at"),
        "{}",
        doctor.stdout
    );
    assert!(
        doctor.stdout.contains("is sealed; unseal it"),
        "{}",
        doctor.stdout
    );
}

#[test]
fn a_policy_without_write_names_path_and_capability_and_keeps_the_local_copy() {
    let Some(vault) = bao::start("a_policy_without_write") else {
        return;
    };
    let read_only = vault.token_with_policy(
        "sfconnect-read",
        r#"path "secret/data/sfconnect/*" { capabilities = ["read"] }
path "secret/metadata/sfconnect/*" { capabilities = ["list", "read"] }
path "sys/internal/ui/mounts/secret" { capabilities = ["read"] }"#,
    );
    let mut sandbox = Sandbox::new();
    sandbox.set_env("VAULT_ADDR", &vault.addr);
    sandbox.set_env("VAULT_TOKEN", &read_only);
    sandbox.link(&["--alias", "prod"]).expect(0);
    let before = sandbox.tokens_of("prod");
    let run = sandbox
        .run(&["migrate", "prod", "--to", "vault"])
        .expect_error(
            6,
            &[
                "denied create on secret/data/sfconnect/secrets/",
                "Vault policy",
            ],
        );
    assert!(run.stderr.contains("nothing was moved"), "{}", run.stderr);
    assert_eq!(sandbox.connection("prod")["store"], "file");
    assert_eq!(
        sandbox.tokens_of("prod"),
        before,
        "the local copy is intact"
    );
    sandbox
        .run_env(&["link", "--store", "vault"], &[])
        .expect(6);
    let doctor = sandbox.run_env(&["doctor"], &[("SFCONNECT_STORE", "vault")]);
    assert!(
        doctor.stdout.contains(
            "ERR vault caps the token's policies lack create, update on secret/data/sfconnect/secrets/ID"
        ),
        "{}",
        doctor.stdout
    );
}

#[test]
fn a_revoked_token_and_a_kv1_mount_are_exit_6_with_their_fix() {
    let Some(vault) = bao::start("a_revoked_token_and_a_kv1_mount") else {
        return;
    };
    let (status, body) = vault.api(
        "POST",
        "auth/token/create",
        Some(json!({"policies": ["root"]})),
    );
    assert_eq!(status, 200);
    let token = body["auth"]["client_token"].as_str().unwrap().to_string();
    let mut sandbox = Sandbox::new();
    sandbox.set_env("VAULT_ADDR", &vault.addr);
    sandbox.set_env("VAULT_TOKEN", &token);
    sandbox.set_env("SFCONNECT_STORE", "vault");
    sandbox.link(&["--alias", "v"]).expect(0);
    let (status, _) = vault.api("POST", "auth/token/revoke", Some(json!({ "token": token })));
    assert_eq!(status, 204);
    sandbox.run(&["token", "v", "--fresh"]).expect_error(
        6,
        &[
            "refused the token from VAULT_TOKEN",
            "expired or revoked",
            "bao login",
        ],
    );

    let (status, _) = vault.api(
        "POST",
        "sys/mounts/kv1",
        Some(json!({"type": "kv", "options": {"version": "1"}})),
    );
    assert_eq!(status, 204);
    sandbox.set_env("VAULT_TOKEN", ROOT_TOKEN);
    sandbox.set_env("SFCONNECT_VAULT_MOUNT", "kv1");
    sandbox
        .link(&["--alias", "w"])
        .expect_error(6, &["kv1/", "not a KV version 2", "KV version 1", "kv-v2"]);
}

#[test]
fn a_vault_that_is_down_is_exit_6_and_changes_nothing_local() {
    // Bound, never listening: connections are refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let mut sandbox = Sandbox::new();
    sandbox.set_env("VAULT_ADDR", &addr);
    sandbox.set_env("VAULT_TOKEN", "s.never-sent-anywhere");
    sandbox.link(&["--alias", "prod"]).expect(0);
    let before = sandbox.tokens_of("prod");
    sandbox
        .run(&["migrate", "prod", "--to", "vault"])
        .expect_error(6, &["cannot reach the vault at 127.0.0.1", "VAULT_ADDR"]);
    assert_eq!(sandbox.tokens_of("prod"), before);
    assert_eq!(sandbox.connection("prod")["store"], "file");
    let url = sandbox.fake.url();
    sandbox
        .run(&link_args(&url, &["--alias", "v", "--store", "vault"]))
        .expect_error(6, &["cannot reach the vault"]);
    let list = sandbox
        .run_env(&["tokens", "list"], &[("SFCONNECT_STORE", "vault")])
        .expect(0);
    list.says(&["warning: the vault's connections are not listed"]);
    assert!(list.stdout.contains("prod"));
}

#[test]
fn vault_addr_alone_makes_no_call() {
    // A listener that records whether anything connected.
    let recorder = TcpListener::bind("127.0.0.1:0").unwrap();
    recorder.set_nonblocking(true).unwrap();
    let mut sandbox = Sandbox::new();
    sandbox.set_env(
        "VAULT_ADDR",
        &format!("http://{}", recorder.local_addr().unwrap()),
    );
    sandbox.set_env("VAULT_TOKEN", "s.for-other-tools");
    sandbox.link(&["--alias", "prod"]).expect(0);
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);
    sandbox.run(&["tokens", "list", "-v"]).expect(0);
    sandbox.run(&["tokens", "check"]).expect(0);
    sandbox.run(&["doctor"]);
    sandbox.run(&["api", "prod", "/services/data"]).expect(0);
    sandbox.run(&["exec", "prod", "--", "true"]).expect(0);
    sandbox.run(&["config", "list"]).expect(0);
    sandbox.run(&["token", "nothing"]).expect(3);
    sandbox.run(&["revoke", "prod"]).expect(0);
    match recorder.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        other => panic!("sfconnect called the vault: {other:?}"),
    }
}

#[test]
fn approle_logs_in_and_revokes_its_token() {
    let Some(vault) = bao::start("approle_logs_in_and_revokes_its_token") else {
        return;
    };
    assert_eq!(
        vault
            .api("POST", "sys/auth/approle", Some(json!({"type": "approle"})))
            .0,
        204
    );
    let policy = r#"path "secret/data/sfconnect/*" { capabilities = ["create", "read", "update"] }
path "secret/metadata/sfconnect/*" { capabilities = ["list", "read", "delete"] }
path "sys/internal/ui/mounts/secret" { capabilities = ["read"] }"#;
    assert_eq!(
        vault
            .api(
                "PUT",
                "sys/policy/sfconnect",
                Some(json!({ "policy": policy }))
            )
            .0,
        204
    );
    assert_eq!(
        vault
            .api(
                "POST",
                "auth/approle/role/ci",
                Some(json!({"token_policies": ["sfconnect"], "token_ttl": "10m"}))
            )
            .0,
        204
    );
    let role_id = vault.api("GET", "auth/approle/role/ci/role-id", None).1["data"]["role_id"]
        .as_str()
        .unwrap()
        .to_string();
    let secret_id =
        vault.api("POST", "auth/approle/role/ci/secret-id", None).1["data"]["secret_id"]
            .as_str()
            .unwrap()
            .to_string();
    let tokens_before = vault.token_count();
    let mut sandbox = Sandbox::new();
    sandbox.set_env("VAULT_ADDR", &vault.addr);
    sandbox.set_env("VAULT_ROLE_ID", &role_id);
    sandbox.set_env("VAULT_SECRET_ID", &secret_id);
    sandbox.set_env("SFCONNECT_STORE", "vault");
    sandbox.link(&["--alias", "ci"]).expect(0);
    let id = sandbox.connection("ci")["id"].as_str().unwrap().to_string();
    assert!(vault.kv(&secret_path(&id)).is_some());
    sandbox.run(&["token", "ci", "--fresh"]).expect(0);
    assert_eq!(
        vault.token_count(),
        tokens_before,
        "every token a login minted was revoked"
    );
    sandbox.set_env("VAULT_SECRET_ID", "not-a-secret-id");
    sandbox
        .run(&["token", "ci", "--fresh"])
        .expect_error(6, &["refused the AppRole login", "VAULT_SECRET_ID"]);
}

#[test]
fn a_local_alias_shadows_a_shared_one_and_verbose_and_doctor_say_so() {
    let Some(vault) = bao::start("a_local_alias_shadows_a_shared_one") else {
        return;
    };
    let mut first = Sandbox::new();
    vault.configure(&mut first);
    first
        .link(&["--alias", "prod", "--store", "vault"])
        .expect(0);
    let shared_id = first.connection("prod")["id"].as_str().unwrap().to_string();
    let mut second = second_machine(&first, &vault);
    second.set_env("SFCONNECT_STORE", "file");
    second
        .link(&["--alias", "prod", "--store", "file"])
        .expect(0);
    second.set_env("SFCONNECT_STORE", "vault");
    let local_id = second.connection("prod")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(local_id, shared_id);
    let token = second.run(&["token", "prod", "-v"]).expect(0);
    token.says(&["the local connection prod shadows the shared one"]);
    let list = second.run(&["tokens", "list", "--json"]).expect(0).json();
    let listed: Vec<&Value> = list["connections"].as_array().unwrap().iter().collect();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], local_id.as_str());
    let doctor = second.run(&["doctor"]).expect(0);
    for line in [
        "ok  vault token token (policies root; no expiry)",
        "ok  vault mount secret/ is KV version 2",
        "ok  vault caps the token may read, write, list and destroy under secret/sfconnect",
        "--  vault names the local prod shadows the shared prod (secret/sfconnect/secrets/",
    ] {
        assert!(doctor.stdout.contains(line), "{line}: {}", doctor.stdout);
    }
}

#[test]
fn headless_connections_live_in_the_vault_too() {
    use crate::support::headless::{
        CC_SECRET, JWT_CLIENT_ID, cc_link, jwt_link, key_file, register_cc_app, register_jwt_app,
    };
    let Some(vault) = bao::start("headless_connections_live_in_the_vault_too") else {
        return;
    };
    let mut first = Sandbox::new();
    vault.configure(&mut first);
    register_jwt_app(&first.fake, JWT_CLIENT_ID, "rsa2048-pkcs8.crt");
    register_cc_app(&first.fake);
    let key = key_file(&first, "rsa2048-pkcs8.pem", 0o600);
    let url = first.fake.url();
    first
        .run(&jwt_link(
            &url,
            &["--key-file", key.to_str().unwrap(), "--alias", "jwt"],
        ))
        .expect(0);
    first
        .run_env(
            &cc_link(&url, &["--alias", "cc"]),
            &[("SFCONNECT_CLIENT_SECRET", CC_SECRET)],
        )
        .expect(0);
    for alias in ["jwt", "cc"] {
        let connection = first.connection(alias);
        assert_eq!(connection["store"], "vault", "{alias}");
        let id = connection["id"].as_str().unwrap();
        assert!(vault.kv(&secret_path(id)).is_some(), "{alias}");
    }
    assert!(!first.config_dir().join("secrets.json").exists());
    // Another machine mints with the key and the secret it reads from the vault.
    let second = second_machine(&first, &vault);
    for alias in ["jwt", "cc"] {
        let token = second.run(&["token", alias, "--fresh"]).expect(0);
        assert_eq!(token.stdout.lines().count(), 1, "{alias}");
    }
}

#[test]
fn https_is_checked_against_vault_cacert() {
    let Some(vault) = bao::start_tls("https_is_checked_against_vault_cacert") else {
        return;
    };
    let mut sandbox = Sandbox::new();
    vault.configure(&mut sandbox);
    // The server's CA is not one the system trusts.
    sandbox
        .link(&["--alias", "v"])
        .expect_error(6, &["cannot reach the vault at 127.0.0.1", "TLS"]);
    sandbox.set_env("VAULT_CACERT", vault.ca.as_ref().unwrap().to_str().unwrap());
    sandbox.link(&["--alias", "v"]).expect(0);
    let id = sandbox.connection("v")["id"].as_str().unwrap().to_string();
    assert!(vault.kv(&secret_path(&id)).is_some());
    sandbox.run(&["token", "v", "--fresh"]).expect(0);
}

/// Check-and-set on the version read: a machine whose refresh is answered
/// after another wrote a newer version overwrites nothing, and says so.
#[test]
fn an_imported_connection_is_shared_and_export_needs_force() {
    let Some(vault) = bao::start("an_imported_connection_is_shared_and_export_needs_force") else {
        return;
    };
    // A connection linked elsewhere (its own file store), handed over as an
    // SFDX auth URL.
    let source = Sandbox::new();
    source.link(&["--alias", "laptop"]).expect(0);
    let url = source
        .run(&["export", "laptop", "--format", "sfdx-url"])
        .expect(0)
        .stdout;
    let mut first = Sandbox::sharing(&source);
    vault.configure(&mut first);
    first
        .run_with_stdin(&["import", "--alias", "team", "--store", "vault"], &url)
        .expect(0);
    let id = first.connection("team")["id"].as_str().unwrap().to_string();
    assert_eq!(
        vault.kv(&record_path(&id)).expect("the record is shared")["record"]["alias"],
        "team"
    );
    // Another machine finds it, with no local state.
    let second = second_machine(&first, &vault);
    let token = second.run(&["token", "team", "--fresh"]).expect(0);
    assert!(!token.stdout.trim().is_empty());
    // One copy outside the vault could revoke the team's chain.
    second
        .run(&["export", "team", "--format", "sfdx-url"])
        .expect_error(2, &["several machines share", "--force"]);
    let forced = second
        .run(&["export", "team", "--format", "sfdx-url", "--force"])
        .expect(0);
    assert!(forced.stdout.starts_with("force://"), "an SFDX auth URL");
}
