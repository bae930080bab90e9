//! Identity verification: is the live person the holder of a valid identity document, and is
//! that the person who applied?
//!
//! The adapters gather the evidence (liveness status, CompareFaces result, AnalyzeID fields); the
//! decision is made here, in one pure function, so every rule is covered by table tests and
//! monotonicity properties. Outcomes are three-valued because automated checks should only
//! *reject* on clear evidence and send anything uncertain to a human.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::applicant::Applicant;
use crate::config::Thresholds;
use crate::liveness::LivenessStatus;
use crate::mrz::{mrz_name_matches, normalize_document_number, parse_mrz};
use crate::names::{given_names_compatible, names_match};
use crate::printed::parse_date;

/// What kind of document AnalyzeID says it read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocumentKind {
    /// A passport (has a TD3 MRZ).
    Passport,
    /// A driver license.
    DriverLicense,
    /// Anything else AnalyzeID accepted (e.g. a state ID card).
    Other,
}

/// One value read from the document with Textract's confidence (0–100).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractedField {
    /// The text as read (trimmed).
    pub value: String,
    /// Textract's confidence in it.
    pub confidence: f32,
}

/// The identity document as far as the decision needs it; absent fields are `None` so "not read"
/// can never be mistaken for an empty value.
#[derive(Debug, Clone, PartialEq)]
pub struct IdDocument {
    /// Document kind.
    pub kind: DocumentKind,
    /// Given name(s), first and middle names joined.
    pub given_name: Option<ExtractedField>,
    /// Family name.
    pub family_name: Option<ExtractedField>,
    /// Date of birth and its confidence.
    pub date_of_birth: Option<(Date, f32)>,
    /// Date of expiry and its confidence.
    pub expires_on: Option<(Date, f32)>,
    /// Document number (only ever shown masked, see [`mask_document_number`]).
    pub document_number: Option<ExtractedField>,
    /// Raw MRZ text, if the document has one.
    pub mrz: Option<String>,
}

/// Textract AnalyzeID field types this crate reads (`IdentityDocumentField.Type.Text`).
pub mod analyze_id_fields {
    /// First name.
    pub const FIRST_NAME: &str = "FIRST_NAME";
    /// Middle name(s).
    pub const MIDDLE_NAME: &str = "MIDDLE_NAME";
    /// Last name.
    pub const LAST_NAME: &str = "LAST_NAME";
    /// Date of birth.
    pub const DATE_OF_BIRTH: &str = "DATE_OF_BIRTH";
    /// Expiration date.
    pub const EXPIRATION_DATE: &str = "EXPIRATION_DATE";
    /// Document number.
    pub const DOCUMENT_NUMBER: &str = "DOCUMENT_NUMBER";
    /// Document type (`PASSPORT`, `DRIVER LICENSE FRONT`, …).
    pub const ID_TYPE: &str = "ID_TYPE";
    /// Machine-readable zone.
    pub const MRZ_CODE: &str = "MRZ_CODE";
}

impl IdDocument {
    /// Builds the document from AnalyzeID fields given as plain strings:
    /// `(type, text, normalized value, confidence)`.
    ///
    /// AnalyzeID returns every field type it knows, with empty text for those it did not find;
    /// empty values are therefore treated as absent. The first non-empty occurrence of a type
    /// wins. Dates come from the normalized value (`YYYY-MM-DDT00:00:00`) when present, else from
    /// the text (`MM/DD/YYYY` as on US documents, `YYYY-MM-DD`, or `DD MMM YYYY`); an unreadable
    /// date counts as missing so it goes to review rather than being guessed.
    pub fn from_fields(fields: &[(String, String, Option<String>, f32)]) -> IdDocument {
        use analyze_id_fields as f;
        let find = |ty: &str| {
            fields.iter().find(|(t, text, normalized, _)| {
                t.trim().eq_ignore_ascii_case(ty)
                    && (!text.trim().is_empty()
                        || normalized.as_deref().is_some_and(|n| !n.trim().is_empty()))
            })
        };
        let text_field = |ty: &str| {
            find(ty).and_then(|(_, text, normalized, confidence)| {
                let value = if text.trim().is_empty() {
                    normalized.as_deref().unwrap_or("").trim()
                } else {
                    text.trim()
                };
                (!value.is_empty()).then(|| ExtractedField {
                    value: value.to_owned(),
                    confidence: *confidence,
                })
            })
        };
        let date_field = |ty: &str| {
            find(ty).and_then(|(_, text, normalized, confidence)| {
                normalized
                    .as_deref()
                    .and_then(parse_date)
                    .or_else(|| parse_date(text))
                    .map(|d| (d, *confidence))
            })
        };
        let given_name = match (text_field(f::FIRST_NAME), text_field(f::MIDDLE_NAME)) {
            (Some(first), Some(middle)) => Some(ExtractedField {
                value: format!("{} {}", first.value, middle.value),
                confidence: first.confidence.min(middle.confidence),
            }),
            (first, _) => first,
        };
        let kind = match text_field(f::ID_TYPE) {
            Some(t) if t.value.eq_ignore_ascii_case("PASSPORT") => DocumentKind::Passport,
            Some(t) if t.value.to_ascii_uppercase().starts_with("DRIVER LICENSE") => {
                DocumentKind::DriverLicense
            }
            _ => DocumentKind::Other,
        };
        IdDocument {
            kind,
            given_name,
            family_name: text_field(f::LAST_NAME),
            date_of_birth: date_field(f::DATE_OF_BIRTH),
            expires_on: date_field(f::EXPIRATION_DATE),
            document_number: text_field(f::DOCUMENT_NUMBER),
            mrz: text_field(f::MRZ_CODE).map(|f| f.value),
        }
    }
}

