//! Hermetic harness for running the real `sfconnect` binary.
//!
//! Every test gets a temp dir holding the config dir and a blank HOME, a
//! cleared environment (nothing from the developer's shell leaks in), the
//! file secret store unless a test asks for the keychain, and the test
//! browser (`browser.py`) as `SFCONNECT_BROWSER`, which GETs the authorize URL
//! at the fake Salesforce and follows the redirect to sfconnect's listener.

pub mod bao;
mod expect;
pub mod fake_salesforce;
pub mod headless;
#[cfg(target_os = "linux")]
pub mod keyring;
pub mod leak_checks;
mod linked;
pub mod listener;
pub mod live;
#[cfg(target_os = "linux")]
pub mod locks;
pub mod proxy;
#[cfg(unix)]
pub mod refusing;
pub mod shell;
pub mod stand_in;
pub mod terminal;
pub mod users;

use fake_salesforce::{FAKE_CLIENT_ID, FakeSalesforce};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// No test command may run longer than this.
const WATCHDOG: Duration = Duration::from_secs(60);

pub struct Sandbox {
    dir: TempDir,
    pub fake: Arc<FakeSalesforce>,
    /// Extra environment for every command of this sandbox.
    env: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, showing the whole run when it differs.
    #[track_caller]
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(self.code, code, "unexpected exit code; run: {self:#?}");
        self
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Self::with_fake(Arc::new(FakeSalesforce::start()))
    }

    /// Another machine (its own config dir and HOME) logging in to the same
    /// Salesforce.
    pub fn sharing(other: &Sandbox) -> Sandbox {
        Self::with_fake(Arc::clone(&other.fake))
    }

    /// A sandbox whose Salesforce is `fake`.
    pub fn with_fake(fake: Arc<FakeSalesforce>) -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        Sandbox {
            dir,
            fake,
            env: Vec::new(),
        }
    }

    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.push((key.to_string(), value.to_string()));
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    pub fn browser_log(&self) -> PathBuf {
        self.dir.path().join("browser.log")
    }

    /// The temp dir holding this sandbox's config dir and HOME.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.program(Path::new(env!("CARGO_BIN_EXE_sfconnect")));
        cmd.args(args);
        cmd
    }

    /// Any program, in this sandbox's environment, run from its root: a
    /// `.sfconnect.toml` above the repository must not choose a connection.
    pub fn program(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear().current_dir(self.dir.path());
        for key in ["PATH", "LANG", "SYSTEMROOT"] {
            if let Some(value) = std::env::var_os(key) {
                cmd.env(key, value);
            }
        }
        let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/support/browser.py");
        cmd.env("HOME", self.dir.path().join("home"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("home/.config"))
            .env("SFCONNECT_CONFIG_DIR", self.config_dir())
            .env("SFCONNECT_STORE", "file")
            .env(
                "SFCONNECT_BROWSER",
                format!("python3 {}", browser.display()),
            )
            .env("TEST_BROWSER_LOG", self.browser_log())
            .env("SFCONNECT_HTTP_TIMEOUT", "10");
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run_command(self.command(args), None)
    }

    /// Runs with these variables set too, for this run only.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(args);
        for (key, value) in env {
            cmd.env(key, value);
        }
        run_command(cmd, None)
    }

    /// Runs with `input` on stdin.
    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Run {
        run_command(self.command(args), Some(input))
    }

    /// The connection's entry in the index, by alias.
    pub fn connection(&self, alias: &str) -> Value {
        self.connections()
            .into_iter()
            .find(|c| c["alias"] == alias)
            .unwrap_or_else(|| panic!("no connection {alias}"))
    }

    /// The stored tokens of a connection, by alias.
    pub fn tokens_of(&self, alias: &str) -> Value {
        let id = self.connection(alias)["id"].as_str().unwrap().to_string();
        self.stored_tokens(&id).expect("secret stored")
    }

    /// Rewrites a connection's stored tokens (the file store), e.g. to age
    /// the cached access token.
    pub fn edit_tokens(&self, alias: &str, edit: impl FnOnce(&mut Value)) {
        let id = self.connection(alias)["id"].as_str().unwrap().to_string();
        let path = self.config_dir().join("secrets.json");
        let mut file: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut tokens: Value =
            serde_json::from_str(file["secrets"][&id].as_str().unwrap()).unwrap();
        edit(&mut tokens);
        file["secrets"][&id] = Value::String(tokens.to_string());
        std::fs::write(&path, file.to_string()).unwrap();
    }

    /// `sfconnect link` against the fake, on any free port.
    pub fn link(&self, extra: &[&str]) -> Run {
        let url = self.fake.url();
        self.run(&link_args(&url, extra))
    }

    /// The index file, parsed.
    pub fn index(&self) -> Value {
        let text =
            std::fs::read_to_string(self.config_dir().join("index.json")).expect("index exists");
        serde_json::from_str(&text).expect("index is JSON")
    }

    pub fn connections(&self) -> Vec<Value> {
        self.index()["connections"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The lock file of a connection, by alias: whoever reads its secret to
    /// write or delete it holds this lock.
    pub fn connection_lock(&self, alias: &str) -> PathBuf {
        let id = self.connection(alias)["id"].as_str().unwrap().to_string();
        self.config_dir().join("locks").join(format!("{id}.lock"))
    }

    /// The file store's entry for a connection id, parsed.
    pub fn stored_tokens(&self, id: &str) -> Option<Value> {
        let path = self.config_dir().join("secrets.json");
        let text = std::fs::read_to_string(path).ok()?;
        let file: Value = serde_json::from_str(&text).unwrap();
        let entry = file["secrets"][id].as_str()?;
        Some(serde_json::from_str(entry).unwrap())
    }

    /// The test browser's log, one JSON value per line. sfconnect does not
    /// wait for its browser, so this waits for the browser's closing `done`
    /// line (at most the watchdog's time).
    pub fn browser_events(&self) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let events: Vec<Value> = std::fs::read_to_string(self.browser_log())
                .unwrap_or_default()
                .lines()
                .map(|line| serde_json::from_str(line).expect("browser log line is JSON"))
                .collect();
            if events.iter().any(|e| e["event"] == "done") || started.elapsed() > WATCHDOG {
                return events;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A reqwest client for tests that talk to the fake directly.
pub fn http_client() -> reqwest::blocking::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

/// `link` against the fake at `url` on any free port, with a 20 s timeout
/// unless `extra` sets one.
pub fn link_args<'a>(url: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "link",
        "--login-url",
        url,
        "--client-id",
        FAKE_CLIENT_ID,
        "--port",
        "0",
    ];
    if !extra.contains(&"--timeout") {
        args.extend(["--timeout", "20"]);
    }
    args.extend_from_slice(extra);
    args
}

/// Runs with stdin closed (or fed `input`) and a watchdog; a hung command
/// fails the test.
pub fn run_command(mut cmd: Command, input: Option<&str>) -> Run {
    let mut child = cmd
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sfconnect starts");
    if let Some(input) = input {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_string();
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        });
    }
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).unwrap();
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > WATCHDOG {
            let _ = child.kill();
            panic!("sfconnect ran longer than {WATCHDOG:?}: {cmd:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}
