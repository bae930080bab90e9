//! Support for the end-to-end tests: the running stage, an authenticated API client, generated
//! fixtures (ID images, lending PDFs), the emulator's control API, and direct reads of moto to
//! prove what was (and was not) written.

pub mod fault_proxy;
pub mod fault_stage;
pub mod fixtures;
pub mod webhooks;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context};
use aws_sdk_dynamodb::types::AttributeValue;
use lendverify_local_stage::{LocalStage, Options};
use serde_json::{json, Value};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What a queue holds, as SQS approximates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueDepth {
    pub visible: u64,
    pub in_flight: u64,
}

impl QueueDepth {
    pub fn is_empty(&self) -> bool {
        self.visible == 0 && self.in_flight == 0
    }
}

impl std::fmt::Display for QueueDepth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} visible + {} in flight", self.visible, self.in_flight)
    }
}

/// Names the lock file that lets the end-to-end binaries run side by side (`make rust-test`,
/// scripts/cargo-test.sh): their stages start at the same time, since a start is mostly
/// `terraform apply` waiting out the AWS provider's propagation checks, while their scenarios
/// still run one binary at a time, as with `cargo test` alone (timing-sensitive scenarios never
/// share the CPU with another binary's).
pub const TURN_LOCK_VARIABLE: &str = "LENDVERIFY_E2E_TURN_LOCK";

/// Once this binary's stage is up: waits until no other end-to-end binary is running scenarios,
/// then holds the turn until this process exits (the kernel releases the lock with the file, also
/// when a binary crashes). Without [`TURN_LOCK_VARIABLE`] (plain `cargo test`, which runs the
/// binaries one after another anyway) it returns at once.
pub fn wait_for_turn() -> anyhow::Result<()> {
    use std::os::fd::AsRawFd;
    static TURN: std::sync::OnceLock<std::fs::File> = std::sync::OnceLock::new();
    let Some(path) = std::env::var_os(TURN_LOCK_VARIABLE).map(PathBuf::from) else {
        return Ok(());
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening the turn lock {}", path.display()))?;
    let waiting = Instant::now();
    // std's File::lock needs Rust 1.89; the workspace supports 1.85.
    // SAFETY: flock on a descriptor this function owns and keeps open in TURN.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("locking {}", path.display()));
    }
    eprintln!(
        "stage up; waited {:.1?} for the other end-to-end binaries' scenarios",
        waiting.elapsed()
    );
    let _ = TURN.set(file);
    Ok(())
}

/// The local stage plus direct clients of moto.
pub struct World {
    pub stage: LocalStage,
    pub http: reqwest::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub sqs: aws_sdk_sqs::Client,
}

