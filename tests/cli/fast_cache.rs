//! The kernel keyring's copy of a keychain connection's access token
//! (`secrets::access_cache`): a hit is served with no D-Bus at all, and
//! every change of the keychain's entry (a refresh, a 401 retry, revoke,
//! migrate, a re-link) or a connection recorded dead leaves no copy that
//! the keychain no longer vouches for. Where the key system calls are
//! refused, the keychain is read as before.
//!
//! These need the real Secret Service and a kernel that allows keyctl:
//! they report themselves skipped where either is missing, and fail
//! instead with SFCONNECT_TEST_REQUIRE_KEYCHAIN=1 or
//! SFCONNECT_TEST_REQUIRE_KEYUTILS=1 (as in CI, `.ci/run`).

use crate::keychain::{keychain_available, linked_on_the_keychain, secret_tool_lookup};
use crate::support::keyring;
use crate::support::leak_checks::assert_no_secret;
use crate::support::live::Live;
use crate::support::locks::wait_until_waiting_for;
use crate::support::{Run, Sandbox, run_command};
use serde_json::Value;
use std::ffi::CString;
use std::os::unix::process::CommandExt;

/// A D-Bus address where nothing listens: a run that needs the keychain fails.
const NO_BUS: &str = "unix:path=/nonexistent/sfconnect-test-bus";

/// A sandbox on the real keychain with the connection `kc` linked, or `None`
/// (skipped) where the keychain or the kernel keyring is missing.
fn keychain_sandbox() -> Option<Sandbox> {
    let keychain = keychain_available();
    let keyutils = keyring::available();
    if !keychain || !keyutils {
        for (needed, variable) in [
            (keychain, "SFCONNECT_TEST_REQUIRE_KEYCHAIN"),
            (keyutils, "SFCONNECT_TEST_REQUIRE_KEYUTILS"),
        ] {
            assert!(
                needed || std::env::var(variable).as_deref() != Ok("1"),
                "{variable}=1 but this machine lacks it (see .ci/run)"
            );
        }
        eprintln!(
            "SKIPPED: needs a Secret Service and the kernel keyring (set up as .ci/run does)"
        );
        return None;
    }
    Some(linked_on_the_keychain("kc"))
}

fn keyctl(op: u32, a: libc::c_ulong, b: libc::c_ulong, c: libc::c_ulong) -> libc::c_long {
    // SAFETY: integers, or NUL-terminated strings and buffers we own.
    unsafe { libc::syscall(libc::SYS_keyctl, op, a, b, c, 0) }
}

/// The copy's key for connection `id` in the user keyring: its serial.
fn copy_serial(id: &str) -> Option<libc::c_long> {
    let description = CString::new(format!("sfconnect:access:{id}")).unwrap();
    let serial = keyctl(
        libc::KEYCTL_SEARCH,
        libc::KEY_SPEC_USER_KEYRING as libc::c_ulong,
        c"user".as_ptr() as libc::c_ulong,
        description.as_ptr() as libc::c_ulong,
    );
    (serial > 0).then_some(serial)
}

/// What the copy for connection `id` holds, read as any process of the
/// user may.
fn copy_of(id: &str) -> Option<String> {
    let serial = copy_serial(id)?;
    let mut buffer = vec![0u8; 4096];
    let length = keyctl(
        libc::KEYCTL_READ,
        serial as libc::c_ulong,
        buffer.as_mut_ptr() as libc::c_ulong,
        buffer.len() as libc::c_ulong,
    );
    (length > 0).then(|| String::from_utf8_lossy(&buffer[..length as usize]).into_owned())
}

/// The token in the copy (its last line).
fn copied_token(id: &str) -> Option<String> {
    copy_of(id).map(|payload| payload.rsplit('\n').next().unwrap().to_string())
}

/// `type;uid;gid;perm;description` of a key.
fn describe(serial: libc::c_long) -> String {
    let mut buffer = vec![0u8; 512];
    let length = keyctl(
        libc::KEYCTL_DESCRIBE,
        serial as libc::c_ulong,
        buffer.as_mut_ptr() as libc::c_ulong,
        buffer.len() as libc::c_ulong,
    );
    assert!(length > 0, "{}", std::io::Error::last_os_error());
    String::from_utf8_lossy(&buffer[..length as usize - 1]).into_owned()
}

/// The keychain's entry for connection `id`, through `secret-tool`.
fn keychain_tokens(id: &str) -> Value {
    serde_json::from_str(&secret_tool_lookup(id).expect("the keychain entry")).unwrap()
}

