//! `--seed FILE`: user pools, app clients, groups and users with fixed ids, created at start-up
//! so that a team's test suite can hard-code its pool id and client id.
//!
//! The file is JSON. Each entry is the API's own request, as the AWS CLI's `--cli-input-json`
//! takes it, plus the few members the API has no place for:
//!
//! ```json
//! {
//!   "UserPools": [{
//!     "Id": "us-east-1_Seeded001",
//!     "PoolName": "app",
//!     "AutoVerifiedAttributes": ["email"],
//!     "UsernameConfiguration": {"CaseSensitive": false},
//!     "Clients": [{
//!       "ClientId": "seededwebclient0000000000a",
//!       "ClientName": "web",
//!       "ClientSecret": "seeded-secret",
//!       "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
//!     }],
//!     "Groups": [{"GroupName": "admins", "Precedence": 1}],
//!     "Users": [{
//!       "Username": "diego",
//!       "UserAttributes": [{"Name": "email", "Value": "diego@example.com"},
//!                          {"Name": "email_verified", "Value": "true"}],
//!       "Password": "Passw0rd!",
//!       "Groups": ["admins"]
//!     }]
//!   }]
//! }
//! ```
//!
//! - a pool is a `CreateUserPool` request plus `Id` (required) and its `Clients`, `Groups` and
//!   `Users`;
//! - a client is a `CreateUserPoolClient` request without `UserPoolId`, plus `ClientId`
//!   (required); `ClientSecret` fixes its secret, `GenerateSecret` makes a random one;
//! - a group is a `CreateGroup` request without `UserPoolId`;
//! - a user is an `AdminCreateUser` request without `UserPoolId` (`MessageAction` defaults to
//!   `SUPPRESS`), plus `Password` and `Permanent` (default true: the user is `CONFIRMED`; false:
//!   `FORCE_CHANGE_PASSWORD`, as `AdminSetUserPassword` does), `Groups` (names), `Enabled`
//!   (default true) and `Status`: `CONFIRMED`, `FORCE_CHANGE_PASSWORD` (both as the password
//!   makes them), `RESET_REQUIRED` (as a user import leaves it: the user must reset the
//!   password, and nothing is sent) or `UNCONFIRMED` (as a `SignUp` never confirmed).
//!
//! Everything goes through the handlers the API uses, so the seed is validated exactly as API
//! calls are (the model's constraints, then the handler's rules). Applying is idempotent: an
//! entry whose pool id, client id, group name or username exists is left as it is, so a second
//! start with the same file changes nothing, and data created since (or changed) is kept.

use std::path::Path;

use awsjson_types::Validate;
use awsjson_types::structure::ReadMembers;
use cognito_idp::ErrorCode;
use cognito_idp::types::*;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::errors::ApiError;
use crate::handlers::{self, clients, groups, pools, users};
use crate::state::Cognito;
use crate::store::{AliasConflict, Store, StoreError};

type Entry = Map<String, Value>;

/// Applies the seed file at `path` (idempotent: what exists is left as it is). The error says
/// which entry failed and why, in AWS's words where the API refused it.
pub async fn apply<S: Store>(svc: &Cognito<S>, path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("seed {}: {e}", path.display()))?;
    apply_json(svc, &text).await.map_err(|e| format!("seed {}: {e}", path.display()))
}

/// Applies a seed given as JSON text (see the module's documentation for the format). The
/// whole file is read and checked against the model first, so a typo stops the start before
/// anything is created.
pub async fn apply_json<S: Store>(svc: &Cognito<S>, text: &str) -> Result<(), String> {
    let mut root: Entry = match serde_json::from_str(text) {
        Ok(Value::Object(root)) => root,
        Ok(_) => return Err("expected a JSON object with `UserPools`".into()),
        Err(e) => return Err(format!("not JSON: {e}")),
    };
    let entries = take_list(&mut root, "UserPools")?;
    if let Some(key) = root.keys().next() {
        return Err(format!("unknown member `{key}` (expected `UserPools`)"));
    }
    let mut plans = Vec::new();
    for (index, entry) in entries.into_iter().enumerate() {
        plans.push(PoolPlan::parse(entry).map_err(|e| format!("UserPools[{index}]: {e}"))?);
    }
    for (index, plan) in plans.into_iter().enumerate() {
        plan.apply(svc).await.map_err(|e| format!("UserPools[{index}]: {e}"))?;
    }
    Ok(())
}

/// `key`'s list of objects, removed from `entry` (empty when absent).
fn take_list(entry: &mut Entry, key: &str) -> Result<Vec<Entry>, String> {
    match entry.remove(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|item| match item {
                Value::Object(object) => Ok(object),
                other => Err(format!("`{key}` holds {other}, not an object")),
            })
            .collect(),
        Some(other) => Err(format!("`{key}` must be a list, not {other}")),
    }
}

fn take_string(entry: &mut Entry, key: &str) -> Result<Option<String>, String> {
    match entry.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("`{key}` must be a string, not {other}")),
    }
}

