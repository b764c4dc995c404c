//! `sfconnect man`: the manual page, sfconnect(1), in roff; with
//! `--markdown`, the same reference as Markdown (`markdown`).
//!
//! One page covers every command, so one file installs it all. clap_mangen
//! renders the parts (synopsis, description, options) from the same clap
//! definition as `--help`; the top-level examples and exit codes follow, and
//! then each command that runs (`sfconnect tokens list`, ...) as a section of
//! its own, its parts as subsections. ENVIRONMENT, after EXIT STATUS, comes
//! from the settings table (`environment`).

mod environment;
pub mod markdown;

use crate::cli::{Cli, ManArgs};
use crate::error::{Error, Result};
use crate::output;
use clap::CommandFactory;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, roman};

pub fn run(args: ManArgs) -> Result<()> {
    if args.markdown {
        return output::print(&markdown::page());
    }
    let page = page().map_err(|e| Error::unexpected(format!("cannot render the manual: {e}")))?;
    output::print(&page)
}

/// The whole page.
pub fn page() -> std::io::Result<String> {
    let mut cmd = Cli::command();
    cmd.build();
    let man = Man::new(cmd.clone());
    let mut page = Page::default();
    page.add(|w| man.render_title(w))?;
    page.add(|w| man.render_name_section(w))?;
    page.add(|w| man.render_synopsis_section(w))?;
    page.add(|w| man.render_description_section(w))?;
    page.add(|w| man.render_options_section(w))?;
    // The top-level after_help: examples, then a paragraph on exit codes.
    let after = cmd.get_after_help().map(ToString::to_string);
    let (examples, exit_codes) = after
        .as_deref()
        .unwrap_or_default()
        .split_once("\n\n")
        .unwrap_or_default();
    page.add(|w| examples_section(w, "SH", examples))?;
    page.add(|w| {
        Roff::new()
            .control("SH", ["EXIT STATUS"])
            .text([roman(exit_codes.trim_start_matches("Exit codes: "))])
            .to_writer(w)
    })?;
    page.add(environment::roff)?;
    for sub in leaves(&cmd) {
        command_section(&mut page, sub)?;
    }
    page.add(|w| man.render_version_section(w))?;
    Ok(page.finish())
}

/// Roff parts joined into one page with one preamble: every part that
/// roff writes starts with the same preamble (an empty `Roff` is just it).
#[derive(Default)]
struct Page {
    text: String,
}

impl Page {
    fn add(
        &mut self,
        render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut part = Vec::new();
        render(&mut part)?;
        let part = String::from_utf8_lossy(&part);
        let preamble = Roff::new().render();
        self.text
            .push_str(part.strip_prefix(preamble.as_str()).unwrap_or(&part));
        Ok(())
    }

    fn finish(self) -> String {
        Roff::new().render() + &self.text
    }
}

/// Every command that runs (`tokens list`, not `tokens`), in help order.
fn leaves(cmd: &clap::Command) -> Vec<&clap::Command> {
    let mut found = Vec::new();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.has_subcommands() {
            found.extend(leaves(sub));
        } else {
            found.push(sub);
        }
    }
    found
}

/// `.SH "SFCONNECT TOKENS LIST"` with the command's synopsis, description,
/// options and examples as subsections.
fn command_section(page: &mut Page, sub: &clap::Command) -> std::io::Result<()> {
    let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
    page.add(|w| {
        Roff::new()
            .control("SH", [name.to_uppercase().as_str()])
            .to_writer(w)
    })?;
    let man = Man::new(sub.clone());
    page.add(|w| demoted(w, |w| man.render_synopsis_section(w)))?;
    page.add(|w| demoted(w, |w| man.render_description_section(w)))?;
    page.add(|w| demoted(w, |w| man.render_options_section(w)))?;
    if let Some(after) = sub.get_after_help().map(ToString::to_string) {
        // Notes may come before the examples.
        let (notes, examples) = after
            .split_once("EXAMPLES:\n")
            .unwrap_or((after.as_str(), ""));
        if !notes.trim().is_empty() {
            page.add(|w| notes_section(w, notes))?;
        }
        page.add(|w| examples_section(w, "SS", examples))?;
    }
    Ok(())
}

/// `.SS NOTES`: paragraphs as they are in the help.
fn notes_section(w: &mut Vec<u8>, notes: &str) -> std::io::Result<()> {
    let mut roff = Roff::new();
    roff.control("SS", ["NOTES"]);
    for paragraph in notes.split("\n\n").filter(|p| !p.trim().is_empty()) {
        roff.control("PP", []).text([roman(paragraph.trim())]);
    }
    roff.to_writer(w)
}

/// An EXAMPLES heading (`SH` or `SS`) and the lines of an `EXAMPLES:` block
/// as they are, one per line.
fn examples_section(w: &mut Vec<u8>, level: &str, examples: &str) -> std::io::Result<()> {
    let examples = examples.strip_prefix("EXAMPLES:\n").unwrap_or(examples);
    let mut roff = Roff::new();
    roff.control(level, ["EXAMPLES"]).control("nf", []);
    for line in examples.lines() {
        roff.text([roman(line.trim_start())]);
    }
    roff.control("fi", []).to_writer(w)
}

/// What `render` writes, its section headings (`.SH`) made subsections
/// (`.SS`). Text lines cannot start with `.SH`: roff escapes a leading dot.
fn demoted(
    w: &mut Vec<u8>,
    render: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut part = Vec::new();
    render(&mut part)?;
    for line in String::from_utf8_lossy(&part).split_inclusive('\n') {
        match line.strip_prefix(".SH ") {
            Some(rest) => w.extend_from_slice(format!(".SS {rest}").as_bytes()),
            None => w.extend_from_slice(line.as_bytes()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demoting_touches_only_headings() {
        let mut out = Vec::new();
        demoted(&mut out, |w| {
            w.extend_from_slice(b".SH SYNOPSIS\n\\&.SH is text\n.TP\n");
            Ok(())
        })
        .unwrap();
        assert_eq!(out, b".SS SYNOPSIS\n\\&.SH is text\n.TP\n");
    }

    #[test]
    fn one_preamble_and_every_command() {
        let page = page().unwrap();
        let preamble = Roff::new().render();
        assert!(page.starts_with(&preamble));
        assert_eq!(page.matches(&preamble).count(), 1);
        assert!(page.contains(".SH \"SFCONNECT TOKENS CHECK\""), "{page}");
        assert!(page.contains(".SH \"EXIT STATUS\""));
        assert!(page.contains(".SH ENVIRONMENT"));
    }
}
