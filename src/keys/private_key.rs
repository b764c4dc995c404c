//! The RSA private key a JWT bearer connection signs with: read from the
//! PEM users have (PKCS#1 from `openssl genrsa -traditional`, PKCS#8 from
//! `openssl genrsa` / `genpkey`), judged, kept as PKCS#1 DER, used by ring.
//!
//! Salesforce verifies the assertion with RS256 (RSASSA-PKCS1-v1_5 with
//! SHA-256, RFC 7518 §3.3) against the certificate uploaded to the app, so
//! only RSA keys will do. Every way a key can be wrong gets its own reason
//! and fix (`BadKey`), because the person reading it is setting up CI and
//! holds a file they did not make themselves.

use super::der::{self, Reader, oids};
use super::pem;
use crate::secrets::secret::SecretBytes;
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};

/// The smallest key Salesforce and ring accept for RS256.
pub const MIN_BITS: usize = 2048;
/// The largest key ring signs with.
pub const MAX_BITS: usize = 4096;

/// Why a key cannot be used, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadKey {
    pub reason: String,
    pub fix: String,
}

impl BadKey {
    fn new(reason: impl Into<String>, fix: impl Into<String>) -> Self {
        BadKey {
            reason: reason.into(),
            fix: fix.into(),
        }
    }
}

const MAKE_ONE: &str = "create an RSA key and certificate with `sfconnect keygen` (or `openssl genrsa -out key.pem 2048`) and upload the certificate to the app";

/// A usable RSA key. No `Debug`: it holds the private key.
pub struct RsaKey {
    /// PKCS#1 `RSAPrivateKey`, the compact form we store.
    der: SecretBytes,
    pair: RsaKeyPair,
}

impl RsaKey {
    /// Reads the first private key in PEM text.
    pub fn from_pem(text: &[u8]) -> Result<RsaKey, BadKey> {
        let Ok(text) = std::str::from_utf8(text) else {
            let hint = if text.first() == Some(&der::SEQUENCE) {
                "it looks like a binary DER key: convert it with `openssl pkey -inform DER -in KEY.der -out key.pem`, or "
            } else {
                ""
            };
            return Err(BadKey::new(
                "it is not a PEM private key (it is not text)",
                format!("{hint}pass the PEM file (-----BEGIN PRIVATE KEY-----); {MAKE_ONE}"),
            ));
        };
        let blocks = pem::blocks(text);
        let Some(block) = blocks.iter().find(|b| b.label.ends_with("PRIVATE KEY")) else {
            let reason = match blocks.first() {
                None => {
                    "it is not a PEM private key (no -----BEGIN PRIVATE KEY----- line)".to_string()
                }
                Some(other) => format!(
                    "it holds a PEM {} but no private key",
                    other.label.to_ascii_lowercase()
                ),
            };
            return Err(BadKey::new(
                reason,
                format!(
                    "pass the private key whose certificate is uploaded to the app (the certificate stays in Salesforce); {MAKE_ONE}"
                ),
            ));
        };
        let encrypted = block.label == "ENCRYPTED PRIVATE KEY"
            || block.headers.iter().any(|h| h.contains("ENCRYPTED"));
        if encrypted {
            return Err(BadKey::new(
                "the key is encrypted with a passphrase, and sfconnect cannot ask for it at every token",
                "decrypt it once with `openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem` (it asks for the passphrase; keep key.pem private, chmod 600) and pass key.pem, or keep the decrypted key in your CI's secret store and use --key-env",
            ));
        }
        match block.label.as_str() {
            "RSA PRIVATE KEY" => Self::from_pkcs1_der(block.der.clone()),
            "PRIVATE KEY" => Self::from_pkcs1_der(pkcs1_of_pkcs8(block.der.expose())?),
            "EC PRIVATE KEY" => Err(not_rsa("an EC key")),
            "DSA PRIVATE KEY" => Err(not_rsa("a DSA key")),
            "OPENSSH PRIVATE KEY" => Err(BadKey::new(
                "it is an OpenSSH private key, not a PEM one",
                "if it is an RSA key, convert a copy with `ssh-keygen -p -m PEM -f COPY`; otherwise create one with `sfconnect keygen`",
            )),
            other => Err(BadKey::new(
                format!(
                    "it holds a PEM {} that sfconnect does not read",
                    other.to_ascii_lowercase()
                ),
                MAKE_ONE,
            )),
        }
    }