/// What CompareFaces found. Source = the liveness reference image, target = the ID front.
///
/// The adapter should call CompareFaces with a `SimilarityThreshold` no higher than
/// `face_similarity - face_similarity_review_band` (0 is simplest), so that `None` here really
/// means "no face on the document resembles the live person".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaceComparison {
    /// A face was detected in the liveness reference image.
    pub source_face_found: bool,
    /// At least one face was detected on the document.
    pub target_face_found: bool,
    /// Highest similarity among the document's faces, if any matched.
    pub best_similarity: Option<f32>,
}

/// The identity decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Decision {
    /// Every check passed with confidence.
    Approved,
    /// At least one check failed on clear evidence.
    Rejected,
    /// Nothing failed clearly, but something is uncertain: a human decides.
    NeedsReview,
}

impl Decision {
    /// Goodness order, APPROVED > NEEDS_REVIEW > REJECTED, for comparing outcomes.
    pub fn rank(&self) -> u8 {
        match self {
            Decision::Approved => 2,
            Decision::NeedsReview => 1,
            Decision::Rejected => 0,
        }
    }
}

/// Why a decision is not APPROVED. Sorted by declaration order in outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReasonCode {
    /// Liveness did not pass (failed, expired or unfinished). Rejects.
    LivenessFailed,
    /// No face on the identity document. Rejects.
    NoFaceOnDocument,
    /// The faces differ (below the review band), or no face in the reference image. Rejects.
    FaceMismatch,
    /// Similarity within the review band. Review.
    FaceSimilarityBorderline,
    /// The document expired before today. Rejects.
    DocumentExpired,
    /// Younger than the minimum age. Rejects.
    Underage,
    /// Declared names differ from the document. Rejects.
    NameMismatch,
    /// Declared date of birth differs from the document. Rejects.
    DobMismatch,
    /// A field the decision used was read with low confidence. Review.
    LowExtractionConfidence,
    /// The MRZ fails its check digits or disagrees with the printed fields. Rejects.
    MrzInvalid,
    /// A field the decision needs (names, date of birth, expiry, a passport's MRZ) was not read.
    /// Review.
    MissingField,
    /// Liveness itself ended in NEEDS_REVIEW (confidence within the review band). Review.
    LivenessBorderline,
}

impl ReasonCode {
    /// Whether this reason rejects outright (as opposed to sending to review).
    pub fn is_hard(&self) -> bool {
        !matches!(
            self,
            ReasonCode::FaceSimilarityBorderline
                | ReasonCode::LowExtractionConfidence
                | ReasonCode::MissingField
                | ReasonCode::LivenessBorderline
        )
    }
}

/// Everything the identity decision looks at.
#[derive(Debug, Clone)]
pub struct IdentityInput<'a> {
    /// Status of the liveness session whose reference image was compared.
    pub liveness: LivenessStatus,
    /// CompareFaces result.
    pub face: FaceComparison,
    /// AnalyzeID result.
    pub document: &'a IdDocument,
    /// What the applicant declared at creation, if anything.
    pub declared: Option<&'a Applicant>,
    /// The decision date (expiry and age are relative to it).
    pub today: Date,
}

/// The decision and every reason behind it (sorted, without duplicates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityOutcome {
    /// The decision.
    pub decision: Decision,
    /// Reasons; empty exactly when the decision is APPROVED.
    pub reasons: Vec<ReasonCode>,
}

