//! `create-liveness-session` and `get-liveness-results`.

mod support;

use aws_sdk_rekognition::operation::create_face_liveness_session::{
    CreateFaceLivenessSessionError, CreateFaceLivenessSessionOutput,
};
use aws_sdk_rekognition::operation::get_face_liveness_session_results::{
    GetFaceLivenessSessionResultsError, GetFaceLivenessSessionResultsOutput,
};
use aws_sdk_rekognition::types::{AuditImage, LivenessSessionStatus, S3Object};
use aws_sdk_rekognition::Client as Rekognition;
use aws_smithy_mocks::{mock, Rule};
use lendverify_aws::records::*;
use lendverify_core::liveness::LivenessStatus;
use lendverify_functions::routes::Function;
use serde_json::json;
use support::*;

const SESSIONS: &str = "/applications/{applicationId}/liveness-sessions";
const SESSION: &str = "/applications/{applicationId}/liveness-sessions/{sessionId}";

fn create_session_ok() -> Rule {
    mock!(Rekognition::create_face_liveness_session)
        .match_requests(|r| {
            let output = r.settings().and_then(|s| s.output_config());
            r.kms_key_id() == Some(KMS_KEY_ARN)
                && output.map(|o| o.s3_bucket()) == Some(BIOMETRICS_BUCKET)
                && output.and_then(|o| o.s3_key_prefix())
                    == Some(format!("applications/{APP_ID}/liveness").as_str())
                && r.settings().and_then(|s| s.audit_images_limit()) == Some(4)
                && r.client_request_token().is_some_and(|t| !t.is_empty())
        })
        .then_output(|| {
            CreateFaceLivenessSessionOutput::builder()
                .session_id(SESSION_ID)
                .build()
                .unwrap()
        })
}

fn image(key: &str) -> AuditImage {
    AuditImage::builder()
        .s3_object(
            S3Object::builder()
                .bucket(BIOMETRICS_BUCKET)
                .name(key)
                .build(),
        )
        .build()
}

fn results(status: LivenessSessionStatus, confidence: Option<f32>) -> Rule {
    mock!(Rekognition::get_face_liveness_session_results)
        .match_requests(|r| r.session_id() == Some(SESSION_ID))
        .then_output(move || {
            let done = status == LivenessSessionStatus::Succeeded;
            GetFaceLivenessSessionResultsOutput::builder()
                .session_id(SESSION_ID)
                .status(status.clone())
                .set_confidence(confidence)
                .set_reference_image(done.then(|| image(REFERENCE_KEY)))
                .set_audit_images(done.then(|| {
                    vec![
                        image("applications/x/liveness/audit-1.jpg"),
                        image("applications/x/liveness/audit-2.jpg"),
                    ]
                }))
                .build()
                .unwrap()
        })
}

fn get_session() -> ApiRequest {
    ApiRequest::get(SESSION)
        .app(APP_ID)
        .param("sessionId", SESSION_ID)
}

#[tokio::test]
async fn create_opens_a_session_writing_under_the_application_prefix() {
    let query = owned_application_with(vec![]);
    let create = create_session_ok();
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query))
        .rekognition(&create)
        .state();

    let answer = call(
        &state,
        Function::CreateLivenessSession,
        ApiRequest::post(SESSIONS).app(APP_ID),
    )
    .await;

    let body = answer.ok(201);
    assert_eq!(
        body,
        json!({ "sessionId": SESSION_ID, "region": "us-east-1" })
    );
    assert_eq!(create.num_calls(), 1);
    let (stored, input): (LivenessItem, _) = only_put(&writes.puts);
    assert_eq!(stored.pk, application_pk(APP_ID));
    assert_eq!(stored.sk, format!("LIVENESS#{SESSION_ID}"));
    assert_eq!(stored.status, LivenessStatus::InProgress);
    assert_eq!(stored.created_at, NOW);
    assert_eq!(stored.confidence, None);
    assert_eq!(
        input.condition_expression(),
        Some("attribute_not_exists(pk)")
    );
}

#[tokio::test]
async fn create_accepts_an_empty_json_body() {
    let query = owned_application_with(vec![]);
    let create = create_session_ok();
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query))
        .rekognition(&create)
        .state();

    let answer = call(
        &state,
        Function::CreateLivenessSession,
        ApiRequest::post(SESSIONS).app(APP_ID).json(json!({})),
    )
    .await;

    answer.ok(201);
}

