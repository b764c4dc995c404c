//! Userinfo, the identity URL, REST, other users, failure knobs, malformed input and load.

use super::*;

#[test]
fn userinfo_and_identity_describe_the_logged_in_user() {
    let fake = FakeSalesforce::start();
    let body = login(&fake);
    let access = field(&body, "access_token");
    let info = json_ok(bearer_get(&fake, "/services/oauth2/userinfo", &access));
    assert_eq!(info["preferred_username"], DEFAULT_USERNAME);
    assert_eq!(info["user_id"], DEFAULT_USER_ID);
    assert_eq!(info["organization_id"], DEFAULT_ORG_ID);
    assert_eq!(info["sub"], body["id"]);
    assert_eq!(info["user_type"], "STANDARD");
    let rest = field(&info["urls"], "rest");
    assert_eq!(rest, format!("{}/services/data/v{{version}}/", fake.url()));

    let id_path = field(&body, "id").replace(&fake.url(), "");
    let identity = json_ok(bearer_get(&fake, &id_path, &access));
    assert_eq!(identity["username"], DEFAULT_USERNAME);
    assert_eq!(identity["id"], body["id"]);
    assert_eq!(identity["display_name"], "Ada Lovelace");

    let other = bearer_get(
        &fake,
        &format!("/id/{DEFAULT_ORG_ID}/005000000000002AAA"),
        &access,
    );
    assert_eq!(other.status(), 403);
    let anonymous = http()
        .get(format!("{}/services/oauth2/userinfo", fake.url()))
        .send()
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.text().unwrap(), INVALID_SESSION);
    assert_eq!(
        bearer_get(&fake, &id_path, "00D000000000001!AQbogus").status(),
        401
    );

    fake.knobs().userinfo_broken = true;
    assert_eq!(
        bearer_get(&fake, "/services/oauth2/userinfo", &access).status(),
        404
    );
    assert_eq!(bearer_get(&fake, &id_path, &access).status(), 200);
}

#[test]
fn other_users_can_log_in() {
    let fake = FakeSalesforce::start();
    fake.add_user(FakeUser {
        org_id: "00D000000000002EAA".into(),
        ..bob()
    });
    fake.set_current_user("bob@example.com");
    let body = login(&fake);
    assert!(field(&body, "id").ends_with("/id/00D000000000002EAA/005000000000002AAA"));
    assert!(field(&body, "access_token").starts_with("00D000000000002!AQ"));
    let refresh_token = field(&body, "refresh_token");
    assert_eq!(
        fake.live_refresh_tokens("005000000000002AAA", FAKE_CLIENT_ID),
        vec![refresh_token]
    );
    assert!(
        fake.live_refresh_tokens(DEFAULT_USER_ID, FAKE_CLIENT_ID)
            .is_empty()
    );
}

#[test]
fn out_of_band_grants_and_revocations() {
    let fake = FakeSalesforce::start();
    let seeded = fake.grant_refresh_token(DEFAULT_USERNAME, FAKE_CLIENT_ID, "api refresh_token");
    assert!(fake.is_refresh_token_live(&seeded));
    let body = json_ok(refresh(&fake, &seeded));
    assert_eq!(field(&body, "scope"), "api refresh_token");
    assert!(fake.revoke_refresh_token(&seeded));
    assert!(!fake.revoke_refresh_token(&seeded));
    oauth_error(refresh(&fake, &seeded), "invalid_grant");
}

#[test]
fn rest_echoes_until_the_session_expires() {
    let fake = FakeSalesforce::start();
    let access = field(&login(&fake), "access_token");
    let path = "/services/data/v66.0/query";
    let query_url = url::Url::parse_with_params(
        &format!("{}{path}", fake.url()),
        [("q", "SELECT Id FROM Account")],
    )
    .unwrap();
    let echoed = http()
        .post(query_url)
        .bearer_auth(&access)
        .body("{\"a\":1}")
        .send()
        .unwrap();
    let echoed = json_ok(echoed);
    assert_eq!(echoed["method"], "POST");
    assert_eq!(echoed["path"], path);
    assert_eq!(echoed["query"]["q"], "SELECT Id FROM Account");
    assert_eq!(echoed["body"], "{\"a\":1}");
    let missing = bearer_get(&fake, "/services/data/v66.0/sobjects/notfound", &access);
    assert_eq!(missing.status(), 404);
    assert!(missing.text().unwrap().contains("NOT_FOUND"));

    fake.knobs().access_token_ttl = Duration::ZERO;
    let expired = bearer_get(&fake, path, &access);
    assert_eq!(expired.status(), 401);
    assert_eq!(expired.text().unwrap(), INVALID_SESSION);
}

