//! Managed login branding styles through the generated client and the AWS CLI: created with
//! AWS's defaults or with settings and assets, one per app client, described by id and by
//! client (with and without the defaults merged in), updated (settings merged, assets laid over
//! by category and color mode, or back to the defaults), deleted, and gone with their client;
//! and, on both stores, the style the login pages read, written through one instance and read
//! through another.

mod common;

use cognito_idp::types::*;
use cognito_idp_server::handlers::{clients, managed_login_branding, pools};
use cognito_idp_server::store::Store;
use common::aws_cli::AwsCli;
use common::stores::{on_both, service};
use common::{InProcessServer, create_app_client, create_pool, failure, pair};
use serde_json::json;

fn asset(category: &str, mode: &str, extension: &str, bytes: &[u8]) -> AssetType {
    AssetType {
        category: category.into(),
        color_mode: mode.into(),
        extension: extension.into(),
        bytes: Some(bytes.into()),
        resource_id: None,
    }
}

fn is_uuid_v4(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts[2].starts_with('4')
        && id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit())
}

#[tokio::test]
async fn styles_are_created_described_updated_and_deleted() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "styled").await;
    let web = create_app_client(&client, &pool, "web").await;
    let app = create_app_client(&client, &pool, "app").await;
    let bare = create_app_client(&client, &pool, "bare").await;

    // AWS's defaults.
    let defaults = client
        .create_managed_login_branding()
        .user_pool_id(&pool)
        .client_id(&web)
        .use_cognito_provided_values(true)
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap();
    let web_id = defaults.managed_login_branding_id.clone().unwrap();
    assert!(is_uuid_v4(&web_id), "{web_id}");
    assert_eq!(defaults.user_pool_id.as_deref(), Some(pool.as_str()));
    assert_eq!(defaults.use_cognito_provided_values, Some(true));
    assert_eq!(defaults.settings, None);
    assert_eq!(defaults.assets, Some(vec![]));
    assert!(defaults.creation_date.is_some() && defaults.last_modified_date == defaults.creation_date);

    // One style per client.
    let again =
        client.create_managed_login_branding().user_pool_id(&pool).client_id(&web).use_cognito_provided_values(true);
    assert_eq!(failure(again.send().await).0, "ManagedLoginBrandingExistsException");
    let nobody = client.create_managed_login_branding().user_pool_id(&pool).client_id("nobody");
    assert_eq!(
        failure(nobody.use_cognito_provided_values(true).send().await),
        pair("ResourceNotFoundException", "User pool client nobody does not exist.")
    );
    // Defaults and settings exclude each other; assets come one per category and color mode,
    // favicons in their own type.
    let both = client
        .create_managed_login_branding()
        .user_pool_id(&pool)
        .client_id(&app)
        .use_cognito_provided_values(true)
        .settings(json!({ "categories": {} }));
    assert_eq!(failure(both.send().await).0, "InvalidParameterException");
    let twice = client
        .create_managed_login_branding()
        .user_pool_id(&pool)
        .client_id(&app)
        .assets(asset("FORM_LOGO", "LIGHT", "PNG", b"one"))
        .assets(asset("FORM_LOGO", "LIGHT", "PNG", b"two"));
    assert_eq!(failure(twice.send().await).0, "InvalidParameterException");
    let favicon = client.create_managed_login_branding().user_pool_id(&pool).client_id(&app).assets(asset(
        "FAVICON_ICO",
        "LIGHT",
        "PNG",
        b"png",
    ));
    assert_eq!(failure(favicon.send().await).0, "InvalidParameterException");

    // Settings and assets of its own.
    let dark = json!({ "categories": { "global": { "colorSchemeMode": "DARK" } } });
    let styled = client
        .create_managed_login_branding()
        .user_pool_id(&pool)
        .client_id(&app)
        .settings(dark.clone())
        .assets(asset("FORM_LOGO", "LIGHT", "PNG", b"light logo"))
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap();
    let app_id = styled.managed_login_branding_id.clone().unwrap();
    assert_eq!(styled.use_cognito_provided_values, Some(false));
    assert_eq!(styled.settings.as_ref(), Some(&dark));

    // Described as customized, or over the defaults.
    let described = client.describe_managed_login_branding().user_pool_id(&pool).managed_login_branding_id(&app_id);
    assert_eq!(described.send().await.unwrap().managed_login_branding.unwrap(), styled);
    let merged = client
        .describe_managed_login_branding()
        .user_pool_id(&pool)
        .managed_login_branding_id(&app_id)
        .return_merged_resources(true)
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap()
        .settings
        .unwrap();
    assert_eq!(merged["categories"]["global"]["colorSchemeMode"], "DARK");
    assert_eq!(merged["categories"]["global"]["spacingDensity"], "REGULAR");
    let by_client = client.describe_managed_login_branding_by_client().user_pool_id(&pool).client_id(&web);
    let by_client = by_client.send().await.unwrap().managed_login_branding.unwrap();
    assert_eq!(by_client.managed_login_branding_id.as_deref(), Some(web_id.as_str()));
    let none = client.describe_managed_login_branding_by_client().user_pool_id(&pool).client_id(&bare).send().await;
    assert_eq!(failure(none).0, "ResourceNotFoundException");

    // An update merges settings and lays assets over the stored ones.
    server.advance_clock(60).await;
    let updated = client
        .update_managed_login_branding()
        .user_pool_id(&pool)
        .managed_login_branding_id(&app_id)
        .settings(json!({ "categories": { "form": { "location": { "horizontal": "START" } } } }))
        .assets(asset("FORM_LOGO", "LIGHT", "PNG", b"new light logo"))
        .assets(asset("FORM_LOGO", "DARK", "PNG", b"dark logo"))
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap();
    let settings = updated.settings.clone().unwrap();
    assert_eq!(settings["categories"]["global"]["colorSchemeMode"], "DARK", "kept: {settings}");
    assert_eq!(settings["categories"]["form"]["location"]["horizontal"], "START");
    let assets = updated.assets.clone().unwrap();
    assert_eq!(assets.len(), 2, "{assets:?}");
    assert_eq!(assets[0].bytes.as_ref().unwrap().as_bytes(), b"new light logo");
    assert_eq!(assets[1].color_mode.as_str(), "DARK");
    assert_eq!(updated.creation_date, styled.creation_date);
    assert!(updated.last_modified_date.unwrap().as_secs_f64() >= styled.creation_date.unwrap().as_secs_f64() + 59.0);

    // Back to the defaults: no settings of its own; the assets stay.
    let reverted = client
        .update_managed_login_branding()
        .user_pool_id(&pool)
        .managed_login_branding_id(&app_id)
        .use_cognito_provided_values(true)
        .send()
        .await
        .unwrap()
        .managed_login_branding
        .unwrap();
    assert_eq!((reverted.use_cognito_provided_values, reverted.settings.as_ref()), (Some(true), None));
    assert_eq!(reverted.assets.map(|a| a.len()), Some(2));
    let conflicting = client
        .update_managed_login_branding()
        .user_pool_id(&pool)
        .managed_login_branding_id(&app_id)
        .use_cognito_provided_values(true)
        .settings(dark.clone());
    assert_eq!(failure(conflicting.send().await).0, "InvalidParameterException");
    let no_id = client.update_managed_login_branding().user_pool_id(&pool).use_cognito_provided_values(true);
    assert_eq!(failure(no_id.send().await).0, "InvalidParameterException");
    let unknown_id = "1b2c3d4e-1234-4abc-8def-0123456789ab";
    let unknown = client.update_managed_login_branding().user_pool_id(&pool).managed_login_branding_id(unknown_id);
    assert_eq!(failure(unknown.send().await).0, "ResourceNotFoundException");

    // Deleted: gone by id and by client, and the client may have a new one.
    client.delete_managed_login_branding().user_pool_id(&pool).managed_login_branding_id(&web_id).send().await.unwrap();
    for result in [
        failure(
            client
                .describe_managed_login_branding()
                .user_pool_id(&pool)
                .managed_login_branding_id(&web_id)
                .send()
                .await,
        ),
        failure(
            client.delete_managed_login_branding().user_pool_id(&pool).managed_login_branding_id(&web_id).send().await,
        ),
    ] {
        assert_eq!(result.0, "ResourceNotFoundException");
    }
    let by_client = client.describe_managed_login_branding_by_client().user_pool_id(&pool).client_id(&web).send().await;
    assert_eq!(failure(by_client).0, "ResourceNotFoundException");
    let renewed =
        client.create_managed_login_branding().user_pool_id(&pool).client_id(&web).use_cognito_provided_values(true);
    let renewed = renewed.send().await.unwrap().managed_login_branding.unwrap();
    assert_ne!(renewed.managed_login_branding_id.as_deref(), Some(web_id.as_str()));

    // A style goes with its client.
    client.delete_user_pool_client().user_pool_id(&pool).client_id(&app).send().await.unwrap();
    let orphan = client.describe_managed_login_branding().user_pool_id(&pool).managed_login_branding_id(&app_id);
    assert_eq!(failure(orphan.send().await).0, "ResourceNotFoundException");
    let no_pool = client.describe_managed_login_branding_by_client().user_pool_id("us-east-1_Nowhere1").client_id(&web);
    assert_eq!(
        failure(no_pool.send().await),
        pair("ResourceNotFoundException", "User pool us-east-1_Nowhere1 does not exist.")
    );
}

