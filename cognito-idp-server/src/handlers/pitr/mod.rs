//! Point-in-time recovery of a pool's user data: `InitiatePointInTimeRecovery` (pauses the
//! pool's user data and makes a preview), `DescribePointInTimeRecovery`,
//! `StartPointInTimeRecovery` (applies it), `CancelPointInTimeRecovery`,
//! `ListPointInTimeRecoveries`.
//!
//! A recovery is a pool-owned resource ([`Restoration`]); the pause is another
//! ([`Pause`], `store::history`), whose one key makes a second active recovery of the pool
//! impossible. Nothing runs in the background: a recovery moves on when it is read (its preview
//! is made by the first read after `InitiatePointInTimeRecovery`, an unattended preview expires
//! when read after 24 hours), so any instance serves any step. The rules come from AWS's
//! documentation of `InitiatePointInTimeRecovery` and `RestorationType`.

pub mod plan;

use cognito_idp::ErrorCode;
use cognito_idp::types::*;
use serde::{Deserialize, Serialize};

use crate::clock::timestamp;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::{decode_token, encode_token, load_pool};
use crate::state::{Cognito, Pool};
use crate::store::history::{PAUSE_KEY, PAUSE_KIND};
use crate::store::resources::{self, Resource, Stored};
use crate::store::{Store, StoreError};

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 24 * 60 * MINUTE_MS;
/// "The recovery point must be at least 15 minutes in the past."
const MIN_AGE_MS: i64 = 15 * MINUTE_MS;
/// "If you don't start or cancel the recovery within 24 hours after you initiate it, the
/// recovery preview expires."
const PREVIEW_TTL_MS: i64 = DAY_MS;
/// A recovery left `RESTORING` this long (its instance stopped mid-way) is applied again by
/// the next read: applying is idempotent, the plan being made afresh from the history.
const RESTORE_LEASE_MS: i64 = MINUTE_MS;
/// Active recoveries an account may have at once (this server is one account).
const ACCOUNT_ACTIVE_MAX: usize = 5;

/// A recovery, as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Restoration {
    /// Its id (a UUID).
    pub restore_id: String,
    /// `RestoreStatusType` on the wire.
    pub status: String,
    /// The recovery point.
    pub restore_ms: i64,
    /// When it was initiated: the end of the changes it reverts.
    pub trigger_ms: i64,
    /// When it was started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_ms: Option<i64>,
    /// When it completed, was cancelled or expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_ms: Option<i64>,
    /// Per entity of [`plan::ENTITIES`]: create, update and delete counts, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<Vec<[i64; 3]>>,
}

impl Resource for Restoration {
    const KIND: &'static str = "pitr_restoration";

    fn key(&self) -> String {
        self.restore_id.clone()
    }
}

/// The pause of a pool's user data while a recovery is active (`store::history`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pause {
    /// The recovery that holds it.
    pub restore_id: String,
    /// When it ends unless lifted earlier (the preview's expiry; `i64::MAX` while restoring).
    pub until_ms: i64,
}

impl Resource for Pause {
    const KIND: &'static str = PAUSE_KIND;

    fn key(&self) -> String {
        PAUSE_KEY.to_owned()
    }
}

impl Restoration {
    fn active(&self) -> bool {
        matches!(self.status.as_str(), "PREVIEW_GENERATING" | "PREVIEW_GENERATED" | "RESTORING")
    }

    /// The API's view, with the preview when there is one.
    fn api(&self) -> RestorationType {
        RestorationType {
            restore_id: Some(self.restore_id.clone()),
            restore_status: Some(RestoreStatusType::from(self.status.as_str())),
            restore_timestamp: Some(timestamp(self.restore_ms)),
            trigger_timestamp: Some(timestamp(self.trigger_ms)),
            restore_preview: self.preview.as_ref().map(|counts| {
                let mut plan = plan::Plan::default();
                for (slot, row) in plan.counts.iter_mut().zip(counts) {
                    *slot = *row;
                }
                plan.preview()
            }),
        }
    }
}