#[test]
fn failure_knobs_apply_before_everything() {
    let fake = FakeSalesforce::start();
    fake.knobs().fail_status = Some(503);
    assert_eq!(authorize(&fake, &[]).status(), 503);
    assert_eq!(
        post_token(&fake, &[("grant_type", "refresh_token")]).status(),
        503
    );
    assert_eq!(fake.count("POST", TOKEN), 1);

    fake.knobs().fail_status = None;
    fake.knobs().fail_paths = vec![("/services/oauth2/revoke".into(), 500)];
    let body = login(&fake);
    let revoke_url = format!("{}/services/oauth2/revoke", fake.url());
    let failed = http()
        .post(&revoke_url)
        .form(&[("token", field(&body, "refresh_token"))])
        .send()
        .unwrap();
    assert_eq!(failed.status(), 500);
    assert!(fake.is_refresh_token_live(&field(&body, "refresh_token")));

    fake.knobs().delay = Duration::from_millis(300);
    let started = Instant::now();
    assert_eq!(bearer_get(&fake, "/nowhere", "x").status(), 404);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[test]
fn malformed_input_gets_400_and_the_server_survives() {
    let fake = FakeSalesforce::start();
    let bad_utf8 = http()
        .post(format!("{}{TOKEN}", fake.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'g', b'=', 0xff, 0xfe])
        .send()
        .unwrap();
    assert_eq!(bad_utf8.status(), 400);
    let odd = http()
        .get(format!(
            "{}/services/oauth2/authorize?%zz=%ff&client_id",
            fake.url()
        ))
        .send()
        .unwrap();
    assert_eq!(odd.status(), 400);
    login(&fake);
}

#[test]
fn twenty_parallel_clients_are_served() {
    let fake = FakeSalesforce::start();
    let refresh_token = field(&login(&fake), "refresh_token");
    // Answers are held until all twenty requests have been handled: they
    // were served at the same time, not one after the other.
    let gate = fake.hold_refresh_answers();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..20)
            .map(|_| scope.spawn(|| refresh(&fake, &refresh_token).status()))
            .collect();
        gate.wait_until_holding(20);
        gate.open();
        for handle in handles {
            assert_eq!(handle.join().unwrap(), 200);
        }
    });
    assert_eq!(fake.token_requests("refresh_token"), 20);
}

#[test]
fn dropping_the_fake_stops_it() {
    let fake = FakeSalesforce::start();
    let url = fake.url();
    assert_eq!(
        http()
            .get(format!("{url}/services/data"))
            .send()
            .unwrap()
            .status(),
        200
    );
    drop(fake);
    assert!(http().get(format!("{url}/services/data")).send().is_err());
}

#[test]
fn records_a_test_fills_in_are_queried_like_salesforces_objects() {
    let fake = FakeSalesforce::start();
    let access = field(&login(&fake), "access_token");
    rest_error(
        soql(&fake, &access, "SELECT Name FROM Account"),
        "MALFORMED_QUERY",
    );
    let row = |id: &str, name: &str| {
        let mut row = serde_json::Map::new();
        row.insert("Id".into(), serde_json::json!(id));
        row.insert("Name".into(), serde_json::json!(name));
        row
    };
    fake.knobs().records = vec![(
        "Account".into(),
        vec![
            row("001000000000001AAA", "Globex"),
            row("001000000000002AAA", "Acme"),
        ],
    )];
    let all = json_ok(soql(
        &fake,
        &access,
        "select name from account order by Name limit 5",
    ));
    assert_eq!(all["totalSize"], 2);
    assert_eq!(all["done"], true);
    assert_eq!(all["records"][0]["Name"], "Acme");
    assert_eq!(all["records"][0]["attributes"]["type"], "Account");
    assert!(
        all["records"][0].get("Id").is_none(),
        "only the fields asked"
    );
    let one = json_ok(soql(
        &fake,
        &access,
        "SELECT Id FROM Account WHERE Name = 'Globex'",
    ));
    assert_eq!(one["records"][0]["Id"], "001000000000001AAA");
    let count = json_ok(soql(&fake, &access, "SELECT COUNT() FROM Account LIMIT 1"));
    assert_eq!(count["totalSize"], 1);
    assert_eq!(count["records"], serde_json::json!([]));
    let bogus = rest_error(
        soql(&fake, &access, "SELECT Bogus FROM Account"),
        "INVALID_FIELD",
    );
    assert!(bogus.contains("entity 'Account'"), "{bogus}");
}

/// What the sf CLI asks beyond a plain query: a query's columns
/// (`&columns=true`, for `sf data query`'s table) and the caller's User
/// record (`sf org login access-token`, for the username).
#[test]
fn the_sf_cli_gets_its_columns_and_the_callers_user_record() {
    let fake = FakeSalesforce::start();
    let access = field(&login(&fake), "access_token");
    let mut row = serde_json::Map::new();
    row.insert("Id".into(), serde_json::json!("001000000000001AAA"));
    row.insert("Name".into(), serde_json::json!("Acme"));
    fake.knobs().records = vec![("Account".into(), vec![row])];
    let columns = |q: &str| {
        let url = url::Url::parse_with_params(
            &format!("{}/services/data/v66.0/query", fake.url()),
            [("q", q), ("columns", "true")],
        )
        .unwrap();
        http().get(url).bearer_auth(&access).send().unwrap()
    };
    let shape = json_ok(columns("select name, ID from Account"));
    let names: Vec<&str> = shape["columnMetadata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["columnName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Name", "Id"]);
    assert_eq!(shape["entityName"], "Account");
    assert_eq!(shape["idSelected"], true);
    rest_error(columns("SELECT Bogus FROM Account"), "INVALID_FIELD");

    let own = json_ok(bearer_get(
        &fake,
        &format!("/services/data/v51.0/sobjects/User/{DEFAULT_USER_ID}"),
        &access,
    ));
    assert_eq!(own["Username"], DEFAULT_USERNAME);
    assert_eq!(own["Id"], DEFAULT_USER_ID);
    // Another user's record is not served: the path is echoed like any other.
    let other = json_ok(bearer_get(
        &fake,
        "/services/data/v51.0/sobjects/User/005000000000002AAA",
        &access,
    ));
    assert!(other.get("Username").is_none(), "{other}");
}
