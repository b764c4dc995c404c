//! Real host names for the fake Salesforce, with no switch in sfconnect.
//!
//! The documentation's examples name hosts such as
//! `https://acme.my.salesforce.com`. To run them unchanged, this module is
//! the HTTPS proxy (`HTTPS_PROXY`) of the examples' environment: it answers
//! `CONNECT host:443` for the hosts it stands in for, ends TLS itself with a
//! certificate for that name from a test CA, and passes the plain HTTP to the
//! fake that plays the host. The CA is trusted through `SSL_CERT_FILE`, which
//! sfconnect (rustls-native-certs), curl and Python read like the system
//! store. So sfconnect, curl and the test browser all speak real TLS to the
//! real name, through the same proxy support a user behind a proxy gets.
//!
//! Every other target is refused (403) and recorded: an example never
//! reaches the real Salesforce or anything else on the internet.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::ServerConnection;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

/// A test certificate authority and a server certificate it issued for a
/// set of host names.
pub struct TestCa {
    /// The CA certificate, PEM, for `SSL_CERT_FILE`.
    pub ca_pem: String,
    server: Arc<rustls::ServerConfig>,
}

impl TestCa {
    /// A fresh CA (its key lives only in this process) and one server
    /// certificate valid for every name in `hosts`.
    pub fn new(hosts: &[&str]) -> TestCa {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "sfconnect examples test CA");
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);

        let names: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, hosts.first().copied().unwrap_or("test"));
        params.use_authority_key_identifier_extension = true;
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &issuer).unwrap();

        let _ = rustls::crypto::ring::default_provider().install_default();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let chain = vec![
            cert.der().clone(),
            CertificateDer::from(ca_cert.der().to_vec()),
        ];
        let server = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server certificate");
        TestCa {
            ca_pem: ca_cert.pem(),
            server: Arc::new(server),
        }
    }
}

/// The proxy: `http://127.0.0.1:PORT`, standing in for some https hosts. It
/// stops taking connections when dropped.
pub struct StandIn {
    pub url: String,
    refused: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl StandIn {
    /// Serves `CONNECT host:443` for each `(host, plain_http_address)` of
    /// `hosts`, with `ca`'s certificate, which must name every host.
    pub fn start(ca: &TestCa, hosts: &[(&str, &str)]) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<HashMap<String, String>> = Arc::new(
            hosts
                .iter()
                .map(|(host, to)| (format!("{host}:443"), to.to_string()))
                .collect(),
        );
        let refused = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log, config, stopped) = (
            Arc::clone(&refused),
            Arc::clone(&ca.server),
            Arc::clone(&stop),
        );
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let (routes, log, config) = (routes.clone(), log.clone(), config.clone());
                thread::spawn(move || {
                    let _ = serve(client, &routes, &log, config);
                });
            }
        });
        StandIn { url, refused, stop }
    }

    /// The proxy requests refused (first lines), e.g. `CONNECT
    /// login.salesforce.com:443 HTTP/1.1`.
    pub fn refused(&self) -> Vec<String> {
        self.refused
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

fn serve(
    client: TcpStream,
    routes: &HashMap<String, String>,
    refused: &Mutex<Vec<String>>,
    config: Arc<rustls::ServerConfig>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let route = match (parts.next(), parts.next()) {
        (Some("CONNECT"), Some(target)) => routes.get(target),
        _ => None,
    };
    let mut client_out = client;
    let Some(upstream) = route else {
        refused
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request_line.trim_end().to_string());
        client_out.write_all(
            b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )?;
        return Ok(());
    };
    let upstream = TcpStream::connect(upstream)?;
    client_out.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")?;
    // A client may send its ClientHello right behind the CONNECT request.
    let early = reader.buffer().to_vec();
    drop(reader);
    terminate_tls(client_out, early, upstream, config)
}

/// Ends TLS on `client` and relays the plain bytes to and from `upstream`
/// until either side closes. One thread per direction; the TLS state is
/// shared, locked only while bytes are processed, never across a read.
fn terminate_tls(
    client: TcpStream,
    early: Vec<u8>,
    upstream: TcpStream,
    config: Arc<rustls::ServerConfig>,
) -> std::io::Result<()> {
    let tls = Arc::new(Mutex::new(
        ServerConnection::new(config).map_err(std::io::Error::other)?,
    ));
    let inbound = {
        let (tls, mut from_client, mut to_client, mut to_upstream) = (
            Arc::clone(&tls),
            client.try_clone()?,
            client.try_clone()?,
            upstream.try_clone()?,
        );
        thread::spawn(move || {
            let mut pending = early;
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                if pending.is_empty() {
                    match from_client.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => pending.extend_from_slice(&buf[..n]),
                    }
                }
                let plain = {
                    let mut tls = tls.lock().unwrap_or_else(PoisonError::into_inner);
                    match decrypt(&mut tls, &mut pending, &mut to_client) {
                        Ok(plain) => plain,
                        Err(_) => break,
                    }
                };
                match plain {
                    Some(plain) if to_upstream.write_all(&plain).is_ok() => {}
                    _ => break,
                }
            }
            let _ = to_upstream.shutdown(Shutdown::Write);
        })
    };
    let (mut from_upstream, mut to_client) = (upstream, client);
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from_upstream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut tls = tls.lock().unwrap_or_else(PoisonError::into_inner);
        if tls.writer().write_all(&buf[..n]).is_err() || flush(&mut tls, &mut to_client).is_err() {
            break;
        }
    }
    {
        let mut tls = tls.lock().unwrap_or_else(PoisonError::into_inner);
        tls.send_close_notify();
        let _ = flush(&mut tls, &mut to_client);
    }
    let _ = to_client.shutdown(Shutdown::Both);
    let _ = inbound.join();
    Ok(())
}

/// Feeds the TLS bytes of `pending` to `tls`, sends what the handshake
/// answers, and returns the plain bytes received (None once the client
/// closed the TLS session).
fn decrypt(
    tls: &mut ServerConnection,
    pending: &mut Vec<u8>,
    to_client: &mut TcpStream,
) -> std::io::Result<Option<Vec<u8>>> {
    let mut plain = Vec::new();
    let mut closed = false;
    let mut input = &pending[..];
    while !input.is_empty() {
        tls.read_tls(&mut input)?;
        let state = tls.process_new_packets().map_err(std::io::Error::other);
        flush(tls, to_client)?;
        let state = state?;
        let mut chunk = vec![0u8; state.plaintext_bytes_to_read()];
        tls.reader().read_exact(&mut chunk)?;
        plain.extend_from_slice(&chunk);
        closed |= state.peer_has_closed();
    }
    pending.clear();
    Ok((!closed || !plain.is_empty()).then_some(plain))
}

fn flush(tls: &mut ServerConnection, to_client: &mut TcpStream) -> std::io::Result<()> {
    while tls.wants_write() {
        tls.write_tls(to_client)?;
    }
    Ok(())
}
