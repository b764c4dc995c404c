//! Can a browser opened here reach the login listener, on the user's screen?
//!
//! `link` catches the login on a listener on this machine's loopback, so the
//! browser must run on this machine too. That fails, or opens on the wrong
//! machine, in an SSH session without a forwarded display, on Linux without
//! `DISPLAY`/`WAYLAND_DISPLAY`, and in a container. There `link` does not
//! try; it prints the URL and the ways forward (an SSH tunnel, paste-back,
//! `--device`). An explicit browser (`SFCONNECT_BROWSER`, `$BROWSER`) always
//! wins: the user, or a tool like VS Code's remote `BROWSER` helper, knows
//! better than a guess.
//!
//! `classify` is pure over a `Probe` (environment variables and a few files)
//! so every case is unit-tested; `detect` reads the real ones. `sfconnect
//! doctor` reports the same verdict with `describe`.

use crate::settings;
use std::path::Path;

/// What `link` should do about a browser here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserSituation {
    /// `SFCONNECT_BROWSER` or `$BROWSER` names the browser: use it.
    Explicit { variable: &'static str },
    /// A desktop session (or macOS, Windows): open the system browser.
    Desktop,
    /// Windows Subsystem for Linux: open the Windows browser, whose
    /// `localhost` reaches this listener through WSL's port forwarding;
    /// that relayed callback is not provably this user's (`peer`), so the
    /// user pastes the address back.
    Wsl,
    /// A browser cannot open here, or would open on another machine.
    Headless(Headless),
}

/// Why no browser is tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Headless {
    /// Logged in over SSH without a forwarded display. `server` is this
    /// machine's address as the SSH client reached it (from
    /// `SSH_CONNECTION`), when known.
    Ssh { server: Option<String> },
    /// A container (Docker, Podman, Kubernetes) without a display.
    Container,
    /// Linux or BSD without `DISPLAY` or `WAYLAND_DISPLAY`.
    NoDisplay,
}

/// Everything `classify` looks at.
#[derive(Debug, Default, Clone)]
pub struct Probe {
    /// The environment variables that matter, as `(name, value)`.
    pub vars: Vec<(String, String)>,
    /// `/proc/version` (Linux).
    pub proc_version: String,
    /// `/.dockerenv` or `/run/.containerenv` exists.
    pub container_marker: bool,
    /// `/proc/1/cgroup` (Linux).
    pub init_cgroup: String,
    /// macOS or Windows: a desktop needs no `DISPLAY`.
    pub native_desktop: bool,
}

/// Besides the browser setting (`settings::BROWSER`).
const VARS: &[&str] = crate::settings::BROWSER_SITUATION;

impl Probe {
    fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }
}

impl BrowserSituation {
    /// True when `link` should try to open a browser.
    pub fn can_open(&self) -> bool {
        !matches!(self, BrowserSituation::Headless(_))
    }

    /// One line for the user (and `sfconnect doctor`).
    pub fn describe(&self) -> String {
        match self {
            BrowserSituation::Explicit { variable } => {
                format!("{variable} names the browser; sfconnect uses it")
            }
            BrowserSituation::Desktop => "a desktop session: sfconnect opens the system browser".into(),
            BrowserSituation::Wsl => {
                "WSL: sfconnect opens the Windows browser, which reaches this machine's localhost through a relay; paste the address it ends on back into the terminal".into()
            }
            BrowserSituation::Headless(Headless::Ssh { .. }) => {
                "this is an SSH session without a forwarded display, so a browser would open on the wrong machine or not at all".into()
            }
            BrowserSituation::Headless(Headless::Container) => {
                "this is a container without a display, so no browser can open here".into()
            }
            BrowserSituation::Headless(Headless::NoDisplay) => {
                "there is no graphical display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so no browser can open".into()
            }
        }
    }
}

/// The verdict for this machine and process.
pub fn detect() -> BrowserSituation {
    classify(&probe())
}

/// Reads the real environment and files.
pub fn probe() -> Probe {
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    Probe {
        vars: settings::BROWSER
            .first_set()
            .into_iter()
            .chain(
                VARS.iter()
                    .filter_map(|name| settings::platform(name).map(|v| (*name, v))),
            )
            .map(|(name, v)| (name.to_string(), v))
            .collect(),
        proc_version: read("/proc/version"),
        container_marker: Path::new("/.dockerenv").exists()
            || Path::new("/run/.containerenv").exists(),
        init_cgroup: read("/proc/1/cgroup"),
        native_desktop: cfg!(any(target_os = "macos", windows)),
    }
}

