//! `sfconnect tokens approvals [ALIAS]`: how many of the user's five
//! approvals for this app are in use, and which one goes next.

use crate::access::{self, Freshness};
use crate::app::Context;
use crate::approvals::{self, APPROVAL_LIMIT, Budget};
use crate::cli::ApprovalsArgs;
use crate::error::Result;
use crate::index::connection::Connection;
use crate::output;
use crate::salesforce::http::Http;
use serde_json::json;

pub fn run(ctx: &Context, args: ApprovalsArgs) -> Result<()> {
    let index = ctx.registry.load()?;
    let connection = index.resolve(args.alias.as_deref())?;
    // Connections without a refresh token hold no approval to count.
    if let Some(note) = connection.kind.approval_note() {
        if args.json {
            output::print_json(&json!({
                "version": 1,
                "alias": connection.alias,
                "kind": connection.kind,
                "uses_approval": false,
                "note": note,
            }));
        } else {
            output::print(&format!("{}: {note}.\n", connection.alias));
        }
        return Ok(());
    }
    let access = access::obtain(ctx, connection, Freshness::CACHED)?;
    let http = Http::new()?;
    match approvals::fetch(&http, &access) {
        Ok(budget) => {
            remember_app_name(ctx, connection, &budget);
            if args.json {
                output::print_json(&budget_json(connection, &budget));
            } else {
                for line in budget.lines(&connection.alias) {
                    output::print(&format!("{line}\n"));
                }
            }
            Ok(())
        }
        // Advice, not a failure: say why in one line and exit 0.
        Err(err) => {
            output::warn(&format!("cannot count approvals: {}", err.message));
            if args.json {
                output::print_json(&json!({
                    "version": 1,
                    "alias": connection.alias,
                    "available": false,
                    "reason": err.message,
                }));
            }
            Ok(())
        }
    }
}

fn budget_json(connection: &Connection, budget: &Budget) -> serde_json::Value {
    let approvals: Vec<_> = budget
        .approvals
        .iter()
        .enumerate()
        .map(|(i, a)| {
            json!({
                "created_at": a.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "last_used_at": a.last_used_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                "use_count": a.use_count,
                "this_connection": budget.ours == Some(i),
            })
        })
        .collect();
    json!({
        "version": 1,
        "alias": connection.alias,
        "available": true,
        "app_name": budget.app_name,
        "count": budget.count(),
        "limit": APPROVAL_LIMIT,
        "approvals": approvals,
    })
}

/// Keeps the app's name, so later counts need not guess which app is ours.
pub fn remember_app_name(ctx: &Context, connection: &Connection, budget: &Budget) {
    if connection.app_name.as_deref() == Some(budget.app_name.as_str()) {
        return;
    }
    let _ = ctx.registry.update(|index| {
        if let Some(c) = index.connections.iter_mut().find(|c| c.id == connection.id) {
            c.app_name = Some(budget.app_name.clone());
        }
        Ok(())
    });
}
