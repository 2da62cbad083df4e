//! Managed login branding styles: `CreateManagedLoginBranding`, `DescribeManagedLoginBranding`,
//! `DescribeManagedLoginBrandingByClient`, `UpdateManagedLoginBranding`,
//! `DeleteManagedLoginBranding`, and the style the managed login pages render
//! ([`branding_for_client`]).
//!
//! A style is a pool-owned resource (`store::resources`) keyed by its id. It belongs to one app
//! client, which holds it as a per-pool unique name, so a second style for a client (even from
//! racing instances) is `ManagedLoginBrandingExistsException`; deleting the client deletes its
//! style ("Each style is linked to an app client until you delete it."). What AWS does, and
//! where it says so:
//!
//! * `UseCognitoProvidedValues` means AWS's default settings; with it, `Settings` must be left
//!   out ("When you specify true for this option, you must also omit values for Settings"), but
//!   `Assets` may be given: hashicorp/terraform-provider-aws's acceptance tests create styles
//!   with `use_cognito_provided_values = true` and assets, and read the assets back.
//! * An update "preserves existing style settings that you don't specify": its `Settings` are
//!   merged into the stored ones, and an asset replaces the stored asset of the same category
//!   and color mode, others being added (terraform-provider-aws, `managed_login_branding.go`:
//!   "if the (category, color) pair differs from existing ones, the API treats the asset as new
//!   and adds it"). `UseCognitoProvidedValues` true reverts the settings to the defaults, and
//!   the style then has no settings of its own (its acceptance tests read none back).
//! * `ReturnMergedResources` true answers the customized settings over the defaults; false (or
//!   absent) only what was customized. AWS does not publish its full default document; the
//!   defaults here ([`default_settings`]) are the values of the AWS CLI's example of a whole
//!   style for the parts the pages use.
//! * A client without a style answers `ResourceNotFoundException` from
//!   `DescribeManagedLoginBrandingByClient` (terraform-provider-aws treats it as "not found").
//! * The style type has no `ClientId`; the stored document keeps it beside the API's type.

use cognito_idp::types::*;
use cognito_idp::{Empty, ErrorCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::clock::timestamp;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::load_pool;
use crate::state::Cognito;
use crate::store::resources::{self, Resource};
use crate::store::{Store, StoreError, UniqueName};

/// The per-pool unique name that ties a style to its app client.
const CLIENT_NAME: &str = "managed_login_branding_client";

/// A style as stored: the API's type and the app client it belongs to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Branding {
    /// The app client.
    pub client_id: String,
    /// The style, with only the customized settings.
    pub branding: ManagedLoginBrandingType,
}

impl Branding {
    fn id(&self) -> &str {
        self.branding.managed_login_branding_id.as_deref().unwrap_or_default()
    }
}

impl Resource for Branding {
    const KIND: &'static str = "managed_login_branding";

    fn key(&self) -> String {
        self.id().to_owned()
    }

    fn unique_names(&self) -> Vec<UniqueName> {
        vec![UniqueName::in_pool(CLIENT_NAME, &self.client_id)]
    }
}

