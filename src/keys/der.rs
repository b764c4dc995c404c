//! Just enough DER (ITU-T X.690) to read the private keys users have and to
//! write a self-signed certificate: definite lengths, a few universal types.
//!
//! A hand-written reader and writer of some 150 lines instead of the
//! RustCrypto `der`/`pkcs1`/`pkcs8`/`x509-cert` stack: sfconnect reads three
//! shapes (PKCS#8 `PrivateKeyInfo`, PKCS#1 `RSAPrivateKey`, an
//! `AlgorithmIdentifier`) and writes one (a certificate), and ring checks the
//! key itself. The tests hold the writer to an independent parser: the fake
//! Salesforce reads `keygen`'s certificates with `x509-cert` and verifies
//! JWTs with their key (OpenSSL's `x509`, `verify` and `pkey -check` accept
//! them too, checked by hand).

use chrono::{DateTime, Datelike, Utc};

pub const SEQUENCE: u8 = 0x30;
pub const SET: u8 = 0x31;
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const NULL: u8 = 0x05;
pub const OID: u8 = 0x06;
pub const UTF8_STRING: u8 = 0x0c;
pub const BOOLEAN: u8 = 0x01;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;

/// Object identifiers, as the content bytes of their DER encoding.
pub mod oids {
    /// 1.2.840.113549.1.1.1 (PKCS#1)
    pub const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    /// 1.2.840.113549.1.1.10
    pub const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
    /// 1.2.840.113549.1.1.11
    pub const SHA256_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
    /// 1.2.840.10045.2.1 (RFC 5480)
    pub const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    /// 1.2.840.10040.4.1
    pub const DSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];
    /// 1.3.101.112 and 1.3.101.113 (RFC 8410)
    pub const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    pub const ED448: &[u8] = &[0x2b, 0x65, 0x71];
    /// 2.5.4.3
    pub const COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
    /// 2.5.29.14 and 2.5.29.19 (RFC 5280 §4.2.1.2, §4.2.1.9)
    pub const SUBJECT_KEY_IDENTIFIER: &[u8] = &[0x55, 0x1d, 0x0e];
    pub const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
}

/// Reads one TLV after another from a byte string.
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next element: its tag and contents. `None` when the bytes are
    /// not DER (indefinite or overlong lengths, truncation).
    pub fn read(&mut self) -> Option<(u8, &'a [u8])> {
        let (&tag, rest) = self.rest.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = match first {
            0..=0x7f => (usize::from(first), rest),
            0x81..=0x84 => {
                let count = usize::from(first & 0x7f);
                let bytes = rest.get(..count)?;
                let len = bytes.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b));
                (len, &rest[count..])
            }
            _ => return None,
        };
        let contents = rest.get(..len)?;
        self.rest = &rest[len..];
        Some((tag, contents))
    }

    /// The next element if it has this tag.
    pub fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        match self.read()? {
            (found, contents) if found == tag => Some(contents),
            _ => None,
        }
    }
}

/// The dotted form of an OID's content bytes (`1.2.840.10045.2.1`).
pub fn dotted(oid: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    for &byte in oid {
        value = (value << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (value / 40).min(2);
                arcs.extend([first, value - first * 40]);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// Tag, length and contents.
pub fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let len = contents.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(contents);
    out
}

/// A constructed element of the concatenated parts.
pub fn constructed(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag, &parts.concat())
}

/// A non-negative INTEGER from its big-endian magnitude.
pub fn unsigned(magnitude: &[u8]) -> Vec<u8> {
    let trimmed: &[u8] = match magnitude.iter().position(|&b| b != 0) {
        Some(at) => &magnitude[at..],
        None => &[],
    };
    let mut contents = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|&b| b & 0x80 != 0) {
        contents.push(0);
    }
    contents.extend_from_slice(trimmed);
    tlv(INTEGER, &contents)
}

/// A time as RFC 5280 §4.1.2.5 wants it: UTCTime through 2049,
/// GeneralizedTime after.
pub fn time(at: DateTime<Utc>) -> Vec<u8> {
    if at.year() < 2050 {
        tlv(UTC_TIME, at.format("%y%m%d%H%M%SZ").to_string().as_bytes())
    } else {
        tlv(
            GENERALIZED_TIME,
            at.format("%Y%m%d%H%M%SZ").to_string().as_bytes(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_round_trip() {
        for len in [0, 1, 127, 128, 255, 256, 4000, 70_000] {
            let contents = vec![7u8; len];
            let encoded = tlv(OCTET_STRING, &contents);
            let mut reader = Reader::new(&encoded);
            assert_eq!(reader.read(), Some((OCTET_STRING, contents.as_slice())));
            assert!(reader.is_empty());
        }
        // Indefinite length, truncation, and a length past the end.
        for bad in [
            &[0x30, 0x80][..],
            &[0x30],
            &[0x04, 0x05, 1, 2],
            &[0x04, 0x82, 1],
        ] {
            assert_eq!(Reader::new(bad).read(), None, "{bad:?}");
        }
    }

    #[test]
    fn integers_are_minimal_and_positive() {
        assert_eq!(unsigned(&[0, 0, 1]), [INTEGER, 1, 1]);
        assert_eq!(unsigned(&[0x80]), [INTEGER, 2, 0, 0x80]);
        assert_eq!(unsigned(&[]), [INTEGER, 1, 0]);
        assert_eq!(unsigned(&[0, 0]), [INTEGER, 1, 0]);
    }

    #[test]
    fn oids_and_times() {
        assert_eq!(dotted(oids::EC_PUBLIC_KEY), "1.2.840.10045.2.1");
        assert_eq!(dotted(oids::SHA256_WITH_RSA), "1.2.840.113549.1.1.11");
        assert_eq!(dotted(oids::ED25519), "1.3.101.112");
        let at = DateTime::parse_from_rfc3339("2049-12-31T23:59:59Z").unwrap();
        assert_eq!(time(at.into()), tlv(UTC_TIME, b"491231235959Z"));
        let at = DateTime::parse_from_rfc3339("2050-01-01T00:00:00Z").unwrap();
        assert_eq!(time(at.into()), tlv(GENERALIZED_TIME, b"20500101000000Z"));
    }
}
