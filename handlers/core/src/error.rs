//! The one error type every handler answers with, rendered as RFC 9457 problem details.
//!
//! Handlers never build response bodies for failures themselves: they return an [`ApiError`] and
//! the HTTP layer calls [`ApiError::status`], [`ApiError::problem`] and [`ApiError::retry_after`].
//! Keeping the mapping here means every route reports the same failure the same way, and the
//! wording of internal failures can be audited in one place (nothing internal may leak).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Media type of every error body (RFC 9457 §3), so clients can tell problems from resources.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// Base of the `type` URIs; stable identifiers clients can switch on, independent of wording.
const PROBLEM_TYPE_BASE: &str = "https://lendverify.dev/problems/";

/// One invalid input, named the way the client sent it (JSON path or header name) so a front end
/// can attach the message to the right form control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// JSON path in camelCase (`applicant.givenName`) or a header name (`Idempotency-Key`).
    pub field: String,
    /// Human-readable reason, safe to show to the applicant.
    pub message: String,
}

impl FieldError {
    /// Builds a field error; a constructor keeps call sites short in validation code.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Problem type slugs that are not named after an [`ApiError`] variant: each is a distinct
/// situation a client switches on, so it is defined once here and listed in docs/errors.md.
pub mod problems {
    /// 409: the application's identity decision is final (REJECTED, NEEDS_REVIEW awaiting a
    /// reviewer, APPROVED, or reviewed); a new identity submission is not accepted.
    pub const DECISION_FINAL: &str = "decision-final";
    /// 409: the review case has already been decided; the first decision wins.
    pub const REVIEW_ALREADY_DECIDED: &str = "review-already-decided";
    /// 429: too many failed liveness sessions within the lockout window; `Retry-After` says when
    /// the applicant may try again.
    pub const LIVENESS_LOCKED_OUT: &str = "liveness-locked-out";
    /// 429: the application has used every identity verification attempt; waiting does not help
    /// (no `Retry-After`), a reviewer decides.
    pub const IDENTITY_ATTEMPTS_EXHAUSTED: &str = "identity-attempts-exhausted";
    /// 429: the caller created `APPLICATIONS_PER_DAY` applications within the last 24 hours;
    /// `Retry-After` says when the oldest of them leaves the window.
    pub const APPLICATION_QUOTA_EXCEEDED: &str = "application-quota-exceeded";
    /// 429: the application requested `UPLOADS_PER_APPLICATION` upload URLs within the last 24
    /// hours; `Retry-After` says when the oldest of them leaves the window.
    pub const UPLOAD_QUOTA_EXCEEDED: &str = "upload-quota-exceeded";
    /// 429: the application started `LENDING_JOBS_PER_APPLICATION` lending analyses within the
    /// last 24 hours; `Retry-After` says when the oldest of them leaves the window.
    pub const LENDING_JOB_QUOTA_EXCEEDED: &str = "lending-job-quota-exceeded";
    /// 409: a lending analysis of the application is still running, and its output would land
    /// after the erasure; erase once it ends (`GET .../documents/{documentId}` says when).
    pub const ANALYSIS_RUNNING: &str = "analysis-running";

