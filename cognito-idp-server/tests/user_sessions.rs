//! User session management over HTTP: the pool's and app clients' session configuration
//! (defaults, replacement, tiers), token sessions made by sign-ins and refreshed by refreshes,
//! the `MaxPerUser` eviction of the least recently used one, revocation by the user and by an
//! administrator stopping the session's tokens, and the managed login's SSO sessions with the
//! token sessions that came through them. Through the generated client (the AWS CLI and boto3
//! of this repository's pins predate these operations) and the managed login over HTTP.

mod common;

use cognito_idp::Client;
use cognito_idp::types::*;
use common::oauth::{Browser, CALLBACK, OAuthSetup, absolute};
use common::{
    ClientBuilder, InProcessServer, PASSWORD, PASSWORD_FLOWS, PoolBuilder, UserBuilder, advance_clock, failure, pair,
    refresh_auth,
};

async fn enable(client: &Client, pool: &str, max_per_user: i32) {
    client
        .set_user_pool_session_configuration()
        .user_pool_id(pool)
        .user_session_tracking(UserSessionTrackingType::from("ENABLED"))
        .token_session(UserPoolTokenSessionConfigType { max_per_user })
        .send()
        .await
        .expect("SetUserPoolSessionConfiguration");
}

async fn admin_sessions(client: &Client, pool: &str, username: &str) -> Vec<SessionDescriptionType> {
    let out = client.admin_list_user_sessions().user_pool_id(pool).username(username).send().await.unwrap();
    assert_eq!(out.next_token, None, "one page");
    out.sessions.unwrap_or_default()
}

fn id_of(session: &SessionDescriptionType) -> String {
    session.session_id.clone().unwrap()
}

fn kind(session: &SessionDescriptionType) -> &str {
    session.session_type.as_ref().map(|t| t.as_str()).unwrap_or_default()
}

#[tokio::test]
async fn configuration_has_aws_defaults_is_replaced_whole_and_needs_essentials() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = PoolBuilder::new("sessions").create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;

    let never_set = client.get_user_pool_session_configuration().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(never_set.user_pool_id.as_deref(), Some(pool.as_str()));
    assert_eq!(never_set.user_session_tracking.unwrap().as_str(), "DISABLED");
    assert_eq!(never_set.token_session.unwrap().max_per_user, 20);
    let client_default =
        client.get_user_pool_client_session_configuration().user_pool_id(&pool).client_id(&app).send().await.unwrap();
    assert_eq!(client_default.sso_session.unwrap().max_validity_minutes, 60);

    // A pool that does not track sessions has none to list.
    UserBuilder::new("ana").password(PASSWORD).create(&client, &pool).await;
    let (code, _) = failure(client.admin_list_user_sessions().user_pool_id(&pool).username("ana").send().await);
    assert_eq!(code, "OperationNotEnabledException");

    let set = client
        .set_user_pool_session_configuration()
        .user_pool_id(&pool)
        .user_session_tracking(UserSessionTrackingType::from("ENABLED"))
        .token_session(UserPoolTokenSessionConfigType { max_per_user: 3 })
        .send()
        .await
        .unwrap();
    assert_eq!((set.user_session_tracking.unwrap().as_str(), set.token_session.unwrap().max_per_user), ("ENABLED", 3));
    let read = client.get_user_pool_session_configuration().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(
        (read.user_session_tracking.unwrap().as_str(), read.token_session.unwrap().max_per_user),
        ("ENABLED", 3)
    );
    let zero = client
        .set_user_pool_client_session_configuration()
        .user_pool_id(&pool)
        .client_id(&app)
        .sso_session(ClientSsoSessionConfigType { max_validity_minutes: 0 })
        .send()
        .await
        .unwrap();
    assert_eq!(zero.sso_session.unwrap().max_validity_minutes, 0);
    let read =
        client.get_user_pool_client_session_configuration().user_pool_id(&pool).client_id(&app).send().await.unwrap();
    assert_eq!((read.client_id.as_deref(), read.sso_session.unwrap().max_validity_minutes), (Some(app.as_str()), 0));

    // Out of the model's ranges, unknown clients and pools.
    let (code, _) = failure(
        client
            .set_user_pool_session_configuration()
            .user_pool_id(&pool)
            .user_session_tracking(UserSessionTrackingType::from("ENABLED"))
            .token_session(UserPoolTokenSessionConfigType { max_per_user: 101 })
            .send()
            .await,
    );
    assert_eq!(code, "InvalidParameterException");
    let unknown = "1example23456789example4567";
    let (code, message) = failure(
        client.get_user_pool_client_session_configuration().user_pool_id(&pool).client_id(unknown).send().await,
    );
    assert_eq!(
        (code.as_str(), message),
        ("ResourceNotFoundException", format!("User pool client {unknown} does not exist."))
    );
    let (code, _) =
        failure(client.get_user_pool_session_configuration().user_pool_id("us-east-1_nothere").send().await);
    assert_eq!(code, "ResourceNotFoundException");

    // The Lite tier has no session management.
    let lite = PoolBuilder::new("lite").with(|p| p.user_pool_tier("LITE")).create(&client).await;
    let (code, _) = failure(
        client
            .set_user_pool_session_configuration()
            .user_pool_id(&lite)
            .user_session_tracking(UserSessionTrackingType::from("ENABLED"))
            .token_session(UserPoolTokenSessionConfigType { max_per_user: 5 })
            .send()
            .await,
    );
    assert_eq!(code, "FeatureUnavailableInTierException");
}

