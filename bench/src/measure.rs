//! One cold start, measured.
//!
//! - **init**: from just before `spawn` to the arrival of the first `GET .../invocation/next`
//!   (what a cold start adds before the first event: exec, configuration, SDK clients, runtime);
//! - **CPU to first idle**: user + system CPU of every thread (`/proc/<pid>/task/*/schedstat`, ns)
//!   once the process is blocked in that first `next`;
//! - **first invocation** (the function's one-call event), the **main event's first run** and a
//!   **warm invocation** of it: from handing the event out on `next` to the `POST .../response`,
//!   with the CPU the process used for it (until idle again) and the AWS calls the stub answered;
//! - **routes**: every route of the function, invoked warm once each;
//! - **peak RSS**: `VmHWM` of `/proc/<pid>/status` after all of that.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::fixture::Fixture;
use crate::runtime_api::{Call, Invocation, RuntimeApi};
use crate::scenarios::{self, Route, Scenario};
use crate::stub::Stub;

/// How a bench runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// The `bootstrap` binary every function runs.
    pub bootstrap: PathBuf,
    /// A different binary for some handlers (per-function builds), by handler name.
    pub binaries: BTreeMap<String, PathBuf>,
    /// Where each process's stdout and stderr (its JSON logs) go.
    pub log_dir: PathBuf,
    /// `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` as Lambda would set it (informational for the process).
    pub memory_mb: u32,
    /// Extra or overriding environment variables (for example `RUST_LOG`).
    pub env: Vec<(String, String)>,
    /// How long one step (init, an invocation) may take before the run fails.
    pub timeout: Duration,
}

impl Options {
    pub fn new(bootstrap: impl Into<PathBuf>, log_dir: impl Into<PathBuf>) -> Self {
        Self {
            bootstrap: bootstrap.into(),
            binaries: BTreeMap::new(),
            log_dir: log_dir.into(),
            memory_mb: 128,
            env: Vec::new(),
            timeout: Duration::from_secs(10),
        }
    }

    fn binary(&self, handler: &str) -> &Path {
        self.binaries.get(handler).unwrap_or(&self.bootstrap)
    }
}

#[derive(Debug)]
pub enum BenchError {
    Io(std::io::Error),
    /// The function misbehaved: it exited, timed out, reported an error or answered wrongly.
    Function {
        handler: String,
        message: String,
    },
}

impl std::fmt::Display for BenchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BenchError::Io(e) => write!(f, "{e}"),
            BenchError::Function { handler, message } => write!(f, "{handler}: {message}"),
        }
    }
}

impl std::error::Error for BenchError {}

impl From<std::io::Error> for BenchError {
    fn from(e: std::io::Error) -> Self {
        BenchError::Io(e)
    }
}

/// One invocation.
#[derive(Clone, Debug)]
pub struct Invoke {
    pub route: String,
    /// Event handed out to response posted.
    pub wall: Duration,
    /// CPU the process used from the event to idle again.
    pub cpu: Duration,
    /// The AWS operations the stub answered, in order.
    pub aws_calls: Vec<String>,
}

/// One cold start.
#[derive(Clone, Debug)]
pub struct ColdStart {
    pub handler: String,
    pub init: Duration,
    pub init_cpu: Duration,
    /// The first invocation: the function's one-call event.
    pub first: Invoke,
    /// The main event's first run in the process (`first` itself when that is the one-call event):
    /// what building the rest of its SDK clients and connections adds.
    pub first_primary: Invoke,
    /// The main event again, warm.
    pub warm: Invoke,
    /// Every route, warm.
    pub routes: Vec<Invoke>,
    pub peak_rss_kib: u64,
}

/// The servers a bench needs, started once and shared by every cold start.
pub struct Bench {
    pub options: Options,
    pub fixture: Fixture,
    runtime: RuntimeApi,
    stub: Stub,
    request_seq: u64,
}