/// The decision, in order: an explicit browser; SSH without a display; WSL;
/// a desktop (a display, or macOS/Windows); a container; no display.
pub fn classify(probe: &Probe) -> BrowserSituation {
    let browser = &settings::BROWSER;
    for &variable in std::iter::once(&browser.env).chain(browser.fallbacks) {
        if probe.var(variable).is_some() {
            return BrowserSituation::Explicit { variable };
        }
    }
    let display = probe.var("DISPLAY").is_some() || probe.var("WAYLAND_DISPLAY").is_some();
    let ssh = ["SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT"]
        .iter()
        .any(|v| probe.var(v).is_some());
    if ssh && !display {
        // SSH_CONNECTION: "client_ip client_port server_ip server_port".
        let server = probe
            .var("SSH_CONNECTION")
            .and_then(|c| c.split_whitespace().nth(2))
            .map(String::from);
        return BrowserSituation::Headless(Headless::Ssh { server });
    }
    if probe
        .proc_version
        .to_ascii_lowercase()
        .contains("microsoft")
        || probe.var("WSL_DISTRO_NAME").is_some()
    {
        return BrowserSituation::Wsl;
    }
    if display || probe.native_desktop {
        return BrowserSituation::Desktop;
    }
    let cgroup = &probe.init_cgroup;
    if probe.container_marker
        || ["docker", "kubepods", "containerd", "libpod"]
            .iter()
            .any(|word| cgroup.contains(word))
    {
        return BrowserSituation::Headless(Headless::Container);
    }
    BrowserSituation::Headless(Headless::NoDisplay)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> Probe {
        Probe {
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Probe::default()
        }
    }

    #[test]
    fn an_explicit_browser_beats_every_guess() {
        let mut probe = with(&[("SSH_TTY", "/dev/pts/0"), ("SFCONNECT_BROWSER", "firefox")]);
        probe.container_marker = true;
        let situation = classify(&probe);
        assert_eq!(
            situation,
            BrowserSituation::Explicit {
                variable: "SFCONNECT_BROWSER"
            }
        );
        assert!(situation.can_open());
        let probe = with(&[("BROWSER", "/vscode/helper.sh"), ("SSH_TTY", "/dev/pts/0")]);
        assert_eq!(
            classify(&probe),
            BrowserSituation::Explicit {
                variable: "BROWSER"
            }
        );
        // An empty variable is no choice.
        let probe = with(&[("SFCONNECT_BROWSER", " "), ("DISPLAY", ":0")]);
        assert_eq!(classify(&probe), BrowserSituation::Desktop);
    }

    #[test]
    fn ssh_without_a_display_is_headless() {
        let probe = with(&[("SSH_CONNECTION", "10.0.0.5 51000 10.0.0.9 22")]);
        let situation = classify(&probe);
        assert_eq!(
            situation,
            BrowserSituation::Headless(Headless::Ssh {
                server: Some("10.0.0.9".into())
            })
        );
        assert!(!situation.can_open());
        assert!(situation.describe().contains("SSH"));
        let probe = with(&[("SSH_TTY", "/dev/pts/3")]);
        assert_eq!(
            classify(&probe),
            BrowserSituation::Headless(Headless::Ssh { server: None })
        );
        // Even on macOS, a browser would open on the remote Mac's screen.
        let mut probe = with(&[("SSH_CLIENT", "10.0.0.5 51000 22")]);
        probe.native_desktop = true;
        assert!(!classify(&probe).can_open());
    }

    #[test]
    fn ssh_with_a_forwarded_display_opens() {
        let probe = with(&[("SSH_TTY", "/dev/pts/3"), ("DISPLAY", "localhost:10.0")]);
        assert_eq!(classify(&probe), BrowserSituation::Desktop);
    }

    #[test]
    fn linux_needs_a_display() {
        assert_eq!(
            classify(&with(&[])),
            BrowserSituation::Headless(Headless::NoDisplay)
        );
        assert_eq!(
            classify(&with(&[("WAYLAND_DISPLAY", "wayland-0")])),
            BrowserSituation::Desktop
        );
        assert_eq!(
            classify(&with(&[("DISPLAY", ":0")])),
            BrowserSituation::Desktop
        );
        let mut mac = with(&[]);
        mac.native_desktop = true;
        assert_eq!(classify(&mac), BrowserSituation::Desktop);
    }

    #[test]
    fn containers_are_headless_unless_they_have_a_display() {
        let mut probe = with(&[]);
        probe.container_marker = true;
        assert_eq!(
            classify(&probe),
            BrowserSituation::Headless(Headless::Container)
        );
        let mut probe = with(&[]);
        probe.init_cgroup = "12:pids:/kubepods/burstable/pod1234\n".into();
        assert_eq!(
            classify(&probe),
            BrowserSituation::Headless(Headless::Container)
        );
        let mut probe = with(&[("DISPLAY", ":1")]);
        probe.container_marker = true;
        assert_eq!(classify(&probe), BrowserSituation::Desktop);
    }

    #[test]
    fn wsl_opens_the_windows_browser() {
        let mut probe = with(&[]);
        probe.proc_version =
            "Linux version 5.15.153.1-microsoft-standard-WSL2 (root@65c757a075e2)".into();
        let situation = classify(&probe);
        assert_eq!(situation, BrowserSituation::Wsl);
        assert!(situation.can_open());
        assert_eq!(
            classify(&with(&[("WSL_DISTRO_NAME", "Ubuntu")])),
            BrowserSituation::Wsl
        );
    }

    #[test]
    fn detect_reads_this_process() {
        // Whatever this machine is, the verdict is described in one line.
        let text = detect().describe();
        assert!(!text.is_empty() && !text.contains('\n'), "{text}");
    }
}
