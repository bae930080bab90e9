//! Per-user quotas (issue 12): applications per caller, upload URLs and lending analyses per
//! application, each per rolling 24 hours, and the byte ceiling of an upload. A refusal is a 429
//! `application/problem+json` with its own problem type and an exact `Retry-After`, and nothing
//! is written, signed or started; a replay of something already created is answered as before.

mod support;

use aws_sdk_textract::operation::start_lending_analysis::StartLendingAnalysisOutput;
use aws_smithy_mocks::{mock, Rule};
use lendverify_aws::records::*;
use lendverify_core::lending::DocumentStatus;
use lendverify_core::uploads::UploadPurpose;
use lendverify_functions::routes::Function;
use serde_json::{json, Value};
use support::*;

const PROBLEMS: &str = "https://lendverify.dev/problems/";

fn create_body() -> Value {
    json!({ "applicant": { "givenName": "Jane", "familyName": "Doe", "dateOfBirth": "1990-05-17" } })
}

/// An application of the caller's created at `created_at`.
fn owned_at(n: usize, created_at: &str) -> ApplicationItem {
    let id = format!("00000000-0000-4000-8000-{n:012}");
    ApplicationItem {
        pk: application_pk(&id),
        application_id: id,
        created_at: created_at.into(),
        ..application(OWNER)
    }
}

/// Five applications within the last 24 hours of `now()` (2026-11-27 12:00), the oldest 23 hours
/// old: the sixth may be created in an hour.
fn five_in_a_day() -> Vec<ApplicationItem> {
    [
        "2026-11-27T11:00:00Z",
        "2026-11-26T13:00:00Z",
        "2026-11-27T10:00:00Z",
        "2026-11-27T09:00:00Z",
        "2026-11-27T08:00:00Z",
    ]
    .iter()
    .enumerate()
    .map(|(n, at)| owned_at(n, at))
    .collect()
}

#[track_caller]
fn assert_quota_problem(answer: &Answer, slug: &str, retry_after: &str, says: &str) {
    let problem = answer.problem(429);
    assert_eq!(problem["type"], format!("{PROBLEMS}{slug}"));
    assert_eq!(problem["title"], "Too many requests");
    assert_eq!(answer.header("retry-after"), Some(retry_after));
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains(says), "{detail}");
    assert!(
        detail.contains(&format!("in {retry_after} seconds")),
        "{detail}"
    );
}

#[tokio::test]
async fn the_sixth_application_in_a_day_is_429_with_retry_after_and_writes_nothing() {
    let writes = Writes::new();
    let index = owned_applications(five_in_a_day());
    let mocks = writes.add_to(Mocks::new().dynamodb(&index));
    let state = mocks.state();

    let answer = call(
        &state,
        Function::Applications,
        ApiRequest::post("/applications").json(create_body()),
    )
    .await;

    assert_quota_problem(
        &answer,
        "application-quota-exceeded",
        "3600",
        "created 5 applications in the last 24 hours",
    );
    assert_eq!(index.num_calls(), 1);
    writes.assert_none();
    assert_eq!(mocks.audit.transactions(), 0, "no event either");
}

#[tokio::test]
async fn applications_older_than_a_day_do_not_count() {
    let writes = Writes::new();
    let mut apps = five_in_a_day();
    // The oldest is exactly 24 hours old: it has left the window.
    apps[1].created_at = "2026-11-26T12:00:00Z".into();
    let state = writes
        .add_to(Mocks::new().dynamodb(&owned_applications(apps)))
        .state();

    let answer = call(
        &state,
        Function::Applications,
        ApiRequest::post("/applications").json(create_body()),
    )
    .await;

    answer.ok(201);
    assert_eq!(writes.written(), 1);
}

#[tokio::test]
async fn a_replay_of_a_created_application_is_answered_as_before_whatever_the_quota() {
    let writes = Writes::new();
    let record = IdempotencyItem {
        pk: idempotency_pk(OWNER, "key-1"),
        sk: "IDEMPOTENCY".into(),
        application_id: APP_ID.into(),
        expires_at: now().unix_timestamp() + 3600,
    };
    let lookup = get_item(&record.pk, "IDEMPOTENCY", Some(item(&record)));
    let existing = get_item(
        &application_pk(APP_ID),
        APPLICATION_SK,
        Some(item(&application(OWNER))),
    );
    let index = owned_applications(five_in_a_day());
    let state = writes
        .add_to(
            Mocks::new()
                .dynamodb(&lookup)
                .dynamodb(&existing)
                .dynamodb(&index),
        )
        .state();

    let answer = call(
        &state,
        Function::Applications,
        ApiRequest::post("/applications")
            .header("Idempotency-Key", "key-1")
            .json(create_body()),
    )
    .await;

    let body = answer.ok(201);
    assert_eq!(body["applicationId"], APP_ID);
    assert_eq!(body["createdAt"], "2026-11-27T11:00:00Z");
    assert_eq!(
        index.num_calls(),
        0,
        "a replay is answered before the count"
    );
    writes.assert_none();
}

