//! The kernel keyring where it cannot work: a session keyring that takes
//! keys but will not give them back (many containers). Nothing sfconnect
//! wrote may stay there, and the error says why and what to do.

use crate::support::keyring::{self, DeniedKeyring, Serial};
use crate::support::{Run, Sandbox, run_command};

#[test]
fn keyutils_that_cannot_read_back_leaves_nothing_behind() {
    if !keyring::available() {
        assert!(
            std::env::var("SFCONNECT_TEST_REQUIRE_KEYUTILS").as_deref() != Ok("1"),
            "SFCONNECT_TEST_REQUIRE_KEYUTILS=1 but keyctl is not allowed here"
        );
        eprintln!("SKIPPED: this kernel or container does not allow keyctl");
        return;
    }
    let sandbox = Sandbox::linked("prod");
    let id = sandbox.id_of("prod");
    let before_tokens = sandbox.stored_tokens(&id).unwrap();
    let denied = DeniedKeyring::new();
    let run_denied = |args: &[&str]| -> Run {
        let mut cmd = sandbox.command(args);
        denied.deny_reads(&mut cmd);
        run_command(cmd, None)
    };
    let before = keyring::sfconnect_keys(denied.serial);
    let new_keys = || -> Vec<(Serial, String)> {
        keyring::sfconnect_keys(denied.serial)
            .into_iter()
            .filter(|key| !before.contains(key))
            .collect()
    };

    // doctor probes the store: it reports why and how, and cleans up.
    let doctor = run_denied(&["doctor"]);
    let line = doctor
        .stdout
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some("keyutils"))
        .unwrap_or_else(|| panic!("no keyutils line: {doctor:#?}"));
    assert!(line.starts_with("-- "), "{line}");
    assert!(line.contains("no session keyring of its own"), "{line}");
    assert!(line.contains("keyctl session"), "{line}");
    assert_eq!(new_keys(), [], "doctor's probe stayed behind");

    // link --store keyutils fails before any login, and leaves no probe.
    let requests = sandbox.fake.requests().len();
    let url = sandbox.fake.url();
    let link = run_denied(&crate::support::link_args(&url, &["--store", "keyutils"]));
    link.expect_error(6, &["keyctl session"]);
    assert_eq!(
        sandbox.fake.requests().len(),
        requests,
        "no login was wasted"
    );
    assert_eq!(new_keys(), [], "link's probe stayed behind");

    // migrate --to keyutils: nothing moves, and no token stays in the kernel.
    let migrate = run_denied(&["migrate", "prod", "--to", "keyutils"]);
    migrate.expect_error(6, &["nothing was moved", "keyctl session"]);
    assert_eq!(
        new_keys(),
        [],
        "migrate left the tokens in the kernel keyring"
    );
    assert_eq!(sandbox.connection("prod")["store"], "file");
    assert_eq!(sandbox.stored_tokens(&id).unwrap(), before_tokens);
    sandbox.run(&["token", "prod"]).expect(0);
}
