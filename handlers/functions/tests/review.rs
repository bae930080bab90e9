//! The `review` function and the audit trail routes: who may call them, the queue's pagination
//! and reason filter, the first decision winning, throttling, and the event chain; plus the
//! liveness lockout and the identity attempt cap.

mod support;

use aws_sdk_dynamodb::operation::query::QueryOutput;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client as DynamoDb;
use aws_smithy_mocks::{mock, Rule};
use lendverify_aws::records::*;
use lendverify_core::identity::{Decision, ReasonCode};
use lendverify_core::liveness::LivenessStatus;
use lendverify_core::review::ReviewDecision;
use lendverify_core::uploads::UploadPurpose;
use lendverify_functions::routes::Function;
use serde_json::json;
use support::*;

const CASES: &str = "/review/cases";
const CASE: &str = "/review/cases/{applicationId}";
const DECISIONS: &str = "/review/cases/{applicationId}/decisions";
const CASE_EVENTS: &str = "/review/cases/{applicationId}/events";
const APP_EVENTS: &str = "/applications/{applicationId}/events";

const REVIEWER: &str = "9d8c7b6a-reviewer";

fn needs_review() -> VerificationItem {
    verification(
        Decision::NeedsReview,
        vec![ReasonCode::FaceSimilarityBorderline],
    )
}

/// The application `OWNER` owns, with a NEEDS_REVIEW decision and its evidence.
fn case_application() -> Rule {
    owned_application_with(vec![
        item(&liveness(LivenessStatus::Passed)),
        item(&upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront)),
        item(&needs_review()),
    ])
}

fn decision_body() -> serde_json::Value {
    json!({ "decision": "APPROVED", "reasonCodes": ["DOCUMENT_CHECKED"], "note": "matches" })
}

#[tokio::test]
async fn an_applicant_is_403_on_every_review_route() {
    let writes = Writes::new();
    let query = case_application();
    let state = writes.add_to(Mocks::new().dynamodb(&query)).state();
    for (request, function) in [
        (ApiRequest::get(CASES), Function::Review),
        (ApiRequest::get(CASE).app(APP_ID), Function::Review),
        (
            ApiRequest::post(DECISIONS)
                .app(APP_ID)
                .json(decision_body()),
            Function::Review,
        ),
        (ApiRequest::get(CASE_EVENTS).app(APP_ID), Function::Review),
    ] {
        // An applicant, and a member of some other group.
        for request in [request.clone(), request.groups("lenders")] {
            let problem = call(&state, function, request).await.problem(403);
            assert_eq!(problem["type"], "https://lendverify.dev/problems/forbidden");
        }
    }
    assert_eq!(query.num_calls(), 0, "nothing was read");
    writes.assert_none();
}

#[tokio::test]
async fn the_groups_claim_is_read_in_every_form_api_gateway_passes() {
    let page = mock!(DynamoDb::query)
        .match_requests(|r| r.index_name() == Some("review-index"))
        .then_output(|| QueryOutput::builder().build());
    let state = Mocks::new().dynamodb(&page).state();
    for groups in [
        "reviewers",
        "lenders,reviewers",
        "[lenders reviewers]",
        "[\"lenders\",\"reviewers\"]",
    ] {
        let answer = call(
            &state,
            Function::Review,
            ApiRequest::get(CASES).caller(REVIEWER).groups(groups),
        )
        .await;
        assert_eq!(answer.ok(200)["cases"], json!([]), "{groups}");
    }
    // A group whose name merely contains the reviewers group's is not it.
    call(
        &state,
        Function::Review,
        ApiRequest::get(CASES)
            .caller(REVIEWER)
            .groups("reviewers-old"),
    )
    .await
    .problem(403);
}

