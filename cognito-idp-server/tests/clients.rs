//! App clients through the generated client over HTTP: AWS's defaults, secrets, auth flows,
//! token validity ranges, read and write attributes, `UpdateUserPoolClient` resetting what it
//! is not given, paging, and AWS's errors for unknown pools and clients.

mod common;

use cognito_idp::Client;
use cognito_idp::types::{
    AttributeDataType, SchemaAttributeType, TimeUnitsType, TokenValidityUnitsType, UserPoolClientType,
};
use common::{InProcessServer, create_app_client, create_pool, failure, invalid, pair};

const RANGE: &str = "Invalid range for token validity.";

async fn describe(client: &Client, pool: &str, id: &str) -> UserPoolClientType {
    let out = client.describe_user_pool_client().user_pool_id(pool).client_id(id).send().await;
    out.expect("DescribeUserPoolClient").user_pool_client.unwrap()
}

fn units(access: &str, id: &str, refresh: &str) -> TokenValidityUnitsType {
    TokenValidityUnitsType {
        access_token: Some(TimeUnitsType::from(access)),
        id_token: Some(TimeUnitsType::from(id)),
        refresh_token: Some(TimeUnitsType::from(refresh)),
    }
}

#[tokio::test]
async fn a_new_client_has_awss_defaults() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "pool").await;
    let created =
        client.create_user_pool_client().user_pool_id(&pool).client_name("web").send().await.unwrap().user_pool_client;
    let created = created.unwrap();
    let id = created.client_id.clone().unwrap();
    assert_eq!(id.len(), 26);
    assert!(id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()), "{id}");
    assert_eq!(created.user_pool_id.as_deref(), Some(pool.as_str()));
    assert_eq!(created.client_name.as_deref(), Some("web"));
    assert!(created.client_secret.is_none());
    assert_eq!(created.refresh_token_validity, Some(30));
    assert_eq!((created.access_token_validity, created.id_token_validity), (None, None));
    assert_eq!(created.token_validity_units, Some(TokenValidityUnitsType::default()));
    assert_eq!(created.allowed_o_auth_flows_user_pool_client, Some(false));
    assert_eq!(created.enable_token_revocation, Some(true));
    assert_eq!(created.enable_propagate_additional_user_context_data, Some(false));
    assert_eq!(created.auth_session_validity, Some(3));
    assert!(created.explicit_auth_flows.is_none() && created.read_attributes.is_none());
    assert!(created.prevent_user_existence_errors.is_none());
    assert_eq!(created.creation_date, created.last_modified_date);
    assert_eq!(describe(&client, &pool, &id).await, created);

    let unknown = client.create_user_pool_client().user_pool_id("us-east-1_nothere00").client_name("x").send().await;
    assert_eq!(failure(unknown), pair("ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist."));
}

#[tokio::test]
async fn generated_secrets_are_returned_and_kept() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "pool").await;
    let created = client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("server")
        .generate_secret(true)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let secret = created.client_secret.clone().unwrap();
    assert_eq!(secret.len(), 51);
    assert!(secret.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    let id = created.client_id.unwrap();
    assert_eq!(describe(&client, &pool, &id).await.client_secret.as_deref(), Some(secret.as_str()));
    // An update keeps the secret.
    client.update_user_pool_client().user_pool_id(&pool).client_id(&id).send().await.unwrap();
    assert_eq!(describe(&client, &pool, &id).await.client_secret.as_deref(), Some(secret.as_str()));

    let other =
        client.create_user_pool_client().user_pool_id(&pool).client_name("x").generate_secret(true).send().await;
    assert_ne!(other.unwrap().user_pool_client.unwrap().client_secret.unwrap(), secret);
    let none =
        client.create_user_pool_client().user_pool_id(&pool).client_name("y").generate_secret(false).send().await;
    assert!(none.unwrap().user_pool_client.unwrap().client_secret.is_none());
}

#[tokio::test]
async fn auth_flows_cannot_mix_legacy_and_allow_values() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "pool").await;
    let legacy = client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("legacy")
        .explicit_auth_flows("USER_PASSWORD_AUTH")
        .explicit_auth_flows("ADMIN_NO_SRP_AUTH")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let flows: Vec<&str> = legacy.explicit_auth_flows.as_deref().unwrap().iter().map(|f| f.as_str()).collect();
    assert_eq!(flows, ["USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"]);
    client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("modern")
        .explicit_auth_flows("ALLOW_USER_SRP_AUTH")
        .explicit_auth_flows("ALLOW_REFRESH_TOKEN_AUTH")
        .send()
        .await
        .unwrap();
    let mixed = client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("mixed")
        .explicit_auth_flows("ALLOW_USER_SRP_AUTH")
        .explicit_auth_flows("USER_PASSWORD_AUTH")
        .send()
        .await;
    let (code, message) = failure(mixed);
    assert_eq!(code, "InvalidParameterException");
    assert!(message.contains("ALLOW_"), "{message}");
    let id = legacy.client_id.unwrap();
    let mixed = client
        .update_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&id)
        .explicit_auth_flows("CUSTOM_AUTH_FLOW_ONLY")
        .explicit_auth_flows("ALLOW_CUSTOM_AUTH")
        .send()
        .await;
    assert_eq!(failure(mixed).0, "InvalidParameterException");
    // Nothing changed.
    assert_eq!(describe(&client, &pool, &id).await.explicit_auth_flows.unwrap().len(), 2);
}

