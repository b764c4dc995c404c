//! `sfconnect doctor`: one screen that answers "why does it not work here?"
//!
//! Every finding comes from a real probe, not a guess: the index is read, each
//! secret store gets a throwaway write-read-delete, the default port is bound
//! for a moment. The exit code is that of the first thing that would stop
//! `sfconnect link` with the defaults (0 when nothing would).

mod default_connection;
mod env_connection;
mod orphans;
mod vault;

use crate::app::Context;
use crate::cli::DoctorArgs;
use crate::config::{self, Config};
use crate::error::{Error, Result};
use crate::login::environment;
use crate::login::port_holder;
use crate::output;
use crate::report::{self, DoctorReport, FindingView};
use crate::salesforce::oauth::PLATFORM_CLI;
use crate::secrets::{self, StoreKind};
use std::net::{Ipv4Addr, TcpListener};

/// One line of the report.
pub(super) struct Finding {
    pub(super) topic: &'static str,
    pub(super) ok: bool,
    pub(super) detail: String,
    /// Set when this would stop `link` with the defaults: the error it
    /// would stop with.
    pub(super) blocks: Option<Error>,
}

pub fn run(ctx: &Context, args: DoctorArgs) -> Result<()> {
    let mut findings = Vec::new();

    // The index.
    let index = ctx.registry.load();
    findings.push(match &index {
        Ok(index) => Finding {
            topic: "index",
            ok: true,
            detail: format!(
                "{} ({})",
                ctx.registry.path().display(),
                output::count(index.connections.len() as u64, "connection")
            ),
            blocks: None,
        },
        Err(e) => Finding {
            topic: "index",
            ok: false,
            detail: e.message.clone(),
            blocks: Some(e.clone()),
        },
    });

    // The connection a command without an alias would use here.
    if let Ok(index) = &index {
        findings.push(default_connection::finding(index));
    }

    // The config file.
    let settings = Config::load(&ctx.config_dir);
    findings.push(match &settings {
        Ok(_) => Finding {
            topic: "config",
            ok: true,
            detail: config::path(&ctx.config_dir).display().to_string(),
            blocks: None,
        },
        Err(e) => Finding {
            topic: "config",
            ok: false,
            detail: e.message.clone(),
            blocks: Some(e.clone()),
        },
    });
    let settings = settings.unwrap_or_default();

    // The environment connection, when one is described.
    findings.extend(env_connection::finding());

    // Each store, with a real probe; the default one decides.
    let default_store = config::default_store(&settings).unwrap_or(StoreKind::Keychain);
    let mut reachable = Vec::new();
    for kind in StoreKind::ON_THIS_MACHINE {
        let is_default = kind == default_store;
        let probe = secrets::probe(secrets::open(kind, &ctx.config_dir).as_ref());
        let mut detail = match &probe {
            Ok(()) => "available (write, read and delete worked)".to_string(),
            // The hint says how to make it work; doctor is where one looks.
            Err(e) => match &e.hint {
                Some(hint) => format!("unavailable: {}; {hint}", e.message),
                None => format!("unavailable: {}", e.message),
            },
        };
        if let (Ok(()), Some(caveat)) = (&probe, kind.caveat()) {
            detail.push_str(&format!("; note: {caveat}"));
        }
        if is_default {
            detail.push_str(" [default]");
        }
        if probe.is_ok() {
            reachable.push(kind);
        }
        findings.push(Finding {
            topic: kind.name(),
            ok: probe.is_ok(),
            detail,
            blocks: match (&probe, is_default) {
                (Err(e), true) => Some(e.clone()),
                _ => None,
            },
        });
    }

    // The vault, when sfconnect is told to use it.
    findings.extend(vault::findings(
        ctx,
        index.as_ref().ok(),
        default_store == StoreKind::Vault,
    ));

    // Secrets no connection refers to. Without a readable index every
    // secret would look orphaned: then nothing is judged.
    let mut orphan_reports = Vec::new();
    if let Ok(index) = &index {
        for kind in reachable {
            let (finding, report) = orphans::orphans(ctx, index, kind, args.clean);
            findings.push(finding);
            orphan_reports.extend(report);
        }
    }
    let (finding, stale) = orphans::leftover_temp_files(ctx, args.clean);
    findings.extend(finding);

    // The app and its callback.
    let client_id = crate::settings::CLIENT_ID
        .value()
        .or_else(|| settings.get("client-id").map(String::from))
        .unwrap_or_else(|| PLATFORM_CLI.into());
    let port_setting = crate::settings::PORT
        .value()
        .or_else(|| settings.port().map(String::from))
        .unwrap_or_else(|| config::DEFAULT_PORT.to_string());
    let ports = config::parse_ports(&port_setting).unwrap_or_default();
    findings.push(Finding {
        topic: "app",
        ok: true,
        detail: format!(
            "client id {client_id}{}; callback URL http://localhost:{}/OauthRedirect",
            if client_id == PLATFORM_CLI {
                " (Salesforce CLI's public app; your own External Client App is recommended)"
            } else {
                ""
            },
            ports.first().copied().unwrap_or(config::DEFAULT_PORT)
        ),
        blocks: None,
    });
    let free: Vec<u16> = ports.iter().copied().filter(|p| port_is_free(*p)).collect();
    let holders: Vec<String> = ports
        .iter()
        .filter_map(|p| port_holder::find(*p).map(|h| format!("{p} is held by {h}")))
        .collect();
    let detail = match (free.first(), holders.is_empty()) {
        (Some(port), _) => format!("{port} is free"),
        (None, true) => format!(
            "{port_setting}: in use; `link` cannot listen for the callback (free it, or use --port with a callback URL registered for that port)"
        ),
        (None, false) => format!(
            "{port_setting}: in use ({}); free it, or use --port with a callback URL registered for that port",
            holders.join(", ")
        ),
    };
    findings.push(Finding {
        topic: "port",
        ok: !free.is_empty(),
        blocks: free.is_empty().then(|| Error::login(detail.clone())),
        detail,
    });

    // The browser: what `link` will do here.
    let situation = environment::detect();
    findings.push(Finding {
        topic: "browser",
        ok: true,
        detail: if situation.can_open() {
            situation.describe()
        } else {
            format!("{}; `link` prints the URL with an SSH tunnel line and paste-back, or use `link --device`", situation.describe())
        },
        blocks: None,
    });

    // The network.
    let proxies: Vec<(String, String)> = crate::settings::PROXIES
        .iter()
        .filter_map(|var| {
            crate::settings::platform(var)
                .filter(|v| !v.is_empty())
                .map(|v| (var.to_string(), redact_credentials(&v)))
        })
        .collect();
    findings.push(Finding {
        topic: "proxy",
        ok: true,
        detail: if proxies.is_empty() {
            "none (direct connections)".into()
        } else {
            proxies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", ")
        },
        blocks: None,
    });

    let blocker = findings.iter().find_map(|f| f.blocks.as_ref());
    if args.json {
        output::print_json(&DoctorReport {
            version: report::VERSION,
            sfconnect_version: env!("CARGO_PKG_VERSION"),
            config_dir: &ctx.config_dir,
            findings: findings
                .iter()
                .map(|f| FindingView {
                    topic: f.topic,
                    ok: f.ok,
                    detail: &f.detail,
                    blocks_link: f.blocks.is_some(),
                })
                .collect(),
            link_would_work: blocker.is_none(),
            orphans: orphan_reports,
            leftover_temp_files: stale,
        })?;
    } else {
        let mut text = format!(
            "sfconnect {}\nconfig dir  {}\n",
            env!("CARGO_PKG_VERSION"),
            ctx.config_dir.display()
        );
        for f in &findings {
            let mark = if f.ok {
                "ok "
            } else if f.blocks.is_some() {
                "ERR"
            } else {
                "-- "
            };
            text.push_str(&format!("{mark} {:<10} {}\n", f.topic, f.detail));
        }
        text.push_str(match blocker {
            None => "link would work with the defaults\n",
            Some(_) => "link would NOT work with the defaults (see ERR above)\n",
        });
        output::print(&text)?;
    }
    match blocker {
        None => Ok(()),
        Some(cause) => Err(Error::new(
            cause.exit,
            "sfconnect link would fail here; see the report above",
        )
        .caused_by(cause.clone())),
    }
}

