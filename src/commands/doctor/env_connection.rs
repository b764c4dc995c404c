//! `doctor`'s line on the environment connection (docs/environment-mode.md):
//! which one is in effect and which variable each part came from, never a
//! value. Shown only when one is described, or described badly.

use super::Finding;
use crate::tokens::target;

pub(super) fn finding() -> Option<Finding> {
    // Under SFCONNECT_ALIAS too, the contradiction is what to report.
    match target::environment() {
        Ok(None) => None,
        Ok(Some(env)) => {
            let parts: Vec<String> = env
                .parts
                .iter()
                .map(|(part, from)| format!("{part} from {from}"))
                .collect();
            let cache = match crate::settings::ENV_CACHE.os_value() {
                Some(_) => format!("tokens kept in {}", crate::settings::ENV_CACHE.env),
                None => format!(
                    "nothing kept between calls ({} is not set)",
                    crate::settings::ENV_CACHE.env
                ),
            };
            Some(Finding {
                topic: "environment",
                ok: true,
                detail: format!(
                    "{} connection from {}, used by token, exec, api and tokens check unless an alias is named: {}; {cache}",
                    env.kind_name(),
                    env.variable(),
                    parts.join(", ")
                ),
                blocks: None,
            })
        }
        Err(e) => Some(Finding {
            topic: "environment",
            ok: false,
            detail: match &e.hint {
                Some(hint) => format!("{}; {hint}", e.message),
                None => e.message.clone(),
            },
            // It stops the commands that use it, not `link`.
            blocks: None,
        }),
    }
}
