//! Lending documents: starting Analyze Lending, reading its results, and checking the package
//! against the lender's checklist.
//!
//! Textract classifies each page and reads its fields as printed; the adapters flatten that into
//! [`LendingPage`]s of [`Reading`]s and [`DocumentGroup`]s, and this module turns them into the
//! handful of facts an underwriter looks at first (each keeping the text, its confidence and a
//! normalised value), plus what is missing and what looks wrong. Page and document types are
//! Textract's own values, passed through unchanged; [`satisfied_by`] is the one mapping from them
//! to the lender's checklist.

use std::fmt;

use serde::{Deserialize, Serialize};

use time::Date;

use crate::config::ChecklistItem;
use crate::error::ApiError;
use crate::ids::parse_body_id;
use crate::names::full_name_matches;
use crate::printed::{parse_amount, parse_date, Amount};

/// Status of a Textract job, as `GetLendingAnalysis` and the SNS completion message report it.
/// `GetLendingAnalysis` knows the first four; the SNS completion's `Status` is `SUCCEEDED`,
/// `FAILED` or `ERROR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    /// Still running.
    InProgress,
    /// Every page processed.
    Succeeded,
    /// Some pages could not be processed; the rest is usable.
    PartialSuccess,
    /// Nothing usable.
    Failed,
    /// The job could not run (SNS completions only), e.g. a document Textract cannot open.
    Error,
}

/// Parses a Textract job status, case-insensitively (SNS messages and the SDK agree on the
/// spelling but not every emulator does).
pub fn parse_job_status(s: &str) -> Option<JobStatus> {
    match s.trim().to_ascii_uppercase().as_str() {
        "IN_PROGRESS" => Some(JobStatus::InProgress),
        "SUCCEEDED" => Some(JobStatus::Succeeded),
        "PARTIAL_SUCCESS" => Some(JobStatus::PartialSuccess),
        "FAILED" => Some(JobStatus::Failed),
        "ERROR" => Some(JobStatus::Error),
        _ => None,
    }
}

/// Status of a lending document as stored and shown; mirrors the job status it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocumentStatus {
    /// Analysis running.
    InProgress,
    /// Analysis complete.
    Succeeded,
    /// Analysis complete for some pages.
    PartialSuccess,
    /// Analysis failed.
    Failed,
}

impl DocumentStatus {
    /// Whether the status can no longer change (the consumer has recorded the outcome).
    pub fn is_final(&self) -> bool {
        !matches!(self, DocumentStatus::InProgress)
    }
}

impl From<JobStatus> for DocumentStatus {
    fn from(s: JobStatus) -> Self {
        match s {
            JobStatus::InProgress => DocumentStatus::InProgress,
            JobStatus::Succeeded => DocumentStatus::Succeeded,
            JobStatus::PartialSuccess => DocumentStatus::PartialSuccess,
            JobStatus::Failed | JobStatus::Error => DocumentStatus::Failed,
        }
    }
}

/// Body of `POST /applications/{id}/documents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartDocumentRequest {
    /// The upload (purpose `LENDING_PACKAGE`) to analyse; lower-cased UUID.
    pub upload_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StartDocumentRequestWire {
    upload_id: Option<String>,
}

/// Parses the start request: bad JSON or unknown fields → 400; a missing or non-UUID `uploadId`
/// → 422 naming it.
pub fn parse_start_document_request(body: &[u8]) -> Result<StartDocumentRequest, ApiError> {
    let wire: StartDocumentRequestWire = ApiError::parse_json_object(body)?;
    let Some(upload_id) = wire.upload_id else {
        return Err(ApiError::field("uploadId", "is required"));
    };
    Ok(StartDocumentRequest {
        upload_id: parse_body_id("uploadId", upload_id.trim())?,
    })
}

/// One document Textract found in the package (`GetLendingAnalysisSummary` document group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentGroup {
    /// Textract's document type, unchanged (`1003`, `W_2`, `PAYSLIPS`, `BANK_STATEMENT`, …).
    #[serde(rename = "type")]
    pub doc_type: String,
    /// Pages of the package belonging to it.
    pub pages: Vec<u32>,
    /// Pages with a detected signature.
    pub signatures_found: Vec<u32>,
    /// Pages where a signature was expected but not found.
    pub signatures_missing: Vec<u32>,
}

