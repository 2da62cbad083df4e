//! What tests/self_service.rs and tests/recovery.rs share: a pool with an app client that signs
//! in with `USER_PASSWORD_AUTH`, confirmed users with a verified email, sign-in, the outbox's
//! codes, and the server's clock.

#![allow(dead_code)]

use cognito_idp::Client;
use cognito_idp::types::UserAttributeUpdateSettingsType;

use crate::common::{InProcessServer, attr};

/// The password every test user starts with.
pub const PASSWORD: &str = "Passw0rd!";
/// A second password that meets the default policy.
pub const NEW_PASSWORD: &str = "N3w-Passw0rd!";

/// How the pool and its app client are made.
#[derive(Default, Clone)]
pub struct Setup {
    /// `PreventUserExistenceErrors: ENABLED` on the client.
    pub hide_users: bool,
    /// A client secret.
    pub secret: bool,
    /// `AutoVerifiedAttributes`.
    pub verify: Vec<&'static str>,
    /// `AttributesRequireVerificationBeforeUpdate`.
    pub verify_before_update: Vec<&'static str>,
    /// The client's `WriteAttributes` (none: every attribute).
    pub write: Vec<&'static str>,
    /// The client's `ReadAttributes` (none: every attribute).
    pub read: Vec<&'static str>,
}

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
    /// A server, a pool that auto-verifies email (unless `setup.verify` says otherwise) and a
    /// client that allows `USER_PASSWORD_AUTH`.
    pub async fn start(setup: Setup) -> Env {
        let server = InProcessServer::start().await;
        let client = server.client();
        let mut create = client.create_user_pool().pool_name("self-service");
        let verify = if setup.verify.is_empty() { vec!["email"] } else { setup.verify.clone() };
        for attribute in verify.into_iter().filter(|a| *a != "none") {
            create = create.auto_verified_attributes(attribute);
        }
        if !setup.verify_before_update.is_empty() {
            create = create.user_attribute_update_settings(UserAttributeUpdateSettingsType {
                attributes_require_verification_before_update: Some(
                    setup.verify_before_update.iter().map(|a| (*a).into()).collect(),
                ),
            });
        }
        let pool = create.send().await.expect("CreateUserPool").user_pool.unwrap().id.unwrap();
        let mut app = client
            .create_user_pool_client()
            .user_pool_id(&pool)
            .client_name("web")
            .generate_secret(setup.secret)
            .explicit_auth_flows("ALLOW_USER_PASSWORD_AUTH")
            .explicit_auth_flows("ALLOW_REFRESH_TOKEN_AUTH");
        if setup.hide_users {
            app = app.prevent_user_existence_errors("ENABLED");
        }
        for name in &setup.write {
            app = app.write_attributes(*name);
        }
        for name in &setup.read {
            app = app.read_attributes(*name);
        }
        let app = app.send().await.expect("CreateUserPoolClient").user_pool_client.unwrap();
        Env { server, client, pool, app: app.client_id.unwrap(), secret: app.client_secret }
    }

    /// A confirmed user with `PASSWORD` and a verified email `<username>@example.com`.
    pub async fn user(&self, username: &str) {
        self.user_with(username, &[("email", &format!("{username}@example.com")), ("email_verified", "true")]).await;
    }

    /// A confirmed user with `PASSWORD` and these attributes.
    pub async fn user_with(&self, username: &str, attributes: &[(&str, &str)]) {
        let mut create = self.client.admin_create_user().user_pool_id(&self.pool).username(username);
        for (name, value) in attributes {
            create = create.user_attributes(attr(name, value));
        }
        create.message_action("SUPPRESS").send().await.expect("AdminCreateUser");
        self.client
            .admin_set_user_password()
            .user_pool_id(&self.pool)
            .username(username)
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .expect("AdminSetUserPassword");
    }

    /// `SECRET_HASH` for `username` when the client has a secret.
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        self.secret.as_deref().map(|secret| cognito_auth::secret_hash(username, &self.app, secret))
    }

    /// Signs in with `USER_PASSWORD_AUTH`: the access token, or the error's (code, message).
    pub async fn try_sign_in(&self, username: &str, password: &str) -> Result<String, (String, String)> {
        let mut call = self
            .client
            .initiate_auth()
            .client_id(&self.app)
            .auth_flow("USER_PASSWORD_AUTH")
            .auth_parameters("USERNAME", username)
            .auth_parameters("PASSWORD", password);
        if let Some(hash) = self.secret_hash(username) {
            call = call.auth_parameters("SECRET_HASH", hash);
        }
        match call.send().await {
            Ok(out) => Ok(out
                .authentication_result
                .and_then(|r| r.access_token)
                .expect("USER_PASSWORD_AUTH without MFA ends with tokens")),
            Err(e) => Err((
                crate::common::error_code(&e).unwrap_or_default(),
                crate::common::error_message(&e).unwrap_or_default(),
            )),
        }
    }

    /// Signs in and returns the access token.
    pub async fn sign_in(&self, username: &str, password: &str) -> String {
        self.try_sign_in(username, password).await.unwrap_or_else(|e| panic!("sign-in of {username}: {e:?}"))
    }

    /// The messages of `kind` the outbox holds for `username`, oldest first.
    pub async fn messages(&self, username: &str, kind: &str) -> Vec<serde_json::Value> {
        let all = self.server.outbox(Some(&self.pool), Some(username)).await;
        all.into_iter().filter(|m| m["kind"] == kind).collect()
    }

    /// The last code of `kind` sent to `username`.
    pub async fn last_code(&self, username: &str, kind: &str) -> String {
        let messages = self.messages(username, kind).await;
        let last = messages.last().unwrap_or_else(|| panic!("no {kind} message for {username}"));
        last["code"].as_str().unwrap().to_owned()
    }

    /// Moves the server's clock forward.
    pub async fn advance_clock(&self, seconds: i64) {
        let response = reqwest::Client::new()
            .post(format!("{}/_local/clock", self.server.url()))
            .json(&serde_json::json!({"advanceSeconds": seconds}))
            .send()
            .await
            .expect("POST /_local/clock");
        assert_eq!(response.status(), 200);
    }

    /// The user's attribute `name`, as `AdminGetUser` reports it.
    pub async fn attribute(&self, username: &str, name: &str) -> Option<String> {
        crate::common::value_of(&crate::common::attributes_of(&self.client, &self.pool, username).await, name)
    }

    /// The user's status.
    pub async fn status(&self, username: &str) -> String {
        let user = self
            .client
            .admin_get_user()
            .user_pool_id(&self.pool)
            .username(username)
            .send()
            .await
            .expect("AdminGetUser");
        user.user_status.unwrap().as_str().to_owned()
    }
}

/// A code that differs from `code`.
pub fn wrong(code: &str) -> String {
    if code == "000000" { "000001".into() } else { "000000".into() }
}
