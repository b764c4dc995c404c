//! The refresh lease of a vault connection: one holder at a time, across
//! every machine and process that shares the vault, may present the
//! connection's refresh token.
//!
//! The local per-connection lock (`tokens::lock`) orders the processes of
//! one machine; it means nothing to another machine. With rotation on, two
//! machines presenting the same refresh token make Salesforce revoke the
//! whole chain (RFC 9700 §4.14, docs/salesforce-oauth.md §4). So a refresh
//! runs under a lease: a KV v2 entry `{prefix}/leases/{id}` beside the
//! secret, written with check-and-set, which KV v2 makes linearizable (a
//! write with `cas=N` succeeds only while the latest version is `N`).
//!
//! - **Taking it**: an absent entry is created with `cas=0` (only if none
//!   exists); a released or lapsed one is replaced with `cas` on the version
//!   read, so of two machines that saw it free, one wins and the other reads
//!   the winner's lease.
//! - **Its length** is `LENGTH_IN_TIMEOUTS` HTTP timeouts and a second (the lease entry
//!   says how many seconds, so machines with other timeouts judge it alike),
//!   and a dead holder's lease lapses by itself.
//! - **Its age** is judged by the vault's clock only: the entry's
//!   `created_time` against the `Date` header of the vault's answer, plus
//!   the time our own monotonic clock saw pass since that request was sent.
//!   The local wall clock is never used: machines disagree about it.
//! - **Presenting the refresh token** is allowed only while at least
//!   `PRESENT_WITHIN_TIMEOUTS` HTTP timeouts of lease are left (one for
//!   Salesforce's answer, one for the vault write that stores the rotated
//!   token), and one more second for the `Date` header's granularity; else
//!   the lease is renewed first (a check-and-set write on our own version).
//! - **Releasing**: KV v2 DELETE takes no check-and-set, so a holder cannot
//!   delete "only if still mine". Checking the holder and then destroying
//!   the metadata leaves a gap: our lease may lapse between the check and
//!   the destroy, another machine take it, and the destroy remove *its*
//!   lease, letting a third machine refresh beside it. So a release writes
//!   a tombstone version (`state: released`) with check-and-set on the
//!   version we wrote: it succeeds only while the lease is still ours, and
//!   otherwise changes nothing.
//! - **Waiting** for another holder polls with backoff (never longer than
//!   the lease has left by the vault's clock), bounded by
//!   `SFCONNECT_LOCK_TIMEOUT`; then exit 5, naming the holder.
//!
//! The one window no lease closes: a holder killed after Salesforce rotated
//! the token and before its vault write. The vault still holds the dead
//! token; the next holder takes over the lapsed lease, presents it, and is
//! refused. `Lease::took_over` says whose lease lapsed, so that refusal is
//! explained (exit 4, docs/vault.md "The one window no lock closes").

use super::client::{CasConflict, VaultClient};
use crate::error::{Error, Exit, Result};
use crate::output;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The lease lasts this many HTTP timeouts: at least two (the issue's
/// rule), and one more so that a holder that presents its token with two
/// timeouts left still has its lease while it stores the answer.
pub const LENGTH_IN_TIMEOUTS: u32 = 3;

/// A refresh token is presented only while this many HTTP timeouts of lease
/// are left: Salesforce's answer takes at most one, the vault write of the
/// rotated token at most another.
pub const PRESENT_WITHIN_TIMEOUTS: u32 = 2;

/// The `Date` header counts whole seconds: the vault's clock may be up to a
/// second past what it says.
const DATE_GRANULARITY: Duration = Duration::from_secs(1);

/// The first pause between two looks at a held lease, and the longest.
const FIRST_PAUSE: Duration = Duration::from_millis(50);
const LONGEST_PAUSE: Duration = Duration::from_secs(1);

const HELD: &str = "held";
const RELEASED: &str = "released";

/// The lease entry of connection `id`.
pub fn lease_path(prefix: &str, id: &str) -> String {
    format!("{prefix}/leases/{id}")
}

/// Who holds (or held) a lease: the machine, the process, and a random id
/// that tells two holders apart even with the same host and pid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub host: String,
    pub pid: u32,
    pub id: String,
}

impl Holder {
    /// This process, with a new random id.
    pub fn this_process() -> Holder {
        Holder {
            host: host_name(),
            pid: std::process::id(),
            id: crate::secrets::new_id(),
        }
    }

    fn from_data(data: &Map<String, Value>) -> Option<Holder> {
        Some(Holder {
            host: data.get("host")?.as_str()?.to_string(),
            pid: u32::try_from(data.get("pid")?.as_u64()?).ok()?,
            id: data.get("holder")?.as_str()?.to_string(),
        })
    }
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sfconnect on {} (pid {})", self.host, self.pid)
    }
}

