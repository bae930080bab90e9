//! The DynamoDB items of one application (single-table design; see `handlers/README.md`).
//!
//! Items are plain serde structs converted with `serde_dynamo`, so the attribute names are the
//! camelCase field names below, and `ownerSub`/`createdAt`/`textractJobId` feed the GSIs.
//!
//! The keys (`pk`, `sk`) are built here and in [`crate::store::Store`] only: a new item comes from
//! its constructor below, given the ids, so the handlers never spell a key.

use std::collections::BTreeMap;

use lendverify_core::applicant::Applicant;
use lendverify_core::config::Thresholds;
use lendverify_core::identity::{
    mask_document_number, Decision, DocumentKind, IdDocument, IdentityOutcome, ReasonCode,
};
use lendverify_core::lending::{DocumentGroup, DocumentStatus, ExtractedData};
use lendverify_core::liveness::LivenessStatus;
use lendverify_core::uploads::{UploadPurpose, UploadRequest};
use serde::{Deserialize, Serialize};

use crate::objects::S3Location;

/// The partition of one application's items.
pub const APPLICATION_PK_PREFIX: &str = "APP#";

pub fn application_pk(application_id: &str) -> String {
    format!("{APPLICATION_PK_PREFIX}{application_id}")
}

pub const APPLICATION_SK: &str = "APPLICATION";
pub const LIVENESS_PREFIX: &str = "LIVENESS#";
pub const UPLOAD_PREFIX: &str = "UPLOAD#";
pub const VERIFICATION_PREFIX: &str = "IDV#";
pub const DOCUMENT_PREFIX: &str = "DOC#";
pub const ATTEMPT_PREFIX: &str = "ATTEMPT#";
pub const REVIEW_PREFIX: &str = "REVIEW#";

/// The one value of `review_queue`: the sparse GSI `review-index` holds exactly the
/// verifications that carry it, the NEEDS_REVIEW decisions no reviewer has decided yet.
pub const REVIEW_QUEUE: &str = "NEEDS_REVIEW";

pub const LIVENESS_FAILURE_PREFIX: &str = "LIVENESS_FAILURE#";
pub const LIVENESS_LOCKOUT_PREFIX: &str = "LIVENESS_LOCKOUT#";

/// Applicant-level records (liveness failures and lockouts: the lockout is per applicant, not
/// per application) live under the applicant's `sub`.
pub fn applicant_pk(sub: &str) -> String {
    format!("APPLICANT#{sub}")
}

pub fn attempt_sk(verification_id: &str) -> String {
    format!("{ATTEMPT_PREFIX}{verification_id}")
}

pub fn review_sk(verification_id: &str) -> String {
    format!("{REVIEW_PREFIX}{verification_id}")
}

pub const IDEMPOTENCY_SK: &str = "IDEMPOTENCY";
pub const ERASURE_SK: &str = "ERASURE";

pub fn idempotency_pk(owner_sub: &str, key: &str) -> String {
    format!("IDEMPOTENCY#{owner_sub}#{key}")
}

pub fn liveness_sk(session_id: &str) -> String {
    format!("{LIVENESS_PREFIX}{session_id}")
}

pub fn upload_sk(upload_id: &str) -> String {
    format!("{UPLOAD_PREFIX}{upload_id}")
}

pub fn verification_sk(verification_id: &str) -> String {
    format!("{VERIFICATION_PREFIX}{verification_id}")
}

/// Verification ids derive from what one attempt compares: the liveness session whose reference
/// image is used and the ID uploads. Racing or repeated submissions of the same attempt (two tabs,
/// a retry after a lost response) therefore name the same item, whose conditional write lets only
/// one decision in; other uploads or a new liveness session are a new attempt with a new id.
const VERIFICATION_ID_NAMESPACE: uuid::Uuid = uuid::uuid!("6a95b0f0-e14c-4836-85b3-336b1c6780ae");

/// One identity verification attempt: the passed liveness session whose reference image is
/// compared with the ID uploads (lower-case ids, as the API parses them).
#[derive(Clone, Copy, Debug)]
pub struct VerificationAttempt<'a> {
    pub liveness: &'a LivenessItem,
    pub id_front_upload_id: &'a str,
    pub id_back_upload_id: Option<&'a str>,
}

