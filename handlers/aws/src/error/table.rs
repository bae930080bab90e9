//! The error table: every error each AWS operation LendVerify calls can answer, and what
//! LendVerify does about it.
//!
//! One row per (operation, error code) for every error the operation's service model declares
//! (the Rust SDK's operation error enums; `tests/error_table.rs` checks them against the SDK
//! source and botocore's `service-2.json`, so an SDK upgrade that adds an error, or a new call,
//! fails the build's tests until it has a row). Then the errors any operation of a service can
//! answer although no operation model lists them (authentication, validation, the protocol's
//! throttles), and a fallback by HTTP status for anything else.
//!
//! [`AwsError::classify`](super::AwsError::classify) reads this table; nothing else decides what
//! an AWS error means. `README.md` (section "Errors") and `docs/errors.md` are generated from it
//! and checked by the same test.

use lendverify_core::UploadProblem;

/// The AWS services LendVerify calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    DynamoDb,
    S3,
    Rekognition,
    Textract,
    Sns,
    SecretsManager,
}

impl Service {
    pub const ALL: [Service; 6] = [
        Service::DynamoDb,
        Service::S3,
        Service::Rekognition,
        Service::Textract,
        Service::Sns,
        Service::SecretsManager,
    ];

    /// The name logs and metrics use (the SDK's service id, lower case).
    pub fn id(self) -> &'static str {
        match self {
            Service::DynamoDb => "dynamodb",
            Service::S3 => "s3",
            Service::Rekognition => "rekognition",
            Service::Textract => "textract",
            Service::Sns => "sns",
            Service::SecretsManager => "secretsmanager",
        }
    }

    /// The name AWS documentation uses.
    pub fn title(self) -> &'static str {
        match self {
            Service::DynamoDb => "DynamoDB",
            Service::S3 => "S3",
            Service::Rekognition => "Rekognition",
            Service::Textract => "Textract",
            Service::Sns => "SNS",
            Service::SecretsManager => "Secrets Manager",
        }
    }

    /// The Rust SDK crate of the service.
    pub fn sdk_crate(self) -> &'static str {
        match self {
            Service::DynamoDb => "aws-sdk-dynamodb",
            Service::S3 => "aws-sdk-s3",
            Service::Rekognition => "aws-sdk-rekognition",
            Service::Textract => "aws-sdk-textract",
            Service::Sns => "aws-sdk-sns",
            Service::SecretsManager => "aws-sdk-secretsmanager",
        }
    }

    /// The botocore service name (`botocore/data/<name>/...`).
    pub fn botocore_name(self) -> &'static str {
        self.id()
    }
}

/// Every AWS operation the handlers and the consumer call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    GetItem,
    Query,
    PutItem,
    DeleteItem,
    TransactWriteItems,
    GetObject,
    ListObjectVersions,
    DeleteObjects,
    /// Presigned only: the browser sends the request, S3 answers it.
    PutObject,
    /// Erasure: a decided application's evidence (its images, read with GetObject, and the
    /// record of its decision) is written to the evidence bucket: S3's PutObject, sent by us
    /// rather than by a browser.
    PutEvidence,
    CreateFaceLivenessSession,
    GetFaceLivenessSessionResults,
    CompareFaces,
    AnalyzeId,
    StartLendingAnalysis,
    GetLendingAnalysis,
    GetLendingAnalysisSummary,
    /// Decision events to the `decision-events` topic.
    Publish,
    /// The webhook signing secret (`deliver-decision-events`).
    GetSecretValue,
}

impl Op {
    pub const ALL: [Op; 19] = [
        Op::GetItem,
        Op::Query,
        Op::PutItem,
        Op::DeleteItem,
        Op::TransactWriteItems,
        Op::GetObject,
        Op::ListObjectVersions,
        Op::DeleteObjects,
        Op::PutObject,
        Op::PutEvidence,
        Op::CreateFaceLivenessSession,
        Op::GetFaceLivenessSessionResults,
        Op::CompareFaces,
        Op::AnalyzeId,
        Op::StartLendingAnalysis,
        Op::GetLendingAnalysis,
        Op::GetLendingAnalysisSummary,
        Op::Publish,
        Op::GetSecretValue,
    ];

    pub fn service(self) -> Service {
        match self {
            Op::GetItem | Op::Query | Op::PutItem | Op::DeleteItem | Op::TransactWriteItems => {
                Service::DynamoDb
            }
            Op::GetObject
            | Op::ListObjectVersions
            | Op::DeleteObjects
            | Op::PutObject
            | Op::PutEvidence => Service::S3,
            Op::CreateFaceLivenessSession
            | Op::GetFaceLivenessSessionResults
            | Op::CompareFaces => Service::Rekognition,
            Op::AnalyzeId
            | Op::StartLendingAnalysis
            | Op::GetLendingAnalysis
            | Op::GetLendingAnalysisSummary => Service::Textract,
            Op::Publish => Service::Sns,
            Op::GetSecretValue => Service::SecretsManager,
        }
    }

