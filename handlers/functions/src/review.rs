//! The `review` function: reviewers work the NEEDS_REVIEW queue.
//!
//! - `GET /review/cases`: the queue, oldest first, paginated, filterable by reason code;
//! - `GET /review/cases/{applicationId}`: the decision's inputs and presigned image URLs;
//! - `POST /review/cases/{applicationId}/decisions`: the first decision wins (409 afterwards);
//! - `GET /review/cases/{applicationId}/events`: the whole audit trail and its verification.
//!
//! Every route needs the reviewers group (403 otherwise), and a reviewer never works on their own
//! application (403).

use std::time::Duration;

use lambda_http::{Body, Request, Response};
use lendverify_aws::objects::{Objects, S3Location};
use lendverify_aws::records::{ApplicationItems, ReviewItem, VerificationItem};
use lendverify_aws::store::PageToken;
use lendverify_core::audit::{verify_chain, EventKind};
use lendverify_core::identity::Decision;
use lendverify_core::ids::parse_path_id;
use lendverify_core::review::{already_decided, may_review, IdentityState, ReviewRequest};
use lendverify_core::webhook::DecisionEventType;
use lendverify_core::ApiError;
use serde_json::{json, Value};

use crate::audit;
use crate::state::{format_timestamp, AppState};
use crate::web::{self, Caller};

/// Cases per page unless `limit` says otherwise, and the most one page holds.
const DEFAULT_PAGE: u32 = 25;
const MAX_PAGE: u32 = 100;

fn reviewer(state: &AppState, req: &Request) -> Result<Caller, ApiError> {
    web::reviewer(req, &state.settings.reviewers_group)
}

fn is_reason_code(code: &str) -> bool {
    let mut chars = code.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && (2..=64).contains(&code.len())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

pub async fn list(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    reviewer(state, req)?;
    let limit = match web::query_param(req, "limit") {
        None => DEFAULT_PAGE,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| {
                ApiError::field(
                    "limit",
                    format!("must be a whole number from 1 to {MAX_PAGE}"),
                )
            })?,
    };
    let reason = web::query_param(req, "reasonCode");
    if let Some(reason) = &reason {
        if !is_reason_code(reason) {
            return Err(ApiError::field(
                "reasonCode",
                "must be a reason code (A-Z, 0-9 and _, starting with a letter)",
            ));
        }
    }
    let token = web::query_param(req, "nextToken")
        .map(|t| PageToken::parse(&t))
        .transpose()
        .map_err(|_| ApiError::field("nextToken", "is not a nextToken this list issued"))?;
    let page = state
        .aws
        .store
        .review_cases(reason.as_deref(), limit, token.as_ref())
        .await?;
    let cases: Vec<Value> = page
        .cases
        .iter()
        .map(|v| {
            json!({
                "applicationId": v.application_id,
                "verificationId": v.verification_id,
                "queuedAt": v.queued_at.as_deref().unwrap_or(&v.created_at),
                "reasons": v.reasons,
                "decision": v.decision,
            })
        })
        .collect();
    web::json(
        200,
        &json!({ "cases": cases, "nextToken": page.next_token }),
    )
}

/// The application in the path and its case: the NEEDS_REVIEW decision (404 without one, 403
/// for the reviewer's own application).
async fn case(
    state: &AppState,
    reviewer: &Caller,
    req: &Request,
) -> Result<(String, ApplicationItems, VerificationItem), ApiError> {
    let id = parse_path_id("application", &web::path_param(req, "applicationId")?)?;
    let items = state.aws.store.application_items(&id).await?;
    // An application whose erasure has begun is no longer a case (its decision is evidence now).
    let (Some(app), None) = (&items.application, &items.erasure) else {
        return Err(ApiError::NotFound {
            resource: "application",
        });
    };
    may_review(&reviewer.sub, &app.owner_sub)?;
    let verification = items
        .latest_verification()
        .filter(|v| v.decision == Decision::NeedsReview)
        .cloned()
        .ok_or(ApiError::NotFound {
            resource: "review case",
        })?;
    Ok((id, items, verification))
}