#[tokio::test]
async fn token_sessions_follow_sign_ins_refreshes_revocations_and_the_limit() {
    let server = InProcessServer::start().await;
    let url = server.url();
    let client = server.client();
    let pool = PoolBuilder::new("sessions").create(&client).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&client, &pool).await.id;
    UserBuilder::new("ana").password(PASSWORD).create(&client, &pool).await;

    // Signed in before tracking started: never a session.
    let untracked = common::sign_in(&client, &app, "ana", PASSWORD).await;
    enable(&client, &pool, 3).await;
    assert!(admin_sessions(&client, &pool, "ana").await.is_empty());

    let first = common::sign_in(&client, &app, "ana", PASSWORD).await;
    advance_clock(&url, 60).await;
    let second = common::sign_in(&client, &app, "ana", PASSWORD).await;
    let listed = client.list_user_sessions().access_token(first.access_token.as_deref().unwrap()).send().await.unwrap();
    let sessions = listed.sessions.unwrap();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    for session in &sessions {
        let id = id_of(session);
        assert!(id.len() == 28 && id.starts_with("tkn"), "{id}");
        assert_eq!((kind(session), session.client_id.as_deref()), ("TOKEN", Some(app.as_str())));
        assert_eq!(session.create_date, session.last_active_date);
        assert_eq!(session.last_ip_address.as_deref(), Some("127.0.0.1"));
        assert!(session.device_type.as_deref().is_some_and(|d| !d.is_empty()), "{session:?}");
        assert_eq!(session.origin_session_id, None);
    }
    assert_eq!(sessions.iter().map(|s| s.is_current_session).collect::<Vec<_>>(), [Some(true), Some(false)]);
    let (first_id, second_id) = (id_of(&sessions[0]), id_of(&sessions[1]));

    // A refresh is the session's activity, not a new session.
    advance_clock(&url, 120).await;
    refresh_auth(&client, &app, second.refresh_token.as_deref().unwrap()).await.unwrap();
    let sessions = admin_sessions(&client, &pool, "ana").await;
    assert_eq!(sessions.len(), 2);
    assert!(sessions.iter().all(|s| s.is_current_session == Some(false)), "never current for an administrator");
    let refreshed = sessions.iter().find(|s| id_of(s) == second_id).unwrap();
    assert!(refreshed.last_active_date > refreshed.create_date, "{refreshed:?}");

    // A user revokes another of their sessions: its tokens stop, on every path.
    let mine = first.access_token.as_deref().unwrap();
    client.revoke_user_session().access_token(mine).session_id(&second_id).send().await.unwrap();
    let refused = refresh_auth(&client, &app, second.refresh_token.as_deref().unwrap()).await;
    assert_eq!(
        common::signin::outcome(refused).unwrap_err(),
        pair("NotAuthorizedException", "Refresh Token has been revoked")
    );
    let (code, _) = failure(client.get_user().access_token(second.access_token.as_deref().unwrap()).send().await);
    assert_eq!(code, "NotAuthorizedException");
    assert_eq!(admin_sessions(&client, &pool, "ana").await.len(), 1);
    // Not their own session, and not one they do not have.
    let (code, _) = failure(client.revoke_user_session().access_token(mine).session_id(&first_id).send().await);
    assert_eq!(code, "InvalidParameterException");
    let (code, _) = failure(client.revoke_user_session().access_token(mine).session_id(&second_id).send().await);
    assert_eq!(code, "ResourceNotFoundException");
    // The untracked sign-in's tokens still work: revocation is per session.
    client.get_user().access_token(untracked.access_token.as_deref().unwrap()).send().await.unwrap();

    // Past MaxPerUser (3), the least recently used session goes.
    let _third = common::sign_in(&client, &app, "ana", PASSWORD).await;
    advance_clock(&url, 60).await;
    refresh_auth(&client, &app, first.refresh_token.as_deref().unwrap()).await.unwrap();
    let fourth = common::sign_in(&client, &app, "ana", PASSWORD).await;
    assert_eq!(admin_sessions(&client, &pool, "ana").await.len(), 3);
    let fifth = common::sign_in(&client, &app, "ana", PASSWORD).await;
    let sessions = admin_sessions(&client, &pool, "ana").await;
    assert_eq!(sessions.len(), 3, "{sessions:?}");
    assert!(sessions.iter().any(|s| id_of(s) == first_id), "the first was refreshed since: kept");
    let refused = refresh_auth(&client, &app, _third.refresh_token.as_deref().unwrap()).await;
    assert_eq!(common::signin::outcome(refused).unwrap_err().0, "NotAuthorizedException", "the third was evicted");

    // An administrator revokes one; global sign-out ends the rest.
    let fourth_id = {
        let listed = client.list_user_sessions().access_token(fourth.access_token.as_deref().unwrap()).send().await;
        let sessions = listed.unwrap().sessions.unwrap();
        id_of(sessions.iter().find(|s| s.is_current_session == Some(true)).unwrap())
    };
    client.admin_revoke_user_session().user_pool_id(&pool).username("ana").session_id(&fourth_id).send().await.unwrap();
    let (code, _) = failure(client.get_user().access_token(fourth.access_token.as_deref().unwrap()).send().await);
    assert_eq!(code, "NotAuthorizedException");
    client.global_sign_out().access_token(fifth.access_token.as_deref().unwrap()).send().await.unwrap();
    assert!(admin_sessions(&client, &pool, "ana").await.is_empty());
}

