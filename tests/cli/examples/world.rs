//! The world an example runs in, as docs/CONTRIBUTING.md ("Shell examples")
//! promises it: `sfconnect` (the built binary), `curl`, `jq` and `python3` on
//! the PATH; a fresh config directory with the file store; the fake
//! Salesforce standing in for `https://acme.my.salesforce.com` (production)
//! and `https://acme--uat.sandbox.my.salesforce.com` (a sandbox) through
//! `HTTPS_PROXY` and a test CA (`support::stand_in`); `SFCONNECT_CLIENT_ID`
//! an app the fake knows; and the connections `prod` and `uat` linked
//! through the real login beforehand.

use crate::support::Sandbox;
use crate::support::fake_salesforce::{FAKE_CLIENT_ID, FakeSalesforce, FakeUser};
use crate::support::stand_in::{StandIn, TestCa};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const PROD_HOST: &str = "acme.my.salesforce.com";
pub const UAT_HOST: &str = "acme--uat.sandbox.my.salesforce.com";
/// What Salesforce shows as the app's name (`approvals for sfconnect: ...`).
const APP_NAME: &str = "sfconnect";

pub struct World {
    /// Its fake plays production.
    pub sandbox: Sandbox,
    /// Plays the sandbox org; held to keep it running.
    _uat: Arc<FakeSalesforce>,
    pub proxy: StandIn,
    /// Where the examples run (their current directory).
    pub work_dir: PathBuf,
}

/// The users of the documentation: Ada, in production and in the sandbox.
fn users() -> [FakeUser; 2] {
    let prod = FakeUser {
        username: "ada@acme.com".into(),
        user_id: "0055g00000AbCdEAAV".into(),
        org_id: "00D5g000004ABCDEAA".into(),
        display_name: "Ada Lovelace".into(),
        email: "ada@acme.com".into(),
    };
    let uat = FakeUser {
        username: "ada@acme.com.uat".into(),
        user_id: "0057z00000AbCdEAAV".into(),
        org_id: "00D7z000001XYZAEAA".into(),
        ..prod.clone()
    };
    [prod, uat]
}

/// An org's fake, with the app's name and a few records to query.
fn org(host: &str, user: FakeUser) -> Arc<FakeSalesforce> {
    let fake = FakeSalesforce::start_as(Some(&format!("https://{host}")), user);
    let rows = |object: &str, prefix: &str, names: &[&str]| {
        let rows = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let mut row = Map::new();
                row.insert("Id".into(), json!(format!("{prefix}5g000{i:07}AAA")));
                row.insert("Name".into(), json!(name));
                row
            })
            .collect::<Vec<Map<String, Value>>>();
        (object.to_string(), rows)
    };
    {
        let mut knobs = fake.knobs();
        knobs.app_names = vec![(FAKE_CLIENT_ID.into(), APP_NAME.into())];
        knobs.records = vec![
            rows("Account", "001", &["Acme", "Globex", "Initech"]),
            rows("Contact", "003", &["Ada Lovelace", "Charles Babbage"]),
        ];
    }
    Arc::new(fake)
}

impl World {
    /// A new world, its CA's certificate in `ca_file` (one CA serves every
    /// world of a test run; see `stand_in`).
    pub fn new(ca: &TestCa, ca_file: &Path) -> World {
        let [prod_user, uat_user] = users();
        let prod = org(PROD_HOST, prod_user);
        let uat = org(UAT_HOST, uat_user);
        let proxy = StandIn::start(
            ca,
            &[(PROD_HOST, &prod.address()), (UAT_HOST, &uat.address())],
        );
        let mut sandbox = Sandbox::with_fake(prod);
        let bin = sandbox.root().join("bin");
        let work_dir = sandbox.root().join("work");
        std::fs::create_dir_all(&work_dir).unwrap();
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_sfconnect"), bin.join("sfconnect")).unwrap();
        let path = std::env::var("PATH").unwrap_or_default();
        let ca_file = ca_file.display().to_string();
        for (key, value) in [
            ("PATH", format!("{}:{path}", bin.display())),
            ("HTTPS_PROXY", proxy.url.clone()),
            ("https_proxy", proxy.url.clone()),
            ("SSL_CERT_FILE", ca_file.clone()),
            ("CURL_CA_BUNDLE", ca_file),
            ("SFCONNECT_CLIENT_ID", FAKE_CLIENT_ID.into()),
            // `link` without --port would take 1717, which a test next door
            // may hold.
            ("SFCONNECT_PORT", "0".into()),
            // What the --help examples leave to the reader: a URL to call
            // with the token, a consumer key to configure.
            (
                "URL",
                format!("https://{PROD_HOST}/services/data/v62.0/limits"),
            ),
            ("CONSUMER_KEY", FAKE_CLIENT_ID.into()),
        ] {
            sandbox.set_env(key, &value);
        }
        World {
            sandbox,
            _uat: uat,
            proxy,
            work_dir,
        }
    }

    /// Links `prod` and `uat` through the login a user goes through, or says
    /// why it could not.
    pub fn link_prod_and_uat(&self) -> Result<(), String> {
        for (alias, host) in [("prod", PROD_HOST), ("uat", UAT_HOST)] {
            let url = format!("https://{host}");
            let run = self.sandbox.run(&[
                "link",
                "--login-url",
                &url,
                "--alias",
                alias,
                "--timeout",
                "30",
            ]);
            if run.code != 0 {
                return Err(format!(
                    "linking {alias} at {url} failed beforehand: {run:#?}; browser: {:?}; proxy refused: {:?}",
                    std::fs::read_to_string(self.sandbox.browser_log()).unwrap_or_default(),
                    self.proxy.refused()
                ));
            }
        }
        Ok(())
    }
}