/// Decides identity verification.
///
/// Every check runs and contributes its reasons, so a reviewer sees the full picture; the
/// decision is REJECTED if any reason is hard, else NEEDS_REVIEW if any reason exists, else
/// APPROVED. Each check is monotone in its score (higher similarity or confidence can only remove
/// reasons), which makes the whole decision monotone; the property tests pin that down.
///
/// Beyond the letter of the contract: an MRZ present on a non-passport (e.g. a TD1 ID card) is
/// verified too, since a failing MRZ is equally suspicious there; a passport without a readable
/// MRZ counts as MISSING_FIELD; a missing face in the reference image counts as FACE_MISMATCH.
pub fn decide_identity(input: &IdentityInput, t: &Thresholds) -> IdentityOutcome {
    let mut reasons = Vec::new();
    let doc = input.document;

    match input.liveness {
        LivenessStatus::Passed => {}
        LivenessStatus::NeedsReview => reasons.push(ReasonCode::LivenessBorderline),
        LivenessStatus::InProgress | LivenessStatus::Failed | LivenessStatus::Expired => {
            reasons.push(ReasonCode::LivenessFailed)
        }
    }

    if let Some(reason) = face_reason(&input.face, t) {
        reasons.push(reason);
    }

    let given = doc
        .given_name
        .as_ref()
        .filter(|f| !f.value.trim().is_empty());
    let family = doc
        .family_name
        .as_ref()
        .filter(|f| !f.value.trim().is_empty());
    if given.is_none()
        || family.is_none()
        || doc.date_of_birth.is_none()
        || doc.expires_on.is_none()
    {
        reasons.push(ReasonCode::MissingField);
    }

    // A NaN confidence counts as low: an unreadable score is no evidence of a good reading.
    let low = |c: f32| c.is_nan() || c < t.min_extraction_confidence;
    let used_confidences = [
        given.map(|f| f.confidence),
        family.map(|f| f.confidence),
        doc.date_of_birth.map(|(_, c)| c),
        doc.expires_on.map(|(_, c)| c),
        doc.document_number.as_ref().map(|f| f.confidence),
    ];
    if used_confidences.into_iter().flatten().any(low) {
        reasons.push(ReasonCode::LowExtractionConfidence);
    }

    if let Some((expiry, _)) = doc.expires_on {
        if expiry < input.today {
            reasons.push(ReasonCode::DocumentExpired);
        }
    }
    if let Some((dob, _)) = doc.date_of_birth {
        if age_on(dob, input.today) < t.minimum_age {
            reasons.push(ReasonCode::Underage);
        }
    }

    if let Some(declared) = input.declared {
        let family_differs = family.is_some_and(|f| !names_match(&declared.family_name, &f.value));
        let given_differs =
            given.is_some_and(|g| !given_names_compatible(&declared.given_name, &g.value));
        if family_differs || given_differs {
            reasons.push(ReasonCode::NameMismatch);
        }
        if doc
            .date_of_birth
            .is_some_and(|(dob, _)| dob != declared.date_of_birth)
        {
            reasons.push(ReasonCode::DobMismatch);
        }
    }

    match doc.mrz.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(text) if !mrz_consistent(text, doc, input.today) => {
            reasons.push(ReasonCode::MrzInvalid)
        }
        Some(_) => {}
        None if doc.kind == DocumentKind::Passport => reasons.push(ReasonCode::MissingField),
        None => {}
    }

    reasons.sort();
    reasons.dedup();
    let decision = if reasons.iter().any(ReasonCode::is_hard) {
        Decision::Rejected
    } else if reasons.is_empty() {
        Decision::Approved
    } else {
        Decision::NeedsReview
    };
    IdentityOutcome { decision, reasons }
}

/// The face-comparison reason, if any. A non-finite similarity counts as no match.
fn face_reason(face: &FaceComparison, t: &Thresholds) -> Option<ReasonCode> {
    if !face.target_face_found {
        return Some(ReasonCode::NoFaceOnDocument);
    }
    if !face.source_face_found {
        // The reference image came out of a liveness check, so a missing face there is an
        // anomaly we cannot resolve automatically in the applicant's favour.
        return Some(ReasonCode::FaceMismatch);
    }
    match face.best_similarity.filter(|s| s.is_finite()) {
        Some(s) if s >= t.face_similarity => None,
        Some(s) if s >= t.face_similarity - t.face_similarity_review_band => {
            Some(ReasonCode::FaceSimilarityBorderline)
        }
        _ => Some(ReasonCode::FaceMismatch),
    }
}

