//! `sfconnect link`: log in (in the browser, or with the device flow) and
//! store the connection.
//!
//! The order matters, because every refresh token Salesforce issues uses up
//! one of the user's five approvals for the app (docs/salesforce-oauth.md §5):
//! check what can be checked (arguments, alias, the secret store) before the
//! login starts; after it, store the secret, then the index entry; if
//! anything fails after the exchange, revoke the fresh token so it is not
//! wasted (`store`). Re-linking the same user, org and app replaces the old
//! connection and revokes its token, instead of holding two approvals.
//!
//! `--jwt` and `--client-credentials` need no browser at all (`headless`).
//!
//! A login never dead-ends: where a browser cannot reach this machine
//! (`environment::detect`), `link` does not try one, and prints the URL
//! with the ways forward (`guidance`): an SSH tunnel, paste-back, or
//! `--device`.

mod headless;
mod store;

use crate::app::Context;
use crate::cli::LinkArgs;
use crate::config::{self, Config};
use crate::error::{Error, Result};
use crate::index::alias::Alias;
use crate::login::browser;
use crate::login::callback::Verdict;
use crate::login::countdown::Countdown;
use crate::login::environment::{self, BrowserSituation};
use crate::login::guidance::{self, Paste};
use crate::login::listener::{Event, Listener};
use crate::login::paste;
use crate::output;
use crate::salesforce::device;
use crate::salesforce::errors::describe;
use crate::salesforce::hosts::choose_login_url;
use crate::salesforce::http::Http;
use crate::salesforce::oauth::{self, AppConfig, PLATFORM_CLI};
use crate::secrets::secret::Secret;
use crate::secrets::{self, SecretStore, StoreKind};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

pub fn run(ctx: &Context, args: LinkArgs) -> Result<()> {
    let settings = Config::load(&ctx.config_dir)?;
    let args = with_settings(args, &settings);
    if args.jwt || args.client_credentials {
        return headless::run(ctx, &args, &settings);
    }
    if args.device
        && args
            .client_id
            .as_deref()
            .is_none_or(|id| id.trim().is_empty())
    {
        return Err(Error::usage(
            "--device needs your own app: Salesforce blocks the device flow for PlatformCLI",
        )
        .with_hint("pass --client-id (or SFCONNECT_CLIENT_ID) of an External Client App with \"Enable for Device Flow\" ticked"));
    }
    let app = app_config(&args)?;
    let scopes = scopes(&args, &app.client_id)?;
    // An unreadable index fails now, not after the user has logged in. A
    // taken alias is judged after the login, when we know who logged in:
    // the same user, org and app re-links (and replaces) it.
    ctx.registry.load()?;
    if let Some(alias) = &args.alias {
        Alias::new(alias.as_str())?;
    }
    let (store_kind, store) = open_store(ctx, &args, &settings)?;
    let store = (store_kind, store.as_ref());
    if args.device {
        device_login(ctx, &args, &app, &scopes, store)
    } else {
        browser_login(ctx, &args, &app, &scopes, store)
    }
}

/// The store the connection will use, proven to work before the login
/// starts: a login is not wasted.
fn open_store(
    ctx: &Context,
    args: &LinkArgs,
    settings: &Config,
) -> Result<(StoreKind, Box<dyn SecretStore>)> {
    let store_kind = config::chosen_store(&args.store, settings)?;
    let store = secrets::open(store_kind, &ctx.config_dir);
    secrets::probe(store.as_ref())?;
    Ok((store_kind, store))
}

/// The authorization code flow: a loopback listener, the browser (or the
/// user pasting the address back), then the code exchange.
fn browser_login(
    ctx: &Context,
    args: &LinkArgs,
    app: &AppConfig,
    scopes: &[String],
    store: (StoreKind, &dyn SecretStore),
) -> Result<()> {
    let listener = Listener::bind(&args.port)?;
    for skipped in &listener.skipped {
        output::note(&format!(
            "{skipped}; listening on port {} instead",
            listener.port()
        ));
    }
    let login = app.start_login(&listener.redirect_uri(), scopes)?;
    let interrupt = listener.interrupter();
    // Only one login per process, so the handler is set once.
    let _ = ctrlc::set_handler(move || {
        let _ = interrupt.send(Event::Interrupted);
    });
    let paste = if std::io::stdin().is_terminal() {
        Paste::Terminal
    } else if args.paste {
        Paste::Pipe
    } else {
        Paste::Off
    };
    if paste != Paste::Off {
        paste::start(listener.interrupter());
    }
    let port = listener.port();
    let situation = environment::detect();
    let mut guided = false;
    if args.no_browser {
        output::tell(&format!(
            "Open this URL in a browser to log in:\n  {}",
            login.authorize_url
        ));
    } else if !situation.can_open() {
        guidance::headless(&situation, &login.authorize_url, port, paste);
        guided = true;
    } else {
        output::tell(&format!(
            "If the browser does not open, visit:\n  {}",
            login.authorize_url
        ));
        if situation == BrowserSituation::Wsl {
            guidance::wsl(port, paste);
            guided = true;
        }
        if let Err(why) = browser::open(&login.authorize_url) {
            output::warn(&format!("{why}; open the URL above yourself"));
            guidance::ways_forward(&situation, port, paste);
            guided = true;
        }
    }
    if paste == Paste::Terminal && !guided && args.no_browser {
        output::tell(&format!(
            "When your browser ends on http://localhost:{port}/OauthRedirect?code=... and that page fails to load, paste its address here and press Enter."
        ));
    }
    let prompt = (paste == Paste::Terminal && guided).then_some("Paste the address here: ");
    let deadline = Instant::now() + Duration::from_secs(timeout_secs(args));
    // Where sfconnect opened no browser (--no-browser, none can open here,
    // or opening failed) there is no "the browser" to speak of.
    let (waiting_for, waiting) = if args.no_browser || guided {
        (
            "the login",
            "Waiting for the login to complete (Ctrl-C cancels)...",
        )
    } else {
        (
            "the login in the browser",
            "Waiting for the login to complete in the browser (Ctrl-C cancels)...",
        )
    };
    let mut countdown = Countdown::new(deadline, waiting_for, prompt);
    if !countdown.is_live() {
        output::note(waiting);
    }
    let callback = listener.wait(&login.state, deadline, timeout_secs(args), &mut countdown)?;
    if callback.was_pasted() {
        output::note("Got the pasted address; finishing the login.");
    }
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
            let linked = exchange_and_store(ctx, args, app, scopes, login, code, store);
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
            store::report(ctx, args, &linked?)
        }
        Verdict::Ignore { .. } => unreachable!("the listener returns only callbacks"),
    }
}

