//! The append-only audit trail: every state change of an application is an event, and the
//! events of one application form a SHA-256 hash chain.
//!
//! Each event's body is a canonical JSON document that names the application, its sequence
//! number and the hash of the previous event; the event's hash is the SHA-256 of that body. The
//! store keeps the body string exactly as it was hashed, so verification never depends on
//! re-serialising anything: [`verify_chain`] re-hashes each stored body, checks each link and
//! compares the end of the chain with the separately stored head. A changed body, a changed
//! hash, a missing or reordered event, another application's event or a cut-off tail each
//! break one of those checks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// `prevHash` of an application's first event: there is no previous event, and 64 zeros (the
/// length of a hex SHA-256) cannot be the hash of any body.
pub const GENESIS_PREV_HASH: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// Who caused a state change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum Actor {
    /// The applicant, by their Cognito `sub`.
    Applicant {
        /// Cognito `sub`.
        sub: String,
    },
    /// A member of the reviewers group, by their Cognito `sub`.
    Reviewer {
        /// Cognito `sub`.
        sub: String,
    },
    /// LendVerify itself, e.g. the document-analysis consumer.
    System,
}

impl Actor {
    /// The kind of actor without their identity, which is all an applicant is shown.
    pub fn actor_type(&self) -> ActorType {
        match self {
            Actor::Applicant { .. } => ActorType::Applicant,
            Actor::Reviewer { .. } => ActorType::Reviewer,
            Actor::System => ActorType::System,
        }
    }
}

/// [`Actor`] without the `sub`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorType {
    /// The applicant.
    Applicant,
    /// A reviewer.
    Reviewer,
    /// LendVerify itself.
    System,
}

/// What happened. The dotted names are stored in every event and are part of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventKind {
    /// `POST /applications` created the application.
    #[serde(rename = "application.created")]
    ApplicationCreated,
    /// The applicant gave consent.
    #[serde(rename = "consent.given")]
    ConsentGiven,
    /// A liveness session's result was decided.
    #[serde(rename = "liveness.decided")]
    LivenessDecided,
    /// The applicant was locked out of liveness after repeated failures.
    #[serde(rename = "liveness.locked_out")]
    LivenessLockedOut,
    /// An identity verification attempt was decided.
    #[serde(rename = "identity.decided")]
    IdentityDecided,
    /// A reviewer decided a NEEDS_REVIEW case.
    #[serde(rename = "review.decided")]
    ReviewDecided,
    /// A lending document's analysis completed.
    #[serde(rename = "document.analysed")]
    DocumentAnalysed,
    /// The applicant asked for their data to be erased.
    #[serde(rename = "erasure.requested")]
    ErasureRequested,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [EventKind; 8] = [
        EventKind::ApplicationCreated,
        EventKind::ConsentGiven,
        EventKind::LivenessDecided,
        EventKind::LivenessLockedOut,
        EventKind::IdentityDecided,
        EventKind::ReviewDecided,
        EventKind::DocumentAnalysed,
        EventKind::ErasureRequested,
    ];

    /// The dotted name, as stored (the serde names are the one definition).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ApplicationCreated => "application.created",
            EventKind::ConsentGiven => "consent.given",
            EventKind::LivenessDecided => "liveness.decided",
            EventKind::LivenessLockedOut => "liveness.locked_out",
            EventKind::IdentityDecided => "identity.decided",
            EventKind::ReviewDecided => "review.decided",
            EventKind::DocumentAnalysed => "document.analysed",
            EventKind::ErasureRequested => "erasure.requested",
        }
    }
}

/// A state change before it is placed in the chain: everything the handler knows. The chain
/// position (sequence number, previous hash) is added by [`AuditEvent::next`].
#[derive(Debug, Clone, PartialEq)]
pub struct EventDraft {
    /// What happened.
    pub kind: EventKind,
    /// Who caused it.
    pub actor: Actor,
    /// When it happened.
    pub at: OffsetDateTime,
    /// The decision's inputs (scores, extracted values, ids), whatever shape the kind needs;
    /// `Value::Null` when there are none. Raw inputs are for reviewers only.
    pub inputs: Value,
    /// The thresholds in force; `Value::Null` when none apply. Reviewers only.
    pub thresholds: Value,
    /// Model versions the Rekognition/Textract responses reported, by response field name.
    pub model_versions: BTreeMap<String, String>,
    /// Reason codes of the decision, if any.
    pub reason_codes: Vec<String>,
    /// The state before the change, e.g. `NEEDS_REVIEW`.
    pub state_before: Option<String>,
    /// The state after the change, e.g. `APPROVED`.
    pub state_after: Option<String>,
}

