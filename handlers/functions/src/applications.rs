//! `POST /applications`, `GET /applications`, `GET /applications/{applicationId}`, `PUT
//! /applications/{applicationId}/consent` and `GET .../events` (`DELETE` is `crate::erasure`).

use lambda_http::{Body, Request, Response};
use lendverify_aws::records::{ApplicationItem, ApplicationItems, IdempotencyItem};
use lendverify_aws::AwsError;
use lendverify_core::application::{self, derive_status};
use lendverify_core::audit::{verify_chain, EventKind};
use lendverify_core::{ApiError, Quota};
use serde_json::json;

use crate::access::{owned_application, within_quota};
use crate::audit;
use crate::state::AppState;
use crate::web::{self, Caller};

/// How long an `Idempotency-Key` is honoured.
const IDEMPOTENCY_TTL_SECS: i64 = 24 * 60 * 60;

fn created_body(
    app: &ApplicationItem,
    status: application::ApplicationStatus,
) -> serde_json::Value {
    json!({ "applicationId": app.application_id, "status": status, "createdAt": app.created_at })
}

pub async fn create(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let caller = web::caller(req)?;
    let applicant = application::parse_create_request_at(web::json_body(req)?, state.now().date())?;
    let key = req
        .headers()
        .get("idempotency-key")
        .map(|v| v.to_str().map(str::to_string))
        .transpose()
        .map_err(|_| ApiError::field("Idempotency-Key", "must be visible ASCII"))?;
    if let Some(key) = &key {
        application::validate_idempotency_key(key)?;
        if let Some(existing) = replay(state, &caller, key).await? {
            return web::json(201, &created_body(&existing, derive_status(None, None)));
        }
    }
    // After the replay: a retry of a created application is answered as the first call was,
    // whatever the quota says now. Counted from the owner index, which is eventually consistent
    // (an application created a moment ago may be missed: a quota bounds abuse, it is no ledger).
    // Erased applications count too: erasing does not buy another application.
    let created = state.aws.store.application_creations(&caller.sub).await?;
    within_quota(
        state,
        Quota::Applications,
        created.iter().map(String::as_str),
    )?;

    let id = uuid::Uuid::new_v4().to_string();
    let now = state.now();
    let app = ApplicationItem::new(
        id.clone(),
        caller.sub.clone(),
        crate::state::format_timestamp(now),
        applicant,
        key.clone(),
    );
    let idempotency = key.as_ref().map(|key| {
        IdempotencyItem::new(
            &caller.sub,
            key,
            id.clone(),
            now.unix_timestamp() + IDEMPOTENCY_TTL_SECS,
        )
    });
    let mut draft = audit::draft(
        state,
        EventKind::ApplicationCreated,
        audit::applicant(&caller.sub),
    );
    draft.inputs =
        json!({ "declaredApplicant": app.applicant.is_some(), "idempotencyKey": key.is_some() });
    draft.state_after = Some(audit::state_name(
        lendverify_core::review::IdentityState::None,
    ));
    // The application, its idempotency key when one is given (so a replayed request can never
    // create a second application) and its event, in one transaction.
    let mut change = state.aws.store.new_item(&app)?;
    if let Some(idempotency) = &idempotency {
        change = state.aws.store.new_item(idempotency)?.and(change);
    }
    let lost_race = match audit::record(state, &id, change, draft).await {
        Ok(Some(_)) => None,
        // Concurrent requests with one key: another one won (its condition held) or is writing
        // (DynamoDB cancelled this transaction as conflicting). Answer with its application.
        Ok(None) if key.is_some() => Some(AwsError::ConditionFailed),
        Err(err @ AwsError::Unavailable { .. }) if key.is_some() => Some(err),
        // A fresh random id that exists already cannot happen: ours.
        Ok(None) => return Err(AwsError::ConditionFailed.into()),
        Err(err) => return Err(err.into()),
    };
    if let Some(err) = lost_race {
        let key = key.as_deref().unwrap_or_default();
        let existing = await_stored_answer(state, &caller, key, err).await?;
        return web::json(201, &created_body(&existing, derive_status(None, None)));
    }
    tracing::info!(application_id = %id, "application created");
    web::json(201, &created_body(&app, derive_status(None, None)))
}

/// How long a request that lost an `Idempotency-Key` race waits for the winner's application:
/// the winner's transaction has committed or is committing, so its answer is normally there at
/// the first look; these delays cover a winner slowed by retries.
const IDEMPOTENCY_RACE_WAITS_MS: [u64; 5] = [0, 50, 150, 300, 500];

