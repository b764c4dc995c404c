//! Corrupt and hostile files in the config dir: a truncated, wrong-version,
//! huge or symlinked index, config or secret file gives a clear error
//! naming the file, and is never overwritten nor followed out of the config
//! dir, whatever command meets it.

use crate::support::{Run, Sandbox};
use std::fs;
#[cfg(unix)]
use std::path::Path;

/// Commands that read the index, and those that would write it.
const READERS: &[&[&str]] = &[&["tokens", "list"], &["token", "prod"], &["revoke", "prod"]];

/// The file's bytes (or link target) before and after must be the same.
#[cfg(unix)]
fn snapshot(path: &Path) -> (Option<Vec<u8>>, Option<std::path::PathBuf>) {
    (fs::read(path).ok(), fs::read_link(path).ok())
}

#[track_caller]
fn assert_clear_error(run: &Run, code: i32, needles: &[&str]) {
    assert_eq!(run.code, code, "{run:#?}");
    let first = run.stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("sfconnect: error: "), "{run:#?}");
    run.says(needles);
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
}

#[test]
fn a_broken_index_is_named_and_kept_by_every_command() {
    let sandbox = Sandbox::linked("prod");
    let index = sandbox.config_dir().join("index.json");
    let whole = fs::read_to_string(&index).unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "truncated",
            whole[..whole.len() / 2].to_string(),
            "cannot be read",
        ),
        (
            "wrong version",
            whole.replace("\"version\": 1", "\"version\": 2"),
            "format version 2",
        ),
        (
            "no version",
            "{\"connections\": []}".into(),
            "no format version",
        ),
        ("empty", String::new(), "cannot be read"),
        // Records are checked as they are read: the store must be one we
        // know, the alias one `link` would accept.
        (
            "unknown store",
            whole.replace("\"store\": \"file\"", "\"store\": \"plaintext\""),
            "unknown variant `plaintext`",
        ),
        (
            "invalid alias",
            whole.replace("\"alias\": \"prod\"", "\"alias\": \"a b\""),
            "invalid alias \"a b\"",
        ),
        (
            "unknown status",
            whole.replace(
                "\"id\": \"",
                "\"health\": {\"status\": \"fine\", \"detail\": \"\", \"checked_at\": \"2026-01-01T00:00:00Z\"}, \"id\": \"",
            ),
            "unknown variant `fine`",
        ),
        (
            "binary",
            "\u{0}\u{1}\u{fffd}garbage".into(),
            "cannot be read",
        ),
    ];
    for (what, text, says) in cases {
        assert_ne!(text, whole, "{what}: the case changes nothing");
        fs::write(&index, &text).unwrap();
        for args in READERS {
            let run = sandbox.run(args);
            assert_clear_error(&run, 1, &["index.json", says]);
            assert_eq!(
                fs::read_to_string(&index).unwrap(),
                text,
                "{what}: {args:?} rewrote it"
            );
        }
        // A full login that cannot record its connection revokes what it got.
        let refresh_before = sandbox.fake.issued_secrets().len();
        let run = sandbox.link(&["--alias", "other"]);
        assert_clear_error(&run, 1, &["index.json"]);
        assert_eq!(
            fs::read_to_string(&index).unwrap(),
            text,
            "{what}: link rewrote it"
        );
        let issued = sandbox.fake.issued_secrets();
        for fresh in &issued[refresh_before..] {
            if fresh.starts_with("5Aep861") {
                assert!(
                    !sandbox.fake.is_refresh_token_live(fresh),
                    "{what}: fresh token kept"
                );
            }
        }
    }
    let doctor = sandbox.run(&["doctor", "--clean"]);
    assert_eq!(doctor.code, 1, "{doctor:#?}");
    assert!(doctor.stdout.contains("ERR index"), "{}", doctor.stdout);
    assert!(
        !doctor.stdout.contains("orphans"),
        "no orphan is judged without a readable index: {}",
        doctor.stdout
    );
    assert!(sandbox.config_dir().join("secrets.json").exists());
}

#[test]
fn a_huge_index_or_config_is_refused_unread() {
    let sandbox = Sandbox::linked("prod");
    for (name, reader) in [
        ("index.json", &["token", "prod"][..]),
        ("config.toml", &["config", "list"]),
        ("secrets.json", &["token", "prod"]),
    ] {
        let path = sandbox.config_dir().join(name);
        let saved = fs::read(&path).ok();
        // Sparse: 64 MiB that cost nothing to make.
        let file = fs::File::create(&path).unwrap();
        file.set_len(64 << 20).unwrap();
        drop(file);
        let run = sandbox.run(reader);
        assert!(run.code != 0, "{name}: {run:#?}");
        run.says(&[name, "too large"]);
        assert_eq!(fs::metadata(&path).unwrap().len(), 64 << 20, "{name} kept");
        match saved {
            Some(bytes) => fs::write(&path, bytes).unwrap(),
            None => fs::remove_file(&path).unwrap(),
        }
    }
    sandbox.run(&["token", "prod"]).expect(0);
}

