//! Adapters between LendVerify's domain (`lendverify-core`) and AWS.
//!
//! Each adapter is a small struct over one SDK client, speaking domain types on its public
//! surface so the handlers never see an SDK type. Errors are classified once, in [`error`], into
//! what the API needs to know: retryable unavailability, a failed condition, or a fault.

pub mod config;
pub mod error;
pub mod faces;
pub mod id_documents;
pub mod lending;
pub mod liveness;
pub mod objects;
pub mod records;
pub mod store;

pub use config::AwsSettings;
pub use error::AwsError;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, SdkConfig};

/// Every adapter the handlers use, built once per Lambda container (at init, not per request).
#[derive(Clone, Debug)]
pub struct Aws {
    pub settings: AwsSettings,
    pub store: store::Store,
    pub objects: objects::Objects,
    pub liveness: liveness::Liveness,
    pub faces: faces::Faces,
    pub id_documents: id_documents::IdDocuments,
    pub lending: lending::Lending,
}

/// Loads the SDK configuration the way Lambda and the local stage both need it: credentials,
/// region and endpoint overrides (`AWS_ENDPOINT_URL*`) from the environment, and the standard
/// retry mode (exponential backoff with jitter) so throttles and 5xx are retried before the API
/// answers 503.
pub async fn load_sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry_config())
        .load()
        .await
}

/// Three attempts with exponential backoff and jitter: enough to ride out a throttle burst while
/// the API Gateway's 29-second integration timeout is still far away.
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3)
}

impl Aws {
    /// Builds every adapter from one shared SDK configuration.
    pub fn new(sdk: &SdkConfig, settings: AwsSettings) -> Self {
        let s3_config = aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(settings.s3_force_path_style)
            .build();
        Self::from_clients(
            settings,
            aws_sdk_dynamodb::Client::new(sdk),
            aws_sdk_s3::Client::from_conf(s3_config),
            aws_sdk_rekognition::Client::new(sdk),
            aws_sdk_textract::Client::new(sdk),
        )
    }

    /// Builds every adapter from given clients; tests pass `aws-smithy-mocks` clients here.
    pub fn from_clients(
        settings: AwsSettings,
        dynamodb: aws_sdk_dynamodb::Client,
        s3: aws_sdk_s3::Client,
        rekognition: aws_sdk_rekognition::Client,
        textract: aws_sdk_textract::Client,
    ) -> Self {
        Self {
            store: store::Store::new(dynamodb, settings.table.clone()),
            objects: objects::Objects::new(s3),
            liveness: liveness::Liveness::new(rekognition.clone(), settings.clone()),
            faces: faces::Faces::new(rekognition),
            id_documents: id_documents::IdDocuments::new(textract.clone()),
            lending: lending::Lending::new(textract, settings.clone()),
            settings,
        }
    }
}
