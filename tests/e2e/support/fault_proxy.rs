//! A fault-injecting HTTP proxy in front of moto (DynamoDB, S3, SQS) or the emulator
//! (Rekognition, Textract). It forwards every request unchanged unless a fault is armed, and
//! answers an error itself exactly as the service puts it on the wire (AWS JSON `__type` for the
//! services called with `X-Amz-Target`, REST-XML `<Error><Code>` for S3), so the SDK's own
//! deserializer and retry classifier run on it. Two kinds of fault:
//!
//! - **a dependency's availability** (the fault matrix, `resilience.rs`), for every request
//!   through the proxy: [`Fault::Throttle`] (the service's own throttling error),
//!   [`Fault::ServerError`] (its 500), [`Fault::Slow`] (the answer held past the SDK's attempt
//!   timeout, then forwarded) and [`Fault::Reset`] (a TCP reset, RST with `SO_LINGER` 0, once
//!   the request has arrived). The matrix runs one proxy per dependency, so a fault is scoped
//!   to one service;
//! - **one modelled error of one operation** (the error table walk, `error_walk.rs`):
//!   [`FaultProxy::inject`] makes the next requests of `DynamoDB.PutItem` or `S3.GetObject`
//!   fail with a given code, like the emulator's control API. moto produces some errors
//!   naturally (a missing object, a failed condition) but cannot be told to throttle or to
//!   answer an arbitrary modelled error.
//!
//! A reset must happen below HTTP, which is why this is a small proxy of the project's rather
//! than Toxiproxy: Toxiproxy works on TCP only (it can delay or reset, not answer a
//! `ThrottlingException`), and the throttling and 5xx faults need the service's wire format.
//! Every answer carries `Connection: close`, so each SDK request opens a new connection and an
//! armed reset meets the very next request, not a pooled connection's.
//!
//! Operations are recognised the way the services route them: by `X-Amz-Target` (DynamoDB's
//! `DynamoDB_20120810.GetItem` is `DynamoDB.GetItem`, Secrets Manager's
//! `secretsmanager.GetSecretValue` is `SecretsManager.GetSecretValue`), SNS (AWS Query) by the
//! `Action` of its form body (`SNS.Publish`), and S3 (path-style) by method, key and
//! sub-resource (`?versions`, `?delete`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::response::Response;
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};

/// How a dependency fails, for every request through its proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Throttle,
    ServerError,
    Slow,
    Reset,
}

impl Fault {
    pub const ALL: [Fault; 4] = [
        Fault::Throttle,
        Fault::ServerError,
        Fault::Slow,
        Fault::Reset,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Fault::Throttle => "throttling",
            Fault::ServerError => "5xx",
            Fault::Slow => "slow (past timeout)",
            Fault::Reset => "connection reset",
        }
    }

    /// The error code the service answers this fault with, if it is an error answer.
    fn code(self, wire: Wire) -> Option<&'static str> {
        match (self, wire) {
            (Fault::Throttle, Wire::AwsJson) => Some("ThrottlingException"),
            (Fault::Throttle, Wire::RestXml) => Some("SlowDown"),
            (Fault::Throttle, Wire::AwsQuery) => Some("Throttling"),
            (Fault::ServerError, Wire::AwsJson) => Some("InternalServerError"),
            (Fault::ServerError, Wire::RestXml | Wire::AwsQuery) => Some("InternalError"),
            (Fault::Slow | Fault::Reset, _) => None,
        }
    }
}

/// How the service writes an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wire {
    /// AWS JSON 1.0/1.1 (DynamoDB, SQS, Rekognition, Textract): `{"__type": "..."}`.
    AwsJson,
    /// REST-XML (S3): `<Error><Code>`.
    RestXml,
    /// AWS Query (SNS): a form-encoded POST, answered `<ErrorResponse><Error><Code>`.
    AwsQuery,
}

impl Wire {
    fn of(headers: &http::HeaderMap) -> Wire {
        let form = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
        if headers.contains_key("x-amz-target") {
            Wire::AwsJson
        } else if form {
            Wire::AwsQuery
        } else {
            Wire::RestXml
        }
    }
}

/// The HTTP status the service answers an error code with.
pub fn status_of(code: &str) -> u16 {
    match code {
        "InternalServerError" | "InternalFailure" | "InternalError" | "InternalServiceError" => 500,
        "ServiceUnavailable" | "ServiceUnavailableException" | "SlowDown" => 503,
        "NoSuchKey" | "NoSuchBucket" => 404,
        "InvalidRange" => 416,
        c if c.starts_with("AccessDenied") || c == "InvalidObjectState" => 403,
        "SignatureDoesNotMatch" | "InvalidAccessKeyId" => 403,
        _ => 400,
    }
}

/// An armed availability fault.
struct Armed {
    fault: Fault,
    remaining: u32,
}

