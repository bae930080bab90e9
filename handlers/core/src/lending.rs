//! Lending documents: starting Analyze Lending, reading its results, and checking the package
//! against the lender's checklist.
//!
//! Textract classifies each page and extracts typed fields; the adapters flatten that into
//! [`LendingPage`]s and [`DocumentGroup`]s of plain strings, and this module turns them into the
//! handful of facts an underwriter looks at first, plus what is missing and what looks wrong.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::config::ChecklistItem;
use crate::error::ApiError;
use crate::ids::parse_body_id;
use crate::names::full_name_matches;

/// Status of a Textract job, as `GetLendingAnalysis` and the SNS completion message report it.
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
}

/// Parses a Textract job status, case-insensitively (SNS messages and the SDK agree on the
/// spelling but not every emulator does).
pub fn parse_job_status(s: &str) -> Option<JobStatus> {
    match s.trim().to_ascii_uppercase().as_str() {
        "IN_PROGRESS" => Some(JobStatus::InProgress),
        "SUCCEEDED" => Some(JobStatus::Succeeded),
        "PARTIAL_SUCCESS" => Some(JobStatus::PartialSuccess),
        "FAILED" => Some(JobStatus::Failed),
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
            JobStatus::Failed => DocumentStatus::Failed,
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
    /// Textract's document type (`1003`, `W2`, `PAYSLIPS`, `BANK_STATEMENT`, …).
    #[serde(rename = "type")]
    pub doc_type: String,
    /// Pages of the package belonging to it.
    pub pages: Vec<u32>,
    /// Pages with a detected signature.
    pub signatures_found: Vec<u32>,
    /// Pages where a signature was expected but not found.
    pub signatures_missing: Vec<u32>,
}

/// One classified page with its extracted fields (`GetLendingAnalysis` result, flattened).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LendingPage {
    /// Page number in the package (1-based, as Textract reports it).
    pub page: u32,
    /// Textract's page type.
    pub page_type: String,
    /// `(field type, value text, confidence)`, e.g. `("WAGES_TIPS_OTHER_COMPENSATION", "$52,000.00", 98.1)`.
    pub fields: Vec<(String, String, f32)>,
}

/// Textract page/document type names this module understands.
pub mod page_types {
    /// Uniform Residential Loan Application.
    pub const URLA_1003: &str = "1003";
    /// IRS form W-2.
    pub const W2: &str = "W2";
    /// Payslips.
    pub const PAYSLIPS: &str = "PAYSLIPS";
    /// Bank statements.
    pub const BANK_STATEMENT: &str = "BANK_STATEMENT";
    /// Identity documents.
    pub const IDENTITY_DOCUMENT: &str = "IDENTITY_DOCUMENT";
}

/// The borrower named on a 1003.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Borrower {
    /// Full name as read (`BORROWER_NAME`, or first and last joined).
    pub name: String,
    /// `BORROWER_FIRST_NAME`, if read separately.
    pub first_name: Option<String>,
    /// `BORROWER_LAST_NAME`, if read separately.
    pub last_name: Option<String>,
    /// Page it was read from.
    pub page: u32,
}

/// Income facts from one W-2 page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct W2 {
    /// Page it was read from.
    pub page: u32,
    /// `EMPLOYEE_NAME`.
    pub employee_name: Option<String>,
    /// `TAX_YEAR`.
    pub tax_year: Option<String>,
    /// `WAGES_TIPS_OTHER_COMPENSATION` as read.
    pub wages: Option<String>,
    /// The same in cents, when it parses as an amount.
    pub wages_cents: Option<i64>,
}

/// Income facts from one payslip page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payslip {
    /// Page it was read from.
    pub page: u32,
    /// `GROSS_PAY_THIS_PERIOD` as read.
    pub gross_pay: Option<String>,
    /// The same in cents, when it parses as an amount.
    pub gross_pay_cents: Option<i64>,
    /// `PAY_PERIOD_START_DATE` as read.
    pub period_start: Option<String>,
    /// `PAY_PERIOD_END_DATE` as read.
    pub period_end: Option<String>,
}

/// Balance facts from one bank-statement page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BankStatement {
    /// Page it was read from.
    pub page: u32,
    /// `ENDING_BALANCE` as read.
    pub ending_balance: Option<String>,
    /// The same in cents, when it parses as an amount.
    pub ending_balance_cents: Option<i64>,
    /// `STATEMENT_PERIOD_START_DATE` as read.
    pub period_start: Option<String>,
    /// `STATEMENT_PERIOD_END_DATE` as read.
    pub period_end: Option<String>,
}

