//! AppRole login, for machines: `VAULT_ROLE_ID` + `VAULT_SECRET_ID` buy a
//! token at `auth/approle/login`.
//!
//! Each login mints a token. sfconnect does not cache it: the token is
//! revoked (`auth/token/revoke-self`) when the process is done with it, and
//! a process killed before that leaves a token that dies at the role's
//! `token_ttl`. Caching it would put a new secret at rest on every machine
//! (the role and secret id are already there, in the environment), in a
//! store a CI runner often does not have (no keychain), and would save one
//! round trip of a call that reads the vault anyway. See docs/vault.md,
//! "AppRole".

use super::client::VaultClient;
use super::errors;
use crate::error::{Error, Result};
use crate::secrets::secret::Secret;
use serde::Deserialize;
use serde_json::json;

pub(super) fn login(vault: &VaultClient, role_id: &Secret, secret_id: &Secret) -> Result<Secret> {
    let body = json!({ "role_id": role_id.expose(), "secret_id": secret_id.expose() });
    let (status, reply) = vault.post("auth/approle/login", Some(&body))?;
    match status {
        200 => {}
        400 | 401 | 403 => {
            return Err(Error::secret_store(format!(
                "the vault at {} refused the AppRole login ({})",
                vault.label(),
                errors::messages(&reply)
            ))
            .with_hint(
                "check VAULT_ROLE_ID and VAULT_SECRET_ID: the secret id may have expired or been used up; mint a new one with `bao write -f auth/approle/role/ROLE/secret-id`",
            ));
        }
        404 => {
            return Err(Error::secret_store(format!(
                "the vault at {} has no AppRole auth method at auth/approle",
                vault.label()
            ))
            .with_hint("enable it (`bao auth enable approle`), or use VAULT_TOKEN"));
        }
        status => {
            return Err(errors::refused(
                vault.label(),
                "log in by AppRole",
                status,
                &errors::messages(&reply),
            ));
        }
    }
    #[derive(Deserialize)]
    struct Answer {
        auth: Auth,
    }
    #[derive(Deserialize)]
    struct Auth {
        client_token: Secret,
    }
    serde_json::from_slice::<Answer>(&reply)
        .map(|a| a.auth.client_token)
        .map_err(|_| errors::malformed(vault.label(), "the AppRole login"))
}

/// Revokes the token the client holds.
pub(super) fn revoke_self(vault: &VaultClient) -> Result<()> {
    let (status, reply) = vault.post("auth/token/revoke-self", None)?;
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(errors::refused(
            vault.label(),
            "revoke the AppRole token",
            status,
            &errors::messages(&reply),
        ))
    }
}
