//! Tokens over HTTP with the generated client: the claims of access and id tokens, their keys
//! (different kids, a JWKS and discovery document that `cognito-auth`'s verifier and PyJWT
//! accept), lifetimes from the client, refresh (REFRESH_TOKEN_AUTH and
//! GetTokensFromRefreshToken, rotation with a grace period), revocation (RevokeToken,
//! GlobalSignOut, AdminUserGlobalSignOut) and forged, other-pool and expired tokens refused with
//! AWS's messages.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_auth::jwt::{JwtVerifier, TokenUse};
use cognito_idp::Client;
use cognito_idp::client::CreateUserPoolClientBuilder;
use cognito_idp::types::*;
use common::{ClientBuilder, Env, InProcessServer, PASSWORD, PoolBuilder, UserBuilder, failure, not_authorized};
use serde_json::{Value, json};

/// A secret of a valid length that is not the client's.
const WRONG_SECRET: &str = "0000000000000000000000000000000000000000000000000000";
const AWS_ISSUER_BASE: &str = "https://cognito-idp.us-east-1.amazonaws.com";

/// The app client the tests sign in with: the password flows (public and admin) and refresh.
fn web() -> ClientBuilder {
    ClientBuilder::new("web").flows(&[
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ])
}

/// A server with the pool `tokens` and the client `app` of it.
async fn start(app: ClientBuilder) -> Env {
    Env::start(PoolBuilder::new("tokens"), app).await
}

/// Refresh token rotation with a grace period of `grace` seconds.
fn rotation(grace: i32) -> RefreshTokenRotationType {
    RefreshTokenRotationType { feature: FeatureType::from("ENABLED"), retry_grace_period_seconds: Some(grace) }
}

/// Creates another [`web`] client in `pool`; returns its id.
async fn another_client(client: &Client, pool: &str) -> String {
    web().create(client, pool).await.id
}

/// A token's (header, claims).
fn decode(token: &str) -> (Value, Value) {
    let mut parts = token.split('.');
    let mut part = || serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap()).unwrap();
    (part(), part())
}

fn tokens_of(result: &AuthenticationResultType) -> (String, String, String) {
    (
        result.access_token.clone().unwrap(),
        result.id_token.clone().unwrap(),
        result.refresh_token.clone().unwrap_or_default(),
    )
}

