//! Human review of NEEDS_REVIEW identity decisions: the reviewer's request, who may review, and
//! which identity state still accepts a new submission.
//!
//! An identity decision is final until reviewed: only an application without a decision
//! accepts a submission. A REJECTED or NEEDS_REVIEW decision is no longer replaced by trying
//! again, which would let an applicant retry until a borderline comparison passes.

use serde::{Deserialize, Serialize};

use crate::error::{problems, ApiError, FieldError};
use crate::identity::Decision;

/// Most reason codes one review may give.
pub const MAX_REASON_CODES: usize = 10;
/// Longest note in characters.
pub const MAX_NOTE_CHARS: usize = 2000;
/// Longest reason code (the first character plus up to 63 more).
const MAX_REASON_CODE_LEN: usize = 64;

/// A reviewer's verdict on a NEEDS_REVIEW case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewDecision {
    /// The applicant's identity is accepted.
    Approved,
    /// The applicant's identity is refused.
    Rejected,
}

impl ReviewDecision {
    /// The wire and storage spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDecision::Approved => "APPROVED",
            ReviewDecision::Rejected => "REJECTED",
        }
    }

    /// The identity decision the review results in, as the applicant sees it.
    pub fn as_decision(self) -> Decision {
        match self {
            ReviewDecision::Approved => Decision::Approved,
            ReviewDecision::Rejected => Decision::Rejected,
        }
    }
}

/// Body of `POST /review/cases/{applicationId}/decisions`, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewRequest {
    /// The verdict.
    pub decision: ReviewDecision,
    /// Why, as 1 to [`MAX_REASON_CODES`] codes of `^[A-Z][A-Z0-9_]{1,63}$`, without repeats.
    pub reason_codes: Vec<String>,
    /// Free text for the record (trimmed; blank counts as none).
    pub note: Option<String>,
}

/// The body as sent: every field optional and loosely typed, so a missing or misspelt value is
/// a 422 naming its field alongside every other invalid field, not a terse 400.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReviewRequestWire {
    #[serde(default)]
    decision: Option<String>,
    #[serde(default)]
    reason_codes: Option<Vec<String>>,
    #[serde(default)]
    note: Option<String>,
}

/// Whether `code` matches `^[A-Z][A-Z0-9_]{1,63}$`.
fn is_reason_code(code: &str) -> bool {
    let mut chars = code.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && (2..=MAX_REASON_CODE_LEN).contains(&code.len())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

impl ReviewRequest {
    /// Parses and validates the request body, reporting every invalid field at once.
    pub fn parse(body: &[u8]) -> Result<ReviewRequest, ApiError> {
        let wire: ReviewRequestWire = ApiError::parse_json_object(body)?;
        let mut errors = Vec::new();

        let decision = match wire.decision.as_deref() {
            None => {
                errors.push(FieldError::new("decision", "is required"));
                None
            }
            Some("APPROVED") => Some(ReviewDecision::Approved),
            Some("REJECTED") => Some(ReviewDecision::Rejected),
            Some(_) => {
                errors.push(FieldError::new("decision", "must be APPROVED or REJECTED"));
                None
            }
        };

        let reason_codes = wire.reason_codes.unwrap_or_default();
        if !(1..=MAX_REASON_CODES).contains(&reason_codes.len()) {
            errors.push(FieldError::new(
                "reasonCodes",
                format!("must list 1 to {MAX_REASON_CODES} reason codes"),
            ));
        }
        for (i, code) in reason_codes.iter().enumerate() {
            if !is_reason_code(code) {
                errors.push(FieldError::new(
                    format!("reasonCodes[{i}]"),
                    "must be 2 to 64 characters of A-Z, 0-9 and _, starting with a letter",
                ));
            } else if reason_codes[..i].contains(code) {
                errors.push(FieldError::new(
                    format!("reasonCodes[{i}]"),
                    "repeats an earlier reason code",
                ));
            }
        }

        let note = wire
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        if note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
        {
            errors.push(FieldError::new(
                "note",
                format!("must be at most {MAX_NOTE_CHARS} characters"),
            ));
        }

        match decision {
            Some(decision) if errors.is_empty() => Ok(ReviewRequest {
                decision,
                reason_codes,
                note,
            }),
            _ => Err(ApiError::Validation(errors)),
        }
    }
}

/// Where an application's identity verification stands, from its latest decision and the
/// review of it, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentityState {
    /// No identity decision yet.
    None,
    /// Approved automatically.
    Approved,
    /// Rejected automatically.
    Rejected,
    /// Waiting for a reviewer.
    NeedsReview,
    /// A reviewer decided.
    Reviewed(ReviewDecision),
}

