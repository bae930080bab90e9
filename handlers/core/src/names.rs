//! Personal-name comparison across sources that spell the same name differently.
//!
//! The declared name (typed by the applicant), the printed name (OCR'd by AnalyzeID), the MRZ
//! (upper-case ASCII, `<` for every separator) and a 1003 form disagree routinely on case,
//! accents, hyphens, apostrophes and spacing. A hard decision (NAME_MISMATCH rejects) must not
//! hinge on those, so comparison happens on a normalized form.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Letters that carry no combining mark under NFKD but are conventionally written without their
/// stroke in ASCII (and in the MRZ, per ICAO 9303 part 3 transliteration).
fn fold_special(c: char, out: &mut String) {
    match c {
        'ß' => out.push_str("ss"),
        'æ' => out.push_str("ae"),
        'œ' => out.push_str("oe"),
        'ø' => out.push('o'),
        'ł' => out.push('l'),
        'đ' | 'ð' => out.push('d'),
        'þ' => out.push_str("th"),
        'ı' => out.push('i'),
        'ħ' => out.push('h'),
        'ŧ' => out.push('t'),
        _ => out.push(c),
    }
}

/// Characters that separate name parts: hyphens, apostrophes (straight, typographic, modifier),
/// dots, commas and the MRZ filler `<`. They become spaces so "Smith-Jones" and "SMITH<JONES"
/// tokenize alike.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '\u{2010}'
                | '\u{2011}'
                | '\u{2012}'
                | '\u{2013}'
                | '\u{2014}'
                | '\''
                | '\u{2018}'
                | '\u{2019}'
                | '\u{02BC}'
                | '`'
                | '\u{00B4}'
                | '.'
                | ','
                | '<'
                | '_'
        )
}

/// Canonical form of a name: lower-case, accents stripped (NFKD, combining marks removed, a few
/// stroked letters folded), separators turned into single spaces, trimmed.
///
/// `"  José  MÜLLER-Smith "` → `"jose muller smith"`.
///
/// Lower-casing happens first because some upper-case letters lower-case into a base letter plus a
/// combining mark (`İ` → `i̇`) that NFKD must then see.
pub fn normalize_name(s: &str) -> String {
    let lowered: String = s.chars().flat_map(char::to_lowercase).collect();
    let mut folded = String::with_capacity(lowered.len());
    for c in lowered.nfkd().filter(|c| !is_combining_mark(*c)) {
        fold_special(c, &mut folded);
    }
    // NFKD can produce upper-case compatibility forms (e.g. from ligatures or Roman numerals).
    let folded: String = folded.chars().flat_map(char::to_lowercase).collect();
    let mut out = String::with_capacity(folded.len());
    for token in folded.split(is_separator).filter(|t| !t.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(token);
    }
    out
}

/// The normalized name with separators removed, so "Mary Ann", "Mary-Ann" and "MaryAnn" (and the
/// MRZ's "OBRIEN" for "O'Brien") compare equal.
fn compact(s: &str) -> String {
    normalize_name(s).replace(' ', "")
}

/// Whether two names are the same name once spelling variations are ignored (see module docs).
///
/// Reflexive and symmetric; two empty names match, so callers must treat an empty name as a
/// missing field before asking whether it matches.
pub fn names_match(a: &str, b: &str) -> bool {
    compact(a) == compact(b)
}

/// Whether two given-name lists can belong to the same person: equal, or one is the other with
/// trailing middle names left out ("Anna" vs "Anna Maria") or written as initials ("Anna M." vs
/// "Anna Maria"). Applicants and forms commonly abbreviate middle names that documents print,
/// and rejecting them for it would be wrong; the *first* given name must still agree in full.
pub fn given_names_compatible(a: &str, b: &str) -> bool {
    if names_match(a, b) {
        return true;
    }
    let (na, nb) = (normalize_name(a), normalize_name(b));
    if na.is_empty() || nb.is_empty() {
        return false;
    }
    let ta: Vec<&str> = na.split(' ').collect();
    let tb: Vec<&str> = nb.split(' ').collect();
    let (short, long) = if ta.len() <= tb.len() {
        (ta, tb)
    } else {
        (tb, ta)
    };
    short.iter().zip(&long).enumerate().all(|(i, (s, l))| {
        s == l || (i > 0 && is_initial_of(s, l)) || (i > 0 && is_initial_of(l, s))
    })
}

/// `"m"` is an initial of `"maria"`.
fn is_initial_of(initial: &str, name: &str) -> bool {
    initial.chars().count() == 1 && name.starts_with(initial)
}

/// Honorifics printed before a name; documents add or omit them freely, and they say nothing
/// about who the person is.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "sir", "madam", "mme", "mlle", "sra", "srta",
];

/// Generational suffixes printed after a name ("Jr"), omitted as freely.
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

/// The normalized name without leading titles and trailing suffixes, as long as a given and a
/// family name remain (so a person whose surname is "Miss" keeps it).
fn without_titles(normalized: &str) -> String {
    let mut tokens: Vec<&str> = normalized.split(' ').collect();
    while tokens.len() > 2 && TITLES.contains(&tokens[0]) {
        tokens.remove(0);
    }
    while tokens.len() > 2 && tokens.last().is_some_and(|t| SUFFIXES.contains(t)) {
        tokens.pop();
    }
    tokens.join(" ")
}

