//! Once the callback is judged, the listener stops listening: while the
//! code is being exchanged, connecting is refused. The browser's request
//! is held and answered with the outcome once the connection is stored,
//! and its connection is closed before the approvals query is answered.
//!
//! The fake holds its answers to the code exchange and the approvals query, so
//! each step is a state the test waits for, not a race it hopes to win.

use super::{PATIENCE, Waiting, wait_until};
use crate::support::Sandbox;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv6Addr, SocketAddr, TcpStream};

#[test]
fn the_listener_closes_once_the_callback_is_judged_and_the_browser_gets_the_outcome() {
    let mut sandbox = Sandbox::new();
    let exchange = sandbox
        .fake
        .hold_answers("/services/oauth2/token", Some("authorization_code"));
    let approvals = sandbox.fake.hold_answers("/services/data/", None);
    let waiting = Waiting::start(&mut sandbox);

    // The browser's callback, on a connection it would keep alive.
    let mut browser = TcpStream::connect(waiting.v4()).expect("the listener accepts");
    write!(
        browser,
        "GET {} HTTP/1.1\r\nHost: {}\r\n\r\n",
        waiting.genuine,
        waiting.host()
    )
    .unwrap();
    wait_until("the code exchange reaches the fake", || {
        sandbox.fake.token_requests("authorization_code") == 1
    });

    // Judged: nothing new is accepted, on either loopback address.
    let refused = |address: SocketAddr| match TcpStream::connect(address) {
        Ok(_) => panic!("{address} accepted a connection after the callback was judged"),
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionRefused, "{address}: {e}"),
    };
    refused(waiting.v4());
    if std::net::TcpListener::bind((Ipv6Addr::LOCALHOST, 0)).is_ok() {
        refused(SocketAddr::from((Ipv6Addr::LOCALHOST, waiting.port)));
    }
    // The browser is still waiting: nothing is stored yet.
    browser.set_nonblocking(true).unwrap();
    let early = browser.read(&mut [0u8; 1]);
    assert!(
        matches!(&early, Err(e) if e.kind() == ErrorKind::WouldBlock),
        "the browser was answered before the exchange: {early:?}"
    );
    browser.set_nonblocking(false).unwrap();

    // The exchange completes: the browser reads the outcome, and its
    // connection ends, while the approvals query is still held.
    exchange.open();
    browser.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut page = String::new();
    let read = browser.read_to_string(&mut page);
    assert!(
        read.is_ok(),
        "the browser's connection stayed open ({read:?}); got {page:?}"
    );
    assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
    assert!(page.contains("Linked"), "{page}");
    assert_eq!(
        sandbox.connections().len(),
        1,
        "the page came before the connection was stored"
    );

    approvals.open();
    let run = waiting.live.finish().expect(0);
    assert!(run.stdout.contains("linked"), "{run:?}");
    assert_eq!(sandbox.fake.token_requests("authorization_code"), 1);
}
