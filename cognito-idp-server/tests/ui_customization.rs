//! Classic hosted UI branding (`SetUICustomization`, `GetUICustomization`) through the
//! generated client and the AWS CLI: the domain both need, the pool-wide customization (`ALL`)
//! and a client's own, the fallback from one to the other, replacement, removal, AWS's CSS and
//! logo rules, unknown clients; and, on both stores, the helpers the login pages use, written
//! through one instance and read through another.

mod common;

use cognito_idp::types::*;
use cognito_idp_server::handlers::{clients, domains, pools, ui_customization};
use cognito_idp_server::store::Store;
use common::aws_cli::AwsCli;
use common::stores::{on_both, service};
use common::{InProcessServer, create_app_client, create_pool, failure, invalid, pair};

/// The smallest thing the server takes for a PNG: its signature and a little more.
fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(b"\0\0\0\rIHDR-not-really-an-image");
    bytes
}

const CSS: &str = ".label-customizable { font-weight: 400; }\n.banner-customizable { background-color: #123456; }";

#[tokio::test]
async fn customizations_are_set_read_replaced_removed_and_fall_back_to_the_pool() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "branded").await;
    let app = create_app_client(&client, &pool, "web").await;

    // Both operations need a domain.
    let set = client.set_ui_customization().user_pool_id(&pool).client_id("ALL").css(CSS).send().await;
    assert_eq!(failure(set), invalid("A domain must be associated with this user pool."));
    let get = client.get_ui_customization().user_pool_id(&pool).send().await;
    assert_eq!(failure(get), invalid("There has to be an existing domain associated with this user pool"));
    client.create_user_pool_domain().user_pool_id(&pool).domain("branded-pool").send().await.unwrap();
    let cloudfront = client
        .describe_user_pool_domain()
        .domain("branded-pool")
        .send()
        .await
        .unwrap()
        .domain_description
        .unwrap()
        .cloud_front_distribution
        .unwrap();

    // Nothing customized: an empty object.
    let empty = client.get_ui_customization().user_pool_id(&pool).client_id(&app).send().await.unwrap();
    assert_eq!(empty.ui_customization, UiCustomizationType::default());

    // The pool-wide customization.
    let all = client
        .set_ui_customization()
        .user_pool_id(&pool)
        .client_id("ALL")
        .css(CSS)
        .image_file(png())
        .send()
        .await
        .unwrap()
        .ui_customization;
    assert_eq!(all.user_pool_id.as_deref(), Some(pool.as_str()));
    assert_eq!(all.client_id.as_deref(), Some("ALL"));
    assert_eq!(all.css.as_deref(), Some(CSS));
    let version = all.css_version.clone().unwrap();
    assert!(version.len() == 14 && version.bytes().all(|b| b.is_ascii_digit()), "{version}");
    assert_eq!(
        all.image_url.as_deref(),
        Some(format!("https://{cloudfront}/{pool}/ALL/{version}/assets/images/image.jpg").as_str())
    );
    assert!(all.creation_date.is_some() && all.last_modified_date == all.creation_date);

    // A client without its own falls back to it; no ClientId means it too.
    let fallback = client.get_ui_customization().user_pool_id(&pool).client_id(&app).send().await.unwrap();
    assert_eq!(fallback.ui_customization, all);
    let pool_wide = client.get_ui_customization().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(pool_wide.ui_customization, all);

    // A client's own: CSS only, so no image.
    let own_css = ".submitButton-customizable:hover { color: #fff; }";
    let own = client.set_ui_customization().user_pool_id(&pool).client_id(&app).css(own_css).send().await.unwrap();
    let own = own.ui_customization;
    assert_eq!(
        (own.client_id.as_deref(), own.css.as_deref(), own.image_url.as_deref()),
        (Some(&*app), Some(own_css), None)
    );
    let read = client.get_ui_customization().user_pool_id(&pool).client_id(&app).send().await.unwrap();
    assert_eq!(read.ui_customization, own);

    // Setting it again replaces it: the creation date stays, the rest is new.
    server.advance_clock(120).await;
    let replaced = client
        .set_ui_customization()
        .user_pool_id(&pool)
        .client_id(&app)
        .image_file(png())
        .send()
        .await
        .unwrap()
        .ui_customization;
    assert_eq!(replaced.css, None, "CSS and logo are set together");
    assert!(replaced.image_url.unwrap().contains(&format!("/{pool}/{app}/")));
    assert_eq!(replaced.creation_date, own.creation_date);
    assert!(
        replaced.last_modified_date.unwrap().as_secs_f64() >= own.last_modified_date.unwrap().as_secs_f64() + 119.0
    );
    assert_ne!(replaced.css_version, own.css_version);

    // Neither CSS nor image: removed, leaving only its version, and no fallback to ALL.
    let removed = client.set_ui_customization().user_pool_id(&pool).client_id(&app).send().await.unwrap();
    let removed = removed.ui_customization;
    assert_eq!((removed.css.as_ref(), removed.image_url.as_ref(), removed.creation_date), (None, None, None));
    assert!(removed.css_version.is_some());
    let after = client.get_ui_customization().user_pool_id(&pool).client_id(&app).send().await.unwrap();
    assert_eq!(after.ui_customization.client_id.as_deref(), Some(app.as_str()));
    assert_eq!(after.ui_customization.css, None);

    // Refusals: classes outside AWS's template, at-rules, script, logos too big or not images.
    for css in [
        "body { color: red; }",
        ".label-customizable:hover { color: red; }",
        "@media screen { .label-customizable { color: red; } }",
        "@import url(https://example.com/x.css);",
        ".label-customizable { background: url(javascript:alert(1)); }",
        ".label-customizable { color: red;",
    ] {
        let refused = client.set_ui_customization().user_pool_id(&pool).client_id("ALL").css(css).send().await;
        assert_eq!(failure(refused).0, "InvalidParameterException", "{css}");
    }
    let mut big = png();
    big.resize(100 * 1024 + 1, 0);
    let too_big = client.set_ui_customization().user_pool_id(&pool).image_file(big).send().await;
    let (code, message) = failure(too_big);
    assert_eq!(code, "InvalidParameterException");
    assert!(message.contains("100 KB"), "{message}");
    let gif = client.set_ui_customization().user_pool_id(&pool).image_file(b"GIF89a....".to_vec()).send().await;
    assert_eq!(failure(gif).0, "InvalidParameterException");
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>".to_vec();
    client.set_ui_customization().user_pool_id(&pool).client_id("ALL").image_file(svg).send().await.unwrap();
    // What was refused changed nothing stored.
    let kept = client.get_ui_customization().user_pool_id(&pool).send().await.unwrap().ui_customization;
    assert_eq!(kept.css, None);
    assert!(kept.image_url.is_some());

    // Unknown clients and pools.
    for result in [
        failure(client.set_ui_customization().user_pool_id(&pool).client_id("nobody").css(CSS).send().await),
        failure(client.get_ui_customization().user_pool_id(&pool).client_id("nobody").send().await),
    ] {
        assert_eq!(result, pair("ResourceNotFoundException", "User pool client nobody does not exist."));
    }
    let no_pool = client.get_ui_customization().user_pool_id("us-east-1_Nowhere1").send().await;
    assert_eq!(failure(no_pool), pair("ResourceNotFoundException", "User pool us-east-1_Nowhere1 does not exist."));

    // A deleted client's customization is out of reach.
    client.delete_user_pool_client().user_pool_id(&pool).client_id(&app).send().await.unwrap();
    let gone = client.get_ui_customization().user_pool_id(&pool).client_id(&app).send().await;
    assert_eq!(failure(gone).0, "ResourceNotFoundException");
}