fn port_is_free(port: u16) -> bool {
    port == 0 || TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok()
}

/// `http://user:pass@proxy:3128` shows as `http://***@proxy:3128`.
fn redact_credentials(value: &str) -> String {
    match (value.find("://"), value.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}***{}", &value[..scheme_end + 3], &value[at..])
        }
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::orphans::{orphan_ids, process_runs, temp_file_writer};
    use super::*;
    use crate::secrets::SecretStore;

    #[test]
    fn connections_and_retired_secrets_count_as_referenced_in_their_own_store() {
        let text = r#"{"version": 1, "connections": [
            {"alias": "a", "username": "u", "org_id": "o", "user_id": "x", "instance_url": "https://i",
             "login_url": "https://l", "client_id": "c", "scopes": [], "created_at": "2026-01-01T00:00:00Z",
             "last_used_at": null, "store": "file", "id": "in-file"},
            {"alias": "b", "username": "u", "org_id": "o", "user_id": "x", "instance_url": "https://i",
             "login_url": "https://l", "client_id": "c", "scopes": [], "created_at": "2026-01-01T00:00:00Z",
             "last_used_at": null, "store": "keychain", "id": "in-keychain"}],
            "retired": [{"alias": "c", "id": "retired", "store": "file", "login_url": "https://l",
             "retired_at": "2026-01-01T00:00:00Z"}]}"#;
        let index =
            crate::index::registry::parse(std::path::Path::new("index.json"), text).unwrap();
        let store = crate::secrets::memory::MemoryStore::default();
        for id in ["in-file", "in-keychain", "retired", "orphan"] {
            store
                .set(id, &crate::secrets::secret::Secret::new("x"))
                .unwrap();
        }
        let orphans = orphan_ids(&index, StoreKind::File, &store)
            .unwrap()
            .unwrap();
        // A copy of a keychain connection's id in the file store is a leftover too.
        assert_eq!(orphans, ["in-keychain", "orphan"]);
        let orphans = orphan_ids(&index, StoreKind::Keychain, &store)
            .unwrap()
            .unwrap();
        assert_eq!(orphans, ["in-file", "orphan", "retired"]);
    }

    #[test]
    fn temp_files_name_their_writer() {
        assert_eq!(
            temp_file_writer(".secrets.json.4242.0123456789abcdef.tmp"),
            Some(4242)
        );
        assert_eq!(
            temp_file_writer(".index.json.7.fedcba9876543210.tmp"),
            Some(7)
        );
        for other in [
            "secrets.json",
            ".secrets.json.4242.tmp",
            ".notes.txt.4242.0123456789abcdef.tmp",
            ".index.json.x.0123456789abcdef.tmp",
        ] {
            assert_eq!(temp_file_writer(other), None, "{other}");
        }
        assert!(process_runs(std::process::id()));
    }

    #[test]
    fn proxy_credentials_are_hidden() {
        assert_eq!(
            redact_credentials("http://u:p@proxy:3128"),
            "http://***@proxy:3128"
        );
        assert_eq!(redact_credentials("http://proxy:3128"), "http://proxy:3128");
        assert_eq!(redact_credentials("localhost,.corp"), "localhost,.corp");
    }
}