impl EventDraft {
    /// A draft with no inputs, thresholds, model versions, reasons or states; set what applies.
    pub fn new(kind: EventKind, actor: Actor, at: OffsetDateTime) -> EventDraft {
        EventDraft {
            kind,
            actor,
            at,
            inputs: Value::Null,
            thresholds: Value::Null,
            model_versions: BTreeMap::new(),
            reason_codes: Vec::new(),
            state_before: None,
            state_after: None,
        }
    }
}

/// The end of an application's chain, stored as the `HEAD` item: the last event's sequence
/// number and hash. Appends are conditional on it, and verification compares the chain's end
/// with it to detect a cut-off tail.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChainHead {
    /// Sequence number of the last event (the first event is 1).
    pub seq: u64,
    /// Hex SHA-256 of the last event's body.
    pub hash: String,
}

/// One event as stored: the canonical body string that was hashed, its hash and its sequence
/// number (also inside the body; stored separately as the sort key).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Position in the application's chain, from 1.
    pub seq: u64,
    /// Canonical JSON of the [`EventBody`], exactly as hashed.
    pub body: String,
    /// Lower-case hex SHA-256 of `body`.
    pub hash: String,
}

/// The hashed content of an event. Field order is fixed by this struct and JSON object keys
/// inside `inputs` and `thresholds` are sorted, so one event has exactly one body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventBody {
    /// The application the event belongs to: an event copied into another chain does not verify.
    pub application_id: String,
    /// Position in the chain, from 1.
    pub seq: u64,
    /// Hash of the previous event, or [`GENESIS_PREV_HASH`] for the first.
    pub prev_hash: String,
    /// What happened.
    pub kind: EventKind,
    /// Who caused it.
    pub actor: Actor,
    /// When it happened (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// See [`EventDraft::inputs`].
    pub inputs: Value,
    /// See [`EventDraft::thresholds`].
    pub thresholds: Value,
    /// See [`EventDraft::model_versions`].
    pub model_versions: BTreeMap<String, String>,
    /// See [`EventDraft::reason_codes`].
    pub reason_codes: Vec<String>,
    /// See [`EventDraft::state_before`].
    pub state_before: Option<String>,
    /// See [`EventDraft::state_after`].
    pub state_after: Option<String>,
}

/// An event read back: its parsed body and its hash. Serialised for reviewers, it shows
/// everything (`GET /review/cases/{id}/events`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRecord {
    /// Hex SHA-256 of the stored body.
    pub hash: String,
    /// The hashed content.
    #[serde(flatten)]
    pub body: EventBody,
}

/// What an applicant sees of an event (`GET /applications/{id}/events`): what happened, when,
/// what kind of actor, why and the states, with the chain position so they can quote it. No
/// inputs, thresholds, scores, model versions or reviewer identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicantEvent {
    /// Position in the chain.
    pub seq: u64,
    /// Hex SHA-256 of the stored body.
    pub hash: String,
    /// What happened.
    pub kind: EventKind,
    /// When it happened (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who caused it, without their identity.
    pub actor: ActorType,
    /// Reason codes of the decision.
    pub reason_codes: Vec<String>,
    /// The state before the change.
    pub state_before: Option<String>,
    /// The state after the change.
    pub state_after: Option<String>,
}

impl EventRecord {
    /// The applicant's view of this event.
    pub fn applicant_view(&self) -> ApplicantEvent {
        ApplicantEvent {
            seq: self.body.seq,
            hash: self.hash.clone(),
            kind: self.body.kind,
            at: self.body.at,
            actor: self.body.actor.actor_type(),
            reason_codes: self.body.reason_codes.clone(),
            state_before: self.body.state_before.clone(),
            state_after: self.body.state_after.clone(),
        }
    }
}

