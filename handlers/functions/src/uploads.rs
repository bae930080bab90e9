//! `POST /applications/{id}/uploads`: a presigned PUT for an ID image or a lending package.

use std::time::Duration;

use lambda_http::{Body, Request, Response};
use lendverify_aws::records::*;
use lendverify_aws::AwsSettings;
use lendverify_core::uploads::{parse_upload_request, require_purpose, UploadPurpose};
use lendverify_core::ApiError;
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

/// The upload the caller named, if it belongs to this application, has the purpose the
/// operation needs (422 otherwise, naming `field`), and has arrived in S3 (409 otherwise).
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
    match state.aws.objects.size(&upload.bucket, &upload.key).await? {
        Some(_) => Ok(upload),
        None => Err(ApiError::Conflict(format!(
            "upload {upload_id} has not been received yet"
        ))),
    }
}
