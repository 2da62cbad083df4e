//! Identity providers through the generated client and the AWS CLI: create, describe, update,
//! delete, list with paging, look-up by identifier, what AWS adds to the details and the
//! mapping of each type, its refusals (missing details, reserved and social names, duplicate
//! names and identifiers), app clients naming only existing providers, and the linking
//! operations' rules.

mod common;

use std::collections::BTreeMap;

use cognito_idp::types::{IdentityProviderTypeType, ProviderUserIdentifierType};
use common::aws_cli::AwsCli;
use common::{InProcessServer, UserBuilder, create_pool, failure, invalid, pair, value_of};

/// A SAML identity provider's metadata with a fresh self-signed signing certificate valid
/// from `from` for `days` (seconds since the epoch), and the given redirect services.
fn saml_metadata(from: i64, days: i64, sso: Option<&str>, slo: Option<&str>) -> String {
    use base64::Engine;
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["idp.example.com".to_owned()]).unwrap();
    params.not_before = time::OffsetDateTime::from_unix_timestamp(from).unwrap();
    params.not_after = params.not_before + time::Duration::days(days);
    let cert = base64::engine::general_purpose::STANDARD.encode(params.self_signed(&key).unwrap().der());
    let service = |name: &str, at: Option<&str>| {
        at.map(|at| {
            format!(r#"<md:{name} Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{at}"/>"#)
        })
        .unwrap_or_default()
    };
    format!(
        r#"<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="http://www.okta.com/exk1example">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    {slo}{sso}
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"#,
        slo = service("SingleLogoutService", slo),
        sso = service("SingleSignOnService", sso),
    )
}

fn now_s() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn oidc_details() -> BTreeMap<String, String> {
    map(&[
        ("client_id", "idp-client"),
        ("client_secret", "idp-secret"),
        ("attributes_request_method", "GET"),
        ("oidc_issuer", "https://idp.example.com"),
        ("authorize_scopes", "openid email"),
    ])
}

