//! Decision events for lender systems and their signed webhook deliveries, following Standard
//! Webhooks (<https://www.standardwebhooks.com/>) so receivers can use its published libraries.
//!
//! A delivery carries three headers: `webhook-id` (the event id, the same on every retry and
//! republish, so a receiver can deduplicate), `webhook-timestamp` (epoch seconds of the attempt)
//! and `webhook-signature` (`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`). The
//! timestamp is signed too, and receivers reject one more than five minutes off, so a captured
//! delivery cannot be replayed later.

use std::fmt;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;
use time::OffsetDateTime;

use crate::audit::EventKind;

/// Header carrying the event id.
pub const WEBHOOK_ID_HEADER: &str = "webhook-id";
/// Header carrying the delivery attempt's epoch seconds.
pub const WEBHOOK_TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// Header carrying the signatures.
pub const WEBHOOK_SIGNATURE_HEADER: &str = "webhook-signature";

/// Prefix of a secret's text form.
pub const SECRET_PREFIX: &str = "whsec_";
/// Version prefix of a signature: HMAC-SHA256 (`v1a` would be an asymmetric one).
const SIGNATURE_VERSION: &str = "v1";
/// How far a delivery's timestamp may be from the receiver's clock, either way.
pub const TIMESTAMP_TOLERANCE_SECS: i64 = 5 * 60;
/// Key sizes Standard Webhooks recommends: shorter is guessable, longer adds nothing to SHA-256.
const SECRET_BYTES: std::ops::RangeInclusive<usize> = 24..=64;

/// The shared secret of one lender's endpoints; the key bytes never appear in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret {
    key: Vec<u8>,
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(redacted)")
    }
}

impl WebhookSecret {
    /// Parses `whsec_<base64 key>` (the prefix is optional, as in the reference libraries).
    pub fn parse(text: &str) -> Result<WebhookSecret, WebhookError> {
        let encoded = text.trim();
        let encoded = encoded.strip_prefix(SECRET_PREFIX).unwrap_or(encoded);
        let key = BASE64
            .decode(encoded)
            .map_err(|_| WebhookError::InvalidSecret)?;
        if !SECRET_BYTES.contains(&key.len()) {
            return Err(WebhookError::InvalidSecret);
        }
        Ok(WebhookSecret { key })
    }

    /// The text form, `whsec_<base64 key>`, for handing the secret to a receiver.
    pub fn to_text(&self) -> String {
        format!("{SECRET_PREFIX}{}", BASE64.encode(&self.key))
    }

    fn mac(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC accepts keys of any length");
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

/// Why a secret or a delivery was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The secret is not `whsec_` and base64 of 24 to 64 bytes.
    #[error("the webhook secret must be whsec_ followed by base64 of 24 to 64 bytes")]
    InvalidSecret,
    /// The timestamp is more than the tolerance in the past: possibly a replay.
    #[error("the webhook timestamp is too old")]
    TimestampTooOld,
    /// The timestamp is more than the tolerance in the future.
    #[error("the webhook timestamp is too far in the future")]
    TimestampTooNew,
    /// No `v1` signature in the header matches.
    #[error("no webhook signature matches")]
    NoMatchingSignature,
}

/// The `webhook-signature` value for one delivery attempt:
/// `v1,<base64 HMAC-SHA256 of "{msg_id}.{timestamp}.{body}">`.
pub fn sign(
    secret: &WebhookSecret,
    msg_id: &str,
    timestamp: i64,
    body: impl AsRef<[u8]>,
) -> String {
    let tag = secret
        .mac(msg_id, timestamp, body.as_ref())
        .finalize()
        .into_bytes();
    format!("{SIGNATURE_VERSION},{}", BASE64.encode(tag))
}

/// Checks a delivery the way a receiver must: the timestamp within
/// [`TIMESTAMP_TOLERANCE_SECS`] of `now`, and one of the space-separated signatures in
/// `signatures` a `v1` HMAC of this id, timestamp and body, compared in constant time.
/// Signatures of other versions are skipped, so a sender can add a scheme without breaking
/// receivers.
pub fn verify(
    secret: &WebhookSecret,
    msg_id: &str,
    timestamp: i64,
    body: impl AsRef<[u8]>,
    signatures: &str,
    now: i64,
) -> Result<(), WebhookError> {
    if timestamp < now.saturating_sub(TIMESTAMP_TOLERANCE_SECS) {
        return Err(WebhookError::TimestampTooOld);
    }
    if timestamp > now.saturating_add(TIMESTAMP_TOLERANCE_SECS) {
        return Err(WebhookError::TimestampTooNew);
    }
    let body = body.as_ref();
    let matches = signatures
        .split(' ')
        .filter_map(|signature| signature.split_once(','))
        .filter(|(version, _)| *version == SIGNATURE_VERSION)
        .filter_map(|(_, encoded)| BASE64.decode(encoded).ok())
        .any(|tag| {
            secret
                .mac(msg_id, timestamp, body)
                .verify_slice(&tag)
                .is_ok()
        });
    if matches {
        Ok(())
    } else {
        Err(WebhookError::NoMatchingSignature)
    }
}

/// Pauses between in-process delivery attempts to one endpoint: a brief blip is ridden out
/// within the invocation, and after the last attempt the message goes back to SQS, whose
/// redelivery (and finally the DLQ) takes over for longer outages. Short enough that all
/// attempts fit well within the dispatcher's timeout.
pub fn retry_delays() -> &'static [Duration] {
    const DELAYS: [Duration; 3] = [
        Duration::from_millis(500),
        Duration::from_secs(1),
        Duration::from_secs(2),
    ];
    &DELAYS
}