/// Whether the MRZ verifies and agrees with every printed field that was read.
///
/// Birth dates are compared modulo 100 years because the MRZ has two-digit years and its century
/// is only inferred; expiry years are unambiguous (always 20yy).
fn mrz_consistent(text: &str, doc: &IdDocument, today: Date) -> bool {
    let Ok(mrz) = parse_mrz(text, today) else {
        return false;
    };
    let number_ok = doc.document_number.as_ref().is_none_or(|n| {
        normalize_document_number(&n.value) == normalize_document_number(&mrz.document_number)
    });
    let dob_ok = doc.date_of_birth.is_none_or(|(d, _)| {
        d.year().rem_euclid(100) == mrz.date_of_birth.year().rem_euclid(100)
            && d.month() == mrz.date_of_birth.month()
            && d.day() == mrz.date_of_birth.day()
    });
    let expiry_ok = doc.expires_on.is_none_or(|(d, _)| d == mrz.expiry);
    let surname_ok = doc
        .family_name
        .as_ref()
        .filter(|f| !f.value.trim().is_empty())
        .is_none_or(|f| mrz_name_matches(&mrz.surname, &f.value, mrz.names_truncated));
    number_ok && dob_ok && expiry_ok && surname_ok
}

/// Age in completed years on `today`; 0 for a birth date in the future, saturating at 255.
///
/// Someone born on 29 February turns a year older on 1 March in non-leap years, the
/// conservative reading for an age limit.
pub fn age_on(dob: Date, today: Date) -> u8 {
    if dob >= today {
        return 0;
    }
    let mut years = today.year() - dob.year();
    if (u8::from(today.month()), today.day()) < (u8::from(dob.month()), dob.day()) {
        years -= 1;
    }
    u8::try_from(years.max(0)).unwrap_or(u8::MAX)
}

