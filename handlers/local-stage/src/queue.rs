//! The local event source mappings: each long-polls its queue and invokes its function with
//! real SQS event records, deleting only what the function did not report as failed — exactly
//! what Lambda does with `ReportBatchItemFailures`. The lending queue feeds the consumer
//! (`lending-analysis-completed`), the decision deliveries queue the dispatcher
//! (`deliver-decision-events`). Beside them, the erasure sweep's schedule (`sweep-erasures`).

use std::collections::HashSet;
use std::future::Future;
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use aws_sdk_sqs::types::MessageSystemAttributeName;
use lendverify_functions::dispatcher::{self, DeliveryPolicy};
use lendverify_functions::{consumer, AppState};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

/// The lending completion consumer's event source mapping.
pub async fn run(
    state: AppState,
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    queue_arn: String,
    visibility_timeout: Option<Duration>,
    stop: CancellationToken,
) {
    let handle = move |event: SqsEvent| {
        let state = state.clone();
        async move { consumer::handle_batch(&state, event).await }
    };
    poll(sqs, queue_url, queue_arn, visibility_timeout, stop, handle).await
}

/// The decision event dispatcher's event source mapping, with its retry policy (core's
/// backoff unless a test gives a faster one).
pub async fn run_dispatcher(
    state: AppState,
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    queue_arn: String,
    visibility_timeout: Option<Duration>,
    policy: DeliveryPolicy,
    stop: CancellationToken,
) {
    let handle = move |event: SqsEvent| {
        let (state, policy) = (state.clone(), policy.clone());
        async move { dispatcher::handle_batch_with(&state, event, &policy).await }
    };
    poll(sqs, queue_url, queue_arn, visibility_timeout, stop, handle).await
}

/// `sweep-erasures` every `interval`, as its EventBridge rule invokes it on AWS; a failed sweep
/// is logged and repeated at the next tick, as the next scheduled invocation would.
pub async fn run_erasure_sweeps(state: AppState, interval: Duration, stop: CancellationToken) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = ticks.tick() => {
                if let Err(err) = lendverify_functions::erasure::sweep(&state).await {
                    err.log_as_ours("sweep-erasures");
                }
            }
        }
    }
}

/// Receives batches of up to 10 messages and hands each to `handle` as Lambda would.
async fn poll<F, Fut>(
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    queue_arn: String,
    visibility_timeout: Option<Duration>,
    stop: CancellationToken,
    handle: F,
) where
    F: Fn(SqsEvent) -> Fut,
    Fut: Future<Output = SqsBatchResponse>,
{
    let visibility_timeout_seconds =
        visibility_timeout.map(|t| i32::try_from(t.as_secs().max(1)).unwrap_or(i32::MAX));
    loop {
        let receive = sqs
            .receive_message()
            .queue_url(&queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .set_visibility_timeout(visibility_timeout_seconds)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send();
        let received = tokio::select! {
            _ = stop.cancelled() => return,
            received = receive => received,
        };
        let messages = match received {
            Ok(out) => out.messages.unwrap_or_default(),
            Err(err) => {
                tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(&err), "receive failed");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        if messages.is_empty() {
            continue;
        }
        let records: Vec<Value> = messages
            .iter()
            .map(|m| {
                let attributes: serde_json::Map<String, Value> = m
                    .attributes()
                    .map(|a| {
                        a.iter()
                            .map(|(k, v)| (k.as_str().to_string(), Value::String(v.clone())))
                            .collect()
                    })
                    .unwrap_or_default();
                json!({
                    "messageId": m.message_id(),
                    "receiptHandle": m.receipt_handle(),
                    "body": m.body(),
                    "md5OfBody": m.md5_of_body(),
                    "attributes": attributes,
                    "messageAttributes": {},
                    "eventSource": "aws:sqs",
                    "eventSourceARN": queue_arn,
                    "awsRegion": "us-east-1",
                })
            })
            .collect();
        let event: SqsEvent = match serde_json::from_value(json!({ "Records": records })) {
            Ok(event) => event,
            Err(err) => {
                tracing::error!(error = %err, "could not build the SQS event");
                continue;
            }
        };
        let response = handle(event).await;
        let failed: HashSet<String> = response
            .batch_item_failures
            .into_iter()
            .map(|f| f.item_identifier)
            .collect();
        for message in &messages {
            if failed.contains(message.message_id().unwrap_or_default()) {
                continue; // left for redelivery after the visibility timeout, then the DLQ
            }
            if let Some(handle) = message.receipt_handle() {
                if let Err(err) = sqs
                    .delete_message()
                    .queue_url(&queue_url)
                    .receipt_handle(handle)
                    .send()
                    .await
                {
                    tracing::warn!(error = %aws_sdk_sqs::error::DisplayErrorContext(&err), "delete failed");
                }
            }
        }
    }
}
