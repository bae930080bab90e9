//! The local stage: the whole LendVerify API on one machine.
//!
//! It starts moto and the project's Rekognition/Textract emulator, provisions them with
//! `environments/local` (the product's own Terraform modules), then serves every route from the
//! same handler functions the Lambdas run, and drains the lending queue into the same consumer.
//! Dropping or stopping a [`LocalStage`] stops every process it started.

pub mod auth;
pub mod gateway;
pub mod openapi;
pub mod provision;
pub mod queue;
pub mod services;
pub mod waf;
pub mod web;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use aws_config::{BehaviorVersion, Region};
use lendverify_aws::{Aws, AwsSettings};
use lendverify_core::config::Settings;
use lendverify_functions::dispatcher::DeliveryPolicy;
use lendverify_functions::AppState;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use provision::Outputs;
use services::Service;

pub const REGION: &str = "us-east-1";

/// Where and how to run.
#[derive(Clone, Debug)]
pub struct Options {
    pub repo_root: PathBuf,
    /// The project venv holding moto and the emulator's dependencies.
    pub venv: PathBuf,
    /// Terraform working directory, state and service logs.
    pub work_dir: PathBuf,
    /// 0 picks a free port.
    pub api_port: u16,
    pub moto_port: u16,
    pub emulator_port: u16,
    /// Port of the built web app (`web_dist`); 0 picks a free port.
    pub web_port: u16,
    /// Port of the emulator's Face Liveness stream (wss); 0 picks a free port.
    pub liveness_port: u16,
    /// The built web app (`make web-build`); not served when it has no `index.html`.
    pub web_dist: PathBuf,
    /// How long a message the consumer reported as failed stays invisible before SQS redelivers
    /// it. `None` keeps the queue's own (six times the consumer's timeout, as on AWS); a test sets
    /// seconds so a poison message reaches the DLQ after `maxReceiveCount` receives in seconds.
    pub consumer_visibility_timeout: Option<Duration>,
    /// `WEBHOOK_ENDPOINTS` for the dispatcher instead of `environments/local`'s (a JSON array of
    /// `{"name", "url"}`), so a test can point it at its own receiver; `for_repo` reads
    /// `LENDVERIFY_WEBHOOK_ENDPOINTS`.
    pub webhook_endpoints: Option<String>,
    /// The dispatcher's in-process retry delays; `None` keeps core's backoff (`retry_delays`).
    pub webhook_retry_delays: Option<Vec<Duration>>,
    /// Like `consumer_visibility_timeout`, for the decision deliveries queue.
    pub dispatcher_visibility_timeout: Option<Duration>,
    /// How often `sweep-erasures` runs, as its EventBridge schedule does on AWS.
    pub erasure_sweep_interval: Duration,
    /// Handler variables that replace `environments/local`'s, as an environment root's Terraform
    /// inputs would (a suite's own quota, say).
    pub environment_overrides: std::collections::BTreeMap<String, String>,
}

impl Options {
    /// Defaults relative to the repository root: `.tools/venv`, `.tools/local-stage`.
    pub fn for_repo(repo_root: PathBuf) -> Self {
        Self {
            venv: repo_root.join(".tools/venv"),
            work_dir: repo_root.join(".tools/local-stage"),
            web_dist: repo_root.join("web/dist"),
            repo_root,
            api_port: 0,
            moto_port: 0,
            emulator_port: 0,
            web_port: 0,
            liveness_port: 0,
            consumer_visibility_timeout: None,
            webhook_endpoints: std::env::var("LENDVERIFY_WEBHOOK_ENDPOINTS")
                .ok()
                .filter(|v| !v.trim().is_empty()),
            webhook_retry_delays: None,
            dispatcher_visibility_timeout: None,
            erasure_sweep_interval: Duration::from_secs(60),
            environment_overrides: Default::default(),
        }
    }
}