#[tokio::test]
async fn token_validity_must_be_in_awss_ranges() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "pool").await;
    let create = || client.create_user_pool_client().user_pool_id(&pool).client_name("c");

    let ok = create()
        .access_token_validity(15)
        .id_token_validity(1)
        .refresh_token_validity(90)
        .token_validity_units(units("minutes", "days", "hours"))
        .auth_session_validity(15)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(
        (ok.access_token_validity, ok.id_token_validity, ok.refresh_token_validity),
        (Some(15), Some(1), Some(90))
    );
    assert_eq!(ok.token_validity_units, Some(units("minutes", "days", "hours")));
    assert_eq!(ok.auth_session_validity, Some(15));
    // Without units, access and ID tokens count in hours and refresh tokens in days.
    let hours = create().access_token_validity(24).id_token_validity(24).refresh_token_validity(3650).send().await;
    assert_eq!(hours.unwrap().user_pool_client.unwrap().token_validity_units, Some(TokenValidityUnitsType::default()));
    let seconds = TokenValidityUnitsType { access_token: Some(TimeUnitsType::from("seconds")), ..Default::default() };
    create().access_token_validity(300).token_validity_units(seconds.clone()).send().await.unwrap();

    assert_eq!(failure(create().access_token_validity(25).send().await), invalid(RANGE));
    assert_eq!(
        failure(create().id_token_validity(2).token_validity_units(units("hours", "days", "days")).send().await),
        invalid(RANGE)
    );
    assert_eq!(failure(create().access_token_validity(299).token_validity_units(seconds).send().await), invalid(RANGE));
    let minutes = TokenValidityUnitsType { id_token: Some(TimeUnitsType::from("minutes")), ..Default::default() };
    assert_eq!(failure(create().id_token_validity(4).token_validity_units(minutes).send().await), invalid(RANGE));
    assert_eq!(failure(create().refresh_token_validity(3651).send().await), invalid(RANGE));
    let refresh = TokenValidityUnitsType { refresh_token: Some(TimeUnitsType::from("minutes")), ..Default::default() };
    assert_eq!(failure(create().refresh_token_validity(59).token_validity_units(refresh).send().await), invalid(RANGE));
    // Access and ID tokens cannot outlive the refresh token.
    let short = TokenValidityUnitsType { refresh_token: Some(TimeUnitsType::from("hours")), ..Default::default() };
    let longer = create().refresh_token_validity(2).access_token_validity(3).token_validity_units(short.clone());
    assert_eq!(failure(longer.send().await), invalid(RANGE));
    let longer = create().refresh_token_validity(2).id_token_validity(3).token_validity_units(short);
    assert_eq!(failure(longer.send().await), invalid(RANGE));
    // AuthSessionValidity is checked against the model's 3 to 15 minutes.
    assert_eq!(failure(create().auth_session_validity(16).send().await).0, "InvalidParameterException");
    let listed = client.list_user_pool_clients().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(listed.user_pool_clients.unwrap().len(), 3, "refused clients are not created");
}