impl World {
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(|_| {}).await
    }

    /// [`World::start`] with the stage's options adjusted first (a suite's own webhook receiver,
    /// faster retries).
    pub async fn start_with(configure: impl FnOnce(&mut Options)) -> anyhow::Result<Self> {
        // The handlers' own logs, as CloudWatch would have them, when asked for (RUST_LOG=info).
        if std::env::var_os("RUST_LOG").is_some() {
            lendverify_functions::init_tracing();
        }
        let root = repo_root().canonicalize()?;
        let mut options = Options::for_repo(root.clone());
        let work = std::env::temp_dir().join(format!("lendverify-e2e-{}", std::process::id()));
        options.work_dir = work;
        configure(&mut options);
        let stage = LocalStage::start(options).await?;
        wait_for_turn()?;
        let sdk = lendverify_local_stage::sdk_config(&stage.moto_url).await;
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        );
        Ok(Self {
            http: reqwest::Client::new(),
            dynamodb: aws_sdk_dynamodb::Client::new(&sdk),
            sqs: aws_sdk_sqs::Client::new(&sdk),
            s3,
            stage,
        })
    }

    pub fn env(&self, name: &str) -> String {
        self.stage
            .outputs
            .handler_environment
            .get(name)
            .cloned()
            .unwrap_or_default()
    }

    /// An ID token for a (new or existing) user, from moto's Cognito, via the same script
    /// `make token` runs.
    pub async fn token(&self, user: &str) -> anyhow::Result<String> {
        self.token_in_group(user, None).await
    }

    /// An ID token of `user`, first added to `group` when one is given (moto's Cognito then puts
    /// `cognito:groups` in the token, as Cognito does).
    pub async fn token_in_group(&self, user: &str, group: Option<&str>) -> anyhow::Result<String> {
        let python = repo_root().join(".tools/venv/bin/python");
        let mut command = tokio::process::Command::new(python);
        command
            .arg(repo_root().join("scripts/local_token.py"))
            .args(["--user", user, "--moto", &self.stage.moto_url])
            .args(["--pool", &self.stage.outputs.user_pool_id])
            .args(["--client", &self.stage.outputs.user_pool_client_id]);
        if let Some(group) = group {
            command.args(["--group", group]);
        }
        let out = command.output().await?;
        ensure!(
            out.status.success(),
            "local_token.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(String::from_utf8(out.stdout)?.trim().to_string())
    }

    pub async fn user(&self, name: &str) -> anyhow::Result<Api<'_>> {
        Ok(Api {
            world: self,
            token: Some(self.token(&format!("{name}@example.com")).await?),
            base: None,
        })
    }

    /// A member of the reviewers group (`REVIEWERS_GROUP` of the handler environment).
    pub async fn reviewer(&self, name: &str) -> anyhow::Result<Api<'_>> {
        let group = self
            .stage
            .outputs
            .handler_environment
            .get("REVIEWERS_GROUP")
            .cloned()
            .unwrap_or_else(|| "reviewers".to_string());
        Ok(Api {
            world: self,
            token: Some(
                self.token_in_group(&format!("{name}@example.com"), Some(&group))
                    .await?,
            ),
            base: None,
        })
    }

    pub fn anonymous(&self) -> Api<'_> {
        Api {
            world: self,
            token: None,
            base: None,
        }
    }

    /// The emulator's control API (simulates the browser's liveness stream, injects faults).
    pub async fn emulator(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        let response = self
            .http
            .post(format!("{}{path}", self.stage.emulator_url))
            .json(&body)
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        ensure!(status.is_success(), "emulator {path}: {status} {text}");
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn clear_faults(&self) -> anyhow::Result<()> {
        self.http
            .delete(format!("{}/_emulator/faults", self.stage.emulator_url))
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    /// Counts of calls per operation the emulator received.
    pub async fn emulator_calls(&self) -> anyhow::Result<Value> {
        Ok(self
            .http
            .get(format!("{}/_emulator/calls", self.stage.emulator_url))
            .send()
            .await?
            .json()
            .await?)
    }

    /// The (pk, sk) of every item in the table, all pages.
    async fn all_keys(&self) -> anyhow::Result<Vec<(String, String)>> {
        let items = self
            .dynamodb
            .scan()
            .table_name(self.env("APPLICATIONS_TABLE"))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await?;
        let text = |item: &std::collections::HashMap<String, AttributeValue>, name: &str| {
            item.get(name)
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default()
        };
        Ok(items
            .iter()
            .map(|item| (text(item, "pk"), text(item, "sk")))
            .collect())
    }

    /// Every DynamoDB item whose key mentions the application (its partition, its erasure record).
    pub async fn items_of(&self, application_id: &str) -> anyhow::Result<Vec<(String, String)>> {
        let mut keys: Vec<_> = self
            .all_keys()
            .await?
            .into_iter()
            .filter(|(pk, _)| pk.contains(application_id))
            .collect();
        keys.sort();
        Ok(keys)
    }

    /// The number of items in the whole table (for "nothing was written").
    pub async fn item_count(&self) -> anyhow::Result<usize> {
        Ok(self.all_keys().await?.len())
    }

    /// One item, raw.
    pub async fn item(
        &self,
        pk: &str,
        sk: &str,
    ) -> anyhow::Result<Option<std::collections::HashMap<String, AttributeValue>>> {
        Ok(self
            .dynamodb
            .get_item()
            .table_name(self.env("APPLICATIONS_TABLE"))
            .key("pk", AttributeValue::S(pk.into()))
            .key("sk", AttributeValue::S(sk.into()))
            .send()
            .await?
            .item)
    }

    /// Every object version (and delete marker) under the application's prefix, in all buckets.
    pub async fn objects_of(&self, application_id: &str) -> anyhow::Result<Vec<String>> {
        let mut found = Vec::new();
        for bucket in [
            "UPLOADS_BUCKET",
            "BIOMETRICS_BUCKET",
            "TEXTRACT_OUTPUT_BUCKET",
        ] {
            let bucket = self.env(bucket);
            let out = self
                .s3
                .list_object_versions()
                .bucket(&bucket)
                .prefix(format!("applications/{application_id}/"))
                .send()
                .await?;
            for v in out.versions() {
                found.push(format!("{bucket}/{}", v.key().unwrap_or_default()));
            }
            for m in out.delete_markers() {
                found.push(format!(
                    "{bucket}/{} (delete marker)",
                    m.key().unwrap_or_default()
                ));
            }
        }
        Ok(found)
    }

    /// Waits until the lending queue is empty and nothing is in flight.
    /// Waits until the lending queue holds nothing, visible or in flight.
    pub async fn queue_drained(&self) -> anyhow::Result<()> {
        let within = Duration::from_secs(30);
        let left = self
            .wait_until_drained(&self.stage.outputs.queue_url, within)
            .await?;
        ensure!(
            left.is_empty(),
            "the lending queue still holds {left} after {within:?}"
        );
        Ok(())
    }

    /// Waits up to `within` until `queue_url` holds nothing, visible or in flight (a message is
    /// in flight from its receive until its delete, or until its visibility timeout sends it
    /// back), and answers what it held last.
    pub async fn wait_until_drained(
        &self,
        queue_url: &str,
        within: Duration,
    ) -> anyhow::Result<QueueDepth> {
        use aws_sdk_sqs::types::QueueAttributeName as Q;
        let deadline = Instant::now() + within;
        loop {
            let attrs = self
                .sqs
                .get_queue_attributes()
                .queue_url(queue_url)
                .attribute_names(Q::All)
                .send()
                .await?;
            let get = |name: Q| {
                attrs
                    .attributes()
                    .and_then(|a| a.get(&name))
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            let depth = QueueDepth {
                visible: get(Q::ApproximateNumberOfMessages),
                in_flight: get(Q::ApproximateNumberOfMessagesNotVisible),
            };
            if depth.is_empty() || Instant::now() > deadline {
                return Ok(depth);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn stop(self) {
        self.stage.stop().await;
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub retry_after: Option<String>,
    pub body: Value,
}

impl Answer {
    pub fn expect(self, status: u16) -> anyhow::Result<Value> {
        ensure!(
            self.status == status,
            "expected {status}, got {} {}",
            self.status,
            self.body
        );
        Ok(self.body)
    }

    /// A problem+json answer with this status.
    pub fn expect_problem(self, status: u16) -> anyhow::Result<Value> {
        ensure!(
            self.content_type.starts_with("application/problem+json"),
            "expected problem+json, got '{}' ({} {})",
            self.content_type,
            self.status,
            self.body
        );
        ensure!(
            self.body["status"] == status,
            "problem body status: {}",
            self.body
        );
        self.expect(status)
    }
}

/// The API as one user (or nobody) calls it.
pub struct Api<'w> {
    pub world: &'w World,
    token: Option<String>,
    /// Another API over the same stage (the error walk's fault stage); the stage's own when unset.
    base: Option<String>,
}

impl Api<'_> {
    /// The same user, calling the API at `url` instead.
    pub fn via(mut self, url: &str) -> Self {
        self.base = Some(url.to_string());
        self
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
        headers: &[(&str, &str)],
    ) -> anyhow::Result<Answer> {
        let mut request = self.world.http.request(
            method,
            format!(
                "{}{path}",
                self.base.as_deref().unwrap_or(&self.world.stage.api_url)
            ),
        );
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some((content_type, bytes)) = body {
            request = request.header("content-type", content_type).body(bytes);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type").unwrap_or_default();
        let retry_after = header("retry-after");
        let text = response.text().await?;
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).with_context(|| format!("{status}: not JSON: {text}"))?
        };
        Ok(Answer {
            status,
            content_type,
            retry_after,
            body,
        })
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<Answer> {
        self.send(reqwest::Method::GET, path, None, &[]).await
    }

    pub async fn delete(&self, path: &str) -> anyhow::Result<Answer> {
        self.send(reqwest::Method::DELETE, path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: Value) -> anyhow::Result<Answer> {
        self.send(
            reqwest::Method::POST,
            path,
            Some(("application/json", body.to_string().into_bytes())),
            &[],
        )
        .await
    }

    /// Creates an application and records the applicant's consent to biometric processing, as
    /// the web app does (a liveness session needs it).
    pub async fn create_application(&self, applicant: Value) -> anyhow::Result<String> {
        let body = self
            .post("/applications", json!({ "applicant": applicant }))
            .await?
            .expect(201)?;
        let id = body["applicationId"]
            .as_str()
            .context("applicationId")?
            .to_string();
        self.give_consent(&id).await?;
        Ok(id)
    }

    /// `PUT /applications/{id}/consent` with the web app's policy version.
    pub async fn give_consent(&self, app: &str) -> anyhow::Result<Value> {
        self.send(
            reqwest::Method::PUT,
            &format!("/applications/{app}/consent"),
            Some((
                "application/json",
                json!({ "policyVersion": "biometric-2026-11" })
                    .to_string()
                    .into_bytes(),
            )),
            &[],
        )
        .await?
        .expect(200)
    }

    /// Creates a liveness session and has the emulator complete it as the browser would.
    pub async fn pass_liveness(
        &self,
        app: &str,
        face: &str,
        confidence: f64,
    ) -> anyhow::Result<Value> {
        let session = self
            .post(&format!("/applications/{app}/liveness-sessions"), json!({}))
            .await?
            .expect(201)?;
        let session_id = session["sessionId"]
            .as_str()
            .context("sessionId")?
            .to_string();
        self.world
            .emulator(
                &format!("/_emulator/liveness-sessions/{session_id}/complete"),
                json!({ "confidence": confidence, "face": face }),
            )
            .await?;
        self.get(&format!(
            "/applications/{app}/liveness-sessions/{session_id}"
        ))
        .await?
        .expect(200)
    }

    /// Asks for an upload URL and PUTs the bytes to it with the signed headers.
    pub async fn upload(
        &self,
        app: &str,
        purpose: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> anyhow::Result<String> {
        let grant = self
            .post(
                &format!("/applications/{app}/uploads"),
                json!({ "purpose": purpose, "contentType": content_type, "contentLength": bytes.len() }),
            )
            .await?
            .expect(201)?;
        let mut put = self.world.http.put(grant["url"].as_str().context("url")?);
        for (name, value) in grant["headers"].as_object().context("headers")? {
            // reqwest derives content-length from the body itself.
            if !name.eq_ignore_ascii_case("content-length") {
                put = put.header(name.as_str(), value.as_str().unwrap_or_default());
            }
        }
        let response = put.body(bytes).send().await?;
        ensure!(
            response.status().is_success(),
            "presigned PUT: {} {}",
            response.status(),
            response.text().await?
        );
        Ok(grant["uploadId"].as_str().context("uploadId")?.to_string())
    }

    /// Polls a document until Textract's completion went through SNS → SQS → the consumer.
    pub async fn wait_for_document(&self, app: &str, document: &str) -> anyhow::Result<Value> {
        let deadline = Instant::now() + Duration::from_secs(45);
        loop {
            let body = self
                .get(&format!("/applications/{app}/documents/{document}"))
                .await?
                .expect(200)?;
            if body["status"] != "IN_PROGRESS" {
                return Ok(body);
            }
            if Instant::now() > deadline {
                bail!("document {document} still IN_PROGRESS after 45 s");
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}
