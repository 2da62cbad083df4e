//! Classic hosted UI branding: `SetUICustomization`, `GetUICustomization`, and the branding the
//! classic login pages render ([`effective_ui_customization`], [`logo`]).
//!
//! A customization is a pool-owned resource (`store::resources`) keyed by its app client id, or
//! by `ALL` for the pool-wide one that every client without one of its own falls back to (AWS's
//! developer guide, "Customizing hosted UI (classic) branding"). What AWS does, and where it says
//! so:
//!
//! * Each `SetUICustomization` replaces the whole customization: "You can't set CSS and logo
//!   customization separately." A request with neither removes it, but not entirely:
//!   hashicorp/terraform-provider-aws deletes its resource that way and its acceptance tests
//!   note that `CSSVersion` "remains as an artifact even after UI customization removal" (no CSS,
//!   image or dates are left). A client once customized no longer falls back to `ALL` (the
//!   developer guide's earlier wording: "it will no longer fall back to the ALL configuration").
//! * Both operations need a domain. `SetUICustomization` without one answers "A domain must be
//!   associated with this user pool." (quoted in amazon-connect/voicemail-for-amazon-connect
//!   issue 5); `GetUICustomization` answers "There has to be an existing domain associated with
//!   this user pool" (terraform-provider-aws's destroy check matches that text).
//! * `GetUICustomization` with nothing customized answers an empty object (`{}`), as the API
//!   reference says ("Returns an empty object if you haven't applied hosted UI branding").
//! * The CSS may use only the classes of AWS's template (the developer guide's list, below),
//!   and no `@import`, `@supports`, `@page` or `@media` statements or JavaScript. Properties are
//!   not checked: "Added CSS keys will not be reflected in your UI", so they are kept, unused.
//! * The logo is at most 100 KB. `ImageUrl` points at the pool's CloudFront distribution as
//!   `/{pool}/{client}/{CSSVersion}/assets/images/image.jpg` (the AWS CLI's examples; `.jpg`
//!   even for a PNG upload), and `CSSVersion` is the time of the change, `yyyyMMddHHmmss`.

use awsjson_types::Blob;
use cognito_idp::types::*;
use serde::{Deserialize, Serialize};

use crate::clock::timestamp;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::domains::{self, Domain};
use crate::handlers::shared::{RETRIES, load_pool};
use crate::state::Cognito;
use crate::store::resources::{self, Resource};
use crate::store::{Store, StoreError};

/// The `ClientId` of the pool-wide customization.
pub const ALL: &str = "ALL";

/// The CSS classes the classic hosted UI lets pools style (the developer guide, "Specifying CSS
/// customizations in classic branding"), as selectors.
pub const CSS_CLASSES: [&str; 18] = [
    ".background-customizable",
    ".banner-customizable",
    ".errorMessage-customizable",
    ".idpButton-customizable",
    ".idpButton-customizable:hover",
    ".idpDescription-customizable",
    ".inputField-customizable",
    ".inputField-customizable:focus",
    ".label-customizable",
    ".legalText-customizable",
    ".logo-customizable",
    ".passwordCheck-valid-customizable",
    ".passwordCheck-notValid-customizable",
    ".redirect-customizable",
    ".socialButton-customizable",
    ".submitButton-customizable",
    ".submitButton-customizable:hover",
    ".textDescription-customizable",
];

/// The largest logo: "Your logo file can be no larger than 100 KB in size".
pub const MAX_IMAGE_BYTES: usize = 100 * 1024;

/// A logo as stored, for the login pages to serve at its `ImageUrl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logo {
    /// `image/png`, `image/jpeg` or `image/svg+xml`, from the file's own bytes.
    pub media_type: String,
    /// The file (base64 in the stored document).
    pub bytes: Blob,
}

