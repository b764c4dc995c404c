//! `sfconnect tokens list`: what is linked, from the index alone.
//!
//! No keychain and no network, so it is fast and never prompts; except
//! that, when told to use the vault (or a connection is in it), the vault's
//! records are merged in with a short timeout (`vault::shared`), and a
//! STORE column appears.

use crate::app::Context;
use crate::cli::ListArgs;
use crate::error::Result;
use crate::index::connection::{Connection, host_kind};
use crate::output::{self, Style};
use crate::report::ConnectionList;
use crate::salesforce::errors::clean;
use crate::secrets::StoreKind;
use crate::tokens::health;
use chrono::{DateTime, Utc};

pub fn run(ctx: &Context, args: ListArgs) -> Result<()> {
    // With --check, verify first, list the fresh verdicts, exit as check does.
    let checked = if args.check {
        Some(health::check(ctx, &[], args.timeout)?)
    } else {
        None
    };
    let mut index = ctx.registry.load()?;
    let vault = crate::vault::shared::merge_for_listing(ctx, &mut index);
    index.connections.sort_by(|a, b| a.alias.cmp(&b.alias));
    if index.connections.is_empty() {
        output::note(
            "No connections yet. Link one with: sfconnect link (or sfconnect link --sandbox)",
        );
    }
    if args.json {
        output::print_json(&ConnectionList::with_vault(
            &index.connections,
            vault.as_ref(),
        ))?;
    } else if !index.connections.is_empty() {
        output::print(&table(&index.connections))?;
    }
    checked.map_or(Ok(()), |results| health::verdict(&results))
}

fn table(connections: &[Connection]) -> String {
    // STORE only when a connection is in the vault: then where a secret
    // lives differs between connections in a way that matters.
    let with_store = connections.iter().any(|c| c.store == StoreKind::Vault);
    let mut header = vec![
        "ALIAS",
        "USERNAME",
        "ORG ID",
        "HOST",
        "KIND",
        "INSTANCE URL",
        "LINKED",
        "LAST USED",
    ];
    if with_store {
        header.push("STORE");
    }
    header.push("STATUS");
    let rows: Vec<Vec<String>> = connections
        .iter()
        .map(|c| {
            let mut row = vec![
                c.alias.to_string(),
                c.username.clone(),
                c.org_id.clone(),
                host_kind(&c.login_url).to_string(),
                c.kind.name().to_string(),
                c.instance_url.clone(),
                day(Some(c.created_at)),
                day(c.last_used_at),
            ];
            if with_store {
                row.push(c.store.name().to_string());
            }
            row.push(status(c));
            // The index can be edited: no control character reaches the
            // terminal from it.
            row.iter().map(|cell| clean(cell)).collect()
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    // STATUS is the last column: painting it cannot upset the padding.
    let mut line = |cells: &[&str], status: Option<Style>| {
        let mut padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        if let (Some(style), Some(last)) = (status, padded.last_mut()) {
            *last = output::paint_stdout(last.trim_end(), style);
        }
        out.push_str(padded.join("  ").trim_end());
        out.push('\n');
    };
    line(&header, None);
    for (row, connection) in rows.iter().zip(connections) {
        let style = connection.health.as_ref().map(|h| h.status.style());
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        line(&cells, style);
    }
    out
}

/// The last verdict (loud when the connection needs attention), `-` when
/// Salesforce has not said anything yet.
fn status(connection: &Connection) -> String {
    connection
        .health
        .as_ref()
        .map_or("-", |h| h.status.label())
        .to_string()
}

fn day(time: Option<DateTime<Utc>>) -> String {
    time.map_or_else(
        || "never".to_string(),
        |t| t.format("%Y-%m-%d %H:%M").to_string(),
    )
}
