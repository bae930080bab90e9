//! Appending to the audit trail, and the identity state every event names.
//!
//! Every state change is written in one transaction with the event that describes it
//! (`lendverify_core::audit`, `lendverify_aws::audit_log::Change`): there is never a change
//! without its event, nor an event without its change. If the transaction fails, the request
//! fails with it (503 or 500) and nothing is stored, so the retry makes both.
//!
//! Decision events for lenders are published after that transaction, and again by every retry
//! that finds the decision stored (a replayed request, a redelivered message): the event's id
//! derives from what was decided, so the dispatcher delivers it once per endpoint however often
//! it is published.

use lendverify_aws::audit_log::{Appended, Change};
use lendverify_aws::records::ApplicationItems;
use lendverify_aws::AwsError;
use lendverify_core::audit::{Actor, AuditEvent, EventDraft, EventKind};
use lendverify_core::review::IdentityState;
use lendverify_core::webhook::{DecisionEvent, DecisionEventType};

use crate::state::AppState;

/// Appends `draft` to the application's chain, on its own (the events no stored change carries:
/// an erasure, whose items are gone).
pub async fn append(
    state: &AppState,
    application_id: &str,
    draft: EventDraft,
) -> Result<AuditEvent, AwsError> {
    match record(state, application_id, Change::none(), draft).await? {
        Some(event) => Ok(event),
        None => Err(AwsError::ConditionFailed),
    }
}

/// Writes `change` and appends `draft`, its event, in one transaction; `None` if a condition of
/// the change did not hold (nothing was written: another request made the change first, or the
/// item is gone).
pub async fn record(
    state: &AppState,
    application_id: &str,
    change: Change,
    draft: EventDraft,
) -> Result<Option<AuditEvent>, AwsError> {
    let retention_secs = i64::from(state.settings.audit_retention_days) * 24 * 60 * 60;
    let expires_at = state.now().unix_timestamp() + retention_secs;
    let kind = draft.kind.as_str();
    match state
        .aws
        .audit
        .record(application_id, change, &draft, expires_at)
        .await
    {
        Ok(Appended::Recorded(event)) => {
            tracing::info!(
                application_id,
                seq = event.seq,
                kind,
                "state change and its audit event recorded"
            );
            Ok(Some(event))
        }
        Ok(Appended::ChangeRefused) => {
            tracing::info!(
                application_id,
                kind,
                "state change refused by its condition; nothing recorded"
            );
            Ok(None)
        }
        Err(err) => {
            tracing::warn!(application_id, kind, error = %err, "state change and its audit event NOT recorded");
            Err(err)
        }
    }
}

/// A draft of `kind` by `actor`, now.
pub fn draft(state: &AppState, kind: EventKind, actor: Actor) -> EventDraft {
    EventDraft::new(kind, actor, state.now())
}

pub fn applicant(sub: &str) -> Actor {
    Actor::Applicant {
        sub: sub.to_string(),
    }
}

pub fn reviewer(sub: &str) -> Actor {
    Actor::Reviewer {
        sub: sub.to_string(),
    }
}

/// The application's identity state: its latest decision and the review of it, if any.
pub fn identity_state(items: &ApplicationItems) -> IdentityState {
    let latest = items.latest_verification();
    let review = latest
        .and_then(|v| items.review_of(&v.verification_id))
        .map(|r| r.decision);
    IdentityState::from_decisions(latest.map(|v| v.decision), review)
}

/// How events name an identity state.
pub fn state_name(state: IdentityState) -> String {
    match state {
        IdentityState::None => "NONE".into(),
        IdentityState::Approved => "APPROVED".into(),
        IdentityState::Rejected => "REJECTED".into(),
        IdentityState::NeedsReview => "NEEDS_REVIEW".into(),
        IdentityState::Reviewed(decision) => format!("REVIEWED_{}", decision.as_str()),
    }
}

/// Publishes a decision event to the lenders' topic. The event id derives from what was
/// decided (`kind` and `subject_id`), so publishing again (a retried request) is delivered once
/// per endpoint; its time is the decision's as stored (`decided_at`, RFC 3339), so every
/// publication of it is the same event.
pub async fn publish(
    state: &AppState,
    kind: DecisionEventType,
    subject_id: &str,
    application_id: &str,
    decided_at: Option<&str>,
    data: serde_json::Value,
) -> Result<(), AwsError> {
    let at = decided_at
        .and_then(crate::state::parse_timestamp)
        .unwrap_or_else(|| state.now());
    let event = &DecisionEvent::new(kind, subject_id, application_id, at, data);
    match state.aws.decision_events.publish(event).await {
        Ok(()) => {
            tracing::info!(application_id = %event.application_id, event_id = %event.id, kind = event.kind.as_str(), "decision event published");
            Ok(())
        }
        Err(err) => {
            tracing::error!(application_id = %event.application_id, event_id = %event.id, error = %err, "decision event NOT published");
            Err(err)
        }
    }
}
