//! DynamoDB: the webhook delivery records of `deliver-decision-events`, in the applications table.
//!
//! One item per event and endpoint, pk `EVENT#{eventId}`, sk `DELIVERY#{endpoint}`. SQS delivers
//! at least once and a batch item failure redelivers the whole event, so the dispatcher claims
//! each endpoint before sending: the claim is a conditional write with a lease, which only one
//! invocation at a time can hold, and an endpoint whose record says DELIVERED is never sent the
//! event again. The claim token written with the lease lets only its holder finish the record.
//!
//! Every write is a conditional PutItem of the whole item (a consistent GetItem reads it first),
//! so the attempt count is carried over without UpdateItem.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use serde::{Deserialize, Serialize};

use crate::error::{AwsError, Op};
use crate::lazy::Lazy;

/// How long delivery records are kept (TTL `expiresAt`): longer than a message can live in the
/// queue and its DLQ (14 days each at most), so a redrive from the DLQ still finds them.
pub const DELIVERY_RECORD_DAYS: i64 = 30;

pub fn event_pk(event_id: &str) -> String {
    format!("EVENT#{event_id}")
}

pub fn delivery_sk(endpoint: &str) -> String {
    format!("DELIVERY#{endpoint}")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryStatus {
    /// Claimed by the invocation holding `claim` until `leaseUntil`, or released (lease 0) after
    /// a failed attempt.
    Sending,
    /// The endpoint answered 2xx: never sent again.
    Delivered,
}

/// One event's delivery to one endpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryItem {
    pub pk: String,
    pub sk: String,
    pub event_id: String,
    pub endpoint: String,
    pub status: DeliveryStatus,
    /// The token of the invocation that holds (or last held) the claim.
    pub claim: String,
    /// Epoch seconds until which the claim is held; 0 once released or delivered.
    pub lease_until: i64,
    /// POSTs made to the endpoint for this event, over every invocation.
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<String>,
    /// Epoch seconds (table TTL).
    pub expires_at: i64,
}

/// The answer to a claim.
#[derive(Clone, Debug, PartialEq)]
pub enum Claim {
    /// This invocation holds the endpoint until the lease ends.
    Claimed(DeliveryItem),
    /// An earlier delivery was accepted: nothing to send.
    Delivered,
    /// Another invocation holds the lease (a concurrent redelivery) until then: try later.
    Leased { until: i64 },
}

#[derive(Clone, Debug)]
pub struct Deliveries {
    client: Lazy<Client>,
    table: String,
}

type Item = HashMap<String, AttributeValue>;

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_string())
}

impl Deliveries {
    pub fn new(client: impl Into<Lazy<Client>>, table: String) -> Self {
        Self {
            client: client.into(),
            table,
        }
    }

    /// Reads the record (consistently).
    pub async fn get(
        &self,
        event_id: &str,
        endpoint: &str,
    ) -> Result<Option<DeliveryItem>, AwsError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(&event_pk(event_id)))
            .key("sk", s(&delivery_sk(endpoint)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| AwsError::classify(Op::GetItem, e))?;
        out.item
            .map(|item| {
                serde_dynamo::from_item(item)
                    .map_err(|_| AwsError::malformed(Op::GetItem, "an item is not a DeliveryItem"))
            })
            .transpose()
    }

    /// Claims the delivery of `event_id` to `endpoint` for `lease_secs` from `now` (epoch
    /// seconds). Only one of several racing claims wins: a new record is written only if absent,
    /// an expired or released one only if its claim token is still the one read.
    pub async fn claim(
        &self,
        event_id: &str,
        endpoint: &str,
        now: i64,
        lease_secs: i64,
    ) -> Result<Claim, AwsError> {
        let existing = self.get(event_id, endpoint).await?;
        let attempts = match &existing {
            Some(item) if item.status == DeliveryStatus::Delivered => return Ok(Claim::Delivered),
            Some(item) if item.lease_until > now => {
                return Ok(Claim::Leased {
                    until: item.lease_until,
                })
            }
            Some(item) => item.attempts,
            None => 0,
        };
        let claimed = DeliveryItem {
            pk: event_pk(event_id),
            sk: delivery_sk(endpoint),
            event_id: event_id.into(),
            endpoint: endpoint.into(),
            status: DeliveryStatus::Sending,
            claim: uuid::Uuid::new_v4().to_string(),
            lease_until: now + lease_secs,
            attempts,
            delivered_at: None,
            expires_at: now + DELIVERY_RECORD_DAYS * 86_400,
        };
        let held_by = existing.as_ref().map(|item| item.claim.as_str());
        match self.put(&claimed, held_by).await {
            Ok(()) => Ok(Claim::Claimed(claimed)),
            // Another invocation claimed it between the read and the write.
            Err(AwsError::ConditionFailed) => Ok(Claim::Leased {
                until: now + lease_secs,
            }),
            Err(err) => Err(err),
        }
    }

    /// Records the delivery accepted after `attempts` more POSTs. `ConditionFailed` if the
    /// claim was lost (the lease ran out and another invocation claimed it).
    pub async fn delivered(
        &self,
        claimed: &DeliveryItem,
        attempts: u32,
        delivered_at: String,
    ) -> Result<(), AwsError> {
        let item = DeliveryItem {
            status: DeliveryStatus::Delivered,
            lease_until: 0,
            attempts: claimed.attempts + attempts,
            delivered_at: Some(delivered_at),
            ..claimed.clone()
        };
        self.put(&item, Some(&claimed.claim)).await
    }

    /// Gives the claim up after `attempts` failed POSTs, so the next delivery of the message can
    /// claim it at once. `ConditionFailed` if the claim was lost meanwhile.
    pub async fn release(&self, claimed: &DeliveryItem, attempts: u32) -> Result<(), AwsError> {
        let item = DeliveryItem {
            lease_until: 0,
            attempts: claimed.attempts + attempts,
            ..claimed.clone()
        };
        self.put(&item, Some(&claimed.claim)).await
    }

    /// Writes `item` if no record exists (`held_by` None) or if the stored claim token is
    /// still `held_by`.
    async fn put(&self, item: &DeliveryItem, held_by: Option<&str>) -> Result<(), AwsError> {
        let attributes: Item = serde_dynamo::to_item(item)
            .map_err(|_| AwsError::malformed(Op::PutItem, "DeliveryItem does not serialize"))?;
        let request = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(attributes));
        let request = match held_by {
            None => request.condition_expression("attribute_not_exists(pk)"),
            Some(token) => request
                .condition_expression("#claim = :claim")
                .expression_attribute_names("#claim", "claim")
                .expression_attribute_values(":claim", s(token)),
        };
        request
            .send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::classify(Op::PutItem, e))
    }
}
