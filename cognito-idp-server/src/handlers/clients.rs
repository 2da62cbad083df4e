//! App clients: create, describe, update, delete, list.
//!
//! A client is stored as its `UserPoolClientType` document, secret included. What AWS reports
//! for a client created with nothing but a name (real `create-user-pool-client` outputs quoted
//! in several public write-ups): `RefreshTokenValidity` 30, `TokenValidityUnits` `{}`,
//! `AllowedOAuthFlowsUserPoolClient` false, `EnableTokenRevocation` true,
//! `EnablePropagateAdditionalUserContextData` false, `AuthSessionValidity` 3; the access and ID
//! token validities and `ExplicitAuthFlows` only when given.

use cognito_idp::Empty;
use cognito_idp::types::*;

use crate::clock::timestamp;
use crate::domain::ids;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::RETRIES;
use crate::handlers::shared::{decode_token, encode_token, load_pool};
use crate::state::Cognito;
use crate::store::{ClientRecord, Store, StoreError};

/// The flows a client allows when it names none (AWS's `ExplicitAuthFlows` documentation).
pub const DEFAULT_AUTH_FLOWS: [&str; 3] = ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"];

/// The flow of `GetClientToken` (machine-to-machine tokens), which must be a client's only one.
pub const CLIENT_TOKEN_FLOW: &str = "ALLOW_CLIENT_TOKEN_AUTH";

/// The `ExplicitAuthFlows` values that predate the `ALLOW_` ones; the two kinds cannot be mixed.
const LEGACY_AUTH_FLOWS: [&str; 3] = ["ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"];

/// The flows `client` allows: its `ExplicitAuthFlows`, or AWS's defaults when it names none.
pub fn auth_flows(client: &UserPoolClientType) -> Vec<String> {
    match client.explicit_auth_flows.as_deref() {
        Some(flows) if !flows.is_empty() => flows.iter().map(|f| f.as_str().to_owned()).collect(),
        _ => DEFAULT_AUTH_FLOWS.iter().map(|f| (*f).to_owned()).collect(),
    }
}

/// A stored client's document.
pub use super::shared::decode_client as decode;

fn encode(doc: &UserPoolClientType) -> ApiResult<serde_json::Value> {
    serde_json::to_value(doc).map_err(|e| ApiError::internal(format!("encoding an app client: {e}")))
}

/// `CreateUserPoolClient`.
pub async fn create_user_pool_client<S: Store>(
    svc: &Cognito<S>,
    input: CreateUserPoolClientRequest,
) -> ApiResult<CreateUserPoolClientResponse> {
    create_user_pool_client_with_id(svc, input, None).await
}

