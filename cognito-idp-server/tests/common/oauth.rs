//! The user pool domain from a test's side: a pool with a domain and an OAuth app client
//! ([`OAuthSetup`]), a cookie-keeping HTTP [`Browser`] that does not follow redirects, the
//! pages' hidden fields, and PKCE pairs.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cognito_idp::Client;
use cognito_idp::types::{OAuthFlowType, ResourceServerScopeType};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The app's callback in these tests.
pub const CALLBACK: &str = "http://localhost:3000/callback";
/// The app's sign-out landing page.
pub const SIGNED_OUT: &str = "http://localhost:3000/signed-out";

/// What [`OAuthSetup::create`] made.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    /// The pool.
    pub pool: String,
    /// The domain prefix.
    pub domain: String,
    /// The app client.
    pub client_id: String,
    /// Its secret, if it has one.
    pub secret: Option<String>,
    /// `http://127.0.0.1:PORT/domain/{domain}`.
    pub base: String,
    /// The server's URL.
    pub url: String,
    /// The app's callback.
    pub callback: String,
}

impl OAuthApp {
    /// An authorization URL with `extra` parameters (after `response_type=code`, the client
    /// and the callback).
    pub fn authorize_url(&self, extra: &[(&str, &str)]) -> String {
        let mut pairs = vec![
            ("response_type", "code"),
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", self.callback.as_str()),
        ];
        pairs.extend_from_slice(extra);
        let mut url = format!("{}/oauth2/authorize?", self.base);
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (name, value) in pairs {
            serializer.append_pair(name, value);
        }
        url.push_str(&serializer.finish());
        url
    }

    /// `Authorization: Basic` for this client.
    pub fn basic(&self) -> String {
        format!("Basic {}", STANDARD.encode(format!("{}:{}", self.client_id, self.secret.clone().unwrap_or_default())))
    }
}

/// A pool with domain `{name}-domain`, a resource server `orders` (scopes `read`, `write`), and
/// an app client with the OAuth settings given.
pub struct OAuthSetup {
    name: String,
    secret: bool,
    flows: Vec<String>,
    scopes: Vec<String>,
    providers: Vec<String>,
    pool: Option<super::PoolBuilder>,
    callback: String,
    signed_out: String,
    version: Option<i32>,
    explicit_flows: Vec<String>,
    idps: Vec<Idp>,
}

/// An identity provider to create before the app client (which supports it).
struct Idp {
    name: String,
    kind: String,
    details: Vec<(String, String)>,
    mapping: Vec<(String, String)>,
    identifiers: Vec<String>,
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

impl OAuthSetup {
    /// A code-flow client with `openid email profile aws.cognito.signin.user.admin orders/read`.
    pub fn new(name: &str) -> OAuthSetup {
        OAuthSetup {
            name: name.to_owned(),
            secret: false,
            flows: vec!["code".into()],
            scopes: ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin", "orders/read"]
                .map(str::to_owned)
                .to_vec(),
            providers: vec!["COGNITO".into()],
            pool: None,
            callback: CALLBACK.to_owned(),
            signed_out: SIGNED_OUT.to_owned(),
            version: None,
            explicit_flows: Vec::new(),
            idps: Vec::new(),
        }
    }

    /// The domain's `ManagedLoginVersion` (2: managed login).
    pub fn managed_login_version(mut self, version: i32) -> Self {
        self.version = Some(version);
        self
    }

    /// The client's `ExplicitAuthFlows`.
    pub fn explicit_flows(mut self, flows: &[&str]) -> Self {
        self.explicit_flows = flows.iter().map(|f| (*f).to_owned()).collect();
        self
    }

    /// The pool made with `pool` (its name is the setup's).
    pub fn pool(mut self, pool: super::PoolBuilder) -> Self {
        self.pool = Some(pool);
        self
    }

    /// The app's callback and sign-out URLs (a test's own web app).
    pub fn app_urls(mut self, callback: &str, signed_out: &str) -> Self {
        self.callback = callback.to_owned();
        self.signed_out = signed_out.to_owned();
        self
    }