#[tokio::test]
async fn a_reviewer_cannot_review_their_own_application() {
    let writes = Writes::new();
    let query = case_application();
    let state = writes.add_to(Mocks::new().dynamodb(&query)).state();
    for request in [
        ApiRequest::get(CASE).app(APP_ID),
        ApiRequest::post(DECISIONS)
            .app(APP_ID)
            .json(decision_body()),
    ] {
        let problem = call(&state, Function::Review, request.reviewer(OWNER))
            .await
            .problem(403);
        assert_eq!(problem["type"], "https://lendverify.dev/problems/forbidden");
    }
    writes.assert_none();
}

#[tokio::test]
async fn the_queue_pages_oldest_first_with_an_opaque_token_and_filters_by_reason() {
    let last_key = std::collections::HashMap::from([
        ("pk".to_string(), AttributeValue::S(application_pk(APP_ID))),
        (
            "sk".to_string(),
            AttributeValue::S(verification_sk(VERIFICATION_ID)),
        ),
        (
            "review_queue".to_string(),
            AttributeValue::S("NEEDS_REVIEW".into()),
        ),
        (
            "queued_at".to_string(),
            AttributeValue::S("2026-11-27T11:40:00Z".into()),
        ),
    ]);
    let first_key = last_key.clone();
    let first_page = mock!(DynamoDb::query)
        .match_requests(|r| {
            r.index_name() == Some("review-index") && r.exclusive_start_key().is_none()
        })
        .then_output(move || {
            QueryOutput::builder()
                .items(item(&needs_review()))
                .set_last_evaluated_key(Some(first_key.clone()))
                .build()
        });
    let expected_start = last_key.clone();
    let second_page = mock!(DynamoDb::query)
        .match_requests(move |r| {
            r.index_name() == Some("review-index")
                && r.exclusive_start_key() == Some(&expected_start)
        })
        .then_output(|| QueryOutput::builder().build());
    let state = Mocks::new()
        .dynamodb(&first_page)
        .dynamodb(&second_page)
        .state();

    let body = call(
        &state,
        Function::Review,
        ApiRequest::get(CASES)
            .reviewer(REVIEWER)
            .query("limit", "1")
            .query("reasonCode", "FACE_SIMILARITY_BORDERLINE"),
    )
    .await
    .ok(200);
    assert_eq!(body["cases"][0]["applicationId"], APP_ID);
    assert_eq!(body["cases"][0]["verificationId"], VERIFICATION_ID);
    assert_eq!(body["cases"][0]["queuedAt"], "2026-11-27T11:40:00Z");
    assert_eq!(
        body["cases"][0]["reasons"],
        json!(["FACE_SIMILARITY_BORDERLINE"])
    );
    let token = body["nextToken"].as_str().expect("a next page").to_string();
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));

    let body = call(
        &state,
        Function::Review,
        ApiRequest::get(CASES)
            .reviewer(REVIEWER)
            .query("nextToken", &token),
    )
    .await
    .ok(200);
    assert_eq!(body["cases"], json!([]));
    assert_eq!(body["nextToken"], json!(null));
    assert_eq!((first_page.num_calls(), second_page.num_calls()), (1, 1));
}

#[tokio::test]
async fn the_queue_query_is_oldest_first_and_filters_by_reason() {
    let page = mock!(DynamoDb::query)
        .match_requests(|r| {
            r.index_name() == Some("review-index")
                && r.scan_index_forward() == Some(true)
                && r.key_condition_expression() == Some("review_queue = :queue")
                && r.filter_expression() == Some("contains(reasons, :reason)")
                && r.expression_attribute_values()
                    .and_then(|v| v.get(":reason"))
                    .and_then(|v| v.as_s().ok())
                    .is_some_and(|v| v == "LOW_EXTRACTION_CONFIDENCE")
                && r.limit() == Some(25)
        })
        .then_output(|| QueryOutput::builder().build());
    let state = Mocks::new().dynamodb(&page).state();
    call(
        &state,
        Function::Review,
        ApiRequest::get(CASES)
            .reviewer(REVIEWER)
            .query("reasonCode", "LOW_EXTRACTION_CONFIDENCE"),
    )
    .await
    .ok(200);
    assert_eq!(page.num_calls(), 1);
}

