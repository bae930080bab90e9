//! One classification of SDK failures, shared by every adapter: the error table in [`table`].
//!
//! Every adapter call ends in [`AwsError::classify`] with the operation it called, so what an
//! error means is decided in one place: [`table::ROWS`], one row per modelled error of every
//! operation LendVerify calls. Logs name the service, the operation, the error code, the HTTP
//! status and AWS's request id, never the service's message (it can echo request values).

pub mod docs;
pub mod table;

use aws_sdk_dynamodb::operation::RequestId;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use lendverify_core::{ApiError, UploadProblem};

pub use table::{Answer, Op, Service};

/// Seconds a client should wait after a 503; long enough for the SDK's own backoff window to pass.
pub const RETRY_AFTER_SECS: u32 = 5;

/// What a handler needs to know about a failed AWS call: the [`Answer`] of the error table, with
/// what the logs need.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// [`Answer::Transient`]: throttled, a 5xx, a timeout or a network fault that outlived the
    /// SDK's retries. 503 with `Retry-After`; the consumer has SQS redeliver.
    #[error("{service} {operation} is unavailable: {code}")]
    Unavailable {
        service: &'static str,
        operation: &'static str,
        code: String,
    },
    /// [`Answer::Condition`]: a DynamoDB condition did not hold (the item exists already, or
    /// changed under us). The call site decides; unhandled, it is a 500.
    #[error("condition failed")]
    ConditionFailed,
    /// [`Answer::Missing`]: the object, session or job does not exist. The call site decides;
    /// unhandled, it is a 500.
    #[error("{service} {operation}: not found ({code})")]
    NotFound {
        service: &'static str,
        operation: &'static str,
        code: String,
    },
    /// [`Answer::Upload`]: the service cannot analyse the applicant's upload. The handler names
    /// the upload field in a 422 and marks the upload rejected.
    #[error("{service} {operation} cannot use the upload: {code}")]
    Upload {
        service: &'static str,
        operation: &'static str,
        code: String,
        problem: UploadProblem,
    },
    /// [`Answer::Outcome`]: an answer the domain rules judge (CompareFaces: no face in the source
    /// image). The adapter turns it into a result.
    #[error("{service} {operation} answered {code}")]
    Outcome {
        service: &'static str,
        operation: &'static str,
        code: String,
    },
    /// [`Answer::Ours`] (and anything unreadable): our configuration, permissions or code.
    /// Logged at error level and answered 500.
    #[error("{service} {operation} failed: {code} ({detail})")]
    Fault {
        service: &'static str,
        operation: &'static str,
        code: String,
        /// HTTP status and request id, or what could not be read; never a service message.
        detail: String,
    },
}

impl AwsError {
    /// Classifies an SDK error of `op` by the error table.
    pub fn classify<E>(op: Op, err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        Self::classify_with(op, err, |_| None)
    }

    /// Like [`AwsError::classify`], with a refinement for errors whose answer depends on more
    /// than the code (the cancellation reasons of `TransactionCanceledException`).
    pub fn classify_with<E>(
        op: Op,
        err: SdkError<E, HttpResponse>,
        refine: impl FnOnce(&E) -> Option<Answer>,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let status = err.raw_response().map(|r| r.status().as_u16());
        let request_id = err.request_id().map(str::to_string);
        let fault = |code: &str, detail: String| Self::Fault {
            service: op.service().id(),
            operation: op.name(),
            code: code.to_string(),
            detail,
        };
        match &err {
            SdkError::TimeoutError(_) => {
                return Self::from_answer(op, Answer::Transient, "Timeout", status, None)
            }
            SdkError::DispatchFailure(_) => {
                return Self::from_answer(op, Answer::Transient, "Unreachable", status, None)
            }
            SdkError::ConstructionFailure(_) => {
                // The request could not be built: a bug of ours. The message names a field, never
                // a value.
                return fault(
                    "ConstructionFailure",
                    aws_smithy_types::error::display::DisplayErrorContext(&err).to_string(),
                );
            }
            SdkError::ResponseError(_) => {
                // An answer the SDK could not read: AWS's side when it is a 5xx, else ours.
                let answer = table::by_status(status);
                return Self::from_answer(op, answer, "UnreadableResponse", status, request_id);
            }
            _ => {}
        }
        let code = err.code().unwrap_or_default().to_string();
        let answer = err
            .as_service_error()
            .and_then(refine)
            .unwrap_or_else(|| table::answer(op, &code, status));
        Self::from_answer(op, answer, &code, status, request_id)
    }

