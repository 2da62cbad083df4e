//! Lambda triggers: the functions a pool's `LambdaConfig` names, called as Cognito calls them
//! (the Lambda Invoke API, synchronously, with AWS's events), and their answers put to work by
//! the handlers.
//!
//! - [`lambda`]: the Invoke API client: endpoint, SigV4, time limit and retries, and what a
//!   failed invocation becomes (AWS's `UserLambdaValidationException`,
//!   `InvalidLambdaResponseException`, `UnexpectedLambdaException`).
//! - [`event`]: the envelope every trigger's event shares.
//! - [`journal`]: the record of invocations `/_local/triggers` lists.
//! - [`kms`] and [`encryption`]: the data key and the AWS Encryption SDK message custom sender
//!   triggers get their codes in; [`credentials`]: the keys Lambda and KMS calls are signed with.
//!
//! A pool without the trigger invokes nothing and costs nothing.

pub mod credentials;
pub mod encryption;
pub mod event;
pub mod journal;
pub mod kms;
pub mod lambda;

use std::sync::Arc;

use serde_json::Value;

use cognito_idp::types::UserPoolType;

use crate::errors::ApiResult;

pub use event::Envelope;
pub use kms::Kms;
pub use lambda::Lambda;

/// What the handlers call triggers through. Cheap to clone.
#[derive(Clone, Default)]
pub struct Triggers {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    lambda: Lambda,
    kms: Kms,
    journal: journal::Journal,
}

impl Triggers {
    /// Triggers invoked through `lambda`, custom senders' codes encrypted through `kms`.
    pub fn new(lambda: Lambda, kms: Kms) -> Triggers {
        Triggers { inner: Arc::new(Inner { lambda, kms, journal: journal::Journal::default() }) }
    }

    /// The KMS client custom senders' codes are encrypted through.
    pub fn kms(&self) -> &Kms {
        &self.inner.kms
    }

    /// The invocations so far, oldest first.
    pub fn journal(&self) -> &journal::Journal {
        &self.inner.journal
    }

    /// Invokes the pool's function for `trigger` (a member name of `LambdaConfigType`, such as
    /// `PreSignUp`) with `envelope`, if the pool configures one: its answer (the whole event as
    /// the function returned it), or `None` when the pool has no such trigger. A failure is the
    /// error AWS answers the operation with.
    pub async fn invoke(&self, pool: &UserPoolType, trigger: Trigger, envelope: Envelope) -> ApiResult<Option<Value>> {
        let Some(arn) = function_of(pool, trigger) else { return Ok(None) };
        let event = envelope.into_event();
        let started = std::time::Instant::now();
        let outcome = self.inner.lambda.invoke(&arn, &event).await;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        self.inner.journal.record(journal::Entry::new(&arn, trigger, &event, ms, &outcome));
        match outcome {
            Ok(answer) => Ok(Some(answer)),
            Err(e) => Err(e.into_api_error(trigger)),
        }
    }
}

impl Triggers {
    /// Hands `event` to the pool's function for `trigger` to run on its own (the Lambda Invoke
    /// API's `Event` type), as Cognito invokes custom sender triggers ("Except for custom sender
    /// Lambda triggers, Amazon Cognito invokes Lambda functions synchronously", AWS's developer
    /// guide). Nothing the function does reaches the operation: a failure to hand it over is
    /// journaled and logged, and the operation has succeeded all the same; it is answered (as
    /// text) for the pool's exported message delivery logs.
    pub async fn hand_off(&self, arn: &str, trigger: Trigger, event: Value) -> Result<(), String> {
        let started = std::time::Instant::now();
        let outcome = self.inner.lambda.hand_off(arn, &event).await.map(|()| Value::Null);
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if let Err(e) = &outcome {
            tracing::warn!(function = %arn, trigger = trigger.name(), error = ?e, "custom sender not invoked");
        }
        self.inner.journal.record(journal::Entry::new(arn, trigger, &event, ms, &outcome));
        outcome.map(|_| ()).map_err(|e| format!("{e:?}"))
    }