/// The decision events lenders receive: each final decision and each completed document
/// analysis. Spelt like the audit [`EventKind`] they correspond to (one definition of the
/// names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "EventKind", try_from = "EventKind")]
pub enum DecisionEventType {
    /// An identity verification was decided APPROVED or REJECTED automatically.
    IdentityDecided,
    /// A reviewer decided a NEEDS_REVIEW case.
    ReviewDecided,
    /// A lending document's analysis completed.
    DocumentAnalysed,
}

impl DecisionEventType {
    /// The dotted name, e.g. `identity.decided`.
    pub fn as_str(self) -> &'static str {
        EventKind::from(self).as_str()
    }
}

impl From<DecisionEventType> for EventKind {
    fn from(kind: DecisionEventType) -> EventKind {
        match kind {
            DecisionEventType::IdentityDecided => EventKind::IdentityDecided,
            DecisionEventType::ReviewDecided => EventKind::ReviewDecided,
            DecisionEventType::DocumentAnalysed => EventKind::DocumentAnalysed,
        }
    }
}

/// The audit kind is not one lenders receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{} is not a decision event", .0.as_str())]
pub struct NotADecisionEvent(pub EventKind);

impl TryFrom<EventKind> for DecisionEventType {
    type Error = NotADecisionEvent;

    fn try_from(kind: EventKind) -> Result<Self, Self::Error> {
        match kind {
            EventKind::IdentityDecided => Ok(DecisionEventType::IdentityDecided),
            EventKind::ReviewDecided => Ok(DecisionEventType::ReviewDecided),
            EventKind::DocumentAnalysed => Ok(DecisionEventType::DocumentAnalysed),
            other => Err(NotADecisionEvent(other)),
        }
    }
}

/// Event ids are UUID v5 of the event type and the id of what was decided (verification,
/// review or document), so publishing the same decision again (a retried handler) yields the
/// same id and receivers deduplicate it.
const DECISION_EVENT_ID_NAMESPACE: uuid::Uuid = uuid::uuid!("a66aae47-dc35-4ff8-b68a-219ee88ab438");

/// The id of the `kind` event about `subject_id`.
pub fn event_id(kind: DecisionEventType, subject_id: &str) -> String {
    // Subject ids are UUIDs and type names contain no '/', so the name is unambiguous.
    let name = format!("{}/{subject_id}", kind.as_str());
    uuid::Uuid::new_v5(&DECISION_EVENT_ID_NAMESPACE, name.as_bytes()).to_string()
}

/// The webhook body (and the SNS message): what happened to which application, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DecisionEvent {
    /// [`event_id`] of the type and subject; also the `webhook-id` header.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: DecisionEventType,
    /// When the decision was made (RFC 3339), not when it was delivered.
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    /// The application concerned.
    pub application_id: String,
    /// The decision's outcome, shaped per type (decision, reason codes, document status…).
    pub data: Value,
}

impl DecisionEvent {
    /// The `kind` event about `subject_id` (verification, review or document id).
    pub fn new(
        kind: DecisionEventType,
        subject_id: &str,
        application_id: &str,
        occurred_at: OffsetDateTime,
        data: Value,
    ) -> DecisionEvent {
        DecisionEvent {
            id: event_id(kind, subject_id),
            kind,
            occurred_at,
            application_id: application_id.to_owned(),
            data,
        }
    }

