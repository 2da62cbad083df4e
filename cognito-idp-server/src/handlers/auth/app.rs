//! The app client a sign-in goes through: how the operations find it, what it allows, and its
//! `SECRET_HASH`.

use std::collections::BTreeMap;
use std::sync::Arc;

use cognito_idp::ErrorCode;
use cognito_idp::types::UserPoolClientType;

use crate::errors::{ApiError, ApiResult};
use crate::handlers::cimd::documents as cimd;
use crate::handlers::secret_hash::{self, Missing};
use crate::handlers::sessions::tracking::Seen;
use crate::handlers::shared::load_pool;
use crate::handlers::{client_secrets, clients};
use crate::state::{Cognito, Pool};
use crate::store::{Store, StoreError};

/// Which API a sign-in came through: the public one (`InitiateAuth`, `RespondToAuthChallenge`)
/// or the administrators' (`AdminInitiateAuth`, `AdminRespondToAuthChallenge`, signed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// `InitiateAuth`, `RespondToAuthChallenge`.
    Public,
    /// `AdminInitiateAuth`, `AdminRespondToAuthChallenge`.
    Admin,
    /// The managed login pages: no `SECRET_HASH` (the pages are Cognito's own), whatever
    /// `ExplicitAuthFlows` says (they govern the API), and a completed sign-in ends in the
    /// signed-in user, for the pages to turn into an authorization code, not in tokens.
    Browser,
}

/// An app client with its pool, and what the call says besides its flow.
#[derive(Clone)]
pub struct App {
    /// The pool the client belongs to.
    pub pool: Arc<Pool>,
    /// The client's id.
    pub client_id: String,
    /// The client's settings.
    pub client: UserPoolClientType,
    /// The API the call came through.
    pub api: Api,
    /// The client's active secrets (none for a public client; two while they rotate).
    pub secrets: Vec<String>,
    /// The `ClientMetadata` of `InitiateAuth` / `AdminInitiateAuth`: the PreAuthentication
    /// trigger's `validationData` (see `handlers::triggered::pre_authentication`).
    pub validation_data: Option<BTreeMap<String, String>>,
    /// The `ClientMetadata` of `RespondToAuthChallenge` / `AdminRespondToAuthChallenge`: the
    /// `clientMetadata` of the PostAuthentication and PreTokenGeneration triggers when the
    /// sign-in ends in that call (`InitiateAuth`'s is not passed to them).
    pub client_metadata: Option<BTreeMap<String, String>>,
    /// The `DEVICE_KEY` the call presents (`AuthParameters` of a password flow, or the
    /// `PASSWORD_VERIFIER` answer): a device to authenticate once the password is proved.
    pub device_key: Option<String>,
    /// The device this sign-in proved (`DEVICE_PASSWORD_VERIFIER`), kept in the sessions of the
    /// challenges after it: its tokens are bound to it and it may stand in for MFA.
    pub device: Option<ProvedDevice>,
    /// The caller's address (a device's `last_ip_used`).
    pub source_ip: Option<String>,
    /// Where the call came from, for a tracked user session (`handlers::sessions`).
    pub seen: Seen,
    /// Where the request comes from, for threat protection's events and risk.
    pub event_context: crate::handlers::events::Context,
}

/// A device a sign-in proved by device SRP.
#[derive(Debug, Clone)]
pub struct ProvedDevice {
    /// Its key.
    pub key: String,
    /// Whether it was remembered when proved.
    pub remembered: bool,
}

impl App {
    /// Finds the client: by id alone on the public API, in the named pool on the admin API
    /// (`User pool X does not exist.` first, then `User pool client X does not exist.`).
    pub async fn load<S: Store>(svc: &Cognito<S>, pool_id: Option<&str>, client_id: &str) -> ApiResult<App> {
        let (record, pool, api) = match pool_id {
            Some(pool_id) => {
                let pool = load_pool(svc, pool_id).await?;
                match svc.store.get_client(pool_id, client_id).await {
                    Ok(record) => (record, pool, Api::Admin),
                    Err(StoreError::NotFound) => return Err(ApiError::client_not_found(client_id)),
                    Err(e) => return Err(e.into()),
                }
            }
            None => {
                let record = match svc.store.find_client(client_id).await {
                    Ok(record) => record,
                    Err(StoreError::NotFound) => return Err(ApiError::client_not_found(client_id)),
                    Err(e) => return Err(e.into()),
                };
                let pool = load_pool(svc, &record.pool_id).await?;
                (record, pool, Api::Public)
            }
        };
        let client = clients::decode(&record)?;
        let secrets = client_secrets::active(svc, &record.pool_id, &client).await?;
        let secrets = secrets.into_iter().map(|s| s.value).collect();
        Ok(App {
            pool,
            client_id: record.id,
            client,
            api,
            secrets,
            validation_data: None,
            client_metadata: None,
            device_key: None,
            device: None,
            source_ip: None,
            seen: Seen::default(),
            event_context: Default::default(),
        })
    }

    /// The same client for a call of `InitiateAuth` / `AdminInitiateAuth` with `ClientMetadata`.
    pub fn with_validation_data(mut self, metadata: Option<BTreeMap<String, String>>) -> App {
        self.validation_data = metadata;
        self
    }