    /// Every slug above, for documentation checks.
    pub const ALL: [&str; 8] = [
        DECISION_FINAL,
        REVIEW_ALREADY_DECIDED,
        LIVENESS_LOCKED_OUT,
        IDENTITY_ATTEMPTS_EXHAUSTED,
        APPLICATION_QUOTA_EXCEEDED,
        UPLOAD_QUOTA_EXCEEDED,
        LENDING_JOB_QUOTA_EXCEEDED,
        ANALYSIS_RUNNING,
    ];
}

/// Every failure a handler can report to a client.
///
/// Variants carry only what is safe to show: messages are written for the applicant, and
/// [`ApiError::Internal`] carries nothing at all so that SDK errors, ARNs or stack details can
/// never reach a response (log them where they happen instead).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The body is not JSON, is the wrong shape, or has unknown fields (400).
    #[error("malformed request: {0}")]
    MalformedJson(String),
    /// No or invalid credentials (401). API Gateway normally answers this itself; the local stage
    /// and defensive checks in handlers use it too.
    #[error("unauthorized")]
    Unauthorized,
    /// The resource does not exist *or belongs to someone else* (404): answering 403 for another
    /// owner's application would confirm that the id exists.
    #[error("{resource} not found")]
    NotFound {
        /// What was looked up, e.g. `"application"`; shown to the client.
        resource: &'static str,
    },
    /// The caller is authenticated but not allowed to do this (403): an applicant on a reviewer
    /// route, or a reviewer deciding their own application. Only for routes whose existence is no
    /// secret; another owner's application is [`ApiError::NotFound`].
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The request conflicts with the current state (409), e.g. verifying identity before liveness.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A conflict a client must handle differently from a generic one (409), so it has its own
    /// problem type, e.g. [`problems::DECISION_FINAL`] or [`problems::REVIEW_ALREADY_DECIDED`].
    #[error("conflict {problem}: {detail}")]
    StateConflict {
        /// Problem type slug, one of the [`problems`] constants.
        problem: &'static str,
        /// Occurrence-specific explanation naming the state, safe to show.
        detail: String,
    },
    /// The caller has used up a limit (429): the liveness lockout, the identity attempt cap or a
    /// per-user quota. Each limit is its own problem type, because a client answers each
    /// differently (the attempt cap never lifts; the others lift by themselves).
    #[error("too many requests {problem}: {detail}")]
    TooManyRequests {
        /// Problem type slug, one of the [`problems`] constants.
        problem: &'static str,
        /// Occurrence-specific explanation, safe to show.
        detail: String,
        /// Seconds for the `Retry-After` header; `None` when waiting does not help.
        retry_after_secs: Option<u32>,
    },
    /// The declared upload size exceeds what Rekognition/Textract accept (413).
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    /// The content type is not one the target service can read (415).
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// Well-formed JSON with invalid values (422), listing every offending field at once so the
    /// client can fix them in one round trip.
    #[error("validation failed: {}", summarize(.0))]
    Validation(Vec<FieldError>),
    /// An upload the request names cannot be used (409 or 422, see [`UploadProblem`]): it has not
    /// arrived, its bytes are not of the type it was declared as, or the service that reads it
    /// could not. Names every upload field concerned, like [`ApiError::Validation`], so a front
    /// end can attach the message to the right control and ask for a new file.
    #[error("upload problem {}: {}", .problem.slug(), summarize(.errors))]
    Upload {
        /// Which of the upload problems this is; it decides status and problem type.
        problem: UploadProblem,
        /// The upload fields concerned (`idFrontUploadId`, `idBackUploadId`, `uploadId`).
        errors: Vec<FieldError>,
    },
    /// A dependency throttled or is down (503); clients should retry after the given delay.
    #[error("service unavailable, retry after {retry_after_secs}s")]
    ServiceUnavailable {
        /// Seconds for the `Retry-After` header.
        retry_after_secs: u32,
    },
    /// Anything unexpected (500). Deliberately carries no detail.
    #[error("internal error")]
    Internal,
}

/// Why an upload cannot be used. Each is its own problem type, so a client can tell "send the file
/// again" (not received) from "send another file" (everything else).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UploadProblem {
    /// Nothing has been stored under the upload yet (409): the PUT to the presigned URL did not
    /// happen, failed, or is still running.
    NotReceived,
    /// The first bytes of the object are not the type the upload was declared as, e.g. an
    /// executable behind `image/png` (422). Checked before Rekognition or Textract is paid for.
    ContentMismatch,
    /// Rekognition or Textract could not read the file (422): a corrupt or unsupported image or
    /// document (`InvalidImageFormatException`, `BadDocumentException`,
    /// `UnsupportedDocumentException`).
    Unreadable,
    /// Rekognition or Textract found the file too large to analyse (422): more pixels or pages
    /// than the service takes, although the byte size was within the declared limit
    /// (`ImageTooLargeException`, `DocumentTooLargeException`).
    TooLarge,
}

impl UploadProblem {
    /// Every upload problem.
    pub const ALL: [UploadProblem; 4] = [
        UploadProblem::NotReceived,
        UploadProblem::ContentMismatch,
        UploadProblem::Unreadable,
        UploadProblem::TooLarge,
    ];

    /// HTTP status: 409 while the upload may still arrive, 422 once its content is known bad.
    pub fn status(self) -> u16 {
        match self {
            UploadProblem::NotReceived => 409,
            _ => 422,
        }
    }