/// Whether the installed AWS CLI knows `command` (older CLIs predate managed login).
async fn cli_knows(aws: &AwsCli, command: &str) -> bool {
    match aws.run(&[command, "--generate-cli-skeleton"]).await {
        Err((_, message)) if message.contains("Invalid choice") => {
            eprintln!("SKIPPED: this AWS CLI has no `{command}`");
            false
        }
        _ => true,
    }
}

#[tokio::test]
async fn the_aws_cli_manages_styles() {
    let server = InProcessServer::start().await;
    let Some(aws) = AwsCli::new(&server.url()) else { return };
    if !cli_knows(&aws, "create-managed-login-branding").await {
        return;
    }
    let client = server.client();
    let pool = create_pool(&client, "cli").await;
    let app = create_app_client(&client, &pool, "web").await;
    let input = json!({
        "UserPoolId": pool,
        "ClientId": app,
        "Settings": { "categories": { "global": { "colorSchemeMode": "DARK" } } },
        "Assets": [{ "Category": "PAGE_FOOTER_BACKGROUND", "ColorMode": "DARK", "Extension": "SVG", "Bytes": "<svg/>" }]
    });
    let created = aws.run(&["create-managed-login-branding", "--cli-input-json", &input.to_string()]).await.unwrap();
    let style = &created["ManagedLoginBranding"];
    let id = style["ManagedLoginBrandingId"].as_str().unwrap().to_owned();
    assert_eq!(style["Settings"]["categories"]["global"]["colorSchemeMode"], "DARK", "{created}");
    assert_eq!(style["Assets"][0]["Category"], "PAGE_FOOTER_BACKGROUND");

    let described = aws
        .run(&["describe-managed-login-branding", "--user-pool-id", &pool, "--managed-login-branding-id", &id])
        .await
        .unwrap();
    assert_eq!(described["ManagedLoginBranding"]["UseCognitoProvidedValues"], false, "{described}");
    let merged = aws
        .run(&[
            "describe-managed-login-branding-by-client",
            "--user-pool-id",
            &pool,
            "--client-id",
            &app,
            "--return-merged-resources",
        ])
        .await
        .unwrap();
    assert_eq!(merged["ManagedLoginBranding"]["Settings"]["categories"]["global"]["spacingDensity"], "REGULAR");
    let updated = aws
        .run(&[
            "update-managed-login-branding",
            "--user-pool-id",
            &pool,
            "--managed-login-branding-id",
            &id,
            "--use-cognito-provided-values",
        ])
        .await
        .unwrap();
    assert_eq!(updated["ManagedLoginBranding"]["UseCognitoProvidedValues"], true, "{updated}");
    let again = aws
        .run(&[
            "create-managed-login-branding",
            "--user-pool-id",
            &pool,
            "--client-id",
            &app,
            "--use-cognito-provided-values",
        ])
        .await;
    assert_eq!(again.unwrap_err().0, "ManagedLoginBrandingExistsException");
    aws.run(&["delete-managed-login-branding", "--user-pool-id", &pool, "--managed-login-branding-id", &id])
        .await
        .unwrap();
    let gone =
        aws.run(&["describe-managed-login-branding-by-client", "--user-pool-id", &pool, "--client-id", &app]).await;
    assert_eq!(gone.unwrap_err().0, "ResourceNotFoundException");
}

