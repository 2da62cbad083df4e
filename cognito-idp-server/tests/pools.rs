//! User pools through the generated client over HTTP: creation with AWS's defaults and schema,
//! the checks on what is given, `UpdateUserPool` resetting what it is not given, deletion
//! protection, paging, custom attributes and tags, each with AWS's errors.

mod common;

use std::collections::{BTreeMap, HashSet};

use cognito_idp::Client;
use cognito_idp::types::{
    AttributeDataType, LambdaConfigType, NumberAttributeConstraintsType, PasswordPolicyType, SchemaAttributeType,
    StringAttributeConstraintsType, UserAttributeUpdateSettingsType, UserPoolPolicyType, UserPoolType,
    UsernameConfigurationType, VerificationMessageTemplateType,
};
use common::{InProcessServer, create_pool, create_user, failure, invalid, pair};

fn no_pool(id: &str) -> (String, String) {
    pair("ResourceNotFoundException", &format!("User pool {id} does not exist."))
}

fn custom(name: &str, kind: &str) -> SchemaAttributeType {
    SchemaAttributeType {
        name: Some(name.into()),
        attribute_data_type: Some(AttributeDataType::from(kind)),
        ..Default::default()
    }
}

fn strings(min: &str, max: &str) -> Option<StringAttributeConstraintsType> {
    Some(StringAttributeConstraintsType { min_length: Some(min.into()), max_length: Some(max.into()) })
}

async fn describe(client: &Client, pool: &str) -> UserPoolType {
    client.describe_user_pool().user_pool_id(pool).send().await.expect("DescribeUserPool").user_pool.unwrap()
}

fn attribute<'a>(pool: &'a UserPoolType, name: &str) -> Option<&'a SchemaAttributeType> {
    pool.schema_attributes.as_deref().unwrap_or_default().iter().find(|a| a.name.as_deref() == Some(name))
}