/// `CreateUserPoolClient` with a chosen client id instead of a random one (the seed file's fixed
/// ids), with the same checks and defaults.
pub async fn create_user_pool_client_with_id<S: Store>(
    svc: &Cognito<S>,
    input: CreateUserPoolClientRequest,
    fixed_id: Option<String>,
) -> ApiResult<CreateUserPoolClientResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let secret = match (input.generate_secret, input.client_secret.clone()) {
        (_, Some(secret)) => Some(secret),
        (Some(true), None) => Some(ids::client_secret()),
        _ => None,
    };
    let settings = Settings {
        refresh_token_validity: input.refresh_token_validity,
        access_token_validity: input.access_token_validity,
        id_token_validity: input.id_token_validity,
        token_validity_units: input.token_validity_units,
        read_attributes: input.read_attributes,
        write_attributes: input.write_attributes,
        explicit_auth_flows: input.explicit_auth_flows,
        supported_identity_providers: input.supported_identity_providers,
        callback_ur_ls: input.callback_ur_ls,
        logout_ur_ls: input.logout_ur_ls,
        default_redirect_uri: input.default_redirect_uri,
        allowed_o_auth_flows: input.allowed_o_auth_flows,
        allowed_o_auth_scopes: input.allowed_o_auth_scopes,
        allowed_o_auth_flows_user_pool_client: input.allowed_o_auth_flows_user_pool_client,
        analytics_configuration: input.analytics_configuration,
        prevent_user_existence_errors: input.prevent_user_existence_errors,
        enable_token_revocation: input.enable_token_revocation,
        enable_propagate_additional_user_context_data: input.enable_propagate_additional_user_context_data,
        auth_session_validity: input.auth_session_validity,
        refresh_token_rotation: input.refresh_token_rotation,
    };
    let now = timestamp(svc.clock.now_ms());
    let base = UserPoolClientType {
        user_pool_id: Some(pool.id().to_owned()),
        client_name: Some(input.client_name),
        client_secret: secret,
        creation_date: Some(now),
        last_modified_date: Some(now),
        ..Default::default()
    };
    let scopes = custom_scopes_named(svc, pool.id(), settings.allowed_o_auth_scopes.as_deref()).await?;
    let mut doc = settings.apply(base, &pool.doc, "creating", &scopes)?;
    super::identity_providers::check_supported(svc, pool.id(), doc.supported_identity_providers.as_deref()).await?;
    // Ids are random: a clash (a constraint of the store) picks another.
    for _ in 0..RETRIES {
        let id = fixed_id.clone().unwrap_or_else(ids::client_id);
        doc.client_id = Some(id.clone());
        let record = ClientRecord { seq: 0, pool_id: pool.id().to_owned(), id, version: 0, doc: encode(&doc)? };
        match svc.store.insert_client(record).await {
            Ok(_) => return Ok(CreateUserPoolClientResponse { user_pool_client: Some(doc) }),
            Err(StoreError::Conflict) if fixed_id.is_none() => continue,
            Err(StoreError::Conflict) => return Err(ApiError::internal("the fixed app client id is taken")),
            Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(pool.id())),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::internal("no free app client id was found"))
}

/// `DescribeUserPoolClient`.
pub async fn describe_user_pool_client<S: Store>(
    svc: &Cognito<S>,
    input: DescribeUserPoolClientRequest,
) -> ApiResult<DescribeUserPoolClientResponse> {
    let record = get(svc, &input.user_pool_id, &input.client_id).await?;
    Ok(DescribeUserPoolClientResponse { user_pool_client: Some(decode(&record)?) })
}

/// `UpdateUserPoolClient`. As AWS documents, settings the request leaves out go back to their
/// defaults; the id, secret, pool, creation date and (when not given) name stay.
pub async fn update_user_pool_client<S: Store>(
    svc: &Cognito<S>,
    input: UpdateUserPoolClientRequest,
) -> ApiResult<UpdateUserPoolClientResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    for _ in 0..RETRIES {
        let record = get(svc, &input.user_pool_id, &input.client_id).await?;
        let old = decode(&record)?;
        let input = input.clone();
        let settings = Settings {
            refresh_token_validity: input.refresh_token_validity,
            access_token_validity: input.access_token_validity,
            id_token_validity: input.id_token_validity,
            token_validity_units: input.token_validity_units,
            read_attributes: input.read_attributes,
            write_attributes: input.write_attributes,
            explicit_auth_flows: input.explicit_auth_flows,
            supported_identity_providers: input.supported_identity_providers,
            callback_ur_ls: input.callback_ur_ls,
            logout_ur_ls: input.logout_ur_ls,
            default_redirect_uri: input.default_redirect_uri,
            allowed_o_auth_flows: input.allowed_o_auth_flows,
            allowed_o_auth_scopes: input.allowed_o_auth_scopes,
            allowed_o_auth_flows_user_pool_client: input.allowed_o_auth_flows_user_pool_client,
            analytics_configuration: input.analytics_configuration,
            prevent_user_existence_errors: input.prevent_user_existence_errors,
            enable_token_revocation: input.enable_token_revocation,
            enable_propagate_additional_user_context_data: input.enable_propagate_additional_user_context_data,
            auth_session_validity: input.auth_session_validity,
            refresh_token_rotation: input.refresh_token_rotation,
        };
        let base = UserPoolClientType {
            user_pool_id: old.user_pool_id,
            client_name: input.client_name.or(old.client_name),
            client_id: old.client_id,
            client_secret: old.client_secret,
            client_secret_arn: old.client_secret_arn,
            creation_date: old.creation_date,
            last_modified_date: Some(timestamp(svc.clock.now_ms())),
            client_type: old.client_type,
            ..Default::default()
        };
        let scopes = custom_scopes_named(svc, pool.id(), settings.allowed_o_auth_scopes.as_deref()).await?;
        let doc = settings.apply(base, &pool.doc, "updating", &scopes)?;
        super::identity_providers::check_supported(svc, pool.id(), doc.supported_identity_providers.as_deref()).await?;
        match svc.store.update_client(ClientRecord { doc: encode(&doc)?, ..record }).await {
            Ok(_) => return Ok(UpdateUserPoolClientResponse { user_pool_client: Some(doc) }),
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(not_found(svc, &input.user_pool_id, &input.client_id).await),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::internal("the app client kept changing; try again"))
}

