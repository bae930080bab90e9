//! `POST /applications/{id}/identity-verifications`: AnalyzeID on the ID, CompareFaces against the
//! liveness reference image, and the decision.

use lambda_http::{Body, Request, Response};
use lendverify_aws::objects::S3Location;
use lendverify_aws::records::{UploadItem, VerificationAttempt, VerificationItem};
use lendverify_aws::store::Recorded;
use lendverify_aws::AwsError;
use lendverify_core::identity::{decide_identity, IdentityInput};
use lendverify_core::ids::parse_body_id;
use lendverify_core::liveness::LivenessStatus;
use lendverify_core::uploads::UploadPurpose;
use lendverify_core::{ApiError, UploadProblem};
use serde::Deserialize;
use serde_json::json;

use crate::access::{owned_application, passed_liveness, received_upload, unusable_uploads};
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
    // A repeated submission of an attempt already decided gets that decision, unpaid for.
    if let Some(decided) = items.verification(&attempt.verification_id()) {
        return web::json(200, &view(decided));
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
    let (front_location, back_location) = (front.location(), back.map(UploadItem::location));
    let reference = S3Location {
        bucket: state.aws.settings.biometrics_bucket.clone(),
        key: reference_key,
    };

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
            return Err(analysis_failed(state, front, back, document.err(), face.err()).await)
        }
    };
    let thresholds = &state.settings.thresholds;
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
        face.best_similarity,
        thresholds.face_similarity,
        state.timestamp(),
    );
    let decided = match state.aws.store.record_verification(&item).await? {
        Recorded::Written => {
            tracing::info!(application_id = %id, verification_id = %item.verification_id, decision = ?item.decision, reasons = ?item.reasons, "identity decided");
            item
        }
        Recorded::AlreadyStored(first) => {
            tracing::info!(application_id = %id, verification_id = %first.verification_id, "identity already decided by a racing submission; answering that decision");
            first
        }
    };
    web::json(200, &view(&decided))
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
