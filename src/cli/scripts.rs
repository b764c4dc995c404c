//! The arguments of the commands scripts live on: `token`, `exec`, `api`,
//! and how fresh their access token must be.

use super::complete::complete_alias;
use crate::tokens::access::Freshness;
use clap::Args;
use clap_complete::engine::ArgValueCompleter;

/// How fresh an access token must be.
#[derive(Args, Debug, Clone, Copy)]
pub struct FreshnessArgs {
    /// Reuse a cached access token younger than this (e.g. 600, 90s, 10m, 1h)
    #[arg(long, value_name = "AGE", default_value = "10m", value_parser = parse_age)]
    pub max_age: std::time::Duration,

    /// Always refresh, never use the cached access token
    #[arg(long)]
    pub fresh: bool,
}

impl From<&FreshnessArgs> for Freshness {
    fn from(args: &FreshnessArgs) -> Self {
        Freshness {
            max_age: args.max_age,
            force: args.fresh,
        }
    }
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFormat {
    /// The token alone
    Bare,
    /// `Authorization: Bearer TOKEN`
    Header,
    /// {"alias", "access_token", "instance_url", "username", "org_id", "issued_at"}
    Json,
    /// SF_ACCESS_TOKEN=... and SF_INSTANCE_URL=... lines, shell-quoted, for `eval`
    Env,
}

#[derive(Args, Debug)]
#[command(after_help = "EXAMPLES:\n  \
curl -H \"Authorization: Bearer $(sfconnect token prod)\" \"$URL\"\n  \
curl -H \"$(sfconnect token prod --format header)\" \"$URL\"\n  \
eval \"$(sfconnect token prod --format env)\"\n  \
sfconnect token prod --json | jq -r .instance_url\n  \
token=$(sfconnect token prod) || exit   # 4: link again, 5: Salesforce unreachable")]
pub struct TokenArgs {
    /// The connection [default: the environment connection, else $SFCONNECT_ALIAS, else
    /// .sfconnect.toml, else the only one]
    #[arg(add = ArgValueCompleter::new(complete_alias))]
    pub alias: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = TokenFormat::Bare)]
    pub format: TokenFormat,

    /// Same as --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

impl TokenArgs {
    /// The format asked for, `--json` included.
    pub fn format(&self) -> TokenFormat {
        if self.json {
            TokenFormat::Json
        } else {
            self.format
        }
    }
}

#[derive(Args, Debug)]
#[command(after_help = "EXAMPLES:\n  \
sfconnect exec prod -- sh -c \\\n    \
'curl -H \"Authorization: Bearer $SF_ACCESS_TOKEN\" \"$SF_INSTANCE_URL/services/data/\"'\n  \
sfconnect exec -- python3 nightly_sync.py\n  \
sfconnect exec uat -- env | grep '^SF_INSTANCE_URL='")]
pub struct ExecArgs {
    /// The connection [default: the environment connection, else $SFCONNECT_ALIAS, else
    /// .sfconnect.toml, else the only one]
    #[arg(add = ArgValueCompleter::new(complete_alias))]
    pub alias: Option<String>,

    /// The command and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<String>,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

#[derive(Args, Debug)]
// `[ALIAS] <PATH>`: an optional positional before a required one, filled
// from the right (one value is the PATH).
#[command(allow_missing_positional = true)]
#[command(after_help = "EXAMPLES:\n  \
sfconnect api prod /services/data/v62.0/limits\n  \
sfconnect api prod \"/services/data/v62.0/query?q=SELECT+Id,Name+FROM+Account+LIMIT+5\" \\\n    \
| jq -r '.records[].Name'\n  \
sfconnect api prod /services/data/v62.0/sobjects/Account -d '{\"Name\":\"Acme\"}'\n  \
sfconnect api prod /services/data/v62.0/sobjects/Account/001xx -X PATCH -d @account.json")]
pub struct ApiArgs {
    /// The connection [default: the environment connection, else $SFCONNECT_ALIAS, else
    /// .sfconnect.toml, else the only one]
    #[arg(add = ArgValueCompleter::new(complete_alias))]
    pub alias: Option<String>,

    /// A path on the connection's instance (/services/data/...), or a full URL on the
    /// instance's host
    pub path: String,

    /// HTTP method [default: GET, or POST with -d]
    #[arg(short = 'X', long = "method", value_name = "METHOD")]
    pub method: Option<String>,

    /// Request body; @FILE reads a file, @- reads stdin. Sent as JSON.
    #[arg(short = 'd', long = "data", value_name = "DATA")]
    pub data: Option<String>,

    /// Extra request header, "Name: value" (repeatable)
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,

    #[command(flatten)]
    pub freshness: FreshnessArgs,
}

/// `600`, `90s`, `10m`, `1h`.
fn parse_age(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, "s"),
    };
    let value: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not an age such as 600, 90s, 10m or 1h"))?;
    let seconds = match unit {
        "s" => value,
        "m" => value * 60,
        "h" => value * 3600,
        _ => return Err(format!("{text:?}: use a number with s, m or h")),
    };
    Ok(std::time::Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        assert_eq!(parse_age("600").unwrap().as_secs(), 600);
        assert_eq!(parse_age("90s").unwrap().as_secs(), 90);
        assert_eq!(parse_age("10m").unwrap().as_secs(), 600);
        assert_eq!(parse_age("1h").unwrap().as_secs(), 3600);
        for bad in ["", "m", "10d", "-1", "1.5m"] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
    }
}
