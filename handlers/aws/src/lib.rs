//! Adapters between LendVerify's domain (`lendverify-core`) and AWS.
//!
//! Each adapter is a small struct over one SDK client, speaking domain types on its public
//! surface so the handlers never see an SDK type. Errors are classified once, in [`error`], into
//! what the API needs to know: retryable unavailability, a failed condition, or a fault.

pub mod audit_log;
pub mod config;
pub mod decisions;
pub mod deliveries;
pub mod error;
pub mod faces;
pub mod https;
pub mod id_documents;
pub mod lazy;
pub mod lending;
pub mod liveness;
pub mod objects;
pub mod records;
pub mod store;
pub mod webhooks;

pub use config::AwsSettings;
pub use error::AwsError;
pub use https::http_client;
pub use lazy::Lazy;

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};

/// Every adapter the handlers use, built once per Lambda container; their SDK clients are built on
/// first use.
#[derive(Clone, Debug)]
pub struct Aws {
    pub settings: AwsSettings,
    pub store: store::Store,
    pub audit: audit_log::AuditLog,
    pub objects: objects::Objects,
    pub liveness: liveness::Liveness,
    pub faces: faces::Faces,
    pub id_documents: id_documents::IdDocuments,
    pub lending: lending::Lending,
    /// Publishes decision events to the `decision-events` topic.
    pub decision_events: decisions::DecisionEvents,
    /// `deliver-decision-events`: its delivery records, signing secret and HTTP client.
    pub deliveries: deliveries::Deliveries,
    pub signing_secret: webhooks::SigningSecret,
    pub webhooks: webhooks::WebhookSender,
}

/// Loads the SDK configuration the way Lambda and the local stage both need it: credentials,
/// region and endpoint overrides (`AWS_ENDPOINT_URL*`) from the environment, and the standard
/// retry mode (exponential backoff with jitter) so throttles and 5xx are retried before the API
/// answers 503.
///
/// Lambda passes the function role's credentials and the region in the environment, so when they
/// are there they are read directly: that skips building the default provider chains (profile
/// files, SSO, web identity with its own STS client, the ECS and IMDS clients), none of which can
/// answer on Lambda, and takes a third of a millisecond off every cold start.
pub async fn load_sdk_config() -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry_config())
        .timeout_config(timeout_config())
        .http_client(http_client());
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_some() {
        loader = loader.credentials_provider(
            aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
        );
    }
    if let Some(region) = std::env::var("AWS_REGION").ok().filter(|r| !r.is_empty()) {
        loader = loader.region(aws_config::Region::new(region));
    }
    loader.load().await
}

/// Points the system trust store (which the webhook sender uses for lenders' endpoints, and the
/// SDK's client behind a proxy: see [`https`]) at the system's one CA bundle file, unless
/// `SSL_CERT_FILE` or `SSL_CERT_DIR` already say where to look. Without either,
/// rustls-native-certs reads the bundle and then every file of `/etc/ssl/certs` and
/// `/etc/pki/tls/certs`, which on Amazon Linux 2023 (`provided.al2023`) hold the same bundle twice
/// more: three parses of ~150 certificates. The certificates trusted are the same.
///
/// Sets a process environment variable, so call it first thing in `main`, before any thread is
/// started.
pub fn use_system_ca_bundle() {
    if std::env::var_os("SSL_CERT_FILE").is_some() || std::env::var_os("SSL_CERT_DIR").is_some() {
        return;
    }
    if let Some(bundle) = SYSTEM_CA_BUNDLES
        .iter()
        .find(|path| std::path::Path::new(path).is_file())
    {
        std::env::set_var("SSL_CERT_FILE", bundle);
    }
}

/// Where Linux distributions keep the CA bundle: Amazon Linux 2023 and RHEL first, then Debian and
/// Ubuntu (this order is openssl-probe's, which rustls-native-certs uses to find the file itself).
const SYSTEM_CA_BUNDLES: [&str; 3] = [
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/certs/ca-certificates.crt",
];

/// Three attempts with exponential backoff and jitter: enough to ride out a throttle burst while
/// the API Gateway's 29-second integration timeout is still far away.
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3)
}

/// Without a timeout, a dependency that accepts a request and never answers holds the Lambda
/// until its own timeout, and the client sees API Gateway's 504 instead of our 503 with
/// `Retry-After`. Each attempt gets 8 s (Textract's largest result pages take about 2 s), and the
/// whole call with its retries 20 s, inside API Gateway's 29-second integration timeout.
pub fn timeout_config() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .operation_attempt_timeout(Duration::from_secs(8))
        .operation_timeout(Duration::from_secs(20))
        .build()
}

