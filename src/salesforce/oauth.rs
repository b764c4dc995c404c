//! The OAuth 2.0 calls: the authorize URL (PKCE, state), the code exchange
//! and the refresh grant, through the oauth2 crate.
//!
//! Salesforce specifics handled here (docs/salesforce-oauth.md §2-§4): the token
//! response has no `expires_in` but `instance_url`, `id` and `issued_at` in
//! milliseconds as a string; a refresh answer carries a `refresh_token` only
//! when rotation is on; client credentials go in the form body, and a client
//! secret is sent only for the app it belongs to (`secrets::client_secret`).
//! The URLs in the answer are judged by `hosts::check_server_url` before a
//! token follows them (`Tokens::check_urls`).

use super::errors::{Stage, refused_secret, token_endpoint_error};
use super::hosts::parse_server_url;
use super::http::Http;
use crate::error::{Error, Result};
use crate::secrets::secret::Secret;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken,
    EndpointNotSet, EndpointSet, ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

/// The Salesforce CLI's public app, present in many orgs; the default client.
pub const PLATFORM_CLI: &str = "PlatformCLI";

const PLATFORM_CLI_SCOPES: &str = "refresh_token api web";
/// The permissions of the product brief.
const CUSTOM_APP_SCOPES: &str =
    "api refresh_token offline_access id profile email address phone openid";

/// The scopes asked for when neither --scopes nor the `scopes` setting says.
pub fn default_scopes(client_id: &str) -> &'static str {
    if client_id == PLATFORM_CLI {
        PLATFORM_CLI_SCOPES
    } else {
        CUSTOM_APP_SCOPES
    }
}

/// The fields Salesforce adds to a token response. Unknown ones (such as
/// `api_instance_url`) are ignored; the Experience Cloud site URL is read
/// under both its names (docs/salesforce-oauth.md §2) only to be checked.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SalesforceFields {
    instance_url: String,
    id: String,
    #[serde(default)]
    issued_at: Option<String>,
    #[serde(default)]
    sfdc_community_url: Option<String>,
    #[serde(default)]
    sfdc_site_url: Option<String>,
}

impl ExtraTokenFields for SalesforceFields {}

type SalesforceTokenResponse = StandardTokenResponse<SalesforceFields, BasicTokenType>;
type OAuthClient<HasAuthUrl> = Client<
    BasicErrorResponse,
    SalesforceTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    HasAuthUrl,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// Which app, at which login host.
pub struct AppConfig {
    pub login_url: String,
    pub client_id: String,
    /// Only for apps that require one; from `SFCONNECT_CLIENT_SECRET`.
    pub client_secret: Option<Secret>,
}

/// What a successful token request gives us. The URLs are as Salesforce
/// sent them until `check_urls` has judged and normalised them.
#[derive(Debug)]
pub struct Tokens {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub instance_url: String,
    pub identity_url: String,
    /// The Experience Cloud site (`sfdc_community_url` or `sfdc_site_url`),
    /// for a site member's login.
    pub community_urls: Vec<String>,
    pub issued_at_ms: i64,
    pub scopes: Vec<String>,
}

impl Tokens {
    /// Judges every URL of the answer against the login URL it came from
    /// and replaces each by its normalised form; an error (exit 5) names
    /// the first refused one. Nothing is sent to any of them before this.
    pub fn check_urls(&mut self, login_url: &str) -> Result<()> {
        self.instance_url = parse_server_url(login_url, &self.instance_url, "instance URL")?;
        self.identity_url = parse_server_url(login_url, &self.identity_url, "identity URL")?;
        for url in &mut self.community_urls {
            *url = parse_server_url(login_url, url, "Experience Cloud site URL")?;
        }
        Ok(())
    }
}

/// A login in progress: the URL to open and what must come back.
pub struct PendingLogin {
    pub authorize_url: String,
    pub state: Secret,
    pub redirect_uri: String,
    verifier: PkceCodeVerifier,
}

impl AppConfig {
    fn client(&self) -> Result<OAuthClient<EndpointNotSet>> {
        let token_url = TokenUrl::new(format!("{}/services/oauth2/token", self.login_url))
            .map_err(|e| Error::usage(format!("bad login URL {}: {e}", self.login_url)))?;
        let mut client = Client::new(ClientId::new(self.client_id.clone()))
            .set_token_uri(token_url)
            .set_auth_type(AuthType::RequestBody);
        if let Some(secret) = &self.client_secret {
            client = client.set_client_secret(ClientSecret::new(secret.expose().to_string()));
        }
        Ok(client)
    }

    fn client_with_auth(&self, redirect_uri: &str) -> Result<OAuthClient<EndpointSet>> {
        let auth_url = AuthUrl::new(format!("{}/services/oauth2/authorize", self.login_url))
            .map_err(|e| Error::usage(format!("bad login URL {}: {e}", self.login_url)))?;
        let redirect = RedirectUrl::new(redirect_uri.to_string())
            .map_err(|e| Error::unexpected(format!("bad redirect URI {redirect_uri}: {e}")))?;
        Ok(self
            .client()?
            .set_auth_uri(auth_url)
            .set_redirect_uri(redirect))
    }

