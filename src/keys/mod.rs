//! RSA keys for the JWT bearer flow: reading the PEM keys users have and
//! judging them (`private_key`), making new ones for `keygen` (`generate`)
//! with their self-signed certificate (`certificate`), and the small DER
//! and PEM codecs they need.

pub mod certificate;
pub mod der;
pub mod generate;
pub mod pem;
pub mod private_key;
