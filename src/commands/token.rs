//! `sfconnect token [ALIAS]`: a valid access token on stdout, nothing else.
//!
//! The contract scripts rely on: exactly one line (or the chosen format) on
//! stdout, every message on stderr, exit codes to branch on. A young cached
//! token is printed without any network call. On the environment connection
//! (`SFCONNECT_AUTH_URL`, `SFCONNECT_ENV`) no file is written.

use crate::cli::{TokenArgs, TokenFormat};
use crate::error::Result;
use crate::output;
use crate::report::TokenReport;
use crate::tokens::target;

pub fn run(args: TokenArgs) -> Result<()> {
    let chosen = target::resolve(args.alias.as_deref())?;
    let access = chosen.obtain((&args.freshness).into())?;
    let token = access.token.expose();
    let c = &access.connection;
    let text = match args.format() {
        TokenFormat::Bare => format!("{token}\n"),
        TokenFormat::Header => format!("Authorization: Bearer {token}\n"),
        TokenFormat::Json => {
            // Indented on a terminal, one compact line into a pipe, as every
            // other --json.
            return output::print_json(&TokenReport {
                alias: &c.alias,
                access_token: token,
                instance_url: &c.instance_url,
                username: &c.username,
                org_id: &c.org_id,
                issued_at: access.issued_at,
            });
        }
        TokenFormat::Env => format!(
            "SF_ACCESS_TOKEN={}\nSF_INSTANCE_URL={}\n",
            shell_quote(token),
            shell_quote(&c.instance_url)
        ),
    };
    output::print(&text)
}

/// POSIX single quotes: safe for `eval` whatever the value holds.
pub fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_eval() {
        assert_eq!(shell_quote("00D!AQ.x"), "'00D!AQ.x'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
    }
}
