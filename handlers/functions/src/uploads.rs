//! `POST /applications/{id}/uploads`: a presigned PUT for an ID image or a lending package.

use std::time::Duration;

use lambda_http::{Body, Request, Response};
use lendverify_aws::records::*;
use lendverify_aws::{AwsError, AwsSettings};
use lendverify_core::content::{self, SNIFF_BYTES};
use lendverify_core::uploads::{parse_upload_request, require_purpose, UploadPurpose};
use lendverify_core::{ApiError, FieldError, UploadProblem};
use serde_json::json;
use time::format_description::well_known::Rfc3339;

use crate::applications::owned_items;
use crate::state::AppState;
use crate::web;

pub async fn create(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let caller = web::caller(req)?;
    // Validation (type 415, size 413, fields 422) happens before anything is read or signed.
    let upload = parse_upload_request(web::json_body(req)?)?;
    let (id, _) = owned_items(state, &caller, req).await?;

    let upload_id = uuid::Uuid::new_v4().to_string();
    let bucket = state.aws.settings.uploads_bucket.clone();
    let key = format!(
        "{}uploads/{upload_id}",
        AwsSettings::application_prefix(&id)
    );
    let ttl = Duration::from_secs(u64::from(state.settings.upload_url_ttl_secs));
    let presigned = state
        .aws
        .objects
        .presign_put(
            &bucket,
            &key,
            &upload.content_type,
            upload.content_length,
            ttl,
        )
        .await?;
    let item = UploadItem {
        pk: application_pk(&id),
        sk: format!("{UPLOAD_PREFIX}{upload_id}"),
        application_id: id.clone(),
        upload_id: upload_id.clone(),
        purpose: upload.purpose,
        content_type: upload.content_type,
        content_length: upload.content_length,
        bucket,
        key,
        created_at: state.timestamp(),
        rejected: None,
    };
    state.aws.store.put_new(&item).await?;
    let expires_at = (state.now() + ttl).format(&Rfc3339).unwrap_or_default();
    tracing::info!(application_id = %id, upload_id = %upload_id, purpose = ?item.purpose, "upload URL issued");
    web::json(
        201,
        &json!({
            "uploadId": upload_id,
            "url": presigned.url,
            "method": "PUT",
            "headers": presigned.headers,
            "expiresAt": expires_at,
        }),
    )
}

/// The upload the caller named, checked before Rekognition or Textract is paid for:
/// - it belongs to this application and has the purpose the operation needs (422 `validation`
///   naming `field` otherwise);
/// - it was not rejected before (the same 422 again, without reading anything);
/// - it has arrived in S3 (409 `upload-not-received` naming `field` otherwise);
/// - its first bytes are of its declared type (422 `upload-content-mismatch` naming `field`
///   otherwise, and the upload is marked rejected; nothing else is written).
///
/// One ranged GET of the first kilobyte answers both of the last two questions.
pub async fn received<'a>(
    state: &AppState,
    items: &'a ApplicationItems,
    field: &str,
    upload_id: &str,
    purpose: UploadPurpose,
) -> Result<&'a UploadItem, ApiError> {
    let upload = items
        .uploads
        .iter()
        .find(|u| u.upload_id == upload_id)
        .ok_or_else(|| ApiError::field(field, "no such upload in this application"))?;
    require_purpose(field, upload.purpose, purpose)?;
    if let Some(rejection) = &upload.rejected {
        return Err(ApiError::upload(
            rejection.problem,
            field,
            rejection.message.clone(),
        ));
    }
    let head = state
        .aws
        .objects
        .first_bytes(&upload.bucket, &upload.key, SNIFF_BYTES)
        .await?;
    let Some(head) = head else {
        return Err(ApiError::upload(
            UploadProblem::NotReceived,
            field,
            format!("upload {upload_id} has not been received yet"),
        ));
    };
    if let Err(message) = content::check(&upload.content_type, &head) {
        reject(state, upload, UploadProblem::ContentMismatch, &message).await;
        return Err(ApiError::upload(
            UploadProblem::ContentMismatch,
            field,
            message,
        ));
    }
    Ok(upload)
}

/// Marks an upload rejected, so it is never analysed again. Best effort: the caller's 422 stands
/// whether or not the mark is written (without it, the next attempt just checks again), and an
/// application erased meanwhile is not brought back (the write is conditional on the item).
pub async fn reject(state: &AppState, upload: &UploadItem, problem: UploadProblem, message: &str) {
    let rejected = UploadItem {
        rejected: Some(UploadRejection {
            problem,
            message: message.to_string(),
            rejected_at: state.timestamp(),
        }),
        ..upload.clone()
    };
    match state.aws.store.replace_existing(&rejected).await {
        Ok(()) => tracing::info!(
            application_id = %upload.application_id,
            upload_id = %upload.upload_id,
            problem = problem.slug(),
            "upload rejected"
        ),
        Err(AwsError::ConditionFailed) => {}
        Err(err) => tracing::warn!(
            upload_id = %upload.upload_id,
            error = %err,
            "could not mark the upload rejected; the next attempt checks it again"
        ),
    }
}

/// The 422 for an upload Rekognition or Textract could not use, naming every field concerned,
/// after marking each of those uploads rejected.
pub async fn unusable(
    state: &AppState,
    problem: UploadProblem,
    uploads: &[(&str, &UploadItem)],
    message: &str,
) -> ApiError {
    for (_, upload) in uploads {
        reject(state, upload, problem, message).await;
    }
    ApiError::Upload {
        problem,
        errors: uploads
            .iter()
            .map(|(field, _)| FieldError::new(*field, message))
            .collect(),
    }
}
