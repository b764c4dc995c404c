//! The project default: a `.sfconnect.toml` (`alias = "uat"`) found by
//! walking up from the current directory, as `.nvmrc` or the sf CLI's local
//! config are. It lets a repository say which org its scripts mean without a
//! global "current connection" that one shell could change under another.
//!
//! A file that someone else could have written chooses nothing: one planted
//! in `/tmp` must not pick the org a script writes to. As git treats unsafe
//! directories, a file not owned by the current user, or writable by group
//! or others, is ignored with a warning (the walk stops there: a parent
//! project's file does not take over either).

use crate::error::{Error, Result};
use crate::index::alias::Alias;
use crate::output;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file's name in a project directory.
pub const FILE_NAME: &str = ".sfconnect.toml";

/// A project file that passed its checks, and the alias it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFile {
    pub path: PathBuf,
    pub alias: Alias,
}

/// What the file may hold: nothing but the alias, so a typo is an error
/// rather than a setting silently ignored.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Contents {
    alias: String,
}

/// The nearest project file at or above the current directory, if any (an
/// unsafe one counts as none, with a warning). A file that cannot be read
/// or is not a valid project file is a usage error naming it (exit 2).
pub fn find() -> Result<Option<ProjectFile>> {
    // No current directory (deleted under us): no project either.
    let Ok(start) = std::env::current_dir() else {
        return Ok(None);
    };
    find_from(&start)
}

/// `find`, from `start` rather than the current directory.
pub fn find_from(start: &Path) -> Result<Option<ProjectFile>> {
    let Some(path) = start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|path| path.symlink_metadata().is_ok())
    else {
        return Ok(None);
    };
    if let Some(reason) = unsafe_because(&path) {
        output::warn(&format!(
            "ignoring the project file {}: {reason}",
            path.display()
        ));
        return Ok(None);
    }
    read(&path).map(Some)
}

fn read(path: &Path) -> Result<ProjectFile> {
    let named =
        |message: String| Error::usage(format!("the project file {}: {message}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| named(format!("cannot read it: {e}")))?;
    let contents: Contents = toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|span| format!("line {}: ", line_of(&text, span.start)))
            .unwrap_or_default();
        named(format!("{line}{}", e.message().trim_end()))
            .with_hint(format!("it holds one line: alias = \"NAME\" ({FILE_NAME})"))
    })?;
    let alias = Alias::new(contents.alias).map_err(|e| named(e.message))?;
    Ok(ProjectFile {
        path: path.to_path_buf(),
        alias,
    })
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Why the file could have been written by someone else, if it could: its
/// owner (and, through a symlink, the owner of the link too) is not the
/// current user, or it is writable by group or others.
#[cfg(unix)]
fn unsafe_because(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let link = match path.symlink_metadata() {
        Ok(link) => link,
        Err(e) => return Some(format!("cannot inspect it: {e}")),
    };
    if link.uid() != me {
        return Some(format!("it is owned by uid {}, not by you", link.uid()));
    }
    let file = match path.metadata() {
        Ok(file) => file,
        Err(e) => return Some(format!("cannot inspect it: {e}")),
    };
    if file.uid() != me {
        return Some(format!(
            "it points to a file owned by uid {}, not by you",
            file.uid()
        ));
    }
    if file.mode() & 0o022 != 0 {
        return Some(format!(
            "it is writable by {} (mode {:o}); `chmod go-w` it",
            if file.mode() & 0o002 != 0 {
                "others"
            } else {
                "its group"
            },
            file.mode() & 0o777
        ));
    }
    None
}

#[cfg(not(unix))]
fn unsafe_because(_path: &Path) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        path
    }

    #[test]
    fn the_nearest_file_wins() {
        let root = tempfile::tempdir().unwrap();
        let nested = root.path().join("a/b/c");
        std::fs::create_dir_all(&nested).unwrap();
        write(root.path(), "alias = \"prod\"\n");
        let found = find_from(&nested).unwrap().unwrap();
        assert_eq!(found.alias.as_str(), "prod");
        assert_eq!(found.path, root.path().join(FILE_NAME));
        let inner = write(&root.path().join("a/b"), "alias = \"uat\"");
        let found = find_from(&nested).unwrap().unwrap();
        assert_eq!((found.alias.as_str(), found.path), ("uat", inner));
    }

    #[test]
    fn a_bad_file_is_a_usage_error_naming_it() {
        let root = tempfile::tempdir().unwrap();
        for (text, says) in [
            (
                "alias = \"uat\"\ncolor = \"red\"\n",
                "line 2: unknown field `color`",
            ),
            ("alias = uat", "line 1:"),
            ("", "missing field `alias`"),
            ("alias = \"no spaces\"", "invalid alias"),
            ("alias = 7", "line 1:"),
        ] {
            let path = write(root.path(), text);
            let e = find_from(root.path()).unwrap_err();
            assert_eq!(e.exit, crate::error::Exit::Usage, "{text:?}");
            assert!(
                e.message.contains(&path.display().to_string()),
                "{}",
                e.message
            );
            assert!(e.message.contains(says), "{text:?}: {}", e.message);
            assert!(!e.message.contains('\n'), "one line: {:?}", e.message);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_write_is_ignored() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let path = write(root.path(), "alias = \"prod\"");
        for mode in [0o666, 0o664, 0o646] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(find_from(root.path()).unwrap(), None, "mode {mode:o}");
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(find_from(root.path()).unwrap().is_some());
    }

    #[test]
    fn lines_are_counted_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
