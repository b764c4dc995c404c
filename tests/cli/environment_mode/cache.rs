//! `SFCONNECT_ENV_CACHE`: the job's access token is reused without any
//! request, a rotated refresh token is what the next refresh presents, the
//! files are 0600 and named by a hash, and a directory others may write to
//! is refused.

use super::{CachedAuthUrl, files_under, run, sealed};

#[test]
fn a_second_call_uses_the_cached_token_without_any_request() {
    let sandbox = sealed();
    let job = CachedAuthUrl::new(&sandbox);
    let (refresh, cache) = (job.refresh.as_str(), &job.cache);
    let env = job.env();
    let before = files_under(sandbox.root());
    let first = run(&sandbox, &["token"], &env).expect(0);
    let requests = sandbox.fake.requests().len();
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 1);
    let second = run(&sandbox, &["token"], &env).expect(0);
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(
        sandbox.fake.requests().len(),
        requests,
        "the second call asked Salesforce"
    );
    // exec learns who the connection is from the cache too.
    let exec = run(
        &sandbox,
        &["exec", "--", "sh", "-c", "printf %s \"$SF_USERNAME\""],
        &env,
    )
    .expect(0);
    assert_eq!(
        exec.stdout,
        crate::support::fake_salesforce::DEFAULT_USERNAME
    );
    assert_eq!(sandbox.fake.requests().len(), requests);

    // Nothing but the cache was written; its files are private and named
    // by a hash, never by the token.
    assert_eq!(files_under(sandbox.root()), before);
    let files = files_under(cache.path());
    assert!(!files.is_empty());
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        assert!(name.starts_with("sfconnect-env-"), "{name}");
        assert!(!name.contains(refresh), "{name}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name}");
        }
    }
    // An instance edited into the file is judged again: the token does
    // not follow it, a new one is minted instead.
    let file = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .unwrap();
    let text = std::fs::read_to_string(file).unwrap();
    std::fs::write(
        file,
        text.replace(&sandbox.fake.url(), "https://evil.example"),
    )
    .unwrap();
    let judged = run(&sandbox, &["token", "--format", "json"], &env).expect(0);
    assert_eq!(judged.json()["instance_url"], sandbox.fake.url());
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 2);
    // --fresh asks again.
    run(&sandbox, &["token", "--fresh"], &env).expect(0);
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 3);
}

#[test]
fn a_rotated_refresh_token_is_what_the_next_refresh_presents() {
    let sandbox = sealed();
    sandbox.fake.knobs().rotate_refresh_tokens = true;
    let job = CachedAuthUrl::new(&sandbox);
    let refresh = job.refresh.as_str();
    let env = job.env();
    let first = run(&sandbox, &["token"], &env).expect(0);
    // Kept, so no alarm.
    assert!(!first.stderr.contains("DEAD"), "{first:?}");
    assert!(!sandbox.fake.is_refresh_token_live(refresh));
    for _ in 0..2 {
        run(&sandbox, &["token", "--fresh"], &env).expect(0);
    }
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 3);
    // Salesforce would have revoked the chain on a rotated token's reuse.
    assert!(!sandbox.fake.rotated_token_reused());
    let presented: Vec<String> = sandbox
        .fake
        .requests()
        .into_iter()
        .filter_map(|r| r.form_param("refresh_token").map(String::from))
        .collect();
    assert_eq!(presented[0], refresh);
    assert_ne!(presented[1], refresh);
    assert_ne!(presented[2], presented[1]);
    // tokens check goes through the cache as well.
    run(&sandbox, &["tokens", "check"], &env).expect(0);
    assert!(!sandbox.fake.rotated_token_reused());
}

#[cfg(unix)]
#[test]
fn a_cache_directory_others_can_write_to_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = sealed();
    let job = CachedAuthUrl::new(&sandbox);
    let (url, cache) = (&job.url, &job.cache);
    std::fs::set_permissions(cache.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let env = job.env();
    let refused = run(&sandbox, &["token"], &env).expect(2);
    assert!(
        refused.stderr.contains("SFCONNECT_ENV_CACHE"),
        "{refused:?}"
    );
    assert!(refused.stderr.contains("every user"), "{refused:?}");
    assert_eq!(sandbox.fake.requests().len(), 0);
    assert!(files_under(cache.path()).is_empty());
    // A missing directory is made, private.
    let fresh = cache.path().join("made");
    std::fs::set_permissions(cache.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let fresh_path = fresh.display().to_string();
    run(
        &sandbox,
        &["token"],
        &[
            ("SFCONNECT_AUTH_URL", url.as_str()),
            ("SFCONNECT_ENV_CACHE", fresh_path.as_str()),
        ],
    )
    .expect(0);
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}

#[cfg(target_os = "linux")]
#[test]
fn parallel_calls_of_one_job_refresh_once_under_the_cache_lock() {
    use crate::support::live::Live;
    use crate::support::locks::wait_until_waiting_for;
    let sandbox = sealed();
    sandbox.fake.knobs().rotate_refresh_tokens = true;
    let job = CachedAuthUrl::new(&sandbox);
    let command = || {
        let mut cmd = sandbox.command(&["token"]);
        cmd.envs(job.env());
        cmd
    };
    // The first call's refresh has happened (and rotated the token) at the
    // fake, its answer held; the second call must wait for the first.
    let gate = sandbox.fake.hold_refresh_answers();
    let first = Live::start(command());
    gate.wait_until_holding(1);
    let lock = files_under(job.cache.path())
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "lock"))
        .expect("the first call holds a lock file in the cache");
    let mut second = Live::start(command());
    let pid = second.pid();
    assert!(
        wait_until_waiting_for(pid, &lock, || second.has_exited()),
        "the second call did not wait for the first"
    );
    gate.open();
    let first = first.finish().expect(0);
    let second = second.finish().expect(0);
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 1);
    assert!(!sandbox.fake.rotated_token_reused());
}