    /// An identity provider of the pool (`kind`: `OIDC`, `Google`, ...), with its details,
    /// attribute mapping and identifiers, which the app client supports after `COGNITO`.
    pub fn identity_provider(
        mut self,
        name: &str,
        kind: &str,
        details: &[(&str, &str)],
        mapping: &[(&str, &str)],
        identifiers: &[&str],
    ) -> Self {
        self.idps.push(Idp {
            name: name.to_owned(),
            kind: kind.to_owned(),
            details: owned(details),
            mapping: owned(mapping),
            identifiers: identifiers.iter().map(|i| (*i).to_owned()).collect(),
        });
        self.providers.push(name.to_owned());
        self
    }

    /// With a client secret.
    pub fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    /// `AllowedOAuthFlows`.
    pub fn flows(mut self, flows: &[&str]) -> Self {
        self.flows = flows.iter().map(|f| (*f).to_owned()).collect();
        self
    }

    /// `AllowedOAuthScopes`.
    pub fn scopes(mut self, scopes: &[&str]) -> Self {
        self.scopes = scopes.iter().map(|f| (*f).to_owned()).collect();
        self
    }

    /// Creates it all through `client` on the server at `url`.
    pub async fn create(self, client: &Client, url: &str) -> OAuthApp {
        let pool = match self.pool {
            Some(builder) => builder.create(client).await,
            None => super::create_pool(client, &self.name).await,
        };
        let domain = format!("{}-domain", self.name.to_lowercase());
        let mut create_domain = client.create_user_pool_domain().user_pool_id(&pool).domain(&domain);
        if let Some(version) = self.version {
            create_domain = create_domain.managed_login_version(version);
        }
        create_domain.send().await.expect("CreateUserPoolDomain");
        let scope = |name: &str| ResourceServerScopeType { scope_name: name.into(), scope_description: name.into() };
        client
            .create_resource_server()
            .user_pool_id(&pool)
            .identifier("orders")
            .name("Orders")
            .scopes(scope("read"))
            .scopes(scope("write"))
            .send()
            .await
            .expect("CreateResourceServer");
        for idp in &self.idps {
            let mut create = client
                .create_identity_provider()
                .user_pool_id(&pool)
                .provider_name(&idp.name)
                .provider_type(cognito_idp::types::IdentityProviderTypeType::from(idp.kind.as_str()))
                .set_provider_details(idp.details.iter().cloned().collect());
            for (attribute, claim) in &idp.mapping {
                create = create.attribute_mapping(attribute, claim);
            }
            for identifier in &idp.identifiers {
                create = create.idp_identifiers(identifier);
            }
            create.send().await.expect("CreateIdentityProvider");
        }
        let mut request = client
            .create_user_pool_client()
            .user_pool_id(&pool)
            .client_name(format!("{}-app", self.name))
            .generate_secret(self.secret)
            .allowed_o_auth_flows_user_pool_client(true)
            .callback_ur_ls(&self.callback)
            .logout_ur_ls(&self.signed_out);
        for flow in &self.flows {
            request = request.allowed_o_auth_flows(OAuthFlowType::from(flow.as_str()));
        }
        for scope in &self.scopes {
            request = request.allowed_o_auth_scopes(scope.as_str());
        }
        for flow in &self.explicit_flows {
            request = request.explicit_auth_flows(cognito_idp::types::ExplicitAuthFlowsType::from(flow.as_str()));
        }
        for provider in &self.providers {
            request = request.supported_identity_providers(provider.as_str());
        }
        let created = request.send().await.expect("CreateUserPoolClient").user_pool_client.unwrap();
        OAuthApp {
            pool,
            base: format!("{url}/domain/{domain}"),
            domain,
            client_id: created.client_id.unwrap(),
            secret: created.client_secret,
            url: url.to_owned(),
            callback: self.callback,
        }
    }
}

/// The query (or fragment) parameters of `url`, as an app's callback reads them.
pub fn query_of(url: &str) -> std::collections::HashMap<String, String> {
    let part = url.split_once(['?', '#']).map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(part.as_bytes()).into_owned().collect()
}

/// An HTTP response as a test reads it.
#[derive(Debug)]
pub struct Page {
    /// The status.
    pub status: u16,
    /// `Location`, if any.
    pub location: Option<String>,
    /// The body as text.
    pub body: String,
    /// The headers.
    pub headers: reqwest::header::HeaderMap,
}

impl Page {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The value of hidden (or any) input `name` in the body.
    pub fn input(&self, name: &str) -> Option<String> {
        input_value(&self.body, name)
    }