impl IdentityState {
    /// The state of an application whose latest identity decision is `latest` and whose review
    /// (of that decision) is `review`. A review settles the case whatever the automatic
    /// decision was.
    pub fn from_decisions(latest: Option<Decision>, review: Option<ReviewDecision>) -> Self {
        match (latest, review) {
            (_, Some(review)) => IdentityState::Reviewed(review),
            (None, None) => IdentityState::None,
            (Some(Decision::Approved), None) => IdentityState::Approved,
            (Some(Decision::Rejected), None) => IdentityState::Rejected,
            (Some(Decision::NeedsReview), None) => IdentityState::NeedsReview,
        }
    }

    /// The decision the applicant sees: a review's verdict replaces NEEDS_REVIEW.
    pub fn decision(self) -> Option<Decision> {
        match self {
            IdentityState::None => None,
            IdentityState::Approved => Some(Decision::Approved),
            IdentityState::Rejected => Some(Decision::Rejected),
            IdentityState::NeedsReview => Some(Decision::NeedsReview),
            IdentityState::Reviewed(review) => Some(review.as_decision()),
        }
    }

    /// Why this state does not accept a new submission, for the 409 detail; `None` if it does.
    fn finality(self) -> Option<&'static str> {
        match self {
            IdentityState::None => None,
            IdentityState::Approved => Some("identity verification is APPROVED and final"),
            IdentityState::Rejected => Some(
                "identity verification is REJECTED and final; a reviewer can look at the case on request",
            ),
            IdentityState::NeedsReview => Some(
                "identity verification is NEEDS_REVIEW and waits for a reviewer; a new submission cannot replace it",
            ),
            IdentityState::Reviewed(ReviewDecision::Approved) => {
                Some("identity verification was APPROVED by a reviewer and is final")
            }
            IdentityState::Reviewed(ReviewDecision::Rejected) => {
                Some("identity verification was REJECTED by a reviewer and is final")
            }
        }
    }
}

/// Whether an identity submission may be decided in `state`: only while there is no decision.
/// Otherwise a 409 [`problems::DECISION_FINAL`] naming the state.
pub fn accept_submission(state: IdentityState) -> Result<(), ApiError> {
    match state.finality() {
        None => Ok(()),
        Some(detail) => Err(ApiError::StateConflict {
            problem: problems::DECISION_FINAL,
            detail: format!("{detail}."),
        }),
    }
}

/// Whether `reviewer_sub` may decide a case of the application owned by `owner_sub`: not their
/// own (403).
pub fn may_review(reviewer_sub: &str, owner_sub: &str) -> Result<(), ApiError> {
    if reviewer_sub == owner_sub {
        return Err(ApiError::Forbidden(
            "Reviewers cannot review their own application.".to_owned(),
        ));
    }
    Ok(())
}

/// The 409 [`problems::REVIEW_ALREADY_DECIDED`] for a second or concurrent decision on a case
/// (the conditional write lets the first decision in).
pub fn already_decided() -> ApiError {
    ApiError::StateConflict {
        problem: problems::REVIEW_ALREADY_DECIDED,
        detail: "This case has already been decided; the first decision stands.".to_owned(),
    }
}

