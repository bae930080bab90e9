//! `lending-analysis-completed`: the SQS consumer of Textract's SNS completion messages.

mod support;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use aws_sdk_dynamodb::Client as DynamoDb;
use aws_sdk_textract::operation::get_lending_analysis::GetLendingAnalysisOutput;
use aws_sdk_textract::operation::get_lending_analysis_summary::{
    GetLendingAnalysisSummaryError, GetLendingAnalysisSummaryOutput,
};
use aws_sdk_textract::types::{
    DetectedSignature, DocumentGroup as TextractGroup, Extraction, LendingDetection,
    LendingDocument, LendingField, LendingResult, LendingSummary, PageClassification, Prediction,
    SplitDocument, UndetectedSignature,
};
use aws_smithy_mocks::{mock, Rule};
use lendverify_aws::error::table::{rows_of, Answer as Documented, Op, Service};
use lendverify_aws::records::*;
use lendverify_core::lending::{DocumentGroup, DocumentStatus, ExtractedData, Field, W2};
use lendverify_core::printed::Amount;
use lendverify_functions::consumer::handle_batch;
use lendverify_functions::AppState;
use serde_json::{json, Value};
use support::*;

const QUEUE_ARN: &str = "arn:aws:sqs:us-east-1:123456789012:lendverify-lending-completed";

/// Textract's completion message, as SNS delivers it inside the SQS body.
fn completion(job_id: &str, status: &str, job_tag: Option<&str>) -> String {
    let mut message = json!({
        "JobId": job_id,
        "Status": status,
        "API": "StartLendingAnalysis",
        "Timestamp": 1_795_780_800_000_i64,
        "DocumentLocation": {
            "S3ObjectName": upload_key(PACKAGE_UPLOAD_ID),
            "S3Bucket": UPLOADS_BUCKET,
        },
    });
    if let Some(tag) = job_tag {
        message["JobTag"] = json!(tag);
    }
    message.to_string()
}

fn sns_envelope(message: &str) -> String {
    json!({
        "Type": "Notification",
        "MessageId": "6b1d1f8c-4b1e-5f3a-9d2e-1c0b9a8f7e6d",
        "TopicArn": TOPIC_ARN,
        "Message": message,
        "Timestamp": "2026-11-27T11:59:59.000Z",
        "SignatureVersion": "1",
        "Signature": "c2lnbmF0dXJl",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/cert.pem",
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
    })
    .to_string()
}

/// A Lambda SQS event with one record per `(messageId, body)`.
fn sqs_event(records: &[(&str, &str)]) -> SqsEvent {
    let records: Vec<Value> = records
        .iter()
        .map(|(id, body)| {
            json!({
                "messageId": id,
                "receiptHandle": format!("handle-{id}"),
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1795780800000",
                    "SenderId": "AIDAEXAMPLE",
                    "ApproximateFirstReceiveTimestamp": "1795780800001",
                },
                "messageAttributes": {},
                "md5OfBody": "d41d8cd98f00b204e9800998ecf8427e",
                "eventSource": "aws:sqs",
                "eventSourceARN": QUEUE_ARN,
                "awsRegion": "us-east-1",
            })
        })
        .collect();
    serde_json::from_value(json!({ "Records": records })).expect("an SQS event")
}

fn failures(response: &SqsBatchResponse) -> Vec<String> {
    let value = serde_json::to_value(response).unwrap();
    value["batchItemFailures"]
        .as_array()
        .expect("batchItemFailures")
        .iter()
        .map(|f| f["itemIdentifier"].as_str().unwrap().to_string())
        .collect()
}

/// `Query` on `job-index` for `JOB_ID`.
fn document_by_job(found: Option<DocumentItem>) -> Rule {
    mock!(DynamoDb::query)
        .match_requests(|r| {
            r.index_name() == Some("job-index")
                && r.key_condition_expression() == Some("textractJobId = :job")
                && r.expression_attribute_values()
                    .and_then(|v| v.get(":job"))
                    .and_then(|v| v.as_s().ok())
                    .is_some_and(|job| job == JOB_ID)
        })
        .then_output(move || {
            aws_sdk_dynamodb::operation::query::QueryOutput::builder()
                .set_items(Some(found.iter().map(item).collect()))
                .build()
        })
}

