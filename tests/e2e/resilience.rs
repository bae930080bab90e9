//! Resilience on a stage of its own (moto, emulator, Terraform, API, consumer), so its faults and
//! its short redelivery never meet the mortgage-flow scenarios:
//!
//! - poison messages end in the DLQ after `maxReceiveCount` receives, or are acknowledged;
//! - the fault matrix: every AWS dependency of every route and of the consumer fails in turn
//!   (throttling, 5xx, an answer slower than the SDK's attempt timeout, a connection reset), and
//!   each route answers 503 with `Retry-After` or succeeds, and a clean retry afterwards finds
//!   nothing half-written or doubled. The dependencies are every SDK the handlers build a client
//!   of (DynamoDB with both tables, S3, Rekognition, Textract, SQS, SNS, Secrets Manager); the
//!   matrix fails if one of them is never faulted. The review routes run with a reviewer's token,
//!   and the decision event dispatcher (`deliver-decision-events`) gets rows like the consumer's.

use lendverify_core::lending::JobStatus;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use aws_lambda_events::event::sqs::SqsEvent;
use aws_sdk_sqs::types::QueueAttributeName;
use lendverify_aws::config::WebhookEndpoint;
use lendverify_aws::error::table::Service;
use lendverify_aws::records;
use lendverify_e2e::fault_proxy::{Fault, FaultProxy};
use lendverify_e2e::fault_stage::{
    faulted_aws, own_retry_quota, serve_gateway, settings_with_silent_topic, Endpoints, Receiver,
};
use lendverify_e2e::{fixtures, repo_root, World};
use lendverify_functions::{consumer, dispatcher, AppState};
use lendverify_local_stage::{LocalStage, Options, REGION};
use libtest_mimic::{Arguments, Trial};
use serde_json::{json, Value};

type Scenario = fn(Arc<World>) -> Pin<Box<dyn Future<Output = Result<()>> + Send>>;

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        vec![$((stringify!($name), (|w| Box::pin($name(w))) as Scenario)),*]
    };
}

/// Failed completions are redelivered after this, instead of the queue's six minutes, so a poison
/// message reaches the DLQ after `maxReceiveCount` receives within seconds.
const REDELIVERY: Duration = Duration::from_secs(1);

fn main() {
    let mut args = Arguments::from_args();
    args.test_threads = Some(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let world = match runtime.block_on(start_world()) {
        Ok(world) => Arc::new(world),
        Err(err) => {
            eprintln!("could not start the local stage: {err:#}");
            std::process::exit(1);
        }
    };
    let trials = scenarios![
        poison_messages_reach_the_dlq_or_are_acknowledged,
        fault_matrix_every_dependency_of_every_route,
    ]
    .into_iter()
    .map(|(name, scenario)| {
        let world = world.clone();
        let handle = runtime.handle().clone();
        Trial::test(name, move || {
            handle
                .block_on(scenario(world))
                .map_err(|e| format!("{e:#}").into())
        })
    })
    .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    if let Ok(world) = Arc::try_unwrap(world) {
        runtime.block_on(world.stop());
    }
    conclusion.exit();
}

async fn start_world() -> Result<World> {
    let mut options = Options::for_repo(repo_root().canonicalize()?);
    options.work_dir =
        std::env::temp_dir().join(format!("lendverify-resilience-{}", std::process::id()));
    options.consumer_visibility_timeout = Some(REDELIVERY);
    let stage = LocalStage::start(options).await?;
    lendverify_e2e::wait_for_turn()?;
    let sdk = lendverify_local_stage::sdk_config(&stage.moto_url).await;
    Ok(World {
        http: reqwest::Client::new(),
        dynamodb: aws_sdk_dynamodb::Client::new(&sdk),
        sqs: aws_sdk_sqs::Client::new(&sdk),
        s3: aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        ),
        stage,
    })
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!("{prefix}-{nanos}")
}

async fn queue_attribute(w: &World, url: &str, name: QueueAttributeName) -> Result<String> {
    let out = w
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(name.clone())
        .send()
        .await?;
    out.attributes()
        .and_then(|a| a.get(&name))
        .cloned()
        .with_context(|| format!("{name:?} of {url}"))
}

async fn visible(w: &World, url: &str) -> Result<u64> {
    Ok(
        queue_attribute(w, url, QueueAttributeName::ApproximateNumberOfMessages)
            .await?
            .parse()?,
    )
}

fn sns_envelope(message: Value) -> String {
    json!({ "Type": "Notification", "Message": message.to_string() }).to_string()
}

