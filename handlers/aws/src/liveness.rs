//! Rekognition Face Liveness: sessions and their results.

use aws_sdk_rekognition::types::{
    CreateFaceLivenessSessionRequestSettings, LivenessOutputConfig, LivenessSessionStatus,
};
use aws_sdk_rekognition::Client;
use lendverify_core::liveness::SessionState;

use crate::config::AwsSettings;
use crate::error::{AwsError, Op};
use crate::lazy::Lazy;

#[derive(Clone, Debug)]
pub struct Liveness {
    client: Lazy<Client>,
    settings: AwsSettings,
}

/// What Rekognition reports about a session, in domain terms.
#[derive(Clone, Debug, PartialEq)]
pub struct LivenessResult {
    pub state: SessionState,
    pub confidence: Option<f32>,
    /// S3 key of the reference image in the biometrics bucket.
    pub reference_image_key: Option<String>,
    /// The S3 version of the reference image, when the bucket is versioned.
    pub reference_image_version: Option<String>,
    pub audit_image_keys: Vec<String>,
}

impl Liveness {
    pub fn new(client: impl Into<Lazy<Client>>, settings: AwsSettings) -> Self {
        Self {
            client: client.into(),
            settings,
        }
    }

    /// The per-application prefix Rekognition writes the reference and audit images under.
    pub fn output_prefix(application_id: &str) -> String {
        format!(
            "{}liveness",
            AwsSettings::application_prefix(application_id)
        )
    }

    /// Creates a session whose images land, KMS-encrypted, under the application's prefix in the
    /// biometrics bucket (so erasure and lifecycle rules find them).
    pub async fn create_session(
        &self,
        application_id: &str,
        client_request_token: &str,
        audit_images_limit: u8,
    ) -> Result<String, AwsError> {
        let output = LivenessOutputConfig::builder()
            .s3_bucket(&self.settings.biometrics_bucket)
            .s3_key_prefix(Self::output_prefix(application_id))
            .build()
            .map_err(|_| {
                AwsError::malformed(Op::CreateFaceLivenessSession, "LivenessOutputConfig")
            })?;
        let settings = CreateFaceLivenessSessionRequestSettings::builder()
            .output_config(output)
            .audit_images_limit(i32::from(audit_images_limit))
            .build();
        let out = self
            .client
            .create_face_liveness_session()
            .kms_key_id(&self.settings.kms_key_arn)
            .settings(settings)
            .client_request_token(client_request_token)
            .send()
            .await
            .map_err(|e| AwsError::classify(Op::CreateFaceLivenessSession, e))?;
        Ok(out.session_id)
    }

    pub async fn results(&self, session_id: &str) -> Result<LivenessResult, AwsError> {
        let out = self
            .client
            .get_face_liveness_session_results()
            .session_id(session_id)
            .send()
            .await
            .map_err(|e| AwsError::classify(Op::GetFaceLivenessSessionResults, e))?;
        let state = match out.status {
            LivenessSessionStatus::Created => SessionState::Created,
            LivenessSessionStatus::InProgress => SessionState::InProgress,
            LivenessSessionStatus::Succeeded => SessionState::Succeeded,
            LivenessSessionStatus::Failed => SessionState::Failed,
            LivenessSessionStatus::Expired => SessionState::Expired,
            other => {
                return Err(AwsError::malformed(
                    Op::GetFaceLivenessSessionResults,
                    format!("unknown liveness status {}", other.as_str()),
                ))
            }
        };
        let key = |image: &aws_sdk_rekognition::types::AuditImage| {
            image.s3_object().and_then(|o| o.name()).map(str::to_string)
        };
        Ok(LivenessResult {
            state,
            confidence: out.confidence,
            reference_image_key: out.reference_image().and_then(key),
            reference_image_version: out
                .reference_image()
                .and_then(|i| i.s3_object())
                .and_then(|o| o.version())
                .map(str::to_string),
            audit_image_keys: out.audit_images().iter().filter_map(key).collect(),
        })
    }
}