/// The end-to-end case, on the handler: with a limit of 3 the 4th application in a day
/// is answered 429, counted from the applications the handler itself wrote.
#[tokio::test]
async fn with_a_limit_of_three_the_fourth_application_of_the_day_is_429() {
    let writes = Writes::new();
    let puts = writes.puts.clone();
    // The owner index, as DynamoDB would project the applications written so far.
    let index = mock!(aws_sdk_dynamodb::Client::query)
        .match_requests(|r| r.index_name() == Some("owner-index"))
        .then_compute_output(move |_| {
            let items: Vec<Item> = puts
                .lock()
                .unwrap()
                .iter()
                .filter_map(|p| p.item().cloned())
                .filter(|i| i.get("sk").and_then(|v| v.as_s().ok()) == Some(&APPLICATION_SK.into()))
                .collect();
            aws_sdk_dynamodb::operation::query::QueryOutput::builder()
                .count(items.len() as i32)
                .set_items(Some(items))
                .build()
        });
    let mut state = writes.add_to(Mocks::new().dynamodb(&index)).state();
    state.settings.quotas.applications_per_day = 3;

    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..4 {
        let answer = call(
            &state,
            Function::Applications,
            ApiRequest::post("/applications").json(create_body()),
        )
        .await;
        statuses.push(answer.status);
        last = Some(answer);
    }

    assert_eq!(statuses, [201, 201, 201, 429]);
    // All three were created at `now()`: the fourth may follow a whole day later.
    assert_quota_problem(
        &last.unwrap(),
        "application-quota-exceeded",
        "86400",
        "created 3 applications",
    );
    assert_eq!(writes.written(), 3, "the refused one wrote nothing");
}

fn uploads_in_a_day(count: usize) -> Vec<Item> {
    (0..count)
        .map(|n| {
            let id = format!("11111111-0000-4000-8000-{n:012}");
            let mut upload = upload(&id, UploadPurpose::IdFront);
            upload.sk = format!("{UPLOAD_PREFIX}{id}");
            item(&upload)
        })
        .collect()
}

/// Presigning runs the request pipeline up to transmission, so it needs a rule; nothing is sent.
fn presign_rule() -> Rule {
    mock!(aws_sdk_s3::Client::put_object)
        .then_output(|| aws_sdk_s3::operation::put_object::PutObjectOutput::builder().build())
}

async fn request_upload(state: &lendverify_functions::AppState, body: Value) -> Answer {
    call(
        state,
        Function::CreateUploadUrl,
        ApiRequest::post("/applications/{applicationId}/uploads")
            .app(APP_ID)
            .json(body),
    )
    .await
}

#[tokio::test]
async fn the_21st_upload_url_of_an_application_in_a_day_is_429_and_signs_and_writes_nothing() {
    let writes = Writes::new();
    let presign = presign_rule();
    let state = writes
        .add_to(Mocks::new().dynamodb(&owned_application_with(uploads_in_a_day(20))))
        .s3(&presign)
        .state();

    let answer = request_upload(
        &state,
        json!({ "purpose": "ID_FRONT", "contentType": "image/jpeg", "contentLength": 1000 }),
    )
    .await;

    // The uploads were requested at 11:20: they leave the window at 11:20 tomorrow.
    assert_quota_problem(
        &answer,
        "upload-quota-exceeded",
        "84000",
        "requested 20 upload URLs in the last 24 hours",
    );
    assert_eq!(presign.num_calls(), 0, "nothing was signed");
    writes.assert_none();
}

#[tokio::test]
async fn the_20th_upload_url_is_issued() {
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&owned_application_with(uploads_in_a_day(19))))
        .s3(&presign_rule())
        .state();

    let answer = request_upload(
        &state,
        json!({ "purpose": "ID_FRONT", "contentType": "image/jpeg", "contentLength": 1000 }),
    )
    .await;

    answer.ok(201);
    assert_eq!(writes.written(), 1);
}