/// One value Textract read on a page: a `LendingField`'s type and one of its value detections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reading {
    /// The field type, e.g. `CURRENT_GROSS_PAY`.
    pub field_type: String,
    /// The text as printed, e.g. `$ 452.43`.
    pub text: String,
    /// Textract's confidence in it (0–100).
    pub confidence: f32,
}

/// One classified page with what Textract read on it (`GetLendingAnalysis` result, flattened).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LendingPage {
    /// Page number in the package (1-based, Textract's `Page`).
    pub page: u32,
    /// Textract's page type, unchanged.
    pub page_type: String,
    /// Every non-empty value detection of the page's `LendingDocument`; pages without one
    /// (`UNCLASSIFIED`, ID documents, receipts) have none.
    pub readings: Vec<Reading>,
}

/// Textract's page and document types that the checklist and the extraction use. Every other
/// type (`CHECKS`, `1099_DIV`, …) is kept as Textract names it and otherwise ignored.
pub mod document_types {
    /// Uniform Residential Loan Application.
    pub const URLA_1003: &str = "1003";
    /// IRS form W-2.
    pub const W_2: &str = "W_2";
    /// Payslips.
    pub const PAYSLIPS: &str = "PAYSLIPS";
    /// Bank statements.
    pub const BANK_STATEMENT: &str = "BANK_STATEMENT";
    /// Identity documents (their pages carry an `IdentityDocument`, not a `LendingDocument`).
    pub const IDENTITY_DOCUMENT: &str = "IDENTITY_DOCUMENT";
}

/// The document types that satisfy a checklist item: the one mapping from Textract's types to
/// the lender's checklist.
pub fn satisfied_by(item: ChecklistItem) -> &'static [&'static str] {
    use document_types::*;
    match item {
        ChecklistItem::Urla1003 => &[URLA_1003],
        ChecklistItem::ProofOfIncome => &[PAYSLIPS, W_2],
        ChecklistItem::BankStatement => &[BANK_STATEMENT],
        ChecklistItem::IdentityDocument => &[IDENTITY_DOCUMENT],
    }
}

/// Field types read from the pages (`LendingField.Type`), as real Textract names them.
mod field_types {
    pub const BORROWER_NAME: &str = "BORROWER_NAME";
    pub const EMPLOYEE_NAME: &str = "EMPLOYEE_NAME";
    pub const FORM_YEAR: &str = "FORM_YEAR";
    pub const WAGES: &str = "WAGES";
    pub const CURRENT_GROSS_PAY: &str = "CURRENT_GROSS_PAY";
    pub const YTD_GROSS_PAY: &str = "YTD_GROSS_PAY";
    pub const PAY_PERIOD_START_DATE: &str = "PAY_PERIOD_START_DATE";
    pub const PAY_PERIOD_END_DATE: &str = "PAY_PERIOD_END_DATE";
    pub const PAY_DATE: &str = "PAY_DATE";
    pub const PERIOD_START_DATE: &str = "PERIOD_START_DATE";
    pub const PERIOD_END_DATE: &str = "PERIOD_END_DATE";
    pub const ENDING_BALANCE: &str = "ENDING_BALANCE";
}

/// A value read from a page: the text as printed, its confidence, its normalised value when the
/// text parses, and whether it is too uncertain to be trusted without a person looking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// The text as Textract read it (trimmed).
    pub text: String,
    /// Textract's confidence (0–100).
    pub confidence: f32,
    /// For amounts: the decimal and its currency, when the text parses as an amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// For dates: the ISO 8601 date, when the text parses as one.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::date_format::option"
    )]
    pub date: Option<Date>,
    /// Confidence below the minimum extraction confidence: flagged for review, never trusted.
    pub low_confidence: bool,
}

/// How a field's text is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Amount,
    Date,
}

