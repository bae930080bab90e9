//! `deliver-decision-events`: the SQS consumer of the `decision-deliveries` queue, which the
//! `decision-events` topic feeds (raw delivery: each body is a decision event's JSON). Every event
//! is sent to every lender endpoint (`WEBHOOK_ENDPOINTS`) as a Standard Webhooks request:
//!
//! - `POST` of the event JSON, byte for byte as published, `content-type: application/json`;
//! - `webhook-id`: the event id (the same for every retry and redelivery: receivers dedupe on it);
//! - `webhook-timestamp`: epoch seconds of this attempt;
//! - `webhook-signature`: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` with the secret
//!   in Secrets Manager (core `webhook.rs`).
//!
//! Retries: a 408, 429, 5xx, timeout or connection failure is retried in process after each
//! delay of core's `retry_delays()` (longer when the receiver sent `Retry-After`); when they are
//! used up, the record is reported in `batchItemFailures`, SQS redelivers it after the queue's
//! visibility timeout, and after `maxReceiveCount` receives it lands in the DLQ (whose alarm
//! pages). Any other answer (a 4xx, a redirect) is not retried in process, since the same request
//! would get the same answer; the record is reported at once and logged at error level, so it
//! is tried once per receive and reaches the DLQ, from which a redrive delivers it once the
//! lender has fixed the endpoint.
//!
//! Exactly one accepted delivery per event and endpoint: each endpoint is claimed first (a
//! conditional write with a lease, `lendverify_aws::deliveries`); an endpoint whose record says
//! DELIVERED is skipped, one leased by a concurrent invocation is left to it (the record is
//! reported and comes back later), and a redelivery sends only to the endpoints still owed. The
//! one gap is an accepted POST whose DELIVERED write then fails after the SDK's retries: the
//! lease runs out and the event is sent again, with the same `webhook-id`.

use std::time::Duration;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use lendverify_aws::config::WebhookEndpoint;
use lendverify_aws::deliveries::{Claim, DeliveryItem};
use lendverify_aws::webhooks::{PostOutcome, CONNECT_TIMEOUT, REQUEST_TIMEOUT};
use lendverify_aws::AwsError;
use lendverify_core::webhook::{self, DecisionEvent, WebhookSecret};
use serde::Deserialize;
use tokio::time::Instant;

use crate::state::AppState;

/// The longest `Retry-After` honoured in process; a longer one is left to SQS redelivery.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// How long one invocation keeps retrying in process, from its start: no retry (and no new
/// claim) begins after it. One more request (connect and request timeouts) fits after it within
/// the function's 60-second timeout (`modules/decision_events`, `dispatcher_timeout_seconds`).
pub const INVOCATION_BUDGET: Duration = Duration::from_secs(40);

/// How a record's deliveries are retried in process.
#[derive(Clone, Debug)]
pub struct DeliveryPolicy {
    /// The pause before each retry: as many retries as delays.
    pub delays: Vec<Duration>,
    /// See [`INVOCATION_BUDGET`].
    pub budget: Duration,
}

impl DeliveryPolicy {
    /// Core's backoff schedule within [`INVOCATION_BUDGET`].
    pub fn standard() -> Self {
        Self {
            delays: webhook::retry_delays().to_vec(),
            budget: INVOCATION_BUDGET,
        }
    }

    /// One request's longest time: connecting, then the request itself.
    fn one_request() -> Duration {
        CONNECT_TIMEOUT + REQUEST_TIMEOUT
    }

    /// How long a claim is held: the whole budget, a last request, and a minute of margin. It
    /// is shorter than the queue's visibility timeout (six times the function's timeout), so a
    /// redelivery never finds the lease of an invocation that has ended still held.
    pub fn lease_secs(&self) -> i64 {
        (self.budget + Self::one_request()).as_secs() as i64 + 60
    }
}

/// What happened at one endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndpointOutcome {
    /// Accepted (2xx) after this many POSTs in this invocation.
    Delivered { attempts: u32 },
    /// Delivered by an earlier receive of the message: nothing sent.
    AlreadyDelivered,
}

/// Why a record is reported for redelivery.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("record body is not a decision event: {0}")]
    Malformed(String),
    #[error("endpoint {endpoint}: still failing after {attempts} attempts ({reason})")]
    Undelivered {
        endpoint: String,
        attempts: u32,
        reason: String,
    },
    #[error("endpoint {endpoint} answered HTTP {status}, which retrying cannot change")]
    Rejected { endpoint: String, status: u16 },
    #[error("endpoint {endpoint} is being delivered by another invocation until {until}")]
    Leased { endpoint: String, until: i64 },
    #[error("endpoint {endpoint}: this invocation's time for deliveries is used up")]
    OutOfTime { endpoint: String },
    #[error(transparent)]
    Aws(#[from] AwsError),
}