#[tokio::test]
async fn a_bad_token_limit_or_reason_is_422_and_reads_nothing() {
    let page = mock!(DynamoDb::query).then_output(|| QueryOutput::builder().build());
    let state = Mocks::new().dynamodb(&page).state();
    for (name, value) in [
        ("nextToken", "bm90LWEtdG9rZW4"),
        ("nextToken", "***"),
        ("limit", "0"),
        ("limit", "101"),
        ("reasonCode", "lower"),
    ] {
        call(
            &state,
            Function::Review,
            ApiRequest::get(CASES).reviewer(REVIEWER).query(name, value),
        )
        .await
        .field_error(name);
    }
    assert_eq!(page.num_calls(), 0);
}

#[tokio::test]
async fn a_throttled_queue_is_503() {
    let state = Mocks::new().dynamodb(&query_throttled()).state();
    call(
        &state,
        Function::Review,
        ApiRequest::get(CASES).reviewer(REVIEWER),
    )
    .await
    .unavailable();
}

#[tokio::test]
async fn the_case_shows_scores_thresholds_and_60_second_image_urls() {
    let query = case_application();
    // Presigning sends nothing, but runs the client's interceptors.
    let presign = mock!(aws_sdk_s3::Client::get_object)
        .then_output(|| aws_sdk_s3::operation::get_object::GetObjectOutput::builder().build());
    let state = Mocks::new().dynamodb(&query).s3(&presign).state();

    let body = call(
        &state,
        Function::Review,
        ApiRequest::get(CASE).app(APP_ID).reviewer(REVIEWER),
    )
    .await
    .ok(200);

    assert_eq!(body["decision"], "NEEDS_REVIEW");
    assert_eq!(
        body["scores"]["faceSimilarity"].as_f64(),
        Some(99.6f32 as f64)
    );
    assert_eq!(body["scores"]["livenessConfidence"], 97.5);
    assert_eq!(body["thresholds"]["faceSimilarity"], 99.0);
    assert_eq!(body["document"]["documentNumberMasked"], "****5678");
    let kinds: Vec<&str> = body["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["ID_FRONT", "LIVENESS_REFERENCE"]);
    for image in body["images"].as_array().unwrap() {
        let url = image["url"].as_str().unwrap();
        assert!(url.contains("X-Amz-Expires=60"), "{url}");
        assert_eq!(image["expiresAt"], "2026-11-27T12:01:00Z");
    }
}

#[tokio::test]
async fn a_case_that_is_not_awaiting_review_is_404() {
    let query = owned_application_with(vec![item(&verification(Decision::Approved, vec![]))]);
    let state = Mocks::new().dynamodb(&query).state();
    call(
        &state,
        Function::Review,
        ApiRequest::get(CASE).app(APP_ID).reviewer(REVIEWER),
    )
    .await
    .problem(404);
}

#[tokio::test]
async fn the_first_decision_is_recorded_audited_and_published() {
    let query = case_application();
    let writes = Writes::new();
    let mocks = writes.add_to(Mocks::new().dynamodb(&query));
    let (audit, published) = (mocks.audit.clone(), mocks.published.clone());
    let state = mocks.state();

    let body = call(
        &state,
        Function::Review,
        ApiRequest::post(DECISIONS)
            .app(APP_ID)
            .reviewer(REVIEWER)
            .json(decision_body()),
    )
    .await
    .ok(201);

    assert_eq!(body["decision"], "APPROVED");
    assert_eq!(body["reasonCodes"], json!(["DOCUMENT_CHECKED"]));
    assert_eq!(body["decidedAt"], NOW);
    // One transaction: the case leaves the queue (only while in it), the review is written
    // (only if there is none), and its audit event is appended.
    assert_eq!(audit.transactions(), 1);
    let updates = audit.updates.lock().unwrap().clone();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].table_name(), TABLE);
    assert_eq!(updates[0].update_expression(), "REMOVE review_queue");
    assert_eq!(
        updates[0].condition_expression(),
        Some("attribute_exists(review_queue)")
    );
    let (review, put): (ReviewItem, _) = only_put(&writes.puts);
    assert_eq!(review.sk, review_sk(VERIFICATION_ID));
    assert_eq!(put.condition_expression(), Some("attribute_not_exists(pk)"));
    assert_eq!(audit.kinds(), ["review.decided"]);
    let record = audit.events()[0].record().unwrap();
    assert_eq!(
        serde_json::to_value(&record.body.actor).unwrap(),
        json!({ "type": "reviewer", "sub": REVIEWER })
    );
    assert_eq!(record.body.state_before.as_deref(), Some("NEEDS_REVIEW"));
    assert_eq!(
        record.body.state_after.as_deref(),
        Some("REVIEWED_APPROVED")
    );
    let messages = published.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["type"], "review.decided");
    assert_eq!(messages[0]["data"]["decision"], "APPROVED");
}