/// A malformed body and a completion for a job nobody started land in the DLQ after exactly
/// `maxReceiveCount` receives (read from the queue's redrive policy, as Terraform set it); a
/// completion for an erased application is acknowledged (the consumer logs `Erased`) and never
/// reaches the DLQ.
async fn poison_messages_reach_the_dlq_or_are_acknowledged(w: Arc<World>) -> Result<()> {
    let queue = w.stage.outputs.queue_url.clone();
    let policy: Value = serde_json::from_str(
        &queue_attribute(&w, &queue, QueueAttributeName::RedrivePolicy).await?,
    )?;
    let max_receive_count: u64 = match &policy["maxReceiveCount"] {
        Value::String(s) => s.parse()?,
        other => other.as_u64().context("maxReceiveCount")?,
    };
    let dlq_name = policy["deadLetterTargetArn"]
        .as_str()
        .and_then(|arn| arn.rsplit(':').next())
        .context("deadLetterTargetArn")?;
    let dlq = w
        .sqs
        .get_queue_url()
        .queue_name(dlq_name)
        .send()
        .await?
        .queue_url
        .context("DLQ url")?;
    ensure!(visible(&w, &dlq).await? == 0, "the DLQ starts empty");

    let api = w.user("poison").await?;
    let erased = api.create_application(fixtures::applicant()).await?;
    api.delete(&format!("/applications/{erased}"))
        .await?
        .expect(204)?;
    let malformed = "{ this is not a Textract completion".to_string();
    let unknown_job = sns_envelope(json!({
        "JobId": unique("job-nobody-started"),
        "Status": "SUCCEEDED",
        "JobTag": unique("no-such-application"),
    }));
    let for_erased = sns_envelope(json!({
        "JobId": unique("job-of-erased-application"),
        "Status": "SUCCEEDED",
        "JobTag": erased,
    }));
    for body in [&malformed, &unknown_job, &for_erased] {
        w.sqs
            .send_message()
            .queue_url(&queue)
            .message_body(body.as_str())
            .send()
            .await?;
    }

    // Each receive fails, then waits out REDELIVERY; after maxReceiveCount of them SQS moves it.
    let budget = REDELIVERY * (max_receive_count as u32 + 4) * 3;
    let deadline = Instant::now() + budget;
    while visible(&w, &dlq).await? < 2 {
        if Instant::now() > deadline {
            bail!("the DLQ did not receive both poison messages within {budget:?}");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    w.queue_drained().await?;
    let parked = w
        .sqs
        .receive_message()
        .queue_url(&dlq)
        .max_number_of_messages(10)
        .visibility_timeout(0)
        .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::All)
        .send()
        .await?;
    let mut bodies: Vec<String> = Vec::new();
    for message in parked.messages() {
        let receives: u64 = message
            .attributes()
            .and_then(|a| {
                a.get(&aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount)
            })
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        ensure!(
            receives >= max_receive_count,
            "moved after {receives} receives, before maxReceiveCount {max_receive_count}"
        );
        bodies.push(message.body().unwrap_or_default().to_string());
    }
    bodies.sort();
    let mut expected = vec![malformed, unknown_job];
    expected.sort();
    ensure!(
        bodies == expected,
        "the DLQ holds exactly the two poison messages: {bodies:?}"
    );
    println!(
        "poison messages: malformed body → DLQ, unknown JobId → DLQ (after {max_receive_count} \
         receives each); completion for an erased application → acknowledged"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The fault matrix.

/// The dependencies a route can reach through the faulted API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Dependency {
    DynamoDb,
    S3,
    Rekognition,
    Textract,
    Sqs,
    Sns,
    SecretsManager,
}

impl Dependency {
    const ALL: [Dependency; 7] = [
        Dependency::DynamoDb,
        Dependency::S3,
        Dependency::Rekognition,
        Dependency::Textract,
        Dependency::Sqs,
        Dependency::Sns,
        Dependency::SecretsManager,
    ];

    fn name(self) -> &'static str {
        match self {
            Dependency::DynamoDb => "DynamoDB",
            Dependency::S3 => "S3",
            Dependency::Rekognition => "Rekognition",
            Dependency::Textract => "Textract",
            Dependency::Sqs => "SQS",
            Dependency::Sns => "SNS",
            Dependency::SecretsManager => "Secrets Manager",
        }
    }

    /// The dependency of an SDK the handlers call (the error table's services), if the matrix
    /// has one; SQS is the event source's, not a handler's.
    fn of(service: Service) -> Dependency {
        match service {
            Service::DynamoDb => Dependency::DynamoDb,
            Service::S3 => Dependency::S3,
            Service::Rekognition => Dependency::Rekognition,
            Service::Textract => Dependency::Textract,
            Service::Sns => Dependency::Sns,
            Service::SecretsManager => Dependency::SecretsManager,
        }
    }
}

/// The SDK's attempt timeout on the faulted API, scaled down from production's
/// (`lendverify_aws::timeout_config`) so a slow cell costs seconds, not a minute; a slow answer
/// is held twice as long. Not shorter: on the 2-core CI machine, with other stages applying
/// beside the matrix, moto answered a request of a dependency that was not faulted in more than
/// 400 ms three times in a row, and the cell's 503 was that dependency's.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(1);

/// The event source's SQS client keeps a longer attempt timeout: its receive long-polls for a
/// second, and a slow SQS answer is held past this.
const SQS_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(3);

/// A second API over the stage's moto, emulator and Terraform, whose every AWS client goes
/// through its own [`FaultProxy`]. Textract's completion topic is one without subscribers,
/// so the jobs this API starts are completed by the matrix feeding the consumer itself.
struct FaultedApi {
    url: String,
    state: AppState,
    proxies: BTreeMap<Dependency, FaultProxy>,
    /// Secrets Manager through its proxy: the dispatcher rows give each cell a signing secret
    /// not read yet (it is cached once read).
    secrets: aws_sdk_secretsmanager::Client,
    /// The lender endpoint the dispatcher delivers to.
    receiver: Receiver,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl FaultedApi {
    async fn start(w: &World) -> Result<Self> {
        let moto = &w.stage.moto_url;
        let emulator = &w.stage.emulator_url;
        let mut proxies = BTreeMap::new();
        for dependency in Dependency::ALL {
            let slow = match dependency {
                Dependency::Sqs => SQS_ATTEMPT_TIMEOUT * 2,
                _ => ATTEMPT_TIMEOUT * 2,
            };
            let upstream = match dependency {
                Dependency::Rekognition | Dependency::Textract => emulator,
                Dependency::DynamoDb
                | Dependency::S3
                | Dependency::Sqs
                | Dependency::Sns
                | Dependency::SecretsManager => moto,
            };
            proxies.insert(dependency, FaultProxy::start(upstream, slow).await?);
        }
        let (settings, mut aws_settings) =
            settings_with_silent_topic(w, "lendverify-fault-matrix-no-subscribers")?;
        let receiver = Receiver::start().await?;
        aws_settings.decision_events.endpoints = vec![WebhookEndpoint {
            name: "fault-matrix".into(),
            url: receiver.url.clone(),
        }];
        let sdk = lendverify_local_stage::sdk_config(moto)
            .await
            .into_builder()
            .retry_config(
                lendverify_aws::retry_config().with_initial_backoff(Duration::from_millis(10)),
            )
            .timeout_config(
                aws_sdk_sqs::config::timeout::TimeoutConfig::builder()
                    .connect_timeout(ATTEMPT_TIMEOUT)
                    .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                    .operation_timeout(ATTEMPT_TIMEOUT * 5)
                    .build(),
            )
            .build();
        let url = |d: Dependency| proxies[&d].url.as_str();
        let (aws, secrets) = faulted_aws(
            &sdk,
            aws_settings,
            &Endpoints {
                dynamodb: url(Dependency::DynamoDb),
                s3: url(Dependency::S3),
                rekognition: url(Dependency::Rekognition),
                textract: url(Dependency::Textract),
                sns: url(Dependency::Sns),
                secrets_manager: url(Dependency::SecretsManager),
            },
        );
        let state = AppState {
            aws,
            settings,
            clock: time::OffsetDateTime::now_utc,
        };
        let (api_url, stop) = serve_gateway(w, state.clone()).await?;
        Ok(Self {
            url: api_url,
            state,
            proxies,
            secrets,
            receiver,
            stop: Some(stop),
        })
    }

    fn requests(&self) -> BTreeMap<Dependency, u64> {
        self.proxies
            .iter()
            .map(|(d, p)| (*d, p.requests()))
            .collect()
    }

    fn disarm(&self) {
        self.proxies.values().for_each(FaultProxy::disarm);
    }
}

impl Drop for FaultedApi {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A request, ready to send to any API (the faulted one, or again after the fault).
#[derive(Clone, Debug)]
struct Call {
    method: reqwest::Method,
    path: String,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
    /// The application whose items prove nothing was half-written.
    application: Option<String>,
    /// Sent with a reviewer's token (the review routes), not the applicant's.
    reviewer: bool,
}

#[derive(Debug)]
struct Reply {
    status: u16,
    retry_after: Option<String>,
    body: Value,
}

async fn send(w: &World, base: &str, token: &str, call: &Call) -> Result<Reply> {
    let mut request = w
        .http
        .request(call.method.clone(), format!("{base}{}", call.path))
        .bearer_auth(token)
        .timeout(Duration::from_secs(30));
    for (name, value) in &call.headers {
        request = request.header(*name, value);
    }
    if let Some(body) = &call.body {
        request = request.json(body);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let text = response.text().await?;
    Ok(Reply {
        status,
        retry_after,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    })
}

/// The kinds of item an application holds (`APPLICATION`, `UPLOAD`, `IDV`, `DOC`, ...) and how
/// many of each: a doubled decision or job, or a missing write, changes it.
async fn item_kinds(w: &World, application: &str) -> Result<BTreeMap<String, usize>> {
    let mut kinds = BTreeMap::new();
    for (_, sk) in w.items_of(application).await? {
        let kind = sk.split('#').next().unwrap_or_default().to_string();
        *kinds.entry(kind).or_default() += 1;
    }
    // The audit events too: a state change and its event are one transaction, so a refused
    // request leaves neither and its retry writes each once.
    let events = w
        .dynamodb
        .query()
        .table_name(w.env("AUDIT_TABLE"))
        .key_condition_expression("pk = :pk AND begins_with(sk, :event)")
        .expression_attribute_values(
            ":pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("APP#{application}")),
        )
        .expression_attribute_values(
            ":event",
            aws_sdk_dynamodb::types::AttributeValue::S("EVENT#".into()),
        )
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await?;
    for event in events {
        let kind = event
            .get("kind")
            .and_then(|v| v.as_s().ok())
            .map_or("?", String::as_str);
        *kinds.entry(format!("audit {kind}")).or_default() += 1;
    }
    Ok(kinds)
}

/// A NEEDS_REVIEW identity decision on `app`: the ID photo matches the liveness face only in
/// the middle of the review band (the emulator's `<face>~<similarity>`).
async fn borderline_decision(
    w: &World,
    api: &lendverify_e2e::Api<'_>,
    app: &str,
    user: &str,
) -> Result<()> {
    let number = |name: &str| -> Result<f64> {
        w.env(name)
            .parse()
            .with_context(|| format!("{name} of the handler environment"))
    };
    let threshold = number("FACE_SIMILARITY_THRESHOLD")?;
    let band = number("FACE_SIMILARITY_REVIEW_BAND")?;
    let similarity = ((threshold - band / 2.0) * 10.0).round() / 10.0;
    api.pass_liveness(app, user, 99.1).await?;
    let front = api
        .upload(
            app,
            "ID_FRONT",
            "image/png",
            fixtures::passport_png(&fixtures::good_passport(&format!("{user}~{similarity:.1}"))),
        )
        .await?;
    let verdict = api
        .post(
            &format!("/applications/{app}/identity-verifications"),
            json!({ "idFrontUploadId": front }),
        )
        .await?
        .expect(200)?;
    ensure!(
        verdict["decision"] == "NEEDS_REVIEW",
        "similarity {similarity}: {verdict}"
    );
    Ok(())
}

#[derive(Clone, Copy, Debug)]
enum Route {
    CreateApplication,
    ListApplications,
    GetApplication,
    EraseApplication,
    GiveConsent,
    CreateLivenessSession,
    GetLivenessResults,
    CreateUpload,
    VerifyIdentity,
    StartDocument,
    GetDocument,
    ListApplicationEvents,
    ListReviewCases,
    GetReviewCase,
    DecideReviewCase,
    ListReviewCaseEvents,
}

impl Route {
    const ALL: [Route; 16] = [
        Route::CreateApplication,
        Route::ListApplications,
        Route::GetApplication,
        Route::EraseApplication,
        Route::GiveConsent,
        Route::CreateLivenessSession,
        Route::GetLivenessResults,
        Route::CreateUpload,
        Route::VerifyIdentity,
        Route::StartDocument,
        Route::GetDocument,
        Route::ListApplicationEvents,
        Route::ListReviewCases,
        Route::GetReviewCase,
        Route::DecideReviewCase,
        Route::ListReviewCaseEvents,
    ];

    fn name(self) -> &'static str {
        match self {
            Route::CreateApplication => "POST /applications",
            Route::ListApplications => "GET /applications",
            Route::GetApplication => "GET /applications/{id}",
            Route::EraseApplication => "DELETE /applications/{id}",
            Route::GiveConsent => "PUT .../consent",
            Route::CreateLivenessSession => "POST .../liveness-sessions",
            Route::GetLivenessResults => "GET .../liveness-sessions/{id}",
            Route::CreateUpload => "POST .../uploads",
            Route::VerifyIdentity => "POST .../identity-verifications",
            Route::StartDocument => "POST .../documents",
            Route::GetDocument => "GET .../documents/{id}",
            Route::ListApplicationEvents => "GET .../events",
            Route::ListReviewCases => "GET /review/cases",
            Route::GetReviewCase => "GET /review/cases/{id}",
            Route::DecideReviewCase => "POST /review/cases/{id}/decisions",
            Route::ListReviewCaseEvents => "GET /review/cases/{id}/events",
        }
    }

    /// Whether each cell needs a fresh application (the route writes), or one serves them all.
    fn writes(self) -> bool {
        !matches!(
            self,
            Route::ListApplications
                | Route::GetApplication
                | Route::GetDocument
                | Route::ListApplicationEvents
                | Route::ListReviewCases
                | Route::GetReviewCase
                | Route::ListReviewCaseEvents
        )
    }

    /// Sets up what the route needs, through the stage's own API, and returns the call.
    async fn prepare(self, w: &World, user: &str) -> Result<Call> {
        let api = w.user(user).await?;
        let call = |method, path: String, body: Option<Value>, app: Option<&str>| Call {
            method,
            path,
            body,
            headers: Vec::new(),
            application: app.map(str::to_string),
            reviewer: false,
        };
        if let Route::CreateApplication = self {
            let mut create = call(
                reqwest::Method::POST,
                "/applications".into(),
                Some(json!({ "applicant": fixtures::applicant() })),
                None,
            );
            create.headers.push(("idempotency-key", unique("matrix")));
            return Ok(create);
        }
        let app = api.create_application(fixtures::applicant()).await?;
        let on = |suffix: &str| format!("/applications/{app}{suffix}");
        let review = |method, suffix: &str, body: Option<Value>| Call {
            reviewer: true,
            ..call(
                method,
                format!("/review/cases/{app}{suffix}"),
                body,
                Some(&app),
            )
        };
        Ok(match self {
            Route::CreateApplication => unreachable!(),
            Route::ListApplicationEvents => {
                call(reqwest::Method::GET, on("/events"), None, Some(&app))
            }
            Route::ListReviewCases => Call {
                reviewer: true,
                ..call(reqwest::Method::GET, "/review/cases".into(), None, None)
            },
            Route::GetReviewCase | Route::DecideReviewCase | Route::ListReviewCaseEvents => {
                borderline_decision(w, &api, &app, user).await?;
                match self {
                    Route::GetReviewCase => review(reqwest::Method::GET, "", None),
                    Route::ListReviewCaseEvents => review(reqwest::Method::GET, "/events", None),
                    _ => review(
                        reqwest::Method::POST,
                        "/decisions",
                        Some(json!({
                            "decision": "APPROVED",
                            "reasonCodes": ["FACE_MATCH_CONFIRMED"],
                        })),
                    ),
                }
            }
            Route::ListApplications => {
                call(reqwest::Method::GET, "/applications".into(), None, None)
            }
            Route::GetApplication => call(reqwest::Method::GET, on(""), None, Some(&app)),
            Route::EraseApplication => {
                api.upload(
                    &app,
                    "ID_FRONT",
                    "image/png",
                    fixtures::passport_png(&fixtures::good_passport(user)),
                )
                .await?;
                call(reqwest::Method::DELETE, on(""), None, Some(&app))
            }
            Route::GiveConsent => call(
                reqwest::Method::PUT,
                on("/consent"),
                Some(json!({ "policyVersion": "biometric-2026-11" })),
                Some(&app),
            ),
            Route::CreateLivenessSession => call(
                reqwest::Method::POST,
                on("/liveness-sessions"),
                Some(json!({})),
                Some(&app),
            ),
            Route::GetLivenessResults => {
                let session = api
                    .post(&on("/liveness-sessions"), json!({}))
                    .await?
                    .expect(201)?;
                let session_id = session["sessionId"].as_str().context("sessionId")?;
                w.emulator(
                    &format!("/_emulator/liveness-sessions/{session_id}/complete"),
                    json!({ "confidence": 99.0, "face": user }),
                )
                .await?;
                call(
                    reqwest::Method::GET,
                    on(&format!("/liveness-sessions/{session_id}")),
                    None,
                    Some(&app),
                )
            }
            Route::CreateUpload => call(
                reqwest::Method::POST,
                on("/uploads"),
                Some(
                    json!({ "purpose": "ID_FRONT", "contentType": "image/png", "contentLength": 1024 }),
                ),
                Some(&app),
            ),
            Route::VerifyIdentity => {
                api.pass_liveness(&app, user, 99.1).await?;
                let front = api
                    .upload(
                        &app,
                        "ID_FRONT",
                        "image/png",
                        fixtures::passport_png(&fixtures::good_passport(user)),
                    )
                    .await?;
                call(
                    reqwest::Method::POST,
                    on("/identity-verifications"),
                    Some(json!({ "idFrontUploadId": front })),
                    Some(&app),
                )
            }
            Route::StartDocument | Route::GetDocument => {
                api.pass_liveness(&app, user, 99.1).await?;
                let front = api
                    .upload(
                        &app,
                        "ID_FRONT",
                        "image/png",
                        fixtures::passport_png(&fixtures::good_passport(user)),
                    )
                    .await?;
                api.post(
                    &on("/identity-verifications"),
                    json!({ "idFrontUploadId": front }),
                )
                .await?
                .expect(200)?;
                let package = api
                    .upload(
                        &app,
                        "LENDING_PACKAGE",
                        "application/pdf",
                        fixtures::lending_package("Ana Muller"),
                    )
                    .await?;
                let start = call(
                    reqwest::Method::POST,
                    on("/documents"),
                    Some(json!({ "uploadId": package })),
                    Some(&app),
                );
                if let Route::StartDocument = self {
                    start
                } else {
                    let started = api
                        .post(&start.path, start.body.clone().unwrap_or_default())
                        .await?
                        .expect(202)?;
                    let document = started["documentId"].as_str().context("documentId")?;
                    // Analysed first: the cells compare what is stored before and after, and a
                    // completion recorded meanwhile (with its audit event) would look written.
                    api.wait_for_document(&app, document).await?;
                    call(
                        reqwest::Method::GET,
                        on(&format!("/documents/{document}")),
                        None,
                        Some(&app),
                    )
                }
            }
        })
    }
}

/// One row of the printed table.
struct Cell {
    subject: String,
    dependency: Dependency,
    fault: Fault,
    outcome: String,
    passed: bool,
}

async fn fault_matrix_every_dependency_of_every_route(w: Arc<World>) -> Result<()> {
    let faulted = FaultedApi::start(&w).await?;
    let user = "matrix";
    let applicant = w.token(&format!("{user}@example.com")).await?;
    let reviewer = w
        .token_in_group("matrix-reviewer@example.com", Some(&reviewers_group(&w)))
        .await?;
    let token_of = |call: &Call| {
        if call.reviewer {
            reviewer.clone()
        } else {
            applicant.clone()
        }
    };
    let token = applicant.clone();
    let mut cells: Vec<Cell> = Vec::new();

    for route in Route::ALL {
        // A clean run shows which dependencies the route calls and what success looks like.
        let probe = route.prepare(&w, user).await?;
        let before = faulted.requests();
        let clean = send(&w, &faulted.url, &token_of(&probe), &probe).await?;
        ensure!(
            clean.status < 300,
            "{}: clean run answered {} {}",
            route.name(),
            clean.status,
            clean.body
        );
        let after = faulted.requests();
        let used: Vec<Dependency> = Dependency::ALL
            .into_iter()
            .filter(|d| after[d] > before[d])
            .collect();
        let expected_kinds = match &probe.application {
            Some(app) => Some(item_kinds(&w, app).await?),
            None => None,
        };
        let mut shared_call = (!route.writes()).then_some(probe.clone());

        for dependency in used {
            for fault in Fault::ALL {
                let call = match &shared_call {
                    Some(call) => call.clone(),
                    None => route.prepare(&w, user).await?,
                };
                let token = token_of(&call);
                let proxy = &faulted.proxies[&dependency];
                let requests_before = proxy.requests();
                proxy.arm(fault, u32::MAX);
                let started = Instant::now();
                let reply = send(&w, &faulted.url, &token, &call).await;
                faulted.disarm();
                let elapsed = started.elapsed();
                let requests = proxy.requests() - requests_before;
                let reply = reply?;
                let (mut outcome, mut passed) = match (reply.status, &reply.retry_after) {
                    // Refused only after the whole retry policy: every attempt of the failing
                    // call reached the dependency.
                    (503, Some(after)) => (
                        format!("503 after {requests} requests, Retry-After {after}"),
                        requests >= u64::from(lendverify_aws::retry_config().max_attempts()),
                    ),
                    (s, _) if s == clean.status => (format!("{s} (succeeded)"), true),
                    (s, after) => (format!("{s} {} (Retry-After {after:?})", reply.body), false),
                };
                // Once the dependency is back, a refused request completes when sent again, and
                // the application holds what one clean success leaves: nothing half-written,
                // nothing doubled.
                if reply.status == 503 {
                    let publishes = faulted.proxies[&Dependency::Sns].calls("SNS.Publish");
                    let again = send(&w, &faulted.url, &token, &call).await?;
                    let republished =
                        faulted.proxies[&Dependency::Sns].calls("SNS.Publish") > publishes;
                    // A publish that failed is made by the retry, which finds the decision
                    // stored: lenders hear of every decision.
                    let lost_event = dependency == Dependency::Sns && !republished;
                    if again.status == clean.status && !lost_event {
                        outcome.push_str("; retry ok");
                        if dependency == Dependency::Sns {
                            outcome.push_str(", published");
                        }
                    } else if lost_event {
                        passed = false;
                        outcome.push_str(&format!(
                            "; retry answered {}, nothing published: the event is lost",
                            again.status
                        ));
                    } else {
                        passed = false;
                        outcome
                            .push_str(&format!("; retry answered {} {}", again.status, again.body));
                    }
                }
                if let (Some(app), Some(expected)) = (&call.application, &expected_kinds) {
                    let kinds = item_kinds(&w, app).await?;
                    if &kinds == expected {
                        outcome.push_str(", items intact");
                    } else {
                        passed = false;
                        outcome.push_str(&format!("; items {kinds:?}, expected {expected:?}"));
                    }
                }
                if route.writes() {
                    shared_call = None;
                }
                outcome.push_str(&format!(" [{} ms]", elapsed.as_millis()));
                cells.push(Cell {
                    subject: route.name().into(),
                    dependency,
                    fault,
                    outcome,
                    passed,
                });
            }
        }
    }

    cells.extend(consumer_cells(&w, &faulted, &token).await?);
    cells.extend(dispatcher_cells(&faulted).await?);
    print_table(&cells);
    every_service_is_faulted(&cells)?;
    let failed = cells.iter().filter(|c| !c.passed).count();
    ensure!(failed == 0, "{failed} of {} cells failed", cells.len());
    Ok(())
}

/// A document started through the faulted API (so its completion goes nowhere) and its job id.
async fn started_document(
    w: &World,
    faulted: &FaultedApi,
    token: &str,
) -> Result<(String, String)> {
    let call = Route::StartDocument.prepare(w, "matrix").await?;
    let started = send(w, &faulted.url, token, &call).await?;
    ensure!(
        started.status == 202,
        "start: {} {}",
        started.status,
        started.body
    );
    let document = started.body["documentId"].as_str().context("documentId")?;
    let app = call.application.context("application")?;
    let item = w
        .item(
            &records::application_pk(&app),
            &format!("{}{document}", records::DOCUMENT_PREFIX),
        )
        .await?
        .context("document item")?;
    let job = item
        .get("textractJobId")
        .and_then(|v| v.as_s().ok())
        .context("textractJobId")?
        .clone();
    // Textract publishes a completion only once the job is done, and the consumer records the
    // status Textract reports, not the message's: the cells' completions are sent after that.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let results = faulted.state.aws.lending.results(&job).await;
        if results.is_ok_and(|r| r.status != Some(JobStatus::InProgress)) {
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "job {job} still running after 60 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok((app, job))
}

async fn document_status(w: &World, app: &str) -> Result<String> {
    for (pk, sk) in w.items_of(app).await? {
        if sk.starts_with(records::DOCUMENT_PREFIX) {
            let item = w.item(&pk, &sk).await?.context("document")?;
            return Ok(item
                .get("status")
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default());
        }
    }
    bail!("no document for {app}")
}

fn completion_event(job: &str, app: &str) -> Result<SqsEvent> {
    Ok(serde_json::from_value(json!({ "Records": [{
        "messageId": unique("matrix-message"),
        "body": sns_envelope(json!({ "JobId": job, "Status": "SUCCEEDED", "JobTag": app })),
        "eventSource": "aws:sqs",
        "attributes": {},
        "messageAttributes": {},
    }]}))?)
}

/// The consumer's row: while DynamoDB or Textract fails, the completion is reported as a batch
/// item failure (SQS redelivers it) and the document stays `IN_PROGRESS`; the redelivery records
/// it once. While SQS fails, the event source's receive fails and is retried; the completion is
/// recorded once SQS is back.
async fn consumer_cells(w: &World, faulted: &FaultedApi, token: &str) -> Result<Vec<Cell>> {
    let mut cells = Vec::new();
    let sns = &faulted.proxies[&Dependency::Sns];
    for dependency in [Dependency::DynamoDb, Dependency::Textract, Dependency::Sns] {
        for fault in Fault::ALL {
            let (app, job) = started_document(w, faulted, token).await?;
            faulted.proxies[&dependency].arm(fault, u32::MAX);
            let first = consumer::handle_batch(&faulted.state, completion_event(&job, &app)?).await;
            faulted.disarm();
            let status_while_failing = document_status(w, &app).await?;
            let publishes = sns.calls("SNS.Publish");
            let redelivered =
                consumer::handle_batch(&faulted.state, completion_event(&job, &app)?).await;
            let republished = sns.calls("SNS.Publish") > publishes;
            let status = document_status(w, &app).await?;
            let mut outcome = format!(
                "batch item failure ({} of 1), document {status_while_failing}; \
                 redelivery: {} failures, document {status}",
                first.batch_item_failures.len(),
                redelivered.batch_item_failures.len()
            );
            let passed = if dependency == Dependency::Sns {
                // The document is recorded (with its audit event) before the publish; the
                // redelivery finds it done and publishes its event again.
                outcome.push_str(if republished {
                    ", published by the redelivery"
                } else {
                    ", nothing published: the event is lost"
                });
                first.batch_item_failures.len() == 1
                    && redelivered.batch_item_failures.is_empty()
                    && status == "SUCCEEDED"
                    && republished
            } else {
                first.batch_item_failures.len() == 1
                    && status_while_failing == "IN_PROGRESS"
                    && redelivered.batch_item_failures.is_empty()
                    && status == "SUCCEEDED"
            };
            cells.push(Cell {
                subject: "consumer".into(),
                dependency,
                fault,
                outcome,
                passed,
            });
        }
    }

    let sqs_proxy = &faulted.proxies[&Dependency::Sqs];
    let sdk = lendverify_local_stage::sdk_config(&sqs_proxy.url)
        .await
        .into_builder()
        .timeout_config(
            aws_sdk_sqs::config::timeout::TimeoutConfig::builder()
                .operation_attempt_timeout(SQS_ATTEMPT_TIMEOUT)
                .build(),
        )
        .build();
    let queue_name = unique("lendverify-fault-matrix-completions");
    let queue = w
        .sqs
        .create_queue()
        .queue_name(&queue_name)
        .send()
        .await?
        .queue_url
        .context("queue url")?;
    for fault in Fault::ALL {
        let (app, job) = started_document(w, faulted, token).await?;
        let stop = tokio_util::sync::CancellationToken::new();
        // Counted from before the loop starts: a slow receive arrives once and is held across
        // the whole window.
        let faulted_requests = sqs_proxy.requests();
        sqs_proxy.arm(fault, u32::MAX);
        let loop_task = tokio::spawn(lendverify_local_stage::queue::run(
            faulted.state.clone(),
            aws_sdk_sqs::Client::from_conf(
                aws_sdk_sqs::config::Builder::from(&sdk)
                    .retry_partition(own_retry_quota("sqs"))
                    .build(),
            ),
            queue.clone(),
            format!("arn:aws:sqs:{REGION}:123456789012:{queue_name}"),
            Some(REDELIVERY),
            stop.clone(),
        ));
        w.sqs
            .send_message()
            .queue_url(&queue)
            .message_body(sns_envelope(
                json!({ "JobId": job, "Status": "SUCCEEDED", "JobTag": app }),
            ))
            .send()
            .await?;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let status_while_failing = document_status(w, &app).await?;
        let attempts = sqs_proxy.requests() - faulted_requests;
        sqs_proxy.disarm();
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut status = document_status(w, &app).await?;
        while status != "SUCCEEDED" && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(200)).await;
            status = document_status(w, &app).await?;
        }
        // The document is stored before its message is deleted, and a receive that timed out
        // while SQS answered it leaves the message in flight until its visibility timeout: the
        // queue drains shortly after, not at the same instant.
        let left = w
            .wait_until_drained(&queue, Duration::from_secs(10))
            .await?;
        stop.cancel();
        let _ = loop_task.await;
        cells.push(Cell {
            subject: "consumer (event source)".into(),
            dependency: Dependency::Sqs,
            fault,
            outcome: format!(
                "receive failed and was retried ({attempts} requests in 2 s), document \
                 {status_while_failing}; once back: document {status}, queue holds {left}"
            ),
            passed: status_while_failing == "IN_PROGRESS"
                && attempts > 0
                && status == "SUCCEEDED"
                && left.is_empty(),
        });
    }
    Ok(cells)
}

/// Every AWS SDK a handler crate depends on is a dependency of the matrix (the error table's
/// services, and SQS for the event source), and each was faulted in at least one cell: a handler
/// that starts calling a new service fails here until the service is in the matrix.
fn every_service_is_faulted(cells: &[Cell]) -> Result<()> {
    let crate_of = |d: Dependency| match d {
        Dependency::Sqs => "aws-sdk-sqs",
        other => Service::ALL
            .into_iter()
            .find(|s| Dependency::of(*s) == other)
            .map_or("", Service::sdk_crate),
    };
    for handler_crate in ["core", "aws", "functions", "local-stage"] {
        let manifest = repo_root()
            .join("handlers")
            .join(handler_crate)
            .join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest)
            .with_context(|| format!("reading {}", manifest.display()))?;
        for line in text.lines() {
            let Some(sdk) = line
                .split(['.', ' ', '='])
                .next()
                .filter(|name| name.starts_with("aws-sdk-"))
            else {
                continue;
            };
            ensure!(
                Dependency::ALL.into_iter().any(|d| crate_of(d) == sdk),
                "handlers/{handler_crate} depends on {sdk}: put its service in the fault matrix"
            );
        }
    }
    for dependency in Dependency::ALL {
        ensure!(
            cells.iter().any(|c| c.dependency == dependency),
            "{} not called: no route, consumer or dispatcher cell faulted it",
            dependency.name()
        );
    }
    Ok(())
}

fn reviewers_group(w: &World) -> String {
    w.stage
        .outputs
        .handler_environment
        .get("REVIEWERS_GROUP")
        .cloned()
        .unwrap_or_else(|| "reviewers".to_string())
}

/// The dispatcher's rows: while DynamoDB (the delivery record's claim) or Secrets Manager (the
/// signing secret) fails, the event is reported as a batch item failure (SQS redelivers it) and
/// nothing reaches the endpoint; the redelivery delivers it exactly once.
async fn dispatcher_cells(faulted: &FaultedApi) -> Result<Vec<Cell>> {
    use lendverify_core::webhook::{DecisionEvent, DecisionEventType};
    let policy = dispatcher::DeliveryPolicy {
        delays: vec![Duration::from_millis(10)],
        budget: Duration::from_secs(10),
    };
    let mut cells = Vec::new();
    for dependency in [Dependency::DynamoDb, Dependency::SecretsManager] {
        for fault in Fault::ALL {
            let event = DecisionEvent::new(
                DecisionEventType::IdentityDecided,
                &unique("matrix-verification"),
                &unique("matrix-application"),
                time::OffsetDateTime::now_utc(),
                json!({ "decision": "APPROVED" }),
            );
            let record = || -> Result<SqsEvent> {
                Ok(serde_json::from_value(json!({ "Records": [{
                    "messageId": unique("matrix-decision-event"),
                    "body": serde_json::to_string(&event)?,
                    "eventSource": "aws:sqs",
                    "attributes": {},
                    "messageAttributes": {},
                }]}))?)
            };
            // A signing secret not read yet, as in a new container: the secret is cached once
            // read, and this cell must reach Secrets Manager.
            let mut state = faulted.state.clone();
            state.aws.signing_secret = lendverify_aws::webhooks::SigningSecret::new(
                faulted.secrets.clone(),
                state
                    .aws
                    .settings
                    .decision_events
                    .webhook_secret_arn
                    .clone(),
            );
            let secret_reads =
                faulted.proxies[&Dependency::SecretsManager].calls("SecretsManager.GetSecretValue");
            faulted.proxies[&dependency].arm(fault, u32::MAX);
            let started = Instant::now();
            let first = dispatcher::handle_batch_with(&state, record()?, &policy).await;
            faulted.disarm();
            let elapsed = started.elapsed();
            let posts_while_failing = faulted.receiver.posts(&event.id);
            let redelivered = dispatcher::handle_batch_with(&state, record()?, &policy).await;
            let posts = faulted.receiver.posts(&event.id);
            let read_secret = faulted.proxies[&Dependency::SecretsManager]
                .calls("SecretsManager.GetSecretValue")
                > secret_reads;
            let passed = first.batch_item_failures.len() == 1
                && posts_while_failing == 0
                && redelivered.batch_item_failures.is_empty()
                && posts == 1
                && read_secret;
            cells.push(Cell {
                subject: "dispatcher".into(),
                dependency,
                fault,
                outcome: format!(
                    "batch item failure ({} of 1), {posts_while_failing} POSTs; redelivery: {} \
                     failures, {posts} POST in all [{} ms]",
                    first.batch_item_failures.len(),
                    redelivered.batch_item_failures.len(),
                    elapsed.as_millis()
                ),
                passed,
            });
        }
    }
    Ok(cells)
}

fn print_table(cells: &[Cell]) {
    let width = |f: &dyn Fn(&Cell) -> usize| cells.iter().map(f).max().unwrap_or(0);
    let subject = width(&|c| c.subject.len()).max("route".len());
    let dependency = width(&|c| c.dependency.name().len()).max("dependency".len());
    let fault = width(&|c| c.fault.name().len()).max("fault".len());
    println!("\nfault matrix: route × dependency × fault → observed outcome");
    println!(
        "{:subject$}  {:dependency$}  {:fault$}  pass  outcome",
        "route", "dependency", "fault"
    );
    for c in cells {
        println!(
            "{:subject$}  {:dependency$}  {:fault$}  {}  {}",
            c.subject,
            c.dependency.name(),
            c.fault.name(),
            if c.passed { "ok  " } else { "FAIL" },
            c.outcome
        );
    }
    let passed = cells.iter().filter(|c| c.passed).count();
    println!("fault matrix: {passed} of {} cells passed\n", cells.len());
}
