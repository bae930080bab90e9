//! `applications`: `POST /applications`, `GET /applications`, `GET /applications/{applicationId}`,
//! and the route filtering every function shares (`DELETE` is tests/erasure.rs).

mod support;

use aws_sdk_dynamodb::Client as DynamoDb;
use aws_smithy_mocks::mock;
use lendverify_aws::records::*;
use lendverify_core::identity::Decision;
use lendverify_core::lending::DocumentStatus;
use lendverify_core::liveness::LivenessStatus;
use lendverify_core::uploads::UploadPurpose;
use lendverify_functions::routes::Function;
use serde_json::json;
use support::*;

const APPLICATIONS: Function = Function::Applications;

fn create_body() -> serde_json::Value {
    json!({ "applicant": { "givenName": " Jane ", "familyName": "Doe", "dateOfBirth": "1990-05-17" } })
}

#[tokio::test]
async fn create_writes_the_application_and_answers_201() {
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new()).state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::post("/applications").json(create_body()),
    )
    .await;

    let body = answer.ok(201);
    let id = body["applicationId"].as_str().expect("applicationId");
    assert!(lendverify_core::ids::is_uuid(id), "{id}");
    assert_eq!(body["status"], "CREATED");
    assert_eq!(body["createdAt"], NOW);
    assert_eq!(answer.header("vary"), Some("Origin"));

    let (stored, input): (ApplicationItem, _) = only_put(&writes.puts);
    assert_eq!(stored.pk, format!("APP#{id}"));
    assert_eq!(stored.sk, "APPLICATION");
    assert_eq!(stored.owner_sub, OWNER);
    assert_eq!(stored.created_at, NOW);
    assert_eq!(stored.applicant, Some(applicant()), "names are trimmed");
    assert_eq!(stored.idempotency_key, None);
    assert_eq!(
        input.condition_expression(),
        Some("attribute_not_exists(pk)")
    );
    // Personal data is kept for the configured retention after its last write (the TTL).
    let expires_at: u64 = input.item().unwrap()["expiresAt"]
        .as_n()
        .unwrap()
        .parse()
        .unwrap();
    let retained = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        + settings().personal_data_retention();
    assert!(retained.as_secs().abs_diff(expires_at) < 60, "{expires_at}");
    assert_eq!(writes.transact.num_calls(), 0);
}

#[tokio::test]
async fn create_without_a_body_creates_an_application_without_applicant() {
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new()).state();

    let answer = call(&state, APPLICATIONS, ApiRequest::post("/applications")).await;

    answer.ok(201);
    let (stored, _): (ApplicationItem, _) = only_put(&writes.puts);
    assert_eq!(stored.applicant, None);
}

#[tokio::test]
async fn create_with_an_idempotency_key_writes_key_and_application_in_one_transaction() {
    let writes = Writes::new();
    let lookup = get_item(&idempotency_pk(OWNER, "key-1"), "IDEMPOTENCY", None);
    let mocks = writes.add_to(Mocks::new().dynamodb(&lookup));
    let state = mocks.state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::post("/applications")
            .header("Idempotency-Key", "key-1")
            .json(create_body()),
    )
    .await;

    let body = answer.ok(201);
    let id = body["applicationId"].as_str().unwrap().to_string();
    assert_eq!(lookup.num_calls(), 1);
    assert_eq!(
        writes.put.num_calls(),
        0,
        "the transaction is the only write"
    );
    assert_eq!(mocks.audit.transactions(), 1);
    assert_eq!(mocks.audit.kinds(), ["application.created"]);
    let puts = writes.puts.lock().unwrap();
    assert_eq!(puts.len(), 2);
    for put in puts.iter() {
        assert_eq!(put.table_name(), Some(TABLE));
        assert_eq!(put.condition_expression(), Some("attribute_not_exists(pk)"));
    }
    let key: IdempotencyItem = from_item(puts[0].item().unwrap());
    assert_eq!(key.pk, idempotency_pk(OWNER, "key-1"));
    assert_eq!(key.application_id, id);
    assert_eq!(key.expires_at, now().unix_timestamp() + 24 * 60 * 60);
    let app: ApplicationItem = from_item(puts[1].item().unwrap());
    assert_eq!(app.application_id, id);
    assert_eq!(app.idempotency_key.as_deref(), Some("key-1"));
}

