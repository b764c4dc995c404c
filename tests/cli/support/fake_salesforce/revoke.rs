//! `POST|GET /services/oauth2/revoke` (§6): a refresh token kills its approval and
//! every access token from it, an access token only itself, and an
//! `OauthToken.DeleteToken` (§5) the approval it names. Errors are form-encoded,
//! unlike the token endpoint's JSON, unless `Knobs::revoke_errors_as_json`.

use super::http::{Incoming, Reply, encode_query, lock};
use super::knobs::Knobs;
use super::{FORM, Shared};

pub(super) fn revoke(shared: &Shared, knobs: &Knobs, rq: &Incoming) -> Reply {
    let as_json = knobs.revoke_errors_as_json;
    let form_error = |error: &str, description: &str| {
        if as_json {
            return Reply::json(
                400,
                &serde_json::json!({"error": error, "error_description": description}),
            );
        }
        Reply::new(
            400,
            FORM,
            encode_query(&[("error", error), ("error_description", description)]),
        )
    };
    if rq.method != "POST" && rq.method != "GET" {
        return form_error("invalid_request", "must use HTTP POST or GET");
    }
    let Some(token) = rq
        .form("token")
        .or(rq.query("token"))
        .filter(|t| !t.is_empty())
    else {
        return form_error("invalid_token", "missing token parameter");
    };
    let mut st = lock(&shared.state);
    if let Some(index) = st
        .live_grant_of(token)
        .or_else(|| st.approval_with_delete_token(token))
    {
        st.revoke_grant(index);
        return Reply::text(200, "");
    }
    let live_access = st
        .access
        .get(token)
        .is_some_and(|a| !a.revoked && !st.grants[a.grant].revoked);
    if live_access {
        if let Some(access) = st.access.get_mut(token) {
            access.revoked = true;
        }
        st.revoked.push(token.to_string());
        return Reply::text(200, "");
    }
    form_error("unsupported_token_type", "this token type is not supported")
}