/// `token kc` with no D-Bus to reach.
fn token_without_bus(sandbox: &Sandbox, extra: &[&str]) -> Run {
    let mut args = vec!["token", "kc"];
    args.extend(extra);
    sandbox.run_env(&args, &[("DBUS_SESSION_BUS_ADDRESS", NO_BUS)])
}

/// Runs `token kc` once with the keychain, which copies the token.
fn warm(sandbox: &Sandbox, id: &str) -> String {
    let token = sandbox.run(&["token", "kc"]).expect(0).stdout;
    let token = token.trim_end().to_string();
    assert_eq!(copied_token(id).as_deref(), Some(token.as_str()));
    token
}

#[test]
fn a_hit_is_served_without_d_bus_and_leaks_nothing() {
    let Some(sandbox) = keychain_sandbox() else {
        return;
    };
    let id = sandbox.id_of("kc");
    // The link's own token is in the keychain, not yet copied.
    assert_eq!(copy_serial(&id), None);
    let token = warm(&sandbox, &id);
    assert_eq!(keychain_tokens(&id)["access_token"], token);

    let hit = token_without_bus(&sandbox, &[]).expect(0);
    assert_eq!(hit.stdout, format!("{token}\n"));
    assert_eq!(hit.stderr, "");
    let verbose = token_without_bus(&sandbox, &["-v"]).expect(0);
    verbose.says(&["found its access token in the kernel keyring"]);
    assert_no_secret(&sandbox, &verbose.stderr, "stderr of -v");
    assert_eq!(sandbox.fake.token_requests("refresh_token"), 0);

    // The key: named by the connection id only; readable by the user's
    // processes, changeable by none but its writer; gone within 10 minutes.
    let serial = copy_serial(&id).unwrap();
    let description = describe(serial);
    assert!(
        description.ends_with(&format!(";sfconnect:access:{id}")),
        "{description}"
    );
    assert_no_secret(&sandbox, &description, "the key's description");
    let permissions = u32::from_str_radix(description.split(';').nth(3).unwrap(), 16).unwrap();
    assert_eq!(
        permissions, 0x3f0b_0000,
        "possessor: all; user: view, read, search"
    );
    let proc_keys = std::fs::read_to_string("/proc/keys").unwrap();
    let line = proc_keys
        .lines()
        .find(|l| l.starts_with(&format!("{serial:08x} ")))
        .expect("the key in /proc/keys");
    let timeout = line.split_whitespace().nth(3).unwrap();
    assert!(
        timeout.ends_with('s') || ["10m", "9m", "8m"].contains(&timeout),
        "expires with the token's 10 minutes: {line}"
    );
    let index = std::fs::read_to_string(sandbox.config_dir().join("index.json")).unwrap();
    assert_no_secret(&sandbox, &index, "the index");
    sandbox.run(&["revoke", "kc"]).expect(0);
}

#[test]
fn a_copy_made_in_one_session_keyring_serves_another() {
    let Some(sandbox) = keychain_sandbox() else {
        return;
    };
    let id = sandbox.id_of("kc");
    // `keyctl session -` for each: a new anonymous session keyring.
    let in_new_session = |args: &[&str], env: &[(&str, &str)]| -> Run {
        let mut cmd = sandbox.command(args);
        for (key, value) in env {
            cmd.env(key, value);
        }
        // SAFETY: one system call between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if keyctl(libc::KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        run_command(cmd, None)
    };
    let token = in_new_session(&["token", "kc"], &[]).expect(0).stdout;
    assert_eq!(copied_token(&id).as_deref(), Some(token.trim_end()));
    let hit = in_new_session(&["token", "kc"], &[("DBUS_SESSION_BUS_ADDRESS", NO_BUS)]).expect(0);
    assert_eq!(hit.stdout, token);
    sandbox.run(&["revoke", "kc"]).expect(0);
}

