//! Machine-readable zone (ICAO Doc 9303) parsing with full check-digit verification.
//!
//! The MRZ is the one part of a passport or ID card with built-in integrity checks. Verifying
//! every check digit catches OCR errors and crude tampering, and comparing the MRZ with the
//! printed fields catches documents whose visual zone was altered. Supported layouts:
//! - TD3 (passports): 2 lines × 44 characters;
//! - TD1 (ID cards): 3 lines × 30 characters, including the long-document-number extension.

use serde::Serialize;
use time::{Date, Month};

use crate::names::normalize_name;

/// Which ICAO layout the MRZ uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MrzFormat {
    /// Passport booklet, 2 × 44.
    Td3,
    /// ID card, 3 × 30.
    Td1,
}

/// A parsed MRZ whose check digits all verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mrz {
    /// TD3 or TD1.
    pub format: MrzFormat,
    /// Document code, fillers removed (`P`, `PD`, `I`, `ID`, …).
    pub document_code: String,
    /// Issuing state or organization (ICAO three-letter code, `D` padded for Germany).
    pub issuing_state: String,
    /// Document number without fillers (the full number for TD1 long numbers).
    pub document_number: String,
    /// Primary identifier (surname), `<` turned into spaces.
    pub surname: String,
    /// Secondary identifier (given names), `<` turned into spaces.
    pub given_names: String,
    /// Nationality (ICAO three-letter code).
    pub nationality: String,
    /// Date of birth; century inferred relative to the parse date (see [`parse_mrz`]).
    #[serde(with = "crate::date_format")]
    pub date_of_birth: Date,
    /// `M`, `F` or `X`; `None` for the unspecified filler.
    pub sex: Option<char>,
    /// Date of expiry (always 20yy).
    #[serde(with = "crate::date_format")]
    pub expiry: Date,
    /// Personal number (TD3) or optional data elements (TD1), fillers removed.
    pub optional_data: String,
    /// True when the name field is completely used, which means the names may be truncated and
    /// should be compared by prefix.
    pub names_truncated: bool,
}

/// Why an MRZ was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MrzError {
    /// Neither 2 × 44 nor 3 × 30 characters.
    #[error("MRZ must be 2 lines of 44 characters (TD3) or 3 lines of 30 characters (TD1)")]
    UnsupportedFormat,
    /// The layout fits but the document code is not a passport (TD3) or ID card (TD1), e.g. a visa.
    #[error("MRZ document code {0:?} is not a passport or identity card")]
    UnsupportedDocument(String),
    /// A character outside `A-Z`, `0-9` and `<`.
    #[error("MRZ contains the invalid character {0:?}")]
    InvalidCharacter(char),
    /// A check digit did not verify.
    #[error("MRZ check digit of {field} does not match")]
    CheckDigit {
        /// Which field (`document number`, `date of birth`, `expiry`, `personal number`,
        /// `composite`).
        field: &'static str,
    },
    /// A date field is not a valid calendar date.
    #[error("MRZ {field} is not a valid date")]
    InvalidDate {
        /// `date of birth` or `expiry`.
        field: &'static str,
    },
    /// A mandatory field is empty.
    #[error("MRZ {field} is empty")]
    MissingField {
        /// `document number` or `surname`.
        field: &'static str,
    },
}

/// Value of an MRZ character for check digits: digits are themselves, `A`–`Z` are 10–35, and the
/// filler `<` (like anything else, which [`parse_mrz`] rejects beforehand) is 0.
fn char_value(c: char) -> u32 {
    match c {
        '0'..='9' => c as u32 - '0' as u32,
        'A'..='Z' => c as u32 - 'A' as u32 + 10,
        'a'..='z' => c as u32 - 'a' as u32 + 10,
        _ => 0,
    }
}

/// ICAO 9303 check digit: weighted sum with repeating weights 7, 3, 1, modulo 10.
pub fn check_digit(s: &str) -> u8 {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let sum: u32 = s
        .chars()
        .zip(WEIGHTS.iter().cycle())
        .map(|(c, w)| char_value(c) * w)
        .sum();
    // A remainder modulo 10 always fits in a u8.
    (sum % 10) as u8
}