impl DeliveryError {
    /// Whether it needs a person (logged at error level): everything but a receiver that is
    /// down for now, a concurrent invocation and an AWS service that is unavailable for now.
    fn is_ours_or_theirs_to_fix(&self) -> bool {
        match self {
            DeliveryError::Undelivered { .. }
            | DeliveryError::Leased { .. }
            | DeliveryError::OutOfTime { .. } => false,
            DeliveryError::Aws(aws) => !aws.is_transient(),
            DeliveryError::Malformed(_) | DeliveryError::Rejected { .. } => true,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SnsEnvelope {
    message: String,
}

/// A decision event from an SQS body: the event JSON itself (raw delivery, as Terraform
/// subscribes the queue), or an SNS envelope around it. Returns the event's id and type, and
/// the JSON to send.
pub fn parse_event(body: &str) -> Result<(String, String, String), DeliveryError> {
    let malformed = |e: serde_json::Error| DeliveryError::Malformed(e.to_string());
    let value: serde_json::Value = serde_json::from_str(body).map_err(malformed)?;
    let event = if value.get("id").is_some() {
        body.to_string()
    } else {
        serde_json::from_value::<SnsEnvelope>(value)
            .map_err(malformed)?
            .message
    };
    // Read as core's event, so only a real decision event is signed and sent; the body itself is
    // sent as published, byte for byte.
    let parsed: DecisionEvent = serde_json::from_str(&event).map_err(malformed)?;
    if parsed.id.is_empty() {
        return Err(DeliveryError::Malformed("empty id".into()));
    }
    Ok((parsed.id, parsed.kind.as_str().to_string(), event))
}

pub async fn handle_batch(state: &AppState, event: SqsEvent) -> SqsBatchResponse {
    handle_batch_with(state, event, &DeliveryPolicy::standard()).await
}

/// [`handle_batch`] with a given retry policy (tests use milliseconds).
pub async fn handle_batch_with(
    state: &AppState,
    event: SqsEvent,
    policy: &DeliveryPolicy,
) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    let deadline = Instant::now() + policy.budget;
    for record in &event.records {
        let message_id = record.message_id.clone().unwrap_or_default();
        match deliver(state, record, policy, deadline).await {
            Ok(outcomes) => {
                tracing::info!(message_id, ?outcomes, "decision event delivered")
            }
            Err(errors) => {
                for err in &errors {
                    if err.is_ours_or_theirs_to_fix() {
                        tracing::error!(message_id, error = %err, "decision event not delivered; redelivered until the DLQ");
                    } else {
                        tracing::warn!(message_id, error = %err, "decision event not delivered yet; SQS will redeliver");
                    }
                }
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = message_id;
                response.batch_item_failures.push(failure);
            }
        }
    }
    response
}

/// Delivers one record to every endpoint still owed it. Endpoints are independent: one that
/// fails does not stop the others, and the record is reported if any failed. No claim is made
/// and no retry begins after `deadline`.
pub async fn deliver(
    state: &AppState,
    record: &SqsMessage,
    policy: &DeliveryPolicy,
    deadline: Instant,
) -> Result<Vec<(String, EndpointOutcome)>, Vec<DeliveryError>> {
    let (event_id, event_type, body) =
        parse_event(record.body.as_deref().unwrap_or_default()).map_err(|e| vec![e])?;
    let endpoints = &state.aws.settings.decision_events.endpoints;
    if endpoints.is_empty() {
        tracing::info!(event_id, event_type, "no webhook endpoints configured");
    }
    let mut outcomes = Vec::new();
    let mut errors = Vec::new();
    for endpoint in endpoints {
        match deliver_to(state, endpoint, &event_id, &body, policy, deadline).await {
            Ok(outcome) => {
                tracing::info!(
                    event_id,
                    event_type,
                    endpoint = endpoint.name,
                    ?outcome,
                    "endpoint done"
                );
                outcomes.push((endpoint.name.clone(), outcome));
            }
            Err(err) => errors.push(err),
        }
    }
    if errors.is_empty() {
        Ok(outcomes)
    } else {
        Err(errors)
    }
}

async fn deliver_to(
    state: &AppState,
    endpoint: &WebhookEndpoint,
    event_id: &str,
    body: &str,
    policy: &DeliveryPolicy,
    deadline: Instant,
) -> Result<EndpointOutcome, DeliveryError> {
    if Instant::now() >= deadline {
        return Err(DeliveryError::OutOfTime {
            endpoint: endpoint.name.clone(),
        });
    }
    let now = state.now().unix_timestamp();
    let claimed = match state
        .aws
        .deliveries
        .claim(event_id, &endpoint.name, now, policy.lease_secs())
        .await?
    {
        Claim::Delivered => return Ok(EndpointOutcome::AlreadyDelivered),
        Claim::Leased { until } => {
            return Err(DeliveryError::Leased {
                endpoint: endpoint.name.clone(),
                until,
            })
        }
        Claim::Claimed(claimed) => claimed,
    };
    let result = send_with_retries(state, endpoint, event_id, body, policy, deadline).await;
    finish(state, &claimed, result).await
}

/// Records how the attempts went: DELIVERED, or the claim released for the next receive.
async fn finish(
    state: &AppState,
    claimed: &DeliveryItem,
    result: (u32, Result<(), DeliveryError>),
) -> Result<EndpointOutcome, DeliveryError> {
    let (attempts, sent) = result;
    let deliveries = &state.aws.deliveries;
    match sent {
        Ok(()) => {
            match deliveries
                .delivered(claimed, attempts, state.timestamp())
                .await
            {
                Ok(()) => {}
                // The lease ran out while sending and another invocation claimed the endpoint:
                // it may send too (same webhook-id). Nothing to undo here.
                Err(AwsError::ConditionFailed) => tracing::warn!(
                    event_id = claimed.event_id,
                    endpoint = claimed.endpoint,
                    "delivered after the claim was lost"
                ),
                Err(err) => return Err(err.into()),
            }
            Ok(EndpointOutcome::Delivered { attempts })
        }
        Err(err) => {
            match deliveries.release(claimed, attempts).await {
                Ok(()) | Err(AwsError::ConditionFailed) => {}
                // Not released: the lease runs out by itself before SQS redelivers.
                Err(release) => tracing::warn!(error = %release, "claim not released"),
            }
            Err(err)
        }
    }
}

/// POSTs until accepted, rejected, or out of retries; returns the POSTs made with the result.
async fn send_with_retries(
    state: &AppState,
    endpoint: &WebhookEndpoint,
    event_id: &str,
    body: &str,
    policy: &DeliveryPolicy,
    deadline: Instant,
) -> (u32, Result<(), DeliveryError>) {
    let secret: std::sync::Arc<WebhookSecret> = match state.aws.signing_secret.get().await {
        Ok(secret) => secret,
        Err(err) => return (0, Err(err.into())),
    };
    let mut delays = policy.delays.iter();
    let mut attempts = 0;
    loop {
        let timestamp = state.now().unix_timestamp();
        let headers = [
            (webhook::WEBHOOK_ID_HEADER, event_id.to_string()),
            (webhook::WEBHOOK_TIMESTAMP_HEADER, timestamp.to_string()),
            (
                webhook::WEBHOOK_SIGNATURE_HEADER,
                webhook::sign(&secret, event_id, timestamp, body),
            ),
        ];
        attempts += 1;
        match state.aws.webhooks.post(&endpoint.url, &headers, body).await {
            PostOutcome::Accepted(_) => return (attempts, Ok(())),
            PostOutcome::Rejected(status) => {
                return (
                    attempts,
                    Err(DeliveryError::Rejected {
                        endpoint: endpoint.name.clone(),
                        status,
                    }),
                )
            }
            PostOutcome::Retryable {
                reason,
                retry_after,
            } => {
                let Some(delay) = delays.next() else {
                    return (
                        attempts,
                        Err(DeliveryError::Undelivered {
                            endpoint: endpoint.name.clone(),
                            attempts,
                            reason,
                        }),
                    );
                };
                let wait =
                    retry_after.map_or(*delay, |asked| asked.min(MAX_RETRY_AFTER).max(*delay));
                if Instant::now() + wait >= deadline {
                    return (
                        attempts,
                        Err(DeliveryError::Undelivered {
                            endpoint: endpoint.name.clone(),
                            attempts,
                            reason: format!("{reason}; no time left to retry in this invocation"),
                        }),
                    );
                }
                tracing::info!(
                    event_id,
                    endpoint = endpoint.name,
                    reason,
                    ?wait,
                    "retrying"
                );
                tokio::time::sleep(wait).await;
            }
        }
    }
}