/// A customization as stored: what `GetUICustomization` answers, and the logo behind its
/// `ImageUrl`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UiCustomization {
    /// An app client id, or [`ALL`].
    pub client_id: String,
    /// The API's own answer.
    pub customization: UiCustomizationType,
    /// The logo, if one was set.
    pub logo: Option<Logo>,
}

impl UiCustomization {
    /// Whether anything is customized (a removed customization leaves only its `CSSVersion`).
    fn is_set(&self) -> bool {
        self.customization.css.is_some() || self.logo.is_some()
    }
}

impl Resource for UiCustomization {
    const KIND: &'static str = "ui_customization";

    fn key(&self) -> String {
        self.client_id.clone()
    }
}

/// `InvalidParameterException` with `message`.
fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::invalid_parameter(message)
}

/// Checks CSS as AWS does: rules whose selectors are all [`CSS_CLASSES`], no at-rules (AWS names
/// `@import`, `@supports`, `@page` and `@media`; no other one could style a customizable class
/// either) and no script. The wording of the refusals is ours: no AWS answer was found quoted.
pub fn check_css(css: &str) -> ApiResult<()> {
    let stripped = strip_comments(css)?;
    let lowered = stripped.to_ascii_lowercase();
    if lowered.contains("javascript:") || lowered.contains("<script") || lowered.contains("expression(") {
        return Err(invalid("The CSS must not contain JavaScript."));
    }
    if stripped.contains('@') {
        return Err(invalid("The CSS must not contain @import, @supports, @page, @media or other at-rules."));
    }
    let mut rest = stripped.as_str();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(());
        }
        let Some(open) = rest.find('{') else {
            return Err(invalid("The CSS is not valid: a selector has no declaration block."));
        };
        let selectors = &rest[..open];
        if selectors.contains('}') {
            return Err(invalid("The CSS is not valid: a '}' closes no declaration block."));
        }
        for selector in selectors.split(',').map(str::trim) {
            if !CSS_CLASSES.contains(&selector) {
                return Err(invalid(format!(
                    "The CSS selector '{selector}' is not allowed. Use only the classes of the hosted UI's CSS \
                     template: {}.",
                    CSS_CLASSES.join(", ")
                )));
            }
        }
        let body = &rest[open + 1..];
        let Some(close) = body.find('}') else {
            return Err(invalid("The CSS is not valid: a declaration block is not closed."));
        };
        if body[..close].contains('{') {
            return Err(invalid("The CSS is not valid: declaration blocks cannot be nested."));
        }
        rest = &body[close + 1..];
    }
}

/// The CSS without its `/* ... */` comments.
fn strip_comments(css: &str) -> ApiResult<String> {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find("*/") {
            Some(end) => rest = &rest[start + 2 + end + 2..],
            None => return Err(invalid("The CSS is not valid: a comment is not closed.")),
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Checks a logo and names its type from its bytes: PNG and JPEG, which the developer guide
/// names ("Choose a PNG, JPG, or JPEG file"), and SVG, which managed login's assets take too.
/// At most [`MAX_IMAGE_BYTES`]. The wording of the refusals is ours.
pub fn check_image(bytes: &[u8]) -> ApiResult<&'static str> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(invalid(format!(
            "The image file is {} bytes; a logo can be no larger than 100 KB ({MAX_IMAGE_BYTES} bytes).",
            bytes.len()
        )));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok("image/png");
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok("image/jpeg");
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('<') && head.contains("<svg") {
        return Ok("image/svg+xml");
    }
    Err(invalid("The image file must be a PNG, JPG, JPEG or SVG file."))
}

/// `CSSVersion`: the time of the change as AWS writes it (`20250117005911`).
fn css_version(now_ms: i64) -> String {
    // The runtime's RFC 3339 form (`2025-01-17T00:59:11Z`), digits only.
    let rfc3339 = awsjson_types::Timestamp::from_secs(now_ms.div_euclid(1000)).to_string();
    rfc3339.chars().take(19).filter(char::is_ascii_digit).collect()
}

