//! Client authentication at the token and revocation endpoints: HTTP Basic
//! (`client_secret_basic`: `Authorization: Basic base64(client_id:client_secret)`) or the
//! `client_id` and `client_secret` form fields (`client_secret_post`), the two methods the
//! discovery document names. A client without a secret names itself with `client_id` alone.
//! Either of a client's two active secrets is accepted while they rotate.

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::errors::OAuthError;
use super::site::Site;
use crate::handlers::auth::app::App;
use crate::handlers::secret_hash;
use crate::state::Cognito;
use crate::store::Store;

/// The client a request authenticates as (of the site's pool), or `invalid_client`: an
/// unknown client, a missing or wrong secret, a secret for a client without one, or Basic
/// and form naming different clients. Two ways of giving a secret at once is
/// `invalid_request` (RFC 6749 section 2.3).
pub async fn authenticate<S: Store>(
    svc: &Cognito<S>,
    site: &Site,
    headers: &HeaderMap,
    form_client_id: Option<&str>,
    form_secret: Option<&str>,
) -> Result<App, OAuthError> {
    let basic = match headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        Some(value) => Some(basic_credentials(value).ok_or(OAuthError::InvalidClient)?),
        None => None,
    };
    let form_client_id = form_client_id.filter(|c| !c.is_empty());
    let form_secret = form_secret.filter(|s| !s.is_empty());
    let (client_id, secret) = match (&basic, form_client_id) {
        (Some(_), _) if form_secret.is_some() => return Err(OAuthError::InvalidRequest),
        (Some((id, _)), Some(form)) if id != form => return Err(OAuthError::InvalidClient),
        (Some((id, secret)), _) => (id.clone(), Some(secret.clone()).filter(|s| !s.is_empty())),
        (None, Some(id)) => (id.to_owned(), form_secret.map(str::to_owned)),
        (None, None) => return Err(OAuthError::InvalidClient),
    };
    let app = match App::oauth(svc, site.pool.id(), &client_id).await {
        Ok(app) => app,
        Err(e) if e.code == cognito_idp::ErrorCode::ResourceNotFoundException => {
            return Err(OAuthError::InvalidClient);
        }
        Err(e) => return Err(e.into()),
    };
    match (app.secrets.is_empty(), secret.as_deref()) {
        (true, None) => Ok(app),
        (true, Some(_)) => Err(OAuthError::InvalidClient),
        (false, given) => match secret_hash::check_client_secret(&app.secrets, &app.client_id, given) {
            Ok(()) => Ok(app),
            Err(_) => Err(OAuthError::InvalidClient),
        },
    }
}

/// `client_id` and `client_secret` of an `Authorization: Basic` header (each
/// form-url-decoded, RFC 6749 section 2.3.1).
fn basic_credentials(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let decode = |s: &str| form_urlencoded::parse(format!("v={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
    Some((decode(id)?, decode(secret)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_decoded() {
        let header = format!("Basic {}", STANDARD.encode("abc:s3cr%2Bet"));
        assert_eq!(basic_credentials(&header), Some(("abc".into(), "s3cr+et".into())));
        assert_eq!(basic_credentials("Bearer x"), None);
        assert_eq!(basic_credentials("Basic !!!"), None);
        assert_eq!(basic_credentials(&format!("basic {}", STANDARD.encode("abc"))), None);
    }
}
