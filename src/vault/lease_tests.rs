//! The lease protocol against a scripted vault on 127.0.0.1 whose clock
//! (its `Date` header) says 21:31:06: what is written, with which
//! check-and-set version, and when a lease is renewed. The integration
//! tests (`tests/cli/vault_lease.rs`) run it against a real OpenBao.

use super::client::VaultClient;
use super::config::{Auth, VaultConfig};
use super::lease::{Lease, Terms};
use super::scripted::{Scripted, in_order};
use crate::error::Exit;
use crate::secrets::secret::Secret;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn client(addr: &str) -> Arc<VaultClient> {
    let config = VaultConfig {
        addr: url::Url::parse(addr).unwrap(),
        auth: Auth::Token {
            token: Secret::new("t"),
            source: "VAULT_TOKEN".into(),
        },
        namespace: None,
        cacert: None,
        mount: "secret".into(),
        prefix: "sfconnect".into(),
    };
    Arc::new(VaultClient::connect(&config).unwrap())
}

const ABSENT: (u16, &str) = (404, r#"{"errors":[]}"#);
const CONFLICT: (u16, &str) = (
    400,
    r#"{"errors":["check-and-set parameter did not match the current version"]}"#,
);

fn written(version: u64, created: &str) -> (u16, String) {
    (
        200,
        json!({"data": {"version": version, "created_time": created}}).to_string(),
    )
}

fn held_by_b7(version: u64, created: &str) -> (u16, String) {
    let data = json!({"state": "held", "host": "b7", "pid": 9,
        "holder": "0123456789abcdef0123456789abcdef", "lease_secs": 90});
    (
        200,
        json!({"data": {"data": data, "metadata": {"version": version, "created_time": created}}})
            .to_string(),
    )
}

fn answers(list: Vec<(u16, &str)>) -> Vec<(u16, String)> {
    list.into_iter().map(|(s, b)| (s, b.to_string())).collect()
}

/// 30-second HTTP timeout: a lease of 91 s, 61 s needed to present a token.
fn terms() -> Terms {
    Terms::for_timeout(Duration::from_secs(30))
}

fn take(vault: &Scripted, wait: Duration) -> crate::error::Result<Lease> {
    Lease::take(
        client(&vault.addr),
        "sfconnect/leases/x",
        "the lease of x",
        terms(),
        wait,
    )
}

#[test]
fn a_free_lease_is_created_with_cas_0_and_released_by_a_tombstone_on_its_version() {
    let mut script = answers(vec![ABSENT]);
    script.push(written(1, "2026-11-30T21:31:06.5Z"));
    script.push(written(2, "2026-11-30T21:31:07Z"));
    let vault = in_order(script);
    let mut lease = take(&vault, Duration::ZERO).unwrap();
    assert!(lease.took_over().is_none());
    // 91 s from 21:31:06.5 by the vault's clock: no renewal needed.
    lease.ensure_presentable(Instant::now()).unwrap();
    assert_eq!(vault.seen.lock().unwrap().len(), 2);
    drop(lease);
    let seen = vault.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    let (take, release) = (&seen[1].json(), &seen[2].json());
    assert_eq!(take["options"]["cas"], 0, "created only if absent");
    assert_eq!(take["data"]["state"], "held");
    assert_eq!(take["data"]["pid"], std::process::id());
    assert_eq!(take["data"]["lease_secs"], 91);
    assert_eq!(release["options"]["cas"], 1, "released only if still ours");
    assert_eq!(release["data"]["state"], "released");
    assert_eq!(release["data"]["holder"], take["data"]["holder"]);
}

#[test]
fn a_lapsed_lease_is_taken_over_with_cas_on_its_version() {
    // Written 90 s before the vault's clock says now, for 90 s: lapsed.
    let vault = in_order(vec![
        held_by_b7(5, "2026-11-30T21:29:36Z"),
        written(6, "2026-11-30T21:31:06Z"),
        written(7, "2026-11-30T21:31:06Z"),
    ]);
    let lease = take(&vault, Duration::ZERO).unwrap();
    let previous = lease.took_over().expect("took over");
    assert_eq!((previous.host.as_str(), previous.pid), ("b7", 9));
    assert_eq!(vault.seen.lock().unwrap()[1].json()["options"]["cas"], 5);
}

#[test]
fn a_held_lease_is_not_taken_and_a_wait_of_zero_names_its_holder() {
    // Written a second ago by the vault's clock: 89 s left.
    let vault = in_order(vec![held_by_b7(5, "2026-11-30T21:31:05Z")]);
    let err = take(&vault, Duration::ZERO).err().expect("not taken");
    assert_eq!(err.exit, Exit::Network);
    assert!(
        err.message
            .contains("sfconnect on b7 (pid 9) holds for 89 s more"),
        "{}",
        err.message
    );
    assert_eq!(vault.seen.lock().unwrap().len(), 1, "nothing written");
}

#[test]
fn too_little_lease_left_is_renewed_before_a_token_is_presented() {
    // Taken at 21:30:00 by the vault's clock (a slow vault): 25 s of 91
    // left at 21:31:06, under the 61 s a refresh needs.
    let mut script = answers(vec![ABSENT]);
    script.push(written(1, "2026-11-30T21:30:00Z"));
    script.push(written(2, "2026-11-30T21:31:06Z"));
    script.push(written(3, "2026-11-30T21:31:07Z"));
    let vault = in_order(script);
    let mut lease = take(&vault, Duration::ZERO).unwrap();
    lease.ensure_presentable(Instant::now()).unwrap();
    drop(lease);
    let seen = vault.seen.lock().unwrap().clone();
    assert_eq!(
        seen[2].json()["options"]["cas"],
        1,
        "renewed on our version"
    );
    assert_eq!(seen[2].json()["data"]["state"], "held");
    assert_eq!(
        seen[3].json()["options"]["cas"],
        2,
        "released on the renewal"
    );
}

#[test]
fn a_lease_lost_before_its_renewal_presents_nothing_and_releases_nothing() {
    let mut script = answers(vec![ABSENT]);
    script.push(written(1, "2026-11-30T21:29:00Z"));
    script.push((CONFLICT.0, CONFLICT.1.to_string()));
    let vault = in_order(script);
    let mut lease = take(&vault, Duration::ZERO).unwrap();
    let err = lease.ensure_presentable(Instant::now()).unwrap_err();
    assert_eq!(err.exit, Exit::SecretStore);
    assert!(
        err.message.contains("the refresh token was not presented"),
        "{}",
        err.message
    );
    drop(lease);
    assert_eq!(
        vault.seen.lock().unwrap().len(),
        3,
        "no release of a lease that is another's now"
    );
}
