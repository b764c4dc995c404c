//! Linux's tables of TCP sockets, `/proc/net/tcp` and `/proc/net/tcp6`.
//!
//! Two parts of the login read them: `port_holder` (which process listens on
//! a busy port) and `peer` (whose socket sent a callback). One parser serves
//! both. The format is documented in the kernel's
//! `Documentation/networking/proc_net_tcp.rst`: after a header line, one
//! row per socket, `sl local_address rem_address st tx:rx tr:when retrnsmt
//! uid timeout inode ...`. Addresses are hex of the raw address words as the
//! host stores them (so 127.0.0.1 reads `0100007F` on a little-endian
//! machine), then `:` and the port in big-endian hex.
//!
//! The parser is pure and compiled everywhere so it is unit-tested
//! everywhere; only Linux has the files.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

/// `st` of a socket in LISTEN state.
pub const LISTEN: u8 = 0x0A;

/// The tables, IPv4 first.
pub const TABLES: [&str; 2] = ["/proc/net/tcp", "/proc/net/tcp6"];

/// One socket of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// This socket's own address.
    pub local: SocketAddr,
    /// The address it is connected to (all zeros for a listener).
    pub remote: SocketAddr,
    /// TCP state (`01` established, `0A` listen, `06` time-wait, ...).
    pub state: u8,
    /// Owner of the socket's inode: who created it. The kernel shows 0 for
    /// a socket no process holds any more (closed, lingering on).
    pub uid: u32,
    /// 0 for a socket no process holds any more.
    pub inode: u64,
}

/// The rows of one table; lines that do not parse are skipped.
pub fn rows(table: &str) -> impl Iterator<Item = Row> + '_ {
    table.lines().skip(1).filter_map(parse_row)
}

fn parse_row(line: &str) -> Option<Row> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    Some(Row {
        local: parse_address(fields.get(1)?)?,
        remote: parse_address(fields.get(2)?)?,
        state: u8::from_str_radix(fields.get(3)?, 16).ok()?,
        uid: fields.get(7)?.parse().ok()?,
        inode: fields.get(9)?.parse().ok()?,
    })
}

/// `0100007F:06B5` or 32 hex digits of IPv6, then the port. IPv4-mapped
/// IPv6 addresses (a dual-stack socket talking IPv4) come back as IPv4, so
/// that both tables describe one connection the same way.
fn parse_address(text: &str) -> Option<SocketAddr> {
    let (address, port) = text.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let mut bytes = Vec::with_capacity(16);
    for word in address.as_bytes().chunks(8) {
        let word = std::str::from_utf8(word).ok()?;
        if word.len() != 8 {
            return None;
        }
        // The kernel printed each 32-bit word of the address as the host
        // holds it in memory; native order gives the bytes back.
        bytes.extend_from_slice(&u32::from_str_radix(word, 16).ok()?.to_ne_bytes());
    }
    let address = match bytes.len() {
        4 => Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?).into(),
        16 => Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?).into(),
        _ => return None,
    };
    Some(canonical(SocketAddr::new(address, port)))
}

/// The address with an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`)
/// written as IPv4.
pub fn canonical(address: SocketAddr) -> SocketAddr {
    match address {
        SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::new(v4.into(), v6.port()),
            None => address,
        },
        SocketAddr::V4(_) => address,
    }
}

/// Both tables of this machine, as text (a missing one is empty).
#[cfg(target_os = "linux")]
pub fn read_tables() -> Vec<String> {
    TABLES
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .collect()
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// An address as the kernel writes it on this machine.
    pub fn hex(address: SocketAddr) -> String {
        let words: Vec<[u8; 4]> = match address.ip() {
            std::net::IpAddr::V4(v4) => vec![v4.octets()],
            std::net::IpAddr::V6(v6) => v6
                .octets()
                .chunks(4)
                .map(|w| w.try_into().unwrap())
                .collect(),
        };
        let words: String = words
            .into_iter()
            .map(|w| format!("{:08X}", u32::from_ne_bytes(w)))
            .collect();
        format!("{words}:{:04X}", address.port())
    }

    /// One table row in the kernel's layout.
    pub fn row(local: &str, remote: &str, state: u8, uid: u32, inode: u64) -> String {
        format!(
            "   0: {} {} {state:02X} 00000000:00000000 00:00000000 00000000 {uid:>5}        0 {inode} 1 0000000000000000 20 4 30 10 -1",
            hex(local.parse().unwrap()),
            hex(remote.parse().unwrap()),
        )
    }

    pub const HEADER: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

    #[test]
    fn reads_addresses_state_uid_and_inode() {
        let table = [
            HEADER.to_string(),
            row("127.0.0.1:1717", "0.0.0.0:0", LISTEN, 1000, 4242),
            row("127.0.0.1:40000", "127.0.0.1:1717", 1, 65534, 77),
        ]
        .join("\n");
        let rows: Vec<Row> = rows(&table).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].local, "127.0.0.1:1717".parse().unwrap());
        assert_eq!(rows[0].state, LISTEN);
        assert_eq!((rows[0].uid, rows[0].inode), (1000, 4242));
        assert_eq!(rows[1].remote, "127.0.0.1:1717".parse().unwrap());
        assert_eq!((rows[1].state, rows[1].uid, rows[1].inode), (1, 65534, 77));
    }

    #[test]
    fn ipv6_and_mapped_ipv4() {
        let table = [
            HEADER.to_string(),
            row("[::1]:1717", "[::1]:50000", 1, 0, 1),
            row(
                "[::ffff:127.0.0.1]:50001",
                "[::ffff:127.0.0.1]:1717",
                1,
                0,
                2,
            ),
        ]
        .join("\n");
        let rows: Vec<Row> = rows(&table).collect();
        assert_eq!(rows[0].local, "[::1]:1717".parse().unwrap());
        assert_eq!(rows[1].local, "127.0.0.1:50001".parse().unwrap());
        assert_eq!(rows[1].remote, "127.0.0.1:1717".parse().unwrap());
    }

    #[cfg(target_endian = "little")]
    #[test]
    fn reads_the_kernels_own_spelling() {
        let line = "   1: 0100007F:06B5 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0000000000000000 20 4 30 10 -1";
        let row = rows(&format!("{HEADER}\n{line}")).next().unwrap();
        assert_eq!(row.local, "127.0.0.1:1717".parse().unwrap());
        assert_eq!(row.remote, "127.0.0.1:54321".parse().unwrap());
        let v6 = "   0: 00000000000000000000000001000000:06B5 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9 1";
        let row = rows(&format!("{HEADER}\n{v6}")).next().unwrap();
        assert_eq!(row.local, "[::1]:1717".parse().unwrap());
    }

    #[test]
    fn garbage_is_skipped() {
        let table = format!(
            "{HEADER}\nnot a row\n   0: 0100007F 0100007F:1 01\n   0: XYZ:1 0100007F:1 01 0 0 0 0 0 0\n{}",
            row("127.0.0.1:1", "127.0.0.1:2", 1, 5, 6)
        );
        assert_eq!(rows(&table).count(), 1);
        assert_eq!(rows("").count(), 0);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn finds_a_live_connection_of_this_process() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (from, to) = (client.local_addr().unwrap(), client.peer_addr().unwrap());
        let found: Vec<Row> = read_tables()
            .iter()
            .flat_map(|t| rows(t).collect::<Vec<_>>())
            .filter(|r| r.local == from && r.remote == to)
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].uid, unsafe { libc::geteuid() });
        assert_ne!(found[0].inode, 0);
    }
}