fn in_progress() -> DocumentItem {
    document(DOCUMENT_ID, DocumentStatus::InProgress)
}

fn summary_ok() -> Rule {
    summary_of(aws_sdk_textract::types::JobStatus::Succeeded)
}

/// The summary of a job Textract reports as `status` (with the groups of a finished one).
fn summary_of(status: aws_sdk_textract::types::JobStatus) -> Rule {
    mock!(aws_sdk_textract::Client::get_lending_analysis_summary)
        .match_requests(|r| r.job_id() == Some(JOB_ID))
        .then_output(move || {
            GetLendingAnalysisSummaryOutput::builder()
                .job_status(status.clone())
                .summary(
                    LendingSummary::builder()
                        .document_groups(
                            TextractGroup::builder()
                                .r#type("1003")
                                .split_documents(
                                    SplitDocument::builder().index(0).pages(2).pages(1).build(),
                                )
                                .detected_signatures(DetectedSignature::builder().page(2).build())
                                .undetected_signatures(
                                    UndetectedSignature::builder().page(1).build(),
                                )
                                .build(),
                        )
                        .document_groups(
                            TextractGroup::builder()
                                .r#type("W_2")
                                .split_documents(SplitDocument::builder().index(0).pages(3).build())
                                .build(),
                        )
                        .build(),
                )
                .build()
        })
}

/// The summary of a job Textract failed, with its reason.
fn summary_failed(reason: Option<&'static str>) -> Rule {
    mock!(aws_sdk_textract::Client::get_lending_analysis_summary)
        .match_requests(|r| r.job_id() == Some(JOB_ID))
        .then_output(move || {
            GetLendingAnalysisSummaryOutput::builder()
                .job_status(aws_sdk_textract::types::JobStatus::Failed)
                .set_status_message(reason.map(str::to_string))
                .build()
        })
}

fn field(ty: &str, text: &str) -> LendingField {
    LendingField::builder()
        .r#type(ty)
        .value_detections(
            LendingDetection::builder()
                .text(text)
                .confidence(98.5)
                .build(),
        )
        .build()
}

