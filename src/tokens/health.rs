//! Is each connection still good? Refreshes connections at Salesforce in
//! parallel, records each verdict in the index, and turns the verdicts into
//! the exit code. Shared by `tokens check` and `tokens list --check`.
//!
//! Every connection is refreshed, each bounded by the timeout, so a
//! nightly script learns here, not from a failed job, that a connection was
//! revoked or pushed out by the five-approval limit. `tokens list` shows
//! the recorded verdicts later without a network call.

use crate::app::Context;
use crate::error::{Error, Exit, Result};
use crate::index::connection::{Connection, Health};
use crate::index::status::Status;
use crate::index::validate;
use crate::output;
use crate::salesforce::http;
use crate::tokens::access::{self, Freshness};
use chrono::Utc;
use std::time::Duration;

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
            .map(|a| crate::vault::shared::resolve(ctx, &index, Some(a)))
            .collect::<Result<_>>()?
    };
    if targets.is_empty() {
        output::note("Nothing is linked; nothing to check.");
        return Ok(Vec::new());
    }
    // Every Salesforce call of this process gives up after the timeout, so
    // each check is bounded and none is abandoned half-way through a refresh.
    http::set_timeout(Duration::from_secs(timeout_secs));
    // An entry that fails its checks sends nothing anywhere; the others are
    // still checked.
    let (targets, invalid): (Vec<Connection>, Vec<Connection>) = targets
        .into_iter()
        .partition(|c| validate::connection(c).is_ok());
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
        crate::tokens::retired::retry(ctx, &http, &[]);
    }
    let mut all: Vec<(String, Health)> = results
        .into_iter()
        .map(|(c, h)| (c.alias.to_string(), h))
        .collect();
    for connection in invalid {
        let why = validate::connection(&connection).expect_err("partitioned as invalid");
        all.push((
            connection.alias.to_string(),
            Health::new(Status::Invalid, &why.message, Utc::now()),
        ));
    }
    if aliases.is_empty() {
        all.sort_by(|a, b| a.0.cmp(&b.0));
    }
    Ok(all)
}

fn verify(ctx: &Context, connection: &Connection) -> Health {
    let always = Freshness {
        max_age: Duration::ZERO,
        force: true,
    };
    match access::obtain(ctx, connection, always) {
        Ok(_) => Health::new(Status::Ok, "refreshed", Utc::now()),
        Err(err) => Health::new(access::status_of(&err), &err.message, Utc::now()),
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

/// 0 when all are ok; 2 when any index entry is invalid (a person must
/// repair or forget it); else 4 when any needs a person to act (revoked,
/// blocked); else 5 (unreachable, error). See `Status::exit`.
pub fn verdict(results: &[(String, Health)]) -> Result<()> {
    let bad: Vec<&(String, Health)> = results
        .iter()
        .filter(|(_, h)| h.status != Status::Ok)
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = bad
        .iter()
        .map(|(a, h)| format!("{a} ({})", h.status))
        .collect();
    let exit = if bad.iter().any(|(_, h)| h.status == Status::Invalid) {
        Exit::Usage
    } else if bad
        .iter()
        .any(|(_, h)| h.status.exit() == Exit::RelinkNeeded)
    {
        Exit::RelinkNeeded
    } else {
        Exit::Network
    };
    Err(Error::new(exit, format!("not ok: {}", names.join(", "))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results(statuses: &[Status]) -> Vec<(String, Health)> {
        statuses
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("c{i}"), Health::new(*s, "d", Utc::now())))
            .collect()
    }

    #[test]
    fn the_verdict_is_the_worst_exit() {
        assert!(verdict(&results(&[Status::Ok, Status::Ok])).is_ok());
        assert!(verdict(&[]).is_ok());
        let exit = |s: &[Status]| verdict(&results(s)).unwrap_err().exit.code();
        assert_eq!(exit(&[Status::Ok, Status::Unreachable]), 5);
        assert_eq!(exit(&[Status::Error]), 5);
        assert_eq!(exit(&[Status::Blocked]), 4);
        assert_eq!(exit(&[Status::Unreachable, Status::Revoked]), 4);
        assert_eq!(exit(&[Status::Revoked, Status::Invalid]), 2);
        let err = verdict(&results(&[Status::Ok, Status::Blocked])).unwrap_err();
        assert_eq!(err.message, "not ok: c1 (blocked)");
    }
}