#[tokio::test]
async fn create_for_a_foreign_application_is_404_and_opens_nothing() {
    let query = query_application(vec![item(&application(STRANGER))]);
    let create = create_session_ok();
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query))
        .rekognition(&create)
        .state();

    let answer = call(
        &state,
        Function::CreateLivenessSession,
        ApiRequest::post(SESSIONS).app(APP_ID),
    )
    .await;

    assert_eq!(
        answer.problem(404)["detail"],
        "The application does not exist."
    );
    assert_eq!(create.num_calls(), 0);
    writes.assert_none();
}

#[tokio::test]
async fn create_without_authorizer_claims_is_401() {
    let query = owned_application_with(vec![]);
    let create = create_session_ok();
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query))
        .rekognition(&create)
        .state();

    let answer = call(
        &state,
        Function::CreateLivenessSession,
        ApiRequest::post(SESSIONS).app(APP_ID).anonymous(),
    )
    .await;

    answer.problem(401);
    assert_eq!((query.num_calls(), create.num_calls()), (0, 0));
    writes.assert_none();
}

#[tokio::test]
async fn create_with_a_non_json_body_is_415() {
    let query = owned_application_with(vec![]);
    let create = create_session_ok();
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query))
        .rekognition(&create)
        .state();

    let answer = call(
        &state,
        Function::CreateLivenessSession,
        ApiRequest::post(SESSIONS)
            .app(APP_ID)
            .body("application/x-www-form-urlencoded", "a=b"),
    )
    .await;

    answer.problem(415);
    assert_eq!(create.num_calls(), 0);
    writes.assert_none();
}

#[tokio::test]
async fn create_answers_503_when_rekognition_throttles_past_the_retries() {
    let query = owned_application_with(vec![]);
    let create = mock!(Rekognition::create_face_liveness_session)
        .then_error(|| CreateFaceLivenessSessionError::ThrottlingException(rekognition_throttle()));
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query))
        .rekognition(&create)
        .state();

    let answer = call(
        &state,
        Function::CreateLivenessSession,
        ApiRequest::post(SESSIONS).app(APP_ID),
    )
    .await;

    answer.unavailable();
    assert_eq!(create.num_calls(), 3);
    writes.assert_none();
}

#[tokio::test]
async fn create_is_not_served_by_the_results_function() {
    let query = owned_application_with(vec![]);
    let create = create_session_ok();
    let state = Mocks::new().dynamodb(&query).rekognition(&create).state();

    let answer = call(
        &state,
        Function::GetLivenessResults,
        ApiRequest::post(SESSIONS).app(APP_ID),
    )
    .await;

    answer.problem(404);
    assert_eq!((query.num_calls(), create.num_calls()), (0, 0));
}

#[tokio::test]
async fn get_decides_a_succeeded_session_once_and_keeps_the_evidence() {
    let query = owned_application_with(vec![item(&liveness(LivenessStatus::InProgress))]);
    let rekognition = results(LivenessSessionStatus::Succeeded, Some(95.5));
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query))
        .rekognition(&rekognition)
        .state();

    let answer = call(&state, Function::GetLivenessResults, get_session()).await;

    let body = answer.ok(200);
    assert_eq!(body, json!({ "sessionId": SESSION_ID, "status": "PASSED" }));
    let (stored, input): (LivenessItem, _) = only_put(&writes.puts);
    assert_eq!(stored.status, LivenessStatus::Passed);
    assert_eq!(stored.confidence, Some(95.5));
    assert_eq!(stored.pass_threshold, Some(90.0));
    assert_eq!(stored.review_band, Some(10.0));
    assert_eq!(stored.decided_at.as_deref(), Some(NOW));
    assert_eq!(stored.created_at, LIVENESS_CREATED_AT);
    assert_eq!(stored.reference_image_key.as_deref(), Some(REFERENCE_KEY));
    assert_eq!(stored.audit_image_keys.len(), 2);
    assert_eq!(
        input.condition_expression(),
        Some("attribute_exists(pk) AND #status = :in_progress"),
        "only an IN_PROGRESS session may be decided"
    );
    assert_eq!(
        input
            .expression_attribute_values()
            .and_then(|v| v.get(":in_progress"))
            .and_then(|v| v.as_s().ok())
            .map(String::as_str),
        Some("IN_PROGRESS")
    );
}

