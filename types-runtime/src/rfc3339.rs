//! RFC 3339 dates and times (`2019-01-21T19:38:15.428Z`), read and written without a date
//! library: the `time` crate cost about 3 s of a clean build of a client program, which the
//! toolkit's build-time goal could not afford, and the arithmetic needed here is small. Its
//! output is checked against `time`'s in the tests.

/// Days from 1970-01-01 to `year-month-day` in the proleptic Gregorian calendar.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01: (year, month, day).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `secs` since the epoch as `YYYY-MM-DDTHH:MM:SS` (the caller adds fraction and zone).
pub(crate) fn format_date_time(secs: i64) -> String {
    let (days, second_of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}")
}

/// Parses RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, `t` and `z` allowed in lower
/// case, a space allowed for the `T` as the RFC's note permits) into epoch seconds and
/// nanoseconds. A leap second (`:60`) reads as the last
/// nanosecond of the second before it; digits of a fraction past the ninth are dropped.
pub(crate) fn parse(text: &str) -> Result<(i64, u32), String> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>, what: &str| -> Result<u32, String> {
        let part = b.get(range).ok_or_else(|| format!("the {what} is missing"))?;
        if part.iter().all(u8::is_ascii_digit) {
            Ok(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
        } else {
            Err(format!("the {what} is not a number"))
        }
    };
    let expect = |at: usize, allowed: &[u8], what: &str| -> Result<(), String> {
        match b.get(at) {
            Some(c) if allowed.contains(c) => Ok(()),
            _ => Err(format!("expected {what} at byte {at}")),
        }
    };
    let year = digits(0..4, "year")?;
    expect(4, b"-", "'-'")?;
    let month = digits(5..7, "month")?;
    expect(7, b"-", "'-'")?;
    let day = digits(8..10, "day")?;
    expect(10, b"Tt ", "'T'")?;
    let hour = digits(11..13, "hour")?;
    expect(13, b":", "':'")?;
    let minute = digits(14..16, "minute")?;
    expect(16, b":", "':'")?;
    let mut second = digits(17..19, "second")?;
    let year = i64::from(year);
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} does not exist"));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(format!("day {day} does not exist in {year:04}-{month:02}"));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err("the time of day is out of range".into());
    }
    let mut at = 19;
    let mut nanos = 0u32;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            if at - start < 9 {
                nanos = nanos * 10 + u32::from(b[at] - b'0');
            }
            at += 1;
        }
        if at == start {
            return Err("the fraction of a second has no digits".into());
        }
        nanos *= 10u32.pow(9u32.saturating_sub((at - start) as u32));
    }
    let offset_secs: i64 = match b.get(at) {
        Some(b'Z' | b'z') => {
            at += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            let hours = digits(at + 1..at + 3, "offset hour")?;
            expect(at + 3, b":", "':'")?;
            let minutes = digits(at + 4..at + 6, "offset minute")?;
            if hours > 23 || minutes > 59 {
                return Err("the offset is out of range".into());
            }
            at += 6;
            let offset = i64::from(hours * 3600 + minutes * 60);
            if sign == b'-' { -offset } else { offset }
        }
        _ => return Err(format!("expected 'Z' or an offset at byte {at}")),
    };
    if at != b.len() {
        return Err(format!("unexpected text after byte {at}"));
    }
    if second == 60 {
        second = 59;
        nanos = 999_999_999;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_secs;
    Ok((secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

    #[test]
    fn civil_dates_round_trip_and_agree_with_time() {
        // Every day from 0000-01-01 to 9999-12-31, in steps that visit every month and leap day.
        let first = days_from_civil(0, 1, 1);
        let last = days_from_civil(9999, 12, 31);
        for days in (first..=last).step_by(7).chain([first, last, 0, -1, 11_016, 10_957]) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            let date = OffsetDateTime::from_unix_timestamp(days * 86_400).unwrap().date();
            assert_eq!((i64::from(date.year()), u32::from(u8::from(date.month())), u32::from(date.day())), (y, m, d));
        }
    }

    #[test]
    fn formats_as_time_does() {
        for secs in [0, -1, 1_548_099_495, 951_782_400, 4_107_542_400, -62_167_219_200, 253_402_300_799, 86_399] {
            let ours = format_date_time(secs);
            let theirs = OffsetDateTime::from_unix_timestamp(secs).unwrap().format(&Rfc3339).unwrap();
            assert_eq!(format!("{ours}Z"), theirs);
        }
    }

    #[test]
    fn parses_what_time_parses() {
        for text in [
            "2019-01-21T19:38:15Z",
            "2019-01-21T19:38:15.428Z",
            "2019-01-21t19:38:15.428z",
            "2019-01-21 19:38:15Z",
            "2019-01-21T19:38:15.123456789Z",
            "2019-01-21T19:38:15.1+02:30",
            "2019-01-21T01:38:15-05:00",
            "2000-02-29T00:00:00Z",
            "1969-12-31T23:59:59.5Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            let theirs = OffsetDateTime::parse(text, &Rfc3339).unwrap();
            let ours = parse(text).unwrap();
            assert_eq!(ours, (theirs.unix_timestamp(), theirs.nanosecond()), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_rfc3339() {
        for text in [
            "",
            "yesterday",
            "2019-01-21",
            "2019-01-21T19:38:15",
            "2019-13-01T00:00:00Z",
            "2019-02-29T00:00:00Z",
            "2019-01-32T00:00:00Z",
            "2019-01-21T24:00:00Z",
            "2019-01-21T19:60:00Z",
            "2019-01-21T19:38:15.Z",
            "2019-01-21T19:38:15+0200",
            "2019-01-21T19:38:15+24:00",
            "2019-01-21T19:38:15Zjunk",
            "2019-1-21T19:38:15Z",
            "+2019-01-21T19:38:15Z",
        ] {
            assert!(parse(text).is_err(), "{text}");
            assert!(OffsetDateTime::parse(text, &Rfc3339).is_err(), "time accepts {text}");
        }
    }

    #[test]
    fn leap_seconds_read_as_the_end_of_the_second_before() {
        assert_eq!(parse("2016-12-31T23:59:60Z").unwrap(), (1_483_228_799, 999_999_999));
    }
}
