//! Erasure as a state machine, not a delete: `DELETE /applications/{applicationId}`
//! (`erase-application`) and the late-write sweep (`sweep-erasures`, on a schedule).
//!
//! 1. **Tombstone.** Unless a lending analysis is still running (409 `analysis-running`: its
//!    output would land after the erasure), the tombstone is written with the
//!    `erasure.requested` event in one transaction. From then on every other route answers 404,
//!    and every state change of the application is refused by its condition that no tombstone
//!    exists (`lendverify_aws::store::Store`), the consumer's included.
//! 2. **Evidence.** A decided application's evidence (the ID images and liveness reference at the
//!    versions its decision read, the liveness audit images, and a record of the decision with
//!    its audit events) is copied to the evidence bucket, where Object Lock keeps it for the
//!    environment's evidence retention; the tombstone records the keys.
//! 3. **Erase.** Every object version under the application's prefix, in every bucket, and every
//!    item of the application (its `Idempotency-Key` record too) is deleted.
//! 4. **Sweep.** The tombstone becomes `ERASED` with the sweep due once an upload URL issued just
//!    before, or a job started before, can no longer write; the sweep deletes whatever they wrote.
//!
//! Every step can be repeated: the owner's repeated DELETE resumes an interrupted erasure.

use lambda_http::{Body, Request, Response};
use lendverify_aws::records::{ApplicationItem, ApplicationItems, ErasureItem, ErasureState};
use lendverify_aws::{AwsError, AwsSettings};
use lendverify_core::audit::EventKind;
use lendverify_core::error::problems;
use lendverify_core::ids::parse_path_id;
use lendverify_core::ApiError;
use serde_json::json;

use crate::audit;
use crate::state::{format_timestamp, AppState};
use crate::web;

/// The evidence record's name under the application's prefix in the evidence bucket.
pub const EVIDENCE_RECORD: &str = "evidence/decision-record.json";

/// `DELETE /applications/{applicationId}`.
pub async fn erase(state: &AppState, req: &Request) -> Result<Response<Body>, ApiError> {
    let caller = web::caller(req)?;
    let id = parse_path_id("application", &web::path_param(req, "applicationId")?)?;
    let items = state.aws.store.application_items(&id).await?;
    let tombstone = match (&items.erasure, &items.application) {
        // Only the owner who asked may resume; to anyone else the application does not exist.
        (Some(tombstone), _) if tombstone.owner_sub == caller.sub => tombstone.clone(),
        (None, Some(app)) if app.owner_sub == caller.sub => begin(state, app, &items).await?,
        _ => {
            return Err(ApiError::NotFound {
                resource: "application",
            })
        }
    };
    if tombstone.state == ErasureState::Erased {
        return web::no_content();
    }
    let erased = finish(state, tombstone, &items).await?;
    tracing::info!(
        application_id = %id,
        objects_deleted = erased.objects_deleted,
        items_deleted = erased.items_deleted,
        evidence_kept = erased.evidence_keys.len(),
        sweep_at = erased.sweep_at.as_deref().unwrap_or_default(),
        "application erased"
    );
    web::no_content()
}

/// Step 1: the tombstone and its event; a concurrent DELETE's tombstone is resumed instead.
async fn begin(
    state: &AppState,
    app: &ApplicationItem,
    items: &ApplicationItems,
) -> Result<ErasureItem, ApiError> {
    let (id, owner_sub) = (app.application_id.as_str(), app.owner_sub.as_str());
    if items.analysis_running() {
        return Err(ApiError::StateConflict {
            problem: problems::ANALYSIS_RUNNING,
            detail: "a lending analysis of this application is still running; erase it once \
                     the analysis has ended (GET .../documents/{documentId} says when)"
                .into(),
        });
    }
    let tombstone = ErasureItem::requested(app, state.timestamp());
    let mut draft = audit::draft(
        state,
        EventKind::ErasureRequested,
        audit::applicant(owner_sub),
    );
    draft.state_before = Some(audit::state_name(audit::identity_state(items)));
    draft.state_after = Some("ERASING".into());
    let change = state.aws.store.new_item(&tombstone)?;
    if audit::record(state, id, change, draft).await?.is_some() {
        return Ok(tombstone);
    }
    // Refused: a concurrent DELETE wrote its tombstone first; this one carries on with it.
    state.aws.store.erasure(id).await?.ok_or(ApiError::Internal)
}

