//! What a point-in-time recovery changes: the pool's user data at the recovery point, read from
//! the history (`store::history`), against the data now. The same plan is the preview (counts
//! per entity) and, when the recovery starts, the changes applied.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cognito_idp::types::RestorePreviewType;

use crate::errors::{ApiError, ApiResult};
use crate::handlers::auth::SRP_KEY;
use crate::handlers::mfa::USER_KEY as MFA_KEY;
use crate::handlers::shared::user_aliases;
use crate::state::{Cognito, Pool};
use crate::store::history::images::{GroupImage, UserImage};
use crate::store::history::{kind, split_member_key};
use crate::store::{HistoryRow, RestoreChange, Store, StoreError, UserRecord};

/// The entities of AWS's preview, in its order (`RestorePreviewType.Entity`).
pub const ENTITIES: [&str; 4] = ["Users", "Groups", "User MFAs", "Passkeys"];

/// The changes that bring the pool back to its state at the recovery point, and their counts.
#[derive(Debug, Default)]
pub struct Plan {
    /// What to apply.
    pub changes: Vec<RestoreChange>,
    /// Per entity (index into [`ENTITIES`]): records to create, update and delete.
    pub counts: [[i64; 3]; 4],
}

const CREATE: usize = 0;
const UPDATE: usize = 1;
const DELETE: usize = 2;
const USERS: usize = 0;
const GROUPS: usize = 1;
const MFAS: usize = 2;

impl Plan {
    /// The preview as the API gives it: every entity, with its counts.
    pub fn preview(&self) -> Vec<RestorePreviewType> {
        ENTITIES
            .iter()
            .zip(self.counts)
            .map(|(entity, [create, update, delete])| RestorePreviewType {
                entity: Some((*entity).to_owned()),
                create_count: Some(create),
                update_count: Some(update),
                delete_count: Some(delete),
            })
            .collect()
    }
}

/// The plan of a recovery of `pool` to `restore_ms`: for every record changed since, its
/// earliest history row after that time is how it was then.
pub async fn plan<S: Store>(svc: &Cognito<S>, pool: &Pool, restore_ms: i64) -> ApiResult<Plan> {
    let rows = svc.store.history_since(pool.id(), restore_ms).await?;
    let mut then: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    for HistoryRow { kind, key, before, .. } in rows {
        then.entry((kind, key)).or_insert(before);
    }
    let mut plan = Plan::default();
    let mut groups_touched: BTreeSet<String> = BTreeSet::new();
    let mut groups_counted: BTreeSet<String> = BTreeSet::new();
    let mut memberships: HashMap<String, BTreeSet<String>> = HashMap::new();
    for ((record_kind, key), before) in &then {
        match record_kind.as_str() {
            kind::USER => user(svc, pool, key, before.as_deref(), &mut plan).await?,
            kind::GROUP if group(svc, pool, key, before.as_deref(), &mut plan).await? => {
                groups_counted.insert(key.clone());
            }
            kind::MEMBER => {
                let Some((group, user_key)) = split_member_key(key) else { continue };
                let was = before.is_some();
                if !memberships.contains_key(user_key) {
                    memberships.insert(user_key.to_owned(), groups_of(svc, pool, user_key).await?);
                }
                let is = memberships.get(user_key).is_some_and(|groups| groups.contains(group));
                match (was, is) {
                    (true, false) => plan.changes.push(RestoreChange::AddMember(group.to_owned(), user_key.to_owned())),
                    (false, true) => {
                        plan.changes.push(RestoreChange::RemoveMember(group.to_owned(), user_key.to_owned()))
                    }
                    _ => continue,
                }
                groups_touched.insert(group.to_owned());
            }
            _ => {}
        }
    }
    // A membership that changes counts as an update of its group (AWS's preview names no
    // entity for memberships), unless the group is itself created, updated or deleted.
    plan.counts[GROUPS][UPDATE] += groups_touched.difference(&groups_counted).count() as i64;
    Ok(plan)
}

/// The groups a user belongs to now (none when the user does not exist).
async fn groups_of<S: Store>(svc: &Cognito<S>, pool: &Pool, user_key: &str) -> ApiResult<BTreeSet<String>> {
    let mut names = BTreeSet::new();
    let mut after = 0;
    loop {
        let page = match svc.store.list_user_groups(pool.id(), user_key, after, 60).await {
            Ok(page) => page,
            Err(StoreError::NotFound) => return Ok(names),
            Err(e) => return Err(e.into()),
        };
        names.extend(page.items.into_iter().map(|g| g.name));
        match page.next {
            Some(next) => after = next,
            None => return Ok(names),
        }
    }
}

fn decode<T: serde::de::DeserializeOwned>(text: &str) -> ApiResult<T> {
    serde_json::from_str(text).map_err(|e| ApiError::internal(format!("a history row does not decode: {e}")))
}