    /// The query (or fragment) parameters of `Location`.
    pub fn location_params(&self) -> HashMap<String, String> {
        let location = self.location.as_deref().unwrap_or_else(|| panic!("no Location: {} {}", self.status, self.body));
        let part = location.split_once(['?', '#']).map(|(_, rest)| rest).unwrap_or_default();
        form_urlencoded::parse(part.as_bytes()).into_owned().collect()
    }
}

/// The `value` of the input named `name` in `html` (maud writes `name="x" value="y"` in order).
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let at = html.find(&marker)?;
    let tag_end = html[at..].find('>')? + at;
    let tag = &html[at..tag_end];
    let value_at = tag.find("value=\"")? + 7;
    let value_end = tag[value_at..].find('"')? + value_at;
    Some(
        tag[value_at..value_end]
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">"),
    )
}

/// A browser that keeps cookies (by name, whatever their path) and never follows redirects.
pub struct Browser {
    http: reqwest::Client,
    cookies: Mutex<BTreeMap<String, String>>,
    host: Option<String>,
}

impl Default for Browser {
    fn default() -> Self {
        Self::new()
    }
}

impl Browser {
    /// A browser with no cookies.
    pub fn new() -> Browser {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { http, cookies: Mutex::new(BTreeMap::new()), host: None }
    }

    /// A browser that sends `Host: host` (a domain's own host name).
    pub fn with_host(host: &str) -> Browser {
        Browser { host: Some(host.to_owned()), ..Browser::new() }
    }

    /// The cookie `name`, if set.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    /// Forgets cookie `name`.
    pub fn drop_cookie(&self, name: &str) {
        self.cookies.lock().unwrap().remove(name);
    }

    async fn send(&self, mut request: reqwest::RequestBuilder) -> Page {
        let cookies =
            self.cookies.lock().unwrap().iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ");
        if !cookies.is_empty() {
            request = request.header(reqwest::header::COOKIE, cookies);
        }
        if let Some(host) = &self.host {
            request = request.header(reqwest::header::HOST, host);
        }
        let response = request.send().await.expect("the request is answered");
        for set in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let text = set.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let removed = text.contains("Max-Age=0") || text.contains("max-age=0") || value.is_empty();
            let mut cookies = self.cookies.lock().unwrap();
            if removed {
                cookies.remove(name);
            } else {
                cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let location = headers.get(reqwest::header::LOCATION).map(|l| l.to_str().unwrap().to_owned());
        let body = response.text().await.unwrap_or_default();
        Page { status, location, body, headers }
    }

    /// `GET url`.
    pub async fn get(&self, url: &str) -> Page {
        self.send(self.http.get(url)).await
    }

    /// `POST url` with form `fields`.
    pub async fn post(&self, url: &str, fields: &[(&str, &str)]) -> Page {
        self.send(self.http.post(url).form(fields)).await
    }

    /// `POST url` with form `fields` and extra headers.
    pub async fn post_with(&self, url: &str, fields: &[(&str, &str)], headers: &[(&str, &str)]) -> Page {
        let mut request = self.http.post(url).form(fields);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request).await
    }

    /// `GET url` with extra headers.
    pub async fn get_with(&self, url: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = self.http.get(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request).await
    }

    /// From an authorization URL to the app's callback: follows the redirect to the sign-in
    /// page, signs in as `username`, and returns the response that redirects to the app.
    pub async fn sign_in(&self, app: &OAuthApp, authorize_url: &str, username: &str, password: &str) -> Page {
        let to_login = self.get(authorize_url).await;
        assert_eq!(to_login.status, 302, "{}", to_login.body);
        let login_url = absolute(app, to_login.location.as_deref().unwrap());
        assert!(login_url.contains("/login?"), "{login_url}");
        let form = self.get(&login_url).await;
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = form.input("_csrf").expect("a CSRF field");
        self.post(
            &login_url,
            &[("_csrf", &csrf), ("username", username), ("password", password), ("signInSubmitButton", "Sign in")],
        )
        .await
    }
}

/// A `Location` made absolute against the server.
pub fn absolute(app: &OAuthApp, location: &str) -> String {
    if location.starts_with('/') { format!("{}{location}", app.url) } else { location.to_owned() }
}

/// A PKCE verifier and its S256 challenge.
pub fn pkce() -> (String, String) {
    let verifier = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The claims of a JWT (unverified).
pub fn claims(token: &str) -> Value {
    let part = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}