/// Symbolic links, as Unix makes them (Windows needs a privilege).
#[cfg(unix)]
#[test]
fn symlinked_files_are_neither_read_nor_written_through() {
    let sandbox = Sandbox::linked("prod");
    let outside = tempfile::tempdir().unwrap();
    for name in ["index.json", "config.toml", "secrets.json"] {
        let path = sandbox.config_dir().join(name);
        let saved = fs::read(&path).ok();
        // The target outside holds something sfconnect could parse.
        let target = outside.path().join(name);
        let bait = match name {
            "config.toml" => "store = \"file\"\n".to_string(),
            _ => saved
                .as_deref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default(),
        };
        fs::write(&target, &bait).unwrap();
        let _ = fs::remove_file(&path);
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let before = snapshot(&path);
        let commands: &[&[&str]] = match name {
            "index.json" => &[&["tokens", "list"], &["token", "prod"], &["revoke", "prod"]],
            "config.toml" => &[&["config", "list"], &["config", "set", "timeout", "60"]],
            _ => &[&["token", "prod", "--fresh"], &["revoke", "prod"]],
        };
        for args in commands {
            let run = sandbox.run(args);
            assert!(run.code != 0, "{name}, {args:?}: {run:#?}");
            run.says(&["symbolic link"]);
            assert_eq!(
                snapshot(&path),
                before,
                "{name}, {args:?}: the link changed"
            );
            assert_eq!(
                fs::read_to_string(&target).unwrap(),
                bait,
                "{name}: written through"
            );
        }
        fs::remove_file(&path).unwrap();
        if let Some(bytes) = saved {
            fs::write(&path, bytes).unwrap();
        }
    }
    sandbox.run(&["token", "prod"]).expect(0);
    assert_eq!(sandbox.connections().len(), 1);
}

#[test]
fn a_broken_config_or_secret_file_is_named_and_kept() {
    let sandbox = Sandbox::linked("prod");
    let config = sandbox.config_dir().join("config.toml");
    for (text, says) in [
        ("timeout = [\n", "not valid TOML"),
        ("colour = \"red\"\n", "unknown setting"),
        ("timeout = 99999999999\n", "timeout"),
        ("store = \"plaintext\"\n", "store"),
    ] {
        fs::write(&config, text).unwrap();
        for args in [&["link"][..], &["config", "list"]] {
            let run = sandbox.run(args);
            assert_clear_error(&run, 2, &[says, "config.toml"]);
            assert_eq!(
                fs::read_to_string(&config).unwrap(),
                text,
                "{args:?} rewrote it"
            );
        }
        // `config set` is how the error says to repair the file: it works on
        // a file whose values fail validation, keeps them, and says what is
        // still to fix; text that is not TOML it leaves alone.
        let run = sandbox.run(&["config", "set", "port", "1718"]);
        if says == "not valid TOML" {
            assert_clear_error(&run, 2, &[says]);
            assert_eq!(fs::read_to_string(&config).unwrap(), text);
        } else {
            let run = run.expect(0);
            assert!(run.stderr.contains(says), "{run:#?}");
            let now = fs::read_to_string(&config).unwrap();
            assert!(now.contains(text.trim()) && now.contains("1718"), "{now}");
        }
    }
    fs::remove_file(&config).unwrap();

    let secrets = sandbox.config_dir().join("secrets.json");
    let whole = fs::read_to_string(&secrets).unwrap();
    for text in [
        whole[..whole.len() / 2].to_string(),
        whole.replace("\"version\": 1", "\"version\": 7"),
    ] {
        fs::write(&secrets, &text).unwrap();
        for args in [&["token", "prod", "--fresh"][..], &["revoke", "prod"]] {
            let run = sandbox.run(args);
            assert_clear_error(&run, 6, &["secrets.json", "cannot be read"]);
            assert_eq!(
                fs::read_to_string(&secrets).unwrap(),
                text,
                "{args:?} rewrote it"
            );
            for secret in sandbox.fake.issued_secrets() {
                assert!(
                    !run.stderr.contains(&secret),
                    "the file's content leaked: {run:#?}"
                );
            }
        }
    }
    fs::write(&secrets, whole).unwrap();
    sandbox.run(&["token", "prod"]).expect(0);
}
