//! `POST /applications/{id}/identity-verifications`: AnalyzeID on the ID, CompareFaces against the
//! liveness reference image, and the decision.

use lambda_http::{Body, Request, Response};
use lendverify_aws::faces::S3Location;
use lendverify_aws::records::*;
use lendverify_core::identity::{
    decide_identity, mask_document_number, DocumentKind, IdDocument, IdentityInput,
};
use lendverify_core::ids::parse_body_id;
use lendverify_core::liveness::LivenessStatus;
use lendverify_core::uploads::UploadPurpose;
use lendverify_core::ApiError;
use serde::Deserialize;
use serde_json::json;

use crate::applications::owned_items;
use crate::state::AppState;
use crate::uploads::received;
use crate::web;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifyRequest {
    id_front_upload_id: String,
    #[serde(default)]
    id_back_upload_id: Option<String>,
}

fn summary(document: &IdDocument) -> DocumentSummary {
    DocumentSummary {
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
    let (id, items) = owned_items(state, &caller, req).await?;

    let liveness = items.passed_liveness().ok_or_else(|| {
        ApiError::Conflict("identity verification needs a PASSED liveness session".into())
    })?;
    let reference_key = liveness
        .reference_image_key
        .clone()
        .ok_or_else(|| ApiError::Conflict("the liveness session has no reference image".into()))?;

    let front = received(
        state,
        &items,
        "idFrontUploadId",
        &front_id,
        UploadPurpose::IdFront,
    )
    .await?;
    let back = match &back_id {
        Some(back_id) => {
            let back = received(
                state,
                &items,
                "idBackUploadId",
                back_id,
                UploadPurpose::IdBack,
            )
            .await?;
            Some(S3Location {
                bucket: back.bucket.clone(),
                key: back.key.clone(),
            })
        }
        None => None,
    };
    let front = S3Location {
        bucket: front.bucket.clone(),
        key: front.key.clone(),
    };
    let reference = S3Location {
        bucket: state.aws.settings.biometrics_bucket.clone(),
        key: reference_key,
    };

    let (document, face) = tokio::join!(
        state.aws.id_documents.analyze(&front, back.as_ref()),
        state.aws.faces.compare(&reference, &front),
    );
    let (document, face) = (document?, face?);
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

    let verification_id = uuid::Uuid::new_v4().to_string();
    let item = VerificationItem {
        pk: application_pk(&id),
        sk: format!("{VERIFICATION_PREFIX}{verification_id}"),
        application_id: id.clone(),
        verification_id: verification_id.clone(),
        decision: outcome.decision,
        reasons: outcome.reasons.clone(),
        document: summary(&document),
        similarity: face.best_similarity,
        similarity_threshold: thresholds.face_similarity,
        liveness_session_id: liveness.session_id.clone(),
        created_at: state.timestamp(),
    };
    state.aws.store.put_new(&item).await?;
    tracing::info!(application_id = %id, verification_id = %verification_id, decision = ?item.decision, reasons = ?item.reasons, "identity decided");
    web::json(
        200,
        &json!({
            "verificationId": verification_id,
            "decision": item.decision,
            "reasons": item.reasons,
            "document": item.document,
        }),
    )
}