/// `DeleteUserPoolClient`.
pub async fn delete_user_pool_client<S: Store>(
    svc: &Cognito<S>,
    input: DeleteUserPoolClientRequest,
) -> ApiResult<Empty> {
    match svc.store.delete_client(&input.user_pool_id, &input.client_id).await {
        Ok(()) => {
            super::client_secrets::forget(svc, &input.user_pool_id, &input.client_id).await;
            // The client's branding and terms go with it.
            super::ui_customization::forget(svc, &input.user_pool_id, &input.client_id).await;
            super::managed_login_branding::forget(svc, &input.user_pool_id, &input.client_id).await;
            super::terms::forget(svc, &input.user_pool_id, &input.client_id).await;
            super::sessions::config::forget(svc, &input.user_pool_id, &input.client_id).await;
            super::risk::config::forget(svc, &input.user_pool_id, &input.client_id).await;
            Ok(Empty::default())
        }
        Err(StoreError::NotFound) => Err(not_found(svc, &input.user_pool_id, &input.client_id).await),
        Err(e) => Err(e.into()),
    }
}

/// `ListUserPoolClients`: in creation order, `MaxResults` (default 60) at a time.
pub async fn list_user_pool_clients<S: Store>(
    svc: &Cognito<S>,
    input: ListUserPoolClientsRequest,
) -> ApiResult<ListUserPoolClientsResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let after = decode_token(input.next_token.as_deref())?;
    let limit = input.max_results.unwrap_or(60).clamp(1, 60) as usize;
    let page = svc.store.list_clients(pool.id(), after, limit).await?;
    let mut clients = Vec::with_capacity(page.items.len());
    for record in &page.items {
        let doc = decode(record)?;
        clients.push(UserPoolClientDescription {
            client_id: doc.client_id,
            user_pool_id: doc.user_pool_id,
            client_name: doc.client_name,
        });
    }
    Ok(ListUserPoolClientsResponse { user_pool_clients: Some(clients), next_token: page.next.map(encode_token) })
}

/// The client `client_id` of `pool_id`, or the right `ResourceNotFoundException`.
async fn get<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiResult<ClientRecord> {
    match svc.store.get_client(pool_id, client_id).await {
        Ok(record) => Ok(record),
        Err(StoreError::NotFound) => Err(not_found(svc, pool_id, client_id).await),
        Err(e) => Err(e.into()),
    }
}

/// What is missing: the pool, or the client in it.
async fn not_found<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiError {
    match load_pool(svc, pool_id).await {
        Ok(_) => ApiError::client_not_found(client_id),
        Err(e) => e,
    }
}

