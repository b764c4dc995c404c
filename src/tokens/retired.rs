//! Replaced connections whose old refresh token still has to be revoked.
//!
//! Re-linking the same user, org and app replaces the connection and revokes
//! the old refresh token, so it does not keep holding one of the user's five
//! approvals. The replaced connection moves from `connections` to `retired`
//! in the index in the same write that adds the new one, and leaves
//! `retired` only once Salesforce has revoked its token (or said it was
//! dead). When Salesforce cannot be reached, or the process dies, it stays
//! there and later network commands retry. Nothing is forgotten while it
//! could still be valid at Salesforce, and nothing is sent for a record that
//! fails its checks (`index::validate`).

use crate::app::Context;
use crate::error::Result;
use crate::index::connection::{Connection, Retired};
use crate::index::validate;
use crate::output;
use crate::salesforce::http::Http;
use crate::salesforce::revoke::revoke;
use crate::secrets::credential;
use crate::tokens::lock;
use chrono::{SubsecRound, Utc};

/// The record of a replaced connection, written in the same index update
/// that removes it: from then until its token is revoked, the index knows
/// where it is, whatever happens to this process.
pub fn record(old: &Connection) -> Retired {
    Retired {
        alias: old.alias.clone(),
        id: old.id.clone(),
        store: old.store,
        login_url: old.login_url.clone(),
        retired_at: Utc::now().trunc_subsecs(0),
        kind: old.kind,
    }
}

/// Revokes one queued token at Salesforce, deletes its secret and takes it
/// off the queue. An error leaves it queued for the next retry.
pub fn settle(ctx: &Context, http: &Http, retired: &Retired) -> Result<()> {
    revoke_and_forget(ctx, http, retired)?;
    ctx.registry.update(|index| {
        index.retired.retain(|r| r.id != retired.id);
        Ok(())
    })
}

/// Retries every queued revocation but those in `except` (just tried);
/// reports what it managed.
pub fn retry(ctx: &Context, http: &Http, except: &[&str]) {
    let Ok(index) = ctx.registry.load() else {
        return;
    };
    for retired in index
        .retired
        .iter()
        .filter(|r| !except.contains(&r.id.as_str()))
    {
        if settle(ctx, http, retired).is_ok() {
            output::note(&format!(
                "revoked the old refresh token of the replaced connection {} at Salesforce",
                retired.alias
            ));
        }
    }
}

fn revoke_and_forget(ctx: &Context, http: &Http, retired: &Retired) -> Result<()> {
    // A hand-edited record must not send the token elsewhere.
    validate::retired(retired)?;
    // A refresh of the old connection that started before it was replaced
    // may still store a rotated token: wait for it, and revoke that one.
    let _lock = lock::lock_id(ctx, &retired.id, &retired.alias)?;
    let store = ctx.store(retired.store);
    if let Some(entry) = credential::load(store.as_ref(), &retired.id, retired.kind)?
        && let Some(token) = entry.revocable()
    {
        revoke(http, &retired.login_url, token)?;
    }
    store.delete(&retired.id)
}
