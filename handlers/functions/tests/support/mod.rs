//! Shared support for the handler tests: API Gateway REST proxy events, `aws-smithy-mocks`
//! clients, stored records and answer helpers.
//!
//! Every mock client uses `RuleMode::MatchAny` and panics on a call no rule matches, so a test
//! fails loudly when a handler calls AWS where it must not. Retries use the production policy
//! (`lendverify_aws::retry_config`, three attempts) with a 1 ms backoff, so a throttle test runs
//! the SDK's real retry loop without waiting seconds.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client as DynamoDb;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use lambda_http::{Body, Request, Response};
use lendverify_aws::records::*;
use lendverify_aws::{Aws, AwsSettings};
use lendverify_core::applicant::Applicant;
use lendverify_core::config::Settings;
use lendverify_core::identity::{Decision, ReasonCode};
use lendverify_core::lending::DocumentStatus;
use lendverify_core::liveness::LivenessStatus;
use lendverify_core::uploads::UploadPurpose;
use lendverify_functions::routes::Function;
use lendverify_functions::AppState;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

pub type Item = HashMap<String, AttributeValue>;

/// The caller every request comes from unless a test says otherwise.
pub const OWNER: &str = "3f2a9d1e-owner";
/// Someone else, who owns other applications.
pub const STRANGER: &str = "7c4b2e8a-stranger";

pub const APP_ID: &str = "0b9c4b7e-3f1a-4d2b-9c8e-1a2b3c4d5e6f";
pub const SESSION_ID: &str = "5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
pub const FRONT_UPLOAD_ID: &str = "a1a1a1a1-b2b2-4c3c-8d4d-e5e5e5e5e5e5";
pub const BACK_UPLOAD_ID: &str = "b2b2b2b2-c3c3-4d4d-9e5e-f6f6f6f6f6f6";
pub const PACKAGE_UPLOAD_ID: &str = "c3c3c3c3-d4d4-4e5e-af6f-a7a7a7a7a7a7";
pub const DOCUMENT_ID: &str = "d4d4d4d4-e5e5-4f6f-8a7a-b8b8b8b8b8b8";
pub const VERIFICATION_ID: &str = "e5e5e5e5-f6f6-4a7a-9b8b-c9c9c9c9c9c9";
pub const JOB_ID: &str = "job-0123456789abcdef";

pub const TABLE: &str = "lendverify-applications";
pub const AUDIT_TABLE: &str = "lendverify-audit";
pub const UPLOADS_BUCKET: &str = "lendverify-uploads";
pub const BIOMETRICS_BUCKET: &str = "lendverify-biometrics";
pub const OUTPUT_BUCKET: &str = "lendverify-textract-output";
pub const EVIDENCE_BUCKET: &str = "lendverify-evidence";
pub const KMS_KEY_ARN: &str =
    "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-8444-555555555555";
pub const TOPIC_ARN: &str = "arn:aws:sns:us-east-1:123456789012:lendverify-lending";
pub const PUBLISH_ROLE_ARN: &str = "arn:aws:iam::123456789012:role/lendverify-textract-publish";
pub const DECISION_EVENTS_TOPIC_ARN: &str =
    "arn:aws:sns:us-east-1:123456789012:lendverify-decision-events";
pub const WEBHOOK_SECRET_ARN: &str =
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:lendverify-webhook-signing-AbCdEf";
pub const ORIGIN: &str = "https://app.example.com";
pub const REFERENCE_KEY: &str =
    "applications/0b9c4b7e-3f1a-4d2b-9c8e-1a2b3c4d5e6f/liveness/reference.jpg";

/// The pinned "now" of every test: the clock the handlers see.
pub fn now() -> OffsetDateTime {
    time::macros::datetime!(2026-11-27 12:00 UTC)
}

/// `now()` as the handlers store it.
pub const NOW: &str = "2026-11-27T12:00:00Z";

pub fn settings() -> Settings {
    let env: HashMap<&str, &str> = [
        ("LIVENESS_PASS_THRESHOLD", "90"),
        ("LIVENESS_REVIEW_BAND", "10"),
        ("FACE_SIMILARITY_THRESHOLD", "99"),
        ("FACE_SIMILARITY_REVIEW_BAND", "4"),
        ("MIN_EXTRACTION_CONFIDENCE", "90"),
        ("MINIMUM_AGE", "18"),
        ("LIVENESS_AUDIT_IMAGES_LIMIT", "4"),
        ("UPLOAD_URL_TTL_SECONDS", "300"),
        (
            "REQUIRED_DOCUMENTS",
            "URLA_1003,PROOF_OF_INCOME,BANK_STATEMENT,IDENTITY_DOCUMENT",
        ),
        ("ALLOWED_ORIGIN", ORIGIN),
    ]
    .into_iter()
    .collect();
    Settings::from_lookup(|name| env.get(name).map(|v| v.to_string())).expect("test settings")
}

pub fn aws_settings() -> AwsSettings {
    AwsSettings {
        table: TABLE.into(),
        audit_table: AUDIT_TABLE.into(),
        uploads_bucket: UPLOADS_BUCKET.into(),
        biometrics_bucket: BIOMETRICS_BUCKET.into(),
        textract_output_bucket: OUTPUT_BUCKET.into(),
        evidence_bucket: EVIDENCE_BUCKET.into(),
        kms_key_arn: KMS_KEY_ARN.into(),
        lending_topic_arn: TOPIC_ARN.into(),
        textract_publish_role_arn: PUBLISH_ROLE_ARN.into(),
        region: "us-east-1".into(),
        s3_force_path_style: false,
        decision_events: lendverify_aws::config::DecisionEventSettings {
            topic_arn: DECISION_EVENTS_TOPIC_ARN.into(),
            webhook_secret_arn: WEBHOOK_SECRET_ARN.into(),
            endpoints: Vec::new(),
        },
    }
}

