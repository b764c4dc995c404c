//! Judging one request that reached the loopback listener.
//!
//! Pure and separate from the network so that every rule here is unit-tested
//! (and fuzzed): only `GET` on the redirect path with exactly one `state`
//! equal to ours can end a login (RFC 8252 §8.3, RFC 9700 §4.7). Favicons,
//! probes and forged callbacks are answered and ignored, so neither a local
//! process nor a web page can end or hijack the login. Extra parameters
//! Salesforce adds (`iss`, `sfdc_community_url`, ...) are ignored.

use crate::secret::Secret;

pub const REDIRECT_PATH: &str = "/OauthRedirect";

#[derive(Debug)]
pub enum Verdict {
    /// Not a callback: answer with this status and keep waiting.
    Ignore { status: u16, reason: &'static str },
    /// The authorization server sent the user back with a code.
    Code(Secret),
    /// The authorization server sent the user back with an error.
    Denied { error: String, description: String },
}

pub fn judge(method: &str, target: &str, expected_state: &Secret) -> Verdict {
    if method != "GET" {
        return Verdict::Ignore {
            status: 405,
            reason: "only GET is accepted here",
        };
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != REDIRECT_PATH {
        return Verdict::Ignore {
            status: 404,
            reason: "not found",
        };
    }
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let single = |name: &str| -> Result<Option<&str>, ()> {
        let mut values = params
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str());
        let first = values.next();
        match values.next() {
            Some(_) => Err(()),
            None => Ok(first),
        }
    };
    let (Ok(state), Ok(code), Ok(error)) = (single("state"), single("code"), single("error"))
    else {
        return Verdict::Ignore {
            status: 400,
            reason: "repeated parameters",
        };
    };
    if !state.is_some_and(|s| constant_time_eq(s.as_bytes(), expected_state.expose().as_bytes())) {
        return Verdict::Ignore {
            status: 400,
            reason: "this is not the login sfconnect is waiting for (state mismatch)",
        };
    }
    match (code, error) {
        (_, Some(error)) => Verdict::Denied {
            error: error.to_string(),
            description: single("error_description")
                .ok()
                .flatten()
                .unwrap_or("")
                .to_string(),
        },
        (Some(code), None) if !code.is_empty() => Verdict::Code(Secret::new(code)),
        _ => Verdict::Ignore {
            status: 400,
            reason: "the callback has neither a code nor an error",
        },
    }
}

/// Compares without an early exit, so timing does not reveal how much of a
/// guessed state was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> Secret {
        Secret::new("s-123_abc")
    }

    fn status(v: Verdict) -> u16 {
        match v {
            Verdict::Ignore { status, .. } => status,
            other => panic!("expected Ignore, got {other:?}"),
        }
    }

    #[test]
    fn a_good_callback_yields_the_code() {
        let v = judge(
            "GET",
            "/OauthRedirect?code=aPrx%2Fcd%3D%3D&state=s-123_abc&iss=x",
            &state(),
        );
        match v {
            Verdict::Code(code) => assert_eq!(code.expose(), "aPrx/cd=="),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn errors_with_our_state_end_the_login() {
        let v = judge(
            "GET",
            "/OauthRedirect?error=access_denied&error_description=end-user+denied+authorization&state=s-123_abc",
            &state(),
        );
        match v {
            Verdict::Denied { error, description } => {
                assert_eq!(error, "access_denied");
                assert_eq!(description, "end-user denied authorization");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn everything_else_is_ignored() {
        assert_eq!(status(judge("GET", "/favicon.ico", &state())), 404);
        assert_eq!(
            status(judge(
                "GET",
                "/OauthRedirect/x?code=c&state=s-123_abc",
                &state()
            )),
            404
        );
        assert_eq!(
            status(judge(
                "POST",
                "/OauthRedirect?code=c&state=s-123_abc",
                &state()
            )),
            405
        );
        assert_eq!(
            status(judge("GET", "/OauthRedirect?code=c&state=wrong", &state())),
            400
        );
        assert_eq!(status(judge("GET", "/OauthRedirect?code=c", &state())), 400);
        assert_eq!(
            status(judge("GET", "/OauthRedirect?error=x", &state())),
            400
        );
        assert_eq!(
            status(judge(
                "GET",
                "/OauthRedirect?code=&state=s-123_abc",
                &state()
            )),
            400
        );
        assert_eq!(
            status(judge("GET", "/OauthRedirect?state=s-123_abc", &state())),
            400
        );
        assert_eq!(
            status(judge(
                "GET",
                "/OauthRedirect?code=a&code=b&state=s-123_abc",
                &state()
            )),
            400
        );
        assert_eq!(
            status(judge(
                "GET",
                "/OauthRedirect?code=a&state=s-123_abc&state=s-123_abc",
                &state()
            )),
            400
        );
        assert_eq!(
            status(judge(
                "GET",
                "/%4FauthRedirect?code=a&state=s-123_abc",
                &state()
            )),
            404
        );
    }

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
