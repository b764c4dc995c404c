//! The project default: a `.sfconnect.toml` found by walking up from the
//! current directory chooses the connection when neither the command line
//! nor `SFCONNECT_ALIAS` does, and only a file the user alone could have
//! written counts.

use crate::support::users::bob_in_another_org;
use crate::support::{Run, Sandbox, run_command};
use std::path::{Path, PathBuf};

/// A sandbox with `one` and `two` linked (two users, so their tokens differ)
/// and a project tree `project/a/b` under its root.
fn two_connections_and_a_project() -> (Sandbox, PathBuf) {
    let sandbox = Sandbox::linked("one");
    sandbox.fake.add_user(bob_in_another_org());
    sandbox.fake.set_current_user("bob@example.com.uat");
    sandbox.link(&["--alias", "two"]).expect(0);
    let project = sandbox.root().join("project");
    std::fs::create_dir_all(project.join("a/b")).unwrap();
    (sandbox, project)
}

fn write_project_file(dir: &Path, text: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(".sfconnect.toml");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    path
}

fn run_in(sandbox: &Sandbox, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = sandbox.command(args);
    cmd.current_dir(dir);
    for (key, value) in env {
        cmd.env(key, value);
    }
    run_command(cmd, None)
}

#[test]
fn the_nearest_project_file_chooses_and_v_says_so() {
    let (sandbox, project) = two_connections_and_a_project();
    let deep = project.join("a/b");
    // Without a file: several linked, none named.
    run_in(&sandbox, &deep, &["token"], &[]).expect_error(2, &["one, two", ".sfconnect.toml"]);

    let file = write_project_file(&project, "alias = \"two\"\n");
    let run = run_in(&sandbox, &deep, &["-v", "token"], &[]).expect(0);
    assert_eq!(run.stdout.trim(), sandbox.access_token("two"));
    run.says(&[&format!(
        "debug: connection two: from the project file {}",
        file.display()
    )]);

    // A nearer file wins over the outer one.
    let inner = write_project_file(&project.join("a"), "alias = \"one\"");
    let run = run_in(&sandbox, &deep, &["-v", "token"], &[]).expect(0);
    assert_eq!(run.stdout.trim(), sandbox.access_token("one"));
    run.says(&[&format!("from the project file {}", inner.display())]);
}

#[test]
fn the_alias_variable_and_the_argument_win_over_the_file() {
    let (sandbox, project) = two_connections_and_a_project();
    write_project_file(&project, "alias = \"two\"");
    let run = run_in(
        &sandbox,
        &project,
        &["-v", "token"],
        &[("SFCONNECT_ALIAS", "one")],
    );
    let run = run.expect(0);
    assert_eq!(run.stdout.trim(), sandbox.access_token("one"));
    run.says(&["connection one: from SFCONNECT_ALIAS"]);

    write_project_file(&project, "alias = \"one\"");
    let run = run_in(
        &sandbox,
        &project,
        &["-v", "token", "two"],
        &[("SFCONNECT_ALIAS", "one")],
    )
    .expect(0);
    assert_eq!(run.stdout.trim(), sandbox.access_token("two"));
    run.says(&["connection two: named on the command line"]);
}

#[test]
fn the_file_wins_over_the_only_connection_and_an_unknown_alias_is_3() {
    let sandbox = Sandbox::linked("one");
    let project = sandbox.root().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let file = write_project_file(&project, "alias = \"staging\"");
    let run = run_in(&sandbox, &project, &["token"], &[]).expect_error(
        3,
        &["no connection named staging", &file.display().to_string()],
    );
    assert!(run.stdout.is_empty());
    // An argument does not read the file at all.
    run_in(&sandbox, &project, &["token", "one"], &[]).expect(0);
}

#[test]
fn a_bad_project_file_is_a_one_line_usage_error_naming_it() {
    let sandbox = Sandbox::linked("one");
    let project = sandbox.root().join("project");
    std::fs::create_dir_all(&project).unwrap();
    for (text, says) in [
        (
            "alias = \"one\"\nstore = \"file\"\n",
            "unknown field `store`",
        ),
        ("alias = one", "line 1"),
        ("alias = \"-one\"", "invalid alias"),
    ] {
        let file = write_project_file(&project, text);
        let run = run_in(&sandbox, &project, &["token"], &[])
            .expect_error(2, &[&file.display().to_string(), says]);
        let errors: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.contains("error:"))
            .collect();
        assert_eq!(errors.len(), 1, "{run:#?}");
        assert!(errors[0].contains(says), "{run:#?}");
    }
}

#[test]
fn a_project_file_others_could_write_is_ignored_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let (sandbox, project) = two_connections_and_a_project();
    let file = write_project_file(&project, "alias = \"two\"");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o646)).unwrap();
    let run = run_in(&sandbox, &project, &["token"], &[]).expect(2);
    run.says(&[
        &format!("warning: ignoring the project file {}", file.display()),
        "writable by others",
        "several connections are linked",
    ]);
    // Ignored, not an error: the only connection still applies elsewhere,
    // and an alias still works.
    run_in(&sandbox, &project, &["token", "one"], &[]).expect(0);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o664)).unwrap();
    run_in(&sandbox, &project, &["token"], &[]).expect_error(2, &["writable by its group"]);
}

#[test]
fn a_project_file_owned_by_another_user_is_ignored_with_a_warning() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("SKIPPED: not root, so no file can be given to another user here");
        return;
    }
    let (sandbox, project) = two_connections_and_a_project();
    let file = write_project_file(&project, "alias = \"two\"");
    let path = std::ffi::CString::new(file.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; 65534 is `nobody` on Linux.
    assert_eq!(unsafe { libc::chown(path.as_ptr(), 65534, 65534) }, 0);
    let run = run_in(&sandbox, &project, &["token"], &[]).expect(2);
    run.says(&[
        &format!("warning: ignoring the project file {}", file.display()),
        "owned by uid 65534, not by you",
    ]);
    // A symlink of ours to another user's file is no better.
    let own = sandbox.root().join("elsewhere");
    std::fs::create_dir_all(&own).unwrap();
    std::os::unix::fs::symlink(&file, own.join(".sfconnect.toml")).unwrap();
    run_in(&sandbox, &own, &["token"], &[])
        .expect_error(2, &["points to a file owned by uid 65534"]);
}

#[test]
fn doctor_says_which_connection_applies_here_and_why() {
    let (sandbox, project) = two_connections_and_a_project();
    let run = run_in(&sandbox, &project, &["doctor"], &[("SFCONNECT_PORT", "0")]).expect(0);
    assert!(
        run.stdout
            .contains("--  connection none chosen here: several connections are linked"),
        "{}",
        run.stdout
    );
    let file = write_project_file(&project, "alias = \"two\"");
    let run = run_in(
        &sandbox,
        &project.join("a"),
        &["doctor", "--json"],
        &[("SFCONNECT_PORT", "0")],
    )
    .expect(0);
    let found = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["topic"] == "connection")
        .cloned()
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert_eq!(found["ok"], true);
    assert_eq!(
        found["detail"],
        format!("two: from the project file {}", file.display())
    );
    let run = run_in(
        &sandbox,
        &project,
        &["doctor"],
        &[("SFCONNECT_ALIAS", "one"), ("SFCONNECT_PORT", "0")],
    )
    .expect(0);
    assert!(
        run.stdout
            .contains("ok  connection one: from SFCONNECT_ALIAS"),
        "{}",
        run.stdout
    );
}
