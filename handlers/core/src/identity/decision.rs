//! The identity decision: one pure function over the evidence, three-valued.

use serde::{Deserialize, Serialize};
use time::Date;

use super::document::{DocumentKind, IdDocument};
use crate::applicant::Applicant;
use crate::config::Thresholds;
use crate::liveness::LivenessStatus;
use crate::mrz::{mrz_name_matches, normalize_document_number, parse_mrz};
use crate::names::{given_names_compatible, names_match};

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
    /// No face on the ID document. Rejects.
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
