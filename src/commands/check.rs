//! `sfconnect tokens check [ALIAS...]`: is each connection still good?
//!
//! Every connection is refreshed at Salesforce, in parallel, each bounded by
//! the timeout, and the verdict is recorded in the index so `tokens list`
//! shows it without a network call. A nightly script learns here, not from
//! a failed job, that a connection was revoked or pushed out by the
//! five-approval limit.

use crate::access::{self, Freshness};
use crate::app::Context;
use crate::cli::CheckArgs;
use crate::error::{Error, Exit, Result};
use crate::index::connection::{Connection, Health};
use crate::output;
use crate::salesforce::http;
use chrono::{SecondsFormat, Utc};
use serde_json::json;
use std::time::Duration;

pub fn run(ctx: &Context, args: CheckArgs) -> Result<()> {
    let results = check(ctx, &args.aliases, args.timeout)?;
    if args.json {
        let results: Vec<_> = results
            .iter()
            .map(|(alias, h)| {
                json!({
                    "alias": alias,
                    "status": h.status,
                    "detail": h.detail,
                    "checked_at": h.checked_at.to_rfc3339_opts(SecondsFormat::Secs, true),
                })
            })
            .collect();
        output::print_json(&json!({"version": 1, "results": results}))?;
    } else if !results.is_empty() {
        output::print(&table(&results))?;
    }
    verdict(&results)
}

/// Checks the named connections (all when none is named) and records the
/// results. Unknown aliases fail before anything is checked.
pub fn check(
    ctx: &Context,
    aliases: &[String],
    timeout_secs: u64,
) -> Result<Vec<(String, Health)>> {
    let index = ctx.registry.load()?;
    let targets: Vec<Connection> = if aliases.is_empty() {
        let mut all = index.connections.clone();
        all.sort_by(|a, b| a.alias.cmp(&b.alias));
        all
    } else {
        aliases
            .iter()
            .map(|a| index.resolve(Some(a)).cloned())
            .collect::<Result<_>>()?
    };
    if targets.is_empty() {
        output::note("Nothing is linked; nothing to check.");
        return Ok(Vec::new());
    }
    // Every Salesforce call of this process gives up after the timeout, so
    // each check is bounded and none is abandoned half-way through a refresh.
    http::set_timeout(Duration::from_secs(timeout_secs));
    let handles: Vec<_> = targets
        .into_iter()
        .map(|connection| {
            let ctx = ctx.clone();
            std::thread::spawn(move || {
                let health = verify(&ctx, &connection);
                (connection, health)
            })
        })
        .collect();
    let results: Vec<(Connection, Health)> = handles
        .into_iter()
        .map(|h| h.join().expect("a check thread panicked"))
        .collect();
    record(ctx, &results);
    if let Ok(http) = http::Http::new() {
        crate::retired::retry(ctx, &http, &[]);
    }
    Ok(results.into_iter().map(|(c, h)| (c.alias, h)).collect())
}

fn verify(ctx: &Context, connection: &Connection) -> Health {
    let always = Freshness {
        max_age: Duration::ZERO,
        force: true,
    };
    match access::obtain(ctx, connection, always) {
        Ok(_) => access::health("ok", "refreshed", Utc::now()),
        Err(err) => access::health(access::status_of(&err), &err.message, Utc::now()),
    }
}

fn record(ctx: &Context, results: &[(Connection, Health)]) {
    let saved = ctx.registry.update(|index| {
        for (connection, health) in results {
            if let Some(c) = index.connections.iter_mut().find(|c| c.id == connection.id) {
                c.health = Some(health.clone());
            }
        }
        Ok(())
    });
    if let Err(err) = saved {
        output::warn(&format!("could not record the results: {}", err.message));
    }
}

/// 0 when all are ok, 4 when any needs re-linking, else 5.
pub fn verdict(results: &[(String, Health)]) -> Result<()> {
    let bad: Vec<&(String, Health)> = results.iter().filter(|(_, h)| h.status != "ok").collect();
    if bad.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = bad
        .iter()
        .map(|(a, h)| format!("{a} ({})", h.status))
        .collect();
    let exit = if bad.iter().any(|(_, h)| h.status == "revoked") {
        Exit::RelinkNeeded
    } else {
        Exit::Network
    };
    Err(Error::new(exit, format!("not ok: {}", names.join(", "))))
}

fn table(results: &[(String, Health)]) -> String {
    let width = results
        .iter()
        .map(|(a, _)| a.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = format!("{:<width$}  {:<11}  DETAIL\n", "ALIAS", "STATUS");
    for (alias, health) in results {
        let mut status = format!("{:<11}", health.status);
        if let Some(style) = super::list::status_style(&health.status) {
            status = output::paint_stdout(&status, style);
        }
        out.push_str(&format!("{alias:<width$}  {status}  {}\n", health.detail));
    }
    out
}