/// A presigned GET of one image for the reviewer, logged with who and which key.
async fn image(
    state: &AppState,
    reviewer: &Caller,
    kind: &str,
    location: S3Location,
) -> Result<Value, ApiError> {
    let lifetime = Objects::MAX_GET_URL_LIFETIME;
    let url = state.aws.objects.presign_get(&location, lifetime).await?;
    tracing::info!(
        reviewer_sub = %reviewer.sub,
        bucket = %location.bucket,
        key = %location.key,
        kind,
        "presigned image URL issued to a reviewer"
    );
    let expires_at = state.now() + Duration::from_secs(lifetime.as_secs());
    Ok(json!({ "kind": kind, "url": url, "expiresAt": format_timestamp(expires_at) }))
}

pub async fn get(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let reviewer = reviewer(state, req)?;
    let (id, items, verification) = case(state, &reviewer, req).await?;

    // The reviewer sees the versions the decision read (where it recorded them).
    let version = |name: &str| verification.object_versions.get(name).cloned();
    let mut locations = Vec::new();
    let uploads = [
        (
            "ID_FRONT",
            verification.id_front_upload_id.as_deref(),
            "idFront",
        ),
        (
            "ID_BACK",
            verification.id_back_upload_id.as_deref(),
            "idBack",
        ),
    ];
    for (kind, upload_id, name) in uploads {
        if let Some(upload) =
            upload_id.and_then(|u| items.uploads.iter().find(|x| x.upload_id == u))
        {
            locations.push((
                kind,
                S3Location {
                    version: version(name),
                    ..upload.location()
                },
            ));
        }
    }
    let biometrics = &state.aws.settings.biometrics_bucket;
    if let Some(liveness) = items
        .liveness
        .iter()
        .find(|l| l.session_id == verification.liveness_session_id)
    {
        let at = |key: &String| S3Location::latest(biometrics.clone(), key.clone());
        locations.extend(liveness.reference_image_key.iter().map(|k| {
            (
                "LIVENESS_REFERENCE",
                S3Location {
                    version: version("livenessReference"),
                    ..at(k)
                },
            )
        }));
        locations.extend(
            liveness
                .audit_image_keys
                .iter()
                .map(|k| ("LIVENESS_AUDIT", at(k))),
        );
    }
    let mut images = Vec::new();
    for (kind, location) in locations {
        images.push(image(state, &reviewer, kind, location).await?);
    }

    let review = items
        .review_of(&verification.verification_id)
        .map(review_view);
    web::json(
        200,
        &json!({
            "applicationId": id,
            "verificationId": verification.verification_id,
            "decision": verification.decision,
            "reasons": verification.reasons,
            "queuedAt": verification.queued_at,
            "createdAt": verification.created_at,
            "scores": {
                "livenessConfidence": verification.liveness_confidence,
                "faceSimilarity": verification.similarity,
            },
            "thresholds": verification.thresholds.map_or_else(
                || json!({ "faceSimilarity": verification.similarity_threshold }),
                |t| json!(t),
            ),
            "livenessThresholds": {
                "passThreshold": verification.liveness_pass_threshold,
                "reviewBand": verification.liveness_review_band,
            },
            "document": verification.document,
            "declared": items.application.as_ref().and_then(|a| a.applicant.as_ref()),
            "fieldConfidences": verification.field_confidences,
            "modelVersions": verification.model_versions,
            "images": images,
            "review": review,
        }),
    )
}

fn review_view(review: &ReviewItem) -> Value {
    json!({
        "applicationId": review.application_id,
        "verificationId": review.verification_id,
        "decision": review.decision,
        "reasonCodes": review.reason_codes,
        "note": review.note,
        "decidedAt": review.decided_at,
    })
}

