//! `sfconnect tokens approvals [ALIAS]`: how many of the user's five
//! approvals for this app are in use, and which one goes next.

use crate::app::Context;
use crate::cli::ApprovalsArgs;
use crate::error::Result;
use crate::index::connection::Connection;
use crate::output;
use crate::report::{self, ApprovalCount, ApprovalView, ApprovalsNotUsed, ApprovalsUnavailable};
use crate::salesforce::http::Http;
use crate::tokens::access::{self, Freshness};
use crate::tokens::approvals::{self, APPROVAL_LIMIT, Budget};

pub fn run(ctx: &Context, args: ApprovalsArgs) -> Result<()> {
    let index = ctx.registry.load()?;
    let connection = &crate::vault::shared::resolve(ctx, &index, args.alias.as_deref())?;
    // Connections without a refresh token hold no approval to count.
    if let Some(note) = connection.kind.approval_note() {
        if args.json {
            output::print_json(&ApprovalsNotUsed {
                version: report::VERSION,
                alias: &connection.alias,
                kind: connection.kind,
                uses_approval: false,
                note,
            })?;
        } else {
            output::print(&format!("{}: {note}.\n", connection.alias))?;
        }
        return Ok(());
    }
    let access = access::obtain(ctx, connection, Freshness::CACHED)?;
    let http = Http::new()?;
    match approvals::fetch(&http, &access) {
        Ok(budget) => {
            approvals::remember_app_name(ctx, connection, &budget);
            if args.json {
                output::print_json(&count(connection, &budget))?;
            } else {
                for line in budget.lines(&connection.alias) {
                    output::print(&format!("{line}\n"))?;
                }
            }
            Ok(())
        }
        // Advice, not a failure: say why in one line and exit 0.
        Err(err) => {
            output::warn(&format!("cannot count approvals: {}", err.message));
            if args.json {
                output::print_json(&ApprovalsUnavailable {
                    version: report::VERSION,
                    alias: &connection.alias,
                    available: false,
                    reason: &err.message,
                })?;
            }
            Ok(())
        }
    }
}

fn count<'a>(connection: &'a Connection, budget: &'a Budget) -> ApprovalCount<'a> {
    let approvals = budget
        .approvals
        .iter()
        .enumerate()
        .map(|(i, a)| ApprovalView {
            created_at: a.created_at,
            last_used_at: a.last_used_at,
            use_count: a.use_count,
            this_connection: budget.ours == Some(i),
        })
        .collect();
    ApprovalCount {
        version: report::VERSION,
        alias: &connection.alias,
        available: true,
        app_name: &budget.app_name,
        count: budget.count(),
        limit: APPROVAL_LIMIT,
        approvals,
    }
}
