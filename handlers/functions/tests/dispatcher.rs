//! `deliver-decision-events` against a local HTTP receiver: signed requests, in-process retries,
//! exactly one accepted delivery per event and endpoint across redeliveries, and batch item
//! failures when an endpoint stays down or refuses.
//!
//! DynamoDB is a mock that keeps the delivery records in memory and evaluates the two
//! conditions the adapter writes with, so a redelivery sees what the first delivery recorded.

mod support;

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use aws_sdk_dynamodb::operation::get_item::GetItemOutput;
use aws_sdk_dynamodb::operation::put_item::{PutItemError, PutItemOutput};
use aws_sdk_dynamodb::types::error::ConditionalCheckFailedException;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueOutput;
use aws_smithy_mocks::{mock, MockResponse, Rule};
use lendverify_aws::config::WebhookEndpoint;
use lendverify_core::webhook::{self, DecisionEvent, DecisionEventType, WebhookSecret};
use lendverify_functions::dispatcher::{self, DeliveryPolicy};
use lendverify_functions::AppState;
use serde_json::json;
use support::*;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const REVIEW_ID: &str = "f1f1f1f1-a2a2-4b3b-8c4c-d5d5d5d5d5d5";

// ---- a receiver ------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
    answered: u16,
}

/// An HTTP/1.1 receiver on a free loopback port: answers the scripted statuses in order, then
/// `then` for good, and records every request.
struct Receiver {
    url: String,
    script: Arc<Mutex<VecDeque<u16>>>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn start(script: &[u16], then: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/hooks/lendverify", listener.local_addr().unwrap());
        let script = Arc::new(Mutex::new(script.iter().copied().collect::<VecDeque<_>>()));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (script.clone(), received.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let status = s.lock().unwrap().pop_front().unwrap_or(then);
                if let Some(request) = answer(stream, status) {
                    r.lock().unwrap().push(request);
                }
            }
        });
        Self {
            url,
            script,
            received,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    fn accepted(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| (200..300).contains(&r.answered))
            .collect()
    }

    fn then_answer(&self, statuses: &[u16]) {
        self.script.lock().unwrap().extend(statuses);
    }
}

fn answer(stream: std::net::TcpStream, status: u16) -> Option<Received> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} Scripted\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    )
    .ok()?;
    Some(Received {
        headers,
        body: String::from_utf8(body).ok()?,
        answered: status,
    })
}

// ---- delivery records in memory ---------------------------------------------------------------

type Table = Arc<Mutex<HashMap<(String, String), Item>>>;

fn key_of(item: &Item) -> (String, String) {
    let s = |name: &str| item[name].as_s().unwrap().clone();
    (s("pk"), s("sk"))
}

/// GetItem and PutItem over `table`, with the adapter's two conditions evaluated.
fn records(table: &Table) -> (Rule, Rule) {
    let t = table.clone();
    let get = mock!(aws_sdk_dynamodb::Client::get_item).then_compute_output(move |req| {
        let key = req.key().unwrap();
        let key = (
            key["pk"].as_s().unwrap().clone(),
            key["sk"].as_s().unwrap().clone(),
        );
        GetItemOutput::builder()
            .set_item(t.lock().unwrap().get(&key).cloned())
            .build()
    });
    let t = table.clone();
    let put = mock!(aws_sdk_dynamodb::Client::put_item).then_compute_response(move |req| {
        let item = req.item().unwrap().clone();
        let key = key_of(&item);
        let mut table = t.lock().unwrap();
        let holds = match req.condition_expression() {
            Some("attribute_not_exists(pk)") => !table.contains_key(&key),
            Some("#claim = :claim") => {
                let token = &req.expression_attribute_values().unwrap()[":claim"];
                table.get(&key).and_then(|i| i.get("claim")) == Some(token)
            }
            other => panic!("unexpected condition {other:?}"),
        };
        if holds {
            table.insert(key, item);
            MockResponse::Output(PutItemOutput::builder().build())
        } else {
            MockResponse::Error(PutItemError::ConditionalCheckFailedException(
                ConditionalCheckFailedException::builder()
                    .meta(error_meta("ConditionalCheckFailedException"))
                    .build(),
            ))
        }
    });
    (get, put)
}

fn record_of(table: &Table, event_id: &str, endpoint: &str) -> Option<Item> {
    table
        .lock()
        .unwrap()
        .get(&(format!("EVENT#{event_id}"), format!("DELIVERY#{endpoint}")))
        .cloned()
}

// ---- the dispatcher -----------------------------------------------------------------------------

struct World {
    state: AppState,
    table: Table,
    secret_reads: Rule,
}

