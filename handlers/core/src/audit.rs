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

impl ChainHead {
    /// The head of a chain without events: sequence 0 and [`GENESIS_PREV_HASH`]. Appending to
    /// it is the same as appending with no head.
    pub fn genesis() -> ChainHead {
        ChainHead {
            seq: 0,
            hash: GENESIS_PREV_HASH.to_owned(),
        }
    }
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
/// chain ends at ([`ChainHead::genesis`] for no events).
///
/// Without a head, a cut-off tail cannot be told from a shorter chain; pass the stored head
/// whenever it was read.
pub fn verify_chain(
    application_id: &str,
    events: &[AuditEvent],
    head: Option<&ChainHead>,
) -> Result<ChainHead, ChainError> {
    let mut end = ChainHead::genesis();
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;
    use time::macros::datetime;

    const APP: &str = "0b5e3a4c-8a51-4c55-9d3e-0a4f6c1d2e3f";

    fn draft(kind: EventKind, n: i64) -> EventDraft {
        EventDraft {
            inputs: json!({ "similarity": 97, "sessionId": format!("s-{n}") }),
            thresholds: json!({ "faceSimilarity": 99 }),
            reason_codes: vec!["FACE_SIMILARITY_BORDERLINE".to_owned()],
            state_before: Some("NONE".to_owned()),
            state_after: Some("NEEDS_REVIEW".to_owned()),
            ..EventDraft::new(
                kind,
                Actor::Applicant {
                    sub: "applicant-sub".to_owned(),
                },
                OffsetDateTime::from_unix_timestamp(1_780_000_000 + n).unwrap(),
            )
        }
    }

    /// A chain of `n` events of `application_id` and its head.
    fn chain(application_id: &str, n: usize) -> (Vec<AuditEvent>, ChainHead) {
        let mut events: Vec<AuditEvent> = Vec::new();
        for i in 0..n {
            let head = events.last().map(AuditEvent::head);
            let kind = EventKind::ALL[i % EventKind::ALL.len()];
            events.push(AuditEvent::next(
                application_id,
                head.as_ref(),
                draft(kind, i as i64),
            ));
        }
        let head = events
            .last()
            .map(AuditEvent::head)
            .unwrap_or_else(ChainHead::genesis);
        (events, head)
    }

    #[test]
    fn hash_is_hex_sha256() {
        assert_eq!(
            hash_body("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(GENESIS_PREV_HASH.len(), hash_body("").len());
        assert!(GENESIS_PREV_HASH.bytes().all(|b| b == b'0'));
    }

    #[test]
    fn the_body_is_canonical_json_in_a_fixed_order() {
        let mut draft = EventDraft::new(
            EventKind::ReviewDecided,
            Actor::Reviewer {
                sub: "rev".to_owned(),
            },
            datetime!(2026-11-30 16:00:00 UTC),
        );
        draft.inputs = json!({ "b": 1, "a": { "d": [ { "z": 1, "y": 2 } ], "c": 2 } });
        draft.model_versions = [
            ("b".to_owned(), "2".to_owned()),
            ("a".to_owned(), "1".to_owned()),
        ]
        .into_iter()
        .collect();
        draft.reason_codes = vec!["DOCUMENT_OK".to_owned()];
        draft.state_before = Some("NEEDS_REVIEW".to_owned());
        draft.state_after = Some("APPROVED".to_owned());
        let event = AuditEvent::next("app", None, draft);
        assert_eq!(
            event.body,
            concat!(
                r#"{"applicationId":"app","seq":1,"#,
                r#""prevHash":"0000000000000000000000000000000000000000000000000000000000000000","#,
                r#""kind":"review.decided","actor":{"type":"reviewer","sub":"rev"},"#,
                r#""at":"2026-11-30T16:00:00Z","inputs":{"a":{"c":2,"d":[{"y":2,"z":1}]},"b":1},"#,
                r#""thresholds":null,"modelVersions":{"a":"1","b":"2"},"reasonCodes":["DOCUMENT_OK"],"#,
                r#""stateBefore":"NEEDS_REVIEW","stateAfter":"APPROVED"}"#
            )
        );
        assert_eq!(event.seq, 1);
        assert_eq!(event.hash, hash_body(&event.body));
    }

    #[test]
    fn each_event_links_to_the_previous_one() {
        let (events, head) = chain(APP, 3);
        let records: Vec<EventRecord> = events.iter().map(|e| e.record().unwrap()).collect();
        assert_eq!(records[0].body.prev_hash, GENESIS_PREV_HASH);
        assert_eq!(records[1].body.prev_hash, events[0].hash);
        assert_eq!(records[2].body.prev_hash, events[1].hash);
        assert_eq!(
            records.iter().map(|r| r.body.seq).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(head, events[2].head());
        assert_eq!(verify_chain(APP, &events, Some(&head)), Ok(head.clone()));
        assert_eq!(verify_chain(APP, &events, None), Ok(head));
    }

    /// Name, events, head, expected verification.
    type ChainCase<'a> = (
        &'a str,
        Vec<AuditEvent>,
        Option<&'a ChainHead>,
        Result<ChainHead, ChainError>,
    );

    #[test]
    fn verification_names_what_is_wrong() {
        let (events, head) = chain(APP, 3);
        let genesis = ChainHead::genesis();
        let with = |i: usize, f: &dyn Fn(&mut AuditEvent)| {
            let mut changed = events.clone();
            f(&mut changed[i]);
            changed
        };
        let not_json = AuditEvent {
            seq: 2,
            body: "not json".to_owned(),
            hash: hash_body("not json"),
        };
        let (foreign, _) = chain("another-application", 3);
        let unlinked = AuditEvent::next(
            APP,
            Some(&ChainHead {
                seq: 1,
                hash: hash_body("some other event"),
            }),
            draft(EventKind::ConsentGiven, 9),
        );
        let cases: Vec<ChainCase> = vec![
            ("empty chain, no head", vec![], None, Ok(genesis.clone())),
            (
                "empty chain, genesis head",
                vec![],
                Some(&genesis),
                Ok(genesis.clone()),
            ),
            (
                "everything removed",
                vec![],
                Some(&head),
                Err(ChainError::HeadMismatch {
                    head_seq: 3,
                    last_seq: 0,
                }),
            ),
            (
                "body changed",
                with(1, &|e| e.body = e.body.replace("s-1", "s-X")),
                Some(&head),
                Err(ChainError::HashMismatch { seq: 2 }),
            ),
            (
                "hash changed",
                with(0, &|e| e.hash = hash_body("x")),
                Some(&head),
                Err(ChainError::HashMismatch { seq: 1 }),
            ),
            (
                "body changed and re-hashed",
                with(0, &|e| {
                    e.body = e.body.replace("s-0", "s-X");
                    e.hash = hash_body(&e.body);
                }),
                Some(&head),
                Err(ChainError::BrokenLink { seq: 2 }),
            ),
            (
                "last body changed and re-hashed",
                with(2, &|e| {
                    e.body = e.body.replace("s-2", "s-X");
                    e.hash = hash_body(&e.body);
                }),
                Some(&head),
                Err(ChainError::HeadMismatch {
                    head_seq: 3,
                    last_seq: 3,
                }),
            ),
            (
                "not an event body",
                vec![events[0].clone(), not_json],
                None,
                Err(ChainError::MalformedBody {
                    seq: 2,
                    reason: "expected ident at line 1 column 2".to_owned(),
                }),
            ),
            (
                "another application's chain",
                foreign.clone(),
                None,
                Err(ChainError::WrongApplication { seq: 1 }),
            ),
            (
                "another application's event spliced in",
                vec![events[0].clone(), foreign[1].clone()],
                None,
                Err(ChainError::WrongApplication { seq: 2 }),
            ),
            (
                "stored seq changed",
                with(1, &|e| e.seq = 7),
                Some(&head),
                Err(ChainError::SeqMismatch {
                    seq: 7,
                    body_seq: 2,
                }),
            ),
            (
                "first removed",
                events[1..].to_vec(),
                Some(&head),
                Err(ChainError::Sequence {
                    expected: 1,
                    found: 2,
                }),
            ),
            (
                "middle removed",
                vec![events[0].clone(), events[2].clone()],
                Some(&head),
                Err(ChainError::Sequence {
                    expected: 2,
                    found: 3,
                }),
            ),
            (
                "last removed",
                events[..2].to_vec(),
                Some(&head),
                Err(ChainError::HeadMismatch {
                    head_seq: 3,
                    last_seq: 2,
                }),
            ),
            (
                "last removed, no head: indistinguishable from a shorter chain",
                events[..2].to_vec(),
                None,
                Ok(events[1].head()),
            ),
            (
                "reordered",
                vec![events[0].clone(), events[2].clone(), events[1].clone()],
                Some(&head),
                Err(ChainError::Sequence {
                    expected: 2,
                    found: 3,
                }),
            ),
            (
                "duplicated",
                vec![events[0].clone(), events[0].clone()],
                None,
                Err(ChainError::Sequence {
                    expected: 2,
                    found: 1,
                }),
            ),
            (
                "event from a different history",
                vec![events[0].clone(), unlinked],
                None,
                Err(ChainError::BrokenLink { seq: 2 }),
            ),
        ];
        for (name, events, head, expected) in cases {
            assert_eq!(verify_chain(APP, &events, head), expected, "{name}");
        }
    }

    #[test]
    fn applicant_view_hides_inputs_thresholds_versions_and_reviewer() {
        let mut reviewed = draft(EventKind::ReviewDecided, 1);
        reviewed.actor = Actor::Reviewer {
            sub: "reviewer-sub".to_owned(),
        };
        reviewed
            .model_versions
            .insert("AnalyzeIDModelVersion".to_owned(), "1.0".to_owned());
        let event = AuditEvent::next(APP, None, reviewed);
        let record = event.record().unwrap();
        let view = serde_json::to_value(record.applicant_view()).unwrap();
        assert_eq!(
            view,
            json!({
                "seq": 1,
                "hash": event.hash,
                "kind": "review.decided",
                "at": "2026-05-28T20:26:41Z",
                "actor": "reviewer",
                "reasonCodes": ["FACE_SIMILARITY_BORDERLINE"],
                "stateBefore": "NONE",
                "stateAfter": "NEEDS_REVIEW",
            })
        );
        // The reviewer's view has everything, hash included.
        let full = serde_json::to_value(&record).unwrap();
        assert_eq!(full["hash"], event.hash);
        assert_eq!(full["actor"]["sub"], "reviewer-sub");
        assert_eq!(full["inputs"]["similarity"], 97);
        assert_eq!(full["thresholds"]["faceSimilarity"], 99);
        assert_eq!(full["modelVersions"]["AnalyzeIDModelVersion"], "1.0");
    }

    #[test]
    fn kinds_serialise_as_their_dotted_names() {
        for kind in EventKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
            let back: EventKind = serde_json::from_value(json!(kind.as_str())).unwrap();
            assert_eq!(back, kind);
        }
        assert_eq!(
            serde_json::to_value(Actor::System).unwrap(),
            json!({ "type": "system" })
        );
    }

    /// A change to one stored event.
    #[derive(Debug, Clone)]
    enum Tamper {
        Remove,
        ChangeBody,
        ChangeBodyAndRehash,
        ChangeHash,
        ChangeSeq,
        SwapWithNext,
        Duplicate,
    }

    fn tamper() -> impl Strategy<Value = Tamper> {
        prop_oneof![
            Just(Tamper::Remove),
            Just(Tamper::ChangeBody),
            Just(Tamper::ChangeBodyAndRehash),
            Just(Tamper::ChangeHash),
            Just(Tamper::ChangeSeq),
            Just(Tamper::SwapWithNext),
            Just(Tamper::Duplicate),
        ]
    }

    /// One field of the body, changed to a value it cannot have had.
    fn change_body(body: &str, field: usize) -> String {
        let mut value: Value = serde_json::from_str(body).unwrap();
        let field = [
            "reasonCodes",
            "stateAfter",
            "actor",
            "at",
            "inputs",
            "kind",
            "prevHash",
            "seq",
        ][field % 8];
        // Two candidates each, so the change is real whatever the field held (a system event's
        // actor already is `{"type": "system"}`, an erasure's kind already is `erasure.requested`).
        let [first, second] = match field {
            "reasonCodes" => [json!(["TAMPERED"]), json!(["TAMPERED_TOO"])],
            "stateAfter" => [json!("TAMPERED"), json!("TAMPERED_TOO")],
            "actor" => [
                json!({ "type": "system" }),
                json!({ "type": "reviewer", "sub": "tampered" }),
            ],
            "at" => [json!("1999-01-01T00:00:00Z"), json!("1998-01-01T00:00:00Z")],
            "inputs" => [json!({ "similarity": 100 }), json!({ "similarity": 0 })],
            "kind" => [json!("erasure.requested"), json!("consent.given")],
            "prevHash" => [
                json!(hash_body("tampered")),
                json!(hash_body("tampered too")),
            ],
            _ => {
                let seq = value["seq"].as_u64().unwrap();
                [json!(seq + 100), json!(seq + 200)]
            }
        };
        value[field] = if value[field] == first { second } else { first };
        let changed = serde_json::to_string(&value).unwrap();
        assert_ne!(changed, body);
        changed
    }

    proptest! {
        #[test]
        fn an_untouched_chain_verifies(len in 0usize..10) {
            let (events, head) = chain(APP, len);
            prop_assert_eq!(verify_chain(APP, &events, Some(&head)), Ok(head));
        }

        #[test]
        fn a_verified_chain_with_any_event_changed_or_removed_fails(
            len in 1usize..10,
            index in any::<prop::sample::Index>(),
            how in tamper(),
            field in 0usize..8,
        ) {
            let (mut events, head) = chain(APP, len);
            prop_assert!(verify_chain(APP, &events, Some(&head)).is_ok());
            let i = index.index(len);
            match how {
                Tamper::Remove => {
                    events.remove(i);
                }
                Tamper::ChangeBody => events[i].body = change_body(&events[i].body, field),
                Tamper::ChangeBodyAndRehash => {
                    events[i].body = change_body(&events[i].body, field);
                    events[i].hash = hash_body(&events[i].body);
                }
                Tamper::ChangeHash => events[i].hash = hash_body(&format!("{}x", events[i].body)),
                Tamper::ChangeSeq => events[i].seq += 1 + field as u64,
                Tamper::SwapWithNext => {
                    prop_assume!(i + 1 < len);
                    events.swap(i, i + 1);
                }
                Tamper::Duplicate => {
                    let copy = events[i].clone();
                    events.insert(i, copy);
                }
            }
            prop_assert!(verify_chain(APP, &events, Some(&head)).is_err(), "{:?} at {}", how, i);
        }

        #[test]
        fn appending_extends_a_verified_chain(len in 0usize..10) {
            let (mut events, head) = chain(APP, len);
            let verified = verify_chain(APP, &events, Some(&head)).unwrap();
            let next = AuditEvent::next(APP, Some(&verified), draft(EventKind::ConsentGiven, 99));
            if len == 0 {
                let from_nothing = AuditEvent::next(APP, None, draft(EventKind::ConsentGiven, 99));
                prop_assert_eq!(&next, &from_nothing);
            }
            prop_assert_eq!(next.seq, len as u64 + 1);
            events.push(next.clone());
            prop_assert_eq!(verify_chain(APP, &events, Some(&next.head())), Ok(next.head()));
        }
    }
}