#[tokio::test]
async fn get_applies_the_thresholds() {
    let cases = [
        (LivenessSessionStatus::Succeeded, Some(90.0), "PASSED"),
        (LivenessSessionStatus::Succeeded, Some(85.0), "NEEDS_REVIEW"),
        (LivenessSessionStatus::Succeeded, None, "NEEDS_REVIEW"),
        (LivenessSessionStatus::Succeeded, Some(79.9), "FAILED"),
        (LivenessSessionStatus::Failed, None, "FAILED"),
        (LivenessSessionStatus::Expired, None, "EXPIRED"),
    ];
    for (status, confidence, expected) in cases {
        let query = owned_application_with(vec![item(&liveness(LivenessStatus::InProgress))]);
        let rekognition = results(status.clone(), confidence);
        let writes = Writes::new();
        let state = writes
            .add_to(Mocks::new().dynamodb(&query))
            .rekognition(&rekognition)
            .state();

        let answer = call(&state, Function::GetLivenessResults, get_session()).await;

        assert_eq!(
            answer.ok(200)["status"],
            expected,
            "{status:?} {confidence:?}"
        );
        let (stored, _): (LivenessItem, _) = only_put_under(&writes.puts, LIVENESS_PREFIX);
        assert_eq!(stored.status.as_str(), expected);
    }
}

#[tokio::test]
async fn get_of_an_unfinished_session_writes_nothing() {
    for status in [
        LivenessSessionStatus::Created,
        LivenessSessionStatus::InProgress,
    ] {
        let query = owned_application_with(vec![item(&liveness(LivenessStatus::InProgress))]);
        let rekognition = results(status, None);
        let writes = Writes::new();
        let state = writes
            .add_to(Mocks::new().dynamodb(&query))
            .rekognition(&rekognition)
            .state();

        let answer = call(&state, Function::GetLivenessResults, get_session()).await;

        assert_eq!(answer.ok(200)["status"], "IN_PROGRESS");
        assert_eq!(rekognition.num_calls(), 1);
        writes.assert_none();
    }
}

#[tokio::test]
async fn get_of_a_session_past_its_lifetime_expires_it() {
    // Created four minutes before `now()`: Rekognition's three minutes are over, so a session
    // still CREATED can never complete, and one Rekognition has forgotten cannot be read again.
    let mut late = liveness(LivenessStatus::InProgress);
    late.created_at = "2026-11-27T11:56:00Z".into();
    let not_found = || {
        mock!(Rekognition::get_face_liveness_session_results).then_error(|| {
            GetFaceLivenessSessionResultsError::SessionNotFoundException(
                aws_sdk_rekognition::types::error::SessionNotFoundException::builder()
                    .message("session not found")
                    .meta(
                        aws_sdk_rekognition::error::ErrorMetadata::builder()
                            .code("SessionNotFoundException")
                            .build(),
                    )
                    .build(),
            )
        })
    };
    let cases = [
        (late.clone(), results(LivenessSessionStatus::Created, None)),
        (
            late.clone(),
            results(LivenessSessionStatus::InProgress, None),
        ),
        (late, not_found()),
        (liveness(LivenessStatus::InProgress), not_found()),
    ];
    for (stored, rekognition) in cases {
        let query = owned_application_with(vec![item(&stored)]);
        let writes = Writes::new();
        let state = writes
            .add_to(Mocks::new().dynamodb(&query))
            .rekognition(&rekognition)
            .state();

        let answer = call(&state, Function::GetLivenessResults, get_session()).await;

        assert_eq!(answer.ok(200)["status"], "EXPIRED", "{}", stored.created_at);
        assert_eq!(
            rekognition.num_calls(),
            1,
            "no retries of a missing session"
        );
        let (decided, _): (LivenessItem, _) = only_put(&writes.puts);
        assert_eq!(decided.status, LivenessStatus::Expired);
        assert_eq!(decided.confidence, None);
    }
}

