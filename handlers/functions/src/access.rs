//! The checks every route shares before it acts, in one place so handlers call them instead of
//! borrowing them from each other: whose application it is, whether a quota admits one more,
//! whether consent was given, whether liveness passed, and whether an upload arrived and is
//! usable. Each answers with the
//! [`ApiError`] the API documents for it.

use lambda_http::Request;
use lendverify_aws::objects::S3Location;
use lendverify_aws::records::{ApplicationItems, LivenessItem, UploadItem, UploadRejection};
use lendverify_aws::AwsError;
use lendverify_core::content::{self, SNIFF_BYTES};
use lendverify_core::ids::parse_path_id;
use lendverify_core::uploads::{require_purpose, UploadPurpose};
use lendverify_core::{ApiError, FieldError, Quota, UploadProblem};

use crate::state::{parse_timestamp, AppState};
use crate::web::{self, Caller};

/// Loads the application in the path, if the caller owns it. Someone else's application and
/// one that does not exist answer the same 404, so ids cannot be probed.
pub async fn owned_application(
    state: &AppState,
    caller: &Caller,
    req: &Request,
) -> Result<(String, ApplicationItems), ApiError> {
    let id = parse_path_id("application", &web::path_param(req, "applicationId")?)?;
    let items = state.aws.store.application_items(&id).await?;
    match &items.application {
        // Once its erasure has begun, the application is gone for every route but the DELETE
        // that resumes it (`crate::erasure`).
        Some(app) if app.owner_sub == caller.sub && items.erasure.is_none() => Ok((id, items)),
        _ => Err(ApiError::NotFound {
            resource: "application",
        }),
    }
}

/// Whether one more item may be created under `quota` (429 with `Retry-After` otherwise), given
/// the stored `createdAt` of the items it counts. A timestamp that does not parse counts as now:
/// a damaged item can never hide from a quota.
pub fn within_quota<'a>(
    state: &AppState,
    quota: Quota,
    created_at: impl IntoIterator<Item = &'a str>,
) -> Result<(), ApiError> {
    let now = state.now().unix_timestamp();
    let created: Vec<i64> = created_at
        .into_iter()
        .map(|at| parse_timestamp(at).map_or(now, |t| t.unix_timestamp()))
        .collect();
    state.settings.quotas.check(quota, &created, now)?;
    Ok(())
}

/// Biometric processing needs the applicant's recorded consent (`PUT .../consent`).
pub fn consent_given(items: &ApplicationItems) -> Result<(), ApiError> {
    match items.application.as_ref().and_then(|a| a.consent.as_ref()) {
        Some(_) => Ok(()),
        None => Err(ApiError::Conflict(
            "consent to biometric processing is required before a liveness check: PUT /applications/{applicationId}/consent first".into(),
        )),
    }
}

/// The latest PASSED liveness session and the key of its reference image, which identity
/// verification compares the ID with (409 without either).
pub fn passed_liveness(items: &ApplicationItems) -> Result<(&LivenessItem, String), ApiError> {
    let liveness = items.passed_liveness().ok_or_else(|| {
        ApiError::Conflict("identity verification needs a PASSED liveness session".into())
    })?;
    let reference_key = liveness
        .reference_image_key
        .clone()
        .ok_or_else(|| ApiError::Conflict("the liveness session has no reference image".into()))?;
    Ok((liveness, reference_key))
}

/// An upload that arrived and passed its content check, and where its checked bytes are: the
/// S3 version that was read, so the analysis reads exactly that version.
pub struct Received<'a> {
    pub upload: &'a UploadItem,
    pub location: S3Location,
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
pub async fn received_upload<'a>(
    state: &AppState,
    items: &'a ApplicationItems,
    field: &str,
    upload_id: &str,
    purpose: UploadPurpose,
) -> Result<Received<'a>, ApiError> {
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
    if let Err(message) = content::check(&upload.content_type, &head.bytes) {
        reject_upload(state, upload, UploadProblem::ContentMismatch, &message).await;
        return Err(ApiError::upload(
            UploadProblem::ContentMismatch,
            field,
            message,
        ));
    }
    Ok(Received {
        upload,
        location: S3Location {
            version: head.version,
            ..upload.location()
        },
    })
}

/// Marks an upload rejected, so it is never analysed again. Best effort: the caller's 422 stands
/// whether or not the mark is written (without it, the next attempt just checks again), and an
/// application erased meanwhile is not brought back (the write is conditional on the item).
async fn reject_upload(
    state: &AppState,
    upload: &UploadItem,
    problem: UploadProblem,
    message: &str,
) {
    let rejected = UploadItem {
        rejected: Some(UploadRejection {
            problem,
            message: message.to_string(),
            rejected_at: state.timestamp(),
        }),
        ..upload.clone()
    };
    let written = match state.aws.store.existing_replaced(&rejected) {
        Ok(change) => state.aws.store.write(change).await,
        Err(err) => Err(err),
    };
    match written {
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
pub async fn unusable_uploads(
    state: &AppState,
    problem: UploadProblem,
    uploads: &[(&str, &UploadItem)],
    message: &str,
) -> ApiError {
    for (_, upload) in uploads {
        reject_upload(state, upload, problem, message).await;
    }
    ApiError::Upload {
        problem,
        errors: uploads
            .iter()
            .map(|(field, _)| FieldError::new(*field, message))
            .collect(),
    }
}