#[tokio::test]
async fn create_replayed_with_the_same_key_answers_the_first_application_and_writes_nothing() {
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
    let state = writes
        .add_to(Mocks::new().dynamodb(&lookup).dynamodb(&existing))
        .state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::post("/applications")
            .header("Idempotency-Key", "key-1")
            .json(create_body()),
    )
    .await;

    let body = answer.ok(201);
    assert_eq!(body["applicationId"], APP_ID);
    assert_eq!(body["createdAt"], "2026-11-27T11:00:00Z");
    assert_eq!(existing.num_calls(), 1);
    writes.assert_none();
}

#[tokio::test]
async fn create_with_an_expired_key_creates_a_new_application() {
    let writes = Writes::new();
    let record = IdempotencyItem {
        pk: idempotency_pk(OWNER, "key-1"),
        sk: "IDEMPOTENCY".into(),
        application_id: APP_ID.into(),
        expires_at: now().unix_timestamp() - 1,
    };
    let lookup = get_item(&record.pk, "IDEMPOTENCY", Some(item(&record)));
    let state = writes.add_to(Mocks::new().dynamodb(&lookup)).state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::post("/applications")
            .header("Idempotency-Key", "key-1")
            .json(create_body()),
    )
    .await;

    let body = answer.ok(201);
    assert_ne!(body["applicationId"], APP_ID);
    assert_eq!(
        writes.puts.lock().unwrap().len(),
        2,
        "a new key and application"
    );
}

#[tokio::test]
async fn create_losing_a_race_on_the_key_answers_the_winner() {
    let record = IdempotencyItem {
        pk: idempotency_pk(OWNER, "key-1"),
        sk: "IDEMPOTENCY".into(),
        application_id: APP_ID.into(),
        expires_at: now().unix_timestamp() + 3600,
    };
    let winner = item(&record);
    // Absent when this request looks, present once the other request's transaction committed.
    let lookup = mock!(DynamoDb::get_item)
        .match_requests(|r| {
            r.key()
                .and_then(|k| k.get("sk"))
                .and_then(|v| v.as_s().ok())
                .is_some_and(|sk| sk == "IDEMPOTENCY")
        })
        .sequence()
        .output(|| aws_sdk_dynamodb::operation::get_item::GetItemOutput::builder().build())
        .output(move || {
            aws_sdk_dynamodb::operation::get_item::GetItemOutput::builder()
                .set_item(Some(winner.clone()))
                .build()
        })
        .build();
    let existing = get_item(
        &application_pk(APP_ID),
        APPLICATION_SK,
        Some(item(&application(OWNER))),
    );
    let transact = change_cancelled("ConditionalCheckFailed");
    let state = Mocks::new()
        .dynamodb(&lookup)
        .dynamodb(&existing)
        .audit_rule(&transact)
        .state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::post("/applications")
            .header("Idempotency-Key", "key-1")
            .json(create_body()),
    )
    .await;

    assert_eq!(answer.ok(201)["applicationId"], APP_ID);
    assert_eq!(
        transact.num_calls(),
        1,
        "a cancelled transaction is not retried"
    );
    assert_eq!(lookup.num_calls(), 2);
}

#[tokio::test]
async fn create_rejects_malformed_json_with_400_and_writes_nothing() {
    for body in [
        "{\"applicant\": ",
        "[1, 2]",
        "{\"applicant\": {}, \"isAdmin\": true}",
    ] {
        let writes = Writes::new();
        let state = writes.add_to(Mocks::new()).state();

        let answer = call(
            &state,
            APPLICATIONS,
            ApiRequest::post("/applications").body("application/json", body),
        )
        .await;

        let problem = answer.problem(400);
        assert_eq!(
            problem["type"],
            "https://lendverify.dev/problems/malformed-json"
        );
        assert!(problem["instance"]
            .as_str()
            .is_some_and(|i| i.ends_with("/applications")));
        writes.assert_none();
    }
}

