//! A Rust app signs a user in with `USER_SRP_AUTH` through the generated client: InitiateAuth,
//! the `PASSWORD_VERIFIER` challenge answered by `cognito_auth::srp`, RespondToAuthChallenge.
//! The server side is a small backend of the generated trait doing Cognito's half of SRP, on
//! 127.0.0.1 (until the reference server serves SRP itself).

use std::collections::BTreeMap;
use std::sync::Mutex;

use awsjson_server::RequestContext;
use cognito_auth::srp::{PasswordClaim, PasswordVerifier, PasswordVerifierChallenge, SrpClient, SrpServer};
use cognito_idp::operation::{InitiateAuthError, RespondToAuthChallengeError};
use cognito_idp::server::{CognitoIdp, router};
use cognito_idp::types::*;
use cognito_idp::{Client, Config};

const POOL: &str = "us-west-2_SrpTest1";
const CLIENT_ID: &str = "3n4b5urk1ft4fl3mg5e62d9ado";
const CLIENT_SECRET: &str = "app-client-secret";

struct SrpBackend {
    verifier: PasswordVerifier,
    sessions: Mutex<BTreeMap<String, SrpServer>>,
}

fn not_authorized<E>(wrap: fn(NotAuthorizedException) -> E) -> E {
    wrap(NotAuthorizedException { message: Some("Incorrect username or password.".into()) })
}

impl CognitoIdp for SrpBackend {
    async fn initiate_auth(
        &self,
        _ctx: RequestContext,
        input: InitiateAuthRequest,
    ) -> Result<InitiateAuthResponse, InitiateAuthError> {
        let params = input.auth_parameters.unwrap_or_default();
        assert_eq!(input.auth_flow, AuthFlowType::UserSrpAuth);
        assert_eq!(
            params.get("SECRET_HASH").map(String::as_str),
            Some(cognito_auth::secret_hash("diego", CLIENT_ID, CLIENT_SECRET).as_str())
        );
        let server = SrpServer::new(POOL, "diego", &self.verifier, &params["SRP_A"])
            .map_err(|_| not_authorized(InitiateAuthError::NotAuthorizedException))?;
        let challenge_parameters = server.challenge_parameters();
        self.sessions.lock().unwrap().insert("session-0123456789-abcdef".into(), server);
        Ok(InitiateAuthResponse {
            challenge_name: Some(ChallengeNameType::PasswordVerifier),
            challenge_parameters: Some(challenge_parameters.into_iter().collect()),
            session: Some("session-0123456789-abcdef".into()),
            ..Default::default()
        })
    }

    async fn respond_to_auth_challenge(
        &self,
        _ctx: RequestContext,
        input: RespondToAuthChallengeRequest,
    ) -> Result<RespondToAuthChallengeResponse, RespondToAuthChallengeError> {
        let server = self.sessions.lock().unwrap().remove(input.session.as_deref().unwrap_or_default());
        let responses = input.challenge_responses.unwrap_or_default();
        let verified = server
            .zip(PasswordClaim::from_responses(&responses).ok())
            .is_some_and(|(s, claim)| s.verify(&claim).is_ok());
        if !verified {
            return Err(not_authorized(RespondToAuthChallengeError::NotAuthorizedException));
        }
        Ok(RespondToAuthChallengeResponse {
            authentication_result: Some(AuthenticationResultType {
                access_token: Some("access-token".into()),
                id_token: Some("id-token".into()),
                refresh_token: Some("refresh-token".into()),
                expires_in: Some(3600),
                token_type: Some("Bearer".into()),
                ..Default::default()
            }),
            ..Default::default()
        })
    }
}

async fn sign_in(client: &Client, password: &str) -> Result<AuthenticationResultType, String> {
    let srp = SrpClient::new(POOL, "diego", password).unwrap().with_client_secret(CLIENT_ID, CLIENT_SECRET);
    let started = client
        .initiate_auth()
        .auth_flow(AuthFlowType::UserSrpAuth)
        .client_id(CLIENT_ID)
        .set_auth_parameters(Some(srp.auth_parameters().into_iter().collect()))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(started.challenge_name, Some(ChallengeNameType::PasswordVerifier));
    let challenge = PasswordVerifierChallenge::from_parameters(started.challenge_parameters.unwrap()).unwrap();
    let answered = client
        .respond_to_auth_challenge()
        .client_id(CLIENT_ID)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .set_session(started.session)
        .set_challenge_responses(Some(srp.respond(&challenge).unwrap().into_iter().collect()))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    Ok(answered.authentication_result.unwrap())
}

#[tokio::test]
async fn signs_in_with_user_srp_auth_over_http() {
    let backend = SrpBackend {
        verifier: PasswordVerifier::new(POOL, "diego", "correct horse battery staple").unwrap(),
        sessions: Mutex::new(BTreeMap::new()),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { awsjson_server::axum::serve(listener, router(backend)).await.unwrap() });
    // Both operations are public: no region or credentials are needed.
    let client = Client::new(Config::new().endpoint_url(url));

    let tokens = sign_in(&client, "correct horse battery staple").await.unwrap();
    assert_eq!(tokens.access_token.as_deref(), Some("access-token"));
    assert_eq!(tokens.expires_in, Some(3600));

    let wrong = sign_in(&client, "wrong password").await.unwrap_err();
    assert!(wrong.contains("NotAuthorizedException: Incorrect username or password."), "{wrong}");
}
