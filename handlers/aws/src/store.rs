//! DynamoDB: the applications table.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::types::builders::PutBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use aws_sdk_dynamodb::Client;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::audit_log::Change;
use crate::error::{Answer, AwsError, Op};
use crate::lazy::Lazy;
use crate::records::*;

pub const OWNER_INDEX: &str = "owner-index";
pub const JOB_INDEX: &str = "job-index";
/// The sparse GSI of NEEDS_REVIEW verifications awaiting a reviewer (hash `review_queue`,
/// range `queued_at`, projection ALL).
pub const REVIEW_INDEX: &str = "review-index";
/// The erasures waiting for their late-write sweep (sparse: `sweep_queue`, `sweep_at`).
pub const SWEEP_INDEX: &str = "sweep-index";

type Item = HashMap<String, AttributeValue>;

#[derive(Clone, Debug)]
pub struct Store {
    client: Lazy<Client>,
    table: String,
    /// How long an item is kept after it is written ([`EXPIRES_AT`]); `None` keeps items.
    retention: Option<std::time::Duration>,
}

/// The table's TTL attribute (epoch seconds). Every item written gets one unless it carries
/// its own (an idempotency key, a liveness failure): personal data is never kept unbounded.
pub const EXPIRES_AT: &str = "expiresAt";

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
pub(crate) fn cancellation(
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

/// Where a page of the review queue starts: the `LastEvaluatedKey` of the page before, carried
/// by the client as opaque base64url text. It only ever selects a position in the queue, which
/// every reviewer may read in full, so it needs no signature.
#[derive(Clone, Debug, PartialEq)]
pub struct PageToken(Item);

/// A page token that does not decode to a position in the queue.
#[derive(Debug, thiserror::Error)]
#[error("not a page token of this list")]
pub struct InvalidPageToken;

/// The key attributes of a `review-index` position: the table's and the index's keys.
const REVIEW_INDEX_KEYS: [&str; 4] = ["pk", "sk", "review_queue", "queued_at"];

impl PageToken {
    pub fn parse(token: &str) -> Result<Self, InvalidPageToken> {
        let bytes = base64url_decode(token).ok_or(InvalidPageToken)?;
        let map: std::collections::BTreeMap<String, String> =
            serde_json::from_slice(&bytes).map_err(|_| InvalidPageToken)?;
        let keys_match = map.len() == REVIEW_INDEX_KEYS.len()
            && REVIEW_INDEX_KEYS.iter().all(|k| map.contains_key(*k));
        if !keys_match {
            return Err(InvalidPageToken);
        }
        Ok(Self(map.into_iter().map(|(k, v)| (k, s(&v))).collect()))
    }

    /// The opaque text of a `LastEvaluatedKey`; `None` for a key this queue cannot produce.
    fn encode(key: &Item) -> Option<String> {
        let map: std::collections::BTreeMap<&str, &str> = key
            .iter()
            .map(|(k, v)| Some((k.as_str(), v.as_s().ok()?.as_str())))
            .collect::<Option<_>>()?;
        Some(base64url_encode(&serde_json::to_vec(&map).ok()?))
    }
}

fn base64url_encode(bytes: &[u8]) -> String {
    aws_smithy_types::base64::encode(bytes)
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    if text.is_empty()
        || text.len() > 2048
        || !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let mut standard = text.replace('-', "+").replace('_', "/");
    while standard.len() % 4 != 0 {
        standard.push('=');
    }
    aws_smithy_types::base64::decode(standard).ok()
}

/// One page of the review queue, oldest first.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewPage {
    pub cases: Vec<VerificationItem>,
    /// Where the next page starts; `None` on the last page.
    pub next_token: Option<String>,
}

