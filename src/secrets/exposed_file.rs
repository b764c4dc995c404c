//! A file that holds a secret (a private key, an SFDX auth URL) and that
//! other local users may read. `link` and `import` warn about it as ssh
//! does about a key, each in its own words; this says who may read it.

/// The file's permission bits and who besides its owner may read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exposure {
    /// The permission bits (`mode & 0o777`).
    pub mode: u32,
    /// `"other users"` when every user may read it, else `"its group"`.
    pub readers: &'static str,
}

/// Who besides its owner may read the file `meta` describes; `None` when
/// nobody may (and always on systems without Unix modes).
#[cfg(unix)]
pub fn exposure(meta: &std::fs::Metadata) -> Option<Exposure> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return None;
    }
    let readers = if mode & 0o007 != 0 {
        "other users"
    } else {
        "its group"
    };
    Some(Exposure { mode, readers })
}

#[cfg(not(unix))]
pub fn exposure(_meta: &std::fs::Metadata) -> Option<Exposure> {
    None
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn exposure_at(mode: u32) -> Option<Exposure> {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(mode)).unwrap();
        exposure(&std::fs::metadata(file.path()).unwrap())
    }

    #[test]
    fn group_and_world_readers_are_told_apart() {
        assert_eq!(exposure_at(0o600), None);
        assert_eq!(exposure_at(0o400), None);
        assert_eq!(
            exposure_at(0o640),
            Some(Exposure {
                mode: 0o640,
                readers: "its group"
            })
        );
        assert_eq!(
            exposure_at(0o604),
            Some(Exposure {
                mode: 0o604,
                readers: "other users"
            })
        );
        // Any bit for group or others counts, as ssh counts it.
        assert_eq!(exposure_at(0o610).map(|e| e.readers), Some("its group"));
    }
}
