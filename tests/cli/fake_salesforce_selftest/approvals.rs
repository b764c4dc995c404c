//! The five-approval rule, the OauthToken query, blocked refreshes.

use super::*;

#[test]
fn a_sixth_approval_revokes_the_oldest() {
    let fake = FakeSalesforce::start();
    register_other_client(&fake);
    let other_app = field(&login_with(&fake, OTHER_CLIENT), "refresh_token");
    let logins: Vec<Value> = (0..APPROVAL_LIMIT).map(|_| login(&fake)).collect();
    let mut live: Vec<String> = logins.iter().map(|b| field(b, "refresh_token")).collect();
    let no_refresh = code(&fake, &[("scope", "api")]);
    let body = json_ok(exchange(&fake, &no_refresh, VERIFIER));
    assert!(body.get("refresh_token").is_none(), "{body}");
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID),
        live
    );
    assert!(fake.revoked_tokens().is_empty());

    let sixth = field(&login(&fake), "refresh_token");
    let oldest = live.remove(0);
    live.push(sixth);
    assert_eq!(
        oauth_error(refresh(&fake, &oldest), "invalid_grant"),
        "expired access/refresh token"
    );
    let oldest_access = field(&logins[0], "access_token");
    assert_eq!(
        bearer_get(&fake, "/services/oauth2/userinfo", &oldest_access).status(),
        401
    );
    assert_eq!(fake.revoked_tokens(), vec![oldest, oldest_access]);
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID),
        live
    );
    json_ok(refresh(&fake, &live[0]));
    assert!(
        fake.is_refresh_token_live(&other_app),
        "other apps count apart"
    );

    fake.add_user(bob());
    fake.set_current_user("bob@example.com");
    let bobs = field(&login(&fake), "refresh_token");
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID),
        live
    );
    assert_eq!(
        fake.live_refresh_tokens("005000000000002AAA", FAKE_CLIENT_ID),
        vec![bobs]
    );

    fake.set_current_user(DEFAULT_USERNAME);
    let by_device = field(&device_login(&fake), "refresh_token");
    let second_oldest = live.remove(0);
    live.push(by_device);
    assert!(!fake.is_refresh_token_live(&second_oldest));
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID),
        live
    );

    fake.grant_refresh_token(DEFAULT_USERNAME, FAKE_CLIENT_ID, "api refresh_token");
    assert!(!fake.is_refresh_token_live(&live[0]), "seeded grants count");
}

#[test]
fn rotation_keeps_one_approval() {
    let fake = FakeSalesforce::start();
    fake.knobs().rotate_refresh_tokens = true;
    let mut chain = field(&login(&fake), "refresh_token");
    for _ in 0..=APPROVAL_LIMIT {
        chain = field(&json_ok(refresh(&fake, &chain)), "refresh_token");
    }
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID),
        vec![chain.clone()]
    );
    let others: Vec<String> = (1..APPROVAL_LIMIT)
        .map(|_| field(&login(&fake), "refresh_token"))
        .collect();
    assert!(fake.is_refresh_token_live(&chain));
    assert_eq!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID)
            .len(),
        APPROVAL_LIMIT
    );

    login(&fake);
    assert!(
        !fake.is_refresh_token_live(&chain),
        "the chain was the oldest"
    );
    assert_eq!(
        oauth_error(refresh(&fake, &chain), "invalid_grant"),
        "expired access/refresh token"
    );
    assert!(!fake.rotated_token_reused());
    assert!(others.iter().all(|t| fake.is_refresh_token_live(t)));
}

/// Approvals to query: two of this app and one of another for Ada (one of
/// this app's refreshed twice), one revoked, and one of Bob's.
struct Approvals {
    fake: FakeSalesforce,
    /// Ada's access token (this app).
    access: String,
    /// Bob's access token.
    bobs_access: String,
    /// The refresh token of Ada's approval of the other app.
    other_app_refresh: String,
    /// Around every approval's creation.
    before: chrono::DateTime<chrono::Utc>,
    after: chrono::DateTime<chrono::Utc>,
}

