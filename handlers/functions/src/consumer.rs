//! The lending completion consumer: SQS records carrying Textract's SNS notification.
//!
//! Each record is processed on its own; one that fails is reported in `batchItemFailures` so SQS
//! redelivers only it (and, after the redrive limit, parks it in the DLQ). A record is never
//! dropped silently, and a duplicate delivery changes nothing because the document leaves
//! `IN_PROGRESS` through a conditional write exactly once.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use lendverify_aws::lending::LendingResults;
use lendverify_aws::records::{DocumentItem, PageClass};
use lendverify_aws::AwsError;
use lendverify_core::audit::{Actor, EventDraft, EventKind};
use lendverify_core::lending::{extract, DocumentStatus, JobStatus};
use lendverify_core::webhook::DecisionEventType;
use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::state::AppState;

/// Textract's completion message (the SNS `Message`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Completion {
    pub job_id: String,
    pub status: String,
    #[serde(default)]
    pub job_tag: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SnsEnvelope {
    message: String,
}

/// The status message of a document whose job Textract no longer knows.
pub const JOB_GONE: &str =
    "Textract no longer has the results of this analysis; upload the package again";

/// What happened to one record.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Recorded(DocumentStatus),
    /// Already recorded by an earlier delivery.
    Duplicate,
    /// The application was erased before the job finished; there is nothing to record.
    Erased,
}

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("record body is not a Textract completion: {0}")]
    Malformed(String),
    #[error("no document for job {0} yet")]
    UnknownJob(String),
    #[error("job {0} reported status {1}, which is not final")]
    NotFinal(String, String),
    #[error(transparent)]
    Aws(#[from] AwsError),
}

/// Reads the completion from an SQS body: an SNS envelope, or the bare message when the
/// subscription uses raw delivery.
pub fn parse_completion(body: &str) -> Result<Completion, RecordError> {
    let malformed = |e: serde_json::Error| RecordError::Malformed(e.to_string());
    let value: serde_json::Value = serde_json::from_str(body).map_err(malformed)?;
    if value.get("JobId").is_some() {
        return serde_json::from_value(value).map_err(malformed);
    }
    let envelope: SnsEnvelope = serde_json::from_value(value).map_err(malformed)?;
    serde_json::from_str(&envelope.message).map_err(malformed)
}

pub async fn handle_batch(state: &AppState, event: SqsEvent) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for record in &event.records {
        let message_id = record.message_id.clone().unwrap_or_default();
        match process(state, record).await {
            Ok(outcome) => tracing::info!(message_id, ?outcome, "lending completion processed"),
            Err(err) => {
                match &err {
                    // Throttles and AWS-side failures, and a completion that outran the start's
                    // write: a later delivery will do.
                    RecordError::Aws(aws) if aws.is_transient() => {
                        tracing::warn!(message_id, error = %err, "lending completion failed; SQS will redeliver")
                    }
                    RecordError::UnknownJob(_) | RecordError::NotFinal(..) => {
                        tracing::warn!(message_id, error = %err, "lending completion failed; SQS will redeliver")
                    }
                    // Ours, or a body that is not a completion: redelivery cannot help until
                    // someone looks, and after maxReceiveCount the DLQ alarm pages.
                    RecordError::Aws(aws) => aws.log_as_ours("consumer"),
                    RecordError::Malformed(_) => {
                        tracing::error!(message_id, error = %err, "not a Textract completion; bound for the DLQ")
                    }
                }
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = message_id;
                response.batch_item_failures.push(failure);
            }
        }
    }
    response
}