pub struct LocalStage {
    pub api_url: String,
    pub moto_url: String,
    pub emulator_url: String,
    /// The emulator's Face Liveness stream, `wss://127.0.0.1:<port>` (the web app's endpointOverride).
    pub liveness_url: String,
    /// Base64 SHA-256 of the stream certificate's public key (Chromium's
    /// `--ignore-certificate-errors-spki-list`).
    pub liveness_spki_sha256: String,
    /// The web app's URL, when `web_dist` holds a build.
    pub web_url: Option<String>,
    pub outputs: Outputs,
    /// What the stage's functions run with, so a test can invoke one directly (the erasure
    /// sweep, with a clock past its due time).
    pub state: AppState,
    stop: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    services: Vec<Service>,
}

fn port_or_free(port: u16) -> anyhow::Result<u16> {
    if port == 0 {
        services::free_port()
    } else {
        Ok(port)
    }
}

/// The SDK configuration of the local stage: moto as every service's endpoint (Rekognition and
/// Textract clients override it with the emulator's), test credentials, and the same retry and
/// timeout policy and HTTP client as the Lambdas. The end-to-end tests use it too, to read moto
/// directly.
pub async fn sdk_config(moto_url: &str) -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(lendverify_aws::http_client())
        .region(Region::new(REGION))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "test",
            "test",
            None,
            None,
            "local-stage",
        ))
        .endpoint_url(moto_url)
        .retry_config(lendverify_aws::retry_config())
        .timeout_config(lendverify_aws::timeout_config())
        .load()
        .await
}

/// `arn:aws:sqs:<region>:<account>:<name>` from moto's `http://host/<account>/<name>` URL.
fn queue_arn(queue_url: &str) -> String {
    let mut parts = queue_url.rsplit('/');
    let name = parts.next().unwrap_or_default();
    let account = parts.next().unwrap_or_default();
    format!("arn:aws:sqs:{REGION}:{account}:{name}")
}

impl LocalStage {
    pub async fn start(options: Options) -> anyhow::Result<Self> {
        let logs = options.work_dir.join("logs");
        let moto = services::start_moto(
            &options.repo_root,
            &options.venv,
            port_or_free(options.moto_port)?,
            &logs,
        )
        .await?;
        let tls =
            services::liveness_tls(&options.repo_root, &options.venv, &options.work_dir).await?;
        let liveness_port = port_or_free(options.liveness_port)?;
        let liveness_url = format!("wss://127.0.0.1:{liveness_port}");
        let emulator = services::start_emulator(
            &options.repo_root,
            &options.venv,
            port_or_free(options.emulator_port)?,
            &moto.url,
            &logs,
            liveness_port,
            &tls,
        )
        .await?;
        // The web app's origin is the API's CORS origin (ALLOWED_ORIGIN) and the uploads bucket's,
        // so its port is chosen before Terraform runs.
        let web_port = port_or_free(options.web_port)?;
        let web_origins = [
            format!("http://127.0.0.1:{web_port}"),
            format!("http://localhost:{web_port}"),
        ];
        let outputs = provision::apply(
            &options.repo_root,
            &options.work_dir,
            &moto.url,
            &web_origins,
        )
        .await?;

        let mut environment = outputs.handler_environment.clone();
        environment.extend(options.environment_overrides.clone());
        let webhook_endpoints = options.webhook_endpoints.clone();
        let lookup = |name: &str| match name {
            "AWS_REGION" => Some(REGION.to_string()),
            "S3_FORCE_PATH_STYLE" => Some("true".to_string()),
            "WEBHOOK_ENDPOINTS" if webhook_endpoints.is_some() => webhook_endpoints.clone(),
            _ => environment.get(name).cloned(),
        };
        let settings = Settings::from_lookup(lookup).context("handler_environment")?;
        let aws_settings = AwsSettings::from_lookup(lookup).context("handler_environment")?;
        let sdk = sdk_config(&moto.url).await;
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        );
        let rekognition = aws_sdk_rekognition::Client::from_conf(
            aws_sdk_rekognition::config::Builder::from(&sdk)
                .endpoint_url(&emulator.url)
                .build(),
        );
        let textract = aws_sdk_textract::Client::from_conf(
            aws_sdk_textract::config::Builder::from(&sdk)
                .endpoint_url(&emulator.url)
                .build(),
        );
        let aws = Aws::from_clients(
            aws_settings,
            aws_sdk_dynamodb::Client::new(&sdk),
            s3,
            rekognition,
            textract,
        )
        .with_decision_event_clients(
            aws_sdk_sns::Client::new(&sdk),
            aws_sdk_secretsmanager::Client::new(&sdk),
        )
        .with_personal_data_retention(settings.personal_data_retention());
        let state = AppState {
            aws,
            settings,
            clock: time::OffsetDateTime::now_utc,
        };