#[tokio::test]
async fn managed_login_sso_sessions_link_their_token_sessions() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let app = OAuthSetup::new("Portal").secret().create(&client, &server.url()).await;
    UserBuilder::new("lee").verified_email().password(PASSWORD).create(&client, &app.pool).await;
    enable(&client, &app.pool, 10).await;

    let browser = Browser::new();
    let url = app.authorize_url(&[("scope", "openid")]);
    let signed_in = browser.sign_in(&app, &url, "lee", PASSWORD).await;
    assert_eq!(signed_in.status, 302, "{}", signed_in.body);
    let code = signed_in.location_params()["code"].clone();
    let exchanged = Browser::new()
        .post_with(
            &format!("{}/oauth2/token", app.base),
            &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", CALLBACK)],
            &[("authorization", &app.basic()), ("user-agent", "Portal-Backend/2.1 (server)")],
        )
        .await;
    assert_eq!(exchanged.status, 200, "{}", exchanged.body);
    let refresh = exchanged.json()["refresh_token"].as_str().unwrap().to_owned();

    let sessions = admin_sessions(&client, &app.pool, "lee").await;
    let sso = sessions.iter().find(|s| kind(s) == "SSO").expect("the browser's SSO session");
    let token = sessions.iter().find(|s| kind(s) == "TOKEN").expect("the code's token session");
    assert!(id_of(sso).starts_with("sso") && id_of(sso).len() == 28, "{sso:?}");
    assert_eq!(sso.client_id.as_deref(), Some(app.client_id.as_str()));
    assert_eq!(token.origin_session_id, sso.session_id, "the token session came through the SSO session");
    assert_eq!(token.device_type.as_deref(), Some("Portal-Backend"));

    // Within the client's MaxValidityMinutes (60 by default) the browser is not asked again;
    // with 0 it always is.
    assert_eq!(browser.get(&url).await.status, 302);
    assert!(browser.get(&url).await.location.unwrap().contains("code="));
    client
        .set_user_pool_client_session_configuration()
        .user_pool_id(&app.pool)
        .client_id(&app.client_id)
        .sso_session(ClientSsoSessionConfigType { max_validity_minutes: 0 })
        .send()
        .await
        .unwrap();
    let asked = browser.get(&url).await;
    assert!(absolute(&app, asked.location.as_deref().unwrap()).contains("/login?"), "{asked:?}");

    // Revoking the SSO session with its linked sessions ends both.
    client
        .admin_revoke_user_session()
        .user_pool_id(&app.pool)
        .username("lee")
        .session_id(id_of(sso))
        .revoke_associated_sessions(RevokeAssociatedSessionsType::from("LINKED"))
        .send()
        .await
        .unwrap();
    let after = admin_sessions(&client, &app.pool, "lee").await;
    assert!(after.is_empty(), "{after:?}");
    let refreshed = Browser::new()
        .post_with(
            &format!("{}/oauth2/token", app.base),
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
            &[("authorization", &app.basic())],
        )
        .await;
    assert_eq!((refreshed.status, refreshed.json()["error"].as_str()), (400, Some("invalid_grant")));
    client
        .set_user_pool_client_session_configuration()
        .user_pool_id(&app.pool)
        .client_id(&app.client_id)
        .sso_session(ClientSsoSessionConfigType { max_validity_minutes: 60 })
        .send()
        .await
        .unwrap();
    let asked = browser.get(&url).await;
    assert!(absolute(&app, asked.location.as_deref().unwrap()).contains("/login?"), "the cookie's session is gone");
}

