//! The decision event adapters over `aws-smithy-mocks` clients: the SNS publisher, the signing
//! secret (read once, then cached), the delivery records' claim with its lease, and the
//! `WEBHOOK_ENDPOINTS` configuration.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::operation::get_item::GetItemOutput;
use aws_sdk_dynamodb::operation::put_item::{PutItemError, PutItemOutput};
use aws_sdk_dynamodb::types::error::ConditionalCheckFailedException;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_secretsmanager::operation::get_secret_value::{
    GetSecretValueError, GetSecretValueOutput,
};
use aws_sdk_secretsmanager::types::error::ResourceNotFoundException;
use aws_sdk_sns::operation::publish::{PublishError, PublishOutput};
use aws_sdk_sns::types::error::KmsThrottlingException;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use lendverify_aws::config::{parse_webhook_endpoints, DecisionEventSettings};
use lendverify_aws::decisions::DecisionEvents;
use lendverify_aws::deliveries::{
    delivery_sk, event_pk, Claim, Deliveries, DeliveryItem, DeliveryStatus,
};
use lendverify_aws::webhooks::SigningSecret;
use lendverify_aws::AwsError;
use lendverify_core::webhook::{DecisionEvent, DecisionEventType};
use serde_json::json;

const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:lendverify-decision-events";
const SECRET_ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:webhook-AbCdEf";
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const TABLE: &str = "lendverify-applications";
const NOW: i64 = 1_795_000_000;

fn fast() -> aws_sdk_dynamodb::config::retry::RetryConfig {
    lendverify_aws::retry_config().with_initial_backoff(Duration::from_millis(1))
}

fn event() -> DecisionEvent {
    DecisionEvent::new(
        DecisionEventType::ReviewDecided,
        "5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
        "0b9c4b7e-3f1a-4d2b-9c8e-1a2b3c4d5e6f",
        time::macros::datetime!(2026-11-27 12:00 UTC),
        json!({ "decision": "APPROVED", "reasonCodes": ["DOCUMENT_CHECKED"] }),
    )
}

#[tokio::test]
async fn an_event_is_published_as_its_json_with_its_type_as_attribute() {
    let event = event();
    let body = event.to_body();
    let publish = mock!(aws_sdk_sns::Client::publish)
        .match_requests(move |req| {
            req.topic_arn() == Some(TOPIC)
                && req.message() == Some(body.as_str())
                && req
                    .message_attributes()
                    .and_then(|a| a.get("type"))
                    .is_some_and(|v| {
                        v.data_type() == "String" && v.string_value() == Some("review.decided")
                    })
        })
        .then_output(|| PublishOutput::builder().message_id("m-1").build());
    let client = mock_client!(aws_sdk_sns, RuleMode::MatchAny, [&publish]);
    DecisionEvents::new(client, TOPIC.into())
        .publish(&event)
        .await
        .expect("published");
    assert_eq!(publish.num_calls(), 1);
}

#[tokio::test]
async fn a_publish_error_is_classified_by_the_table() {
    let throttled = mock!(aws_sdk_sns::Client::publish).then_error(|| {
        PublishError::KmsThrottlingException(
            KmsThrottlingException::builder()
                .meta(
                    aws_sdk_sns::error::ErrorMetadata::builder()
                        .code("KMSThrottling")
                        .build(),
                )
                .build(),
        )
    });
    let client = mock_client!(aws_sdk_sns, RuleMode::MatchAny, [&throttled], |c| c
        .retry_config(fast()));
    let err = DecisionEvents::new(client, TOPIC.into())
        .publish(&event())
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
}

#[tokio::test]
async fn the_secret_is_read_once_and_then_cached() {
    let read = mock!(aws_sdk_secretsmanager::Client::get_secret_value)
        .match_requests(|req| req.secret_id() == Some(SECRET_ARN))
        .then_output(|| {
            GetSecretValueOutput::builder()
                .secret_string(SECRET)
                .build()
        });
    let client = mock_client!(aws_sdk_secretsmanager, RuleMode::MatchAny, [&read]);
    let secret = SigningSecret::new(client, SECRET_ARN.into());
    assert!(!secret.is_cached());
    let first = secret.get().await.expect("secret");
    let second = secret.get().await.expect("secret");
    assert_eq!(first, second);
    assert_eq!(first.to_text(), SECRET);
    assert_eq!(read.num_calls(), 1, "the second read comes from the cache");
    assert!(!format!("{first:?}").contains("MfKQ9r8"), "never in Debug");
}

