//! The error table as Markdown: `docs/errors.md` (every row) and the summary in `README.md`
//! (section "Errors"). `tests/error_table.rs` checks both are exactly what these functions render
//! (`LENDVERIFY_BLESS=1` rewrites them).

use std::fmt::Write;

use lendverify_core::UploadProblem;

use super::table::{rows_of, sdk_retries, Answer, Op, Row, Scope, Service, ROWS};
use super::RETRY_AFTER_SECS;

/// What the API answers for a row.
pub fn api_answer(answer: Answer) -> String {
    match answer {
        Answer::Transient => {
            format!("503 `service-unavailable`, `Retry-After: {RETRY_AFTER_SECS}`")
        }
        Answer::Condition | Answer::Missing => "decided where it happens (see why)".into(),
        Answer::Upload(problem) => format!(
            "{} `{}` naming the upload field{}",
            problem.status(),
            problem.slug(),
            if problem.is_final() {
                "; upload marked rejected"
            } else {
                ""
            }
        ),
        Answer::Outcome => "200: a result the decision rules judge".into(),
        Answer::Browser => {
            "S3 refuses the browser's PUT; using the upload then answers 409 `upload-not-received`"
                .into()
        }
        Answer::Ours => "500 `internal`; logged at error with operation and code".into(),
    }
}

/// What the lending consumer does for a row of an operation it calls.
pub fn consumer_answer(op: Op, answer: Answer) -> &'static str {
    if !op.consumer_calls() {
        return "";
    }
    match (op, answer) {
        (_, Answer::Transient) => "reported: SQS redelivers",
        (_, Answer::Ours) => "reported: redelivered until the DLQ",
        (Op::GetLendingAnalysis | Op::GetLendingAnalysisSummary, Answer::Missing) => {
            "document recorded FAILED with the reason"
        }
        (Op::PutItem, Answer::Condition) => "a duplicate: acknowledged",
        _ => "cannot happen in the consumer",
    }
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|")
}

/// `docs/errors.md`: every operation, every row that applies to it.
pub fn full() -> String {
    let mut out = String::new();
    out.push_str(
        "# Every AWS error and its answer\n\n\
         Generated from `handlers/aws/src/error/table.rs` (the table `AwsError::classify` reads) by \
         `handlers/aws/tests/error_table.rs`; do not edit by hand (`LENDVERIFY_BLESS=1 cargo test -p \
         lendverify-aws --test error_table` rewrites it). That test fails when an operation the \
         adapters call is missing here, or when its service model (the Rust SDK's error enum, and \
         botocore's `service-2.json`) declares an error without a row.\n\n\
         Answers: **transient** (the SDK retries when it knows the code, then 503 with `Retry-After`; \
         the consumer reports the record so SQS redelivers it), **ours** (500, logged at error level \
         with service, operation, code, status and request id, never a message or a value; the \
         consumer reports the record until it lands in the DLQ), **caller** (a 4xx naming the \
         upload field), **condition** / **missing** (decided where the call happens, as the why \
         says), **outcome** (a result for the decision rules), **browser** (answered by S3 to the \
         browser's presigned PUT).\n\n\
         An error code no row names is answered by its HTTP status: 5xx and 429 are transient, \
         anything else is ours; except for the presigned PutObject, so every answer S3 \
         gives it goes to the browser. A timeout or a connection failure is transient; a response the SDK \
         cannot read is transient when it is a 5xx, else ours.\n",
    );
    for service in Service::ALL {
        let _ = write!(out, "\n## {}\n", service.title());
        for op in Op::ALL.iter().copied().filter(|op| op.service() == service) {
            let heading = match op {
                Op::PutEvidence => "PutObject (the evidence record)",
                other => other.name(),
            };
            let _ = write!(out, "\n### {heading}\n\n");
            let consumer = op.consumer_calls();
            out.push_str("| error | answer | SDK retries | API answer |");
            if consumer {
                out.push_str(" consumer |");
            }
            out.push_str(" why |\n| --- | --- | --- | --- |");
            if consumer {
                out.push_str(" --- |");
            }
            out.push_str(" --- |\n");
            for row in rows_of(op) {
                let origin = match row.scope {
                    Scope::Op(_) => "",
                    Scope::Service(_) => " (service-wide)",
                    Scope::Any => " (AWS-wide)",
                };
                let _ = write!(
                    out,
                    "| `{}`{origin} | {} | {} | {} |",
                    row.code,
                    row.answer.label(),
                    if sdk_retries(row.code) { "yes" } else { "no" },
                    api_answer(row.answer),
                );
                if consumer {
                    let _ = write!(out, " {} |", consumer_answer(op, row.answer));
                }
                let _ = writeln!(out, " {} |", escape(row.why));
            }
        }
    }
    out
}