fn page(number: i32, page_type: &str, fields: Vec<LendingField>) -> LendingResult {
    LendingResult::builder()
        .page(number)
        .page_classification(
            PageClassification::builder()
                .page_type(
                    Prediction::builder()
                        .value(page_type)
                        .confidence(99.0)
                        .build(),
                )
                .page_number(
                    Prediction::builder()
                        .value(number.to_string())
                        .confidence(99.0)
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .extractions(
            Extraction::builder()
                .lending_document(
                    LendingDocument::builder()
                        .set_lending_fields(Some(fields))
                        .build(),
                )
                .build(),
        )
        .build()
}

/// Two pages of `GetLendingAnalysis`, linked by `NextToken`.
fn analysis_pages() -> (Rule, Rule) {
    let first = mock!(aws_sdk_textract::Client::get_lending_analysis)
        .match_requests(|r| r.job_id() == Some(JOB_ID) && r.next_token().is_none())
        .then_output(|| {
            GetLendingAnalysisOutput::builder()
                .job_status(aws_sdk_textract::types::JobStatus::Succeeded)
                .results(page(1, "1003", vec![field("OTHER", "Jane Doe")]))
                .results(page(2, "1003", vec![]))
                .next_token("page-2")
                .build()
        });
    let second = mock!(aws_sdk_textract::Client::get_lending_analysis)
        .match_requests(|r| r.job_id() == Some(JOB_ID) && r.next_token() == Some("page-2"))
        .then_output(|| {
            GetLendingAnalysisOutput::builder()
                .job_status(aws_sdk_textract::types::JobStatus::Succeeded)
                .results(page(
                    3,
                    "W_2",
                    vec![
                        field("EMPLOYEE_NAME", "Jane Doe"),
                        field("FORM_YEAR", "2025"),
                        field("WAGES", "$52,000.00"),
                    ],
                ))
                .build()
        });
    (first, second)
}

/// The consumer's world: the job lookup, Textract's results and the conditional write.
struct Setup {
    lookup: Rule,
    summary: Rule,
    first_page: Rule,
    second_page: Rule,
    writes: Writes,
    published: Published,
    state: AppState,
}

impl Setup {
    fn with(lookup: Rule, summary: Rule, transactions: &[&Rule]) -> Self {
        let (first_page, second_page) = analysis_pages();
        let writes = Writes::new();
        let mut mocks = Mocks::new().dynamodb(&lookup);
        for rule in transactions {
            mocks = mocks.audit_rule(rule);
        }
        let mocks = writes
            .add_to(mocks)
            .textract(&summary)
            .textract(&first_page)
            .textract(&second_page);
        let state = mocks.state();
        Self {
            published: mocks.published.clone(),
            lookup,
            summary,
            first_page,
            second_page,
            writes,
            state,
        }
    }

    fn new(found: Option<DocumentItem>) -> Self {
        Self::with(document_by_job(found), summary_ok(), &[])
    }

    fn textract_calls(&self) -> usize {
        self.summary.num_calls() + self.first_page.num_calls() + self.second_page.num_calls()
    }

    async fn deliver(&self, records: &[(&str, &str)]) -> Vec<String> {
        failures(&handle_batch(&self.state, sqs_event(records)).await)
    }
}

/// A value as the mock pages read it (confidence 98.5, above the minimum of 90).
fn read(text: &str, amount: Option<Amount>) -> Field {
    Field {
        text: text.into(),
        confidence: 98.5,
        amount,
        date: None,
        low_confidence: false,
    }
}

#[tokio::test]
async fn succeeded_job_records_groups_pages_and_extracted_data() {
    let setup = Setup::new(Some(in_progress()));
    let body = sns_envelope(&completion(JOB_ID, "SUCCEEDED", Some(APP_ID)));

    let failed = setup.deliver(&[("m-1", &body)]).await;

    assert_eq!(failed, Vec::<String>::new());
    assert_eq!(setup.summary.num_calls(), 1);
    assert_eq!(
        (setup.first_page.num_calls(), setup.second_page.num_calls()),
        (1, 1),
        "every page, following NextToken"
    );
    let (stored, input): (DocumentItem, _) = only_put(&setup.writes.puts);
    assert_eq!(stored.status, DocumentStatus::Succeeded);
    assert_eq!(stored.completed_at.as_deref(), Some(NOW));
    assert_eq!(stored.created_at, in_progress().created_at);
    assert_eq!(stored.textract_job_id, JOB_ID);
    assert_eq!(stored.status_message, None);
    assert_eq!(
        stored.document_groups,
        vec![
            DocumentGroup {
                doc_type: "1003".into(),
                pages: vec![1, 2],
                signatures_found: vec![2],
                signatures_missing: vec![1],
            },
            DocumentGroup {
                doc_type: "W_2".into(),
                pages: vec![3],
                signatures_found: vec![],
                signatures_missing: vec![],
            },
        ]
    );
    assert_eq!(
        stored.page_classes,
        vec![
            PageClass {
                page: 1,
                page_type: "1003".into()
            },
            PageClass {
                page: 2,
                page_type: "1003".into()
            },
            PageClass {
                page: 3,
                page_type: "W_2".into()
            },
        ]
    );
    assert_eq!(
        stored.extracted,
        Some(ExtractedData {
            w2: vec![W2 {
                page: 3,
                employee_name: Some(read("Jane Doe", None)),
                form_year: Some(read("2025", None)),
                wages: Some(read(
                    "$52,000.00",
                    Some(Amount {
                        value: "52000.00".into(),
                        currency: Some("USD".into()),
                    })
                )),
            }],
            payslips: vec![],
            bank_statements: vec![],
        })
    );
    assert_eq!(
        input.condition_expression(),
        Some("attribute_exists(pk) AND #status = :in_progress"),
        "a document leaves IN_PROGRESS exactly once"
    );
    let item = input.item().unwrap();
    assert_eq!(item["status"].as_s().unwrap(), "SUCCEEDED");
    assert!(item.contains_key("documentGroups"));
    assert!(item.contains_key("extracted"));
}

#[tokio::test]
async fn partial_success_is_recorded_as_such() {
    let setup = Setup::with(
        document_by_job(Some(in_progress())),
        summary_of(aws_sdk_textract::types::JobStatus::PartialSuccess),
        &[],
    );
    let body = sns_envelope(&completion(JOB_ID, "PARTIAL_SUCCESS", Some(APP_ID)));

    assert!(setup.deliver(&[("m-1", &body)]).await.is_empty());

    let (stored, _): (DocumentItem, _) = only_put(&setup.writes.puts);
    assert_eq!(stored.status, DocumentStatus::PartialSuccess);
    assert_eq!(stored.document_groups.len(), 2);
}

#[tokio::test]
async fn a_failed_job_is_recorded_with_textracts_reason_without_reading_pages() {
    let setup = Setup::with(
        document_by_job(Some(in_progress())),
        summary_failed(Some("UNSUPPORTED_DOCUMENT")),
        &[],
    );
    let body = sns_envelope(&completion(JOB_ID, "FAILED", Some(APP_ID)));

    let failed = setup.deliver(&[("m-1", &body)]).await;

    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(
        setup.summary.num_calls(),
        1,
        "Textract's status, not the message's"
    );
    assert_eq!(
        setup.first_page.num_calls() + setup.second_page.num_calls(),
        0
    );
    let (stored, input): (DocumentItem, _) = only_put(&setup.writes.puts);
    assert_eq!(stored.status, DocumentStatus::Failed);
    assert_eq!(
        stored.status_message.as_deref(),
        Some("UNSUPPORTED_DOCUMENT")
    );
    assert_eq!(stored.completed_at.as_deref(), Some(NOW));
    assert!(stored.document_groups.is_empty());
    assert_eq!(stored.extracted, None);
    assert_eq!(
        input.condition_expression(),
        Some("attribute_exists(pk) AND #status = :in_progress")
    );
}

#[tokio::test]
async fn error_status_is_final_not_redelivered() {
    // Textract's SNS completion says ERROR when the job could not run at all (its JobStatus is
    // then FAILED); retrying the message would only park it in the DLQ with the document
    // IN_PROGRESS for good.
    let setup = Setup::with(
        document_by_job(Some(in_progress())),
        summary_failed(None),
        &[],
    );
    let body = sns_envelope(&completion(JOB_ID, "ERROR", Some(APP_ID)));

    let failed = setup.deliver(&[("m-1", &body)]).await;

    assert!(failed.is_empty(), "{failed:?}");
    let (stored, input): (DocumentItem, _) = only_put(&setup.writes.puts);
    assert_eq!(stored.status, DocumentStatus::Failed);
    assert!(stored
        .status_message
        .as_deref()
        .is_some_and(|m| m.contains("could not analyse")));
    assert_eq!(stored.extracted, None);
    assert_eq!(
        input.condition_expression(),
        Some("attribute_exists(pk) AND #status = :in_progress")
    );
}

/// Anyone who may publish to the topic could write a completion message: what is recorded is
/// Textract's own status. A "SUCCEEDED" for a job still running is reported (SQS redelivers it,
/// and the DLQ keeps it if it never comes true), and a "FAILED" for a job that succeeded records
/// the success.
#[tokio::test]
async fn a_completion_message_is_checked_against_textract() {
    let running = Setup::with(
        document_by_job(Some(in_progress())),
        summary_of(aws_sdk_textract::types::JobStatus::InProgress),
        &[],
    );
    let forged = sns_envelope(&completion(JOB_ID, "SUCCEEDED", Some(APP_ID)));
    assert_eq!(
        running.deliver(&[("m-forged", &forged)]).await,
        vec!["m-forged".to_string()]
    );
    assert_eq!(running.first_page.num_calls(), 0);
    running.writes.assert_none();

    let succeeded = Setup::new(Some(in_progress()));
    let wrong = sns_envelope(&completion(JOB_ID, "FAILED", Some(APP_ID)));
    assert!(succeeded.deliver(&[("m-wrong", &wrong)]).await.is_empty());
    let (stored, _): (DocumentItem, _) = only_put(&succeeded.writes.puts);
    assert_eq!(stored.status, DocumentStatus::Succeeded);
}

#[tokio::test]
async fn duplicate_delivery_of_a_recorded_job_changes_nothing() {
    for status in [
        DocumentStatus::Succeeded,
        DocumentStatus::PartialSuccess,
        DocumentStatus::Failed,
    ] {
        let setup = Setup::new(Some(document(DOCUMENT_ID, status)));
        let body = sns_envelope(&completion(JOB_ID, "SUCCEEDED", Some(APP_ID)));

        let failed = setup.deliver(&[("m-1", &body)]).await;

        assert!(
            failed.is_empty(),
            "a duplicate is not a failure: {failed:?}"
        );
        assert_eq!(setup.lookup.num_calls(), 1);
        assert_eq!(
            setup.textract_calls(),
            0,
            "no Textract calls for a duplicate"
        );
        setup.writes.assert_none();
        // Its lenders' event again (the first publication may have failed), the same event.
        let messages = setup.published.messages();
        assert_eq!(messages.len(), 1, "{status:?}");
        assert_eq!(messages[0]["type"], "document.analysed");
        assert_eq!(messages[0]["data"]["documentId"], DOCUMENT_ID);
    }
}

#[tokio::test]
async fn the_same_message_twice_in_one_batch_is_not_a_failure() {
    // The first delivery wins the conditional write; the second loses it.
    let put = mock!(DynamoDb::transact_write_items)
        .sequence()
        .output(|| {
            aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsOutput::builder()
                .build()
        })
        .error(|| transaction_cancelled("ConditionalCheckFailed", 3))
        .build();
    let lookup = document_by_job(Some(in_progress()));
    let summary = summary_failed(None);
    let state = Mocks::new()
        .dynamodb(&lookup)
        .audit_rule(&put)
        .textract(&summary)
        .state();
    let body = sns_envelope(&completion(JOB_ID, "FAILED", Some(APP_ID)));

    let response = handle_batch(&state, sqs_event(&[("m-1", &body), ("m-2", &body)])).await;

    assert!(failures(&response).is_empty());
    assert_eq!(put.num_calls(), 2);
}

#[tokio::test]
async fn a_lost_conditional_write_is_a_duplicate_whose_event_is_published() {
    // Rules match in order, so this cancelled transaction shadows the in-memory table.
    let put = change_cancelled("ConditionalCheckFailed");
    let setup = Setup::with(document_by_job(Some(in_progress())), summary_ok(), &[&put]);
    let body = sns_envelope(&completion(JOB_ID, "SUCCEEDED", Some(APP_ID)));

    let failed = setup.deliver(&[("m-1", &body)]).await;

    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(put.num_calls(), 1, "a failed condition is not retried");
    assert_eq!(setup.writes.written(), 0);
    assert_eq!(setup.summary.num_calls(), 1);
    // The write that won may be this delivery's own, whose answer was lost: nobody else
    // publishes its event.
    let messages = setup.published.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0]["type"], "document.analysed");
    assert_eq!(messages[0]["data"]["documentId"], DOCUMENT_ID);
    assert_eq!(messages[0]["data"]["status"], "SUCCEEDED");
}

