//! `sfconnect doctor`: its verdicts in a healthy and in broken setups (no
//! bus, a corrupt index, a busy port), counts in English, and the leftover
//! temp files of dead writers it lists and cleans.

use crate::support::Sandbox;

#[test]
fn doctor_in_a_healthy_and_in_broken_setups() {
    let mut sandbox = Sandbox::new();
    sandbox.set_env("SFCONNECT_PORT", "0");
    let run = sandbox.run(&["doctor"]).expect(0);
    assert!(run.stdout.contains("link would work"), "{}", run.stdout);
    assert!(run.stdout.contains("file") && run.stdout.contains("[default]"));
    let json = sandbox.run(&["doctor", "--json"]).expect(0).json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["link_would_work"], true);
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["topic"] == "proxy")
    );

    // No bus, keychain as the default store.
    let mut no_bus = Sandbox::new();
    no_bus.set_env("SFCONNECT_STORE", "keychain");
    no_bus.set_env("SFCONNECT_PORT", "0");
    let run = no_bus.run(&["doctor"]).expect(6);
    assert!(run.stdout.contains("ERR keychain"), "{}", run.stdout);
    assert!(run.stdout.contains("D-Bus"), "{}", run.stdout);

    // A corrupt index.
    std::fs::create_dir_all(sandbox.config_dir()).unwrap();
    std::fs::write(sandbox.config_dir().join("index.json"), "{").unwrap();
    let run = sandbox.run(&["doctor"]).expect(1);
    assert!(run.stdout.contains("ERR index"), "{}", run.stdout);
    std::fs::remove_file(sandbox.config_dir().join("index.json")).unwrap();

    // A busy port.
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port().to_string();
    sandbox.set_env("SFCONNECT_PORT", &port);
    let run = sandbox.run(&["doctor"]).expect(7);
    assert!(
        run.stdout.contains("ERR port") && run.stdout.contains(&port),
        "{}",
        run.stdout
    );
    // The blocker is the error's cause, shown only under -v.
    assert!(!run.stderr.contains("caused by"), "{}", run.stderr);
    let run = sandbox.run(&["doctor", "-v"]).expect(7);
    let error_line = run
        .stderr
        .lines()
        .position(|l| l.contains("sfconnect: error: sfconnect link would fail here"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        run.stderr
            .lines()
            .nth(error_line + 1)
            .is_some_and(|l| l.starts_with(&format!("caused by: {port}: in use"))),
        "{}",
        run.stderr
    );
}

/// Counts read as English: "1 connection", not "1 connections".
#[test]
fn doctor_counts_connections_in_english() {
    let mut sandbox = Sandbox::new();
    sandbox.set_env("SFCONNECT_PORT", "0");
    let run = sandbox.run(&["doctor"]).expect(0);
    assert!(run.stdout.contains("(0 connections)"), "{}", run.stdout);
    sandbox.link(&["--alias", "prod"]).expect(0);
    let run = sandbox.run(&["doctor"]).expect(0);
    assert!(run.stdout.contains("(1 connection)"), "{}", run.stdout);
}

/// A pid above Linux's pid_max cannot be running.
#[cfg(target_os = "linux")]
#[test]
fn doctor_lists_and_cleans_a_dead_writers_temp_file_but_not_a_live_one() {
    let sandbox = Sandbox::linked("prod");
    let dir = sandbox.config_dir();
    // A pid that cannot be running (above the kernel's pid_max), and ours.
    let dead = ".secrets.json.4194305.0123456789abcdef.tmp".to_string();
    let live = format!(".secrets.json.{}.fedcba9876543210.tmp", std::process::id());
    std::fs::write(dir.join(&dead), "{\"secrets\": {}}").unwrap();
    std::fs::write(dir.join(&live), "{\"secrets\": {}}").unwrap();
    let report = sandbox.run(&["doctor", "--json"]);
    assert_eq!(
        report.json()["leftover_temp_files"],
        serde_json::json!([dead])
    );
    let cleaned = sandbox.run(&["doctor", "--clean"]);
    assert!(
        cleaned.stdout.contains(&format!("removed {dead}")),
        "{cleaned:#?}"
    );
    assert!(!dir.join(&dead).exists());
    assert!(dir.join(&live).exists(), "a running writer's file is kept");
    // Nothing the index refers to was touched.
    sandbox.run(&["token", "prod", "--fresh"]).expect(0);
}
