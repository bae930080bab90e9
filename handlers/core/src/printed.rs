//! Values as documents print them: amounts and dates.
//!
//! Textract returns what the page says, not a typed value: `$5,710.87`, `£235.28`,
//! `€ 13,100,000,000.00`, `Mar 15, 2010`, `29-Dec-2018`, `1 MAY 2021`, `7/18/2008`. These parsers
//! turn such text into a normalised value when the reading is unambiguous and answer `None`
//! otherwise; callers always keep the text, so refusing to guess loses nothing.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// An amount of money: a decimal with two fraction digits and, when the page prints one, its
/// ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    /// The decimal, e.g. `"5710.87"`, `"-12.00"`: a string so no binary float rounds it.
    pub value: String,
    /// ISO 4217 code (`USD`, `GBP`, `EUR`, …), or `None` when the page prints no currency.
    pub currency: Option<String>,
}

/// Currency markers and their ISO 4217 codes. Longer markers first, so `US$` is not read as `$`.
/// `$` alone means US dollars: Analyze Lending reads US mortgage documents.
const CURRENCY_MARKERS: &[(&str, &str)] = &[
    ("US$", "USD"),
    ("C$", "CAD"),
    ("CA$", "CAD"),
    ("A$", "AUD"),
    ("$", "USD"),
    ("£", "GBP"),
    ("€", "EUR"),
    ("¥", "JPY"),
];

/// ISO 4217 codes accepted when printed as letters before or after the number.
const CURRENCY_CODES: &[&str] = &[
    "USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY", "MXN", "NZD", "SEK", "NOK", "DKK",
];

/// Strips one currency marker or code from either end of `s`.
fn strip_currency(s: &str) -> (Option<&'static str>, &str) {
    for (marker, code) in CURRENCY_MARKERS {
        if let Some(rest) = s.strip_prefix(marker).or_else(|| s.strip_suffix(marker)) {
            return (Some(code), rest);
        }
    }
    for code in CURRENCY_CODES {
        if let Some(rest) = s.strip_prefix(code).or_else(|| s.strip_suffix(code)) {
            return (Some(code), rest);
        }
    }
    (None, s)
}

/// Parses an amount as printed: `$1,234.56`, `1234.5`, `$ 452.43`, `(1,234.56)`, `-$12`,
/// `£235.28`, `€ 13,100,000,000.00`, `1.234,56 EUR`.
///
/// Grouping separators must group by three. A lone separator followed by one or two digits is
/// the decimal separator (`1,5` and `1.5`); a lone `.` followed by exactly three digits is
/// ambiguous (`1.234` is 1234 in Europe, 1.234 elsewhere) and refused, while a lone `,` followed
/// by three digits groups thousands, as on US documents.
pub fn parse_amount(s: &str) -> Option<Amount> {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let (mut negative, inner) = match compact.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inner) => (true, inner),
        None => (false, compact.as_str()),
    };
    // At most one sign and one currency marker, in either order ("-$12", "$-12").
    let (mut t, mut sign, mut currency) = (inner, false, None);
    for _ in 0..2 {
        if !sign {
            if let Some(rest) = t.strip_prefix('-') {
                (t, sign) = (rest, true);
                continue;
            }
        }
        if currency.is_none() {
            let (code, rest) = strip_currency(t);
            if code.is_some() {
                (t, currency) = (rest, code);
                continue;
            }
        }
    }
    if sign && negative {
        return None; // "(-12)" is not a way anyone writes an amount.
    }
    negative |= sign;
    let (whole, fraction) = split_number(t)?;
    let whole: u64 = whole.parse().ok()?;
    let cents: u64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<u64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    // Bounded so the decimal stays exact in every consumer (JavaScript numbers included).
    if whole >= 1_000_000_000_000_000 {
        return None;
    }
    let sign = if negative && (whole, cents) != (0, 0) {
        "-"
    } else {
        ""
    };
    Some(Amount {
        value: format!("{sign}{whole}.{cents:02}"),
        currency: currency.map(str::to_owned),
    })
}

/// Splits digits with separators into the whole digits (ungrouped) and 0–2 fraction digits.
fn split_number(t: &str) -> Option<(String, &str)> {
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
    {
        return None;
    }
    let last_sep = t.rfind([',', '.']);
    let (int_part, fraction, group_sep) = match last_sep {
        None => (t, "", None),
        Some(i) => {
            let sep = t.as_bytes()[i];
            let other = if sep == b',' { '.' } else { ',' };
            let after = &t[i + 1..];
            let lone = t.matches(sep as char).count() == 1;
            if t.contains(other) {
                // Both present: the last one is the decimal separator.
                (&t[..i], after, Some(other))
            } else if lone && (1..=2).contains(&after.len()) {
                (&t[..i], after, None)
            } else if sep == b'.' && lone {
                return None; // "1.234": ambiguous.
            } else {
                (t, "", Some(sep as char))
            }
        }
    };
    if fraction.len() > 2 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let groups: Vec<&str> = match group_sep {
        Some(sep) => int_part.split(sep).collect(),
        None => vec![int_part],
    };
    let grouping_ok = groups
        .iter()
        .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        && groups.iter().skip(1).all(|g| g.len() == 3)
        && (groups.len() == 1 || groups[0].len() <= 3);
    grouping_ok.then(|| (groups.concat(), fraction))
}

