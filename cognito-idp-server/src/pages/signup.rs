//! The sign-up page, `GET|POST /signup`: a username, a password and one input per attribute
//! the pool requires (`requiredAttributes[email]`, the classic hosted UI's input names, with the
//! button `signUpButton`), sent through `SignUp` itself ([`signup::sign_up`]): the pool's
//! password policy, username rules, uniqueness of usernames and aliases, and the confirmation
//! code through the outbox behave exactly as they do for an app calling the API.
//!
//! AWS's endpoint list ("User-interactive managed login and classic hosted UI endpoints") has
//! `/login` send users to `/signup`, and `/signup` to `/confirm` once the code is sent
//! ([`super::confirm`]). In a pool where only administrators create users
//! (`AdminCreateUserConfig.AllowAdminCreateUserOnly`) the page shows `SignUp`'s refusal instead
//! of a form. The client's terms of use and privacy policy (`CreateTerms`) are linked above the
//! button once both exist ([`terms_links`]).

use axum::Form;
use axum::extract::State;
use axum::response::Response;
use cognito_idp::types::{AttributeType, SignUpRequest};
use maud::{Markup, html};

use super::challenge::EXPIRED_FORM;
use super::context::{self, Page, PageRequest};
use super::forms::{self, Fields, value};
use super::layout::{csrf, field};
use crate::domain::attributes::Schema;
use crate::handlers::{signup, terms};
use crate::state::Cognito;
use crate::store::Store;

/// The page's title (the classic hosted UI's heading).
const TITLE: &str = "Sign up with a new account";

/// `GET /signup`.
pub async fn show<S: Store>(State(svc): State<Cognito<S>>, request: PageRequest) -> Response {
    context::serve(&svc, request, async |page| Ok(render(&svc, page, &Fields::new(), None).await)).await
}

/// `POST /signup`.
pub async fn submit<S: Store>(
    State(svc): State<Cognito<S>>,
    request: PageRequest,
    Form(form): Form<Fields>,
) -> Response {
    context::serve(&svc, request, async |page| {
        if !context::csrf_ok(&svc, &page, forms::csrf_field(&form)).await? {
            return Ok(render(&svc, page, &form, Some(EXPIRED_FORM)).await);
        }
        if admin_only(&page) {
            // The page shows SignUp's refusal without calling it: nothing to send.
            return Ok(render(&svc, page, &form, None).await);
        }
        let username = value(&form, "username").trim().to_owned();
        let request = SignUpRequest {
            client_id: page.auth.app.client_id.clone(),
            secret_hash: forms::secret_hash(&page, &username),
            username: username.clone(),
            password: Some(value(&form, "password").to_owned()),
            user_attributes: Some(posted_attributes(&form)).filter(|a| !a.is_empty()),
            ..SignUpRequest::default()
        };
        let answer = match forms::validated(request) {
            Ok(request) => signup::sign_up(&svc, request).await,
            Err(e) => Err(e),
        };
        let answer = match answer {
            Ok(answer) => answer,
            Err(e) => return Ok(render(&svc, page, &form, Some(&forms::message(e)?)).await),
        };
        if answer.user_confirmed {
            // A pre sign-up trigger confirmed the user (`autoConfirmUser`): no code to ask for.
            return Ok(super::sign_in_form::render_with(
                &svc,
                page,
                Some(&username),
                None,
                Some(super::confirm::CONFIRMED),
            )
            .await);
        }
        match answer.code_delivery_details {
            Some(details) => {
                let info = super::confirm::code_sent(Some(&details));
                Ok(super::confirm::render(&svc, page, &username, None, Some(&info)).await)
            }
            // A pool that verifies nothing sends no code: the user waits for an administrator
            // (AdminConfirmSignUp), as an app calling SignUp would find.
            None => Ok(super::sign_in_form::render_with(&svc, page, Some(&username), None, Some(AWAITS_ADMIN)).await),
        }
    })
    .await
}

/// What the sign-in page says after a sign-up that sent no code.
pub const AWAITS_ADMIN: &str =
    "Your account has been created. An administrator must confirm it before you can sign in.";

/// Whether only administrators create users in the page's pool.
fn admin_only(page: &Page) -> bool {
    page.site.pool.doc.admin_create_user_config.as_ref().and_then(|c| c.allow_admin_create_user_only) == Some(true)
}

/// The `requiredAttributes[name]` fields of a posted form, as `SignUp`'s `UserAttributes` (in
/// name order, empty ones left out: SignUp reports a required attribute missing in its words).
fn posted_attributes(form: &Fields) -> Vec<AttributeType> {
    let mut attributes: Vec<AttributeType> = form
        .iter()
        .filter_map(|(name, value)| {
            let name = name.strip_prefix("requiredAttributes[")?.strip_suffix(']')?;
            let value = value.trim();
            (!name.is_empty() && !value.is_empty())
                .then(|| AttributeType { name: name.to_owned(), value: Some(value.to_owned()) })
        })
        .collect();
    attributes.sort_by(|a, b| a.name.cmp(&b.name));
    attributes
}

/// The attributes the form asks for: those the pool requires, except `sub` (Cognito's own) and
/// a pool's only username attribute (the username field is that attribute: SignUp copies it).
fn required_attributes(page: &Page) -> Vec<String> {
    let pool = &page.site.pool.doc;
    let usernames: Vec<&str> = pool.username_attributes.iter().flatten().map(|a| a.as_str()).collect();
    Schema::of(pool)
        .attributes()
        .iter()
        .filter(|a| a.required && a.name != "sub")
        .filter(|a| !(usernames.len() == 1 && usernames[0] == a.name))
        .map(|a| a.name.clone())
        .collect()
}