    /// The operation's name in the API reference (and in the emulator's fault control).
    pub fn name(self) -> &'static str {
        match self {
            Op::GetItem => "GetItem",
            Op::Query => "Query",
            Op::PutItem => "PutItem",
            Op::DeleteItem => "DeleteItem",
            Op::TransactWriteItems => "TransactWriteItems",
            Op::GetObject => "GetObject",
            Op::ListObjectVersions => "ListObjectVersions",
            Op::DeleteObjects => "DeleteObjects",
            Op::PutObject | Op::PutEvidence => "PutObject",
            Op::CreateFaceLivenessSession => "CreateFaceLivenessSession",
            Op::GetFaceLivenessSessionResults => "GetFaceLivenessSessionResults",
            Op::CompareFaces => "CompareFaces",
            Op::AnalyzeId => "AnalyzeID",
            Op::StartLendingAnalysis => "StartLendingAnalysis",
            Op::GetLendingAnalysis => "GetLendingAnalysis",
            Op::GetLendingAnalysisSummary => "GetLendingAnalysisSummary",
            Op::Publish => "Publish",
            Op::GetSecretValue => "GetSecretValue",
        }
    }

    /// The SDK's fluent-builder method (`client.get_item()`), and its `operation` module.
    pub fn sdk_method(self) -> &'static str {
        match self {
            Op::GetItem => "get_item",
            Op::Query => "query",
            Op::PutItem => "put_item",
            Op::DeleteItem => "delete_item",
            Op::TransactWriteItems => "transact_write_items",
            Op::GetObject => "get_object",
            Op::ListObjectVersions => "list_object_versions",
            Op::DeleteObjects => "delete_objects",
            Op::PutObject | Op::PutEvidence => "put_object",
            Op::CreateFaceLivenessSession => "create_face_liveness_session",
            Op::GetFaceLivenessSessionResults => "get_face_liveness_session_results",
            Op::CompareFaces => "compare_faces",
            Op::AnalyzeId => "analyze_id",
            Op::StartLendingAnalysis => "start_lending_analysis",
            Op::GetLendingAnalysis => "get_lending_analysis",
            Op::GetLendingAnalysisSummary => "get_lending_analysis_summary",
            Op::Publish => "publish",
            Op::GetSecretValue => "get_secret_value",
        }
    }

    /// Whether the lending consumer (`lending-analysis-completed`) calls it.
    pub fn consumer_calls(self) -> bool {
        matches!(
            self,
            Op::Query
                | Op::GetItem
                | Op::PutItem
                | Op::GetLendingAnalysis
                | Op::GetLendingAnalysisSummary
        )
    }
}

/// What an error means, and so what the API and the consumer do about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Answer {
    /// Throttled, over capacity, or a failure on AWS's side: the SDK retries (standard mode,
    /// 3 attempts, exponential backoff with jitter) when it knows the code, then the API answers
    /// 503 with `Retry-After`, and the consumer reports the record so SQS redelivers it.
    Transient,
    /// A conditional write did not hold. Not an error in itself: each call site decides (a
    /// duplicate, a race won by another request, an application erased meanwhile).
    Condition,
    /// What the call names does not exist. Each call site decides (an upload not received yet,
    /// a liveness session Rekognition no longer knows, a Textract job whose results are gone).
    Missing,
    /// The applicant's upload cannot be analysed: 422 with this problem type, naming the upload
    /// field, and the upload is marked rejected so it is never sent again.
    Upload(UploadProblem),
    /// A result, not a failure: the decision rules judge it (CompareFaces finding no face in
    /// the source image).
    Outcome,
    /// Only ever answered to the browser's PUT to a presigned URL; the API never sees it, and
    /// answers 409 `upload-not-received` when the upload is used.
    Browser,
    /// Our configuration, permissions or code: 500 (nothing about it reaches the caller), logged
    /// at error level with the operation and the code; the consumer reports the record until it
    /// lands in the DLQ.
    Ours,
}

impl Answer {
    /// A short name for tables and logs.
    pub fn label(self) -> &'static str {
        match self {
            Answer::Transient => "transient",
            Answer::Condition => "condition",
            Answer::Missing => "missing",
            Answer::Upload(UploadProblem::NotReceived) => "upload not received",
            Answer::Upload(UploadProblem::ContentMismatch) => "caller: content mismatch",
            Answer::Upload(UploadProblem::Unreadable) => "caller: unreadable upload",
            Answer::Upload(UploadProblem::TooLarge) => "caller: upload too large",
            Answer::Outcome => "outcome",
            Answer::Browser => "browser",
            Answer::Ours => "ours",
        }
    }

    /// Whether the on-call is paged: `api-5xx` (500s, and 503s past its threshold) and
    /// `dlq-not-empty` (consumer records that keep failing).
    pub fn pages(self) -> bool {
        matches!(self, Answer::Ours)
    }
}

