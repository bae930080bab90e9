//! `POST /applications/{id}/liveness-sessions` and `GET .../liveness-sessions/{sessionId}`.

use lambda_http::{Body, Request, Response};
use lendverify_aws::records::LivenessItem;
use lendverify_aws::AwsError;
use lendverify_core::ids::parse_path_id;
use lendverify_core::liveness::{decide_liveness, session_state_at, LivenessStatus};
use lendverify_core::ApiError;
use serde_json::json;

use crate::access::{consent_given, owned_application};
use crate::state::{parse_timestamp, AppState};
use crate::web;

pub async fn create(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let caller = web::caller(req)?;
    web::json_body(req)?;
    let (id, items) = owned_application(state, &caller, req).await?;
    consent_given(&items)?;
    // A fresh token per request: the SDK resends it on retries, so a retried call cannot open a
    // second session.
    let token = uuid::Uuid::new_v4().to_string();
    let session_id = state
        .aws
        .liveness
        .create_session(&id, &token, state.settings.audit_images_limit)
        .await?;
    let item = LivenessItem::in_progress(id.clone(), session_id.clone(), state.timestamp());
    state.aws.store.put_new(&item).await?;
    tracing::info!(application_id = %id, session_id = %session_id, "liveness session created");
    web::json(
        201,
        &json!({ "sessionId": session_id, "region": state.aws.settings.region }),
    )
}

pub async fn get(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let caller = web::caller(req)?;
    let (id, items) = owned_application(state, &caller, req).await?;
    let session_id = parse_path_id("liveness session", &web::path_param(req, "sessionId")?)?;
    let Some(stored) = items.liveness.iter().find(|l| l.session_id == session_id) else {
        return Err(ApiError::NotFound {
            resource: "liveness session",
        });
    };
    if stored.status != LivenessStatus::InProgress {
        return answer(stored);
    }

    let result = match state.aws.liveness.results(&session_id).await {
        Ok(result) => Some(result),
        // Rekognition forgets a session some time after it ends: it can only have expired.
        Err(AwsError::NotFound { .. }) => None,
        Err(err) => return Err(err.into()),
    };
    let age = state.now() - parse_timestamp(&stored.created_at).unwrap_or_else(|| state.now());
    let session_state = session_state_at(result.as_ref().map(|r| r.state), age);
    let (confidence, reference_image_key, audit_image_keys) = match result {
        Some(r) => (r.confidence, r.reference_image_key, r.audit_image_keys),
        None => (None, None, Vec::new()),
    };
    let thresholds = &state.settings.thresholds;
    let status = decide_liveness(session_state, confidence, thresholds);
    if status == LivenessStatus::InProgress {
        return answer(stored);
    }
    let decided = LivenessItem {
        status,
        decided_at: Some(state.timestamp()),
        confidence,
        pass_threshold: Some(thresholds.liveness_pass),
        review_band: Some(thresholds.liveness_review_band),
        reference_image_key,
        audit_image_keys,
        ..stored.clone()
    };
    match state.aws.store.replace_in_progress(&decided).await {
        Ok(()) => {
            tracing::info!(application_id = %id, session_id = %session_id, ?status, "liveness decided");
            answer(&decided)
        }
        // A concurrent poll decided first; its record is the one that counts.
        Err(AwsError::ConditionFailed) => {
            match state.aws.store.liveness_session(&id, &session_id).await? {
                Some(current) => answer(&current),
                None => Err(ApiError::NotFound {
                    resource: "liveness session",
                }),
            }
        }
        Err(err) => Err(err.into()),
    }
}

fn answer(item: &LivenessItem) -> Result<Response<Body>, ApiError> {
    web::json(
        200,
        &json!({ "sessionId": item.session_id, "status": item.status }),
    )
}