/// The CloudFront host of the pool's domain (its prefix domain's, else its custom domain's), or
/// `None` when the pool has no domain.
async fn domain_host<S: Store>(svc: &Cognito<S>, pool_id: &str) -> ApiResult<Option<String>> {
    let (prefix, custom) = domains::of_pool(svc, pool_id).await?;
    let Some(name) = prefix.or(custom) else { return Ok(None) };
    match resources::get::<S, Domain>(&svc.store, pool_id, &name).await {
        Ok(domain) => Ok(Some(domain.value.0.cloud_front_distribution.unwrap_or(name))),
        // Deleted meanwhile.
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
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

/// The stored customization of `target` (a client id or [`ALL`]), if any.
async fn stored<S: Store>(svc: &Cognito<S>, pool_id: &str, target: &str) -> ApiResult<Option<UiCustomization>> {
    match resources::get::<S, UiCustomization>(&svc.store, pool_id, target).await {
        Ok(stored) => Ok(Some(stored.value)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// `SetUICustomization`: replaces the customization of the client (or of `ALL`, also when no
/// `ClientId` is given); the creation date stays from the first one.
pub async fn set_ui_customization<S: Store>(
    svc: &Cognito<S>,
    input: SetUiCustomizationRequest,
) -> ApiResult<SetUiCustomizationResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let target = input.client_id.clone().unwrap_or_else(|| ALL.to_owned());
    if target != ALL {
        check_client(svc, pool.id(), &target).await?;
    }
    let Some(host) = domain_host(svc, pool.id()).await? else {
        return Err(invalid("A domain must be associated with this user pool."));
    };
    if let Some(css) = &input.css {
        check_css(css)?;
    }
    let logo = match input.image_file.filter(|image| !image.is_empty()) {
        Some(image) => Some(Logo { media_type: check_image(image.as_bytes())?.to_owned(), bytes: image }),
        None => None,
    };
    let now_ms = svc.clock.now_ms();
    let version = css_version(now_ms);
    let removal = input.css.is_none() && logo.is_none();
    let build = |created: Option<awsjson_types::Timestamp>| {
        let customization = if removal {
            // What a removal leaves: the version, and whose it was.
            UiCustomizationType {
                user_pool_id: Some(pool.id().to_owned()),
                client_id: Some(target.clone()),
                css_version: Some(version.clone()),
                ..Default::default()
            }
        } else {
            UiCustomizationType {
                user_pool_id: Some(pool.id().to_owned()),
                client_id: Some(target.clone()),
                image_url: logo
                    .as_ref()
                    .map(|_| format!("https://{host}/{}/{target}/{version}/assets/images/image.jpg", pool.id())),
                css: input.css.clone(),
                css_version: Some(version.clone()),
                last_modified_date: Some(timestamp(now_ms)),
                creation_date: Some(created.unwrap_or_else(|| timestamp(now_ms))),
            }
        };
        UiCustomization { client_id: target.clone(), customization, logo: logo.clone() }
    };
    for _ in 0..RETRIES {
        match resources::get::<S, UiCustomization>(&svc.store, pool.id(), &target).await {
            Ok(mut current) => {
                current.value = build(current.value.customization.creation_date);
                match resources::update(&svc.store, current).await {
                    Ok(written) => {
                        return Ok(SetUiCustomizationResponse { ui_customization: written.value.customization });
                    }
                    Err(StoreError::Conflict | StoreError::NotFound) => continue,
                    Err(e) => return Err(e.into()),
                }
            }
            Err(StoreError::NotFound) => match resources::create(&svc.store, pool.id(), build(None)).await {
                Ok(written) => return Ok(SetUiCustomizationResponse { ui_customization: written.value.customization }),
                Err(StoreError::ResourceExists) => continue,
                Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(pool.id())),
                Err(e) => return Err(e.into()),
            },
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}

/// `GetUICustomization`: the client's own customization, else the pool-wide one (`ClientId`
/// `ALL`), else an empty object. Without a `ClientId`, the pool-wide one.
pub async fn get_ui_customization<S: Store>(
    svc: &Cognito<S>,
    input: GetUiCustomizationRequest,
) -> ApiResult<GetUiCustomizationResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let target = input.client_id.unwrap_or_else(|| ALL.to_owned());
    if target != ALL {
        check_client(svc, pool.id(), &target).await?;
    }
    if domain_host(svc, pool.id()).await?.is_none() {
        return Err(invalid("There has to be an existing domain associated with this user pool"));
    }
    let found = match stored(svc, pool.id(), &target).await? {
        Some(own) => Some(own),
        None if target != ALL => stored(svc, pool.id(), ALL).await?,
        None => None,
    };
    Ok(GetUiCustomizationResponse { ui_customization: found.map(|c| c.customization).unwrap_or_default() })
}

/// The customization that applies to `client_id` (its own, else the pool-wide one), as
/// `GetUICustomization` finds it; `None` when neither customizes anything (then the classic
/// pages look as AWS's do by default). It does not ask for a domain: the pages have one.
pub async fn effective_ui_customization<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    client_id: &str,
) -> ApiResult<Option<UiCustomizationType>> {
    Ok(effective(svc, pool_id, client_id).await?.map(|c| c.customization))
}

/// The logo behind the `ImageUrl` of [`effective_ui_customization`], for the pages to serve.
pub async fn logo<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiResult<Option<Logo>> {
    Ok(effective(svc, pool_id, client_id).await?.and_then(|c| c.logo))
}

async fn effective<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiResult<Option<UiCustomization>> {
    let found = match stored(svc, pool_id, client_id).await? {
        Some(own) => Some(own),
        None if client_id != ALL => stored(svc, pool_id, ALL).await?,
        None => None,
    };
    Ok(found.filter(UiCustomization::is_set))
}

/// Forgets a deleted client's customization (best effort: nothing reaches it once the client
/// is gone, since both operations check the client first).
pub async fn forget<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) {
    match resources::delete::<S, UiCustomization>(&svc.store, pool_id, client_id).await {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => tracing::warn!(error = %e, "deleting a deleted client's UI customization failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_classes_pass_and_others_do_not() {
        assert!(check_css("").is_ok());
        assert!(check_css(".label-customizable { font-weight: 400; }").is_ok());
        let template: String = CSS_CLASSES.iter().map(|c| format!("{c} {{ color: #fff; }}\n")).collect();
        assert!(check_css(&template).is_ok());
        assert!(check_css("/* a note */ .logo-customizable, .banner-customizable { max-width: 10%; }").is_ok());
        for bad in [
            "body { color: red; }",
            ".label-customizable:hover { color: red; }",
            ".label-customizable div { color: red; }",
            "@media (max-width: 1px) { .label-customizable { color: red; } }",
            "@import url(x.css);",
            ".label-customizable { background: url(javascript:alert(1)); }",
            ".label-customizable { color: red; ",
            ".label-customizable color: red; }",
            ".label-customizable { a { } }",
            "/* open",
        ] {
            assert!(check_css(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn images_are_named_by_their_bytes() {
        assert_eq!(check_image(b"\x89PNG\r\n\x1a\n....").unwrap(), "image/png");
        assert_eq!(check_image(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(), "image/jpeg");
        assert_eq!(check_image(b"<?xml version=\"1.0\"?><svg xmlns=\"x\"/>").unwrap(), "image/svg+xml");
        assert!(check_image(b"GIF89a").is_err());
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(MAX_IMAGE_BYTES + 1, 0);
        assert!(check_image(&big).unwrap_err().message.contains("100 KB"));
        big.truncate(MAX_IMAGE_BYTES);
        assert!(check_image(&big).is_ok());
    }

    #[test]
    fn versions_are_the_time_in_digits() {
        assert_eq!(css_version(1_737_075_551_000), "20250117005911");
    }
}
