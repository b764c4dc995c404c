//! A scripted vault on 127.0.0.1 for the unit tests (`tests`,
//! `lease_tests`): it records each request and answers it from the test's
//! script, with a `Date` header that says 21:31:06, the vault clock a lease
//! is judged by.

use serde_json::Value;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub url: String,
    pub token: Option<String>,
    pub namespace: Option<String>,
    pub body: String,
}

impl Seen {
    /// The body as JSON; `Null` when there is none.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

pub struct Scripted {
    pub addr: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

/// A server answering each request with `answer(method, url)`: (status, body).
pub fn scripted(answer: impl Fn(&str, &str) -> (u16, String) + Send + 'static) -> Scripted {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", server.server_addr().to_ip().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let header = |name: &'static str| {
                request
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv(name))
                    .map(|h| h.value.to_string())
            };
            let (token, namespace) = (header("X-Vault-Token"), header("X-Vault-Namespace"));
            let mut body = String::new();
            let _ = request.as_reader().read_to_string(&mut body);
            let method = request.method().to_string();
            let url = request.url().to_string();
            log.lock().unwrap().push(Seen {
                method: method.clone(),
                url: url.clone(),
                token,
                namespace,
                body,
            });
            let (status, text) = answer(&method, &url);
            let response = tiny_http::Response::from_string(text)
                .with_status_code(status)
                .with_header(
                    "Date: Mon, 30 Nov 2026 21:31:06 GMT"
                        .parse::<tiny_http::Header>()
                        .unwrap(),
                );
            let _ = request.respond(response);
        }
    });
    Scripted { addr, seen }
}

/// A server giving `answers` in order, whatever is asked; a 500 once they
/// run out.
pub fn in_order(answers: Vec<(u16, String)>) -> Scripted {
    let answers = Mutex::new(VecDeque::from(answers));
    scripted(move |_, _| {
        answers
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or((500, r#"{"errors":["unscripted"]}"#.into()))
    })
}
