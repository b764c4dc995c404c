//! Crash safety: `link` and `revoke` killed with SIGKILL at random moments
//! while they write the index and the file store. Afterwards the index
//! always parses, every entry has its secret, and whatever secret no entry
//! refers to (an orphan) is reported by `doctor` and removed by
//! `doctor --clean`, which never touches a secret an entry refers to.

use crate::support::{Sandbox, link_args};
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// xorshift64*: tiny, seedable, and good enough to pick kill delays.
struct Rng(u64);

impl Rng {
    fn from_time() -> Rng {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        Rng(nanos | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Index ids and store ids, read straight from the files. Panics (with the
/// seed) when either file does not parse.
fn ids_on_disk(sandbox: &Sandbox, seed: u64) -> (BTreeSet<String>, BTreeSet<String>) {
    let dir = sandbox.config_dir();
    let read = |name: &str| -> Option<Value> {
        let text = std::fs::read_to_string(dir.join(name)).ok()?;
        Some(serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!("seed {seed}: {name} does not parse after a kill ({e}):\n{text}")
        }))
    };
    let mut referenced = BTreeSet::new();
    if let Some(index) = read("index.json") {
        assert_eq!(index["version"], 1, "seed {seed}");
        for list in ["connections", "retired"] {
            for entry in index[list].as_array().into_iter().flatten() {
                assert_eq!(entry["store"], "file", "seed {seed}");
                referenced.insert(entry["id"].as_str().unwrap().to_string());
            }
        }
    }
    let stored = read("secrets.json")
        .map(|file| {
            file["secrets"]
                .as_object()
                .unwrap_or_else(|| panic!("seed {seed}: secrets.json has no secrets map"))
                .keys()
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    (referenced, stored)
}

/// Adds an entry to the file store that no connection refers to.
fn plant_secret(sandbox: &Sandbox, id: &str) {
    let path = sandbox.config_dir().join("secrets.json");
    let mut file: Value = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_else(|| serde_json::json!({"version": 1, "secrets": {}}));
    file["secrets"][id] = Value::String("{}".into());
    std::fs::write(&path, file.to_string()).unwrap();
}

fn orphans_reported(run: &crate::support::Run) -> (BTreeSet<String>, BTreeSet<String>) {
    let doc = run.json();
    let file = doc["orphans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["store"] == "file")
        .unwrap_or_else(|| panic!("no file-store orphan report: {doc}"))
        .clone();
    let set = |key: &str| {
        file[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    (set("ids"), set("removed"))
}

#[test]
fn killed_links_and_revokes_leave_a_readable_index_and_no_entry_without_its_secret() {
    let mut rng = Rng::from_time();
    let seed = rng.0;
    eprintln!("crash test seed: {seed}");
    let sandbox = Sandbox::new();
    let aliases = ["a", "b", "c"];
    let started = Instant::now();
    let (mut kills, mut finished) = (0, 0);
    for round in 0..40 {
        if started.elapsed() > Duration::from_secs(40) {
            break;
        }
        let alias = aliases[rng.below(3) as usize];
        let url = sandbox.fake.url();
        let args: Vec<&str> = if rng.below(3) == 0 {
            vec!["revoke", alias]
        } else {
            link_args(&url, &["--timeout", "10", "--alias", alias, "--force"])
        };
        let mut child = sandbox
            .command(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // A link takes a few hundred ms here, a revoke less: kill anywhere in it.
        let delay = Duration::from_millis(rng.below(if args[0] == "link" { 600 } else { 150 }));
        let deadline = Instant::now() + delay;
        let mut exited = None;
        while Instant::now() < deadline {
            if let Some(status) = child.try_wait().unwrap() {
                exited = Some(status);
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        match exited {
            Some(_) => finished += 1,
            None => {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                kills += 1;
            }
        }
        let (referenced, stored) = ids_on_disk(&sandbox, seed);
        let missing: Vec<_> = referenced.difference(&stored).collect();
        assert!(
            missing.is_empty(),
            "seed {seed}, round {round} ({args:?} after {delay:?}): entries without their secret: {missing:?}"
        );
    }
    assert!(
        kills >= 10,
        "seed {seed}: only {kills} kills; the test killed nothing much"
    );
    eprintln!("{kills} killed, {finished} finished");

    // A secret a crash could leave, planted for sure, besides any real ones.
    plant_secret(&sandbox, "deadbeefdeadbeefdeadbeefdeadbeef");
    let (referenced, stored) = ids_on_disk(&sandbox, seed);
    let expected: BTreeSet<String> = stored.difference(&referenced).cloned().collect();
    assert!(expected.contains("deadbeefdeadbeefdeadbeefdeadbeef"));

    let report = sandbox.run(&["doctor", "--json"]);
    let (found, removed) = orphans_reported(&report);
    assert_eq!(found, expected, "seed {seed}: doctor found {report:#?}");
    assert!(removed.is_empty(), "doctor without --clean removes nothing");
    assert_eq!(ids_on_disk(&sandbox, seed).1, stored, "nothing deleted");
    let text = sandbox.run(&["doctor"]);
    assert!(
        text.stdout
            .contains("`sfconnect doctor --clean` deletes them"),
        "{}",
        text.stdout
    );

    let cleaned = sandbox.run(&["doctor", "--clean", "--json"]);
    let (left, removed) = orphans_reported(&cleaned);
    assert!(left.is_empty(), "seed {seed}: {cleaned:#?}");
    assert_eq!(removed, expected, "seed {seed}");
    let (referenced_after, stored_after) = ids_on_disk(&sandbox, seed);
    assert_eq!(referenced_after, referenced);
    assert_eq!(
        stored_after, referenced,
        "exactly the referenced secrets remain"
    );
    assert!(
        cleaned.json()["leftover_temp_files"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{cleaned:#?}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(sandbox.config_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Every connection left still works.
    let index = sandbox.index();
    for connection in index["connections"].as_array().unwrap() {
        let alias = connection["alias"].as_str().unwrap();
        sandbox.run(&["token", alias, "--fresh"]).expect(0);
    }
}

#[test]
fn doctor_lists_and_cleans_a_dead_writers_temp_file_but_not_a_live_one() {
    let sandbox = Sandbox::new();
    sandbox.link(&["--alias", "prod"]).expect(0);
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
