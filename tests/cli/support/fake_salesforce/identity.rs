//! Who the caller is: `/services/oauth2/userinfo` (OIDC shape), the identity URL
//! `/id/<org>/<user>` (§7), and the REST API under `/services/data`.
//!
//! Every call needs a live access token (`Authorization: Bearer`), else 401
//! INVALID_SESSION_ID. REST answers `GET .../query?q=` with the `OauthToken` query
//! (see `oauth_token`; with `&columns=true`, the query's columns, as the sf CLI
//! asks for them), `GET .../sobjects/User/<caller's id>` with the caller's record,
//! and echoes anything else back, so tests can see what the client sent.

use serde_json::{Value, json};

use super::http::{Incoming, Reply, lock};
use super::knobs::{FakeUser, Knobs};
use super::{Shared, oauth_token};

pub(super) fn userinfo(shared: &Shared, knobs: &Knobs, rq: &Incoming) -> Reply {
    if knobs.userinfo_broken {
        return Reply::not_found();
    }
    let st = lock(&shared.state);
    let Some(user) = rq
        .bearer()
        .and_then(|t| st.session(t, knobs.access_token_ttl))
    else {
        return Reply::invalid_session();
    };
    let base = &shared.base_url;
    let (given, family) = split_name(&user.display_name);
    Reply::json(
        200,
        &json!({
            "sub": format!("{base}/id/{}/{}", user.org_id, user.user_id),
            "user_id": user.user_id,
            "organization_id": user.org_id,
            "preferred_username": user.username,
            "nickname": nickname(user),
            "name": user.display_name,
            "email": user.email,
            "email_verified": true,
            "given_name": given,
            "family_name": family,
            "zoneinfo": "Europe/London",
            "photos": photos(base, user),
            "profile": format!("{base}/{}", user.user_id),
            "picture": format!("{base}/profilephoto/005/F"),
            "address": {},
            "is_salesforce_integration_user": false,
            "urls": urls(base, user),
            "active": true,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_GB",
            "utcOffset": 0,
            "updated_at": "2025-01-10T16:34:58Z",
            "is_app_installed": true,
        }),
    )
}

pub(super) fn identity(shared: &Shared, knobs: &Knobs, rq: &Incoming) -> Reply {
    let segments: Vec<&str> = rq.path.trim_end_matches('/').split('/').skip(2).collect();
    let [org_id, user_id] = segments[..] else {
        return Reply::not_found();
    };
    let st = lock(&shared.state);
    let Some(user) = rq
        .bearer()
        .and_then(|t| st.session(t, knobs.access_token_ttl))
    else {
        return Reply::invalid_session();
    };
    if user.org_id != org_id || user.user_id != user_id {
        return Reply::text(403, "Forbidden");
    }
    let base = &shared.base_url;
    let (first_name, last_name) = split_name(&user.display_name);
    Reply::json(
        200,
        &json!({
            "id": format!("{base}/id/{org_id}/{user_id}"),
            "asserted_user": true,
            "user_id": user.user_id,
            "organization_id": user.org_id,
            "username": user.username,
            "nick_name": nickname(user),
            "display_name": user.display_name,
            "email": user.email,
            "email_verified": true,
            "first_name": first_name,
            "last_name": last_name,
            "timezone": "Europe/London",
            "photos": photos(base, user),
            "mobile_phone": null,
            "mobile_phone_verified": false,
            "is_lightning_login_user": false,
            "status": {"created_date": null, "body": null},
            "urls": urls(base, user),
            "active": true,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_GB",
            "utcOffset": 0,
            "last_modified_date": "2025-01-10T16:34:58Z",
            "is_app_installed": true,
        }),
    )
}

fn urls(base: &str, user: &FakeUser) -> Value {
    let (org, id) = (&user.org_id, &user.user_id);
    let data = format!("{base}/services/data/v{{version}}");
    json!({
        "enterprise": format!("{base}/services/Soap/c/{{version}}/{org}"),
        "metadata": format!("{base}/services/Soap/m/{{version}}/{org}"),
        "partner": format!("{base}/services/Soap/u/{{version}}/{org}"),
        "rest": format!("{data}/"),
        "sobjects": format!("{data}/sobjects/"),
        "search": format!("{data}/search/"),
        "query": format!("{data}/query/"),
        "recent": format!("{data}/recent/"),
        "tooling_soap": format!("{base}/services/Soap/T/{{version}}/{org}"),
        "tooling_rest": format!("{data}/tooling/"),
        "profile": format!("{base}/{id}"),
        "feeds": format!("{data}/chatter/feeds"),
        "groups": format!("{data}/chatter/groups"),
        "users": format!("{data}/chatter/users"),
        "feed_items": format!("{data}/chatter/feed-items"),
        "feed_elements": format!("{data}/chatter/feed-elements"),
        "custom_domain": base,
    })
}

fn photos(base: &str, user: &FakeUser) -> Value {
    json!({
        "picture": format!("{base}/profilephoto/005/F?{}", user.user_id),
        "thumbnail": format!("{base}/profilephoto/005/T?{}", user.user_id),
    })
}

fn nickname(user: &FakeUser) -> String {
    user.username
        .split('@')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn split_name(display_name: &str) -> (&str, &str) {
    display_name.split_once(' ').unwrap_or(("", display_name))
}

pub(super) fn rest(shared: &Shared, knobs: &Knobs, rq: &Incoming) -> Reply {
    let segments: Vec<&str> = rq
        .path
        .split('/')
        .skip(3)
        .filter(|s| !s.is_empty())
        .collect();
    let Some(version) = segments.first() else {
        let versions =
            json!([{"label": "Spring '26", "url": "/services/data/v66.0", "version": "66.0"}]);
        return Reply::json(200, &versions);
    };
    if !is_api_version(version) {
        return Reply::not_found();
    }
    let st = lock(&shared.state);
    let Some(user) = rq
        .bearer()
        .and_then(|t| st.session(t, knobs.access_token_ttl))
    else {
        return Reply::invalid_session();
    };
    if segments.contains(&"notfound") {
        return Reply::not_found();
    }
    // The caller's own User record, which `sf org login access-token` reads
    // for the username (sfdx-core `AuthInfo.retrieveUserInfo`).
    if rq.method == "GET" && segments[1..] == ["sobjects", "User", user.user_id.as_str()] {
        return Reply::json(
            200,
            &json!({
                "attributes": {
                    "type": "User",
                    "url": format!("/services/data/{version}/sobjects/User/{}", user.user_id),
                },
                "Id": user.user_id,
                "Username": user.username,
                "Name": user.display_name,
                "Email": user.email,
                "IsActive": true,
            }),
        );
    }
    if rq.method == "GET" && segments[1..] == ["query"] && rq.query("columns") == Some("true") {
        return oauth_token::columns(knobs, rq.query("q"));
    }
    if rq.method == "GET" && segments[1..] == ["query"] {
        return oauth_token::query(&st, knobs, user, rq.query("q"));
    }
    let query: serde_json::Map<String, Value> = rq
        .query
        .iter()
        .rev()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    Reply::json(
        200,
        &json!({
            "method": rq.method,
            "path": rq.path,
            "query": query,
            "body": rq.body,
            "user_id": user.user_id,
            "username": user.username,
        }),
    )
}

/// `v66.0` and the like.
fn is_api_version(segment: &str) -> bool {
    let Some((major, minor)) = segment.strip_prefix('v').and_then(|v| v.split_once('.')) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(major) && digits(minor)
}