    /// The JSON body that is signed and sent.
    pub fn to_body(&self) -> String {
        serde_json::to_string(self).expect("a decision event serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;
    use time::macros::datetime;

    /// The reference vector of Standard Webhooks' libraries, recomputed independently with
    /// Python's `hmac` and `hashlib`.
    const VECTOR_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const VECTOR_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const VECTOR_TIMESTAMP: i64 = 1_614_265_330;
    const VECTOR_BODY: &str = r#"{"test": 2432232314}"#;
    const VECTOR_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn vector_secret() -> WebhookSecret {
        WebhookSecret::parse(VECTOR_SECRET).unwrap()
    }

    #[test]
    fn signs_the_reference_vectors() {
        assert_eq!(
            sign(&vector_secret(), VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY),
            VECTOR_SIGNATURE
        );
        // A second vector with a 32-byte key (0x00..0x1f), also computed with Python.
        let secret =
            WebhookSecret::parse("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
        assert_eq!(
            sign(
                &secret,
                "evt_1",
                1_780_000_000,
                br#"{"id":"e","type":"review.decided"}"#
            ),
            "v1,TQAJ7ssGXzQ7F5AHnXwn8IKWp2N+nq8KLN12Ui0C4NY="
        );
    }

    /// Name, secret, id, timestamp, body, signature header, receiver's clock, expected result.
    type VerifyCase<'a> = (
        &'a str,
        &'a WebhookSecret,
        &'a str,
        i64,
        &'a str,
        String,
        i64,
        Result<(), WebhookError>,
    );

    #[test]
    fn verification_table() {
        let secret = vector_secret();
        let other = WebhookSecret::parse(&format!("whsec_{}", BASE64.encode([7u8; 32]))).unwrap();
        let (id, ts, body, good) = (VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY, VECTOR_SIGNATURE);
        let tolerance = TIMESTAMP_TOLERANCE_SECS;
        let cases: Vec<VerifyCase> = vec![
            ("valid", &secret, id, ts, body, good.into(), ts, Ok(())),
            (
                "several signatures, one valid",
                &secret,
                id,
                ts,
                body,
                format!("v1,Zm9v {good} v2,abc"),
                ts,
                Ok(()),
            ),
            (
                "at the edge of the past tolerance",
                &secret,
                id,
                ts,
                body,
                good.into(),
                ts + tolerance,
                Ok(()),
            ),
            (
                "at the edge of the future tolerance",
                &secret,
                id,
                ts,
                body,
                good.into(),
                ts - tolerance,
                Ok(()),
            ),
            (
                "too old",
                &secret,
                id,
                ts,
                body,
                good.into(),
                ts + tolerance + 1,
                Err(WebhookError::TimestampTooOld),
            ),
            (
                "too new",
                &secret,
                id,
                ts,
                body,
                good.into(),
                ts - tolerance - 1,
                Err(WebhookError::TimestampTooNew),
            ),
            (
                "body changed",
                &secret,
                id,
                ts,
                r#"{"test": 2432232315}"#,
                good.into(),
                ts,
                Err(WebhookError::NoMatchingSignature),
            ),
            (
                "id changed",
                &secret,
                "msg_other",
                ts,
                body,
                good.into(),
                ts,
                Err(WebhookError::NoMatchingSignature),
            ),
            (
                "timestamp changed",
                &secret,
                id,
                ts + 1,
                body,
                good.into(),
                ts,
                Err(WebhookError::NoMatchingSignature),
            ),
            (
                "another secret",
                &other,
                id,
                ts,
                body,
                good.into(),
                ts,
                Err(WebhookError::NoMatchingSignature),
            ),
            (
                "another version",
                &secret,
                id,
                ts,
                body,
                good.replace("v1,", "v1a,"),
                ts,
                Err(WebhookError::NoMatchingSignature),
            ),
            (
                "no version",
                &secret,
                id,
                ts,
                body,
                good.trim_start_matches("v1,").into(),
                ts,
                Err(WebhookError::NoMatchingSignature),
            ),
            (
                "not base64",
                &secret,
                id,
                ts,
                body,
                "v1,***".into(),
                ts,
                Err(WebhookError::NoMatchingSignature),
            ),
            (
                "truncated signature",
                &secret,
                id,
                ts,
                body,
                good[..good.len() - 4].into(),
                ts,
                Err(WebhookError::NoMatchingSignature),
            ),
            (
                "empty header",
                &secret,
                id,
                ts,
                body,
                String::new(),
                ts,
                Err(WebhookError::NoMatchingSignature),
            ),
        ];
        for (name, secret, id, timestamp, body, header, now, expected) in cases {
            assert_eq!(
                verify(secret, id, timestamp, body, &header, now),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn secrets_parse_strictly_and_never_print() {
        let secret = vector_secret();
        assert_eq!(
            WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap(),
            secret
        );
        assert_eq!(secret.to_text(), VECTOR_SECRET);
        assert_eq!(format!("{secret:?}"), "WebhookSecret(redacted)");
        let encoded = |bytes: usize| format!("whsec_{}", BASE64.encode(vec![1u8; bytes]));
        assert!(WebhookSecret::parse(&encoded(24)).is_ok());
        assert!(WebhookSecret::parse(&encoded(64)).is_ok());
        for bad in [
            encoded(23),
            encoded(65),
            "whsec_".into(),
            "whsec_not base64!".into(),
            String::new(),
        ] {
            assert_eq!(
                WebhookSecret::parse(&bad),
                Err(WebhookError::InvalidSecret),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn retries_back_off_within_a_few_seconds() {
        let delays = retry_delays();
        assert!(
            delays.len() >= 2,
            "a receiver failing twice still gets the event in one invocation"
        );
        assert!(delays.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(delays.iter().sum::<Duration>() <= Duration::from_secs(10));
    }

    #[test]
    fn event_ids_are_stable_per_type_and_subject() {
        let subject = "3f2b8a9e-6c1d-4e5f-8a7b-9c0d1e2f3a4b";
        // Pinned (computed with Python's uuid.uuid5): changing the namespace or the name would
        // give a republished decision a new id, and receivers would process it twice.
        assert_eq!(
            event_id(DecisionEventType::IdentityDecided, subject),
            "318850e8-4e7f-5e0e-9c51-ed515674c506"
        );
        let ids: std::collections::BTreeSet<String> = [
            event_id(DecisionEventType::IdentityDecided, subject),
            event_id(DecisionEventType::ReviewDecided, subject),
            event_id(DecisionEventType::DocumentAnalysed, subject),
            event_id(DecisionEventType::IdentityDecided, "another"),
        ]
        .into_iter()
        .collect();
        assert_eq!(ids.len(), 4);
    }

    #[test]
    fn the_payload_shape() {
        let event = DecisionEvent::new(
            DecisionEventType::ReviewDecided,
            "review-id",
            "app-id",
            datetime!(2026-11-30 16:00:00 UTC),
            json!({ "decision": "APPROVED", "reasonCodes": ["DOCUMENT_VERIFIED"] }),
        );
        let body = event.to_body();
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json!({
                "id": event_id(DecisionEventType::ReviewDecided, "review-id"),
                "type": "review.decided",
                "occurredAt": "2026-11-30T16:00:00Z",
                "applicationId": "app-id",
                "data": { "decision": "APPROVED", "reasonCodes": ["DOCUMENT_VERIFIED"] },
            })
        );
        assert_eq!(serde_json::from_str::<DecisionEvent>(&body).unwrap(), event);
        let not_published = body.replace("review.decided", "application.created");
        assert!(serde_json::from_str::<DecisionEvent>(&not_published).is_err());
        for kind in [
            DecisionEventType::IdentityDecided,
            DecisionEventType::ReviewDecided,
            DecisionEventType::DocumentAnalysed,
        ] {
            assert_eq!(DecisionEventType::try_from(EventKind::from(kind)), Ok(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
        }
    }

    proptest! {
        #[test]
        fn a_signature_verifies_only_its_own_delivery(
            key in prop::collection::vec(any::<u8>(), 24..=64),
            id in "[a-z0-9_]{1,40}",
            timestamp in 0i64..4_000_000_000,
            skew in -TIMESTAMP_TOLERANCE_SECS..=TIMESTAMP_TOLERANCE_SECS,
            body in prop::collection::vec(any::<u8>(), 0..200),
            flip in any::<prop::sample::Index>(),
        ) {
            let secret = WebhookSecret::parse(&format!("whsec_{}", BASE64.encode(&key))).unwrap();
            let signature = sign(&secret, &id, timestamp, &body);
            prop_assert_eq!(verify(&secret, &id, timestamp, &body, &signature, timestamp + skew), Ok(()));
            if !body.is_empty() {
                let mut changed = body.clone();
                changed[flip.index(body.len())] ^= 1;
                prop_assert_eq!(
                    verify(&secret, &id, timestamp, &changed, &signature, timestamp),
                    Err(WebhookError::NoMatchingSignature)
                );
            }
        }
    }
}