#[tokio::test]
async fn providers_are_created_read_updated_listed_and_deleted() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "federated").await;

    let created = client
        .create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Corp")
        .provider_type(IdentityProviderTypeType::Oidc)
        .set_provider_details(oidc_details())
        .attribute_mapping("email", "email")
        .idp_identifiers("corp.example.com")
        .send()
        .await
        .unwrap()
        .identity_provider;
    assert_eq!(created.provider_name.as_deref(), Some("Corp"));
    let details = created.provider_details.unwrap();
    // What AWS's describe example shows Cognito adding: the read-only flag.
    assert_eq!(details.get("attributes_url_add_attributes").map(String::as_str), Some("false"));
    assert_eq!(details.get("client_secret").map(String::as_str), Some("idp-secret"));
    // The username comes from the subject unless mapped otherwise.
    let mapping = created.attribute_mapping.unwrap();
    assert_eq!(mapping, map(&[("email", "email"), ("username", "sub")]));
    assert!(created.creation_date.is_some() && created.last_modified_date.is_some());

    let described = client.describe_identity_provider().user_pool_id(&pool).provider_name("Corp").send().await;
    assert_eq!(described.unwrap().identity_provider.idp_identifiers, Some(vec!["corp.example.com".to_owned()]));
    let by_id = client.get_identity_provider_by_identifier().user_pool_id(&pool).idp_identifier("CORP.example.com");
    assert_eq!(by_id.send().await.unwrap().identity_provider.provider_name.as_deref(), Some("Corp"));

    // Names and identifiers are unique in the pool.
    let again = client
        .create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Corp")
        .provider_type(IdentityProviderTypeType::Oidc)
        .set_provider_details(oidc_details())
        .send()
        .await;
    assert_eq!(failure(again), pair("DuplicateProviderException", &format!("Corp already exists in user pool {pool}")));
    let same_identifier = client
        .create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Other")
        .provider_type(IdentityProviderTypeType::Oidc)
        .set_provider_details(oidc_details())
        .idp_identifiers("corp.example.com")
        .send()
        .await;
    assert_eq!(failure(same_identifier).0, "DuplicateProviderException");
    // The failed create left nothing behind.
    let missing = client.describe_identity_provider().user_pool_id(&pool).provider_name("Other").send().await;
    assert_eq!(failure(missing).0, "ResourceNotFoundException");

    // Google: named as its type, with the endpoints Cognito uses for it.
    let google = client
        .create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Google")
        .provider_type(IdentityProviderTypeType::Google)
        .set_provider_details(map(&[
            ("client_id", "g.apps.googleusercontent.com"),
            ("client_secret", "g-secret"),
            ("authorize_scopes", "email profile openid"),
        ]))
        .send()
        .await
        .unwrap()
        .identity_provider;
    let details = google.provider_details.unwrap();
    assert_eq!(details["authorize_url"], "https://accounts.google.com/o/oauth2/v2/auth");
    assert_eq!(details["token_url"], "https://www.googleapis.com/oauth2/v4/token");
    assert_eq!(details["oidc_issuer"], "https://accounts.google.com");
    assert_eq!(details["attributes_url_add_attributes"], "true");

    // Sign in with Apple keeps its private key but never shows it.
    let apple = client
        .create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("SignInWithApple")
        .provider_type(IdentityProviderTypeType::SignInWithApple)
        .set_provider_details(map(&[
            ("client_id", "com.example.app"),
            ("team_id", "TEAM"),
            ("key_id", "KEY"),
            ("private_key", "-----BEGIN PRIVATE KEY-----"),
            ("authorize_scopes", "email name"),
        ]))
        .send()
        .await
        .unwrap()
        .identity_provider;
    assert!(!apple.provider_details.unwrap().contains_key("private_key"));

    // Update replaces what it is given and keeps the rest.
    let updated = client
        .update_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Corp")
        .attribute_mapping("email", "mail")
        .attribute_mapping("username", "oid")
        .idp_identifiers("corp.example.org")
        .send()
        .await
        .unwrap()
        .identity_provider;
    assert_eq!(updated.attribute_mapping.unwrap(), map(&[("email", "mail"), ("username", "oid")]));
    assert_eq!(updated.provider_details.unwrap()["oidc_issuer"], "https://idp.example.com");
    let old = client.get_identity_provider_by_identifier().user_pool_id(&pool).idp_identifier("corp.example.com");
    assert_eq!(failure(old.send().await).0, "ResourceNotFoundException");

    // Listing pages through them in creation order.
    let first = client.list_identity_providers().user_pool_id(&pool).max_results(2).send().await.unwrap();
    let names: Vec<_> = first.providers.iter().map(|p| p.provider_name.clone().unwrap()).collect();
    assert_eq!(names, ["Corp", "Google"]);
    let rest = client
        .list_identity_providers()
        .user_pool_id(&pool)
        .max_results(2)
        .next_token(first.next_token.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.providers.len(), 1);
    assert_eq!(rest.providers[0].provider_type, Some(IdentityProviderTypeType::SignInWithApple));
    assert!(rest.next_token.is_none());

    client.delete_identity_provider().user_pool_id(&pool).provider_name("Google").send().await.unwrap();
    let gone = client.delete_identity_provider().user_pool_id(&pool).provider_name("Google").send().await;
    assert_eq!(failure(gone).0, "ResourceNotFoundException");
}