fn approvals() -> Approvals {
    let fake = FakeSalesforce::start();
    register_other_client(&fake);
    fake.knobs().app_names = vec![(OTHER_CLIENT.into(), "Other App".into())];
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let first = login(&fake);
    let second = login(&fake);
    let third = login_with(&fake, OTHER_CLIENT);
    let gone = field(&login(&fake), "refresh_token");
    assert!(fake.revoke_refresh_token(&gone));
    fake.add_user(bob());
    fake.set_current_user("bob@example.com");
    let bobs = login(&fake);
    let first_refresh = field(&first, "refresh_token");
    json_ok(refresh(&fake, &first_refresh));
    json_ok(refresh(&fake, &first_refresh));
    let after = chrono::Utc::now() + chrono::Duration::seconds(1);

    Approvals {
        access: field(&second, "access_token"),
        bobs_access: field(&bobs, "access_token"),
        other_app_refresh: field(&third, "refresh_token"),
        fake,
        before,
        after,
    }
}

const ALL_FIELDS: &str = "SELECT Id, AppName, CreatedDate, LastUsedDate, UseCount, UserId, \
                          DeleteToken FROM OauthToken";

#[test]
fn oauth_token_query_lists_the_callers_live_approvals() {
    let Approvals {
        fake,
        access,
        before,
        after,
        ..
    } = approvals();
    let all = json_ok(soql(&fake, &access, ALL_FIELDS));
    assert_eq!(all["totalSize"], 3, "{all}");
    assert_eq!(all["done"], true);
    let rows = records(&all);
    let names: Vec<&Value> = rows.iter().map(|r| &r["AppName"]).collect();
    assert_eq!(names, ["sfconnect tests", "sfconnect tests", "Other App"]);
    let counts: Vec<&Value> = rows.iter().map(|r| &r["UseCount"]).collect();
    assert_eq!(counts, [2, 0, 0]);
    let in_window = |value: &Value| {
        let text = value.as_str().unwrap_or_else(|| panic!("a date: {value}"));
        let date = chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S.000%z")
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(text.ends_with(".000+0000"), "{text}");
        date >= before && date <= after
    };
    for row in &rows {
        assert!(in_window(&row["CreatedDate"]), "{row}");
        assert_eq!(row["UserId"], DEFAULT_USER_ID);
        assert_eq!(row["Id"], Value::Null);
        assert_eq!(row["attributes"]["type"], "OauthToken");
        assert_eq!(
            row.as_object().unwrap().len(),
            8,
            "only the fields asked: {row}"
        );
    }
    assert!(in_window(&rows[0]["LastUsedDate"]));
    assert_eq!(rows[1]["LastUsedDate"], Value::Null);
    let delete_tokens: std::collections::BTreeSet<String> =
        rows.iter().map(|r| field(r, "DeleteToken")).collect();
    assert_eq!(delete_tokens.len(), 3);
}

#[test]
fn oauth_token_query_filters_by_app_and_user_and_counts() {
    let Approvals {
        fake,
        access,
        bobs_access,
        ..
    } = approvals();
    let q = "select AppName, UseCount from oauthtoken where AppName = 'Other App'";
    let other = json_ok(soql(&fake, &access, q));
    assert_eq!(other["totalSize"], 1, "{other}");
    assert_eq!(records(&other)[0]["AppName"], "Other App");
    assert_eq!(records(&other)[0].as_object().unwrap().len(), 3);
    let q = "SELECT COUNT() FROM OauthToken WHERE AppName = 'sfconnect tests'";
    let counted = json_ok(soql(&fake, &access, q));
    assert_eq!(counted["totalSize"], 2, "{counted}");
    assert_eq!(counted["records"], serde_json::json!([]));
    let q = format!("SELECT UserId FROM OauthToken WHERE UserId = '{DEFAULT_USER_ID}'");
    assert_eq!(json_ok(soql(&fake, &access, &q))["totalSize"], 3);
    let q = "SELECT UserId FROM OauthToken WHERE UserId = '005000000000002AAA'";
    assert_eq!(json_ok(soql(&fake, &access, q))["totalSize"], 0);
    let bob_rows = json_ok(soql(&fake, &bobs_access, "SELECT UserId FROM OauthToken"));
    assert_eq!(bob_rows["totalSize"], 1);
    assert_eq!(records(&bob_rows)[0]["UserId"], "005000000000002AAA");
}

