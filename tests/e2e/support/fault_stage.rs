//! A second API over the running local stage's moto, emulator and Terraform, whose DynamoDB and
//! S3 clients go through the [`FaultProxy`], for walking the error table.
//!
//! Same handlers, same gateway (`lendverify_local_stage::gateway`), same resources and users;
//! what differs, and why:
//! - DynamoDB, S3, SNS and Secrets Manager go through the fault proxy (Rekognition and Textract
//!   faults are the emulator's own control API);
//! - the production retry policy (3 attempts) with a 1 ms backoff, as the handler tests use, so
//!   hundreds of throttles take seconds (the real backoff is proven by
//!   `throttled_aws_is_retried_then_503` on the stage itself);
//! - Textract's completion topic is one without subscribers, so a lending job the walk starts
//!   never reaches the stage's queue; the walk feeds the consumer its own completions.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
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
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        );
        let emulator = &world.stage.emulator_url;
        let rekognition = aws_sdk_rekognition::Client::from_conf(
            aws_sdk_rekognition::config::Builder::from(&sdk)
                .endpoint_url(emulator)
                .build(),
        );
        let textract = aws_sdk_textract::Client::from_conf(
            aws_sdk_textract::config::Builder::from(&sdk)
                .endpoint_url(emulator)
                .build(),
        );
        let state = AppState {
            aws: with_decision_event_clients(
                Aws::from_clients(
                    aws_settings.clone(),
                    aws_sdk_dynamodb::Client::new(&sdk),
                    s3,
                    rekognition,
                    textract,
                ),
                Aws::new(&sdk, aws_settings),
            ),
            settings,
            clock: time::OffsetDateTime::now_utc,
        };
        let (api_url, stop) = serve_gateway(world, state.clone()).await?;
        Ok(Self {
            api_url,
            state,
            proxy,
            secrets: aws_sdk_secretsmanager::Client::new(&sdk),
            stop: Some(stop),
        })
    }
}

/// `aws` with the decision event adapters (SNS Publish, Secrets Manager GetSecretValue) of
/// `events`, an `Aws::new` over the faulted endpoint's SDK configuration: the same as
/// `Aws::with_decision_event_clients` with that configuration's clients (`Aws::new` builds them
/// lazily), without an SNS SDK in the e2e manifest. Without them every publish fails as ours.
pub fn with_decision_event_clients(mut aws: Aws, events: Aws) -> Aws {
    aws.decision_events = events.decision_events;
    aws.signing_secret = events.signing_secret;
    aws
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
