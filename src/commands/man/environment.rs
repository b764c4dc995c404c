//! The ENVIRONMENT section of the manual, in roff and in Markdown, rendered
//! from the settings table (`crate::settings`) so that it lists exactly the
//! variables the tool reads, with the flag, config key and default of each.

use crate::settings::{ALL, PLATFORM, Setting};
use clap_mangen::roff::{Roff, bold, roman};
use std::fmt::Write;

const PRECEDENCE: &str = "Every variable sfconnect reads. A flag (or the ALIAS argument) wins \
over its variable, the variable over the config file (sfconnect config), and that over the \
built-in default. An empty variable counts as unset.";

const PLATFORM_INTRO: &str = "sfconnect also reads these, which describe the machine rather \
than configure sfconnect:";

/// The variable and its fallbacks: `SFCONNECT_BROWSER, BROWSER`.
fn names(setting: &Setting) -> Vec<&'static str> {
    std::iter::once(setting.env)
        .chain(setting.fallbacks.iter().copied())
        .collect()
}

/// "Default: 30. Flag: --port. Config key: port." for the facts a row has.
fn facts(setting: &Setting) -> String {
    let mut facts = Vec::new();
    if let Some(flag) = setting.flag {
        facts.push(format!("Overridden by {flag}."));
    }
    if let Some(key) = setting.config_key {
        facts.push(format!("Overrides the config key {key}."));
    }
    if let Some(default) = setting.default {
        facts.push(format!("Default: {default}."));
    }
    facts.join(" ")
}

/// `.SH ENVIRONMENT`: one tagged paragraph per variable, then the platform
/// variables.
pub fn roff(w: &mut Vec<u8>) -> std::io::Result<()> {
    let mut roff = Roff::new();
    roff.control("SH", ["ENVIRONMENT"])
        .text([roman(PRECEDENCE)]);
    for setting in ALL {
        let text = format!("{}. {}", setting.help, facts(setting));
        roff.control("TP", [])
            .text([bold(names(setting).join(", "))])
            .text([roman(text.trim_end())]);
    }
    roff.control("PP", []).text([roman(PLATFORM_INTRO)]);
    for platform in PLATFORM {
        roff.control("TP", [])
            .text([bold(platform.names.join(", "))])
            .text([roman(platform.why)]);
    }
    roff.to_writer(w)
}

/// `## Environment`: a table of the settings, then the platform variables.
pub fn markdown(out: &mut String, escape: impl Fn(&str) -> String) {
    let code = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(out, "## Environment\n\n{}\n", escape(PRECEDENCE));
    out.push_str("| variable | what it sets | flag | config key | default |\n");
    out.push_str("| --- | --- | --- | --- | --- |\n");
    for setting in ALL {
        let cell = |value: Option<&str>| value.map(|v| format!("`{v}`")).unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            code(&names(setting)),
            escape(setting.help),
            cell(setting.flag),
            cell(setting.config_key),
            setting.default.map(&escape).unwrap_or_default(),
        );
    }
    let _ = writeln!(out, "\n{}\n", escape(PLATFORM_INTRO));
    for platform in PLATFORM {
        let _ = writeln!(out, "- {}: {}", code(platform.names), escape(platform.why));
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variable_is_in_both_forms() {
        let mut roff = Vec::new();
        super::roff(&mut roff).unwrap();
        let roff = String::from_utf8(roff).unwrap();
        let mut markdown = String::new();
        super::markdown(&mut markdown, str::to_string);
        let platform = PLATFORM.iter().flat_map(|p| p.names.iter().copied());
        for name in ALL.iter().flat_map(names).chain(platform) {
            // roff escapes `-` and `_` nowhere in these names.
            assert!(roff.contains(name), "{name} missing from the man page");
            assert!(
                markdown.contains(&format!("`{name}`")),
                "{name} missing from the docs"
            );
        }
        assert!(roff.contains(".SH ENVIRONMENT"));
        assert!(markdown.contains("| `SFCONNECT_PORT` | "), "{markdown}");
        assert!(
            markdown.contains("| `--port` | `port` | 1717 |"),
            "{markdown}"
        );
    }
}
