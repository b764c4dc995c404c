//! `sfconnect tokens check [ALIAS...]`: is each connection still good?
//!
//! The checking itself (parallel refreshes, recorded verdicts, the exit
//! code) is `health`, shared with `tokens list --check`; this prints it.

use crate::app::Context;
use crate::cli::CheckArgs;
use crate::error::Result;
use crate::health::{check, verdict};
use crate::index::connection::Health;
use crate::output;
use chrono::SecondsFormat;
use serde_json::json;

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

fn table(results: &[(String, Health)]) -> String {
    let width = results
        .iter()
        .map(|(a, _)| a.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = format!("{:<width$}  {:<11}  DETAIL\n", "ALIAS", "STATUS");
    for (alias, health) in results {
        let status = output::paint_stdout(&format!("{:<11}", health.status), health.status.style());
        out.push_str(&format!("{alias:<width$}  {status}  {}\n", health.detail));
    }
    out
}
