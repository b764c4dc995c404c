//! The switches of the headless grants (§11): which apps allow the JWT
//! bearer and client credentials flows, with which certificate, secret and
//! Run As user, what `aud` the fake expects, and how wrong its clock is.
//! Part of `Knobs` (`knobs.headless`); the default allows neither flow.

/// An app with "Enable JWT Bearer Flow" and an uploaded certificate.
#[derive(Clone, Debug)]
pub struct JwtApp {
    pub client_id: String,
    /// The X.509 certificate uploaded to the app ("Use digital signatures"),
    /// DER.
    pub certificate: Vec<u8>,
    /// "Enable JWT Bearer Flow"; off: `unsupported_grant_type`.
    pub enabled: bool,
    /// "Admin approved users are pre-authorized" with the user's profile.
    /// Off: only a user who approved the app in a flow that issued a
    /// refresh token (a live approval) gets in.
    pub pre_authorized: bool,
}

/// An app with "Enable Client Credentials Flow".
#[derive(Clone, Debug)]
pub struct ClientCredentialsApp {
    pub client_id: String,
    pub secret: String,
    /// "Enable Client Credentials Flow"; off: `unsupported_grant_type`.
    pub enabled: bool,
    /// The "Run As" user's username; `None`: `no client credentials user
    /// enabled`.
    pub run_as: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct HeadlessKnobs {
    pub jwt_apps: Vec<JwtApp>,
    pub client_credentials_apps: Vec<ClientCredentialsApp>,
    /// The `aud` the JWT bearer grant accepts; `None`: the fake's own URL,
    /// as for an Experience Cloud site or a loopback test server.
    pub jwt_audience: Option<String>,
    /// The fake's clock minus the real one, in seconds: the JWT's `exp` is
    /// judged by it, and every answer's `Date` header shows it.
    pub clock_skew_secs: i64,
    /// Usernames whose JWT bearer grant answers `invalid_grant`
    /// `user is locked` (too many failed logins, or an admin froze them).
    pub locked_users: Vec<String>,
    /// Answer the client credentials grant as login.salesforce.com does:
    /// `invalid_request` `request not supported on this domain`.
    pub generic_host: bool,
}
