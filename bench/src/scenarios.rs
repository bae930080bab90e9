//! One scenario per function: the events it is invoked with and what a correct answer is.
//!
//! The first route of a scenario is its main event: the request a new container most often meets
//! first. A new container is first handed the function's one-call event instead, a real request it
//! answers after exactly one AWS call (the issue's first-invocation target is set for one AWS
//! call): where the main event makes more, that is a request about an application, job or event
//! that needs no more (an unknown application is 404 after its `Query`). The main event follows,
//! so its first run (the other SDK clients built on their first use) is measured too. Every route
//! of the function is also invoked warm, once per cold start, so each route's CPU time is
//! measured. The list covers every `handler` the bootstrap serves; the
//! smoke test checks that against `lendverify_functions::routes::Function::ALL`.

use serde_json::{json, Value};

use crate::events::{sqs_event, ApiRequest};
use crate::fixture::Fixture;

/// What a correct answer looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// An API Gateway proxy response with this status code.
    Status(u16),
    /// An SQS batch response with no `batchItemFailures`.
    NoBatchFailures,
    /// A scheduled function's JSON result (not a Lambda error).
    Completed,
    /// An SQS batch response reporting its one record (left for SQS to redeliver, then the DLQ).
    ReportedFailure,
}

#[derive(Clone, Debug)]
pub struct Route {
    /// `METHOD /resource`, or `SQS` for the consumer.
    pub name: String,
    pub event: Value,
    pub expect: Expect,
}

#[derive(Clone, Debug)]
pub struct Scenario {
    /// The function's `handler` attribute (`_HANDLER`).
    pub handler: &'static str,
    pub routes: Vec<Route>,
    /// The one-call event, when the main event makes more than one AWS call.
    pub one_call: Option<Route>,
}

impl Scenario {
    /// The main event.
    pub fn primary(&self) -> &Route {
        &self.routes[0]
    }

    /// The event a new container is handed first: one AWS call.
    pub fn first_event(&self) -> &Route {
        self.one_call.as_ref().unwrap_or_else(|| self.primary())
    }
}

fn api(request: ApiRequest, expect: u16, fixture: &Fixture) -> Route {
    Route {
        name: format!("{} {}", request.method, request.resource),
        event: request.event(fixture.sub, "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"),
        expect: Expect::Status(expect),
    }
}

/// The bench application has no identity decision yet (verify-identity measures a first
/// verification; a decided one is final), so its case is 404 (read and answered like any case:
/// the application's items, the owner check).
const REVIEW_CASE_STATUS: u16 = 404;
const REVIEW_DECISION_STATUS: u16 = 404;

/// A reviewer's request (not the applicant's: reviewers never work on their own application).
fn reviewer_api(request: ApiRequest, expect: u16) -> Route {
    let request = request.groups("reviewers");
    Route {
        name: format!("{} {}", request.method, request.resource),
        event: request.event(
            "5e4d3c2b-bench-reviewer",
            "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
        ),
        expect: Expect::Status(expect),
    }
}

/// A function whose one route is about the bench application. Its one-call event is the same
/// request about an application nobody has: 404 after the ownership `Query`.
fn application_scenario(
    handler: &'static str,
    expect: u16,
    fixture: &Fixture,
    request: impl Fn(&str) -> ApiRequest,
) -> Scenario {
    Scenario {
        handler,
        one_call: Some(api(request(fixture.unknown_application_id), 404, fixture)),
        routes: vec![api(request(fixture.application_id), expect, fixture)],
    }
}