    /// Problem type slug (last segment of the `type` URI).
    pub fn slug(self) -> &'static str {
        match self {
            UploadProblem::NotReceived => "upload-not-received",
            UploadProblem::ContentMismatch => "upload-content-mismatch",
            UploadProblem::Unreadable => "upload-unreadable",
            UploadProblem::TooLarge => "upload-too-large",
        }
    }

    /// RFC 9457 `title`.
    pub fn title(self) -> &'static str {
        match self {
            UploadProblem::NotReceived => "Upload not received",
            UploadProblem::ContentMismatch => "Upload is not of its declared type",
            UploadProblem::Unreadable => "Upload cannot be read",
            UploadProblem::TooLarge => "Upload too large to analyse",
        }
    }

    /// Whether the upload can never be used: the applicant must upload a new file, and the
    /// upload is marked rejected so it is not analysed again.
    pub fn is_final(self) -> bool {
        self != UploadProblem::NotReceived
    }
}

fn summarize(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl ApiError {
    /// A 422 naming a single field; most validation failures are about one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    /// A 400 from a `serde_json` error, whose message names the offending field or position
    /// without echoing anything the client did not send itself.
    pub fn from_json(err: &serde_json::Error) -> ApiError {
        ApiError::MalformedJson(err.to_string())
    }

    /// An upload problem naming one upload field.
    pub fn upload(
        problem: UploadProblem,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError::Upload {
            problem,
            errors: vec![FieldError::new(field, message)],
        }
    }

    /// Deserializes a request body that must be a JSON object. `serde` would otherwise accept a
    /// JSON array for a struct (positional fields), which no client means to send.
    pub fn parse_json_object<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => serde_json::from_slice(body).map_err(|e| ApiError::from_json(&e)),
            Some(_) => Err(ApiError::MalformedJson(
                "the request body must be a JSON object".to_owned(),
            )),
            None => Err(ApiError::MalformedJson(
                "the request body is empty".to_owned(),
            )),
        }
    }

    /// HTTP status code of this error.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::MalformedJson(_) => 400,
            ApiError::Unauthorized => 401,
            ApiError::Forbidden(_) => 403,
            ApiError::NotFound { .. } => 404,
            ApiError::Conflict(_) | ApiError::StateConflict { .. } => 409,
            ApiError::PayloadTooLarge(_) => 413,
            ApiError::UnsupportedMediaType(_) => 415,
            ApiError::Validation(_) => 422,
            ApiError::Upload { problem, .. } => problem.status(),
            ApiError::TooManyRequests { .. } => 429,
            ApiError::ServiceUnavailable { .. } => 503,
            ApiError::Internal => 500,
        }
    }

    /// Stable slug of the problem type (the variant name in kebab-case, so it is predictable from
    /// code); the last segment of the `type` URI and handy as a metric dimension.
    pub fn slug(&self) -> &'static str {
        match self {
            ApiError::MalformedJson(_) => "malformed-json",
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound { .. } => "not-found",
            ApiError::Conflict(_) => "conflict",
            ApiError::StateConflict { problem, .. } | ApiError::TooManyRequests { problem, .. } => {
                problem
            }
            ApiError::PayloadTooLarge(_) => "payload-too-large",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::Validation(_) => "validation",
            ApiError::Upload { problem, .. } => problem.slug(),
            ApiError::ServiceUnavailable { .. } => "service-unavailable",
            ApiError::Internal => "internal",
        }
    }

    /// Short summary that does not change between occurrences (RFC 9457 `title`).
    pub fn title(&self) -> &'static str {
        match self {
            ApiError::MalformedJson(_) => "Malformed request",
            ApiError::Unauthorized => "Unauthorized",
            ApiError::Forbidden(_) => "Forbidden",
            ApiError::NotFound { .. } => "Not found",
            ApiError::Conflict(_) | ApiError::StateConflict { .. } => "Conflict",
            ApiError::PayloadTooLarge(_) => "Payload too large",
            ApiError::UnsupportedMediaType(_) => "Unsupported media type",
            ApiError::Validation(_) => "Validation failed",
            ApiError::Upload { problem, .. } => problem.title(),
            ApiError::TooManyRequests { .. } => "Too many requests",
            ApiError::ServiceUnavailable { .. } => "Service unavailable",
            ApiError::Internal => "Internal error",
        }
    }

    /// Occurrence-specific explanation (RFC 9457 `detail`), never containing internal details.
    pub fn detail(&self) -> String {
        match self {
            ApiError::MalformedJson(m)
            | ApiError::Forbidden(m)
            | ApiError::Conflict(m)
            | ApiError::StateConflict { detail: m, .. }
            | ApiError::TooManyRequests { detail: m, .. }
            | ApiError::PayloadTooLarge(m)
            | ApiError::UnsupportedMediaType(m) => m.clone(),
            ApiError::Unauthorized => "Missing or invalid credentials.".to_owned(),
            ApiError::NotFound { resource } => format!("The {resource} does not exist."),
            ApiError::Validation(errors) => match errors.len() {
                1 => "1 field is invalid.".to_owned(),
                n => format!("{n} fields are invalid."),
            },
            ApiError::Upload { problem, errors } => {
                let what = match errors.len() {
                    1 => "The upload",
                    _ => "One of the uploads",
                };
                match problem {
                    UploadProblem::NotReceived => {
                        format!("{what} has not been received yet; send the file to its upload URL first.")
                    }
                    _ => format!("{what} cannot be used; upload a new file."),
                }
            }
            ApiError::ServiceUnavailable { retry_after_secs } => format!(
                "A dependency is temporarily unavailable; retry after {retry_after_secs} seconds."
            ),
            ApiError::Internal => "An unexpected error occurred.".to_owned(),
        }
    }

    /// The RFC 9457 body. `instance` identifies this occurrence (the request path or a request
    /// id) so support can correlate a client report with logs.
    pub fn problem(&self, instance: &str) -> Value {
        let mut body = json!({
            "type": format!("{PROBLEM_TYPE_BASE}{}", self.slug()),
            "title": self.title(),
            "status": self.status(),
            "detail": self.detail(),
            "instance": instance,
        });
        if let ApiError::Validation(errors) | ApiError::Upload { errors, .. } = self {
            body["errors"] = json!(errors);
        }
        body
    }

    /// Value for the `Retry-After` header, present for 503 and for a 429 whose limit lifts by
    /// itself, so clients back off correctly.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            ApiError::ServiceUnavailable { retry_after_secs } => Some(*retry_after_secs),
            ApiError::TooManyRequests {
                retry_after_secs, ..
            } => *retry_after_secs,
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_match_the_contract() {
        let cases: Vec<(ApiError, u16, &str)> = vec![
            (ApiError::MalformedJson("x".into()), 400, "malformed-json"),
            (ApiError::Unauthorized, 401, "unauthorized"),
            (ApiError::Forbidden("x".into()), 403, "forbidden"),
            (
                ApiError::NotFound {
                    resource: "application",
                },
                404,
                "not-found",
            ),
            (ApiError::Conflict("x".into()), 409, "conflict"),
            (
                ApiError::StateConflict {
                    problem: problems::DECISION_FINAL,
                    detail: "x".into(),
                },
                409,
                "decision-final",
            ),
            (
                ApiError::TooManyRequests {
                    problem: problems::LIVENESS_LOCKED_OUT,
                    detail: "x".into(),
                    retry_after_secs: Some(42),
                },
                429,
                "liveness-locked-out",
            ),
            (
                ApiError::TooManyRequests {
                    problem: problems::IDENTITY_ATTEMPTS_EXHAUSTED,
                    detail: "x".into(),
                    retry_after_secs: None,
                },
                429,
                "identity-attempts-exhausted",
            ),
            (
                ApiError::TooManyRequests {
                    problem: problems::APPLICATION_QUOTA_EXCEEDED,
                    detail: "x".into(),
                    retry_after_secs: Some(3600),
                },
                429,
                "application-quota-exceeded",
            ),
            (
                ApiError::PayloadTooLarge("x".into()),
                413,
                "payload-too-large",
            ),
            (
                ApiError::UnsupportedMediaType("x".into()),
                415,
                "unsupported-media-type",
            ),
            (ApiError::field("a", "b"), 422, "validation"),
            (
                ApiError::ServiceUnavailable {
                    retry_after_secs: 3,
                },
                503,
                "service-unavailable",
            ),
            (ApiError::Internal, 500, "internal"),
        ];
        for (err, status, slug) in cases {
            assert_eq!(err.status(), status, "{err:?}");
            let body = err.problem("/applications/x");
            assert_eq!(body["status"], status);
            assert_eq!(
                body["type"],
                format!("https://lendverify.dev/problems/{slug}")
            );
            assert_eq!(body["instance"], "/applications/x");
            assert!(body["title"].is_string());
            assert!(body["detail"].is_string());
            assert_eq!(body.get("errors").is_some(), status == 422);
            let lifts_by_itself = status == 503
                || slug == problems::LIVENESS_LOCKED_OUT
                || slug.ends_with("-quota-exceeded");
            assert_eq!(err.retry_after().is_some(), lifts_by_itself, "{err:?}");
        }
    }

    #[test]
    fn limits_and_state_conflicts_carry_their_own_detail_and_retry_after() {
        let locked = ApiError::TooManyRequests {
            problem: problems::LIVENESS_LOCKED_OUT,
            detail: "try again in 42 seconds".into(),
            retry_after_secs: Some(42),
        };
        assert_eq!(locked.retry_after(), Some(42));
        let body = locked.problem("/x");
        assert_eq!(body["detail"], "try again in 42 seconds");
        assert_eq!(body["title"], "Too many requests");
        let body = ApiError::Forbidden("not yours".into()).problem("/x");
        assert_eq!(body["detail"], "not yours");
        assert_eq!(body["title"], "Forbidden");
        let slugs: std::collections::BTreeSet<_> = problems::ALL.into_iter().collect();
        assert_eq!(
            slugs.len(),
            problems::ALL.len(),
            "problem slugs are distinct"
        );
    }

    #[test]
    fn upload_problems_have_their_own_types_and_name_the_field() {
        let expected = [
            (UploadProblem::NotReceived, 409, "upload-not-received"),
            (
                UploadProblem::ContentMismatch,
                422,
                "upload-content-mismatch",
            ),
            (UploadProblem::Unreadable, 422, "upload-unreadable"),
            (UploadProblem::TooLarge, 422, "upload-too-large"),
        ];
        assert_eq!(expected.len(), UploadProblem::ALL.len());
        for (problem, status, slug) in expected {
            let err = ApiError::upload(problem, "idFrontUploadId", "not a PNG image");
            assert_eq!(err.status(), status);
            let body = err.problem("/x");
            assert_eq!(body["status"], status);
            assert_eq!(
                body["type"],
                format!("https://lendverify.dev/problems/{slug}")
            );
            assert_eq!(body["errors"][0]["field"], "idFrontUploadId");
            assert_eq!(body["errors"][0]["message"], "not a PNG image");
            assert!(body["detail"]
                .as_str()
                .is_some_and(|d| d.starts_with("The upload")));
            assert_eq!(err.retry_after(), None);
            assert_eq!(problem.is_final(), status == 422);
        }
        let two = ApiError::Upload {
            problem: UploadProblem::Unreadable,
            errors: vec![
                FieldError::new("idFrontUploadId", "x"),
                FieldError::new("idBackUploadId", "x"),
            ],
        };
        assert!(two.problem("/x")["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("One of the uploads")));
    }

    #[test]
    fn validation_lists_fields() {
        let err = ApiError::Validation(vec![
            FieldError::new("applicant.givenName", "must not be empty"),
            FieldError::new("applicant.dateOfBirth", "must not be in the future"),
        ]);
        let body = err.problem("/applications");
        assert_eq!(body["errors"][0]["field"], "applicant.givenName");
        assert_eq!(body["errors"][1]["message"], "must not be in the future");
        assert_eq!(body["detail"], "2 fields are invalid.");
    }

    #[test]
    fn internal_leaks_nothing() {
        let body = ApiError::Internal.problem("/x");
        assert_eq!(body["detail"], "An unexpected error occurred.");
        assert_eq!(
            ApiError::ServiceUnavailable {
                retry_after_secs: 7
            }
            .retry_after(),
            Some(7)
        );
    }

    #[test]
    fn content_type_constant() {
        assert_eq!(PROBLEM_CONTENT_TYPE, "application/problem+json");
    }
}
