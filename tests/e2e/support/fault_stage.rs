//! A second API over the running local stage's moto, emulator and Terraform, whose DynamoDB and
//! S3 clients go through the [`FaultProxy`], for walking the error table.
//!
//! Same handlers, same gateway (`lendverify_local_stage::gateway`), same resources and users;
//! what differs, and why:
//! - DynamoDB, S3, SNS and Secrets Manager go through the fault proxy (Rekognition and Textract
//!   faults are the emulator's own control API);
//! - the production retry policy (3 attempts) with a 1 ms backoff, as the handler tests use, so
//!   hundreds of throttles take seconds (the real backoff is proven by
//!   `throttled_aws_is_retried_then_503` on the stage itself), and each client with a retry
//!   quota of its own ([`own_retry_quota`]);
//! - Textract's completion topic is one without subscribers, so a lending job the walk starts
//!   never reaches the stage's queue; the walk feeds the consumer its own completions.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use aws_config::SdkConfig;
use aws_sdk_dynamodb::config::retry::{RetryPartition, TokenBucket};
use lendverify_aws::{Aws, AwsSettings};
use lendverify_core::config::Settings;
use lendverify_functions::AppState;
use lendverify_local_stage::{auth::Authorizer, gateway::Gateway, REGION};

use crate::fault_proxy::FaultProxy;
use crate::World;

pub struct FaultStage {
    pub api_url: String,
    pub state: AppState,
    pub proxy: FaultProxy,
    /// Secrets Manager through the proxy, for a signing secret not read yet (it is cached once
    /// read, and a walk's probe must reach the service).
    pub secrets: aws_sdk_secretsmanager::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl FaultStage {
    pub async fn start(world: &World) -> anyhow::Result<Self> {
        // The walk injects modelled errors only, never a slow answer.
        let proxy = FaultProxy::start(&world.stage.moto_url, Duration::ZERO).await?;
        let (settings, aws_settings) =
            settings_with_silent_topic(world, "lendverify-e2e-fault-stage-no-subscribers")?;
        let sdk = lendverify_local_stage::sdk_config(&proxy.url)
            .await
            .into_builder()
            .retry_config(
                lendverify_aws::retry_config().with_initial_backoff(Duration::from_millis(1)),
            )
            .build();
        let (proxy_url, emulator) = (proxy.url.as_str(), world.stage.emulator_url.as_str());
        let (aws, secrets) = faulted_aws(
            &sdk,
            aws_settings,
            &Endpoints {
                dynamodb: proxy_url,
                s3: proxy_url,
                rekognition: emulator,
                textract: emulator,
                sns: proxy_url,
                secrets_manager: proxy_url,
            },
        );
        let state = AppState {
            aws,
            settings,
            clock: time::OffsetDateTime::now_utc,
        };
        let (api_url, stop) = serve_gateway(world, state.clone()).await?;
        Ok(Self {
            api_url,
            state,
            proxy,
            secrets,
            stop: Some(stop),
        })
    }
}

/// Where each client of a faulted API sends its requests: a fault proxy, or the emulator.
pub struct Endpoints<'a> {
    pub dynamodb: &'a str,
    pub s3: &'a str,
    pub rekognition: &'a str,
    pub textract: &'a str,
    pub sns: &'a str,
    pub secrets_manager: &'a str,
}

/// The handlers' adapters for `settings` over clients of `sdk` at `endpoints`, each client with
/// a retry quota of its own ([`own_retry_quota`]); and the Secrets Manager client, through
/// which a test reaches a signing secret not read yet (it is cached once read).
pub fn faulted_aws(
    sdk: &SdkConfig,
    settings: AwsSettings,
    endpoints: &Endpoints,
) -> (Aws, aws_sdk_secretsmanager::Client) {
    let dynamodb = aws_sdk_dynamodb::config::Builder::from(sdk)
        .endpoint_url(endpoints.dynamodb)
        .retry_partition(own_retry_quota("dynamodb"))
        .build();
    let s3 = aws_sdk_s3::config::Builder::from(sdk)
        .endpoint_url(endpoints.s3)
        .force_path_style(true)
        .retry_partition(own_retry_quota("s3"))
        .build();
    let rekognition = aws_sdk_rekognition::config::Builder::from(sdk)
        .endpoint_url(endpoints.rekognition)
        .retry_partition(own_retry_quota("rekognition"))
        .build();
    let textract = aws_sdk_textract::config::Builder::from(sdk)
        .endpoint_url(endpoints.textract)
        .retry_partition(own_retry_quota("textract"))
        .build();
    let sns = aws_sdk_sns::config::Builder::from(sdk)
        .endpoint_url(endpoints.sns)
        .retry_partition(own_retry_quota("sns"))
        .build();
    let secrets = aws_sdk_secretsmanager::Client::from_conf(
        aws_sdk_secretsmanager::config::Builder::from(sdk)
            .endpoint_url(endpoints.secrets_manager)
            .retry_partition(own_retry_quota("secretsmanager"))
            .build(),
    );
    let aws = Aws::from_clients(
        settings,
        aws_sdk_dynamodb::Client::from_conf(dynamodb),
        aws_sdk_s3::Client::from_conf(s3),
        aws_sdk_rekognition::Client::from_conf(rekognition),
        aws_sdk_textract::Client::from_conf(textract),
    )
    .with_decision_event_clients(aws_sdk_sns::Client::from_conf(sns), secrets.clone());
    (aws, secrets)
}

