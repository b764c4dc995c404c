//! The device flow (§9; Salesforce's own dialect, not RFC 8628): the device-code
//! request (`response_type=device_code`), the polls (`grant_type=device`,
//! `code=<device_code>`) and the verification page at `/setup/connect`.
//!
//! Nobody visits the page: the knobs decide what the user does. The user is the
//! fake's current user when the code was requested; they act once the poll
//! count reaches `device_approve_after_polls`, approving (a new approval, under
//! the five-approval limit) or, with `device_deny`, denying. Error texts the
//! reference leaves open are guesses, documented on the functions below.

use std::time::{Duration, Instant};

use serde_json::json;

use super::http::{Incoming, Reply, lock, split_scope};
use super::knobs::Knobs;
use super::state::PendingDevice;
use super::token::{TokenRequest, invalid_grant, issue_new, wants_refresh};
use super::{APP_SCOPES, EXPIRED_CODE, HTML, Shared, secrets};

/// The answer when the app lacks "Enable for Device Flow". Guessed: the code is
/// in the server-side enum the Mobile SDK mirrors (§3); the text is ours.
fn flow_disabled() -> Reply {
    Reply::oauth_error(
        400,
        "oauth_flow_disabled",
        "device flow is not enabled for this app",
    )
}

/// `response_type=device_code`, `client_id`, `scope`: hands out a device code.
/// No `expires_in` (UNCONFIRMED in the reference, so the fake omits it).
pub(super) fn start(
    shared: &Shared,
    knobs: &Knobs,
    request: &TokenRequest,
) -> Result<Reply, Reply> {
    let client = request.identify(knobs)?;
    if !knobs.device_flow_enabled {
        return Err(flow_disabled());
    }
    let scope = match request.param("scope").map(split_scope) {
        Some(scope) if !scope.is_empty() => scope,
        _ => APP_SCOPES.iter().map(|s| s.to_string()).collect(),
    };
    let mut st = lock(&shared.state);
    let user = st.current_user();
    let device_code = st.mint(secrets::device_code());
    let user_code = secrets::user_code();
    st.devices.insert(
        device_code.clone(),
        PendingDevice {
            client_id: client.client_id.clone(),
            scope,
            user,
            issued: Instant::now(),
            last_poll: None,
            pending_answers: 0,
        },
    );
    Ok(Reply::json(
        200,
        &json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": format!("{}/setup/connect", shared.base_url),
            "interval": knobs.device_interval_secs,
        }),
    ))
}

/// `grant_type=device`, `client_id`, `code`. In order: an unknown, used, other
/// client's or expired code gets `invalid_grant` "expired authorization code"
/// (guessed text); a poll sooner than the interval after the previous one gets
/// `slow_down` "slow down" (guessed text; the interval does not grow); then
/// `authorization_pending` "authorization pending" until the user acts; then
/// `access_denied` "end-user denied authorization" or the §3 success JSON. The
/// code is single-use once the user acted.
pub(super) fn poll(shared: &Shared, knobs: &Knobs, request: &TokenRequest) -> Result<Reply, Reply> {
    let client = request.identify(knobs)?;
    if !knobs.device_flow_enabled {
        return Err(flow_disabled());
    }
    let code = request
        .param("code")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| Reply::oauth_error(400, "invalid_request", "missing required code"))?;
    let mut st = lock(&shared.state);
    let Some(device) = st.devices.get_mut(code) else {
        return Err(invalid_grant(EXPIRED_CODE));
    };
    if device.client_id != client.client_id {
        return Err(invalid_grant(EXPIRED_CODE));
    }
    if device.issued.elapsed() >= knobs.device_code_ttl {
        st.devices.remove(code);
        return Err(invalid_grant(EXPIRED_CODE));
    }
    let now = Instant::now();
    let interval = Duration::from_secs(
        knobs
            .device_enforced_interval_secs
            .unwrap_or(knobs.device_interval_secs),
    );
    if let Some(previous) = device.last_poll.replace(now)
        && now.duration_since(previous) < interval
    {
        st.device_slow_downs += 1;
        return Err(Reply::oauth_error(400, "slow_down", "slow down"));
    }
    if device.pending_answers < knobs.device_approve_after_polls {
        device.pending_answers += 1;
        return Err(Reply::oauth_error(
            400,
            "authorization_pending",
            "authorization pending",
        ));
    }
    let Some(device) = st.devices.remove(code) else {
        return Err(invalid_grant(EXPIRED_CODE));
    };
    if knobs.device_deny {
        return Err(Reply::oauth_error(
            400,
            "access_denied",
            "end-user denied authorization",
        ));
    }
    let with_refresh = wants_refresh(knobs, &device.scope);
    let index = st.add_grant(
        &client.client_id,
        device.user,
        device.scope,
        None,
        with_refresh,
    );
    Ok(issue_new(&shared.base_url, knobs, &mut st, client, index))
}

/// `GET /setup/connect`: where the user would type the user code.
pub(super) fn verification_page(rq: &Incoming) -> Reply {
    if rq.method != "GET" {
        return Reply::text(405, "Method Not Allowed");
    }
    let page = concat!(
        "<!DOCTYPE html><html><head><title>Connect Your Device</title></head><body>",
        "<h1>Connect Your Device</h1>",
        "<form method=\"post\" action=\"/setup/connect\">",
        "<label for=\"user_code\">Enter the code displayed on your device</label>",
        "<input id=\"user_code\" name=\"user_code\" autocomplete=\"off\">",
        "<button type=\"submit\">Connect</button></form></body></html>",
    );
    Reply::new(200, HTML, page)
}
