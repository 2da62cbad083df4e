//! The frame of every page: a centred panel with the pool's name or logo, the form, and the
//! stylesheet (the classic hosted UI's class names, so that a pool's `SetUICustomization` CSS
//! applies as it does on AWS).

use maud::{DOCTYPE, Markup, PreEscaped, html};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::context::Page;
use crate::handlers::{managed_login_branding, ui_customization};
use crate::oauth::site::Site;
use crate::state::Cognito;
use crate::store::Store;

/// How a page looks: the UI customization of its client (or the pool's).
#[derive(Debug, Default)]
pub struct Look {
    /// CSS to apply after the built-in stylesheet.
    pub css: Option<String>,
    /// The logo (a URL or data URI).
    pub logo: Option<String>,
}

/// The look of `page`'s client: on a classic hosted UI domain (`ManagedLoginVersion` 1) its
/// UI customization (`SetUICustomization`: the client's own, else the pool's); on a managed
/// login domain (version 2) the logo of its branding style. The logo is inlined as a data URI:
/// the `ImageUrl` AWS answers names a CloudFront host this server is not. A failure to read
/// them only costs the page its customization.
pub async fn look<S: Store>(svc: &Cognito<S>, page: &Page) -> Look {
    let (pool_id, client_id) = (page.site.pool.id(), page.auth.app.client_id.as_str());
    if page.site.version >= 2 {
        let branding = managed_login_branding::branding_for_client(svc, pool_id, client_id).await.ok().flatten();
        let logo = branding.and_then(|b| b.assets).unwrap_or_default().into_iter().find_map(|asset| {
            let bytes = asset.bytes?;
            let media = match asset.extension.as_str() {
                "SVG" => "image/svg+xml",
                "JPEG" | "JPG" => "image/jpeg",
                "ICO" => "image/x-icon",
                "WEBP" => "image/webp",
                _ => "image/png",
            };
            matches!(asset.category.as_str(), "FORM_LOGO" | "PAGE_HEADER_LOGO")
                .then(|| format!("data:{media};base64,{}", STANDARD.encode(bytes.as_ref())))
        });
        return Look { css: None, logo };
    }
    let css =
        ui_customization::effective_ui_customization(svc, pool_id, client_id).await.ok().flatten().and_then(|c| c.css);
    let logo = ui_customization::logo(svc, pool_id, client_id)
        .await
        .ok()
        .flatten()
        .map(|logo| format!("data:{};base64,{}", logo.media_type, STANDARD.encode(logo.bytes.as_ref())));
    Look { css, logo }
}

/// The built-in stylesheet.
const STYLE: &str = r#"
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f4f4f4; margin: 0; }
.modal-content { max-width: 360px; margin: 48px auto; background: #fff; border-radius: 6px; padding: 24px 28px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
.banner-customizable { text-align: center; padding-bottom: 12px; }
.logo-customizable { max-width: 60%; max-height: 80px; }
h1 { font-size: 1.25rem; margin: 0 0 16px; }
label.label-customizable { display: block; font-size: .9rem; margin: 12px 0 4px; color: #333; }
.inputField-customizable { width: 100%; box-sizing: border-box; padding: 8px 10px; font-size: 1rem; border: 1px solid #ccc; border-radius: 4px; }
.submitButton-customizable { width: 100%; margin-top: 18px; padding: 10px; font-size: 1rem; color: #fff; background: #337ab7; border: 0; border-radius: 4px; cursor: pointer; }
.errorMessage-customizable { color: #a94442; background: #f2dede; border: 1px solid #ebccd1; padding: 8px 10px; border-radius: 4px; margin-bottom: 8px; }
.infoMessage-customizable { color: #31708f; background: #d9edf7; padding: 8px 10px; border-radius: 4px; margin-bottom: 8px; }
.redirect-customizable { display: block; margin-top: 12px; font-size: .9rem; }
.textDescription-customizable { font-size: .9rem; color: #555; }
fieldset { border: 0; padding: 0; margin: 0; }
"#;

/// What a page shows around its form.
pub struct Frame<'a> {
    /// The site.
    pub site: &'a Site,
    /// The document's title and heading.
    pub title: &'a str,
    /// An error to show above the form (the API's message for what went wrong).
    pub error: Option<&'a str>,
    /// An informative message (where a code was sent).
    pub info: Option<&'a str>,
    /// Extra CSS (the UI customization), appended after the built-in stylesheet.
    pub css: Option<&'a str>,
    /// The logo's URL or data URI.
    pub logo: Option<&'a str>,
}

/// A whole page.
pub fn page(frame: &Frame, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (frame.title) }
                style { (PreEscaped(STYLE)) }
                @if let Some(css) = frame.css { style { (PreEscaped(css.replace("</", "<\\/"))) } }
            }
            body {
                main class="modal-content background-customizable" data-managed-login-version=(frame.site.version) {
                    div class="banner-customizable" {
                        @if let Some(logo) = frame.logo {
                            img class="logo-customizable" src=(logo) alt="Logo";
                        } @else {
                            span class="textDescription-customizable" { (frame.site.pool.doc.name.as_deref().unwrap_or_default()) }
                        }
                    }
                    h1 { (frame.title) }
                    @if let Some(error) = frame.error {
                        p id="errorMessage" class="errorMessage-customizable" role="alert" { (error) }
                    }
                    @if let Some(info) = frame.info {
                        p id="infoMessage" class="infoMessage-customizable" role="status" { (info) }
                    }
                    (body)
                }
            }
        }
    }
}

/// A labelled input: `<label for=id>` and `<input id name type>`.
pub fn field(id: &str, name: &str, label: &str, kind: &str, autocomplete: &str, value: Option<&str>) -> Markup {
    html! {
        label class="label-customizable" for=(id) { (label) }
        input id=(id) name=(name) type=(kind) class="form-control inputField-customizable" autocomplete=(autocomplete)
            value=[value] required;
    }
}

/// A labelled input the form can be sent without.
pub fn optional_field(id: &str, name: &str, label: &str, kind: &str, autocomplete: &str) -> Markup {
    html! {
        label class="label-customizable" for=(id) { (label) }
        input id=(id) name=(name) type=(kind) class="form-control inputField-customizable" autocomplete=(autocomplete);
    }
}

/// The hidden CSRF field.
pub fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name=(crate::oauth::browser::CSRF_FIELD) value=(token); }
}