fn take_bool(entry: &mut Entry, key: &str) -> Result<Option<bool>, String> {
    match entry.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(other) => Err(format!("`{key}` must be true or false, not {other}")),
    }
}

/// The rest of `entry` as the API request `T`, refusing members `T` does not have (a typo
/// would otherwise be ignored silently) and checked against the model as the API checks it.
fn request<T: DeserializeOwned + ReadMembers + Validate + serde::Serialize>(entry: Entry) -> Result<T, String> {
    if let Some(key) = entry.keys().find(|k| !T::MEMBERS.contains(&k.as_str())) {
        return Err(format!("unknown member `{key}` of {}", T::NAME));
    }
    let request: T = serde_json::from_value(Value::Object(entry)).map_err(|e| format!("{}: {e}", T::NAME))?;
    request.validate().map_err(|e| e.to_string())?;
    Ok(request)
}

fn api(e: ApiError) -> String {
    format!("{}: {}", e.code, e.message)
}

/// A pool entry, parsed and checked.
struct PoolPlan {
    id: String,
    create: CreateUserPoolRequest,
    clients: Vec<(String, CreateUserPoolClientRequest)>,
    groups: Vec<CreateGroupRequest>,
    users: Vec<UserPlan>,
}

/// A user entry, parsed and checked.
struct UserPlan {
    create: AdminCreateUserRequest,
    password: Option<String>,
    permanent: bool,
    enabled: bool,
    status: &'static str,
    groups: Vec<String>,
}

impl PoolPlan {
    fn parse(mut entry: Entry) -> Result<PoolPlan, String> {
        let id = take_string(&mut entry, "Id")?.ok_or("`Id` (the pool's fixed id) is required")?;
        // The id must be one the API accepts wherever a pool id is taken.
        DescribeUserPoolRequest { user_pool_id: id.clone() }.validate().map_err(|e| format!("`Id`: {e}"))?;
        let clients = take_list(&mut entry, "Clients")?;
        let groups = take_list(&mut entry, "Groups")?;
        let users = take_list(&mut entry, "Users")?;
        let create = request(entry)?;
        let within = |kind: &str, index: usize, e: String| format!("pool {id}: {kind}[{index}]: {e}");
        let mut plan = PoolPlan { id: id.clone(), create, clients: Vec::new(), groups: Vec::new(), users: Vec::new() };
        for (index, mut client) in clients.into_iter().enumerate() {
            let parsed = (|| {
                let client_id =
                    take_string(&mut client, "ClientId")?.ok_or("`ClientId` (the client's fixed id) is required")?;
                DescribeUserPoolClientRequest { user_pool_id: id.clone(), client_id: client_id.clone() }
                    .validate()
                    .map_err(|e| format!("`ClientId`: {e}"))?;
                client.insert("UserPoolId".into(), Value::String(id.clone()));
                Ok::<_, String>((client_id, request(client)?))
            })();
            plan.clients.push(parsed.map_err(|e| within("Clients", index, e))?);
        }
        for (index, mut group) in groups.into_iter().enumerate() {
            group.insert("UserPoolId".into(), Value::String(id.clone()));
            plan.groups.push(request(group).map_err(|e| within("Groups", index, e))?);
        }
        for (index, user) in users.into_iter().enumerate() {
            plan.users.push(UserPlan::parse(&id, user).map_err(|e| within("Users", index, e))?);
        }
        Ok(plan)
    }

    async fn apply<S: Store>(self, svc: &Cognito<S>) -> Result<(), String> {
        let id = self.id;
        match svc.store.get_pool(&id).await {
            Ok(_) => tracing::info!(pool = %id, "seed: the pool exists, left as it is"),
            Err(StoreError::NotFound) => {
                pools::create_user_pool_with_id(svc, self.create, Some(id.clone())).await.map_err(api)?;
                tracing::info!(pool = %id, "seed: pool created");
            }
            Err(e) => return Err(e.to_string()),
        }
        let within = |kind: &str, index: usize, e: String| format!("pool {id}: {kind}[{index}]: {e}");
        for (index, (client_id, create)) in self.clients.into_iter().enumerate() {
            apply_client(svc, &id, client_id, create).await.map_err(|e| within("Clients", index, e))?;
        }
        for (index, create) in self.groups.into_iter().enumerate() {
            apply_group(svc, create).await.map_err(|e| within("Groups", index, e))?;
        }
        for (index, user) in self.users.into_iter().enumerate() {
            user.apply(svc, &id).await.map_err(|e| within("Users", index, e))?;
        }
        Ok(())
    }
}

async fn apply_client<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    id: String,
    create: CreateUserPoolClientRequest,
) -> Result<(), String> {
    match svc.store.find_client(&id).await {
        Ok(existing) if existing.pool_id == pool_id => {
            tracing::info!(client = %id, "seed: the app client exists, left as it is");
            return Ok(());
        }
        Ok(existing) => return Err(format!("app client {id} exists in another pool ({})", existing.pool_id)),
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.to_string()),
    }
    clients::create_user_pool_client_with_id(svc, create, Some(id.clone())).await.map_err(api)?;
    tracing::info!(client = %id, "seed: app client created");
    Ok(())
}