/// The production retry policy with a backoff short enough for tests.
pub fn fast_retries() -> aws_sdk_dynamodb::config::retry::RetryConfig {
    lendverify_aws::retry_config().with_initial_backoff(Duration::from_millis(1))
}

/// The mock rules of one test, per service. Rules are shared with the test (a `Rule` clone
/// shares its call counter), so `num_calls()` can be asserted after the handler ran.
#[derive(Default)]
pub struct Mocks {
    /// The audit table, in memory: every test gets a working one (rules before the test's own,
    /// matching only `AUDIT_TABLE`), and can read it after the handler ran.
    pub audit: AuditTable,
    /// Rules on the audit table a test puts before the in-memory one (a throttle, a lost race).
    audit_rules: Vec<Rule>,
    /// Every decision event published, as JSON.
    pub published: Published,
    dynamodb: Vec<Rule>,
    s3: Vec<Rule>,
    rekognition: Vec<Rule>,
    textract: Vec<Rule>,
    sns: Vec<Rule>,
    secretsmanager: Vec<Rule>,
}

impl Mocks {
    pub fn new() -> Self {
        Self::default()
    }

    /// A rule on the audit table, consulted before the in-memory table.
    pub fn audit_rule(mut self, rule: &Rule) -> Self {
        self.audit_rules.push(rule.clone());
        self
    }

    pub fn dynamodb(mut self, rule: &Rule) -> Self {
        self.dynamodb.push(rule.clone());
        self
    }

    pub fn s3(mut self, rule: &Rule) -> Self {
        self.s3.push(rule.clone());
        self
    }

    pub fn rekognition(mut self, rule: &Rule) -> Self {
        self.rekognition.push(rule.clone());
        self
    }

    pub fn textract(mut self, rule: &Rule) -> Self {
        self.textract.push(rule.clone());
        self
    }

    pub fn sns(mut self, rule: &Rule) -> Self {
        self.sns.push(rule.clone());
        self
    }

    pub fn secretsmanager(mut self, rule: &Rule) -> Self {
        self.secretsmanager.push(rule.clone());
        self
    }

    /// The state a Lambda container would build at init, over mock clients and a fixed clock.
    pub fn state(&self) -> AppState {
        let mut dynamodb_rules: Vec<Rule> = self.audit_rules.clone();
        dynamodb_rules.extend(self.audit.rules());
        dynamodb_rules.extend(self.dynamodb.iter().cloned());
        dynamodb_rules.push(no_applicant_records());
        dynamodb_rules.push(no_erasure());
        dynamodb_rules.push(owned_applications(Vec::new()));
        let dynamodb = mock_client!(
            aws_sdk_dynamodb,
            RuleMode::MatchAny,
            dynamodb_rules.iter(),
            |c| c.retry_config(fast_retries())
        );
        let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, self.s3.iter(), |c| c
            .retry_config(fast_retries()));
        let rekognition = mock_client!(
            aws_sdk_rekognition,
            RuleMode::MatchAny,
            self.rekognition.iter(),
            |c| c.retry_config(fast_retries())
        );
        let textract = mock_client!(
            aws_sdk_textract,
            RuleMode::MatchAny,
            self.textract.iter(),
            |c| c.retry_config(fast_retries())
        );
        let mut sns_rules: Vec<Rule> = self.sns.clone();
        sns_rules.push(self.published.rule());
        let sns = mock_client!(aws_sdk_sns, RuleMode::MatchAny, sns_rules.iter(), |c| c
            .retry_config(fast_retries()));
        let secretsmanager = mock_client!(
            aws_sdk_secretsmanager,
            RuleMode::MatchAny,
            self.secretsmanager.iter(),
            |c| c.retry_config(fast_retries())
        );
        AppState {
            aws: Aws::from_clients(aws_settings(), dynamodb, s3, rekognition, textract)
                .with_decision_event_clients(sns, secretsmanager)
                .with_personal_data_retention(settings().personal_data_retention()),
            settings: settings(),
            clock: || time::macros::datetime!(2026-11-27 12:00 UTC),
        }
    }
}

/// The audit table of one test, in memory: events by sequence number. Every `TransactWriteItems`
/// comes here: a state change and its event are written together, so the change's items (put
/// before the event and HEAD) are recorded too, each `Put` as the `PutItem` it replaces.
#[derive(Clone, Default)]
pub struct AuditTable {
    events: Arc<Mutex<Vec<lendverify_core::audit::AuditEvent>>>,
    /// The puts of the changes written, shared with [`Writes::puts`] when a test adds its writes.
    changes: Puts,
    /// The updates of the changes written (a review takes its case out of the queue).
    pub updates: Arc<Mutex<Vec<aws_sdk_dynamodb::types::Update>>>,
    /// The condition checks of the changes written (the application is not erased).
    pub checks: Arc<Mutex<Vec<aws_sdk_dynamodb::types::ConditionCheck>>>,
    transactions: Arc<std::sync::atomic::AtomicUsize>,
}