/// Verifies `check` against `field`. `filler_ok` allows `<` as the check character when the
/// field itself is all fillers (ICAO allows this for an empty personal number).
fn verify(field: &str, check: char, name: &'static str, filler_ok: bool) -> Result<(), MrzError> {
    if filler_ok && check == '<' && field.chars().all(|c| c == '<') {
        return Ok(());
    }
    match check.to_digit(10) {
        Some(d) if d == u32::from(check_digit(field)) => Ok(()),
        _ => Err(MrzError::CheckDigit { field: name }),
    }
}

fn strip_fillers(s: &str) -> String {
    s.trim_end_matches('<').replace('<', " ").trim().to_owned()
}

fn two_digits(s: &str) -> Option<u8> {
    let v = s.parse::<u8>().ok()?;
    (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit())).then_some(v)
}

/// Parses `YYMMDD` with the given century resolution.
fn parse_yymmdd(
    s: &str,
    field: &'static str,
    year_of: impl Fn(u8) -> i32,
) -> Result<Date, MrzError> {
    let err = MrzError::InvalidDate { field };
    let (yy, mm, dd) = (
        two_digits(&s[0..2]).ok_or(err.clone())?,
        two_digits(&s[2..4]).ok_or(err.clone())?,
        two_digits(&s[4..6]).ok_or(err.clone())?,
    );
    let month = Month::try_from(mm).map_err(|_| err.clone())?;
    Date::from_calendar_date(year_of(yy), month, dd).map_err(|_| err)
}

fn split_names(field: &str) -> (String, String, bool) {
    let truncated = !field.ends_with('<');
    let (surname, given) = match field.find("<<") {
        Some(i) => (&field[..i], &field[i + 2..]),
        None => (field, ""),
    };
    let tidy = |s: &str| {
        s.split('<')
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    (tidy(surname), tidy(given), truncated)
}

/// Parses and fully verifies a TD3 or TD1 MRZ.
///
/// Input may separate lines with `\n` (or `\r\n`); spaces and tabs are ignored, and lower case is
/// accepted because OCR sometimes produces it. A single run of 88 or 90 characters is split into
/// lines, since some OCR output joins them.
///
/// Every check digit is verified: document number, date of birth, expiry, the personal number
/// (TD3) and the composite. Birth years are 20yy unless that would be after `today`'s two-digit
/// year, then 19yy (nobody applying was born in the future); expiry years are always 20yy.
pub fn parse_mrz(text: &str, today: Date) -> Result<Mrz, MrzError> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\r'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if let Some(bad) = cleaned
        .chars()
        .find(|c| !(c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '<' || *c == '\n'))
    {
        return Err(MrzError::InvalidCharacter(bad));
    }
    let mut lines: Vec<String> = cleaned
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if lines.len() == 1 {
        let joined = lines.remove(0);
        let width = match joined.len() {
            88 => 44,
            90 => 30,
            _ => return Err(MrzError::UnsupportedFormat),
        };
        lines = joined
            .as_bytes()
            .chunks(width)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
    }
    let pivot = today.year().rem_euclid(100);
    let dob_year = move |yy: u8| {
        let yy = i32::from(yy);
        if yy > pivot {
            1900 + yy
        } else {
            2000 + yy
        }
    };
    let expiry_year = |yy: u8| 2000 + i32::from(yy);
    match lines.as_slice() {
        [l1, l2] if l1.len() == 44 && l2.len() == 44 => parse_td3(l1, l2, dob_year, expiry_year),
        [l1, l2, l3] if l1.len() == 30 && l2.len() == 30 && l3.len() == 30 => {
            parse_td1(l1, l2, l3, dob_year, expiry_year)
        }
        _ => Err(MrzError::UnsupportedFormat),
    }
}

fn char_at(s: &str, i: usize) -> char {
    // Inputs are validated ASCII, so byte indexing is character indexing.
    s.as_bytes()[i] as char
}

