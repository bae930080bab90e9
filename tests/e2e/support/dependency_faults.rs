//! A fault-injecting proxy in front of ONE dependency (DynamoDB, S3, SQS on moto; Rekognition or
//! Textract on the emulator), for the fault matrix: the four availability faults a dependency
//! shows in production, injected where the SDK meets the network.
//!
//! - `Throttle`: the service's own throttling error on its wire (AWS JSON `__type`, S3's
//!   `SlowDown`), so the SDK's retry classifier sees exactly what AWS sends;
//! - `ServerError`: a 500 `InternalServerError` the same way;
//! - `Slow`: the answer is held past the SDK's attempt timeout, then forwarded;
//! - `Reset`: the TCP connection is reset (RST, `SO_LINGER` 0) after the request arrives.
//!
//! A reset must happen below HTTP, which is why this is a small proxy of the project's rather
//! than Toxiproxy: Toxiproxy works on TCP only (it can delay or reset, not answer a
//! `ThrottlingException`), and the throttle/5xx cells need the service's wire format. Every
//! answer carries `Connection: close`, so each SDK request opens a new connection and an armed
//! reset meets the very next request, not a pooled connection's.
//!
//! One proxy per dependency, so a fault is scoped to one service with no request parsing.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::response::Response;
use tokio::net::{TcpListener, TcpStream};

/// How a dependency fails.
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
}

/// How the dependency writes an error.
#[derive(Clone, Copy, Debug)]
pub enum Wire {
    /// AWS JSON 1.0/1.1 (DynamoDB, SQS, Rekognition, Textract): `{"__type": "..."}`.
    AwsJson,
    /// REST-XML (S3): `<Error><Code>`.
    RestXml,
}

struct Armed {
    fault: Fault,
    remaining: u32,
}

struct Shared {
    upstream: String,
    wire: Wire,
    slow_for: Duration,
    http: reqwest::Client,
    armed: Mutex<Option<Armed>>,
    requests: Mutex<u64>,
}

impl Shared {
    /// Counts the request and takes one use of the armed fault, if it is `want` (or any, when
    /// `want` is `None`).
    fn take(&self, want: Option<Fault>) -> Option<Fault> {
        let mut armed = self.armed.lock().unwrap();
        let current = armed.as_mut()?;
        if want.is_some_and(|w| w != current.fault) || current.remaining == 0 {
            return None;
        }
        current.remaining -= 1;
        Some(current.fault)
    }
}

pub struct DependencyProxy {
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
            *self.shared.requests.lock().unwrap() += 1;
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

const HOP_BY_HOP: &[&str] = &[
    "host",
    "connection",
    "content-length",
    "transfer-encoding",
    "keep-alive",
];

fn error_answer(wire: Wire, code: &str, status: u16) -> Response {
    let builder = Response::builder()
        .status(status)
        .header("connection", "close")
        .header("x-amzn-requestid", "e2e-dependency-proxy")
        .header("x-amz-request-id", "e2e-dependency-proxy");
    match wire {
        Wire::AwsJson => builder
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amzn-errortype", code)
            .body(Body::from(
                serde_json::json!({ "__type": code, "message": "injected by the fault matrix" })
                    .to_string(),
            )),
        Wire::RestXml => builder
            .header("content-type", "application/xml")
            .body(Body::from(format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
                 <Message>injected by the fault matrix</Message></Error>"
            ))),
    }
    .expect("response")
}

async fn serve(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    *shared.requests.lock().unwrap() += 1;
    let fault = shared.take(None);
    match (fault, shared.wire) {
        (Some(Fault::Throttle), Wire::AwsJson) => {
            return error_answer(shared.wire, "ThrottlingException", 400)
        }
        (Some(Fault::Throttle), Wire::RestXml) => {
            return error_answer(shared.wire, "SlowDown", 503)
        }
        (Some(Fault::ServerError), Wire::AwsJson) => {
            return error_answer(shared.wire, "InternalServerError", 500)
        }
        (Some(Fault::ServerError), Wire::RestXml) => {
            return error_answer(shared.wire, "InternalError", 500)
        }
        (Some(Fault::Slow), _) => tokio::time::sleep(shared.slow_for).await,
        _ => {}
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, 64 * 1024 * 1024).await else {
        return error_answer(shared.wire, "ProxyCouldNotReadRequest", 500);
    };
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
        return error_answer(shared.wire, "ProxyCouldNotReachUpstream", 502);
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

impl DependencyProxy {
    /// A proxy to `upstream` on a free loopback port; a `Slow` answer is held for `slow_for`.
    pub async fn start(upstream: &str, wire: Wire, slow_for: Duration) -> anyhow::Result<Self> {
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_string(),
            wire,
            slow_for,
            http: reqwest::Client::new(),
            armed: Mutex::new(None),
            requests: Mutex::new(0),
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

    /// The next `count` requests meet `fault`; replaces whatever was armed.
    pub fn arm(&self, fault: Fault, count: u32) {
        *self.shared.armed.lock().unwrap() = Some(Armed {
            fault,
            remaining: count,
        });
    }

    pub fn disarm(&self) {
        *self.shared.armed.lock().unwrap() = None;
    }

    /// Requests seen so far, faulted or not.
    pub fn requests(&self) -> u64 {
        *self.shared.requests.lock().unwrap()
    }
}

impl Drop for DependencyProxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