#[tokio::test]
async fn a_concurrent_second_decision_is_409_and_changes_nothing_else() {
    let query = case_application();
    let lost = change_cancelled("ConditionalCheckFailed");
    let mocks = Mocks::new().dynamodb(&query).audit_rule(&lost);
    let (audit, published) = (mocks.audit.clone(), mocks.published.clone());
    let state = mocks.state();

    let problem = call(
        &state,
        Function::Review,
        ApiRequest::post(DECISIONS)
            .app(APP_ID)
            .reviewer(REVIEWER)
            .json(decision_body()),
    )
    .await
    .problem(409);

    assert_eq!(
        problem["type"],
        "https://lendverify.dev/problems/review-already-decided"
    );
    assert_eq!(lost.num_calls(), 1);
    assert!(audit.events().is_empty(), "the loser appends no event");
    assert!(published.messages().is_empty(), "and publishes nothing");
}

#[tokio::test]
async fn a_decision_on_a_decided_case_is_409_without_a_write() {
    let review = ReviewItem::new(
        &needs_review(),
        "someone-else".into(),
        ReviewDecision::Rejected,
        vec!["FRAUD_SUSPECTED".into()],
        None,
        "2026-11-27T11:50:00Z".into(),
    );
    let query = owned_application_with(vec![item(&needs_review()), item(&review)]);
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new().dynamodb(&query)).state();
    call(
        &state,
        Function::Review,
        ApiRequest::post(DECISIONS)
            .app(APP_ID)
            .reviewer(REVIEWER)
            .json(decision_body()),
    )
    .await
    .problem(409);
    writes.assert_none();
}

/// The same decision again by the same reviewer is a retry (its first answer may have been lost,
/// or its publication failed): answered as the first time and published again, nothing written.
#[tokio::test]
async fn a_repeated_decision_is_answered_again_and_published_again_without_a_write() {
    let review = ReviewItem::new(
        &needs_review(),
        REVIEWER.into(),
        ReviewDecision::Approved,
        vec!["DOCUMENT_CHECKED".into()],
        Some("matches".into()),
        "2026-11-27T11:50:00Z".into(),
    );
    let query = owned_application_with(vec![item(&needs_review()), item(&review)]);
    let writes = Writes::new();
    let mocks = writes.add_to(Mocks::new().dynamodb(&query));
    let (audit, published) = (mocks.audit.clone(), mocks.published.clone());
    let state = mocks.state();

    let body = call(
        &state,
        Function::Review,
        ApiRequest::post(DECISIONS)
            .app(APP_ID)
            .reviewer(REVIEWER)
            .json(decision_body()),
    )
    .await
    .ok(201);

    assert_eq!(
        body["decidedAt"], "2026-11-27T11:50:00Z",
        "the first answer"
    );
    writes.assert_none();
    assert!(audit.events().is_empty());
    let messages = published.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["type"], "review.decided");
    assert_eq!(messages[0]["occurredAt"], "2026-11-27T11:50:00Z");
}