#[tokio::test]
async fn a_missing_or_malformed_secret_is_ours() {
    let missing = mock!(aws_sdk_secretsmanager::Client::get_secret_value).then_error(|| {
        GetSecretValueError::ResourceNotFoundException(
            ResourceNotFoundException::builder()
                .meta(
                    aws_sdk_secretsmanager::error::ErrorMetadata::builder()
                        .code("ResourceNotFoundException")
                        .build(),
                )
                .build(),
        )
    });
    let client = mock_client!(aws_sdk_secretsmanager, RuleMode::MatchAny, [&missing]);
    let err = SigningSecret::new(client, SECRET_ARN.into())
        .get()
        .await
        .unwrap_err();
    assert!(matches!(err, AwsError::Fault { .. }), "{err:?}");

    let short = mock!(aws_sdk_secretsmanager::Client::get_secret_value).then_output(|| {
        GetSecretValueOutput::builder()
            .secret_string("whsec_c2hvcnQ=")
            .build()
    });
    let client = mock_client!(aws_sdk_secretsmanager, RuleMode::MatchAny, [&short]);
    let secret = SigningSecret::new(client, SECRET_ARN.into());
    let err = secret.get().await.unwrap_err();
    assert!(matches!(err, AwsError::Fault { .. }), "{err:?}");
    assert!(!secret.is_cached());
}

type Item = HashMap<String, AttributeValue>;

fn stored(status: DeliveryStatus, lease_until: i64, attempts: u32) -> DeliveryItem {
    DeliveryItem {
        pk: event_pk("e-1"),
        sk: delivery_sk("lender"),
        event_id: "e-1".into(),
        endpoint: "lender".into(),
        status,
        claim: "earlier-claim".into(),
        lease_until,
        attempts,
        delivered_at: (status == DeliveryStatus::Delivered).then(|| "2026-11-27T12:00:00Z".into()),
        expires_at: NOW + 86_400,
    }
}

fn get_rule(existing: Option<DeliveryItem>) -> aws_smithy_mocks::Rule {
    mock!(aws_sdk_dynamodb::Client::get_item)
        .match_requests(|req| {
            req.table_name() == Some(TABLE)
                && req.consistent_read() == Some(true)
                && req.key().and_then(|k| k.get("pk")) == Some(&AttributeValue::S(event_pk("e-1")))
                && req.key().and_then(|k| k.get("sk"))
                    == Some(&AttributeValue::S(delivery_sk("lender")))
        })
        .then_output(move || {
            GetItemOutput::builder()
                .set_item(
                    existing
                        .as_ref()
                        .map(|i| serde_dynamo::to_item::<_, Item>(i).unwrap()),
                )
                .build()
        })
}

#[tokio::test]
async fn a_first_claim_writes_a_leased_record_only_if_absent() {
    let get = get_rule(None);
    let put = mock!(aws_sdk_dynamodb::Client::put_item)
        .match_requests(|req| {
            let item = req.item().unwrap();
            req.condition_expression() == Some("attribute_not_exists(pk)")
                && item["status"] == AttributeValue::S("SENDING".into())
                && item["leaseUntil"] == AttributeValue::N((NOW + 120).to_string())
                && item["attempts"] == AttributeValue::N("0".into())
                && item["expiresAt"] == AttributeValue::N((NOW + 30 * 86_400).to_string())
        })
        .then_output(|| PutItemOutput::builder().build());
    let client = mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, [&get, &put]);
    let deliveries = Deliveries::new(client, TABLE.into());
    let Claim::Claimed(claimed) = deliveries.claim("e-1", "lender", NOW, 120).await.unwrap() else {
        panic!("not claimed")
    };
    assert_eq!(claimed.status, DeliveryStatus::Sending);
    assert_eq!(put.num_calls(), 1);
}

#[tokio::test]
async fn a_delivered_endpoint_is_never_claimed_again() {
    let get = get_rule(Some(stored(DeliveryStatus::Delivered, 0, 3)));
    let put =
        mock!(aws_sdk_dynamodb::Client::put_item).then_output(|| PutItemOutput::builder().build());
    let client = mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, [&get, &put]);
    let deliveries = Deliveries::new(client, TABLE.into());
    assert_eq!(
        deliveries.claim("e-1", "lender", NOW, 120).await.unwrap(),
        Claim::Delivered
    );
    assert_eq!(put.num_calls(), 0);
}

#[tokio::test]
async fn a_lease_held_by_another_invocation_is_respected() {
    let get = get_rule(Some(stored(DeliveryStatus::Sending, NOW + 30, 1)));
    let put =
        mock!(aws_sdk_dynamodb::Client::put_item).then_output(|| PutItemOutput::builder().build());
    let client = mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, [&get, &put]);
    let deliveries = Deliveries::new(client, TABLE.into());
    assert_eq!(
        deliveries.claim("e-1", "lender", NOW, 120).await.unwrap(),
        Claim::Leased { until: NOW + 30 }
    );
    assert_eq!(put.num_calls(), 0);
}

