//! What `link` tells the user when the browser cannot finish the login on
//! this machine: the URL, and the ways forward.
//!
//! An SSH tunnel makes the browser's redirect to `localhost:PORT` on the
//! user's computer arrive here; paste-back carries the address by hand;
//! `--device` needs no redirect at all. The tunnel line is ready to copy.
//! On WSL the browser opens, but its callback may be refused as not
//! provably this user's (`peer`), and paste-back finishes the login.

use crate::login::environment::{BrowserSituation, Headless};
use crate::output;
use crate::settings;

/// Whether paste-back is on, and where it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paste {
    Off,
    /// stdin is a terminal: the user pastes and presses Enter.
    Terminal,
    /// `--paste` with stdin from a pipe or file.
    Pipe,
}

/// The URL, why no browser opens here, and the ways forward.
pub fn headless(situation: &BrowserSituation, authorize_url: &str, port: u16, paste: Paste) {
    output::tell(&format!(
        "sfconnect does not open a browser: {}.\nOpen this URL in a browser on your own computer:\n  {authorize_url}",
        situation.describe()
    ));
    ways_forward(situation, port, paste);
}

/// After the browser could not be opened, or with --no-browser when the
/// user may be elsewhere: the ways forward.
pub fn ways_forward(situation: &BrowserSituation, port: u16, paste: Paste) {
    output::tell(&ways_forward_text(situation, port, paste));
}

/// The ways forward, one per item; every item after the first starts with
/// "or", the first never does.
fn ways_forward_text(situation: &BrowserSituation, port: u16, paste: Paste) -> String {
    let mut ways = Vec::new();
    if let Some(tunnel) = tunnel_line(situation, port) {
        let mut way = format!(
            "first forward the callback port, from that computer:\n      {tunnel}\n    then open the URL there; the login completes here by itself."
        );
        if matches!(situation, BrowserSituation::Headless(Headless::Container)) {
            way.push_str(
                "\n    (HOST is the machine that runs this container; the tunnel reaches this login\n    only when the container shares that machine's network, as with `docker run --network host`.)",
            );
        }
        ways.push(way);
    }
    let address = format!("http://localhost:{port}/OauthRedirect?code=...");
    ways.push(match paste {
        Paste::Terminal => format!(
            "open the URL there and, when the browser ends on a page that fails to load\n    ({address}), copy that whole address and paste it here, then press Enter."
        ),
        Paste::Pipe => format!(
            "open the URL there and give the address the browser ends on ({address})\n    on stdin (--paste), one line."
        ),
        Paste::Off => format!(
            "run `sfconnect link --paste` again and give it the address the browser ends on\n    ({address}) on stdin; run from a terminal, sfconnect asks you to paste it."
        ),
    });
    ways.push(
        "use `sfconnect link --device` to approve with a code on any device (the app needs \"Enable for Device Flow\")."
            .to_string(),
    );
    let mut lines = vec!["To finish the login from a browser on another computer:".to_string()];
    for (i, way) in ways.iter().enumerate() {
        let or = if i == 0 { "" } else { "or " };
        lines.push(format!("  - {or}{way}"));
    }
    lines.join("\n")
}

/// WSL: the Windows browser's callback arrives through WSL's relay, not
/// from a process of this user, so the listener may refuse it (`peer`);
/// the address the browser then shows finishes the login by paste-back.
pub fn wsl(port: u16, paste: Paste) {
    let how = match paste {
        Paste::Terminal => "copy that page's whole address and paste it here, then press Enter",
        Paste::Pipe => "give that page's whole address on stdin (--paste), one line",
        Paste::Off => {
            "run `sfconnect link` from a terminal (or with --paste) and paste that page's address, or use `sfconnect link --device`"
        }
    };
    output::tell(&format!(
        "WSL: opening the Windows browser. Its callback (http://localhost:{port}/OauthRedirect?code=...) reaches this listener through WSL's relay, which sfconnect cannot tell from another local user's process, so the page may say \"Refused\": then {how}."
    ));
}

/// `ssh -L PORT:localhost:PORT USER@HOST` for an SSH session or a remote
/// machine without a display. In a container this machine's name is not one
/// the user's computer can reach, so the line names a placeholder, `HOST`:
/// the machine that runs the container.
pub fn tunnel_line(situation: &BrowserSituation, port: u16) -> Option<String> {
    let host = match situation {
        BrowserSituation::Headless(Headless::Ssh {
            server: Some(server),
        }) => server.clone(),
        BrowserSituation::Headless(Headless::Ssh { server: None })
        | BrowserSituation::Headless(Headless::NoDisplay) => hostname(),
        BrowserSituation::Headless(Headless::Container) => "HOST".to_string(),
        _ => return None,
    };
    let user = ["USER", "LOGNAME"]
        .iter()
        .find_map(|v| settings::platform(v).filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "USER".to_string());
    Some(format!("ssh -L {port}:localhost:{port} {user}@{host}"))
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| settings::platform("HOSTNAME"))
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "HOST".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tunnel_lines_name_the_port_and_the_server() {
        let ssh = BrowserSituation::Headless(Headless::Ssh {
            server: Some("10.0.0.9".into()),
        });
        let line = tunnel_line(&ssh, 1717).unwrap();
        assert!(line.starts_with("ssh -L 1717:localhost:1717 "), "{line}");
        assert!(line.ends_with("@10.0.0.9"), "{line}");
        assert!(tunnel_line(&BrowserSituation::Headless(Headless::NoDisplay), 9).is_some());
        assert_eq!(tunnel_line(&BrowserSituation::Desktop, 9), None);
    }

    /// A container knows no host the user's computer can reach: the line
    /// is still printed, with a placeholder, first among the ways forward.
    #[test]
    fn a_container_gets_a_tunnel_line_with_a_placeholder_host() {
        let container = BrowserSituation::Headless(Headless::Container);
        let line = tunnel_line(&container, 1717).unwrap();
        assert!(line.starts_with("ssh -L 1717:localhost:1717 "), "{line}");
        assert!(line.ends_with("@HOST"), "{line}");
        let text = ways_forward_text(&container, 1717, Paste::Terminal);
        let items: Vec<&str> = text.lines().filter(|l| l.starts_with("  - ")).collect();
        assert!(items[0].starts_with("  - first forward"), "{text}");
        assert!(
            text.contains("HOST is the machine that runs this container"),
            "{text}"
        );
    }

    /// Without a tunnel (a desktop whose browser failed to open), the list
    /// still starts with a way, not with a dangling "or".
    #[test]
    fn the_first_way_never_starts_with_or() {
        for situation in [
            BrowserSituation::Desktop,
            BrowserSituation::Headless(Headless::Container),
            BrowserSituation::Headless(Headless::NoDisplay),
        ] {
            for paste in [Paste::Off, Paste::Terminal, Paste::Pipe] {
                let text = ways_forward_text(&situation, 1717, paste);
                let items: Vec<&str> = text.lines().filter(|l| l.starts_with("  - ")).collect();
                assert!(!items[0].starts_with("  - or "), "{text}");
                assert!(
                    items[1..].iter().all(|i| i.starts_with("  - or ")),
                    "{text}"
                );
            }
        }
    }
}