/// Every function's scenario, in the order of `handlers/README.md`.
pub fn all(fixture: &Fixture) -> Vec<Scenario> {
    let app = fixture.application_id;
    let applications = "/applications/{applicationId}";
    vec![
        Scenario {
            handler: "applications",
            one_call: None,
            routes: vec![
                api(ApiRequest::new("GET", applications).param("applicationId", app), 200, fixture),
                api(
                    ApiRequest::new("POST", "/applications").json(json!({
                        "applicant": { "givenName": "Jorge", "familyName": "Souza", "dateOfBirth": "1978-03-18" }
                    })),
                    201,
                    fixture,
                ),
                api(ApiRequest::new("GET", "/applications"), 200, fixture),
                api(
                    ApiRequest::new("PUT", "/applications/{applicationId}/consent")
                        .param("applicationId", app)
                        .json(json!({ "policyVersion": "2026-02" })),
                    200,
                    fixture,
                ),
                api(
                    ApiRequest::new("GET", "/applications/{applicationId}/events")
                        .param("applicationId", app),
                    200,
                    fixture,
                ),
            ],
        },
        Scenario {
            handler: "review",
            one_call: None,
            routes: vec![
                reviewer_api(ApiRequest::new("GET", "/review/cases"), 200),
                reviewer_api(
                    ApiRequest::new("GET", "/review/cases/{applicationId}").param("applicationId", app),
                    REVIEW_CASE_STATUS,
                ),
                reviewer_api(
                    ApiRequest::new("POST", "/review/cases/{applicationId}/decisions")
                        .param("applicationId", app)
                        .json(json!({ "decision": "APPROVED", "reasonCodes": ["DOCUMENT_CHECKED"] })),
                    REVIEW_DECISION_STATUS,
                ),
                reviewer_api(
                    ApiRequest::new("GET", "/review/cases/{applicationId}/events")
                        .param("applicationId", app),
                    200,
                ),
            ],
        },
        application_scenario("create-liveness-session", 201, fixture, |id| {
            ApiRequest::new("POST", "/applications/{applicationId}/liveness-sessions")
                .param("applicationId", id)
                .json(json!({}))
        }),
        application_scenario("get-liveness-results", 200, fixture, |id| {
            ApiRequest::new(
                "GET",
                "/applications/{applicationId}/liveness-sessions/{sessionId}",
            )
            .param("applicationId", id)
            .param("sessionId", fixture.open_session_id)
        }),
        application_scenario("create-upload-url", 201, fixture, |id| {
            ApiRequest::new("POST", "/applications/{applicationId}/uploads")
                .param("applicationId", id)
                .json(json!({ "purpose": "LENDING_PACKAGE", "contentType": "application/pdf", "contentLength": 2_345_678 }))
        }),
        application_scenario("verify-identity", 200, fixture, |id| {
            ApiRequest::new("POST", "/applications/{applicationId}/identity-verifications")
                .param("applicationId", id)
                .json(json!({ "idFrontUploadId": fixture.id_front_upload_id }))
        }),
        application_scenario("start-lending-analysis", 202, fixture, |id| {
            ApiRequest::new("POST", "/applications/{applicationId}/documents")
                .param("applicationId", id)
                .json(json!({ "uploadId": fixture.package_upload_id }))
        }),
        Scenario {
            handler: "get-lending-analysis-results",
            one_call: None,
            routes: vec![api(
                ApiRequest::new("GET", "/applications/{applicationId}/documents/{documentId}")
                    .param("applicationId", app)
                    .param("documentId", fixture.document_id),
                200,
                fixture,
            )],
        },
        Scenario {
            handler: "lending-analysis-completed",
            one_call: Some(Route {
                name: "SQS completion of a job LendVerify did not start (reported)".into(),
                event: sqs_event(
                    &fixture.unknown_completion_body(),
                    "16a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8",
                ),
                expect: Expect::ReportedFailure,
            }),
            routes: vec![Route {
                name: "SQS lending completion (7-page package)".into(),
                event: sqs_event(
                    &fixture.completion_body(),
                    "059f36b4-87a3-44ab-83d2-661975830a7d",
                ),
                expect: Expect::NoBatchFailures,
            }],
        },
        // The bench application has no identity decision: nothing is kept as evidence.
        application_scenario("erase-application", 204, fixture, |id| {
            ApiRequest::new("DELETE", applications).param("applicationId", id)
        }),
        Scenario {
            handler: "sweep-erasures",
            one_call: None,
            routes: vec![Route {
                name: "EventBridge schedule (no erasure due)".into(),
                event: json!({
                    "version": "0",
                    "id": "89d1a02d-5ec7-412e-82f5-13505f849b41",
                    "detail-type": "Scheduled Event",
                    "source": "aws.events",
                    "account": "123456789012",
                    "time": "2026-11-27T12:00:00Z",
                    "region": "us-east-1",
                    "resources": ["arn:aws:events:us-east-1:123456789012:rule/lendverify-sweep-erasures"],
                    "detail": {},
                }),
                expect: Expect::Completed,
            }],
        },
        Scenario {
            handler: "deliver-decision-events",
            one_call: Some(Route {
                name: "SQS redelivery of a delivered decision event".into(),
                event: sqs_event(
                    &json!({
                        "id": fixture.delivered_event_id,
                        "type": "identity.decided",
                        "occurredAt": "2026-11-27T12:00:00Z",
                        "applicationId": app,
                        "data": { "decision": "APPROVED", "reasonCodes": [] },
                    })
                    .to_string(),
                    "27b3c4d5-e6f7-4081-92a3-b4c5d6e7f809",
                ),
                expect: Expect::NoBatchFailures,
            }),
            routes: vec![Route {
                name: "SQS decision event (one signed webhook)".into(),
                event: sqs_event(
                    &json!({
                        "id": "5b0b7d0e-7c2c-5a4e-9a43-0c2f6c1d9e10",
                        "type": "identity.decided",
                        "occurredAt": "2026-11-27T12:00:00Z",
                        "applicationId": app,
                        "data": { "decision": "APPROVED", "reasonCodes": [] },
                    })
                    .to_string(),
                    "3f1d2c4b-5a6e-4f70-8a91-b2c3d4e5f607",
                ),
                expect: Expect::NoBatchFailures,
            }],
        },
    ]
}