#[tokio::test]
async fn the_aws_cli_sets_and_gets_customizations() {
    let server = InProcessServer::start().await;
    let Some(aws) = AwsCli::new(&server.url()) else { return };
    let client = server.client();
    let pool = create_pool(&client, "cli").await;
    let app = create_app_client(&client, &pool, "web").await;
    client.create_user_pool_domain().user_pool_id(&pool).domain("cli-branding").send().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.png");
    std::fs::write(&logo, png()).unwrap();
    let image = format!("fileb://{}", logo.display());

    let set = aws
        .run(&[
            "set-ui-customization",
            "--user-pool-id",
            &pool,
            "--client-id",
            &app,
            "--css",
            CSS,
            "--image-file",
            &image,
        ])
        .await
        .unwrap();
    assert_eq!(set["UICustomization"]["CSS"], CSS, "{set}");
    assert!(set["UICustomization"]["ImageUrl"].as_str().unwrap().ends_with("/assets/images/image.jpg"));
    let got = aws.run(&["get-ui-customization", "--user-pool-id", &pool, "--client-id", &app]).await.unwrap();
    assert_eq!(got["UICustomization"]["ClientId"], app.as_str(), "{got}");
    assert_eq!(got["UICustomization"]["CSSVersion"], set["UICustomization"]["CSSVersion"]);
    let empty = aws.run(&["get-ui-customization", "--user-pool-id", &pool]).await.unwrap();
    assert_eq!(empty, serde_json::json!({ "UICustomization": {} }));
    let refused = aws.run(&["set-ui-customization", "--user-pool-id", &pool, "--css", "p { color: red; }"]).await;
    assert_eq!(refused.unwrap_err().0, "InvalidParameterException");
}