async fn apply_group<S: Store>(svc: &Cognito<S>, create: CreateGroupRequest) -> Result<(), String> {
    match svc.store.get_group(&create.user_pool_id, &create.group_name).await {
        Ok(_) => {
            tracing::info!(group = %create.group_name, "seed: the group exists, left as it is");
            return Ok(());
        }
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.to_string()),
    }
    let name = create.group_name.clone();
    groups::create_group(svc, create).await.map_err(api)?;
    tracing::info!(group = %name, "seed: group created");
    Ok(())
}

impl UserPlan {
    fn parse(pool_id: &str, mut entry: Entry) -> Result<UserPlan, String> {
        let password = take_string(&mut entry, "Password")?;
        let permanent = take_bool(&mut entry, "Permanent")?.unwrap_or(true);
        let enabled = take_bool(&mut entry, "Enabled")?.unwrap_or(true);
        let status = take_string(&mut entry, "Status")?;
        let groups: Vec<String> = match entry.remove("Groups") {
            None | Some(Value::Null) => Vec::new(),
            Some(value) => serde_json::from_value(value).map_err(|_| "`Groups` must be a list of group names")?,
        };
        entry.insert("UserPoolId".into(), Value::String(pool_id.to_owned()));
        entry.entry("MessageAction").or_insert_with(|| Value::String("SUPPRESS".into()));
        let create: AdminCreateUserRequest = request(entry)?;
        let status = match (status.as_deref(), &password, permanent) {
            (None | Some("CONFIRMED"), Some(_), true) => "CONFIRMED",
            (None, _, _) => "FORCE_CHANGE_PASSWORD",
            (Some("FORCE_CHANGE_PASSWORD"), Some(_), true) => {
                return Err("`Status` FORCE_CHANGE_PASSWORD needs `Permanent: false` with a `Password`".into());
            }
            (Some("FORCE_CHANGE_PASSWORD"), _, _) => "FORCE_CHANGE_PASSWORD",
            (Some("RESET_REQUIRED"), _, _) => "RESET_REQUIRED",
            (Some("UNCONFIRMED"), _, _) => "UNCONFIRMED",
            (Some("CONFIRMED"), _, _) => return Err("`Status` CONFIRMED needs a permanent `Password`".into()),
            (Some(other), _, _) => {
                return Err(format!(
                    "`Status` {other}: expected CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED or UNCONFIRMED"
                ));
            }
        };
        Ok(UserPlan { create, password, permanent, enabled, status, groups })
    }

    async fn apply<S: Store>(self, svc: &Cognito<S>, pool_id: &str) -> Result<(), String> {
        let username = self.create.username.clone();
        let pool = handlers::load_pool(svc, pool_id).await.map_err(api)?;
        match handlers::find_user(svc, &pool, &username).await {
            Ok(_) => {
                tracing::info!(%username, "seed: the user exists, left as it is");
                return Ok(());
            }
            Err(e) if e.code == ErrorCode::UserNotFoundException => {}
            Err(e) => return Err(api(e)),
        }
        users::admin_create_user(svc, self.create).await.map_err(api)?;
        if let Some(password) = self.password {
            let set = AdminSetUserPasswordRequest {
                user_pool_id: pool_id.to_owned(),
                username: username.clone(),
                password,
                permanent: Some(self.permanent),
            };
            users::admin_set_user_password(svc, set).await.map_err(api)?;
        }
        for group in self.groups {
            let add = AdminAddUserToGroupRequest {
                user_pool_id: pool_id.to_owned(),
                username: username.clone(),
                group_name: group,
            };
            groups::admin_add_user_to_group(svc, add).await.map_err(api)?;
        }
        // No API operation leads to UNCONFIRMED, nor to RESET_REQUIRED without sending a code:
        // the status is written as SignUp and a user import write it.
        if matches!(self.status, "UNCONFIRMED" | "RESET_REQUIRED") {
            set_status(svc, &pool, &username, self.status).await?;
        }
        if !self.enabled {
            let disable = AdminDisableUserRequest { user_pool_id: pool_id.to_owned(), username: username.clone() };
            users::admin_disable_user(svc, disable).await.map_err(api)?;
        }
        tracing::info!(%username, status = self.status, "seed: user created");
        Ok(())
    }
}

async fn set_status<S: Store>(
    svc: &Cognito<S>,
    pool: &handlers::Pool,
    username: &str,
    status: &str,
) -> Result<(), String> {
    let mut user = handlers::find_user(svc, pool, username).await.map_err(api)?;
    user.status = status.to_owned();
    let aliases = crate::domain::attributes::aliases(&pool.doc, &user.attributes)
        .into_iter()
        .map(|(kind, value)| crate::store::Alias { kind: kind.to_owned(), key: handlers::alias_key(pool, kind, value) })
        .collect();
    // Start-up runs alone: nothing else writes this new user, so no retry is needed.
    svc.store.update_user(user, aliases, AliasConflict::Fail, Vec::new()).await.map_err(|e| e.to_string())?;
    Ok(())
}