fn audit_table_named(table: Option<&str>) -> bool {
    table == Some(AUDIT_TABLE)
}

impl AuditTable {
    /// The events appended, oldest first.
    pub fn events(&self) -> Vec<lendverify_core::audit::AuditEvent> {
        self.events.lock().unwrap().clone()
    }

    /// The kinds of the events appended, in order.
    pub fn kinds(&self) -> Vec<String> {
        self.events()
            .iter()
            .map(|e| {
                e.record()
                    .expect("an event body")
                    .body
                    .kind
                    .as_str()
                    .to_string()
            })
            .collect()
    }

    /// How many transactions were written.
    pub fn transactions(&self) -> usize {
        self.transactions.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Stores an event as if it had been appended.
    pub fn push(&self, event: lendverify_core::audit::AuditEvent) {
        self.events.lock().unwrap().push(event);
    }

    fn rules(&self) -> Vec<Rule> {
        use aws_sdk_dynamodb::operation::get_item::GetItemOutput;
        use aws_sdk_dynamodb::operation::query::QueryOutput;
        use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsOutput;
        let events = self.events.clone();
        let head = mock!(DynamoDb::get_item)
            .match_requests(|r| audit_table_named(r.table_name()))
            .then_compute_output(move |_| {
                let last = events.lock().unwrap().last().cloned();
                GetItemOutput::builder()
                    .set_item(last.map(|e| {
                        HashMap::from([
                            ("pk".to_string(), AttributeValue::S(application_pk(APP_ID))),
                            ("sk".to_string(), AttributeValue::S("HEAD".into())),
                            ("seq".to_string(), AttributeValue::N(e.seq.to_string())),
                            ("hash".to_string(), AttributeValue::S(e.hash)),
                            ("expires_at".to_string(), AttributeValue::N("1".into())),
                        ])
                    }))
                    .build()
            });
        let (events, changes, updates, checks, transactions) = (
            self.events.clone(),
            self.changes.clone(),
            self.updates.clone(),
            self.checks.clone(),
            self.transactions.clone(),
        );
        let append = mock!(DynamoDb::transact_write_items).then_compute_output(move |r| {
            transactions.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            for item in r.transact_items() {
                if let Some(update) = item.update() {
                    updates.lock().unwrap().push(update.clone());
                }
                if let Some(check) = item.condition_check() {
                    checks.lock().unwrap().push(check.clone());
                }
                let Some(put) = item.put() else { continue };
                if put.table_name() != AUDIT_TABLE {
                    changes.lock().unwrap().push(as_put_item(put));
                    continue;
                }
                let put = put.item();
                let text = |name: &str| put.get(name).unwrap().as_s().unwrap().clone();
                if text("sk").starts_with("EVENT#") {
                    events
                        .lock()
                        .unwrap()
                        .push(lendverify_core::audit::AuditEvent {
                            seq: put.get("seq").unwrap().as_n().unwrap().parse().unwrap(),
                            body: text("body"),
                            hash: text("hash"),
                        });
                }
            }
            TransactWriteItemsOutput::builder().build()
        });
        let events = self.events.clone();
        let list = mock!(DynamoDb::query)
            .match_requests(|r| audit_table_named(r.table_name()))
            .then_compute_output(move |_| {
                let items: Vec<Item> = events
                    .lock()
                    .unwrap()
                    .iter()
                    .map(|e| {
                        HashMap::from([
                            ("pk".to_string(), AttributeValue::S(application_pk(APP_ID))),
                            (
                                "sk".to_string(),
                                AttributeValue::S(format!("EVENT#{:010}", e.seq)),
                            ),
                            ("seq".to_string(), AttributeValue::N(e.seq.to_string())),
                            ("body".to_string(), AttributeValue::S(e.body.clone())),
                            ("hash".to_string(), AttributeValue::S(e.hash.clone())),
                            ("kind".to_string(), AttributeValue::S("k".into())),
                            ("at".to_string(), AttributeValue::S(NOW.into())),
                            ("expires_at".to_string(), AttributeValue::N("1".into())),
                        ])
                    })
                    .collect();
                QueryOutput::builder()
                    .count(items.len() as i32)
                    .set_items(Some(items))
                    .build()
            });
        vec![head, append, list]
    }
}

/// A transaction's `Put` as the `PutItem` that would write the same item under the same condition.
fn as_put_item(
    put: &aws_sdk_dynamodb::types::Put,
) -> aws_sdk_dynamodb::operation::put_item::PutItemInput {
    aws_sdk_dynamodb::operation::put_item::PutItemInput::builder()
        .table_name(put.table_name())
        .set_item(Some(put.item().clone()))
        .set_condition_expression(put.condition_expression().map(str::to_string))
        .set_expression_attribute_names(put.expression_attribute_names().cloned())
        .set_expression_attribute_values(put.expression_attribute_values().cloned())
        .build()
        .expect("a PutItemInput")
}

/// A transaction DynamoDB cancels with `reason` for its first item (the state change) and `None`
/// for the others: `ConditionalCheckFailed` when another request made the change first,
/// `ThrottlingError` or `TransactionConflict` when it is transient. Add it with
/// [`Mocks::audit_rule`], before the in-memory table.
pub fn change_cancelled(reason: &'static str) -> Rule {
    mock!(DynamoDb::transact_write_items).then_compute_response(move |r| {
        aws_smithy_mocks::MockResponse::Error(transaction_cancelled(
            reason,
            r.transact_items().len(),
        ))
    })
}

/// The error of a transaction of `items` items cancelled with `reason` for the first one.
pub fn transaction_cancelled(
    reason: &str,
    items: usize,
) -> aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    use aws_sdk_dynamodb::types::error::TransactionCanceledException;
    use aws_sdk_dynamodb::types::CancellationReason;
    let mut cancelled = TransactionCanceledException::builder()
        .message("Transaction cancelled")
        .meta(error_meta("TransactionCanceledException"));
    for i in 0..items {
        cancelled = cancelled.cancellation_reasons(
            CancellationReason::builder()
                .code(if i == 0 { reason } else { "None" })
                .build(),
        );
    }
    TransactWriteItemsError::TransactionCanceledException(cancelled.build())
}

