//! Threat protection: the pool's mode (`UserPoolAddOns.AdvancedSecurityMode`) and feature
//! plan rules ([`check_plan`], [`require_add_on`]), risk configurations ([`config`]), the
//! breached-password list ([`breached`]), and the decisions a sign-in, sign-up or password
//! change gets from them ([`assess`]).
//!
//! What AWS does, and where it says so:
//! * Threat protection is a feature of the PLUS plan. A pool on another plan with
//!   `AdvancedSecurityMode` other than `OFF` is refused with `FeatureUnavailableInTierException`
//!   `The following features need to be disabled for the ESSENTIALS pricing tier configured:
//!   Threat Protection` (quoted from a real UpdateUserPool in hashicorp/terraform-provider-aws
//!   pull request 40734); a pool created with threat protection and no plan gets PLUS.
//! * The threat protection operations (`SetRiskConfiguration`, `DescribeRiskConfiguration`,
//!   `AdminListUserAuthEvents`, the feedback operations) refuse a pool whose mode is `OFF` with
//!   `UserPoolAddOnNotEnabledException` (the emulator ministack records AWS's wording, `This is
//!   an add on feature. Please update AdvancedSecurityMode for your user pool to access this
//!   API.`).
//! * `AUDIT` records events and risk without acting on them; `ENFORCED` also takes the
//!   configured actions (AWS's developer guide, "Threat protection": audit-only mode versus
//!   full-function mode).

pub mod assess;
pub mod breached;
pub mod config;

use cognito_idp::ErrorCode;
use cognito_idp::types::{UserPoolAddOnsType, UserPoolTierType};

use crate::errors::{ApiError, ApiResult};
use crate::state::Pool;

/// A pool's threat protection mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// No threat protection: nothing is recorded.
    Off,
    /// Events and risks are recorded; nothing is acted on.
    Audit,
    /// Events and risks are recorded and the configured actions taken.
    Enforced,
}

impl Mode {
    fn of_add_ons(add_ons: Option<&UserPoolAddOnsType>) -> Mode {
        match add_ons.map(|a| a.advanced_security_mode.as_str()) {
            Some("AUDIT") => Mode::Audit,
            Some("ENFORCED") => Mode::Enforced,
            _ => Mode::Off,
        }
    }

    /// The pool's mode.
    pub fn of(pool: &Pool) -> Mode {
        Mode::of_add_ons(pool.doc.user_pool_add_ons.as_ref())
    }

    /// Whether events are recorded.
    pub fn records(self) -> bool {
        self != Mode::Off
    }
}

/// The plan a new pool gets when the request names none: PLUS when it turns threat protection
/// on (the only plan that has it), ESSENTIALS otherwise (AWS's default for new pools).
pub fn default_plan(add_ons: Option<&UserPoolAddOnsType>) -> UserPoolTierType {
    let plan = if Mode::of_add_ons(add_ons) == Mode::Off { "ESSENTIALS" } else { "PLUS" };
    UserPoolTierType::from(plan)
}

/// Refuses threat protection on a plan other than PLUS (`FeatureUnavailableInTierException`,
/// AWS's wording, see the module's notes).
pub fn check_plan(plan: Option<&UserPoolTierType>, add_ons: Option<&UserPoolAddOnsType>) -> ApiResult<()> {
    let plan = plan.map(UserPoolTierType::as_str).unwrap_or("ESSENTIALS");
    if plan != "PLUS" && Mode::of_add_ons(add_ons) != Mode::Off {
        return Err(ApiError::new(
            ErrorCode::FeatureUnavailableInTierException,
            format!(
                "The following features need to be disabled for the {plan} pricing tier configured: Threat Protection"
            ),
        ));
    }
    Ok(())
}

/// [`check_plan`] for `UpdateUserPool`, which moved the pool from plan `old` to `new`: a change
/// of plan that the pool's threat protection rules out is `TierChangeNotAllowedException` (the
/// code the model gives for it; the message as the plan's own refusal).
pub fn check_plan_change(
    old: Option<&UserPoolTierType>,
    new: Option<&UserPoolTierType>,
    add_ons: Option<&UserPoolAddOnsType>,
) -> ApiResult<()> {
    check_plan(new, add_ons).map_err(|e| {
        let changed = old.map(UserPoolTierType::as_str) != new.map(UserPoolTierType::as_str);
        if changed { ApiError::new(ErrorCode::TierChangeNotAllowedException, e.message) } else { e }
    })
}

/// Refuses a threat protection operation in a pool whose mode is `OFF`.
pub fn require_add_on(pool: &Pool) -> ApiResult<()> {
    if Mode::of(pool) == Mode::Off {
        return Err(ApiError::new(
            ErrorCode::UserPoolAddOnNotEnabledException,
            "This is an add on feature. Please update AdvancedSecurityMode for your user pool to access this API.",
        ));
    }
    Ok(())
}