/// The environment Lambda gives a `provided.al2023` function (documented reserved variables),
/// plus the stack's configuration as Terraform sets it (`handler_environment`).
pub fn lambda_environment(
    handler: &str,
    memory_mb: u32,
    runtime_api: &str,
    aws_endpoint: &str,
    fixture: &Fixture,
) -> Vec<(String, String)> {
    let region = fixture.region;
    let vars = [
        ("_HANDLER", handler.to_string()),
        ("AWS_LAMBDA_RUNTIME_API", runtime_api.to_string()),
        ("AWS_REGION", region.to_string()),
        ("AWS_DEFAULT_REGION", region.to_string()),
        ("AWS_LAMBDA_FUNCTION_NAME", format!("lendverify-bench-{handler}")),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", memory_mb.to_string()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".into()),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand".into()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/lendverify-bench-{handler}")),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/27/[$LATEST]0123456789abcdef".into()),
        ("AWS_ACCESS_KEY_ID", "ASIABENCHBENCHBENCH0".into()),
        ("AWS_SECRET_ACCESS_KEY", "bench/secret/access/key/bench/secret/key0".into()),
        ("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2VjEBenchSessionToken".into()),
        ("AWS_XRAY_CONTEXT_MISSING", "LOG_ERROR".into()),
        ("AWS_XRAY_DAEMON_ADDRESS", "169.254.79.129:2000".into()),
        ("LAMBDA_TASK_ROOT", "/var/task".into()),
        ("LAMBDA_RUNTIME_DIR", "/var/runtime".into()),
        ("LANG", "en_US.UTF-8".into()),
        ("TZ", ":UTC".into()),
        ("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin".into()),
        ("LD_LIBRARY_PATH", "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib".into()),
        // The stack's configuration (modules/stateful handler_environment).
        ("APPLICATIONS_TABLE", "bench-applications".into()),
        ("AUDIT_TABLE", crate::stub::AUDIT_TABLE.into()),
        ("UPLOADS_BUCKET", fixture.uploads_bucket.into()),
        ("BIOMETRICS_BUCKET", fixture.biometrics_bucket.into()),
        ("TEXTRACT_OUTPUT_BUCKET", "bench-textract-output".into()),
        ("EVIDENCE_BUCKET", "bench-evidence".into()),
        ("KMS_KEY_ARN", "arn:aws:kms:us-east-1:123456789012:key/0b9c4b7e-3f1a-4d2b-9c8e-1a2b3c4d5e6f".into()),
        ("LENDING_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:bench-lending".into()),
        ("TEXTRACT_PUBLISH_ROLE_ARN", "arn:aws:iam::123456789012:role/bench-textract-publish".into()),
        ("LIVENESS_PASS_THRESHOLD", "90".into()),
        ("LIVENESS_REVIEW_BAND", "10".into()),
        ("FACE_SIMILARITY_THRESHOLD", "99".into()),
        ("FACE_SIMILARITY_REVIEW_BAND", "4".into()),
        ("MIN_EXTRACTION_CONFIDENCE", "90".into()),
        ("MINIMUM_AGE", "18".into()),
        ("LIVENESS_AUDIT_IMAGES_LIMIT", "4".into()),
        ("UPLOAD_URL_TTL_SECONDS", "300".into()),
        ("REQUIRED_DOCUMENTS", "URLA_1003,PROOF_OF_INCOME,BANK_STATEMENT,IDENTITY_DOCUMENT".into()),
        ("ALLOWED_ORIGIN", "https://app.example.com".into()),
        // The local stub instead of AWS; the SDK reads both itself.
        ("DECISION_EVENTS_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:bench-decision-events".into()),
        ("WEBHOOK_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-webhook-AbCdEf".into()),
        // The dispatcher's one lender endpoint is the stub too (stub.rs, WEBHOOK_PATH).
        ("WEBHOOK_ENDPOINTS", format!(r#"[{{"name":"bench-lender","url":"{aws_endpoint}{}"}}]"#, crate::stub::WEBHOOK_PATH)),
        ("AWS_ENDPOINT_URL", aws_endpoint.to_string()),
        ("S3_FORCE_PATH_STYLE", "true".into()),
    ];
    vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// CPU time of every thread of `pid`, from the scheduler's own accounting (nanoseconds).
pub fn cpu_time(pid: u32) -> std::io::Result<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let path = task?.path().join("schedstat");
        // A thread may exit between the listing and the read.
        if let Ok(text) = std::fs::read_to_string(path) {
            total += text
                .split_whitespace()
                .next()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    Ok(Duration::from_nanos(total))
}

/// `VmHWM` (peak resident set) of `pid`, in KiB.
pub fn peak_rss_kib(pid: u32) -> std::io::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    Ok(status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0))
}