#[tokio::test]
async fn provider_details_names_and_mappings_are_checked_as_aws_does() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "checks").await;
    let create = |name: &str, kind: IdentityProviderTypeType, details: BTreeMap<String, String>| {
        client
            .create_identity_provider()
            .user_pool_id(&pool)
            .provider_name(name)
            .provider_type(kind)
            .set_provider_details(details)
    };

    // aws/aws-cli issue 3179: a social provider is named as its type.
    let misnamed = create(
        "MyGoogle",
        IdentityProviderTypeType::Google,
        map(&[("client_id", "a"), ("client_secret", "b"), ("authorize_scopes", "openid")]),
    );
    assert_eq!(failure(misnamed.send().await), invalid("Provider MyGoogle cannot be of type Google."));
    // aws-amplify/amplify-cli issue 8266: the social keys are all required.
    let incomplete = create("Facebook", IdentityProviderTypeType::Facebook, map(&[("client_id", "a")]));
    assert_eq!(
        failure(incomplete.send().await),
        invalid("client_id, client_secret and authorize_scopes are all required idp details")
    );
    let no_issuer = create("Corp", IdentityProviderTypeType::Oidc, map(&[("client_id", "a")]));
    assert_eq!(failure(no_issuer.send().await).0, "InvalidParameterException");
    let mut bad_method = oidc_details();
    bad_method.insert("attributes_request_method".into(), "PUT".into());
    assert_eq!(
        failure(create("Corp", IdentityProviderTypeType::Oidc, bad_method).send().await).0,
        "InvalidParameterException"
    );
    let reserved = create("COGNITO", IdentityProviderTypeType::Oidc, oidc_details());
    assert_eq!(failure(reserved.send().await).0, "InvalidParameterException");
    let social_name = create("Google", IdentityProviderTypeType::Oidc, oidc_details());
    assert_eq!(failure(social_name.send().await).0, "InvalidParameterException");
    // SAML: metadata is required, and one kind of it only.
    let saml = create("Okta", IdentityProviderTypeType::Saml, map(&[("IDPSignout", "true")]));
    assert_eq!(failure(saml.send().await).0, "InvalidParameterException");
    let saml = create(
        "Okta",
        IdentityProviderTypeType::Saml,
        map(&[("MetadataURL", "https://okta.example.com/metadata"), ("RequestSigningAlgorithm", "rsa-sha1")]),
    );
    assert_eq!(failure(saml.send().await), invalid("RequestSigningAlgorithm only accepts rsa-sha256"));
    // The metadata is read when the provider is made: an unreachable URL, an expired signing
    // certificate, or no single sign-on service for the redirect binding is refused.
    let unreachable = create("Okta", IdentityProviderTypeType::Saml, map(&[("MetadataURL", "http://127.0.0.1:9/m")]));
    let (code, message) = failure(unreachable.send().await);
    assert_eq!(code, "InvalidParameterException");
    assert!(message.starts_with("Error retrieving metadata from http://127.0.0.1:9/m"), "{message}");
    let expired = saml_metadata(now_s() - 10 * 86_400, 5, Some("https://idp.example.com/sso"), None);
    let expired = create("Okta", IdentityProviderTypeType::Saml, map(&[("MetadataFile", &expired)]));
    assert_eq!(
        failure(expired.send().await),
        invalid("Invalid SAML metadata: a signing certificate in the metadata has expired")
    );
    let no_sso = saml_metadata(now_s() - 60, 365, None, None);
    let no_sso = create("Okta", IdentityProviderTypeType::Saml, map(&[("MetadataFile", &no_sso)]));
    assert_eq!(failure(no_sso.send().await).0, "InvalidParameterException");
    let not_xml = create("Okta", IdentityProviderTypeType::Saml, map(&[("MetadataFile", "<md:EntityDescriptor")]));
    assert_eq!(failure(not_xml.send().await).0, "InvalidParameterException");
    let file =
        saml_metadata(now_s() - 60, 365, Some("https://idp.example.com/sso"), Some("https://idp.example.com/slo"));
    let saml = create("Okta", IdentityProviderTypeType::Saml, map(&[("MetadataFile", &file), ("IDPSignout", "true")]));
    let saml = saml.send().await.unwrap().identity_provider;
    // SAML gets no username mapping of its own.
    assert_eq!(saml.attribute_mapping, Some(BTreeMap::new()));
    // What the metadata said is answered as read-only details (the API reference's describe
    // example); the document kept is not.
    let details = saml.provider_details.unwrap();
    assert_eq!(details["SSORedirectBindingURI"], "https://idp.example.com/sso");
    assert_eq!(details["SLORedirectBindingURI"], "https://idp.example.com/slo");
    assert_eq!(details["MetadataFile"], file);
    assert_eq!(details.keys().filter(|k| k.starts_with("cognito")).count(), 0);
    // Mappings name pool attributes (never `sub`).
    let unknown = create("Corp", IdentityProviderTypeType::Oidc, oidc_details()).attribute_mapping("shoe_size", "shoe");
    assert_eq!(failure(unknown.send().await).0, "InvalidParameterException");
    let sub = create("Corp", IdentityProviderTypeType::Oidc, oidc_details()).attribute_mapping("sub", "sub");
    assert_eq!(failure(sub.send().await).0, "InvalidParameterException");
    // The model's own constraint on names (at least three characters, no leading underscore).
    let short = create("ab", IdentityProviderTypeType::Oidc, oidc_details());
    assert_eq!(failure(short.send().await).0, "InvalidParameterException");
    let missing_pool =
        client.describe_identity_provider().user_pool_id("us-east-1_nothere").provider_name("Corp").send().await;
    assert_eq!(failure(missing_pool).0, "ResourceNotFoundException");

    // App clients name only COGNITO and the pool's providers (lgallard/terraform-aws-cognito-
    // user-pool pull request 72 quotes AWS's refusal).
    let refused = client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("web")
        .supported_identity_providers("COGNITO")
        .supported_identity_providers("Corp")
        .send()
        .await;
    assert_eq!(failure(refused), invalid(&format!("The provider Corp does not exist for User Pool {pool}")));
    let accepted = client
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("web")
        .supported_identity_providers("COGNITO")
        .supported_identity_providers("Okta")
        .send()
        .await
        .unwrap();
    let app = accepted.user_pool_client.unwrap();
    assert_eq!(app.supported_identity_providers.unwrap(), ["COGNITO", "Okta"]);
}

