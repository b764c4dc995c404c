//! Variables that describe the machine rather than configure sfconnect:
//! proxies, an SSH session, a display, the user's name for an SSH tunnel
//! line. They are listed (and documented in the ENVIRONMENT section) so
//! that every variable the tool reads is read in this module.

/// Variables read together for one purpose.
pub struct Platform {
    pub names: &'static [&'static str],
    pub why: &'static str,
}

/// The proxy variables, upper case first, as curl reads them.
pub const PROXIES: &[&str] = &[
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// What tells whether a browser can open here: SSH, a display, WSL.
pub const BROWSER_SITUATION: &[&str] = &[
    "SSH_CONNECTION",
    "SSH_TTY",
    "SSH_CLIENT",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "WSL_DISTRO_NAME",
];

pub const PLATFORM: &[Platform] = &[
    Platform {
        names: PROXIES,
        why: "proxies for Salesforce calls, read as curl reads them (plain http to a loopback address never goes through one)",
    },
    Platform {
        names: &["REQUEST_METHOD"],
        why: "set under CGI, where a request header could set HTTP_PROXY: no proxy is used (\"httpoxy\")",
    },
    Platform {
        names: BROWSER_SITUATION,
        why: "whether `link` can open a browser here, or prints the URL and asks for the address it ends on",
    },
    Platform {
        names: &["USER", "LOGNAME", "HOSTNAME"],
        why: "the `ssh -L` tunnel line `link` prints on a remote machine",
    },
    Platform {
        names: &["DBUS_SESSION_BUS_ADDRESS"],
        why: "explains a keychain failure on Linux (no D-Bus session bus)",
    },
];

/// A platform variable's value, as set (empty included): callers decide
/// what an empty value means, as the programs that set them do.
pub fn platform(name: &str) -> Option<String> {
    debug_assert!(
        PLATFORM.iter().any(|p| p.names.contains(&name)),
        "{name} is not listed in settings::PLATFORM"
    );
    std::env::var(name).ok()
}
