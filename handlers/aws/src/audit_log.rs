//! DynamoDB: the audit table (`AUDIT_TABLE`), one hash chain of events per application.
//!
//! Items (hash key `pk` = `APP#{applicationId}`, range key `sk`):
//! - `EVENT#{seq:010}`: one event, `{seq, body, hash, kind, at, expires_at}`, where `body` is the
//!   canonical JSON the domain hashed (`lendverify_core::audit`) and `hash` its hex SHA-256;
//! - `HEAD`: the chain's tip, `{seq, hash}` of the last event.
//!
//! Appending never updates or deletes anything: the functions' roles only have `PutItem`
//! (through `TransactWriteItems`), `GetItem` and `Query` on this table. An append reads HEAD,
//! lets the caller build the next event on it, and writes the event and the new HEAD in one
//! transaction whose conditions hold only if nobody appended in between (the event's key is new,
//! and HEAD is absent or still at the sequence read). A lost race reads HEAD again and retries.
//!
//! The state change an event describes is written in that same transaction ([`Change`], built by
//! [`crate::store::Store`]): a change is never stored without its event, nor an event without its
//! change, whatever fails in between. A retried request then finds both or neither.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use aws_sdk_dynamodb::Client;
use lendverify_core::audit::{AuditEvent, ChainHead, EventDraft};
use serde::{Deserialize, Serialize};

use crate::error::{AwsError, Op};
use crate::lazy::Lazy;
use crate::records::application_pk;

pub const HEAD_SK: &str = "HEAD";
pub const EVENT_PREFIX: &str = "EVENT#";

/// How often an append is tried when other appends to the same application keep winning.
pub const MAX_APPEND_ATTEMPTS: u32 = 5;

type Item = HashMap<String, AttributeValue>;

pub fn event_sk(seq: u64) -> String {
    format!("{EVENT_PREFIX}{seq:010}")
}

#[derive(Serialize, Deserialize)]
struct EventItem {
    pk: String,
    sk: String,
    seq: u64,
    body: String,
    hash: String,
    kind: String,
    at: String,
    expires_at: i64,
}

#[derive(Serialize, Deserialize)]
struct HeadItem {
    pk: String,
    sk: String,
    seq: u64,
    hash: String,
    /// The HEAD lives as long as the newest event.
    expires_at: i64,
}

/// The items of a state change, written in one transaction with the event that describes it.
/// Each carries its own condition (an item is new, still in progress, still exists...); if one
/// does not hold, nothing is written and the append answers [`Appended::ChangeRefused`].
#[derive(Clone, Debug, Default)]
pub struct Change {
    pub(crate) items: Vec<TransactWriteItem>,
}

impl Change {
    /// No state change: the event alone.
    pub fn none() -> Self {
        Self::default()
    }

    /// This change and `other`, in one transaction. A condition check both carry (the
    /// application is not erased) is sent once: DynamoDB refuses two operations on one item.
    #[must_use]
    pub fn and(mut self, other: Change) -> Self {
        for item in other.items {
            let repeated = item.condition_check().is_some_and(|check| {
                self.items.iter().any(|mine| {
                    mine.condition_check().is_some_and(|c| {
                        c.table_name() == check.table_name() && c.key() == check.key()
                    })
                })
            });
            if !repeated {
                self.items.push(item);
            }
        }
        self
    }
}

/// What an append with a change did.
#[derive(Clone, Debug)]
pub enum Appended {
    /// The change and its event are stored.
    Recorded(AuditEvent),
    /// A condition of the change did not hold (another request made it, or the item is gone):
    /// nothing was written.
    ChangeRefused,
}

#[derive(Clone, Debug)]
pub struct AuditLog {
    client: Lazy<Client>,
    table: String,
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_string())
}

impl AuditLog {
    pub fn new(client: impl Into<Lazy<Client>>, table: String) -> Self {
        Self {
            client: client.into(),
            table,
        }
    }