/// Which operations a row applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// One operation (its model declares the error, or the row documents a known undeclared one).
    Op(Op),
    /// Every operation of a service: the protocol's and the service's common errors.
    Service(Service),
    /// Every operation of every service: AWS's common errors.
    Any,
}

/// One row of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub scope: Scope,
    /// The error code on the wire (`__type`, `x-amzn-ErrorType` or S3's `<Code>`).
    pub code: &'static str,
    pub answer: Answer,
    /// Why this answer, and what the call sites do with it.
    pub why: &'static str,
}

const fn op(op: Op, code: &'static str, answer: Answer, why: &'static str) -> Row {
    Row {
        scope: Scope::Op(op),
        code,
        answer,
        why,
    }
}

const fn service(service: Service, code: &'static str, answer: Answer, why: &'static str) -> Row {
    Row {
        scope: Scope::Service(service),
        code,
        answer,
        why,
    }
}

const fn any(code: &'static str, answer: Answer, why: &'static str) -> Row {
    Row {
        scope: Scope::Any,
        code,
        answer,
        why,
    }
}

use Answer::{Browser, Condition, Missing, Ours, Outcome, Transient};
const UNREADABLE: Answer = Answer::Upload(UploadProblem::Unreadable);
const TOO_LARGE: Answer = Answer::Upload(UploadProblem::TooLarge);
const EMPTY: Answer = Answer::Upload(UploadProblem::ContentMismatch);

// Reasons shared by many rows.
const THROTTLED: &str = "throttled or over the table's capacity";
const SERVER: &str = "a failure on AWS's side";
const NO_TABLE: &str =
    "the table or index named in configuration does not exist (APPLICATIONS_TABLE, GSIs)";
const NO_DISCOVERY: &str =
    "endpoint discovery is not used; only a misconfigured endpoint answers it";
const NO_LSI: &str =
    "only a table with local secondary indexes has item collections; ours has none";
const ITEM_BUSY: &str =
    "another transaction is writing the item; not retried by the SDK, so 503 at once";
const REPLICA: &str = "a concurrent write in another region of a global table";
const DENIED: &str = "the function's role lacks a permission (or the KMS key policy denies it)";
const WE_BUILD_IT: &str =
    "every parameter comes from configuration or stored records, never from the request";
const S3_UNREADABLE: &str = "the service cannot read an object that exists (checked just before): \
    the bucket policy, the KMS key policy or the region is wrong";
const KMS: &str = "the KMS key (KMS_KEY_ARN) is missing, disabled or not usable by Textract";
const JOB_GONE: &str = "Textract no longer knows the job (results are kept 7 days): the consumer \
    records the document FAILED with that reason instead of redelivering for nothing";