#[tokio::test]
async fn malformed_bodies_are_reported_as_batch_item_failures() {
    let not_json = "this is not json";
    let no_message = json!({ "Type": "Notification" }).to_string();
    let message_not_json = sns_envelope("{\"JobId\": ");
    let message_without_status = sns_envelope(&json!({ "JobId": JOB_ID }).to_string());
    for body in [
        not_json,
        "",
        no_message.as_str(),
        message_not_json.as_str(),
        message_without_status.as_str(),
    ] {
        let setup = Setup::new(Some(in_progress()));

        let failed = setup.deliver(&[("m-bad", body)]).await;

        assert_eq!(failed, vec!["m-bad".to_string()], "{body}");
        assert_eq!(setup.lookup.num_calls(), 0);
        assert_eq!(setup.textract_calls(), 0);
        setup.writes.assert_none();
    }
}

#[tokio::test]
async fn an_unknown_job_is_reported_so_sqs_redelivers_it() {
    let erasure = get_item(&application_pk(APP_ID), ERASURE_SK, None);
    let setup = Setup::with(document_by_job(None), summary_ok(), &[&erasure]);
    let body = sns_envelope(&completion(JOB_ID, "SUCCEEDED", Some(APP_ID)));

    let failed = setup.deliver(&[("m-unknown", &body)]).await;

    assert_eq!(failed, vec!["m-unknown".to_string()]);
    assert_eq!(
        erasure.num_calls(),
        1,
        "an erased application would explain it"
    );
    assert_eq!(setup.textract_calls(), 0);
    setup.writes.assert_none();
}

