//! Applications: the create request, the idempotency key and the status shown to clients.
//!
//! The status is *derived* from the latest liveness and identity results instead of being stored
//! and updated separately, so it can never disagree with them.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::applicant::{Applicant, ApplicantWire};
use crate::error::ApiError;
use crate::identity::Decision;
use crate::liveness::LivenessStatus;

/// Longest accepted `Idempotency-Key`; it is part of a DynamoDB key.
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 64;

/// Status shown on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApplicationStatus {
    /// Nothing decided yet (also after a failed or expired liveness attempt: the applicant may
    /// simply try again).
    Created,
    /// Liveness passed; identity not verified yet.
    LivenessPassed,
    /// Identity verification approved.
    IdentityVerified,
    /// Identity verification rejected.
    Rejected,
    /// A human must look at liveness or identity.
    NeedsReview,
}

/// Derives the application status from the latest liveness status and identity decision.
///
/// The identity decision, once made, wins: it already took liveness into account. Before it,
/// only a passed or borderline liveness shows; a failed or expired liveness leaves the
/// application `CREATED` because a new session may be started and rejection is the identity
/// decision's job.
pub fn derive_status(
    liveness: Option<LivenessStatus>,
    identity: Option<Decision>,
) -> ApplicationStatus {
    match (identity, liveness) {
        (Some(Decision::Approved), _) => ApplicationStatus::IdentityVerified,
        (Some(Decision::Rejected), _) => ApplicationStatus::Rejected,
        (Some(Decision::NeedsReview), _) => ApplicationStatus::NeedsReview,
        (None, Some(LivenessStatus::Passed)) => ApplicationStatus::LivenessPassed,
        (None, Some(LivenessStatus::NeedsReview)) => ApplicationStatus::NeedsReview,
        (None, _) => ApplicationStatus::Created,
    }
}

/// Body of `POST /applications` as sent; fields are optional here so that a missing one is
/// reported as a 422 naming it, alongside any other invalid field, instead of a terse 400.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateRequestWire {
    #[serde(default)]
    applicant: Option<ApplicantWire>,
}

/// Parses `POST /applications`, using today's UTC date for the date-of-birth check.
///
/// An empty body (or `{}`) creates an application without declared applicant data; identity
/// verification then skips the declared-vs-document comparisons.
pub fn parse_create_request(body: &[u8]) -> Result<Option<Applicant>, ApiError> {
    parse_create_request_at(body, OffsetDateTime::now_utc().date())
}

/// [`parse_create_request`] with an explicit "today", for deterministic tests.
pub fn parse_create_request_at(body: &[u8], today: Date) -> Result<Option<Applicant>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let wire: CreateRequestWire = ApiError::parse_json_object(body)?;
    let Some(a) = wire.applicant else {
        return Ok(None);
    };
    Applicant::from_declared(a, today).map(Some)
}

/// Longest accepted consent policy version.
pub const MAX_POLICY_VERSION_CHARS: usize = 64;

/// The applicant's consent to biometric processing, recorded on the application: which version
/// of the notice they agreed to, and when. A liveness check needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Consent {
    /// Version of the biometric processing notice the applicant was shown.
    pub policy_version: String,
    /// When consent was given (RFC 3339, UTC).
    pub given_at: String,
}

/// Body of `PUT /applications/{applicationId}/consent`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConsentRequestWire {
    policy_version: Option<String>,
}

/// Parses `PUT /applications/{applicationId}/consent` into the policy version consented to:
/// 1–64 characters of `[A-Za-z0-9._-]` (a version label, never free text).
pub fn parse_consent_request(body: &[u8]) -> Result<String, ApiError> {
    let wire: ConsentRequestWire = ApiError::parse_json_object(body)?;
    let Some(version) = wire.policy_version else {
        return Err(ApiError::field("policyVersion", "is required"));
    };
    let ok = (1..=MAX_POLICY_VERSION_CHARS).contains(&version.len())
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(version)
    } else {
        Err(ApiError::field(
            "policyVersion",
            format!(
                "must be 1 to {MAX_POLICY_VERSION_CHARS} characters of A-Z, a-z, 0-9, '.', '_' or '-'"
            ),
        ))
    }
}

