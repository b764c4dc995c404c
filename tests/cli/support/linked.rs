//! Sandboxes with a connection already made, and what a test reads back
//! from one: the starting point of most scenarios after `link` itself.

use crate::support::Sandbox;

impl Sandbox {
    /// A new sandbox with one connection, linked (by the test browser) under
    /// `alias`.
    pub fn linked(alias: &str) -> Sandbox {
        let sandbox = Sandbox::new();
        sandbox.link(&["--alias", alias]).expect(0);
        sandbox
    }

    /// The connection id of `alias`, from the index.
    pub fn id_of(&self, alias: &str) -> String {
        self.connection(alias)["id"].as_str().unwrap().to_string()
    }

    /// The refresh token stored for `alias`.
    pub fn refresh_token(&self, alias: &str) -> String {
        self.stored_field(alias, "refresh_token")
    }

    /// The access token cached for `alias`.
    pub fn access_token(&self, alias: &str) -> String {
        self.stored_field(alias, "access_token")
    }

    fn stored_field(&self, alias: &str, field: &str) -> String {
        self.tokens_of(alias)[field]
            .as_str()
            .unwrap_or_else(|| panic!("no {field} stored for {alias}"))
            .to_string()
    }
}
