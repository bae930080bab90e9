//! The HTTP client every SDK client uses: hyper over rustls (aws-lc), trusting the Mozilla root
//! store compiled into the binary (`webpki-roots`).
//!
//! Why not the SDK's own client (`aws-smithy-http-client`): it takes trusted roots only as PEM
//! text, read from the system bundle or given in `TlsContext`, and decodes them in every process.
//! Decoding the ~150 certificates of the CA bundle was the largest part of a cold start (about
//! 1 ms of CPU, measured by `make bench`; README, "Cold starts"), paid on the first request or at
//! init. `webpki-roots` holds the same Mozilla roots as trust anchors, extracted when the crate is
//! built, so a process only copies a table. The roots are those of `webpki-roots` at the version
//! in `Cargo.lock`: they change with a dependency update and a new artifact, not with the Lambda
//! runtime's `ca-certificates` package.
//!
//! The rest follows the SDK's client: one connector per timeout settings, built on its first use
//! and shared; the connect timeout on the TCP connector and the read timeout on the response;
//! connection failures, closed connections and timeouts classified as I/O or timeout errors, so
//! the SDK's retry strategy retries them; a certificate or TLS failure is not retried.
//!
//! A proxy (`HTTPS_PROXY` and friends) is the one thing this client does not do. Where one is set,
//! [`http_client`] returns the SDK's own client, with its proxy support and the system trust store.

use std::error::Error as StdError;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder as SdkHttpClientBuilder, ConnectorBuilder};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::ErrorKind;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

/// The client for every SDK client of the process.
pub fn http_client() -> SharedHttpClient {
    if proxy_configured() {
        return sdk_http_client_with_proxy();
    }
    SharedHttpClient::new(CompiledRoots::default())
}

/// The environment variables the SDK's client reads for a proxy.
const PROXY_VARIABLES: [&str; 6] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
];

fn proxy_configured() -> bool {
    PROXY_VARIABLES
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// The SDK's default HTTPS client (proxies from the environment, the system trust store).
fn sdk_http_client_with_proxy() -> SharedHttpClient {
    SdkHttpClientBuilder::new().build_with_connector_fn(|settings, components| {
        let mut builder =
            ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
        builder.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            builder.set_sleep_impl(components.sleep_impl());
        }
        builder.set_proxy_config(Some(ProxyConfig::from_env()));
        builder.build()
    })
}

/// rustls with aws-lc and the compiled-in roots, built once per process, on the first connector.
static TLS: LazyLock<rustls::ClientConfig> = LazyLock::new(|| {
    rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("aws-lc supports TLS 1.2 and 1.3")
    .with_root_certificates(rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    })
    .with_no_client_auth()
});

/// Connectors by (connect timeout, read timeout): the SDK asks for one per request attempt.
#[derive(Debug, Default)]
struct CompiledRoots {
    connectors: Mutex<Vec<(Timeouts, SharedHttpConnector)>>,
}

type Timeouts = (Option<Duration>, Option<Duration>);

impl HttpClient for CompiledRoots {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let timeouts = (settings.connect_timeout(), settings.read_timeout());
        let mut connectors = self.connectors.lock().expect("connector cache");
        if let Some((_, connector)) = connectors.iter().find(|(t, _)| *t == timeouts) {
            return connector.clone();
        }
        let connector = SharedHttpConnector::new(Connector::new(TLS.clone(), timeouts));
        connectors.push((timeouts, connector.clone()));
        connector
    }
}

type HyperClient = Client<hyper_rustls::HttpsConnector<TcpConnector>, SdkBody>;

#[derive(Clone, Debug)]
struct Connector {
    /// hyper's pooled client (not named `client`: the error table's test reads `.client.<op>(`
    /// in this crate's source as an SDK call).
    pool: HyperClient,
    read_timeout: Option<Duration>,
}

impl Connector {
    fn new(tls: rustls::ClientConfig, (connect, read): Timeouts) -> Self {
        let mut tcp = TcpConnector::new();
        // The scheme decides: https for AWS, http for the local stage's endpoints.
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(connect);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(tcp);
        let pool = Client::builder(TokioExecutor::new())
            // Without a timer, idle pooled connections are never closed.
            .pool_timer(TokioTimer::new())
            .build(https);
        Self {
            pool,
            read_timeout: read,
        }
    }
}

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let request = match request.try_into_http1x() {
            Ok(request) => request,
            Err(err) => return HttpConnectorFuture::ready(Err(ConnectorError::user(err.into()))),
        };
        let response = self.pool.request(request);
        let read_timeout = self.read_timeout;
        HttpConnectorFuture::new(async move {
            let response = match read_timeout {
                Some(limit) => tokio::time::timeout(limit, response).await.map_err(|_| {
                    ConnectorError::timeout(format!("no response within {limit:?}").into())
                })?,
                None => response.await,
            }
            .map_err(classify)?;
            HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                .map_err(|err| ConnectorError::other(err.into(), None))
        })
    }
}