/// Validates an `Idempotency-Key` header: 1–64 characters of `[A-Za-z0-9_-]` (a UUID fits).
/// The key becomes part of a DynamoDB partition key, so its alphabet is kept to characters that
/// cannot collide with the `#` separators.
pub fn validate_idempotency_key(key: &str) -> Result<(), ApiError> {
    let ok = (1..=MAX_IDEMPOTENCY_KEY_CHARS).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::field(
            "Idempotency-Key",
            format!(
                "must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} characters of A-Z, a-z, 0-9, '_' or '-'"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 15);

    fn parse(body: &str) -> Result<Option<Applicant>, ApiError> {
        parse_create_request_at(body.as_bytes(), TODAY)
    }

    fn fields(err: ApiError) -> Vec<String> {
        match err {
            ApiError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn empty_bodies_mean_no_applicant() {
        for body in ["", "  \n", "{}", r#"{"applicant":null}"#] {
            assert_eq!(parse(body), Ok(None), "{body:?}");
        }
    }

    #[test]
    fn valid_applicant() {
        let a = parse(
            r#"{"applicant":{"givenName":" Anna ","familyName":"Eriksson","dateOfBirth":"1974-08-12"}}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(a.given_name, "Anna");
        assert_eq!(a.date_of_birth, date!(1974 - 08 - 12));
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["dateOfBirth"], "1974-08-12");
        assert_eq!(json["familyName"], "Eriksson");
        let back: Applicant = serde_json::from_value(json).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn malformed_is_400() {
        for body in [
            "{",
            "[]",
            r#"{"applicant":{"givenName":1,"familyName":"E","dateOfBirth":"1974-08-12"}}"#,
            r#"{"applicant":{"givenName":"A","familyName":"E","dateOfBirth":"1974-08-12","ssn":"1"}}"#,
            r#"{"applicant":{},"extra":true}"#,
        ] {
            assert_eq!(parse(body).unwrap_err().status(), 400, "{body}");
        }
    }

    #[test]
    fn invalid_values_are_422_naming_fields() {
        let long = "x".repeat(101);
        let ok_len = "x".repeat(100);
        let cases: Vec<(String, Vec<&str>)> = vec![
            (
                r#"{"applicant":{}}"#.to_owned(),
                vec![
                    "applicant.givenName",
                    "applicant.familyName",
                    "applicant.dateOfBirth",
                ],
            ),
            (
                r#"{"applicant":{"givenName":"  ","familyName":"E","dateOfBirth":"1974-08-12"}}"#
                    .to_owned(),
                vec!["applicant.givenName"],
            ),
            (
                format!(
                    r#"{{"applicant":{{"givenName":"A","familyName":"{long}","dateOfBirth":"1974-08-12"}}}}"#
                ),
                vec!["applicant.familyName"],
            ),
            (
                r#"{"applicant":{"givenName":"A\u0007","familyName":"E","dateOfBirth":"1974-08-12"}}"#
                    .to_owned(),
                vec!["applicant.givenName"],
            ),
            (
                r#"{"applicant":{"givenName":"A","familyName":"E","dateOfBirth":"2025-06-16"}}"#
                    .to_owned(),
                vec!["applicant.dateOfBirth"],
            ),
            (
                r#"{"applicant":{"givenName":"A","familyName":"E","dateOfBirth":"1899-12-31"}}"#
                    .to_owned(),
                vec!["applicant.dateOfBirth"],
            ),
            (
                r#"{"applicant":{"givenName":"A","familyName":"E","dateOfBirth":"12/08/1974"}}"#
                    .to_owned(),
                vec!["applicant.dateOfBirth"],
            ),
            (
                r#"{"applicant":{"givenName":"A","familyName":"E","dateOfBirth":"1974-02-30"}}"#
                    .to_owned(),
                vec!["applicant.dateOfBirth"],
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(fields(parse(&body).unwrap_err()), expected, "{body}");
        }
        // Boundaries that are fine.
        let body = format!(
            r#"{{"applicant":{{"givenName":"{ok_len}","familyName":"E","dateOfBirth":"2025-06-15"}}}}"#
        );
        assert!(parse(&body).unwrap().is_some());
        let body = r#"{"applicant":{"givenName":"A","familyName":"E","dateOfBirth":"1900-01-01"}}"#;
        assert!(parse(body).unwrap().is_some());
    }

    #[test]
    fn idempotency_keys() {
        let max = "a".repeat(64);
        let too_long = "a".repeat(65);
        let cases = [
            ("a", true),
            ("0b9c4b7e-3f1a-4d2b-9c8e-1a2b3c4d5e6f", true),
            ("Key_1-2", true),
            (max.as_str(), true),
            ("", false),
            (too_long.as_str(), false),
            ("has space", false),
            ("a#b", false),
            ("é", false),
        ];
        for (key, ok) in cases {
            let res = validate_idempotency_key(key);
            assert_eq!(res.is_ok(), ok, "{key:?}");
            if let Err(e) = res {
                assert_eq!(fields(e), vec!["Idempotency-Key"]);
            }
        }
    }

    #[test]
    fn consent_requests() {
        assert_eq!(
            parse_consent_request(br#"{"policyVersion":"biometric-2026.11"}"#),
            Ok("biometric-2026.11".to_string())
        );
        let max = format!(r#"{{"policyVersion":"{}"}}"#, "v".repeat(64));
        assert!(parse_consent_request(max.as_bytes()).is_ok());
        for body in [
            r#"{}"#.to_string(),
            r#"{"policyVersion":""}"#.to_string(),
            r#"{"policyVersion":"v 1"}"#.to_string(),
            r#"{"policyVersion":"v#1"}"#.to_string(),
            format!(r#"{{"policyVersion":"{}"}}"#, "v".repeat(65)),
        ] {
            assert_eq!(
                fields(parse_consent_request(body.as_bytes()).unwrap_err()),
                vec!["policyVersion"],
                "{body}"
            );
        }
        for body in [
            "",
            "[]",
            r#"{"policyVersion":1}"#,
            r#"{"policyVersion":"v1","extra":true}"#,
        ] {
            assert_eq!(
                parse_consent_request(body.as_bytes()).unwrap_err().status(),
                400,
                "{body}"
            );
        }
    }

    #[test]
    fn status_derivation() {
        use ApplicationStatus as A;
        use Decision as D;
        use LivenessStatus as L;
        let cases = [
            (None, None, A::Created),
            (Some(L::InProgress), None, A::Created),
            (Some(L::Failed), None, A::Created),
            (Some(L::Expired), None, A::Created),
            (Some(L::Passed), None, A::LivenessPassed),
            (Some(L::NeedsReview), None, A::NeedsReview),
            (Some(L::Passed), Some(D::Approved), A::IdentityVerified),
            (Some(L::Passed), Some(D::Rejected), A::Rejected),
            (Some(L::NeedsReview), Some(D::NeedsReview), A::NeedsReview),
            (Some(L::Failed), Some(D::Rejected), A::Rejected),
        ];
        for (l, d, expected) in cases {
            assert_eq!(derive_status(l, d), expected, "{l:?} {d:?}");
        }
        assert_eq!(
            serde_json::to_string(&A::LivenessPassed).unwrap(),
            "\"LIVENESS_PASSED\""
        );
    }
}