/// An injected modelled error of one operation.
#[derive(Clone, Debug)]
struct Modelled {
    code: String,
    remaining: u32,
    /// Members merged into an AWS JSON error body (e.g. DynamoDB's `CancellationReasons`).
    extra: Value,
}

#[derive(Default)]
struct Faults {
    armed: Option<Armed>,
    modelled: HashMap<String, Modelled>,
    requests: u64,
    calls: HashMap<String, u64>,
}

struct Shared {
    upstream: String,
    slow_for: Duration,
    http: reqwest::Client,
    faults: Mutex<Faults>,
}

impl Shared {
    /// Takes one use of the armed availability fault, if it is `want` (or any, when `want` is
    /// `None`).
    fn take(&self, want: Option<Fault>) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap();
        let armed = faults.armed.as_mut()?;
        if want.is_some_and(|w| w != armed.fault) || armed.remaining == 0 {
            return None;
        }
        armed.remaining -= 1;
        Some(armed.fault)
    }

    /// Counts the request (and its operation) and takes one use of the operation's injected
    /// error, if any.
    fn count(&self, operation: Option<&str>) -> Option<Modelled> {
        let mut faults = self.faults.lock().unwrap();
        faults.requests += 1;
        let operation = operation?;
        *faults.calls.entry(operation.to_string()).or_default() += 1;
        let modelled = faults.modelled.get_mut(operation)?;
        if modelled.remaining == 0 {
            return None;
        }
        modelled.remaining -= 1;
        Some(modelled.clone())
    }
}

pub struct FaultProxy {
    pub url: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Accepts connections, resetting them while a `Reset` is armed.
struct ResettingListener {
    inner: TcpListener,
    shared: Arc<Shared>,
}

impl axum::serve::Listener for ResettingListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, addr)) = self.inner.accept().await else {
                continue;
            };
            if self.shared.take(Some(Fault::Reset)).is_none() {
                return (stream, addr);
            }
            self.shared.count(None);
            // Let the request arrive first, so the client sees a reset of a sent request (the
            // ambiguous case: it cannot know whether the service acted on it).
            let mut buffer = [0u8; 4096];
            let _ = tokio::time::timeout(Duration::from_secs(1), stream.readable()).await;
            let _ = stream.try_read(&mut buffer);
            // A zero linger resets at once, so the drop below never blocks (the deprecation is
            // about a non-zero linger blocking the thread).
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            drop(stream);
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// `DynamoDB.GetItem`, `S3.GetObject`, `SNS.Publish`, `SecretsManager.GetSecretValue`,
/// `Textract.AnalyzeID`, … for a request, or `None` for one the proxy does not name.
fn operation(
    method: &http::Method,
    uri: &http::Uri,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Option<String> {
    if let Some(target) = headers.get("x-amz-target").and_then(|v| v.to_str().ok()) {
        if let Some(op) = target.strip_prefix("DynamoDB_20120810.") {
            return Some(format!("DynamoDB.{op}"));
        }
        if let Some(op) = target.strip_prefix("secretsmanager.") {
            return Some(format!("SecretsManager.{op}"));
        }
        return Some(target.to_string());
    }
    if Wire::of(headers) == Wire::AwsQuery {
        // Only SNS speaks AWS Query through these proxies (SQS's SDK uses AWS JSON).
        let action = std::str::from_utf8(body)
            .ok()?
            .split('&')
            .find_map(|pair| pair.strip_prefix("Action="))?;
        return Some(format!("SNS.{action}"));
    }
    let query = uri.query().unwrap_or_default();
    let has = |name: &str| {
        query
            .split('&')
            .any(|p| p == name || p.starts_with(&format!("{name}=")))
    };
    let segments: Vec<&str> = uri.path().trim_start_matches('/').splitn(2, '/').collect();
    let has_key = segments.len() == 2 && !segments[1].is_empty();
    let op = match (method.as_str(), has_key) {
        ("GET", false) if has("versions") => "ListObjectVersions",
        ("POST", false) if has("delete") => "DeleteObjects",
        ("GET", true) => "GetObject",
        ("HEAD", true) => "HeadObject",
        ("PUT", true) => "PutObject",
        _ => return None,
    };
    Some(format!("S3.{op}"))
}

fn error_answer(wire: Wire, method: &http::Method, code: &str, extra: &Value) -> Response {
    let status = http::StatusCode::from_u16(status_of(code)).expect("status");
    let builder = Response::builder()
        .status(status)
        .header("connection", "close")
        .header("x-amzn-requestid", "e2e-fault-proxy")
        .header("x-amz-request-id", "e2e-fault-proxy");
    match wire {
        Wire::AwsJson => {
            let mut body = json!({ "__type": code, "message": "injected by the e2e fault proxy" });
            if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
                body.extend(extra.clone());
            }
            builder
                .header("content-type", "application/x-amz-json-1.0")
                .header("x-amzn-errortype", code)
                .body(Body::from(body.to_string()))
        }
        Wire::AwsQuery => builder
            .header("content-type", "text/xml")
            .body(Body::from(format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>\
             <Message>injected by the e2e fault proxy</Message></Error>\
             <RequestId>e2e-fault-proxy</RequestId></ErrorResponse>"
            ))),
        // A HEAD answer has no body; S3's SDK reads the code from the status.
        Wire::RestXml if method == http::Method::HEAD => builder.body(Body::empty()),
        Wire::RestXml => builder
            .header("content-type", "application/xml")
            .body(Body::from(format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
                 <Message>injected by the e2e fault proxy</Message>\
                 <RequestId>e2e-fault-proxy</RequestId></Error>"
            ))),
    }
    .expect("response")
}