/// The settings `CreateUserPoolClient` and `UpdateUserPoolClient` share.
struct Settings {
    refresh_token_validity: Option<i32>,
    access_token_validity: Option<i32>,
    id_token_validity: Option<i32>,
    token_validity_units: Option<TokenValidityUnitsType>,
    read_attributes: Option<Vec<String>>,
    write_attributes: Option<Vec<String>>,
    explicit_auth_flows: Option<Vec<ExplicitAuthFlowsType>>,
    supported_identity_providers: Option<Vec<String>>,
    callback_ur_ls: Option<Vec<String>>,
    logout_ur_ls: Option<Vec<String>>,
    default_redirect_uri: Option<String>,
    allowed_o_auth_flows: Option<Vec<OAuthFlowType>>,
    allowed_o_auth_scopes: Option<Vec<String>>,
    allowed_o_auth_flows_user_pool_client: Option<bool>,
    analytics_configuration: Option<AnalyticsConfigurationType>,
    prevent_user_existence_errors: Option<PreventUserExistenceErrorTypes>,
    enable_token_revocation: Option<bool>,
    enable_propagate_additional_user_context_data: Option<bool>,
    auth_session_validity: Option<i32>,
    refresh_token_rotation: Option<RefreshTokenRotationType>,
}

impl Settings {
    /// Checks the settings against AWS's rules and `pool`'s attributes, and writes them (or
    /// their defaults) into `doc`. `verb` (`creating`, `updating`) words the errors as AWS does.
    /// `custom_scopes` are the pool's custom scopes (`identifier/scope`), read only when the
    /// request names one.
    fn apply(
        self,
        mut doc: UserPoolClientType,
        pool: &UserPoolType,
        verb: &str,
        custom_scopes: &[String],
    ) -> ApiResult<UserPoolClientType> {
        check_flows(self.explicit_auth_flows.as_deref())?;
        let has_secret = doc.client_secret.as_deref().is_some_and(|s| !s.is_empty());
        oauth::check(&self, has_secret, custom_scopes)?;
        let units = self.token_validity_units.clone().unwrap_or_default();
        // 0 is what some SDKs send for "not set": the default applies.
        let refresh = self.refresh_token_validity.filter(|v| *v != 0).unwrap_or(30);
        let refresh_seconds = check_validity(refresh, units.refresh_token.as_ref(), "days", 3600, 10 * 365 * 86_400)?;
        // Access and ID tokens cannot outlive the refresh token (AWS's console and the
        // CloudFormation documentation of the validities say so).
        if let Some(access) = self.access_token_validity {
            check_validity(access, units.access_token.as_ref(), "hours", 300, 86_400.min(refresh_seconds))?;
        }
        if let Some(id) = self.id_token_validity {
            check_validity(id, units.id_token.as_ref(), "hours", 300, 86_400.min(refresh_seconds))?;
        }
        check_attributes(pool, self.read_attributes.as_deref(), self.write_attributes.as_deref(), verb)?;
        doc.refresh_token_validity = Some(refresh);
        doc.access_token_validity = self.access_token_validity;
        doc.id_token_validity = self.id_token_validity;
        doc.token_validity_units = Some(units);
        doc.read_attributes = self.read_attributes;
        doc.write_attributes = self.write_attributes;
        doc.explicit_auth_flows = self.explicit_auth_flows.filter(|f| !f.is_empty());
        doc.supported_identity_providers = self.supported_identity_providers;
        doc.callback_ur_ls = self.callback_ur_ls;
        doc.logout_ur_ls = self.logout_ur_ls;
        doc.default_redirect_uri = self.default_redirect_uri;
        doc.allowed_o_auth_flows = self.allowed_o_auth_flows;
        doc.allowed_o_auth_scopes = self.allowed_o_auth_scopes;
        doc.allowed_o_auth_flows_user_pool_client = Some(self.allowed_o_auth_flows_user_pool_client.unwrap_or(false));
        doc.analytics_configuration = self.analytics_configuration;
        doc.prevent_user_existence_errors = self.prevent_user_existence_errors;
        doc.enable_token_revocation = Some(self.enable_token_revocation.unwrap_or(true));
        doc.enable_propagate_additional_user_context_data =
            Some(self.enable_propagate_additional_user_context_data.unwrap_or(false));
        doc.auth_session_validity = Some(self.auth_session_validity.unwrap_or(3));
        doc.refresh_token_rotation = self.refresh_token_rotation;
        Ok(doc)
    }
}

