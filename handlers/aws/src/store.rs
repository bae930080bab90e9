//! DynamoDB: the applications table.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use aws_sdk_dynamodb::Client;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Answer, AwsError, Op};
use crate::lazy::Lazy;
use crate::records::*;

pub const OWNER_INDEX: &str = "owner-index";
pub const JOB_INDEX: &str = "job-index";

type Item = HashMap<String, AttributeValue>;

#[derive(Clone, Debug)]
pub struct Store {
    client: Lazy<Client>,
    table: String,
}

fn to_item<T: Serialize>(op: Op, value: &T) -> Result<Item, AwsError> {
    serde_dynamo::to_item(value).map_err(|_| {
        AwsError::malformed(
            op,
            format!("{} does not serialize", std::any::type_name::<T>()),
        )
    })
}

/// Reads an item; the detail names the type only (serde's message would quote stored values).
fn from_item<T: DeserializeOwned>(op: Op, item: Item) -> Result<T, AwsError> {
    serde_dynamo::from_item(item).map_err(|_| {
        AwsError::malformed(
            op,
            format!("an item is not a {}", std::any::type_name::<T>()),
        )
    })
}

/// The answer to a cancelled transaction, by its reasons: a failed condition is a race another
/// request won; throttling and conflicts are transient; anything else is ours.
fn cancellation(
    err: &aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError,
) -> Option<Answer> {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError as E;
    let E::TransactionCanceledException(cancelled) = err else {
        return None;
    };
    let reasons: Vec<&str> = cancelled
        .cancellation_reasons()
        .iter()
        .filter_map(|r| r.code())
        .filter(|code| *code != "None")
        .collect();
    // No reasons at all: only the condition is known to cancel (the call site re-reads).
    Some(
        if reasons.is_empty() || reasons.contains(&"ConditionalCheckFailed") {
            Answer::Condition
        } else if reasons.iter().all(|code| {
            matches!(
                *code,
                "ThrottlingError" | "ProvisionedThroughputExceeded" | "TransactionConflict"
            )
        }) {
            Answer::Transient
        } else {
            Answer::Ours
        },
    )
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_string())
}

/// The outcome of a write that only the first of several racing requests makes.
#[derive(Clone, Debug, PartialEq)]
pub enum Recorded<T> {
    /// This request's item was written.
    Written,
    /// Another request wrote first: its item, as stored.
    AlreadyStored(T),
}

/// A put that fails instead of overwriting: ids are fresh, so an existing item means a replay.
const NEW_ITEM: &str = "attribute_not_exists(pk)";

impl Store {
    pub fn new(client: impl Into<Lazy<Client>>, table: String) -> Self {
        Self {
            client: client.into(),
            table,
        }
    }

