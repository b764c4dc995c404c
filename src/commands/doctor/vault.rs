//! `doctor`'s vault checks, each with its fix: the address, the token
//! (lookup-self), the mount's engine and version (sys/internal/ui/mounts,
//! which a scoped token may read where sys/mounts answers 403), the
//! capabilities on the prefix (capabilities-self), and the local aliases
//! that shadow shared ones. Run only when sfconnect is told to use the
//! vault or a connection is in it: a VAULT_ADDR set for other tools makes
//! no call.

use super::Finding;
use crate::app::Context;
use crate::error::Error;
use crate::index::connection::Index;
use crate::secrets::StoreKind;
use crate::vault::client::VaultClient;
use crate::vault::config::VaultConfig;
use crate::vault::{session, shared};

/// What each path under the prefix needs, as the example policy grants it.
fn needed(config: &VaultConfig) -> Vec<(String, &'static [&'static str])> {
    let (mount, prefix) = (&config.mount, &config.prefix);
    vec![
        (
            format!("{mount}/data/{prefix}/secrets/ID"),
            &["create", "read", "update"],
        ),
        (
            format!("{mount}/data/{prefix}/connections/ID"),
            &["create", "read", "update"],
        ),
        (format!("{mount}/metadata/{prefix}/secrets/ID"), &["delete"]),
        (
            format!("{mount}/metadata/{prefix}/connections/ID"),
            &["delete"],
        ),
        (format!("{mount}/metadata/{prefix}/connections"), &["list"]),
        // The refresh lease (`vault::lease`): taken, renewed, released; destroyed by revoke.
        (
            format!("{mount}/data/{prefix}/leases/ID"),
            &["create", "read", "update"],
        ),
        (format!("{mount}/metadata/{prefix}/leases/ID"), &["delete"]),
    ]
}

pub(super) fn findings(ctx: &Context, index: Option<&Index>, is_default: bool) -> Vec<Finding> {
    let used = shared::told(ctx)
        || index.is_some_and(|i| i.connections.iter().any(|c| c.store == StoreKind::Vault));
    if !used {
        return Vec::new();
    }
    let mut findings = Vec::new();
    let finding = |topic: &'static str, result: Result<String, Error>| match result {
        Ok(detail) => Finding {
            topic,
            ok: true,
            detail,
            blocks: None,
        },
        Err(e) => Finding {
            topic,
            ok: false,
            detail: match &e.hint {
                Some(hint) => format!("{}; {hint}", e.message),
                None => e.message.clone(),
            },
            blocks: is_default.then_some(e),
        },
    };
    let config = match session::config(&ctx.config_dir) {
        Ok(config) => config,
        Err(e) => {
            findings.push(finding("vault", Err(e)));
            return findings;
        }
    };
    let client = match VaultClient::connect(&config) {
        Ok(client) => client,
        Err(e) => {
            findings.push(finding("vault", Err(e)));
            return findings;
        }
    };
    // The address: the token lookup is the first call, so a failure to
    // connect shows here, a refused token on the next line.
    let token = client.lookup_self();
    let reached = match &token {
        Err(e) if e.message.contains("cannot reach") || e.message.contains("sealed") => {
            findings.push(finding("vault", Err(e.clone())));
            return findings;
        }
        _ => format!(
            "{} (mount {}, prefix {}){}",
            config.addr,
            config.mount,
            config.prefix,
            if is_default { " [default]" } else { "" }
        ),
    };
    findings.push(finding("vault", Ok(reached)));
    let token = token.map(|info| {
        let ttl = if info.ttl_secs == 0 {
            "no expiry".to_string()
        } else {
            format!("expires in {} s", info.ttl_secs)
        };
        format!(
            "{} (policies {}; {ttl})",
            if info.display_name.is_empty() {
                "token"
            } else {
                &info.display_name
            },
            info.policies.join(", ")
        )
    });
    let token_ok = token.is_ok();
    findings.push(finding("vault token", token));
    if !token_ok {
        return findings;
    }
    let mount = client
        .ensure_kv2()
        .map(|()| format!("{}/ is KV version 2", config.mount));
    findings.push(finding("vault mount", mount));
    findings.push(finding("vault caps", capabilities(&client, &config)));
    if let Some(index) = index
        && let Ok(records) = shared::all(&client, &config.prefix)
    {
        let hidden = shared::shadowed(index, &records, &config);
        findings.push(Finding {
            topic: "vault names",
            ok: hidden.is_empty(),
            detail: if hidden.is_empty() {
                format!("{} shared connection(s); no local alias shadows one", records.len())
            } else {
                hidden
                    .iter()
                    .map(|(alias, path)| {
                        format!("the local {alias} shadows the shared {alias} ({path}); rename one with `sfconnect link --alias` or `sfconnect revoke`")
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            },
            blocks: None,
        });
    }
    findings
}

/// The capabilities the prefix needs that the token lacks, by path.
fn capabilities(client: &VaultClient, config: &VaultConfig) -> Result<String, Error> {
    let needed = needed(config);
    let paths: Vec<String> = needed.iter().map(|(p, _)| p.clone()).collect();
    let granted = client.capabilities(&paths)?;
    let missing: Vec<String> = needed
        .iter()
        .filter_map(|(path, caps)| {
            let have = granted.get(path).cloned().unwrap_or_default();
            if have.iter().any(|c| c == "root") {
                return None;
            }
            let lacking: Vec<&str> = caps
                .iter()
                .copied()
                .filter(|c| !have.iter().any(|h| h == c))
                .collect();
            (!lacking.is_empty()).then(|| format!("{} on {path}", lacking.join(", ")))
        })
        .collect();
    if missing.is_empty() {
        Ok(format!(
            "the token may read, write, list and destroy under {}/{}",
            config.mount, config.prefix
        ))
    } else {
        Err(
            Error::secret_store(format!("the token's policies lack {}", missing.join("; ")))
                .with_hint("grant them (see \"Vault policy\" in docs/vault.md)"),
        )
    }
}
