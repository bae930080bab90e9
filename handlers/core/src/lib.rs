//! LendVerify's domain, in plain Rust.
//!
//! This crate holds every rule that decides something about an applicant: request validation,
//! the liveness and identity decisions, MRZ checking, the lending-document checklist, and the
//! mapping of failures to `application/problem+json`. It deliberately knows nothing about AWS:
//! the adapters (`lendverify-aws`) translate SDK types into the plain structs defined here, so
//! the rules can be tested exhaustively and quickly without mocks, and an SDK upgrade can never
//! silently change a decision.

// Every public item documents why it exists: the adapters are written against this API.
#![warn(missing_docs)]

pub mod applicant;
pub mod application;
pub mod attempts;
pub mod audit;
pub mod config;
pub mod content;
pub mod error;
pub mod identity;
pub mod ids;
pub mod lending;
pub mod liveness;
pub mod mrz;
pub mod names;
pub mod printed;
pub mod quotas;
pub mod review;
pub mod uploads;
pub mod webhook;

mod date_format;

pub use applicant::Applicant;
pub use application::{
    derive_status, parse_create_request, parse_create_request_at, validate_idempotency_key,
    ApplicationStatus,
};
pub use config::{require, ChecklistItem, ConfigError, Settings, Thresholds};
pub use error::{ApiError, FieldError, UploadProblem, PROBLEM_CONTENT_TYPE};
pub use identity::{
    age_on, decide_identity, mask_document_number, Decision, DocumentKind, ExtractedField,
    FaceComparison, IdDocument, IdentityInput, IdentityOutcome, ReasonCode,
};
pub use ids::{is_uuid, parse_body_id, parse_path_id, validate_id};
pub use lending::{
    extract, flags, missing_required, parse_job_status, parse_start_document_request, satisfied_by,
    BankStatement, DocumentFlag, DocumentGroup, DocumentStatus, ExtractedData, Field, JobStatus,
    LendingPage, Payslip, Reading, StartDocumentRequest, W2,
};
pub use liveness::{decide_liveness, LivenessStatus, SessionState};
pub use mrz::{check_digit, parse_mrz, Mrz, MrzError, MrzFormat};
pub use names::{full_name_matches, given_names_compatible, names_match, normalize_name};
pub use printed::{parse_amount, parse_date, Amount};
pub use quotas::{Quota, QuotaExceeded, Quotas};
pub use uploads::{parse_upload_request, UploadPurpose, UploadRequest};