#[tokio::test]
async fn create_without_authorizer_claims_is_401_and_writes_nothing() {
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new()).state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::post("/applications")
            .anonymous()
            .json(create_body()),
    )
    .await;

    answer.problem(401);
    writes.assert_none();
}

#[tokio::test]
async fn create_with_an_empty_sub_claim_is_401() {
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new()).state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::post("/applications")
            .caller("")
            .json(create_body()),
    )
    .await;

    answer.problem(401);
    writes.assert_none();
}

#[tokio::test]
async fn create_with_a_non_json_content_type_is_415_and_writes_nothing() {
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new()).state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::post("/applications").body("text/plain", &create_body().to_string()),
    )
    .await;

    answer.problem(415);
    writes.assert_none();
}

#[tokio::test]
async fn create_accepts_json_with_parameters_and_problem_json_suffixes() {
    for content_type in [
        "application/json; charset=utf-8",
        "application/merge-patch+json",
    ] {
        let writes = Writes::new();
        let state = writes.add_to(Mocks::new()).state();

        let answer = call(
            &state,
            APPLICATIONS,
            ApiRequest::post("/applications").body(content_type, &create_body().to_string()),
        )
        .await;

        answer.ok(201);
    }
}

#[tokio::test]
async fn create_with_an_oversized_body_is_413_and_writes_nothing() {
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new()).state();
    let huge = json!({ "applicant": { "givenName": "x".repeat(20 * 1024), "familyName": "Doe", "dateOfBirth": "1990-05-17" } });

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::post("/applications").json(huge),
    )
    .await;

    answer.problem(413);
    writes.assert_none();
}

#[tokio::test]
async fn create_with_invalid_fields_is_422_naming_each_field_and_writes_nothing() {
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new()).state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::post("/applications").json(json!({
            "applicant": { "givenName": "   ", "dateOfBirth": "17/05/1990" }
        })),
    )
    .await;

    let problem = answer.field_error("applicant.givenName");
    answer.field_error("applicant.familyName");
    answer.field_error("applicant.dateOfBirth");
    assert_eq!(problem["errors"].as_array().unwrap().len(), 3);
    writes.assert_none();
}

#[tokio::test]
async fn create_with_a_bad_idempotency_key_is_422_naming_the_header_and_writes_nothing() {
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new()).state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::post("/applications")
            .header("Idempotency-Key", "key#1")
            .json(create_body()),
    )
    .await;

    answer.field_error("Idempotency-Key");
    writes.assert_none();
}

#[tokio::test]
async fn create_answers_503_when_dynamodb_throttles_past_the_retries() {
    let put = mock!(DynamoDb::transact_write_items).then_error(|| {
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::ProvisionedThroughputExceededException(
            aws_sdk_dynamodb::types::error::ProvisionedThroughputExceededException::builder()
                .message(
                    "The level of configured provisioned throughput for the table was exceeded",
                )
                .meta(error_meta("ProvisionedThroughputExceededException"))
                .build(),
        )
    });
    let state = Mocks::new().audit_rule(&put).state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::post("/applications").json(create_body()),
    )
    .await;

    answer.unavailable();
    assert_eq!(put.num_calls(), 3, "the SDK retried before giving up");
}

#[tokio::test]
async fn list_answers_the_callers_applications_from_the_owner_index() {
    let mut second = application(OWNER);
    second.application_id = "9a9a9a9a-8b8b-4c7c-9d6d-e5e5e5e5e5e5".into();
    second.created_at = "2026-11-27T11:50:00Z".into();
    let items = vec![item(&second), item(&application(OWNER))];
    let query = mock!(DynamoDb::query)
        .match_requests(|r| {
            r.index_name() == Some("owner-index")
                && r.key_condition_expression() == Some("ownerSub = :owner")
                && r.expression_attribute_values()
                    .and_then(|v| v.get(":owner"))
                    .and_then(|v| v.as_s().ok())
                    .is_some_and(|s| s == OWNER)
                && r.scan_index_forward() == Some(false)
        })
        .then_output(move || {
            aws_sdk_dynamodb::operation::query::QueryOutput::builder()
                .set_items(Some(items.clone()))
                .build()
        });
    let state = Mocks::new().dynamodb(&query).state();

    let answer = call(&state, APPLICATIONS, ApiRequest::get("/applications")).await;

    let body = answer.ok(200);
    assert_eq!(
        body,
        json!({ "applications": [
            { "applicationId": "9a9a9a9a-8b8b-4c7c-9d6d-e5e5e5e5e5e5", "createdAt": "2026-11-27T11:50:00Z" },
            { "applicationId": APP_ID, "createdAt": "2026-11-27T11:00:00Z" },
        ]})
    );
    assert_eq!(query.num_calls(), 1);
}

