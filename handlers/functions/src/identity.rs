//! `POST /applications/{id}/identity-verifications`: AnalyzeID on the ID, CompareFaces against the
//! liveness reference image, and the decision.

use lambda_http::{Body, Request, Response};
use lendverify_aws::objects::S3Location;
use lendverify_aws::records::{
    AttemptItem, DecisionEvidence, ReviewItem, UploadItem, VerificationAttempt, VerificationItem,
};
use lendverify_aws::AwsError;
use lendverify_core::attempts::identity_attempts;
use lendverify_core::audit::{EventDraft, EventKind};
use lendverify_core::identity::{decide_identity, Decision, IdentityInput};
use lendverify_core::ids::parse_body_id;
use lendverify_core::liveness::LivenessStatus;
use lendverify_core::review::{accept_submission, IdentityState};
use lendverify_core::uploads::UploadPurpose;
use lendverify_core::webhook::DecisionEventType;
use lendverify_core::{ApiError, UploadProblem};
use serde::Deserialize;
use serde_json::json;

use crate::access::{owned_application, passed_liveness, received_upload, unusable_uploads};
use crate::audit;
use crate::state::AppState;
use crate::web;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifyRequest {
    id_front_upload_id: String,
    #[serde(default)]
    id_back_upload_id: Option<String>,
}

/// The answer when AnalyzeID or CompareFaces failed. An unusable upload is the applicant's to fix
/// and decides the answer whatever else failed: 422 naming the ID fields concerned (AnalyzeID
/// reads front and back together and does not say which page it could not read; CompareFaces
/// reads only the front), and those uploads are marked rejected. Otherwise our error (500)
/// before a transient one (503), the other one logged.
async fn analysis_failed(
    state: &AppState,
    front: &UploadItem,
    back: Option<&UploadItem>,
    document: Option<AwsError>,
    face: Option<AwsError>,
) -> ApiError {
    let document_problem = document.as_ref().and_then(AwsError::upload_problem);
    let face_problem = face.as_ref().and_then(AwsError::upload_problem);
    if let Some(problem) = document_problem.or(face_problem) {
        let mut uploads = vec![("idFrontUploadId", front)];
        if document_problem.is_some() {
            uploads.extend(back.map(|b| ("idBackUploadId", b)));
        }
        let message = match (problem, uploads.len()) {
            (UploadProblem::TooLarge, 1) => "the image is too large to analyse; upload a smaller photo of the document",
            (UploadProblem::TooLarge, _) => "the front or back image is too large to analyse; upload smaller photos of the document",
            (_, 1) => "the image could not be read as an identity document; upload a clear PNG or JPEG photo",
            _ => "the front or back image could not be read as an identity document; upload clear PNG or JPEG photos",
        };
        return unusable_uploads(state, problem, &uploads, message).await;
    }
    let mut errors: Vec<AwsError> = document.into_iter().chain(face).collect();
    // Ours first: it pages, and a transient error beside it would hide it.
    errors.sort_by_key(AwsError::is_transient);
    let mut errors = errors.into_iter();
    let first = errors.next();
    for other in errors {
        tracing::warn!(error = %other, "a second analysis failed too");
    }
    first.map_or(ApiError::Internal, ApiError::from)
}

