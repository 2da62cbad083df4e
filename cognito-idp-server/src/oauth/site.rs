//! Which domain a request is for: its pool, its managed login version, and the base of the
//! links its pages write.

use std::sync::Arc;

use axum::http::HeaderMap;

use crate::errors::ApiResult;
use crate::handlers::domains::Domain;
use crate::handlers::load_pool;
use crate::state::{Cognito, Pool};
use crate::store::{Store, StoreError, UniqueName, resources};

/// A domain of a pool, as a request reached it.
#[derive(Clone)]
pub struct Site {
    /// The pool.
    pub pool: Arc<Pool>,
    /// The domain's name (a prefix, or a custom domain's host name).
    pub domain: String,
    /// What page links start with: empty when the request came in on the domain's own host,
    /// `/domain/{domain}` on the server's address.
    pub base: String,
    /// `ManagedLoginVersion`: 1 for the classic hosted UI, 2 for managed login.
    pub version: i32,
    /// Whether the request came over HTTPS (through a proxy: `X-Forwarded-Proto`), for the
    /// cookies' `Secure` attribute.
    pub secure: bool,
}

impl Site {
    /// The site of `name` (a domain, or a host `{prefix}.auth.*` naming a prefix domain);
    /// `None` if no pool has it.
    pub async fn resolve<S: Store>(
        svc: &Cognito<S>,
        name: &str,
        host_mode: bool,
        headers: &HeaderMap,
    ) -> ApiResult<Option<Site>> {
        let mut found = find(svc, name).await?;
        if found.is_none()
            && let Some((prefix, _)) = name.split_once(".auth.")
        {
            found = find(svc, prefix).await?.filter(|d| !d.1.is_custom());
        }
        let Some((pool_id, domain)) = found else { return Ok(None) };
        let pool = load_pool(svc, &pool_id).await?;
        let domain_name = domain.0.domain.clone().unwrap_or_default();
        let base = if host_mode { String::new() } else { format!("{}/{name}", super::PATH_PREFIX) };
        let secure = headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
        Ok(Some(Site { pool, domain: domain_name, base, version: domain.0.managed_login_version.unwrap_or(1), secure }))
    }

    /// The path of endpoint or page `path` (`/login`) of this site.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The absolute URL of `path` on this site, as the browser reached it (its `Host`).
    pub fn absolute(&self, headers: &axum::http::HeaderMap, path: &str) -> String {
        let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
        let scheme = if self.secure { "https" } else { "http" };
        format!("{scheme}://{host}{}", self.link(path))
    }

    /// The cookies' `Path`: the site's base, or `/`.
    pub fn cookie_path(&self) -> String {
        if self.base.is_empty() { "/".to_owned() } else { self.base.clone() }
    }
}

async fn find<S: Store>(svc: &Cognito<S>, name: &str) -> ApiResult<Option<(String, Domain)>> {
    let name = UniqueName::server_wide("domain", name.to_ascii_lowercase());
    match resources::find::<S, Domain>(&svc.store, &name, "").await {
        Ok(stored) => Ok(Some((stored.pool_id, stored.value))),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