/// An unlimited retry quota of its own, for one client of a faulted API.
///
/// The SDK's standard retry strategy keeps one retry quota per service for the whole process: a
/// bucket of 500 tokens, of which each retry takes 5 (10 after a timeout), given back only when
/// the retry succeeds. A Lambda process meets a fault with its own quota. A test process serves
/// the stage and hundreds of faulted requests: they emptied the quota within about ten routes of
/// the fault matrix, and from then on every request to that service, from this API and from the
/// stage, was tried once, so that one slow answer from moto failed a clean request. With a quota
/// of its own per faulted client, every fault meets the whole retry policy, and the stage's
/// clients keep theirs.
pub fn own_retry_quota(client: &str) -> RetryPartition {
    RetryPartition::custom(format!("faulted-{client}"))
        .token_bucket(TokenBucket::unlimited())
        .build()
}

/// The stage's handler settings with Textract's completion topic replaced by `silent_topic`, a
/// topic without subscribers: a lending job a faulted API starts never reaches the stage's queue,
/// so the test feeds the consumer its own completions.
pub fn settings_with_silent_topic(
    world: &World,
    silent_topic: &str,
) -> anyhow::Result<(Settings, AwsSettings)> {
    let environment = &world.stage.outputs.handler_environment;
    let silent_topic = environment
        .get("LENDING_TOPIC_ARN")
        .and_then(|arn| arn.rsplit_once(':'))
        .map(|(prefix, _)| format!("{prefix}:{silent_topic}"))
        .context("LENDING_TOPIC_ARN")?;
    let lookup = |name: &str| match name {
        "AWS_REGION" => Some(REGION.to_string()),
        "S3_FORCE_PATH_STYLE" => Some("true".to_string()),
        "LENDING_TOPIC_ARN" => Some(silent_topic.clone()),
        _ => environment.get(name).cloned(),
    };
    let settings = Settings::from_lookup(lookup).context("handler_environment")?;
    let aws_settings = AwsSettings::from_lookup(lookup).context("handler_environment")?;
    Ok((settings, aws_settings))
}

/// Serves `state` through the stage's gateway (its Cognito authorizer on moto) on a free loopback
/// port: the API's URL, and the sender that stops it.
pub async fn serve_gateway(
    world: &World,
    state: AppState,
) -> anyhow::Result<(String, tokio::sync::oneshot::Sender<()>)> {
    let outputs = &world.stage.outputs;
    let authorizer = Authorizer::from_moto(
        &world.stage.moto_url,
        REGION,
        &outputs.user_pool_id,
        &outputs.user_pool_client_id,
    )
    .await?;
    let gateway = Arc::new(Gateway::new(state, authorizer)?);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let api_url = format!("http://{}", listener.local_addr()?);
    let app = axum::Router::new()
        .fallback(lendverify_local_stage::gateway::serve)
        .with_state(gateway);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    Ok((api_url, stop))
}

impl Drop for FaultStage {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A lender endpoint on loopback that accepts every POST and counts them by `webhook-id`.
pub struct Receiver {
    pub url: String,
    received: Arc<std::sync::Mutex<std::collections::BTreeMap<String, u32>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Receiver {
    pub async fn start() -> anyhow::Result<Self> {
        let received: Arc<std::sync::Mutex<std::collections::BTreeMap<String, u32>>> =
            Arc::default();
        let counted = received.clone();
        let app = axum::Router::new().fallback(move |headers: http::HeaderMap| {
            let counted = counted.clone();
            async move {
                let id = headers
                    .get("webhook-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                *counted.lock().unwrap().entry(id).or_default() += 1;
                http::StatusCode::NO_CONTENT
            }
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let url = format!("http://{}/webhooks", listener.local_addr()?);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Self {
            url,
            received,
            stop: Some(stop),
        })
    }

    pub fn posts(&self, event_id: &str) -> u32 {
        self.received
            .lock()
            .unwrap()
            .get(event_id)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
