//! Which rule chose the connection a command acts on, so that `-v` and
//! `doctor` can say it ("uat: from the project file /repo/.sfconnect.toml").
//! The order of the rules is `Index::resolve`'s; docs/connections.md has it
//! as a table.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// The alias given on the command line.
    Argument,
    /// The environment connection (`SFCONNECT_AUTH_URL`, `SFCONNECT_ENV`;
    /// `tokens::target`, which the index never sees).
    Environment,
    /// `SFCONNECT_ALIAS`.
    AliasVariable,
    /// The nearest `.sfconnect.toml` (`index::project`).
    ProjectFile(PathBuf),
    /// Nothing named one, and only one is linked.
    OnlyOne,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Argument => write!(f, "named on the command line"),
            Rule::Environment => write!(f, "described by environment variables"),
            Rule::AliasVariable => write!(f, "from SFCONNECT_ALIAS"),
            Rule::ProjectFile(path) => write!(f, "from the project file {}", path.display()),
            Rule::OnlyOne => write!(f, "the only linked connection"),
        }
    }
}