impl VerificationAttempt<'_> {
    /// The id of this attempt's one verification.
    pub fn verification_id(&self) -> String {
        // Every id is a UUID, so '/' cannot occur inside one, and "no back" stays distinct.
        let attempt = format!(
            "{}/{}/{}",
            self.liveness.session_id,
            self.id_front_upload_id,
            self.id_back_upload_id.unwrap_or("")
        );
        uuid::Uuid::new_v5(&VERIFICATION_ID_NAMESPACE, attempt.as_bytes()).to_string()
    }
}

pub fn document_sk(document_id: &str) -> String {
    format!("{DOCUMENT_PREFIX}{document_id}")
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

impl ApplicationItem {
    /// A new application, without consent yet.
    pub fn new(
        application_id: String,
        owner_sub: String,
        created_at: String,
        applicant: Option<Applicant>,
        idempotency_key: Option<String>,
    ) -> Self {
        Self {
            pk: application_pk(&application_id),
            sk: APPLICATION_SK.into(),
            application_id,
            owner_sub,
            created_at,
            applicant,
            idempotency_key,
            consent: None,
        }
    }
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

impl IdempotencyItem {
    pub fn new(owner_sub: &str, key: &str, application_id: String, expires_at: i64) -> Self {
        Self {
            pk: idempotency_pk(owner_sub, key),
            sk: IDEMPOTENCY_SK.into(),
            application_id,
            expires_at,
        }
    }
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
    /// The S3 version of the reference image Rekognition wrote (what identity compares).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_image_version: Option<String>,
    #[serde(default)]
    pub audit_image_keys: Vec<String>,
}

impl LivenessItem {
    /// A session just opened: nothing decided yet.
    pub fn in_progress(application_id: String, session_id: String, created_at: String) -> Self {
        Self {
            pk: application_pk(&application_id),
            sk: liveness_sk(&session_id),
            application_id,
            session_id,
            status: LivenessStatus::InProgress,
            created_at,
            decided_at: None,
            confidence: None,
            pass_threshold: None,
            review_band: None,
            reference_image_key: None,
            reference_image_version: None,
            audit_image_keys: Vec::new(),
        }
    }
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

impl UploadItem {
    /// An upload a URL was just issued for, at `location`.
    pub fn new(
        application_id: String,
        upload_id: String,
        request: UploadRequest,
        location: S3Location,
        created_at: String,
    ) -> Self {
        Self {
            pk: application_pk(&application_id),
            sk: upload_sk(&upload_id),
            application_id,
            upload_id,
            purpose: request.purpose,
            content_type: request.content_type,
            content_length: request.content_length,
            bucket: location.bucket,
            key: location.key,
            created_at,
            rejected: None,
        }
    }

    /// Where the upload's bytes are.
    pub fn location(&self) -> S3Location {
        S3Location::latest(self.bucket.clone(), self.key.clone())
    }
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

impl DocumentSummary {
    /// What is kept of the document the decision read: the number masked.
    pub fn of(document: &IdDocument) -> Self {
        Self {
            document_type: match document.kind {
                DocumentKind::Passport => "PASSPORT",
                DocumentKind::DriverLicense => "DRIVER_LICENSE",
                DocumentKind::Other => "OTHER",
            }
            .into(),
            given_name: document.given_name.as_ref().map(|f| f.value.clone()),
            family_name: document.family_name.as_ref().map(|f| f.value.clone()),
            date_of_birth: document.date_of_birth.map(|(d, _)| d.to_string()),
            document_number_masked: document
                .document_number
                .as_ref()
                .map(|f| mask_document_number(&f.value)),
            expires_on: document.expires_on.map(|(d, _)| d.to_string()),
        }
    }
}

/// One identity decision, with everything an auditor or reviewer needs to judge it again: the
/// scores, every threshold in force, the per-field confidences and the model versions the
/// services reported.
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
    /// The ID uploads the decision read (a reviewer sees their images).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_front_upload_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_back_upload_id: Option<String>,
    pub created_at: String,
    /// [`REVIEW_QUEUE`] while a NEEDS_REVIEW decision waits for a reviewer (the hash key of the
    /// sparse GSI `review-index`); removed by the review decision.
    #[serde(
        default,
        rename = "review_queue",
        skip_serializing_if = "Option::is_none"
    )]
    pub review_queue: Option<String>,
    /// When the decision joined the queue (RFC 3339; the range key of `review-index`, so the
    /// queue reads oldest first). Kept after the review, as history.
    #[serde(default, rename = "queued_at", skip_serializing_if = "Option::is_none")]
    pub queued_at: Option<String>,
    /// Every threshold in force when the decision was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<Thresholds>,
    /// The liveness session's confidence and the thresholds that judged it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_confidence: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_pass_threshold: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_review_band: Option<f32>,
    /// AnalyzeID's confidence in each field the decision read (`givenName`, `familyName`,
    /// `dateOfBirth`, `expiresOn`, `documentNumber`).
    #[serde(default)]
    pub field_confidences: BTreeMap<String, f32>,
    /// The model versions the responses reported, by their response field name
    /// (`AnalyzeIDModelVersion`).
    #[serde(default)]
    pub model_versions: BTreeMap<String, String>,
    /// The S3 version of each object the decision read (`idFront`, `idBack`,
    /// `livenessReference`), as passed to Rekognition and Textract: the evidence of the decision
    /// is exactly these versions, whatever was written to the keys later.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub object_versions: BTreeMap<String, String>,
}

/// AnalyzeID's confidence in each field the decision read.
fn field_confidences(document: &IdDocument) -> BTreeMap<String, f32> {
    [
        (
            "givenName",
            document.given_name.as_ref().map(|f| f.confidence),
        ),
        (
            "familyName",
            document.family_name.as_ref().map(|f| f.confidence),
        ),
        ("dateOfBirth", document.date_of_birth.map(|(_, c)| c)),
        ("expiresOn", document.expires_on.map(|(_, c)| c)),
        (
            "documentNumber",
            document.document_number.as_ref().map(|f| f.confidence),
        ),
    ]
    .into_iter()
    .filter_map(|(name, confidence)| Some((name.to_string(), confidence?)))
    .collect()
}

/// The evidence of one identity decision besides the document: what CompareFaces found, the
/// thresholds that judged it and the model versions the services reported.
#[derive(Clone, Debug)]
pub struct DecisionEvidence<'a> {
    pub similarity: Option<f32>,
    pub thresholds: &'a Thresholds,
    pub model_versions: BTreeMap<String, String>,
    pub object_versions: BTreeMap<String, String>,
}

