//! `link --jwt` and `link --client-credentials`: connections for servers
//! and CI, linked without a browser (docs/salesforce-oauth.md §11).
//!
//! Everything that can be checked locally is checked before any request:
//! the arguments, the key (a bad one is exit 2 with a reason and a fix),
//! the host (client credentials work only on a My Domain), the index and
//! the secret store. Then one grant proves the setup (a refusal is
//! explained, exit 2, or 4 for a missing approval), the identity URL says
//! who the connection is, and the credential is stored with the access
//! token: the key or secret itself, or with `--key-env`/`--secret-env`
//! only the variable's name. The index gets the record last; a failure
//! after the grant revokes the fresh access token and deletes what was
//! stored. Neither kind holds one of the user's five approvals, so nothing
//! is counted afterwards.

use super::store::{Origin, enter, identify};
use crate::app::Context;
use crate::cli::LinkArgs;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::index::alias::Alias;
use crate::index::connection::{Connection, Kind};
use crate::keys::private_key::RsaKey;
use crate::output;
use crate::report::ConnectionView;
use crate::salesforce::client_credentials::{self, SECRET_ENV};
use crate::salesforce::headless_errors::{Grant, Moment, explain};
use crate::salesforce::http::Http;
use crate::salesforce::jwt::{self, Claims};
use crate::salesforce::oauth::Tokens;
use crate::salesforce::revoke::revoke;
use crate::secrets::client_secret;
use crate::secrets::credential::{self, Credential, Entry};
use crate::secrets::exposed_file::{Exposure, exposure};
use crate::secrets::secret::Secret;
use crate::secrets::{SecretStore, StoreKind};
use crate::settings;
use crate::tokens::headless::{bad_key, key_from_pem};
use crate::tokens::lock;
use crate::tokens::retired;
use std::io::{IsTerminal, Read};
use std::path::Path;

/// A PEM key or a consumer secret is far smaller than this.
const MAX_STDIN_BYTES: u64 = 64 * 1024;

/// What was decided before the grant: the app, the host, the credential.
struct Plan {
    kind: Kind,
    client_id: String,
    login_url: String,
    /// JWT only: the username and `aud`.
    username: Option<String>,
    audience: Option<String>,
    credential: Credential,
}

pub fn run(ctx: &Context, args: &LinkArgs, settings: &Config) -> Result<()> {
    let kind = if args.jwt {
        Kind::Jwt
    } else {
        Kind::ClientCredentials
    };
    let flag = if args.jwt {
        "--jwt"
    } else {
        "--client-credentials"
    };
    let client_id = match args.client_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => {
            return Err(Error::usage(format!(
                "{flag} needs --client-id: the External Client App's consumer key"
            ))
            .with_hint("pass --client-id, or set SFCONNECT_CLIENT_ID or the client-id setting"));
        }
    };
    let login_url = super::login_url(args)?;
    if let Some(alias) = &args.alias {
        Alias::new(alias.as_str())?;
    }
    ctx.registry.load()?;
    let plan = match kind {
        Kind::Jwt => jwt_plan(args, client_id, login_url)?,
        _ => client_credentials_plan(args, client_id, login_url)?,
    };
    let (store_kind, store) = super::open_store(ctx, args, settings)?;
    let http = Http::new()?;
    let mut tokens = first_grant(&http, &plan)?;
    let connection = match keep(
        ctx,
        args,
        &plan,
        &http,
        &mut tokens,
        (store_kind, store.as_ref()),
    ) {
        Ok(connection) => connection,
        Err(err) => {
            return Err(revoke_fresh(
                &http,
                &plan.login_url,
                &tokens.access_token,
                err,
            ));
        }
    };
    // Said once per link, and not silenced by -q, now that a secret is in
    // the store: the user chose a store weaker than the keychain.
    if let Some(caveat) = connection.store.caveat() {
        output::warn(caveat);
    }
    report(args, &connection)
}