#[tokio::test]
async fn tokens_carry_cognitos_claims() {
    let env = start(web()).await;
    env.client
        .add_custom_attributes()
        .user_pool_id(&env.pool)
        .custom_attributes(SchemaAttributeType {
            name: Some("tier".into()),
            attribute_data_type: Some(AttributeDataType::from("String")),
            ..Default::default()
        })
        .send()
        .await
        .expect("AddCustomAttributes");
    // The client was created before the custom attribute existed: let it read it now.
    let app = web().read(&["email", "email_verified", "custom:tier"]).create(&env.client, &env.pool).await.id;
    env.user_with(
        "diego",
        &[("email", "diego@example.com"), ("email_verified", "true"), ("given_name", "Diego"), ("custom:tier", "gold")],
    )
    .await;
    for (name, precedence) in [("staff", Some(5)), ("none", None), ("admins", Some(1))] {
        let mut call = env.client.create_group().user_pool_id(&env.pool).group_name(name);
        if let Some(p) = precedence {
            call = call.precedence(p);
        }
        if name == "admins" {
            call = call.role_arn("arn:aws:iam::000000000000:role/admins");
        }
        call.send().await.expect("CreateGroup");
        env.client
            .admin_add_user_to_group()
            .user_pool_id(&env.pool)
            .username("diego")
            .group_name(name)
            .send()
            .await
            .expect("AdminAddUserToGroup");
    }

    let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let result = common::sign_in(&env.client, &app, "diego", PASSWORD).await;
    assert_eq!(result.token_type.as_deref(), Some("Bearer"));
    assert_eq!(result.expires_in, Some(3600));
    let (access, id, refresh) = tokens_of(&result);
    assert!(!refresh.is_empty() && refresh.split('.').count() == 5, "an opaque refresh token: {refresh}");
    for token in [&access, &id, &refresh] {
        assert!(token.chars().all(|c| c.is_ascii_alphanumeric() || "-_=.".contains(c)), "TokenModelType's pattern");
    }

    let (access_header, a) = decode(&access);
    let (id_header, i) = decode(&id);
    assert_eq!(access_header["alg"], "RS256");
    assert_eq!(id_header["alg"], "RS256");
    assert_ne!(access_header["kid"], id_header["kid"], "access and id tokens are signed with different keys");

    let sub = a["sub"].as_str().unwrap().to_owned();
    assert_eq!(sub.len(), 36);
    let groups = json!(["admins", "staff", "none"]);
    // Access token.
    assert_eq!(a["iss"], env.issuer());
    assert_eq!(a["client_id"], app);
    assert_eq!(a["token_use"], "access");
    assert_eq!(a["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(a["username"], "diego");
    assert_eq!(a["version"], 2);
    assert_eq!(a["cognito:groups"], groups, "by precedence, groups without one last");
    assert!(a.get("aud").is_none() && a.get("email").is_none());
    // Id token.
    assert_eq!(i["sub"], sub.as_str());
    assert_eq!(i["iss"], env.issuer());
    assert_eq!(i["aud"], app);
    assert_eq!(i["token_use"], "id");
    assert_eq!(i["cognito:username"], "diego");
    assert_eq!(i["cognito:groups"], groups);
    assert_eq!(i["cognito:roles"], json!(["arn:aws:iam::000000000000:role/admins"]));
    assert_eq!(i["cognito:preferred_role"], "arn:aws:iam::000000000000:role/admins");
    assert_eq!(i["email"], "diego@example.com");
    assert_eq!(i["email_verified"], true, "a JSON boolean");
    assert_eq!(i["custom:tier"], "gold");
    assert!(i.get("given_name").is_none(), "not in the client's ReadAttributes");
    assert!(i.get("client_id").is_none() && i.get("scope").is_none());
    // Shared.
    for claims in [&a, &i] {
        let iat = claims["iat"].as_i64().unwrap();
        assert!(iat >= before && iat <= before + 60);
        assert_eq!(claims["exp"].as_i64().unwrap() - iat, 3600);
        let auth_time = claims["auth_time"].as_i64().unwrap();
        assert!(auth_time <= iat && auth_time >= iat - 5, "auth_time is the sign-in's");
        assert_eq!(claims["jti"].as_str().unwrap().len(), 36);
    }
    assert_ne!(a["jti"], i["jti"]);
    assert_eq!(a["origin_jti"], i["origin_jti"]);
    assert_eq!(a["event_id"], i["event_id"]);

    // A second sign-in is a new family.
    let again = env.admin_sign_in("diego", PASSWORD).await;
    let (_, a2) = decode(again.access_token.as_deref().unwrap());
    assert_ne!(a2["origin_jti"], a["origin_jti"]);
    assert_eq!(a2["client_id"], env.app);
}

#[tokio::test]
async fn jwks_and_discovery_let_standard_verifiers_accept_the_tokens() {
    let env = start(web()).await;
    env.user_with("ana", &[("email", "ana@example.com")]).await;
    let (access, id, _) = tokens_of(&env.sign_in("ana", PASSWORD).await);

    let (status, jwks) = env.get_json(&format!("/{}/.well-known/jwks.json", env.pool)).await;
    assert_eq!(status, 200);
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    for key in keys {
        assert_eq!(key["kty"], "RSA");
        assert_eq!(key["alg"], "RS256");
        assert_eq!(key["use"], "sig");
        assert_eq!(key["e"], "AQAB");
        assert_eq!(URL_SAFE_NO_PAD.decode(key["n"].as_str().unwrap()).unwrap().len(), 256, "RSA-2048");
    }
    let kids: Vec<&Value> = keys.iter().map(|k| &k["kid"]).collect();
    assert!(kids.contains(&&decode(&access).0["kid"]) && kids.contains(&&decode(&id).0["kid"]));

    let (status, discovery) = env.get_json(&format!("/{}/.well-known/openid-configuration", env.pool)).await;
    assert_eq!(status, 200);
    assert_eq!(discovery["issuer"], env.issuer());
    assert_eq!(discovery["jwks_uri"], format!("{}/.well-known/jwks.json", env.issuer()));
    assert_eq!(discovery["id_token_signing_alg_values_supported"], json!(["RS256"]));

    let (status, body) = env.get_json("/us-east-1_Missing00/.well-known/jwks.json").await;
    assert_eq!(status, 404);
    assert_eq!(body["message"], "User pool us-east-1_Missing00 does not exist.");
    let (status, _) = env.get_json("/us-east-1_Missing00/.well-known/openid-configuration").await;
    assert_eq!(status, 404);

    // Our verifier, pointed at the issuer (it finds the JWKS under it).
    let verifier =
        JwtVerifier::builder("us-east-1", &env.pool).issuer(env.issuer()).client_id(&env.app).build().unwrap();
    let claims = verifier.verify(&access, TokenUse::Access).await.expect("the access token verifies");
    assert_eq!(claims.username.as_deref(), Some("ana"));
    let claims = verifier.verify(&id, TokenUse::Id).await.expect("the id token verifies");
    assert_eq!(claims.raw["email"], "ana@example.com");
    assert!(verifier.verify(&id, TokenUse::Access).await.is_err());
    let other =
        JwtVerifier::builder("us-east-1", &env.pool).issuer(env.issuer()).client_id("someoneelse").build().unwrap();
    assert!(other.verify(&access, TokenUse::Access).await.is_err());

    // PyJWT with the JWKS.
    let script = r#"
import json, sys
import jwt
jwks, issuer, client = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
out = {}
for name, token in (("access", sys.argv[4]), ("id", sys.argv[5])):
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(jwt.PyJWK(k) for k in jwks["keys"] if k["kid"] == kid)
    if name == "id":
        claims = jwt.decode(token, key, algorithms=["RS256"], issuer=issuer, audience=client)
    else:
        claims = jwt.decode(token, key, algorithms=["RS256"], issuer=issuer, options={"verify_aud": False})
    out[name] = claims["token_use"]
print(json.dumps(out))
"#;
    let output = std::process::Command::new("python3")
        .args(["-c", script, &jwks.to_string(), &env.issuer(), &env.app, &access, &id])
        .output();
    match output {
        Ok(output) if output.status.success() => {
            let out: Value = serde_json::from_slice(&output.stdout).unwrap();
            assert_eq!(out, json!({"access": "access", "id": "id"}));
        }
        Ok(output) if String::from_utf8_lossy(&output.stderr).contains("No module named 'jwt'") => {
            eprintln!("SKIPPED the PyJWT check: PyJWT is not installed (pip install -r tests/requirements.txt)");
        }
        Ok(output) => panic!("PyJWT refused the tokens: {}", String::from_utf8_lossy(&output.stderr)),
        Err(e) => eprintln!("SKIPPED the PyJWT check: no python3 ({e})"),
    }
}

#[tokio::test]
async fn keys_are_per_pool_and_survive_a_restart_with_the_configured_issuer() {
    let mut env =
        Env::start_with(PoolBuilder::new("tokens"), web(), |o| o.issuer_base = Some(format!("{AWS_ISSUER_BASE}/")))
            .await;
    env.user_with("li", &[]).await;
    let (access, _, _) = tokens_of(&env.sign_in("li", PASSWORD).await);
    let issuer = format!("{AWS_ISSUER_BASE}/{}", env.pool);
    assert_eq!(decode(&access).1["iss"], issuer.as_str());
    let (_, discovery) = env.get_json(&format!("/{}/.well-known/openid-configuration", env.pool)).await;
    assert_eq!(discovery["issuer"], issuer.as_str());
    let (_, jwks) = env.get_json(&format!("/{}/.well-known/jwks.json", env.pool)).await;

    // Another pool: other keys.
    let other = common::create_pool(&env.client, "other").await;
    let (_, other_jwks) = env.get_json(&format!("/{other}/.well-known/jwks.json")).await;
    let kids = |j: &Value| j["keys"].as_array().unwrap().iter().map(|k| k["kid"].clone()).collect::<Vec<_>>();
    assert!(kids(&jwks).iter().all(|k| !kids(&other_jwks).contains(k)));

    // A restart on the same database: the same keys, and the old token still works.
    let db = env.server.db.clone();
    env.server.shutdown().await;
    let server = InProcessServer::start_with(|o| {
        o.db = db;
        o.issuer_base = Some(AWS_ISSUER_BASE.into());
    })
    .await;
    env.client = server.client();
    let old = std::mem::replace(&mut env.server, server);
    let (_, again) = env.get_json(&format!("/{}/.well-known/jwks.json", env.pool)).await;
    assert_eq!(again, jwks);
    env.get_user(&access).await.expect("a token from before the restart is accepted");
    drop(old);
}

#[tokio::test]
async fn lifetimes_and_units_come_from_the_client() {
    let units = TokenValidityUnitsType {
        access_token: Some(TimeUnitsType::from("minutes")),
        id_token: Some(TimeUnitsType::from("hours")),
        refresh_token: Some(TimeUnitsType::from("days")),
    };
    let validity = move |c: CreateUserPoolClientBuilder| {
        c.access_token_validity(5).id_token_validity(2).refresh_token_validity(1).token_validity_units(units)
    };
    let env = start(web().with(validity)).await;
    env.user_with("sam", &[]).await;
    let result = env.sign_in("sam", PASSWORD).await;
    assert_eq!(result.expires_in, Some(300));
    let (access, id, refresh) = tokens_of(&result);
    let (_, a) = decode(&access);
    let (_, i) = decode(&id);
    assert_eq!(a["exp"].as_i64().unwrap() - a["iat"].as_i64().unwrap(), 300);
    assert_eq!(i["exp"].as_i64().unwrap() - i["iat"].as_i64().unwrap(), 7200);

    // Expiry through the server's clock.
    env.get_user(&access).await.expect("fresh");
    env.advance_clock(301).await;
    assert_eq!(env.get_user(&access).await, Err(not_authorized("Access Token has expired")));
    assert_eq!(env.sign_out(&access).await, Err(not_authorized("Access Token has expired")));
    let renewed = env.get_tokens(&refresh).await.expect("the refresh token still works");
    env.get_user(renewed.access_token.as_deref().unwrap()).await.expect("a renewed token works");
    env.advance_clock(86_400).await;
    assert_eq!(env.get_tokens(&refresh).await.err(), Some(not_authorized("Refresh Token has expired")));

    // Defaults: an hour, an hour, 30 days.
    let env = start(web()).await;
    env.user_with("sam", &[]).await;
    let result = env.sign_in("sam", PASSWORD).await;
    assert_eq!(result.expires_in, Some(3600));
    let (_, _, refresh) = tokens_of(&result);
    env.advance_clock(29 * 86_400).await;
    env.get_tokens(&refresh).await.expect("29 days on");
    env.advance_clock(86_400 + 1).await;
    assert_eq!(env.get_tokens(&refresh).await.err(), Some(not_authorized("Refresh Token has expired")));
}

#[tokio::test]
async fn refresh_keeps_the_sign_in_and_checks_client_and_user() {
    let env = start(web()).await;
    env.user_with("eva", &[("email", "eva@example.com")]).await;
    let first = env.sign_in("eva", PASSWORD).await;
    let (access, _, refresh) = tokens_of(&first);
    let (_, a) = decode(&access);
    env.advance_clock(60).await;

    for result in [
        env.refresh_auth(&env.app, &refresh).await.expect("REFRESH_TOKEN_AUTH"),
        env.get_tokens(&refresh).await.expect("GetTokensFromRefreshToken"),
    ] {
        assert!(result.refresh_token.is_none(), "no new refresh token without rotation");
        assert_eq!(result.token_type.as_deref(), Some("Bearer"));
        let (_, b) = decode(result.access_token.as_deref().unwrap());
        let (_, i) = decode(result.id_token.as_deref().unwrap());
        assert_eq!(b["origin_jti"], a["origin_jti"]);
        assert_eq!(i["origin_jti"], a["origin_jti"]);
        assert_eq!(b["auth_time"], a["auth_time"], "auth_time stays the sign-in's");
        assert!(b["iat"].as_i64().unwrap() >= a["iat"].as_i64().unwrap() + 60);
        assert_ne!(b["jti"], a["jti"]);
        assert_eq!(i["email"], "eva@example.com");
    }

    // Another client of the pool, a token that is not one, another pool's client.
    let other = another_client(&env.client, &env.pool).await;
    assert_eq!(
        env.refresh_auth(&other, &refresh).await.err(),
        Some(not_authorized("Refresh Token has different Client"))
    );
    assert_eq!(env.get_tokens("not-a-refresh-token").await.err(), Some(not_authorized("Invalid Refresh Token")));
    let pool2 = common::create_pool(&env.client, "second").await;
    let app2 = another_client(&env.client, &pool2).await;
    assert_eq!(env.refresh_auth(&app2, &refresh).await.err(), Some(not_authorized("Invalid Refresh Token")));
    let (code, _) = failure(
        env.client
            .get_tokens_from_refresh_token()
            .client_id("nosuchclient00000000000000")
            .refresh_token(&refresh)
            .send()
            .await,
    );
    assert_eq!(code, "ResourceNotFoundException");

    // A disabled user cannot refresh; enabled again, can.
    env.client.admin_disable_user().user_pool_id(&env.pool).username("eva").send().await.unwrap();
    assert_eq!(env.get_tokens(&refresh).await.err(), Some(not_authorized("User is disabled.")));
    env.client.admin_enable_user().user_pool_id(&env.pool).username("eva").send().await.unwrap();
    env.get_tokens(&refresh).await.expect("enabled again");

    // A deleted user's tokens are gone with it.
    env.client.admin_delete_user().user_pool_id(&env.pool).username("eva").send().await.unwrap();
    assert_eq!(env.get_tokens(&refresh).await.err(), Some(not_authorized("Refresh Token has been revoked")));
}

#[tokio::test]
async fn a_client_with_a_secret_needs_it_to_refresh_and_revoke() {
    let env = start(web().secret()).await;
    let secret = env
        .client
        .describe_user_pool_client()
        .user_pool_id(&env.pool)
        .client_id(&env.app)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_secret
        .unwrap();
    env.user_with("kim", &[]).await;
    let out = env
        .client
        .admin_initiate_auth()
        .user_pool_id(&env.pool)
        .client_id(&env.app)
        .auth_flow("ADMIN_USER_PASSWORD_AUTH")
        .auth_parameters("USERNAME", "kim")
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("SECRET_HASH", cognito_auth::secret_hash("kim", &env.app, &secret))
        .send()
        .await
        .expect("AdminInitiateAuth");
    let refresh = out.authentication_result.unwrap().refresh_token.unwrap();
    let missing = format!("Client {} is configured for secret but secret was not received", env.app);
    let wrong = format!("Unable to verify secret hash for client {}", env.app);
    assert_eq!(env.get_tokens(&refresh).await.err(), Some(not_authorized(&missing)));
    let call = env.client.get_tokens_from_refresh_token().client_id(&env.app).refresh_token(&refresh);
    assert_eq!(failure(call.clone().client_secret(WRONG_SECRET).send().await), not_authorized(&wrong));
    call.client_secret(&secret).send().await.expect("with the secret");
    let revoke = env.client.revoke_token().client_id(&env.app).token(&refresh);
    assert_eq!(failure(revoke.clone().send().await), not_authorized(&missing));
    assert_eq!(failure(revoke.clone().client_secret(WRONG_SECRET).send().await), not_authorized(&wrong));
    revoke.client_secret(&secret).send().await.expect("RevokeToken with the secret");
    let call = env.client.get_tokens_from_refresh_token().client_id(&env.app).refresh_token(&refresh);
    assert_eq!(failure(call.client_secret(&secret).send().await), not_authorized("Refresh Token has been revoked"));
}

#[tokio::test]
async fn rotation_issues_new_refresh_tokens_and_the_old_one_lasts_the_grace_period() {
    let env = start(web().with(|c| c.refresh_token_rotation(rotation(10)))).await;
    env.user_with("rui", &[]).await;
    let (_, _, first) = tokens_of(&env.sign_in("rui", PASSWORD).await);
    let (access, _, _) = tokens_of(&env.sign_in("rui", PASSWORD).await);

    // Rotation goes through GetTokensFromRefreshToken only.
    let (code, _) = env.refresh_auth(&env.app, &first).await.unwrap_err();
    assert_eq!(code, "InvalidParameterException");

    let rotated = env.get_tokens(&first).await.expect("GetTokensFromRefreshToken");
    let second = rotated.refresh_token.clone().expect("a new refresh token");
    assert_ne!(second, first);
    // Within the grace period the old token still works (a client's retry).
    env.advance_clock(5).await;
    env.get_tokens(&first).await.expect("within the grace period");
    env.advance_clock(6).await;
    let (code, _) = env.get_tokens(&first).await.unwrap_err();
    assert_eq!(code, "RefreshTokenReuseException");
    // The new one works and rotates in turn; the family is the sign-in's.
    let third = env.get_tokens(&second).await.expect("the rotated token");
    assert_eq!(
        decode(third.access_token.as_deref().unwrap()).1["origin_jti"],
        decode(rotated.access_token.as_deref().unwrap()).1["origin_jti"]
    );
    // Revoking the newest ends the whole family, and not the other sign-in.
    let newest = third.refresh_token.unwrap();
    env.client.revoke_token().client_id(&env.app).token(&newest).send().await.expect("RevokeToken");
    assert_eq!(env.get_tokens(&newest).await.err(), Some(not_authorized("Refresh Token has been revoked")));
    assert_eq!(
        env.get_user(rotated.access_token.as_deref().unwrap()).await,
        Err(not_authorized("Access Token has been revoked"))
    );
    env.get_user(&access).await.expect("the other sign-in is untouched");

    // Without a grace period the old token stops at once.
    let env = start(web().with(|c| c.refresh_token_rotation(rotation(0)))).await;
    env.user_with("rui", &[]).await;
    let (_, _, first) = tokens_of(&env.sign_in("rui", PASSWORD).await);
    env.get_tokens(&first).await.expect("rotates");
    let (code, _) = env.get_tokens(&first).await.unwrap_err();
    assert_eq!(code, "RefreshTokenReuseException");
}

#[tokio::test]
async fn revoke_token_ends_the_refresh_token_and_its_access_tokens() {
    let env = start(web()).await;
    env.user_with("ivo", &[]).await;
    let (access1, id1, refresh1) = tokens_of(&env.sign_in("ivo", PASSWORD).await);
    let (access2, _, refresh2) = tokens_of(&env.sign_in("ivo", PASSWORD).await);
    let renewed = env.get_tokens(&refresh1).await.unwrap().access_token.unwrap();

    // Access and id tokens are not revoked this way.
    for token in [&access1, &id1] {
        let (code, _) = failure(env.client.revoke_token().client_id(&env.app).token(token).send().await);
        assert_eq!(code, "UnsupportedTokenTypeException");
    }
    // Another client's token is not this client's to revoke.
    let other = another_client(&env.client, &env.pool).await;
    assert_eq!(
        failure(env.client.revoke_token().client_id(&other).token(&refresh1).send().await),
        not_authorized("Refresh Token has different Client")
    );
    env.get_user(&access1).await.expect("still valid");

    env.client.revoke_token().client_id(&env.app).token(&refresh1).send().await.expect("RevokeToken");
    assert_eq!(env.get_tokens(&refresh1).await.err(), Some(not_authorized("Refresh Token has been revoked")));
    assert_eq!(
        env.refresh_auth(&env.app, &refresh1).await.err(),
        Some(not_authorized("Refresh Token has been revoked"))
    );
    for token in [&access1, &renewed] {
        assert_eq!(env.get_user(token).await, Err(not_authorized("Access Token has been revoked")));
        assert_eq!(env.sign_out(token).await, Err(not_authorized("Access Token has been revoked")));
    }
    // Revoking again, or an unknown token, succeeds (RFC 7009).
    env.client.revoke_token().client_id(&env.app).token(&refresh1).send().await.expect("again");
    env.client.revoke_token().client_id(&env.app).token("unknown").send().await.expect("unknown");
    // The other sign-in is untouched.
    env.get_user(&access2).await.expect("another family");
    env.get_tokens(&refresh2).await.expect("another family");
}

#[tokio::test]
async fn global_sign_out_ends_every_token_of_the_user() {
    let env = start(web()).await;
    env.user_with("zoe", &[]).await;
    env.user_with("max", &[]).await;
    let (access1, _, refresh1) = tokens_of(&env.sign_in("zoe", PASSWORD).await);
    let (access2, _, refresh2) = tokens_of(&env.admin_sign_in("zoe", PASSWORD).await);
    let (max_access, _, max_refresh) = tokens_of(&env.sign_in("max", PASSWORD).await);

    env.sign_out(&access1).await.expect("GlobalSignOut");
    for token in [&access1, &access2] {
        assert_eq!(env.get_user(token).await, Err(not_authorized("Access Token has been revoked")));
    }
    for token in [&refresh1, &refresh2] {
        assert_eq!(env.get_tokens(token).await.err(), Some(not_authorized("Refresh Token has been revoked")));
    }
    assert_eq!(env.sign_out(&access1).await, Err(not_authorized("Access Token has been revoked")));
    // Another user is untouched; a new sign-in works.
    env.get_user(&max_access).await.expect("max");
    env.get_tokens(&max_refresh).await.expect("max");
    let (access3, _, refresh3) = tokens_of(&env.sign_in("zoe", PASSWORD).await);
    env.get_user(&access3).await.expect("signed in again");

    // AdminUserGlobalSignOut.
    env.client
        .admin_user_global_sign_out()
        .user_pool_id(&env.pool)
        .username("zoe")
        .send()
        .await
        .expect("AdminUserGlobalSignOut");
    assert_eq!(env.get_user(&access3).await, Err(not_authorized("Access Token has been revoked")));
    assert_eq!(env.get_tokens(&refresh3).await.err(), Some(not_authorized("Refresh Token has been revoked")));
    env.get_user(&max_access).await.expect("max");
    let (code, message) =
        failure(env.client.admin_user_global_sign_out().user_pool_id(&env.pool).username("nobody").send().await);
    assert_eq!((code.as_str(), message.as_str()), ("UserNotFoundException", "User does not exist."));
    let (code, _) = failure(
        env.client.admin_user_global_sign_out().user_pool_id("us-east-1_Missing00").username("zoe").send().await,
    );
    assert_eq!(code, "ResourceNotFoundException");
}

#[tokio::test]
async fn forged_foreign_and_expired_tokens_are_refused() {
    let env = start(web()).await;
    env.user_with("una", &[]).await;
    let (access, id, _) = tokens_of(&env.sign_in("una", PASSWORD).await);
    let parts: Vec<&str> = access.split('.').collect();
    let (header, claims) = decode(&access);
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let invalid = not_authorized("Invalid Access Token");

    let mut evil = claims.clone();
    evil["username"] = json!("someone-else");
    let tampered = format!("{}.{}.{}", parts[0], b64(&evil), parts[2]);
    let none = format!("{}.{}.", b64(&json!({"kid": header["kid"], "alg": "none"})), parts[1]);
    let hs256 = format!("{}.{}.{}", b64(&json!({"kid": header["kid"], "alg": "HS256"})), parts[1], parts[2]);
    let unsigned = format!("{}.{}", parts[0], parts[1]);
    let mut moved = claims.clone();
    moved["iss"] = json!(format!("https://elsewhere.example/{}", env.pool));
    let other_issuer = format!("{}.{}.{}", parts[0], b64(&moved), parts[2]);
    for token in [&tampered, &none, &hs256, &unsigned, &other_issuer, &id, &"garbage".to_owned()] {
        assert_eq!(env.sign_out(token).await, Err(invalid.clone()), "{token}");
        assert_eq!(env.get_user(token).await, Err(invalid.clone()), "{token}");
    }

    // Another pool's token on this server, and a token of another server.
    let pool2 = common::create_pool(&env.client, "second").await;
    let app2 = another_client(&env.client, &pool2).await;
    UserBuilder::new("una").password(PASSWORD).create(&env.client, &pool2).await;
    let (access_pool2, _, _) = tokens_of(&common::sign_in(&env.client, &app2, "una", PASSWORD).await);
    // Claiming to be the first pool's with the second pool's signature.
    let (_, c2) = decode(&access_pool2);
    let mut claimed = c2.clone();
    claimed["iss"] = json!(env.issuer());
    let p2: Vec<&str> = access_pool2.split('.').collect();
    let cross = format!("{}.{}.{}", p2[0], b64(&claimed), p2[2]);
    assert_eq!(env.sign_out(&cross).await, Err(invalid.clone()));
    env.get_user(&access_pool2).await.expect("valid in its own pool");

    let elsewhere = start(web()).await;
    elsewhere.user_with("una", &[]).await;
    let (foreign, _, _) = tokens_of(&elsewhere.sign_in("una", PASSWORD).await);
    assert_eq!(env.sign_out(&foreign).await, Err(invalid.clone()));

    // The genuine token still works; expired, it is refused with its own message.
    env.get_user(&access).await.expect("genuine");
    env.advance_clock(3600).await;
    assert_eq!(env.get_user(&access).await, Err(not_authorized("Access Token has expired")));
}
