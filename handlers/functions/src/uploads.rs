//! `POST /applications/{id}/uploads`: a presigned PUT for an ID image or a lending package.

use std::time::Duration;

use lambda_http::{Body, Request, Response};
use lendverify_aws::objects::S3Location;
use lendverify_aws::records::UploadItem;
use lendverify_aws::AwsSettings;
use lendverify_core::uploads::parse_upload_request;
use lendverify_core::{ApiError, Quota};
use serde_json::json;
use time::format_description::well_known::Rfc3339;

use crate::access::{owned_application, within_quota};
use crate::state::AppState;
use crate::web;

pub async fn create(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let caller = web::caller(req)?;
    // Validation (type 415, size 413 over the purpose's limit or the configured ceiling, fields
    // 422) happens before anything is read or signed.
    let upload =
        parse_upload_request(web::json_body(req)?, state.settings.quotas.max_upload_bytes)?;
    let (id, items) = owned_application(state, &caller, req).await?;
    // Every upload URL issued counts, whether or not its PUT happened: each could have stored a
    // file. Refused before anything is signed or written.
    within_quota(
        state,
        Quota::Uploads,
        items.uploads.iter().map(|u| u.created_at.as_str()),
    )?;

    let upload_id = uuid::Uuid::new_v4().to_string();
    let location = S3Location::latest(
        state.aws.settings.uploads_bucket.clone(),
        format!(
            "{}uploads/{upload_id}",
            AwsSettings::application_prefix(&id)
        ),
    );
    let ttl = Duration::from_secs(u64::from(state.settings.upload_url_ttl_secs));
    let presigned = state
        .aws
        .objects
        .presign_put(
            &location.bucket,
            &location.key,
            &upload.content_type,
            upload.content_length,
            ttl,
        )
        .await?;
    let item = UploadItem::new(
        id.clone(),
        upload_id.clone(),
        upload,
        location,
        state.timestamp(),
    );
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
