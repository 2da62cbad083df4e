//! The pool as a WebAuthn relying party: its id, the origins it accepts and the user
//! verification it asks for.
//!
//! AWS's rules (API reference, `WebAuthnConfigurationType` and the exceptions' descriptions):
//! - the relying party id is `WebAuthnConfiguration.RelyingPartyId` when set, otherwise the
//!   pool's domain ("typically your user pool domain"; its custom domain when it has one, as
//!   the managed login must then use it); a pool with neither answers
//!   `WebAuthnConfigurationMissingException` ("a user pool doesn't have a configured relying
//!   party id or a user pool domain");
//! - passkeys work only in pools whose sign-in policy allows `WEB_AUTHN` as a first factor,
//!   else `WebAuthnNotEnabledException` ("the passkey feature isn't enabled for the user pool");
//! - an origin must "align with the user pool relying party id": `https` on the id or one of
//!   its subdomains, any port. Browsers also treat `http://localhost` as secure and allow the
//!   relying party id `localhost` there, so `http://localhost[:port]` (and `*.localhost`) is
//!   accepted for that id: the way to use passkeys against a local server.

use cognito_idp::ErrorCode;
use webauthn_rp::request::{AsciiDomain, RpId, UserVerificationRequirement};
use webauthn_rp::response::Origin;

use crate::errors::{ApiError, ApiResult};
use crate::handlers::{domains, mfa};
use crate::state::{Cognito, Pool};
use crate::store::Store;

/// The pool's relying party.
pub struct RelyingParty {
    /// The id, as AWS shows it (`rp.id`, `rpId`, `RelyingPartyId`).
    pub id: String,
    /// The same for the verifier.
    pub rp: RpId,
    /// `WebAuthnConfiguration.UserVerification`: `required`, or `preferred` (the default).
    pub user_verification_required: bool,
}

impl RelyingParty {
    /// The user verification the ceremonies ask for.
    pub fn user_verification(&self) -> UserVerificationRequirement {
        if self.user_verification_required {
            UserVerificationRequirement::Required
        } else {
            UserVerificationRequirement::Preferred
        }
    }

    /// `userVerification` as the options' JSON carries it.
    pub fn user_verification_name(&self) -> &'static str {
        if self.user_verification_required { "required" } else { "preferred" }
    }

    /// The origins the verifier accepts for this relying party.
    pub fn origins(&self) -> [AllowedOrigin<'_>; 1] {
        [AllowedOrigin { rp_id: &self.id }]
    }
}

/// Whether the pool's sign-in policy allows passkeys (`WEB_AUTHN` among the first factors).
pub fn enabled(pool: &Pool) -> bool {
    pool.doc
        .policies
        .as_ref()
        .and_then(|p| p.sign_in_policy.as_ref())
        .and_then(|s| s.allowed_first_auth_factors.as_ref())
        .is_some_and(|f| f.iter().any(|f| f.as_str() == "WEB_AUTHN"))
}

/// `WebAuthnNotEnabledException` unless the pool allows passkeys.
pub fn require_enabled(pool: &Pool) -> ApiResult<()> {
    if enabled(pool) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::WebAuthnNotEnabledException,
            "Passkeys are not enabled for this user pool: add WEB_AUTHN to Policies.SignInPolicy.AllowedFirstAuthFactors.",
        ))
    }
}

/// The pool's relying party (see the module's documentation).
pub async fn of_pool<S: Store>(svc: &Cognito<S>, pool: &Pool) -> ApiResult<RelyingParty> {
    let config = mfa::config::stored(pool).web_authn_configuration;
    let configured = config.as_ref().and_then(|c| c.relying_party_id.clone()).filter(|id| !id.is_empty());
    let id = match configured {
        Some(id) => id,
        None => {
            let (prefix, custom) = domains::of_pool(svc, pool.id()).await?;
            match (custom, prefix) {
                (Some(custom), _) => custom,
                (None, Some(prefix)) => format!("{prefix}.auth.{}.amazoncognito.com", svc.settings.region),
                (None, None) => {
                    return Err(ApiError::new(
                        ErrorCode::WebAuthnConfigurationMissingException,
                        "The user pool has no relying party id and no domain: set WebAuthnConfiguration.RelyingPartyId with SetUserPoolMfaConfig, or create a user pool domain.",
                    ));
                }
            }
        }
    };
    let id = id.to_ascii_lowercase();
    let domain = AsciiDomain::try_from(id.clone()).map_err(|_| {
        ApiError::new(
            ErrorCode::WebAuthnConfigurationMissingException,
            format!("The relying party id {id} is not a domain name."),
        )
    })?;
    let required = config.and_then(|c| c.user_verification).is_some_and(|uv| uv.as_str() == "required");
    Ok(RelyingParty { id, rp: RpId::Domain(domain), user_verification_required: required })
}

/// An origin that aligns with a relying party id (see the module's documentation).
#[derive(Debug, Clone, Copy)]
pub struct AllowedOrigin<'a> {
    rp_id: &'a str,
}

impl AllowedOrigin<'_> {
    /// Whether `origin` (`scheme://host[:port]`) aligns with the relying party id.
    pub fn allows(&self, origin: &str) -> bool {
        let (secure, rest) = match origin.split_once("://") {
            Some(("https", rest)) => (true, rest),
            Some(("http", rest)) => (false, rest),
            _ => return false,
        };
        let host = match rest.rsplit_once(':') {
            Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
            Some(_) => return false,
            None => rest,
        };
        let host = host.to_ascii_lowercase();
        let aligned = host == self.rp_id || host.strip_suffix(self.rp_id).is_some_and(|head| head.ends_with('.'));
        let local = host == "localhost" || host.ends_with(".localhost");
        aligned && (secure || local)
    }
}

impl PartialEq<Origin<'_>> for AllowedOrigin<'_> {
    fn eq(&self, other: &Origin<'_>) -> bool {
        self.allows(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_align_with_the_relying_party_id() {
        let example = AllowedOrigin { rp_id: "example.com" };
        assert!(example.allows("https://example.com"));
        assert!(example.allows("https://login.example.com:8443"));
        assert!(!example.allows("http://example.com"));
        assert!(!example.allows("https://badexample.com"));
        assert!(!example.allows("https://example.com.evil.org"));
        let local = AllowedOrigin { rp_id: "localhost" };
        assert!(local.allows("http://localhost:3000"));
        assert!(local.allows("http://localhost"));
        assert!(local.allows("https://localhost:1"));
        assert!(!local.allows("http://127.0.0.1:3000"));
        assert!(!local.allows("http://localhost:"));
    }
}