    /// Builds the authorize URL: `response_type=code`, `client_id`,
    /// `redirect_uri`, `scope`, a 256-bit `state`, an S256 `code_challenge`
    /// (RFC 7636 §4.2, 43-character verifier from the OS CSPRNG) and
    /// `prompt=login`, so the user picks the account on purpose.
    pub fn start_login(&self, redirect_uri: &str, scopes: &[String]) -> Result<PendingLogin> {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = self
            .client_with_auth(redirect_uri)?
            .authorize_url(|| CsrfToken::new_random_len(32))
            .add_scopes(scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge)
            .add_extra_param("prompt", "login")
            .url();
        Ok(PendingLogin {
            authorize_url: url.to_string(),
            state: Secret::new(state.secret().clone()),
            redirect_uri: redirect_uri.to_string(),
            verifier,
        })
    }

    /// Exchanges an authorization code, once (a retried code makes a
    /// compliant server revoke what it issued, RFC 6749 §4.1.2).
    pub fn exchange_code(&self, http: &Http, login: PendingLogin, code: &Secret) -> Result<Tokens> {
        let response = self
            .client_with_auth(&login.redirect_uri)?
            .exchange_code(AuthorizationCode::new(code.expose().to_string()))
            .set_pkce_verifier(login.verifier)
            .request(http);
        self.read_response(response, Stage::Login)
    }

    /// The refresh grant (`grant_type=refresh_token`).
    pub fn refresh(&self, http: &Http, refresh_token: &Secret) -> Result<Tokens> {
        let token = RefreshToken::new(refresh_token.expose().to_string());
        let response = self.client()?.exchange_refresh_token(&token).request(http);
        self.read_response(response, Stage::Refresh)
    }

    fn read_response(
        &self,
        response: Result<SalesforceTokenResponse, RequestTokenError<Error, BasicErrorResponse>>,
        stage: Stage,
    ) -> Result<Tokens> {
        let host = host_of(&self.login_url);
        let response = response.map_err(|e| match e {
            RequestTokenError::ServerResponse(body) => {
                let err = token_endpoint_error(
                    body.error().as_ref(),
                    body.error_description().map(String::as_str).unwrap_or(""),
                    stage,
                );
                match self.client_secret {
                    Some(_) => refused_secret(err),
                    None => err,
                }
            }
            RequestTokenError::Request(error) => error,
            // The body is not shown: it could hold a token.
            RequestTokenError::Parse(error, _) => Error::network(format!(
                "{host} answered the token request with something that is not a Salesforce token response (at `{}`)",
                error.path()
            )),
            RequestTokenError::Other(why) => Error::network(format!(
                "{host} answered the token request unexpectedly: {why}"
            )),
        })?;
        let extra = response.extra_fields();
        let issued_at_ms = extra
            .issued_at
            .as_deref()
            .and_then(|ms| ms.parse().ok())
            .unwrap_or_else(|| chrono::Utc::now().timestamp_millis());
        Ok(Tokens {
            access_token: Secret::new(response.access_token().secret().clone()),
            refresh_token: response
                .refresh_token()
                .map(|t| Secret::new(t.secret().clone())),
            instance_url: extra.instance_url.clone(),
            identity_url: extra.id.clone(),
            community_urls: community_urls([&extra.sfdc_community_url, &extra.sfdc_site_url]),
            issued_at_ms,
            scopes: response
                .scopes()
                .map(|s| s.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
        })
    }
}

/// The site URLs a token answer names, empty ones left out.
pub fn community_urls(fields: [&Option<String>; 2]) -> Vec<String> {
    fields
        .into_iter()
        .flatten()
        .filter(|url| !url.trim().is_empty())
        .cloned()
        .collect()
}

pub fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| u.port().map_or(h.to_string(), |p| format!("{h}:{p}")))
        })
        .unwrap_or_else(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_url_carries_every_parameter() {
        let app = AppConfig {
            login_url: "https://test.salesforce.com".into(),
            client_id: "PlatformCLI".into(),
            client_secret: None,
        };
        let scopes = vec!["refresh_token".to_string(), "api".to_string()];
        let login = app
            .start_login("http://localhost:1717/OauthRedirect", &scopes)
            .unwrap();
        let url = url::Url::parse(&login.authorize_url).unwrap();
        assert_eq!(url.host_str(), Some("test.salesforce.com"));
        assert_eq!(url.path(), "/services/oauth2/authorize");
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "PlatformCLI");
        assert_eq!(q["redirect_uri"], "http://localhost:1717/OauthRedirect");
        assert_eq!(q["scope"], "refresh_token api");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["code_challenge"].len(), 43);
        assert_eq!(q["prompt"], "login");
        // 32 random bytes, base64url: at least 128 bits as RFC 9700 asks.
        assert!(q["state"].len() >= 43);
        assert_eq!(q["state"], login.state.expose());
        let again = app
            .start_login("http://localhost:1717/OauthRedirect", &scopes)
            .unwrap();
        assert_ne!(again.state.expose(), login.state.expose());
    }

    #[test]
    fn hosts_include_ports() {
        assert_eq!(host_of("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
        assert_eq!(
            host_of("https://login.salesforce.com"),
            "login.salesforce.com"
        );
    }
}