/// The table. Per-operation rows first, then per-service, then AWS-wide; the first row that
/// matches an error's operation and code is its answer.
pub const ROWS: &[Row] = &[
    // ---- DynamoDB GetItem: the idempotency key (POST /applications), the erasure record
    // (consumer), a re-read after a lost race (GET .../liveness-sessions/{id}).
    op(Op::GetItem, "InternalServerError", Transient, SERVER),
    op(Op::GetItem, "InvalidEndpointException", Ours, NO_DISCOVERY),
    op(Op::GetItem, "ProvisionedThroughputExceededException", Transient, THROTTLED),
    op(Op::GetItem, "RequestLimitExceeded", Transient, "over the account's throughput quota"),
    op(Op::GetItem, "ResourceNotFoundException", Ours, NO_TABLE),
    op(Op::GetItem, "ThrottlingException", Transient, THROTTLED),
    // ---- DynamoDB Query: every route's owner check, the list, the consumer's job lookup.
    op(Op::Query, "InternalServerError", Transient, SERVER),
    op(Op::Query, "InvalidEndpointException", Ours, NO_DISCOVERY),
    op(Op::Query, "ProvisionedThroughputExceededException", Transient, THROTTLED),
    op(Op::Query, "RequestLimitExceeded", Transient, "over the account's throughput quota"),
    op(Op::Query, "ResourceNotFoundException", Ours, NO_TABLE),
    op(Op::Query, "ThrottlingException", Transient, THROTTLED),
    // ---- DynamoDB PutItem: every record a route or the consumer writes.
    op(
        Op::PutItem,
        "ConditionalCheckFailedException",
        Condition,
        "per call site: consent on an application erased meanwhile → 404; a liveness result or \
         lending completion recorded first by a concurrent poll or delivery → that record is \
         answered (consumer: acknowledged as a duplicate); a document a retried start recorded \
         first → 202 with it; a fresh random id that exists already (application without key, \
         upload, liveness session, verification) cannot happen → 500; marking an upload \
         rejected after an erasure → ignored, the 422 stands; the webhook dispatcher's claim of \
         a delivery record → the endpoint was DELIVERED already (skipped) or another invocation \
         holds its lease (the record is reported and SQS redelivers it), and its DELIVERED or \
         release write after a lease it lost → logged, the record is reported",
    ),
    op(Op::PutItem, "InternalServerError", Transient, SERVER),
    op(Op::PutItem, "InvalidEndpointException", Ours, NO_DISCOVERY),
    op(Op::PutItem, "ItemCollectionSizeLimitExceededException", Ours, NO_LSI),
    op(Op::PutItem, "ProvisionedThroughputExceededException", Transient, THROTTLED),
    op(Op::PutItem, "ReplicatedWriteConflictException", Transient, REPLICA),
    op(Op::PutItem, "RequestLimitExceeded", Transient, "over the account's throughput quota"),
    op(Op::PutItem, "ResourceNotFoundException", Ours, NO_TABLE),
    op(Op::PutItem, "ThrottlingException", Transient, THROTTLED),
    op(Op::PutItem, "TransactionConflictException", Transient, ITEM_BUSY),
    // ---- DynamoDB DeleteItem: erasure (DELETE /applications/{id}), application item last.
    op(
        Op::DeleteItem,
        "ConditionalCheckFailedException",
        Condition,
        "erasure deletes without a condition, so DynamoDB never answers it; were it to, the \
         erasure stops with 500 and a repeated DELETE finishes it",
    ),
    op(Op::DeleteItem, "InternalServerError", Transient, SERVER),
    op(Op::DeleteItem, "InvalidEndpointException", Ours, NO_DISCOVERY),
    op(Op::DeleteItem, "ItemCollectionSizeLimitExceededException", Ours, NO_LSI),
    op(Op::DeleteItem, "ProvisionedThroughputExceededException", Transient, THROTTLED),
    op(Op::DeleteItem, "ReplicatedWriteConflictException", Transient, REPLICA),
    op(Op::DeleteItem, "RequestLimitExceeded", Transient, "over the account's throughput quota"),
    op(Op::DeleteItem, "ResourceNotFoundException", Ours, NO_TABLE),
    op(Op::DeleteItem, "ThrottlingException", Transient, THROTTLED),
    op(Op::DeleteItem, "TransactionConflictException", Transient, ITEM_BUSY),
    // ---- DynamoDB TransactWriteItems: POST /applications with an Idempotency-Key.
    op(
        Op::TransactWriteItems,
        "IdempotentParameterMismatchException",
        Ours,
        "no ClientRequestToken is sent, so DynamoDB cannot answer it",
    ),
    op(Op::TransactWriteItems, "InternalServerError", Transient, SERVER),
    op(Op::TransactWriteItems, "InvalidEndpointException", Ours, NO_DISCOVERY),
    op(Op::TransactWriteItems, "ProvisionedThroughputExceededException", Transient, THROTTLED),
    op(Op::TransactWriteItems, "RequestLimitExceeded", Transient, "over the account's throughput quota"),
    op(Op::TransactWriteItems, "ResourceNotFoundException", Ours, NO_TABLE),
    op(Op::TransactWriteItems, "ThrottlingException", Transient, THROTTLED),
    op(
        Op::TransactWriteItems,
        "TransactionCanceledException",
        Condition,
        "by its CancellationReasons: ConditionalCheckFailed (or none given) → a concurrent \
         request with the same key won, its application is answered (201) once stored, 503 with \
         Retry-After: 1 if it does not appear within a second; ThrottlingError, \
         ProvisionedThroughputExceeded, TransactionConflict → transient (503); any other \
         reason → ours (500)",
    ),
    op(
        Op::TransactWriteItems,
        "TransactionInProgressException",
        Transient,
        "another transaction on the same items is still running; the SDK retries it",
    ),
    // ---- S3 GetObject: the ranged read of an upload's first bytes before it is analysed.
    op(
        Op::GetObject,
        "NoSuchKey",
        Missing,
        "the applicant has not PUT the file yet (or the PUT failed): 409 upload-not-received \
         naming the upload field; the upload may still arrive, so it is not marked",
    ),
    op(
        Op::GetObject,
        "InvalidObjectState",
        Ours,
        "an archived object; the uploads bucket has no archive storage class",
    ),
    op(
        Op::GetObject,
        "InvalidRange",
        EMPTY,
        "not in the model: S3 answers 416 for a range of an empty object; the upload is empty, \
         so 422 upload-content-mismatch and the upload is marked rejected",
    ),
    // ---- S3 ListObjectVersions and DeleteObjects (erasure) declare no errors; see S3's rows.
    // ---- S3 PutObject: presigned only. The browser's PUT gets these answers from S3.
    op(Op::PutObject, "EncryptionTypeMismatch", Browser, "only for directory buckets; S3 answers the browser"),
    op(Op::PutObject, "InvalidRequest", Browser, "S3 answers the browser's PUT"),
    op(Op::PutObject, "InvalidWriteOffset", Browser, "only for appends to directory buckets; S3 answers the browser"),
    op(Op::PutObject, "TooManyParts", Browser, "only for multipart uploads; S3 answers the browser"),
    op(
        Op::PutObject,
        "SignatureDoesNotMatch",
        Browser,
        "not in the model: the browser sent another Content-Type or length than the URL signs",
    ),
    op(
        Op::PutObject,
        "AccessDenied",
        Browser,
        "not in the model: the presigned URL expired (UPLOAD_URL_TTL_SECONDS)",
    ),
    // ---- S3 PutObject of the evidence (erasure of a decided application).
    op(Op::PutEvidence, "EncryptionTypeMismatch", Ours, "only for directory buckets, which the evidence bucket is not"),
    op(Op::PutEvidence, "InvalidRequest", Ours, WE_BUILD_IT),
    op(Op::PutEvidence, "InvalidWriteOffset", Ours, "only for appends to directory buckets; we write whole objects"),
    op(Op::PutEvidence, "TooManyParts", Ours, "only for multipart uploads; a record is one PUT"),
    // ---- Rekognition CreateFaceLivenessSession.
    op(Op::CreateFaceLivenessSession, "AccessDeniedException", Ours, DENIED),
    op(Op::CreateFaceLivenessSession, "InternalServerError", Transient, SERVER),
    op(Op::CreateFaceLivenessSession, "InvalidParameterException", Ours, WE_BUILD_IT),
    op(Op::CreateFaceLivenessSession, "ProvisionedThroughputExceededException", Transient, "over the account's Rekognition quota"),
    op(Op::CreateFaceLivenessSession, "ThrottlingException", Transient, "throttled by Rekognition"),
    // ---- Rekognition GetFaceLivenessSessionResults.
    op(Op::GetFaceLivenessSessionResults, "AccessDeniedException", Ours, DENIED),
    op(Op::GetFaceLivenessSessionResults, "InternalServerError", Transient, SERVER),
    op(
        Op::GetFaceLivenessSessionResults,
        "InvalidParameterException",
        Ours,
        "the session id is one Rekognition issued and we stored",
    ),
    op(Op::GetFaceLivenessSessionResults, "ProvisionedThroughputExceededException", Transient, "over the account's Rekognition quota"),
    op(
        Op::GetFaceLivenessSessionResults,
        "SessionNotFoundException",
        Missing,
        "Rekognition forgets a session some time after it ends: it can only have expired, so \
         it is recorded EXPIRED (200) and the applicant starts a new one",
    ),
    op(Op::GetFaceLivenessSessionResults, "ThrottlingException", Transient, "throttled by Rekognition"),
    // ---- Rekognition CompareFaces: the liveness reference image against the ID front.
    op(Op::CompareFaces, "AccessDeniedException", Ours, DENIED),
    op(
        Op::CompareFaces,
        "ImageTooLargeException",
        TOO_LARGE,
        "the ID image has more pixels than Rekognition takes: 422 naming idFrontUploadId (the \
         reference image is Rekognition's own)",
    ),
    op(Op::CompareFaces, "InternalServerError", Transient, SERVER),
    op(
        Op::CompareFaces,
        "InvalidImageFormatException",
        UNREADABLE,
        "the ID image is not a readable PNG/JPEG although its first bytes said so: 422 naming \
         idFrontUploadId",
    ),
    op(
        Op::CompareFaces,
        "InvalidParameterException",
        Outcome,
        "Rekognition found no face in the source (reference) image: the decision rules reject \
         the verification (200, recorded), as they do for no face on the ID",
    ),
    op(Op::CompareFaces, "InvalidS3ObjectException", Ours, S3_UNREADABLE),
    op(Op::CompareFaces, "ProvisionedThroughputExceededException", Transient, "over the account's Rekognition quota"),
    op(Op::CompareFaces, "ThrottlingException", Transient, "throttled by Rekognition"),
    // ---- Textract AnalyzeID: the ID front (and back).
    op(Op::AnalyzeId, "AccessDeniedException", Ours, DENIED),
    op(
        Op::AnalyzeId,
        "BadDocumentException",
        UNREADABLE,
        "Textract cannot read the image: 422 naming idFrontUploadId (and idBackUploadId when \
         one was sent: Textract does not say which page)",
    ),
    op(
        Op::AnalyzeId,
        "DocumentTooLargeException",
        TOO_LARGE,
        "the image exceeds AnalyzeID's limits: 422 naming the ID upload fields",
    ),
    op(Op::AnalyzeId, "InternalServerError", Transient, SERVER),
    op(Op::AnalyzeId, "InvalidParameterException", Ours, WE_BUILD_IT),
    op(Op::AnalyzeId, "InvalidS3ObjectException", Ours, S3_UNREADABLE),
    op(Op::AnalyzeId, "ProvisionedThroughputExceededException", Transient, "over the account's Textract quota"),
    op(Op::AnalyzeId, "ThrottlingException", Transient, "throttled by Textract"),
    op(
        Op::AnalyzeId,
        "UnsupportedDocumentException",
        UNREADABLE,
        "not a format AnalyzeID reads: 422 naming the ID upload fields",
    ),
    // ---- Textract StartLendingAnalysis: POST /applications/{id}/documents.
    op(Op::StartLendingAnalysis, "AccessDeniedException", Ours, DENIED),
    op(
        Op::StartLendingAnalysis,
        "BadDocumentException",
        UNREADABLE,
        "Textract cannot read the package: 422 naming uploadId",
    ),
    op(
        Op::StartLendingAnalysis,
        "DocumentTooLargeException",
        TOO_LARGE,
        "more pages or bytes than Analyze Lending takes: 422 naming uploadId",
    ),
    op(
        Op::StartLendingAnalysis,
        "IdempotentParameterMismatchException",
        Ours,
        "the ClientRequestToken is the document id, derived from the upload, and every other \
         parameter derives from the same upload; only a configuration change between two starts \
         of one upload (topic, role, key, output bucket) answers it",
    ),
    op(Op::StartLendingAnalysis, "InternalServerError", Transient, SERVER),
    op(Op::StartLendingAnalysis, "InvalidKMSKeyException", Ours, KMS),
    op(Op::StartLendingAnalysis, "InvalidParameterException", Ours, WE_BUILD_IT),
    op(Op::StartLendingAnalysis, "InvalidS3ObjectException", Ours, S3_UNREADABLE),
    op(
        Op::StartLendingAnalysis,
        "LimitExceededException",
        Transient,
        "too many concurrent lending jobs in the account: try again later",
    ),
    op(Op::StartLendingAnalysis, "ProvisionedThroughputExceededException", Transient, "over the account's Textract quota"),
    op(Op::StartLendingAnalysis, "ThrottlingException", Transient, "throttled by Textract"),
    op(
        Op::StartLendingAnalysis,
        "UnsupportedDocumentException",
        UNREADABLE,
        "not a format Analyze Lending reads: 422 naming uploadId",
    ),
    // ---- Textract GetLendingAnalysis and GetLendingAnalysisSummary: the consumer only.
    op(Op::GetLendingAnalysis, "AccessDeniedException", Ours, DENIED),
    op(Op::GetLendingAnalysis, "InternalServerError", Transient, SERVER),
    op(Op::GetLendingAnalysis, "InvalidJobIdException", Missing, JOB_GONE),
    op(Op::GetLendingAnalysis, "InvalidKMSKeyException", Ours, KMS),
    op(
        Op::GetLendingAnalysis,
        "InvalidParameterException",
        Ours,
        "the job id comes from the stored document and the NextToken from Textract",
    ),
    op(Op::GetLendingAnalysis, "InvalidS3ObjectException", Ours, S3_UNREADABLE),
    op(Op::GetLendingAnalysis, "ProvisionedThroughputExceededException", Transient, "over the account's Textract quota"),
    op(Op::GetLendingAnalysis, "ThrottlingException", Transient, "throttled by Textract"),
    op(Op::GetLendingAnalysisSummary, "AccessDeniedException", Ours, DENIED),
    op(Op::GetLendingAnalysisSummary, "InternalServerError", Transient, SERVER),
    op(Op::GetLendingAnalysisSummary, "InvalidJobIdException", Missing, JOB_GONE),
    op(Op::GetLendingAnalysisSummary, "InvalidKMSKeyException", Ours, KMS),
    op(
        Op::GetLendingAnalysisSummary,
        "InvalidParameterException",
        Ours,
        "the job id comes from the stored document",
    ),
    op(Op::GetLendingAnalysisSummary, "InvalidS3ObjectException", Ours, S3_UNREADABLE),
    op(Op::GetLendingAnalysisSummary, "ProvisionedThroughputExceededException", Transient, "over the account's Textract quota"),
    op(Op::GetLendingAnalysisSummary, "ThrottlingException", Transient, "throttled by Textract"),
    // ---- SNS Publish: a decision event to the `decision-events` topic (DECISION_EVENTS_TOPIC_ARN).
    op(Op::Publish, "AuthorizationError", Ours, DENIED),
    op(Op::Publish, "EndpointDisabled", Ours, "only for mobile push endpoints; we publish to a topic"),
    op(Op::Publish, "InternalError", Transient, SERVER),
    op(Op::Publish, "InvalidParameter", Ours, WE_BUILD_IT),
    op(Op::Publish, "ParameterValueInvalid", Ours, WE_BUILD_IT),
    op(Op::Publish, "InvalidSecurity", Ours, "the request was not signed over HTTPS with valid credentials"),
    op(Op::Publish, "KMSAccessDenied", Ours, "the topic's KMS key policy does not let the function use it"),
    op(Op::Publish, "KMSDisabled", Ours, "the topic's KMS key is disabled"),
    op(Op::Publish, "KMSInvalidState", Ours, "the topic's KMS key is pending deletion or not usable"),
    op(Op::Publish, "KMSNotFound", Ours, "the topic's KMS key does not exist"),
    op(Op::Publish, "KMSOptInRequired", Ours, "the account is not subscribed to KMS"),
    op(
        Op::Publish,
        "KMSThrottling",
        Transient,
        "KMS throttled the topic's encryption; not retried by the SDK, so the caller's own \
         retry (503, or SQS redelivery) takes it",
    ),
    op(Op::Publish, "NotFound", Ours, "the topic named in configuration does not exist"),
    op(Op::Publish, "PlatformApplicationDisabled", Ours, "only for mobile push; we publish to a topic"),
    op(Op::Publish, "ValidationException", Ours, "a request we built breaks the model's constraints"),
    // ---- Secrets Manager GetSecretValue: the webhook signing secret (WEBHOOK_SECRET_ARN), read once per container.
    op(
        Op::GetSecretValue,
        "DecryptionFailure",
        Ours,
        "the secret's KMS key policy does not let the function decrypt it",
    ),
    op(Op::GetSecretValue, "InternalServiceError", Transient, SERVER),
    op(Op::GetSecretValue, "InvalidParameterException", Ours, WE_BUILD_IT),
    op(
        Op::GetSecretValue,
        "InvalidRequestException",
        Ours,
        "the secret is scheduled for deletion or disabled",
    ),
    op(
        Op::GetSecretValue,
        "ResourceNotFoundException",
        Ours,
        "the secret named in configuration (WEBHOOK_SECRET_ARN) does not exist or has no value yet",
    ),
    // ---- Per service: errors of the protocol or the service that no operation model lists.
    service(Service::DynamoDb, "AccessDeniedException", Ours, DENIED),
    service(Service::DynamoDb, "UnrecognizedClientException", Ours, "the credentials are not valid"),
    service(
        Service::DynamoDb,
        "ValidationException",
        Ours,
        "a request we built breaks DynamoDB's rules (an expression, a key, an item over 400 KB)",
    ),
    service(Service::S3, "AccessDenied", Ours, "the role lacks a permission; note that without s3:ListBucket a missing key answers 403, which the policies grant for that reason"),
    service(Service::S3, "NoSuchBucket", Ours, "a bucket named in configuration does not exist"),
    service(Service::S3, "InternalError", Transient, SERVER),
    service(Service::S3, "SlowDown", Transient, "request rate on the prefix too high"),
    service(Service::S3, "RequestTimeout", Transient, "the connection idled; retried"),
    service(Service::S3, "InvalidAccessKeyId", Ours, "the credentials are not valid"),
    service(Service::S3, "SignatureDoesNotMatch", Ours, "the SDK's signature was refused: clock skew or credentials"),
    service(Service::Rekognition, "ValidationException", Ours, "a request we built breaks the model's constraints"),
    service(Service::Textract, "ValidationException", Ours, "a request we built breaks the model's constraints"),
    // ---- Every service: AWS's common errors.
    any("ThrottlingException", Transient, "throttled"),
    any("Throttling", Transient, "throttled"),
    any("TooManyRequestsException", Transient, "throttled"),
    any("RequestLimitExceeded", Transient, "throttled"),
    any("ServiceUnavailable", Transient, SERVER),
    any("ServiceUnavailableException", Transient, SERVER),
    any("InternalFailure", Transient, SERVER),
    any("InternalServerError", Transient, SERVER),
    any("RequestTimeoutException", Transient, "the request timed out on AWS's side"),
    any("AccessDeniedException", Ours, DENIED),
    any("UnrecognizedClientException", Ours, "the credentials are not valid"),
    any("InvalidClientTokenId", Ours, "the credentials are not valid"),
    any("ExpiredTokenException", Ours, "the role's session credentials expired and were not refreshed"),
    any("IncompleteSignature", Ours, "the request signature is malformed"),
    any("InvalidSignatureException", Ours, "the SDK's signature was refused: clock skew or credentials"),
    any("MissingAuthenticationTokenException", Ours, "the request was not signed"),
    any("SerializationException", Ours, "a request we built could not be read"),
    any("UnknownOperationException", Ours, "the endpoint does not serve the operation: a wrong endpoint override"),
];