    /// The tip of the application's chain (a consistent read), `None` before its first event.
    pub async fn head(&self, application_id: &str) -> Result<Option<ChainHead>, AwsError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(&application_pk(application_id)))
            .key("sk", s(HEAD_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| AwsError::classify(Op::GetItem, e))?;
        out.item
            .map(|item| {
                serde_dynamo::from_item::<_, HeadItem>(item)
                    .map(|h| ChainHead {
                        seq: h.seq,
                        hash: h.hash,
                    })
                    .map_err(|_| AwsError::malformed(Op::GetItem, "an audit HEAD item"))
            })
            .transpose()
    }

    /// Every event of the application, oldest first (a consistent read of all pages).
    pub async fn events(&self, application_id: &str) -> Result<Vec<AuditEvent>, AwsError> {
        let items: Vec<Item> = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :event)")
            .expression_attribute_values(":pk", s(&application_pk(application_id)))
            .expression_attribute_values(":event", s(EVENT_PREFIX))
            .consistent_read(true)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| AwsError::classify(Op::Query, e))?;
        items
            .into_iter()
            .map(|item| {
                serde_dynamo::from_item::<_, EventItem>(item)
                    .map(|e| AuditEvent {
                        seq: e.seq,
                        body: e.body,
                        hash: e.hash,
                    })
                    .map_err(|_| AwsError::malformed(Op::Query, "an audit EVENT item"))
            })
            .collect()
    }

    /// Writes `change` and appends `draft` to the application's chain, in one transaction.
    /// `expires_at` (epoch seconds) is the event's TTL, the end of the retention period.
    pub async fn record(
        &self,
        application_id: &str,
        change: Change,
        draft: &EventDraft,
        expires_at: i64,
    ) -> Result<Appended, AwsError> {
        let pk = application_pk(application_id);
        let kind = draft.kind.as_str();
        let at = draft
            .at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let mut last_error = None;
        for attempt in 1..=MAX_APPEND_ATTEMPTS {
            let head = self.head(application_id).await?;
            let event = AuditEvent::next(application_id, head.as_ref(), draft.clone());
            match self
                .write(&change, &pk, head.as_ref(), &event, kind, &at, expires_at)
                .await
            {
                Written::Yes => return Ok(Appended::Recorded(event)),
                Written::ChangeRefused => return Ok(Appended::ChangeRefused),
                Written::No(err) if lost_race(&err) => {
                    tracing::info!(application_id, attempt, error = %err, "audit append lost a race; reading HEAD again");
                    last_error = Some(err);
                    tokio::time::sleep(std::time::Duration::from_millis(10 * u64::from(attempt)))
                        .await;
                }
                Written::No(err) => return Err(err),
            }
        }
        Err(match last_error {
            Some(AwsError::ConditionFailed) | None => AwsError::Unavailable {
                service: "dynamodb",
                operation: "TransactWriteItems",
                code: "AuditAppendContention".into(),
            },
            Some(other) => other,
        })
    }

    #[allow(clippy::too_many_arguments)]
    async fn write(
        &self,
        change: &Change,
        pk: &str,
        head: Option<&ChainHead>,
        event: &AuditEvent,
        kind: &str,
        at: &str,
        expires_at: i64,
    ) -> Written {
        const OP: Op = Op::TransactWriteItems;
        let event_item = EventItem {
            pk: pk.to_string(),
            sk: event_sk(event.seq),
            seq: event.seq,
            body: event.body.clone(),
            hash: event.hash.clone(),
            kind: kind.to_string(),
            at: at.to_string(),
            expires_at,
        };
        let head_item = HeadItem {
            pk: pk.to_string(),
            sk: HEAD_SK.into(),
            seq: event.seq,
            hash: event.hash.clone(),
            expires_at,
        };
        let (event_item, head_item) = match (to_item(&event_item), to_item(&head_item)) {
            (Ok(event), Ok(head)) => (event, head),
            (Err(err), _) | (_, Err(err)) => return Written::No(err),
        };
        let Ok(put_event) = Put::builder()
            .table_name(&self.table)
            .set_item(Some(event_item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
        else {
            return Written::No(AwsError::malformed(OP, "Put"));
        };
        let mut put_head = Put::builder()
            .table_name(&self.table)
            .set_item(Some(head_item));
        put_head = match head {
            None => put_head.condition_expression("attribute_not_exists(pk)"),
            Some(head) => put_head
                .condition_expression("attribute_not_exists(pk) OR seq = :prev")
                .expression_attribute_values(":prev", AttributeValue::N(head.seq.to_string())),
        };
        let Ok(put_head) = put_head.build() else {
            return Written::No(AwsError::malformed(OP, "Put"));
        };
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(change.items.clone()))
            .transact_items(TransactWriteItem::builder().put(put_event).build())
            .transact_items(TransactWriteItem::builder().put(put_head).build())
            .send()
            .await;
        match result {
            Ok(_) => Written::Yes,
            Err(err) if refused_change(&err, change.items.len()) => Written::ChangeRefused,
            Err(err) => Written::No(AwsError::classify_with(OP, err, crate::store::cancellation)),
        }
    }
}

enum Written {
    Yes,
    ChangeRefused,
    No(AwsError),
}

/// Whether a cancelled transaction failed a condition of the change (its first `change_items`
/// items; the event and HEAD follow). DynamoDB lists one reason per item, in order; without
/// reasons, a transaction with a change is judged refused by it, as the error table documents
/// for `TransactionCanceledException` (the caller re-reads what is stored).
fn refused_change(
    err: &aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError,
        aws_smithy_runtime_api::http::Response,
    >,
    change_items: usize,
) -> bool {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError as E;
    let Some(E::TransactionCanceledException(cancelled)) = err.as_service_error() else {
        return false;
    };
    let reasons = cancelled.cancellation_reasons();
    if reasons.is_empty() {
        return change_items > 0;
    }
    reasons
        .iter()
        .take(change_items)
        .any(|r| r.code() == Some("ConditionalCheckFailed"))
}

fn lost_race(err: &AwsError) -> bool {
    match err {
        AwsError::ConditionFailed => true,
        AwsError::Unavailable { code, .. } => code == "TransactionCanceledException",
        _ => false,
    }
}

fn to_item<T: Serialize>(value: &T) -> Result<Item, AwsError> {
    serde_dynamo::to_item(value)
        .map_err(|_| AwsError::malformed(Op::TransactWriteItems, "an audit item"))
}