impl VerificationItem {
    /// The decision of `attempt`, under the attempt's verification id. A NEEDS_REVIEW decision
    /// joins the review queue at `created_at`.
    pub fn new(
        attempt: &VerificationAttempt,
        outcome: IdentityOutcome,
        document: &IdDocument,
        evidence: DecisionEvidence,
        created_at: String,
    ) -> Self {
        let (liveness, verification_id) = (attempt.liveness, attempt.verification_id());
        let queued = outcome.decision == Decision::NeedsReview;
        Self {
            pk: application_pk(&liveness.application_id),
            sk: verification_sk(&verification_id),
            application_id: liveness.application_id.clone(),
            verification_id,
            decision: outcome.decision,
            reasons: outcome.reasons,
            document: DocumentSummary::of(document),
            similarity: evidence.similarity,
            similarity_threshold: evidence.thresholds.face_similarity,
            liveness_session_id: liveness.session_id.clone(),
            id_front_upload_id: Some(attempt.id_front_upload_id.to_string()),
            id_back_upload_id: attempt.id_back_upload_id.map(str::to_string),
            review_queue: queued.then(|| REVIEW_QUEUE.to_string()),
            queued_at: queued.then(|| created_at.clone()),
            created_at,
            thresholds: Some(*evidence.thresholds),
            liveness_confidence: liveness.confidence,
            liveness_pass_threshold: liveness.pass_threshold,
            liveness_review_band: liveness.review_band,
            field_confidences: field_confidences(document),
            model_versions: evidence.model_versions,
            object_versions: evidence.object_versions,
        }
    }
}

/// One identity verification attempt that reached Rekognition and Textract, counted against
/// the attempt cap (`IDENTITY_MAX_ATTEMPTS`). Written once per attempt, before the analysis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptItem {
    pub pk: String,
    pub sk: String,
    pub application_id: String,
    pub verification_id: String,
    pub started_at: String,
}

