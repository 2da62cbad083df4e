//! `SetLogDeliveryConfiguration` and `GetLogDeliveryConfiguration`: where a pool exports its
//! logs (AWS's developer guide, "Exporting logs from Amazon Cognito user pools"). The records
//! themselves are delivered by [`crate::log_delivery`].
//!
//! The configuration is a pool-owned resource (one per pool, key `config`), the API's own
//! `LogDeliveryConfigurationType`. What AWS checks beyond the model:
//!
//! * Each event source at most once, and each with a destination. The messages are AWS's,
//!   measured against the live API by floci (floci-io/floci PR 2867, its
//!   `CognitoLogDeliveryConfigurationIntegrationTest`): `Request validation Failed. Following
//!   event sources in request have no destination: [userNotification].` and `... appear more
//!   then once in a request: [...]` (sic), both clauses in one message when both apply.
//! * "Log level is exclusive to log type" (the guide): `userNotification` is `ERROR` and goes
//!   to CloudWatch Logs only ("You can't send user-notification logs to any destination other
//!   than CloudWatch Logs"); `userAuthEvents` is `INFO` and goes to one of CloudWatch Logs,
//!   Firehose or S3 ("You can't send user-activity logs to multiple destinations"). Wording
//!   ours.
//! * `userAuthEvents` needs the Plus feature plan (the guide; hashicorp/terraform-provider-aws
//!   PR 47894: "When using `userAuthEvents` the cognito user pool needs to have
//!   `user_pool_tier = "PLUS"`"): `FeatureUnavailableInTierException` otherwise (wording ours).
//! * A `Set` replaces the whole list; an empty list clears it. `Get` of a pool that never set
//!   one answers the pool id and an empty list (floci's measurement), not an error.

use cognito_idp::ErrorCode;
use cognito_idp::types::*;
use serde::{Deserialize, Serialize};

use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::load_pool;
use crate::state::Cognito;
use crate::store::resources::{self, Resource};
use crate::store::{Store, StoreError};

/// The one key of a pool's configuration.
const KEY: &str = "config";

/// A pool's log delivery configuration as stored: the API's own type.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LogDelivery(pub LogDeliveryConfigurationType);

impl Resource for LogDelivery {
    const KIND: &'static str = "log_delivery";

    fn key(&self) -> String {
        KEY.to_owned()
    }
}

/// The destinations a configuration names, in the model's order.
fn destinations(config: &LogConfigurationType) -> usize {
    usize::from(config.cloud_watch_logs_configuration.as_ref().is_some_and(|c| c.log_group_arn.is_some()))
        + usize::from(config.s3_configuration.as_ref().is_some_and(|c| c.bucket_arn.is_some()))
        + usize::from(config.firehose_configuration.as_ref().is_some_and(|c| c.stream_arn.is_some()))
}

/// AWS's checks of the list as a whole: sources without a destination, and repeated sources.
fn check_sources(configs: &[LogConfigurationType]) -> ApiResult<()> {
    let mut without = Vec::new();
    let mut repeated = Vec::new();
    for (i, config) in configs.iter().enumerate() {
        let source = config.event_source.as_str().to_owned();
        if destinations(config) == 0 && !without.contains(&source) {
            without.push(source.clone());
        }
        if configs[..i].iter().any(|c| c.event_source.as_str() == source) && !repeated.contains(&source) {
            repeated.push(source);
        }
    }
    let mut message = String::new();
    if !without.is_empty() {
        message
            .push_str(&format!(" Following event sources in request have no destination: [{}].", without.join(", ")));
    }
    if !repeated.is_empty() {
        message.push_str(&format!(
            " Following event sources appear more then once in a request: [{}].",
            repeated.join(", ")
        ));
    }
    if message.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid_parameter(format!("Request validation Failed.{message}")))
    }
}

/// The guide's pairing of source, level and destination (wording ours).
fn check_pairing(config: &LogConfigurationType) -> ApiResult<()> {
    let source = config.event_source.as_str();
    let level = config.log_level.as_str();
    if destinations(config) > 1 {
        return Err(ApiError::invalid_parameter(format!(
            "Only one destination can be configured for event source {source}."
        )));
    }
    match source {
        "userNotification" => {
            if level != "ERROR" {
                return Err(ApiError::invalid_parameter(format!(
                    "LogLevel {level} is not supported for event source userNotification; use ERROR."
                )));
            }
            if config.cloud_watch_logs_configuration.is_none() {
                return Err(ApiError::invalid_parameter(
                    "Event source userNotification can only be delivered to CloudWatchLogsConfiguration.",
                ));
            }
        }
        _ => {
            if level != "INFO" {
                return Err(ApiError::invalid_parameter(format!(
                    "LogLevel {level} is not supported for event source userAuthEvents; use INFO."
                )));
            }
        }
    }
    Ok(())
}

/// `SetLogDeliveryConfiguration`: checks the list, then replaces the pool's configuration.
pub async fn set_log_delivery_configuration<S: Store>(
    svc: &Cognito<S>,
    input: SetLogDeliveryConfigurationRequest,
) -> ApiResult<SetLogDeliveryConfigurationResponse> {
    check_sources(&input.log_configurations)?;
    let pool = load_pool(svc, &input.user_pool_id).await?;
    for config in &input.log_configurations {
        check_pairing(config)?;
    }
    let plus = pool.doc.user_pool_tier.as_ref().is_some_and(|t| t.as_str() == "PLUS");
    if !plus && input.log_configurations.iter().any(|c| c.event_source.as_str() == "userAuthEvents") {
        return Err(ApiError::new(
            ErrorCode::FeatureUnavailableInTierException,
            "Exporting userAuthEvents logs requires the PLUS feature plan.",
        ));
    }
    let config = LogDeliveryConfigurationType {
        user_pool_id: pool.id().to_owned(),
        log_configurations: input.log_configurations,
    };
    let stored = LogDelivery(config.clone());
    let written = match resources::create(&svc.store, pool.id(), stored.clone()).await {
        Err(StoreError::ResourceExists) => {
            resources::modify(&svc.store, pool.id(), KEY, |current: &mut LogDelivery| {
                *current = stored.clone();
                Ok::<(), StoreError>(())
            })
            .await
            .map(|_| ())
        }
        other => other.map(|_| ()),
    };
    match written {
        Ok(()) => Ok(SetLogDeliveryConfigurationResponse { log_delivery_configuration: Some(config) }),
        Err(StoreError::NotFound) => Err(ApiError::pool_not_found(pool.id())),
        Err(StoreError::Conflict) => Err(ApiError::too_busy()),
        Err(e) => Err(e.into()),
    }
}

/// `GetLogDeliveryConfiguration`: the pool's configuration, an empty list when none was set.
pub async fn get_log_delivery_configuration<S: Store>(
    svc: &Cognito<S>,
    input: GetLogDeliveryConfigurationRequest,
) -> ApiResult<GetLogDeliveryConfigurationResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let config = configuration(svc, pool.id()).await?;
    Ok(GetLogDeliveryConfigurationResponse { log_delivery_configuration: Some(config) })
}

/// The pool's configuration (an empty one when it has none).
pub async fn configuration<S: Store>(svc: &Cognito<S>, pool_id: &str) -> ApiResult<LogDeliveryConfigurationType> {
    match resources::get::<S, LogDelivery>(&svc.store, pool_id, KEY).await {
        Ok(stored) => Ok(stored.value.0),
        Err(StoreError::NotFound) => {
            Ok(LogDeliveryConfigurationType { user_pool_id: pool_id.to_owned(), log_configurations: Vec::new() })
        }
        Err(e) => Err(e.into()),
    }
}