impl Aws {
    /// Every adapter over one shared SDK configuration. No SDK client is built here: each is built
    /// the first time its adapter is used, so a function builds only the clients its routes call
    /// (the `applications` function never builds Rekognition's or Textract's, the consumer never
    /// S3's).
    pub fn new(sdk: &SdkConfig, settings: AwsSettings) -> Self {
        let sdk = std::sync::Arc::new(sdk.clone());
        let path_style = settings.s3_force_path_style;
        let (d, s, r, t) = (sdk.clone(), sdk.clone(), sdk.clone(), sdk.clone());
        let (sns, secrets) = (sdk.clone(), sdk);
        Self::from_lazy_clients(
            settings,
            Lazy::new(move || aws_sdk_dynamodb::Client::new(&d)),
            Lazy::new(move || {
                let config = aws_sdk_s3::config::Builder::from(&*s)
                    .force_path_style(path_style)
                    .build();
                aws_sdk_s3::Client::from_conf(config)
            }),
            Lazy::new(move || aws_sdk_rekognition::Client::new(&r)),
            Lazy::new(move || aws_sdk_textract::Client::new(&t)),
        )
        .with_decision_event_clients(
            Lazy::new(move || aws_sdk_sns::Client::new(&sns)),
            Lazy::new(move || aws_sdk_secretsmanager::Client::new(&secrets)),
        )
    }

    /// Items written to the applications table expire `retention` after their last write
    /// (`PERSONAL_DATA_RETENTION_DAYS`).
    #[must_use]
    pub fn with_personal_data_retention(mut self, retention: std::time::Duration) -> Self {
        self.store = self.store.with_retention(retention);
        self
    }

    /// Gives the decision event adapters their SNS and Secrets Manager clients (tests pass
    /// `aws-smithy-mocks` clients, the local stage moto's). Without this, [`Aws::from_clients`]
    /// leaves them with clients that have no region, whose every call fails as ours.
    pub fn with_decision_event_clients(
        mut self,
        sns: impl Into<Lazy<aws_sdk_sns::Client>>,
        secrets: impl Into<Lazy<aws_sdk_secretsmanager::Client>>,
    ) -> Self {
        let events = &self.settings.decision_events;
        self.decision_events = decisions::DecisionEvents::new(sns, events.topic_arn.clone());
        self.signing_secret =
            webhooks::SigningSecret::new(secrets, events.webhook_secret_arn.clone());
        self
    }

    /// Builds every adapter from given clients; tests pass `aws-smithy-mocks` clients here.
    pub fn from_clients(
        settings: AwsSettings,
        dynamodb: aws_sdk_dynamodb::Client,
        s3: aws_sdk_s3::Client,
        rekognition: aws_sdk_rekognition::Client,
        textract: aws_sdk_textract::Client,
    ) -> Self {
        Self::from_lazy_clients(
            settings,
            dynamodb.into(),
            s3.into(),
            rekognition.into(),
            textract.into(),
        )
    }

    /// Builds every adapter from clients that may not have been built yet. The Rekognition and
    /// Textract clients are each shared by two adapters, and built once.
    pub fn from_lazy_clients(
        settings: AwsSettings,
        dynamodb: Lazy<aws_sdk_dynamodb::Client>,
        s3: Lazy<aws_sdk_s3::Client>,
        rekognition: Lazy<aws_sdk_rekognition::Client>,
        textract: Lazy<aws_sdk_textract::Client>,
    ) -> Self {
        Self {
            audit: audit_log::AuditLog::new(dynamodb.clone(), settings.audit_table.clone()),
            deliveries: deliveries::Deliveries::new(dynamodb.clone(), settings.table.clone()),
            decision_events: decisions::DecisionEvents::new(
                Lazy::new(|| {
                    aws_sdk_sns::Client::from_conf(
                        aws_sdk_sns::Config::builder()
                            .behavior_version(BehaviorVersion::latest())
                            .build(),
                    )
                }),
                settings.decision_events.topic_arn.clone(),
            ),
            signing_secret: webhooks::SigningSecret::new(
                Lazy::new(|| {
                    aws_sdk_secretsmanager::Client::from_conf(
                        aws_sdk_secretsmanager::Config::builder()
                            .behavior_version(BehaviorVersion::latest())
                            .build(),
                    )
                }),
                settings.decision_events.webhook_secret_arn.clone(),
            ),
            webhooks: webhooks::WebhookSender::new(),
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