impl AttemptItem {
    pub fn new(attempt: &VerificationAttempt, started_at: String) -> Self {
        let verification_id = attempt.verification_id();
        Self {
            pk: application_pk(&attempt.liveness.application_id),
            sk: attempt_sk(&verification_id),
            application_id: attempt.liveness.application_id.clone(),
            verification_id,
            started_at,
        }
    }
}

/// A reviewer's decision on a NEEDS_REVIEW verification. Only the first one is ever written
/// ([`crate::store::Store::review_decided`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewItem {
    pub pk: String,
    pub sk: String,
    pub application_id: String,
    pub verification_id: String,
    pub reviewer_sub: String,
    pub decision: lendverify_core::review::ReviewDecision,
    pub reason_codes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub decided_at: String,
}

impl ReviewItem {
    pub fn new(
        verification: &VerificationItem,
        reviewer_sub: String,
        decision: lendverify_core::review::ReviewDecision,
        reason_codes: Vec<String>,
        note: Option<String>,
        decided_at: String,
    ) -> Self {
        Self {
            pk: application_pk(&verification.application_id),
            sk: review_sk(&verification.verification_id),
            application_id: verification.application_id.clone(),
            verification_id: verification.verification_id.clone(),
            reviewer_sub,
            decision,
            reason_codes,
            note,
            decided_at,
        }
    }

    /// Whether `other` is this decision again (the same reviewer, verdict, reasons and note): a
    /// retry of the request that wrote it, not a second decision.
    pub fn repeats(&self, other: &ReviewItem) -> bool {
        (
            &self.verification_id,
            &self.reviewer_sub,
            self.decision,
            &self.reason_codes,
            &self.note,
        ) == (
            &other.verification_id,
            &other.reviewer_sub,
            other.decision,
            &other.reason_codes,
            &other.note,
        )
    }
}

/// A liveness session of the applicant that FAILED, counted by the lockout rule. Written when
/// the failure is first seen; kept (TTL `expiresAt`) a little longer than any lockout window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LivenessFailureItem {
    pub pk: String,
    pub sk: String,
    pub application_id: String,
    pub session_id: String,
    /// Epoch seconds.
    pub failed_at: i64,
    pub expires_at: i64,
}

impl LivenessFailureItem {
    pub fn new(
        owner_sub: &str,
        application_id: String,
        session_id: String,
        failed_at: i64,
        expires_at: i64,
    ) -> Self {
        Self {
            pk: applicant_pk(owner_sub),
            sk: format!("{LIVENESS_FAILURE_PREFIX}{session_id}"),
            application_id,
            session_id,
            failed_at,
            expires_at,
        }
    }
}

/// A liveness lockout of the applicant. Keyed by the failure that completed it, so every request
/// refused during one lockout names the same record and it is written once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LivenessLockoutItem {
    pub pk: String,
    pub sk: String,
    /// The application the refused request was for.
    pub application_id: String,
    /// Epoch seconds of the failure that completed the lockout.
    pub locked_at: i64,
    /// Epoch seconds at which a new session is allowed again.
    pub locked_until: i64,
    /// Failures counted within the window.
    pub failures: u32,
    pub expires_at: i64,
}

impl LivenessLockoutItem {
    pub fn new(
        owner_sub: &str,
        application_id: String,
        locked_at: i64,
        locked_until: i64,
        failures: u32,
        expires_at: i64,
    ) -> Self {
        Self {
            pk: applicant_pk(owner_sub),
            sk: format!("{LIVENESS_LOCKOUT_PREFIX}{locked_at:010}"),
            application_id,
            locked_at,
            locked_until,
            failures,
            expires_at,
        }
    }
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
    /// The S3 version of the upload Textract was given (the one that was checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_version: Option<String>,
}

impl DocumentItem {
    /// A lending document whose Textract job was just started.
    pub fn in_progress(
        application_id: String,
        document_id: String,
        upload_id: String,
        textract_job_id: String,
        created_at: String,
    ) -> Self {
        Self {
            pk: application_pk(&application_id),
            sk: document_sk(&document_id),
            application_id,
            document_id,
            upload_id,
            textract_job_id,
            status: DocumentStatus::InProgress,
            created_at,
            completed_at: None,
            status_message: None,
            document_groups: Vec::new(),
            page_classes: Vec::new(),
            extracted: None,
            upload_version: None,
        }
    }
}

