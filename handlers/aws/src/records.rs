//! The DynamoDB items of one application (single-table design; see `handlers/README.md`).
//!
//! Items are plain serde structs converted with `serde_dynamo`, so the attribute names are the
//! camelCase field names below, and `ownerSub`/`createdAt`/`textractJobId` feed the GSIs.

use lendverify_core::applicant::Applicant;
use lendverify_core::identity::{Decision, ReasonCode};
use lendverify_core::lending::{DocumentGroup, DocumentStatus, ExtractedData};
use lendverify_core::liveness::LivenessStatus;
use lendverify_core::uploads::UploadPurpose;
use serde::{Deserialize, Serialize};

pub fn application_pk(application_id: &str) -> String {
    format!("APP#{application_id}")
}

pub const APPLICATION_SK: &str = "APPLICATION";
pub const LIVENESS_PREFIX: &str = "LIVENESS#";
pub const UPLOAD_PREFIX: &str = "UPLOAD#";
pub const VERIFICATION_PREFIX: &str = "IDV#";
pub const DOCUMENT_PREFIX: &str = "DOC#";

pub fn idempotency_pk(owner_sub: &str, key: &str) -> String {
    format!("IDEMPOTENCY#{owner_sub}#{key}")
}

pub fn erasure_pk(application_id: &str) -> String {
    format!("ERASURE#{application_id}")
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationItem {
    pub pk: String,
    pub sk: String,
    pub application_id: String,
    pub owner_sub: String,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant: Option<Applicant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// Consent to biometric processing (`PUT .../consent`); a liveness check needs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<lendverify_core::application::Consent>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdempotencyItem {
    pub pk: String,
    pub sk: String,
    pub application_id: String,
    /// TTL attribute: keys are honoured for a day, like most payment APIs do.
    pub expires_at: i64,
}

/// The stored liveness record keeps what an auditor needs: the raw confidence and the threshold
/// that judged it. The API never returns the confidence (AWS's guidance for Face Liveness).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LivenessItem {
    pub pk: String,
    pub sk: String,
    pub application_id: String,
    pub session_id: String,
    pub status: LivenessStatus,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_threshold: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_band: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_image_key: Option<String>,
    #[serde(default)]
    pub audit_image_keys: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadItem {
    pub pk: String,
    pub sk: String,
    pub application_id: String,
    pub upload_id: String,
    pub purpose: UploadPurpose,
    pub content_type: String,
    pub content_length: u64,
    pub bucket: String,
    pub key: String,
    pub created_at: String,
    /// Set once the upload is known to be unusable (its bytes are not its declared type, or
    /// Rekognition/Textract could not read it): it is never analysed again, and naming it
    /// answers the same 422 at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected: Option<UploadRejection>,
}

/// Why an upload was rejected, as the applicant was told.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadRejection {
    pub problem: lendverify_core::UploadProblem,
    /// The sentence the 422 carried (no personal data: it names formats and limits).
    pub message: String,
    pub rejected_at: String,
}

/// What the identity decision read off the document, with the number already masked: the full
/// document number is never stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentSummary {
    #[serde(rename = "type")]
    pub document_type: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub document_number_masked: Option<String>,
    pub expires_on: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationItem {
    pub pk: String,
    pub sk: String,
    pub application_id: String,
    pub verification_id: String,
    pub decision: Decision,
    pub reasons: Vec<ReasonCode>,
    pub document: DocumentSummary,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f32>,
    pub similarity_threshold: f32,
    pub liveness_session_id: String,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageClass {
    pub page: u32,
    #[serde(rename = "type")]
    pub page_type: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentItem {
    pub pk: String,
    pub sk: String,
    pub application_id: String,
    pub document_id: String,
    pub upload_id: String,
    pub textract_job_id: String,
    pub status: DocumentStatus,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    #[serde(default)]
    pub document_groups: Vec<DocumentGroup>,
    #[serde(default)]
    pub page_classes: Vec<PageClass>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extracted: Option<ExtractedData>,
}

/// All that remains of an erased application: who asked, when, and how much was removed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErasureItem {
    pub pk: String,
    pub sk: String,
    pub application_id: String,
    pub erased_at: String,
    pub erased_by: String,
    pub objects_deleted: u32,
    pub items_deleted: u32,
}

/// Every item stored under one application's partition, sorted by kind.
#[derive(Clone, Debug, Default)]
pub struct ApplicationItems {
    pub application: Option<ApplicationItem>,
    pub liveness: Vec<LivenessItem>,
    pub uploads: Vec<UploadItem>,
    pub verifications: Vec<VerificationItem>,
    pub documents: Vec<DocumentItem>,
    /// Every (pk, sk) read, for erasure.
    pub keys: Vec<(String, String)>,
}

impl ApplicationItems {
    /// The most recent verification (ids sort by time only by accident, so compare timestamps).
    pub fn latest_verification(&self) -> Option<&VerificationItem> {
        self.verifications
            .iter()
            .max_by(|a, b| a.created_at.cmp(&b.created_at))
    }

    /// The most recent liveness session.
    pub fn latest_liveness(&self) -> Option<&LivenessItem> {
        self.liveness
            .iter()
            .max_by(|a, b| a.created_at.cmp(&b.created_at))
    }

    /// The most recent PASSED liveness session, whose reference image identity verification uses.
    pub fn passed_liveness(&self) -> Option<&LivenessItem> {
        self.liveness
            .iter()
            .filter(|l| l.status == LivenessStatus::Passed)
            .max_by(|a, b| a.created_at.cmp(&b.created_at))
    }
}