impl Field {
    fn read(reading: &Reading, kind: Kind, min_confidence: f32) -> Field {
        let text = reading.text.trim().to_owned();
        Field {
            amount: (kind == Kind::Amount)
                .then(|| parse_amount(&text))
                .flatten(),
            date: (kind == Kind::Date).then(|| parse_date(&text)).flatten(),
            // NaN (a confidence Textract did not report) is not trusted either.
            low_confidence: reading.confidence.is_nan() || reading.confidence < min_confidence,
            confidence: reading.confidence,
            text,
        }
    }
}

/// Income facts from one W-2 page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct W2 {
    /// Page it was read from.
    pub page: u32,
    /// `EMPLOYEE_NAME`.
    pub employee_name: Option<Field>,
    /// `FORM_YEAR`, the tax year the form reports.
    pub form_year: Option<Field>,
    /// `WAGES` (box 1: wages, tips, other compensation).
    pub wages: Option<Field>,
}

/// Income facts from one payslip page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payslip {
    /// Page it was read from.
    pub page: u32,
    /// `BORROWER_NAME`, the employee paid.
    pub borrower_name: Option<Field>,
    /// `CURRENT_GROSS_PAY`, gross pay of this period.
    pub current_gross_pay: Option<Field>,
    /// `YTD_GROSS_PAY`.
    pub ytd_gross_pay: Option<Field>,
    /// `PAY_PERIOD_START_DATE`.
    pub pay_period_start: Option<Field>,
    /// `PAY_PERIOD_END_DATE`.
    pub pay_period_end: Option<Field>,
    /// `PAY_DATE`.
    pub pay_date: Option<Field>,
}

/// Balance facts from one bank-statement page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BankStatement {
    /// Page it was read from.
    pub page: u32,
    /// `BORROWER_NAME`, the account holder.
    pub borrower_name: Option<Field>,
    /// `PERIOD_START_DATE`.
    pub period_start: Option<Field>,
    /// `PERIOD_END_DATE`.
    pub period_end: Option<Field>,
    /// `ENDING_BALANCE`.
    pub ending_balance: Option<Field>,
}

/// The facts extracted from a package, stored on the document item and returned by
/// `GET …/documents/{documentId}`: the handful of values an underwriter looks at first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtractedData {
    /// One entry per payslip page with any of the fields.
    pub payslips: Vec<Payslip>,
    /// One entry per bank-statement page with any of the fields.
    pub bank_statements: Vec<BankStatement>,
    /// One entry per W-2 page with any of the fields.
    pub w2: Vec<W2>,
}

impl ExtractedData {
    /// The names the documents give the borrower: payslips' and bank statements'
    /// `BORROWER_NAME`, W-2s' `EMPLOYEE_NAME`.
    pub fn borrower_names(&self) -> impl Iterator<Item = &Field> {
        let payslips = self
            .payslips
            .iter()
            .filter_map(|p| p.borrower_name.as_ref());
        let statements = self
            .bank_statements
            .iter()
            .filter_map(|s| s.borrower_name.as_ref());
        let w2 = self.w2.iter().filter_map(|w| w.employee_name.as_ref());
        payslips.chain(statements).chain(w2)
    }

    /// Every field, for the low-confidence flag.
    fn fields(&self) -> Vec<&Field> {
        let mut out = Vec::new();
        for p in &self.payslips {
            out.extend(
                [
                    &p.borrower_name,
                    &p.current_gross_pay,
                    &p.ytd_gross_pay,
                    &p.pay_period_start,
                    &p.pay_period_end,
                    &p.pay_date,
                ]
                .into_iter()
                .flatten(),
            );
        }
        for s in &self.bank_statements {
            out.extend(
                [
                    &s.borrower_name,
                    &s.period_start,
                    &s.period_end,
                    &s.ending_balance,
                ]
                .into_iter()
                .flatten(),
            );
        }
        for w in &self.w2 {
            out.extend(
                [&w.employee_name, &w.form_year, &w.wages]
                    .into_iter()
                    .flatten(),
            );
        }
        out
    }
}

impl LendingPage {
    /// The most confident non-empty reading of a field type on this page. Textract may read a
    /// field several times (one value detection per location); the best reading wins.
    fn best(&self, field_type: &str) -> Option<&Reading> {
        self.readings
            .iter()
            .filter(|r| r.field_type == field_type && !r.text.trim().is_empty())
            .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
    }
}

