//! Textract lending analysis: start a job, and read its classified pages and summary.

use aws_sdk_textract::types::{DocumentLocation, NotificationChannel, OutputConfig, S3Object};
use aws_sdk_textract::Client;
use lendverify_core::lending::{parse_job_status, DocumentGroup, JobStatus, LendingPage, Reading};

use crate::config::AwsSettings;
use crate::error::{AwsError, Op};
use crate::lazy::Lazy;
use crate::objects::S3Location;

#[derive(Clone, Debug)]
pub struct Lending {
    client: Lazy<Client>,
    settings: AwsSettings,
}

/// What Textract says of a job, in domain terms: its status (Textract's own, never the
/// completion message's) and, once it succeeded, everything it produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LendingResults {
    /// `JobStatus` of GetLendingAnalysisSummary (`None` if Textract sent none).
    pub status: Option<JobStatus>,
    /// `StatusMessage`, when Textract explains a failure.
    pub status_message: Option<String>,
    /// The pages, read only when the job succeeded (fully or partly).
    pub pages: Vec<LendingPage>,
    pub groups: Vec<DocumentGroup>,
    /// `AnalyzeLendingModelVersion` of the response.
    pub model_version: Option<String>,
}

/// The response field naming the lending model version, as recorded in audit events.
pub const MODEL_VERSION_FIELD: &str = "AnalyzeLendingModelVersion";

fn page_number(value: Option<i32>) -> u32 {
    value.and_then(|v| u32::try_from(v).ok()).unwrap_or(0)
}

impl Lending {
    pub fn new(client: impl Into<Lazy<Client>>, settings: AwsSettings) -> Self {
        Self {
            client: client.into(),
            settings,
        }
    }

    /// Where Textract writes this document's output, under the application's prefix.
    pub fn output_prefix(application_id: &str, document_id: &str) -> String {
        format!(
            "{}textract/{document_id}",
            AwsSettings::application_prefix(application_id)
        )
    }

    /// Starts the job. `document_id` is the client request token, so a retried start returns
    /// the same job instead of a second one; the application id is the job tag.
    pub async fn start(
        &self,
        document: &S3Location,
        application_id: &str,
        document_id: &str,
    ) -> Result<String, AwsError> {
        let bad = |_: aws_sdk_textract::error::BuildError| {
            AwsError::malformed(
                Op::StartLendingAnalysis,
                "NotificationChannel or OutputConfig",
            )
        };
        let out = self
            .client
            .start_lending_analysis()
            .document_location(
                DocumentLocation::builder()
                    .s3_object(
                        S3Object::builder()
                            .bucket(&document.bucket)
                            .name(&document.key)
                            .set_version(document.version.clone())
                            .build(),
                    )
                    .build(),
            )
            .client_request_token(document_id)
            .job_tag(application_id)
            .notification_channel(
                NotificationChannel::builder()
                    .sns_topic_arn(&self.settings.lending_topic_arn)
                    .role_arn(&self.settings.textract_publish_role_arn)
                    .build()
                    .map_err(bad)?,
            )
            .output_config(
                OutputConfig::builder()
                    .s3_bucket(&self.settings.textract_output_bucket)
                    .s3_prefix(Self::output_prefix(application_id, document_id))
                    .build()
                    .map_err(bad)?,
            )
            .kms_key_id(&self.settings.kms_key_arn)
            .send()
            .await
            .map_err(|e| AwsError::classify(Op::StartLendingAnalysis, e))?;
        out.job_id
            .ok_or_else(|| AwsError::malformed(Op::StartLendingAnalysis, "no JobId in the answer"))
    }

    /// Reads the job's status and summary and, if it succeeded, every page (following
    /// `NextToken`). The completion message only says when to look: anyone allowed to publish
    /// to the topic could write one, so the status comes from Textract.
    pub async fn results(&self, job_id: &str) -> Result<LendingResults, AwsError> {
        let summary = self
            .client
            .get_lending_analysis_summary()
            .job_id(job_id)
            .send()
            .await
            .map_err(|e| AwsError::classify(Op::GetLendingAnalysisSummary, e))?;
        let status = summary
            .job_status()
            .and_then(|s| parse_job_status(s.as_str()));
        let status_message = summary.status_message().map(str::to_string);
        if !matches!(
            status,
            Some(JobStatus::Succeeded | JobStatus::PartialSuccess)
        ) {
            return Ok(LendingResults {
                status,
                status_message,
                model_version: summary.analyze_lending_model_version().map(str::to_string),
                ..LendingResults::default()
            });
        }
        let groups = summary
            .summary()
            .map(|s| s.document_groups())
            .unwrap_or_default()
            .iter()
            .map(|group| {
                let mut pages: Vec<u32> = group
                    .split_documents()
                    .iter()
                    .flat_map(|d| d.pages().iter().map(|p| page_number(Some(*p))))
                    .collect();
                pages.sort_unstable();
                DocumentGroup {
                    doc_type: group.r#type().unwrap_or("UNCLASSIFIED").to_string(),
                    pages,
                    signatures_found: group
                        .detected_signatures()
                        .iter()
                        .map(|s| page_number(s.page()))
                        .collect(),
                    signatures_missing: group
                        .undetected_signatures()
                        .iter()
                        .map(|s| page_number(s.page()))
                        .collect(),
                }
            })
            .collect();

        let mut pages = Vec::new();
        let mut model_version = None;
        let mut next_token: Option<String> = None;
        loop {
            let out = self
                .client
                .get_lending_analysis()
                .job_id(job_id)
                .set_next_token(next_token.take())
                .send()
                .await
                .map_err(|e| AwsError::classify(Op::GetLendingAnalysis, e))?;
            if let Some(version) = out.analyze_lending_model_version() {
                model_version = Some(version.to_string());
            }
            for result in out.results() {
                let page_type = result
                    .page_classification()
                    .and_then(|c| c.page_type().first())
                    .and_then(|p| p.value())
                    .unwrap_or("UNCLASSIFIED")
                    .to_string();
                // Only LendingDocument extractions carry lending fields; identity pages carry an
                // IdentityDocument, receipts an ExpenseDocument and unclassified pages nothing.
                // A field may have no value detection, or detections without text.
                let readings = result
                    .extractions()
                    .iter()
                    .filter_map(|e| e.lending_document())
                    .flat_map(|d| d.lending_fields())
                    .filter_map(|field| Some((field.r#type()?, field.value_detections())))
                    .flat_map(|(field_type, detections)| {
                        detections.iter().filter_map(move |value| {
                            let text = value.text()?.trim();
                            (!text.is_empty()).then(|| Reading {
                                field_type: field_type.to_string(),
                                text: text.to_string(),
                                confidence: value.confidence().unwrap_or(f32::NAN),
                            })
                        })
                    })
                    .collect();
                pages.push(LendingPage {
                    page: page_number(result.page()),
                    page_type,
                    readings,
                });
            }
            match out.next_token {
                Some(token) if !token.is_empty() => next_token = Some(token),
                _ => break,
            }
        }
        Ok(LendingResults {
            status,
            status_message,
            pages,
            groups,
            model_version,
        })
    }
}