/// Steps 2 to 4, each safe to repeat.
async fn finish(
    state: &AppState,
    tombstone: ErasureItem,
    items: &ApplicationItems,
) -> Result<ErasureItem, AwsError> {
    let id = tombstone.application_id.clone();
    // The evidence keys are stored before anything is deleted, so a resumed erasure, which no
    // longer finds the decision's items, still knows what it kept.
    let tombstone = if tombstone.evidence_keys.is_empty() {
        let evidence_keys = keep_evidence(state, &id, items).await?;
        if evidence_keys.is_empty() {
            tombstone
        } else {
            let kept = ErasureItem {
                evidence_keys,
                ..tombstone
            };
            state.aws.store.put(&kept).await?;
            kept
        }
    } else {
        tombstone
    };
    let objects_deleted = erase_objects(state, &id).await?;
    let items_deleted = state.aws.store.delete_application(items).await?;
    let sweep_at = format_timestamp(state.now() + state.settings.late_write_window());
    let erased = tombstone.erased(objects_deleted, items_deleted, sweep_at);
    state.aws.store.put(&erased).await?;
    Ok(erased)
}

/// Step 2: copies a decided application's evidence to the evidence bucket, under the same keys
/// as at their source, and writes the decision record beside them; the keys written (a source
/// that is gone is named in the record instead). Nothing
/// without an identity decision: there is no decision to keep records of.
async fn keep_evidence(
    state: &AppState,
    id: &str,
    items: &ApplicationItems,
) -> Result<Vec<String>, AwsError> {
    let settings = &state.aws.settings;
    let objects = items.evidence_objects(&settings.biometrics_bucket);
    if objects.is_empty() {
        return Ok(Vec::new());
    }
    let mut keys = Vec::with_capacity(objects.len() + 1);
    let mut missing = Vec::new();
    for object in &objects {
        let copied = state
            .aws
            .objects
            .copy_to_evidence(object, &settings.evidence_bucket, &object.key)
            .await?;
        if copied {
            keys.push(object.key.clone());
        } else {
            tracing::warn!(application_id = %id, key = %object.key, "an evidence object is gone; the record says so");
            missing.push(object.key.clone());
        }
    }
    let events = state.aws.audit.events(id).await?;
    let record = json!({
        "applicationId": id,
        "keptAt": state.timestamp(),
        "application": items.application,
        "liveness": items.liveness,
        "uploads": items.uploads,
        "verifications": items.verifications,
        "reviews": items.reviews,
        // The chain as stored: `lendverify_core::audit::verify_chain` proves it from these.
        "auditEvents": events
            .iter()
            .map(|e| json!({ "seq": e.seq, "body": e.body, "hash": e.hash }))
            .collect::<Vec<_>>(),
        "objects": objects
            .iter()
            .map(|o| json!({ "sourceBucket": o.bucket, "key": o.key, "sourceVersion": o.version }))
            .collect::<Vec<_>>(),
        // Read by the decision but no longer stored when the erasure kept the evidence.
        "missingObjects": missing,
    });
    let key = format!("{}{EVIDENCE_RECORD}", AwsSettings::application_prefix(id));
    let body = serde_json::to_vec_pretty(&record).map_err(|_| {
        AwsError::malformed(lendverify_aws::error::Op::PutEvidence, "evidence record")
    })?;
    state
        .aws
        .objects
        .put_evidence_record(&settings.evidence_bucket, &key, body)
        .await?;
    keys.push(key);
    Ok(keys)
}

/// Every version and delete marker under the application's prefix, in every bucket.
async fn erase_objects(state: &AppState, id: &str) -> Result<u32, AwsError> {
    let prefix = AwsSettings::application_prefix(id);
    let mut deleted = 0;
    for bucket in state.aws.settings.buckets() {
        deleted += state.aws.objects.erase_prefix(bucket, &prefix).await?;
    }
    Ok(deleted)
}

/// What one sweep did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SweepReport {
    pub erasures_swept: u32,
    pub objects_deleted: u32,
    pub items_deleted: u32,
}

/// `sweep-erasures`: for every erasure whose sweep is due, deletes whatever was written under the
/// application's prefix and partition after it (an upload through a URL issued before it, a
/// liveness session's images, a Textract job's output, an item put by a request that raced
/// it), then takes the erasure off the sweep index. An error stops the sweep; the next run
/// (or the scheduler's retry) repeats the erasures still due.
pub async fn sweep(state: &AppState) -> Result<SweepReport, AwsError> {
    let now = state.timestamp();
    let mut report = SweepReport::default();
    for tombstone in state.aws.store.erasures_due(&now).await? {
        let id = tombstone.application_id.clone();
        let objects_deleted = erase_objects(state, &id).await?;
        let items = state.aws.store.application_items(&id).await?;
        let items_deleted = state.aws.store.delete_application(&items).await?;
        state
            .aws
            .store
            .put(&tombstone.swept(now.clone(), objects_deleted, items_deleted))
            .await?;
        if objects_deleted + items_deleted > 0 {
            tracing::warn!(application_id = %id, objects_deleted, items_deleted, "late writes after an erasure deleted");
        }
        report.erasures_swept += 1;
        report.objects_deleted += objects_deleted;
        report.items_deleted += items_deleted;
    }
    tracing::info!(
        erasures_swept = report.erasures_swept,
        objects_deleted = report.objects_deleted,
        items_deleted = report.items_deleted,
        "erasure sweep done"
    );
    Ok(report)
}