fn identity(provider: &str, attribute: &str, value: &str) -> ProviderUserIdentifierType {
    ProviderUserIdentifierType {
        provider_name: Some(provider.into()),
        provider_attribute_name: Some(attribute.into()),
        provider_attribute_value: Some(value.into()),
    }
}

#[tokio::test]
async fn linking_follows_awss_rules() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "links").await;
    client
        .create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Corp")
        .provider_type(IdentityProviderTypeType::Oidc)
        .set_provider_details(oidc_details())
        .send()
        .await
        .unwrap();
    UserBuilder::new("carol").email().create(&client, &pool).await;
    let link = |destination: ProviderUserIdentifierType, source: ProviderUserIdentifierType| {
        client.admin_link_provider_for_user().user_pool_id(&pool).destination_user(destination).source_user(source)
    };

    link(identity("Cognito", "Cognito_Subject", "carol"), identity("Corp", "Cognito_Subject", "subject-1"))
        .send()
        .await
        .unwrap();
    let attributes = common::attributes_of(&client, &pool, "carol").await;
    let identities: serde_json::Value = serde_json::from_str(&value_of(&attributes, "identities").unwrap()).unwrap();
    assert_eq!(identities[0]["userId"], "subject-1");
    assert_eq!(identities[0]["providerName"], "Corp");
    assert_eq!(identities[0]["providerType"], "OIDC");
    // In the attribute, `primary` is a boolean (see `domain::identities`).
    assert_eq!(identities[0]["primary"], false);
    assert!(identities[0]["dateCreated"].is_i64(), "{identities}");
    // Linking again to the same user changes nothing; to another user is refused.
    link(identity("Cognito", "Cognito_Subject", "carol"), identity("Corp", "Cognito_Subject", "subject-1"))
        .send()
        .await
        .unwrap();
    UserBuilder::new("dave").create(&client, &pool).await;
    let taken = link(identity("Cognito", "Cognito_Subject", "dave"), identity("Corp", "Cognito_Subject", "subject-1"));
    assert_eq!(failure(taken.send().await).0, "AliasExistsException");

    let local_source =
        link(identity("Cognito", "Cognito_Subject", "carol"), identity("Cognito", "Cognito_Subject", "dave"));
    assert_eq!(
        failure(local_source.send().await),
        invalid(
            "Invalid SourceUser: Cognito users with a username/password may not be passed in as a SourceUser, only as a DestinationUser"
        )
    );
    let nobody =
        link(identity("Cognito", "Cognito_Subject", "nobody"), identity("Corp", "Cognito_Subject", "subject-2"));
    assert_eq!(failure(nobody.send().await).0, "UserNotFoundException");
    let no_provider = link(identity("Cognito", "Cognito_Subject", "carol"), identity("Nope", "Cognito_Subject", "x"));
    assert_eq!(failure(no_provider.send().await).0, "InvalidParameterException");
    // At most five linked identities.
    for n in 2..=5 {
        link(identity("Cognito", "", "carol"), identity("Corp", "Cognito_Subject", &format!("subject-{n}")))
            .send()
            .await
            .unwrap();
    }
    let sixth = link(identity("Cognito", "", "carol"), identity("Corp", "Cognito_Subject", "subject-6"));
    assert_eq!(failure(sixth.send().await).0, "LimitExceededException");

    // Disabling removes the link and its identity.
    client
        .admin_disable_provider_for_user()
        .user_pool_id(&pool)
        .user(identity("Corp", "Cognito_Subject", "subject-1"))
        .send()
        .await
        .unwrap();
    let attributes = common::attributes_of(&client, &pool, "carol").await;
    let identities: serde_json::Value = serde_json::from_str(&value_of(&attributes, "identities").unwrap()).unwrap();
    assert_eq!(identities.as_array().unwrap().len(), 4);
    assert!(identities.as_array().unwrap().iter().all(|i| i["userId"] != "subject-1"));
    let again = client.admin_disable_provider_for_user().user_pool_id(&pool).user(identity(
        "Corp",
        "Cognito_Subject",
        "subject-1",
    ));
    assert_eq!(failure(again.send().await).0, "UserNotFoundException");
}