/// The facts extracted from a package, stored on the document item and returned by
/// `GET …/documents/{documentId}`. Values stay strings as read (dates on these forms come in
/// many layouts and the underwriter wants to see what the page says); amounts are also given in
/// cents where they parse, for sorting and sums.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtractedData {
    /// Borrower from the first 1003 page that names one.
    pub borrower: Option<Borrower>,
    /// One entry per W-2 page with any of the fields.
    pub w2: Vec<W2>,
    /// One entry per payslip page with any of the fields.
    pub payslips: Vec<Payslip>,
    /// One entry per bank-statement page with any of the fields.
    pub bank_statements: Vec<BankStatement>,
}

/// Field types read from the pages.
mod fields {
    pub const BORROWER_NAME: &str = "BORROWER_NAME";
    pub const BORROWER_FIRST_NAME: &str = "BORROWER_FIRST_NAME";
    pub const BORROWER_LAST_NAME: &str = "BORROWER_LAST_NAME";
    pub const EMPLOYEE_NAME: &str = "EMPLOYEE_NAME";
    pub const TAX_YEAR: &str = "TAX_YEAR";
    pub const WAGES: &str = "WAGES_TIPS_OTHER_COMPENSATION";
    pub const GROSS_PAY: &str = "GROSS_PAY_THIS_PERIOD";
    pub const PAY_PERIOD_START: &str = "PAY_PERIOD_START_DATE";
    pub const PAY_PERIOD_END: &str = "PAY_PERIOD_END_DATE";
    pub const ENDING_BALANCE: &str = "ENDING_BALANCE";
    pub const STATEMENT_START: &str = "STATEMENT_PERIOD_START_DATE";
    pub const STATEMENT_END: &str = "STATEMENT_PERIOD_END_DATE";
}

/// Page/document type comparison; case-insensitive, and `URLA_1003` is accepted for `1003` so a
/// differently spelled classifier (or emulator) does not silently drop the application form.
fn is_type(actual: &str, expected: &str) -> bool {
    let actual = actual.trim();
    actual.eq_ignore_ascii_case(expected)
        || (expected == page_types::URLA_1003 && actual.eq_ignore_ascii_case("URLA_1003"))
}

impl LendingPage {
    /// The most confident non-empty value of a field type on this page. Textract may report a
    /// field several times (e.g. once per detected location); the best reading wins.
    pub fn field(&self, field_type: &str) -> Option<&str> {
        self.fields
            .iter()
            .filter(|(t, v, _)| t.eq_ignore_ascii_case(field_type) && !v.trim().is_empty())
            .max_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(_, v, _)| v.trim())
    }

    fn owned(&self, field_type: &str) -> Option<String> {
        self.field(field_type).map(str::to_owned)
    }
}

/// Extracts the headline facts from classified pages, in page order.
pub fn extract(pages: &[LendingPage]) -> ExtractedData {
    use fields::*;
    let mut sorted: Vec<&LendingPage> = pages.iter().collect();
    sorted.sort_by_key(|p| p.page);
    let mut data = ExtractedData::default();
    for page in sorted {
        let t = page.page_type.as_str();
        if is_type(t, page_types::URLA_1003) {
            if data.borrower.is_none() {
                data.borrower = borrower(page);
            }
        } else if is_type(t, page_types::W2) {
            let wages = page.owned(WAGES);
            let entry = W2 {
                page: page.page,
                employee_name: page.owned(EMPLOYEE_NAME),
                tax_year: page.owned(TAX_YEAR),
                wages_cents: wages.as_deref().and_then(parse_money_cents),
                wages,
            };
            if entry.employee_name.is_some() || entry.tax_year.is_some() || entry.wages.is_some() {
                data.w2.push(entry);
            }
        } else if is_type(t, page_types::PAYSLIPS) {
            let gross = page.owned(GROSS_PAY);
            let entry = Payslip {
                page: page.page,
                gross_pay_cents: gross.as_deref().and_then(parse_money_cents),
                gross_pay: gross,
                period_start: page.owned(PAY_PERIOD_START),
                period_end: page.owned(PAY_PERIOD_END),
            };
            if entry.gross_pay.is_some()
                || entry.period_start.is_some()
                || entry.period_end.is_some()
            {
                data.payslips.push(entry);
            }
        } else if is_type(t, page_types::BANK_STATEMENT) {
            let balance = page.owned(ENDING_BALANCE);
            let entry = BankStatement {
                page: page.page,
                ending_balance_cents: balance.as_deref().and_then(parse_money_cents),
                ending_balance: balance,
                period_start: page.owned(STATEMENT_START),
                period_end: page.owned(STATEMENT_END),
            };
            if entry.ending_balance.is_some()
                || entry.period_start.is_some()
                || entry.period_end.is_some()
            {
                data.bank_statements.push(entry);
            }
        }
    }
    data
}

