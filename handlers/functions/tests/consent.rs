//! Consent to biometric processing: `PUT /applications/{applicationId}/consent` (the
//! `applications` function) and the check that `create-liveness-session` makes before opening a
//! Face Liveness session.

mod support;

use aws_sdk_rekognition::Client as Rekognition;
use aws_smithy_mocks::mock;
use lendverify_aws::records::*;
use lendverify_core::application::Consent;
use lendverify_functions::routes::Function;
use serde_json::json;
use support::*;

const CONSENT: &str = "/applications/{applicationId}/consent";
const POLICY: &str = "biometric-2026-11";

fn put_consent(body: serde_json::Value) -> ApiRequest {
    ApiRequest::new("PUT", CONSENT).app(APP_ID).json(body)
}

/// The test application as created, before its applicant gave consent.
fn without_consent() -> ApplicationItem {
    ApplicationItem {
        consent: None,
        ..application(OWNER)
    }
}

#[tokio::test]
async fn consent_is_recorded_on_the_application_with_version_and_time() {
    let query = query_application(vec![item(&without_consent())]);
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new().dynamodb(&query)).state();

    let answer = call(
        &state,
        Function::Applications,
        put_consent(json!({ "policyVersion": POLICY })),
    )
    .await;

    assert_eq!(
        answer.ok(200),
        json!({ "applicationId": APP_ID, "consent": { "policyVersion": POLICY, "givenAt": NOW } })
    );
    let (stored, input): (ApplicationItem, _) = only_put(&writes.puts);
    assert_eq!(
        stored.consent,
        Some(Consent {
            policy_version: POLICY.into(),
            given_at: NOW.into()
        })
    );
    assert_eq!(
        stored,
        ApplicationItem {
            consent: stored.consent.clone(),
            ..without_consent()
        },
        "nothing else changes"
    );
    assert_eq!(input.condition_expression(), Some("attribute_exists(pk)"));
}

#[tokio::test]
async fn repeating_consent_to_the_same_version_keeps_the_first_timestamp() {
    let query = owned_application_with(vec![]);
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new().dynamodb(&query)).state();

    let answer = call(
        &state,
        Function::Applications,
        put_consent(json!({ "policyVersion": POLICY })),
    )
    .await;

    let given_at = application(OWNER).consent.unwrap().given_at;
    assert_eq!(answer.ok(200)["consent"]["givenAt"], given_at.as_str());
    writes.assert_none();
}

#[tokio::test]
async fn consent_to_a_new_policy_version_is_recorded_again() {
    let query = owned_application_with(vec![]);
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new().dynamodb(&query)).state();

    let answer = call(
        &state,
        Function::Applications,
        put_consent(json!({ "policyVersion": "biometric-2027-01" })),
    )
    .await;

    assert_eq!(answer.ok(200)["consent"]["givenAt"], NOW);
    let (stored, _): (ApplicationItem, _) = only_put(&writes.puts);
    assert_eq!(stored.consent.unwrap().policy_version, "biometric-2027-01");
}

#[tokio::test]
async fn consent_to_someone_elses_application_is_404_and_writes_nothing() {
    let query = query_application(vec![item(&ApplicationItem {
        consent: None,
        ..application(STRANGER)
    })]);
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new().dynamodb(&query)).state();

    let answer = call(
        &state,
        Function::Applications,
        put_consent(json!({ "policyVersion": POLICY })),
    )
    .await;

    answer.problem(404);
    writes.assert_none();
}

#[tokio::test]
async fn invalid_consent_bodies_are_refused_before_any_read() {
    let query = query_application(vec![item(&without_consent())]);
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new().dynamodb(&query)).state();

    let missing = call(&state, Function::Applications, put_consent(json!({}))).await;
    assert_eq!(
        missing.field_error("policyVersion")["errors"][0]["message"],
        "is required"
    );
    let free_text = call(
        &state,
        Function::Applications,
        put_consent(json!({ "policyVersion": "I agree to everything" })),
    )
    .await;
    free_text.field_error("policyVersion");
    let unknown = call(
        &state,
        Function::Applications,
        put_consent(json!({ "policyVersion": POLICY, "scope": "all" })),
    )
    .await;
    unknown.problem(400);
    let text = call(
        &state,
        Function::Applications,
        ApiRequest::new("PUT", CONSENT)
            .app(APP_ID)
            .body("text/plain", "yes"),
    )
    .await;
    text.problem(415);
    let anonymous = call(
        &state,
        Function::Applications,
        put_consent(json!({ "policyVersion": POLICY })).anonymous(),
    )
    .await;
    anonymous.problem(401);

    assert_eq!(query.num_calls(), 0);
    writes.assert_none();
}

#[tokio::test]
async fn consent_racing_an_erasure_is_404() {
    let query = query_application(vec![item(&without_consent())]);
    let put = change_cancelled("ConditionalCheckFailed");
    let state = Mocks::new().dynamodb(&query).audit_rule(&put).state();

    let answer = call(
        &state,
        Function::Applications,
        put_consent(json!({ "policyVersion": POLICY })),
    )
    .await;

    answer.problem(404);
    assert_eq!(put.num_calls(), 1);
}

#[tokio::test]
async fn the_application_view_shows_the_consent() {
    let query = owned_application_with(vec![]);
    let state = Mocks::new().dynamodb(&query).state();

    let answer = call(
        &state,
        Function::Applications,
        ApiRequest::get("/applications/{applicationId}").app(APP_ID),
    )
    .await;

    assert_eq!(
        answer.ok(200)["consent"],
        json!({ "policyVersion": POLICY, "givenAt": "2026-11-27T11:00:30Z" })
    );
}

#[tokio::test]
async fn no_liveness_session_without_consent() {
    let query = query_application(vec![item(&without_consent())]);
    let create = mock!(Rekognition::create_face_liveness_session).then_output(|| {
        aws_sdk_rekognition::operation::create_face_liveness_session::CreateFaceLivenessSessionOutput::builder()
            .session_id(SESSION_ID)
            .build()
            .unwrap()
    });
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query))
        .rekognition(&create)
        .state();

    let answer = call(
        &state,
        Function::CreateLivenessSession,
        ApiRequest::post("/applications/{applicationId}/liveness-sessions").app(APP_ID),
    )
    .await;

    let problem = answer.problem(409);
    assert!(
        problem["detail"].as_str().unwrap().contains("consent"),
        "{problem}"
    );
    assert_eq!(create.num_calls(), 0, "no session is opened");
    writes.assert_none();
}

#[tokio::test]
async fn consent_is_not_served_by_other_functions() {
    let query = query_application(vec![item(&without_consent())]);
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new().dynamodb(&query)).state();

    let answer = call(
        &state,
        Function::CreateLivenessSession,
        put_consent(json!({ "policyVersion": POLICY })),
    )
    .await;

    answer.problem(404);
    writes.assert_none();
}
