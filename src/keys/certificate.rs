//! The self-signed X.509 certificate `keygen` writes beside the key: what
//! the External Client App needs for "Use digital signatures", so Salesforce
//! can check the JWT's signature (docs/salesforce-oauth.md §11).
//!
//! Salesforce reads only the public key from it, but it must be a proper
//! certificate: a v3 certificate (RFC 5280 §4.1) like the one
//! `openssl req -x509` makes, signed sha256WithRSAEncryption by its own key,
//! with a random 128-bit serial, the subject as issuer, basicConstraints
//! (CA, critical) and a subjectKeyIdentifier (SHA-1 of the key, RFC 5280 §4.2.1.2).

use super::der::{
    self, BIT_STRING, BOOLEAN, NULL, OCTET_STRING, OID, SEQUENCE, SET, UTF8_STRING, constructed,
    oids, tlv, unsigned,
};
use super::private_key::RsaKey;
use chrono::{DateTime, Utc};

/// A DER certificate for `key`, valid from `not_before` to `not_after`.
pub fn self_signed(
    key: &RsaKey,
    common_name: &str,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
) -> Vec<u8> {
    let signature_algorithm =
        constructed(SEQUENCE, &[&tlv(OID, oids::SHA256_WITH_RSA), &[NULL, 0]]);
    let name = constructed(
        SEQUENCE,
        &[&constructed(
            SET,
            &[&constructed(
                SEQUENCE,
                &[
                    &tlv(OID, oids::COMMON_NAME),
                    &tlv(UTF8_STRING, common_name.as_bytes()),
                ],
            )],
        )],
    );
    let public_key = key.public_key_der();
    let spki = constructed(
        SEQUENCE,
        &[
            &constructed(SEQUENCE, &[&tlv(OID, oids::RSA_ENCRYPTION), &[NULL, 0]]),
            &tlv(BIT_STRING, &[&[0u8][..], public_key].concat()),
        ],
    );
    let key_id = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, public_key);
    let extensions = constructed(
        SEQUENCE,
        &[
            &constructed(
                SEQUENCE,
                &[
                    &tlv(OID, oids::BASIC_CONSTRAINTS),
                    &tlv(BOOLEAN, &[0xff]),
                    &tlv(
                        OCTET_STRING,
                        &constructed(SEQUENCE, &[&tlv(BOOLEAN, &[0xff])]),
                    ),
                ],
            ),
            &constructed(
                SEQUENCE,
                &[
                    &tlv(OID, oids::SUBJECT_KEY_IDENTIFIER),
                    &tlv(OCTET_STRING, &tlv(OCTET_STRING, key_id.as_ref())),
                ],
            ),
        ],
    );
    let tbs = constructed(
        SEQUENCE,
        &[
            &tlv(0xa0, &unsigned(&[2])),
            &unsigned(&serial()),
            &signature_algorithm,
            &name,
            &constructed(SEQUENCE, &[&der::time(not_before), &der::time(not_after)]),
            &name,
            &spki,
            &tlv(0xa3, &extensions),
        ],
    );
    let signature = key.sign_rs256(&tbs);
    constructed(
        SEQUENCE,
        &[
            &tbs,
            &signature_algorithm,
            &tlv(BIT_STRING, &[&[0u8][..], &signature].concat()),
        ],
    )
}

/// A positive 128-bit serial number (RFC 5280 §4.1.2.2: at most 20 octets).
fn serial() -> [u8; 16] {
    let mut serial = [0u8; 16];
    getrandom::fill(&mut serial).expect("the OS random number generator failed");
    serial[0] = (serial[0] & 0x7f) | 0x40;
    serial
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::der::Reader;

    /// Takes the certificate apart again and checks its self-signature
    /// with ring's verifier (the integration tests parse it with x509-cert
    /// and OpenSSL).
    #[test]
    fn the_certificate_is_signed_by_its_own_key() {
        let pem = include_bytes!("../../tests/fixtures/keys/rsa2048-pkcs1.pem");
        let key = RsaKey::from_pem(pem).unwrap();
        let now = Utc::now();
        let cert = self_signed(&key, "sfconnect test", now, now + chrono::Days::new(30));
        let mut outer = Reader::new(Reader::new(&cert).expect(SEQUENCE).unwrap());
        let tbs_start = {
            let mut probe = Reader::new(&cert);
            let contents = probe.expect(SEQUENCE).unwrap();
            cert.len() - contents.len()
        };
        let tbs_contents = outer.expect(SEQUENCE).unwrap();
        let tbs = &cert[tbs_start..tbs_start + tbs_contents.len() + 4];
        assert_eq!(tbs[0], SEQUENCE);
        outer.expect(SEQUENCE).unwrap();
        let signature = outer.expect(BIT_STRING).unwrap();
        assert!(outer.is_empty());
        let verifier = ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            key.public_key_der(),
        );
        assert!(verifier.verify(tbs, &signature[1..]).is_ok());
        let text = String::from_utf8_lossy(&cert);
        assert!(text.contains("sfconnect test"));
    }
}
