//! `--seed FILE`: pools, app clients, groups and users with fixed ids, applied at start-up
//! through the API's own handlers, idempotently (a second start with the same file changes
//! nothing), and refused with a clear message when an entry is wrong.

mod common;

use std::path::{Path, PathBuf};

use cognito_idp::Client;
use cognito_idp::types::{AttributeType, UserStatusType};
use cognito_idp_server::{Options, serve};
use common::{ChildServer, InProcessServer, error_code};
use serde_json::{Value, json};

const POOL: &str = "us-east-1_Seeded001";
const CLIENT: &str = "seededwebclient0000000000a";
const PUBLIC_CLIENT: &str = "seededspaclient00000000000";
const SECRET: &str = "seededclientsecret0123456789abcdefghij";

fn seed() -> Value {
    json!({
        "UserPools": [{
            "Id": POOL,
            "PoolName": "app",
            "AutoVerifiedAttributes": ["email"],
            "Policies": {"PasswordPolicy": {"MinimumLength": 10, "RequireSymbols": false}},
            "Clients": [
                {"ClientId": CLIENT, "ClientName": "backend", "ClientSecret": SECRET,
                 "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]},
                {"ClientId": PUBLIC_CLIENT, "ClientName": "spa"}
            ],
            "Groups": [
                {"GroupName": "admins", "Precedence": 1, "Description": "Administrators"},
                {"GroupName": "readers"}
            ],
            "Users": [
                {"Username": "diego",
                 "UserAttributes": [{"Name": "email", "Value": "diego@example.com"},
                                    {"Name": "email_verified", "Value": "true"}],
                 "Password": "Passw0rd123", "Groups": ["admins", "readers"]},
                {"Username": "maria", "Password": "Temporary123", "Permanent": false},
                {"Username": "ana", "Password": "Passw0rd123", "Status": "RESET_REQUIRED"},
                {"Username": "eva", "Password": "Passw0rd123", "Status": "UNCONFIRMED"},
                {"Username": "old", "Password": "Passw0rd123", "Enabled": false},
                {"Username": "new"}
            ]
        }]
    })
}

fn write(dir: &Path, seed: &Value) -> PathBuf {
    let path = dir.join("seed.json");
    std::fs::write(&path, serde_json::to_vec_pretty(seed).unwrap()).unwrap();
    path
}

async fn status(client: &Client, username: &str) -> (UserStatusType, bool) {
    let user = client.admin_get_user().user_pool_id(POOL).username(username).send().await.expect("AdminGetUser");
    (user.user_status.unwrap(), user.enabled.unwrap_or(true))
}

async fn groups_of(client: &Client, username: &str) -> Vec<String> {
    let out = client.admin_list_groups_for_user().user_pool_id(POOL).username(username).send().await.unwrap();
    out.groups.unwrap_or_default().into_iter().filter_map(|g| g.group_name).collect()
}

#[tokio::test]
async fn a_seed_gives_fixed_ids_that_work() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write(dir.path(), &seed());
    let server = InProcessServer::start_with(|o| o.seed = Some(seed)).await;
    let client = server.client();

    let pool =
        client.describe_user_pool().user_pool_id(POOL).send().await.expect("the fixed pool id").user_pool.unwrap();
    assert_eq!(pool.name.as_deref(), Some("app"));
    assert_eq!(pool.arn.as_deref(), Some("arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Seeded001"));
    assert_eq!(pool.policies.unwrap().password_policy.unwrap().minimum_length, Some(10));

    let app = client.describe_user_pool_client().user_pool_id(POOL).client_id(CLIENT).send().await.unwrap();
    let app = app.user_pool_client.unwrap();
    assert_eq!(app.client_secret.as_deref(), Some(SECRET));
    assert_eq!(app.client_name.as_deref(), Some("backend"));
    let flows: Vec<String> = app.explicit_auth_flows.unwrap().iter().map(|f| f.as_str().to_owned()).collect();
    assert_eq!(flows, ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);

    assert_eq!(status(&client, "diego").await, (UserStatusType::Confirmed, true));
    assert_eq!(status(&client, "maria").await, (UserStatusType::ForceChangePassword, true));
    assert_eq!(status(&client, "ana").await, (UserStatusType::ResetRequired, true));
    assert_eq!(status(&client, "eva").await, (UserStatusType::Unconfirmed, true));
    assert_eq!(status(&client, "old").await, (UserStatusType::Confirmed, false));
    assert_eq!(status(&client, "new").await, (UserStatusType::ForceChangePassword, true));
    assert_eq!(groups_of(&client, "diego").await, ["admins", "readers"]);
    let admins = client.get_group().user_pool_id(POOL).group_name("admins").send().await.unwrap().group.unwrap();
    assert_eq!((admins.precedence, admins.description.as_deref()), (Some(1), Some("Administrators")));
    let diego = client.admin_get_user().user_pool_id(POOL).username("diego").send().await.unwrap();
    let email_verified = diego.user_attributes.unwrap().into_iter().find(|a| a.name == "email_verified");
    assert_eq!(email_verified.and_then(|a| a.value).as_deref(), Some("true"));
    assert!(server.outbox(Some(POOL), None).await.is_empty(), "seeded users are sent nothing");

    // The fixed client id and secret work for the public operations, and the pool's policy applies.
    let hash = cognito_auth::secret_hash("zoe", CLIENT, SECRET);
    let e = client.sign_up().client_id(CLIENT).username("zoe").password("short").secret_hash(&hash).send().await;
    assert_eq!(error_code(&e.unwrap_err()).as_deref(), Some("InvalidPasswordException"));
    client
        .sign_up()
        .client_id(CLIENT)
        .username("zoe")
        .password("LongEnough123")
        .secret_hash(&hash)
        .user_attributes(AttributeType { name: "email".into(), value: Some("zoe@example.com".into()) })
        .send()
        .await
        .expect("SignUp through the seeded client");
    let e = client.sign_up().client_id(CLIENT).username("zoe2").password("LongEnough123").send().await.unwrap_err();
    assert_eq!(error_code(&e).as_deref(), Some("NotAuthorizedException"));
    client.sign_up().client_id(PUBLIC_CLIENT).username("zoe3").password("LongEnough123").send().await.unwrap();
}

