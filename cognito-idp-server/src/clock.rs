//! The server's clock: the system's, moved forward by an offset that tests set through
//! `/_local/clock` so that expiry can be tested without waiting.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// A clock with an adjustable offset; clones share it.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// Milliseconds since the epoch, offset included.
    pub fn now_ms(&self) -> i64 {
        let system = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        system + self.offset_ms.load(Ordering::Relaxed)
    }

    /// The current offset.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Sets the offset.
    pub fn set_offset_ms(&self, offset: i64) {
        self.offset_ms.store(offset, Ordering::Relaxed);
    }
}

/// A timestamp of the API from milliseconds since the epoch.
pub fn timestamp(ms: i64) -> awsjson_types::Timestamp {
    awsjson_types::Timestamp::from_secs_f64(ms as f64 / 1000.0).unwrap_or_else(awsjson_types::Timestamp::now)
}