fn jwt_plan(args: &LinkArgs, client_id: String, login_url: String) -> Result<Plan> {
    let username = match args.username.as_deref().map(str::trim) {
        Some(user) if !user.is_empty() => user.to_string(),
        _ => {
            return Err(Error::usage(
                "--jwt needs --username: the Salesforce username to act as",
            ));
        }
    };
    let (key, credential) = if let Some(path) = &args.key_file {
        let key = read_key_file(path)?;
        let credential = Credential::RsaKey(key.der().clone());
        (key, credential)
    } else if args.key_stdin {
        let pem = read_stdin("--key-stdin", "the PEM private key")?;
        let key = key_from_pem(&pem, "the key on stdin")?;
        let credential = Credential::RsaKey(key.der().clone());
        (key, credential)
    } else if let Some(name) = &args.key_env {
        let pem = read_env(name, "--key-env", "the PEM private key")?;
        (
            key_from_pem(&pem, name)?,
            Credential::RsaKeyEnv(name.clone()),
        )
    } else {
        return Err(Error::usage("--jwt needs the private key")
            .with_hint("pass one of --key-file PATH, --key-stdin or --key-env VAR; `sfconnect keygen` makes a key and its certificate"));
    };
    output::debug(&format!("using a {}-bit RSA key", key.bits()));
    let audience = jwt::choose_audience(args.audience.as_deref(), &login_url);
    output::debug(&format!("the JWT's aud is {audience}"));
    Ok(Plan {
        kind: Kind::Jwt,
        client_id,
        login_url,
        username: Some(username),
        audience: Some(audience),
        credential,
    })
}

fn client_credentials_plan(args: &LinkArgs, client_id: String, login_url: String) -> Result<Plan> {
    // Refused before a secret is read or any request is made.
    client_credentials::require_my_domain(&login_url, &client_id)?;
    let credential = if let Some(name) = &args.secret_env {
        read_env(name, "--secret-env", "the consumer secret")?;
        Credential::ClientSecretEnv(name.clone())
    } else if args.secret_stdin {
        let secret = read_stdin("--secret-stdin", "the consumer secret")?;
        Credential::ClientSecret(Secret::new(secret.expose().trim()))
    } else {
        let secret = client_secret::from_environment()
            .map(|s| s.expose().to_string())
            .filter(|s| !s.trim().is_empty());
        let secret = secret.ok_or_else(|| {
            Error::usage("--client-credentials needs the app's consumer secret").with_hint(format!(
                "set {SECRET_ENV}, pipe it in with --secret-stdin, or name the variable that holds it with --secret-env VAR (it is never taken from a flag's value, which `ps` shows)"
            ))
        })?;
        Credential::ClientSecret(Secret::new(secret.trim()))
    };
    Ok(Plan {
        kind: Kind::ClientCredentials,
        client_id,
        login_url,
        username: None,
        audience: None,
        credential,
    })
}

/// The grant that proves the setup; refusals are explained for `link`.
fn first_grant(http: &Http, plan: &Plan) -> Result<Tokens> {
    match plan.kind {
        Kind::Jwt => {
            let key = match &plan.credential {
                Credential::RsaKey(der) => {
                    RsaKey::from_pkcs1_der(der.clone()).map_err(|bad| bad_key("the key", bad))?
                }
                Credential::RsaKeyEnv(name) => {
                    key_from_pem(&read_env(name, "--key-env", "the PEM private key")?, name)?
                }
                _ => unreachable!("a JWT plan holds a key"),
            };
            let username = plan.username.as_deref().unwrap_or_default();
            let audience = plan.audience.as_deref().unwrap_or_default();
            let claims = Claims {
                client_id: &plan.client_id,
                username,
                audience,
            };
            let grant = Grant::Jwt { username, audience };
            jwt::mint(http, &plan.login_url, &key, &claims)?
                .map_err(|refusal| explain(&refusal, &grant, &Moment::Link, &plan.client_id))
        }
        _ => {
            let secret = match &plan.credential {
                Credential::ClientSecret(secret) => secret.clone(),
                Credential::ClientSecretEnv(name) => {
                    read_env(name, "--secret-env", "the consumer secret")?
                }
                _ => unreachable!("a client-credentials plan holds a secret"),
            };
            client_credentials::mint(http, &plan.login_url, &plan.client_id, &secret)?.map_err(
                |refusal| {
                    explain(
                        &refusal,
                        &Grant::ClientCredentials,
                        &Moment::Link,
                        &plan.client_id,
                    )
                },
            )
        }
    }
}