/// Masks a document number for display and logs: only the last four characters stay visible,
/// and at least four mask characters are shown so short numbers are not revealed (a number of
/// up to seven characters keeps fewer visible, down to none).
pub fn mask_document_number(n: &str) -> String {
    let chars: Vec<char> = n.trim().chars().collect();
    let keep = 4.min(chars.len().saturating_sub(4));
    let masked = 4.max(chars.len() - keep);
    let mut out = "*".repeat(masked);
    out.extend(&chars[chars.len() - keep..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 15);
    const SPECIMEN_MRZ: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

    fn field(v: &str, c: f32) -> Option<ExtractedField> {
        Some(ExtractedField {
            value: v.to_owned(),
            confidence: c,
        })
    }

    /// A clean driver license that should be APPROVED.
    fn good_doc() -> IdDocument {
        IdDocument {
            kind: DocumentKind::DriverLicense,
            given_name: field("JOSE", 99.0),
            family_name: field("MÜLLER-SMITH", 99.0),
            date_of_birth: Some((date!(1990 - 03 - 18), 99.0)),
            expires_on: Some((date!(2030 - 01 - 20), 99.0)),
            document_number: field("736HDV7874JSB", 99.0),
            mrz: None,
        }
    }

    /// The ICAO specimen passport, with printed fields agreeing with its MRZ and an expiry moved
    /// into the future (by deciding "today" in 2011).
    fn specimen_passport() -> IdDocument {
        IdDocument {
            kind: DocumentKind::Passport,
            given_name: field("Anna Maria", 99.0),
            family_name: field("Eriksson", 99.0),
            date_of_birth: Some((date!(1974 - 08 - 12), 99.0)),
            expires_on: Some((date!(2012 - 04 - 15), 99.0)),
            document_number: field("L898902C3", 99.0),
            mrz: Some(SPECIMEN_MRZ.to_owned()),
        }
    }

    fn declared() -> Applicant {
        Applicant {
            given_name: "José".to_owned(),
            family_name: "Muller Smith".to_owned(),
            date_of_birth: date!(1990 - 03 - 18),
        }
    }

    fn face(similarity: f32) -> FaceComparison {
        FaceComparison {
            source_face_found: true,
            target_face_found: true,
            best_similarity: Some(similarity),
        }
    }

    fn decide(
        liveness: LivenessStatus,
        face: FaceComparison,
        doc: &IdDocument,
        declared: Option<&Applicant>,
        today: Date,
    ) -> IdentityOutcome {
        decide_identity(
            &IdentityInput {
                liveness,
                face,
                document: doc,
                declared,
                today,
            },
            &Thresholds::default(),
        )
    }

    #[test]
    fn decision_table() {
        use Decision::*;
        use ReasonCode::*;
        let applicant = declared();
        let base = good_doc();
        let with = |f: &dyn Fn(&mut IdDocument)| {
            let mut d = base.clone();
            f(&mut d);
            d
        };
        let l_ok = LivenessStatus::Passed;
        type Case = (
            &'static str,
            LivenessStatus,
            FaceComparison,
            IdDocument,
            Option<Applicant>,
            Decision,
            Vec<ReasonCode>,
        );
        let cases: Vec<Case> = vec![
            (
                "all good",
                l_ok,
                face(99.5),
                base.clone(),
                Some(applicant.clone()),
                Approved,
                vec![],
            ),
            (
                "no declared data",
                l_ok,
                face(99.0),
                base.clone(),
                None,
                Approved,
                vec![],
            ),
            (
                "liveness failed",
                LivenessStatus::Failed,
                face(99.5),
                base.clone(),
                None,
                Rejected,
                vec![LivenessFailed],
            ),
            (
                "liveness expired",
                LivenessStatus::Expired,
                face(99.5),
                base.clone(),
                None,
                Rejected,
                vec![LivenessFailed],
            ),
            (
                "liveness unfinished",
                LivenessStatus::InProgress,
                face(99.5),
                base.clone(),
                None,
                Rejected,
                vec![LivenessFailed],
            ),
            (
                "liveness review",
                LivenessStatus::NeedsReview,
                face(99.5),
                base.clone(),
                None,
                NeedsReview,
                vec![LivenessBorderline],
            ),
            (
                "no face on document",
                l_ok,
                FaceComparison {
                    source_face_found: true,
                    target_face_found: false,
                    best_similarity: None,
                },
                base.clone(),
                None,
                Rejected,
                vec![NoFaceOnDocument],
            ),
            (
                "no face in reference",
                l_ok,
                FaceComparison {
                    source_face_found: false,
                    target_face_found: true,
                    best_similarity: None,
                },
                base.clone(),
                None,
                Rejected,
                vec![FaceMismatch],
            ),
            (
                "no match reported",
                l_ok,
                FaceComparison {
                    best_similarity: None,
                    ..face(0.0)
                },
                base.clone(),
                None,
                Rejected,
                vec![FaceMismatch],
            ),
            (
                "NaN similarity",
                l_ok,
                face(f32::NAN),
                base.clone(),
                None,
                Rejected,
                vec![FaceMismatch],
            ),
            (
                "similarity below band",
                l_ok,
                face(94.99),
                base.clone(),
                None,
                Rejected,
                vec![FaceMismatch],
            ),
            (
                "similarity at band floor",
                l_ok,
                face(95.0),
                base.clone(),
                None,
                NeedsReview,
                vec![FaceSimilarityBorderline],
            ),
            (
                "similarity just under threshold",
                l_ok,
                face(98.99),
                base.clone(),
                None,
                NeedsReview,
                vec![FaceSimilarityBorderline],
            ),
            (
                "expired yesterday",
                l_ok,
                face(99.5),
                with(&|d| d.expires_on = Some((date!(2025 - 06 - 14), 99.0))),
                None,
                Rejected,
                vec![DocumentExpired],
            ),
            (
                "expires today",
                l_ok,
                face(99.5),
                with(&|d| d.expires_on = Some((TODAY, 99.0))),
                None,
                Approved,
                vec![],
            ),
            (
                "17 tomorrow 18",
                l_ok,
                face(99.5),
                with(&|d| d.date_of_birth = Some((date!(2007 - 06 - 16), 99.0))),
                None,
                Rejected,
                vec![Underage],
            ),
            (
                "18 today",
                l_ok,
                face(99.5),
                with(&|d| d.date_of_birth = Some((date!(2007 - 06 - 15), 99.0))),
                None,
                Approved,
                vec![],
            ),
            (
                "family name differs",
                l_ok,
                face(99.5),
                with(&|d| d.family_name = field("MILLER", 99.0)),
                Some(applicant.clone()),
                Rejected,
                vec![NameMismatch],
            ),
            (
                "given name differs",
                l_ok,
                face(99.5),
                with(&|d| d.given_name = field("JOSEPH", 99.0)),
                Some(applicant.clone()),
                Rejected,
                vec![NameMismatch],
            ),
            (
                "middle name on document",
                l_ok,
                face(99.5),
                with(&|d| d.given_name = field("JOSE LUIS", 99.0)),
                Some(applicant.clone()),
                Approved,
                vec![],
            ),
            (
                "dob differs",
                l_ok,
                face(99.5),
                with(&|d| d.date_of_birth = Some((date!(1990 - 03 - 19), 99.0))),
                Some(applicant.clone()),
                Rejected,
                vec![DobMismatch],
            ),
            (
                "low name confidence",
                l_ok,
                face(99.5),
                with(&|d| d.given_name = field("JOSE", 89.9)),
                None,
                NeedsReview,
                vec![LowExtractionConfidence],
            ),
            (
                "low expiry confidence",
                l_ok,
                face(99.5),
                with(&|d| d.expires_on = Some((date!(2030 - 01 - 20), 50.0))),
                None,
                NeedsReview,
                vec![LowExtractionConfidence],
            ),
            (
                "low number confidence",
                l_ok,
                face(99.5),
                with(&|d| d.document_number = field("X", f32::NAN)),
                None,
                NeedsReview,
                vec![LowExtractionConfidence],
            ),
            (
                "missing name",
                l_ok,
                face(99.5),
                with(&|d| d.family_name = None),
                Some(applicant.clone()),
                NeedsReview,
                vec![MissingField],
            ),
            (
                "blank name",
                l_ok,
                face(99.5),
                with(&|d| d.given_name = field("  ", 99.0)),
                Some(applicant.clone()),
                NeedsReview,
                vec![MissingField],
            ),
            (
                "missing dob",
                l_ok,
                face(99.5),
                with(&|d| d.date_of_birth = None),
                Some(applicant.clone()),
                NeedsReview,
                vec![MissingField],
            ),
            (
                "missing expiry",
                l_ok,
                face(99.5),
                with(&|d| d.expires_on = None),
                None,
                NeedsReview,
                vec![MissingField],
            ),
            (
                "passport without MRZ",
                l_ok,
                face(99.5),
                with(&|d| d.kind = DocumentKind::Passport),
                None,
                NeedsReview,
                vec![MissingField],
            ),
            (
                "garbage MRZ",
                l_ok,
                face(99.5),
                with(&|d| d.mrz = Some("P<NOPE".to_owned())),
                None,
                Rejected,
                vec![MrzInvalid],
            ),
            (
                "everything wrong",
                LivenessStatus::Failed,
                face(50.0),
                with(&|d| {
                    d.expires_on = Some((date!(2020 - 01 - 01), 10.0));
                    d.given_name = None;
                }),
                Some(applicant.clone()),
                Rejected,
                vec![
                    LivenessFailed,
                    FaceMismatch,
                    DocumentExpired,
                    LowExtractionConfidence,
                    MissingField,
                ],
            ),
        ];
        for (name, liveness, face, doc, declared, decision, reasons) in cases {
            let out = decide(liveness, face, &doc, declared.as_ref(), TODAY);
            assert_eq!(out.decision, decision, "{name}: {out:?}");
            assert_eq!(out.reasons, reasons, "{name}");
        }
    }

    #[test]
    fn passport_mrz_rules() {
        use ReasonCode::*;
        let today = date!(2011 - 01 - 01);
        let ok = decide(
            LivenessStatus::Passed,
            face(99.5),
            &specimen_passport(),
            None,
            today,
        );
        assert_eq!(ok.decision, Decision::Approved, "{ok:?}");
        type Mutation = Box<dyn Fn(&mut IdDocument)>;
        let cases: Vec<(&str, Mutation)> = vec![
            (
                "check digit",
                Box::new(|d| d.mrz = Some(SPECIMEN_MRZ.replace("C36", "C35"))),
            ),
            (
                "number differs",
                Box::new(|d| d.document_number = field("L898902C4", 99.0)),
            ),
            (
                "dob differs",
                Box::new(|d| d.date_of_birth = Some((date!(1974 - 08 - 13), 99.0))),
            ),
            (
                "expiry differs",
                Box::new(|d| d.expires_on = Some((date!(2012 - 04 - 16), 99.0))),
            ),
            (
                "surname differs",
                Box::new(|d| d.family_name = field("Eriksen", 99.0)),
            ),
        ];
        for (name, mutate) in cases {
            let mut doc = specimen_passport();
            mutate(&mut doc);
            let out = decide(LivenessStatus::Passed, face(99.5), &doc, None, today);
            assert_eq!(out.decision, Decision::Rejected, "{name}");
            assert!(out.reasons.contains(&MrzInvalid), "{name}: {out:?}");
        }
        // Tolerated: the printed number formatted differently from the MRZ.
        let mut doc = specimen_passport();
        doc.document_number = field("l898 902-c3", 99.0);
        let out = decide(LivenessStatus::Passed, face(99.5), &doc, None, today);
        assert_eq!(out.decision, Decision::Approved, "{out:?}");
        // The specimen is expired on a real "today".
        let out = decide(
            LivenessStatus::Passed,
            face(99.5),
            &specimen_passport(),
            None,
            TODAY,
        );
        assert_eq!(out.reasons, vec![DocumentExpired]);
    }

    #[test]
    fn from_fields_mapping() {
        let f = |t: &str, text: &str, norm: Option<&str>, c: f32| {
            (t.to_owned(), text.to_owned(), norm.map(str::to_owned), c)
        };
        let doc = IdDocument::from_fields(&[
            f("ID_TYPE", "DRIVER LICENSE FRONT", None, 98.0),
            f("FIRST_NAME", "MARIA", None, 97.0),
            f("MIDDLE_NAME", "LUISA", None, 91.0),
            f("LAST_NAME", "GARCIA", None, 99.0),
            f(
                "DATE_OF_BIRTH",
                "03/18/2001",
                Some("2001-03-18T00:00:00"),
                96.0,
            ),
            f("EXPIRATION_DATE", "01/20/2028", None, 95.0),
            f("DOCUMENT_NUMBER", "736HDV7874JSB", None, 94.0),
            f("MRZ_CODE", "", None, 99.0),
            f("SUFFIX", "", None, 99.0),
        ]);
        assert_eq!(doc.kind, DocumentKind::DriverLicense);
        assert_eq!(doc.given_name, field("MARIA LUISA", 91.0));
        assert_eq!(doc.family_name, field("GARCIA", 99.0));
        assert_eq!(doc.date_of_birth, Some((date!(2001 - 03 - 18), 96.0)));
        assert_eq!(doc.expires_on, Some((date!(2028 - 01 - 20), 95.0)));
        assert_eq!(doc.document_number, field("736HDV7874JSB", 94.0));
        assert_eq!(doc.mrz, None);

        let passport = IdDocument::from_fields(&[
            f("ID_TYPE", "PASSPORT", None, 98.0),
            f("LAST_NAME", "", None, 10.0),
            f("LAST_NAME", "ERIKSSON", None, 99.0),
            f("DATE_OF_BIRTH", "12 AUG 1974", None, 96.0),
            f("EXPIRATION_DATE", "garbled", None, 95.0),
            f("MRZ_CODE", SPECIMEN_MRZ, None, 99.0),
        ]);
        assert_eq!(passport.kind, DocumentKind::Passport);
        assert_eq!(passport.family_name, field("ERIKSSON", 99.0));
        assert_eq!(passport.given_name, None);
        assert_eq!(passport.date_of_birth, Some((date!(1974 - 08 - 12), 96.0)));
        assert_eq!(passport.expires_on, None);
        assert_eq!(passport.mrz.as_deref(), Some(SPECIMEN_MRZ));

        assert_eq!(IdDocument::from_fields(&[]).kind, DocumentKind::Other);
        let other = IdDocument::from_fields(&[f("ID_TYPE", "STATE ID", None, 90.0)]);
        assert_eq!(other.kind, DocumentKind::Other);
    }

    #[test]
    fn ages() {
        let cases = [
            (date!(2007 - 06 - 15), date!(2025 - 06 - 15), 18),
            (date!(2007 - 06 - 16), date!(2025 - 06 - 15), 17),
            (date!(2004 - 02 - 29), date!(2022 - 02 - 28), 17),
            (date!(2004 - 02 - 29), date!(2022 - 03 - 01), 18),
            (date!(2004 - 02 - 29), date!(2024 - 02 - 29), 20),
            (date!(2030 - 01 - 01), date!(2025 - 06 - 15), 0),
            (date!(1700 - 01 - 01), date!(2025 - 06 - 15), 255),
        ];
        for (dob, today, age) in cases {
            assert_eq!(age_on(dob, today), age, "{dob} on {today}");
        }
    }

    #[test]
    fn masking() {
        let cases = [
            ("736HDV7874JSB", "*********4JSB"),
            ("12345678", "****5678"),
            ("1234567", "****567"),
            ("12345", "****5"),
            ("1234", "****"),
            ("1", "****"),
            ("", "****"),
            (" ÄÖÜ12345 ", "****2345"),
        ];
        for (n, masked) in cases {
            assert_eq!(mask_document_number(n), masked, "{n:?}");
        }
    }

    #[test]
    fn wire_spellings() {
        assert_eq!(
            serde_json::to_value(IdentityOutcome {
                decision: Decision::NeedsReview,
                reasons: vec![ReasonCode::LowExtractionConfidence, ReasonCode::MrzInvalid],
            })
            .unwrap(),
            serde_json::json!({"decision": "NEEDS_REVIEW", "reasons": ["LOW_EXTRACTION_CONFIDENCE", "MRZ_INVALID"]})
        );
        assert_eq!(
            serde_json::to_string(&ReasonCode::DobMismatch).unwrap(),
            "\"DOB_MISMATCH\""
        );
        assert_eq!(
            serde_json::to_string(&DocumentKind::DriverLicense).unwrap(),
            "\"DRIVER_LICENSE\""
        );
    }

    // ---- properties ----

    fn liveness() -> impl Strategy<Value = LivenessStatus> {
        prop::sample::select(vec![
            LivenessStatus::Passed,
            LivenessStatus::NeedsReview,
            LivenessStatus::Failed,
            LivenessStatus::Expired,
            LivenessStatus::InProgress,
        ])
    }

    fn confidence() -> impl Strategy<Value = f32> {
        prop_oneof![0f32..=100.0, Just(90.0), Just(89.999)]
    }

    fn opt_field(value: &'static str) -> impl Strategy<Value = Option<ExtractedField>> {
        prop::option::weighted(0.9, confidence()).prop_map(move |c| {
            c.map(|confidence| ExtractedField {
                value: value.to_owned(),
                confidence,
            })
        })
    }

    /// Documents around the good one: fields may be missing, confidences vary, dates move.
    fn document() -> impl Strategy<Value = IdDocument> {
        (
            prop::sample::select(vec![
                DocumentKind::DriverLicense,
                DocumentKind::Passport,
                DocumentKind::Other,
            ]),
            opt_field("JOSE"),
            prop_oneof![opt_field("MULLER SMITH"), opt_field("MILLER")],
            prop::option::weighted(
                0.9,
                (
                    prop::sample::select(vec![date!(1990 - 03 - 18), date!(2010 - 01 - 01)]),
                    confidence(),
                ),
            ),
            prop::option::weighted(
                0.9,
                (
                    prop::sample::select(vec![date!(2030 - 01 - 20), date!(2020 - 01 - 20)]),
                    confidence(),
                ),
            ),
            opt_field("736HDV7874JSB"),
        )
            .prop_map(
                |(kind, given_name, family_name, date_of_birth, expires_on, document_number)| {
                    IdDocument {
                        kind,
                        given_name,
                        family_name,
                        date_of_birth,
                        expires_on,
                        document_number,
                        mrz: None,
                    }
                },
            )
    }

    fn decide_with(
        liveness: LivenessStatus,
        face: FaceComparison,
        doc: &IdDocument,
        with_declared: bool,
    ) -> IdentityOutcome {
        let applicant = declared();
        decide(
            liveness,
            face,
            doc,
            with_declared.then_some(&applicant),
            TODAY,
        )
    }

    proptest! {
        #[test]
        fn approved_iff_no_reasons(
            l in liveness(), s in prop::option::of(0f32..=100.0), target in any::<bool>(),
            doc in document(), with_declared in any::<bool>(),
        ) {
            let face = FaceComparison { source_face_found: true, target_face_found: target, best_similarity: s };
            let out = decide_with(l, face, &doc, with_declared);
            prop_assert_eq!(out.decision == Decision::Approved, out.reasons.is_empty());
            let mut sorted = out.reasons.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(sorted, out.reasons.clone());
            prop_assert_eq!(out.decision == Decision::Rejected, out.reasons.iter().any(ReasonCode::is_hard));
        }

        #[test]
        fn raising_similarity_never_worsens(
            l in liveness(), a in 0f32..=100.0, b in 0f32..=100.0,
            doc in document(), with_declared in any::<bool>(),
        ) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let before = decide_with(l, face(lo), &doc, with_declared).decision;
            let after = decide_with(l, face(hi), &doc, with_declared).decision;
            prop_assert!(after.rank() >= before.rank(), "{lo}: {before:?} -> {hi}: {after:?}");
            prop_assert!(!(before == Decision::Approved && after == Decision::Rejected));
        }

        #[test]
        fn raising_any_confidence_never_worsens(
            l in liveness(), s in 90f32..=100.0, doc in document(), with_declared in any::<bool>(),
            which in 0usize..5, raise in 0f32..=100.0,
        ) {
            let before = decide_with(l, face(s), &doc, with_declared).decision;
            let mut raised = doc.clone();
            let bump = |c: &mut f32| *c = (*c + raise).min(100.0);
            match which {
                0 => if let Some(f) = raised.given_name.as_mut() { bump(&mut f.confidence) },
                1 => if let Some(f) = raised.family_name.as_mut() { bump(&mut f.confidence) },
                2 => if let Some((_, c)) = raised.date_of_birth.as_mut() { bump(c) },
                3 => if let Some((_, c)) = raised.expires_on.as_mut() { bump(c) },
                _ => if let Some(f) = raised.document_number.as_mut() { bump(&mut f.confidence) },
            }
            let after = decide_with(l, face(s), &raised, with_declared).decision;
            prop_assert!(after.rank() >= before.rank(), "{before:?} -> {after:?}");
        }

        #[test]
        fn mask_hides_all_but_four(n in "[A-Z0-9]{0,20}") {
            let m = mask_document_number(&n);
            let stars = m.chars().take_while(|c| *c == '*').count();
            prop_assert!(stars >= 4);
            let visible = m.chars().count() - stars;
            prop_assert!(visible <= 4);
            prop_assert!(visible <= n.len().saturating_sub(4));
            prop_assert!(n.ends_with(&m[stars..]));
        }
    }
}