#[tokio::test]
async fn an_unknown_job_without_a_tag_is_reported() {
    let setup = Setup::new(None);
    let body = sns_envelope(&completion(JOB_ID, "SUCCEEDED", None));

    let failed = setup.deliver(&[("m-untagged", &body)]).await;

    assert_eq!(failed, vec!["m-untagged".to_string()]);
    setup.writes.assert_none();
}

#[tokio::test]
async fn a_job_of_an_erased_application_is_dropped_quietly() {
    let record = ErasureItem::requested(&application(OWNER), "2026-11-27T11:55:00Z".into()).erased(
        3,
        4,
        "2026-11-27T14:00:00Z".into(),
    );
    let erasure = get_item(&application_pk(APP_ID), ERASURE_SK, Some(item(&record)));
    let setup = Setup::with(document_by_job(None), summary_ok(), &[&erasure]);
    let body = sns_envelope(&completion(JOB_ID, "SUCCEEDED", Some(APP_ID)));

    let failed = setup.deliver(&[("m-erased", &body)]).await;

    assert!(failed.is_empty());
    assert_eq!(setup.textract_calls(), 0);
    setup.writes.assert_none();
}

#[tokio::test]
async fn a_non_final_status_is_reported() {
    let setup = Setup::with(
        document_by_job(Some(in_progress())),
        summary_of(aws_sdk_textract::types::JobStatus::InProgress),
        &[],
    );
    let body = sns_envelope(&completion(JOB_ID, "IN_PROGRESS", Some(APP_ID)));

    let failed = setup.deliver(&[("m-early", &body)]).await;

    assert_eq!(failed, vec!["m-early".to_string()]);
    assert_eq!(setup.textract_calls(), 1, "the summary only");
    setup.writes.assert_none();
}

