//! Judging one request that reached the loopback listener.
//!
//! Pure and separate from the network so that every rule here is unit-tested
//! (and fuzzed): only `GET` on the redirect path with exactly one `state`
//! equal to ours can end a login (RFC 8252 §8.3, RFC 9700 §4.7). Favicons,
//! probes and forged callbacks are answered and ignored, so neither a local
//! process nor a web page can end or hijack the login. Extra parameters
//! Salesforce adds (`iss`, `sfdc_community_url`, ...) are ignored.
//!
//! A request whose `Host` is not a loopback name with our port is refused
//! before it is judged: a web page that rebinds its DNS name to 127.0.0.1
//! sends its own name (DNS rebinding). An address the user pastes back
//! (paste-back) must name the listener too, and is then judged like a
//! request.

use crate::secrets::secret::Secret;

pub const REDIRECT_PATH: &str = "/OauthRedirect";

/// A real callback is a few hundred bytes (code, state, `iss`,
/// `sfdc_community_url`); anything longer is not one and is not parsed.
pub const MAX_TARGET_BYTES: usize = 8 * 1024;

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
    if target.len() > MAX_TARGET_BYTES {
        return Verdict::Ignore {
            status: 414,
            reason: "the address is too long to be a login callback",
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

/// The names our listener answers to, with its port: `localhost`,
/// `127.0.0.1` or `[::1]`. The port may be left out only when it is 80.
pub fn host_is_ours(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host.map(str::trim) else {
        return false;
    };
    let (name, given_port) = match host.rsplit_once(':') {
        Some((name, p)) if !p.contains(']') => (name, p.parse::<u16>().ok()),
        _ => (host, Some(80)),
    };
    let loopback = name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "[::1]";
    loopback && given_port == Some(port)
}

/// Judges an address the user pasted (the one the browser ended on):
/// `http://localhost:PORT/OauthRedirect?code=...&state=...`. Anything but
/// a callback for this listener is `Ignore`, with the reason.
pub fn judge_pasted(text: &str, port: u16, expected_state: &Secret) -> Verdict {
    let text = text.trim();
    if text.len() > MAX_TARGET_BYTES + 64 {
        return Verdict::Ignore {
            status: 414,
            reason: "that is too long to be the callback address",
        };
    }
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("http://{text}")
    };
    let Ok(url) = url::Url::parse(&with_scheme) else {
        return Verdict::Ignore {
            status: 400,
            reason: "that is not an address; copy the whole address from the browser's address bar",
        };
    };
    let host = match (url.host_str(), url.port_or_known_default()) {
        (Some(host), Some(p)) => format!("{host}:{p}"),
        _ => String::new(),
    };
    if url.scheme() != "http" || !host_is_ours(Some(&host), port) {
        return Verdict::Ignore {
            status: 400,
            reason: "that address is not this login's callback (it must start with http://localhost:PORT/OauthRedirect, PORT being the port shown above)",
        };
    }
    let target = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    };
    judge("GET", &target, expected_state)
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
    fn only_our_loopback_names_and_port_are_our_host() {
        for ok in [
            "localhost:1717",
            "LOCALHOST:1717",
            "127.0.0.1:1717",
            "[::1]:1717",
        ] {
            assert!(host_is_ours(Some(ok), 1717), "{ok}");
        }
        for bad in [
            None,
            Some(""),
            Some("localhost"),
            Some("localhost:1718"),
            Some("evil.example:1717"),
            Some("localhost.evil.example:1717"),
            Some("127.0.0.2:1717"),
            Some("[::1]"),
            Some("0.0.0.0:1717"),
        ] {
            assert!(!host_is_ours(bad, 1717), "{bad:?}");
        }
        assert!(host_is_ours(Some("localhost"), 80));
    }

    #[test]
    fn pasted_addresses_are_judged_like_requests() {
        let good = "  http://localhost:1717/OauthRedirect?code=aPrx&state=s-123_abc \n";
        match judge_pasted(good, 1717, &state()) {
            Verdict::Code(code) => assert_eq!(code.expose(), "aPrx"),
            other => panic!("{other:?}"),
        }
        match judge_pasted(
            "[::1]:1717/OauthRedirect?code=c&state=s-123_abc",
            1717,
            &state(),
        ) {
            Verdict::Code(code) => assert_eq!(code.expose(), "c"),
            other => panic!("{other:?}"),
        }
        let denied = "http://localhost:1717/OauthRedirect?error=access_denied&state=s-123_abc";
        assert!(matches!(
            judge_pasted(denied, 1717, &state()),
            Verdict::Denied { .. }
        ));
        for (bad, expected) in [
            (
                "http://localhost:1717/OauthRedirect?code=c&state=wrong",
                400,
            ),
            ("http://localhost:1717/Other?code=c&state=s-123_abc", 404),
            (
                "http://localhost:1718/OauthRedirect?code=c&state=s-123_abc",
                400,
            ),
            (
                "https://localhost:1717/OauthRedirect?code=c&state=s-123_abc",
                400,
            ),
            (
                "http://evil.example:1717/OauthRedirect?code=c&state=s-123_abc",
                400,
            ),
            ("hello", 400),
            ("", 400),
        ] {
            assert_eq!(status(judge_pasted(bad, 1717, &state())), expected, "{bad}");
        }
    }

    #[test]
    fn oversized_addresses_are_refused_unparsed() {
        let padding = "x".repeat(MAX_TARGET_BYTES);
        let long = format!("/OauthRedirect?code=c&state=s-123_abc&pad={padding}");
        assert_eq!(status(judge("GET", &long, &state())), 414);
        let pasted = format!("http://localhost:1717{long}");
        assert_eq!(status(judge_pasted(&pasted, 1717, &state())), 414);
        // Just under the bound still works.
        let fits = "/OauthRedirect?code=c&state=s-123_abc&pad=".to_string();
        let fits = format!("{fits}{}", "x".repeat(MAX_TARGET_BYTES - fits.len()));
        assert!(matches!(judge("GET", &fits, &state()), Verdict::Code(_)));
    }

    #[test]
    fn encoding_tricks_never_reach_the_code() {
        for target in [
            "/OauthRedirect%3Fcode=c&state=s-123_abc",
            "/oauthredirect?code=c&state=s-123_abc",
            "/OAUTHREDIRECT?code=c&state=s-123_abc",
            "//OauthRedirect?code=c&state=s-123_abc",
            "/OauthRedirect/?code=c&state=s-123_abc",
            "/x/../OauthRedirect?code=c&state=s-123_abc",
            "/OauthRedirect%00?code=c&state=s-123_abc",
            "/OauthRedirect?code=c&state=s-123_abc%00",
            "/OauthRedirect?code=c&state=s-123%255Fabc",
            "/OauthRedirect?code=c&%73tate=s-123_abc&state=s-123_abc",
            "/OauthRedirect?code=c&state=s-123_abc&state=",
            "/OauthRedirect?code=c&state=S-123_ABC",
            "/OauthRedirect?code=c;state=s-123_abc",
        ] {
            assert!(
                matches!(judge("GET", target, &state()), Verdict::Ignore { .. }),
                "{target}"
            );
        }
        // Percent-encoding of the state's own characters is only encoding.
        assert!(matches!(
            judge("GET", "/OauthRedirect?code=c&state=s%2D123%5Fabc", &state()),
            Verdict::Code(_)
        ));
    }

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
