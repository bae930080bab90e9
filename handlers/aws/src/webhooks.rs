//! The two outside dependencies of `deliver-decision-events`: the signing secret in Secrets
//! Manager, and the lender's HTTPS endpoints.
//!
//! Both are built on first use, like the SDK clients ([`Lazy`]): a function that never delivers
//! a webhook never builds the Secrets Manager client or the HTTP client (nor loads the trust
//! store for it), and pays nothing at init.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_secretsmanager::Client as SecretsClient;
use lendverify_core::webhook::WebhookSecret;

use crate::error::{AwsError, Op};
use crate::lazy::Lazy;

/// The signing secret, read once per container and then kept: a rotation reaches running
/// containers as they are replaced (Lambda recycles them within hours), and receivers accept the
/// old and the new secret meanwhile (Standard Webhooks' space-separated signatures).
#[derive(Clone, Debug)]
pub struct SigningSecret {
    client: Lazy<SecretsClient>,
    secret_arn: String,
    cached: Arc<Mutex<Option<Arc<WebhookSecret>>>>,
}

impl SigningSecret {
    pub fn new(client: impl Into<Lazy<SecretsClient>>, secret_arn: String) -> Self {
        Self {
            client: client.into(),
            secret_arn,
            cached: Arc::default(),
        }
    }

    /// The secret (`whsec_<base64>` in Secrets Manager): from the cache, else read and parsed.
    /// Two concurrent first reads both read it, which is harmless; the value is never logged
    /// (core's `WebhookSecret` redacts its `Debug`).
    pub async fn get(&self) -> Result<Arc<WebhookSecret>, AwsError> {
        if let Some(secret) = self.cached.lock().map(|c| c.clone()).ok().flatten() {
            return Ok(secret);
        }
        let out = self
            .client
            .get_secret_value()
            .secret_id(&self.secret_arn)
            .send()
            .await
            .map_err(|e| AwsError::classify(Op::GetSecretValue, e))?;
        let text = out.secret_string().ok_or_else(|| {
            AwsError::malformed(Op::GetSecretValue, "the secret has no SecretString")
        })?;
        let secret = Arc::new(WebhookSecret::parse(text).map_err(|_| {
            AwsError::malformed(
                Op::GetSecretValue,
                "the secret is not whsec_ followed by base64 of 24 to 64 bytes",
            )
        })?);
        if let Ok(mut cached) = self.cached.lock() {
            *cached = Some(secret.clone());
        }
        Ok(secret)
    }

    /// Whether the secret has been read (tests: a second delivery reads no secret).
    pub fn is_cached(&self) -> bool {
        self.cached.lock().map(|c| c.is_some()).unwrap_or(false)
    }
}

/// Per request: connecting may take 3 s, the whole exchange 10 s. A receiver should answer at
/// once and process later; one that takes longer is treated as down for this attempt.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// What one POST to an endpoint came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostOutcome {
    /// 2xx: the receiver has the event.
    Accepted(u16),
    /// 408, 429, 5xx, a timeout or a connection failure: worth another attempt, after
    /// `retry_after` when the receiver said how long (429/503 `Retry-After` in seconds).
    Retryable {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Any other answer (a 4xx, a redirect: redirects are not followed, since a moved endpoint is
    /// a configuration change): retrying the same request cannot help.
    Rejected(u16),
}

/// The HTTP client for webhooks: rustls on the aws-lc provider the SDK already links, the system
/// trust store (the one CA bundle `use_system_ca_bundle` points at), no redirects, timeouts.
#[derive(Clone, Debug)]
pub struct WebhookSender {
    client: Lazy<Result<reqwest::Client, String>>,
}

impl Default for WebhookSender {
    fn default() -> Self {
        Self::new()
    }
}

impl WebhookSender {
    /// A sender whose HTTP client is built on first use.
    pub fn new() -> Self {
        Self {
            client: Lazy::new(|| build_client().map_err(|e| e.to_string())),
        }
    }

    /// POSTs `body` with `headers` (name, value) and classifies the answer. The response body is
    /// not read beyond what the connection needs, and never logged.
    pub async fn post(&self, url: &str, headers: &[(&str, String)], body: &str) -> PostOutcome {
        let client = match &*self.client {
            Ok(client) => client,
            // A trust store that cannot be read is ours: retried like a down endpoint, the
            // message ends in the DLQ and its alarm pages.
            Err(reason) => {
                return PostOutcome::Retryable {
                    reason: format!("no HTTP client: {reason}"),
                    retry_after: None,
                }
            }
        };
        let mut request = client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        match request.send().await {
            Ok(response) => classify_status(
                response.status().as_u16(),
                response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok()),
            ),
            Err(err) => PostOutcome::Retryable {
                reason: if err.is_timeout() {
                    "timeout".into()
                } else if err.is_connect() {
                    "connection failed".into()
                } else {
                    // reqwest's message names the URL, which is configuration, not a secret.
                    format!("request failed: {err}")
                },
                retry_after: None,
            },
        }
    }
}

/// 2xx accepted; 408, 429 and 5xx retryable (honouring a `Retry-After` in seconds); anything
/// else rejected.
pub fn classify_status(status: u16, retry_after: Option<&str>) -> PostOutcome {
    match status {
        200..=299 => PostOutcome::Accepted(status),
        408 | 429 | 500..=599 => PostOutcome::Retryable {
            reason: format!("HTTP {status}"),
            retry_after: retry_after
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs),
        },
        other => PostOutcome::Rejected(other),
    }
}

fn build_client() -> reqwest::Result<reqwest::Client> {
    // reqwest is built without its own crypto provider: use aws-lc, as the SDK's TLS does. An
    // error means one is installed already, which is as good.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("LendVerify-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified_for_retries() {
        assert_eq!(classify_status(200, None), PostOutcome::Accepted(200));
        assert_eq!(classify_status(204, None), PostOutcome::Accepted(204));
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(matches!(
                classify_status(status, None),
                PostOutcome::Retryable { .. }
            ));
        }
        assert_eq!(
            classify_status(429, Some("7")),
            PostOutcome::Retryable {
                reason: "HTTP 429".into(),
                retry_after: Some(Duration::from_secs(7))
            }
        );
        for status in [301, 400, 401, 403, 404, 410, 422] {
            assert_eq!(classify_status(status, None), PostOutcome::Rejected(status));
        }
    }
}