/// What the login pages read (`effective_ui_customization`, `logo`) follows what the API wrote,
/// through another instance on the same database.
async fn pages_read_what_another_instance_wrote<S: Store + Clone>(a: &S, b: &S) {
    let (one, two) = (service(a.clone()), service(b.clone()));
    let pool = pools::create_user_pool(&one, CreateUserPoolRequest { pool_name: "pages".into(), ..Default::default() })
        .await
        .unwrap()
        .user_pool
        .unwrap()
        .id
        .unwrap();
    let new_client = |name: &str| CreateUserPoolClientRequest {
        user_pool_id: pool.clone(),
        client_name: name.into(),
        ..Default::default()
    };
    let web = clients::create_user_pool_client(&one, new_client("web")).await.unwrap();
    let web = web.user_pool_client.unwrap().client_id.unwrap();
    let app = clients::create_user_pool_client(&one, new_client("app")).await.unwrap();
    let app = app.user_pool_client.unwrap().client_id.unwrap();
    let domain =
        CreateUserPoolDomainRequest { user_pool_id: pool.clone(), domain: "pages-test".into(), ..Default::default() };
    domains::create_user_pool_domain(&one, domain).await.unwrap();

    assert_eq!(ui_customization::effective_ui_customization(&two, &pool, &web).await.unwrap(), None);
    let set = |client_id: &str, css: &str, image: Option<Vec<u8>>| SetUiCustomizationRequest {
        user_pool_id: pool.clone(),
        client_id: Some(client_id.into()),
        css: Some(css.into()),
        image_file: image.map(Into::into),
    };
    ui_customization::set_ui_customization(&one, set("ALL", CSS, Some(png()))).await.unwrap();
    let pool_wide = ui_customization::effective_ui_customization(&two, &pool, &web).await.unwrap().unwrap();
    assert_eq!(pool_wide.client_id.as_deref(), Some("ALL"));
    let logo = ui_customization::logo(&two, &pool, &web).await.unwrap().unwrap();
    assert_eq!((logo.media_type.as_str(), logo.bytes.as_bytes()), ("image/png", png().as_slice()));

    ui_customization::set_ui_customization(&one, set(&app, ".logo-customizable { max-width: 50%; }", None))
        .await
        .unwrap();
    let own = ui_customization::effective_ui_customization(&two, &pool, &app).await.unwrap().unwrap();
    assert_eq!(own.client_id.as_deref(), Some(app.as_str()));
    assert_eq!(ui_customization::logo(&two, &pool, &app).await.unwrap(), None, "its own has no logo");
    assert_eq!(
        ui_customization::effective_ui_customization(&two, &pool, &web).await.unwrap().unwrap().client_id.as_deref(),
        Some("ALL")
    );

    // Deleting the client deletes its customization; the pool-wide one stays.
    let delete = DeleteUserPoolClientRequest { user_pool_id: pool.clone(), client_id: app.clone() };
    clients::delete_user_pool_client(&two, delete).await.unwrap();
    let left = ui_customization::effective_ui_customization(&one, &pool, &app).await.unwrap().unwrap();
    assert_eq!(left.client_id.as_deref(), Some("ALL"), "the deleted client's own is gone");
}

#[tokio::test]
async fn the_pages_read_customizations_on_both_stores() {
    on_both!(pages_read_what_another_instance_wrote);
}