/// Whether the `cognito:groups` claim names `group`. API Gateway REST passes every claim as a
/// string, and the groups array arrives as `[a b]`, `["a","b"]`, `a,b` or a single name
/// depending on the authorizer; all are accepted, and only a whole name matches.
pub fn groups_claim_contains(claim: &str, group: &str) -> bool {
    !group.is_empty()
        && claim
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split(|c: char| c == ',' || c.is_whitespace())
            .map(|name| name.trim().trim_matches('"'))
            .any(|name| name == group)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: serde_json::Value) -> Result<ReviewRequest, ApiError> {
        ReviewRequest::parse(body.to_string().as_bytes())
    }

    fn fields(err: ApiError) -> Vec<String> {
        match err {
            ApiError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_request_parses() {
        let request = parse(json!({
            "decision": "APPROVED",
            "reasonCodes": ["DOCUMENT_VERIFIED", "FACE_MATCH_CONFIRMED"],
            "note": "  Checked the audit images.  ",
        }))
        .unwrap();
        assert_eq!(
            request,
            ReviewRequest {
                decision: ReviewDecision::Approved,
                reason_codes: vec!["DOCUMENT_VERIFIED".into(), "FACE_MATCH_CONFIRMED".into()],
                note: Some("Checked the audit images.".into()),
            }
        );
        let request =
            parse(json!({ "decision": "REJECTED", "reasonCodes": ["SPOOF"], "note": "  " }))
                .unwrap();
        assert_eq!(request.decision, ReviewDecision::Rejected);
        assert_eq!(request.note, None);
        assert_eq!(
            parse(json!({ "decision": "REJECTED", "reasonCodes": ["SPOOF"] })),
            Ok(request)
        );
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let err = parse(json!({
            "decision": "MAYBE",
            "reasonCodes": ["lowercase", "OK_CODE", "OK_CODE"],
            "note": "x".repeat(MAX_NOTE_CHARS + 1),
        }))
        .unwrap_err();
        assert_eq!(err.status(), 422);
        assert_eq!(
            fields(err),
            ["decision", "reasonCodes[0]", "reasonCodes[2]", "note"]
        );
        assert_eq!(
            fields(parse(json!({})).unwrap_err()),
            ["decision", "reasonCodes"]
        );
        let eleven: Vec<String> = (0..11).map(|i| format!("CODE_{i}")).collect();
        assert_eq!(
            fields(parse(json!({ "decision": "APPROVED", "reasonCodes": eleven })).unwrap_err()),
            ["reasonCodes"]
        );
        assert_eq!(
            fields(parse(json!({ "decision": "approved", "reasonCodes": [] })).unwrap_err()),
            ["decision", "reasonCodes"]
        );
    }

    #[test]
    fn reason_code_and_note_limits() {
        let code = |code: &str| parse(json!({ "decision": "APPROVED", "reasonCodes": [code] }));
        let longest = format!("A{}", "Z".repeat(63));
        for ok in ["AB", "A1", "A_", "FACE_SIMILARITY_BORDERLINE", &longest] {
            assert!(code(ok).is_ok(), "{ok}");
        }
        let too_long = format!("A{}", "Z".repeat(64));
        for bad in ["", "A", "1A", "_A", "Ab", "A-B", "A B", "AÉ", &too_long] {
            assert_eq!(
                fields(code(bad).unwrap_err()),
                ["reasonCodes[0]"],
                "{bad:?}"
            );
        }
        let note = |note: String| {
            parse(json!({ "decision": "APPROVED", "reasonCodes": ["OK"], "note": note }))
        };
        // Characters, not bytes: a note in any script gets the same allowance.
        assert!(note("é".repeat(MAX_NOTE_CHARS)).is_ok());
        assert_eq!(
            fields(note("é".repeat(MAX_NOTE_CHARS + 1)).unwrap_err()),
            ["note"]
        );
    }

    #[test]
    fn malformed_bodies_are_400() {
        for body in [
            r#"{"decision":"APPROVED","reasonCodes":["OK"],"reviewer":"me"}"#,
            r#"{"decision":"APPROVED","reasonCodes":"OK"}"#,
            r#"{"decision":true,"reasonCodes":["OK"]}"#,
            r#"["APPROVED"]"#,
            "",
            "{",
        ] {
            let err = ReviewRequest::parse(body.as_bytes()).unwrap_err();
            assert_eq!(err.status(), 400, "{body}");
        }
    }

    #[test]
    fn identity_state_of_every_decision_and_review() {
        use ReviewDecision::{Approved as ReviewApproved, Rejected as ReviewRejected};
        let cases = [
            (None, None, IdentityState::None, None),
            (
                Some(Decision::Approved),
                None,
                IdentityState::Approved,
                Some(Decision::Approved),
            ),
            (
                Some(Decision::Rejected),
                None,
                IdentityState::Rejected,
                Some(Decision::Rejected),
            ),
            (
                Some(Decision::NeedsReview),
                None,
                IdentityState::NeedsReview,
                Some(Decision::NeedsReview),
            ),
            (
                Some(Decision::NeedsReview),
                Some(ReviewApproved),
                IdentityState::Reviewed(ReviewApproved),
                Some(Decision::Approved),
            ),
            (
                Some(Decision::NeedsReview),
                Some(ReviewRejected),
                IdentityState::Reviewed(ReviewRejected),
                Some(Decision::Rejected),
            ),
            // A review settles the case, whatever is stored beside it.
            (
                Some(Decision::Rejected),
                Some(ReviewApproved),
                IdentityState::Reviewed(ReviewApproved),
                Some(Decision::Approved),
            ),
            (
                Some(Decision::Approved),
                Some(ReviewRejected),
                IdentityState::Reviewed(ReviewRejected),
                Some(Decision::Rejected),
            ),
            (
                None,
                Some(ReviewApproved),
                IdentityState::Reviewed(ReviewApproved),
                Some(Decision::Approved),
            ),
        ];
        for (latest, review, state, shown) in cases {
            assert_eq!(
                IdentityState::from_decisions(latest, review),
                state,
                "{latest:?} {review:?}"
            );
            assert_eq!(state.decision(), shown, "{state:?}");
        }
    }

    #[test]
    fn only_an_undecided_identity_accepts_a_submission() {
        let cases = [
            (IdentityState::None, None),
            (IdentityState::Approved, Some("is APPROVED and final")),
            (
                IdentityState::Rejected,
                Some("is REJECTED and final; a reviewer"),
            ),
            (
                IdentityState::NeedsReview,
                Some("is NEEDS_REVIEW and waits for a reviewer"),
            ),
            (
                IdentityState::Reviewed(ReviewDecision::Approved),
                Some("was APPROVED by a reviewer"),
            ),
            (
                IdentityState::Reviewed(ReviewDecision::Rejected),
                Some("was REJECTED by a reviewer"),
            ),
        ];
        for (state, refusal) in cases {
            match (accept_submission(state), refusal) {
                (Ok(()), None) => {}
                (Err(err), Some(naming)) => {
                    assert_eq!(err.status(), 409);
                    assert_eq!(err.slug(), problems::DECISION_FINAL);
                    assert!(err.detail().contains(naming), "{state:?}: {}", err.detail());
                }
                (result, expected) => {
                    panic!("{state:?}: {result:?}, expected refusal {expected:?}")
                }
            }
        }
    }

    #[test]
    fn reviewers_cannot_review_their_own_application() {
        assert_eq!(may_review("reviewer", "applicant"), Ok(()));
        let err = may_review("same", "same").unwrap_err();
        assert_eq!(err.status(), 403);
        assert_eq!(err.slug(), "forbidden");
        let err = already_decided();
        assert_eq!(err.status(), 409);
        assert_eq!(err.slug(), problems::REVIEW_ALREADY_DECIDED);
    }

    #[test]
    fn groups_claim_in_every_shape_api_gateway_sends() {
        let cases = [
            ("reviewers", true),
            (" reviewers ", true),
            ("[reviewers]", true),
            ("[admins reviewers]", true),
            ("admins,reviewers", true),
            ("admins, reviewers", true),
            (r#"["admins","reviewers"]"#, true),
            (r#"["reviewers"]"#, true),
            ("", false),
            ("[]", false),
            ("admins", false),
            ("reviewers-old", false),
            ("[not-reviewers]", false),
            ("reviewer", false),
        ];
        for (claim, member) in cases {
            assert_eq!(
                groups_claim_contains(claim, "reviewers"),
                member,
                "{claim:?}"
            );
        }
        assert!(!groups_claim_contains("", ""));
        assert!(!groups_claim_contains("[a b]", ""));
    }

    #[test]
    fn decisions_are_spelt_like_identity_decisions() {
        for decision in [ReviewDecision::Approved, ReviewDecision::Rejected] {
            assert_eq!(
                serde_json::to_value(decision).unwrap(),
                json!(decision.as_str())
            );
            assert_eq!(
                serde_json::to_value(decision.as_decision()).unwrap(),
                json!(decision.as_str())
            );
        }
    }
}
