//! A loopback port that refuses every connection for as long as the test
//! needs it: a TCP socket bound to it that never listens. Unlike a port
//! found free and released, no other process can start listening on it in
//! between.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

pub struct RefusingPort {
    _socket: OwnedFd,
    pub port: u16,
}

impl RefusingPort {
    pub fn bind() -> RefusingPort {
        // SAFETY: plain socket calls on a descriptor we own; the address
        // structures are zeroed and sized as the calls expect.
        unsafe {
            let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
            assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
            let socket = OwnedFd::from_raw_fd(fd);
            let mut address: libc::sockaddr_in = std::mem::zeroed();
            address.sin_family = libc::AF_INET as libc::sa_family_t;
            address.sin_addr.s_addr = u32::from(std::net::Ipv4Addr::LOCALHOST).to_be();
            let size = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            let bound = libc::bind(
                socket.as_raw_fd(),
                (&raw const address).cast::<libc::sockaddr>(),
                size,
            );
            assert_eq!(bound, 0, "bind: {}", std::io::Error::last_os_error());
            let mut length = size;
            let named = libc::getsockname(
                socket.as_raw_fd(),
                (&raw mut address).cast::<libc::sockaddr>(),
                &mut length,
            );
            assert_eq!(named, 0, "getsockname: {}", std::io::Error::last_os_error());
            RefusingPort {
                _socket: socket,
                port: u16::from_be(address.sin_port),
            }
        }
    }
}
