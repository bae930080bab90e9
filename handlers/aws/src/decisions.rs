//! SNS: the `decision-events` topic. Each final identity decision, each review decision and each
//! completed document analysis is published here once, as the JSON of a
//! [`DecisionEvent`](lendverify_core::webhook::DecisionEvent); the topic delivers it (raw) to the
//! `decision-deliveries` queue, which `deliver-decision-events` drains into signed webhooks.
//!
//! The event id is derived from what was decided (UUID v5 in core), so publishing the same
//! decision again (a retried request, a redelivered completion) publishes the same id, and the
//! dispatcher's delivery records send it to each endpoint once.

use aws_sdk_sns::types::MessageAttributeValue;
use aws_sdk_sns::Client;
use lendverify_core::webhook::DecisionEvent;

use crate::error::{AwsError, Op};
use crate::lazy::Lazy;

/// The message attribute naming the event type, so a subscription can filter on it
/// (`FilterPolicy: {"type": ["review.decided"]}`) without reading the body.
pub const TYPE_ATTRIBUTE: &str = "type";

/// The publisher of decision events.
#[derive(Clone, Debug)]
pub struct DecisionEvents {
    client: Lazy<Client>,
    topic_arn: String,
}

impl DecisionEvents {
    pub fn new(client: impl Into<Lazy<Client>>, topic_arn: String) -> Self {
        Self {
            client: client.into(),
            topic_arn,
        }
    }

    /// Publishes one event: its JSON (`DecisionEvent::to_body`, the webhook body byte for
    /// byte) with its type as the message attribute `type`. A republish of the same decision
    /// has the same id, and is delivered once per endpoint.
    pub async fn publish(&self, event: &DecisionEvent) -> Result<(), AwsError> {
        self.publish_json(&event.id, event.kind.as_str(), event.to_body())
            .await
    }

    /// Publishes one event given as JSON: `body` is its JSON (the webhook body, byte for byte), `event_type`
    /// its `type` and `event_id` its `id` (logged, never the body: it carries an application id
    /// and a decision, nothing personal, but logs only ever name ids).
    pub async fn publish_json(
        &self,
        event_id: &str,
        event_type: &str,
        body: String,
    ) -> Result<(), AwsError> {
        let attribute = MessageAttributeValue::builder()
            .data_type("String")
            .string_value(event_type)
            .build()
            .map_err(|_| AwsError::malformed(Op::Publish, "MessageAttributeValue"))?;
        let out = self
            .client
            .publish()
            .topic_arn(&self.topic_arn)
            .message(body)
            .message_attributes(TYPE_ATTRIBUTE, attribute)
            .send()
            .await
            .map_err(|e| AwsError::classify(Op::Publish, e))?;
        tracing::info!(
            event_id,
            event_type,
            message_id = out.message_id().unwrap_or_default(),
            "decision event published"
        );
        Ok(())
    }
}
