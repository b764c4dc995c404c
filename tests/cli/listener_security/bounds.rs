//! What one connection, or many, may cost the listener: a head is read up
//! to 16 KiB and no further, at most 32 connections are held (the longest
//! idle is evicted), a head must be complete within 10 s of connecting.
//! The memory of the waiting sfconnect stays under 50 MiB through a 100 MiB
//! head and 200 idle connections, and the genuine callback still links.

#[cfg(target_os = "linux")]
use super::wait_until;
use super::{PATIENCE, Waiting};
use crate::support::Sandbox;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The bound on memory the issue sets for the waiting process.
#[cfg(target_os = "linux")]
const MEMORY_BOUND_KIB: u64 = 50 * 1024;
/// Connections held at once, plus the two listening sockets.
#[cfg(target_os = "linux")]
const SOCKET_BOUND: usize = 32 + 2;

#[cfg(target_os = "linux")]
#[test]
fn an_endless_head_and_a_flood_of_idle_connections_stay_bounded_and_ours_links() {
    let mut sandbox = Sandbox::new();
    let waiting = Waiting::start(&mut sandbox);
    let pid = waiting.live.pid();

    // 200 idle connections, all held until the end.
    let idle: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(waiting.v4()).expect("the listener accepts"))
        .collect();
    wait_until("sfconnect holds at most 32 connections", || {
        sockets_of(pid) <= SOCKET_BOUND
    });

    // 100 MiB without a line end, as fast as the listener takes it.
    let mut streamer = TcpStream::connect(waiting.v4()).expect("the listener accepts");
    streamer.set_write_timeout(Some(PATIENCE)).unwrap();
    let chunk = vec![b'A'; 64 * 1024];
    let total = 100 * 1024 * 1024;
    let started = Instant::now();
    let mut sent = 0;
    while sent < total && started.elapsed() < PATIENCE * 2 {
        match streamer.write_all(&chunk) {
            Ok(()) => sent += chunk.len(),
            Err(_) => break,
        }
    }
    assert!(
        sent < total,
        "the listener read all 100 MiB of a head without an end"
    );
    let (peak, now) = memory_kib(pid);
    eprintln!(
        "sent {} KiB before the listener closed; sfconnect peak {peak} KiB, now {now} KiB, {} sockets",
        sent / 1024,
        sockets_of(pid)
    );
    assert!(
        peak < MEMORY_BOUND_KIB,
        "sfconnect's peak memory is {peak} KiB"
    );
    // An evicted connection is shut down at once, but its descriptor is
    // closed by its reading thread when that thread next runs: under load
    // that is a moment later, so wait for it rather than count mid-way.
    wait_until(
        "sfconnect holds at most 32 connections after the stream",
        || sockets_of(pid) <= SOCKET_BOUND,
    );
    waiting.link_genuinely(&sandbox);
    drop(idle);
}

#[test]
fn a_silent_or_trickling_client_is_cut_off_and_ours_links() {
    let mut sandbox = Sandbox::new();
    let waiting = Waiting::start(&mut sandbox);
    let mut silent = TcpStream::connect(waiting.v4()).expect("the listener accepts");
    let address = waiting.v4();
    // One byte every 250 ms keeps a connection busy but never completes
    // its head; at most twice the patience, or until the listener closes it.
    let trickler = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(address).expect("the listener accepts");
        stream.set_write_timeout(Some(PATIENCE)).unwrap();
        if stream.write_all(b"GET /OauthRedirect?code=").is_err() {
            return true;
        }
        let started = Instant::now();
        while started.elapsed() < PATIENCE * 2 {
            if stream.write_all(b"a").is_err() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        false
    });
    silent.set_read_timeout(Some(PATIENCE)).unwrap();
    let closed = match silent.read(&mut [0u8; 64]) {
        Ok(0) => true,
        Ok(n) => panic!("the listener sent {n} bytes to a silent client"),
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    };
    assert!(
        closed,
        "a silent connection was still open after {PATIENCE:?}"
    );
    assert!(
        trickler.join().unwrap(),
        "a trickling connection was still open after {:?}",
        PATIENCE * 2
    );
    waiting.link_genuinely(&sandbox);
}

#[cfg(target_os = "linux")]
/// The sockets the process holds open: distinct `socket:[inode]` targets
/// of its file descriptors (one socket may have several descriptors).
fn sockets_of(pid: u32) -> usize {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return 0;
    };
    fds.flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .map(|link| link.to_string_lossy().into_owned())
        .filter(|link| link.starts_with("socket:"))
        .collect::<std::collections::HashSet<_>>()
        .len()
}

#[cfg(target_os = "linux")]
/// (peak, current) resident memory in KiB, from /proc/PID/status.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("sfconnect runs");
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {status}"))
    };
    (field("VmHWM:"), field("VmRSS:"))
}
