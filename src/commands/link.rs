//! `sfconnect link`: log in in the browser and store the connection.
//!
//! The order matters, because every refresh token Salesforce issues uses up
//! one of the user's five approvals for the app (salesforce-oauth.md §5):
//! check what can be checked (arguments, alias, the secret store) before the
//! browser opens; after the exchange, store the secret, then the index
//! entry; if anything fails after the exchange, revoke the fresh token so it
//! is not wasted. Re-linking the same user, org and app replaces the old
//! connection and revokes its token, instead of holding two approvals.

use crate::access::Access;
use crate::app::Context;
use crate::approvals;
use crate::browser;
use crate::callback::Verdict;
use crate::cli::LinkArgs;
use crate::connection::{Connection, validate_alias};
use crate::error::{Error, Result};
use crate::listener::{Event, Listener};
use crate::output;
use crate::retired;
use crate::salesforce::errors::describe;
use crate::salesforce::hosts::{choose_login_url, parse_server_url};
use crate::salesforce::http::Http;
use crate::salesforce::identity;
use crate::salesforce::oauth::{AppConfig, PLATFORM_CLI, PendingLogin};
use crate::salesforce::revoke::revoke;
use crate::secret::Secret;
use crate::secrets::{self, SecretStore, StoreKind, StoredTokens, save_tokens};
use chrono::{DateTime, SubsecRound, Utc};
use std::time::{Duration, Instant};

const PLATFORM_CLI_SCOPES: &str = "refresh_token api web";
/// The permissions of the product brief.
const CUSTOM_APP_SCOPES: &str =
    "api refresh_token offline_access id profile email address phone openid";

pub fn run(ctx: &Context, args: LinkArgs) -> Result<()> {
    let app = app_config(&args)?;
    let scopes = scopes(&args, &app.client_id)?;
    // An unreadable index fails now, not after the user has logged in. A
    // taken alias is judged after the login, when we know who logged in:
    // the same user, org and app re-links (and replaces) it.
    ctx.registry.load()?;
    if let Some(alias) = &args.alias {
        validate_alias(alias)?;
    }
    // Prove the store works before the browser opens: a login is not wasted.
    let (store_kind, store) = ctx.default_store()?;
    secrets::probe(store.as_ref())?;

    let listener = Listener::bind(args.port)?;
    let login = app.start_login(&listener.redirect_uri(), &scopes)?;
    let interrupt = listener.interrupter();
    // Only one login per process, so the handler is set once.
    let _ = ctrlc::set_handler(move || {
        let _ = interrupt.send(Event::Interrupted);
    });
    output::note(&format!(
        "If the browser does not open, visit:\n  {}",
        login.authorize_url
    ));
    if !args.no_browser
        && let Err(why) = browser::open(&login.authorize_url)
    {
        output::warn(&format!("{why}; open the URL above yourself"));
    }
    output::note("Waiting for the login to complete in the browser (Ctrl-C cancels)...");
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let callback = listener.wait(&login.state, deadline, args.timeout)?;
    match &callback.verdict {
        Verdict::Denied { error, description } => {
            let said = describe(error, description);
            callback.answer(
                200,
                "Login not completed",
                &format!("Salesforce said: {said}. You can close this tab."),
            );
            Err(Error::login(format!(
                "Salesforce did not complete the login: {said}"
            )))
        }
        Verdict::Code(code) => {
            let linked = complete(
                ctx,
                &args,
                &app,
                &scopes,
                login,
                code,
                (store_kind, store.as_ref()),
            );
            match linked.as_ref().map(|access| &access.connection) {
                Ok(c) => callback.answer(
                    200,
                    "Linked",
                    &format!(
                        "sfconnect is linked to {} as {}. You can close this tab.",
                        c.username, c.alias
                    ),
                ),
                Err(e) => callback.answer(200, "Login failed", &e.message),
            }
            let access = linked?;
            let connection = &access.connection;
            if args.json {
                output::print_json(&serde_json::to_value(connection).expect("connection encodes"));
            } else {
                output::print(&format!(
                    "linked {}: {} ({}) at {}\n",
                    connection.alias,
                    connection.username,
                    connection.org_id,
                    connection.instance_url
                ));
            }
            report_budget(ctx, &access);
            Ok(())
        }
        Verdict::Ignore { .. } => unreachable!("the listener returns only callbacks"),
    }
}