/// Checks a function's answer (the body it posted to `.../response`) against what was expected.
pub fn check(expect: Expect, response: &[u8]) -> Result<(), String> {
    let value: Value = serde_json::from_slice(response).map_err(|e| {
        format!(
            "response is not JSON ({e}): {}",
            String::from_utf8_lossy(response)
        )
    })?;
    match expect {
        Expect::Status(status) => {
            let got = value["statusCode"].as_u64().unwrap_or(0);
            if got == u64::from(status) {
                Ok(())
            } else {
                Err(format!(
                    "answered {got}, expected {status}: {}",
                    value["body"].as_str().unwrap_or_default()
                ))
            }
        }
        Expect::NoBatchFailures => match value["batchItemFailures"].as_array() {
            Some(failures) if failures.is_empty() => Ok(()),
            _ => Err(format!("batch item failures: {value}")),
        },
        Expect::ReportedFailure => match value["batchItemFailures"].as_array() {
            Some(failures) if failures.len() == 1 => Ok(()),
            _ => Err(format!("expected the record reported: {value}")),
        },
        Expect::Completed if value.is_object() && value.get("errorType").is_none() => Ok(()),
        Expect::Completed => Err(format!("not a result: {value}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_functions_each_with_a_cold_start_event() {
        let scenarios = all(&Fixture::default());
        assert_eq!(scenarios.len(), 12);
        assert!(scenarios.iter().all(|s| !s.routes.is_empty()));
        let routes: usize = scenarios.iter().map(|s| s.routes.len()).sum();
        assert_eq!(
            routes, 19,
            "sixteen API routes, the two SQS consumers and the erasure sweep's schedule"
        );
    }

    #[test]
    fn answers_are_checked() {
        assert!(check(Expect::Status(200), br#"{"statusCode":200,"body":"{}"}"#).is_ok());
        let err = check(Expect::Status(200), br#"{"statusCode":404,"body":"nope"}"#).unwrap_err();
        assert!(err.contains("404") && err.contains("nope"));
        assert!(check(Expect::NoBatchFailures, br#"{"batchItemFailures":[]}"#).is_ok());
        assert!(check(
            Expect::NoBatchFailures,
            br#"{"batchItemFailures":[{"itemIdentifier":"m"}]}"#
        )
        .is_err());
        assert!(check(Expect::Status(200), b"not json").is_err());
    }
}