/// Waits until the process has used no CPU for 2 ms (it is blocked, waiting for its next event),
/// and returns its CPU time then.
async fn cpu_when_idle(pid: u32) -> std::io::Result<Duration> {
    let mut last = cpu_time(pid)?;
    for _ in 0..250 {
        tokio::time::sleep(Duration::from_millis(2)).await;
        let now = cpu_time(pid)?;
        if now == last {
            return Ok(now);
        }
        last = now;
    }
    Ok(last)
}

/// The running process; killed when dropped, so a failed run leaves nothing behind.
struct Process {
    child: Child,
    log: PathBuf,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Process {
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let start = text.len().saturating_sub(1500);
        let start = (start..text.len())
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(text.len());
        format!("log {}: {}", self.log.display(), &text[start..])
    }
}

impl Bench {
    pub async fn start(mut options: Options) -> std::io::Result<Self> {
        std::fs::create_dir_all(&options.log_dir)?;
        // The process runs in the log directory, so relative paths would name the wrong files.
        options.log_dir = std::fs::canonicalize(&options.log_dir)?;
        options.bootstrap = std::fs::canonicalize(&options.bootstrap)?;
        for path in options.binaries.values_mut() {
            *path = std::fs::canonicalize(&*path)?;
        }
        let fixture = Fixture::default();
        Ok(Self {
            options,
            runtime: RuntimeApi::start().await?,
            stub: Stub::start(fixture.clone()).await?,
            fixture,
            request_seq: 0,
        })
    }

    pub fn scenarios(&self) -> Vec<Scenario> {
        scenarios::all(&self.fixture)
    }

    fn fail(handler: &str, message: impl Into<String>) -> BenchError {
        BenchError::Function {
            handler: handler.to_string(),
            message: message.into(),
        }
    }

    /// Waits for the process's next call, failing if it exits or takes too long.
    async fn next_call(
        &mut self,
        handler: &str,
        process: &mut Process,
    ) -> Result<Call, BenchError> {
        let deadline = Instant::now() + self.options.timeout;
        loop {
            let wait = tokio::time::timeout(Duration::from_millis(50), self.runtime.calls.recv());
            match wait.await {
                Ok(Some(call)) => return Ok(call),
                Ok(None) => return Err(Self::fail(handler, "runtime API stopped")),
                Err(_) => {
                    if let Some(status) = process.child.try_wait()? {
                        return Err(Self::fail(
                            handler,
                            format!("exited with {status}; {}", process.log_tail()),
                        ));
                    }
                    if Instant::now() > deadline {
                        return Err(Self::fail(
                            handler,
                            format!(
                                "no call within {:?}; {}",
                                self.options.timeout,
                                process.log_tail()
                            ),
                        ));
                    }
                }
            }
        }
    }

    async fn expect_next(
        &mut self,
        handler: &str,
        process: &mut Process,
    ) -> Result<(Instant, tokio::sync::oneshot::Sender<Invocation>), BenchError> {
        match self.next_call(handler, process).await? {
            Call::Next { at, deliver } => Ok((at, deliver)),
            Call::Error { path, body } => Err(Self::fail(
                handler,
                format!(
                    "reported an error at {path}: {}",
                    String::from_utf8_lossy(&body)
                ),
            )),
            Call::Response { .. } => Err(Self::fail(handler, "answered an event it was not given")),
        }
    }

