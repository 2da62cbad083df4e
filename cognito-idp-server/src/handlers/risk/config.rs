//! Risk configurations: `SetRiskConfiguration`, `DescribeRiskConfiguration`, and the
//! configuration that applies to a sign-in through an app client ([`effective`]).
//!
//! A configuration is a pool-owned resource (`store::resources`), one for the pool and one per
//! app client at most. What AWS does, and where it says so:
//! * A configuration set with a `ClientId` is the client's only; without one it is the pool's,
//!   and "applies to all user pool app clients that don't have client-level settings"
//!   (`AWS::Cognito::UserPoolRiskConfigurationAttachment`'s reference; SetRiskConfiguration's:
//!   "the user pool configuration is overridden and the risk configuration for the client is
//!   used instead"). So `DescribeRiskConfiguration` of a client without one answers the pool's,
//!   which is what applies to the client.
//! * "To delete the risk configuration for UserPoolId or ClientId, pass null values for all four
//!   configuration types" (SetRiskConfiguration's reference). Describing a scope with nothing
//!   that applies is `ResourceNotFoundException`: hashicorp/terraform-provider-aws reads that
//!   answer as "gone" after it deletes a configuration that way, and its acceptance tests check
//!   exactly that.
//! * Neither operation needs threat protection on: those acceptance tests set and read
//!   configurations of pools created with nothing but a name (no `UserPoolAddOns`).
//! * An account takeover action may leave `Notify` false with no `NotifyConfiguration` (the same
//!   tests' `takeover_without_notification`); notifying needs one, with its `SourceArn`.

use std::net::IpAddr;

use cognito_idp::types::*;
use serde::{Deserialize, Serialize};

use crate::clock::timestamp;
use crate::errors::{ApiError, ApiResult};
use crate::handlers::shared::load_pool;
use crate::state::Cognito;
use crate::store::resources::{self, Resource};
use crate::store::{Store, StoreError};

/// The key of the pool's own configuration (client ids never take this form).
const POOL_KEY: &str = "*";

/// A stored risk configuration, the API's type as `SetRiskConfiguration` answered it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RiskConfig {
    /// The configuration.
    pub config: RiskConfigurationType,
}

impl Resource for RiskConfig {
    const KIND: &'static str = "risk_configuration";

    fn key(&self) -> String {
        self.config.client_id.clone().unwrap_or_else(|| POOL_KEY.to_owned())
    }
}

/// `SetRiskConfiguration`.
pub async fn set_risk_configuration<S: Store>(
    svc: &Cognito<S>,
    input: SetRiskConfigurationRequest,
) -> ApiResult<SetRiskConfigurationResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let client_id = input.client_id.filter(|c| !c.is_empty());
    if let Some(client_id) = &client_id {
        check_client(svc, pool.id(), client_id).await?;
    }
    let key = client_id.clone().unwrap_or_else(|| POOL_KEY.to_owned());
    let config = RiskConfigurationType {
        user_pool_id: Some(input.user_pool_id.clone()),
        client_id,
        compromised_credentials_risk_configuration: input.compromised_credentials_risk_configuration,
        account_takeover_risk_configuration: input.account_takeover_risk_configuration,
        risk_exception_configuration: input.risk_exception_configuration,
        last_modified_date: Some(timestamp(svc.clock.now_ms())),
    };
    let empty = config.compromised_credentials_risk_configuration.is_none()
        && config.account_takeover_risk_configuration.is_none()
        && config.risk_exception_configuration.is_none();
    if empty {
        match resources::delete::<S, RiskConfig>(&svc.store, pool.id(), &key).await {
            Ok(()) | Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        return Ok(SetRiskConfigurationResponse { risk_configuration: config });
    }
    check(&config)?;
    put(svc, pool.id(), RiskConfig { config: config.clone() }).await?;
    Ok(SetRiskConfigurationResponse { risk_configuration: config })
}

