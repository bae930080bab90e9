//! One classification of SDK failures, shared by every adapter.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use lendverify_core::ApiError;

/// Seconds a client should wait after a 503; long enough for the SDK's own backoff window to pass.
pub const RETRY_AFTER_SECS: u32 = 5;

/// What a handler needs to know about a failed AWS call.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// Throttled, a 5xx or a network fault that outlived the SDK's retries: try again later.
    #[error("{service} is unavailable: {code}")]
    Unavailable { service: &'static str, code: String },
    /// A DynamoDB condition did not hold (the item exists already, or changed under us).
    #[error("condition failed")]
    ConditionFailed,
    /// The service rejected the input (for example, no face in the source image).
    #[error("{service} rejected the request: {code}: {message}")]
    Rejected {
        service: &'static str,
        code: String,
        message: String,
    },
    /// The object or resource does not exist.
    #[error("{service}: not found")]
    NotFound { service: &'static str },
    /// Anything else: a bug or a misconfiguration, logged and answered 500.
    #[error("{service} failed: {detail}")]
    Fault {
        service: &'static str,
        detail: String,
    },
}

const THROTTLE_CODES: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "LimitExceededException",
    "SlowDown",
    "InternalServerError",
    "InternalFailure",
    "ServiceUnavailable",
];

const NOT_FOUND_CODES: &[&str] = &[
    "NoSuchKey",
    "NotFound",
    "ResourceNotFoundException",
    "SessionNotFoundException",
    "InvalidJobIdException",
];

impl AwsError {
    /// Classifies any SDK error by its error code and HTTP status.
    pub fn classify<E>(service: &'static str, err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let status = err.raw_response().map(|r| r.status().as_u16());
        match &err {
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => {
                return Self::Unavailable {
                    service,
                    code: "Unreachable".into(),
                };
            }
            _ => {}
        }
        let code = err.code().unwrap_or_default().to_string();
        let message = err.message().unwrap_or_default().to_string();
        if THROTTLE_CODES.contains(&code.as_str()) || status.is_some_and(|s| s >= 500 || s == 429) {
            Self::Unavailable { service, code }
        } else if code == "ConditionalCheckFailedException"
            || code == "TransactionCanceledException"
        {
            Self::ConditionFailed
        } else if NOT_FOUND_CODES.contains(&code.as_str()) || status == Some(404) {
            Self::NotFound { service }
        } else if status.is_some_and(|s| (400..500).contains(&s)) && !code.is_empty() {
            Self::Rejected {
                service,
                code,
                message,
            }
        } else {
            Self::Fault {
                service,
                detail: format!(
                    "{}",
                    aws_smithy_types::error::display::DisplayErrorContext(&err)
                ),
            }
        }
    }

    /// A value from AWS that the adapter could not read.
    pub fn malformed(service: &'static str, detail: impl Into<String>) -> Self {
        Self::Fault {
            service,
            detail: detail.into(),
        }
    }
}

impl From<AwsError> for ApiError {
    fn from(err: AwsError) -> Self {
        match err {
            AwsError::Unavailable { service, code } => {
                tracing::warn!(service, code, "AWS unavailable after retries");
                ApiError::ServiceUnavailable {
                    retry_after_secs: RETRY_AFTER_SECS,
                }
            }
            other => {
                tracing::error!(error = %other, "AWS call failed");
                ApiError::Internal
            }
        }
    }
}