fn world(endpoints: &[(&str, &Receiver)]) -> World {
    let table: Table = Arc::default();
    let (get, put) = records(&table);
    let secret_reads = mock!(aws_sdk_secretsmanager::Client::get_secret_value)
        .match_requests(|req| req.secret_id() == Some(WEBHOOK_SECRET_ARN))
        .then_output(|| {
            GetSecretValueOutput::builder()
                .secret_string(SECRET)
                .build()
        });
    let mut state = Mocks::new()
        .dynamodb(&get)
        .dynamodb(&put)
        .secretsmanager(&secret_reads)
        .state();
    state.aws.settings.decision_events.endpoints = endpoints
        .iter()
        .map(|(name, receiver)| WebhookEndpoint {
            name: name.to_string(),
            url: receiver.url.clone(),
        })
        .collect();
    World {
        state,
        table,
        secret_reads,
    }
}

/// Milliseconds instead of core's seconds: the same number of retries.
fn fast_policy() -> DeliveryPolicy {
    DeliveryPolicy {
        delays: webhook::retry_delays()
            .iter()
            .map(|_| Duration::from_millis(5))
            .collect(),
        ..DeliveryPolicy::standard()
    }
}

fn decision_event() -> DecisionEvent {
    DecisionEvent::new(
        DecisionEventType::ReviewDecided,
        REVIEW_ID,
        APP_ID,
        now(),
        json!({ "decision": "APPROVED", "reasonCodes": ["DOCUMENT_CHECKED"] }),
    )
}

fn sqs(message_id: &str, body: &str) -> SqsEvent {
    serde_json::from_value(json!({ "Records": [{
        "messageId": message_id,
        "receiptHandle": "rh",
        "body": body,
        "attributes": {},
        "messageAttributes": {},
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:lendverify-decision-deliveries",
        "awsRegion": "us-east-1",
    }]}))
    .expect("SQS event")
}

async fn dispatch(world: &World, body: &str) -> SqsBatchResponse {
    dispatcher::handle_batch_with(&world.state, sqs("msg-1", body), &fast_policy()).await
}

fn failed(response: &SqsBatchResponse) -> Vec<String> {
    response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect()
}

fn number(item: &Item, name: &str) -> i64 {
    item[name].as_n().unwrap().parse().unwrap()
}

/// Checks a delivery the way a receiver does (core's `verify`, the same rules as the README's
/// snippet), at the time it was signed.
fn assert_signed(request: &Received, event: &DecisionEvent) {
    assert_eq!(request.headers["content-type"], "application/json");
    assert_eq!(request.headers["webhook-id"], event.id);
    assert_eq!(
        request.body,
        event.to_body(),
        "the body is the event as published"
    );
    let timestamp: i64 = request.headers["webhook-timestamp"].parse().unwrap();
    assert_eq!(timestamp, now().unix_timestamp());
    let secret = WebhookSecret::parse(SECRET).unwrap();
    webhook::verify(
        &secret,
        &request.headers["webhook-id"],
        timestamp,
        &request.body,
        &request.headers["webhook-signature"],
        timestamp,
    )
    .expect("a valid signature");
}

#[tokio::test]
async fn a_receiver_failing_twice_gets_exactly_one_accepted_correctly_signed_delivery() {
    let receiver = Receiver::start(&[503, 500], 204);
    let w = world(&[("lender", &receiver)]);
    let event = decision_event();
    let response = dispatch(&w, &event.to_body()).await;
    assert!(failed(&response).is_empty(), "{response:?}");
    let received = receiver.received();
    assert_eq!(received.len(), 3, "two failures, then accepted");
    assert_eq!(receiver.accepted().len(), 1);
    for request in &received {
        assert_signed(request, &event);
    }
    let record = record_of(&w.table, &event.id, "lender").expect("delivery record");
    assert_eq!(record["status"].as_s().unwrap(), "DELIVERED");
    assert_eq!(number(&record, "attempts"), 3);
    assert_eq!(number(&record, "leaseUntil"), 0);
    assert_eq!(record["deliveredAt"].as_s().unwrap(), NOW);
    assert_eq!(w.secret_reads.num_calls(), 1);

    // SQS delivers it again (at least once): nothing is sent, and the secret is not read.
    let response = dispatch(&w, &event.to_body()).await;
    assert!(failed(&response).is_empty());
    assert_eq!(receiver.received().len(), 3, "a redelivery sends nothing");
    assert_eq!(w.secret_reads.num_calls(), 1);
}

#[tokio::test]
async fn an_sns_envelope_is_delivered_as_the_event_itself() {
    let receiver = Receiver::start(&[], 200);
    let w = world(&[("lender", &receiver)]);
    let event = decision_event();
    let envelope = json!({ "Type": "Notification", "Message": event.to_body() }).to_string();
    assert!(failed(&dispatch(&w, &envelope).await).is_empty());
    let accepted = receiver.accepted();
    assert_eq!(accepted.len(), 1);
    assert_signed(&accepted[0], &event);
}