/// AWS's default settings for the parts the managed login pages use (the values of the AWS
/// CLI's `update-managed-login-branding` example, which are those of a new style).
pub fn default_settings() -> Value {
    json!({
        "categories": {
            "auth": {
                "authMethodOrder": [[
                    { "display": "BUTTON", "type": "FEDERATED" },
                    { "display": "INPUT", "type": "USERNAME_PASSWORD" }
                ]],
                "federation": { "interfaceStyle": "BUTTON_LIST", "order": [] }
            },
            "form": {
                "displayGraphics": true,
                "instructions": { "enabled": false },
                "languageSelector": { "enabled": false },
                "location": { "horizontal": "CENTER", "vertical": "CENTER" },
                "sessionTimerDisplay": "NONE"
            },
            "global": {
                "colorSchemeMode": "LIGHT",
                "pageFooter": { "enabled": false },
                "pageHeader": { "enabled": false },
                "spacingDensity": "REGULAR"
            },
            "signUp": { "acceptanceElements": [{ "enforcement": "NONE", "textKey": "en" }] }
        },
        "componentClasses": {
            "buttons": { "borderRadius": 8.0 },
            "focusState": {
                "lightMode": { "borderColor": "0972d3ff" },
                "darkMode": { "borderColor": "539fe5ff" }
            },
            "input": {
                "borderRadius": 8.0,
                "lightMode": {
                    "defaults": { "backgroundColor": "ffffffff", "borderColor": "7d8998ff" },
                    "placeholderColor": "5f6b7aff"
                },
                "darkMode": {
                    "defaults": { "backgroundColor": "0f1b2aff", "borderColor": "5f6b7aff" },
                    "placeholderColor": "8d99a8ff"
                }
            },
            "inputLabel": {
                "lightMode": { "textColor": "000716ff" },
                "darkMode": { "textColor": "d1d5dbff" }
            },
            "link": {
                "lightMode": { "defaults": { "textColor": "0972d3ff" }, "hover": { "textColor": "033160ff" } },
                "darkMode": { "defaults": { "textColor": "539fe5ff" }, "hover": { "textColor": "89bdeeff" } }
            }
        },
        "components": {
            "favicon": { "enabledTypes": ["ICO", "SVG"] },
            "form": {
                "backgroundImage": { "enabled": false },
                "borderRadius": 8.0,
                "lightMode": { "backgroundColor": "ffffffff", "borderColor": "c6c6cdff" },
                "darkMode": { "backgroundColor": "0f1b2aff", "borderColor": "424650ff" },
                "logo": { "enabled": false, "formInclusion": "IN", "location": "CENTER", "position": "TOP" }
            },
            "pageBackground": {
                "image": { "enabled": true },
                "lightMode": { "color": "ffffffff" },
                "darkMode": { "color": "0f1b2aff" }
            },
            "pageText": {
                "lightMode": { "bodyColor": "414d5cff", "descriptionColor": "414d5cff", "headingColor": "000716ff" },
                "darkMode": { "bodyColor": "b6bec9ff", "descriptionColor": "b6bec9ff", "headingColor": "d1d5dbff" }
            },
            "primaryButton": {
                "lightMode": {
                    "defaults": { "backgroundColor": "0972d3ff", "textColor": "ffffffff" },
                    "hover": { "backgroundColor": "033160ff", "textColor": "ffffffff" },
                    "active": { "backgroundColor": "033160ff", "textColor": "ffffffff" }
                },
                "darkMode": {
                    "defaults": { "backgroundColor": "539fe5ff", "textColor": "000716ff" },
                    "hover": { "backgroundColor": "89bdeeff", "textColor": "000716ff" },
                    "active": { "backgroundColor": "539fe5ff", "textColor": "000716ff" }
                }
            },
            "pageHeader": {
                "backgroundImage": { "enabled": false },
                "logo": { "enabled": false, "location": "START" },
                "lightMode": { "background": { "color": "fafafaff" }, "borderColor": "d5dbdbff" },
                "darkMode": { "background": { "color": "0f141aff" }, "borderColor": "424650ff" }
            },
            "pageFooter": {
                "backgroundImage": { "enabled": false },
                "logo": { "enabled": false, "location": "START" },
                "lightMode": { "background": { "color": "fafafaff" }, "borderColor": "d5dbdbff" },
                "darkMode": { "background": { "color": "0f141aff" }, "borderColor": "424650ff" }
            },
            "phoneNumberSelector": { "displayType": "TEXT" }
        }
    })
}