    /// Checks and loads a PKCS#1 `RSAPrivateKey`.
    pub fn from_pkcs1_der(der: SecretBytes) -> Result<RsaKey, BadKey> {
        let malformed = |why: &str| {
            BadKey::new(
                format!("the RSA key is malformed ({why})"),
                format!("check that the whole file was copied; or {MAKE_ONE}"),
            )
        };
        let bits = modulus_bits(der.expose()).ok_or_else(|| malformed("not PKCS#1 DER"))?;
        if bits < MIN_BITS {
            return Err(BadKey::new(
                format!("it is a {bits}-bit RSA key; Salesforce needs at least {MIN_BITS} bits"),
                MAKE_ONE,
            ));
        }
        if bits > MAX_BITS {
            return Err(BadKey::new(
                format!(
                    "it is a {bits}-bit RSA key; sfconnect signs with keys of {MIN_BITS} to {MAX_BITS} bits"
                ),
                MAKE_ONE,
            ));
        }
        let pair =
            RsaKeyPair::from_der(der.expose()).map_err(|e| match e.to_string().as_str() {
                "InvalidComponent" => BadKey::new(
                    "its public exponent is not supported (ring needs at least 65537)",
                    MAKE_ONE,
                ),
                other => malformed(other),
            })?;
        Ok(RsaKey { der, pair })
    }

    /// The key as stored: PKCS#1 DER.
    pub fn der(&self) -> &SecretBytes {
        &self.der
    }

    pub fn bits(&self) -> usize {
        self.pair.public().modulus_len() * 8
    }

    /// The public key as a PKCS#1 `RSAPublicKey` (for a certificate).
    pub fn public_key_der(&self) -> &[u8] {
        self.pair.public().as_ref()
    }

    /// RS256: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3).
    pub fn sign_rs256(&self, message: &[u8]) -> Vec<u8> {
        let mut signature = vec![0u8; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut signature,
            )
            .expect("RSA signing with a checked key and a right-sized buffer");
        signature
    }
}

fn not_rsa(what: &str) -> BadKey {
    BadKey::new(
        format!("it is {what}; Salesforce's JWT bearer flow needs an RSA key (RS256)"),
        MAKE_ONE,
    )
}

/// The PKCS#1 key inside a PKCS#8 `PrivateKeyInfo` (RFC 5208 §5), or why
/// there is none.
fn pkcs1_of_pkcs8(pkcs8: &[u8]) -> Result<SecretBytes, BadKey> {
    let malformed = || {
        BadKey::new(
            "the PKCS#8 key is malformed",
            format!("check that the whole file was copied; or {MAKE_ONE}"),
        )
    };
    let mut info = Reader::new(pkcs8)
        .expect(der::SEQUENCE)
        .map(Reader::new)
        .ok_or_else(malformed)?;
    info.expect(der::INTEGER).ok_or_else(malformed)?;
    let mut algorithm = info
        .expect(der::SEQUENCE)
        .map(Reader::new)
        .ok_or_else(malformed)?;
    let oid = algorithm.expect(der::OID).ok_or_else(malformed)?;
    let key = info.expect(der::OCTET_STRING).ok_or_else(malformed)?;
    match oid {
        oids::RSA_ENCRYPTION => Ok(SecretBytes::new(key.to_vec())),
        oids::RSASSA_PSS => Err(not_rsa("an RSA-PSS key, which cannot sign RS256")),
        oids::EC_PUBLIC_KEY => Err(not_rsa("an EC key")),
        oids::ED25519 => Err(not_rsa("an Ed25519 key")),
        oids::ED448 => Err(not_rsa("an Ed448 key")),
        oids::DSA => Err(not_rsa("a DSA key")),
        other => Err(not_rsa(&format!(
            "a key of algorithm {}",
            der::dotted(other)
        ))),
    }
}