fn borrower(page: &LendingPage) -> Option<Borrower> {
    use fields::*;
    let first_name = page.owned(BORROWER_FIRST_NAME);
    let last_name = page.owned(BORROWER_LAST_NAME);
    let name = page
        .owned(BORROWER_NAME)
        .or_else(|| match (&first_name, &last_name) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (Some(only), None) | (None, Some(only)) => Some(only.clone()),
            (None, None) => None,
        })?;
    Some(Borrower {
        name,
        first_name,
        last_name,
        page: page.page,
    })
}

/// Parses an amount as printed on US forms into cents: `$1,234.56`, `1234.5`, `(1,234.56)` and
/// `-$12` are accepted; more than two decimals, misplaced thousands separators or anything else
/// yields `None` (the string is kept anyway, so nothing is lost by refusing to guess).
pub fn parse_money_cents(s: &str) -> Option<i64> {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let (mut negative, inner) = match compact.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inner) => (true, inner),
        None => (false, compact.as_str()),
    };
    // At most one sign and one currency marker, in either order ("-$12", "$-12").
    let (mut t, mut sign, mut currency) = (inner, false, false);
    for _ in 0..2 {
        if !sign {
            if let Some(rest) = t.strip_prefix('-') {
                (t, sign) = (rest, true);
                continue;
            }
        }
        if !currency {
            if let Some(rest) = t.strip_prefix("USD").or_else(|| t.strip_prefix('$')) {
                (t, currency) = (rest, true);
                continue;
            }
        }
    }
    if sign && negative {
        return None; // "(-12)" is not a way anyone writes an amount.
    }
    negative |= sign;
    let (int_part, frac_part) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t, ""),
    };
    if int_part.is_empty() || frac_part.len() > 2 || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    // Thousands separators must group by three: "1,234" yes, "1,23" no (likely a decimal comma).
    let groups: Vec<&str> = int_part.split(',').collect();
    let grouping_ok = groups
        .iter()
        .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        && groups.iter().skip(1).all(|g| g.len() == 3)
        && (groups.len() == 1 || groups[0].len() <= 3);
    if !grouping_ok {
        return None;
    }
    let whole: i64 = groups.concat().parse().ok()?;
    let frac: i64 = match frac_part.len() {
        0 => 0,
        1 => frac_part.parse::<i64>().ok()? * 10,
        _ => frac_part.parse().ok()?,
    };
    let cents = whole.checked_mul(100)?.checked_add(frac)?;
    Some(if negative { -cents } else { cents })
}

/// Checklist items not satisfied by the package, in the order configured.
///
/// PROOF_OF_INCOME is satisfied by a W-2 or payslips; IDENTITY_DOCUMENT by an identity document
/// in the package *or* an approved identity verification (the applicant already proved it).
pub fn missing_required(
    groups: &[DocumentGroup],
    identity_verified: bool,
    required: &[ChecklistItem],
) -> Vec<ChecklistItem> {
    let has = |ty: &str| groups.iter().any(|g| is_type(&g.doc_type, ty));
    let mut missing: Vec<ChecklistItem> = Vec::new();
    for item in required {
        let satisfied = match item {
            ChecklistItem::Urla1003 => has(page_types::URLA_1003),
            ChecklistItem::ProofOfIncome => has(page_types::W2) || has(page_types::PAYSLIPS),
            ChecklistItem::BankStatement => has(page_types::BANK_STATEMENT),
            ChecklistItem::IdentityDocument => {
                identity_verified || has(page_types::IDENTITY_DOCUMENT)
            }
        };
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
    /// The 1003 names someone other than the verified identity-document holder.
    BorrowerNameMismatch,
}

impl fmt::Display for DocumentFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DocumentFlag::BorrowerNameMismatch => "BORROWER_NAME_MISMATCH",
        })
    }
}