/// The pool's custom scopes, read only when `requested` names one (a scope with a `/`).
async fn custom_scopes_named<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    requested: Option<&[String]>,
) -> ApiResult<Vec<String>> {
    if requested.unwrap_or_default().iter().any(|s| s.contains('/')) {
        super::resource_servers::custom_scopes(svc, pool_id).await
    } else {
        Ok(Vec::new())
    }
}

/// The OAuth 2.0 settings of a client, as AWS checks them.
mod oauth {
    use cognito_idp::ErrorCode;

    use super::Settings;
    use crate::errors::{ApiError, ApiResult};

    /// The scopes every pool has (AWS's `AllowedOAuthScopes` documentation).
    pub const STANDARD_SCOPES: [&str; 5] = ["phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"];

    fn invalid_flow(message: String) -> ApiError {
        ApiError::new(ErrorCode::InvalidOAuthFlowException, message)
    }

    pub fn check(settings: &Settings, has_secret: bool, custom_scopes: &[String]) -> ApiResult<()> {
        let flows: Vec<&str> = settings.allowed_o_auth_flows.iter().flatten().map(|f| f.as_str()).collect();
        let scopes = settings.allowed_o_auth_scopes.as_deref().unwrap_or_default();
        if flows.contains(&"client_credentials") {
            // AWS's answers, quoted word for word in public Terraform and CLI notes (for
            // example `aws cognito-idp update-user-pool-client --allowed-o-auth-flows
            // client_credentials code implicit`).
            if flows.iter().any(|f| *f == "code" || *f == "implicit") {
                return Err(invalid_flow(
                    "client_credentials flow can not be selected along with code flow or implicit flow.".into(),
                ));
            }
            if !has_secret {
                return Err(invalid_flow(
                    "client_credentials flow can not be selected if client does not have a client secret.".into(),
                ));
            }
            // "openid is not supported with client_credentials flow", the same source; the
            // other user scopes are refused alike (machine tokens have no user).
            if let Some(scope) = scopes.iter().find(|s| STANDARD_SCOPES.contains(&s.as_str())) {
                return Err(invalid_flow(format!("{scope} is not supported with client_credentials flow")));
            }
        }
        for scope in scopes {
            if !STANDARD_SCOPES.contains(&scope.as_str()) && !custom_scopes.iter().any(|c| c == scope) {
                // The code is AWS's (the model lists it for this case); the wording is ours.
                return Err(ApiError::new(
                    ErrorCode::ScopeDoesNotExistException,
                    format!("Invalid scope requested: {scope}"),
                ));
            }
        }
        let callbacks = settings.callback_ur_ls.as_deref().unwrap_or_default();
        for url in callbacks.iter().chain(settings.logout_ur_ls.iter().flatten()) {
            check_url(url)?;
        }
        if let Some(default) = settings.default_redirect_uri.as_deref() {
            check_url(default)?;
            if !callbacks.iter().any(|c| c == default) {
                // AWS's documentation: the default "must be in the CallbackURLs list"; wording ours.
                return Err(ApiError::invalid_parameter("DefaultRedirectURI must be one of the CallbackURLs."));
            }
        }
        Ok(())
    }

    /// A redirect URL as AWS's documentation of `CallbackURLs` states it: an absolute URI, no
    /// fragment, HTTPS except `http://localhost` (any other scheme is an app's own, e.g.
    /// `myapp://`). The wording of the refusal is ours.
    fn check_url(url: &str) -> ApiResult<()> {
        let invalid = || ApiError::invalid_parameter(format!("Invalid redirect URL: {url}"));
        let Some((scheme, rest)) = url.split_once("://") else { return Err(invalid()) };
        if url.contains('#') || rest.is_empty() || scheme.is_empty() {
            return Err(invalid());
        }
        if scheme.eq_ignore_ascii_case("http") {
            let host = rest.split(['/', '?']).next().unwrap_or_default();
            let host = host
                .rsplit_once(':')
                .map_or(host, |(h, port)| if port.bytes().all(|b| b.is_ascii_digit()) { h } else { host });
            if !host.eq_ignore_ascii_case("localhost") {
                return Err(invalid());
            }
        }
        Ok(())
    }
}

