//! CustomEmailSender and CustomSMSSender (AWS's developer guide, "Custom sender Lambda
//! triggers"): a pool with one delivers no email (or SMS) itself; each message's code or
//! temporary password goes to the function, encrypted, and the function delivers it.
//!
//! - **When**: after the change that sends the message is stored, handed off asynchronously
//!   (the Invoke API's `Event` type): custom senders are the one kind of trigger Cognito does not
//!   wait for, so what the function does (or fails to do) never reaches the operation.
//!   Here the operation answers once Lambda has queued the event, so a test that reads what
//!   its function got after the call returns finds it there; AWS may answer sooner.
//! - **The event** (the guide's parameters; a real `CustomEmailSender_SignUp` event quoted in
//!   public projects, and the event types of AWS's Lambda Powertools): `version` `"1"` (the
//!   `LambdaVersion` `V1_0`), `triggerSource` `CustomEmailSender_{source}` /
//!   `CustomSMSSender_{source}` with the sources of CustomMessage, the usual `callerContext`,
//!   and `request`: `type` (`customEmailSenderRequestV1` / `customSMSSenderRequestV1`), `code`
//!   (the AWS Encryption SDK message, base64), `clientMetadata` (`null` when the operation had
//!   none, as in the real event) and `userAttributes`. There is no `response`: nothing is read
//!   back.
//! - **The code** is encrypted with a data key KMS generates under the pool's `KMSKeyID`, with
//!   the encryption context `userpool-id` (the condition key AWS's key policies use,
//!   `kms:EncryptionContext:userpool-id`), in the message format [`crate::triggers::encryption`]
//!   writes.
//! - **CustomMessage** is not asked for a message that a custom sender delivers: there is no
//!   text to write, only the code.

use serde_json::Value;

use crate::domain::mask::Medium;
use crate::state::{Cognito, Pool};
use crate::store::{Store, UserRecord};
use crate::triggers::encryption::{self, EncryptedDataKey, Signer};
use crate::triggers::event::{self, Envelope};
use crate::triggers::{Trigger, function_of};

use super::custom_message::Request;

/// The encryption context key that names the pool.
pub const POOL_CONTEXT: &str = "userpool-id";

/// The trigger that delivers `medium` for `pool`, if it has one.
pub fn sender_of(pool: &Pool, medium: Medium) -> Option<Trigger> {
    let trigger = match medium {
        Medium::Email => Trigger::CustomEmailSender,
        Medium::Sms => Trigger::CustomSmsSender,
    };
    function_of(&pool.doc, trigger).map(|_| trigger)
}

/// A message a custom sender is to deliver once the change that sends it is stored.
pub struct Handoff {
    trigger: Trigger,
    function: String,
    key_id: Option<String>,
    pool_id: String,
    event: Envelope,
    code: String,
}

impl std::fmt::Debug for Handoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handoff").field("trigger", &self.trigger).field("function", &self.function).finish()
    }
}

/// The hand-off of `code` for `user` to the pool's `trigger` (see [`sender_of`]).
pub fn prepare<S: Store>(
    svc: &Cognito<S>,
    pool: &Pool,
    user: &UserRecord,
    request: Request<'_>,
    trigger: Trigger,
    code: &str,
) -> Option<Handoff> {
    let function = function_of(&pool.doc, trigger)?;
    let suffix = request.source.trigger_source().trim_start_matches("CustomMessage_");
    let kind = match trigger {
        Trigger::CustomSmsSender => "customSMSSenderRequestV1",
        _ => "customEmailSenderRequestV1",
    };
    let metadata = request.metadata.map(|m| event::metadata(Some(m))).unwrap_or(Value::Null);
    let event = Envelope::new(
        &svc.settings.region,
        pool.id(),
        &format!("{}_{suffix}", trigger.name()),
        Some(&user.username),
        Some(request.client_id.unwrap_or(super::NO_CLIENT)),
    )
    .request("type", kind)
    .request("code", Value::Null)
    .request("clientMetadata", metadata)
    .request("userAttributes", super::user_attributes(pool, user));
    let key_id = pool.doc.lambda_config.as_ref().and_then(|c| c.kms_key_id.clone()).filter(|k| !k.is_empty());
    Some(Handoff { trigger, function, key_id, pool_id: pool.id().to_owned(), event, code: code.to_owned() })
}

impl Handoff {
    /// Encrypts the code and hands the event to the function. Failures are journaled, never
    /// the operation's (see the module's documentation).
    pub async fn send<S: Store>(self, svc: &Cognito<S>) {
        let Handoff { trigger, function, key_id, pool_id, mut event, code } = self;
        let failed = |event: Envelope, reason: String| {
            let mut event = event.into_event();
            if let Some(map) = event.as_object_mut() {
                map.remove("response");
            }
            svc.triggers.hand_off_failed(&function, trigger, &event, reason.clone());
            reason
        };
        let reason = match key_id {
            None => failed(event, "the pool's LambdaConfig has no KMSKeyID to encrypt the code with".into()),
            Some(key_id) => match encrypt(svc, &key_id, &pool_id, &code).await {
                Err(reason) => failed(event, reason),
                Ok(encrypted) => {
                    event.request.insert("code".into(), Value::from(encrypted));
                    let mut event = event.into_event();
                    if let Some(map) = event.as_object_mut() {
                        map.remove("response");
                    }
                    match svc.triggers.hand_off(&function, trigger, event).await {
                        Ok(()) => return,
                        Err(reason) => reason,
                    }
                }
            },
        };
        // The message was not delivered: the pool's userNotification log says so, if exported.
        let details = format!("{} could not deliver the message: {reason}", trigger.name());
        crate::log_delivery::user_notification_error(svc, &pool_id, &details).await;
    }
}

/// `code` as the AWS Encryption SDK message Cognito sends, base64.
async fn encrypt<S: Store>(svc: &Cognito<S>, key_id: &str, pool_id: &str, code: &str) -> Result<String, String> {
    use base64::Engine;
    let signer = Signer::generate().map_err(|e| e.to_string())?;
    let context = std::collections::BTreeMap::from([
        (encryption::PUBLIC_KEY_CONTEXT.to_owned(), signer.public_key().to_owned()),
        (POOL_CONTEXT.to_owned(), pool_id.to_owned()),
    ]);
    let data_key = svc.triggers.kms().generate_data_key(key_id, &svc.settings.region, &context).await?;
    let key = EncryptedDataKey {
        plaintext: &data_key.plaintext,
        provider_id: encryption::KMS_PROVIDER,
        provider_info: &data_key.key_arn,
        ciphertext: &data_key.ciphertext,
    };
    let message = encryption::encrypt(code.as_bytes(), &context, &key, &signer).map_err(|e| e.to_string())?;
    Ok(base64::engine::general_purpose::STANDARD.encode(message))
}