/// Lower-case hex SHA-256 of `body`.
pub fn hash_body(body: &str) -> String {
    Sha256::digest(body.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Rebuilds every JSON object with its keys inserted in sorted order, so the body is the same
/// whether or not `serde_json`'s `preserve_order` feature is on somewhere in the build.
fn canonical(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<String, Value> =
                map.into_iter().map(|(k, v)| (k, canonical(v))).collect();
            Value::Object(sorted.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

impl AuditEvent {
    /// The event that follows `head` in `application_id`'s chain (the first event when `head`
    /// is `None`).
    pub fn next(application_id: &str, head: Option<&ChainHead>, draft: EventDraft) -> AuditEvent {
        let (seq, prev_hash) = match head {
            Some(head) => (head.seq + 1, head.hash.clone()),
            None => (1, GENESIS_PREV_HASH.to_owned()),
        };
        let body = EventBody {
            application_id: application_id.to_owned(),
            seq,
            prev_hash,
            kind: draft.kind,
            actor: draft.actor,
            at: draft.at,
            inputs: canonical(draft.inputs),
            thresholds: canonical(draft.thresholds),
            model_versions: draft.model_versions,
            reason_codes: draft.reason_codes,
            state_before: draft.state_before,
            state_after: draft.state_after,
        };
        // Serialising plain structs, maps with string keys and JSON values cannot fail.
        let body = serde_json::to_string(&body).expect("an event body serialises");
        let hash = hash_body(&body);
        AuditEvent { seq, body, hash }
    }

    /// The head of a chain that ends with this event.
    pub fn head(&self) -> ChainHead {
        ChainHead {
            seq: self.seq,
            hash: self.hash.clone(),
        }
    }

    /// Parses the stored body. Does not check the hash; [`verify_chain`] does.
    pub fn record(&self) -> Result<EventRecord, serde_json::Error> {
        Ok(EventRecord {
            hash: self.hash.clone(),
            body: serde_json::from_str(&self.body)?,
        })
    }
}

/// Why a chain does not verify; names the first event that fails (by its position in the
/// chain, counting from 1) so an investigation knows where to look.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The stored hash is not the SHA-256 of the stored body: one of them was changed.
    #[error("event {seq}: the hash does not match the body")]
    HashMismatch {
        /// The event's stored sequence number.
        seq: u64,
    },
    /// The body is not an event body.
    #[error("event {seq}: the body cannot be read: {reason}")]
    MalformedBody {
        /// The event's stored sequence number.
        seq: u64,
        /// The parse error.
        reason: String,
    },
    /// The event names another application.
    #[error("event {seq}: belongs to another application")]
    WrongApplication {
        /// The event's stored sequence number.
        seq: u64,
    },
    /// The stored sequence number differs from the one in the hashed body.
    #[error("event {seq}: the stored sequence number differs from the body's {body_seq}")]
    SeqMismatch {
        /// The event's stored sequence number.
        seq: u64,
        /// The sequence number inside the body.
        body_seq: u64,
    },
    /// The events are not consecutive from 1: one is missing or they are out of order.
    #[error("expected event {expected}, found event {found}: an event is missing or out of order")]
    Sequence {
        /// The sequence number due at this position.
        expected: u64,
        /// The one found there.
        found: u64,
    },
    /// The event's `prevHash` is not the previous event's hash.
    #[error("event {seq}: does not link to the previous event")]
    BrokenLink {
        /// The event's sequence number.
        seq: u64,
    },
    /// The chain does not end where the head says: the tail was cut off, or the last event
    /// was replaced.
    #[error("the chain ends at event {last_seq} but the head is event {head_seq}")]
    HeadMismatch {
        /// Sequence number of the head.
        head_seq: u64,
        /// Sequence number of the chain's last event (0 for no events).
        last_seq: u64,
    },
}

/// Proves `events` (in stored order) are `application_id`'s unbroken chain from its first
/// event, and, when `head` is given, that the chain ends at the head. Returns the head the
/// chain ends at (`seq` 0 and [`GENESIS_PREV_HASH`] for no events).
///
/// Without a head, a cut-off tail cannot be told from a shorter chain; pass the stored head
/// whenever it was read.
pub fn verify_chain(
    application_id: &str,
    events: &[AuditEvent],
    head: Option<&ChainHead>,
) -> Result<ChainHead, ChainError> {
    let mut end = ChainHead {
        seq: 0,
        hash: GENESIS_PREV_HASH.to_owned(),
    };
    for event in events {
        if hash_body(&event.body) != event.hash {
            return Err(ChainError::HashMismatch { seq: event.seq });
        }
        let body: EventBody =
            serde_json::from_str(&event.body).map_err(|e| ChainError::MalformedBody {
                seq: event.seq,
                reason: e.to_string(),
            })?;
        if body.application_id != application_id {
            return Err(ChainError::WrongApplication { seq: event.seq });
        }
        if body.seq != event.seq {
            return Err(ChainError::SeqMismatch {
                seq: event.seq,
                body_seq: body.seq,
            });
        }
        if body.seq != end.seq + 1 {
            return Err(ChainError::Sequence {
                expected: end.seq + 1,
                found: body.seq,
            });
        }
        if body.prev_hash != end.hash {
            return Err(ChainError::BrokenLink { seq: body.seq });
        }
        end = event.head();
    }
    match head {
        Some(head) if *head != end => Err(ChainError::HeadMismatch {
            head_seq: head.seq,
            last_seq: end.seq,
        }),
        _ => Ok(end),
    }
}