/// Legacy flow names and `ALLOW_` ones cannot be given together (AWS's `ExplicitAuthFlows`
/// documentation; the message is worded from it, AWS's own text is not on record).
fn check_flows(flows: Option<&[ExplicitAuthFlowsType]>) -> ApiResult<()> {
    let flows = flows.unwrap_or_default();
    let legacy = flows.iter().any(|f| LEGACY_AUTH_FLOWS.contains(&f.as_str()));
    let allow = flows.iter().any(|f| f.as_str().starts_with("ALLOW_"));
    if legacy && allow {
        return Err(ApiError::invalid_parameter(
            "You can't assign legacy ExplicitAuthFlows values to user pool clients at the same time as values that begin with ALLOW_.",
        ));
    }
    // AWS's reference of GetClientToken: "The ALLOW_CLIENT_TOKEN_AUTH flow is mutually exclusive
    // with user authentication flows. It must be the only authentication flow that you configure
    // for the app client." (The wording of the refusal is ours.)
    if flows.len() > 1 && flows.iter().any(|f| f.as_str() == CLIENT_TOKEN_FLOW) {
        return Err(ApiError::invalid_parameter(
            "ALLOW_CLIENT_TOKEN_AUTH must be the only authentication flow of an app client.",
        ));
    }
    Ok(())
}

/// A token validity in `unit` (or `default_unit`), in seconds, which must fall within `min..=max`: access
/// and ID tokens 5 minutes to 1 day, refresh tokens 60 minutes to 10 years. AWS's refusal is
/// "Invalid range for token validity." (quoted in aws-samples/cloudfront-authorization-at-edge
/// issue 144 and awsdocs/aws-cloudformation-user-guide pull request 828).
fn check_validity(value: i32, unit: Option<&TimeUnitsType>, default_unit: &str, min: i64, max: i64) -> ApiResult<i64> {
    let seconds = match unit.map(|u| u.as_str()).unwrap_or(default_unit) {
        "seconds" => 1,
        "minutes" => 60,
        "hours" => 3600,
        _ => 86_400,
    } * i64::from(value);
    if seconds < min || seconds > max {
        return Err(ApiError::invalid_parameter("Invalid range for token validity."));
    }
    Ok(seconds)
}

/// Read and write attributes must be attributes of the pool; clients cannot write `sub`, the
/// `_verified` flags or developer-only attributes, and a client given write attributes must be
/// able to write every required attribute. AWS refuses with "Invalid read/write attributes
/// specified while creating/updating a client" (quoted in aws-cdk issue 34379 and
/// serverless-cognito-add-custom-attributes issue 4, among others).
fn check_attributes(
    pool: &UserPoolType,
    read: Option<&[String]>,
    write: Option<&[String]>,
    verb: &str,
) -> ApiResult<()> {
    let schema = pool.schema_attributes.as_deref().unwrap_or_default();
    let known = |name: &str| schema.iter().any(|a| a.name.as_deref() == Some(name));
    if read.unwrap_or_default().iter().any(|a| !known(a)) {
        return Err(ApiError::invalid_parameter(format!("Invalid read attributes specified while {verb} a client")));
    }
    let Some(write) = write else { return Ok(()) };
    let writable = |name: &str| {
        known(name)
            && !matches!(name, "sub" | "email_verified" | "phone_number_verified" | "identities")
            && !name.starts_with("dev:")
    };
    let required_missing = schema.iter().any(|a| {
        a.required == Some(true) && a.name.as_deref().is_some_and(|n| n != "sub" && !write.iter().any(|w| w == n))
    });
    if write.iter().any(|a| !writable(a)) || required_missing {
        return Err(ApiError::invalid_parameter(format!("Invalid write attributes specified while {verb} a client")));
    }
    Ok(())
}