fn app_config(args: &LinkArgs) -> Result<AppConfig> {
    let login_url = choose_login_url(args.login_url.as_deref(), args.sandbox)?;
    let client_id = match args.client_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => {
            output::note(
                "note: using Salesforce's PlatformCLI app; a dedicated External Client App is recommended (see the README: \"Use your own External Client App\").",
            );
            PLATFORM_CLI.to_string()
        }
    };
    let client_secret = std::env::var("SFCONNECT_CLIENT_SECRET")
        .ok()
        .filter(|s| !s.is_empty())
        .map(Secret::new);
    Ok(AppConfig {
        login_url,
        client_id,
        client_secret,
    })
}

fn scopes(args: &LinkArgs, client_id: &str) -> Result<Vec<String>> {
    let default = if client_id == PLATFORM_CLI {
        PLATFORM_CLI_SCOPES
    } else {
        CUSTOM_APP_SCOPES
    };
    let scopes: Vec<String> = args
        .scopes
        .as_deref()
        .unwrap_or(default)
        .split_whitespace()
        .map(String::from)
        .collect();
    if scopes.is_empty() {
        return Err(
            Error::usage("--scopes is empty").with_hint(format!("the default is \"{default}\""))
        );
    }
    Ok(scopes)
}

fn alias_taken(alias: &str) -> Error {
    Error::usage(format!("the alias {alias} is already in use")).with_hint(format!(
        "choose another --alias, or replace it with `sfconnect link --alias {alias} --force`"
    ))
}

/// Exchange, identify, store. Any failure after the exchange revokes the
/// fresh refresh token so it does not hold one of the five approvals.
fn complete(
    ctx: &Context,
    args: &LinkArgs,
    app: &AppConfig,
    requested_scopes: &[String],
    login: PendingLogin,
    code: &Secret,
    (store_kind, store): (StoreKind, &dyn SecretStore),
) -> Result<Access> {
    let http = Http::new()?;
    let tokens = app.exchange_code(&http, login, code)?;
    let Some(refresh_token) = tokens.refresh_token.clone() else {
        return Err(Error::login(
            "Salesforce returned no refresh token, so the connection could not be kept; nothing was stored",
        )
        .with_hint("the app must allow the refresh_token (or offline_access) scope, and --scopes must include it"));
    };
    let stored = (|| {
        parse_server_url(&tokens.instance_url, "instance URL")?;
        let who = identity::fetch(
            &http,
            &tokens.instance_url,
            &tokens.identity_url,
            &tokens.access_token,
        )?;
        let alias = args.alias.clone().unwrap_or_else(|| who.username.clone());
        validate_alias(&alias).map_err(|e| e.with_hint("choose a name with --alias"))?;
        let connection = Connection {
            alias,
            username: who.username,
            org_id: who.org_id,
            user_id: who.user_id,
            instance_url: tokens.instance_url.clone(),
            login_url: app.login_url.clone(),
            client_id: app.client_id.clone(),
            scopes: if tokens.scopes.is_empty() {
                requested_scopes.to_vec()
            } else {
                tokens.scopes.clone()
            },
            created_at: Utc::now().trunc_subsecs(0),
            last_used_at: None,
            last_refreshed_at: Some(Utc::now().trunc_subsecs(0)),
            store: store_kind.name().to_string(),
            id: secrets::new_id(),
            app_name: None,
            health: None,
        };
        let secret = StoredTokens {
            refresh_token: refresh_token.clone(),
            access_token: Some(tokens.access_token.clone()),
            access_issued_at_ms: Some(tokens.issued_at_ms),
        };
        save_tokens(store, &connection.id, &secret)?;
        let replaced = ctx.registry.update(|index| {
            let replaced = replaceable(index, &connection, args.force)?;
            index
                .connections
                .retain(|c| !replaced.iter().any(|r| r.id == c.id));
            index.connections.push(connection.clone());
            Ok(replaced)
        });
        match replaced {
            Ok(replaced) => Ok((connection, replaced)),
            Err(e) => {
                let _ = store.delete(&connection.id);
                Err(e)
            }
        }
    })();
    match stored {
        Ok((connection, replaced)) => {
            for old in replaced {
                retire(ctx, &http, &old, &connection);
            }
            retired::retry(ctx, &http);
            Ok(Access {
                connection,
                token: tokens.access_token,
                issued_at: DateTime::from_timestamp_millis(tokens.issued_at_ms)
                    .unwrap_or_else(Utc::now),
            })
        }
        Err(err) => Err(revoke_fresh(&http, &app.login_url, &refresh_token, err)),
    }
}