/// Stores `value` in place of whatever the pool has under its key.
async fn put<S: Store>(svc: &Cognito<S>, pool_id: &str, value: RiskConfig) -> ApiResult<()> {
    for _ in 0..crate::handlers::shared::RETRIES {
        match resources::get::<S, RiskConfig>(&svc.store, pool_id, &value.key()).await {
            Ok(mut stored) => {
                stored.value = value.clone();
                match resources::update(&svc.store, stored).await {
                    Err(StoreError::Conflict | StoreError::NotFound) => continue,
                    other => return other.map(|_| ()).map_err(Into::into),
                }
            }
            Err(StoreError::NotFound) => match resources::create(&svc.store, pool_id, value.clone()).await {
                Err(StoreError::ResourceExists) => continue,
                other => return other.map(|_| ()).map_err(Into::into),
            },
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::too_busy())
}

/// `DescribeRiskConfiguration`.
pub async fn describe_risk_configuration<S: Store>(
    svc: &Cognito<S>,
    input: DescribeRiskConfigurationRequest,
) -> ApiResult<DescribeRiskConfigurationResponse> {
    let pool = load_pool(svc, &input.user_pool_id).await?;
    let client_id = input.client_id.filter(|c| !c.is_empty());
    if let Some(client_id) = &client_id {
        check_client(svc, pool.id(), client_id).await?;
    }
    match effective(svc, pool.id(), client_id.as_deref()).await? {
        Some(config) => Ok(DescribeRiskConfigurationResponse { risk_configuration: config }),
        None => Err(ApiError::resource_not_found(match &client_id {
            Some(client_id) => format!("Risk configuration for client {client_id} does not exist."),
            None => format!("Risk configuration for user pool {} does not exist.", pool.id()),
        })),
    }
}

/// The configuration that applies to sign-ins through `client_id` (the client's, else the
/// pool's), or the pool's when no client is named.
pub async fn effective<S: Store>(
    svc: &Cognito<S>,
    pool_id: &str,
    client_id: Option<&str>,
) -> ApiResult<Option<RiskConfigurationType>> {
    if let Some(client_id) = client_id {
        match resources::get::<S, RiskConfig>(&svc.store, pool_id, client_id).await {
            Ok(stored) => return Ok(Some(stored.value.config)),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    match resources::get::<S, RiskConfig>(&svc.store, pool_id, POOL_KEY).await {
        Ok(stored) => Ok(Some(stored.value.config)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Deletes a deleted client's configuration (its pool's goes with the pool).
pub async fn forget<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) {
    match resources::delete::<S, RiskConfig>(&svc.store, pool_id, client_id).await {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => tracing::warn!(error = %e, "deleting a deleted client's risk configuration failed"),
    }
}

async fn check_client<S: Store>(svc: &Cognito<S>, pool_id: &str, client_id: &str) -> ApiResult<()> {
    match svc.store.get_client(pool_id, client_id).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound) => Err(ApiError::client_not_found(client_id)),
        Err(e) => Err(e.into()),
    }
}

/// What the model cannot check. The wordings are ours (AWS's were not found).
fn check(config: &RiskConfigurationType) -> ApiResult<()> {
    if let Some(takeover) = &config.account_takeover_risk_configuration {
        let actions = &takeover.actions;
        let all = [&actions.low_action, &actions.medium_action, &actions.high_action];
        if all.iter().all(|a| a.is_none()) {
            return Err(ApiError::invalid_parameter(
                "AccountTakeoverRiskConfiguration.Actions needs at least one of LowAction, MediumAction or HighAction.",
            ));
        }
        let notifies = all.iter().any(|a| a.as_ref().is_some_and(|a| a.notify));
        match &takeover.notify_configuration {
            None if notifies => {
                return Err(ApiError::invalid_parameter(
                    "NotifyConfiguration is required when an account takeover action notifies the user.",
                ));
            }
            Some(notify) => check_notify(notify)?,
            None => {}
        }
    }
    if let Some(exceptions) = &config.risk_exception_configuration {
        let lists = [
            ("BlockedIPRangeList", exceptions.blocked_ip_range_list.as_deref().unwrap_or_default()),
            ("SkippedIPRangeList", exceptions.skipped_ip_range_list.as_deref().unwrap_or_default()),
        ];
        for (name, list) in lists {
            if let Some(bad) = list.iter().find(|range| Cidr::parse(range).is_none()) {
                return Err(ApiError::invalid_parameter(format!(
                    "{name} contains {bad:?}, which is not a CIDR block (such as 192.0.2.0/24 or 2001:db8::/32)."
                )));
            }
        }
    }
    Ok(())
}

fn check_notify(notify: &NotifyConfigurationType) -> ApiResult<()> {
    // The emails come from an SES identity: `arn:aws:ses:<region>:<account>:identity/<name>`.
    let parts: Vec<&str> = notify.source_arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || parts[2] != "ses" || !parts[5].starts_with("identity/") {
        return Err(ApiError::invalid_parameter(format!(
            "SourceArn {:?} is not the ARN of an Amazon SES verified identity.",
            notify.source_arn
        )));
    }
    for (name, email) in [
        ("BlockEmail", &notify.block_email),
        ("NoActionEmail", &notify.no_action_email),
        ("MfaEmail", &notify.mfa_email),
    ] {
        if let Some(email) = email
            && email.html_body.as_deref().is_none_or(str::is_empty)
            && email.text_body.as_deref().is_none_or(str::is_empty)
        {
            return Err(ApiError::invalid_parameter(format!("{name} needs an HtmlBody or a TextBody.")));
        }
    }
    Ok(())
}

/// An IPv4 or IPv6 address block.
#[derive(Debug, Clone, Copy)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// `a.b.c.d/n` or `x::y/n`; `None` if it is neither.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (address, prefix) = text.split_once('/')?;
        let network: IpAddr = address.parse().ok()?;
        let prefix: u8 = prefix.parse().ok().filter(|p: &u8| p.to_string() == prefix)?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then_some(Cidr { network, prefix })
    }

    /// Whether `ip` is in the block.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match (self.network, ip) {
            (IpAddr::V6(_), IpAddr::V4(v4)) => IpAddr::V6(v4.to_ipv6_mapped()),
            (IpAddr::V4(_), IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => return false,
            },
            _ => ip,
        };
        let (net, ip, bits) = match (self.network, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => (u32::from(n) as u128, u32::from(i) as u128, 32u32),
            (IpAddr::V6(n), IpAddr::V6(i)) => (u128::from(n), u128::from(i), 128u32),
            _ => return false,
        };
        let shift = bits - u32::from(self.prefix);
        if shift >= 128 {
            return true;
        }
        (net >> shift) == (ip >> shift)
    }
}

/// Whether `ip` is in one of `ranges` (unparsable ranges match nothing).
pub fn in_ranges(ranges: Option<&[String]>, ip: Option<IpAddr>) -> bool {
    let Some(ip) = ip else { return false };
    ranges.unwrap_or_default().iter().filter_map(|r| Cidr::parse(r)).any(|c| c.contains(ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_blocks_contain_their_addresses() {
        let block = Cidr::parse("10.10.10.0/24").unwrap();
        assert!(block.contains("10.10.10.77".parse().unwrap()));
        assert!(!block.contains("10.10.11.1".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("8.8.8.8".parse().unwrap()));
        assert!(Cidr::parse("2001:db8::/32").unwrap().contains("2001:db8::1".parse().unwrap()));
        assert!(Cidr::parse("127.0.0.1/32").unwrap().contains("::ffff:127.0.0.1".parse().unwrap()));
        for bad in ["10.0.0.0", "10.0.0.0/33", "10.0.0/8", "x/1", "10.0.0.0/+8", "::/129"] {
            assert!(Cidr::parse(bad).is_none(), "{bad}");
        }
    }
}
