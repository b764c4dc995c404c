//! PEM (RFC 7468): the text form of keys and certificates that users have
//! and that `keygen` writes.
//!
//! Reading is lenient where OpenSSL is (CRLF line ends, text around the
//! blocks, several blocks in one file) and keeps the RFC 1421 headers
//! (`Proc-Type: 4,ENCRYPTED`), because that is how an old-style encrypted
//! key says it is encrypted.

use crate::secrets::secret::SecretBytes;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

/// One `-----BEGIN LABEL-----` … `-----END LABEL-----` block.
#[derive(Debug)]
pub struct Block {
    pub label: String,
    /// RFC 1421 header lines (`Proc-Type`, `DEK-Info`), if any.
    pub headers: Vec<String>,
    /// The decoded contents (may be a private key: kept as secret bytes).
    pub der: SecretBytes,
}

/// Every block in `text`, in order. A block whose base64 is broken is
/// returned with no contents, so the caller can still say what it was.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|rest| rest.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut headers = Vec::new();
        let mut body = String::new();
        let mut closed = false;
        for line in lines.by_ref() {
            if line == end {
                closed = true;
                break;
            }
            if line.contains(':') {
                headers.push(line.to_string());
            } else {
                body.push_str(line);
            }
        }
        let der = if closed {
            B64.decode(body.as_bytes()).unwrap_or_default()
        } else {
            Vec::new()
        };
        found.push(Block {
            label: label.to_string(),
            headers,
            der: SecretBytes::new(der),
        });
    }
    found
}

/// `-----BEGIN LABEL-----`, base64 in lines of 64, `-----END LABEL-----`.
pub fn encode(label: &str, der: &[u8]) -> String {
    let body = B64.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_crlf_and_surrounding_text() {
        let der: Vec<u8> = (0..=255).collect();
        let text = encode("CERTIFICATE", &der);
        assert!(
            text.lines()
                .all(|l| l.len() <= 64 || l.starts_with("-----"))
        );
        let noisy = format!(
            "Bag Attributes\r\n{}trailing\r\n",
            text.replace('\n', "\r\n")
        );
        let found = blocks(&noisy);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].label, "CERTIFICATE");
        assert_eq!(found[0].der.expose(), der.as_slice());
    }

    #[test]
    fn legacy_headers_and_several_blocks() {
        let text = include_str!("../../tests/fixtures/keys/encrypted-pkcs1.pem");
        let found = blocks(&format!(
            "{}{text}",
            include_str!("../../tests/fixtures/keys/rsa2048-pkcs1.crt")
        ));
        let labels: Vec<&str> = found.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["CERTIFICATE", "RSA PRIVATE KEY"]);
        assert!(found[1].headers.iter().any(|h| h.contains("ENCRYPTED")));
        assert!(blocks("no pem here").is_empty());
        assert!(
            blocks("-----BEGIN X-----\nAAAA\n")
                .pop()
                .unwrap()
                .der
                .expose()
                .is_empty()
        );
    }
}
