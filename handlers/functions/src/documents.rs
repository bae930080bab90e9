//! `POST /applications/{id}/documents` and `GET .../documents/{documentId}`.

use lambda_http::{Body, Request, Response};
use lendverify_aws::records::DocumentItem;
use lendverify_aws::AwsError;
use lendverify_core::identity::Decision;
use lendverify_core::ids::parse_path_id;
use lendverify_core::lending::{
    flags, missing_required, parse_start_document_request, DocumentStatus,
};
use lendverify_core::uploads::UploadPurpose;
use lendverify_core::{ApiError, Quota, UploadProblem};
use serde_json::json;

use crate::access::{owned_application, received_upload, unusable_uploads, within_quota};
use crate::state::AppState;
use crate::web;

/// Document ids derive from the upload id, so analysing one upload twice (a client retry after a
/// lost response) yields the same document, the same `ClientRequestToken`, and one Textract job.
const DOCUMENT_ID_NAMESPACE: uuid::Uuid = uuid::uuid!("6f1c2a4e-1d0b-4b8e-9a57-3c1d2e4f5a60");

fn accepted(document_id: &str, status: DocumentStatus) -> Result<Response<Body>, ApiError> {
    web::json(202, &json!({ "documentId": document_id, "status": status }))
}

pub async fn start(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let caller = web::caller(req)?;
    let request = parse_start_document_request(web::json_body(req)?)?;
    let (id, items) = owned_application(state, &caller, req).await?;
    let received = received_upload(
        state,
        &items,
        "uploadId",
        &request.upload_id,
        UploadPurpose::LendingPackage,
    )
    .await?;

    let (location, upload) = (received.location, received.upload);
    let document_id =
        uuid::Uuid::new_v5(&DOCUMENT_ID_NAMESPACE, upload.upload_id.as_bytes()).to_string();
    if let Some(existing) = items
        .documents
        .iter()
        .find(|d| d.document_id == document_id)
    {
        return accepted(&existing.document_id, existing.status);
    }
    // A retry of a started analysis was answered above; a new one is a paid Textract job.
    within_quota(
        state,
        Quota::LendingJobs,
        items.documents.iter().map(|d| d.created_at.as_str()),
    )?;
    let job_id = match state.aws.lending.start(&location, &id, &document_id).await {
        Ok(job_id) => job_id,
        Err(err) => {
            return Err(match err.upload_problem() {
                // Textract refused the package itself: the applicant's to fix, and never sent
                // again.
                Some(problem) => {
                    let message = match problem {
                        UploadProblem::TooLarge => {
                            "the document has more pages or bytes than the analysis takes; split it or upload a smaller file"
                        }
                        _ => "the document could not be read; upload a PDF, TIFF, PNG or JPEG file",
                    };
                    unusable_uploads(state, problem, &[("uploadId", upload)], message).await
                }
                None => err.into(),
            });
        }
    };
    let item = DocumentItem {
        upload_version: location.version.clone(),
        ..DocumentItem::in_progress(
            id.clone(),
            document_id.clone(),
            upload.upload_id.clone(),
            job_id.clone(),
            state.timestamp(),
        )
    };
    match state.aws.store.put_new(&item).await {
        Ok(()) | Err(AwsError::ConditionFailed) => {}
        Err(err) => return Err(err.into()),
    }
    tracing::info!(application_id = %id, document_id = %document_id, job_id = %job_id, "lending analysis started");
    accepted(&document_id, DocumentStatus::InProgress)
}

pub async fn get(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let caller = web::caller(req)?;
    let (_, items) = owned_application(state, &caller, req).await?;
    let document_id = parse_path_id("document", &web::path_param(req, "documentId")?)?;
    let document = items
        .documents
        .iter()
        .find(|d| d.document_id == document_id)
        .ok_or(ApiError::NotFound {
            resource: "document",
        })?;

    let verification = items.latest_verification();
    // The name the ID document prints, whatever the decision: the documents must name
    // the same person either way.
    let id_name = verification.and_then(|v| {
        Some((
            v.document.given_name.as_deref()?,
            v.document.family_name.as_deref()?,
        ))
    });
    let identity_verified = verification.is_some_and(|v| v.decision == Decision::Approved);
    let extracted = document.extracted.clone().unwrap_or_default();
    let found_types = document
        .document_groups
        .iter()
        .map(|g| g.doc_type.as_str())
        .chain(document.page_classes.iter().map(|p| p.page_type.as_str()));
    let missing = missing_required(
        found_types,
        identity_verified,
        &state.settings.required_documents,
    );
    web::json(
        200,
        &json!({
            "documentId": document.document_id,
            "status": document.status,
            "statusMessage": document.status_message,
            "documentGroups": document.document_groups,
            "extracted": extracted,
            "missingRequired": missing,
            "flags": flags(&extracted, id_name),
        }),
    )
}