/// What the SDK's retry strategy needs to know about a failed request, as the SDK's own client
/// classifies it: a connection that could not be made or broke is I/O (retried), a timeout is a
/// timeout (retried), a refused certificate or TLS failure is not retried, a request hyper
/// rejects is the caller's.
fn classify(err: hyper_util::client::legacy::Error) -> ConnectorError {
    if source::<rustls::Error>(&err).is_some() {
        return ConnectorError::other(err.into(), None);
    }
    if source::<std::io::Error>(&err).is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut) {
        return ConnectorError::timeout(err.into());
    }
    if err.is_connect() {
        return ConnectorError::io(err.into());
    }
    match source::<hyper::Error>(&err) {
        Some(hyper) if hyper.is_timeout() => ConnectorError::timeout(err.into()),
        Some(hyper) if hyper.is_user() => ConnectorError::user(err.into()),
        Some(hyper) if hyper.is_incomplete_message() => {
            ConnectorError::other(err.into(), Some(ErrorKind::TransientError))
        }
        Some(hyper) if hyper.is_closed() || hyper.is_canceled() => ConnectorError::io(err.into()),
        _ if source::<std::io::Error>(&err).is_some() => ConnectorError::io(err.into()),
        _ => ConnectorError::other(err.into(), None),
    }
}

/// The first error of type `E` in `err`'s source chain, `err` included. An `io::Error` wrapping
/// another error (tokio-rustls wraps rustls's so) is looked into: its `source()` skips the
/// wrapped error itself.
fn source<'a, E: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a E> {
    let mut next = Some(err);
    while let Some(err) = next {
        if let Some(found) = err.downcast_ref::<E>() {
            return Some(found);
        }
        let wrapped = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|inner| inner as &(dyn StdError + 'static));
        next = wrapped.or_else(|| err.source());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    #[test]
    fn the_compiled_in_roots_are_mozillas() {
        assert!(webpki_roots::TLS_SERVER_ROOTS.len() > 100);
        // Amazon Root CA 1, which signs the certificates of AWS service endpoints.
        let amazon = b"Amazon Root CA 1";
        assert!(webpki_roots::TLS_SERVER_ROOTS
            .iter()
            .any(|anchor| anchor.subject.windows(amazon.len()).any(|w| w == amazon)));
    }

    fn connector() -> Connector {
        Connector::new(
            TLS.clone(),
            (
                Some(Duration::from_secs(2)),
                Some(Duration::from_millis(300)),
            ),
        )
    }

    fn get(uri: String) -> HttpRequest {
        let mut request = HttpRequest::new(SdkBody::empty());
        request.set_uri(uri).expect("uri");
        request
    }

    /// A server on a free port that answers each connection with `reply` (or never, if empty).
    async fn server(reply: &'static [u8]) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = stream.read(&mut buf).await;
                    if reply.is_empty() {
                        tokio::time::sleep(Duration::from_secs(5)).await;
                    } else {
                        let _ = stream.write_all(reply).await;
                    }
                });
            }
        });
        port
    }

    #[tokio::test]
    async fn a_response_comes_back_whole() {
        let port = server(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok").await;
        let response = connector()
            .call(get(format!("http://127.0.0.1:{port}/")))
            .await
            .expect("response");
        assert_eq!(response.status().as_u16(), 200);
        let body = aws_smithy_types::byte_stream::ByteStream::new(response.into_body())
            .collect()
            .await
            .expect("body")
            .into_bytes();
        assert_eq!(&body[..], b"ok");
    }

    #[tokio::test]
    async fn a_refused_connection_is_io_and_retried() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let err = connector()
            .call(get(format!("http://127.0.0.1:{port}/")))
            .await
            .expect_err("refused");
        assert!(err.is_io(), "{err:?}");
    }

    #[tokio::test]
    async fn no_answer_within_the_read_timeout_is_a_timeout() {
        let port = server(b"").await;
        let err = connector()
            .call(get(format!("http://127.0.0.1:{port}/")))
            .await
            .expect_err("timed out");
        assert!(err.is_timeout(), "{err:?}");
    }

    #[tokio::test]
    async fn a_failed_tls_handshake_is_not_retried() {
        // Answers the ClientHello with plain HTTP: rustls refuses it.
        let port = server(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").await;
        let err = connector()
            .call(get(format!("https://127.0.0.1:{port}/")))
            .await
            .expect_err("not TLS");
        assert!(err.is_other() && err.as_other().is_none(), "{err:?}");
    }
}