#[tokio::test]
async fn a_package_over_the_ceiling_is_413_and_one_at_it_is_signed_with_its_length() {
    let ceiling = lendverify_core::quotas::DEFAULT_MAX_UPLOAD_BYTES;
    assert_eq!(settings().quotas.max_upload_bytes, ceiling);
    let writes = Writes::new();
    let presign = presign_rule();
    let state = writes
        .add_to(Mocks::new().dynamodb(&owned_application_with(vec![])))
        .s3(&presign)
        .state();

    let over = request_upload(
        &state,
        json!({ "purpose": "LENDING_PACKAGE", "contentType": "application/pdf", "contentLength": ceiling + 1 }),
    )
    .await;
    let problem = over.problem(413);
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains(&format!("at most {ceiling} bytes")));
    assert_eq!(presign.num_calls(), 0);
    writes.assert_none();

    let at = request_upload(
        &state,
        json!({ "purpose": "LENDING_PACKAGE", "contentType": "application/pdf", "contentLength": ceiling }),
    )
    .await;
    let body = at.ok(201);
    assert_eq!(body["headers"]["content-length"], ceiling.to_string());
}

fn start_any() -> Rule {
    mock!(aws_sdk_textract::Client::start_lending_analysis)
        .then_output(|| StartLendingAnalysisOutput::builder().job_id(JOB_ID).build())
}

fn documents_state(
    documents: Vec<DocumentItem>,
    start: &Rule,
) -> (Writes, lendverify_functions::AppState) {
    let writes = Writes::new();
    let mut items = vec![item(&upload(
        PACKAGE_UPLOAD_ID,
        UploadPurpose::LendingPackage,
    ))];
    items.extend(documents.iter().map(item));
    let state = writes
        .add_to(Mocks::new().dynamodb(&owned_application_with(items)))
        .s3(&upload_arrived(&upload_key(PACKAGE_UPLOAD_ID)))
        .textract(start)
        .state();
    (writes, state)
}

async fn start_analysis(state: &lendverify_functions::AppState) -> Answer {
    call(
        state,
        Function::StartLendingAnalysis,
        ApiRequest::post("/applications/{applicationId}/documents")
            .app(APP_ID)
            .json(json!({ "uploadId": PACKAGE_UPLOAD_ID })),
    )
    .await
}

/// Three analyses of other packages, started at 11:30.
fn three_documents() -> Vec<DocumentItem> {
    (0..3)
        .map(|n| {
            let id = format!("22222222-0000-4000-8000-{n:012}");
            DocumentItem {
                sk: format!("{DOCUMENT_PREFIX}{id}"),
                upload_id: format!("33333333-0000-4000-8000-{n:012}"),
                ..document(&id, DocumentStatus::Succeeded)
            }
        })
        .collect()
}

#[tokio::test]
async fn the_4th_lending_analysis_of_an_application_in_a_day_is_429_and_starts_nothing() {
    let start = start_any();
    let (writes, state) = documents_state(three_documents(), &start);

    let answer = start_analysis(&state).await;

    assert_quota_problem(
        &answer,
        "lending-job-quota-exceeded",
        "84600",
        "started 3 lending analyses in the last 24 hours",
    );
    assert_eq!(start.num_calls(), 0, "no Textract job");
    writes.assert_none();
}

#[tokio::test]
async fn a_retried_start_of_a_running_analysis_is_answered_as_before_whatever_the_quota() {
    let namespace = uuid::uuid!("6f1c2a4e-1d0b-4b8e-9a57-3c1d2e4f5a60");
    let started = uuid::Uuid::new_v5(&namespace, PACKAGE_UPLOAD_ID.as_bytes()).to_string();
    let mut documents = three_documents();
    documents[0] = DocumentItem {
        sk: format!("{DOCUMENT_PREFIX}{started}"),
        upload_id: PACKAGE_UPLOAD_ID.into(),
        ..document(&started, DocumentStatus::InProgress)
    };
    let start = start_any();
    let (writes, state) = documents_state(documents, &start);

    let answer = start_analysis(&state).await;

    assert_eq!(
        answer.ok(202),
        json!({ "documentId": started, "status": "IN_PROGRESS" })
    );
    assert_eq!(start.num_calls(), 0);
    writes.assert_none();
}