const HOP_BY_HOP: &[&str] = &[
    "host",
    "connection",
    "content-length",
    "transfer-encoding",
    "keep-alive",
];

async fn serve(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let wire = Wire::of(&parts.headers);
    // Read first: an AWS Query request names its operation in the body.
    let Ok(bytes) = to_bytes(body, 64 * 1024 * 1024).await else {
        return error_answer(
            wire,
            &parts.method,
            "ProxyCouldNotReadRequest",
            &Value::Null,
        );
    };
    let operation = operation(&parts.method, &parts.uri, &parts.headers, &bytes);
    if let Some(modelled) = shared.count(operation.as_deref()) {
        return error_answer(wire, &parts.method, &modelled.code, &modelled.extra);
    }
    match shared.take(None) {
        Some(Fault::Slow) => tokio::time::sleep(shared.slow_for).await,
        Some(fault) => {
            if let Some(code) = fault.code(wire) {
                return error_answer(wire, &parts.method, code, &Value::Null);
            }
        }
        None => {}
    }
    let url = format!(
        "{}{}",
        shared.upstream,
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut forward = shared.http.request(parts.method.clone(), url);
    for (name, value) in &parts.headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            forward = forward.header(name, value);
        }
    }
    let Ok(answer) = forward.body(bytes.to_vec()).send().await else {
        return error_answer(
            wire,
            &parts.method,
            "ProxyCouldNotReachUpstream",
            &Value::Null,
        );
    };
    let mut response = Response::builder()
        .status(answer.status())
        .header("connection", "close");
    for (name, value) in answer.headers() {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            response = response.header(name, value);
        }
    }
    let body = answer.bytes().await.unwrap_or_default();
    response.body(Body::from(body)).expect("response")
}

impl FaultProxy {
    /// A proxy to `upstream` on a free loopback port; a `Slow` answer is held for `slow_for`.
    pub async fn start(upstream: &str, slow_for: Duration) -> anyhow::Result<Self> {
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_string(),
            slow_for,
            http: reqwest::Client::new(),
            faults: Mutex::default(),
        });
        let inner = TcpListener::bind(("127.0.0.1", 0)).await?;
        let url = format!("http://{}", inner.local_addr()?);
        let listener = ResettingListener {
            inner,
            shared: shared.clone(),
        };
        let app = axum::Router::new()
            .fallback(serve)
            .with_state(shared.clone());
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
            shared,
            stop: Some(stop),
        })
    }

    /// The next `count` requests meet `fault`; replaces whatever fault was armed.
    pub fn arm(&self, fault: Fault, count: u32) {
        self.shared.faults.lock().unwrap().armed = Some(Armed {
            fault,
            remaining: count,
        });
    }

    /// Disarms the availability fault.
    pub fn disarm(&self) {
        self.shared.faults.lock().unwrap().armed = None;
    }

    /// Requests seen so far, faulted or not.
    pub fn requests(&self) -> u64 {
        self.shared.faults.lock().unwrap().requests
    }

    /// The next `count` requests of `operation` (`DynamoDB.PutItem`, `S3.GetObject`) fail with
    /// `code`; replaces any error injected for that operation.
    pub fn inject(&self, operation: &str, code: &str, count: u32) {
        self.inject_with(operation, code, count, Value::Null);
    }

    /// Like [`FaultProxy::inject`], with members merged into an AWS JSON error body.
    pub fn inject_with(&self, operation: &str, code: &str, count: u32, extra: Value) {
        self.shared.faults.lock().unwrap().modelled.insert(
            operation.to_string(),
            Modelled {
                code: code.to_string(),
                remaining: count,
                extra,
            },
        );
    }

    /// Removes every injected error.
    pub fn clear(&self) {
        self.shared.faults.lock().unwrap().modelled.clear();
    }

    /// Requests of `operation` seen so far, faulted or not.
    pub fn calls(&self, operation: &str) -> u64 {
        let faults = self.shared.faults.lock().unwrap();
        faults.calls.get(operation).copied().unwrap_or(0)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
