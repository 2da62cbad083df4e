//! [`Timestamp`]: an instant with nanosecond precision, sent over the wire as epoch seconds.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[cfg(feature = "time")]
use time::OffsetDateTime;

use crate::rfc3339;

const NANOS_PER_SEC: u32 = 1_000_000_000;
/// `0000-01-01T00:00:00Z` in epoch seconds: the first instant RFC 3339 can write.
const RFC3339_MIN_SECS: i64 = -62_167_219_200;
/// `9999-12-31T23:59:59Z` in epoch seconds: the last whole second RFC 3339 can write.
const RFC3339_MAX_SECS: i64 = 253_402_300_799;

/// An instant in time: whole seconds since the Unix epoch plus a nanosecond fraction.
///
/// On the AWS JSON wire a timestamp is a number of epoch seconds (`1548099495.428`). Its
/// [`Display`](fmt::Display) form is RFC 3339 in UTC (epoch seconds for instants outside the
/// years 0000 to 9999, which RFC 3339 cannot write). The default value is the Unix epoch.
///
/// ```
/// use awsjson_types::Timestamp;
///
/// let t = Timestamp::from_parts(1_548_099_495, 428_000_000);
/// assert_eq!(t.to_string(), "2019-01-21T19:38:15.428Z");
/// assert_eq!(serde_json::to_string(&t).unwrap(), "1548099495.428");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
}