#[tokio::test]
async fn an_expired_lease_is_taken_over_only_if_unchanged_and_counts_carry_over() {
    let get = get_rule(Some(stored(DeliveryStatus::Sending, NOW - 1, 4)));
    let put = mock!(aws_sdk_dynamodb::Client::put_item)
        .match_requests(|req| {
            req.condition_expression() == Some("#claim = :claim")
                && req
                    .expression_attribute_values()
                    .and_then(|v| v.get(":claim"))
                    == Some(&AttributeValue::S("earlier-claim".into()))
                && req.item().unwrap()["attempts"] == AttributeValue::N("4".into())
        })
        .then_output(|| PutItemOutput::builder().build());
    let client = mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, [&get, &put]);
    let deliveries = Deliveries::new(client, TABLE.into());
    let Claim::Claimed(claimed) = deliveries.claim("e-1", "lender", NOW, 120).await.unwrap() else {
        panic!("not claimed")
    };
    assert_ne!(claimed.claim, "earlier-claim");
    assert_eq!(claimed.attempts, 4);

    // Delivered after two more POSTs: only by the holder of the new claim, attempts added up.
    let token = claimed.claim.clone();
    let delivered = mock!(aws_sdk_dynamodb::Client::put_item)
        .match_requests(move |req| {
            let item = req.item().unwrap();
            req.expression_attribute_values()
                .and_then(|v| v.get(":claim"))
                == Some(&AttributeValue::S(token.clone()))
                && item["status"] == AttributeValue::S("DELIVERED".into())
                && item["attempts"] == AttributeValue::N("6".into())
                && item["leaseUntil"] == AttributeValue::N("0".into())
                && item["deliveredAt"] == AttributeValue::S("2026-11-27T12:00:05Z".into())
        })
        .then_output(|| PutItemOutput::builder().build());
    let client = mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, [&delivered]);
    Deliveries::new(client, TABLE.into())
        .delivered(&claimed, 2, "2026-11-27T12:00:05Z".into())
        .await
        .expect("delivered");
    assert_eq!(delivered.num_calls(), 1);
}

#[tokio::test]
async fn a_claim_that_loses_the_race_is_a_lease_of_another() {
    let get = get_rule(None);
    let put = mock!(aws_sdk_dynamodb::Client::put_item).then_error(|| {
        PutItemError::ConditionalCheckFailedException(
            ConditionalCheckFailedException::builder()
                .meta(
                    aws_sdk_dynamodb::error::ErrorMetadata::builder()
                        .code("ConditionalCheckFailedException")
                        .build(),
                )
                .build(),
        )
    });
    let client = mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, [&get, &put]);
    let deliveries = Deliveries::new(client, TABLE.into());
    assert_eq!(
        deliveries.claim("e-1", "lender", NOW, 120).await.unwrap(),
        Claim::Leased { until: NOW + 120 }
    );
}

#[test]
fn webhook_endpoints_are_parsed_and_checked() {
    let ok = parse_webhook_endpoints(
        r#"[{"name":"lender-a","url":"https://hooks.lender.example/lendverify"},
            {"name":"local","url":"http://127.0.0.1:8099/hook"}]"#,
    )
    .expect("valid");
    assert_eq!(ok.len(), 2);
    assert_eq!(ok[0].name, "lender-a");
    assert_eq!(parse_webhook_endpoints("[]").unwrap(), vec![]);
    for (raw, says) in [
        ("{}", "JSON array"),
        (r#"[{"name":"a"}]"#, "JSON array"),
        (
            r#"[{"name":"a","url":"https://x.example","extra":1}]"#,
            "JSON array",
        ),
        (r#"[{"name":"","url":"https://x.example"}]"#, "A-Za-z0-9"),
        (r#"[{"name":"a b","url":"https://x.example"}]"#, "A-Za-z0-9"),
        (
            r#"[{"name":"a","url":"https://x.example"},{"name":"a","url":"https://y.example"}]"#,
            "twice",
        ),
        (r#"[{"name":"a","url":"not a url"}]"#, "does not parse"),
        (
            r#"[{"name":"a","url":"http://hooks.lender.example"}]"#,
            "https://",
        ),
        (
            r#"[{"name":"a","url":"ftp://hooks.lender.example"}]"#,
            "https://",
        ),
        (
            r#"[{"name":"a","url":"https://user:pw@hooks.lender.example"}]"#,
            "credentials",
        ),
    ] {
        let err = parse_webhook_endpoints(raw).unwrap_err();
        assert!(err.contains(says), "{raw}: {err}");
    }
}

#[test]
fn decision_event_settings_name_the_variable_at_fault() {
    let env = |endpoints: &'static str| {
        move |name: &str| match name {
            "DECISION_EVENTS_TOPIC_ARN" => Some(TOPIC.to_string()),
            "WEBHOOK_SECRET_ARN" => Some(SECRET_ARN.to_string()),
            "WEBHOOK_ENDPOINTS" => Some(endpoints.to_string()),
            _ => None,
        }
    };
    let settings = DecisionEventSettings::from_lookup(env("[]")).unwrap();
    assert_eq!(settings.topic_arn, TOPIC);
    assert!(settings.endpoints.is_empty());
    let err = DecisionEventSettings::from_lookup(env("nope")).unwrap_err();
    assert!(err.to_string().contains("WEBHOOK_ENDPOINTS"), "{err}");
    let err = DecisionEventSettings::from_lookup(|_| None).unwrap_err();
    assert!(err.to_string().contains("WEBHOOK_ENDPOINTS"), "{err}");
}