#[tokio::test]
async fn a_textract_throttle_is_reported_after_the_retries() {
    let summary = mock!(aws_sdk_textract::Client::get_lending_analysis_summary)
        .then_error(|| GetLendingAnalysisSummaryError::ThrottlingException(textract_throttle()));
    let setup = Setup::with(document_by_job(Some(in_progress())), summary, &[]);
    let body = sns_envelope(&completion(JOB_ID, "SUCCEEDED", Some(APP_ID)));

    let failed = setup.deliver(&[("m-throttled", &body)]).await;

    assert_eq!(failed, vec!["m-throttled".to_string()]);
    assert_eq!(
        setup.summary.num_calls(),
        3,
        "the SDK retried before giving up"
    );
    setup.writes.assert_none();
}

#[tokio::test]
async fn a_dynamodb_throttle_is_reported_after_the_retries() {
    let setup = Setup::with(query_throttled(), summary_ok(), &[]);
    let body = sns_envelope(&completion(JOB_ID, "SUCCEEDED", Some(APP_ID)));

    let failed = setup.deliver(&[("m-throttled", &body)]).await;

    assert_eq!(failed, vec!["m-throttled".to_string()]);
    assert_eq!(setup.lookup.num_calls(), 3);
    assert_eq!(setup.textract_calls(), 0);
    setup.writes.assert_none();
}