#[tokio::test]
async fn a_new_pool_has_awss_defaults_and_describes_as_created() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let created = client.create_user_pool().pool_name("defaults").send().await.unwrap().user_pool.unwrap();
    let id = created.id.clone().unwrap();
    let (region, suffix) = id.split_once('_').unwrap();
    assert_eq!(region, "us-east-1");
    assert!(suffix.len() == 9 && suffix.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
    assert_eq!(
        created.arn.as_deref(),
        Some(format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{id}").as_str())
    );
    assert_eq!(created.name.as_deref(), Some("defaults"));
    assert_eq!(created.deletion_protection.as_ref().map(|d| d.as_str()), Some("INACTIVE"));
    assert_eq!(created.mfa_configuration.as_ref().map(|m| m.as_str()), Some("OFF"));
    assert_eq!(created.estimated_number_of_users, Some(0));
    assert_eq!(created.user_pool_tags, Some(BTreeMap::new()));
    assert_eq!(created.lambda_config, Some(LambdaConfigType::default()));
    assert!(created.username_configuration.is_none(), "case sensitivity is not reported unless given");
    assert!(created.status.is_none(), "the deprecated Status is not reported");
    let template = created.verification_message_template.clone().unwrap();
    assert_eq!(template.default_email_option.as_ref().map(|o| o.as_str()), Some("CONFIRM_WITH_CODE"));
    let policy = created.policies.as_ref().unwrap().password_policy.clone().unwrap();
    assert_eq!(policy.minimum_length, Some(8));
    assert_eq!(
        (policy.require_uppercase, policy.require_lowercase, policy.require_numbers, policy.require_symbols),
        (Some(true), Some(true), Some(true), Some(true))
    );
    assert_eq!(policy.temporary_password_validity_days, Some(7));
    assert!(policy.password_history_size.is_none());
    let admin = created.admin_create_user_config.clone().unwrap();
    assert_eq!((admin.allow_admin_create_user_only, admin.unused_account_validity_days), (Some(false), Some(7)));
    assert_eq!(
        created.email_configuration.as_ref().and_then(|e| e.email_sending_account.as_ref()).map(|a| a.as_str()),
        Some("COGNITO_DEFAULT")
    );
    let created_at = created.creation_date.unwrap().as_secs_f64();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
    assert!((now - created_at).abs() < 60.0, "created {created_at}, now {now}");

    // The standard schema, as AWS reports it.
    let sub = attribute(&created, "sub").unwrap();
    assert_eq!((sub.mutable, sub.required), (Some(false), Some(true)));
    assert_eq!(sub.string_attribute_constraints, strings("1", "2048"));
    let birthdate = attribute(&created, "birthdate").unwrap();
    assert_eq!(birthdate.string_attribute_constraints, strings("10", "10"));
    let verified = attribute(&created, "email_verified").unwrap();
    assert_eq!(verified.attribute_data_type.as_ref().map(|t| t.as_str()), Some("Boolean"));
    assert!(verified.string_attribute_constraints.is_none());
    let updated = attribute(&created, "updated_at").unwrap();
    assert_eq!(updated.attribute_data_type.as_ref().map(|t| t.as_str()), Some("Number"));
    assert_eq!(updated.number_attribute_constraints.as_ref().and_then(|c| c.min_value.as_deref()), Some("0"));
    for name in ["name", "given_name", "family_name", "email", "phone_number", "phone_number_verified", "address"] {
        let a = attribute(&created, name).unwrap_or_else(|| panic!("{name} is in the schema"));
        assert_eq!((a.mutable, a.required, a.developer_only_attribute), (Some(true), Some(false), Some(false)));
    }

    assert_eq!(describe(&client, &id).await, created);
}

#[tokio::test]
async fn sign_in_attributes_case_sensitivity_and_policy_are_kept() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let both =
        client.create_user_pool().pool_name("both").alias_attributes("email").username_attributes("email").send().await;
    assert_eq!(
        failure(both),
        invalid("Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")
    );

    let pool = client
        .create_user_pool()
        .pool_name("kept")
        .alias_attributes("preferred_username")
        .auto_verified_attributes("email")
        .username_configuration(UsernameConfigurationType { case_sensitive: false })
        .policies(UserPoolPolicyType {
            password_policy: Some(PasswordPolicyType {
                minimum_length: Some(12),
                require_symbols: Some(false),
                ..Default::default()
            }),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let described = describe(&client, pool.id.as_deref().unwrap()).await;
    assert_eq!(described.username_configuration, Some(UsernameConfigurationType { case_sensitive: false }));
    assert_eq!(described.alias_attributes.unwrap()[0].as_str(), "preferred_username");
    assert_eq!(described.auto_verified_attributes.unwrap()[0].as_str(), "email");
    let policy = described.policies.unwrap().password_policy.unwrap();
    assert_eq!((policy.minimum_length, policy.require_symbols), (Some(12), Some(false)));
    // A given policy is taken whole: the rules it leaves out are off.
    assert_eq!((policy.require_uppercase, policy.temporary_password_validity_days), (Some(false), Some(7)));

    // Verification messages given either way are reported both ways.
    let messages = client
        .create_user_pool()
        .pool_name("messages")
        .email_verification_message("Your code: {####}")
        .verification_message_template(VerificationMessageTemplateType {
            sms_message: Some("SMS code {####}".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let template = messages.verification_message_template.unwrap();
    assert_eq!(template.email_message.as_deref(), Some("Your code: {####}"));
    assert_eq!(messages.sms_verification_message.as_deref(), Some("SMS code {####}"));

    let pending = client
        .create_user_pool()
        .pool_name("pending")
        .user_attribute_update_settings(UserAttributeUpdateSettingsType {
            attributes_require_verification_before_update: Some(vec!["email".into()]),
        })
        .send()
        .await;
    assert_eq!(
        failure(pending),
        invalid("All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes")
    );
}

#[tokio::test]
async fn the_schema_takes_standard_overrides_and_custom_attributes() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let mut email = custom("email", "String");
    email.required = Some(true);
    email.mutable = Some(false);
    let mut tenant = custom("tenant", "String");
    tenant.string_attribute_constraints = strings("1", "64");
    tenant.mutable = Some(false);
    let mut level = custom("level", "Number");
    level.number_attribute_constraints =
        Some(NumberAttributeConstraintsType { min_value: Some("-5".into()), max_value: Some("10".into()) });
    let mut secret = custom("secret", "String");
    secret.developer_only_attribute = Some(true);
    let pool = client
        .create_user_pool()
        .pool_name("schema")
        .schema(email)
        .schema(tenant)
        .schema(level)
        .schema(secret)
        .schema(custom("vip", "Boolean"))
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let email = attribute(&pool, "email").unwrap();
    assert_eq!((email.required, email.mutable), (Some(true), Some(false)));
    let tenant = attribute(&pool, "custom:tenant").unwrap();
    assert_eq!((tenant.mutable, tenant.required), (Some(false), Some(false)));
    assert_eq!(tenant.string_attribute_constraints, strings("1", "64"));
    let level = attribute(&pool, "custom:level").unwrap();
    assert_eq!(level.number_attribute_constraints.as_ref().unwrap().min_value.as_deref(), Some("-5"));
    assert!(attribute(&pool, "dev:custom:secret").unwrap().developer_only_attribute.unwrap());
    let vip = attribute(&pool, "custom:vip").unwrap();
    assert!(vip.string_attribute_constraints.is_none() && vip.number_attribute_constraints.is_none());
    assert_eq!(attribute(&pool, "custom:vip").unwrap().mutable, Some(true));

    let refused = |schema: SchemaAttributeType| {
        let client = client.clone();
        async move { failure(client.create_user_pool().pool_name("bad").schema(schema).send().await) }
    };
    let mut required = custom("x", "String");
    required.required = Some(true);
    assert_eq!(refused(required).await, invalid("Required custom attributes are not supported currently."));
    let untyped = SchemaAttributeType { name: Some("x".into()), ..Default::default() };
    assert_eq!(
        refused(untyped).await,
        invalid("Invalid AttributeDataType input, consider using the provided AttributeDataType enum.")
    );
    assert_eq!(
        refused(custom("email", "Number")).await,
        invalid(
            "You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute email"
        )
    );
    let mut long = custom("x", "String");
    long.string_attribute_constraints = strings("0", "2049");
    assert_eq!(refused(long).await, invalid("user.custom:x: String attributes cannot have a length of more than 2048"));
    let mut inverted = custom("x", "String");
    inverted.string_attribute_constraints = strings("9", "3");
    assert_eq!(refused(inverted).await, invalid("user.custom:x: Max length cannot be less than min length."));
    let mut inverted = custom("x", "Number");
    inverted.number_attribute_constraints =
        Some(NumberAttributeConstraintsType { min_value: Some("9".into()), max_value: Some("3".into()) });
    assert_eq!(refused(inverted).await, invalid("user.custom:x: Max value cannot be less than min value."));
    let mut words = custom("x", "String");
    words.string_attribute_constraints = strings("one", "3");
    assert_eq!(refused(words).await, invalid("Invalid StringAttributeConstraints for schema attribute custom:x"));
    let twice =
        client.create_user_pool().pool_name("twice").schema(custom("x", "String")).schema(custom("x", "Number"));
    assert_eq!(failure(twice.send().await), invalid("custom:x: Existing attribute already has name custom:x."));
}

#[tokio::test]
async fn custom_attributes_are_added_up_to_fifty() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "custom").await;
    let mut flag = custom("flag", "Boolean");
    flag.mutable = Some(false);
    client.add_custom_attributes().user_pool_id(&pool).custom_attributes(flag).send().await.unwrap();
    let described = describe(&client, &pool).await;
    assert_eq!(attribute(&described, "custom:flag").unwrap().mutable, Some(false));
    assert!(described.last_modified_date.unwrap().as_secs_f64() >= described.creation_date.unwrap().as_secs_f64());

    let again = client.add_custom_attributes().user_pool_id(&pool).custom_attributes(custom("flag", "String"));
    assert_eq!(failure(again.send().await), invalid("custom:flag: Existing attribute already has name custom:flag."));
    let mut required = custom("other", "String");
    required.required = Some(true);
    let required = client.add_custom_attributes().user_pool_id(&pool).custom_attributes(required);
    assert_eq!(failure(required.send().await), invalid("Required custom attributes are not supported currently."));

    // 1 + 25 + 24 = 50 custom attributes; the 51st is refused and nothing of that call is kept.
    let mut batch = client.add_custom_attributes().user_pool_id(&pool);
    for i in 0..25 {
        batch = batch.custom_attributes(custom(&format!("a{i}"), "String"));
    }
    batch.send().await.unwrap();
    let mut batch = client.add_custom_attributes().user_pool_id(&pool);
    for i in 0..24 {
        batch = batch.custom_attributes(custom(&format!("b{i}"), "Number"));
    }
    batch.send().await.unwrap();
    let over = client.add_custom_attributes().user_pool_id(&pool).custom_attributes(custom("last", "String"));
    let (code, _) = failure(over.send().await);
    assert_eq!(code, "InvalidParameterException");
    let described = describe(&client, &pool).await;
    let customs = described
        .schema_attributes
        .unwrap()
        .iter()
        .filter(|a| a.name.as_deref().unwrap().starts_with("custom:"))
        .count();
    assert_eq!(customs, 50);

    let unknown =
        client.add_custom_attributes().user_pool_id("us-east-1_nothere00").custom_attributes(custom("x", "String"));
    assert_eq!(failure(unknown.send().await), no_pool("us-east-1_nothere00"));
}

#[tokio::test]
async fn update_resets_what_it_is_not_given() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = client
        .create_user_pool()
        .pool_name("before")
        .alias_attributes("email")
        .auto_verified_attributes("email")
        .deletion_protection("ACTIVE")
        .mfa_configuration("OPTIONAL")
        .email_verification_subject("Your code")
        .lambda_config(LambdaConfigType {
            pre_sign_up: Some("arn:aws:lambda:us-east-1:000000000000:function:pre".into()),
            ..Default::default()
        })
        .policies(UserPoolPolicyType {
            password_policy: Some(PasswordPolicyType { minimum_length: Some(20), ..Default::default() }),
            ..Default::default()
        })
        .schema(custom("tenant", "String"))
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let id = pool.id.clone().unwrap();
    client.update_user_pool().user_pool_id(&id).pool_name("after").send().await.unwrap();
    let after = describe(&client, &id).await;
    assert_eq!(after.name.as_deref(), Some("after"));
    assert_eq!(after.deletion_protection.as_ref().map(|d| d.as_str()), Some("INACTIVE"));
    assert_eq!(after.mfa_configuration.as_ref().map(|m| m.as_str()), Some("OFF"));
    assert_eq!(after.lambda_config, Some(LambdaConfigType::default()));
    assert!(after.auto_verified_attributes.is_none() && after.email_verification_subject.is_none());
    assert_eq!(after.policies.as_ref().unwrap().password_policy.as_ref().unwrap().minimum_length, Some(8));
    // What the API cannot change stays.
    assert_eq!(after.id, pool.id);
    assert_eq!(after.arn, pool.arn);
    assert_eq!(after.creation_date, pool.creation_date);
    assert_eq!(after.alias_attributes, pool.alias_attributes);
    assert_eq!(after.schema_attributes, pool.schema_attributes);
    assert!(after.last_modified_date.unwrap().as_secs_f64() >= pool.last_modified_date.unwrap().as_secs_f64());

    // Left out, the pool keeps its name.
    client.update_user_pool().user_pool_id(&id).auto_verified_attributes("phone_number").send().await.unwrap();
    let again = describe(&client, &id).await;
    assert_eq!(again.name.as_deref(), Some("after"));
    assert_eq!(again.auto_verified_attributes.unwrap()[0].as_str(), "phone_number");

    // UserAttributeUpdateSettings left out is kept and checked against AutoVerifiedAttributes.
    client
        .update_user_pool()
        .user_pool_id(&id)
        .auto_verified_attributes("email")
        .user_attribute_update_settings(UserAttributeUpdateSettingsType {
            attributes_require_verification_before_update: Some(vec!["email".into()]),
        })
        .send()
        .await
        .unwrap();
    let reset = client.update_user_pool().user_pool_id(&id).deletion_protection("ACTIVE").send().await;
    assert_eq!(
        failure(reset),
        invalid("All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes")
    );
    assert_eq!(
        describe(&client, &id).await.deletion_protection.map(|d| d.as_str().to_owned()).as_deref(),
        Some("INACTIVE")
    );

    let unknown = client.update_user_pool().user_pool_id("us-east-1_nothere00").send().await;
    assert_eq!(failure(unknown), no_pool("us-east-1_nothere00"));
}

#[tokio::test]
async fn deletion_protection_refuses_delete_until_lifted() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = client.create_user_pool().pool_name("protected").deletion_protection("ACTIVE").send().await.unwrap();
    let id = pool.user_pool.unwrap().id.unwrap();
    assert_eq!(
        failure(client.delete_user_pool().user_pool_id(&id).send().await),
        invalid(
            "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first."
        )
    );
    describe(&client, &id).await;
    client.update_user_pool().user_pool_id(&id).deletion_protection("INACTIVE").send().await.unwrap();
    client.delete_user_pool().user_pool_id(&id).send().await.unwrap();
    assert_eq!(failure(client.describe_user_pool().user_pool_id(&id).send().await), no_pool(&id));
    assert_eq!(failure(client.delete_user_pool().user_pool_id(&id).send().await), no_pool(&id));
}

