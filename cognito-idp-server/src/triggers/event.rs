//! The envelope every trigger's event shares (AWS's developer guide, "Customizing user pool
//! workflows with Lambda triggers", and the event types of AWS's Lambda runtimes, e.g.
//! aws-lambda-rust-runtime's `CognitoEventUserPoolsHeader`): `version`, `triggerSource`,
//! `region`, `userPoolId`, `userName`, `callerContext` (`awsSdkVersion`, `clientId`), then the
//! trigger's `request` and `response`.

use serde_json::{Map, Value, json};

/// `callerContext.awsSdkVersion` when the caller's SDK is not known (what Cognito sends for
/// calls without an SDK user agent, as recorded in AWS's sample events).
pub const UNKNOWN_SDK: &str = "aws-sdk-unknown-unknown";

/// An event before it is sent.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// `version`: `"1"`, or the PreTokenGeneration event version (`"2"`, `"3"`).
    pub version: String,
    /// `triggerSource`, e.g. `PreSignUp_SignUp`.
    pub trigger_source: String,
    /// `region`.
    pub region: String,
    /// `userPoolId`.
    pub user_pool_id: String,
    /// `userName` (absent for machine-to-machine events).
    pub user_name: Option<String>,
    /// `callerContext.clientId`.
    pub client_id: Option<String>,
    /// `callerContext.awsSdkVersion`.
    pub sdk_version: String,
    /// `request`.
    pub request: Map<String, Value>,
    /// `response`, with the trigger's defaults.
    pub response: Map<String, Value>,
}

impl Envelope {
    /// A version-1 event of `trigger_source` for `user_name` of `pool_id`.
    pub fn new(
        region: &str,
        pool_id: &str,
        trigger_source: &str,
        user_name: Option<&str>,
        client_id: Option<&str>,
    ) -> Envelope {
        Envelope {
            version: "1".into(),
            trigger_source: trigger_source.into(),
            region: region.into(),
            user_pool_id: pool_id.into(),
            user_name: user_name.map(str::to_owned),
            client_id: client_id.map(str::to_owned),
            sdk_version: UNKNOWN_SDK.into(),
            request: Map::new(),
            response: Map::new(),
        }
    }

    /// Sets `request.{name}`.
    pub fn request(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.request.insert(name.into(), value.into());
        self
    }

    /// Sets `response.{name}` (a default the function may change).
    pub fn response(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.response.insert(name.into(), value.into());
        self
    }

    /// The JSON event.
    pub fn into_event(self) -> Value {
        let mut caller = Map::new();
        caller.insert("awsSdkVersion".into(), Value::from(self.sdk_version));
        caller.insert("clientId".into(), self.client_id.map(Value::from).unwrap_or(Value::Null));
        let mut event = Map::new();
        event.insert("version".into(), Value::from(self.version));
        event.insert("triggerSource".into(), Value::from(self.trigger_source));
        event.insert("region".into(), Value::from(self.region));
        event.insert("userPoolId".into(), Value::from(self.user_pool_id));
        event.insert("userName".into(), self.user_name.map(Value::from).unwrap_or(Value::Null));
        event.insert("callerContext".into(), Value::Object(caller));
        event.insert("request".into(), Value::Object(self.request));
        event.insert("response".into(), Value::Object(self.response));
        Value::Object(event)
    }
}

/// A user's attributes as events carry them: an object of strings (`sub` included, and the
/// `cognito:user_status` AWS adds where the guide shows it).
pub fn attributes(attributes: &[(String, String)]) -> Value {
    Value::Object(attributes.iter().map(|(n, v)| (n.clone(), Value::from(v.as_str()))).collect())
}

/// `clientMetadata` as events carry it (an empty object when none was given).
pub fn metadata(metadata: Option<&std::collections::BTreeMap<String, String>>) -> Value {
    match metadata {
        Some(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect()),
        None => json!({}),
    }
}

/// `response.{name}` of an answer, as a boolean (absent or null: `false`).
pub fn answered_flag(answer: &Value, name: &str) -> bool {
    answer.get("response").and_then(|r| r.get(name)).and_then(Value::as_bool).unwrap_or(false)
}