/// The connections the new one replaces: any with the same user, org and
/// app (one connection per user+org+app), and the alias's holder when
/// `--force` is given. Another connection holding the alias is an error.
fn replaceable(
    index: &crate::connection::Index,
    new: &Connection,
    force: bool,
) -> Result<Vec<Connection>> {
    let same_grant = |c: &Connection| {
        c.org_id == new.org_id && c.user_id == new.user_id && c.client_id == new.client_id
    };
    let mut replaced: Vec<Connection> = index
        .connections
        .iter()
        .filter(|c| same_grant(c))
        .cloned()
        .collect();
    if let Some(holder) = index.find(&new.alias)
        && !same_grant(holder)
    {
        if !force {
            return Err(alias_taken(&new.alias));
        }
        replaced.push(holder.clone());
    }
    Ok(replaced)
}

/// Revokes a replaced connection's token (or queues it for a retry) and
/// says so. Never fatal: the new connection already stands.
fn retire(ctx: &Context, http: &Http, old: &Connection, new: &Connection) {
    match retired::retire(ctx, http, old) {
        Ok(()) => output::note(&format!(
            "replaced {} ({} at {}); its old refresh token was revoked at Salesforce",
            old.alias, old.username, old.instance_url
        )),
        Err(e) => output::warn(&format!(
            "replaced {} with {}, but could not revoke its old refresh token: {}; sfconnect keeps it and retries on the next link or `sfconnect tokens check`",
            old.alias, new.alias, e.message
        )),
    }
}

/// Tells the user how many of their five approvals for this app are in use.
/// Advice only: a refused query is one line, never a failed link.
fn report_budget(ctx: &Context, access: &Access) {
    let budget = Http::new().and_then(|http| approvals::fetch(&http, access));
    match budget {
        Ok(budget) => {
            for line in budget.lines(&access.connection.alias) {
                output::note(&line);
            }
            super::approvals::remember_app_name(ctx, &access.connection, &budget);
        }
        Err(err) => output::note(&format!("cannot count approvals: {}", err.message)),
    }
}

/// After a failure past the exchange: revoke the fresh token (best effort)
/// and say so in the error.
fn revoke_fresh(http: &Http, login_url: &str, refresh_token: &Secret, err: Error) -> Error {
    let suffix = match revoke(http, login_url, refresh_token) {
        Ok(_) => {
            "; the new refresh token was revoked at Salesforce, so it does not use up one of your five approvals"
        }
        Err(_) => {
            "; the new refresh token could not be revoked at Salesforce: revoke it there (Settings > Connected Apps OAuth Usage)"
        }
    };
    Error {
        message: format!("{}{suffix}", err.message),
        ..err
    }
}
