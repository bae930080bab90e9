//! `POST /applications/{id}/liveness-sessions` and `GET .../liveness-sessions/{sessionId}`.

use lambda_http::{Body, Request, Response};
use lendverify_aws::records::{LivenessFailureItem, LivenessItem, LivenessLockoutItem};
use lendverify_aws::AwsError;
use lendverify_core::attempts::{liveness_lockout, LockoutPolicy};
use lendverify_core::audit::EventKind;
use lendverify_core::ids::parse_path_id;
use lendverify_core::liveness::{decide_liveness, session_state_at, LivenessStatus};
use lendverify_core::ApiError;
use serde_json::json;

use crate::access::{consent_given, owned_application};
use crate::audit;
use crate::state::{parse_timestamp, AppState};
use crate::web;

pub async fn create(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let caller = web::caller(req)?;
    web::json_body(req)?;
    let (id, items) = owned_application(state, &caller, req).await?;
    consent_given(&items)?;
    not_locked_out(state, &caller.sub, &id).await?;
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
    let (confidence, reference_image_key, reference_image_version, audit_image_keys) = match result
    {
        Some(r) => (
            r.confidence,
            r.reference_image_key,
            r.reference_image_version,
            r.audit_image_keys,
        ),
        None => (None, None, None, Vec::new()),
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
        reference_image_version,
        audit_image_keys,
        ..stored.clone()
    };
    if record_decision(state, &caller.sub, stored, &decided).await? {
        tracing::info!(application_id = %id, session_id = %session_id, ?status, "liveness decided");
        return answer(&decided);
    }
    // A concurrent poll decided first; its record is the one that counts.
    match state.aws.store.liveness_session(&id, &session_id).await? {
        Some(current) => answer(&current),
        None => Err(ApiError::NotFound {
            resource: "liveness session",
        }),
    }
}

/// Records the session's decision with its audit event and, for a FAILED one, the failure that
/// counts towards the applicant's lockout, in one transaction; `false` if a concurrent poll
/// decided the session first (nothing written).
async fn record_decision(
    state: &AppState,
    sub: &str,
    before: &LivenessItem,
    decided: &LivenessItem,
) -> Result<bool, ApiError> {
    let mut change = state.aws.store.in_progress_replaced(decided)?;
    if decided.status == LivenessStatus::Failed {
        let now = state.now().unix_timestamp();
        let failure = LivenessFailureItem::new(
            sub,
            decided.application_id.clone(),
            decided.session_id.clone(),
            now,
            now + FAILURE_RETENTION_SECS,
        );
        change = change.and(state.aws.store.new_item(&failure)?);
    }
    let mut draft = audit::draft(state, EventKind::LivenessDecided, audit::applicant(sub));
    draft.inputs = json!({
        "sessionId": decided.session_id,
        "confidence": decided.confidence,
        "referenceImage": decided.reference_image_key.is_some(),
        "auditImages": decided.audit_image_keys.len(),
    });
    draft.thresholds = json!({
        "livenessPassThreshold": decided.pass_threshold,
        "livenessReviewBand": decided.review_band,
    });
    draft.state_after = serde_json::to_value(decided.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string));
    draft.state_before = serde_json::to_value(before.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string));
    Ok(audit::record(state, &decided.application_id, change, draft)
        .await?
        .is_some())
}

/// How long a failure is kept: well past any lockout window it can count in.
const FAILURE_RETENTION_SECS: i64 = 24 * 60 * 60;

/// 429 with `Retry-After` while the applicant has failed too many liveness checks within the
/// window (AWS's guidance: 5 in 3 minutes). The first refused request of a lockout records it
/// (an item under the applicant, and an audit event on this application).
async fn not_locked_out(state: &AppState, sub: &str, application_id: &str) -> Result<(), ApiError> {
    let policy = LockoutPolicy::from_thresholds(&state.settings.thresholds);
    let now = state.now().unix_timestamp();
    let failures = state.aws.store.liveness_failures(sub).await?;
    let Err(locked) = liveness_lockout(&failures, now, policy) else {
        return Ok(());
    };
    let window_start = policy.window_start(now);
    let counted: Vec<i64> = failures
        .iter()
        .copied()
        .filter(|&f| f.min(now) > window_start)
        .collect();
    let locked_at = counted.iter().copied().max().unwrap_or(now);
    let locked_until = now + i64::from(locked.retry_after_secs);
    let lockout = LivenessLockoutItem::new(
        sub,
        application_id.to_string(),
        locked_at,
        locked_until,
        u32::try_from(counted.len()).unwrap_or(u32::MAX),
        now + FAILURE_RETENTION_SECS,
    );
    // Recorded by the first refused request of this lockout (with its audit event); the later
    // ones find it written (the condition refuses) and write nothing.
    {
        let mut draft = audit::draft(state, EventKind::LivenessLockedOut, audit::applicant(sub));
        draft.inputs = json!({
            "failuresInWindow": counted.len(),
            "lockedUntil": crate::state::format_timestamp(
                time::OffsetDateTime::from_unix_timestamp(locked_until).unwrap_or_else(|_| state.now())
            ),
            "retryAfterSeconds": locked.retry_after_secs,
        });
        draft.thresholds = json!({
            "livenessLockoutFailures": policy.max_failures,
            "livenessLockoutWindowSeconds": policy.window_seconds,
        });
        let change = state.aws.store.new_item(&lockout)?;
        if audit::record(state, application_id, change, draft)
            .await?
            .is_some()
        {
            tracing::warn!(
                application_id,
                failures = counted.len(),
                retry_after_secs = locked.retry_after_secs,
                "applicant locked out of liveness"
            );
        }
    }
    Err(locked.into())
}

fn answer(item: &LivenessItem) -> Result<Response<Body>, ApiError> {
    web::json(
        200,
        &json!({ "sessionId": item.session_id, "status": item.status }),
    )
}
