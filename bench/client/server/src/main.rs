//! Serves AdminGetUser (a fixed user) on 127.0.0.1 at the port given as the first argument.
//! It stops after the number of seconds given as the second argument (default 600).

use cognito_idp::operation::AdminGetUserError;
use cognito_idp::server::{CognitoIdp, router};
use cognito_idp::types::{AdminGetUserRequest, AdminGetUserResponse, AttributeType, UserStatusType};

struct Fixed;

impl CognitoIdp for Fixed {
    async fn admin_get_user(
        &self,
        _ctx: awsjson_server::RequestContext,
        input: AdminGetUserRequest,
    ) -> Result<AdminGetUserResponse, AdminGetUserError> {
        Ok(AdminGetUserResponse {
            username: input.username,
            user_attributes: Some(vec![AttributeType { name: "sub".into(), value: Some("7325c1de-b05b-4f84-b321-9adc6e61f4a2".into()) }]),
            user_status: Some(UserStatusType::Confirmed),
            enabled: Some(true),
            ..Default::default()
        })
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(600);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
    println!("{}", listener.local_addr().unwrap().port());
    let serve = awsjson_server::axum::serve(listener, router(Fixed));
    let _ = tokio::time::timeout(std::time::Duration::from_secs(seconds), serve).await;
}