#[tokio::test]
async fn get_of_a_decided_session_answers_from_the_table_without_rekognition() {
    let query = owned_application_with(vec![item(&liveness(LivenessStatus::Failed))]);
    let rekognition = results(LivenessSessionStatus::Succeeded, Some(99.0));
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query))
        .rekognition(&rekognition)
        .state();

    let answer = call(&state, Function::GetLivenessResults, get_session()).await;

    assert_eq!(answer.ok(200)["status"], "FAILED");
    assert_eq!(rekognition.num_calls(), 0);
    writes.assert_none();
}

#[tokio::test]
async fn get_losing_the_race_to_decide_answers_the_winners_record() {
    let query = owned_application_with(vec![item(&liveness(LivenessStatus::InProgress))]);
    let rekognition = results(LivenessSessionStatus::Succeeded, Some(99.0));
    let put = change_cancelled("ConditionalCheckFailed");
    // The concurrent poll recorded NEEDS_REVIEW (say, under an older threshold).
    let winner = get_item(
        &application_pk(APP_ID),
        &format!("LIVENESS#{SESSION_ID}"),
        Some(item(&liveness(LivenessStatus::NeedsReview))),
    );
    let state = Mocks::new()
        .dynamodb(&query)
        .audit_rule(&put)
        .dynamodb(&winner)
        .rekognition(&rekognition)
        .state();

    let answer = call(&state, Function::GetLivenessResults, get_session()).await;

    assert_eq!(answer.ok(200)["status"], "NEEDS_REVIEW");
    assert_eq!(put.num_calls(), 1, "a failed condition is not retried");
    assert_eq!(winner.num_calls(), 1);
}

#[tokio::test]
async fn get_of_an_unknown_or_malformed_session_is_404() {
    for session in ["9f9f9f9f-8e8e-4d7d-9c6c-b5b5b5b5b5b5", "not-a-session"] {
        let query = owned_application_with(vec![item(&liveness(LivenessStatus::InProgress))]);
        let rekognition = results(LivenessSessionStatus::Succeeded, Some(99.0));
        let writes = Writes::new();
        let state = writes
            .add_to(Mocks::new().dynamodb(&query))
            .rekognition(&rekognition)
            .state();

        let answer = call(
            &state,
            Function::GetLivenessResults,
            ApiRequest::get(SESSION)
                .app(APP_ID)
                .param("sessionId", session),
        )
        .await;

        assert_eq!(
            answer.problem(404)["detail"],
            "The liveness session does not exist."
        );
        assert_eq!(rekognition.num_calls(), 0);
        writes.assert_none();
    }
}

#[tokio::test]
async fn get_in_a_foreign_application_is_404() {
    let mut foreign = vec![item(&application(STRANGER))];
    foreign.push(item(&liveness(LivenessStatus::InProgress)));
    let query = query_application(foreign);
    let rekognition = results(LivenessSessionStatus::Succeeded, Some(99.0));
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query))
        .rekognition(&rekognition)
        .state();

    let answer = call(&state, Function::GetLivenessResults, get_session()).await;

    assert_eq!(
        answer.problem(404)["detail"],
        "The application does not exist."
    );
    assert_eq!(rekognition.num_calls(), 0);
    writes.assert_none();
}

#[tokio::test]
async fn get_answers_503_when_rekognition_throttles_past_the_retries() {
    let query = owned_application_with(vec![item(&liveness(LivenessStatus::InProgress))]);
    let rekognition = mock!(Rekognition::get_face_liveness_session_results).then_error(|| {
        GetFaceLivenessSessionResultsError::ThrottlingException(rekognition_throttle())
    });
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query))
        .rekognition(&rekognition)
        .state();

    let answer = call(&state, Function::GetLivenessResults, get_session()).await;

    answer.unavailable();
    assert_eq!(rekognition.num_calls(), 3);
    writes.assert_none();
}

#[tokio::test]
async fn get_without_authorizer_claims_is_401() {
    let query = owned_application_with(vec![item(&liveness(LivenessStatus::InProgress))]);
    let state = Mocks::new().dynamodb(&query).state();

    let answer = call(
        &state,
        Function::GetLivenessResults,
        get_session().anonymous(),
    )
    .await;

    answer.problem(401);
    assert_eq!(query.num_calls(), 0);
}
