//! Replaced connections whose old refresh token still has to be revoked.
//!
//! Re-linking the same user, org and app replaces the connection and revokes
//! the old refresh token, so it does not keep holding one of the user's five
//! approvals. When Salesforce cannot be reached at that moment, the new
//! connection stands and the old secret is kept, listed in the index under
//! `retired`; later network commands retry the revocation. Nothing is
//! forgotten while it could still be valid at Salesforce.

use crate::app::Context;
use crate::connection::{Connection, Retired};
use crate::error::Result;
use crate::output;
use crate::salesforce::http::Http;
use crate::salesforce::revoke::revoke;
use crate::secrets::load_tokens;
use chrono::{SubsecRound, Utc};

/// Revokes a replaced connection's token and deletes its secret; on failure
/// queues it for a later retry and returns the error.
pub fn retire(ctx: &Context, http: &Http, old: &Connection) -> Result<()> {
    let retired = Retired {
        alias: old.alias.clone(),
        id: old.id.clone(),
        store: old.store.clone(),
        login_url: old.login_url.clone(),
        retired_at: Utc::now().trunc_subsecs(0),
    };
    revoke_and_forget(ctx, http, &retired).inspect_err(|_| {
        let _ = ctx.registry.update(|index| {
            index.retired.push(retired.clone());
            Ok(())
        });
    })
}

/// Retries every queued revocation; reports what it managed.
pub fn retry(ctx: &Context, http: &Http) {
    let Ok(index) = ctx.registry.load() else {
        return;
    };
    for retired in &index.retired {
        if revoke_and_forget(ctx, http, retired).is_ok() {
            output::note(&format!(
                "revoked the old refresh token of the replaced connection {} at Salesforce",
                retired.alias
            ));
            let _ = ctx.registry.update(|index| {
                index.retired.retain(|r| r.id != retired.id);
                Ok(())
            });
        }
    }
}

fn revoke_and_forget(ctx: &Context, http: &Http, retired: &Retired) -> Result<()> {
    let store = ctx.store_named(&retired.store, &retired.alias)?;
    if let Some(tokens) = load_tokens(store.as_ref(), &retired.id)? {
        revoke(http, &retired.login_url, &tokens.refresh_token)?;
    }
    store.delete(&retired.id)
}