/// Plans one user: back as it was, gone if it was not there, or unchanged.
async fn user<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    key: &str,
    before: Option<&str>,
    plan: &mut Plan,
) -> ApiResult<()> {
    let then = before.map(decode::<UserImage>).transpose()?.map(|image| image.into_record(pool.id(), key));
    let now = match svc.store.get_user(pool.id(), key).await {
        Ok(user) => Some(user),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let has_mfa = |u: &UserRecord| u.extra.get(MFA_KEY).is_some_and(|m| !m.is_null());
    match (then, now) {
        (None, None) => {}
        (None, Some(now)) => {
            plan.counts[USERS][DELETE] += 1;
            if has_mfa(&now) {
                plan.counts[MFAS][DELETE] += 1;
            }
            plan.changes.push(RestoreChange::DeleteUser(key.to_owned()));
        }
        (Some(then), None) => {
            plan.counts[USERS][CREATE] += 1;
            if has_mfa(&then) {
                plan.counts[MFAS][CREATE] += 1;
            }
            let aliases = user_aliases(pool, &then);
            plan.changes.push(RestoreChange::PutUser { user: Box::new(then), aliases });
        }
        (Some(then), Some(now)) if then.sub != now.sub => {
            // Another user took the username since: it goes, and the one of then comes back.
            plan.counts[USERS][DELETE] += 1;
            plan.counts[USERS][CREATE] += 1;
            plan.changes.push(RestoreChange::DeleteUser(key.to_owned()));
            let aliases = user_aliases(pool, &then);
            plan.changes.push(RestoreChange::PutUser { user: Box::new(then), aliases });
        }
        (Some(mut then), Some(now)) => {
            // AWS: "Users who changed their password after the recovery point keep their
            // current password" (InitiatePointInTimeRecovery): with it, its SRP verifier,
            // temporary expiry and the status that goes with it.
            if then.password_hash != now.password_hash {
                then.password_hash = now.password_hash.clone();
                then.temporary_password_expires_ms = now.temporary_password_expires_ms;
                then.status = now.status.clone();
                match now.extra.get(SRP_KEY) {
                    Some(srp) => then.extra.insert(SRP_KEY.to_owned(), srp.clone()),
                    None => then.extra.remove(SRP_KEY),
                };
            }
            let profile_differs = profile(&then) != profile(&now);
            let mfa_differs = then.extra.get(MFA_KEY) != now.extra.get(MFA_KEY);
            if !profile_differs && !mfa_differs {
                return Ok(());
            }
            if profile_differs {
                plan.counts[USERS][UPDATE] += 1;
            }
            if mfa_differs {
                let slot = match (has_mfa(&then), has_mfa(&now)) {
                    (true, false) => CREATE,
                    (false, true) => DELETE,
                    _ => UPDATE,
                };
                plan.counts[MFAS][slot] += 1;
            }
            let aliases = user_aliases(pool, &then);
            plan.changes.push(RestoreChange::PutUser { user: Box::new(then), aliases });
        }
    }
    Ok(())
}

/// What the preview calls a user's profile: everything but its MFA settings and the dates
/// every write moves.
fn profile(user: &UserRecord) -> serde_json::Value {
    let mut extra = user.extra.clone();
    extra.remove(MFA_KEY);
    serde_json::json!([
        user.username,
        user.sub,
        user.status,
        user.enabled,
        user.attributes,
        user.password_hash,
        user.temporary_password_expires_ms,
        extra
    ])
}

/// Plans one group; whether it is counted (created, updated or deleted).
async fn group<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    name: &str,
    before: Option<&str>,
    plan: &mut Plan,
) -> ApiResult<bool> {
    let then = before.map(decode::<GroupImage>).transpose()?;
    let now = match svc.store.get_group(pool.id(), name).await {
        Ok(group) => Some(group),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let slot = match (then, now) {
        (None, None) => return Ok(false),
        (None, Some(_)) => {
            plan.changes.push(RestoreChange::DeleteGroup(name.to_owned()));
            DELETE
        }
        (Some(then), None) => {
            plan.changes.push(RestoreChange::PutGroup { name: name.to_owned(), doc: then.doc });
            CREATE
        }
        (Some(then), Some(now)) => {
            if without_dates(&then.doc) == without_dates(&now.doc) {
                return Ok(false);
            }
            plan.changes.push(RestoreChange::PutGroup { name: name.to_owned(), doc: then.doc });
            UPDATE
        }
    };
    plan.counts[GROUPS][slot] += 1;
    Ok(true)
}

/// A group's document without its modification date, which every update moves.
fn without_dates(doc: &serde_json::Value) -> serde_json::Value {
    let mut doc = doc.clone();
    if let Some(map) = doc.as_object_mut() {
        map.remove("LastModifiedDate");
    }
    doc
}