        let authorizer = auth::Authorizer::from_moto(
            &moto.url,
            REGION,
            &outputs.user_pool_id,
            &outputs.user_pool_client_id,
        )
        .await?;
        let gateway = Arc::new(gateway::Gateway::new(state.clone(), authorizer)?);
        let api_port = port_or_free(options.api_port)?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", api_port))
            .await
            .with_context(|| format!("binding 127.0.0.1:{api_port}"))?;
        let app = axum::Router::new()
            .fallback(gateway::serve)
            .with_state(gateway);
        let stop = CancellationToken::new();
        let server_stop = stop.clone();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move { server_stop.cancelled().await })
                .await;
        });
        let api_url = format!("http://127.0.0.1:{api_port}");
        let mut tasks = vec![server];
        let web_url = if options.web_dist.join("index.html").is_file() {
            let app = web::WebApp::new(
                &options.repo_root,
                options.web_dist.clone(),
                &web::LocalOrigins {
                    api: api_url.clone(),
                    moto: moto.url.clone(),
                    liveness: liveness_url.clone(),
                },
                web::local_config(
                    &api_url,
                    &moto.url,
                    REGION,
                    &outputs.user_pool_id,
                    &outputs.user_pool_client_id,
                    &liveness_url,
                ),
                emulator.url.clone(),
            )?;
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", web_port))
                .await
                .with_context(|| format!("binding 127.0.0.1:{web_port}"))?;
            let router = axum::Router::new()
                .fallback(web::serve)
                .with_state(Arc::new(app));
            let web_stop = stop.clone();
            tasks.push(tokio::spawn(async move {
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(async move { web_stop.cancelled().await })
                    .await;
            }));
            Some(web_origins[0].clone())
        } else {
            tracing::warn!(
                dist = %options.web_dist.display(),
                "no web app build (make web-build): the web app is not served"
            );
            None
        };
        match &outputs.decision_queue_url {
            Some(queue_url) => {
                let policy = match &options.webhook_retry_delays {
                    Some(delays) => DeliveryPolicy {
                        delays: delays.clone(),
                        ..DeliveryPolicy::standard()
                    },
                    None => DeliveryPolicy::standard(),
                };
                tasks.push(tokio::spawn(queue::run_dispatcher(
                    state.clone(),
                    aws_sdk_sqs::Client::new(&sdk),
                    queue_url.clone(),
                    queue_arn(queue_url),
                    options.dispatcher_visibility_timeout,
                    policy,
                    stop.clone(),
                )));
            }
            None => tracing::warn!(
                "environments/local has no decision_queue_url output: decision events are not delivered"
            ),
        }
        tasks.push(tokio::spawn(queue::run_erasure_sweeps(
            state.clone(),
            options.erasure_sweep_interval,
            stop.clone(),
        )));
        let consumer = tokio::spawn(queue::run(
            state.clone(),
            aws_sdk_sqs::Client::new(&sdk),
            outputs.queue_url.clone(),
            queue_arn(&outputs.queue_url),
            options.consumer_visibility_timeout,
            stop.clone(),
        ));
        tasks.push(consumer);
        Ok(Self {
            api_url,
            moto_url: moto.url.clone(),
            emulator_url: emulator.url.clone(),
            liveness_url,
            liveness_spki_sha256: tls.spki_sha256,
            web_url,
            outputs,
            state,
            stop,
            tasks,
            services: vec![emulator, moto],
        })
    }

    /// Stops the API, the consumer and every process the stage started.
    pub async fn stop(self) {
        self.stop.cancel();
        for task in self.tasks {
            let _ = task.await;
        }
        for service in self.services {
            tracing::debug!(service = service.name, "stopping");
            service.stop().await;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn queue_arn_from_moto_url() {
        assert_eq!(
            super::queue_arn("http://127.0.0.1:5000/123456789012/lendverify-local-lending"),
            "arn:aws:sqs:us-east-1:123456789012:lendverify-local-lending"
        );
    }
}