    /// The same client for a call of `RespondToAuthChallenge` / `AdminRespondToAuthChallenge`
    /// with `ClientMetadata`.
    pub fn with_client_metadata(mut self, metadata: Option<BTreeMap<String, String>>) -> App {
        self.client_metadata = metadata;
        self
    }

    /// The same client for a call that presents `DEVICE_KEY` (an empty one is none), from
    /// `source_ip`.
    pub fn with_device_key(mut self, device_key: Option<&String>, source_ip: Option<String>) -> App {
        self.device_key = device_key.filter(|k| !k.is_empty()).cloned();
        self.source_ip = source_ip;
        self
    }

    /// The same client for a call seen as `seen` (its address and `User-Agent`).
    pub fn seen_as(mut self, seen: Seen) -> App {
        self.seen = seen;
        self
    }

    /// The same client for a call from `context` (threat protection's events and risk).
    pub fn with_event_context(mut self, context: crate::handlers::events::Context) -> App {
        self.event_context = context;
        self
    }

    /// The client for the managed login pages of pool `pool_id`.
    pub async fn browser<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiResult<App> {
        let mut app = App::oauth(svc, pool_id, client_id).await?;
        app.api = Api::Browser;
        Ok(app)
    }

    /// The client of the pool's OAuth endpoints: an app client, or a metadata URL one of the
    /// pool's CIMD policies accepts (its document's client, public: see
    /// [`crate::handlers::cimd::documents`]).
    pub async fn oauth<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiResult<App> {
        if !cimd::is_metadata_url(client_id) {
            return App::load(svc, Some(pool_id), client_id).await;
        }
        let pool = load_pool(svc, pool_id).await?;
        let Some(client) = cimd::resolve(svc, pool_id, client_id).await? else {
            return Err(ApiError::client_not_found(client_id));
        };
        Ok(App {
            pool,
            client_id: client_id.to_owned(),
            client,
            api: Api::Admin,
            secrets: Vec::new(),
            validation_data: None,
            client_metadata: None,
            device_key: None,
            device: None,
            source_ip: None,
            seen: Seen::default(),
            event_context: Default::default(),
        })
    }

    /// `PreventUserExistenceErrors: ENABLED`.
    pub fn hides_unknown_users(&self) -> bool {
        self.client.prevent_user_existence_errors.as_ref().is_some_and(|p| p.as_str() == "ENABLED")
    }

    /// The answer for a user that does not exist: `UserNotFoundException` (`User does not
    /// exist.`), or the wrong-password answer when the client hides unknown users (AWS's
    /// developer guide, "Managing user existence error responses").
    pub fn unknown_user(&self) -> ApiError {
        if self.hides_unknown_users() { incorrect() } else { ApiError::user_not_found() }
    }

    /// Whether the client allows the flow named by its `ALLOW_` value (`ALLOW_USER_SRP_AUTH`),
    /// or by one of the legacy values given. A client configured with legacy values only could
    /// always use SRP and refresh tokens, which predate the setting.
    pub fn allows(&self, allow: &str, legacy: &[&str], legacy_default: bool) -> bool {
        let flows = clients::auth_flows(&self.client);
        if flows.iter().any(|f| f == allow || legacy.contains(&f.as_str())) {
            return true;
        }
        legacy_default && !flows.iter().any(|f| f.starts_with("ALLOW_"))
    }

    /// Checks `SECRET_HASH` for a client with a secret: it must be the hash of one of `names`
    /// (the username the call gives, or the user's stored username), compared in constant time.
    /// `wording` is the operation's message for a missing hash (see
    /// [`crate::handlers::secret_hash`], where AWS's messages and their evidence are). The
    /// managed login pages send none: they are Cognito's own.
    pub fn check_secret(&self, names: &[&str], given: Option<&str>, wording: Missing) -> ApiResult<()> {
        if self.api == Api::Browser {
            return Ok(());
        }
        secret_hash::check(&self.secrets, &self.client_id, names, given, wording)
    }

    /// The client's secret, if it has one.
    pub fn secret(&self) -> Option<&str> {
        secret_hash::secret_of(&self.client)
    }
}

/// `Incorrect username or password.`: a wrong password, or an unknown user when the client
/// hides them.
pub fn incorrect() -> ApiError {
    ApiError::not_authorized("Incorrect username or password.")
}

/// `Invalid code or auth state for the user.`: AWS's `CodeMismatchException` for a wrong
/// sign-in or MFA code (aws-amplify/amplify-js issues 3066 and 11069 quote it).
pub fn code_mismatch() -> ApiError {
    ApiError::new(ErrorCode::CodeMismatchException, "Invalid code or auth state for the user.")
}

/// `Missing required parameter X` (InvalidParameterException), AWS's answer for an absent
/// `AuthParameters` or `ChallengeResponses` entry.
pub fn missing(name: &str) -> ApiError {
    ApiError::invalid_parameter(format!("Missing required parameter {name}"))
}

/// The value `name` of a parameter map, or [`missing`].
pub fn required<'a>(params: &'a BTreeMap<String, String>, name: &str) -> ApiResult<&'a str> {
    params.get(name).map(String::as_str).filter(|v| !v.is_empty()).ok_or_else(|| missing(name))
}