pub async fn verify(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let caller = web::caller(req)?;
    let body: VerifyRequest =
        serde_json::from_slice(web::json_body(req)?).map_err(|e| ApiError::from_json(&e))?;
    let front_id = parse_body_id("idFrontUploadId", &body.id_front_upload_id)?;
    let back_id = body
        .id_back_upload_id
        .as_deref()
        .map(|id| parse_body_id("idBackUploadId", id))
        .transpose()?;
    let (id, items) = owned_application(state, &caller, req).await?;

    let (liveness, reference_key) = passed_liveness(&items)?;
    let attempt = VerificationAttempt {
        liveness,
        id_front_upload_id: &front_id,
        id_back_upload_id: back_id.as_deref(),
    };
    // A repeated submission of an attempt already decided gets that decision, unpaid for, and
    // publishes its lenders' event again (the first publication may have failed).
    let verification_id = attempt.verification_id();
    if let Some(decided) = items.verification(&verification_id) {
        publish_decision(state, decided).await?;
        return web::json(200, &view(decided));
    }
    // A decision stands until a reviewer's: a new submission never replaces one (409).
    let before = audit::identity_state(&items);
    accept_submission(before)?;
    // The cap counts attempts that reached the analysis; this attempt's own earlier try (its
    // analysis failed, say throttled) is not a new one.
    let thresholds = &state.settings.thresholds;
    if !items
        .attempts
        .iter()
        .any(|a| a.verification_id == verification_id)
    {
        identity_attempts(
            u32::try_from(items.attempts.len()).unwrap_or(u32::MAX),
            thresholds.identity_max_attempts,
        )?;
    }

    let front = received_upload(
        state,
        &items,
        "idFrontUploadId",
        &front_id,
        UploadPurpose::IdFront,
    )
    .await?;
    let back = match &back_id {
        Some(back_id) => Some(
            received_upload(
                state,
                &items,
                "idBackUploadId",
                back_id,
                UploadPurpose::IdBack,
            )
            .await?,
        ),
        None => None,
    };
    let (front_location, back_location) = (
        front.location.clone(),
        back.as_ref().map(|b| b.location.clone()),
    );
    let reference = S3Location {
        bucket: state.aws.settings.biometrics_bucket.clone(),
        key: reference_key,
        version: liveness.reference_image_version.clone(),
    };
    // Exactly the versions checked and analysed, as the decision records them.
    let object_versions: std::collections::BTreeMap<String, String> = [
        ("idFront", front_location.version.clone()),
        (
            "idBack",
            back_location.as_ref().and_then(|b| b.version.clone()),
        ),
        ("livenessReference", reference.version.clone()),
    ]
    .into_iter()
    .filter_map(|(name, version)| Some((name.to_string(), version?)))
    .collect();

    state
        .aws
        .store
        .record_attempt(&AttemptItem::new(&attempt, state.timestamp()))
        .await?;
    let (document, face) = tokio::join!(
        state
            .aws
            .id_documents
            .analyze(&front_location, back_location.as_ref()),
        state.aws.faces.compare(&reference, &front_location),
    );
    let (document, face) = match (document, face) {
        (Ok(document), Ok(face)) => (document, face),
        (document, face) => {
            return Err(analysis_failed(
                state,
                front.upload,
                back.as_ref().map(|b| b.upload),
                document.err(),
                face.err(),
            )
            .await)
        }
    };
    let model_versions: std::collections::BTreeMap<String, String> = document
        .model_version
        .iter()
        .map(|v| {
            (
                lendverify_aws::id_documents::MODEL_VERSION_FIELD.to_string(),
                v.clone(),
            )
        })
        .collect();
    let document = document.document;
    let outcome = decide_identity(
        &IdentityInput {
            liveness: LivenessStatus::Passed,
            face,
            document: &document,
            declared: items
                .application
                .as_ref()
                .and_then(|a| a.applicant.as_ref()),
            today: state.now().date(),
        },
        thresholds,
    );

    let item = VerificationItem::new(
        &attempt,
        outcome,
        &document,
        DecisionEvidence {
            similarity: face.best_similarity,
            thresholds,
            model_versions,
            object_versions,
        },
        state.timestamp(),
    );
    let draft = decision_draft(state, &caller.sub, before, &item);
    let change = state.aws.store.new_item(&item)?;
    let decided = match audit::record(state, &id, change, draft).await? {
        Some(_) => {
            tracing::info!(application_id = %id, verification_id = %item.verification_id, decision = ?item.decision, reasons = ?item.reasons, "identity decided");
            item
        }
        // A racing submission of the same attempt stored its decision first: that one counts.
        None => {
            let first = state
                .aws
                .store
                .verification(&id, &item.verification_id)
                .await?
                // Refused for an item that is not there: not a state DynamoDB can be in.
                .ok_or(ApiError::Internal)?;
            tracing::info!(application_id = %id, verification_id = %first.verification_id, "identity already decided by a racing submission; answering that decision");
            first
        }
    };
    publish_decision(state, &decided).await?;
    web::json(200, &view(&decided))
}

/// The audit event of a new identity decision.
fn decision_draft(
    state: &AppState,
    applicant_sub: &str,
    before: IdentityState,
    item: &VerificationItem,
) -> EventDraft {
    let after = IdentityState::from_decisions(Some(item.decision), None);
    let mut draft = audit::draft(
        state,
        EventKind::IdentityDecided,
        audit::applicant(applicant_sub),
    );
    draft.inputs = json!({
        "verificationId": item.verification_id,
        "livenessSessionId": item.liveness_session_id,
        "idFrontUploadId": item.id_front_upload_id,
        "idBackUploadId": item.id_back_upload_id,
        "faceSimilarity": item.similarity,
        "livenessConfidence": item.liveness_confidence,
        "livenessPassThreshold": item.liveness_pass_threshold,
        "livenessReviewBand": item.liveness_review_band,
        "fieldConfidences": item.field_confidences,
        "documentType": item.document.document_type,
        "objectVersions": item.object_versions,
    });
    draft.thresholds = serde_json::to_value(item.thresholds).unwrap_or_default();
    draft.model_versions = item.model_versions.clone();
    draft.reason_codes = item
        .reasons
        .iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    draft.state_before = Some(audit::state_name(before));
    draft.state_after = Some(audit::state_name(after));
    draft
}

/// The lenders' event of a final identity decision (a NEEDS_REVIEW one is final once reviewed,
/// and the review publishes it). Published at the decision's time, as often as it is answered.
async fn publish_decision(state: &AppState, item: &VerificationItem) -> Result<(), ApiError> {
    if item.decision == Decision::NeedsReview {
        return Ok(());
    }
    audit::publish(
        state,
        DecisionEventType::IdentityDecided,
        &item.verification_id,
        &item.application_id,
        Some(&item.created_at),
        json!({
            "verificationId": item.verification_id,
            "decision": item.decision,
            "reasons": item.reasons,
        }),
    )
    .await?;
    Ok(())
}

/// A verification as the applicant sees it once a reviewer decided it: the reviewer's decision.
pub fn view_reviewed(
    verification: &VerificationItem,
    review: Option<&ReviewItem>,
) -> serde_json::Value {
    let mut answer = view(verification);
    if let Some(review) = review {
        answer["decision"] = json!(review.decision);
    }
    answer
}

/// A verification as the API shows it: the answer to its submission, and the `identity` of
/// `GET /applications/{applicationId}`. Similarity scores stay in the table.
pub fn view(verification: &VerificationItem) -> serde_json::Value {
    json!({
        "verificationId": verification.verification_id,
        "decision": verification.decision,
        "reasons": verification.reasons,
        "document": verification.document,
    })
}
