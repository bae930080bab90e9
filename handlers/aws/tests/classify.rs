//! `AwsError::classify` over real wire answers: every DynamoDB row of the error table, sent as
//! DynamoDB sends it, comes out of the `Store` adapter as the table's answer (after the SDK's own
//! retries); a cancelled transaction is judged by its reasons.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_http_client::test_util::infallible_client_fn;
use lendverify_aws::error::table::{rows_of, sdk_retries, Answer, Op};
use lendverify_aws::records::*;
use lendverify_aws::store::Store;
use lendverify_aws::AwsError;
use serde_json::json;

fn status_of(code: &str) -> u16 {
    match code {
        "InternalServerError" | "InternalFailure" => 500,
        "ServiceUnavailable" | "ServiceUnavailableException" => 503,
        _ => 400,
    }
}

/// A store whose DynamoDB answers every request with `body` (and counts the attempts).
fn store(status: u16, body: serde_json::Value) -> (Store, Arc<AtomicUsize>) {
    let attempts = Arc::new(AtomicUsize::new(0));
    let seen = attempts.clone();
    let http = infallible_client_fn(move |_request| {
        seen.fetch_add(1, Ordering::SeqCst);
        http::Response::builder()
            .status(status)
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amzn-requestid", "req-test")
            .body(body.to_string())
            .expect("response")
    });
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .retry_config(lendverify_aws::retry_config().with_initial_backoff(Duration::from_millis(1)))
        .http_client(http)
        .build();
    (
        Store::new(aws_sdk_dynamodb::Client::from_conf(config), "table".into()),
        attempts,
    )
}

fn wire(code: &str) -> serde_json::Value {
    json!({ "__type": format!("com.amazonaws.dynamodb.v20120810#{code}"), "message": "m" })
}

fn application() -> ApplicationItem {
    ApplicationItem {
        pk: application_pk("a"),
        sk: APPLICATION_SK.into(),
        application_id: "a".into(),
        owner_sub: "sub".into(),
        created_at: "2026-11-27T12:00:00Z".into(),
        applicant: None,
        idempotency_key: Some("k".into()),
        consent: None,
    }
}

fn idempotency() -> IdempotencyItem {
    IdempotencyItem {
        pk: idempotency_pk("sub", "k"),
        sk: "IDEMPOTENCY".into(),
        application_id: "a".into(),
        expires_at: 0,
    }
}

async fn call(op: Op, store: &Store) -> AwsError {
    let result = match op {
        Op::GetItem => store.get_application("a").await.map(|_| ()),
        Op::Query => store.application_items("a").await.map(|_| ()),
        Op::PutItem => store.put_new(&application()).await,
        Op::DeleteItem => store
            .delete_application(&ApplicationItems {
                keys: vec![(application_pk("a"), APPLICATION_SK.into())],
                ..ApplicationItems::default()
            })
            .await
            .map(|_| ()),
        Op::TransactWriteItems => {
            let change = store
                .new_item(&idempotency())
                .and_then(|c| Ok(c.and(store.new_item(&application())?)))
                .expect("a change");
            store.write(change).await
        }
        other => unreachable!("{other:?}"),
    };
    result.expect_err("the call fails")
}

fn matches(answer: Answer, err: &AwsError) -> bool {
    match answer {
        Answer::Transient => matches!(err, AwsError::Unavailable { .. }),
        Answer::Condition => matches!(err, AwsError::ConditionFailed),
        Answer::Missing => matches!(err, AwsError::NotFound { .. }),
        Answer::Upload(p) => err.upload_problem() == Some(p),
        Answer::Outcome => matches!(err, AwsError::Outcome { .. }),
        Answer::Browser | Answer::Ours => matches!(err, AwsError::Fault { .. }),
    }
}

#[tokio::test]
async fn every_dynamodb_row_comes_out_of_the_store_as_its_answer() {
    for op in [
        Op::GetItem,
        Op::Query,
        Op::PutItem,
        Op::DeleteItem,
        Op::TransactWriteItems,
    ] {
        for row in rows_of(op) {
            let (store, attempts) = store(status_of(row.code), wire(row.code));
            let err = call(op, &store).await;
            assert!(
                matches(row.answer, &err),
                "{} {}: {:?} documented, got {err:?}",
                op.name(),
                row.code,
                row.answer
            );
            let retried = sdk_retries(row.code) || status_of(row.code) >= 500;
            assert_eq!(
                attempts.load(Ordering::SeqCst),
                if retried { 3 } else { 1 },
                "{} {}: SDK attempts",
                op.name(),
                row.code
            );
            if let AwsError::Fault {
                detail, operation, ..
            } = &err
            {
                assert_eq!(*operation, op.name());
                // Status and request id, never the service's message (it can echo values).
                assert_eq!(
                    detail,
                    &format!("HTTP {}, request id req-test", status_of(row.code))
                );
            }
        }
    }
}

#[tokio::test]
async fn a_cancelled_transaction_is_judged_by_its_reasons() {
    let cases = [
        (
            json!([{ "Code": "ConditionalCheckFailed" }, { "Code": "None" }]),
            "condition",
        ),
        (
            json!([{ "Code": "None" }, { "Code": "ConditionalCheckFailed" }]),
            "condition",
        ),
        (json!([]), "condition"),
        (
            json!([{ "Code": "ThrottlingError" }, { "Code": "None" }]),
            "transient",
        ),
        (
            json!([{ "Code": "TransactionConflict" }, { "Code": "None" }]),
            "transient",
        ),
        (
            json!([{ "Code": "ProvisionedThroughputExceeded" }]),
            "transient",
        ),
        (
            json!([{ "Code": "ValidationError" }, { "Code": "None" }]),
            "ours",
        ),
        (
            json!([{ "Code": "ItemCollectionSizeLimitExceeded" }]),
            "ours",
        ),
    ];
    for (reasons, expected) in cases {
        let mut body = wire("TransactionCanceledException");
        body["CancellationReasons"] = reasons.clone();
        let (store, _) = store(400, body);
        let err = call(Op::TransactWriteItems, &store).await;
        let got = match err {
            AwsError::ConditionFailed => "condition",
            AwsError::Unavailable { .. } => "transient",
            AwsError::Fault { .. } => "ours",
            other => panic!("{reasons}: {other:?}"),
        };
        assert_eq!(got, expected, "{reasons}");
    }
}

#[tokio::test]
async fn an_unknown_code_is_answered_by_its_status() {
    for (status, transient) in [
        (400, false),
        (403, false),
        (429, true),
        (500, true),
        (503, true),
    ] {
        let (store, _) = store(status, wire("SomethingNew"));
        let err = call(Op::Query, &store).await;
        assert_eq!(err.is_transient(), transient, "{status}: {err:?}");
    }
}