/// Identifies the connection, stores its entry, then its record;
/// replaces an older connection of the same user, org, app and kind.
fn keep(
    ctx: &Context,
    args: &LinkArgs,
    plan: &Plan,
    http: &Http,
    tokens: &mut Tokens,
    (store_kind, store): (StoreKind, &dyn SecretStore),
) -> Result<Connection> {
    let scopes = tokens.scopes.clone();
    let connection = identify(
        args,
        http,
        tokens,
        Origin {
            kind: plan.kind,
            login_url: &plan.login_url,
            client_id: &plan.client_id,
            audience: plan.audience.clone(),
            scopes,
            store: store_kind,
        },
    )?;
    let entry = Entry {
        credential: plan.credential.clone(),
        access_token: Some(tokens.access_token.clone()),
        access_issued_at_ms: Some(tokens.issued_at_ms),
        client_secret: None,
    };
    // Held until the entry is written: until then the secret looks
    // orphaned, and `doctor --clean` must not take it for one.
    let _new = lock::lock_id(ctx, &connection.id, &connection.alias)?;
    credential::save(store, &connection.id, &entry)?;
    let (connection, replaced) = enter(ctx, args, &connection, store)?;
    for old in &replaced {
        match retired::settle(ctx, http, &retired::record(old)) {
            Ok(()) => output::note(&format!(
                "replaced {} ({} at {}); its token was revoked at Salesforce",
                old.alias, old.username, old.instance_url
            )),
            Err(e) => output::warn(&format!(
                "replaced {}, but could not revoke its token: {}; sfconnect retries on the next link or `sfconnect tokens check`",
                old.alias, e.message
            )),
        }
    }
    Ok(connection)
}

/// The new connection on stdout; on stderr, why no approval is counted.
fn report(args: &LinkArgs, connection: &Connection) -> Result<()> {
    if args.json {
        output::print_json(&ConnectionView::new(connection))?;
    } else {
        output::print(&format!(
            "linked {}: {} ({}) at {}, {}\n",
            connection.alias,
            connection.username,
            connection.org_id,
            connection.instance_url,
            connection.kind.name()
        ))?;
    }
    if let Some(note) = connection.kind.approval_note() {
        output::note(&format!("note: {note}."));
    }
    Ok(())
}

/// After a failure past the grant: revoke the fresh access token (best
/// effort), so nothing usable is left behind.
fn revoke_fresh(http: &Http, login_url: &str, access_token: &Secret, err: Error) -> Error {
    let _ = revoke(http, login_url, access_token);
    err
}

/// Reads a key file and judges it; warns, as ssh does, when others may
/// read it.
fn read_key_file(path: &Path) -> Result<RsaKey> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| {
        Error::usage(format!("cannot read the key file {shown}: {e}")).with_hint(
            "pass the PEM private key whose certificate is uploaded to the app; `sfconnect keygen` makes a pair",
        )
    })?;
    warn_if_exposed(path);
    RsaKey::from_pem(&bytes).map_err(|bad| bad_key(&shown.to_string(), bad))
}

fn warn_if_exposed(path: &Path) {
    if let Ok(meta) = std::fs::metadata(path)
        && let Some(Exposure { mode, readers }) = exposure(&meta)
    {
        output::warn(&format!(
            "the private key {} can be read by {readers} (mode {mode:04o}); protect it: chmod 600 {}",
            path.display(),
            path.display()
        ));
    }
}

/// The whole of stdin, which must be a pipe or a file: typed on a
/// terminal, a key or secret would be shown on the screen.
fn read_stdin(flag: &str, what: &str) -> Result<Secret> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(Error::usage(format!(
            "{flag} reads {what} from a pipe or file, not a terminal"
        ))
        .with_hint(format!("for example: sfconnect link ... {flag} < FILE")));
    }
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(MAX_STDIN_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::usage(format!("{flag}: cannot read stdin: {e}")))?;
    if bytes.len() as u64 > MAX_STDIN_BYTES {
        return Err(Error::usage(format!(
            "{flag}: stdin holds more than {MAX_STDIN_BYTES} bytes, which is not {what}"
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::usage(format!("{flag}: stdin is not text, so not {what}")))?;
    if text.trim().is_empty() {
        return Err(Error::usage(format!(
            "{flag}: stdin is empty; expected {what}"
        )));
    }
    Ok(Secret::new(text))
}

/// The value of a variable named by `--key-env` / `--secret-env`.
fn read_env(name: &str, flag: &str, what: &str) -> Result<Secret> {
    if !settings::is_variable_name(name) {
        // Not quoted back: what was given may be the key or secret itself.
        return Err(Error::usage(format!(
            "{flag} takes the name of a variable (letters, digits and _), and what was given is not a variable name"
        ))
        .with_hint(format!("pass the variable's name, e.g. {flag} SF_JWT_KEY, never its value")));
    }
    match client_secret::variable(name) {
        Some(value) if !value.expose().trim().is_empty() => Ok(value),
        Some(_) => Err(
            Error::usage(format!("{flag} {name}: the variable is empty"))
                .with_hint(format!("set {name} to {what}")),
        ),
        None => Err(
            Error::usage(format!("{flag} {name}: the variable is not set")).with_hint(format!(
                "set {name} to {what} (its name is stored, never its value)"
            )),
        ),
    }
}