    /// Hands `route`'s event to the pending `next` and measures the invocation; returns the next
    /// pending `next`.
    async fn invoke(
        &mut self,
        handler: &str,
        process: &mut Process,
        deliver: tokio::sync::oneshot::Sender<Invocation>,
        route: &Route,
    ) -> Result<(Invoke, tokio::sync::oneshot::Sender<Invocation>), BenchError> {
        let pid = process.child.id();
        self.request_seq += 1;
        let request_id = format!("8476a536-e9f4-11e8-9739-{:012x}", self.request_seq);
        let payload = serde_json::to_vec(&route.event).expect("event JSON");
        self.stub.take_calls();
        let cpu_before = cpu_time(pid)?;
        let delivered = Instant::now();
        deliver
            .send(Invocation {
                request_id: request_id.clone(),
                payload,
            })
            .map_err(|_| Self::fail(handler, "closed its next request"))?;
        let (answered, body) = match self.next_call(handler, process).await? {
            Call::Response {
                at,
                request_id: id,
                body,
            } if id == request_id => (at, body),
            Call::Response { request_id: id, .. } => {
                return Err(Self::fail(
                    handler,
                    format!("answered request {id}, not {request_id}"),
                ))
            }
            Call::Error { path, body } => {
                return Err(Self::fail(
                    handler,
                    format!(
                        "{}: error at {path}: {}",
                        route.name,
                        String::from_utf8_lossy(&body)
                    ),
                ))
            }
            Call::Next { .. } => {
                return Err(Self::fail(handler, "asked for an event without answering"))
            }
        };
        scenarios::check(route.expect, &body)
            .map_err(|e| Self::fail(handler, format!("{}: {e}", route.name)))?;
        let (_, next) = self.expect_next(handler, process).await?;
        let cpu_after = cpu_when_idle(pid).await?;
        Ok((
            Invoke {
                route: route.name.clone(),
                wall: answered.saturating_duration_since(delivered),
                cpu: cpu_after.saturating_sub(cpu_before),
                aws_calls: self.stub.take_calls(),
            },
            next,
        ))
    }

    /// One cold start of `scenario`'s function: init, the first invocation, a warm one, and (with
    /// `all_routes`) every route once more, warm.
    pub async fn cold_start(
        &mut self,
        scenario: &Scenario,
        all_routes: bool,
    ) -> Result<ColdStart, BenchError> {
        let handler = scenario.handler;
        self.runtime.drain();
        self.stub.take_calls();
        let log = self.options.log_dir.join(format!("{handler}.log"));
        let out = File::create(&log)?;
        let env = lambda_environment(
            handler,
            self.options.memory_mb,
            &self.runtime.endpoint(),
            &self.stub.url(),
            &self.fixture,
        );
        let mut command = Command::new(self.options.binary(handler));
        command
            .env_clear()
            .envs(env)
            .envs(self.options.env.iter().cloned())
            .current_dir(&self.options.log_dir)
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out);
        let spawned = Instant::now();
        let child = command.spawn()?;
        let mut process = Process { child, log };
        let pid = process.child.id();

        let (at, deliver) = self.expect_next(handler, &mut process).await?;
        let init = at.saturating_duration_since(spawned);
        let init_cpu = cpu_when_idle(pid).await?;

        let primary = scenario.primary();
        let (first, deliver) = self
            .invoke(handler, &mut process, deliver, scenario.first_event())
            .await?;
        let (first_primary, deliver) = if scenario.one_call.is_some() {
            self.invoke(handler, &mut process, deliver, primary).await?
        } else {
            (first.clone(), deliver)
        };
        let (warm, mut deliver) = self.invoke(handler, &mut process, deliver, primary).await?;
        let mut routes = Vec::new();
        if all_routes {
            for route in &scenario.routes {
                let (invoke, next) = self.invoke(handler, &mut process, deliver, route).await?;
                routes.push(invoke);
                deliver = next;
            }
        }
        let peak_rss_kib = peak_rss_kib(pid)?;
        drop(deliver);
        drop(process);
        Ok(ColdStart {
            handler: handler.to_string(),
            init,
            init_cpu,
            first,
            first_primary,
            warm,
            routes,
            peak_rss_kib,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_and_rss_of_this_process() {
        let pid = std::process::id();
        let cpu = cpu_time(pid).unwrap();
        assert!(cpu > Duration::ZERO);
        assert!(peak_rss_kib(pid).unwrap() > 100);
    }

    #[test]
    fn the_environment_is_lambdas_plus_the_stacks() {
        let env = lambda_environment(
            "applications",
            128,
            "127.0.0.1:9001",
            "http://127.0.0.1:9002",
            &Fixture::default(),
        );
        let get = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        assert_eq!(get("_HANDLER"), Some("applications"));
        assert_eq!(get("AWS_LAMBDA_RUNTIME_API"), Some("127.0.0.1:9001"));
        assert_eq!(get("AWS_ENDPOINT_URL"), Some("http://127.0.0.1:9002"));
        assert_eq!(get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), Some("128"));
        assert!(
            get("HOME").is_none(),
            "Lambda sets no HOME; neither does the bench"
        );
        assert!(
            get("RUST_LOG").is_none(),
            "the functions log at their deployed level (info)"
        );
    }
}
