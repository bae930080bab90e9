//! Textract AnalyzeID: reads the ID document.

use aws_sdk_textract::types::{Document, S3Object};
use aws_sdk_textract::Client;
use lendverify_core::identity::{DocumentField, IdDocument};

use crate::error::{AwsError, Op};
use crate::lazy::Lazy;
use crate::objects::S3Location;

/// What AnalyzeID read, and the model version it reported.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalyzedId {
    pub document: IdDocument,
    /// `AnalyzeIDModelVersion` of the response.
    pub model_version: Option<String>,
}

/// The response field naming the AnalyzeID model version, as recorded in audit events.
pub const MODEL_VERSION_FIELD: &str = "AnalyzeIDModelVersion";

#[derive(Clone, Debug)]
pub struct IdDocuments {
    client: Lazy<Client>,
}

fn document(location: &S3Location) -> Document {
    Document::builder()
        .s3_object(
            S3Object::builder()
                .bucket(&location.bucket)
                .name(&location.key)
                .set_version(location.version.clone())
                .build(),
        )
        .build()
}

impl IdDocuments {
    pub fn new(client: impl Into<Lazy<Client>>) -> Self {
        Self {
            client: client.into(),
        }
    }

    /// Analyzes the front (and back, for a driver's licence) as one ID document.
    pub async fn analyze(
        &self,
        front: &S3Location,
        back: Option<&S3Location>,
    ) -> Result<AnalyzedId, AwsError> {
        let out = self
            .client
            .analyze_id()
            .set_document_pages(Some(
                std::iter::once(front).chain(back).map(document).collect(),
            ))
            .send()
            .await
            .map_err(|e| AwsError::classify(Op::AnalyzeId, e))?;
        let fields: Vec<DocumentField> = out
            .identity_documents()
            .iter()
            .flat_map(|d| d.identity_document_fields())
            .filter_map(|field| {
                let field_type = field.r#type()?.text().to_string();
                let value = field.value_detection()?;
                // Absent fields come back with empty text; the back page must not blank the front.
                if value.text().trim().is_empty() {
                    return None;
                }
                Some(DocumentField {
                    field_type,
                    text: value.text().to_string(),
                    normalized: value
                        .normalized_value()
                        .and_then(|n| n.value())
                        .map(str::to_string),
                    confidence: value.confidence().unwrap_or(0.0),
                })
            })
            .collect();
        Ok(AnalyzedId {
            document: IdDocument::from_fields(&fields),
            model_version: out.analyze_id_model_version().map(str::to_string),
        })
    }
}