/// The style the login pages read (`branding_for_client`): the settings over the defaults,
/// through another instance on the same database, and none once the client is deleted.
async fn pages_read_what_another_instance_wrote<S: Store + Clone>(a: &S, b: &S) {
    let (one, two) = (service(a.clone()), service(b.clone()));
    let pool = pools::create_user_pool(&one, CreateUserPoolRequest { pool_name: "pages".into(), ..Default::default() })
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let request =
        CreateUserPoolClientRequest { user_pool_id: pool.clone(), client_name: "web".into(), ..Default::default() };
    let web =
        clients::create_user_pool_client(&one, request).await.unwrap().user_pool_client.unwrap().client_id.unwrap();

    assert_eq!(managed_login_branding::branding_for_client(&two, &pool, &web).await.unwrap(), None);
    let create = CreateManagedLoginBrandingRequest {
        user_pool_id: pool.clone(),
        client_id: web.clone(),
        settings: Some(json!({ "categories": { "global": { "colorSchemeMode": "DARK" } } })),
        assets: Some(vec![asset("PAGE_HEADER_LOGO", "LIGHT", "SVG", b"<svg/>")]),
        ..Default::default()
    };
    managed_login_branding::create_managed_login_branding(&one, create).await.unwrap();
    // The other instance sees the client's style: a second one is refused.
    let racing = CreateManagedLoginBrandingRequest {
        user_pool_id: pool.clone(),
        client_id: web.clone(),
        use_cognito_provided_values: Some(true),
        ..Default::default()
    };
    let refused = managed_login_branding::create_managed_login_branding(&two, racing).await.unwrap_err();
    assert_eq!(refused.code.as_str(), "ManagedLoginBrandingExistsException");

    let style = managed_login_branding::branding_for_client(&two, &pool, &web).await.unwrap().unwrap();
    let settings = style.settings.unwrap();
    assert_eq!(settings["categories"]["global"]["colorSchemeMode"], "DARK");
    assert_eq!(settings["components"]["primaryButton"]["lightMode"]["defaults"]["backgroundColor"], "0972d3ff");
    assert_eq!(style.assets.unwrap()[0].bytes.as_ref().unwrap().as_bytes(), b"<svg/>");

    let delete = DeleteUserPoolClientRequest { user_pool_id: pool.clone(), client_id: web.clone() };
    clients::delete_user_pool_client(&two, delete).await.unwrap();
    assert_eq!(managed_login_branding::branding_for_client(&one, &pool, &web).await.unwrap(), None);
}

#[tokio::test]
async fn the_pages_read_styles_on_both_stores() {
    on_both!(pages_read_what_another_instance_wrote);
}
