//! The Lambda Runtime API (2018-06-01), as much of it as a custom runtime uses: the long-polled
//! `GET /runtime/invocation/next`, `POST /runtime/invocation/{id}/response` and the two error
//! endpoints. Each call is passed to the bench as a [`Call`] with the instant it arrived; the bench
//! decides when `next` is answered, and with which event.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// An event to hand out on a pending `next`.
#[derive(Debug)]
pub struct Invocation {
    pub request_id: String,
    pub payload: Vec<u8>,
}

/// A call the runtime made.
#[derive(Debug)]
pub enum Call {
    /// `GET .../invocation/next`; answering `deliver` delivers the event.
    Next {
        at: Instant,
        deliver: oneshot::Sender<Invocation>,
    },
    /// `POST .../invocation/{id}/response`.
    Response {
        at: Instant,
        request_id: String,
        body: Bytes,
    },
    /// `POST .../invocation/{id}/error` or `POST .../init/error`.
    Error { path: String, body: Bytes },
}

pub struct RuntimeApi {
    pub addr: SocketAddr,
    pub calls: mpsc::UnboundedReceiver<Call>,
    task: JoinHandle<()>,
}

const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:bench";

impl RuntimeApi {
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (tx, calls) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                let tx = tx.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<Incoming>| {
                        let tx = tx.clone();
                        async move { Ok::<_, Infallible>(serve(tx, request).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self { addr, calls, task })
    }

    /// The value of `AWS_LAMBDA_RUNTIME_API`.
    pub fn endpoint(&self) -> String {
        self.addr.to_string()
    }

    /// Forgets calls left over from an earlier process.
    pub fn drain(&mut self) {
        while self.calls.try_recv().is_ok() {}
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn reply(status: u16, body: &'static str) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .expect("runtime API response")
}

async fn serve(
    tx: mpsc::UnboundedSender<Call>,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let at = Instant::now();
    let path = request.uri().path().to_string();
    let method = request.method().clone();
    let Some(rest) = path.strip_prefix("/2018-06-01/runtime/") else {
        return reply(404, r#"{"errorMessage":"unknown path"}"#);
    };
    if method == hyper::Method::GET && rest == "invocation/next" {
        let (deliver, event) = oneshot::channel();
        if tx.send(Call::Next { at, deliver }).is_err() {
            return reply(500, r#"{"errorMessage":"bench stopped"}"#);
        }
        // Held until the bench hands out an event; dropped (and the process killed) otherwise.
        let Ok(invocation) = event.await else {
            return std::future::pending().await;
        };
        let deadline = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() + 29_000)
            .unwrap_or_default();
        return Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .header("lambda-runtime-aws-request-id", &invocation.request_id)
            .header("lambda-runtime-deadline-ms", deadline.to_string())
            .header("lambda-runtime-invoked-function-arn", FUNCTION_ARN)
            .header(
                "lambda-runtime-trace-id",
                "Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=0",
            )
            .body(Full::new(Bytes::from(invocation.payload)))
            .expect("runtime API event");
    }
    if method != hyper::Method::POST {
        return reply(405, r#"{"errorMessage":"method not allowed"}"#);
    }
    let body = request
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    if let Some(id) = rest
        .strip_prefix("invocation/")
        .and_then(|r| r.strip_suffix("/response"))
    {
        let _ = tx.send(Call::Response {
            at,
            request_id: id.to_string(),
            body,
        });
        return reply(202, r#"{"status":"OK"}"#);
    }
    let _ = tx.send(Call::Error { path, body });
    reply(202, r#"{"status":"OK"}"#)
}