/// The answer to an error code no row names: 5xx and 429 are AWS's side (transient), anything
/// else is a request of ours AWS refused (ours), so it is logged and looked at.
pub fn by_status(status: Option<u16>) -> Answer {
    match status {
        Some(s) if s >= 500 || s == 429 => Transient,
        _ => Ours,
    }
}

/// The row for an error of an operation, if the table has one.
pub fn row(op: Op, code: &str) -> Option<&'static Row> {
    rows_of(op).into_iter().find(|r| r.code == code)
}

/// The answer to an error no row names. The presigned PUT is the browser's; for every other
/// operation, by HTTP status ([`by_status`]).
fn unnamed(op: Op, status: Option<u16>) -> Answer {
    if op == Op::PutObject {
        Browser
    } else {
        by_status(status)
    }
}

/// The answer to an error of an operation: its row, or by HTTP status.
pub fn answer(op: Op, code: &str, status: Option<u16>) -> Answer {
    row(op, code).map_or_else(|| unnamed(op, status), |r| r.answer)
}

/// Error codes the SDK's standard retry strategy retries by code
/// (`aws_runtime::retries::classifiers::{THROTTLING_ERRORS, TRANSIENT_ERRORS}`), plus the one
/// error a model marks retryable; every 5xx is retried by status as well.
pub const SDK_RETRIED_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "RequestTimeout",
    "RequestTimeoutException",
    "ReplicatedWriteConflictException",
];