#[tokio::test]
async fn raw_delivery_without_the_sns_envelope_is_accepted() {
    let setup = Setup::with(
        document_by_job(Some(in_progress())),
        summary_failed(None),
        &[],
    );
    let body = completion(JOB_ID, "FAILED", Some(APP_ID));

    assert!(setup.deliver(&[("m-raw", &body)]).await.is_empty());

    let (stored, _): (DocumentItem, _) = only_put(&setup.writes.puts);
    assert_eq!(stored.status, DocumentStatus::Failed);
}

#[tokio::test]
async fn only_the_failing_records_of_a_batch_are_reported() {
    let setup = Setup::new(Some(in_progress()));
    let good = sns_envelope(&completion(JOB_ID, "SUCCEEDED", Some(APP_ID)));

    let failed = setup
        .deliver(&[("m-1", &good), ("m-2", "garbage"), ("m-3", "{}")])
        .await;

    assert_eq!(failed, vec!["m-2".to_string(), "m-3".to_string()]);
    assert_eq!(setup.writes.written(), 1);
}

#[tokio::test]
async fn an_empty_batch_reports_nothing() {
    let setup = Setup::new(None);

    assert!(setup.deliver(&[]).await.is_empty());
    assert_eq!(setup.lookup.num_calls(), 0);
}

/// Every row of the error table for GetLendingAnalysisSummary and GetLendingAnalysis, through
/// the consumer: transient and ours are reported for redelivery (ours until the DLQ), a job
/// Textract no longer knows is recorded FAILED with the reason; nothing else is written.
#[tokio::test]
async fn every_error_of_the_lending_results_has_its_documented_answer() {
    for op in [Op::GetLendingAnalysisSummary, Op::GetLendingAnalysis] {
        for row in rows_of(op) {
            let code = row.code;
            let lookup = document_by_job(Some(in_progress()));
            let writes = Writes::new();
            let (summary, pages) = match op {
                Op::GetLendingAnalysisSummary => (
                    mock!(aws_sdk_textract::Client::get_lending_analysis_summary)
                        .then_http_response(move || wire_error(Service::Textract, code)),
                    analysis_pages().0,
                ),
                _ => (
                    summary_ok(),
                    mock!(aws_sdk_textract::Client::get_lending_analysis)
                        .then_http_response(move || wire_error(Service::Textract, code)),
                ),
            };
            let state = writes
                .add_to(Mocks::new().dynamodb(&lookup))
                .textract(&summary)
                .textract(&pages)
                .state();
            let body = sns_envelope(&completion(JOB_ID, "SUCCEEDED", Some(APP_ID)));
            let failed = failures(&handle_batch(&state, sqs_event(&[("m-1", &body)])).await);
            let case = format!("{} {code}", op.name());
            match row.answer {
                Documented::Transient | Documented::Ours => {
                    assert_eq!(failed, vec!["m-1".to_string()], "{case}: redelivered");
                    writes.assert_none();
                }
                Documented::Missing => {
                    assert!(failed.is_empty(), "{case}: acknowledged");
                    let (stored, input): (DocumentItem, _) = only_put(&writes.puts);
                    assert_eq!(stored.status, DocumentStatus::Failed, "{case}");
                    assert_eq!(
                        stored.status_message.as_deref(),
                        Some(lendverify_functions::consumer::JOB_GONE),
                        "{case}"
                    );
                    assert_eq!(stored.document_groups, vec![], "{case}");
                    assert_eq!(
                        input.condition_expression(),
                        Some("attribute_exists(pk) AND #status = :in_progress")
                    );
                }
                other => panic!("{case}: no documented answer {other:?} in the consumer"),
            }
        }
    }
}
