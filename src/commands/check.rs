//! `sfconnect tokens check [ALIAS...]`: is each connection still good?
//!
//! The checking itself (parallel refreshes, recorded verdicts, the exit
//! code) is `health`, shared with `tokens list --check`; this prints it.
//! An index entry that fails its checks (`index::validate`) is reported
//! `invalid` without any network request: the others are still checked.

use crate::app::Context;
use crate::cli::CheckArgs;
use crate::error::Result;
use crate::index::connection::Health;
use crate::output;
use crate::report::CheckReport;
use crate::tokens::health::{check, verdict};

pub fn run(ctx: &Context, args: CheckArgs) -> Result<()> {
    let results = check(ctx, &args.aliases, args.timeout)?;
    if args.json {
        output::print_json(&CheckReport::new(&results))?;
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
