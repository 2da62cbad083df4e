//! [`Env`]: a server with one pool and one app client, and what tests do with them (users,
//! sign-in, the outbox's codes, the clock, self-service calls with a token).
//!
//! ```ignore
//! let env = Env::start(PoolBuilder::new("pool"), ClientBuilder::new("web").flows(&PASSWORD_FLOWS)).await;
//! env.user("diego").await;                               // PASSWORD, verified email
//! let tokens: Tokens = env.sign_in("diego", PASSWORD).await.into();
//! env.advance_clock(3600).await;
//! assert_eq!(env.get_user(&tokens.access).await, Err(not_authorized("Access Token has expired")));
//! ```

use cognito_idp::Client;
use cognito_idp::types::AuthenticationResultType;
use cognito_idp_server::Options;
use serde_json::Value;

use super::setup::{ClientBuilder, PASSWORD, PoolBuilder, UserBuilder};
use super::signin::{admin_sign_in, outcome, password_auth_with_hash, refresh_auth};
use super::{InProcessServer, attributes_of, local, value_of};

/// A server with one pool and one app client.
pub struct Env {
    /// The server.
    pub server: InProcessServer,
    /// The generated client pointed at it.
    pub client: Client,
    /// The pool's id.
    pub pool: String,
    /// The app client's id.
    pub app: String,
    /// Its secret, if it has one.
    pub secret: Option<String>,
}

impl Env {
    /// A server with the test options, the pool `pool` and the client `app` of it.
    pub async fn start(pool: PoolBuilder, app: ClientBuilder) -> Env {
        Self::start_with(pool, app, |_| {}).await
    }

    /// As [`start`](Self::start), with the server's options changed by `adjust`.
    pub async fn start_with(pool: PoolBuilder, app: ClientBuilder, adjust: impl FnOnce(&mut Options)) -> Env {
        let server = InProcessServer::start_with(adjust).await;
        let client = server.client();
        let pool = pool.create(&client).await;
        let app = app.create(&client, &pool).await;
        Env { server, client, pool, app: app.id, secret: app.secret }
    }

    /// A `CONFIRMED` user with [`PASSWORD`] and a verified email `<username>@example.com`.
    pub async fn user(&self, username: &str) {
        UserBuilder::new(username).verified_email().password(PASSWORD).create(&self.client, &self.pool).await;
    }

    /// A `CONFIRMED` user with [`PASSWORD`] and these attributes.
    pub async fn user_with(&self, username: &str, attributes: &[(&str, &str)]) {
        UserBuilder::new(username).attrs(attributes).password(PASSWORD).create(&self.client, &self.pool).await;
    }

    /// `SECRET_HASH` for `username` when the client has a secret.
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        self.secret.as_deref().map(|secret| cognito_auth::secret_hash(username, &self.app, secret))
    }

    /// Signs in with `USER_PASSWORD_AUTH` (with the `SECRET_HASH` when the client has a
    /// secret): the tokens, or the error's (code, message).
    pub async fn try_sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<AuthenticationResultType, (String, String)> {
        let out = outcome(
            password_auth_with_hash(&self.client, &self.app, username, password, self.secret_hash(username)).await,
        )?;
        Ok(out.authentication_result.expect("USER_PASSWORD_AUTH without MFA ends with tokens"))
    }

    /// Signs in with `USER_PASSWORD_AUTH`; panics if that fails.
    pub async fn sign_in(&self, username: &str, password: &str) -> AuthenticationResultType {
        self.try_sign_in(username, password).await.unwrap_or_else(|e| panic!("sign-in of {username}: {e:?}"))
    }

    /// Signs in and returns the access token.
    pub async fn access_token(&self, username: &str, password: &str) -> String {
        self.sign_in(username, password).await.access_token.expect("an access token")
    }

    /// Signs in with `ADMIN_USER_PASSWORD_AUTH` (no secret); panics if that fails.
    pub async fn admin_sign_in(&self, username: &str, password: &str) -> AuthenticationResultType {
        admin_sign_in(&self.client, &self.pool, &self.app, username, password).await
    }

    /// `REFRESH_TOKEN_AUTH` through `InitiateAuth` with the client `app`.
    pub async fn refresh_auth(&self, app: &str, refresh: &str) -> Result<AuthenticationResultType, (String, String)> {
        let out = outcome(refresh_auth(&self.client, app, refresh).await)?;
        Ok(out.authentication_result.expect("tokens"))
    }

    /// `GetTokensFromRefreshToken` with the env's client.
    pub async fn get_tokens(&self, refresh: &str) -> Result<AuthenticationResultType, (String, String)> {
        let out = self.client.get_tokens_from_refresh_token().client_id(&self.app).refresh_token(refresh).send().await;
        Ok(outcome(out)?.authentication_result.expect("tokens"))
    }

    /// What `GetUser` answers for `token`: `Ok` when accepted.
    pub async fn get_user(&self, token: &str) -> Result<(), (String, String)> {
        outcome(self.client.get_user().access_token(token).send().await).map(|_| ())
    }

    /// What `GlobalSignOut` answers for `token` (it checks the token as every self-service
    /// operation does): `Ok` when accepted.
    pub async fn sign_out(&self, token: &str) -> Result<(), (String, String)> {
        outcome(self.client.global_sign_out().access_token(token).send().await).map(|_| ())
    }

    /// The pool's issuer: `http://127.0.0.1:PORT/<pool>` (without `--issuer-base`).
    pub fn issuer(&self) -> String {
        format!("{}/{}", self.server.url(), self.pool)
    }

    /// `GET path` on the server: the status and the JSON body (`null` if it is not JSON).
    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let response = reqwest::get(format!("{}{path}", self.server.url())).await.expect("GET");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The messages of `kind` the outbox holds for `username`, oldest first.
    pub async fn messages(&self, username: &str, kind: &str) -> Vec<Value> {
        let all = self.server.outbox(Some(&self.pool), Some(username)).await;
        all.into_iter().filter(|m| m["kind"] == kind).collect()
    }

    /// The last code of `kind` sent to `username`.
    pub async fn last_code(&self, username: &str, kind: &str) -> String {
        local::outbox_code(&self.server.url(), &self.pool, username, Some(kind)).await
    }

    /// Moves the server's clock forward.
    pub async fn advance_clock(&self, seconds: i64) {
        local::advance_clock(&self.server.url(), seconds).await;
    }

    /// The user's attribute `name`, as `AdminGetUser` reports it.
    pub async fn attribute(&self, username: &str, name: &str) -> Option<String> {
        value_of(&attributes_of(&self.client, &self.pool, username).await, name)
    }

    /// The user's status (`CONFIRMED`...).
    pub async fn status(&self, username: &str) -> String {
        let user = self
            .client
            .admin_get_user()
            .user_pool_id(&self.pool)
            .username(username)
            .send()
            .await
            .expect("AdminGetUser");
        user.user_status.expect("a status").as_str().to_owned()
    }
}
