//! [`DateTime`]: a [`Timestamp`] that goes over the wire as an RFC 3339 string, for members whose
//! model says `timestampFormat: iso8601` (the schemas' `"x-aws-timestamp-format": "iso8601"`).

use std::fmt;
use std::ops::Deref;
use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::timestamp::Timestamp;

/// An instant sent as an RFC 3339 date-time string in UTC (`"2019-01-21T19:38:15.428Z"`) instead
/// of epoch seconds. It reads everything a [`Timestamp`] reads (RFC 3339 strings with any offset,
/// and epoch seconds), dereferences to one, and converts to and from one.
///
/// Instants outside the years 0000 to 9999, which RFC 3339 cannot write, are sent as a string of
/// epoch seconds, as [`Timestamp`]'s `Display` writes them.
///
/// ```
/// use awsjson_types::{DateTime, Timestamp};
///
/// let t = DateTime::from(Timestamp::from_parts(1_548_099_495, 428_000_000));
/// assert_eq!(serde_json::to_string(&t).unwrap(), r#""2019-01-21T19:38:15.428Z""#);
/// assert_eq!(serde_json::from_str::<DateTime>("1548099495.428").unwrap(), t);
/// assert_eq!(t.secs(), 1_548_099_495);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DateTime(pub Timestamp);

impl DateTime {
    /// The instant as a [`Timestamp`].
    #[inline]
    pub fn timestamp(self) -> Timestamp {
        self.0
    }

    /// The current time.
    pub fn now() -> Self {
        DateTime(Timestamp::now())
    }
}

impl Deref for DateTime {
    type Target = Timestamp;

    #[inline]
    fn deref(&self) -> &Timestamp {
        &self.0
    }
}

impl From<Timestamp> for DateTime {
    #[inline]
    fn from(value: Timestamp) -> Self {
        DateTime(value)
    }
}

impl From<DateTime> for Timestamp {
    #[inline]
    fn from(value: DateTime) -> Self {
        value.0
    }
}

impl From<SystemTime> for DateTime {
    fn from(value: SystemTime) -> Self {
        DateTime(Timestamp::from(value))
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Timestamp::deserialize(deserializer).map(DateTime)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_rfc3339_in_utc() {
        let whole = DateTime::from(Timestamp::from_secs(1_548_099_495));
        assert_eq!(serde_json::to_string(&whole).unwrap(), r#""2019-01-21T19:38:15Z""#);
        let fraction = DateTime::from(Timestamp::from_parts(1_548_099_495, 428_000_000));
        assert_eq!(serde_json::to_string(&fraction).unwrap(), r#""2019-01-21T19:38:15.428Z""#);
        assert_eq!(serde_json::to_string(&DateTime::default()).unwrap(), r#""1970-01-01T00:00:00Z""#);
    }

    #[test]
    fn reads_what_a_timestamp_reads() {
        let expected = DateTime::from(Timestamp::from_parts(1_548_099_495, 428_000_000));
        for json in [r#""2019-01-21T19:38:15.428Z""#, r#""2019-01-21T14:38:15.428-05:00""#, "1548099495.428"] {
            assert_eq!(serde_json::from_str::<DateTime>(json).unwrap(), expected, "{json}");
        }
        assert!(serde_json::from_str::<DateTime>(r#""soon""#).unwrap_err().to_string().contains("timestamp"));
    }

    #[test]
    fn round_trips_and_converts() {
        let t = Timestamp::from_parts(1_700_000_000, 1_000);
        let d = DateTime::from(t);
        let back: DateTime = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
        assert_eq!(Timestamp::from(d), t);
        assert_eq!(d.timestamp(), t);
        assert_eq!(format!("{d:?}"), format!("{t:?}"));
        assert_eq!(d.to_string(), t.to_string());
    }

    #[test]
    fn works_inside_structs_next_to_epoch_timestamps() {
        #[derive(serde::Deserialize, serde::Serialize, PartialEq, Debug)]
        struct Holder {
            iso: DateTime,
            epoch: Timestamp,
        }
        let h: Holder = serde_json::from_str(r#"{"iso":1548099495,"epoch":"2019-01-21T19:38:15Z"}"#).unwrap();
        assert_eq!(serde_json::to_string(&h).unwrap(), r#"{"iso":"2019-01-21T19:38:15Z","epoch":1548099495}"#);
    }
}