fn exchange_and_store(
    ctx: &Context,
    args: &LinkArgs,
    app: &AppConfig,
    scopes: &[String],
    login: crate::salesforce::oauth::PendingLogin,
    code: &Secret,
    store: (StoreKind, &dyn SecretStore),
) -> Result<crate::tokens::access::Access> {
    let http = Http::new()?;
    let tokens = app.exchange_code(&http, login, code)?;
    store::store_login(ctx, args, app, scopes, &http, tokens, store)
}

/// Salesforce's device flow: show the code, poll, then store as above.
fn device_login(
    ctx: &Context,
    args: &LinkArgs,
    app: &AppConfig,
    scopes: &[String],
    store: (StoreKind, &dyn SecretStore),
) -> Result<()> {
    let http = Http::new()?;
    let login = device::start(&http, app, scopes)?;
    let (interrupt, interrupted) = std::sync::mpsc::channel();
    let _ = ctrlc::set_handler(move || {
        let _ = interrupt.send(());
    });
    output::tell(&format!(
        "To log in, open this URL on any device:\n  {}\nand enter the code:\n  {}",
        login.verification_uri, login.user_code
    ));
    let mut timeout = Duration::from_secs(timeout_secs(args));
    if let Some(expires_in) = login.expires_in {
        timeout = timeout.min(expires_in);
    }
    let deadline = Instant::now() + timeout;
    let mut countdown = Countdown::new(deadline, "the code to be approved", None);
    if !countdown.is_live() {
        output::note("Waiting for the code to be approved (Ctrl-C cancels)...");
    }
    let tokens = device::wait(&http, app, &login, deadline, &interrupted, &mut countdown)?;
    let access = store::store_login(ctx, args, app, scopes, &http, tokens, store)?;
    store::report(ctx, args, &access)
}

/// Fills what flags and environment left open from the config file, then
/// the built-in defaults: flag, then env (clap reads both), then file.
fn with_settings(mut args: LinkArgs, settings: &Config) -> LinkArgs {
    if args.port.is_empty() {
        args.port = settings
            .port()
            .and_then(config::parse_ports)
            .unwrap_or(vec![config::DEFAULT_PORT]);
    }
    args.timeout = args
        .timeout
        .or(settings.timeout())
        .or(Some(config::DEFAULT_TIMEOUT_SECS));
    if args.client_id.is_none() {
        args.client_id = settings.get("client-id").map(String::from);
    }
    if args.scopes.is_none() {
        args.scopes = settings.get("scopes").map(String::from);
    }
    // A host chosen on the command line beats the configured one.
    if args.login_url.is_none() && args.domain.is_none() && !args.sandbox {
        args.login_url = settings.get("login-url").map(String::from);
    }
    args
}

fn timeout_secs(args: &LinkArgs) -> u64 {
    args.timeout.unwrap_or(config::DEFAULT_TIMEOUT_SECS)
}

/// The login URL from --login-url, --domain or --sandbox, saying what
/// was changed in a forgiving --login-url.
pub(super) fn login_url(args: &LinkArgs) -> Result<String> {
    let login = choose_login_url(
        args.login_url.as_deref(),
        args.domain.as_deref(),
        args.sandbox,
    )?;
    if !login.changes.is_empty() {
        output::note(&format!(
            "using {} as the login URL ({})",
            login.url,
            login.changes.join("; ")
        ));
    }
    Ok(login.url)
}

fn app_config(args: &LinkArgs) -> Result<AppConfig> {
    let login_url = login_url(args)?;
    let client_id = match args.client_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => id.to_string(),
        _ => {
            output::note(
                "note: using Salesforce's PlatformCLI app; a dedicated External Client App is recommended (see the README: \"Use your own External Client App\").",
            );
            PLATFORM_CLI.to_string()
        }
    };
    Ok(AppConfig {
        login_url,
        client_id,
        // The secret of the app being linked; `store` keeps it with the
        // connection, the only one it is ever sent for.
        client_secret: secrets::client_secret::from_environment(),
    })
}

fn scopes(args: &LinkArgs, client_id: &str) -> Result<Vec<String>> {
    let default = oauth::default_scopes(client_id);
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
