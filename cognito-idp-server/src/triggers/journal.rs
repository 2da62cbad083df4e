//! Every invocation this instance made (function, trigger source, time, outcome), logged and
//! kept in a bounded list that `GET /_local/triggers` shows, so a test sees what its functions
//! were sent.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;

use super::Trigger;
use super::lambda::InvokeError;

/// How many invocations are kept (the oldest go first).
pub const KEPT: usize = 1000;

/// One invocation.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The function's ARN.
    pub function: String,
    /// The trigger (`PreSignUp`).
    pub trigger: &'static str,
    /// The event's `triggerSource`.
    pub trigger_source: String,
    /// The pool.
    pub user_pool_id: String,
    /// The user the event names.
    pub user_name: Option<String>,
    /// How long it took.
    pub ms: f64,
    /// `ok`, `function_error`, `unrecognizable_output`, `unexpected`.
    pub outcome: &'static str,
    /// The error's text, if it failed.
    pub error: Option<String>,
    /// The event sent.
    pub event: Value,
    /// The answer, if any.
    pub answer: Option<Value>,
}

impl Entry {
    /// The entry of an invocation of `function` for `trigger` with `event`.
    pub fn new(
        function: &str,
        trigger: Trigger,
        event: &Value,
        ms: f64,
        outcome: &Result<Value, InvokeError>,
    ) -> Entry {
        let text = |name: &str| event.get(name).and_then(Value::as_str).map(str::to_owned);
        Entry {
            function: function.to_owned(),
            trigger: trigger.name(),
            trigger_source: text("triggerSource").unwrap_or_default(),
            user_pool_id: text("userPoolId").unwrap_or_default(),
            user_name: text("userName"),
            ms,
            outcome: match outcome {
                Ok(_) => "ok",
                Err(e) => e.kind(),
            },
            error: outcome.as_ref().err().map(|e| format!("{e:?}")),
            event: event.clone(),
            answer: outcome.as_ref().ok().cloned(),
        }
    }
}

/// The list.
#[derive(Debug, Default)]
pub struct Journal {
    entries: Mutex<VecDeque<Entry>>,
}

impl Journal {
    /// Logs and keeps `entry`.
    pub fn record(&self, entry: Entry) {
        tracing::info!(
            function = %entry.function,
            trigger_source = %entry.trigger_source,
            ms = entry.ms,
            outcome = entry.outcome,
            "trigger invoked"
        );
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() == KEPT {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// The entries, oldest first, of pool `pool_id` if given.
    pub fn list(&self, pool_id: Option<&str>) -> Vec<Entry> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.iter().filter(|e| pool_id.is_none_or(|p| e.user_pool_id == p)).cloned().collect()
    }

    /// Forgets everything (`/_local/reset`).
    pub fn clear(&self) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}
