//! A lender's webhook receiver for the scenarios: `support/webhook_receiver.py`, which verifies
//! every delivery with the README's snippet (`docs/webhooks/verify_signature.py`, unchanged), can
//! fail the first N deliveries on purpose, and records the accepted ones by `webhook-id`.
//!
//! Start it before the stage, hand its URL to the stage (`Options::webhook_endpoints`), then give
//! it the stage's signing secret ([`stage_secret`]) once Terraform has created it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use serde_json::json;

use crate::repo_root;

/// One delivery the receiver accepted (signature verified by the snippet).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Accepted {
    pub webhook_id: String,
    pub timestamp: Option<String>,
    pub body: String,
}

/// What the receiver has seen since it started (or since the last `fail_first` reset).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deliveries {
    pub accepted: Vec<Accepted>,
    /// Every POST, including those failed on purpose and those refused.
    pub attempts: u32,
    pub failed_on_purpose: u32,
    /// Why deliveries were refused (a signature the snippet did not accept).
    pub refused: Vec<String>,
}

impl Deliveries {
    /// The accepted deliveries of one event.
    pub fn of(&self, webhook_id: &str) -> Vec<&Accepted> {
        self.accepted
            .iter()
            .filter(|a| a.webhook_id == webhook_id)
            .collect()
    }
}

pub struct WebhookReceiver {
    /// Where the dispatcher POSTs (any path is a delivery).
    pub url: String,
    http: reqwest::Client,
    child: Child,
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl WebhookReceiver {
    /// Starts the receiver on a free loopback port; it fails its first `fail_first` deliveries.
    pub async fn start(fail_first: u32) -> Result<Self> {
        let root = repo_root();
        let venv = root.join(".tools/venv/bin/python");
        let python = if venv.exists() {
            venv
        } else {
            "python3".into()
        };
        let mut child = Command::new(python)
            .arg(root.join("tests/e2e/support/webhook_receiver.py"))
            .args(["--port", "0", "--fail-first", &fail_first.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .context("starting webhook_receiver.py")?;
        let stdout = child.stdout.take().context("receiver stdout")?;
        // Its first line comes as soon as it listens (a fraction of a second).
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .context("reading webhook_receiver.py's first line")?;
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .with_context(|| format!("unexpected first line {line:?}"))?
            .to_string();
        Ok(Self {
            url: format!("{base}/lender/decisions"),
            http: reqwest::Client::new(),
            child,
        })
    }

    /// `WEBHOOK_ENDPOINTS` with this receiver as the one endpoint, named `name`.
    pub fn endpoints_json(&self, name: &str) -> String {
        json!([{ "name": name, "url": self.url }]).to_string()
    }

    fn control_url(&self, path: &str) -> String {
        let base = self.url.trim_end_matches("/lender/decisions");
        format!("{base}{path}")
    }

    /// Gives the receiver the signing secret (until then it answers 503).
    pub async fn set_secret(&self, secret: &str) -> Result<()> {
        self.control(json!({ "secret": secret })).await
    }

    /// Fails the next `n` deliveries on purpose and forgets what it has seen.
    pub async fn fail_first(&self, n: u32) -> Result<()> {
        self.control(json!({ "failFirst": n })).await
    }

    async fn control(&self, settings: serde_json::Value) -> Result<()> {
        let status = self
            .http
            .post(self.control_url("/_control"))
            .json(&settings)
            .send()
            .await?
            .status();
        if !status.is_success() {
            bail!("receiver control answered {status}");
        }
        Ok(())
    }

    pub async fn deliveries(&self) -> Result<Deliveries> {
        Ok(self
            .http
            .get(self.control_url("/_deliveries"))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    }

    /// Waits until the event `webhook_id` has been accepted, then a little longer so that a
    /// duplicate would show, and returns what the receiver saw.
    pub async fn wait_for(&self, webhook_id: &str, timeout: Duration) -> Result<Deliveries> {
        let started = Instant::now();
        loop {
            let seen = self.deliveries().await?;
            if !seen.of(webhook_id).is_empty() {
                tokio::time::sleep(Duration::from_secs(2)).await;
                return self.deliveries().await;
            }
            if started.elapsed() > timeout {
                bail!("no accepted delivery of {webhook_id} within {timeout:?}: {seen:?}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// The stage's signing secret (`whsec_...`, `WEBHOOK_SECRET_ARN`), read from moto's Secrets
/// Manager the way the dispatcher reads it.
pub async fn stage_secret(moto_url: &str, secret_arn: &str) -> Result<String> {
    let sdk = lendverify_local_stage::sdk_config(moto_url).await;
    let secret = lendverify_aws::webhooks::SigningSecret::new(
        aws_sdk_secretsmanager::Client::new(&sdk),
        secret_arn.to_string(),
    )
    .get()
    .await
    .context("reading the webhook signing secret from moto")?;
    Ok(secret.to_text())
}
