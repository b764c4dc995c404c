//! The stand-in for real host names (`support::stand_in`): TLS with a
//! certificate for the name, trusted only through the test CA, to the fake
//! playing that host; every other target refused.

use super::*;
use crate::support::stand_in::{StandIn, TestCa};

const HOST: &str = "acme.my.salesforce.com";

/// A client that goes through `proxy`, trusting `ca` if given, else only
/// the built-in roots (which know nothing of the test CA).
fn through(proxy: &StandIn, ca: Option<&TestCa>) -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = Client::builder()
        .proxy(reqwest::Proxy::https(&proxy.url).unwrap())
        .timeout(Duration::from_secs(20));
    if let Some(ca) = ca {
        let root = reqwest::Certificate::from_pem(ca.ca_pem.as_bytes()).unwrap();
        builder = builder.tls_certs_only([root]);
    }
    builder.build().expect("http client")
}

#[test]
fn a_named_host_is_the_fake_over_verified_tls_and_others_are_refused() {
    let fake = FakeSalesforce::start_as(Some(&format!("https://{HOST}")), FakeUser::default());
    let ca = TestCa::new(&[HOST]);
    let proxy = StandIn::start(&ca, &[(HOST, &fake.address())]);
    let client = through(&proxy, Some(&ca));

    let versions = client
        .get(format!("https://{HOST}/services/data/"))
        .send()
        .expect("the stand-in answers for the name");
    assert_eq!(versions.status(), 200);
    assert!(versions.text().unwrap().contains("\"version\""));
    assert_eq!(fake.count("GET", "/services/data/"), 1, "the fake answered");
    assert!(proxy.refused().is_empty(), "{:?}", proxy.refused());

    // The fake names itself by the public URL, and listens on loopback.
    assert_eq!(fake.url(), format!("https://{HOST}"));
    assert!(fake.address().starts_with("127.0.0.1:"));

    let elsewhere = client.get("https://login.salesforce.com/").send();
    assert!(elsewhere.is_err(), "{elsewhere:?}");
    assert_eq!(
        proxy.refused(),
        ["CONNECT login.salesforce.com:443 HTTP/1.1"]
    );

    // Without the test CA the certificate is not trusted.
    let untrusting = through(&proxy, None)
        .get(format!("https://{HOST}/services/data/"))
        .send();
    assert!(untrusting.is_err(), "{untrusting:?}");
    assert_eq!(fake.count("GET", "/services/data/"), 1);
}
