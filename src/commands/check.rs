//! `sfconnect tokens check [ALIAS...]`: is each connection still good?
//!
//! The checking itself (parallel refreshes, recorded verdicts, the exit
//! code) is `health`, shared with `tokens list --check`; this prints it.
//! An index entry that fails its checks (`index::validate`) is reported
//! `invalid` without any network request: the others are still checked.
//!
//! With no alias named and an environment connection described, that one
//! is checked, alone, without the config dir (docs/environment-mode.md).

use crate::app::Context;
use crate::cli::CheckArgs;
use crate::error::Result;
use crate::index::connection::Health;
use crate::index::status::Status;
use crate::output;
use crate::report::CheckReport;
use crate::salesforce::http;
use crate::tokens::access::{Freshness, status_of};
use crate::tokens::environment;
use crate::tokens::health::{check, verdict};
use crate::tokens::target;
use chrono::Utc;
use std::time::Duration;

pub fn run(args: CheckArgs) -> Result<()> {
    let environment = if args.aliases.is_empty() {
        target::environment()?
    } else {
        None
    };
    let results = match environment {
        Some(env) => {
            http::set_timeout(Duration::from_secs(args.timeout));
            let always = Freshness {
                max_age: Duration::ZERO,
                force: true,
            };
            let health = match env.obtain(always) {
                Ok(_) => Health::new(Status::Ok, "refreshed", Utc::now()),
                Err(err) => Health::new(status_of(&err), &err.message, Utc::now()),
            };
            vec![(environment::ALIAS.to_string(), health)]
        }
        None => check(&Context::open()?, &args.aliases, args.timeout)?,
    };
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
