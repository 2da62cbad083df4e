//! `GetProvisionedLimit` and `UpdateProvisionedLimit`: the request rate of an API category
//! (`LimitClass` `API_CATEGORY`, the `Category` attribute naming it). A provisioned rate is
//! kept in the store's settings, so it survives a restart and every instance reads it; the
//! server throttles with it when started with `--enforce-limits` (`crate::limits`).
//!
//! AWS's model: "The value must be between the default limit and your account-level maximum
//! limit in Service Quotas". This server has no Service Quotas; its maximum is
//! [`MAX_FACTOR`] times the default rate.

use cognito_idp::ErrorCode;
use cognito_idp::types::*;

use crate::errors::{ApiError, ApiResult};
use crate::limits::categories::{self, Category};
use crate::limits::setting_key;
use crate::state::Cognito;
use crate::store::Store;

/// The highest rate that may be provisioned, as a multiple of the default one.
pub const MAX_FACTOR: i32 = 10;

/// The category a limit definition names.
fn category_of(definition: &LimitDefinitionType) -> ApiResult<&'static Category> {
    if definition.limit_class != LimitClass::ApiCategory {
        return Err(ApiError::invalid_parameter(format!(
            "LimitClass {} is not supported.",
            definition.limit_class.as_str()
        )));
    }
    let Some(name) = definition.attributes.get("Category") else {
        return Err(ApiError::invalid_parameter("LimitDefinition.Attributes must name a Category."));
    };
    categories::named(name).ok_or_else(|| ApiError::resource_not_found(format!("Category {name} does not exist.")))
}

/// `GetProvisionedLimit`.
pub async fn get_provisioned_limit<S: Store>(
    svc: &Cognito<S>,
    input: GetProvisionedLimitRequest,
) -> ApiResult<GetProvisionedLimitResponse> {
    let category = category_of(&input.limit_definition)?;
    Ok(GetProvisionedLimitResponse {
        limit: LimitType {
            limit_definition: input.limit_definition,
            provisioned_limit_value: svc.limits.rate(category),
            free_limit_value: category.free,
        },
    })
}

/// `UpdateProvisionedLimit`: an adjustable category's rate, from its default up to
/// [`MAX_FACTOR`] times that.
pub async fn update_provisioned_limit<S: Store>(
    svc: &Cognito<S>,
    input: UpdateProvisionedLimitRequest,
) -> ApiResult<UpdateProvisionedLimitResponse> {
    let category = category_of(&input.limit_definition)?;
    let requested = input.requested_limit_value;
    if !category.adjustable {
        return Err(ApiError::invalid_parameter(format!("The {} limit can't be adjusted.", category.name)));
    }
    if requested < category.free {
        return Err(ApiError::invalid_parameter(format!(
            "RequestedLimitValue must be at least the default limit, {}.",
            category.free
        )));
    }
    let max = category.free * MAX_FACTOR;
    if requested > max {
        return Err(ApiError::new(
            ErrorCode::ServiceQuotaExceededException,
            format!("RequestedLimitValue exceeds the maximum limit of {max} requests per second."),
        ));
    }
    svc.store.set_setting(&setting_key(category.name), &requested.to_string()).await?;
    svc.limits.set_rate(category, requested);
    Ok(UpdateProvisionedLimitResponse {
        limit: LimitType {
            limit_definition: input.limit_definition,
            provisioned_limit_value: requested,
            free_limit_value: category.free,
        },
    })
}