    /// The error an answer of the table stands for.
    pub fn from_answer(
        op: Op,
        answer: Answer,
        code: &str,
        status: Option<u16>,
        request_id: Option<String>,
    ) -> Self {
        let (service, operation, code) = (op.service().id(), op.name(), code.to_string());
        match answer {
            Answer::Transient => Self::Unavailable {
                service,
                operation,
                code,
            },
            Answer::Condition => Self::ConditionFailed,
            Answer::Missing => Self::NotFound {
                service,
                operation,
                code,
            },
            Answer::Upload(problem) => Self::Upload {
                service,
                operation,
                code,
                problem,
            },
            Answer::Outcome => Self::Outcome {
                service,
                operation,
                code,
            },
            Answer::Browser | Answer::Ours => Self::Fault {
                service,
                operation,
                code,
                detail: format!(
                    "HTTP {}, request id {}",
                    status.map_or_else(|| "-".to_string(), |s| s.to_string()),
                    request_id.as_deref().unwrap_or("-")
                ),
            },
        }
    }

    /// A value from AWS that the adapter could not read, or a request it could not build. `what`
    /// names the shape, never a value (serde messages quote values, so they are not passed on).
    pub fn malformed(op: Op, what: impl Into<String>) -> Self {
        Self::Fault {
            service: op.service().id(),
            operation: op.name(),
            code: "Malformed".into(),
            detail: what.into(),
        }
    }

    /// The upload problem, when the service could not use the applicant's upload.
    pub fn upload_problem(&self) -> Option<UploadProblem> {
        match self {
            Self::Upload { problem, .. } => Some(*problem),
            _ => None,
        }
    }

    /// Whether retrying later can help (the consumer's "redeliver" versus "page").
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }

    /// Logs an error that is answered 500: at error level, with the operation and the code, so
    /// the on-call finds the row of the table. Nothing personal is in these fields.
    pub fn log_as_ours(&self, context: &'static str) {
        match self {
            Self::Fault {
                service,
                operation,
                code,
                detail,
            } => {
                tracing::error!(
                    service,
                    operation,
                    code,
                    detail,
                    context,
                    "AWS call failed: ours"
                )
            }
            Self::ConditionFailed => tracing::error!(
                service = "dynamodb",
                code = "ConditionalCheckFailedException",
                context,
                "a condition failed where none can: ours"
            ),
            Self::Unavailable {
                service,
                operation,
                code,
            }
            | Self::NotFound {
                service,
                operation,
                code,
            }
            | Self::Upload {
                service,
                operation,
                code,
                ..
            }
            | Self::Outcome {
                service,
                operation,
                code,
            } => tracing::error!(
                service,
                operation,
                code,
                context,
                "AWS error not handled where it happened: ours"
            ),
        }
    }
}

impl From<AwsError> for ApiError {
    fn from(err: AwsError) -> Self {
        match err {
            AwsError::Unavailable {
                service,
                operation,
                code,
            } => {
                tracing::warn!(
                    service,
                    operation,
                    code,
                    "AWS unavailable after retries: 503"
                );
                ApiError::ServiceUnavailable {
                    retry_after_secs: RETRY_AFTER_SECS,
                }
            }
            other => {
                other.log_as_ours("api");
                ApiError::Internal
            }
        }
    }
}
