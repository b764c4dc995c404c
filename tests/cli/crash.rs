//! Crash safety: `link` and `revoke` killed with SIGKILL at random points
//! while they write the index and the file store, each point one the command
//! cannot leave on its own (see `Stall`), so every kill lands. Afterwards the index
//! always parses, every entry has its secret, and whatever secret no entry
//! refers to (an orphan) is reported by `doctor` and removed by
//! `doctor --clean`, which never touches a secret an entry refers to.

use crate::support::locks::wait_until_waiting_for;
use crate::support::{Sandbox, link_args};
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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

/// Where a round's command is when the kill comes. Each is a place the
/// command cannot leave on its own, so every kill finds it still running.
#[derive(Debug, Clone, Copy)]
enum Stall {
    /// Waiting for Salesforce: every answer of the fake takes `DELAY`, so a
    /// command making N requests runs at least N × `DELAY`, and the kill
    /// comes at a random moment before that.
    Salesforce,
    /// Blocked on a lock this test holds: the index's (a link has stored its
    /// secret and waits to write its entry; a revoke has revoked at
    /// Salesforce and waits to remove the entry), the secret file's (a link
    /// past its login waits to store the secret; a revoke has removed the
    /// entry and waits to delete the secret), or the existing connection's
    /// (a link has moved it to `retired` and waits to revoke its token; a
    /// revoke has not started).
    Lock(&'static str),
}

const STALLS: [Stall; 4] = [
    Stall::Salesforce,
    Stall::Lock("index"),
    Stall::Lock("secrets"),
    // Without a connection there is no such lock: the round waits for
    // Salesforce instead.
    Stall::Lock("connection"),
];
/// How long the fake takes to answer each request.
const DELAY: Duration = Duration::from_millis(100);
/// Requests every `link` here makes one after the other: the authorize page
/// (the test browser), the code exchange, userinfo, the approvals query.
const LINK_REQUESTS: u32 = 4;
/// A `revoke` of a connection with its secret: the revocation.
const REVOKE_REQUESTS: u32 = 1;
const ROUNDS: usize = 24;
/// Every fourth round runs to completion, so replacements, retired entries
/// and already-revoked tokens come up too.
const COMPLETE_EVERY: usize = 4;

/// The lock file a `Stall::Lock` holds, and whether it exists for this
/// round (a connection's lock only when there is a connection).
fn lock_path(sandbox: &Sandbox, which: &str) -> Option<std::path::PathBuf> {
    let dir = sandbox.config_dir();
    match which {
        "index" => Some(dir.join("index.json.lock")),
        "secrets" => Some(dir.join("secrets.json.lock")),
        _ => {
            let index: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).ok()?)
                    .ok()?;
            let id = index["connections"][0]["id"].as_str()?;
            Some(dir.join("locks").join(format!("{id}.lock")))
        }
    }
}

/// Holds the lock file at `path` (creating it) until dropped.
fn hold(path: &std::path::Path) -> std::fs::File {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .unwrap();
    file.lock().unwrap();
    file
}

#[test]
fn killed_links_and_revokes_leave_a_readable_index_and_no_entry_without_its_secret() {
    let mut rng = Rng::from_time();
    let seed = rng.0;
    eprintln!("crash test seed: {seed}");
    let sandbox = Sandbox::new();
    sandbox.fake.knobs().delay = DELAY;
    let kills = (0..ROUNDS)
        .filter(|&round| run_round(&sandbox, &mut rng, seed, round) == Ended::Killed)
        .count();
    assert_eq!(kills, ROUNDS - ROUNDS / COMPLETE_EVERY, "seed {seed}");
    eprintln!("{kills} killed, {} finished", ROUNDS - kills);
    doctor_reports_then_cleans_exactly_the_orphans(&sandbox, seed);
    every_connection_left_works(&sandbox);
}

/// How a round's command ended.
#[derive(Debug, PartialEq)]
enum Ended {
    Killed,
    Finished,
}