/// No liveness failures of the applicant (`APPLICANT#` partition), unless a test says otherwise.
/// No erasure tombstone (read when a change is refused, to tell an erasure from a race); a
/// test's own rule comes first.
fn no_erasure() -> Rule {
    mock!(DynamoDb::get_item)
        .match_requests(|r| {
            r.key()
                .and_then(|k| k.get("sk"))
                .and_then(|v| v.as_s().ok())
                .is_some_and(|sk| sk == ERASURE_SK)
        })
        .then_output(|| aws_sdk_dynamodb::operation::get_item::GetItemOutput::builder().build())
}

fn no_applicant_records() -> Rule {
    mock!(DynamoDb::query)
        .match_requests(|r| {
            r.expression_attribute_values()
                .and_then(|v| v.get(":pk"))
                .and_then(|v| v.as_s().ok())
                .is_some_and(|pk| pk.starts_with("APPLICANT#"))
        })
        .then_output(|| aws_sdk_dynamodb::operation::query::QueryOutput::builder().build())
}

/// The caller's applications in the owner index (`GSI owner-index`), which the applications
/// quota counts; none unless a test says otherwise (a test's rule comes first).
pub fn owned_applications(apps: Vec<ApplicationItem>) -> Rule {
    let items: Vec<Item> = apps.iter().map(item).collect();
    mock!(DynamoDb::query)
        .match_requests(|r| r.index_name() == Some("owner-index"))
        .then_output(move || {
            aws_sdk_dynamodb::operation::query::QueryOutput::builder()
                .count(items.len() as i32)
                .set_items(Some(items.clone()))
                .build()
        })
}

/// Every decision event published to SNS, as its JSON body.
#[derive(Clone, Default)]
pub struct Published {
    messages: Arc<Mutex<Vec<Value>>>,
}

impl Published {
    pub fn messages(&self) -> Vec<Value> {
        self.messages.lock().unwrap().clone()
    }

