//! The adapters' own configuration: resource names and ARNs that Terraform passes in.

use lendverify_core::config::{require, ConfigError};

/// Names and ARNs of the stack's resources, read once at init.
#[derive(Clone, Debug, PartialEq)]
pub struct AwsSettings {
    pub table: String,
    /// The audit table (`AUDIT_TABLE`): hash-chained, append-only events per application.
    pub audit_table: String,
    pub uploads_bucket: String,
    pub biometrics_bucket: String,
    pub textract_output_bucket: String,
    /// The evidence bucket (`EVIDENCE_BUCKET`, S3 Object Lock): a decided application's evidence,
    /// kept through its erasure for the retention period.
    pub evidence_bucket: String,
    pub kms_key_arn: String,
    pub lending_topic_arn: String,
    pub textract_publish_role_arn: String,
    /// The region the liveness session lives in; the browser streams to the same region.
    pub region: String,
    /// Loopback emulators have no per-bucket host names, so the local stage asks for path-style.
    pub s3_force_path_style: bool,
    /// Decision events: the topic they are published to and the lender endpoints they go to.
    pub decision_events: DecisionEventSettings,
}

/// Where decision events go (`DECISION_EVENTS_TOPIC_ARN`, `WEBHOOK_SECRET_ARN`,
/// `WEBHOOK_ENDPOINTS`). Every function reads them, as it reads every variable; only the
/// publishers use the topic and only `deliver-decision-events` the secret and the endpoints.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionEventSettings {
    /// The `decision-events` SNS topic.
    pub topic_arn: String,
    /// The Secrets Manager secret holding the signing key (`whsec_<base64>`).
    pub webhook_secret_arn: String,
    /// The lender endpoints every event is delivered to; empty when the environment has none.
    pub endpoints: Vec<WebhookEndpoint>,
}

/// One lender endpoint (`WEBHOOK_ENDPOINTS`: a JSON array of `{"name": "...", "url": "https://..."}`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookEndpoint {
    /// Names the endpoint in delivery records (`DELIVERY#{name}`) and logs: 1–64 of
    /// `A-Za-z0-9._-`, unique.
    pub name: String,
    /// `https://` URL; `http://` only on a loopback host (the local stage's receivers).
    pub url: String,
}

impl DecisionEventSettings {
    /// Reads and checks the three variables; `WEBHOOK_ENDPOINTS` must be a JSON array (`[]` for
    /// none) of endpoints with unique names and HTTPS URLs.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        const ENDPOINTS: &str = "WEBHOOK_ENDPOINTS";
        let raw = require(&lookup, ENDPOINTS)?;
        Ok(Self {
            topic_arn: require(&lookup, "DECISION_EVENTS_TOPIC_ARN")?,
            webhook_secret_arn: require(&lookup, "WEBHOOK_SECRET_ARN")?,
            endpoints: parse_webhook_endpoints(&raw).map_err(|reason| ConfigError::Invalid {
                name: ENDPOINTS.into(),
                reason,
            })?,
        })
    }
}

/// `WEBHOOK_ENDPOINTS`, checked: what is wrong is named, so the fix is quick.
pub fn parse_webhook_endpoints(raw: &str) -> Result<Vec<WebhookEndpoint>, String> {
    let endpoints: Vec<WebhookEndpoint> = serde_json::from_str(raw)
        .map_err(|e| format!("not a JSON array of {{\"name\", \"url\"}} objects ({e})"))?;
    let mut seen = std::collections::BTreeSet::new();
    for endpoint in &endpoints {
        let name = &endpoint.name;
        let name_ok = (1..=64).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !name_ok {
            return Err(format!(
                "endpoint name {name:?} is not 1-64 characters of A-Za-z0-9._-"
            ));
        }
        if !seen.insert(name.as_str()) {
            return Err(format!("endpoint name {name:?} is listed twice"));
        }
        let url = reqwest::Url::parse(&endpoint.url)
            .map_err(|e| format!("endpoint {name:?}: the URL does not parse ({e})"))?;
        let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            scheme => {
                return Err(format!(
                    "endpoint {name:?}: {scheme}:// is not allowed; use https:// (http:// only on a loopback host)"
                ))
            }
        }
        if url.host_str().is_none() || !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "endpoint {name:?}: the URL needs a host and no credentials"
            ));
        }
    }
    Ok(endpoints)
}

impl AwsSettings {
    /// Reads every variable; the first missing one fails with its name.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let region = require(
            |name: &str| lookup(name).or_else(|| lookup("AWS_DEFAULT_REGION")),
            "AWS_REGION",
        )?;
        Ok(Self {
            table: require(&lookup, "APPLICATIONS_TABLE")?,
            audit_table: require(&lookup, "AUDIT_TABLE")?,
            uploads_bucket: require(&lookup, "UPLOADS_BUCKET")?,
            biometrics_bucket: require(&lookup, "BIOMETRICS_BUCKET")?,
            textract_output_bucket: require(&lookup, "TEXTRACT_OUTPUT_BUCKET")?,
            evidence_bucket: require(&lookup, "EVIDENCE_BUCKET")?,
            kms_key_arn: require(&lookup, "KMS_KEY_ARN")?,
            lending_topic_arn: require(&lookup, "LENDING_TOPIC_ARN")?,
            textract_publish_role_arn: require(&lookup, "TEXTRACT_PUBLISH_ROLE_ARN")?,
            region,
            s3_force_path_style: lookup("S3_FORCE_PATH_STYLE").is_some_and(|v| v == "true"),
            decision_events: DecisionEventSettings::from_lookup(&lookup)?,
        })
    }

    /// The prefix under which every object of one application lives, in every bucket.
    pub fn application_prefix(application_id: &str) -> String {
        format!("applications/{application_id}/")
    }

    /// All three buckets, for erasure.
    pub fn buckets(&self) -> [&str; 3] {
        [
            &self.uploads_bucket,
            &self.biometrics_bucket,
            &self.textract_output_bucket,
        ]
    }
}