#[tokio::test]
async fn an_endpoint_down_past_the_retries_is_a_batch_item_failure_then_delivered_once() {
    let receiver = Receiver::start(&[], 503);
    let w = world(&[("lender", &receiver)]);
    let event = decision_event();
    let response = dispatch(&w, &event.to_body()).await;
    assert_eq!(failed(&response), vec!["msg-1".to_string()]);
    let tries = webhook::retry_delays().len() + 1;
    assert_eq!(
        receiver.received().len(),
        tries,
        "one try and one per delay"
    );
    assert!(receiver.accepted().is_empty());
    let record = record_of(&w.table, &event.id, "lender").unwrap();
    assert_eq!(record["status"].as_s().unwrap(), "SENDING");
    assert_eq!(
        number(&record, "leaseUntil"),
        0,
        "released for the redelivery"
    );
    assert_eq!(number(&record, "attempts"), tries as i64);

    // The receiver is back when SQS redelivers: accepted once, attempts counted across receives.
    receiver.then_answer(&[204]);
    let response = dispatch(&w, &event.to_body()).await;
    assert!(failed(&response).is_empty());
    assert_eq!(receiver.accepted().len(), 1);
    let record = record_of(&w.table, &event.id, "lender").unwrap();
    assert_eq!(record["status"].as_s().unwrap(), "DELIVERED");
    assert_eq!(number(&record, "attempts"), tries as i64 + 1);
}

#[tokio::test]
async fn a_refusal_is_not_retried_in_process_but_reported() {
    let receiver = Receiver::start(&[], 400);
    let w = world(&[("lender", &receiver)]);
    let response = dispatch(&w, &decision_event().to_body()).await;
    assert_eq!(failed(&response), vec!["msg-1".to_string()]);
    assert_eq!(
        receiver.received().len(),
        1,
        "a 4xx is not retried in process"
    );
}

#[tokio::test]
async fn throttling_and_timeouts_of_the_receiver_are_retried() {
    let receiver = Receiver::start(&[429, 408], 202);
    let w = world(&[("lender", &receiver)]);
    assert!(failed(&dispatch(&w, &decision_event().to_body()).await).is_empty());
    assert_eq!(receiver.received().len(), 3);
    assert_eq!(receiver.accepted().len(), 1);
}

#[tokio::test]
async fn a_redelivery_sends_only_to_the_endpoints_still_owed() {
    let up = Receiver::start(&[], 204);
    let down = Receiver::start(&[], 503);
    let w = world(&[("lender-a", &up), ("lender-b", &down)]);
    let event = decision_event();
    let response = dispatch(&w, &event.to_body()).await;
    assert_eq!(failed(&response), vec!["msg-1".to_string()]);
    assert_eq!(up.accepted().len(), 1);

    down.then_answer(&[204]);
    assert!(failed(&dispatch(&w, &event.to_body()).await).is_empty());
    assert_eq!(
        up.received().len(),
        1,
        "lender-a is not sent the event again"
    );
    assert_eq!(down.accepted().len(), 1);
    assert_signed(&down.accepted()[0], &event);
}

#[tokio::test]
async fn an_endpoint_leased_by_a_concurrent_invocation_is_left_to_it() {
    let receiver = Receiver::start(&[], 204);
    let w = world(&[("lender", &receiver)]);
    let event = decision_event();
    let lease: Item = [
        ("pk", AttributeValue::S(format!("EVENT#{}", event.id))),
        ("sk", AttributeValue::S("DELIVERY#lender".into())),
        ("eventId", AttributeValue::S(event.id.clone())),
        ("endpoint", AttributeValue::S("lender".into())),
        ("status", AttributeValue::S("SENDING".into())),
        ("claim", AttributeValue::S("other-invocation".into())),
        (
            "leaseUntil",
            AttributeValue::N((now().unix_timestamp() + 60).to_string()),
        ),
        ("attempts", AttributeValue::N("1".into())),
        ("expiresAt", AttributeValue::N("1900000000".into())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    w.table.lock().unwrap().insert(key_of(&lease), lease);
    let response = dispatch(&w, &event.to_body()).await;
    assert_eq!(failed(&response), vec!["msg-1".to_string()]);
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn a_body_that_is_not_a_decision_event_is_reported_without_sending() {
    let receiver = Receiver::start(&[], 204);
    let w = world(&[("lender", &receiver)]);
    for body in [
        "not json",
        r#"{"id":"x","type":"application.created"}"#,
        "{}",
    ] {
        assert_eq!(failed(&dispatch(&w, body).await), vec!["msg-1".to_string()]);
    }
    assert!(receiver.received().is_empty());
    assert_eq!(w.secret_reads.num_calls(), 0);
}

#[tokio::test]
async fn no_endpoints_means_nothing_to_do() {
    let w = world(&[]);
    assert!(failed(&dispatch(&w, &decision_event().to_body()).await).is_empty());
    assert_eq!(w.secret_reads.num_calls(), 0);
}

#[test]
fn the_lease_outlasts_an_invocation_and_fits_the_visibility_timeout() {
    let policy = DeliveryPolicy::standard();
    assert!(policy.lease_secs() > policy.budget.as_secs() as i64 + 13);
    // modules/decision_events: 60 s function timeout, visibility timeout six times that.
    assert!(policy.lease_secs() < 6 * 60);
    let waits: Duration = policy.delays.iter().sum();
    assert!(waits < policy.budget, "core's delays fit the budget");
}