#[tokio::test]
async fn list_follows_pagination() {
    let first = vec![item(&application(OWNER))];
    let mut other = application(OWNER);
    other.application_id = "9a9a9a9a-8b8b-4c7c-9d6d-e5e5e5e5e5e5".into();
    let second = vec![item(&other)];
    let last_key = item(&application(OWNER));
    let page_one = mock!(DynamoDb::query)
        .match_requests(|r| r.exclusive_start_key().is_none())
        .then_output(move || {
            aws_sdk_dynamodb::operation::query::QueryOutput::builder()
                .set_items(Some(first.clone()))
                .set_last_evaluated_key(Some(last_key.clone()))
                .build()
        });
    let page_two = mock!(DynamoDb::query)
        .match_requests(|r| r.exclusive_start_key().is_some())
        .then_output(move || {
            aws_sdk_dynamodb::operation::query::QueryOutput::builder()
                .set_items(Some(second.clone()))
                .build()
        });
    let state = Mocks::new().dynamodb(&page_one).dynamodb(&page_two).state();

    let answer = call(&state, APPLICATIONS, ApiRequest::get("/applications")).await;

    assert_eq!(answer.ok(200)["applications"].as_array().unwrap().len(), 2);
    assert_eq!((page_one.num_calls(), page_two.num_calls()), (1, 1));
}

#[tokio::test]
async fn list_without_authorizer_claims_is_401_and_reads_nothing() {
    let query = query_application(Vec::new());
    let state = Mocks::new().dynamodb(&query).state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::get("/applications").anonymous(),
    )
    .await;

    answer.problem(401);
    assert_eq!(query.num_calls(), 0);
}

#[tokio::test]
async fn get_answers_the_whole_application_without_raw_scores() {
    let mut done = document(DOCUMENT_ID, DocumentStatus::Succeeded);
    done.document_groups = vec![lendverify_core::lending::DocumentGroup {
        doc_type: "W_2".into(),
        pages: vec![1],
        signatures_found: vec![],
        signatures_missing: vec![],
    }];
    let query = owned_application_with(vec![
        item(&liveness(LivenessStatus::Passed)),
        item(&upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront)),
        item(&verification(Decision::Approved, vec![])),
        item(&done),
    ]);
    let state = Mocks::new().dynamodb(&query).state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::get("/applications/{applicationId}").app(APP_ID),
    )
    .await;

    let body = answer.ok(200);
    assert_eq!(body["applicationId"], APP_ID);
    assert_eq!(body["status"], "IDENTITY_VERIFIED");
    assert_eq!(
        body["applicant"],
        json!({ "givenName": "Jane", "familyName": "Doe", "dateOfBirth": "1990-05-17" })
    );
    assert_eq!(
        body["liveness"],
        json!({ "sessionId": SESSION_ID, "status": "PASSED" })
    );
    assert_eq!(body["identity"]["verificationId"], VERIFICATION_ID);
    assert_eq!(body["identity"]["decision"], "APPROVED");
    assert_eq!(body["documents"][0]["documentId"], DOCUMENT_ID);
    assert_eq!(body["documents"][0]["status"], "SUCCEEDED");
    assert_eq!(body["documents"][0]["documentGroups"][0]["type"], "W_2");
    let text = String::from_utf8(answer.bytes.clone()).unwrap();
    for secret in [
        "confidence",
        "97.5",
        "similarity",
        "99.6",
        "referenceImageKey",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

#[tokio::test]
async fn get_of_a_foreign_application_is_the_same_404_as_an_unknown_one() {
    let foreign = query_application(vec![item(&application(STRANGER))]);
    let state = Mocks::new().dynamodb(&foreign).state();
    let foreign_answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::get("/applications/{applicationId}").app(APP_ID),
    )
    .await;

    let unknown = query_application(Vec::new());
    let state = Mocks::new().dynamodb(&unknown).state();
    let unknown_answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::get("/applications/{applicationId}").app(APP_ID),
    )
    .await;

    let a = foreign_answer.problem(404);
    let b = unknown_answer.problem(404);
    assert_eq!(a, b, "nothing tells a foreign id from an unknown one");
    assert_eq!(a["detail"], "The application does not exist.");
    assert_eq!((foreign.num_calls(), unknown.num_calls()), (1, 1));
}