/// `into` with `over` laid on it: objects merge member by member, anything else is replaced.
pub fn merge(into: &mut Value, over: &Value) {
    match (into, over) {
        (Value::Object(base), Value::Object(top)) => {
            for (key, value) in top {
                match base.get_mut(key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (slot, value) => *slot = value.clone(),
    }
}

/// The style as `ReturnMergedResources` true shows it: its settings over the defaults.
fn merged(mut branding: ManagedLoginBrandingType) -> ManagedLoginBrandingType {
    let mut settings = default_settings();
    if let Some(own) = &branding.settings {
        merge(&mut settings, own);
    }
    branding.settings = Some(settings);
    branding
}

/// `InvalidParameterException` with `message`.
fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::invalid_parameter(message)
}

/// `ResourceNotFoundException` for a style id the pool does not have. (Wording ours.)
fn not_found(id: &str) -> ApiError {
    ApiError::resource_not_found(format!("Managed login branding {id} does not exist."))
}

/// `ConcurrentModificationException`: the style kept changing under a write.
fn busy() -> ApiError {
    ApiError::new(ErrorCode::ConcurrentModificationException, "The managed login branding was modified concurrently.")
}

/// `Settings`, if given: a JSON object (a `null` counts as not given). (Wording ours.)
fn check_settings(settings: Option<Value>, use_defaults: bool) -> ApiResult<Option<Value>> {
    let settings = settings.filter(|s| !s.is_null());
    match &settings {
        Some(_) if use_defaults => Err(invalid("Settings cannot be provided when UseCognitoProvidedValues is true.")),
        Some(Value::Object(_)) | None => Ok(settings),
        Some(_) => Err(invalid("Settings must be a JSON object.")),
    }
}

/// Checks assets: one per category and color mode, each favicon of its own type, and bytes for
/// every asset that does not replace one already stored (`stored`). (Wording ours.)
fn check_assets(assets: &[AssetType], stored: &[AssetType]) -> ApiResult<()> {
    let mut seen = std::collections::BTreeSet::new();
    for asset in assets {
        let (category, mode) = (asset.category.as_str(), asset.color_mode.as_str());
        if !seen.insert((category, mode)) {
            return Err(invalid(format!("Duplicate asset for category {category} and color mode {mode}.")));
        }
        let extension = asset.extension.as_str();
        let required = match asset.category {
            AssetCategoryType::FaviconIco => Some("ICO"),
            AssetCategoryType::FaviconSvg => Some("SVG"),
            _ => None,
        };
        if let Some(required) = required
            && extension != required
        {
            return Err(invalid(format!("An asset of category {category} must have the extension {required}.")));
        }
        let replaces = stored.iter().any(|s| s.category == asset.category && s.color_mode == asset.color_mode);
        if asset.bytes.as_ref().is_none_or(|b| b.is_empty()) && !replaces {
            return Err(invalid(format!("The asset of category {category} and color mode {mode} has no Bytes.")));
        }
    }
    Ok(())
}

/// `stored` with `given` laid on it: same category and color mode replaced (keeping the stored
/// bytes when the new one has none), others added.
fn merge_assets(stored: &mut Vec<AssetType>, given: Vec<AssetType>) {
    for mut asset in given {
        match stored.iter_mut().find(|s| s.category == asset.category && s.color_mode == asset.color_mode) {
            Some(slot) => {
                if asset.bytes.as_ref().is_none_or(|b| b.is_empty()) {
                    asset.bytes = slot.bytes.take();
                }
                *slot = asset;
            }
            None => stored.push(asset),
        }
    }
}

/// `ResourceNotFoundException` unless the app client exists in the pool.
async fn check_client<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiResult<()> {
    match svc.store.get_client(pool_id, client_id).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound) => Err(ApiError::client_not_found(client_id)),
        Err(e) => Err(e.into()),
    }
}

/// The style with `id`, unless it or its client is gone.
async fn load<S: Store>(svc: &Cognito<S>, pool_id: &str, id: &str) -> ApiResult<Branding> {
    let stored = match resources::get::<S, Branding>(&svc.store, pool_id, id).await {
        Ok(stored) => stored.value,
        Err(StoreError::NotFound) => return Err(not_found(id)),
        Err(e) => return Err(e.into()),
    };
    // A style outlives its client only if the client's deletion could not delete it.
    match svc.store.get_client(pool_id, &stored.client_id).await {
        Ok(_) => Ok(stored),
        Err(StoreError::NotFound) => Err(not_found(id)),
        Err(e) => Err(e.into()),
    }
}