/// Extracts the headline facts from classified pages, in page order. `min_confidence` is the
/// minimum extraction confidence in force; readings below it are kept but flagged.
pub fn extract(pages: &[LendingPage], min_confidence: f32) -> ExtractedData {
    use document_types::*;
    use field_types::*;
    let mut sorted: Vec<&LendingPage> = pages.iter().collect();
    sorted.sort_by_key(|p| p.page);
    let mut data = ExtractedData::default();
    for page in sorted {
        let read = |field_type: &str, kind: Kind| {
            page.best(field_type)
                .map(|r| Field::read(r, kind, min_confidence))
        };
        match page.page_type.as_str() {
            W_2 => {
                let entry = W2 {
                    page: page.page,
                    employee_name: read(EMPLOYEE_NAME, Kind::Text),
                    form_year: read(FORM_YEAR, Kind::Text),
                    wages: read(WAGES, Kind::Amount),
                };
                if entry.employee_name.is_some()
                    || entry.form_year.is_some()
                    || entry.wages.is_some()
                {
                    data.w2.push(entry);
                }
            }
            PAYSLIPS => {
                let entry = Payslip {
                    page: page.page,
                    borrower_name: read(BORROWER_NAME, Kind::Text),
                    current_gross_pay: read(CURRENT_GROSS_PAY, Kind::Amount),
                    ytd_gross_pay: read(YTD_GROSS_PAY, Kind::Amount),
                    pay_period_start: read(PAY_PERIOD_START_DATE, Kind::Date),
                    pay_period_end: read(PAY_PERIOD_END_DATE, Kind::Date),
                    pay_date: read(PAY_DATE, Kind::Date),
                };
                let any = [
                    &entry.borrower_name,
                    &entry.current_gross_pay,
                    &entry.ytd_gross_pay,
                    &entry.pay_period_start,
                    &entry.pay_period_end,
                    &entry.pay_date,
                ]
                .iter()
                .any(|f| f.is_some());
                if any {
                    data.payslips.push(entry);
                }
            }
            BANK_STATEMENT => {
                let entry = BankStatement {
                    page: page.page,
                    borrower_name: read(BORROWER_NAME, Kind::Text),
                    period_start: read(PERIOD_START_DATE, Kind::Date),
                    period_end: read(PERIOD_END_DATE, Kind::Date),
                    ending_balance: read(ENDING_BALANCE, Kind::Amount),
                };
                let any = [
                    &entry.borrower_name,
                    &entry.period_start,
                    &entry.period_end,
                    &entry.ending_balance,
                ]
                .iter()
                .any(|f| f.is_some());
                if any {
                    data.bank_statements.push(entry);
                }
            }
            _ => {}
        }
    }
    data
}

/// Checklist items not satisfied by the package, in the order configured.
///
/// An item is satisfied by any document type [`satisfied_by`] lists, found either as a
/// summary's document group or as a classified page (so a missing or partial summary cannot hide
/// a document). IDENTITY_DOCUMENT is also satisfied by an approved identity verification: the
/// applicant already proved it.
pub fn missing_required<'a>(
    found_types: impl IntoIterator<Item = &'a str>,
    identity_verified: bool,
    required: &[ChecklistItem],
) -> Vec<ChecklistItem> {
    let found: Vec<&str> = found_types.into_iter().collect();
    let mut missing: Vec<ChecklistItem> = Vec::new();
    for item in required {
        let satisfied = satisfied_by(*item).iter().any(|t| found.contains(t))
            || (*item == ChecklistItem::IdentityDocument && identity_verified);
        if !satisfied && !missing.contains(item) {
            missing.push(*item);
        }
    }
    missing
}

/// Something in the package an underwriter should look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DocumentFlag {
    /// A payslip, bank statement or W-2 names someone other than the ID document's holder.
    BorrowerNameMismatch,
    /// A value was read with less than the minimum extraction confidence.
    LowConfidenceField,
}