/// Why a value could not be turned into a [`Timestamp`], or a timestamp into another time type.
///
/// ```
/// use awsjson_types::{Timestamp, TimestampError};
///
/// let err = Timestamp::parse_rfc3339("yesterday").unwrap_err();
/// assert!(matches!(err, TimestampError::InvalidFormat { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampError {
    /// The text is neither RFC 3339 nor (where accepted) a number of epoch seconds.
    InvalidFormat {
        /// What the parser objected to.
        reason: String,
    },
    /// The instant cannot be represented by the requested type (or by `Timestamp` itself).
    OutOfRange,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimestampError::InvalidFormat { reason } => write!(f, "invalid timestamp: {reason}"),
            TimestampError::OutOfRange => f.write_str("timestamp out of range"),
        }
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// The Unix epoch, `1970-01-01T00:00:00Z`.
    ///
    /// ```
    /// assert_eq!(awsjson_types::Timestamp::UNIX_EPOCH.secs(), 0);
    /// ```
    pub const UNIX_EPOCH: Timestamp = Timestamp { secs: 0, nanos: 0 };

    /// A timestamp at a whole number of seconds since the epoch (negative is before it).
    ///
    /// ```
    /// let t = awsjson_types::Timestamp::from_secs(1_548_099_495);
    /// assert_eq!(t.subsec_nanos(), 0);
    /// ```
    pub const fn from_secs(secs: i64) -> Self {
        Timestamp { secs, nanos: 0 }
    }

    /// A timestamp from seconds and nanoseconds. Nanoseconds of a second or more carry into
    /// `secs`; if that would overflow, the result saturates at the latest representable instant.
    ///
    /// ```
    /// let t = awsjson_types::Timestamp::from_parts(1, 1_500_000_000);
    /// assert_eq!((t.secs(), t.subsec_nanos()), (2, 500_000_000));
    /// ```
    pub const fn from_parts(secs: i64, nanos: u32) -> Self {
        let carry = (nanos / NANOS_PER_SEC) as i64;
        match secs.checked_add(carry) {
            Some(secs) => Timestamp { secs, nanos: nanos % NANOS_PER_SEC },
            None => Timestamp { secs: i64::MAX, nanos: NANOS_PER_SEC - 1 },
        }
    }

    /// A timestamp from fractional epoch seconds, as AWS sends them.
    ///
    /// The fraction is rounded to the nearest microsecond: an `f64` near today's epoch values
    /// holds no more, and rounding makes `1548099495.428` come back as exactly `.428`.
    /// Returns `None` for NaN, infinities and instants outside years 0000 to 9999.
    ///
    /// ```
    /// let t = awsjson_types::Timestamp::from_secs_f64(1548099495.428).unwrap();
    /// assert_eq!(t.subsec_nanos(), 428_000_000);
    /// assert!(awsjson_types::Timestamp::from_secs_f64(f64::NAN).is_none());
    /// ```
    pub fn from_secs_f64(value: f64) -> Option<Self> {
        if !value.is_finite() || value < RFC3339_MIN_SECS as f64 || value >= (RFC3339_MAX_SECS + 1) as f64 {
            return None;
        }
        let whole = value.floor();
        let micros = ((value - whole) * 1e6).round() as u32; // in 0..=1_000_000
        Some(Timestamp::from_parts(whole as i64, micros * 1_000))
    }

    /// The current time from the system clock.
    ///
    /// ```
    /// assert!(awsjson_types::Timestamp::now().secs() > 1_500_000_000);
    /// ```
    pub fn now() -> Self {
        SystemTime::now().into()
    }

    /// Parses RFC 3339 text such as `2019-01-21T19:38:15.428Z` or `2019-01-21T20:38:15+01:00`.
    ///
    /// ```
    /// let t = awsjson_types::Timestamp::parse_rfc3339("2019-01-21T20:38:15.428+01:00").unwrap();
    /// assert_eq!(t.to_string(), "2019-01-21T19:38:15.428Z");
    /// ```
    pub fn parse_rfc3339(text: &str) -> Result<Self, TimestampError> {
        let (secs, nanos) = rfc3339::parse(text).map_err(|reason| TimestampError::InvalidFormat { reason })?;
        Ok(Timestamp { secs, nanos })
    }

    /// Parses RFC 3339 text, an HTTP date (`Mon, 21 Jan 2019 19:38:15 GMT`, what `rfc822`
    /// members carry) or a number of epoch seconds written as text (`"1548099495.428"`); a
    /// decimal fraction is kept to the nanosecond.
    ///
    /// ```
    /// use awsjson_types::Timestamp;
    ///
    /// let a = Timestamp::parse_str("1548099495.428").unwrap();
    /// let b = Timestamp::parse_str("2019-01-21T19:38:15.428Z").unwrap();
    /// assert_eq!(a, b);
    /// ```
    pub fn parse_str(text: &str) -> Result<Self, TimestampError> {
        let trimmed = text.trim();
        if let Some(t) = parse_decimal(trimmed) {
            return Ok(t);
        }
        match trimmed.parse::<f64>() {
            Ok(v) if v.is_finite() => Timestamp::from_secs_f64(v).ok_or(TimestampError::OutOfRange),
            _ => match crate::http_date::parse(trimmed) {
                Some((secs, nanos)) if (RFC3339_MIN_SECS..=RFC3339_MAX_SECS).contains(&secs) => {
                    Ok(Timestamp::from_parts(secs, nanos))
                }
                _ => Timestamp::parse_rfc3339(trimmed),
            },
        }
    }

    /// Whole seconds since the epoch (rounded towards negative infinity).
    ///
    /// ```
    /// assert_eq!(awsjson_types::Timestamp::from_secs_f64(-1.5).unwrap().secs(), -2);
    /// ```
    pub const fn secs(&self) -> i64 {
        self.secs
    }

    /// Nanoseconds past [`secs`](Self::secs), always below one billion.
    ///
    /// ```
    /// assert_eq!(awsjson_types::Timestamp::from_secs_f64(-1.5).unwrap().subsec_nanos(), 500_000_000);
    /// ```
    pub const fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Fractional epoch seconds (may lose precision below the microsecond).
    ///
    /// ```
    /// assert_eq!(awsjson_types::Timestamp::from_parts(1, 500_000_000).as_secs_f64(), 1.5);
    /// ```
    pub fn as_secs_f64(&self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / f64::from(NANOS_PER_SEC)
    }

    /// The same instant as a [`SystemTime`], or `None` if the platform cannot hold it.
    ///
    /// ```
    /// let t = awsjson_types::Timestamp::from_secs(10);
    /// assert_eq!(t.to_system_time(), Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(10)));
    /// ```
    pub fn to_system_time(&self) -> Option<SystemTime> {
        if self.secs >= 0 {
            UNIX_EPOCH.checked_add(Duration::new(self.secs.unsigned_abs(), self.nanos))
        } else {
            let back = Duration::from_secs(self.secs.unsigned_abs());
            UNIX_EPOCH.checked_sub(back)?.checked_add(Duration::from_nanos(u64::from(self.nanos)))
        }
    }

    /// The same instant as a UTC [`OffsetDateTime`], or an error outside the `time` crate's
    /// range (with the `time` feature).
    ///
    /// ```
    /// # #[cfg(feature = "time")] {
    /// let dt = awsjson_types::Timestamp::from_secs(0).to_offset_date_time().unwrap();
    /// assert_eq!(dt.year(), 1970);
    /// # }
    /// ```
    #[cfg(feature = "time")]
    pub fn to_offset_date_time(&self) -> Result<OffsetDateTime, TimestampError> {
        let nanos = i128::from(self.secs) * i128::from(NANOS_PER_SEC) + i128::from(self.nanos);
        OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| TimestampError::OutOfRange)
    }

    fn write_rfc3339(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !(RFC3339_MIN_SECS..=RFC3339_MAX_SECS).contains(&self.secs) {
            // RFC 3339 has no way to write this year: fall back to epoch seconds.
            return write_epoch(f, self.secs, self.nanos);
        }
        f.write_str(&rfc3339::format_date_time(self.secs))?;
        if self.nanos != 0 {
            let digits = format!("{:09}", self.nanos);
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        f.write_str("Z")
    }
}