/// The client's style, if it has one.
async fn of_client<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiResult<Option<Branding>> {
    let name = UniqueName::in_pool(CLIENT_NAME, client_id);
    match resources::find::<S, Branding>(&svc.store, &name, pool_id).await {
        Ok(stored) => Ok(Some(stored.value)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The answer of a describe: merged with the defaults when asked.
fn shown(branding: ManagedLoginBrandingType, merge: Option<bool>) -> ManagedLoginBrandingType {
    if merge == Some(true) { merged(branding) } else { branding }
}

/// `CreateManagedLoginBranding`.
pub async fn create_managed_login_branding<S: Store>(
    svc: &Cognito<S>,
    input: CreateManagedLoginBrandingRequest,
) -> ApiResult<CreateManagedLoginBrandingResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    check_client(svc, pool.id(), &input.client_id).await?;
    let use_defaults = input.use_cognito_provided_values == Some(true);
    let settings = check_settings(input.settings, use_defaults)?;
    let assets = input.assets.unwrap_or_default();
    check_assets(&assets, &[])?;
    let now = timestamp(svc.clock.now_ms());
    let branding = Branding {
        client_id: input.client_id.clone(),
        branding: ManagedLoginBrandingType {
            managed_login_branding_id: Some(uuid::Uuid::new_v4().to_string()),
            user_pool_id: Some(pool.id().to_owned()),
            use_cognito_provided_values: Some(use_defaults),
            settings,
            assets: Some(assets),
            creation_date: Some(now),
            last_modified_date: Some(now),
        },
    };
    match resources::create(&svc.store, pool.id(), branding).await {
        Ok(stored) => Ok(CreateManagedLoginBrandingResponse { managed_login_branding: Some(stored.value.branding) }),
        // The wording is ours; the code is the one AWS documents for a client with a style.
        Err(StoreError::NameTaken(_) | StoreError::ResourceExists) => Err(ApiError::new(
            ErrorCode::ManagedLoginBrandingExistsException,
            format!("App client {} already has a managed login branding style.", input.client_id),
        )),
        Err(StoreError::NotFound) => Err(ApiError::pool_not_found(pool.id())),
        Err(e) => Err(e.into()),
    }
}

/// `DescribeManagedLoginBranding`.
pub async fn describe_managed_login_branding<S: Store>(
    svc: &Cognito<S>,
    input: DescribeManagedLoginBrandingRequest,
) -> ApiResult<DescribeManagedLoginBrandingResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let branding = load(svc, pool.id(), &input.managed_login_branding_id).await?;
    Ok(DescribeManagedLoginBrandingResponse {
        managed_login_branding: Some(shown(branding.branding, input.return_merged_resources)),
    })
}

/// `DescribeManagedLoginBrandingByClient`.
pub async fn describe_managed_login_branding_by_client<S: Store>(
    svc: &Cognito<S>,
    input: DescribeManagedLoginBrandingByClientRequest,
) -> ApiResult<DescribeManagedLoginBrandingByClientResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    check_client(svc, pool.id(), &input.client_id).await?;
    match of_client(svc, pool.id(), &input.client_id).await? {
        Some(branding) => Ok(DescribeManagedLoginBrandingByClientResponse {
            managed_login_branding: Some(shown(branding.branding, input.return_merged_resources)),
        }),
        // The wording is ours: no AWS answer was found quoted.
        None => Err(ApiError::resource_not_found(format!(
            "App client {} has no managed login branding style.",
            input.client_id
        ))),
    }
}

/// `UpdateManagedLoginBranding`: settings merged into the stored ones, assets laid over them,
/// or, with `UseCognitoProvidedValues`, the default settings again. Both ids are optional in
/// the model, but nothing can be updated without them.
pub async fn update_managed_login_branding<S: Store>(
    svc: &Cognito<S>,
    input: UpdateManagedLoginBrandingRequest,
) -> ApiResult<UpdateManagedLoginBrandingResponse> {
    let Some(pool_id) = input.user_pool_id.as_deref() else {
        return Err(invalid("UserPoolId is required."));
    };
    let Some(id) = input.managed_login_branding_id.as_deref() else {
        return Err(invalid("ManagedLoginBrandingId is required."));
    };
    let pool = load_pool(svc, pool_id).await?;
    let current = load(svc, pool.id(), id).await?;
    let use_defaults = input.use_cognito_provided_values == Some(true);
    let settings = check_settings(input.settings, use_defaults)?;
    let assets = input.assets.unwrap_or_default();
    check_assets(&assets, current.branding.assets.as_deref().unwrap_or_default())?;
    let now = timestamp(svc.clock.now_ms());
    let changed = resources::modify(&svc.store, pool.id(), id, |stored: &mut Branding| {
        let branding = &mut stored.branding;
        if use_defaults {
            branding.use_cognito_provided_values = Some(true);
            branding.settings = None;
        } else if let Some(settings) = &settings {
            let mut own = branding.settings.take().unwrap_or_else(|| json!({}));
            merge(&mut own, settings);
            branding.settings = Some(own);
            branding.use_cognito_provided_values = Some(false);
        } else if input.use_cognito_provided_values == Some(false) {
            branding.use_cognito_provided_values = Some(false);
        }
        let mut stored_assets = branding.assets.take().unwrap_or_default();
        merge_assets(&mut stored_assets, assets.clone());
        branding.assets = Some(stored_assets);
        branding.last_modified_date = Some(now);
        Ok::<(), StoreError>(())
    })
    .await;
    match changed {
        Ok(stored) => Ok(UpdateManagedLoginBrandingResponse { managed_login_branding: Some(stored.value.branding) }),
        Err(StoreError::NotFound) => Err(not_found(id)),
        Err(StoreError::Conflict) => Err(busy()),
        Err(e) => Err(e.into()),
    }
}

