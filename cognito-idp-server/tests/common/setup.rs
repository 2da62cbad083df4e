//! What most tests start from: a user pool ([`PoolBuilder`]), an app client ([`ClientBuilder`],
//! giving an [`AppClient`]) and users ([`UserBuilder`], [`confirmed_user`]), made through the
//! generated client with the options the tests vary (flows, secret, aliases, MFA...). Anything
//! else the generated request builders take goes through `with`.
//!
//! ```ignore
//! let pool = PoolBuilder::new("emails").username_attributes("email").create(&client).await;
//! let app = ClientBuilder::new("app").flows(&PASSWORD_FLOWS).secret().create(&client, &pool).await;
//! confirmed_user(&client, &pool, "diego", PASSWORD).await;
//! let hash = app.secret_hash("diego");
//! ```

use cognito_idp::Client;
use cognito_idp::client::{CreateUserPoolBuilder, CreateUserPoolClientBuilder};
use cognito_idp::types::*;

use super::attr;

/// The password test users get unless a test says otherwise (it meets the default policy).
pub const PASSWORD: &str = "Passw0rd!";

/// Every password flow with refresh and SRP: what a client needs for `USER_PASSWORD_AUTH`,
/// `ADMIN_USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH` and `USER_SRP_AUTH`.
pub const PASSWORD_FLOWS: [&str; 4] =
    ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"];

/// A change to a generated request builder, applied when the call is made.
type Adjust<B> = Box<dyn FnOnce(B) -> B + Send>;

/// A user pool to create: `PoolBuilder::new(name)`, options, then [`create`](Self::create).
/// Without options it is `CreateUserPool` with only a name (AWS's defaults).
pub struct PoolBuilder {
    name: String,
    adjust: Vec<Adjust<CreateUserPoolBuilder>>,
    mfa: Option<Mfa>,
}

/// The `SetUserPoolMfaConfig` a [`PoolBuilder`] makes after creating the pool.
#[derive(Default)]
struct Mfa {
    mode: String,
    sms: bool,
    totp: bool,
    email: bool,
}

impl PoolBuilder {
    /// A pool named `name`.
    pub fn new(name: &str) -> PoolBuilder {
        PoolBuilder { name: name.to_owned(), adjust: Vec::new(), mfa: None }
    }

    /// Any other setting of `CreateUserPool`: `.with(|p| p.deletion_protection("ACTIVE"))`.
    pub fn with(
        mut self,
        adjust: impl FnOnce(CreateUserPoolBuilder) -> CreateUserPoolBuilder + Send + 'static,
    ) -> Self {
        self.adjust.push(Box::new(adjust));
        self
    }

    /// `AliasAttributes`: users also sign in with `attribute` (`email`, `phone_number`,
    /// `preferred_username`).
    pub fn alias_attributes(self, attribute: &str) -> Self {
        let attribute = AliasAttributeType::from(attribute);
        self.with(move |p| p.alias_attributes(attribute))
    }

    /// `UsernameAttributes`: usernames are `attribute` values (the stored username is the sub).
    pub fn username_attributes(self, attribute: &str) -> Self {
        let attribute = UsernameAttributeType::from(attribute);
        self.with(move |p| p.username_attributes(attribute))
    }

    /// `AutoVerifiedAttributes`: codes go to these (`email`, `phone_number`) on sign-up.
    pub fn auto_verify(self, attributes: &[&str]) -> Self {
        let attributes: Vec<VerifiedAttributeType> = attributes.iter().map(|a| (*a).into()).collect();
        self.with(move |mut p| {
            for attribute in attributes {
                p = p.auto_verified_attributes(attribute);
            }
            p
        })
    }

    /// `AttributesRequireVerificationBeforeUpdate`: a new value waits for its code.
    pub fn verify_before_update(self, attributes: &[&str]) -> Self {
        let settings = UserAttributeUpdateSettingsType {
            attributes_require_verification_before_update: Some(attributes.iter().map(|a| (*a).into()).collect()),
        };
        self.with(move |p| p.user_attribute_update_settings(settings))
    }

    /// Choice-based sign-in (`USER_AUTH`): the `ESSENTIALS` tier with these
    /// `AllowedFirstAuthFactors` (`PASSWORD`, `EMAIL_OTP`, ...).
    pub fn sign_in_factors(self, factors: &[&str]) -> Self {
        let policies = UserPoolPolicyType {
            sign_in_policy: Some(SignInPolicyType {
                allowed_first_auth_factors: Some(factors.iter().map(|f| AuthFactorType::from(*f)).collect()),
            }),
            ..Default::default()
        };
        self.with(move |p| p.user_pool_tier("ESSENTIALS").policies(policies))
    }

    /// Email sent with SES ([`ses_email_configuration`]), as email MFA requires.
    pub fn ses_email(self) -> Self {
        self.with(|p| p.email_configuration(ses_email_configuration()))
    }

