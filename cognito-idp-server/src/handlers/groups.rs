//! Groups and their members.
//!
//! A group is stored as its `GroupType` document; memberships are rows of the store, keyed by
//! the user's username key, so they follow the user and the group and go with either.

use cognito_idp::Empty;
use cognito_idp::ErrorCode;
use cognito_idp::types::*;

use crate::clock::timestamp;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::RETRIES;
use crate::handlers::shared::{Pool, decode_token, encode_token, find_user, load_pool, user_type};
use crate::state::Cognito;
use crate::store::{GroupRecord, Store, StoreError};

/// `GroupExistsException` as AWS words it: the title of aws-amplify/amplify-backend issue 1781
/// quotes it (moto sends the same).
fn group_exists() -> ApiError {
    ApiError::new(ErrorCode::GroupExistsException, "A group with the name already exists")
}

/// `ResourceNotFoundException` for a missing group, as AWS words it (quoted in
/// aws-amplify/amplify-cli issue 2214, from `AdminAddUserToGroup`).
fn group_not_found() -> ApiError {
    ApiError::resource_not_found("Group not found.")
}

/// The page size of group and member listings: `Limit`, where 0 or none means the most, 60.
fn page_size(limit: Option<i32>) -> usize {
    match limit {
        Some(n) if n > 0 => n.min(60) as usize,
        _ => 60,
    }
}

fn decode(record: &GroupRecord) -> ApiResult<GroupType> {
    serde_json::from_value(record.doc.clone())
        .map_err(|e| ApiError::internal(format!("stored group {} does not decode: {e}", record.name)))
}

fn encode(doc: &GroupType) -> ApiResult<serde_json::Value> {
    serde_json::to_value(doc).map_err(|e| ApiError::internal(format!("encoding a group: {e}")))
}

/// The group `name` of `pool`, or "Group not found.".
async fn get<S: Store>(svc: &Cognito<S>, pool: &Pool, name: &str) -> ApiResult<GroupRecord> {
    match svc.store.get_group(pool.id(), name).await {
        Ok(record) => Ok(record),
        Err(StoreError::NotFound) => Err(group_not_found()),
        Err(e) => Err(e.into()),
    }
}

/// `CreateGroup`.
pub async fn create_group<S: Store>(svc: &Cognito<S>, input: CreateGroupRequest) -> ApiResult<CreateGroupResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let now = timestamp(svc.clock.now_ms());
    let doc = GroupType {
        group_name: Some(input.group_name.clone()),
        user_pool_id: Some(pool.id().to_owned()),
        description: input.description,
        role_arn: input.role_arn,
        precedence: input.precedence,
        last_modified_date: Some(now),
        creation_date: Some(now),
    };
    let record =
        GroupRecord { seq: 0, pool_id: pool.id().to_owned(), name: input.group_name, version: 0, doc: encode(&doc)? };
    match svc.store.insert_group(record).await {
        Ok(_) => Ok(CreateGroupResponse { group: Some(doc) }),
        Err(StoreError::GroupExists) => Err(group_exists()),
        Err(StoreError::NotFound) => Err(ApiError::pool_not_found(pool.id())),
        Err(e) => Err(e.into()),
    }
}

/// `GetGroup`.
pub async fn get_group<S: Store>(svc: &Cognito<S>, input: GetGroupRequest) -> ApiResult<GetGroupResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let record = get(svc, &pool, &input.group_name).await?;
    Ok(GetGroupResponse { group: Some(decode(&record)?) })
}

/// `UpdateGroup`: changes the description, role and precedence it is given, and leaves the
/// others as they are.
pub async fn update_group<S: Store>(svc: &Cognito<S>, input: UpdateGroupRequest) -> ApiResult<UpdateGroupResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    for _ in 0..RETRIES {
        let record = get(svc, &pool, &input.group_name).await?;
        let mut doc = decode(&record)?;
        if let Some(description) = &input.description {
            doc.description = Some(description.clone());
        }
        if let Some(role) = &input.role_arn {
            doc.role_arn = Some(role.clone());
        }
        if let Some(precedence) = input.precedence {
            doc.precedence = Some(precedence);
        }
        doc.last_modified_date = Some(timestamp(svc.clock.now_ms()));
        match svc.store.update_group(GroupRecord { doc: encode(&doc)?, ..record }).await {
            Ok(_) => return Ok(UpdateGroupResponse { group: Some(doc) }),
            Err(StoreError::Conflict) => continue,
            Err(StoreError::NotFound) => return Err(group_not_found()),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::internal("the group kept changing; try again"))
}