#[tokio::test]
async fn a_throttled_decision_is_503() {
    let query = case_application();
    let throttled = change_cancelled("ThrottlingError");
    let state = Mocks::new().dynamodb(&query).audit_rule(&throttled).state();
    call(
        &state,
        Function::Review,
        ApiRequest::post(DECISIONS)
            .app(APP_ID)
            .reviewer(REVIEWER)
            .json(decision_body()),
    )
    .await
    .unavailable();
}

#[tokio::test]
async fn an_invalid_decision_is_422_naming_every_field() {
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&case_application()))
        .state();
    let body = call(
        &state,
        Function::Review,
        ApiRequest::post(DECISIONS)
            .app(APP_ID)
            .reviewer(REVIEWER)
            .json(json!({ "decision": "MAYBE", "reasonCodes": [] })),
    )
    .await
    .field_error("decision");
    assert!(body["errors"].as_array().unwrap().len() >= 2);
    writes.assert_none();
}

/// The applicant, after the review, sees the reviewer's decision.
#[tokio::test]
async fn the_applicant_sees_the_reviewed_decision() {
    let review = ReviewItem::new(
        &needs_review(),
        REVIEWER.into(),
        ReviewDecision::Approved,
        vec!["DOCUMENT_CHECKED".into()],
        None,
        "2026-11-27T11:50:00Z".into(),
    );
    let query = owned_application_with(vec![
        item(&liveness(LivenessStatus::Passed)),
        item(&needs_review()),
        item(&review),
    ]);
    let state = Mocks::new().dynamodb(&query).state();
    let body = call(
        &state,
        Function::Applications,
        ApiRequest::get("/applications/{applicationId}").app(APP_ID),
    )
    .await
    .ok(200);
    assert_eq!(body["identity"]["decision"], "APPROVED");
}

fn appended(audit: &AuditTable, kinds: &[lendverify_core::audit::EventKind]) {
    use lendverify_core::audit::{Actor, AuditEvent, EventDraft};
    for kind in kinds {
        let head = audit.events().last().map(AuditEvent::head);
        let mut draft = EventDraft::new(*kind, Actor::Applicant { sub: OWNER.into() }, now());
        draft.inputs = json!({ "faceSimilarity": 96.1 });
        audit.push(AuditEvent::next(APP_ID, head.as_ref(), draft));
    }
}

