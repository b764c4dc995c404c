//! The listener's open connections: at most `MAX_CONNECTIONS`, and a flood
//! never locks the browser out.
//!
//! Any local process can connect to the listener, and each connection costs
//! a thread and a buffer while its head is read. When the table is full, a
//! new connection evicts the one that has been idle longest (least recent
//! bytes) among those still being read: a flood of silent connections
//! evicts its own members, while the browser's, which sends its request at
//! once, is the newest when it arrives and is read at once. A connection
//! handed to the login's wait is not evicted (its head is complete and it
//! is answered straight away). Eviction shuts the socket down, which ends
//! the read on its thread.

use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// Open connections at once (the bound).
pub const MAX_CONNECTIONS: usize = 32;

#[derive(Default)]
pub struct Connections {
    table: Mutex<Table>,
}

#[derive(Default)]
struct Table {
    next_id: u64,
    entries: Vec<Entry>,
    /// Set when the login has its callback: nothing new is admitted.
    closed: bool,
}

struct Entry {
    id: u64,
    /// A handle on the socket, to shut it down on eviction.
    socket: TcpStream,
    last_bytes: Instant,
    handed_over: bool,
}

/// A place in the table, held for as long as the connection is open; it
/// frees itself when dropped.
pub struct Slot {
    id: u64,
    connections: Arc<Connections>,
}

impl Connections {
    fn table(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A slot for a new connection, evicting the longest-idle one being
    /// read when the table is full. None when the listener is closed, when
    /// the socket cannot be shared, or when every slot is handed over.
    pub fn admit(self: &Arc<Self>, stream: &TcpStream) -> Option<Slot> {
        let socket = stream.try_clone().ok()?;
        let mut table = self.table();
        if table.closed {
            return None;
        }
        if table.entries.len() >= MAX_CONNECTIONS {
            let oldest = table
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| !e.handed_over)
                .min_by_key(|(_, e)| (e.last_bytes, e.id))
                .map(|(i, _)| i)?;
            let evicted = table.entries.swap_remove(oldest);
            let _ = evicted.socket.shutdown(Shutdown::Both);
        }
        table.next_id += 1;
        let id = table.next_id;
        table.entries.push(Entry {
            id,
            socket,
            last_bytes: Instant::now(),
            handed_over: false,
        });
        Some(Slot {
            id,
            connections: Arc::clone(self),
        })
    }

    /// Shuts down every connection still being read and admits no more.
    pub fn close(&self) {
        let mut table = self.table();
        table.closed = true;
        table.entries.retain(|e| {
            if !e.handed_over {
                let _ = e.socket.shutdown(Shutdown::Both);
            }
            e.handed_over
        });
    }

    /// How many connections are open (for tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.table().entries.len()
    }
}

impl Slot {
    /// Bytes arrived: the connection is not idle.
    pub fn touch(&self) {
        if let Some(entry) = self.entry(&mut self.connections.table()) {
            entry.last_bytes = Instant::now();
        }
    }

    /// The head is complete and goes to the wait, unless the listener is
    /// closed (or this connection was evicted meanwhile): `hand_over` runs
    /// under the table's lock, so the wait never receives a request after
    /// it closed the listener.
    pub fn hand_over(&self, deliver: impl FnOnce() -> bool) -> bool {
        let mut table = self.connections.table();
        if table.closed {
            return false;
        }
        match self.entry(&mut table) {
            Some(entry) => {
                entry.handed_over = true;
                deliver()
            }
            None => false,
        }
    }

    fn entry<'t>(&self, table: &'t mut Table) -> Option<&'t mut Entry> {
        table.entries.iter_mut().find(|e| e.id == self.id)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.connections.table().entries.retain(|e| e.id != self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpListener;

    /// A connected pair: (the client's end, the listener's end).
    fn pair(listener: &TcpListener) -> (TcpStream, TcpStream) {
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (client, server)
    }

    fn is_shut(client: &mut TcpStream) -> bool {
        client
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        matches!(client.read(&mut [0u8; 1]), Ok(0) | Err(_))
    }

    #[test]
    fn a_full_table_evicts_the_longest_idle_connection_being_read() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let connections = Arc::new(Connections::default());
        let mut open = Vec::new();
        for _ in 0..MAX_CONNECTIONS {
            let (client, server) = pair(&listener);
            let slot = connections.admit(&server).unwrap();
            open.push((client, server, slot));
        }
        // The first is handed over, the second has just sent bytes: the
        // third is now the longest idle.
        assert!(open[0].2.hand_over(|| true));
        open[1].2.touch();
        let (_client, server) = pair(&listener);
        let _newest = connections.admit(&server).unwrap();
        assert_eq!(connections.len(), MAX_CONNECTIONS);
        assert!(is_shut(&mut open[2].0), "the longest idle is shut down");
        open.remove(2);
        // The others are untouched.
        for (client, _, _) in &open {
            client.set_nonblocking(true).unwrap();
            let mut byte = [0u8; 1];
            let still_open = matches!(
                (&*client).read(&mut byte),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock
            );
            assert!(still_open);
        }
    }

    #[test]
    fn slots_free_themselves_and_closing_admits_no_more() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let connections = Arc::new(Connections::default());
        let (mut reading_client, reading) = pair(&listener);
        let (_held_client, held) = pair(&listener);
        let reading_slot = connections.admit(&reading).unwrap();
        let held_slot = connections.admit(&held).unwrap();
        assert!(held_slot.hand_over(|| true));
        drop(connections.admit(&pair(&listener).1).unwrap());
        assert_eq!(connections.len(), 2);
        connections.close();
        assert!(is_shut(&mut reading_client));
        assert!(!reading_slot.hand_over(|| true), "closed");
        assert!(connections.admit(&pair(&listener).1).is_none());
        assert_eq!(connections.len(), 1, "the handed-over one stays");
    }
}
