//! A new RSA key for `keygen`, with the RustCrypto `rsa` crate: ring signs
//! but cannot generate RSA keys. Primes come from the OS generator
//! (`getrandom`). The key is written as PKCS#1 DER by our encoder and then
//! loaded by ring, which checks every component (n = p·q, the CRT values),
//! so an encoding mistake could not produce a key that signs wrongly.

use super::der::{SEQUENCE, constructed, unsigned};
use super::private_key::RsaKey;
use crate::error::{Error, Result};
use crate::secrets::secret::SecretBytes;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};

/// The size `keygen` makes: what Salesforce's own guides use.
pub const DEFAULT_BITS: usize = 2048;

pub fn generate(bits: usize) -> Result<RsaKey> {
    let key = rsa::PrivateKey::new(&mut getrandom::SysRng, bits)
        .map_err(|e| Error::unexpected(format!("could not generate an RSA key: {e}")))?;
    let missing = || Error::unexpected("the generated RSA key lacks its CRT values");
    let [p, q] = key.primes() else {
        return Err(Error::unexpected(
            "the generated RSA key has more than two primes",
        ));
    };
    let qinv = key.crt_coefficient().ok_or_else(missing)?;
    // RFC 8017 A.1.2: version 0 (two primes), n, e, d, p, q, dP, dQ, qInv.
    let der = constructed(
        SEQUENCE,
        &[
            &unsigned(&[0]),
            &unsigned(&key.n_bytes()),
            &unsigned(&key.e_bytes()),
            &unsigned(&key.d().to_be_bytes()),
            &unsigned(&p.to_be_bytes()),
            &unsigned(&q.to_be_bytes()),
            &unsigned(&key.dp().ok_or_else(missing)?.to_be_bytes()),
            &unsigned(&key.dq().ok_or_else(missing)?.to_be_bytes()),
            &unsigned(&qinv.to_be_bytes()),
        ],
    );
    RsaKey::from_pkcs1_der(SecretBytes::new(der)).map_err(|bad| {
        Error::unexpected(format!("the generated RSA key was refused: {}", bad.reason))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_sign_and_are_distinct() {
        let a = generate(DEFAULT_BITS).unwrap();
        let b = generate(DEFAULT_BITS).unwrap();
        assert_eq!(a.bits(), 2048);
        assert_ne!(a.public_key_der(), b.public_key_der());
        let signature = a.sign_rs256(b"message");
        let public = ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            a.public_key_der(),
        );
        assert!(public.verify(b"message", &signature).is_ok());
        assert!(public.verify(b"other", &signature).is_err());
    }
}