#[tokio::test]
async fn deleting_a_pool_deletes_its_users_clients_and_groups() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = create_pool(&client, "doomed").await;
    create_user(&client, &pool, "diego", "diego@example.com").await;
    create_user(&client, &pool, "ana", "ana@example.com").await;
    assert_eq!(describe(&client, &pool).await.estimated_number_of_users, Some(2));
    client.create_group().user_pool_id(&pool).group_name("g").send().await.unwrap();
    client.delete_user_pool().user_pool_id(&pool).send().await.unwrap();
    let users = client.admin_get_user().user_pool_id(&pool).username("diego").send().await;
    assert_eq!(failure(users), no_pool(&pool));
    let groups = client.list_groups().user_pool_id(&pool).send().await;
    assert_eq!(failure(groups), no_pool(&pool));
}

#[tokio::test]
async fn list_user_pools_pages_through_every_pool_once() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(create_pool(&client, &format!("pool-{i}")).await);
    }
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = client.list_user_pools().max_results(3).set_next_token(token).send().await.unwrap();
        let pools = page.user_pools.unwrap();
        assert!(pools.len() <= 3);
        for p in pools {
            assert_eq!(p.name.as_deref(), Some(format!("pool-{}", seen.len()).as_str()));
            assert!(p.creation_date.is_some() && p.lambda_config.is_some());
            seen.push(p.id.unwrap());
        }
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, created);
    let all = client.list_user_pools().max_results(60).send().await.unwrap();
    assert_eq!(all.user_pools.unwrap().len(), 7);
    assert!(all.next_token.is_none());

    let bad = client.list_user_pools().max_results(10).next_token("not-a-token").send().await;
    assert_eq!(failure(bad).0, "InvalidParameterException");
    let (code, message) = failure(client.list_user_pools().max_results(61).send().await);
    assert_eq!(code, "InvalidParameterException");
    assert!(message.contains("maxResults"), "{message}");

    // MaxResults is required: sent without it, the request is refused as AWS refuses it.
    let response = reqwest::Client::new()
        .post(server.url())
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSCognitoIdentityProviderService.ListUserPools")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["__type"].as_str().unwrap().ends_with("InvalidParameterException"), "{body}");
    assert!(body["message"].as_str().unwrap().contains("maxResults"), "{body}");
}

