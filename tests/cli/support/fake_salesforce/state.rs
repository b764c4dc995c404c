//! The fake's memory: users, pending codes, approvals (grants) and the tokens
//! issued from them, shared by every endpoint.
//!
//! The rules that tie tokens together live here so each endpoint applies them the
//! same way: revoking a grant kills its refresh token and every access token from
//! it (§4, §6), and a user holds at most `APPROVAL_LIMIT` live approvals per
//! client, a new one revoking the oldest (§5).

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use super::knobs::FakeUser;
use super::{APPROVAL_LIMIT, Recorded, secrets};

#[derive(Default)]
pub(super) struct State {
    pub(super) requests: Vec<Recorded>,
    pub(super) users: Vec<FakeUser>,
    pub(super) current_user: String,
    pub(super) codes: HashMap<String, PendingCode>,
    /// Device codes handed out and not yet approved, denied or expired.
    pub(super) devices: HashMap<String, PendingDevice>,
    /// Every grant in creation order; indices never change.
    pub(super) grants: Vec<Grant>,
    pub(super) access: HashMap<String, AccessToken>,
    pub(super) revoked: Vec<String>,
    pub(super) issued: Vec<String>,
    pub(super) rotated_reused: bool,
    pub(super) device_slow_downs: usize,
}

/// An authorization code waiting for its exchange.
pub(super) struct PendingCode {
    pub(super) client_id: String,
    pub(super) redirect_uri: String,
    pub(super) challenge: String,
    pub(super) scope: Vec<String>,
    pub(super) nonce: Option<String>,
    pub(super) user: FakeUser,
    pub(super) issued: Instant,
}

/// A device code waiting for the user (§9).
pub(super) struct PendingDevice {
    pub(super) client_id: String,
    pub(super) scope: Vec<String>,
    /// Whoever was the current user when the code was requested approves it.
    pub(super) user: FakeUser,
    pub(super) issued: Instant,
    pub(super) last_poll: Option<Instant>,
    /// `authorization_pending` answers given so far.
    pub(super) pending_answers: u32,
}

/// One grant: a user let a client in, with these scopes. With a refresh token it
/// is an approval (an `OauthToken` row, §5).
pub(super) struct Grant {
    pub(super) client_id: String,
    pub(super) user: FakeUser,
    pub(super) scope: Vec<String>,
    pub(super) nonce: Option<String>,
    /// Oldest first; the last one is the only live one. Empty: none was issued.
    pub(super) refresh_tokens: Vec<String>,
    pub(super) revoked: bool,
    pub(super) created: SystemTime,
    /// Set by each successful refresh; None until the first.
    pub(super) last_used: Option<SystemTime>,
    /// Successful refreshes so far.
    pub(super) use_count: u32,
    /// `OauthToken.DeleteToken`: `/revoke?token=` with it revokes the approval.
    pub(super) delete_token: String,
}

impl Grant {
    pub(super) fn current_refresh(&self) -> Option<&str> {
        self.refresh_tokens.last().map(String::as_str)
    }

    /// A live grant holding a refresh token: what Salesforce counts and lists.
    pub(super) fn is_live_approval(&self) -> bool {
        !self.revoked && !self.refresh_tokens.is_empty()
    }
}

pub(super) struct AccessToken {
    pub(super) grant: usize,
    pub(super) issued: Instant,
    pub(super) revoked: bool,
    /// Its session timed out (`FakeSalesforce::expire_access_tokens`).
    pub(super) expired: bool,
}

impl State {
    pub(super) fn mint(&mut self, secret: String) -> String {
        self.issued.push(secret.clone());
        secret
    }

    /// The user who logs in now.
    pub(super) fn current_user(&self) -> FakeUser {
        self.users
            .iter()
            .find(|u| u.username == self.current_user)
            .cloned()
            .unwrap_or_default()
    }

    /// Records a new grant and returns its index. With `with_refresh` it mints a
    /// refresh token, making it an approval: if the user already holds
    /// `APPROVAL_LIMIT` live approvals for this client, the oldest are revoked.
    pub(super) fn add_grant(
        &mut self,
        client_id: &str,
        user: FakeUser,
        scope: Vec<String>,
        nonce: Option<String>,
        with_refresh: bool,
    ) -> usize {
        let refresh_tokens = if with_refresh {
            let mut held: Vec<usize> = (0..self.grants.len())
                .filter(|&i| {
                    let g = &self.grants[i];
                    g.is_live_approval()
                        && g.client_id == client_id
                        && g.user.user_id == user.user_id
                })
                .collect();
            while held.len() >= APPROVAL_LIMIT {
                let oldest = held.remove(0);
                self.revoke_grant(oldest);
            }
            vec![self.mint(secrets::refresh_token())]
        } else {
            vec![]
        };
        self.grants.push(Grant {
            client_id: client_id.to_string(),
            user,
            scope,
            nonce,
            refresh_tokens,
            revoked: false,
            created: SystemTime::now(),
            last_used: None,
            use_count: 0,
            delete_token: secrets::delete_token(),
        });
        self.grants.len() - 1
    }

    pub(super) fn live_grant_of(&self, refresh: &str) -> Option<usize> {
        self.grants
            .iter()
            .position(|g| !g.revoked && g.current_refresh() == Some(refresh))
    }

    /// The live approval whose `DeleteToken` this is.
    pub(super) fn approval_with_delete_token(&self, token: &str) -> Option<usize> {
        self.grants
            .iter()
            .position(|g| g.is_live_approval() && g.delete_token == token)
    }

    /// Kills a grant: its live refresh token and every access token from it.
    pub(super) fn revoke_grant(&mut self, index: usize) {
        let grant = &mut self.grants[index];
        if grant.revoked {
            return;
        }
        grant.revoked = true;
        if let Some(refresh) = grant.current_refresh() {
            self.revoked.push(refresh.to_string());
        }
        let mut killed: Vec<(&String, &mut AccessToken)> = self
            .access
            .iter_mut()
            .filter(|(_, a)| a.grant == index && !a.revoked)
            .collect();
        killed.sort_by_key(|(_, a)| a.issued);
        for (token, access) in killed {
            access.revoked = true;
            self.revoked.push(token.clone());
        }
    }

    /// The user behind a live, unexpired access token.
    pub(super) fn session(&self, token: &str, ttl: Duration) -> Option<&FakeUser> {
        let access = self.access.get(token)?;
        let grant = &self.grants[access.grant];
        let live =
            !access.revoked && !access.expired && !grant.revoked && access.issued.elapsed() < ttl;
        live.then_some(&grant.user)
    }
}