#[test]
fn a_delete_token_revokes_its_approval() {
    let Approvals {
        fake,
        access,
        other_app_refresh,
        ..
    } = approvals();
    let rows = records(&json_ok(soql(&fake, &access, ALL_FIELDS)));
    let delete_token = field(&rows[2], "DeleteToken");
    let revoke_url = url::Url::parse_with_params(
        &format!("{}/services/oauth2/revoke", fake.url()),
        [("token", &delete_token)],
    )
    .unwrap();
    assert_eq!(http().get(revoke_url).send().unwrap().status(), 200);
    assert!(!fake.is_refresh_token_live(&other_app_refresh));
    let left = json_ok(soql(&fake, &access, "SELECT AppName FROM OauthToken"));
    assert_eq!(left["totalSize"], 2);
}

#[test]
fn other_objects_malformed_queries_unknown_fields_and_bad_tokens_are_refused() {
    let Approvals { fake, access, .. } = approvals();
    rest_error(
        soql(&fake, &access, "SELECT Id FROM Account"),
        "MALFORMED_QUERY",
    );
    rest_error(
        soql(&fake, &access, "SELEC Id FROM OauthToken"),
        "MALFORMED_QUERY",
    );
    let bogus = rest_error(
        soql(&fake, &access, "SELECT Bogus FROM OauthToken"),
        "INVALID_FIELD",
    );
    assert!(
        bogus.starts_with("No such column 'Bogus' on entity 'OauthToken'"),
        "{bogus}"
    );
    assert_eq!(
        soql(
            &fake,
            "00D000000000001!AQbogus",
            "SELECT Id FROM OauthToken"
        )
        .status(),
        401
    );
}

#[test]
fn a_forbidden_oauth_token_query_answers_invalid_type() {
    let fake = FakeSalesforce::start();
    let access = field(&login(&fake), "access_token");
    fake.knobs().forbid_oauth_token_query = true;
    let forbidden = soql(&fake, &access, "SELECT AppName FROM OauthToken");
    assert_eq!(forbidden.status(), 400);
    assert_eq!(
        forbidden.text().unwrap(),
        r#"[{"message":"sObject type 'OauthToken' is not supported.","errorCode":"INVALID_TYPE"}]"#
    );
    fake.knobs().forbid_oauth_token_query = false;
    let allowed = json_ok(soql(&fake, &access, "SELECT AppName FROM OauthToken"));
    assert_eq!(allowed["totalSize"], 1);
}

#[test]
fn refresh_error_blocks_only_refreshes() {
    let fake = FakeSalesforce::start();
    let refresh_token = field(&login(&fake), "refresh_token");
    let blocks = [
        (
            "invalid_app_access",
            "user is not admin approved to access this app",
        ),
        (
            "app_not_found",
            "External client app is not installed in this org",
        ),
        ("OAUTH_APP_BLOCKED", "this app is blocked by admin"),
    ];
    for (error, description) in blocks {
        fake.knobs().refresh_error = Some((400, error.into(), description.into()));
        assert_eq!(
            oauth_error(refresh(&fake, &refresh_token), error),
            description
        );
    }
    let body = login(&fake);
    assert!(
        body.get("refresh_token").is_some(),
        "code grants still work"
    );
    assert!(fake.is_refresh_token_live(&refresh_token));
    fake.knobs().refresh_error = None;
    json_ok(refresh(&fake, &refresh_token));
}
