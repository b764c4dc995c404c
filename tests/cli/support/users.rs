//! The people besides the fake's default user (Ada) that scenarios log in
//! as: Bob, a second user of Ada's org, and Bob in another org (a sandbox
//! `.uat` username).

use crate::support::fake_salesforce::{DEFAULT_ORG_ID, FakeUser};

/// Bob, a second user of the default org.
pub fn bob() -> FakeUser {
    FakeUser {
        username: "bob@example.com".into(),
        user_id: "005000000000002AAA".into(),
        org_id: DEFAULT_ORG_ID.into(),
        display_name: "Bob Babbage".into(),
        email: "bob@example.com".into(),
    }
}

/// Bob in another org, under a sandbox's `.uat` username.
pub fn bob_in_another_org() -> FakeUser {
    FakeUser {
        username: "bob@example.com.uat".into(),
        org_id: "00D000000000002EAA".into(),
        display_name: "Bob".into(),
        ..bob()
    }
}