fn parse_td3(
    l1: &str,
    l2: &str,
    dob_year: impl Fn(u8) -> i32,
    expiry_year: impl Fn(u8) -> i32,
) -> Result<Mrz, MrzError> {
    let document_code = strip_fillers(&l1[0..2]);
    if !document_code.starts_with('P') {
        return Err(MrzError::UnsupportedDocument(document_code));
    }
    let number_field = &l2[0..9];
    verify(number_field, char_at(l2, 9), "document number", false)?;
    verify(&l2[13..19], char_at(l2, 19), "date of birth", false)?;
    verify(&l2[21..27], char_at(l2, 27), "expiry", false)?;
    verify(&l2[28..42], char_at(l2, 42), "personal number", true)?;
    let composite = format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..43]);
    verify(&composite, char_at(l2, 43), "composite", false)?;
    let document_number = strip_fillers(number_field).replace(' ', "");
    if document_number.is_empty() {
        return Err(MrzError::MissingField {
            field: "document number",
        });
    }
    let (surname, given_names, names_truncated) = split_names(&l1[5..44]);
    if surname.is_empty() {
        return Err(MrzError::MissingField { field: "surname" });
    }
    Ok(Mrz {
        format: MrzFormat::Td3,
        document_code,
        issuing_state: strip_fillers(&l1[2..5]),
        document_number,
        surname,
        given_names,
        nationality: strip_fillers(&l2[10..13]),
        date_of_birth: parse_yymmdd(&l2[13..19], "date of birth", dob_year)?,
        sex: sex(char_at(l2, 20)),
        expiry: parse_yymmdd(&l2[21..27], "expiry", expiry_year)?,
        optional_data: strip_fillers(&l2[28..42]),
        names_truncated,
    })
}

fn parse_td1(
    l1: &str,
    l2: &str,
    l3: &str,
    dob_year: impl Fn(u8) -> i32,
    expiry_year: impl Fn(u8) -> i32,
) -> Result<Mrz, MrzError> {
    let document_code = strip_fillers(&l1[0..2]);
    if !matches!(document_code.chars().next(), Some('I' | 'A' | 'C')) {
        return Err(MrzError::UnsupportedDocument(document_code));
    }
    let optional1 = &l1[15..30];
    // Long document numbers (ICAO 9303-5 §4.2.2 note j): a `<` in the check-digit position means
    // the number continues in optional data 1 and ends with its check digit before a filler.
    let (number, optional1_rest) = if char_at(l1, 14) == '<' {
        let end = optional1.find('<').unwrap_or(optional1.len());
        if end == 0 {
            return Err(MrzError::CheckDigit {
                field: "document number",
            });
        }
        let full = format!("{}{}", &l1[5..14], &optional1[..end - 1]);
        verify(&full, char_at(optional1, end - 1), "document number", false)?;
        (full, &optional1[end..])
    } else {
        verify(&l1[5..14], char_at(l1, 14), "document number", false)?;
        (l1[5..14].to_owned(), optional1)
    };
    verify(&l2[0..6], char_at(l2, 6), "date of birth", false)?;
    verify(&l2[8..14], char_at(l2, 14), "expiry", false)?;
    let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
    verify(&composite, char_at(l2, 29), "composite", false)?;
    let document_number = strip_fillers(&number).replace(' ', "");
    if document_number.is_empty() {
        return Err(MrzError::MissingField {
            field: "document number",
        });
    }
    let (surname, given_names, names_truncated) = split_names(l3);
    if surname.is_empty() {
        return Err(MrzError::MissingField { field: "surname" });
    }
    let optional_data = [strip_fillers(optional1_rest), strip_fillers(&l2[18..29])]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Mrz {
        format: MrzFormat::Td1,
        document_code,
        issuing_state: strip_fillers(&l1[2..5]),
        document_number,
        surname,
        given_names,
        nationality: strip_fillers(&l2[15..18]),
        date_of_birth: parse_yymmdd(&l2[0..6], "date of birth", dob_year)?,
        sex: sex(char_at(l2, 7)),
        expiry: parse_yymmdd(&l2[8..14], "expiry", expiry_year)?,
        optional_data,
        names_truncated,
    })
}