    /// Journals a hand-off that failed before the function was called (the code could not be
    /// encrypted).
    pub fn hand_off_failed(&self, arn: &str, trigger: Trigger, event: &Value, reason: String) {
        tracing::warn!(function = %arn, trigger = trigger.name(), %reason, "custom sender not invoked");
        let outcome = Err(lambda::InvokeError::Unexpected(reason));
        self.inner.journal.record(journal::Entry::new(arn, trigger, event, 0.0, &outcome));
    }
}

/// The triggers of `LambdaConfigType`, by the name AWS's error messages give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// `PreSignUp`.
    PreSignUp,
    /// `PostConfirmation`.
    PostConfirmation,
    /// `PreAuthentication`.
    PreAuthentication,
    /// `PostAuthentication`.
    PostAuthentication,
    /// `PreTokenGeneration` (or `PreTokenGenerationConfig`'s function).
    PreTokenGeneration,
    /// `CustomMessage`.
    CustomMessage,
    /// `DefineAuthChallenge`.
    DefineAuthChallenge,
    /// `CreateAuthChallenge`.
    CreateAuthChallenge,
    /// `VerifyAuthChallengeResponse`.
    VerifyAuthChallengeResponse,
    /// `UserMigration`.
    UserMigration,
    /// `CustomSMSSender`.
    CustomSmsSender,
    /// `CustomEmailSender`.
    CustomEmailSender,
}

impl Trigger {
    /// The name in AWS's messages (`PreSignUp failed with error ...`).
    pub fn name(self) -> &'static str {
        match self {
            Trigger::PreSignUp => "PreSignUp",
            Trigger::PostConfirmation => "PostConfirmation",
            Trigger::PreAuthentication => "PreAuthentication",
            Trigger::PostAuthentication => "PostAuthentication",
            Trigger::PreTokenGeneration => "PreTokenGeneration",
            Trigger::CustomMessage => "CustomMessage",
            Trigger::DefineAuthChallenge => "DefineAuthChallenge",
            Trigger::CreateAuthChallenge => "CreateAuthChallenge",
            Trigger::VerifyAuthChallengeResponse => "VerifyAuthChallengeResponse",
            Trigger::UserMigration => "UserMigration",
            Trigger::CustomSmsSender => "CustomSMSSender",
            Trigger::CustomEmailSender => "CustomEmailSender",
        }
    }
}

/// The function `pool` configures for `trigger`: the ARN as the configuration gives it.
/// `PreTokenGenerationConfig` (which chooses the event version) wins over the older
/// `PreTokenGeneration` member, as AWS documents for pools that set both.
pub fn function_of(pool: &UserPoolType, trigger: Trigger) -> Option<String> {
    let config = pool.lambda_config.as_ref()?;
    let arn = match trigger {
        Trigger::PreSignUp => config.pre_sign_up.clone(),
        Trigger::PostConfirmation => config.post_confirmation.clone(),
        Trigger::PreAuthentication => config.pre_authentication.clone(),
        Trigger::PostAuthentication => config.post_authentication.clone(),
        Trigger::PreTokenGeneration => config
            .pre_token_generation_config
            .as_ref()
            .map(|c| c.lambda_arn.clone())
            .or_else(|| config.pre_token_generation.clone()),
        Trigger::CustomMessage => config.custom_message.clone(),
        Trigger::DefineAuthChallenge => config.define_auth_challenge.clone(),
        Trigger::CreateAuthChallenge => config.create_auth_challenge.clone(),
        Trigger::VerifyAuthChallengeResponse => config.verify_auth_challenge_response.clone(),
        Trigger::UserMigration => config.user_migration.clone(),
        Trigger::CustomSmsSender => config.custom_sms_sender.as_ref().map(|s| s.lambda_arn.clone()),
        Trigger::CustomEmailSender => config.custom_email_sender.as_ref().map(|s| s.lambda_arn.clone()),
    };
    arn.filter(|a| !a.is_empty())
}