    /// Creates an application, and its idempotency key in the same transaction when one is given,
    /// so a replayed request can never create a second application.
    pub async fn create_application(
        &self,
        application: &ApplicationItem,
        idempotency: Option<&IdempotencyItem>,
    ) -> Result<(), AwsError> {
        let Some(idempotency) = idempotency else {
            return self.put_new(application).await;
        };
        let put = |item: Item| -> Result<TransactWriteItem, AwsError> {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression(NEW_ITEM)
                .build()
                .map_err(|_| AwsError::malformed(Op::TransactWriteItems, "Put"))?;
            Ok(TransactWriteItem::builder().put(put).build())
        };
        const OP: Op = Op::TransactWriteItems;
        self.client
            .transact_write_items()
            .transact_items(put(to_item(OP, idempotency)?)?)
            .transact_items(put(to_item(OP, application)?)?)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::classify_with(OP, e, cancellation))
    }

    /// Writes a new item; `ConditionFailed` if one with the same key exists.
    pub async fn put_new<T: Serialize>(&self, item: &T) -> Result<(), AwsError> {
        self.put_item(item, |put| put.condition_expression(NEW_ITEM))
            .await
    }

    /// Records an identity decision unless its attempt already has one, which a racing (or
    /// earlier) submission of the same attempt stored first under the same key
    /// ([`VerificationAttempt`]); that one is returned then. The failed put itself returns it
    /// (`ReturnValuesOnConditionCheckFailure`), so there is no second read and no moment in which
    /// it could have changed.
    pub async fn record_verification(
        &self,
        verification: &VerificationItem,
    ) -> Result<Recorded<VerificationItem>, AwsError> {
        use aws_sdk_dynamodb::operation::put_item::PutItemError;
        use aws_sdk_dynamodb::types::error::ConditionalCheckFailedException;
        use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure;
        let result = self
            .put_request(verification)?
            .condition_expression(NEW_ITEM)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(_) => Ok(Recorded::Written),
            Err(err) => match err.as_service_error() {
                Some(PutItemError::ConditionalCheckFailedException(
                    ConditionalCheckFailedException {
                        item: Some(stored), ..
                    },
                )) => from_item(Op::PutItem, stored.clone()).map(Recorded::AlreadyStored),
                _ => Err(AwsError::classify(Op::PutItem, err)),
            },
        }
    }

    /// Replaces an item only while it is still `IN_PROGRESS`: the one allowed transition out of
    /// that state happens once, however often it is attempted (duplicate SQS deliveries, two
    /// concurrent polls of a liveness result).
    pub async fn replace_in_progress<T: Serialize>(&self, item: &T) -> Result<(), AwsError> {
        self.put_item(item, |put| {
            put.condition_expression("attribute_exists(pk) AND #status = :in_progress")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":in_progress", s("IN_PROGRESS"))
        })
        .await
    }

    /// Replaces an item that exists; `ConditionFailed` if it is gone (an erasure won the race), so
    /// an update never resurrects an erased application.
    pub async fn replace_existing<T: Serialize>(&self, item: &T) -> Result<(), AwsError> {
        self.put_item(item, |put| put.condition_expression("attribute_exists(pk)"))
            .await
    }

    /// Writes an item unconditionally (the erasure record).
    pub async fn put<T: Serialize>(&self, item: &T) -> Result<(), AwsError> {
        self.put_item(item, |put| put).await
    }

    /// One PutItem of `item`, with the condition `condition` adds to it.
    async fn put_item<T: Serialize>(
        &self,
        item: &T,
        condition: impl FnOnce(PutItemFluentBuilder) -> PutItemFluentBuilder,
    ) -> Result<(), AwsError> {
        condition(self.put_request(item)?)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::classify(Op::PutItem, e))
    }

    /// A PutItem of `item` into the table, without a condition yet.
    fn put_request<T: Serialize>(&self, item: &T) -> Result<PutItemFluentBuilder, AwsError> {
        Ok(self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(Op::PutItem, item)?)))
    }

    /// Reads one item with a strongly consistent read.
    async fn get<T: DeserializeOwned>(&self, pk: &str, sk: &str) -> Result<Option<T>, AwsError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| AwsError::classify(Op::GetItem, e))?;
        out.item.map(|i| from_item(Op::GetItem, i)).transpose()
    }

    pub async fn get_application(&self, id: &str) -> Result<Option<ApplicationItem>, AwsError> {
        self.get(&application_pk(id), APPLICATION_SK).await
    }

    /// Every item of one application, sorted by kind.
    pub async fn application_items(&self, id: &str) -> Result<ApplicationItems, AwsError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(&application_pk(id)))
            .consistent_read(true);
        let mut items = ApplicationItems::default();
        for item in Self::all_pages(query).await? {
            let pk = item.get("pk").and_then(|v| v.as_s().ok()).cloned();
            let sk = item.get("sk").and_then(|v| v.as_s().ok()).cloned();
            let (Some(pk), Some(sk)) = (pk, sk) else {
                continue;
            };
            items.keys.push((pk, sk.clone()));
            if sk == APPLICATION_SK {
                items.application = Some(from_item(Op::Query, item)?);
            } else if sk.starts_with(LIVENESS_PREFIX) {
                items.liveness.push(from_item(Op::Query, item)?);
            } else if sk.starts_with(UPLOAD_PREFIX) {
                items.uploads.push(from_item(Op::Query, item)?);
            } else if sk.starts_with(VERIFICATION_PREFIX) {
                items.verifications.push(from_item(Op::Query, item)?);
            } else if sk.starts_with(DOCUMENT_PREFIX) {
                items.documents.push(from_item(Op::Query, item)?);
            }
        }
        Ok(items)
    }

    /// The caller's applications, newest first (GSI `owner-index`).
    pub async fn owned_applications(
        &self,
        owner_sub: &str,
    ) -> Result<Vec<ApplicationItem>, AwsError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(OWNER_INDEX)
            .key_condition_expression("ownerSub = :owner")
            .expression_attribute_values(":owner", s(owner_sub))
            .scan_index_forward(false);
        Self::all_pages(query)
            .await?
            .into_iter()
            .map(|i| from_item(Op::Query, i))
            .collect()
    }

    /// Every item of a query, following `LastEvaluatedKey` with the SDK's own paginator.
    async fn all_pages(
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    ) -> Result<Vec<Item>, AwsError> {
        query
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| AwsError::classify(Op::Query, e))
    }

    /// The lending document a Textract job belongs to (GSI `job-index`).
    pub async fn document_by_job(&self, job_id: &str) -> Result<Option<DocumentItem>, AwsError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(JOB_INDEX)
            .key_condition_expression("textractJobId = :job")
            .expression_attribute_values(":job", s(job_id))
            .limit(1)
            .send()
            .await
            .map_err(|e| AwsError::classify(Op::Query, e))?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .next()
            .map(|i| from_item(Op::Query, i))
            .transpose()
    }

    pub async fn erasure(&self, application_id: &str) -> Result<Option<ErasureItem>, AwsError> {
        self.get(&erasure_pk(application_id), ERASURE_SK).await
    }

    /// The record of an `Idempotency-Key` the owner sent.
    pub async fn idempotency(
        &self,
        owner_sub: &str,
        key: &str,
    ) -> Result<Option<IdempotencyItem>, AwsError> {
        self.get(&idempotency_pk(owner_sub, key), IDEMPOTENCY_SK)
            .await
    }

    pub async fn liveness_session(
        &self,
        application_id: &str,
        session_id: &str,
    ) -> Result<Option<LivenessItem>, AwsError> {
        self.get(&application_pk(application_id), &liveness_sk(session_id))
            .await
    }

    /// Deletes every item of an application read by [`Store::application_items`], and the
    /// `Idempotency-Key` record it was created with, which lives under the owner's key instead.
    pub async fn delete_application(&self, items: &ApplicationItems) -> Result<u32, AwsError> {
        let mut keys = items.keys.clone();
        if let Some(app) = &items.application {
            if let Some(key) = &app.idempotency_key {
                keys.push((idempotency_pk(&app.owner_sub, key), IDEMPOTENCY_SK.into()));
            }
        }
        self.delete_all(&keys).await
    }

    /// Deletes the given items one by one, the application item last, so an interrupted erasure
    /// can be retried: the application stays visible to its owner until everything else is gone.
    async fn delete_all(&self, keys: &[(String, String)]) -> Result<u32, AwsError> {
        let (application, rest): (Vec<_>, Vec<_>) =
            keys.iter().partition(|(_, sk)| sk == APPLICATION_SK);
        let mut deleted = 0;
        for (pk, sk) in rest.into_iter().chain(application) {
            self.client
                .delete_item()
                .table_name(&self.table)
                .key("pk", s(pk))
                .key("sk", s(sk))
                .send()
                .await
                .map_err(|e| AwsError::classify(Op::DeleteItem, e))?;
            deleted += 1;
        }
        Ok(deleted)
    }
}
