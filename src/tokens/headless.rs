//! Minting for connections without a refresh token: JWT bearer and client
//! credentials (docs/salesforce-oauth.md §11). `access::obtain` calls `mint`
//! under the connection's lock when the cache cannot serve; `link` calls the
//! same grants once, to prove the setup and learn who the connection is.
//!
//! The credential is the stored RSA key or consumer secret, or the value of
//! the environment variable whose name was stored (`--key-env`,
//! `--secret-env`), read at every mint and kept nowhere. A PEM key in a
//! variable is often flattened to one line with literal `\n`s by CI secret
//! stores; that form is accepted too.

use crate::error::{Error, Result};
use crate::index::connection::{Connection, Kind};
use crate::keys::private_key::{BadKey, RsaKey};
use crate::salesforce::client_credentials;
use crate::salesforce::headless_errors::{self, Grant, Moment};
use crate::salesforce::hosts::{PRODUCTION, SANDBOX};
use crate::salesforce::http::Http;
use crate::salesforce::jwt::{self, Claims};
use crate::salesforce::oauth::Tokens;
use crate::secrets::credential::Credential;
use crate::secrets::secret::Secret;

/// A new access token for a stored headless connection.
pub fn mint(http: &Http, connection: &Connection, credential: &Credential) -> Result<Tokens> {
    let relink = relink_command(connection);
    let moment = Moment::Stored {
        alias: &connection.alias,
        relink: &relink,
    };
    match credential {
        Credential::RsaKey(_) | Credential::RsaKeyEnv(_) => {
            let key = key_of(connection, credential)?;
            let audience = connection
                .audience
                .clone()
                .unwrap_or_else(|| jwt::default_audience(&connection.login_url));
            let claims = Claims {
                client_id: &connection.client_id,
                username: &connection.username,
                audience: &audience,
            };
            let grant = Grant::Jwt {
                username: &connection.username,
                audience: &audience,
            };
            jwt::mint(http, &connection.login_url, &key, &claims)?.map_err(|refusal| {
                headless_errors::explain(&refusal, &grant, &moment, &connection.client_id)
            })
        }
        Credential::ClientSecret(_) | Credential::ClientSecretEnv(_) => {
            let secret = secret_of(connection, credential)?;
            client_credentials::mint(http, &connection.login_url, &connection.client_id, &secret)?
                .map_err(|refusal| {
                    headless_errors::explain(
                        &refusal,
                        &Grant::ClientCredentials,
                        &moment,
                        &connection.client_id,
                    )
                })
        }
        Credential::RefreshToken(_) => Err(Error::unexpected(format!(
            "{} holds a refresh token, not a headless credential",
            connection.alias
        ))),
    }
}

fn key_of(connection: &Connection, credential: &Credential) -> Result<RsaKey> {
    match credential {
        Credential::RsaKey(der) => RsaKey::from_pkcs1_der(der.clone()).map_err(|bad| {
            Error::relink(format!(
                "{}: the stored private key cannot be used ({})",
                connection.alias, bad.reason
            ))
            .with_hint(format!("link it again: {}", relink_command(connection)))
        }),
        Credential::RsaKeyEnv(name) => {
            let pem = env_value(connection, name, "its private key (PEM)")?;
            key_from_pem(&pem, name)
        }
        _ => unreachable!("only key credentials come here"),
    }
}

fn secret_of(connection: &Connection, credential: &Credential) -> Result<Secret> {
    match credential {
        Credential::ClientSecret(secret) => Ok(secret.clone()),
        Credential::ClientSecretEnv(name) => env_value(connection, name, "the consumer secret"),
        _ => unreachable!("only secret credentials come here"),
    }
}

/// The value of `name`, which a stored connection reads at every mint.
fn env_value(connection: &Connection, name: &str, what: &str) -> Result<Secret> {
    match crate::secrets::client_secret::variable(name) {
        Some(value) if !value.expose().trim().is_empty() => Ok(value),
        _ => Err(Error::usage(format!(
            "{name} is not set: {} reads {what} from it for every new access token",
            connection.alias
        ))
        .with_hint(format!(
            "set {name} as when the connection was linked (sfconnect stored only the variable's name)"
        ))),
    }
}

/// A PEM key from an environment variable or stdin, judged; `source` names
/// it in the error.
pub fn key_from_pem(pem: &Secret, source: &str) -> Result<RsaKey> {
    let text = pem.expose();
    let unflattened;
    let text = if !text.trim().contains('\n') && text.contains("\\n") {
        unflattened = text.replace("\\n", "\n");
        unflattened.as_str()
    } else {
        text
    };
    RsaKey::from_pem(text.as_bytes()).map_err(|bad| bad_key(source, bad))
}

/// A bad key is exit 2: a reason, and the fix as the hint.
pub fn bad_key(source: &str, bad: BadKey) -> Error {
    Error::usage(format!("{source}: {}", bad.reason)).with_hint(bad.fix)
}

/// The command that links a headless connection again, same host and app.
pub fn relink_command(connection: &Connection) -> String {
    let mut command = match connection.kind {
        Kind::Jwt => format!(
            "sfconnect link --jwt --alias {} --client-id {} --username {} --key-file KEY",
            connection.alias, connection.client_id, connection.username
        ),
        _ => format!(
            "sfconnect link --client-credentials --alias {} --client-id {}",
            connection.alias, connection.client_id
        ),
    };
    match connection.login_url.as_str() {
        PRODUCTION => {}
        SANDBOX => command.push_str(" --sandbox"),
        other => command.push_str(&format!(" --login-url {other}")),
    }
    if let Some(audience) = &connection.audience
        && *audience != jwt::default_audience(&connection.login_url)
    {
        command.push_str(&format!(" --audience {audience}"));
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flattened_pem_from_ci_is_accepted() {
        let pem = include_str!("../../tests/fixtures/keys/rsa2048-pkcs1.pem");
        let flat = Secret::new(pem.trim().replace('\n', "\\n"));
        let key = key_from_pem(&flat, "SF_KEY").unwrap();
        assert_eq!(key.bits(), 2048);
        let err = key_from_pem(&Secret::new("nope"), "SF_KEY").err().unwrap();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert!(err.message.starts_with("SF_KEY: "), "{}", err.message);
        assert!(err.hint.is_some());
    }
}