impl fmt::Display for DocumentFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DocumentFlag::BorrowerNameMismatch => "BORROWER_NAME_MISMATCH",
            DocumentFlag::LowConfidenceField => "LOW_CONFIDENCE_FIELD",
        })
    }
}

/// Flags for the extracted data. `id_name` is `(given, family)` as read from the applicant's
/// ID document; without it there is no name to compare.
///
/// Names match case-, accent- and spacing-insensitively, in "Given Family" or "Family, Given"
/// order, with middle names omitted or abbreviated and titles ("Mr", "Miss", …) ignored, so only
/// a genuinely different person is flagged.
pub fn flags(extracted: &ExtractedData, id_name: Option<(&str, &str)>) -> Vec<DocumentFlag> {
    let mut out = Vec::new();
    if let Some((given, family)) = id_name {
        if extracted
            .borrower_names()
            .any(|name| !full_name_matches(&name.text, given, family))
        {
            out.push(DocumentFlag::BorrowerNameMismatch);
        }
    }
    if extracted.fields().iter().any(|f| f.low_confidence) {
        out.push(DocumentFlag::LowConfidenceField);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use time::macros::date;

    fn page(n: u32, ty: &str, readings: &[(&str, &str, f32)]) -> LendingPage {
        LendingPage {
            page: n,
            page_type: ty.to_owned(),
            readings: readings
                .iter()
                .map(|(t, v, c)| Reading {
                    field_type: (*t).to_owned(),
                    text: (*v).to_owned(),
                    confidence: *c,
                })
                .collect(),
        }
    }

    fn text(text: &str, confidence: f32) -> Option<Field> {
        Some(Field {
            text: text.to_owned(),
            confidence,
            amount: None,
            date: None,
            low_confidence: confidence < 90.0,
        })
    }

    #[test]
    fn job_statuses() {
        let cases = [
            ("IN_PROGRESS", Some(JobStatus::InProgress)),
            ("succeeded", Some(JobStatus::Succeeded)),
            (" Partial_Success ", Some(JobStatus::PartialSuccess)),
            ("FAILED", Some(JobStatus::Failed)),
            ("ERROR", Some(JobStatus::Error)),
            ("DONE", None),
            ("", None),
        ];
        for (s, expected) in cases {
            assert_eq!(parse_job_status(s), expected, "{s}");
        }
        assert_eq!(
            DocumentStatus::from(JobStatus::PartialSuccess),
            DocumentStatus::PartialSuccess
        );
        assert_eq!(
            DocumentStatus::from(JobStatus::Error),
            DocumentStatus::Failed
        );
        assert!(!DocumentStatus::InProgress.is_final());
        assert!(DocumentStatus::Failed.is_final());
        assert_eq!(
            serde_json::to_string(&DocumentStatus::PartialSuccess).unwrap(),
            "\"PARTIAL_SUCCESS\""
        );
    }

    #[test]
    fn start_request() {
        let id = "0B9C4B7E-3F1A-4D2B-9C8E-1A2B3C4D5E6F";
        let ok = parse_start_document_request(format!(r#"{{"uploadId":"{id}"}}"#).as_bytes());
        assert_eq!(ok.unwrap().upload_id, id.to_ascii_lowercase());
        let cases: &[(&str, u16)] = &[
            ("", 400),
            ("{", 400),
            (r#"["0b9c4b7e-3f1a-4d2b-9c8e-1a2b3c4d5e6f"]"#, 400),
            (r#"{"uploadId":"x","more":1}"#, 400),
            (r#"{"uploadId":7}"#, 400),
            ("{}", 422),
            (r#"{"uploadId":"not-a-uuid"}"#, 422),
        ];
        for (body, status) in cases {
            assert_eq!(
                parse_start_document_request(body.as_bytes())
                    .unwrap_err()
                    .status(),
                *status,
                "{body}"
            );
        }
    }

    #[test]
    fn group_serialization() {
        let g = DocumentGroup {
            doc_type: "W_2".to_owned(),
            pages: vec![2, 3],
            signatures_found: vec![3],
            signatures_missing: vec![],
        };
        assert_eq!(
            serde_json::to_value(&g).unwrap(),
            serde_json::json!({"type":"W_2","pages":[2,3],"signaturesFound":[3],"signaturesMissing":[]})
        );
    }

    #[test]
    fn extraction() {
        let pages = vec![
            page(
                5,
                "BANK_STATEMENT",
                &[
                    ("BORROWER_NAME", "Jane Doe", 100.0),
                    ("PERIOD_START_DATE", "1 MAY 2021", 99.0),
                    ("PERIOD_END_DATE", "31 MAY 2021", 99.0),
                    ("ENDING_BALANCE", "$123,084.85", 93.0),
                    ("BEGINNING_BALANCE", "$50,000.00", 99.0),
                ],
            ),
            page(
                1,
                "PAYSLIPS",
                &[
                    ("PAY_PERIOD_END_DATE", "7/18/2008", 99.0),
                    ("BORROWER_NAME", "JOHN STILES", 99.0),
                    ("CURRENT_GROSS_PAY", "$ 452.43", 97.0),
                    ("YTD_GROSS_PAY", "23,526.80", 96.0),
                ],
            ),
            page(
                6,
                "W_2",
                &[
                    ("EMPLOYEE_NAME", "Arnav", 100.0),
                    ("FORM_YEAR", "2022", 100.0),
                    ("WAGES", "52000", 60.0),
                    ("WAGES", "$100.00", 99.0),
                    ("WAGES", "", 100.0),
                ],
            ),
            page(2, "CHECKS", &[("BORROWER_NAME", "JOHN STILES", 88.0)]),
            page(3, "IDENTITY_DOCUMENT", &[]),
            page(4, "PAYSLIPS", &[("UNRELATED", "x", 99.0)]),
            page(7, "UNCLASSIFIED", &[]),
        ];
        let data = extract(&pages, 90.0);
        assert_eq!(data.payslips.len(), 1, "page 4 has no payslip fields");
        let payslip = &data.payslips[0];
        assert_eq!(payslip.page, 1);
        assert_eq!(payslip.borrower_name, text("JOHN STILES", 99.0));
        let gross = payslip.current_gross_pay.as_ref().unwrap();
        assert_eq!(gross.text, "$ 452.43");
        assert_eq!(
            gross.amount,
            Some(Amount {
                value: "452.43".into(),
                currency: Some("USD".into())
            })
        );
        assert_eq!(
            payslip
                .ytd_gross_pay
                .as_ref()
                .unwrap()
                .amount
                .as_ref()
                .unwrap()
                .currency,
            None
        );
        assert_eq!(payslip.pay_period_start, None);
        assert_eq!(
            payslip.pay_period_end.as_ref().unwrap().date,
            Some(date!(2008 - 07 - 18))
        );

        let statement = &data.bank_statements[0];
        assert_eq!(statement.borrower_name, text("Jane Doe", 100.0));
        assert_eq!(
            statement.period_start.as_ref().unwrap().date,
            Some(date!(2021 - 05 - 01))
        );
        assert_eq!(
            statement.period_end.as_ref().unwrap().date,
            Some(date!(2021 - 05 - 31))
        );
        let balance = statement.ending_balance.as_ref().unwrap();
        assert_eq!(balance.amount.as_ref().unwrap().value, "123084.85");
        assert!(!balance.low_confidence);

        let w2 = &data.w2[0];
        assert_eq!(w2.employee_name, text("Arnav", 100.0));
        assert_eq!(w2.form_year, text("2022", 100.0));
        assert_eq!(
            w2.wages.as_ref().unwrap().text,
            "$100.00",
            "the best reading wins"
        );

        let json = serde_json::to_value(&data).unwrap();
        assert_eq!(
            json["bankStatements"][0]["endingBalance"],
            serde_json::json!({
                "text": "$123,084.85", "confidence": 93.0,
                "amount": {"value": "123084.85", "currency": "USD"},
                "lowConfidence": false
            })
        );
        assert_eq!(json["payslips"][0]["payPeriodEnd"]["date"], "2008-07-18");
        assert_eq!(json["w2"][0]["employeeName"]["text"], "Arnav");
        let back: ExtractedData = serde_json::from_value(json).unwrap();
        assert_eq!(back, data, "stored items read back unchanged");
        assert_eq!(extract(&[], 90.0), ExtractedData::default());
    }

    #[test]
    fn low_confidence_readings_are_kept_and_flagged() {
        let data = extract(&[page(1, "W_2", &[("WAGES", "$52,000.00", 71.5)])], 90.0);
        let wages = data.w2[0].wages.as_ref().unwrap();
        assert!(wages.low_confidence);
        assert_eq!(wages.amount.as_ref().unwrap().value, "52000.00");
        assert_eq!(flags(&data, None), vec![DocumentFlag::LowConfidenceField]);
        let nan = extract(&[page(1, "W_2", &[("WAGES", "1", f32::NAN)])], 90.0);
        assert!(nan.w2[0].wages.as_ref().unwrap().low_confidence);
    }

    #[test]
    fn checklist() {
        use ChecklistItem::*;
        let all = ChecklistItem::ALL;
        let cases: Vec<(Vec<&str>, bool, Vec<ChecklistItem>)> = vec![
            (vec![], false, all.to_vec()),
            (vec![], true, vec![Urla1003, ProofOfIncome, BankStatement]),
            (
                vec!["1003", "W_2", "BANK_STATEMENT", "IDENTITY_DOCUMENT"],
                false,
                vec![],
            ),
            (vec!["1003", "PAYSLIPS", "BANK_STATEMENT"], true, vec![]),
            // Types are Textract's own: other spellings satisfy nothing.
            (
                vec!["W2", "bank_statement", "URLA_1003", "CHECKS", "1099_DIV"],
                true,
                vec![Urla1003, ProofOfIncome, BankStatement],
            ),
        ];
        for (found, verified, expected) in cases {
            assert_eq!(
                missing_required(found.iter().copied(), verified, &all),
                expected,
                "{found:?}"
            );
        }
        assert_eq!(
            missing_required([], false, &[BankStatement, Urla1003, BankStatement]),
            vec![BankStatement, Urla1003]
        );
        assert!(missing_required([], false, &[]).is_empty());
        for item in all {
            assert!(!satisfied_by(item).is_empty(), "{item} has a document type");
        }
    }

    #[test]
    fn borrower_name_flag() {
        let named = |payslip: &str, statement: &str, employee: &str| {
            extract(
                &[
                    page(1, "PAYSLIPS", &[("BORROWER_NAME", payslip, 99.0)]),
                    page(2, "BANK_STATEMENT", &[("BORROWER_NAME", statement, 99.0)]),
                    page(3, "W_2", &[("EMPLOYEE_NAME", employee, 99.0)]),
                ],
                90.0,
            )
        };
        let id = Some(("ANNA MARIA", "ERIKSSON"));
        let mismatch = vec![DocumentFlag::BorrowerNameMismatch];
        let cases = [
            (
                named("Anna Maria Eriksson", "ERIKSSON, ANNA", "Ánna Eriksson"),
                id,
                vec![],
            ),
            (
                named(
                    "Miss Anna Eriksson",
                    "Mrs. Anna M. Eriksson",
                    "anna m eriksson",
                ),
                id,
                vec![],
            ),
            (
                named(
                    "MS ANNA ERIKSSON",
                    "Dr Anna Maria Eriksson",
                    "Anna Eriksson",
                ),
                id,
                vec![],
            ),
            (
                named("Anna Eriksson", "Anna Eriksson", "John Smith"),
                id,
                mismatch.clone(),
            ),
            (
                named("Anna Q. Eriksson", "Anna Eriksson", "Anna Eriksson"),
                id,
                mismatch.clone(),
            ),
            (named("John Smith", "Jane Doe", "Arnav"), None, vec![]),
            (ExtractedData::default(), id, vec![]),
        ];
        for (data, id, expected) in cases {
            assert_eq!(flags(&data, id), expected, "{data:?}");
        }
        assert_eq!(
            DocumentFlag::BorrowerNameMismatch.to_string(),
            "BORROWER_NAME_MISMATCH"
        );
        assert_eq!(
            serde_json::to_value(DocumentFlag::LowConfidenceField).unwrap(),
            "LOW_CONFIDENCE_FIELD"
        );
    }
}