fn sex(c: char) -> Option<char> {
    matches!(c, 'M' | 'F' | 'X').then_some(c)
}

/// ICAO 9303-3 transliterates some letters to two (Ä→AE, Ö→OE, Ü→UE, Å→AA, Ø→OE); others drop
/// the accent. Expanding them lets a printed "MÜLLER" match an MRZ "MUELLER".
fn icao_expand(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' | 'ø' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'å' => out.push_str("aa"),
            other => out.push(other),
        }
    }
    out
}

/// Whether an MRZ name field agrees with the printed name, allowing for ICAO transliteration
/// (either form) and, when the MRZ name field was full, truncation.
pub fn mrz_name_matches(mrz_name: &str, printed: &str, truncated: bool) -> bool {
    let compact = |s: &str| normalize_name(s).replace(' ', "");
    let mrz = compact(mrz_name);
    if mrz.is_empty() {
        return false;
    }
    [compact(printed), compact(&icao_expand(printed))]
        .iter()
        .any(|p| *p == mrz || (truncated && p.starts_with(&mrz)))
}

/// Normalizes a printed document number for comparison with the MRZ: upper-case, letters and
/// digits only (printed numbers often contain spaces or hyphens the MRZ omits).
pub fn normalize_document_number(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 15);
    const TD3_1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
    const TD3_2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
    const TD1_1: &str = "I<UTOD231458907<<<<<<<<<<<<<<<";
    const TD1_2: &str = "7408122F1204159UTO<<<<<<<<<<<6";
    const TD1_3: &str = "ERIKSSON<<ANNA<MARIA<<<<<<<<<<";

    fn td3() -> String {
        format!("{TD3_1}\n{TD3_2}")
    }

    fn td1() -> String {
        format!("{TD1_1}\n{TD1_2}\n{TD1_3}")
    }

    #[test]
    fn check_digits_of_the_specimen() {
        assert_eq!(check_digit("L898902C3"), 6);
        assert_eq!(check_digit("740812"), 2);
        assert_eq!(check_digit("120415"), 9);
        assert_eq!(check_digit("ZE184226B<<<<<"), 1);
        assert_eq!(check_digit("D23145890"), 7);
        assert_eq!(check_digit("<<<<<<"), 0);
        assert_eq!(check_digit(""), 0);
    }

    #[test]
    fn icao_td3_specimen() {
        let m = parse_mrz(&td3(), TODAY).unwrap();
        assert_eq!(m.format, MrzFormat::Td3);
        assert_eq!(m.document_code, "P");
        assert_eq!(m.issuing_state, "UTO");
        assert_eq!(m.document_number, "L898902C3");
        assert_eq!(m.surname, "ERIKSSON");
        assert_eq!(m.given_names, "ANNA MARIA");
        assert_eq!(m.nationality, "UTO");
        assert_eq!(m.date_of_birth, date!(1974 - 08 - 12));
        assert_eq!(m.sex, Some('F'));
        assert_eq!(m.expiry, date!(2012 - 04 - 15));
        assert_eq!(m.optional_data, "ZE184226B");
        assert!(!m.names_truncated);
    }

    #[test]
    fn icao_td1_specimen() {
        let m = parse_mrz(&td1(), TODAY).unwrap();
        assert_eq!(m.format, MrzFormat::Td1);
        assert_eq!(m.document_code, "I");
        assert_eq!(m.document_number, "D23145890");
        assert_eq!(m.surname, "ERIKSSON");
        assert_eq!(m.given_names, "ANNA MARIA");
        assert_eq!(m.date_of_birth, date!(1974 - 08 - 12));
        assert_eq!(m.expiry, date!(2012 - 04 - 15));
        assert_eq!(m.optional_data, "");
    }

    #[test]
    fn layout_tolerance() {
        let spaced = format!(
            "  {}  \r\n {} \n",
            TD3_1,
            TD3_2.replace('<', " < ").replace("  ", " ")
        );
        assert!(parse_mrz(&spaced, TODAY).is_ok());
        assert!(parse_mrz(&format!("{TD3_1}{TD3_2}"), TODAY).is_ok());
        assert!(parse_mrz(&format!("{TD3_1} {TD3_2}"), TODAY).is_ok());
        assert!(parse_mrz(&td3().to_lowercase(), TODAY).is_ok());
        assert!(parse_mrz(&format!("{TD1_1}{TD1_2}{TD1_3}"), TODAY).is_ok());
    }

    #[test]
    fn rejections_table() {
        let cases: Vec<(String, MrzError)> = vec![
            ("".to_owned(), MrzError::UnsupportedFormat),
            (TD3_1.to_owned(), MrzError::UnsupportedFormat),
            (
                format!("{TD3_1}\n{}", &TD3_2[..43]),
                MrzError::UnsupportedFormat,
            ),
            (
                format!("{TD3_1}\n{}", TD3_2.replacen('C', "#", 1)),
                MrzError::InvalidCharacter('#'),
            ),
            (
                format!("{TD3_1}\n{}", TD3_2.replacen("C36", "C37", 1)),
                MrzError::CheckDigit {
                    field: "document number",
                },
            ),
            (
                format!("{TD3_1}\n{}", TD3_2.replacen("7408122", "7408123", 1)),
                MrzError::CheckDigit {
                    field: "date of birth",
                },
            ),
            (
                format!("{TD3_1}\n{}", TD3_2.replacen("1204159", "1204158", 1)),
                MrzError::CheckDigit { field: "expiry" },
            ),
            (
                format!("{TD3_1}\n{}", TD3_2.replacen("B<<<<<10", "B<<<<<20", 1)),
                MrzError::CheckDigit {
                    field: "personal number",
                },
            ),
            (
                format!("{TD3_1}\n{}", TD3_2.replacen("<10", "<11", 1)),
                MrzError::CheckDigit { field: "composite" },
            ),
            (
                // A valid 2 × 44 layout that is a visa (MRV-A), not a passport.
                format!("V{}\n{}", &TD3_1[1..], TD3_2),
                MrzError::UnsupportedDocument("V".to_owned()),
            ),
            (
                format!("{TD1_1}\n{}\n{TD1_3}", TD1_2.replacen("<6", "<5", 1)),
                MrzError::CheckDigit { field: "composite" },
            ),
            (
                format!("{}\n{TD1_2}\n{TD1_3}", TD1_1.replacen("907", "908", 1)),
                MrzError::CheckDigit {
                    field: "document number",
                },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_mrz(&text, TODAY), Err(expected), "{text}");
        }
    }

    /// Builds a TD3 MRZ from parts, computing every check digit.
    fn build_td3(number: &str, dob: &str, expiry: &str, personal: &str, names: &str) -> String {
        let number = format!("{number:<<9}");
        let personal = format!("{personal:<<14}");
        let personal_check = if personal.chars().all(|c| c == '<') {
            '<'
        } else {
            char::from(b'0' + check_digit(&personal))
        };
        let mut l2 = format!(
            "{number}{}UTO{dob}{}M{expiry}{}{personal}{personal_check}",
            check_digit(&number),
            check_digit(dob),
            check_digit(expiry)
        );
        l2.push(char::from(
            b'0' + check_digit(&format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..43])),
        ));
        let l1 = format!("P<UTO{names:<<39}");
        format!("{l1}\n{l2}")
    }

    #[test]
    fn dob_century_and_validity() {
        let m = parse_mrz(&build_td3("X1", "250615", "300101", "", "DOE<<J"), TODAY).unwrap();
        assert_eq!(m.date_of_birth, date!(2025 - 06 - 15));
        let m = parse_mrz(&build_td3("X1", "260101", "300101", "", "DOE<<J"), TODAY).unwrap();
        assert_eq!(m.date_of_birth, date!(1926 - 01 - 01));
        assert_eq!(m.optional_data, "");
        assert_eq!(
            parse_mrz(&build_td3("X1", "741312", "300101", "", "DOE<<J"), TODAY),
            Err(MrzError::InvalidDate {
                field: "date of birth"
            })
        );
        assert_eq!(
            parse_mrz(&build_td3("X1", "740812", "300230", "", "DOE<<J"), TODAY),
            Err(MrzError::InvalidDate { field: "expiry" })
        );
        assert_eq!(
            parse_mrz(&build_td3("", "740812", "300101", "", "DOE<<J"), TODAY),
            Err(MrzError::MissingField {
                field: "document number"
            })
        );
        let full = "A".repeat(39);
        let m = parse_mrz(&build_td3("X1", "740812", "300101", "", &full), TODAY).unwrap();
        assert!(m.names_truncated);
    }

    #[test]
    fn td1_long_document_number() {
        // Number "D23145890123" (12 chars): first 9 in place, "<" in the check position, then
        // "123" + its check digit + filler in optional data 1.
        let full = "D23145890123";
        let cd = check_digit(full);
        let l1 = format!(
            "I<UTO{}<{}{}<{}",
            &full[..9],
            &full[9..],
            cd,
            "<".repeat(10)
        );
        assert_eq!(l1.len(), 30);
        let mut l2 = "7408122F1204159UTO<<<<<<<<<<<".to_owned();
        let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
        l2.push(char::from(b'0' + check_digit(&composite)));
        let m = parse_mrz(&format!("{l1}\n{l2}\n{TD1_3}"), TODAY).unwrap();
        assert_eq!(m.document_number, full);
    }

    #[test]
    fn name_comparison() {
        let cases = [
            ("MUELLER", "Müller", false, true),
            ("MULLER", "Müller", false, true),
            ("OBRIEN", "O'Brien", false, true),
            ("SMITH JONES", "Smith-Jones", false, true),
            ("ERIKSSON", "Eriksen", false, false),
            ("VERYLONGSURNA", "Verylongsurname", true, true),
            ("VERYLONGSURNA", "Verylongsurname", false, false),
            ("", "", false, false),
        ];
        for (mrz, printed, truncated, expected) in cases {
            assert_eq!(
                mrz_name_matches(mrz, printed, truncated),
                expected,
                "{mrz} vs {printed}"
            );
        }
        assert_eq!(normalize_document_number(" l898-902 c3 "), "L898902C3");
    }

    /// Positions (line 2 of TD3) covered by a check digit, including the check digits themselves.
    fn protected_positions(l2: &str) -> Vec<usize> {
        (0..10)
            .chain(13..20)
            .chain(21..44)
            .filter(|&i| l2.as_bytes()[i].is_ascii_digit())
            .collect()
    }

    proptest! {
        #[test]
        fn any_single_digit_mutation_is_detected(
            number in "[A-Z0-9]{1,9}",
            dob in (0u8..100, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| format!("{y:02}{m:02}{d:02}")),
            expiry in (0u8..100, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| format!("{y:02}{m:02}{d:02}")),
            personal in "[A-Z0-9]{0,14}",
            pick in any::<prop::sample::Index>(),
            delta in 1u8..=9,
        ) {
            let text = build_td3(&number, &dob, &expiry, &personal, "DOE<<JANE");
            prop_assert!(parse_mrz(&text, TODAY).is_ok(), "valid MRZ rejected: {text}");
            let (l1, l2) = text.split_once('\n').unwrap();
            let positions = protected_positions(l2);
            let i = positions[pick.index(positions.len())];
            let mut bytes = l2.as_bytes().to_vec();
            bytes[i] = b'0' + (bytes[i] - b'0' + delta) % 10;
            let mutated = format!("{l1}\n{}", String::from_utf8(bytes).unwrap());
            prop_assert!(parse_mrz(&mutated, TODAY).is_err(), "undetected mutation at {i}: {mutated}");
        }
    }
}
