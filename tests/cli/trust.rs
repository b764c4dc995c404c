//! Tokens go only where they belong: plain http to loopback never goes
//! through a proxy. The scenarios are in `trust/`.

mod proxies;