fn codes_by_op(filter: impl Fn(&Row) -> bool) -> String {
    let mut parts = Vec::new();
    for op in Op::ALL {
        let codes: Vec<String> = ROWS
            .iter()
            .filter(|r| r.scope == Scope::Op(op) && filter(r))
            .map(|r| format!("`{}`", r.code))
            .collect();
        if !codes.is_empty() {
            parts.push(format!("{} {}", op.name(), codes.join(", ")));
        }
    }
    parts.join("; ")
}

/// The section of `README.md` between the `error-table` markers: who causes what, what they see,
/// and what pages.
pub fn summary() -> String {
    let upload = |problem: UploadProblem| move |r: &Row| r.answer == Answer::Upload(problem);
    let rows: Vec<(&str, String, String, &str)> = vec![
        (
            "the applicant: the file behind an upload is not its declared type (first KiB read before any analysis)",
            "checked by LendVerify (ranged GetObject); S3 GetObject `InvalidRange` (an empty file)".into(),
            format!("422 `{}` naming `idFrontUploadId`, `idBackUploadId` or `uploadId`; the upload is marked rejected, nothing else is written, Rekognition and Textract are not called", UploadProblem::ContentMismatch.slug()),
            "no",
        ),
        (
            "the applicant: a file the service cannot read",
            codes_by_op(upload(UploadProblem::Unreadable)),
            format!("422 `{}` naming the upload field(s); the upload is marked rejected, nothing else is written", UploadProblem::Unreadable.slug()),
            "no",
        ),
        (
            "the applicant: a file too large to analyse (pixels, pages)",
            codes_by_op(upload(UploadProblem::TooLarge)),
            format!("422 `{}` naming the upload field(s); the upload is marked rejected", UploadProblem::TooLarge.slug()),
            "no",
        ),
        (
            "the applicant: a file never uploaded, or refused by S3 (expired URL, other type or length than signed)",
            format!("{}; {}", codes_by_op(|r| r.answer == Answer::Missing && r.scope == Scope::Op(Op::GetObject)), codes_by_op(|r| r.answer == Answer::Browser)),
            format!("409 `{}` naming the upload field; nothing is written", UploadProblem::NotReceived.slug()),
            "no",
        ),
        (
            "the applicant: no face in the liveness reference image",
            codes_by_op(|r| r.answer == Answer::Outcome),
            "200, the verification is REJECTED (recorded)".into(),
            "no",
        ),
        (
            "the applicant: a liveness session left too long",
            codes_by_op(|r| r.answer == Answer::Missing && r.scope == Scope::Op(Op::GetFaceLivenessSessionResults)),
            "200 `EXPIRED` (recorded); a new session is needed".into(),
            "no",
        ),
        (
            "races between requests (a retry, two tabs, an erasure meanwhile)",
            codes_by_op(|r| r.answer == Answer::Condition),
            "the stored result (201/200/202), 503 with `Retry-After: 1` while a request with the same key is in flight, 404 after an erasure".into(),
            "no",
        ),
        (
            "AWS: throttling, capacity, AWS-side failures, timeouts",
            "every `Throttling*`, `ProvisionedThroughputExceeded*`, `RequestLimitExceeded`, `LimitExceededException`, `InternalServerError`, `TransactionConflictException`, 5xx, timeout and connection failure".into(),
            format!("the SDK retries (3 attempts), then 503 `service-unavailable` with `Retry-After: {RETRY_AFTER_SECS}`; nothing is half-written. Consumer: SQS redelivers"),
            "only when sustained: the `api-5xx` alarm counts 503s too",
        ),
        (
            "the lending consumer: a job Textract no longer knows",
            codes_by_op(|r| r.answer == Answer::Missing && matches!(r.scope, Scope::Op(Op::GetLendingAnalysis | Op::GetLendingAnalysisSummary))),
            "the document is recorded FAILED with the reason; the applicant uploads the package again".into(),
            "no",
        ),
        (
            "us: configuration, permissions, code",
            "every other row: `AccessDenied*`, `ResourceNotFoundException`, `InvalidParameterException` (except CompareFaces), `InvalidS3ObjectException`, `InvalidKMSKeyException`, `IdempotentParameterMismatchException`, `ValidationException`, credentials; any unknown 4xx".into(),
            "500 `internal` (nothing internal in the body); logged at error level with service, operation, code, status and request id. Consumer: redelivered until the DLQ".into(),
            "yes: `api-5xx`; consumer: `dlq-not-empty`",
        ),
    ];
    let mut out = String::from(
        "| who causes it | errors (operation: codes) | what they see | pages the on-call |\n\
         | --- | --- | --- | --- |\n",
    );
    for (who, errors, sees, pages) in rows {
        let _ = writeln!(out, "| {who} | {} | {sees} | {pages} |", escape(&errors));
    }
    out
}
