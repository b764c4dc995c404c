//! The loopback listener's judge and the paste-back judge: whatever a local
//! process sends or a user pastes, no panic, and a code only ever comes from
//! a GET on the redirect path carrying exactly one `state`, ours.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sfconnect::login::callback::{REDIRECT_PATH, Verdict, judge, judge_pasted};
use sfconnect::secrets::secret::Secret;

const STATE: &str = "Zm9vYmFyYmF6cXV4LXN0YXRlLTI1Ni1iaXRzLW9mLWl0";
const METHODS: [&str; 6] = ["GET", "POST", "PUT", "OPTIONS", "get", "HEAD"];

/// The values of `name` in a query, decoded independently of the judge.
fn values<'a>(query: &'a str, name: &str) -> Vec<std::borrow::Cow<'a, str>> {
    url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v)
        .collect()
}

fn check_code(verdict: &Verdict, method: &str, target: &str) {
    if let Verdict::Code(code) = verdict {
        assert_eq!(method, "GET", "a code from a {method}");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        assert_eq!(path, REDIRECT_PATH, "a code from another path");
        assert_eq!(values(query, "state"), [STATE], "a code for another state");
        let codes = values(query, "code");
        assert_eq!(codes.len(), 1, "a code from repeated codes");
        assert!(!code.expose().is_empty());
        assert_eq!(codes[0], code.expose());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let state = Secret::new(STATE);
    let method = METHODS[usize::from(selector) % METHODS.len()];
    // A raw request target, and the same with our state spliced in, so the
    // fuzzer reaches past the state check.
    for target in [text.to_string(), text.replace("STATE", STATE)] {
        let verdict = judge(method, &target, &state);
        check_code(&verdict, method, &target);
        let pasted = judge_pasted(&target, 1717, &state);
        if let Verdict::Code(code) = &pasted {
            // The same code the listener would have taken from that address.
            let url = url::Url::parse(&if target.contains("://") {
                target.trim().to_string()
            } else {
                format!("http://{}", target.trim())
            })
            .expect("a pasted code came from a parseable address");
            assert_eq!(url.scheme(), "http");
            assert_eq!(url.port_or_known_default(), Some(1717));
            let request = format!("{}?{}", url.path(), url.query().unwrap_or_default());
            check_code(&pasted, "GET", &request);
            assert!(!code.expose().is_empty());
        }
    }
});