/// One round: a `link` or `revoke`, killed where its stall holds it (or,
/// every `COMPLETE_EVERY`th round, run to the end); afterwards both files
/// parse and every entry has its secret.
fn run_round(sandbox: &Sandbox, rng: &mut Rng, seed: u64, round: usize) -> Ended {
    let aliases = ["a", "b", "c"];
    let linked: Vec<String> = std::fs::read_to_string(sandbox.config_dir().join("index.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .and_then(|index| index["connections"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(|c| c["alias"].as_str().unwrap().to_string())
        .collect();
    let url = sandbox.fake.url();
    // Kill rounds go through every stall, first for links, then for
    // revokes, and so on; the other rounds choose at random.
    let complete = round % COMPLETE_EVERY == COMPLETE_EVERY - 1;
    let kill_round = round - round / COMPLETE_EVERY;
    let stall = STALLS[kill_round % STALLS.len()];
    let wants_revoke = if complete {
        rng.below(3) == 0
    } else {
        kill_round / STALLS.len() % 2 == 1
    };
    // A revoke only of a linked connection: an unknown alias ends at once.
    let revoking = !linked.is_empty() && wants_revoke;
    let revoked = linked.first().cloned().unwrap_or_default();
    let args: Vec<&str> = if revoking {
        vec!["revoke", &revoked]
    } else {
        let alias = aliases[rng.below(3) as usize];
        link_args(&url, &["--timeout", "30", "--alias", alias, "--force"])
    };
    // A link also writes the secret file before it logs in (its probe of
    // the store): it gets the lock only after the code exchange, which
    // the fake holds until the test has it.
    let after_login = !revoking && matches!(stall, Stall::Lock("secrets"));
    let exchange = (after_login && !complete).then(|| {
        sandbox
            .fake
            .hold_answers("/services/oauth2/token", Some("authorization_code"))
    });
    let held = match stall {
        Stall::Lock(which) if !complete && exchange.is_none() => {
            lock_path(sandbox, which).map(|p| (hold(&p), p))
        }
        _ => None,
    };
    let mut child = sandbox
        .command(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let what = format!("seed {seed}, round {round}: {args:?}, {stall:?}");
    let held = match exchange {
        Some(gate) => {
            gate.wait_until_holding(1);
            let path = lock_path(sandbox, "secrets").unwrap();
            let file = hold(&path);
            gate.open();
            sandbox.fake.knobs().holds.clear();
            Some((file, path))
        }
        None => held,
    };
    if complete {
        let status = child.wait().unwrap();
        assert!(status.success(), "{what}: ended with {status}");
    } else {
        let window = match &held {
            Some((_, path)) => Err(path.as_path()),
            None if revoking => Ok(DELAY * REVOKE_REQUESTS),
            None => Ok(DELAY * LINK_REQUESTS),
        };
        kill_in_its_stall(&mut child, window, rng, &what);
    }
    drop(held);
    let (referenced, stored) = ids_on_disk(sandbox, seed);
    let missing: Vec<_> = referenced.difference(&stored).collect();
    assert!(
        missing.is_empty(),
        "{what}: entries without their secret: {missing:?}"
    );
    if complete {
        Ended::Finished
    } else {
        Ended::Killed
    }
}

/// SIGKILLs `child` where it stalls: once it waits for the lock at the
/// `Err` path, or at a random moment of the `Ok` time its requests to the
/// slowed fake take at the least. It must still be running when killed.
fn kill_in_its_stall(
    child: &mut std::process::Child,
    stall: Result<Duration, &std::path::Path>,
    rng: &mut Rng,
    what: &str,
) {
    match stall {
        Err(path) => {
            let waiting =
                wait_until_waiting_for(child.id(), path, || child.try_wait().unwrap().is_some());
            assert!(waiting, "{what}: ended before it reached the lock");
        }
        Ok(window) => {
            let window = window.as_millis() as u64;
            std::thread::sleep(Duration::from_millis(rng.below(window)));
        }
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "{what}: ended before the kill"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
}

/// `doctor` reports every secret no entry refers to (one planted for sure)
/// and removes nothing; `doctor --clean` removes exactly those, and no temp
/// file is left.
fn doctor_reports_then_cleans_exactly_the_orphans(sandbox: &Sandbox, seed: u64) {
    // A secret a crash could leave, planted for sure, besides any real ones.
    plant_secret(sandbox, "deadbeefdeadbeefdeadbeefdeadbeef");
    let (referenced, stored) = ids_on_disk(sandbox, seed);
    let expected: BTreeSet<String> = stored.difference(&referenced).cloned().collect();
    assert!(expected.contains("deadbeefdeadbeefdeadbeefdeadbeef"));

    let report = sandbox.run(&["doctor", "--json"]);
    let (found, removed) = orphans_reported(&report);
    assert_eq!(found, expected, "seed {seed}: doctor found {report:#?}");
    assert!(removed.is_empty(), "doctor without --clean removes nothing");
    assert_eq!(ids_on_disk(sandbox, seed).1, stored, "nothing deleted");
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
    let (referenced_after, stored_after) = ids_on_disk(sandbox, seed);
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
}

/// Every connection left works, unless Salesforce no longer takes its
/// refresh token: revoked by a revoke killed before it removed the entry,
/// or by the five-approval limit, which killed links' grants fill up.
fn every_connection_left_works(sandbox: &Sandbox) {
    let index = sandbox.index();
    for connection in index["connections"].as_array().unwrap() {
        let alias = connection["alias"].as_str().unwrap();
        let refresh = sandbox.refresh_token(alias);
        let live = sandbox.fake.is_refresh_token_live(&refresh);
        sandbox
            .run(&["token", alias, "--fresh"])
            .expect(if live { 0 } else { 4 });
    }
}
