//! Times in the index, as RFC 3339 UTC with whole seconds
//! (`2026-11-28T21:00:00Z`), written and read by hand.
//!
//! `tokens list --json` reads and writes every timestamp of every connection;
//! chrono's general RFC 3339 formatter and parser were a quarter of its run
//! time with 1,000 connections (measured with callgrind). This fixed form is
//! formatted with plain digit arithmetic, and read on a fast path, falling
//! back to chrono's parser for any other RFC 3339 form a hand-edited index
//! may hold.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serializer};

pub fn format(time: &DateTime<Utc>) -> String {
    let mut out = [0u8; 20];
    let fields = [
        (0, 4, time.year().clamp(0, 9999) as u32),
        (5, 2, time.month()),
        (8, 2, time.day()),
        (11, 2, time.hour()),
        (14, 2, time.minute()),
        (17, 2, time.second().min(59)),
    ];
    out.copy_from_slice(b"0000-00-00T00:00:00Z");
    for (start, width, mut value) in fields {
        for i in (start..start + width).rev() {
            out[i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }
    String::from_utf8(out.to_vec()).expect("ASCII digits")
}

pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    fast_parse(text).or_else(|| {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// Exactly `YYYY-MM-DDTHH:MM:SSZ`.
fn fast_parse(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)?;
    let time = date.and_hms_opt(number(11..13)?, number(14..16)?, number(17..19)?)?;
    Some(time.and_utc())
}

pub fn serialize<S: Serializer>(time: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format(time))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    parse(&text).ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text:?}")))
}

/// The same for optional times (`null` when absent).
pub mod option {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match time {
            Some(time) => super::serialize(time, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<std::borrow::Cow<'de, str>>::deserialize(d)?
            .map(|text| {
                super::parse(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!("not an RFC 3339 time: {text:?}"))
                })
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_the_fixed_form() {
        let t = parse("2026-11-28T21:05:09Z").unwrap();
        assert_eq!(format(&t), "2026-11-28T21:05:09Z");
        assert_eq!(t.to_rfc3339(), "2026-11-28T21:05:09+00:00");
        assert_eq!(
            format(&parse("0999-01-02T03:04:05Z").unwrap()),
            "0999-01-02T03:04:05Z"
        );
    }

    #[test]
    fn other_rfc3339_forms_still_parse() {
        let t = parse("2026-11-28T22:05:09.5+01:00").unwrap();
        assert_eq!(format(&t), "2026-11-28T21:05:09Z");
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            "",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-28T25:00:00Z",
            "2026-11-28",
            "yesterday",
            "2026-11-2xT21:05:09Z",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn matches_chrono_for_many_instants() {
        let mut seconds: i64 = 0;
        while seconds < 4_000_000_000 {
            let t = DateTime::from_timestamp(seconds, 0).unwrap();
            assert_eq!(
                format(&t),
                t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            assert_eq!(parse(&format(&t)), Some(t));
            seconds += 7_777_777;
        }
    }
}
