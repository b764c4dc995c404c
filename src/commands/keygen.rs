//! `sfconnect keygen [--dir DIR] [--days N] [--cn NAME]`: an RSA key and a
//! self-signed certificate for the JWT bearer flow, and what to do next.
//!
//! The key is written with mode 0600 and the certificate beside it; both
//! are created with `create_new`, so an existing file is never overwritten
//! (checked first for a clear error, and again by the OS at creation, so a
//! file appearing in between is not overwritten either). If the second
//! file cannot be written, the first is removed: no key without its
//! certificate is left behind.

use crate::cli::KeygenArgs;
use crate::error::{Error, Result};
use crate::keys::der::{self, OCTET_STRING, OID, SEQUENCE, constructed, oids, tlv, unsigned};
use crate::keys::generate::{DEFAULT_BITS, generate};
use crate::keys::{certificate, pem};
use crate::output;
use chrono::{Duration, SubsecRound, Utc};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const KEY_FILE: &str = "sfconnect.key";
pub const CERT_FILE: &str = "sfconnect.crt";

pub fn run(args: KeygenArgs) -> Result<()> {
    if args.cn.trim().is_empty() || args.cn.chars().any(char::is_control) {
        return Err(Error::usage("--cn must be a non-empty name"));
    }
    create_dir(&args.dir)?;
    let dir = args.dir.canonicalize().map_err(|e| {
        Error::usage(format!(
            "cannot use the directory {}: {e}",
            args.dir.display()
        ))
    })?;
    let (key_path, cert_path) = (dir.join(KEY_FILE), dir.join(CERT_FILE));
    let existing: Vec<String> = [&key_path, &cert_path]
        .into_iter()
        .filter(|p| p.symlink_metadata().is_ok())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Error::usage(format!(
            "{} already exist{}; keygen never overwrites a file, and wrote nothing",
            existing.join(" and "),
            if existing.len() == 1 { "s" } else { "" }
        ))
        .with_hint("move them aside, or choose another --dir"));
    }
    output::note(&format!("generating a {DEFAULT_BITS}-bit RSA key..."));
    let key = generate(DEFAULT_BITS)?;
    let now = Utc::now().trunc_subsecs(0);
    let not_after = now + Duration::days(i64::from(args.days));
    // A minute back, so a clock slightly behind Salesforce's still sees it
    // as valid.
    let cert =
        certificate::self_signed(&key, args.cn.trim(), now - Duration::minutes(1), not_after);
    let pkcs8 = constructed(
        SEQUENCE,
        &[
            &unsigned(&[0]),
            &constructed(
                SEQUENCE,
                &[&tlv(OID, oids::RSA_ENCRYPTION), &[der::NULL, 0]],
            ),
            &tlv(OCTET_STRING, key.der().expose()),
        ],
    );
    write_new(
        &key_path,
        pem::encode("PRIVATE KEY", &pkcs8).as_bytes(),
        0o600,
    )?;
    if let Err(err) = write_new(
        &cert_path,
        pem::encode("CERTIFICATE", &cert).as_bytes(),
        0o644,
    ) {
        let _ = std::fs::remove_file(&key_path);
        return Err(err);
    }
    output::print(&format!(
        "wrote {} (RSA private key, mode 0600)\nwrote {} (certificate, valid until {})\n",
        key_path.display(),
        cert_path.display(),
        not_after.format("%Y-%m-%d")
    ))?;
    output::tell(&next_steps(&key_path, &cert_path));
    Ok(())
}

/// What to do in Salesforce, then the line that links.
fn next_steps(key: &Path, cert: &Path) -> String {
    format!(
        "Next, in Salesforce Setup > External Client App Manager, create an External Client App (or edit yours):\n  \
1. OAuth Settings: Enable OAuth, with the scopes \"Manage user data via APIs (api)\" and \"Perform requests at any time (refresh_token, offline_access)\".\n  \
2. Flow Enablement: tick \"Enable JWT Bearer Flow\" and upload {cert} as the certificate.\n  \
3. Policies: set Permitted Users to \"Admin approved users are pre-authorized\", and add the profile or permission set of the user the connection acts as (without this, the user must approve the app once in a browser).\n  \
4. Copy the Consumer Key (Settings > OAuth Settings > Consumer Key and Secret).\n\
Then link (for a sandbox add --sandbox --domain NAME--SANDBOX; in CI, put the key in a secret and pass --key-env VAR instead of --key-file):\n  \
sfconnect link --jwt --client-id CONSUMER_KEY --username USERNAME --key-file {key}",
        cert = cert.display(),
        key = key.display()
    )
}

#[cfg(unix)]
fn create_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::usage(format!("cannot create {}: {e}", dir.display())))
}

#[cfg(not(unix))]
fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::usage(format!("cannot create {}: {e}", dir.display())))
}

/// Creates `path` (never replacing a file) with `mode`, writes and syncs.
fn write_new(path: &PathBuf, bytes: &[u8], mode: u32) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let failed = |e: std::io::Error| {
        let exists = e.kind() == std::io::ErrorKind::AlreadyExists;
        Error::usage(format!("cannot write {}: {e}", path.display())).with_hint(if exists {
            "keygen never overwrites a file: move it aside, or choose another --dir"
        } else {
            "choose a --dir you can write to"
        })
    };
    let mut file = options.open(path).map_err(failed)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    written.map_err(|e| {
        // Ours, created just now: no half-written key stays behind.
        let _ = std::fs::remove_file(path);
        failed(e)
    })
}