/// The application the winner of an `Idempotency-Key` race stored. Every racer gets the same
/// answer as the first request; only if the winner failed too (nothing stored after the waits)
/// is this a 503 with `Retry-After`, and the retry then creates the application.
async fn await_stored_answer(
    state: &AppState,
    caller: &Caller,
    key: &str,
    lost_race: AwsError,
) -> Result<ApplicationItem, ApiError> {
    for wait_ms in IDEMPOTENCY_RACE_WAITS_MS {
        tokio::time::sleep(std::time::Duration::from_millis(wait_ms)).await;
        if let Some(existing) = replay(state, caller, key).await? {
            return Ok(existing);
        }
    }
    Err(match lost_race {
        AwsError::ConditionFailed => ApiError::ServiceUnavailable {
            retry_after_secs: 1,
        },
        other => other.into(),
    })
}

async fn replay(
    state: &AppState,
    caller: &Caller,
    key: &str,
) -> Result<Option<ApplicationItem>, ApiError> {
    let Some(record) = state.aws.store.idempotency(&caller.sub, key).await? else {
        return Ok(None);
    };
    if record.expires_at < state.now().unix_timestamp() {
        return Ok(None);
    }
    Ok(state
        .aws
        .store
        .get_application(&record.application_id)
        .await?
        .filter(|app| app.owner_sub == caller.sub))
}

pub async fn list(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let caller = web::caller(req)?;
    let apps = state.aws.store.owned_applications(&caller.sub).await?;
    let summaries: Vec<_> = apps
        .iter()
        .map(|a| json!({ "applicationId": a.application_id, "createdAt": a.created_at }))
        .collect();
    web::json(200, &json!({ "applications": summaries }))
}

/// The whole state of one application, as its owner sees it. Raw liveness confidence and
/// similarity scores stay in the table.
pub fn view(items: &ApplicationItems) -> serde_json::Value {
    let Some(app) = &items.application else {
        return json!(null);
    };
    let liveness = items.latest_liveness();
    let identity = items.latest_verification();
    // A reviewer's decision replaces NEEDS_REVIEW.
    let decision = audit::identity_state(items).decision();
    let status = derive_status(liveness.map(|l| l.status), decision);
    let mut documents: Vec<_> = items.documents.iter().collect();
    documents.sort_by(|a, b| a.created_at.cmp(&b.created_at));
    json!({
        "applicationId": app.application_id,
        "status": status,
        "createdAt": app.created_at,
        "applicant": app.applicant,
        "consent": app.consent,
        "liveness": liveness.map(|l| json!({ "sessionId": l.session_id, "status": l.status })),
        "identity": identity.map(|v| crate::identity::view_reviewed(v, items.review_of(&v.verification_id))),
        "documents": documents.iter().map(|d| json!({
            "documentId": d.document_id,
            "status": d.status,
            "documentGroups": d.document_groups,
        })).collect::<Vec<_>>(),
    })
}

pub async fn get(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let caller = web::caller(req)?;
    let (_, items) = owned_application(state, &caller, req).await?;
    web::json(200, &view(&items))
}

/// Records consent to biometric processing on the application. Repeating it for the same policy
/// version keeps the first timestamp; a new version is recorded with a new one.
pub async fn consent(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let caller = web::caller(req)?;
    let policy_version = application::parse_consent_request(web::json_body(req)?)?;
    let (id, items) = owned_application(state, &caller, req).await?;
    let Some(app) = items.application else {
        return Err(ApiError::NotFound {
            resource: "application",
        });
    };
    let consent = match &app.consent {
        Some(existing) if existing.policy_version == policy_version => existing.clone(),
        _ => {
            let consent = application::Consent {
                policy_version,
                given_at: state.timestamp(),
            };
            let updated = ApplicationItem {
                consent: Some(consent.clone()),
                ..app
            };
            let mut draft = audit::draft(
                state,
                EventKind::ConsentGiven,
                audit::applicant(&caller.sub),
            );
            draft.inputs = json!({ "policyVersion": consent.policy_version });
            let change = state.aws.store.existing_replaced(&updated)?;
            // Refused: the application was erased meanwhile.
            if audit::record(state, &id, change, draft).await?.is_none() {
                return Err(ApiError::NotFound {
                    resource: "application",
                });
            }
            tracing::info!(application_id = %id, policy_version = %consent.policy_version, "consent recorded");
            consent
        }
    };
    web::json(200, &json!({ "applicationId": id, "consent": consent }))
}

/// `GET /applications/{applicationId}/events`: the application's audit trail as its owner sees
/// it (no inputs, thresholds or scores, no reviewer identity), and whether the chain verifies
/// up to its stored head.
pub async fn events(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let caller = web::caller(req)?;
    let (id, _) = owned_application(state, &caller, req).await?;
    let (events, head) = tokio::try_join!(state.aws.audit.events(&id), state.aws.audit.head(&id))?;
    let verified = verify_chain(&id, &events, head.as_ref());
    if let Err(err) = &verified {
        tracing::error!(application_id = %id, error = %err, "audit chain does not verify");
    }
    let views: Vec<_> = events
        .iter()
        .filter_map(|e| e.record().ok())
        .map(|r| r.applicant_view())
        .collect();
    web::json(
        200,
        &json!({ "applicationId": id, "events": views, "chainVerified": verified.is_ok() }),
    )
}
