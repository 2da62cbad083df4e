//! A tiny backend for the server tests, served on 127.0.0.1 with the generated router.
//!
//! It implements `AdminCreateUser` and `AdminGetUser` (answering as Cognito does), a few
//! operations that answer errors or panic on purpose, and records the context of each call.

#![allow(dead_code)] // each test file uses part of it

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use cognito_idp::operation::{
    AdminCreateUserError, AdminDeleteUserError, AdminDisableUserError, AdminEnableUserError, AdminGetUserError,
};
use cognito_idp::server::{RequestContext, ServerConfig};
use cognito_idp::types::*;
use cognito_idp::{CognitoIdp, Timestamp};

/// What a handler saw of one call.
#[derive(Debug, Clone)]
pub struct Seen {
    pub operation: String,
    pub request_id: String,
    pub caller: Option<String>,
    pub source: Option<SocketAddr>,
}

/// The backend: implements a handful of operations and records every call it gets.
#[derive(Clone, Default)]
pub struct TestBackend {
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

/// The fixed creation time of every user (2019-01-21T19:38:15.428Z, as in the CLI reference).
pub const CREATED: Timestamp = Timestamp::from_parts(1_548_099_495, 428_000_000);

/// The `sub` every created user gets.
pub const SUB: &str = "d6e2e5f6-3f53-4c0e-9c1e-000000000001";

impl TestBackend {
    fn record(&self, ctx: &RequestContext) {
        self.seen.lock().unwrap().push(Seen {
            operation: ctx.operation.to_string(),
            request_id: ctx.request_id.to_string(),
            caller: ctx.caller.clone(),
            source: ctx.source,
        });
    }

    /// The calls seen so far.
    pub fn calls(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl CognitoIdp for TestBackend {
    async fn admin_create_user(
        &self,
        ctx: RequestContext,
        input: AdminCreateUserRequest,
    ) -> Result<AdminCreateUserResponse, AdminCreateUserError> {
        self.record(&ctx);
        if input.username == "taken" {
            return Err(AdminCreateUserError::UsernameExistsException(UsernameExistsException {
                message: Some("User account already exists".into()),
            }));
        }
        let mut attributes = vec![AttributeType { name: "sub".into(), value: Some(SUB.into()) }];
        attributes.extend(input.user_attributes.unwrap_or_default());
        Ok(AdminCreateUserResponse {
            user: Some(UserType {
                username: Some(input.username),
                attributes: Some(attributes),
                user_create_date: Some(CREATED),
                user_last_modified_date: Some(CREATED),
                enabled: Some(true),
                user_status: Some(UserStatusType::ForceChangePassword),
                ..Default::default()
            }),
        })
    }

    async fn admin_get_user(
        &self,
        _ctx: RequestContext,
        input: AdminGetUserRequest,
    ) -> Result<AdminGetUserResponse, AdminGetUserError> {
        Ok(fixed_user(input.username))
    }

    async fn admin_disable_user(
        &self,
        ctx: RequestContext,
        _input: AdminDisableUserRequest,
    ) -> Result<AdminDisableUserResponse, AdminDisableUserError> {
        self.record(&ctx);
        Err(AdminDisableUserError::UserNotFoundException(UserNotFoundException {
            message: Some("User does not exist.".into()),
        }))
    }

    async fn admin_delete_user(
        &self,
        ctx: RequestContext,
        _input: AdminDeleteUserRequest,
    ) -> Result<awsjson_types::Empty, AdminDeleteUserError> {
        self.record(&ctx);
        Err(AdminDeleteUserError::InternalErrorException(InternalErrorException {
            message: Some("backend down".into()),
        }))
    }

    async fn admin_enable_user(
        &self,
        ctx: RequestContext,
        _input: AdminEnableUserRequest,
    ) -> Result<AdminEnableUserResponse, AdminEnableUserError> {
        self.record(&ctx);
        panic!("this handler panics on purpose");
    }
}

/// The user `AdminGetUser` answers with.
pub fn fixed_user(username: String) -> AdminGetUserResponse {
    AdminGetUserResponse {
        username,
        user_attributes: Some(vec![
            AttributeType { name: "sub".into(), value: Some(SUB.into()) },
            AttributeType { name: "email".into(), value: Some("diego@example.com".into()) },
        ]),
        user_create_date: Some(CREATED),
        user_last_modified_date: Some(CREATED),
        enabled: Some(true),
        user_status: Some(UserStatusType::Confirmed),
        ..Default::default()
    }
}

/// Serves `backend` with `config` on 127.0.0.1 (a free port); the server lives as long as the
/// test's runtime.
pub async fn serve(backend: TestBackend, config: ServerConfig) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let addr = listener.local_addr().unwrap();
    let app = cognito_idp::server::router_with(backend, config);
    tokio::spawn(async move {
        awsjson_server::axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
    });
    addr
}

/// Whether a command runs (`program args...` exits 0).
pub fn tool_available(program: &str, args: &[&str]) -> bool {
    std::process::Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