/// Codes AWS answers with a 5xx status, which the SDK retries whatever their code.
const SERVER_CODES: &[&str] = &[
    "InternalServerError",
    "InternalServiceError",
    "InternalFailure",
    "InternalError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
];

/// Whether the SDK retries this error before the adapter sees it.
pub fn sdk_retries(code: &str) -> bool {
    SDK_RETRIED_CODES.contains(&code) || SERVER_CODES.contains(&code)
}

/// Every row that applies to an operation: its own rows, then its service's and AWS's common
/// rows that it does not override.
pub fn rows_of(op: Op) -> Vec<&'static Row> {
    let mut rows: Vec<&'static Row> = ROWS.iter().filter(|r| r.scope == Scope::Op(op)).collect();
    if op == Op::PutObject {
        // Only ever presigned: whatever S3 answers goes to the browser, never to us.
        return rows;
    }
    for scope in [Scope::Service(op.service()), Scope::Any] {
        for r in ROWS.iter().filter(|r| r.scope == scope) {
            if !rows.iter().any(|seen| seen.code == r.code) {
                rows.push(r);
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_row_is_listed_twice() {
        for (i, a) in ROWS.iter().enumerate() {
            for b in &ROWS[i + 1..] {
                assert!(
                    !(a.scope == b.scope && a.code == b.code),
                    "{:?} {} twice",
                    a.scope,
                    a.code
                );
            }
        }
    }

    #[test]
    fn every_transient_row_is_retried_or_says_why_not() {
        for r in ROWS.iter().filter(|r| r.answer == Transient) {
            assert!(
                sdk_retries(r.code) || r.why.contains("not retried by the SDK"),
                "{:?} {}: the SDK does not retry it; say so in the row",
                r.scope,
                r.code
            );
        }
    }

    #[test]
    fn lookups_prefer_the_operation_then_the_service() {
        assert_eq!(
            answer(Op::CompareFaces, "InvalidParameterException", Some(400)),
            Outcome
        );
        assert_eq!(
            answer(Op::AnalyzeId, "InvalidParameterException", Some(400)),
            Ours
        );
        assert_eq!(answer(Op::PutObject, "AccessDenied", Some(403)), Browser);
        assert_eq!(answer(Op::GetObject, "AccessDenied", Some(403)), Ours);
        assert_eq!(answer(Op::PutObject, "SlowDown", Some(503)), Browser);
        assert_eq!(answer(Op::Query, "ValidationException", Some(400)), Ours);
        assert_eq!(answer(Op::Query, "Whatever", Some(503)), Transient);
        assert_eq!(answer(Op::Query, "Whatever", Some(429)), Transient);
        assert_eq!(answer(Op::Query, "Whatever", Some(400)), Ours);
        assert_eq!(answer(Op::Query, "", None), Ours);
    }

    #[test]
    fn only_ours_pages() {
        let paging: Vec<_> = ROWS.iter().filter(|r| r.answer.pages()).collect();
        assert!(paging.iter().all(|r| r.answer == Ours));
        assert!(ROWS
            .iter()
            .filter(|r| matches!(r.answer, Answer::Upload(_)))
            .all(|r| !r.answer.pages()));
    }
}