/// An item's sort key.
fn sk_of(item: &Item) -> Option<&str> {
    item.get("sk")
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

/// A put that fails instead of overwriting: ids are fresh, so an existing item means a replay.
const NEW_ITEM: &str = "attribute_not_exists(pk)";

impl Store {
    pub fn new(client: impl Into<Lazy<Client>>, table: String) -> Self {
        Self {
            client: client.into(),
            table,
            retention: None,
        }
    }

    /// Items written expire `retention` after their last write.
    #[must_use]
    pub fn with_retention(mut self, retention: std::time::Duration) -> Self {
        self.retention = Some(retention);
        self
    }

    /// `value` as an item, with its expiry.
    fn item<T: Serialize>(&self, op: Op, value: &T) -> Result<Item, AwsError> {
        let mut item = to_item(op, value)?;
        if let Some(retention) = self.retention {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            item.entry(EXPIRES_AT.to_string())
                .or_insert_with(|| AttributeValue::N((now + retention).as_secs().to_string()));
        }
        Ok(item)
    }

    /// A change writing `item` as new; its condition fails if an item with the same key exists
    /// (ids are fresh, so an existing one means a replay or a racing request).
    pub fn new_item<T: Serialize>(&self, item: &T) -> Result<Change, AwsError> {
        self.put_change(item, |put| put.condition_expression(NEW_ITEM))
    }

    /// A change replacing an item only while it is still `IN_PROGRESS`: the one allowed
    /// transition out of that state happens once, however often it is attempted (duplicate SQS
    /// deliveries, two concurrent polls of a liveness result).
    pub fn in_progress_replaced<T: Serialize>(&self, item: &T) -> Result<Change, AwsError> {
        self.put_change(item, |put| {
            put.condition_expression("attribute_exists(pk) AND #status = :in_progress")
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":in_progress", s("IN_PROGRESS"))
        })
    }

    /// A change replacing an item that exists; its condition fails if the item is gone (an
    /// erasure won the race), so an update never resurrects an erased application.
    pub fn existing_replaced<T: Serialize>(&self, item: &T) -> Result<Change, AwsError> {
        self.put_change(item, |put| put.condition_expression("attribute_exists(pk)"))
    }

    /// A reviewer's decision, if it is the first: the verification leaves the queue (only while
    /// it is in it) and the review is written (only if there is none).
    pub fn review_decided(&self, review: &ReviewItem) -> Result<Change, AwsError> {
        use aws_sdk_dynamodb::types::Update;
        let dequeue = Update::builder()
            .table_name(&self.table)
            .key("pk", s(&review.pk))
            .key("sk", s(&verification_sk(&review.verification_id)))
            .update_expression("REMOVE review_queue")
            .condition_expression("attribute_exists(review_queue)")
            .build()
            .map_err(|_| AwsError::malformed(Op::TransactWriteItems, "Update"))?;
        Ok(Change {
            items: vec![TransactWriteItem::builder().update(dequeue).build()],
        }
        .and(self.new_item(review)?))
    }

    /// A change of one Put of `item`, with the condition `condition` adds to it.
    fn put_change<T: Serialize>(
        &self,
        item: &T,
        condition: impl FnOnce(PutBuilder) -> PutBuilder,
    ) -> Result<Change, AwsError> {
        const OP: Op = Op::TransactWriteItems;
        let put = condition(
            Put::builder()
                .table_name(&self.table)
                .set_item(Some(self.item(OP, item)?)),
        )
        .build()
        .map_err(|_| AwsError::malformed(OP, "Put"))?;
        let application_id = put
            .item()
            .get("pk")
            .and_then(|pk| pk.as_s().ok())
            .and_then(|pk| pk.strip_prefix(APPLICATION_PK_PREFIX))
            .map(str::to_string);
        let mut items = vec![TransactWriteItem::builder().put(put).build()];
        // A change of an application is refused once its erasure has begun; the tombstone itself
        // (whose own condition is that it is new) is the one change that needs no guard.
        let is_tombstone = items[0].put().is_some_and(|p| {
            p.item().get("sk").and_then(|sk| sk.as_s().ok()) == Some(&ERASURE_SK.to_string())
        });
        if let (Some(id), false) = (application_id, is_tombstone) {
            items.push(self.not_erased(&id)?);
        }
        Ok(Change { items })
    }

    /// A condition that the application has no erasure tombstone.
    fn not_erased(&self, application_id: &str) -> Result<TransactWriteItem, AwsError> {
        let check = aws_sdk_dynamodb::types::ConditionCheck::builder()
            .table_name(&self.table)
            .key("pk", s(&application_pk(application_id)))
            .key("sk", s(ERASURE_SK))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(|_| AwsError::malformed(Op::TransactWriteItems, "ConditionCheck"))?;
        Ok(TransactWriteItem::builder().condition_check(check).build())
    }

    /// Writes a change that no audit event describes (an upload marked rejected, say), in one
    /// transaction; `ConditionFailed` if one of its conditions does not hold.
    pub async fn write(&self, change: Change) -> Result<(), AwsError> {
        const OP: Op = Op::TransactWriteItems;
        self.client
            .transact_write_items()
            .set_transact_items(Some(change.items))
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
            .set_item(Some(self.item(Op::PutItem, item)?)))
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
            if sk == ERASURE_SK {
                items.erasure = Some(from_item(Op::Query, item)?);
                continue;
            }
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
            } else if sk.starts_with(ATTEMPT_PREFIX) {
                items.attempts.push(from_item(Op::Query, item)?);
            } else if sk.starts_with(REVIEW_PREFIX) {
                items.reviews.push(from_item(Op::Query, item)?);
            }
        }
        Ok(items)
    }

    /// The caller's applications, newest first (GSI `owner-index`; erased ones are not listed).
    pub async fn owned_applications(
        &self,
        owner_sub: &str,
    ) -> Result<Vec<ApplicationItem>, AwsError> {
        self.owner_index(owner_sub)
            .await?
            .into_iter()
            .filter(|item| sk_of(item) == Some(APPLICATION_SK))
            .map(|i| from_item(Op::Query, i))
            .collect()
    }

    /// When each application the caller created was created, erased ones included (their
    /// tombstones stay in `owner-index`), once per application: what `APPLICATIONS_PER_DAY` counts.
    pub async fn application_creations(&self, owner_sub: &str) -> Result<Vec<String>, AwsError> {
        let mut seen = std::collections::BTreeMap::new();
        for item in self.owner_index(owner_sub).await? {
            let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
            if let (Some(id), Some(created_at)) = (text("applicationId"), text("createdAt")) {
                seen.insert(id, created_at);
            }
        }
        Ok(seen.into_values().collect())
    }

    /// Every item of the caller in `owner-index`: applications, and tombstones of erased ones.
    async fn owner_index(&self, owner_sub: &str) -> Result<Vec<Item>, AwsError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(OWNER_INDEX)
            .key_condition_expression("ownerSub = :owner")
            .expression_attribute_values(":owner", s(owner_sub))
            .scan_index_forward(false);
        Self::all_pages(query).await
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

    /// The application's erasure tombstone, if it is being or was erased.
    pub async fn erasure(&self, application_id: &str) -> Result<Option<ErasureItem>, AwsError> {
        self.get(&application_pk(application_id), ERASURE_SK).await
    }

    /// The erasures whose late-write sweep is due at `now` (RFC 3339), oldest first (GSI
    /// `sweep-index`, sparse: only tombstones still waiting for their sweep).
    pub async fn erasures_due(&self, now: &str) -> Result<Vec<ErasureItem>, AwsError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(SWEEP_INDEX)
            .key_condition_expression("sweep_queue = :queue AND sweep_at <= :now")
            .expression_attribute_values(":queue", s(SWEEP_QUEUE))
            .expression_attribute_values(":now", s(now));
        Self::all_pages(query)
            .await?
            .into_iter()
            .map(|i| from_item(Op::Query, i))
            .collect()
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

    pub async fn verification(
        &self,
        application_id: &str,
        verification_id: &str,
    ) -> Result<Option<VerificationItem>, AwsError> {
        self.get(
            &application_pk(application_id),
            &verification_sk(verification_id),
        )
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

    /// Counts an identity attempt. Written once per attempt: an existing item is the same attempt
    /// submitted again or racing, which counts once.
    pub async fn record_attempt(&self, attempt: &AttemptItem) -> Result<(), AwsError> {
        match self.put_new(attempt).await {
            Ok(()) | Err(AwsError::ConditionFailed) => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// One page of the review queue (GSI `review-index`), oldest first, at most `limit` cases,
    /// only those with `reason` among their reasons when one is given.
    pub async fn review_cases(
        &self,
        reason: Option<&str>,
        limit: u32,
        start: Option<&PageToken>,
    ) -> Result<ReviewPage, AwsError> {
        /// Queries per page when a reason filter skips most of the queue: bounds the latency of
        /// one page; the token carries the position on.
        const MAX_QUERIES: usize = 10;
        let mut cases = Vec::new();
        let mut start_key = start.map(|t| t.0.clone());
        for _ in 0..MAX_QUERIES {
            let remaining = limit.saturating_sub(cases.len() as u32);
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(REVIEW_INDEX)
                .key_condition_expression("review_queue = :queue")
                .expression_attribute_values(":queue", s(REVIEW_QUEUE))
                .scan_index_forward(true)
                .limit(remaining.max(1) as i32)
                .set_exclusive_start_key(start_key.take());
            if let Some(reason) = reason {
                query = query
                    .filter_expression("contains(reasons, :reason)")
                    .expression_attribute_values(":reason", s(reason));
            }
            let out = query
                .send()
                .await
                .map_err(|e| AwsError::classify(Op::Query, e))?;
            for item in out.items.unwrap_or_default() {
                cases.push(from_item(Op::Query, item)?);
            }
            start_key = out.last_evaluated_key.filter(|k| !k.is_empty());
            if start_key.is_none() || cases.len() as u32 >= limit {
                break;
            }
        }
        Ok(ReviewPage {
            cases,
            next_token: start_key.as_ref().and_then(PageToken::encode),
        })
    }

    /// The applicant's liveness failures (epoch seconds), every one still stored.
    pub async fn liveness_failures(&self, owner_sub: &str) -> Result<Vec<i64>, AwsError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :failure)")
            .expression_attribute_values(":pk", s(&applicant_pk(owner_sub)))
            .expression_attribute_values(":failure", s(LIVENESS_FAILURE_PREFIX))
            .consistent_read(true);
        Self::all_pages(query)
            .await?
            .into_iter()
            .map(|item| from_item::<LivenessFailureItem>(Op::Query, item).map(|f| f.failed_at))
            .collect()
    }
}