    /// `SetUserPoolMfaConfig` with `mode` (`OFF`, `OPTIONAL`, `ON`) once the pool exists; the
    /// factors come from [`sms_mfa`](Self::sms_mfa), [`totp_mfa`](Self::totp_mfa) and
    /// [`email_mfa`](Self::email_mfa).
    pub fn mfa(mut self, mode: &str) -> Self {
        self.mfa.get_or_insert_with(Mfa::default).mode = mode.to_owned();
        self
    }

    /// SMS MFA: the message `Your code is {####}` through [`sns_configuration`].
    pub fn sms_mfa(mut self) -> Self {
        self.mfa.get_or_insert_with(Mfa::default).sms = true;
        self
    }

    /// Software token (TOTP) MFA.
    pub fn totp_mfa(mut self) -> Self {
        self.mfa.get_or_insert_with(Mfa::default).totp = true;
        self
    }

    /// Email MFA: the message `Your sign-in code is {####}`, subject `Sign-in code` (the pool
    /// needs [`ses_email`](Self::ses_email)).
    pub fn email_mfa(mut self) -> Self {
        self.mfa.get_or_insert_with(Mfa::default).email = true;
        self
    }

    /// Creates the pool (and sets its MFA); returns its id.
    pub async fn create(self, client: &Client) -> String {
        let mut create = client.create_user_pool().pool_name(&self.name);
        for adjust in self.adjust {
            create = adjust(create);
        }
        let pool = create.send().await.expect("CreateUserPool").user_pool.and_then(|p| p.id).expect("a pool id");
        if let Some(mfa) = self.mfa {
            let mut request =
                client.set_user_pool_mfa_config().user_pool_id(&pool).mfa_configuration(mfa.mode.as_str());
            if mfa.sms {
                request = request.sms_mfa_configuration(SmsMfaConfigType {
                    sms_authentication_message: Some("Your code is {####}".into()),
                    sms_configuration: Some(sns_configuration()),
                });
            }
            if mfa.totp {
                request = request.software_token_mfa_configuration(SoftwareTokenMfaConfigType { enabled: Some(true) });
            }
            if mfa.email {
                request = request.email_mfa_configuration(EmailMfaConfigType {
                    message: Some("Your sign-in code is {####}".into()),
                    subject: Some("Sign-in code".into()),
                });
            }
            request.send().await.expect("SetUserPoolMfaConfig");
        }
        pool
    }
}

/// The `EmailConfiguration` of a pool that sends with SES (`DEVELOPER`) from example.com.
pub fn ses_email_configuration() -> EmailConfigurationType {
    EmailConfigurationType {
        email_sending_account: Some("DEVELOPER".into()),
        source_arn: Some("arn:aws:ses:us-east-1:000000000000:identity/example.com".into()),
        from: Some("no-reply@example.com".into()),
        ..Default::default()
    }
}

/// The `SmsConfiguration` [`PoolBuilder::sms_mfa`] gives a pool.
pub fn sns_configuration() -> SmsConfigurationType {
    SmsConfigurationType {
        sns_caller_arn: Some("arn:aws:iam::000000000000:role/sms".into()),
        external_id: Some("mfa-test".into()),
        sns_region: Some("us-east-1".into()),
        ..Default::default()
    }
}

/// An app client to create: `ClientBuilder::new(name)`, options, then
/// [`create`](Self::create). Without options: no secret, AWS's default flows.
pub struct ClientBuilder {
    name: String,
    flows: Vec<String>,
    secret: bool,
    hide_users: bool,
    read: Vec<String>,
    write: Vec<String>,
    adjust: Vec<Adjust<CreateUserPoolClientBuilder>>,
}

/// An app client that exists: its id and, when it has one, its secret.
#[derive(Debug, Clone)]
pub struct AppClient {
    /// `ClientId`.
    pub id: String,
    /// `ClientSecret`.
    pub secret: Option<String>,
}

impl AppClient {
    /// The `SECRET_HASH` of `username` for this client, when it has a secret.
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        self.secret.as_deref().map(|secret| cognito_auth::secret_hash(username, &self.id, secret))
    }
}

impl ClientBuilder {
    /// A client named `name`.
    pub fn new(name: &str) -> ClientBuilder {
        ClientBuilder {
            name: name.to_owned(),
            flows: Vec::new(),
            secret: false,
            hide_users: false,
            read: Vec::new(),
            write: Vec::new(),
            adjust: Vec::new(),
        }
    }

    /// Adds these `ExplicitAuthFlows` (e.g. [`PASSWORD_FLOWS`]).
    pub fn flows(mut self, flows: &[&str]) -> Self {
        self.flows.extend(flows.iter().map(|f| (*f).to_owned()));
        self
    }

    /// `GenerateSecret`: the client has a secret ([`AppClient::secret`]).
    pub fn secret(self) -> Self {
        self.secret_if(true)
    }

    /// `GenerateSecret` as given.
    pub fn secret_if(mut self, secret: bool) -> Self {
        self.secret = secret;
        self
    }

    /// `PreventUserExistenceErrors: ENABLED`.
    pub fn hide_users(self) -> Self {
        self.hide_users_if(true)
    }

    /// `PreventUserExistenceErrors: ENABLED` when `hide`.
    pub fn hide_users_if(mut self, hide: bool) -> Self {
        self.hide_users = hide;
        self
    }