#[tokio::test]
async fn get_with_a_malformed_id_is_404_without_touching_dynamodb() {
    let query = query_application(vec![item(&application(OWNER))]);
    let state = Mocks::new().dynamodb(&query).state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::get("/applications/{applicationId}").app("APP%23x"),
    )
    .await;

    answer.problem(404);
    assert_eq!(query.num_calls(), 0);
}

#[tokio::test]
async fn get_without_authorizer_claims_is_401() {
    let query = owned_application_with(vec![]);
    let state = Mocks::new().dynamodb(&query).state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::get("/applications/{applicationId}")
            .app(APP_ID)
            .anonymous(),
    )
    .await;

    answer.problem(401);
    assert_eq!(query.num_calls(), 0);
}

#[tokio::test]
async fn get_answers_503_with_retry_after_when_dynamodb_throttles_past_the_retries() {
    let query = query_throttled();
    let state = Mocks::new().dynamodb(&query).state();

    let started = std::time::Instant::now();
    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::get("/applications/{applicationId}").app(APP_ID),
    )
    .await;

    answer.unavailable();
    assert_eq!(
        query.num_calls(),
        3,
        "three attempts, as retry_config() says"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    let text = String::from_utf8(answer.bytes.clone()).unwrap();
    assert!(
        !text.contains("ThrottlingException"),
        "internals leaked: {text}"
    );
}

#[tokio::test]
async fn a_route_of_another_function_is_404_and_calls_nothing() {
    let query = owned_application_with(vec![]);
    let state = Mocks::new().dynamodb(&query).state();

    let answer = call(
        &state,
        APPLICATIONS,
        ApiRequest::get("/applications/{applicationId}/documents/{documentId}")
            .app(APP_ID)
            .param("documentId", DOCUMENT_ID),
    )
    .await;

    let problem = answer.problem(404);
    assert_eq!(problem["detail"], "The route does not exist.");
    assert_eq!(query.num_calls(), 0);

    // And the other way round: the applications route is not served by another function.
    let answer = call(
        &state,
        Function::GetLendingAnalysisResults,
        ApiRequest::get("/applications/{applicationId}").app(APP_ID),
    )
    .await;
    answer.problem(404);
    assert_eq!(query.num_calls(), 0);
}

#[tokio::test]
async fn unknown_resources_and_methods_are_404() {
    let state = Mocks::new().state();
    for request in [
        ApiRequest::get("/admin"),
        ApiRequest::new("PUT", "/applications"),
        ApiRequest::new("PATCH", "/applications/{applicationId}").app(APP_ID),
    ] {
        let answer = Answer::from_response(
            lendverify_functions::handle(&state, None, request.build()).await,
        );
        answer.problem(404);
    }
}

#[tokio::test]
async fn without_a_function_filter_every_route_is_served() {
    let query = owned_application_with(vec![]);
    let state = Mocks::new().dynamodb(&query).state();

    let request = ApiRequest::get("/applications/{applicationId}").app(APP_ID);
    let answer =
        Answer::from_response(lendverify_functions::handle(&state, None, request.build()).await);

    assert_eq!(answer.ok(200)["status"], "CREATED");
}