#[tokio::test]
async fn the_applicant_reads_their_events_without_inputs_and_the_chain_verifies() {
    use lendverify_core::audit::EventKind;
    let query = owned_application_with(vec![]);
    let mocks = Mocks::new().dynamodb(&query);
    appended(
        &mocks.audit,
        &[EventKind::ApplicationCreated, EventKind::IdentityDecided],
    );
    let state = mocks.state();

    let body = call(
        &state,
        Function::Applications,
        ApiRequest::get(APP_EVENTS).app(APP_ID),
    )
    .await
    .ok(200);

    assert_eq!(body["chainVerified"], true);
    let events = body["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["kind"], "identity.decided");
    assert_eq!(events[1]["actor"], "applicant");
    assert!(events[1].get("inputs").is_none(), "no raw scores");
    assert!(!body.to_string().contains("96.1"));
}

#[tokio::test]
async fn a_foreign_applicant_gets_404_for_events() {
    let query = owned_application_with(vec![]);
    let state = Mocks::new().dynamodb(&query).state();
    call(
        &state,
        Function::Applications,
        ApiRequest::get(APP_EVENTS).app(APP_ID).caller(STRANGER),
    )
    .await
    .problem(404);
}

#[tokio::test]
async fn the_reviewer_reads_every_field_and_sees_a_changed_event_fail_verification() {
    use lendverify_core::audit::EventKind;
    let application = get_item(
        &application_pk(APP_ID),
        APPLICATION_SK,
        Some(item(&application(OWNER))),
    );
    let mocks = Mocks::new().dynamodb(&application);
    appended(
        &mocks.audit,
        &[EventKind::ApplicationCreated, EventKind::IdentityDecided],
    );
    let audit = mocks.audit.clone();
    let state = mocks.state();

    let body = call(
        &state,
        Function::Review,
        ApiRequest::get(CASE_EVENTS).app(APP_ID).reviewer(REVIEWER),
    )
    .await
    .ok(200);
    assert_eq!(body["chainVerified"], true);
    assert_eq!(body["events"][1]["inputs"]["faceSimilarity"], 96.1);
    assert_eq!(body["events"][0]["prevHash"], "0".repeat(64));

    // Someone changes the first event's score in the table.
    let mut events = audit.events();
    events[0].body = events[0].body.replace("96.1", "99.9");
    let tampered = AuditTable::default();
    for event in events {
        tampered.push(event);
    }
    let mut mocks = Mocks::new().dynamodb(&application);
    mocks.audit = tampered;
    let body = call(
        &mocks.state(),
        Function::Review,
        ApiRequest::get(CASE_EVENTS).app(APP_ID).reviewer(REVIEWER),
    )
    .await
    .ok(200);
    assert_eq!(body["chainVerified"], false);
    assert!(body["verification"]["error"]
        .as_str()
        .unwrap()
        .contains("event 1"));
}

#[tokio::test]
async fn an_applicant_cannot_read_the_reviewers_events() {
    let state = Mocks::new().state();
    call(
        &state,
        Function::Review,
        ApiRequest::get(CASE_EVENTS).app(APP_ID),
    )
    .await
    .problem(403);
}

// ---------------------------------------------------------------------------------------------
// Liveness lockout and the identity attempt cap
// ---------------------------------------------------------------------------------------------

/// The applicant's liveness failures, `seconds_ago` each.
fn failures(seconds_ago: &'static [i64]) -> Rule {
    mock!(DynamoDb::query)
        .match_requests(|r| {
            r.expression_attribute_values()
                .and_then(|v| v.get(":pk"))
                .and_then(|v| v.as_s().ok())
                .is_some_and(|pk| pk == &format!("APPLICANT#{OWNER}"))
        })
        .then_output(move || {
            let now = now().unix_timestamp();
            let items: Vec<Item> = seconds_ago
                .iter()
                .enumerate()
                .map(|(i, ago)| {
                    item(&LivenessFailureItem::new(
                        OWNER,
                        APP_ID.into(),
                        format!("session-{i}"),
                        now - ago,
                        now + 86_400,
                    ))
                })
                .collect();
            QueryOutput::builder().set_items(Some(items)).build()
        })
}

#[tokio::test]
async fn a_sixth_liveness_attempt_within_the_window_is_429_with_retry_after_and_recorded() {
    let query = owned_application_with(vec![]);
    let failed = failures(&[10, 20, 30, 40, 100]);
    let writes = Writes::new();
    let create = mock!(aws_sdk_rekognition::Client::create_face_liveness_session).then_output(
        || {
            aws_sdk_rekognition::operation::create_face_liveness_session::CreateFaceLivenessSessionOutput::builder()
                .session_id(SESSION_ID)
                .build()
                .unwrap()
        },
    );
    let mocks = writes
        .add_to(Mocks::new().dynamodb(&query).dynamodb(&failed))
        .rekognition(&create);
    let audit = mocks.audit.clone();
    let state = mocks.state();

    let answer = call(
        &state,
        Function::CreateLivenessSession,
        ApiRequest::post("/applications/{applicationId}/liveness-sessions")
            .app(APP_ID)
            .json(json!({})),
    )
    .await;

    let problem = answer.problem(429);
    assert_eq!(
        problem["type"],
        "https://lendverify.dev/problems/liveness-locked-out"
    );
    // The oldest counted failure (100 s ago) leaves the 180 s window in 80 s.
    assert_eq!(answer.header("retry-after"), Some("80"));
    assert_eq!(create.num_calls(), 0, "no session is opened");
    let (lockout, input): (LivenessLockoutItem, _) =
        only_put_under(&writes.puts, LIVENESS_LOCKOUT_PREFIX);
    assert_eq!(lockout.pk, format!("APPLICANT#{OWNER}"));
    assert_eq!(
        input.condition_expression(),
        Some("attribute_not_exists(pk)")
    );
    assert_eq!(audit.kinds(), ["liveness.locked_out"]);
}

#[tokio::test]
async fn four_failures_or_old_ones_do_not_lock_out() {
    for seconds_ago in [&[10, 20, 30, 40][..], &[10, 20, 30, 40, 200][..]] {
        let seconds_ago: &'static [i64] = Box::leak(seconds_ago.to_vec().into_boxed_slice());
        let query = owned_application_with(vec![]);
        let failed = failures(seconds_ago);
        let writes = Writes::new();
        let create = mock!(aws_sdk_rekognition::Client::create_face_liveness_session)
            .then_output(|| {
                aws_sdk_rekognition::operation::create_face_liveness_session::CreateFaceLivenessSessionOutput::builder()
                    .session_id(SESSION_ID)
                    .build()
                    .unwrap()
            });
        let state = writes
            .add_to(Mocks::new().dynamodb(&query).dynamodb(&failed))
            .rekognition(&create)
            .state();
        call(
            &state,
            Function::CreateLivenessSession,
            ApiRequest::post("/applications/{applicationId}/liveness-sessions")
                .app(APP_ID)
                .json(json!({})),
        )
        .await
        .ok(201);
    }
}

#[tokio::test]
async fn a_new_attempt_past_the_cap_is_429_and_analyses_nothing() {
    let attempts: Vec<Item> = ["a", "b", "c"]
        .iter()
        .map(|id| {
            item(&AttemptItem {
                pk: application_pk(APP_ID),
                sk: attempt_sk(id),
                application_id: APP_ID.into(),
                verification_id: (*id).into(),
                started_at: "2026-11-27T11:00:00Z".into(),
            })
        })
        .collect();
    let mut items = vec![
        item(&liveness(LivenessStatus::Passed)),
        item(&upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront)),
    ];
    items.extend(attempts);
    let query = owned_application_with(items);
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new().dynamodb(&query)).state();

    let answer = call(
        &state,
        Function::VerifyIdentity,
        ApiRequest::post("/applications/{applicationId}/identity-verifications")
            .app(APP_ID)
            .json(json!({ "idFrontUploadId": FRONT_UPLOAD_ID })),
    )
    .await;

    let problem = answer.problem(429);
    assert_eq!(
        problem["type"],
        "https://lendverify.dev/problems/identity-attempts-exhausted"
    );
    assert_eq!(answer.header("retry-after"), None, "the cap never resets");
    writes.assert_none();
}

#[tokio::test]
async fn a_submission_after_needs_review_is_409_decision_final() {
    let query = owned_application_with(vec![
        item(&liveness(LivenessStatus::Passed)),
        item(&upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront)),
        item(&upload(BACK_UPLOAD_ID, UploadPurpose::IdBack)),
        item(&needs_review()),
    ]);
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new().dynamodb(&query)).state();

    let problem = call(
        &state,
        Function::VerifyIdentity,
        ApiRequest::post("/applications/{applicationId}/identity-verifications")
            .app(APP_ID)
            .json(json!({ "idFrontUploadId": FRONT_UPLOAD_ID, "idBackUploadId": BACK_UPLOAD_ID })),
    )
    .await
    .problem(409);

    assert_eq!(
        problem["type"],
        "https://lendverify.dev/problems/decision-final"
    );
    assert!(problem["detail"].as_str().unwrap().contains("NEEDS_REVIEW"));
    writes.assert_none();
}