    /// Adds these `ReadAttributes` (none: every attribute).
    pub fn read(mut self, attributes: &[&str]) -> Self {
        self.read.extend(attributes.iter().map(|a| (*a).to_owned()));
        self
    }

    /// Adds these `WriteAttributes` (none: every attribute).
    pub fn write(mut self, attributes: &[&str]) -> Self {
        self.write.extend(attributes.iter().map(|a| (*a).to_owned()));
        self
    }

    /// Any other setting of `CreateUserPoolClient`: `.with(|c| c.auth_session_validity(15))`.
    pub fn with(
        mut self,
        adjust: impl FnOnce(CreateUserPoolClientBuilder) -> CreateUserPoolClientBuilder + Send + 'static,
    ) -> Self {
        self.adjust.push(Box::new(adjust));
        self
    }

    /// Creates the client in `pool`.
    pub async fn create(self, client: &Client, pool: &str) -> AppClient {
        let mut create =
            client.create_user_pool_client().user_pool_id(pool).client_name(&self.name).generate_secret(self.secret);
        for flow in self.flows {
            create = create.explicit_auth_flows(flow.as_str());
        }
        if self.hide_users {
            create = create.prevent_user_existence_errors("ENABLED");
        }
        for name in self.read {
            create = create.read_attributes(name);
        }
        for name in self.write {
            create = create.write_attributes(name);
        }
        for adjust in self.adjust {
            create = adjust(create);
        }
        let created = create.send().await.expect("CreateUserPoolClient").user_pool_client.expect("a client");
        AppClient { id: created.client_id.expect("a client id"), secret: created.client_secret }
    }
}

/// Creates an app client named `app` in `pool` allowing `flows`, without a secret; returns its id.
pub async fn app_client(client: &Client, pool: &str, flows: &[&str]) -> String {
    ClientBuilder::new("app").flows(flows).create(client, pool).await.id
}

/// A user to create with `AdminCreateUser` (sending nothing: `SUPPRESS`), then, with
/// [`password`](Self::password), `AdminSetUserPassword` (permanent: the user is `CONFIRMED`).
pub struct UserBuilder {
    username: String,
    attributes: Vec<AttributeType>,
    temporary_password: Option<String>,
    password: Option<String>,
}

impl UserBuilder {
    /// A user named `username`, without attributes or password.
    pub fn new(username: &str) -> UserBuilder {
        UserBuilder { username: username.to_owned(), attributes: Vec::new(), temporary_password: None, password: None }
    }

    /// An attribute.
    pub fn attr(mut self, name: &str, value: &str) -> Self {
        self.attributes.push(attr(name, value));
        self
    }

    /// These attributes, in order.
    pub fn attrs(mut self, attributes: &[(&str, &str)]) -> Self {
        self.attributes.extend(attributes.iter().map(|(name, value)| attr(name, value)));
        self
    }

    /// `email`: `<username>@example.com`.
    pub fn email(self) -> Self {
        let email = format!("{}@example.com", self.username);
        self.attr("email", &email)
    }

    /// `email` (`<username>@example.com`) and `email_verified: true`.
    pub fn verified_email(self) -> Self {
        self.email().attr("email_verified", "true")
    }

    /// `TemporaryPassword` of `AdminCreateUser` (without it the server makes one up).
    pub fn temporary_password(mut self, password: &str) -> Self {
        self.temporary_password = Some(password.to_owned());
        self
    }

    /// A permanent password, set after the creation.
    pub fn password(mut self, password: &str) -> Self {
        self.password = Some(password.to_owned());
        self
    }

    /// Creates the user in `pool`; returns the username it is stored under (the sub in pools
    /// whose usernames are emails or phone numbers).
    pub async fn create(self, client: &Client, pool: &str) -> String {
        let username = self.username;
        let mut create = client.admin_create_user().user_pool_id(pool).username(&username);
        if let Some(temporary) = self.temporary_password {
            create = create.temporary_password(temporary);
        }
        for attribute in self.attributes {
            create = create.user_attributes(attribute);
        }
        let created = create
            .message_action("SUPPRESS")
            .send()
            .await
            .unwrap_or_else(|e| panic!("AdminCreateUser {username}: {e}"));
        if let Some(password) = self.password {
            set_password(client, pool, &username, &password).await;
        }
        created.user.and_then(|u| u.username).expect("AdminCreateUser returns the user")
    }
}

/// A `CONFIRMED` user with `password` and a verified email `<username>@example.com`.
pub async fn confirmed_user(client: &Client, pool: &str, username: &str, password: &str) {
    UserBuilder::new(username).verified_email().password(password).create(client, pool).await;
}

/// `AdminSetUserPassword`, permanent.
pub async fn set_password(client: &Client, pool: &str, username: &str, password: &str) {
    client
        .admin_set_user_password()
        .user_pool_id(pool)
        .username(username)
        .password(password)
        .permanent(true)
        .send()
        .await
        .unwrap_or_else(|e| panic!("AdminSetUserPassword {username}: {e}"));
}
