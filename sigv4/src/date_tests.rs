use super::*;

fn at(secs: i64) -> SystemTime {
    from_unix_seconds(secs)
}

#[test]
fn formats_known_instants() {
    assert_eq!(format_amz_date(UNIX_EPOCH), "19700101T000000Z");
    assert_eq!(format_amz_date(at(-1)), "19691231T235959Z");
    assert_eq!(format_amz_date(at(1_440_938_160)), "20150830T123600Z");
    // 2000 is a leap year (divisible by 400), 2100 is not (divisible by 100 only).
    assert_eq!(format_amz_date(at(951_782_400)), "20000229T000000Z");
    assert_eq!(format_amz_date(at(4_102_444_800)), "21000101T000000Z");
    assert_eq!(format_amz_date(at(4_107_542_399)), "21000228T235959Z");
    assert_eq!(format_amz_date(at(4_107_542_400)), "21000301T000000Z");
    assert_eq!(format_amz_date(at(4_133_980_799)), "21001231T235959Z");
    assert_eq!(format_amz_date(at(253_402_300_799)), "99991231T235959Z");
    assert_eq!(format_amz_date(at(-62_167_219_200)), "00000101T000000Z");
}

#[test]
fn drops_fractions_of_a_second() {
    assert_eq!(format_amz_date(UNIX_EPOCH + Duration::from_millis(1_999)), "19700101T000001Z");
    // Before 1970 a fraction rounds down too: 0.5 s before the epoch is 23:59:59.
    assert_eq!(format_amz_date(UNIX_EPOCH - Duration::from_millis(500)), "19691231T235959Z");
}

#[test]
fn leap_days() {
    for (text, ok) in [
        ("20240229T120000Z", true),
        ("20230229T120000Z", false),
        ("20000229T120000Z", true),
        ("21000229T120000Z", false),
        ("19000229T120000Z", false),
        ("19960229T000000Z", true),
    ] {
        assert_eq!(parse_amz_date(text).is_some(), ok, "{text}");
    }
    let feb29 = parse_amz_date("20240229T235959Z").unwrap();
    assert_eq!(format_amz_date(feb29 + Duration::from_secs(1)), "20240301T000000Z");
    let feb28 = parse_amz_date("21000228T235959Z").unwrap();
    assert_eq!(format_amz_date(feb28 + Duration::from_secs(1)), "21000301T000000Z");
}

#[test]
fn parses_the_edges_of_1970_and_2100() {
    assert_eq!(parse_amz_date("19700101T000000Z"), Some(UNIX_EPOCH));
    assert_eq!(parse_amz_date("19691231T235959Z"), Some(at(-1)));
    assert_eq!(parse_amz_date("21000101T000000Z"), Some(at(4_102_444_800)));
    assert_eq!(parse_amz_date("20991231T235959Z"), Some(at(4_102_444_799)));
}

#[test]
fn every_day_round_trips() {
    // Each day from 1960 to 2110 formats and parses back, and consecutive days are consecutive dates.
    let mut previous = None;
    for days in days_from_civil(1960, 1, 1)..days_from_civil(2110, 1, 1) {
        let (y, m, d) = civil_from_days(days);
        assert_eq!(days_from_civil(y, m, d), days);
        assert!((1..=12).contains(&m) && d >= 1 && u32::from(days_in_month(y, m)) >= d);
        if let Some((py, pm, pd)) = previous {
            let next_day = (y, m, d) == (py, pm, pd + 1);
            let next_month = d == 1 && pd == u32::from(days_in_month(py, pm)) && (y, m) == (py, pm + 1);
            let next_year = (y, m, d) == (py + 1, 1, 1) && (pm, pd) == (12, 31);
            assert!(next_day || next_month || next_year, "{py}-{pm}-{pd} -> {y}-{m}-{d}");
        }
        previous = Some((y, m, d));
        let text = format_amz_date(at(days * SECS_PER_DAY + 45_296));
        assert_eq!(parse_amz_date(&text), Some(at(days * SECS_PER_DAY + 45_296)), "{text}");
        assert!(text.ends_with("T123456Z"));
    }
}

#[test]
fn rejects_malformed_dates() {
    for bad in [
        "",
        "20240101T000000",
        "2024-01-01T00:00:00Z",
        "20240101t000000Z",
        "2024010aT000000Z",
        "20240132T000000Z",
        "20240100T000000Z",
        "20241301T000000Z",
        "20240001T000000Z",
        "20240430T000000Z0",
        "20240431T000000Z",
        "20240101T240000Z",
        "20240101T236000Z",
        "20240101T235960Z",
        "+2024101T000000Z",
        "2024 101T000000Z",
    ] {
        assert!(parse_amz_date(bad).is_none(), "{bad}");
    }
}
