//! Which process holds a busy TCP port, so the error can name it.
//!
//! Linux only, through /proc: find the listening socket's inode for the port
//! in /proc/net/tcp and /proc/net/tcp6 (read by `proc_net`, which `peer`
//! shares), then the process with a file
//! descriptor linked to `socket:[inode]`, and its name in /proc/PID/comm.
//! Processes of other users are usually unreadable; then we say nothing
//! rather than guess. Elsewhere the answer is always "unknown".

use crate::login::proc_net;

/// A process holding a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    pub name: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (pid {})", self.name, self.pid)
    }
}

/// The process listening on TCP `port`, where the OS lets us see it.
#[cfg(target_os = "linux")]
pub fn find(port: u16) -> Option<Holder> {
    let inodes: Vec<u64> = proc_net::read_tables()
        .iter()
        .flat_map(|table| listening_inodes(table, port))
        .collect();
    if inodes.is_empty() {
        return None;
    }
    let wanted: Vec<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            let Ok(link) = std::fs::read_link(fd.path()) else {
                continue;
            };
            if wanted.iter().any(|w| link.as_os_str() == w.as_str()) {
                let name = std::fs::read_to_string(entry.path().join("comm"))
                    .map(|n| n.trim().to_string())
                    .unwrap_or_else(|_| "?".to_string());
                return Some(Holder { pid, name });
            }
        }
    }
    None
}

#[cfg(not(target_os = "linux"))]
pub fn find(_port: u16) -> Option<Holder> {
    None
}

/// The inodes of sockets in LISTEN state (`0A`) on `port`, from a
/// /proc/net/tcp{,6} table (any local address: 0.0.0.0 blocks loopback too).
pub fn listening_inodes(table: &str, port: u16) -> Vec<u64> {
    proc_net::rows(table)
        .filter(|row| row.state == proc_net::LISTEN && row.local.port() == port && row.inode != 0)
        .map(|row| row.inode)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:06B5 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:06B5 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0000000000000000 20 4 30 10 -1
   2: 00000000:06B6 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0000000000000000 100 0 0 10 0
";

    #[test]
    fn finds_only_listening_sockets_on_the_port() {
        assert_eq!(listening_inodes(TABLE, 1717), vec![4242]);
        assert_eq!(listening_inodes(TABLE, 1718), vec![4444]);
        assert!(listening_inodes(TABLE, 80).is_empty());
        assert!(listening_inodes("garbage\nmore garbage", 1717).is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn names_this_process_as_the_holder() {
        let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = socket.local_addr().unwrap().port();
        let holder = find(port).expect("our own socket is visible");
        assert_eq!(holder.pid, std::process::id());
        assert!(
            holder
                .to_string()
                .contains(&format!("pid {}", std::process::id()))
        );
    }
}