pub async fn decide(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let reviewer = reviewer(state, req)?;
    let request = ReviewRequest::parse(web::json_body(req)?)?;
    let (id, items, verification) = case(state, &reviewer, req).await?;
    let review = ReviewItem::new(
        &verification,
        reviewer.sub.clone(),
        request.decision,
        request.reason_codes.clone(),
        request.note.clone(),
        state.timestamp(),
    );
    // Decided before: neither a retry nor a second decision writes.
    if let Some(stored) = items.review_of(&verification.verification_id) {
        return decided_before(state, stored, &review).await;
    }
    let before = audit::identity_state(&items);
    let mut draft = audit::draft(
        state,
        EventKind::ReviewDecided,
        audit::reviewer(&reviewer.sub),
    );
    draft.inputs = json!({
        "verificationId": verification.verification_id,
        "automaticDecision": verification.decision,
        "automaticReasons": verification.reasons,
        "note": request.note,
    });
    draft.reason_codes = request.reason_codes.clone();
    draft.state_before = Some(audit::state_name(before));
    draft.state_after = Some(audit::state_name(IdentityState::Reviewed(request.decision)));
    let change = state.aws.store.review_decided(&review)?;
    if audit::record(state, &id, change, draft).await?.is_none() {
        // Refused: a decision is stored now, a concurrent request's or this request's own (a
        // transaction that committed while its response was lost, then retried). The same
        // decision by the same reviewer is answered as the first; any other is a second one.
        let stored = state.aws.store.application_items(&id).await?;
        return match stored.review_of(&verification.verification_id) {
            Some(stored) => decided_before(state, stored, &review).await,
            None => Err(already_decided()),
        };
    }
    tracing::info!(application_id = %id, verification_id = %verification.verification_id, decision = request.decision.as_str(), "review decided");
    publish_review(state, &review).await?;
    web::json(201, &review_view(&review))
}

/// The answer when `stored` was decided before `review` was asked for: the same decision by the
/// same reviewer is a retry, answered as the first time and its event published again (the
/// first publication may have failed); any other decision is a second one (409).
async fn decided_before(
    state: &AppState,
    stored: &ReviewItem,
    review: &ReviewItem,
) -> Result<Response<Body>, ApiError> {
    if !stored.repeats(review) {
        return Err(already_decided());
    }
    publish_review(state, stored).await?;
    web::json(201, &review_view(stored))
}

/// The lenders' event of a review decision, at the decision's time.
async fn publish_review(state: &AppState, review: &ReviewItem) -> Result<(), ApiError> {
    audit::publish(
        state,
        DecisionEventType::ReviewDecided,
        &review.verification_id,
        &review.application_id,
        Some(&review.decided_at),
        json!({
            "verificationId": review.verification_id,
            "decision": review.decision,
            "reasonCodes": review.reason_codes,
        }),
    )
    .await?;
    Ok(())
}

pub async fn events(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let reviewer = reviewer(state, req)?;
    let id = parse_path_id("application", &web::path_param(req, "applicationId")?)?;
    let app = state
        .aws
        .store
        .get_application(&id)
        .await?
        .ok_or(ApiError::NotFound {
            resource: "application",
        })?;
    may_review(&reviewer.sub, &app.owner_sub)?;
    let (events, head) = tokio::try_join!(state.aws.audit.events(&id), state.aws.audit.head(&id))?;
    let verification = verify_chain(&id, &events, head.as_ref());
    let records = events
        .iter()
        .map(|e| e.record())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ApiError::Internal);
    // A body that does not parse fails verification too; show the verification, not a 500.
    let records = match (&verification, records) {
        (_, Ok(records)) => records,
        (Err(_), Err(_)) => Vec::new(),
        (Ok(_), Err(err)) => return Err(err),
    };
    if let Err(err) = &verification {
        tracing::error!(application_id = %id, error = %err, "audit chain does not verify");
    }
    web::json(
        200,
        &json!({
            "applicationId": id,
            "events": records,
            "chainVerified": verification.is_ok(),
            "verification": match &verification {
                Ok(head) => json!({ "verified": true, "headSeq": head.seq, "headHash": head.hash }),
                Err(err) => json!({ "verified": false, "error": err.to_string() }),
            },
        }),
    )
}
