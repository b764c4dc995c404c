//! Whose process sent a callback: only this user's may end the login.
//!
//! The authorize URL, with its `state` and PKCE challenge, is on the
//! browser's command line, which every local user can read in
//! `/proc/PID/cmdline`. Another user can start an authorization with the
//! same `state` and challenge, log in to *their* org, and deliver that code
//! to our listener; the exchange would succeed (the challenge is ours), and
//! we would link the attacker's account. `state` cannot tell (RFC 9700
//! §4.7 assumes the attacker does not know it), so on Linux the listener
//! also asks the kernel who holds the other end of the connection: the
//! peer's row in `/proc/net/tcp{,6}` (`proc_net`), found by its address and
//! port and ours, must have a live inode and our effective uid.
//!
//! A socket no process holds any more (sent, then closed at once) shows
//! inode 0 and uid 0 there, so "uid 0" alone would let anyone hijack a root
//! login: a row without an inode is refused whatever its uid. So is a
//! connection whose row cannot be found. Elsewhere the platform offers no
//! such lookup and every peer is `NotChecked`.

use std::net::SocketAddr;

/// The verdict on the process at the other end of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    /// A live socket of this user.
    Ours,
    /// A live socket of another user (its uid).
    OtherUser(u32),
    /// The sender closed its socket before the answer: no process holds it,
    /// so no user can be named.
    Gone,
    /// No row for this connection (the tables are unreadable, say).
    Unknown,
    /// This platform gives no way to tell.
    NotChecked,
}

impl Peer {
    /// Whether a callback from this peer may end the login.
    pub fn may_end_the_login(&self) -> bool {
        matches!(self, Peer::Ours | Peer::NotChecked)
    }

    /// Why a callback from this peer was refused, for the terminal.
    pub fn refusal(&self) -> String {
        match self {
            Peer::OtherUser(uid) => format!("it came from another local user (uid {uid})"),
            Peer::Gone => {
                "its sender closed the connection at once, so its user cannot be known".to_string()
            }
            Peer::Unknown => {
                "the system did not say which user sent it (no row in /proc/net/tcp)".to_string()
            }
            Peer::Ours | Peer::NotChecked => String::new(),
        }
    }
}

/// Judges the connection from `peer` to our `local` address.
#[cfg(target_os = "linux")]
pub fn check(peer: SocketAddr, local: SocketAddr) -> Peer {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let our_uid = unsafe { libc::geteuid() };
    judge(&crate::login::proc_net::read_tables(), peer, local, our_uid)
}

#[cfg(not(target_os = "linux"))]
pub fn check(_peer: SocketAddr, _local: SocketAddr) -> Peer {
    Peer::NotChecked
}

/// The peer's own row is the one whose local address is the peer's and
/// whose remote address is ours (our accepted socket has the mirror row,
/// with our uid: it must not be taken for the peer's).
pub fn judge(tables: &[String], peer: SocketAddr, local: SocketAddr, our_uid: u32) -> Peer {
    use crate::login::proc_net::{canonical, rows};
    let (peer, local) = (canonical(peer), canonical(local));
    let mut found = false;
    for table in tables {
        for row in rows(table).filter(|r| r.local == peer && r.remote == local) {
            found = true;
            // A closed socket lingering on (time-wait, fin-wait) may share
            // the address pair with a live one; the live one decides.
            if row.inode != 0 {
                return if row.uid == our_uid {
                    Peer::Ours
                } else {
                    Peer::OtherUser(row.uid)
                };
            }
        }
    }
    if found { Peer::Gone } else { Peer::Unknown }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::login::proc_net::tests::{HEADER, row};

    const PEER: &str = "127.0.0.1:50000";
    const OURS: &str = "127.0.0.1:1717";

    fn table(rows: &[String]) -> Vec<String> {
        vec![format!("{HEADER}\n{}", rows.join("\n"))]
    }

    fn verdict(rows: &[String], our_uid: u32) -> Peer {
        judge(
            &table(rows),
            PEER.parse().unwrap(),
            OURS.parse().unwrap(),
            our_uid,
        )
    }

    #[test]
    fn a_live_socket_of_ours_may_end_the_login() {
        let rows = [row(OURS, PEER, 1, 1000, 11), row(PEER, OURS, 1, 1000, 12)];
        assert_eq!(verdict(&rows, 1000), Peer::Ours);
    }

    #[test]
    fn our_own_accepted_socket_is_not_the_peer() {
        // Only our side's row is there: the peer is someone we cannot see.
        let rows = [row(OURS, PEER, 1, 1000, 11)];
        assert_eq!(verdict(&rows, 1000), Peer::Unknown);
    }

    #[test]
    fn another_users_socket_is_refused() {
        let rows = [row(OURS, PEER, 1, 1000, 11), row(PEER, OURS, 1, 65534, 12)];
        assert_eq!(verdict(&rows, 1000), Peer::OtherUser(65534));
        assert!(!Peer::OtherUser(65534).may_end_the_login());
    }

    #[test]
    fn a_closed_socket_is_refused_even_for_root() {
        // Sent and closed at once: uid 0 and inode 0, which a root
        // sfconnect must not take for its own.
        let rows = [row(OURS, PEER, 8, 0, 11), row(PEER, OURS, 5, 0, 0)];
        assert_eq!(verdict(&rows, 0), Peer::Gone);
        assert!(!Peer::Gone.may_end_the_login());
        // Newer kernels keep the creator's uid on a closed socket.
        let rows = [row(PEER, OURS, 5, 1000, 0)];
        assert_eq!(verdict(&rows, 1000), Peer::Gone);
    }

    #[test]
    fn a_live_socket_beats_a_lingering_one_on_the_same_pair() {
        let rows = [row(PEER, OURS, 6, 0, 0), row(PEER, OURS, 1, 1000, 13)];
        assert_eq!(verdict(&rows, 1000), Peer::Ours);
    }

    #[test]
    fn other_connections_and_ports_do_not_count() {
        let rows = [
            row("127.0.0.1:50001", OURS, 1, 1000, 12),
            row(PEER, "127.0.0.1:1718", 1, 1000, 13),
            row(PEER, "0.0.0.0:0", 10, 1000, 14),
        ];
        assert_eq!(verdict(&rows, 1000), Peer::Unknown);
        assert!(!Peer::Unknown.may_end_the_login());
    }

    #[test]
    fn ipv6_and_dual_stack_peers_are_found() {
        let v6 = judge(
            &table(&[row("[::1]:50000", "[::1]:1717", 1, 1000, 12)]),
            "[::1]:50000".parse().unwrap(),
            "[::1]:1717".parse().unwrap(),
            1000,
        );
        assert_eq!(v6, Peer::Ours);
        // A dual-stack client socket talking IPv4 sits in tcp6, mapped.
        let mapped = row(
            "[::ffff:127.0.0.1]:50000",
            "[::ffff:127.0.0.1]:1717",
            1,
            7,
            12,
        );
        assert_eq!(verdict(&[mapped], 1000), Peer::OtherUser(7));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_ours_and_a_closed_client_is_gone() {
        use std::io::Write;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (accepted, from) = listener.accept().unwrap();
        let local = accepted.local_addr().unwrap();
        assert_eq!(check(from, local), Peer::Ours);
        client.write_all(b"x").unwrap();
        drop(client);
        assert_eq!(check(from, local), Peer::Gone);
    }
}