#[tokio::test]
async fn the_aws_cli_manages_providers() {
    let server = InProcessServer::start().await;
    let Some(cli) = AwsCli::new(&server.url()) else { return };
    let pool = create_pool(&server.client(), "cli").await;
    let created = cli
        .run(&[
            "create-identity-provider",
            "--user-pool-id",
            &pool,
            "--provider-name",
            "Corp",
            "--provider-type",
            "OIDC",
            "--provider-details",
            "client_id=a,client_secret=b,attributes_request_method=GET,oidc_issuer=https://idp.example.com,authorize_scopes=openid",
            "--attribute-mapping",
            "email=email",
        ])
        .await
        .unwrap();
    assert_eq!(created["IdentityProvider"]["ProviderType"], "OIDC");
    assert_eq!(created["IdentityProvider"]["AttributeMapping"]["username"], "sub");
    let listed = cli.run(&["list-identity-providers", "--user-pool-id", &pool]).await.unwrap();
    assert_eq!(listed["Providers"][0]["ProviderName"], "Corp");
    let refused = cli
        .run(&[
            "create-identity-provider",
            "--user-pool-id",
            &pool,
            "--provider-name",
            "Google",
            "--provider-type",
            "Google",
            "--provider-details",
            "client_id=a",
        ])
        .await
        .unwrap_err();
    assert_eq!(refused, invalid("client_id, client_secret and authorize_scopes are all required idp details"));
    cli.run(&["delete-identity-provider", "--user-pool-id", &pool, "--provider-name", "Corp"]).await.unwrap();
    let listed = cli.run(&["list-identity-providers", "--user-pool-id", &pool]).await.unwrap();
    assert_eq!(listed["Providers"], serde_json::json!([]));

    // A SAML provider whose metadata is served at a URL (here by the test), read at creation.
    let metadata =
        saml_metadata(now_s() - 60, 365, Some("https://idp.example.com/sso"), Some("https://idp.example.com/slo"));
    let app = axum::Router::new().route("/metadata", axum::routing::get(move || async move { metadata }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metadata_url = format!("http://127.0.0.1:{}/metadata", listener.local_addr().unwrap().port());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let created = cli
        .run(&[
            "create-identity-provider",
            "--user-pool-id",
            &pool,
            "--provider-name",
            "Okta",
            "--provider-type",
            "SAML",
            "--provider-details",
            &format!("MetadataURL={metadata_url},IDPSignout=true,EncryptedResponses=true"),
            "--attribute-mapping",
            "email=http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        ])
        .await
        .unwrap();
    let details = &created["IdentityProvider"]["ProviderDetails"];
    assert_eq!(details["SSORedirectBindingURI"], "https://idp.example.com/sso");
    assert_eq!(details["SLORedirectBindingURI"], "https://idp.example.com/slo");
    assert!(details["ActiveEncryptionCertificate"].as_str().is_some_and(|c| c.starts_with("MII")), "{details}");
    let certificate = cli.run(&["get-signing-certificate", "--user-pool-id", &pool]).await.unwrap();
    assert!(certificate["Certificate"].as_str().is_some_and(|c| c.starts_with("MII")), "{certificate}");
}

#[tokio::test]
async fn the_pool_has_one_saml_signing_certificate() {
    use base64::Engine;
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "saml").await;
    let first = client.get_signing_certificate().user_pool_id(&pool).send().await.unwrap().certificate.unwrap();
    let again = client.get_signing_certificate().user_pool_id(&pool).send().await.unwrap().certificate.unwrap();
    assert_eq!(first, again, "made once, then kept");
    let other = create_pool(&client, "other").await;
    let others = client.get_signing_certificate().user_pool_id(&other).send().await.unwrap().certificate.unwrap();
    assert_ne!(first, others);
    let der = base64::engine::general_purpose::STANDARD.decode(&first).expect("base64 of the DER certificate");
    assert_eq!(der[0], 0x30, "a DER SEQUENCE");
    let missing = client.get_signing_certificate().user_pool_id("us-east-1_nothere").send().await;
    assert_eq!(failure(missing).0, "ResourceNotFoundException");
    // OpenSSL reads it as an X.509 certificate of the pool, RSA, valid for ten years.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cert.der");
    std::fs::write(&path, &der).unwrap();
    let Ok(output) = std::process::Command::new("openssl")
        .args(["x509", "-inform", "DER", "-noout", "-subject", "-dates", "-text", "-in"])
        .arg(&path)
        .output()
    else {
        eprintln!("SKIPPED: openssl is not installed");
        return;
    };
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(text.contains(&pool), "{text}");
    assert!(text.contains("rsaEncryption") && text.contains("sha256WithRSAEncryption"), "{text}");
    let year = |label: &str| -> i32 {
        let line = text.lines().find(|l| l.starts_with(label)).unwrap();
        line.split_whitespace().rev().nth(1).unwrap().parse().unwrap()
    };
    assert_eq!(year("notAfter=") - year("notBefore="), 10, "{text}");
}
