//! `YYYY-MM-DD` (ISO 8601 calendar date) serde for `time::Date`.
//!
//! `time`'s default serde format for `Date` is not ISO 8601 in every version/feature
//! combination, and the API contract and the DynamoDB items both use plain `YYYY-MM-DD`, so the
//! format is pinned here once.

use serde::{Deserialize, Deserializer, Serializer};
use time::format_description::FormatItem;
use time::macros::format_description;
use time::Date;

/// The one calendar-date format used on the wire and in storage.
pub(crate) const ISO_DATE: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// Formats a date as `YYYY-MM-DD`.
pub(crate) fn format(date: Date) -> String {
    // Formatting a Date with a date-only description cannot fail for years 0..=9999; fall back to
    // the Display form (same layout) rather than panic if it ever did.
    date.format(ISO_DATE).unwrap_or_else(|_| date.to_string())
}

/// Parses a strict `YYYY-MM-DD` date.
pub(crate) fn parse(s: &str) -> Option<Date> {
    Date::parse(s, ISO_DATE).ok()
}

pub(crate) fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format(*date))
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
    let s = String::deserialize(deserializer)?;
    parse(&s).ok_or_else(|| serde::de::Error::custom("expected a date as YYYY-MM-DD"))
}

/// The same format for an optional date (`with = "crate::date_format::option"`).
pub(crate) mod option {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub(crate) fn serialize<S: Serializer>(
        date: &Option<Date>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => super::serialize(date, serializer),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Date>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|s| {
                super::parse(&s)
                    .ok_or_else(|| serde::de::Error::custom("expected a date as YYYY-MM-DD"))
            })
            .transpose()
    }
}
