//! Everything a browser login needs on this machine: the loopback listener
//! that catches the redirect (RFC 8252 §7.3) with its bounded connections
//! (`incoming`, `request_head`, `connections`, `page`), the judge of what
//! arrives, whose process sent it (`peer`, over `proc_net`), paste-back, the
//! browser hand-off, the countdown, detection of a machine with no usable
//! browser, who holds a busy port, and what to tell the user when the
//! browser cannot finish the login here.
//!
//! Nothing here talks to Salesforce or the secret store: `commands/link`
//! puts these parts together with `salesforce/` and `secrets/`.

pub mod browser;
pub mod callback;
pub mod connections;
pub mod countdown;
pub mod environment;
pub mod guidance;
pub mod incoming;
pub mod listener;
pub mod page;
pub mod paste;
pub mod peer;
pub mod port_holder;
pub mod proc_net;
pub mod request_head;