/// `DeleteGroup`: the group and its memberships.
pub async fn delete_group<S: Store>(svc: &Cognito<S>, input: DeleteGroupRequest) -> ApiResult<Empty> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    match svc.store.delete_group(pool.id(), &input.group_name).await {
        Ok(()) => Ok(Empty::default()),
        Err(StoreError::NotFound) => Err(group_not_found()),
        Err(e) => Err(e.into()),
    }
}

/// `ListGroups`: in creation order, `Limit` at a time.
pub async fn list_groups<S: Store>(svc: &Cognito<S>, input: ListGroupsRequest) -> ApiResult<ListGroupsResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let after = decode_token(input.next_token.as_deref())?;
    let page = svc.store.list_groups(pool.id(), after, page_size(input.limit)).await?;
    let groups = page.items.iter().map(decode).collect::<ApiResult<Vec<_>>>()?;
    Ok(ListGroupsResponse { groups: Some(groups), next_token: page.next.map(encode_token) })
}

/// `AdminAddUserToGroup`: adding a member again is not an error.
pub async fn admin_add_user_to_group<S: Store>(
    svc: &Cognito<S>,
    input: AdminAddUserToGroupRequest,
) -> ApiResult<Empty> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    get(svc, &pool, &input.group_name).await?;
    let user = find_user(svc, &pool, &input.username).await?;
    match svc.store.add_member(pool.id(), &input.group_name, &user.username_key).await {
        Ok(()) => Ok(Empty::default()),
        Err(StoreError::NotFound) => Err(missing_after_lookup(svc, &pool, &input.group_name).await),
        Err(e) => Err(e.into()),
    }
}

/// `AdminRemoveUserFromGroup`: removing a non-member is not an error.
pub async fn admin_remove_user_from_group<S: Store>(
    svc: &Cognito<S>,
    input: AdminRemoveUserFromGroupRequest,
) -> ApiResult<Empty> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    get(svc, &pool, &input.group_name).await?;
    let user = find_user(svc, &pool, &input.username).await?;
    match svc.store.remove_member(pool.id(), &input.group_name, &user.username_key).await {
        Ok(()) => Ok(Empty::default()),
        Err(StoreError::NotFound) => Err(missing_after_lookup(svc, &pool, &input.group_name).await),
        Err(e) => Err(e.into()),
    }
}

/// The group or the user went away between the lookups and the write: say which.
async fn missing_after_lookup<S: Store>(svc: &Cognito<S>, pool: &Pool, group: &str) -> ApiError {
    match get(svc, pool, group).await {
        Ok(_) => ApiError::user_not_found(),
        Err(e) => e,
    }
}

/// `AdminListGroupsForUser`: the user's groups in group creation order.
pub async fn admin_list_groups_for_user<S: Store>(
    svc: &Cognito<S>,
    input: AdminListGroupsForUserRequest,
) -> ApiResult<AdminListGroupsForUserResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let user = find_user(svc, &pool, &input.username).await?;
    let after = decode_token(input.next_token.as_deref())?;
    let page = match svc.store.list_user_groups(pool.id(), &user.username_key, after, page_size(input.limit)).await {
        Ok(page) => page,
        Err(StoreError::NotFound) => return Err(ApiError::user_not_found()),
        Err(e) => return Err(e.into()),
    };
    let groups = page.items.iter().map(decode).collect::<ApiResult<Vec<_>>>()?;
    Ok(AdminListGroupsForUserResponse { groups: Some(groups), next_token: page.next.map(encode_token) })
}

/// `ListUsersInGroup`: the members in user creation order, with all their attributes.
pub async fn list_users_in_group<S: Store>(
    svc: &Cognito<S>,
    input: ListUsersInGroupRequest,
) -> ApiResult<ListUsersInGroupResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let after = decode_token(input.next_token.as_deref())?;
    let page = match svc.store.list_group_members(pool.id(), &input.group_name, after, page_size(input.limit)).await {
        Ok(page) => page,
        Err(StoreError::NotFound) => return Err(group_not_found()),
        Err(e) => return Err(e.into()),
    };
    let users = page.items.iter().map(|u| user_type(u, |_| true)).collect();
    Ok(ListUsersInGroupResponse { users: Some(users), next_token: page.next.map(encode_token) })
}