/// The modulus size of a PKCS#1 `RSAPrivateKey` (RFC 8017 A.1.2).
fn modulus_bits(pkcs1: &[u8]) -> Option<usize> {
    let mut key = Reader::new(Reader::new(pkcs1).expect(der::SEQUENCE)?);
    key.expect(der::INTEGER)?;
    let modulus = key.expect(der::INTEGER)?;
    let at = modulus.iter().position(|&b| b != 0)?;
    let leading = modulus[at].leading_zeros() as usize;
    Some((modulus.len() - at) * 8 - leading)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/keys/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn pkcs1_and_pkcs8_rsa_keys_are_read_and_stored_as_pkcs1() {
        for (name, bits) in [
            ("rsa2048-pkcs1.pem", 2048),
            ("rsa2048-pkcs8.pem", 2048),
            ("rsa4096-pkcs8.pem", 4096),
        ] {
            let key = RsaKey::from_pem(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(key.bits(), bits, "{name}");
            let again = RsaKey::from_pkcs1_der(key.der().clone()).unwrap();
            assert_eq!(again.public_key_der(), key.public_key_der());
            // PKCS#1 v1.5 signatures are deterministic.
            assert_eq!(again.sign_rs256(b"x"), key.sign_rs256(b"x"));
            assert_eq!(key.sign_rs256(b"x").len(), bits / 8);
        }
    }

    #[test]
    fn every_bad_key_has_its_reason_and_fix() {
        for (name, reason, fix) in [
            ("rsa1024.pem", "1024-bit RSA key", "sfconnect keygen"),
            (
                "encrypted-pkcs8.pem",
                "encrypted",
                "openssl pkcs8 -topk8 -nocrypt",
            ),
            (
                "encrypted-pkcs1.pem",
                "encrypted",
                "openssl pkcs8 -topk8 -nocrypt",
            ),
            ("ec-p256.pem", "EC key", "sfconnect keygen"),
            ("ec-p256-pkcs8.pem", "EC key", "sfconnect keygen"),
            ("ed25519.pem", "Ed25519 key", "sfconnect keygen"),
            (
                "rsa2048-pkcs1.crt",
                "certificate but no private key",
                "whose certificate",
            ),
        ] {
            let err = RsaKey::from_pem(&fixture(name)).err().unwrap();
            assert!(err.reason.contains(reason), "{name}: {err:?}");
            assert!(err.fix.contains(fix), "{name}: {err:?}");
        }
        for (text, reason) in [
            (&b"hello"[..], "not a PEM private key"),
            (&[0x30, 0x82, 0xff, 0xfe][..], "not text"),
            (
                b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
                "OpenSSH",
            ),
            (
                b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                "malformed",
            ),
        ] {
            let err = RsaKey::from_pem(text).err().unwrap();
            assert!(err.reason.contains(reason), "{err:?}");
        }
        let der = fixture("ec-p256.pem");
        assert!(
            RsaKey::from_pem(&der)
                .err()
                .unwrap()
                .reason
                .contains("RS256")
        );
    }

    #[test]
    fn a_key_with_a_wrong_component_is_refused_by_ring() {
        let key = RsaKey::from_pem(&fixture("rsa2048-pkcs1.pem")).unwrap();
        let mut der = key.der().expose().to_vec();
        let last = der.len() - 1;
        der[last] ^= 1; // the CRT coefficient
        let err = RsaKey::from_pkcs1_der(SecretBytes::new(der)).err().unwrap();
        assert!(err.reason.contains("malformed"), "{err:?}");
    }
}
