//! doctor's `connection` line: which connection a command run here without
//! an alias would use, and which rule chose it (`index::choice`), so that
//! "why did it write to uat?" has an answer. It never stops `link`.

use super::Finding;
use crate::error::Exit;
use crate::index::connection::Index;

pub(super) fn finding(index: &Index) -> Finding {
    // The environment connection comes before SFCONNECT_ALIAS and the
    // project file; its own line (`env_connection`) says where it came from.
    if let Ok(Some(env)) = crate::tokens::target::environment() {
        return Finding {
            topic: "connection",
            ok: true,
            detail: format!(
                "the environment connection ({}): {}",
                env.variable(),
                crate::index::choice::Rule::Environment
            ),
            blocks: None,
        };
    }
    let (ok, detail) = match index.choose(None) {
        Ok((connection, rule)) => (true, format!("{}: {rule}", connection.alias)),
        // Nothing to choose from is not a fault.
        Err(e) if e.exit == Exit::NoSuchConnection && index.connections.is_empty() => {
            (true, "none: nothing is linked yet".to_string())
        }
        Err(e) => (false, format!("none chosen here: {}", e.message)),
    };
    Finding {
        topic: "connection",
        ok,
        detail,
        blocks: None,
    }
}