#[test]
fn a_refresh_replaces_the_copy_with_the_new_token() {
    let Some(sandbox) = keychain_sandbox() else {
        return;
    };
    let id = sandbox.id_of("kc");
    let first = warm(&sandbox, &id);

    // token --fresh
    let fresh = sandbox.run(&["token", "kc", "--fresh"]).expect(0).stdout;
    let fresh = fresh.trim_end();
    assert_ne!(fresh, first);
    assert_eq!(copied_token(&id).as_deref(), Some(fresh));
    assert_eq!(
        token_without_bus(&sandbox, &[]).expect(0).stdout.trim_end(),
        fresh
    );

    // A 401 in `api`: refreshed once, retried, and the copy follows.
    sandbox.fake.expire_access_tokens();
    sandbox
        .run(&["api", "kc", "/services/data/v62.0/limits"])
        .expect(0);
    let retried = keychain_tokens(&id)["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(retried, fresh);
    assert_eq!(copied_token(&id).as_deref(), Some(retried.as_str()));
    assert_eq!(
        token_without_bus(&sandbox, &[]).expect(0).stdout.trim_end(),
        retried
    );
    sandbox.run(&["revoke", "kc"]).expect(0);
}

#[test]
fn a_copy_is_made_under_the_lock_so_a_racing_refresh_wins() {
    let Some(sandbox) = keychain_sandbox() else {
        return;
    };
    let id = sandbox.id_of("kc");
    let linked = keychain_tokens(&id)["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    // A refresh has happened at the fake; its answer is held, its process
    // holds the connection's lock.
    let gate = sandbox.fake.hold_refresh_answers();
    let refresh = Live::start(sandbox.command(&["token", "kc", "--fresh"]));
    gate.wait_until_holding(1);
    // With no copy yet, `token` reads the keychain under the lock: it waits.
    let mut reader = Live::start(sandbox.command(&["token", "kc"]));
    let pid = reader.pid();
    wait_until_waiting_for(pid, &sandbox.connection_lock("kc"), || reader.has_exited());
    gate.open();
    let fresh = refresh.finish().expect(0).stdout;
    assert_ne!(fresh.trim_end(), linked);
    // It serves, and copies, what the refresh stored; not the token the
    // keychain held when it started.
    assert_eq!(reader.finish().expect(0).stdout, fresh);
    assert_eq!(copied_token(&id).as_deref(), Some(fresh.trim_end()));
    sandbox.run(&["revoke", "kc"]).expect(0);
}

#[test]
fn revoke_and_relink_leave_no_copy() {
    let Some(sandbox) = keychain_sandbox() else {
        return;
    };
    let first_id = sandbox.id_of("kc");
    warm(&sandbox, &first_id);
    // Linking the same user again replaces the connection (a new id).
    sandbox.link(&["--alias", "kc", "--force"]).expect(0);
    let second_id = sandbox.id_of("kc");
    assert_ne!(first_id, second_id);
    assert_eq!(
        copy_serial(&first_id),
        None,
        "the replaced connection's copy"
    );
    let token = warm(&sandbox, &second_id);
    assert_eq!(keychain_tokens(&second_id)["access_token"], token);

    sandbox.run(&["revoke", "kc"]).expect(0);
    assert_eq!(copy_serial(&second_id), None, "revoke removed the copy");
    token_without_bus(&sandbox, &[]).expect_error(3, &["kc"]);
}

#[test]
fn migrating_away_and_back_never_serves_a_stale_copy() {
    let Some(sandbox) = keychain_sandbox() else {
        return;
    };
    let id = sandbox.id_of("kc");
    let first = warm(&sandbox, &id);
    sandbox.run(&["migrate", "kc", "--to", "file"]).expect(0);
    assert_eq!(
        copy_serial(&id),
        None,
        "moving out of the keychain removed it"
    );
    // Refreshed while in the file store, which is not copied.
    let second = sandbox.run(&["token", "kc", "--fresh"]).expect(0).stdout;
    assert_ne!(second.trim_end(), first);
    assert_eq!(
        copy_serial(&id),
        None,
        "the file store's token is not copied"
    );
    sandbox
        .run(&["migrate", "kc", "--to", "keychain"])
        .expect(0);
    assert_eq!(copy_serial(&id), None);
    assert_eq!(sandbox.run(&["token", "kc"]).expect(0).stdout, second);
    assert_eq!(token_without_bus(&sandbox, &[]).expect(0).stdout, second);
    sandbox.run(&["revoke", "kc"]).expect(0);
}

#[test]
fn a_connection_recorded_dead_is_not_served_from_the_copy() {
    let Some(sandbox) = keychain_sandbox() else {
        return;
    };
    let id = sandbox.id_of("kc");
    let token = warm(&sandbox, &id);

    // The index says Salesforce revoked it (as `tokens check` would record),
    // while the copy is still there: the copy is not used.
    let index_path = sandbox.config_dir().join("index.json");
    let mut index: Value =
        serde_json::from_str(&std::fs::read_to_string(&index_path).unwrap()).unwrap();
    index["connections"][0]["health"] = serde_json::json!({
        "status": "revoked",
        "detail": "expired access/refresh token",
        "checked_at": "2026-11-30T00:00:00Z",
    });
    std::fs::write(&index_path, serde_json::to_string_pretty(&index).unwrap()).unwrap();
    assert!(copy_serial(&id).is_some());
    let refused = token_without_bus(&sandbox, &[]);
    assert_ne!(refused.code, 0, "{refused:#?}");
    assert!(!refused.stdout.contains(&token), "{refused:#?}");

    // Revoked at Salesforce for real: the refresh fails, and drops the copy.
    let refresh = keychain_tokens(&id)["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(sandbox.fake.revoke_refresh_token(&refresh));
    sandbox.run(&["token", "kc"]).expect_error(4, &["kc"]);
    assert_eq!(copy_serial(&id), None);
    sandbox.run(&["revoke", "kc", "--local-only"]).expect(0);
}

#[test]
fn turned_off_nothing_is_copied_and_a_bad_value_is_refused() {
    let Some(sandbox) = keychain_sandbox() else {
        return;
    };
    let id = sandbox.id_of("kc");
    let off = [("SFCONNECT_KERNEL_CACHE", "off")];
    let token = sandbox.run_env(&["token", "kc"], &off).expect(0).stdout;
    assert!(token.starts_with("00D"), "{token}");
    assert_eq!(copy_serial(&id), None);
    sandbox
        .run_env(&["token", "kc"], &[("SFCONNECT_KERNEL_CACHE", "maybe")])
        .expect_error(2, &["SFCONNECT_KERNEL_CACHE", "on or off"]);
    sandbox.run(&["revoke", "kc"]).expect(0);
}

/// A seccomp filter refusing the key system calls with EPERM, as Docker's
/// default profile does.
fn refuse_key_syscalls(cmd: &mut std::process::Command) {
    #[cfg(target_arch = "x86_64")]
    const ARCH: u32 = 0xc000_003e; // AUDIT_ARCH_X86_64
    #[cfg(target_arch = "aarch64")]
    const ARCH: u32 = 0xc000_00b7; // AUDIT_ARCH_AARCH64
    let refuse = libc::SECCOMP_RET_ERRNO | libc::EPERM as u32;
    let statement = |code: u32, k: u32| libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    };
    let jump = |k: u32, jt: u8, jf: u8| libc::sock_filter {
        code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
        jt,
        jf,
        k,
    };
    let load = libc::BPF_LD | libc::BPF_W | libc::BPF_ABS;
    let ret = libc::BPF_RET | libc::BPF_K;
    let program = [
        statement(load, 4), // seccomp_data.arch
        jump(ARCH, 0, 4),
        statement(load, 0), // seccomp_data.nr
        jump(libc::SYS_keyctl as u32, 3, 0),
        jump(libc::SYS_add_key as u32, 2, 0),
        jump(libc::SYS_request_key as u32, 1, 0),
        statement(ret, libc::SECCOMP_RET_ALLOW),
        statement(ret, refuse),
    ];
    // SAFETY: two prctl calls between fork and exec, on a program that
    // lives on the parent's stack (copied into the child by fork).
    unsafe {
        cmd.pre_exec(move || {
            let filter = libc::sock_fprog {
                len: program.len() as u16,
                filter: program.as_ptr() as *mut libc::sock_filter,
            };
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                || libc::prctl(
                    libc::PR_SET_SECCOMP,
                    libc::SECCOMP_MODE_FILTER,
                    &filter as *const libc::sock_fprog,
                ) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[test]
fn without_the_key_system_calls_the_keychain_is_read_as_before() {
    let Some(sandbox) = keychain_sandbox() else {
        return;
    };
    let id = sandbox.id_of("kc");
    let refused = |args: &[&str], env: &[(&str, &str)]| -> Run {
        let mut cmd = sandbox.command(args);
        for (key, value) in env {
            cmd.env(key, value);
        }
        refuse_key_syscalls(&mut cmd);
        run_command(cmd, None)
    };
    let token = refused(&["token", "kc"], &[]).expect(0);
    assert_eq!(token.stderr, "", "silent without -v");
    assert_eq!(copy_serial(&id), None);
    let verbose = refused(&["-v", "token", "kc"], &[]).expect(0);
    assert_eq!(verbose.stdout, token.stdout);
    verbose.says(&["cannot cache access tokens here", "reading the keychain"]);
    assert_no_secret(&sandbox, &verbose.stderr, "stderr of -v");
    // Proof that the filter holds: with no keychain either, nothing serves.
    refused(&["token", "kc"], &[("DBUS_SESSION_BUS_ADDRESS", NO_BUS)])
        .expect_error(6, &["keychain"]);
    assert_eq!(copy_serial(&id), None);
    sandbox.run(&["revoke", "kc"]).expect(0);
}