#[tokio::test]
async fn tags_belong_to_the_pools_arn() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let pool = client
        .create_user_pool()
        .pool_name("tagged")
        .user_pool_tags("team", "blue")
        .user_pool_tags("area", "west")
        .send()
        .await
        .unwrap()
        .user_pool
        .unwrap();
    let (id, arn) = (pool.id.clone().unwrap(), pool.arn.clone().unwrap());
    let expected: BTreeMap<String, String> = [("area".into(), "west".into()), ("team".into(), "blue".into())].into();
    assert_eq!(pool.user_pool_tags.as_ref(), Some(&expected));
    assert_eq!(describe(&client, &id).await.user_pool_tags.as_ref(), Some(&expected));
    let tags = |client: Client, arn: String| async move {
        client.list_tags_for_resource().resource_arn(arn).send().await.unwrap().tags.unwrap_or_default()
    };
    assert_eq!(tags(client.clone(), arn.clone()).await, expected);

    client.tag_resource().resource_arn(&arn).tags("team", "red").tags("cost", "1").send().await.unwrap();
    client.untag_resource().resource_arn(&arn).tag_keys("area").tag_keys("absent").send().await.unwrap();
    let now: BTreeMap<String, String> = [("cost".into(), "1".into()), ("team".into(), "red".into())].into();
    assert_eq!(tags(client.clone(), arn.clone()).await, now);
    assert_eq!(describe(&client, &id).await.user_pool_tags.as_ref(), Some(&now));

    // UpdateUserPool's tags replace the pool's; left out, they stay.
    client.update_user_pool().user_pool_id(&id).user_pool_tags("only", "this").send().await.unwrap();
    let only: BTreeMap<String, String> = [("only".into(), "this".into())].into();
    assert_eq!(tags(client.clone(), arn.clone()).await, only);
    client.update_user_pool().user_pool_id(&id).send().await.unwrap();
    assert_eq!(tags(client.clone(), arn.clone()).await, only);

    let missing = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_nothere00";
    let not_found = no_pool("us-east-1_nothere00");
    assert_eq!(failure(client.list_tags_for_resource().resource_arn(missing).send().await), not_found);
    assert_eq!(failure(client.tag_resource().resource_arn(missing).tags("a", "b").send().await), not_found);
    assert_eq!(failure(client.untag_resource().resource_arn(missing).tag_keys("a").send().await), not_found);
    let elsewhere = arn.replace(":000000000000:", ":111111111111:");
    assert_eq!(failure(client.list_tags_for_resource().resource_arn(elsewhere).send().await), no_pool(&id));
    let other = "arn:aws:s3:us-east-1:000000000000:bucket";
    let (code, _) = failure(client.list_tags_for_resource().resource_arn(other).send().await);
    assert_eq!(code, "ResourceNotFoundException");

    client.delete_user_pool().user_pool_id(&id).send().await.unwrap();
    assert_eq!(failure(client.list_tags_for_resource().resource_arn(&arn).send().await), no_pool(&id));
}

#[tokio::test]
async fn pools_are_separate_and_unknown_pools_are_named() {
    let server = InProcessServer::start().await;
    let client = server.client();
    let ids: HashSet<String> = futures_util::future::join_all((0..8).map(|i| {
        let client = client.clone();
        async move { create_pool(&client, &format!("p{i}")).await }
    }))
    .await
    .into_iter()
    .collect();
    assert_eq!(ids.len(), 8);
    let unknown = "us-east-1_nothere00";
    assert_eq!(failure(client.describe_user_pool().user_pool_id(unknown).send().await), no_pool(unknown));
}