/// [`ApiError::paused`] when the pool's user data is paused now (for writes the store does not
/// pause itself, such as user import jobs).
pub async fn refuse_if_paused<S: Store>(svc: &Cognito<S>, pool_id: &str) -> ApiResult<()> {
    match resources::get::<S, Pause>(&svc.store, pool_id, PAUSE_KEY).await {
        Ok(pause) if pause.value.until_ms > svc.clock.now_ms() => Err(ApiError::paused()),
        Ok(_) | Err(StoreError::NotFound) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

fn not_found(restore_id: &str) -> ApiError {
    ApiError::resource_not_found(format!("Recovery {restore_id} does not exist."))
}

fn concurrent(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::ConcurrentModificationException, message)
}

/// How far back the pool's feature plan lets it recover: "up to 1 day in the past with the
/// Essentials feature plan, or up to 14 days in the past with the Plus feature plan", never
/// past the history this server keeps. Lite pools cannot recover.
fn recovery_period<S: Store>(svc: &Cognito<S>, pool: &Pool) -> ApiResult<i64> {
    let tier = pool.doc.user_pool_tier.as_ref().map(|t| t.as_str().to_owned()).unwrap_or_default();
    let period = match tier.as_str() {
        "PLUS" => 14 * DAY_MS,
        "ESSENTIALS" => DAY_MS,
        _ => {
            return Err(ApiError::new(
                ErrorCode::FeatureUnavailableInTierException,
                "Point-in-time recovery requires the Essentials or Plus feature plan.",
            ));
        }
    };
    Ok(period.min(svc.store.history().retention_ms()))
}

fn pool_created_ms(pool: &Pool) -> i64 {
    pool.doc.creation_date.as_ref().map(|t| (t.as_secs_f64() * 1000.0) as i64).unwrap_or(0)
}

/// Every recovery of the pool, newest first.
async fn all<S: Store>(svc: &Cognito<S>, pool_id: &str) -> ApiResult<Vec<Stored<Restoration>>> {
    let mut found = Vec::new();
    let mut after = 0;
    loop {
        let page = resources::list::<S, Restoration>(&svc.store, pool_id, after, 100).await?;
        found.extend(page.items);
        match page.next {
            Some(next) => after = next,
            None => break,
        }
    }
    found.reverse();
    Ok(found)
}

/// Reads a recovery and moves it on as time and its state require (see the module's doc).
async fn settled<S: Store>(svc: &Cognito<S>, pool: &Pool, restore_id: &str) -> ApiResult<Stored<Restoration>> {
    for _ in 0..crate::handlers::shared::RETRIES {
        let stored = match resources::get::<S, Restoration>(&svc.store, pool.id(), restore_id).await {
            Ok(stored) => stored,
            Err(StoreError::NotFound) => return Err(not_found(restore_id)),
            Err(e) => return Err(e.into()),
        };
        let now = svc.clock.now_ms();
        let r = &stored.value;
        let waiting = matches!(r.status.as_str(), "PREVIEW_GENERATING" | "PREVIEW_GENERATED");
        let next = if waiting && now >= r.trigger_ms + PREVIEW_TTL_MS {
            Some(Restoration { status: "PREVIEW_EXPIRED".into(), ended_ms: Some(now), ..r.clone() })
        } else if r.status == "PREVIEW_GENERATING" {
            let plan = plan::plan(svc, pool, r.restore_ms).await?;
            Some(Restoration { status: "PREVIEW_GENERATED".into(), preview: Some(plan.counts.to_vec()), ..r.clone() })
        } else if r.status == "RESTORING" && r.started_ms.is_some_and(|t| now >= t + RESTORE_LEASE_MS) {
            return restore(svc, pool, stored).await;
        } else {
            return Ok(stored);
        };
        let Some(next) = next else { return Ok(stored) };
        let ends = !next.active();
        let updated = Stored { value: next, ..stored };
        match resources::update(&svc.store, updated).await {
            Ok(saved) => {
                if ends {
                    lift_pause(svc, pool.id(), restore_id).await?;
                }
                return Ok(saved);
            }
            Err(StoreError::Conflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}

/// How many pools of the server are paused at `now` (recoveries active in the account).
async fn active_pauses<S: Store>(svc: &Cognito<S>, now: i64) -> ApiResult<usize> {
    let (mut count, mut after) = (0, 0);
    loop {
        let page = svc.store.list_resources_of_kind(PAUSE_KIND, after, 100).await?;
        count += page
            .items
            .iter()
            .filter_map(|r| serde_json::from_value::<Pause>(r.doc.clone()).ok())
            .filter(|p| p.until_ms > now)
            .count();
        match page.next {
            Some(next) => after = next,
            None => return Ok(count),
        }
    }
}

/// Removes the pool's pause if `restore_id` holds it.
async fn lift_pause<S: Store>(svc: &Cognito<S>, pool_id: &str, restore_id: &str) -> ApiResult<()> {
    match resources::get::<S, Pause>(&svc.store, pool_id, PAUSE_KEY).await {
        Ok(pause) if pause.value.restore_id == restore_id => {
            match resources::delete::<S, Pause>(&svc.store, pool_id, PAUSE_KEY).await {
                Ok(()) | Err(StoreError::NotFound) => Ok(()),
                Err(e) => Err(e.into()),
            }
        }
        Ok(_) | Err(StoreError::NotFound) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Applies a recovery that is `RESTORING` and completes it.
async fn restore<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    stored: Stored<Restoration>,
) -> ApiResult<Stored<Restoration>> {
    let plan = plan::plan(svc, pool, stored.value.restore_ms).await?;
    svc.store.apply_restore(pool.id(), plan.changes).await?;
    let done =
        Restoration { status: "RESTORE_COMPLETED".into(), ended_ms: Some(svc.clock.now_ms()), ..stored.value.clone() };
    let saved = resources::update(&svc.store, Stored { value: done, ..stored }).await?;
    lift_pause(svc, pool.id(), &saved.value.restore_id).await?;
    Ok(saved)
}

/// `InitiatePointInTimeRecovery`.
pub async fn initiate_point_in_time_recovery<S: Store>(
    svc: &Cognito<S>,
    input: InitiatePointInTimeRecoveryRequest,
) -> ApiResult<InitiatePointInTimeRecoveryResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    if !svc.store.history().enabled() {
        return Err(ApiError::new(
            ErrorCode::OperationNotEnabledException,
            "Point-in-time recovery is off on this server (--history false).",
        ));
    }
    let period = recovery_period(svc, &pool)?;
    let now = svc.clock.now_ms();
    let restore_ms = (input.restore_timestamp.as_secs_f64() * 1000.0) as i64;
    if restore_ms > now - MIN_AGE_MS {
        return Err(ApiError::invalid_parameter("The recovery point must be at least 15 minutes in the past."));
    }
    if restore_ms < pool_created_ms(&pool) {
        return Err(ApiError::invalid_parameter(
            "The recovery point can't be earlier than the creation time of the user pool.",
        ));
    }
    if restore_ms < now - period {
        return Err(ApiError::invalid_parameter(format!(
            "The recovery point must be within the recovery period of the user pool: {} day(s).",
            period / DAY_MS
        )));
    }
    let recoveries = all(svc, pool.id()).await?;
    for r in recoveries.iter().filter(|r| r.value.active()) {
        // An unattended preview may have expired: reading it settles that.
        if settled(svc, &pool, &r.value.restore_id).await?.value.active() {
            return Err(concurrent("A point-in-time recovery of the user pool is already in progress."));
        }
    }
    if crate::user_import::job::in_progress(&svc.store, pool.id()).await? {
        return Err(concurrent("A user import job is in progress in the user pool."));
    }
    let made_since = |ms: i64| recoveries.iter().filter(|r| r.value.trigger_ms > now - ms).count();
    let completed_today = recoveries
        .iter()
        .filter(|r| r.value.status == "RESTORE_COMPLETED" && r.value.ended_ms.is_some_and(|t| t > now - DAY_MS))
        .count();
    if made_since(DAY_MS) >= 3 || made_since(30 * DAY_MS) >= 10 || completed_today >= 1 {
        return Err(ApiError::new(
            ErrorCode::LimitExceededException,
            "The user pool has reached its limit of point-in-time recoveries for now.",
        ));
    }
    if active_pauses(svc, now).await? >= ACCOUNT_ACTIVE_MAX {
        return Err(ApiError::new(
            ErrorCode::LimitExceededException,
            "The account has reached its limit of active point-in-time recoveries.",
        ));
    }
    let restore_id = uuid::Uuid::new_v4().to_string();
    let pause = Pause { restore_id: restore_id.clone(), until_ms: now + PREVIEW_TTL_MS };
    match resources::create(&svc.store, pool.id(), pause).await {
        Ok(_) => {}
        // Another instance initiated one at the same moment, or an expired pause was left.
        Err(StoreError::ResourceExists) => {
            return Err(concurrent("A point-in-time recovery of the user pool is already in progress."));
        }
        Err(StoreError::NotFound) => return Err(ApiError::pool_not_found(pool.id())),
        Err(e) => return Err(e.into()),
    }
    let restoration = Restoration {
        restore_id: restore_id.clone(),
        status: "PREVIEW_GENERATING".into(),
        restore_ms,
        trigger_ms: now,
        started_ms: None,
        ended_ms: None,
        preview: None,
    };
    let stored = match resources::create(&svc.store, pool.id(), restoration).await {
        Ok(stored) => stored,
        Err(e) => {
            lift_pause(svc, pool.id(), &restore_id).await?;
            return Err(e.into());
        }
    };
    Ok(InitiatePointInTimeRecoveryResponse { restoration: Some(stored.value.api()) })
}

/// `DescribePointInTimeRecovery`.
pub async fn describe_point_in_time_recovery<S: Store>(
    svc: &Cognito<S>,
    input: DescribePointInTimeRecoveryRequest,
) -> ApiResult<DescribePointInTimeRecoveryResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let stored = settled(svc, &pool, &input.restore_id).await?;
    Ok(DescribePointInTimeRecoveryResponse { restoration: Some(stored.value.api()) })
}

/// `StartPointInTimeRecovery`: applies the preview's changes. The answer is the recovery as it
/// started (`RESTORING`); it is applied before the answer, so a describe after it finds it
/// `RESTORE_COMPLETED`.
pub async fn start_point_in_time_recovery<S: Store>(
    svc: &Cognito<S>,
    input: StartPointInTimeRecoveryRequest,
) -> ApiResult<StartPointInTimeRecoveryResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let stored = settled(svc, &pool, &input.restore_id).await?;
    if stored.value.status != "PREVIEW_GENERATED" {
        return Err(concurrent(format!(
            "The recovery can be started only when its status is PREVIEW_GENERATED; it is {}.",
            stored.value.status
        )));
    }
    let now = svc.clock.now_ms();
    // The pause now lasts until the recovery completes, however long the preview had left.
    let hold = resources::modify::<S, Pause, StoreError, _>(&svc.store, pool.id(), PAUSE_KEY, |pause| {
        pause.until_ms = i64::MAX;
        Ok(())
    })
    .await;
    match hold {
        Ok(_) => {}
        Err(StoreError::NotFound) => return Err(concurrent("The recovery is no longer active.")),
        Err(e) => return Err(e.into()),
    }
    let restoring = Restoration { status: "RESTORING".into(), started_ms: Some(now), ..stored.value.clone() };
    let restoring = match resources::update(&svc.store, Stored { value: restoring, ..stored }).await {
        Ok(saved) => saved,
        Err(StoreError::Conflict) => return Err(concurrent("The recovery changed while it was being started.")),
        Err(e) => return Err(e.into()),
    };
    let answer = restoring.value.api();
    restore(svc, &pool, restoring).await?;
    Ok(StartPointInTimeRecoveryResponse { restoration: Some(answer) })
}

/// `CancelPointInTimeRecovery`: discards the preview and lifts the pause.
pub async fn cancel_point_in_time_recovery<S: Store>(
    svc: &Cognito<S>,
    input: CancelPointInTimeRecoveryRequest,
) -> ApiResult<CancelPointInTimeRecoveryResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let stored = settled(svc, &pool, &input.restore_id).await?;
    if !matches!(stored.value.status.as_str(), "PREVIEW_GENERATING" | "PREVIEW_GENERATED") {
        return Err(concurrent(format!(
            "The recovery can be cancelled only before it starts; its status is {}.",
            stored.value.status
        )));
    }
    let cancelled =
        Restoration { status: "PREVIEW_CANCELLED".into(), ended_ms: Some(svc.clock.now_ms()), ..stored.value.clone() };
    let saved = match resources::update(&svc.store, Stored { value: cancelled, ..stored }).await {
        Ok(saved) => saved,
        Err(StoreError::Conflict) => return Err(concurrent("The recovery changed while it was being cancelled.")),
        Err(e) => return Err(e.into()),
    };
    lift_pause(svc, pool.id(), &input.restore_id).await?;
    Ok(CancelPointInTimeRecoveryResponse { restoration: Some(saved.value.api()) })
}

/// `ListPointInTimeRecoveries`: newest first, without previews.
pub async fn list_point_in_time_recoveries<S: Store>(
    svc: &Cognito<S>,
    input: ListPointInTimeRecoveriesRequest,
) -> ApiResult<ListPointInTimeRecoveriesResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let limit = input.max_results.unwrap_or(60).clamp(1, 60) as usize;
    let before = match input.next_token.as_deref() {
        Some(token) => decode_token(Some(token))?,
        None => i64::MAX,
    };
    let mut items = Vec::new();
    for stored in all(svc, pool.id()).await?.into_iter().filter(|r| r.seq < before) {
        let seq = stored.seq;
        let r = if stored.value.active() { settled(svc, &pool, &stored.value.restore_id).await? } else { stored };
        items.push((seq, r.value));
    }
    let next_token = (items.len() > limit).then(|| encode_token(items[limit - 1].0));
    items.truncate(limit);
    let restorations = items
        .into_iter()
        .map(|(_, r)| RestorationDescriptionType {
            restore_id: Some(r.restore_id),
            restore_status: Some(RestoreStatusType::from(r.status.as_str())),
            restore_timestamp: Some(timestamp(r.restore_ms)),
        })
        .collect();
    Ok(ListPointInTimeRecoveriesResponse { restorations: Some(restorations), next_token })
}