/// A person's label for attribute `name`: `given_name` is "Given name", `custom:plan` "Plan".
fn label_of(name: &str) -> String {
    let bare = name.rsplit(':').next().unwrap_or(name).replace('_', " ");
    let mut chars = bare.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name.to_owned(),
    }
}

/// The input type and `autocomplete` token of attribute `name`.
fn input_of(name: &str) -> (&'static str, &'static str) {
    match name {
        "email" => ("email", "email"),
        "phone_number" => ("tel", "tel"),
        "given_name" => ("text", "given-name"),
        "family_name" => ("text", "family-name"),
        "name" => ("text", "name"),
        _ => ("text", "off"),
    }
}

/// The sign-up form (with the values of `form` kept, never its password), or `SignUp`'s refusal
/// in a pool where only administrators create users.
pub async fn render<S: Store>(svc: &Cognito<S>, page: Page, form: &Fields, error: Option<&str>) -> Response {
    if admin_only(&page) {
        let body = html! {
            a class="redirect-customizable" href=(page.action("/login")) { "Sign in" }
        };
        return forms::show(svc, page, TITLE, Some(signup::NOT_PERMITTED), None, body).await;
    }
    let agreement = terms_links(svc, &page).await;
    let required = required_attributes(&page);
    let body = html! {
        form method="post" action=(page.action("/signup")) name="cognitoSignUpForm" {
            (csrf(&page.csrf))
            (field("signUpFormUsername", "username", forms::username_label(&page), "text", "username",
                Some(value(form, "username")).filter(|v| !v.is_empty())))
            (field("signUpFormPassword", "password", "Password", "password", "new-password", None))
            @for name in &required {
                @let (kind, autocomplete) = input_of(name);
                @let input = format!("requiredAttributes[{name}]");
                (field(&format!("signUpFormAttribute-{name}"), &input, &label_of(name), kind, autocomplete,
                    Some(value(form, &input)).filter(|v| !v.is_empty())))
            }
            (agreement)
            input name="signUpButton" type="submit" class="btn btn-primary submitButton-customizable" value="Sign up";
        }
        p class="textDescription-customizable" {
            "Already have an account? "
            a class="redirect-customizable" href=(page.action("/login")) { "Sign in" }
        }
    };
    forms::show(svc, page, TITLE, error, None, body).await
}

/// Links to the client's terms of use and privacy policy, above the sign-up button
/// (`CreateTerms`, read through [`terms::terms_for_client`]). AWS shows them only once "both
/// types of terms documents" exist "in at least one language", and picks each document's link
/// in the page's language "with fallback to default" (developer guide, quoted in
/// [`terms`]); where neither exists here, any language the document has is better than no
/// link. A failure to read them only costs the page its links.
async fn terms_links<S: Store>(svc: &Cognito<S>, page: &Page) -> Markup {
    let documents = match terms::terms_for_client(svc, page.site.pool.id(), &page.auth.app.client_id).await {
        Ok(documents) => documents,
        Err(e) => {
            tracing::warn!(code = e.code.as_str(), message = %e.message, "reading a client's terms failed");
            return html! {};
        }
    };
    let language = language_key(page.auth.params.lang.as_deref());
    let link = |name: &str| {
        let links = &documents.iter().find(|d| d.terms_name == name)?.links;
        language.and_then(|l| links.get(l)).or_else(|| links.get("cognito:default")).or_else(|| links.values().next())
    };
    let (Some(terms_of_use), Some(privacy_policy)) = (link("terms-of-use"), link("privacy-policy")) else {
        return html! {};
    };
    html! {
        p id="termsLinks" class="textDescription-customizable" {
            "By signing up, you agree to the "
            a class="redirect-customizable" href=(terms_of_use) target="_blank" rel="noopener noreferrer" { "Terms of use" }
            " and the "
            a class="redirect-customizable" href=(privacy_policy) target="_blank" rel="noopener noreferrer" { "Privacy policy" }
            "."
        }
    }
}

/// The `Links` key of a page language (the authorization request's `lang`, as managed login
/// takes it) among the languages the model's `LanguageIdType` names.
fn language_key(lang: Option<&str>) -> Option<&'static str> {
    Some(match lang? {
        "en" => "cognito:english",
        "fr" => "cognito:french",
        "es" => "cognito:spanish",
        "de" => "cognito:german",
        "nl" => "cognito:dutch",
        "id" => "cognito:bahasa-indonesia",
        "it" => "cognito:italian",
        "ja" => "cognito:japanese",
        "ko" => "cognito:korean",
        "pt-BR" => "cognito:portuguese-brazil",
        "zh-CN" => "cognito:chinese-simplified",
        "zh-TW" => "cognito:chinese-traditional",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_labels_read_as_words() {
        assert_eq!(label_of("given_name"), "Given name");
        assert_eq!(label_of("email"), "Email");
        assert_eq!(label_of("custom:plan_type"), "Plan type");
        assert_eq!(label_of("dev:custom:tier"), "Tier");
    }

    #[test]
    fn page_languages_name_the_terms_languages() {
        assert_eq!(language_key(Some("es")), Some("cognito:spanish"));
        assert_eq!(language_key(Some("pt-BR")), Some("cognito:portuguese-brazil"));
        assert_eq!(language_key(Some("xx")), None);
        assert_eq!(language_key(None), None);
    }

    #[test]
    fn only_filled_required_attributes_are_sent() {
        let form: Fields = [
            ("username", "diego"),
            ("requiredAttributes[email]", " diego@example.com "),
            ("requiredAttributes[name]", ""),
            ("requiredAttributes[]", "x"),
            ("other", "y"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let attributes = posted_attributes(&form);
        assert_eq!(attributes.len(), 1);
        assert_eq!(attributes[0].name, "email");
        assert_eq!(attributes[0].value.as_deref(), Some("diego@example.com"));
    }
}
