//! Appending to the audit trail, and the identity state every event names.
//!
//! Every state change appends one event (`lendverify_core::audit`) after the change itself was
//! written: an event never describes a change that did not happen. If the append fails, the
//! request fails with it (503 or 500), so the gap is seen, logged at error level and retried.

use lendverify_aws::records::ApplicationItems;
use lendverify_aws::AwsError;
use lendverify_core::audit::{Actor, AuditEvent, EventDraft, EventKind};
use lendverify_core::review::IdentityState;
use lendverify_core::webhook::DecisionEvent;

use crate::state::AppState;

/// Appends `draft` to the application's chain.
pub async fn append(
    state: &AppState,
    application_id: &str,
    draft: EventDraft,
) -> Result<AuditEvent, AwsError> {
    let retention_secs = i64::from(state.settings.audit_retention_days) * 24 * 60 * 60;
    let expires_at = state.now().unix_timestamp() + retention_secs;
    match state
        .aws
        .audit
        .append(application_id, &draft, expires_at)
        .await
    {
        Ok(event) => {
            tracing::info!(
                application_id,
                seq = event.seq,
                kind = draft.kind.as_str(),
                "audit event appended"
            );
            Ok(event)
        }
        Err(err) => {
            tracing::error!(application_id, kind = draft.kind.as_str(), error = %err, "audit event NOT appended after its state change");
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
/// decided, so publishing again (a retried request) is delivered once per endpoint.
pub async fn publish(state: &AppState, event: &DecisionEvent) -> Result<(), AwsError> {
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