/// A configuration set on one instance reaches the sign-ins of another at once, though each
/// keeps the configuration it read with its decoded pool: setting it moves the pool's version,
/// which every instance checks on every request.
async fn configuration_changes_reach_every_instance(one: &InProcessServer, two: &InProcessServer) {
    let (admin, other) = (one.client(), two.client());
    let pool = PoolBuilder::new("balanced").create(&admin).await;
    let app = ClientBuilder::new("web").flows(&PASSWORD_FLOWS).create(&admin, &pool).await.id;
    UserBuilder::new("ana").password(PASSWORD).create(&admin, &pool).await;

    // The second instance reads (and keeps) "not tracking" ...
    common::sign_in(&other, &app, "ana", PASSWORD).await;
    enable(&admin, &pool, 5).await;
    // ... and sees tracking turned on by the first at its next sign-in.
    common::sign_in(&other, &app, "ana", PASSWORD).await;
    common::sign_in(&other, &app, "ana", PASSWORD).await;
    assert_eq!(admin_sessions(&other, &pool, "ana").await.len(), 2);

    // A lower MaxPerUser evicts at the other instance's next sign-in.
    enable(&admin, &pool, 1).await;
    common::sign_in(&other, &app, "ana", PASSWORD).await;
    assert_eq!(admin_sessions(&other, &pool, "ana").await.len(), 1);

    // Turned off: the other instance records nothing and lists nothing.
    admin
        .set_user_pool_session_configuration()
        .user_pool_id(&pool)
        .user_session_tracking(UserSessionTrackingType::from("DISABLED"))
        .token_session(UserPoolTokenSessionConfigType { max_per_user: 1 })
        .send()
        .await
        .unwrap();
    common::sign_in(&other, &app, "ana", PASSWORD).await;
    let (code, _) = failure(other.admin_list_user_sessions().user_pool_id(&pool).username("ana").send().await);
    assert_eq!(code, "OperationNotEnabledException");
}

#[tokio::test]
async fn configuration_changes_reach_every_instance_on_one_sqlite_file() {
    let one = InProcessServer::start().await;
    let db = one.db.clone();
    let two = InProcessServer::start_with(move |o| o.db = db).await;
    configuration_changes_reach_every_instance(&one, &two).await;
}

#[tokio::test]
async fn configuration_changes_reach_every_instance_on_one_postgresql_database() {
    let Some(url) = common::pg::api::database().await else { return };
    let (one, two) = tokio::join!(common::pg::api::server_on(&url), common::pg::api::server_on(&url));
    configuration_changes_reach_every_instance(&one, &two).await;
}