/// `DeleteManagedLoginBranding`.
pub async fn delete_managed_login_branding<S: Store>(
    svc: &Cognito<S>,
    input: DeleteManagedLoginBrandingRequest,
) -> ApiResult<Empty> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let id = &input.managed_login_branding_id;
    match resources::delete::<S, Branding>(&svc.store, pool.id(), id).await {
        Ok(()) => Ok(Empty::default()),
        Err(StoreError::NotFound) => Err(not_found(id)),
        Err(e) => Err(e.into()),
    }
}

/// The style the managed login pages of `client_id` render: its settings over AWS's defaults
/// (as `ReturnMergedResources` shows them), and its assets; `None` when the client has none
/// (AWS's pages are then "nonfunctional until you create a new style").
pub async fn branding_for_client<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    client_id: &str,
) -> ApiResult<Option<ManagedLoginBrandingType>> {
    Ok(of_client(svc, pool_id, client_id).await?.map(|b| merged(b.branding)))
}

/// Deletes a deleted client's style (best effort: describing it also checks its client).
pub async fn forget<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) {
    let result = match of_client(svc, pool_id, client_id).await {
        Ok(Some(branding)) => resources::delete::<S, Branding>(&svc.store, pool_id, branding.id()).await,
        Ok(None) => Ok(()),
        Err(e) => {
            tracing::warn!(error = %e, "finding a deleted client's managed login branding failed");
            return;
        }
    };
    match result {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => tracing::warn!(error = %e, "deleting a deleted client's managed login branding failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(category: &str, mode: &str, extension: &str, bytes: &[u8]) -> AssetType {
        AssetType {
            category: category.into(),
            color_mode: mode.into(),
            extension: extension.into(),
            bytes: (!bytes.is_empty()).then(|| bytes.into()),
            resource_id: None,
        }
    }

    #[test]
    fn settings_merge_member_by_member() {
        let mut base = json!({ "a": { "b": 1, "c": [1, 2] }, "d": "x" });
        merge(&mut base, &json!({ "a": { "c": [3], "e": true }, "f": null }));
        assert_eq!(base, json!({ "a": { "b": 1, "c": [3], "e": true }, "d": "x", "f": null }));
        let all = merged(ManagedLoginBrandingType {
            settings: Some(json!({ "categories": { "global": { "colorSchemeMode": "DARK" } } })),
            ..Default::default()
        });
        let settings = all.settings.unwrap();
        assert_eq!(settings["categories"]["global"]["colorSchemeMode"], "DARK");
        assert_eq!(settings["categories"]["global"]["spacingDensity"], "REGULAR");
    }

    #[test]
    fn assets_are_one_per_category_and_mode() {
        let svg = asset("FAVICON_SVG", "LIGHT", "SVG", b"<svg/>");
        assert!(check_assets(std::slice::from_ref(&svg), &[]).is_ok());
        assert!(check_assets(&[svg.clone(), svg.clone()], &[]).is_err());
        assert!(check_assets(&[asset("FAVICON_ICO", "LIGHT", "PNG", b"x")], &[]).is_err());
        let bare = asset("FAVICON_SVG", "LIGHT", "SVG", b"");
        assert!(check_assets(std::slice::from_ref(&bare), &[]).is_err());
        assert!(check_assets(std::slice::from_ref(&bare), std::slice::from_ref(&svg)).is_ok());

        let mut stored = vec![svg.clone(), asset("FORM_LOGO", "DARK", "PNG", b"p")];
        merge_assets(&mut stored, vec![bare, asset("FORM_LOGO", "LIGHT", "PNG", b"q")]);
        assert_eq!(stored.len(), 3);
        assert_eq!(stored[0].bytes, svg.bytes, "no bytes: the stored ones stay");
    }
}