#[tokio::test]
async fn applying_a_seed_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write(dir.path(), &seed());
    let db = dir.path().join("cognito.db");
    let start = |seed: PathBuf, db: PathBuf| {
        InProcessServer::start_with(move |o| {
            o.seed = Some(seed);
            o.db = db;
        })
    };

    let mut first = start(seed.clone(), db.clone()).await;
    let client = first.client();
    // Changes made through the API after the seed: they must survive the next start.
    client
        .admin_update_user_attributes()
        .user_pool_id(POOL)
        .username("diego")
        .user_attributes(AttributeType { name: "name".into(), value: Some("Diego".into()) })
        .send()
        .await
        .unwrap();
    client
        .admin_remove_user_from_group()
        .user_pool_id(POOL)
        .username("diego")
        .group_name("readers")
        .send()
        .await
        .unwrap();
    client
        .admin_set_user_password()
        .user_pool_id(POOL)
        .username("maria")
        .password("Changed12345")
        .permanent(true)
        .send()
        .await
        .unwrap();
    client.delete_group().user_pool_id(POOL).group_name("admins").send().await.unwrap();
    let subs_before = subs(&client).await;
    first.shutdown().await;

    let second = start(seed, db).await;
    let client = second.client();
    let pools = client.list_user_pools().max_results(60).send().await.unwrap().user_pools.unwrap();
    assert_eq!(pools.len(), 1, "no second pool");
    let apps = client.list_user_pool_clients().user_pool_id(POOL).send().await.unwrap().user_pool_clients.unwrap();
    assert_eq!(apps.len(), 2, "no client twice");
    assert_eq!(subs(&client).await, subs_before, "the same users, with the same subs");
    let diego = client.admin_get_user().user_pool_id(POOL).username("diego").send().await.unwrap();
    assert!(diego.user_attributes.unwrap().iter().any(|a| a.name == "name" && a.value.as_deref() == Some("Diego")));
    assert_eq!(status(&client, "maria").await.0, UserStatusType::Confirmed, "the user is left as it is");
    // The deleted group comes back (it is missing), but an existing user is not re-added to groups.
    assert_eq!(groups_of(&client, "diego").await, Vec::<String>::new());
    client.get_group().user_pool_id(POOL).group_name("admins").send().await.expect("a missing group is created");
}