#[tokio::test]
async fn read_and_write_attributes_are_checked_against_the_pool() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = client
        .create_user_pool()
        .pool_name("attrs")
        .schema(SchemaAttributeType { name: Some("email".into()), required: Some(true), ..Default::default() })
        .schema(SchemaAttributeType {
            name: Some("tenant".into()),
            attribute_data_type: Some(AttributeDataType::from("String")),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let create = || client.create_user_pool_client().user_pool_id(&pool).client_name("c");
    let created = create()
        .read_attributes("email")
        .read_attributes("email_verified")
        .read_attributes("custom:tenant")
        .write_attributes("email")
        .write_attributes("custom:tenant")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(created.read_attributes.as_deref().unwrap(), ["email", "email_verified", "custom:tenant"]);
    assert_eq!(created.write_attributes.as_deref().unwrap(), ["email", "custom:tenant"]);

    let read = invalid("Invalid read attributes specified while creating a client");
    let write = invalid("Invalid write attributes specified while creating a client");
    assert_eq!(failure(create().read_attributes("custom:nope").send().await), read);
    assert_eq!(failure(create().write_attributes("email").write_attributes("sub").send().await), write);
    assert_eq!(failure(create().write_attributes("email").write_attributes("email_verified").send().await), write);
    assert_eq!(failure(create().write_attributes("email").write_attributes("shoe_size").send().await), write);
    // A client that lists write attributes must be able to write every required one.
    assert_eq!(failure(create().write_attributes("name").send().await), write);

    let id = created.client_id.unwrap();
    let update = client.update_user_pool_client().user_pool_id(&pool).client_id(&id).read_attributes("tenant");
    assert_eq!(failure(update.send().await), invalid("Invalid read attributes specified while updating a client"));
    let update = client.update_user_pool_client().user_pool_id(&pool).client_id(&id).write_attributes("given_name");
    assert_eq!(failure(update.send().await), invalid("Invalid write attributes specified while updating a client"));
}

#[tokio::test]
async fn update_resets_what_it_is_not_given() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "pool").await;
    let before = client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("before")
        .explicit_auth_flows("ALLOW_USER_PASSWORD_AUTH")
        .access_token_validity(2)
        .refresh_token_validity(7)
        .read_attributes("email")
        .prevent_user_existence_errors("ENABLED")
        .enable_token_revocation(false)
        .auth_session_validity(10)
        .callback_ur_ls("https://example.com/callback")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let id = before.client_id.clone().unwrap();
    let updated = client
        .update_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&id)
        .id_token_validity(5)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let after = describe(&client, &pool, &id).await;
    assert_eq!(after, updated);
    assert_eq!(after.client_name.as_deref(), Some("before"), "the name stays when not given");
    assert_eq!(after.client_id, before.client_id);
    assert_eq!(after.creation_date, before.creation_date);
    assert!(after.last_modified_date.unwrap().as_secs_f64() >= before.last_modified_date.unwrap().as_secs_f64());
    assert!(after.explicit_auth_flows.is_none() && after.read_attributes.is_none() && after.callback_ur_ls.is_none());
    assert_eq!(
        (after.access_token_validity, after.id_token_validity, after.refresh_token_validity),
        (None, Some(5), Some(30))
    );
    assert!(after.prevent_user_existence_errors.is_none());
    assert_eq!((after.enable_token_revocation, after.auth_session_validity), (Some(true), Some(3)));

    client.update_user_pool_client().user_pool_id(&pool).client_id(&id).client_name("after").send().await.unwrap();
    assert_eq!(describe(&client, &pool, &id).await.client_name.as_deref(), Some("after"));
}

#[tokio::test]
async fn unknown_pools_and_clients_get_awss_errors() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "pool").await;
    let other = create_pool(&client, "other").await;
    let id = create_app_client(&client, &pool, "app").await;
    let no_client = |id: &str| pair("ResourceNotFoundException", &format!("User pool client {id} does not exist."));
    let no_pool = pair("ResourceNotFoundException", "User pool us-east-1_nothere00 does not exist.");

    // A client is found only in its own pool.
    let wrong_pool = client.describe_user_pool_client().user_pool_id(&other).client_id(&id).send().await;
    assert_eq!(failure(wrong_pool), no_client(&id));
    let absent = "abcdefghijklmnopqrstuvwxyz";
    let describe = client.describe_user_pool_client().user_pool_id(&pool).client_id(absent).send().await;
    assert_eq!(failure(describe), no_client(absent));
    let describe = client.describe_user_pool_client().user_pool_id("us-east-1_nothere00").client_id(&id).send().await;
    assert_eq!(failure(describe), no_pool);
    let update = client.update_user_pool_client().user_pool_id(&pool).client_id(absent).send().await;
    assert_eq!(failure(update), no_client(absent));
    let update = client.update_user_pool_client().user_pool_id("us-east-1_nothere00").client_id(&id).send().await;
    assert_eq!(failure(update), no_pool);
    let delete = client.delete_user_pool_client().user_pool_id("us-east-1_nothere00").client_id(&id).send().await;
    assert_eq!(failure(delete), no_pool);
    let list = client.list_user_pool_clients().user_pool_id("us-east-1_nothere00").send().await;
    assert_eq!(failure(list), no_pool);

    client.delete_user_pool_client().user_pool_id(&pool).client_id(&id).send().await.unwrap();
    let gone = client.describe_user_pool_client().user_pool_id(&pool).client_id(&id).send().await;
    assert_eq!(failure(gone), no_client(&id));
    let again = client.delete_user_pool_client().user_pool_id(&pool).client_id(&id).send().await;
    assert_eq!(failure(again), no_client(&id));
}

#[tokio::test]
async fn list_user_pool_clients_pages_through_every_client_once() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "pool").await;
    let other = create_pool(&client, "other").await;
    create_app_client(&client, &other, "elsewhere").await;
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(create_app_client(&client, &pool, &format!("app-{i}")).await);
    }
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_user_pool_clients()
            .user_pool_id(&pool)
            .max_results(3)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        let clients = page.user_pool_clients.unwrap();
        assert!(clients.len() <= 3);
        for c in clients {
            assert_eq!(c.user_pool_id.as_deref(), Some(pool.as_str()));
            assert_eq!(c.client_name.as_deref(), Some(format!("app-{}", seen.len()).as_str()));
            seen.push(c.client_id.unwrap());
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, created);
    let all = client.list_user_pool_clients().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(all.user_pool_clients.unwrap().len(), 7);
    assert!(all.next_token.is_none());
    let bad = client.list_user_pool_clients().user_pool_id(&pool).next_token("garbage").send().await;
    assert_eq!(failure(bad).0, "InvalidParameterException");
}