/// The erasure tombstone of an application (`DELETE /applications/{applicationId}`), under the
/// application's own key (`APP#{id}` / `ERASURE`), so the query every handler starts with sees
/// it. Written first, with the `erasure.requested` event in one transaction; from then on every
/// state change of the application is refused (each carries a condition that this item does not
/// exist: [`crate::store::Store`]), and the application answers 404 to all but its owner's
/// DELETE, which resumes an interrupted erasure. What remains afterwards: who asked, when, how
/// much was removed, and where the decided application's evidence went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErasureItem {
    pub pk: String,
    pub sk: String,
    pub application_id: String,
    pub erased_at: String,
    /// The owner's `sub`, who asked (only the owner erases, and only the owner may resume).
    /// With `created_at`, it keeps the erased application in the GSI `owner-index`, so it still
    /// counts against the owner's `APPLICATIONS_PER_DAY`: erasing does not buy a new application.
    pub owner_sub: String,
    /// When the erased application was created.
    pub created_at: String,
    pub state: ErasureState,
    #[serde(default)]
    pub objects_deleted: u32,
    #[serde(default)]
    pub items_deleted: u32,
    /// The evidence bucket's keys of what was kept (a decided application only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence_keys: Vec<String>,
    /// [`SWEEP_QUEUE`] until the late-write sweep ran (the hash key of the sparse GSI
    /// `sweep-index`).
    #[serde(
        default,
        rename = "sweep_queue",
        skip_serializing_if = "Option::is_none"
    )]
    pub sweep_queue: Option<String>,
    /// When the sweep is due (RFC 3339; the range key of `sweep-index`): after the longest an
    /// upload URL, a liveness session or a Textract job started before the erasure may still
    /// write under the application's prefixes.
    #[serde(default, rename = "sweep_at", skip_serializing_if = "Option::is_none")]
    pub sweep_at: Option<String>,
    /// When the sweep ran, and what it still found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swept_at: Option<String>,
    #[serde(default)]
    pub late_objects_deleted: u32,
    #[serde(default)]
    pub late_items_deleted: u32,
}

/// Where an erasure is: the tombstone is written `ERASING`, and becomes `ERASED` once every copy
/// the erasure can reach is gone (the sweep follows later).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErasureState {
    Erasing,
    Erased,
}

/// The one value of `sweep_queue`: the sparse GSI `sweep-index` holds exactly the erasures whose
/// late-write sweep has not run.
pub const SWEEP_QUEUE: &str = "PENDING";

impl ErasureItem {
    /// The tombstone of the erasure of `application`, which its owner asked for at `erased_at`.
    pub fn requested(application: &ApplicationItem, erased_at: String) -> Self {
        let application_id = application.application_id.clone();
        Self {
            pk: application_pk(&application_id),
            sk: ERASURE_SK.into(),
            application_id,
            erased_at,
            owner_sub: application.owner_sub.clone(),
            created_at: application.created_at.clone(),
            state: ErasureState::Erasing,
            objects_deleted: 0,
            items_deleted: 0,
            evidence_keys: Vec::new(),
            sweep_queue: None,
            sweep_at: None,
            swept_at: None,
            late_objects_deleted: 0,
            late_items_deleted: 0,
        }
    }

    /// The erasure is done (the evidence keys it stored stay); the late-write sweep is due at
    /// `sweep_at`.
    #[must_use]
    pub fn erased(self, objects_deleted: u32, items_deleted: u32, sweep_at: String) -> Self {
        Self {
            state: ErasureState::Erased,
            objects_deleted,
            items_deleted,
            sweep_queue: Some(SWEEP_QUEUE.into()),
            sweep_at: Some(sweep_at),
            ..self
        }
    }

    /// The sweep ran at `swept_at`: the erasure leaves `sweep-index`.
    #[must_use]
    pub fn swept(self, swept_at: String, objects_deleted: u32, items_deleted: u32) -> Self {
        Self {
            sweep_queue: None,
            swept_at: Some(swept_at),
            late_objects_deleted: objects_deleted,
            late_items_deleted: items_deleted,
            ..self
        }
    }
}