/// Whether a full name as a document prints it (a payslip's `BORROWER_NAME`, a W-2's
/// `EMPLOYEE_NAME`) names the person with the given and family names, accepting "Given Family",
/// "Family, Given", omitted or abbreviated middle names, and titles or suffixes ("Miss", "Jr").
pub fn full_name_matches(full: &str, given: &str, family: &str) -> bool {
    let full_n = without_titles(&normalize_name(full));
    let family_n = normalize_name(family);
    if full_n.is_empty() || family_n.is_empty() || normalize_name(given).is_empty() {
        return false;
    }
    if names_match(&full_n, &format!("{given} {family}"))
        || names_match(&full_n, &format!("{family} {given}"))
    {
        return true;
    }
    // "Given [Middle…] Family" or "Family Given [Middle…]".
    if let Some(rest) = full_n.strip_suffix(&family_n) {
        if rest.ends_with(' ') && given_names_compatible(rest, given) {
            return true;
        }
    }
    if let Some(rest) = full_n.strip_prefix(&family_n) {
        if rest.starts_with(' ') && given_names_compatible(rest, given) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalization_table() {
        let cases = [
            ("  José  MÜLLER-Smith ", "jose muller smith"),
            ("O'Brien", "o brien"),
            ("O’Brien", "o brien"),
            ("ERIKSSON<<ANNA<MARIA", "eriksson anna maria"),
            ("Straße", "strasse"),
            ("Łukasz Żółć", "lukasz zolc"),
            ("Ørsted Æbelø", "orsted aebelo"),
            ("J. R. R.", "j r r"),
            ("İlkay", "ilkay"),
            ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
            ("Nguyễn Thị", "nguyen thi"),
            ("\t\n ", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_name(input), expected, "{input:?}");
        }
    }

    #[test]
    fn matching_table() {
        let cases = [
            ("José Müller-Smith", "JOSE MULLER SMITH", true),
            ("Mary Ann", "Maryann", true),
            ("O'Brien", "OBRIEN", true),
            ("Anna", "Anne", false),
            ("Smith", "Smyth", false),
            ("", "", true),
        ];
        for (a, b, expected) in cases {
            assert_eq!(names_match(a, b), expected, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn given_names_table() {
        let cases = [
            ("Anna", "ANNA MARIA", true),
            ("Anna Maria", "Anna", true),
            ("Maria", "Anna Maria", false),
            ("Anna Maria", "Anna-Maria", true),
            ("", "Anna", false),
            ("Anna", "Annabel", false),
            ("Anna M.", "ANNA MARIA", true),
            ("Anna Q.", "ANNA MARIA", false),
            ("A.", "Anna", false),
        ];
        for (a, b, expected) in cases {
            assert_eq!(given_names_compatible(a, b), expected, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn full_name_table() {
        let cases = [
            ("Anna Eriksson", "Anna", "Eriksson", true),
            ("ERIKSSON, ANNA", "Anna", "Eriksson", true),
            ("Anna Maria Eriksson", "Anna", "Eriksson", true),
            ("Eriksson Anna Maria", "Anna", "Eriksson", true),
            ("Anna Larsson", "Anna", "Eriksson", false),
            ("Maria Eriksson", "Anna", "Eriksson", false),
            ("Eriksson", "Anna", "Eriksson", false),
            ("", "Anna", "Eriksson", false),
        ];
        for (full, given, family, expected) in cases {
            assert_eq!(
                full_name_matches(full, given, family),
                expected,
                "{full:?} vs {given:?} {family:?}"
            );
        }
    }

    /// Names drawn from letters whose case mapping is one-to-one and reversible, plus separators,
    /// so case changes are a true no-op on the name.
    fn name() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                8 => proptest::char::range('a', 'z'),
                2 => proptest::char::range('A', 'Z'),
                1 => prop::sample::select(vec!['é', 'ü', 'ñ', 'ç', 'å', 'Ö', 'ł']),
                1 => prop::sample::select(vec![' ', '-', '\'']),
            ],
            0..24,
        )
        .prop_map(|cs| cs.into_iter().collect())
    }

    /// Accented letter → its unaccented base, to check accent-insensitivity.
    fn strip_accents_simple(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                'é' => 'e',
                'ü' => 'u',
                'ñ' => 'n',
                'ç' => 'c',
                'å' => 'a',
                'Ö' => 'O',
                'ł' => 'l',
                other => other,
            })
            .collect()
    }

    proptest! {
        #[test]
        fn reflexive(a in name()) {
            prop_assert!(names_match(&a, &a));
        }

        #[test]
        fn symmetric(a in name(), b in name()) {
            prop_assert_eq!(names_match(&a, &b), names_match(&b, &a));
        }

        #[test]
        fn case_insensitive(a in name()) {
            prop_assert!(names_match(&a, &a.to_uppercase()));
            prop_assert!(names_match(&a, &a.to_lowercase()));
        }

        #[test]
        fn accent_insensitive(a in name()) {
            prop_assert!(names_match(&a, &strip_accents_simple(&a)));
        }

        #[test]
        fn whitespace_insensitive(a in name(), pad in 0usize..4) {
            let spaced: String = a.split(' ').collect::<Vec<_>>().join(&" ".repeat(pad + 1));
            let padded = format!("{}{}\t{}", " ".repeat(pad), spaced, " ".repeat(pad));
            prop_assert!(names_match(&a, &padded));
        }

        #[test]
        fn normalization_is_idempotent(a in name()) {
            let once = normalize_name(&a);
            prop_assert_eq!(normalize_name(&once), once.clone());
            prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
        }
    }
}