async fn subs(client: &Client) -> Vec<(String, String)> {
    let users = client.list_users().user_pool_id(POOL).send().await.unwrap().users.unwrap();
    let mut subs: Vec<(String, String)> = users
        .into_iter()
        .map(|u| {
            let sub = u.attributes.unwrap().into_iter().find(|a| a.name == "sub").unwrap().value.unwrap();
            (u.username.unwrap(), sub)
        })
        .collect();
    subs.sort();
    subs
}

/// Starts a server on `seed` and returns why it refused to start.
async fn refused(seed: &Value) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), seed);
    let options = Options {
        host: [127, 0, 0, 1].into(),
        port: 0,
        in_memory: true,
        dev: true,
        seed: Some(path),
        ..Options::default()
    };
    match serve(options).await {
        Ok(running) => {
            running.shutdown().await;
            panic!("the server started with a bad seed: {seed}");
        }
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn bad_seeds_stop_the_start_with_a_clear_message() {
    let pool = |extra: Value| {
        let mut entry = json!({"Id": POOL, "PoolName": "app"});
        entry.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        json!({"UserPools": [entry]})
    };
    let message = refused(&json!({"UserPools": [{"PoolName": "app"}]})).await;
    assert!(message.contains("`Id` (the pool's fixed id) is required"), "{message}");
    let message = refused(&json!({"UserPools": [{"Id": "no underscore", "PoolName": "app"}]})).await;
    assert!(message.contains("`Id`") && message.contains("userPoolId"), "{message}");
    let message = refused(&pool(json!({"PoolNme": "typo"}))).await;
    assert!(message.contains("unknown member `PoolNme` of CreateUserPoolRequest"), "{message}");
    let message = refused(&json!({"Pools": []})).await;
    assert!(message.contains("unknown member `Pools`"), "{message}");
    let message = refused(&json!({"UserPools": [{"Id": POOL}]})).await;
    assert!(message.contains("poolName"), "the model's required member: {message}");
    let message = refused(&pool(json!({"Clients": [{"ClientName": "web"}]}))).await;
    assert!(message.contains("`ClientId` (the client's fixed id) is required"), "{message}");
    let message = refused(&pool(json!({"Users": [{"Username": "weak", "Password": "short"}]}))).await;
    assert!(message.contains("Users[0]"), "{message}");
    assert!(message.contains("InvalidPasswordException: Password did not conform with policy"), "{message}");
    let message = refused(&pool(json!({"Users": [{"Username": "u", "Groups": ["nosuchgroup"]}]}))).await;
    assert!(message.contains("ResourceNotFoundException"), "{message}");
    let message = refused(&pool(json!({"Users": [{"Username": "u", "Status": "CONFIRMED"}]}))).await;
    assert!(message.contains("needs a permanent `Password`"), "{message}");
    let message = refused(&json!([1, 2])).await;
    assert!(message.contains("expected a JSON object"), "{message}");
}

#[tokio::test]
async fn the_seed_flag_of_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let seed = write(dir.path(), &seed());
    let server = ChildServer::start_with(&["--seed", seed.to_str().unwrap()]).await;
    let client = server.client();
    assert_eq!(status(&client, "diego").await, (UserStatusType::Confirmed, true));
    assert!(server.log().contains("seed: pool created"), "{}", server.log());
}

#[tokio::test]
async fn a_seed_with_a_typo_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = seed();
    bad["UserPools"][0]["Users"][1]["Pasword"] = json!("typo");
    let path = write(dir.path(), &bad);
    let db = dir.path().join("cognito.db");
    let options = Options {
        host: [127, 0, 0, 1].into(),
        port: 0,
        db: db.clone(),
        dev: true,
        seed: Some(path),
        ..Options::default()
    };
    let Err(e) = serve(options).await else { panic!("the server started with a typo in its seed") };
    assert!(e.to_string().contains("Users[1]: unknown member `Pasword` of AdminCreateUserRequest"), "{e}");

    let server = InProcessServer::start_with(move |o| o.db = db).await;
    let pools = server.client().list_user_pools().max_results(60).send().await.unwrap().user_pools.unwrap();
    assert!(pools.is_empty(), "the file is checked before anything is created");
}