/// Flags for the extracted data. `verified_name` is `(given, family)` from an approved identity
/// verification; without it (or without a borrower on a 1003) there is nothing to compare.
///
/// Matching accepts "Given Family", "Family, Given" and omitted middle names, so only a
/// genuinely different person is flagged.
pub fn flags(extracted: &ExtractedData, verified_name: Option<(&str, &str)>) -> Vec<DocumentFlag> {
    let mut out = Vec::new();
    if let (Some(borrower), Some((given, family))) = (&extracted.borrower, verified_name) {
        let by_full = full_name_matches(&borrower.name, given, family);
        let by_parts = match (&borrower.first_name, &borrower.last_name) {
            (Some(first), Some(last)) => {
                full_name_matches(&format!("{first} {last}"), given, family)
            }
            _ => false,
        };
        if !by_full && !by_parts {
            out.push(DocumentFlag::BorrowerNameMismatch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: u32, ty: &str, fields: &[(&str, &str, f32)]) -> LendingPage {
        LendingPage {
            page: n,
            page_type: ty.to_owned(),
            fields: fields
                .iter()
                .map(|(t, v, c)| ((*t).to_owned(), (*v).to_owned(), *c))
                .collect(),
        }
    }

    fn group(ty: &str) -> DocumentGroup {
        DocumentGroup {
            doc_type: ty.to_owned(),
            pages: vec![1],
            signatures_found: vec![],
            signatures_missing: vec![],
        }
    }

    #[test]
    fn job_statuses() {
        let cases = [
            ("IN_PROGRESS", Some(JobStatus::InProgress)),
            ("succeeded", Some(JobStatus::Succeeded)),
            (" Partial_Success ", Some(JobStatus::PartialSuccess)),
            ("FAILED", Some(JobStatus::Failed)),
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
            doc_type: "W2".to_owned(),
            pages: vec![2, 3],
            signatures_found: vec![3],
            signatures_missing: vec![],
        };
        assert_eq!(
            serde_json::to_value(&g).unwrap(),
            serde_json::json!({"type":"W2","pages":[2,3],"signaturesFound":[3],"signaturesMissing":[]})
        );
    }

    #[test]
    fn extraction() {
        let pages = vec![
            page(
                4,
                "BANK_STATEMENT",
                &[
                    ("ENDING_BALANCE", "$12,345.67", 97.0),
                    ("STATEMENT_PERIOD_START_DATE", "01/01/2025", 96.0),
                    ("STATEMENT_PERIOD_END_DATE", "01/31/2025", 96.0),
                ],
            ),
            page(
                1,
                "1003",
                &[
                    ("BORROWER_FIRST_NAME", "Anna", 99.0),
                    ("BORROWER_LAST_NAME", "Eriksson", 99.0),
                ],
            ),
            page(2, "1003", &[("BORROWER_NAME", "Someone Else", 99.0)]),
            page(
                3,
                "W2",
                &[
                    ("EMPLOYEE_NAME", "ANNA ERIKSSON", 98.0),
                    ("TAX_YEAR", "2024", 99.0),
                    ("WAGES_TIPS_OTHER_COMPENSATION", "52000", 60.0),
                    ("WAGES_TIPS_OTHER_COMPENSATION", "52,000.00", 95.0),
                    ("WAGES_TIPS_OTHER_COMPENSATION", "", 99.0),
                ],
            ),
            page(
                5,
                "PAYSLIPS",
                &[
                    ("GROSS_PAY_THIS_PERIOD", "4,333.33", 97.0),
                    ("PAY_PERIOD_START_DATE", "2025-01-01", 97.0),
                    ("PAY_PERIOD_END_DATE", "2025-01-31", 97.0),
                ],
            ),
            page(6, "PAYSLIPS", &[("UNRELATED", "x", 99.0)]),
            page(7, "IDENTITY_DOCUMENT", &[("FIRST_NAME", "ANNA", 99.0)]),
        ];
        let data = extract(&pages);
        assert_eq!(
            data.borrower,
            Some(Borrower {
                name: "Anna Eriksson".to_owned(),
                first_name: Some("Anna".to_owned()),
                last_name: Some("Eriksson".to_owned()),
                page: 1,
            })
        );
        assert_eq!(data.w2.len(), 1);
        assert_eq!(data.w2[0].wages.as_deref(), Some("52,000.00"));
        assert_eq!(data.w2[0].wages_cents, Some(5_200_000));
        assert_eq!(data.w2[0].tax_year.as_deref(), Some("2024"));
        assert_eq!(data.payslips.len(), 1, "page 6 has no payslip fields");
        assert_eq!(data.payslips[0].gross_pay_cents, Some(433_333));
        assert_eq!(
            data.bank_statements[0].ending_balance_cents,
            Some(1_234_567)
        );
        assert_eq!(
            data.bank_statements[0].period_end.as_deref(),
            Some("01/31/2025")
        );
        let json = serde_json::to_value(&data).unwrap();
        assert_eq!(json["bankStatements"][0]["endingBalanceCents"], 1_234_567);
        assert_eq!(json["w2"][0]["employeeName"], "ANNA ERIKSSON");
        assert_eq!(extract(&[]), ExtractedData::default());
    }

    #[test]
    fn money() {
        let cases = [
            ("$1,234.56", Some(123_456)),
            ("1234.5", Some(123_450)),
            ("1234", Some(123_400)),
            ("$ 0.07", Some(7)),
            ("(1,234.56)", Some(-123_456)),
            ("-$12", Some(-1_200)),
            ("$-12.00", Some(-1_200)),
            ("USD 1,000,000.00", Some(100_000_000)),
            ("1,23", None),
            ("1234,567.00", None),
            ("12.345", None),
            ("$", None),
            ("", None),
            ("abc", None),
            ("1.2.3", None),
            ("--5", None),
            ("(-5)", None),
            ("$$5", None),
            ("99999999999999999999", None),
        ];
        for (s, expected) in cases {
            assert_eq!(parse_money_cents(s), expected, "{s:?}");
        }
    }

    #[test]
    fn checklist() {
        use ChecklistItem::*;
        let all = ChecklistItem::ALL;
        let cases: Vec<(Vec<DocumentGroup>, bool, Vec<ChecklistItem>)> = vec![
            (vec![], false, all.to_vec()),
            (vec![], true, vec![Urla1003, ProofOfIncome, BankStatement]),
            (
                vec![
                    group("1003"),
                    group("W2"),
                    group("BANK_STATEMENT"),
                    group("IDENTITY_DOCUMENT"),
                ],
                false,
                vec![],
            ),
            (
                vec![group("1003"), group("PAYSLIPS"), group("bank_statement")],
                true,
                vec![],
            ),
            (
                vec![group("URLA_1003"), group("CHECKS")],
                false,
                vec![ProofOfIncome, BankStatement, IdentityDocument],
            ),
        ];
        for (groups, verified, expected) in cases {
            assert_eq!(
                missing_required(&groups, verified, &all),
                expected,
                "{groups:?}"
            );
        }
        assert_eq!(
            missing_required(&[], false, &[BankStatement, Urla1003, BankStatement]),
            vec![BankStatement, Urla1003]
        );
        assert!(missing_required(&[], false, &[]).is_empty());
    }

    #[test]
    fn borrower_name_flag() {
        let with_borrower = |name: &str, first: Option<&str>, last: Option<&str>| ExtractedData {
            borrower: Some(Borrower {
                name: name.to_owned(),
                first_name: first.map(str::to_owned),
                last_name: last.map(str::to_owned),
                page: 1,
            }),
            ..ExtractedData::default()
        };
        let verified = Some(("ANNA MARIA", "ERIKSSON"));
        let cases = [
            (
                with_borrower("Anna Maria Eriksson", None, None),
                verified,
                vec![],
            ),
            (
                with_borrower("Eriksson, Anna", None, None),
                verified,
                vec![],
            ),
            (with_borrower("Ánna Eriksson", None, None), verified, vec![]),
            (
                with_borrower("Anna M. Eriksson", None, None),
                verified,
                vec![],
            ),
            (
                with_borrower("Anna Q. Eriksson", None, None),
                verified,
                vec![DocumentFlag::BorrowerNameMismatch],
            ),
            (
                with_borrower("Anna Eriksson", Some("Anna"), Some("Eriksson")),
                verified,
                vec![],
            ),
            (
                with_borrower("John Smith", None, None),
                verified,
                vec![DocumentFlag::BorrowerNameMismatch],
            ),
            (with_borrower("John Smith", None, None), None, vec![]),
            (ExtractedData::default(), verified, vec![]),
        ];
        for (data, verified, expected) in cases {
            assert_eq!(flags(&data, verified), expected, "{data:?}");
        }
        assert_eq!(
            DocumentFlag::BorrowerNameMismatch.to_string(),
            "BORROWER_NAME_MISMATCH"
        );
    }
}