/// How long a lease lasts and how much of it must be left to present a
/// refresh token, from the HTTP timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    pub length: Duration,
    pub must_remain: Duration,
}

impl Terms {
    pub fn for_timeout(timeout: Duration) -> Terms {
        Terms {
            // The second the `Date` header may hide is added to both ends,
            // so a lease just taken always has the time a refresh needs.
            length: timeout * LENGTH_IN_TIMEOUTS + DATE_GRANULARITY,
            must_remain: timeout * PRESENT_WITHIN_TIMEOUTS + DATE_GRANULARITY,
        }
    }
}

/// What a look at the lease entry found.
#[derive(Debug, Clone, PartialEq)]
enum Found {
    /// Nobody holds it: take it with check-and-set on `cas`. `lapsed` is
    /// the holder whose lease ran out without being released.
    Free { cas: u64, lapsed: Option<Holder> },
    /// Held, for `left` more by the vault's clock.
    Held { holder: Holder, left: Duration },
}

/// Judges a lease entry as the vault answered it: `version`, its data and
/// `created_time`, and the vault's clock (`now`) at the answer.
fn judge(
    entry: Option<(u64, &Map<String, Value>, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> std::result::Result<Found, &'static str> {
    let Some((version, data, created)) = entry else {
        return Ok(Found::Free {
            cas: 0,
            lapsed: None,
        });
    };
    let state = data.get("state").and_then(Value::as_str);
    if state == Some(RELEASED) {
        return Ok(Found::Free {
            cas: version,
            lapsed: None,
        });
    }
    let (Some(HELD), Some(holder), Some(secs)) = (
        state,
        Holder::from_data(data),
        data.get("lease_secs").and_then(Value::as_u64),
    ) else {
        return Err("it is not a lease sfconnect wrote");
    };
    let expires = created + chrono::Duration::seconds(i64::try_from(secs).unwrap_or(i64::MAX));
    match (expires - now).to_std() {
        Ok(left) if !left.is_zero() => Ok(Found::Held { holder, left }),
        _ => Ok(Found::Free {
            cas: version,
            lapsed: Some(holder),
        }),
    }
}

/// A lease this process holds; released when dropped.
pub struct Lease {
    client: Arc<VaultClient>,
    path: String,
    holder: Holder,
    terms: Terms,
    /// The version we wrote: a renewal or release is a check-and-set on it.
    version: u64,
    /// When it lapses, by the vault's clock.
    expires: DateTime<Utc>,
    took_over: Option<Holder>,
    released: bool,
}

impl Lease {
    /// Takes the lease at `path`, waiting at most `wait` for its holder.
    /// `what` names it in messages ("the vault lease of connection prod").
    pub fn take(
        client: Arc<VaultClient>,
        path: &str,
        what: &str,
        terms: Terms,
        wait: Duration,
    ) -> Result<Lease> {
        let holder = Holder::this_process();
        let deadline = Instant::now() + wait;
        let mut pause = FIRST_PAUSE;
        let mut conflicts_on_nothing = 0;
        loop {
            let read = client.read(path)?;
            let now = server_now(&client, None)?;
            let found = judge(
                read.as_ref().map(|e| (e.version, &e.data, e.created_time)),
                now,
            )
            .map_err(|why| {
                Error::secret_store(format!(
                    "the vault entry {} is in the way of {what}: {why}",
                    client.data_path(path)
                ))
                .with_hint(format!(
                    "remove it with `bao kv metadata delete {}/{path}` (or `vault kv metadata delete`)",
                    client.mount()
                ))
            })?;
            match found {
                Found::Free { cas, lapsed } => {
                    let data = lease_data(&holder, HELD, terms.length);
                    match client.write(path, &data, Some(cas))? {
                        Ok(written) => {
                            if let Some(previous) = &lapsed {
                                output::debug(&format!(
                                    "took over {what}: the lease of {previous} lapsed without being released"
                                ));
                            }
                            output::debug(&format!(
                                "took {what} (version {}, {} s by the vault's clock)",
                                written.version,
                                terms.length.as_secs()
                            ));
                            return Ok(Lease {
                                client,
                                path: path.to_string(),
                                holder,
                                terms,
                                version: written.version,
                                expires: written.created_time + to_chrono(terms.length),
                                took_over: lapsed,
                                released: false,
                            });
                        }
                        Err(CasConflict) => {
                            // Another machine took it first; the next look
                            // finds its lease. An entry that reads as absent
                            // but refuses `cas=0` was deleted without being
                            // destroyed (its metadata stays): say so rather
                            // than spin.
                            if read.is_none() {
                                conflicts_on_nothing += 1;
                                if conflicts_on_nothing > 3 {
                                    return Err(Error::secret_store(format!(
                                        "the vault entry {} of {what} was deleted but not destroyed, so it cannot be created again",
                                        client.data_path(path)
                                    ))
                                    .with_hint(format!(
                                        "destroy it with `bao kv metadata delete {}/{path}` (or `vault kv metadata delete`)",
                                        client.mount()
                                    )));
                                }
                            }
                            output::debug(&format!("{what}: another holder took it first"));
                        }
                    }
                }
                Found::Held {
                    holder: other,
                    left,
                } => {
                    let now_local = Instant::now();
                    if now_local >= deadline {
                        return Err(Error::new(
                            Exit::Network,
                            format!(
                                "gave up after {} s waiting for {what}, which {other} holds for {} s more by the vault's clock",
                                wait.as_secs(),
                                left.as_secs().max(1)
                            ),
                        )
                        .with_hint(format!(
                            "another sfconnect is refreshing, moving or revoking this connection; let it finish (the lease of a stopped holder lapses by itself), or wait longer with {}=SECONDS",
                            crate::settings::LOCK_TIMEOUT.env
                        )));
                    }
                    output::debug(&format!(
                        "waiting for {what}, which {other} holds for {} ms more",
                        left.as_millis()
                    ));
                    // Never past the lease's end, nor the deadline; a few
                    // milliseconds past the end, so the next look finds it
                    // lapsed.
                    let nap = pause
                        .min(left + Duration::from_millis(20))
                        .min(deadline - now_local);
                    std::thread::sleep(nap);
                    pause = (pause * 2).min(LONGEST_PAUSE);
                }
            }
        }
    }

    /// The holder whose unreleased lease lapsed and was taken over, if any:
    /// it may have died after Salesforce rotated the token and before it
    /// stored the new one.
    pub fn took_over(&self) -> Option<&Holder> {
        self.took_over.as_ref()
    }

    /// Makes sure enough of the lease is left to present a refresh token
    /// now. `read_sent` is when the request whose answer the client saw
    /// last was sent (the vault's `Date` of that answer, plus the time since,
    /// is the vault's clock now at the latest). Renews the lease when too
    /// little is left; an error when the lease was lost meanwhile.
    pub fn ensure_presentable(&mut self, read_sent: Instant) -> Result<()> {
        let now = server_now(&self.client, Some(read_sent))?;
        if self.left_at(now) >= self.terms.must_remain {
            return Ok(());
        }
        output::debug(&format!(
            "the lease has {} ms left, under the {} ms a refresh needs: renewing it",
            self.left_at(now).as_millis(),
            self.terms.must_remain.as_millis()
        ));
        let sent = Instant::now();
        let data = lease_data(&self.holder, HELD, self.terms.length);
        match self.client.write(&self.path, &data, Some(self.version))? {
            Ok(written) => {
                self.version = written.version;
                self.expires = written.created_time + to_chrono(self.terms.length);
                let now = server_now(&self.client, Some(sent))?;
                if self.left_at(now) >= self.terms.must_remain {
                    Ok(())
                } else {
                    Err(self.too_slow())
                }
            }
            Err(CasConflict) => {
                // Lost: it lapsed and another holder took it. We present nothing.
                self.released = true;
                Err(self.too_slow())
            }
        }
    }

    fn left_at(&self, now: DateTime<Utc>) -> Duration {
        (self.expires - now).to_std().unwrap_or(Duration::ZERO)
    }

    fn too_slow(&self) -> Error {
        Error::secret_store(format!(
            "the vault at {} answered too slowly to keep the refresh lease of this connection: the refresh token was not presented",
            self.client.label()
        ))
        .with_hint(format!(
            "try again; if the vault is often this slow, raise {} (the lease lasts {LENGTH_IN_TIMEOUTS} times it, and a second)",
            crate::settings::HTTP_TIMEOUT.env
        ))
    }

    /// Releases the lease (a tombstone written with check-and-set on our
    /// version; see the module header). A failure is only logged: the lease
    /// lapses by itself.
    fn release_now(&mut self) {
        if std::mem::replace(&mut self.released, true) {
            return;
        }
        let data = lease_data(&self.holder, RELEASED, self.terms.length);
        match self.client.write(&self.path, &data, Some(self.version)) {
            Ok(Ok(_)) => output::debug("released the vault lease"),
            Ok(Err(CasConflict)) => output::debug(
                "the vault lease had lapsed and another holder has it now; left as it is",
            ),
            Err(err) => output::debug(&format!(
                "could not release the vault lease (it lapses by itself): {}",
                err.message
            )),
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.release_now();
    }
}

fn lease_data(holder: &Holder, state: &str, length: Duration) -> Map<String, Value> {
    let value = json!({
        "state": state,
        "host": holder.host,
        "pid": holder.pid,
        "holder": holder.id,
        "lease_secs": length.as_secs(),
    });
    match value {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

/// The vault's clock now, at the latest: the `Date` of its last answer,
/// plus what our monotonic clock saw pass since that request was `sent`
/// (`None`: just now).
fn server_now(client: &VaultClient, sent: Option<Instant>) -> Result<DateTime<Utc>> {
    let date = client.server_date().ok_or_else(|| {
        Error::secret_store(format!(
            "the vault at {} sent no Date header: the refresh lease is judged by the vault's clock, and cannot be without it",
            client.label()
        ))
        .with_hint("check VAULT_ADDR: a proxy in front of the vault may strip the header")
    })?;
    Ok(date + to_chrono(sent.map_or(Duration::ZERO, |s| s.elapsed())))
}

fn to_chrono(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}

/// The machine's name, for the holder shown to whoever waits.
#[cfg(unix)]
fn host_name() -> String {
    let mut buffer = [0u8; 256];
    // SAFETY: gethostname writes at most `len` bytes into the buffer.
    let ok = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len()) } == 0;
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    match String::from_utf8_lossy(&buffer[..end]) {
        name if ok && !name.is_empty() => crate::salesforce::errors::clean(&name),
        _ => "an unnamed host".to_string(),
    }
}

#[cfg(not(unix))]
fn host_name() -> String {
    crate::settings::platform("HOSTNAME")
        .filter(|name| !name.trim().is_empty())
        .map(|name| crate::salesforce::errors::clean(name.trim()))
        .unwrap_or_else(|| "an unnamed host".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn held_by(holder: &Holder, secs: u64) -> Map<String, Value> {
        lease_data(holder, HELD, Duration::from_secs(secs))
    }

    #[test]
    fn a_lease_is_at_least_two_timeouts_and_a_token_needs_more_than_one_left() {
        for secs in [1, 2, 30, 86_400] {
            let timeout = Duration::from_secs(secs);
            let terms = Terms::for_timeout(timeout);
            assert!(terms.length >= timeout * 2, "{secs}");
            assert!(terms.must_remain > timeout, "{secs}");
            // A lease just taken leaves a timeout's slack above what a
            // refresh needs: no renewal in the ordinary case.
            assert!(terms.length - terms.must_remain >= timeout, "{secs}");
        }
    }

    #[test]
    fn an_absent_entry_is_created_only_if_still_absent() {
        assert_eq!(
            judge(None, at("2026-11-30T21:00:00Z")).unwrap(),
            Found::Free {
                cas: 0,
                lapsed: None
            }
        );
    }

    #[test]
    fn a_lease_is_judged_by_the_vault_clock() {
        let holder = Holder::this_process();
        let data = held_by(&holder, 90);
        let created = at("2026-11-30T21:00:00Z");
        // 89 s after its creation by the vault's clock: held, 1 s left.
        assert_eq!(
            judge(Some((7, &data, created)), at("2026-11-30T21:01:29Z")).unwrap(),
            Found::Held {
                holder: holder.clone(),
                left: Duration::from_secs(1)
            }
        );
        // At its end: lapsed, taken with cas on the version read.
        assert_eq!(
            judge(Some((7, &data, created)), at("2026-11-30T21:01:30Z")).unwrap(),
            Found::Free {
                cas: 7,
                lapsed: Some(holder)
            }
        );
    }

    #[test]
    fn a_released_lease_is_free_at_its_version() {
        let data = lease_data(&Holder::this_process(), RELEASED, Duration::from_secs(90));
        let created = at("2026-11-30T21:00:00Z");
        assert_eq!(
            judge(Some((3, &data, created)), created).unwrap(),
            Found::Free {
                cas: 3,
                lapsed: None
            }
        );
    }

    #[test]
    fn an_entry_sfconnect_did_not_write_is_not_taken() {
        let mut data = Map::new();
        data.insert("hello".into(), Value::from("world"));
        assert!(judge(Some((1, &data, at("2026-11-30T21:00:00Z"))), Utc::now()).is_err());
    }

    #[test]
    fn the_holder_names_host_and_pid() {
        let holder = Holder::this_process();
        assert!(!holder.host.is_empty());
        assert_eq!(holder.pid, std::process::id());
        assert!(crate::secrets::is_connection_id(&holder.id));
        assert_ne!(holder.id, Holder::this_process().id);
        let shown = holder.to_string();
        assert!(shown.contains(&holder.host) && shown.contains(&holder.pid.to_string()));
    }
}