pub async fn process(state: &AppState, record: &SqsMessage) -> Result<Outcome, RecordError> {
    let completion = parse_completion(record.body.as_deref().unwrap_or_default())?;
    let Some(document) = state.aws.store.document_by_job(&completion.job_id).await? else {
        if let Some(application_id) = &completion.job_tag {
            if state.aws.store.erasure(application_id).await?.is_some() {
                return Ok(Outcome::Erased);
            }
        }
        return Err(RecordError::UnknownJob(completion.job_id));
    };
    if document.status != DocumentStatus::InProgress {
        // A redelivery: the analysis is stored, and its lenders' event is published again (the
        // first publication may have failed; the dispatcher delivers it once per endpoint).
        publish_analysis(state, &document).await?;
        return Ok(Outcome::Duplicate);
    }
    // The message's Status only says the job ended; what is recorded is what Textract says.
    let mut updated = DocumentItem {
        completed_at: Some(state.timestamp()),
        ..document.clone()
    };
    let results = match state.aws.lending.results(&completion.job_id).await {
        Ok(results) => results,
        // InvalidJobIdException: Textract no longer has the job (results are kept for 7 days).
        // Redelivering cannot help, so the document records why it failed.
        Err(AwsError::NotFound { code, .. }) => {
            tracing::warn!(job_id = %completion.job_id, code, "Textract no longer knows the job");
            updated.status = DocumentStatus::Failed;
            updated.status_message = Some(JOB_GONE.into());
            LendingResults::default()
        }
        Err(err) => return Err(err.into()),
    };
    let model_version = results.model_version.clone();
    if updated.status_message.is_none() {
        match results.status {
            Some(status @ (JobStatus::Succeeded | JobStatus::PartialSuccess)) => {
                updated.status = if status == JobStatus::Succeeded {
                    DocumentStatus::Succeeded
                } else {
                    DocumentStatus::PartialSuccess
                };
                updated.extracted = Some(extract(
                    &results.pages,
                    state.settings.thresholds.min_extraction_confidence,
                ));
                updated.page_classes = results
                    .pages
                    .iter()
                    .map(|p| PageClass {
                        page: p.page,
                        page_type: p.page_type.clone(),
                    })
                    .collect();
                updated.document_groups = results.groups;
            }
            // FAILED is final (Textract's JobStatus has no ERROR: a completion saying ERROR is
            // FAILED here, with Textract's reason when it gives one).
            Some(JobStatus::Failed | JobStatus::Error) => {
                updated.status = DocumentStatus::Failed;
                updated.status_message = Some(results.status_message.unwrap_or_else(|| {
                    "Textract could not analyse the document (for example, an unreadable or \
                     unsupported file)"
                        .into()
                }));
            }
            // Still running (or no status): the message was early or not Textract's. Reported,
            // so SQS redelivers it; a message that never becomes true ends in the DLQ.
            other => {
                tracing::warn!(job_id = %completion.job_id, message_status = %completion.status, textract_status = ?other, "completion message does not match Textract's job status");
                return Err(RecordError::NotFinal(
                    completion.job_id,
                    format!("{} (Textract: {other:?})", completion.status),
                ));
            }
        }
    }
    let draft = analysis_draft(state, &updated, model_version);
    let change = state.aws.store.in_progress_replaced(&updated)?;
    let outcome = match audit::record(state, &updated.application_id, change, draft).await? {
        Some(_) => Outcome::Recorded(updated.status),
        // The application's erasure has begun: its analysis is not recorded (the sweep removes
        // the output).
        None if state
            .aws
            .store
            .erasure(&updated.application_id)
            .await?
            .is_some() =>
        {
            return Ok(Outcome::Erased);
        }
        // Recorded already: by a concurrent delivery, or by this delivery's own write whose answer
        // was lost, so that its retry found the condition false (DynamoDB answers that retry as a
        // success through the SDK's ClientRequestToken; moto does not). Its lenders' event is
        // published as on a redelivery, since the publish after the first write may never have
        // happened; the dispatcher delivers each event once per endpoint.
        None => Outcome::Duplicate,
    };
    publish_analysis(state, &updated).await?;
    Ok(outcome)
}

/// The audit event of a completed analysis, by the system.
fn analysis_draft(
    state: &AppState,
    document: &DocumentItem,
    model_version: Option<String>,
) -> EventDraft {
    let status = serde_json::to_value(document.status).unwrap_or_default();
    let mut draft = audit::draft(state, EventKind::DocumentAnalysed, Actor::System);
    draft.inputs = json!({
        "documentId": document.document_id,
        "uploadId": document.upload_id,
        "textractJobId": document.textract_job_id,
        "documentGroups": document.document_groups.iter().map(|g| &g.doc_type).collect::<Vec<_>>(),
        "statusMessage": document.status_message,
    });
    draft.thresholds = json!({
        "minExtractionConfidence": state.settings.thresholds.min_extraction_confidence,
    });
    if let Some(version) = model_version {
        draft.model_versions.insert(
            lendverify_aws::lending::MODEL_VERSION_FIELD.to_string(),
            version,
        );
    }
    draft.state_before = Some("IN_PROGRESS".into());
    draft.state_after = status.as_str().map(str::to_string);
    draft
}

/// The lenders' event of a completed analysis, at its completion time.
async fn publish_analysis(state: &AppState, document: &DocumentItem) -> Result<(), AwsError> {
    audit::publish(
        state,
        DecisionEventType::DocumentAnalysed,
        &document.document_id,
        &document.application_id,
        document.completed_at.as_deref(),
        json!({
            "documentId": document.document_id,
            "status": document.status,
            "documentGroups": document.document_groups.iter().map(|g| &g.doc_type).collect::<Vec<_>>(),
        }),
    )
    .await
}