    fn rule(&self) -> Rule {
        let messages = self.messages.clone();
        mock!(aws_sdk_sns::Client::publish).then_compute_output(move |r| {
            messages
                .lock()
                .unwrap()
                .push(serde_json::from_str(r.message().unwrap_or("null")).unwrap_or(Value::Null));
            aws_sdk_sns::operation::publish::PublishOutput::builder()
                .message_id("msg-1")
                .build()
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/// A REST API (v1) proxy event, built the way `local-stage/src/gateway.rs` (and API Gateway)
/// builds it: resource, concrete path, path parameters and the Cognito authorizer's claims.
#[derive(Clone, Debug)]
pub struct ApiRequest {
    method: String,
    resource: String,
    params: Vec<(String, String)>,
    sub: Option<String>,
    /// The `cognito:groups` claim, as API Gateway passes it (a string).
    groups: Option<String>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

impl ApiRequest {
    pub fn new(method: &str, resource: &str) -> Self {
        Self {
            method: method.into(),
            resource: resource.into(),
            params: Vec::new(),
            sub: Some(OWNER.into()),
            groups: None,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn get(resource: &str) -> Self {
        Self::new("GET", resource)
    }

    pub fn post(resource: &str) -> Self {
        Self::new("POST", resource)
    }

    pub fn delete(resource: &str) -> Self {
        Self::new("DELETE", resource)
    }

    pub fn param(mut self, name: &str, value: &str) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// Shorthand for the `applicationId` path parameter.
    pub fn app(self, id: &str) -> Self {
        self.param("applicationId", id)
    }

    /// The caller (the `sub` claim).
    pub fn caller(mut self, sub: &str) -> Self {
        self.sub = Some(sub.into());
        self
    }

    /// The `cognito:groups` claim, exactly as the authorizer passes it.
    pub fn groups(mut self, groups: &str) -> Self {
        self.groups = Some(groups.into());
        self
    }

    /// A member of the reviewers group.
    pub fn reviewer(self, sub: &str) -> Self {
        self.caller(sub).groups("reviewers")
    }

    /// A query string parameter.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// No authorizer context at all, as if the authorizer were missing from the method.
    pub fn anonymous(mut self) -> Self {
        self.sub = None;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    /// A raw body with the given content type.
    pub fn body(self, content_type: &str, body: &str) -> Self {
        let mut this = self.header("content-type", content_type);
        this.body = Some(body.into());
        this
    }

    /// A JSON body with `application/json`.
    pub fn json(self, body: Value) -> Self {
        self.body("application/json", &body.to_string())
    }

    pub fn path(&self) -> String {
        let mut path = self.resource.clone();
        for (name, value) in &self.params {
            path = path.replace(&format!("{{{name}}}"), value);
        }
        path
    }

    pub fn event(&self) -> Value {
        let path = self.path();
        let mut headers = Map::new();
        let mut multi = Map::new();
        for (name, value) in &self.headers {
            headers.insert(name.clone(), json!(value));
            multi.insert(name.clone(), json!([value]));
        }
        let params: Map<String, Value> = self
            .params
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let mut context = json!({
            "accountId": "123456789012",
            "apiId": "test",
            "resourceId": "test",
            "resourcePath": self.resource,
            "httpMethod": self.method,
            "path": format!("/test{path}"),
            "stage": "test",
            "requestId": "req-0001",
            "protocol": "HTTP/1.1",
            "identity": { "sourceIp": "127.0.0.1" },
        });
        if let Some(sub) = &self.sub {
            context["authorizer"] = json!({ "claims": { "sub": sub, "token_use": "id" } });
            if let Some(groups) = &self.groups {
                context["authorizer"]["claims"]["cognito:groups"] = json!(groups);
            }
        }
        let query: Map<String, Value> = self
            .query
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let multi_query: Map<String, Value> = self
            .query
            .iter()
            .map(|(k, v)| (k.clone(), json!([v])))
            .collect();
        json!({
            "resource": self.resource,
            "path": path,
            "httpMethod": self.method,
            "headers": headers,
            "multiValueHeaders": multi,
            "queryStringParameters": if query.is_empty() { Value::Null } else { Value::Object(query) },
            "multiValueQueryStringParameters": if multi_query.is_empty() { Value::Null } else { Value::Object(multi_query) },
            "pathParameters": if params.is_empty() { Value::Null } else { Value::Object(params) },
            "stageVariables": null,
            "requestContext": context,
            "body": self.body,
            "isBase64Encoded": false,
        })
    }

    pub fn build(&self) -> Request {
        lambda_http::request::from_str(&self.event().to_string()).expect("a valid proxy event")
    }
}

/// A handler's answer, read back.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Answer {
    pub fn from_response(response: Response<Body>) -> Self {
        let (parts, body) = response.into_parts();
        Self {
            status: parts.status.as_u16(),
            headers: parts.headers,
            bytes: body.as_ref().to_vec(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.bytes)
            )
        })
    }

    /// Asserts an RFC 9457 problem answer with this status, and returns its body.
    #[track_caller]
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(
            self.status,
            status,
            "expected {status}, got {}: {}",
            self.status,
            String::from_utf8_lossy(&self.bytes)
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        assert_eq!(self.header("access-control-allow-origin"), Some(ORIGIN));
        let body = self.json();
        assert_eq!(body["status"], status);
        assert!(body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("https://lendverify.dev/problems/")));
        assert!(body["title"].is_string());
        assert!(body["detail"].is_string());
        body
    }

    /// Asserts a 422 naming exactly this field (first of the list), and returns the body.
    #[track_caller]
    pub fn field_error(&self, field: &str) -> Value {
        let body = self.problem(422);
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert!(fields.contains(&field), "{field} not in {fields:?}");
        body
    }

    /// Asserts a successful JSON answer with this status, and returns its body.
    #[track_caller]
    pub fn ok(&self, status: u16) -> Value {
        assert_eq!(
            self.status,
            status,
            "expected {status}, got {}: {}",
            self.status,
            String::from_utf8_lossy(&self.bytes)
        );
        assert_eq!(self.header("content-type"), Some("application/json"));
        assert_eq!(self.header("access-control-allow-origin"), Some(ORIGIN));
        self.json()
    }

    /// Asserts the 503 a throttle that outlived the SDK's retries must produce.
    #[track_caller]
    pub fn unavailable(&self) {
        let body = self.problem(503);
        assert_eq!(self.header("retry-after"), Some("5"));
        assert_eq!(
            body["type"],
            "https://lendverify.dev/problems/service-unavailable"
        );
    }
}

/// Runs one request through the function's entry point, as the Lambda does.
pub async fn call(state: &AppState, function: Function, request: ApiRequest) -> Answer {
    Answer::from_response(
        lendverify_functions::handle(state, Some(function), request.build()).await,
    )
}

// ---------------------------------------------------------------------------------------------
// Stored records
// ---------------------------------------------------------------------------------------------

pub fn item<T: Serialize>(record: &T) -> Item {
    serde_dynamo::to_item(record).expect("record serializes")
}

pub fn from_item<T: DeserializeOwned>(item: &Item) -> T {
    serde_dynamo::from_item(item.clone()).expect("item deserializes")
}

pub fn applicant() -> Applicant {
    Applicant {
        given_name: "Jane".into(),
        family_name: "Doe".into(),
        date_of_birth: time::macros::date!(1990 - 05 - 17),
    }
}

pub fn application(owner: &str) -> ApplicationItem {
    ApplicationItem {
        pk: application_pk(APP_ID),
        sk: APPLICATION_SK.into(),
        application_id: APP_ID.into(),
        owner_sub: owner.into(),
        created_at: "2026-11-27T11:00:00Z".into(),
        applicant: Some(applicant()),
        idempotency_key: None,
        // The usual state of an application past its first screen: consent given.
        consent: Some(lendverify_core::application::Consent {
            policy_version: "biometric-2026-11".into(),
            given_at: "2026-11-27T11:00:30Z".into(),
        }),
    }
}

/// When the test liveness session was created.
pub const LIVENESS_CREATED_AT: &str = "2026-11-27T11:59:00Z";

pub fn liveness(status: LivenessStatus) -> LivenessItem {
    let decided = status != LivenessStatus::InProgress;
    LivenessItem {
        pk: application_pk(APP_ID),
        sk: format!("{LIVENESS_PREFIX}{SESSION_ID}"),
        application_id: APP_ID.into(),
        session_id: SESSION_ID.into(),
        status,
        // One minute before `now()`: well within the session lifetime of three minutes.
        created_at: LIVENESS_CREATED_AT.into(),
        decided_at: decided.then(|| "2026-11-27T11:59:30Z".into()),
        confidence: decided.then_some(97.5),
        pass_threshold: decided.then_some(90.0),
        review_band: decided.then_some(10.0),
        reference_image_key: decided.then(|| REFERENCE_KEY.into()),
        reference_image_version: None,
        audit_image_keys: Vec::new(),
    }
}

pub fn upload_key(upload_id: &str) -> String {
    format!("applications/{APP_ID}/uploads/{upload_id}")
}

pub fn upload(upload_id: &str, purpose: UploadPurpose) -> UploadItem {
    let content_type = match purpose {
        UploadPurpose::LendingPackage => "application/pdf",
        _ => "image/jpeg",
    };
    UploadItem {
        pk: application_pk(APP_ID),
        sk: format!("{UPLOAD_PREFIX}{upload_id}"),
        application_id: APP_ID.into(),
        upload_id: upload_id.into(),
        purpose,
        content_type: content_type.into(),
        content_length: 123_456,
        bucket: UPLOADS_BUCKET.into(),
        key: upload_key(upload_id),
        created_at: "2026-11-27T11:20:00Z".into(),
        rejected: None,
    }
}

pub fn document(document_id: &str, status: DocumentStatus) -> DocumentItem {
    DocumentItem {
        pk: application_pk(APP_ID),
        sk: format!("{DOCUMENT_PREFIX}{document_id}"),
        application_id: APP_ID.into(),
        document_id: document_id.into(),
        upload_id: PACKAGE_UPLOAD_ID.into(),
        textract_job_id: JOB_ID.into(),
        status,
        created_at: "2026-11-27T11:30:00Z".into(),
        completed_at: None,
        status_message: None,
        document_groups: Vec::new(),
        page_classes: Vec::new(),
        extracted: None,
        upload_version: None,
    }
}

pub fn verification(decision: Decision, reasons: Vec<ReasonCode>) -> VerificationItem {
    VerificationItem {
        pk: application_pk(APP_ID),
        sk: format!("{VERIFICATION_PREFIX}{VERIFICATION_ID}"),
        application_id: APP_ID.into(),
        verification_id: VERIFICATION_ID.into(),
        decision,
        reasons,
        document: DocumentSummary {
            document_type: "DRIVER_LICENSE".into(),
            given_name: Some("Jane".into()),
            family_name: Some("Doe".into()),
            date_of_birth: Some("1990-05-17".into()),
            document_number_masked: Some("****5678".into()),
            expires_on: Some("2030-01-31".into()),
        },
        similarity: Some(99.6),
        similarity_threshold: 99.0,
        liveness_session_id: SESSION_ID.into(),
        id_front_upload_id: Some(FRONT_UPLOAD_ID.into()),
        id_back_upload_id: None,
        created_at: "2026-11-27T11:40:00Z".into(),
        review_queue: (decision == Decision::NeedsReview).then(|| REVIEW_QUEUE.to_string()),
        queued_at: (decision == Decision::NeedsReview).then(|| "2026-11-27T11:40:00Z".into()),
        thresholds: Some(settings().thresholds),
        liveness_confidence: Some(97.5),
        liveness_pass_threshold: Some(90.0),
        liveness_review_band: Some(10.0),
        field_confidences: Default::default(),
        model_versions: Default::default(),
        object_versions: Default::default(),
    }
}

// ---------------------------------------------------------------------------------------------
// DynamoDB rules
// ---------------------------------------------------------------------------------------------

/// Error metadata with the code the real deserializer would have read off the wire; the
/// adapters (and the SDK's retry classifier) look at the code, not at the Rust variant.
pub fn error_meta(code: &str) -> aws_sdk_dynamodb::error::ErrorMetadata {
    aws_sdk_dynamodb::error::ErrorMetadata::builder()
        .code(code)
        .message(format!("{code} (mock)"))
        .build()
}

/// `Query` on the table (no index) for the application's partition: the owner check and the
/// handler's view of the application.
pub fn query_application(items: Vec<Item>) -> Rule {
    mock!(DynamoDb::query)
        .match_requests(|r| {
            r.index_name().is_none()
                && r.expression_attribute_values()
                    .and_then(|v| v.get(":pk"))
                    .and_then(|v| v.as_s().ok())
                    .is_some_and(|pk| pk == &application_pk(APP_ID))
        })
        .then_output(move || {
            aws_sdk_dynamodb::operation::query::QueryOutput::builder()
                .set_items(Some(items.clone()))
                .set_count(Some(items.len() as i32))
                .build()
        })
}

/// The application `OWNER` owns, plus the given items.
pub fn owned_application_with(items: Vec<Item>) -> Rule {
    let mut all = vec![item(&application(OWNER))];
    all.extend(items);
    query_application(all)
}

/// A DynamoDB `Query` that is throttled on every attempt.
pub fn query_throttled() -> Rule {
    mock!(DynamoDb::query).then_error(|| {
        aws_sdk_dynamodb::operation::query::QueryError::ThrottlingException(
            aws_sdk_dynamodb::types::error::ThrottlingException::builder()
                .message("Rate of requests exceeds the allowed throughput.")
                .meta(error_meta("ThrottlingException"))
                .build(),
        )
    })
}

/// Every `PutItem` the handler sent.
pub type Puts = Arc<Mutex<Vec<aws_sdk_dynamodb::operation::put_item::PutItemInput>>>;

/// A `PutItem` that succeeds and records its input.
pub fn put_item_ok() -> (Rule, Puts) {
    let puts: Puts = Arc::default();
    let seen = puts.clone();
    let rule = mock!(DynamoDb::put_item).then_compute_output(move |req| {
        seen.lock().unwrap().push(req.clone());
        aws_sdk_dynamodb::operation::put_item::PutItemOutput::builder().build()
    });
    (rule, puts)
}

/// A `PutItem` whose condition fails (another writer got there first).
pub fn put_item_condition_failed() -> Rule {
    mock!(DynamoDb::put_item).then_error(|| {
        aws_sdk_dynamodb::operation::put_item::PutItemError::ConditionalCheckFailedException(
            aws_sdk_dynamodb::types::error::ConditionalCheckFailedException::builder()
                .message("The conditional request failed")
                .meta(error_meta("ConditionalCheckFailedException"))
                .build(),
        )
    })
}

/// A `TransactWriteItems` that succeeds.
pub fn transact_ok() -> Rule {
    mock!(DynamoDb::transact_write_items).then_output(|| {
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsOutput::builder()
            .build()
    })
}

/// The single recorded put, decoded as a record.
#[track_caller]
pub fn only_put<T: DeserializeOwned>(
    puts: &Puts,
) -> (T, aws_sdk_dynamodb::operation::put_item::PutItemInput) {
    let puts = puts.lock().unwrap();
    assert_eq!(puts.len(), 1, "expected exactly one PutItem");
    let input = puts[0].clone();
    assert_eq!(input.table_name(), Some(TABLE));
    (from_item(input.item().expect("item")), input)
}

/// The single recorded put whose sort key starts with `prefix` (others may sit beside it: an
/// ATTEMPT item, a liveness failure), decoded as a record.
#[track_caller]
pub fn only_put_under<T: DeserializeOwned>(
    puts: &Puts,
    prefix: &str,
) -> (T, aws_sdk_dynamodb::operation::put_item::PutItemInput) {
    let puts = puts.lock().unwrap();
    let matching: Vec<_> = puts
        .iter()
        .filter(|p| {
            p.item()
                .and_then(|i| i.get("sk"))
                .and_then(|v| v.as_s().ok())
                .is_some_and(|sk| sk.starts_with(prefix))
        })
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "expected exactly one PutItem under {prefix}"
    );
    let input = matching[0].clone();
    assert_eq!(input.table_name(), Some(TABLE));
    (from_item(input.item().expect("item")), input)
}

/// A `GetItem` of the given key answering with the given item (or none).
pub fn get_item(pk: &str, sk: &str, found: Option<Item>) -> Rule {
    let (pk, sk) = (pk.to_string(), sk.to_string());
    mock!(DynamoDb::get_item)
        .match_requests(move |r| {
            let key = r.key();
            key.and_then(|k| k.get("pk")).and_then(|v| v.as_s().ok()) == Some(&pk)
                && key.and_then(|k| k.get("sk")).and_then(|v| v.as_s().ok()) == Some(&sk)
        })
        .then_output(move || {
            aws_sdk_dynamodb::operation::get_item::GetItemOutput::builder()
                .set_item(found.clone())
                .build()
        })
}

/// The rules a rejected request must never reach: the writes (and whatever the test adds).
pub struct Writes {
    pub put: Rule,
    pub puts: Puts,
    pub transact: Rule,
}

impl Writes {
    pub fn new() -> Self {
        let (put, puts) = put_item_ok();
        Self {
            put,
            puts,
            transact: transact_ok(),
        }
    }

    /// Adds the write rules; the changes written in transactions (with their audit events) are
    /// recorded in [`Writes::puts`] too.
    pub fn add_to(&self, mut mocks: Mocks) -> Mocks {
        mocks.audit.changes = self.puts.clone();
        mocks.dynamodb(&self.put).dynamodb(&self.transact)
    }

    /// How many items were written (by `PutItem` or in a transaction).
    pub fn written(&self) -> usize {
        self.puts.lock().unwrap().len()
    }

    #[track_caller]
    pub fn assert_none(&self) {
        assert_eq!(self.put.num_calls(), 0, "PutItem was called");
        assert_eq!(
            self.puts.lock().unwrap().len(),
            0,
            "an item was written in a transaction"
        );
        assert_eq!(
            self.transact.num_calls(),
            0,
            "TransactWriteItems was called"
        );
    }
}

impl Default for Writes {
    fn default() -> Self {
        Self::new()
    }
}

// ---------------------------------------------------------------------------------------------
// S3 rules
// ---------------------------------------------------------------------------------------------

/// The first bytes of a JPEG, as a phone camera writes it.
pub const JPEG_HEAD: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01";
/// The first bytes of a PDF.
pub const PDF_HEAD: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj";
/// The first bytes of a Windows executable: what the applicant PUT behind `image/png`.
pub const EXE_HEAD: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff";

/// The ranged `GetObject` of an upload that arrived, answering `head` as its first bytes. The
/// request must ask for the first kilobyte only.
pub fn upload_with(key: &str, head: &'static [u8]) -> Rule {
    let key = key.to_string();
    mock!(aws_sdk_s3::Client::get_object)
        .match_requests(move |r| {
            r.bucket() == Some(UPLOADS_BUCKET) && r.key() == Some(&key) && {
                assert_eq!(
                    r.range(),
                    Some("bytes=0-1023"),
                    "a ranged GET of the first KiB"
                );
                true
            }
        })
        .then_output(move || {
            aws_sdk_s3::operation::get_object::GetObjectOutput::builder()
                .content_length(head.len() as i64)
                .content_range(format!("bytes 0-{}/123456", head.len() - 1))
                .body(aws_sdk_s3::primitives::ByteStream::from_static(head))
                .build()
        })
}

/// An upload that arrived with content of its declared type (the fixtures declare ID images as
/// `image/jpeg` and the package as `application/pdf`).
pub fn upload_arrived(key: &str) -> Rule {
    let head = if key == upload_key(PACKAGE_UPLOAD_ID) {
        PDF_HEAD
    } else {
        JPEG_HEAD
    };
    upload_with(key, head)
}

/// The ranged `GetObject` of an upload that never arrived.
pub fn upload_missing(key: &str) -> Rule {
    let key = key.to_string();
    mock!(aws_sdk_s3::Client::get_object)
        .match_requests(move |r| r.key() == Some(&key))
        .then_error(|| {
            aws_sdk_s3::operation::get_object::GetObjectError::NoSuchKey(
                aws_sdk_s3::types::error::NoSuchKey::builder()
                    .meta(
                        aws_sdk_s3::error::ErrorMetadata::builder()
                            .code("NoSuchKey")
                            .message("The specified key does not exist.")
                            .build(),
                    )
                    .build(),
            )
        })
}

// ---------------------------------------------------------------------------------------------
// SDK errors for Rekognition and Textract
// ---------------------------------------------------------------------------------------------

pub fn rekognition_throttle() -> aws_sdk_rekognition::types::error::ThrottlingException {
    aws_sdk_rekognition::types::error::ThrottlingException::builder()
        .message("Slow down")
        .meta(
            aws_sdk_rekognition::error::ErrorMetadata::builder()
                .code("ThrottlingException")
                .message("Slow down")
                .build(),
        )
        .build()
}

pub fn textract_throttle() -> aws_sdk_textract::types::error::ThrottlingException {
    aws_sdk_textract::types::error::ThrottlingException::builder()
        .message("Slow down")
        .meta(
            aws_sdk_textract::error::ErrorMetadata::builder()
                .code("ThrottlingException")
                .message("Slow down")
                .build(),
        )
        .build()
}

// ---------------------------------------------------------------------------------------------
// Any error of the error table, as the service sends it
// ---------------------------------------------------------------------------------------------

/// The HTTP status AWS answers an error code with (what the SDK's retry classifier and the
/// table's fallback see).
pub fn wire_status(code: &str) -> u16 {
    match code {
        "InternalServerError" | "InternalFailure" | "InternalError" | "InternalServiceError" => 500,
        "ServiceUnavailable" | "ServiceUnavailableException" | "SlowDown" => 503,
        "NoSuchKey" | "NoSuchBucket" => 404,
        "InvalidRange" => 416,
        "RequestTimeout" => 400,
        c if c.starts_with("AccessDenied") || c == "InvalidObjectState" => 403,
        c if c.contains("SignatureDoesNotMatch") || c == "InvalidAccessKeyId" => 403,
        _ => 400,
    }
}

/// An error response exactly as the service sends it on the wire (AWS JSON for DynamoDB,
/// Rekognition and Textract, REST-XML for S3), so the SDK's own deserializer and retry
/// classifier run on it.
pub fn wire_error(
    service: lendverify_aws::error::Service,
    code: &str,
) -> aws_smithy_runtime_api::http::Response {
    use aws_smithy_types::body::SdkBody;
    use lendverify_aws::error::Service;
    let status = wire_status(code);
    let (content_type, body) = match service {
        Service::S3 => (
            "application/xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>mock</Message><RequestId>req-mock</RequestId></Error>"
            ),
        ),
        Service::DynamoDb => (
            "application/x-amz-json-1.0",
            json!({ "__type": format!("com.amazonaws.dynamodb.v20120810#{code}"), "message": "mock" })
                .to_string(),
        ),
        Service::Rekognition | Service::Textract | Service::SecretsManager => (
            "application/x-amz-json-1.1",
            json!({ "__type": code, "Message": "mock" }).to_string(),
        ),
        // awsQuery.
        Service::Sns => (
            "text/xml",
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>mock</Message></Error><RequestId>req-mock</RequestId></ErrorResponse>"
            ),
        ),
    };
    let mut response = aws_smithy_runtime_api::http::Response::new(
        aws_smithy_runtime_api::http::StatusCode::try_from(status).expect("status"),
        SdkBody::from(body),
    );
    response
        .headers_mut()
        .insert("content-type", content_type.to_string());
    response
        .headers_mut()
        .insert("x-amzn-requestid", "req-mock".to_string());
    response
}