/// Every item stored under one application's partition, sorted by kind.
#[derive(Clone, Debug, Default)]
pub struct ApplicationItems {
    pub application: Option<ApplicationItem>,
    pub liveness: Vec<LivenessItem>,
    pub uploads: Vec<UploadItem>,
    pub verifications: Vec<VerificationItem>,
    pub documents: Vec<DocumentItem>,
    /// Identity attempts that reached the analysis (the attempt cap counts them).
    pub attempts: Vec<AttemptItem>,
    /// Reviewer decisions, at most one per verification.
    pub reviews: Vec<ReviewItem>,
    /// The erasure tombstone: the application is being (or was) erased.
    pub erasure: Option<ErasureItem>,
    /// Every (pk, sk) read, for erasure (the tombstone's is not among them).
    pub keys: Vec<(String, String)>,
}

impl ApplicationItems {
    /// The verification stored under `verification_id`, if any.
    pub fn verification(&self, verification_id: &str) -> Option<&VerificationItem> {
        self.verifications
            .iter()
            .find(|v| v.verification_id == verification_id)
    }

    /// The most recent verification (ids sort by time only by accident, so compare timestamps).
    pub fn latest_verification(&self) -> Option<&VerificationItem> {
        self.verifications
            .iter()
            .max_by(|a, b| a.created_at.cmp(&b.created_at))
    }

    /// The reviewer's decision on a verification, if it was reviewed.
    pub fn review_of(&self, verification_id: &str) -> Option<&ReviewItem> {
        self.reviews
            .iter()
            .find(|r| r.verification_id == verification_id)
    }

    /// The most recent liveness session.
    pub fn latest_liveness(&self) -> Option<&LivenessItem> {
        self.liveness
            .iter()
            .max_by(|a, b| a.created_at.cmp(&b.created_at))
    }

    /// Whether a Textract lending analysis of the application is still running: its output
    /// would land under the application's prefix after an erasure (`409 analysis-running`).
    pub fn analysis_running(&self) -> bool {
        self.documents
            .iter()
            .any(|d| d.status == DocumentStatus::InProgress)
    }

    /// What a decided application's evidence is made of: for each identity decision, the ID
    /// images and the liveness reference at the versions the decision read, and the session's
    /// audit images. Empty without an identity decision (then nothing is kept).
    pub fn evidence_objects(&self, biometrics_bucket: &str) -> Vec<S3Location> {
        let mut objects = Vec::new();
        for verification in &self.verifications {
            let versions = &verification.object_versions;
            let uploads = [
                (&verification.id_front_upload_id, "idFront"),
                (&verification.id_back_upload_id, "idBack"),
            ];
            for (upload_id, role) in uploads {
                let Some(upload) = upload_id
                    .as_deref()
                    .and_then(|id| self.uploads.iter().find(|u| u.upload_id == id))
                else {
                    continue;
                };
                objects.push(S3Location {
                    version: versions.get(role).cloned(),
                    ..upload.location()
                });
            }
            let Some(liveness) = self
                .liveness
                .iter()
                .find(|l| l.session_id == verification.liveness_session_id)
            else {
                continue;
            };
            if let Some(key) = &liveness.reference_image_key {
                objects.push(S3Location {
                    bucket: biometrics_bucket.to_string(),
                    key: key.clone(),
                    version: versions
                        .get("livenessReference")
                        .or(liveness.reference_image_version.as_ref())
                        .cloned(),
                });
            }
            for key in &liveness.audit_image_keys {
                objects.push(S3Location::latest(biometrics_bucket, key.clone()));
            }
        }
        // Two decisions on the same images keep one copy.
        let mut unique: Vec<S3Location> = Vec::with_capacity(objects.len());
        for object in objects {
            if !unique.contains(&object) {
                unique.push(object);
            }
        }
        unique
    }

    /// The most recent PASSED liveness session, whose reference image identity verification uses.
    pub fn passed_liveness(&self) -> Option<&LivenessItem> {
        self.liveness
            .iter()
            .filter(|l| l.status == LivenessStatus::Passed)
            .max_by(|a, b| a.created_at.cmp(&b.created_at))
    }
}
