//! How a vault's refusals read: each one exit 6 (the secret store failed)
//! with the fix in its hint.
//!
//! Vault and OpenBao answer errors as `{"errors": ["..."]}`. The statuses
//! that matter (Vault HTTP API, "HTTP Status Codes"): 403 for a token that
//! is invalid, expired or revoked and for a policy that does not grant the
//! capability (the same status: the client tells them apart with
//! lookup-self), 503 for a sealed server, 404 for a path without a value
//! or a route no mount serves, 400 for a check-and-set mismatch.

use crate::error::Error;
use crate::salesforce::errors::clean;

/// The `errors` array of an answer, cleaned of control characters, joined.
pub fn messages(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Errors {
        #[serde(default)]
        errors: Vec<String>,
    }
    serde_json::from_slice::<Errors>(body)
        .map(|e| {
            e.errors
                .iter()
                .map(|m| clean(m.split_whitespace().collect::<Vec<_>>().join(" ").as_str()))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

/// Whether a 400 is KV v2's check-and-set mismatch.
pub fn is_cas_mismatch(body: &[u8]) -> bool {
    messages(body).contains("check-and-set parameter did not match")
}

/// Whether a 404 says no mount serves the path (rather than "no value").
pub fn is_no_route(body: &[u8]) -> bool {
    messages(body).contains("no handler for route")
}

pub fn sealed(addr: &str) -> Error {
    Error::secret_store(format!("the vault at {addr} is sealed")).with_hint(
        "unseal it (`bao operator unseal` or `vault operator unseal`), or ask its operators to",
    )
}

pub fn unavailable(addr: &str, status: u16, detail: &str) -> Error {
    Error::secret_store(format!(
        "the vault at {addr} answered HTTP {status}{}",
        suffix(detail)
    ))
    .with_hint("the vault may be starting, in standby or overloaded; try again later")
}

pub fn token_refused(addr: &str, source: &str) -> Error {
    Error::secret_store(format!(
        "the vault at {addr} refused the token from {source}: it is invalid, expired or revoked"
    ))
    .with_hint(
        "log in again (`bao login` / `vault login`, which writes ~/.vault-token), set VAULT_TOKEN, \
         or set VAULT_ROLE_ID and VAULT_SECRET_ID for an AppRole login; a live token refused \
         here lacks the `default` policy, which lets a token look itself up",
    )
}

/// A policy that does not grant `capability` on `path` (the full API path,
/// `secret/data/sfconnect/...`).
pub fn permission_denied(addr: &str, path: &str, capability: &str) -> Error {
    Error::secret_store(format!(
        "the vault at {addr} denied {capability} on {path}: the token's policies do not grant it"
    ))
    .with_hint(format!(
        "add a policy granting [{capability}] on {path} (see \"Vault policy\" in docs/vault.md), \
         or use a token that has one"
    ))
}

pub fn not_kv2(addr: &str, mount: &str, what: &str) -> Error {
    Error::secret_store(format!(
        "the mount {mount}/ on the vault at {addr} is not a KV version 2 secrets engine ({what})"
    ))
    .with_hint(format!(
        "enable one (`bao secrets enable -path={mount} kv-v2`), or name another with \
         `sfconnect config set vault-mount MOUNT`"
    ))
}

pub fn refused(addr: &str, what: &str, status: u16, detail: &str) -> Error {
    Error::secret_store(format!(
        "the vault at {addr} refused to {what}: HTTP {status}{}",
        suffix(detail)
    ))
}

pub fn malformed(addr: &str, what: &str) -> Error {
    Error::secret_store(format!(
        "the vault at {addr} answered {what} with something that is not a vault answer"
    ))
    .with_hint("check VAULT_ADDR: it should name the vault server itself, e.g. https://vault.example.com:8200")
}

fn suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(" ({detail})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Exit;

    #[test]
    fn vault_error_bodies_are_read_and_cleaned() {
        let body = br#"{"errors":["1 error occurred:\n\t* permission denied\n\n"]}"#;
        assert_eq!(messages(body), "1 error occurred: * permission denied");
        assert!(is_cas_mismatch(
            br#"{"errors":["check-and-set parameter did not match the current version"]}"#
        ));
        assert!(!is_cas_mismatch(body));
        assert!(is_no_route(
            br#"{"errors":["no handler for route \"nomount/data/x\". route entry not found."]}"#
        ));
        assert_eq!(messages(b"<html>"), "");
        assert_eq!(messages(br#"{"errors":["\u001b[31mx"]}"#), "[31mx");
    }

    #[test]
    fn every_failure_is_exit_6_with_a_hint() {
        for err in [
            sealed("a"),
            unavailable("a", 502, ""),
            token_refused("a", "VAULT_TOKEN"),
            permission_denied("a", "secret/data/x", "update"),
            not_kv2("a", "secret", "version 1"),
            malformed("a", "a read"),
        ] {
            assert_eq!(err.exit, Exit::SecretStore, "{}", err.message);
            assert!(err.hint.is_some(), "{}", err.message);
        }
        let denied = permission_denied("a", "secret/data/sfconnect/secrets/x", "update");
        assert!(denied.message.contains("secret/data/sfconnect/secrets/x"));
        assert!(denied.message.contains("update"));
    }
}
