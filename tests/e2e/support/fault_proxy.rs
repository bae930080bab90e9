//! A fault-injecting HTTP proxy in front of moto, for the services moto serves (DynamoDB, S3).
//!
//! moto produces some errors naturally (a missing object, a failed condition) but cannot be told
//! to throttle or to answer an arbitrary modelled error. This proxy forwards every request to
//! moto unchanged, unless a fault is armed for the request's operation: then it answers the
//! error itself, exactly as the service puts it on the wire (AWS JSON 1.0 `__type` for DynamoDB,
//! REST-XML `<Error><Code>` for S3), so the SDK's own deserializer and retry classifier run on
//! it. One fault per operation, for the next `count` requests, like the emulator's control API.
//!
//! Operations are recognised the way the services route them: DynamoDB by `X-Amz-Target`, S3
//! (path-style) by method, key and sub-resource (`?versions`, `?delete`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::response::Response;
use serde_json::{json, Value};

/// An armed fault.
#[derive(Clone, Debug)]
struct Fault {
    code: String,
    remaining: u32,
    /// Members merged into a DynamoDB error body (e.g. `CancellationReasons`).
    extra: Value,
}

#[derive(Default)]
struct Faults {
    armed: HashMap<String, Fault>,
    calls: HashMap<String, u64>,
}

struct Shared {
    moto: String,
    http: reqwest::Client,
    faults: Mutex<Faults>,
}

pub struct FaultProxy {
    pub url: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// The HTTP status the service answers an error code with.
pub fn status_of(code: &str) -> u16 {
    match code {
        "InternalServerError" | "InternalFailure" | "InternalError" => 500,
        "ServiceUnavailable" | "ServiceUnavailableException" | "SlowDown" => 503,
        "NoSuchKey" | "NoSuchBucket" => 404,
        "InvalidRange" => 416,
        c if c.starts_with("AccessDenied") || c == "InvalidObjectState" => 403,
        "SignatureDoesNotMatch" | "InvalidAccessKeyId" => 403,
        _ => 400,
    }
}

/// `DynamoDB.GetItem`, `S3.GetObject`, … for a request, or `None` for anything else.
fn operation(method: &http::Method, uri: &http::Uri, headers: &http::HeaderMap) -> Option<String> {
    if let Some(target) = headers.get("x-amz-target").and_then(|v| v.to_str().ok()) {
        return target
            .strip_prefix("DynamoDB_20120810.")
            .map(|op| format!("DynamoDB.{op}"));
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

fn error_response(operation: &str, method: &http::Method, fault: &Fault) -> Response {
    let code = &fault.code;
    let status = http::StatusCode::from_u16(status_of(code)).expect("status");
    let builder = Response::builder()
        .status(status)
        .header("x-amzn-requestid", "e2e-fault-proxy")
        .header("x-amz-request-id", "e2e-fault-proxy");
    if operation.starts_with("DynamoDB.") {
        let mut body = json!({
            "__type": format!("com.amazonaws.dynamodb.v20120810#{code}"),
            "message": "injected by the e2e fault proxy",
        });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), fault.extra.as_object()) {
            body.extend(extra.clone());
        }
        builder
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amzn-errortype", code.as_str())
            .body(Body::from(body.to_string()))
            .expect("response")
    } else if method == http::Method::HEAD {
        builder.body(Body::empty()).expect("response")
    } else {
        builder
            .header("content-type", "application/xml")
            .body(Body::from(format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
                 <Message>injected by the e2e fault proxy</Message>\
                 <RequestId>e2e-fault-proxy</RequestId></Error>"
            )))
            .expect("response")
    }
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
    let operation = operation(&parts.method, &parts.uri, &parts.headers);
    if let Some(op) = &operation {
        let mut faults = shared.faults.lock().unwrap();
        *faults.calls.entry(op.clone()).or_default() += 1;
        if let Some(fault) = faults.armed.get_mut(op) {
            if fault.remaining > 0 {
                fault.remaining -= 1;
                let fault = fault.clone();
                drop(faults);
                return error_response(op, &parts.method, &fault);
            }
        }
    }
    let bytes = match to_bytes(body, 64 * 1024 * 1024).await {
        Ok(bytes) => bytes,
        Err(err) => return failure(format!("reading the request: {err}")),
    };
    let url = format!(
        "{}{}",
        shared.moto,
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut forward = shared.http.request(parts.method.clone(), url);
    for (name, value) in &parts.headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            forward = forward.header(name, value);
        }
    }
    let answer = match forward.body(bytes.to_vec()).send().await {
        Ok(answer) => answer,
        Err(err) => return failure(format!("forwarding to moto: {err}")),
    };
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            response = response.header(name, value);
        }
    }
    let body = answer.bytes().await.unwrap_or_default();
    response.body(Body::from(body)).expect("response")
}

fn failure(message: String) -> Response {
    Response::builder()
        .status(502)
        .body(Body::from(message))
        .expect("response")
}

impl FaultProxy {
    pub async fn start(moto_url: &str) -> anyhow::Result<Self> {
        let shared = Arc::new(Shared {
            moto: moto_url.trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
            faults: Mutex::default(),
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let url = format!("http://{}", listener.local_addr()?);
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

    /// The next `count` requests of `operation` (`DynamoDB.PutItem`, `S3.GetObject`) fail with
    /// `code`; replaces any fault armed for that operation.
    pub fn inject(&self, operation: &str, code: &str, count: u32) {
        self.inject_with(operation, code, count, Value::Null);
    }

    /// Like [`FaultProxy::inject`], with members merged into a DynamoDB error body.
    pub fn inject_with(&self, operation: &str, code: &str, count: u32, extra: Value) {
        self.shared.faults.lock().unwrap().armed.insert(
            operation.to_string(),
            Fault {
                code: code.to_string(),
                remaining: count,
                extra,
            },
        );
    }

    /// Disarms every fault.
    pub fn clear(&self) {
        self.shared.faults.lock().unwrap().armed.clear();
    }

    /// Requests of `operation` seen so far, faulted or not.
    pub fn calls(&self, operation: &str) -> u64 {
        self.shared
            .faults
            .lock()
            .unwrap()
            .calls
            .get(operation)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