/// Writes epoch seconds with an exact decimal fraction (used for instants RFC 3339 cannot hold).
fn write_epoch(f: &mut fmt::Formatter<'_>, secs: i64, nanos: u32) -> fmt::Result {
    if nanos == 0 {
        return write!(f, "{secs}");
    }
    // secs is floored, so for negative values the written number is secs + 1 minus the rest.
    let (sign, whole, frac) = if secs < 0 {
        ("-", (secs + 1).unsigned_abs(), NANOS_PER_SEC - nanos)
    } else {
        ("", secs.unsigned_abs(), nanos)
    };
    let digits = format!("{frac:09}");
    write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
}

/// Exact parse of `[+-]digits[.digits]` epoch seconds; `None` if the text has another form.
fn parse_decimal(text: &str) -> Option<Timestamp> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (int_part, frac_part) = rest.split_once('.').unwrap_or((rest, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int_part.is_empty() || !all_digits(int_part) || !all_digits(frac_part) {
        return None;
    }
    let whole: i64 = int_part.parse().ok()?;
    let mut nanos: u32 = 0;
    for (i, b) in frac_part.bytes().take(9).enumerate() {
        nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
    }
    if !negative || nanos == 0 {
        let secs = if negative { -whole } else { whole };
        return Some(Timestamp { secs, nanos });
    }
    // -w.f == -(w + 1) + (1 - f)
    let secs = whole.checked_add(1)?.checked_neg()?;
    Some(Timestamp { secs, nanos: NANOS_PER_SEC - nanos })
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_rfc3339(f)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Timestamp(")?;
        self.write_rfc3339(f)?;
        f.write_str(")")
    }
}

impl From<SystemTime> for Timestamp {
    fn from(value: SystemTime) -> Self {
        match value.duration_since(UNIX_EPOCH) {
            Ok(after) => match i64::try_from(after.as_secs()) {
                Ok(secs) => Timestamp { secs, nanos: after.subsec_nanos() },
                Err(_) => Timestamp::from_parts(i64::MAX, NANOS_PER_SEC - 1),
            },
            Err(err) => {
                let before = err.duration();
                let secs = i64::try_from(before.as_secs()).map_or(i64::MIN, |s| -s);
                match before.subsec_nanos() {
                    0 => Timestamp { secs, nanos: 0 },
                    n => match secs.checked_sub(1) {
                        Some(secs) => Timestamp { secs, nanos: NANOS_PER_SEC - n },
                        None => Timestamp { secs: i64::MIN, nanos: 0 },
                    },
                }
            }
        }
    }
}

impl TryFrom<Timestamp> for SystemTime {
    type Error = TimestampError;

    fn try_from(value: Timestamp) -> Result<Self, Self::Error> {
        value.to_system_time().ok_or(TimestampError::OutOfRange)
    }
}

#[cfg(feature = "time")]
impl From<OffsetDateTime> for Timestamp {
    fn from(value: OffsetDateTime) -> Self {
        Timestamp { secs: value.unix_timestamp(), nanos: value.nanosecond() }
    }
}

#[cfg(feature = "time")]
impl TryFrom<Timestamp> for OffsetDateTime {
    type Error = TimestampError;

    fn try_from(value: Timestamp) -> Result<Self, Self::Error> {
        value.to_offset_date_time()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_parts_normalises_and_saturates() {
        let t = Timestamp::from_parts(5, 2_000_000_001);
        assert_eq!((t.secs(), t.subsec_nanos()), (7, 1));
        let t = Timestamp::from_parts(i64::MAX, u32::MAX);
        assert_eq!((t.secs(), t.subsec_nanos()), (i64::MAX, 999_999_999));
        assert_eq!(Timestamp::default(), Timestamp::UNIX_EPOCH);
    }

    #[test]
    fn from_secs_f64_rounds_to_microseconds() {
        let t = Timestamp::from_secs_f64(1548099495.428).unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (1_548_099_495, 428_000_000));
        let t = Timestamp::from_secs_f64(0.9999999).unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (1, 0));
        let t = Timestamp::from_secs_f64(-0.25).unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (-1, 750_000_000));
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, -1e300] {
            assert_eq!(Timestamp::from_secs_f64(bad), None);
        }
    }

    #[test]
    fn display_and_debug() {
        let t = Timestamp::from_parts(1_548_099_495, 428_000_000);
        assert_eq!(t.to_string(), "2019-01-21T19:38:15.428Z");
        assert_eq!(format!("{t:?}"), "Timestamp(2019-01-21T19:38:15.428Z)");
        assert_eq!(Timestamp::from_secs(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp::from_parts(0, 1).to_string(), "1970-01-01T00:00:00.000000001Z");
        // Outside what RFC 3339 can write: epoch seconds, never a panic.
        assert_eq!(Timestamp::from_secs(i64::MAX).to_string(), i64::MAX.to_string());
        assert_eq!(Timestamp::from_parts(i64::MIN, 500_000_000).to_string(), "-9223372036854775807.5");
        assert_eq!(Timestamp::from_parts(-300_000_000_000, 0).to_string(), "-300000000000");
    }

    #[test]
    fn parse_rfc3339_variants() {
        let expected = Timestamp::from_parts(1_548_099_495, 428_000_000);
        for text in [
            "2019-01-21T19:38:15.428Z",
            "2019-01-21t19:38:15.428z",
            "2019-01-21T21:38:15.428+02:00",
            "2019-01-21T19:38:15.428000000Z",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(text), Ok(expected), "{text}");
        }
        for bad in ["", "2019-01-21", "2019-13-21T19:38:15Z", "2019-01-21T19:38:15", "now"] {
            assert!(Timestamp::parse_rfc3339(bad).is_err(), "{bad}");
        }
        let err = Timestamp::parse_rfc3339("x").unwrap_err();
        assert!(err.to_string().starts_with("invalid timestamp"));
    }

    #[test]
    fn parse_str_accepts_numbers() {
        let t = Timestamp::parse_str("1548099495.123456789").unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (1_548_099_495, 123_456_789));
        let t = Timestamp::parse_str("-1.25").unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (-2, 750_000_000));
        let t = Timestamp::parse_str("1.548099495428E9").unwrap();
        assert_eq!((t.secs(), t.subsec_nanos()), (1_548_099_495, 428_000_000));
        assert_eq!(Timestamp::parse_str("42").unwrap(), Timestamp::from_secs(42));
        for bad in ["", "NaN", "inf", "1e400", "abc", "1.2.3", "-", "."] {
            assert!(Timestamp::parse_str(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn system_time_round_trip() {
        let sys = UNIX_EPOCH + Duration::new(1_548_099_495, 428_000_000);
        let t = Timestamp::from(sys);
        assert_eq!(t, Timestamp::from_parts(1_548_099_495, 428_000_000));
        assert_eq!(SystemTime::try_from(t), Ok(sys));
        let before = UNIX_EPOCH - Duration::new(1, 250_000_000);
        let t = Timestamp::from(before);
        assert_eq!((t.secs(), t.subsec_nanos()), (-2, 750_000_000));
        assert_eq!(t.to_system_time(), Some(before));
        assert!(Timestamp::now() > Timestamp::from_secs(1_500_000_000));
    }

    #[cfg(feature = "time")]
    #[test]
    fn offset_date_time_round_trip() {
        let t = Timestamp::from_parts(1_548_099_495, 428_000_000);
        let dt = OffsetDateTime::try_from(t).unwrap();
        assert_eq!(Timestamp::from(dt), t);
        assert_eq!(OffsetDateTime::try_from(Timestamp::from_secs(i64::MAX)), Err(TimestampError::OutOfRange));
        assert_eq!(TimestampError::OutOfRange.to_string(), "timestamp out of range");
    }

    #[test]
    fn as_secs_f64_and_ordering() {
        let a = Timestamp::from_parts(1, 500_000_000);
        assert_eq!(a.as_secs_f64(), 1.5);
        assert!(Timestamp::from_parts(1, 1) > Timestamp::from_secs(1));
        assert!(Timestamp::from_secs(-1) < Timestamp::UNIX_EPOCH);
    }
}