/// Parses a date as printed or normalised: `2010-03-15`, `2010-03-15T00:00:00` (AnalyzeID's
/// normalised value), `3/15/2010`, `03-15-2010`, `3/15/10`, `2010/03/15`, `Mar 15, 2010`,
/// `March 15 2010`, `15 Mar 2010`, `1 MAY 2021`, `29-Dec-2018`, `29-Dec-18`.
///
/// Numeric day-month orders follow US documents (month first); two-digit years are 2000–2069 or
/// 1970–1999.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Some(iso) = s.get(..10) {
        if s.len() == 10 || s[10..].starts_with('T') {
            if let Some(d) = crate::date_format::parse(iso) {
                return Some(d);
            }
        }
    }
    let tokens: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || matches!(c, '/' | '-' | ',' | '.'))
        .filter(|t| !t.is_empty())
        .collect();
    let [a, b, c] = tokens.as_slice() else {
        return None;
    };
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let (year, month, day) = if [a, b, c].iter().all(|t| all_digits(t)) {
        if a.len() == 4 {
            (*a, month_number(b)?, *c) // 2010/03/15
        } else {
            (*c, month_number(a)?, *b) // 3/15/2010
        }
    } else if let Some(month) = month_name(a) {
        (*c, month, *b) // Mar 15, 2010
    } else if let Some(month) = month_name(b) {
        (*c, month, *a) // 15 Mar 2010, 29-Dec-2018
    } else {
        return None;
    };
    let day: u8 = day
        .parse()
        .ok()
        .filter(|_| all_digits(day) && day.len() <= 2)?;
    let year = full_year(year)?;
    Date::from_calendar_date(year, month, day).ok()
}

fn full_year(y: &str) -> Option<i32> {
    if !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i32 = y.parse().ok()?;
    match y.len() {
        4 => Some(n),
        2 if n < 70 => Some(2000 + n),
        2 => Some(1900 + n),
        _ => None,
    }
}

fn month_number(t: &str) -> Option<Month> {
    if t.len() > 2 {
        return None;
    }
    Month::try_from(t.parse::<u8>().ok()?).ok()
}

/// English month names, full or abbreviated (`Sept` too), any case.
fn month_name(t: &str) -> Option<Month> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let lower = t.to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    let index = NAMES
        .iter()
        .position(|name| name.starts_with(&lower) || (lower == "sept" && *name == "september"))?;
    Month::try_from(u8::try_from(index + 1).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn amount(value: &str, currency: Option<&str>) -> Option<Amount> {
        Some(Amount {
            value: value.to_owned(),
            currency: currency.map(str::to_owned),
        })
    }

    #[test]
    fn amounts() {
        let cases = [
            ("$5,710.87", amount("5710.87", Some("USD"))),
            ("$ 452.43", amount("452.43", Some("USD"))),
            ("£235.28", amount("235.28", Some("GBP"))),
            ("€ 13,100,000,000.00", amount("13100000000.00", Some("EUR"))),
            ("1.234,56 EUR", amount("1234.56", Some("EUR"))),
            ("USD 1,000,000.00", amount("1000000.00", Some("USD"))),
            ("US$ 12", amount("12.00", Some("USD"))),
            ("23,526.80", amount("23526.80", None)),
            ("$1000.00", amount("1000.00", Some("USD"))),
            ("$ 8000", amount("8000.00", Some("USD"))),
            ("1234.5", amount("1234.50", None)),
            ("1,234", amount("1234.00", None)),
            ("12,5", amount("12.50", None)),
            ("(1,234.56)", amount("-1234.56", None)),
            ("-$12", amount("-12.00", Some("USD"))),
            ("$-12.00", amount("-12.00", Some("USD"))),
            ("-0.00", amount("0.00", None)),
            ("320", amount("320.00", None)),
            ("1.234", None),
            ("1,23,4", None),
            ("1234,567.00", None),
            ("12.345", None),
            ("$", None),
            ("", None),
            ("abc", None),
            ("1.2.3", None),
            ("--5", None),
            ("(-5)", None),
            ("$$5", None),
            ("Married", None),
            ("1545-0110", None),
            ("99999999999999999999", None),
            ("TWO HUNDRED NINETY ONE AND 90/100 DOLLARS", None),
        ];
        for (s, expected) in cases {
            assert_eq!(parse_amount(s), expected, "{s:?}");
        }
    }

    #[test]
    fn dates() {
        let cases = [
            ("2010-03-15", Some(date!(2010 - 03 - 15))),
            ("2020-01-20T00:00:00", Some(date!(2020 - 01 - 20))),
            ("7/18/2008", Some(date!(2008 - 07 - 18))),
            ("03/18/1978", Some(date!(1978 - 03 - 18))),
            ("03-18-1978", Some(date!(1978 - 03 - 18))),
            ("3/15/10", Some(date!(2010 - 03 - 15))),
            ("3/15/99", Some(date!(1999 - 03 - 15))),
            ("2010/03/15", Some(date!(2010 - 03 - 15))),
            ("Mar 15, 2010", Some(date!(2010 - 03 - 15))),
            ("March 15 2010", Some(date!(2010 - 03 - 15))),
            ("Sept 1, 2020", Some(date!(2020 - 09 - 01))),
            ("15 Mar 2010", Some(date!(2010 - 03 - 15))),
            ("1 MAY 2021", Some(date!(2021 - 05 - 01))),
            ("31 MAY 2021", Some(date!(2021 - 05 - 31))),
            ("12 AUG 1974", Some(date!(1974 - 08 - 12))),
            ("18 March 2001", Some(date!(2001 - 03 - 18))),
            ("29-Dec-2018", Some(date!(2018 - 12 - 29))),
            ("29-Dec-18", Some(date!(2018 - 12 - 29))),
            ("02/30/2001", None),
            ("13/01/2001", None),
            ("2001-03-18X", None),
            ("Mayday 1 2020", None),
            ("Ma 1 2020", None),
            ("2022", None),
            ("", None),
            ("garbled", None),
        ];
        for (s, expected) in cases {
            assert_eq!(parse_date(s), expected, "{s:?}");
        }
    }
}
