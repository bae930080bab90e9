//! The ID document as the decision reads it: what kind it is and which fields were read, with
//! their confidence.

use serde::{Deserialize, Serialize};
use time::Date;

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

/// The ID document as far as the decision needs it; absent fields are `None` so "not read"
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
    /// Document number (only ever shown masked, see [`super::mask_document_number`]).
    pub document_number: Option<ExtractedField>,
    /// Raw MRZ text, if the document has one.
    pub mrz: Option<String>,
}

/// One field as the ID reader (Textract AnalyzeID) returns it, copied into plain strings by the
/// adapter so the rules here never see an SDK type.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentField {
    /// The field's type, one of [`analyze_id_fields`] (others are ignored).
    pub field_type: String,
    /// The text as printed; empty for a field type the reader did not find on this document.
    pub text: String,
    /// The reader's normalized value (dates as `YYYY-MM-DDT00:00:00`), when it gives one.
    pub normalized: Option<String>,
    /// The reader's confidence (0–100).
    pub confidence: f32,
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
    /// Builds the document from the fields the ID reader returned.
    ///
    /// AnalyzeID returns every field type it knows, with empty text for those it did not find;
    /// empty values are therefore treated as absent. The first non-empty occurrence of a type
    /// wins. Dates come from the normalized value (`YYYY-MM-DDT00:00:00`) when present, else from
    /// the text (`MM/DD/YYYY` as on US documents, `YYYY-MM-DD`, or `DD MMM YYYY`); an unreadable
    /// date counts as missing so it goes to review rather than being guessed.
    pub fn from_fields(fields: &[DocumentField]) -> IdDocument {
        use analyze_id_fields as f;
        let find = |ty: &str| {
            fields.iter().find(|field| {
                field.field_type.trim().eq_ignore_ascii_case(ty)
                    && (!field.text.trim().is_empty()
                        || field
                            .normalized
                            .as_deref()
                            .is_some_and(|n| !n.trim().is_empty()))
            })
        };
        let text_field = |ty: &str| {
            find(ty).and_then(|field| {
                let value = if field.text.trim().is_empty() {
                    field.normalized.as_deref().unwrap_or("").trim()
                } else {
                    field.text.trim()
                };
                (!value.is_empty()).then(|| ExtractedField {
                    value: value.to_owned(),
                    confidence: field.confidence,
                })
            })
        };
        let date_field = |ty: &str| {
            find(ty).and_then(|field| {
                field
                    .normalized
                    .as_deref()
                    .and_then(parse_date)
                    .or_else(|| parse_date(&field.text))
                    .map(|d| (d, field.confidence))
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
