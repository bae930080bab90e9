//! `verify-identity`: AnalyzeID on the ID, CompareFaces against the liveness reference image,
//! the decision, and the verification record.

mod support;

use aws_sdk_rekognition::operation::compare_faces::{CompareFacesError, CompareFacesOutput};
use aws_sdk_rekognition::types::{CompareFacesMatch, ComparedFace, ComparedSourceImageFace};
use aws_sdk_textract::operation::analyze_id::{AnalyzeIDError, AnalyzeIdOutput};
use aws_sdk_textract::types::{
    AnalyzeIdDetections, IdentityDocument, IdentityDocumentField, NormalizedValue, ValueType,
};
use aws_smithy_mocks::{mock, Rule};
use lendverify_aws::error::table::{rows_of, Answer as Documented, Op, Service};
use lendverify_aws::records::*;
use lendverify_core::identity::{Decision, ReasonCode};
use lendverify_core::liveness::LivenessStatus;
use lendverify_core::uploads::UploadPurpose;
use lendverify_functions::routes::Function;
use lendverify_functions::AppState;
use serde_json::{json, Value};
use support::*;

const VERIFICATIONS: &str = "/applications/{applicationId}/identity-verifications";

/// `(type, text, normalized date)`, all read with 99 % confidence.
type Field = (&'static str, &'static str, Option<&'static str>);

fn jane_doe_license(expiry: &'static str) -> Vec<Field> {
    vec![
        ("ID_TYPE", "DRIVER LICENSE FRONT", None),
        ("FIRST_NAME", "JANE", None),
        ("MIDDLE_NAME", "", None),
        ("LAST_NAME", "DOE", None),
        ("DATE_OF_BIRTH", "05/17/1990", Some("1990-05-17T00:00:00")),
        ("EXPIRATION_DATE", expiry, None),
        ("DOCUMENT_NUMBER", "D12345678", None),
        ("MRZ_CODE", "", None),
    ]
}

fn detection(text: &str) -> AnalyzeIdDetections {
    AnalyzeIdDetections::builder()
        .text(text)
        .confidence(99.0)
        .build()
        .unwrap()
}

fn analyze_id(fields: Vec<Field>, pages: usize) -> Rule {
    mock!(aws_sdk_textract::Client::analyze_id)
        .match_requests(move |r| {
            let pages_sent = r.document_pages();
            pages_sent.len() == pages
                && pages_sent[0].s3_object().is_some_and(|o| {
                    o.bucket() == Some(UPLOADS_BUCKET)
                        && o.name() == Some(upload_key(FRONT_UPLOAD_ID).as_str())
                })
                && (pages < 2
                    || pages_sent[1]
                        .s3_object()
                        .and_then(|o| o.name())
                        .is_some_and(|n| n == upload_key(BACK_UPLOAD_ID)))
        })
        .then_output(move || {
            let fields = fields
                .iter()
                .map(|(ty, text, normalized)| {
                    let mut value = AnalyzeIdDetections::builder().text(*text).confidence(99.0);
                    if let Some(n) = normalized {
                        value = value.normalized_value(
                            NormalizedValue::builder()
                                .value(*n)
                                .value_type(ValueType::Date)
                                .build(),
                        );
                    }
                    IdentityDocumentField::builder()
                        .r#type(detection(ty))
                        .value_detection(value.build().unwrap())
                        .build()
                })
                .collect();
            AnalyzeIdOutput::builder()
                .identity_documents(
                    IdentityDocument::builder()
                        .document_index(1)
                        .set_identity_document_fields(Some(fields))
                        .build(),
                )
                .document_metadata(
                    aws_sdk_textract::types::DocumentMetadata::builder()
                        .pages(pages as i32)
                        .build(),
                )
                .build()
        })
}

fn compare_faces(similarity: f32) -> Rule {
    mock!(aws_sdk_rekognition::Client::compare_faces)
        .match_requests(|r| {
            let source = r.source_image().and_then(|i| i.s3_object());
            let target = r.target_image().and_then(|i| i.s3_object());
            source.and_then(|o| o.bucket()) == Some(BIOMETRICS_BUCKET)
                && source.and_then(|o| o.name()) == Some(REFERENCE_KEY)
                && target.and_then(|o| o.bucket()) == Some(UPLOADS_BUCKET)
                && target.and_then(|o| o.name()) == Some(upload_key(FRONT_UPLOAD_ID).as_str())
                && r.similarity_threshold() == Some(0.0)
        })
        .then_output(move || {
            CompareFacesOutput::builder()
                .source_image_face(ComparedSourceImageFace::builder().confidence(99.9).build())
                .face_matches(
                    CompareFacesMatch::builder()
                        .similarity(similarity)
                        .face(ComparedFace::builder().confidence(99.8).build())
                        .build(),
                )
                .build()
        })
}

/// The application with a PASSED liveness session and both sides of the ID uploaded.
fn ready_application() -> Rule {
    owned_application_with(vec![
        item(&liveness(LivenessStatus::Passed)),
        item(&upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront)),
        item(&upload(BACK_UPLOAD_ID, UploadPurpose::IdBack)),
        item(&upload(PACKAGE_UPLOAD_ID, UploadPurpose::LendingPackage)),
    ])
}

/// The one verification written (the attempt's ATTEMPT item is written beside it).
#[track_caller]
fn verification_put<T: serde::de::DeserializeOwned>(
    puts: &Puts,
) -> (T, aws_sdk_dynamodb::operation::put_item::PutItemInput) {
    let puts = puts.lock().unwrap();
    let decisions: Vec<_> = puts
        .iter()
        .filter(|p| {
            p.item()
                .and_then(|i| i.get("sk"))
                .and_then(|v| v.as_s().ok())
                .is_some_and(|sk| sk.starts_with(VERIFICATION_PREFIX))
        })
        .collect();
    assert_eq!(
        decisions.len(),
        1,
        "expected exactly one verification PutItem"
    );
    let input = decisions[0].clone();
    assert_eq!(input.table_name(), Some(TABLE));
    (from_item(input.item().expect("item")), input)
}

struct Setup {
    query: Rule,
    heads: Vec<Rule>,
    analyze: Rule,
    compare: Rule,
    writes: Writes,
    audit: AuditTable,
    published: Published,
    state: AppState,
}

impl Setup {
    fn new(query: Rule, analyze: Rule, compare: Rule) -> Self {
        let heads = vec![
            upload_arrived(&upload_key(FRONT_UPLOAD_ID)),
            upload_arrived(&upload_key(BACK_UPLOAD_ID)),
            upload_arrived(&upload_key(PACKAGE_UPLOAD_ID)),
        ];
        Self::with_heads(query, heads, analyze, compare)
    }

    fn with_heads(query: Rule, heads: Vec<Rule>, analyze: Rule, compare: Rule) -> Self {
        let writes = Writes::new();
        let mut mocks = writes
            .add_to(Mocks::new().dynamodb(&query))
            .textract(&analyze)
            .rekognition(&compare);
        for head in &heads {
            mocks = mocks.s3(head);
        }
        let state = mocks.state();
        Self {
            query,
            heads,
            analyze,
            compare,
            writes,
            audit: mocks.audit.clone(),
            published: mocks.published.clone(),
            state,
        }
    }

    fn ready() -> Self {
        Self::new(
            ready_application(),
            analyze_id(jane_doe_license("01/31/2030"), 1),
            compare_faces(99.5),
        )
    }

    async fn verify(&self, body: Value) -> Answer {
        call(
            &self.state,
            Function::VerifyIdentity,
            ApiRequest::post(VERIFICATIONS).app(APP_ID).json(body),
        )
        .await
    }

    fn head_calls(&self) -> usize {
        self.heads.iter().map(Rule::num_calls).sum()
    }

    /// The analysis was paid for and failed: only the attempt was counted, nothing decided.
    #[track_caller]
    fn assert_only_the_attempt(&self) {
        let puts = self.writes.puts.lock().unwrap();
        let keys: Vec<String> = puts
            .iter()
            .filter_map(|p| p.item()?.get("sk")?.as_s().ok().cloned())
            .collect();
        assert_eq!(keys.len(), 1, "{keys:?}");
        assert!(keys[0].starts_with(ATTEMPT_PREFIX), "{keys:?}");
        assert_eq!(self.writes.transact.num_calls(), 0);
    }

    /// Nothing past the request checks happened: no AWS analysis, no write.
    #[track_caller]
    fn assert_untouched(&self) {
        assert_eq!(self.analyze.num_calls(), 0, "AnalyzeID was called");
        assert_eq!(self.compare.num_calls(), 0, "CompareFaces was called");
        self.writes.assert_none();
    }
}

#[tokio::test]
async fn approves_a_matching_applicant_and_records_the_masked_evidence() {
    let setup = Setup::ready();

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await;

    let body = answer.ok(200);
    let verification_id = body["verificationId"].as_str().unwrap().to_string();
    assert!(lendverify_core::ids::is_uuid(&verification_id));
    assert_eq!(body["decision"], "APPROVED");
    assert_eq!(body["reasons"], json!([]));
    assert_eq!(
        body["document"],
        json!({
            "type": "DRIVER_LICENSE",
            "givenName": "JANE",
            "familyName": "DOE",
            "dateOfBirth": "1990-05-17",
            "documentNumberMasked": "*****5678",
            "expiresOn": "2030-01-31",
        })
    );
    assert_eq!(
        (setup.analyze.num_calls(), setup.compare.num_calls()),
        (1, 1)
    );
    assert_eq!(
        setup.heads[0].num_calls(),
        1,
        "the front was checked for arrival"
    );

    let (stored, input): (VerificationItem, _) = verification_put(&setup.writes.puts);
    assert_eq!(stored.pk, application_pk(APP_ID));
    assert_eq!(stored.sk, format!("IDV#{verification_id}"));
    assert_eq!(stored.decision, Decision::Approved);
    assert_eq!(stored.similarity, Some(99.5));
    assert_eq!(stored.similarity_threshold, 99.0);
    assert_eq!(stored.liveness_session_id, SESSION_ID);
    assert_eq!(stored.created_at, NOW);
    assert_eq!(
        input.condition_expression(),
        Some("attribute_not_exists(pk)")
    );
    let raw = format!(
        "{:?}{}",
        input.item(),
        String::from_utf8_lossy(&answer.bytes)
    );
    assert!(
        !raw.contains("D12345678"),
        "the full document number is never stored or returned"
    );
}

#[tokio::test]
async fn reads_front_and_back_as_one_document() {
    let setup = Setup::new(
        ready_application(),
        analyze_id(jane_doe_license("01/31/2030"), 2),
        compare_faces(99.5),
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID, "idBackUploadId": BACK_UPLOAD_ID }))
        .await;

    assert_eq!(answer.ok(200)["decision"], "APPROVED");
    assert_eq!(setup.analyze.num_calls(), 1);
    assert_eq!(
        (setup.heads[0].num_calls(), setup.heads[1].num_calls()),
        (1, 1)
    );
}

#[tokio::test]
async fn accepts_upper_case_upload_ids() {
    let setup = Setup::ready();

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID.to_ascii_uppercase() }))
        .await;

    assert_eq!(answer.ok(200)["decision"], "APPROVED");
}

#[tokio::test]
async fn rejects_a_different_face_and_still_records_the_decision() {
    let setup = Setup::new(
        ready_application(),
        analyze_id(jane_doe_license("01/31/2030"), 1),
        compare_faces(42.0),
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await;

    let body = answer.ok(200);
    assert_eq!(body["decision"], "REJECTED");
    assert_eq!(body["reasons"], json!(["FACE_MISMATCH"]));
    let (stored, _): (VerificationItem, _) = verification_put(&setup.writes.puts);
    assert_eq!(stored.decision, Decision::Rejected);
    assert_eq!(stored.reasons, vec![ReasonCode::FaceMismatch]);
    assert_eq!(stored.similarity, Some(42.0));
}

#[tokio::test]
async fn sends_a_borderline_face_to_review() {
    let setup = Setup::new(
        ready_application(),
        analyze_id(jane_doe_license("01/31/2030"), 1),
        compare_faces(96.0),
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await;

    let body = answer.ok(200);
    assert_eq!(body["decision"], "NEEDS_REVIEW");
    assert_eq!(body["reasons"], json!(["FACE_SIMILARITY_BORDERLINE"]));
}

#[tokio::test]
async fn judges_expiry_against_the_injected_clock() {
    // Expired yesterday, as seen from the pinned clock (2026-11-27).
    let setup = Setup::new(
        ready_application(),
        analyze_id(jane_doe_license("11/26/2026"), 1),
        compare_faces(99.5),
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await;

    let body = answer.ok(200);
    assert_eq!(body["decision"], "REJECTED");
    assert_eq!(body["reasons"], json!(["DOCUMENT_EXPIRED"]));

    // Valid through today.
    let setup = Setup::new(
        ready_application(),
        analyze_id(jane_doe_license("11/27/2026"), 1),
        compare_faces(99.5),
    );
    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await;
    assert_eq!(answer.ok(200)["decision"], "APPROVED");
}

#[tokio::test]
async fn no_face_found_by_rekognition_rejects_instead_of_failing() {
    let compare = mock!(aws_sdk_rekognition::Client::compare_faces).then_error(|| {
        CompareFacesError::InvalidParameterException(
            aws_sdk_rekognition::types::error::InvalidParameterException::builder()
                .message("Request has invalid parameters")
                .meta(
                    aws_sdk_rekognition::error::ErrorMetadata::builder()
                        .code("InvalidParameterException")
                        .build(),
                )
                .build(),
        )
    });
    let setup = Setup::new(
        ready_application(),
        analyze_id(jane_doe_license("01/31/2030"), 1),
        compare,
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await;

    let body = answer.ok(200);
    assert_eq!(body["decision"], "REJECTED");
    assert_eq!(
        setup.compare.num_calls(),
        1,
        "a rejected input is not retried"
    );
    let (stored, _): (VerificationItem, _) = verification_put(&setup.writes.puts);
    assert_eq!(stored.similarity, None);
}

#[tokio::test]
async fn before_a_passed_liveness_is_409_and_analyses_nothing() {
    for liveness_items in [
        vec![],
        vec![item(&liveness(LivenessStatus::InProgress))],
        vec![item(&liveness(LivenessStatus::Failed))],
        vec![item(&liveness(LivenessStatus::NeedsReview))],
        vec![item(&liveness(LivenessStatus::Expired))],
    ] {
        let mut items = liveness_items;
        items.push(item(&upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront)));
        let setup = Setup::new(
            owned_application_with(items),
            analyze_id(jane_doe_license("01/31/2030"), 1),
            compare_faces(99.5),
        );

        let answer = setup
            .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
            .await;

        let problem = answer.problem(409);
        assert_eq!(problem["type"], "https://lendverify.dev/problems/conflict");
        assert!(problem["detail"]
            .as_str()
            .unwrap()
            .contains("PASSED liveness"));
        assert_eq!(setup.head_calls(), 0);
        setup.assert_untouched();
    }
}

#[tokio::test]
async fn an_upload_that_never_arrived_is_409() {
    let setup = Setup::with_heads(
        ready_application(),
        vec![upload_missing(&upload_key(FRONT_UPLOAD_ID))],
        analyze_id(jane_doe_license("01/31/2030"), 1),
        compare_faces(99.5),
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await;

    let problem = answer.problem(409);
    assert_eq!(
        problem["type"],
        "https://lendverify.dev/problems/upload-not-received"
    );
    assert_eq!(problem["errors"][0]["field"], "idFrontUploadId");
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("has not been received"));
    assert_eq!(
        setup.heads[0].num_calls(),
        1,
        "NotFound is an answer, not retried"
    );
    setup.assert_untouched();
}

#[tokio::test]
async fn invalid_upload_references_are_422_naming_the_field() {
    let unknown = "9f9f9f9f-8e8e-4d7d-9c6c-b5b5b5b5b5b5";
    let cases = [
        (json!({ "idFrontUploadId": "front" }), "idFrontUploadId"),
        (json!({ "idFrontUploadId": unknown }), "idFrontUploadId"),
        (
            json!({ "idFrontUploadId": PACKAGE_UPLOAD_ID }),
            "idFrontUploadId",
        ),
        (
            json!({ "idFrontUploadId": BACK_UPLOAD_ID }),
            "idFrontUploadId",
        ),
        (
            json!({ "idFrontUploadId": FRONT_UPLOAD_ID, "idBackUploadId": "../x" }),
            "idBackUploadId",
        ),
        (
            json!({ "idFrontUploadId": FRONT_UPLOAD_ID, "idBackUploadId": FRONT_UPLOAD_ID }),
            "idBackUploadId",
        ),
    ];
    for (body, field) in cases {
        let setup = Setup::ready();

        let answer = setup.verify(body.clone()).await;

        assert_eq!(answer.status, 422, "{body}");
        answer.field_error(field);
        setup.assert_untouched();
    }
}

#[tokio::test]
async fn malformed_bodies_are_400() {
    let cases = [
        "{\"idFrontUploadId\": ",
        "{}",
        "{\"idFrontUploadId\": 42}",
        &format!("{{\"idFrontUploadId\": \"{FRONT_UPLOAD_ID}\", \"skipFaceMatch\": true}}"),
    ];
    for body in cases {
        let setup = Setup::ready();

        let answer = call(
            &setup.state,
            Function::VerifyIdentity,
            ApiRequest::post(VERIFICATIONS)
                .app(APP_ID)
                .body("application/json", body),
        )
        .await;

        assert_eq!(
            answer.problem(400)["type"],
            "https://lendverify.dev/problems/malformed-json",
            "{body}"
        );
        assert_eq!(setup.query.num_calls(), 0, "parsed before reading: {body}");
        setup.assert_untouched();
    }
}

#[tokio::test]
async fn a_non_json_request_is_415() {
    let setup = Setup::ready();

    let answer = call(
        &setup.state,
        Function::VerifyIdentity,
        ApiRequest::post(VERIFICATIONS)
            .app(APP_ID)
            .body("text/plain", &format!("idFrontUploadId={FRONT_UPLOAD_ID}")),
    )
    .await;

    answer.problem(415);
    assert_eq!(setup.query.num_calls(), 0);
    setup.assert_untouched();
}

#[tokio::test]
async fn a_foreign_application_is_404() {
    let mut items = vec![item(&application(STRANGER))];
    items.push(item(&liveness(LivenessStatus::Passed)));
    items.push(item(&upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront)));
    let setup = Setup::new(
        query_application(items),
        analyze_id(jane_doe_license("01/31/2030"), 1),
        compare_faces(99.5),
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await;

    assert_eq!(
        answer.problem(404)["detail"],
        "The application does not exist."
    );
    assert_eq!(setup.head_calls(), 0);
    setup.assert_untouched();
}

#[tokio::test]
async fn without_authorizer_claims_is_401() {
    let setup = Setup::ready();

    let answer = call(
        &setup.state,
        Function::VerifyIdentity,
        ApiRequest::post(VERIFICATIONS)
            .app(APP_ID)
            .anonymous()
            .json(json!({ "idFrontUploadId": FRONT_UPLOAD_ID })),
    )
    .await;

    answer.problem(401);
    assert_eq!(setup.query.num_calls(), 0);
    setup.assert_untouched();
}

#[tokio::test]
async fn answers_503_when_textract_throttles_past_the_retries() {
    let analyze = mock!(aws_sdk_textract::Client::analyze_id)
        .then_error(|| AnalyzeIDError::ThrottlingException(textract_throttle()));
    let setup = Setup::new(ready_application(), analyze, compare_faces(99.5));

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await;

    answer.unavailable();
    assert_eq!(setup.analyze.num_calls(), 3);
    setup.assert_only_the_attempt();
}

#[tokio::test]
async fn answers_503_when_rekognition_throttles_past_the_retries() {
    let compare = mock!(aws_sdk_rekognition::Client::compare_faces)
        .then_error(|| CompareFacesError::ThrottlingException(rekognition_throttle()));
    let setup = Setup::new(
        ready_application(),
        analyze_id(jane_doe_license("01/31/2030"), 1),
        compare,
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await;

    answer.unavailable();
    assert_eq!(setup.compare.num_calls(), 3);
    setup.assert_only_the_attempt();
}

#[tokio::test]
async fn is_only_served_by_its_own_function() {
    let setup = Setup::ready();

    let answer = call(
        &setup.state,
        Function::StartLendingAnalysis,
        ApiRequest::post(VERIFICATIONS)
            .app(APP_ID)
            .json(json!({ "idFrontUploadId": FRONT_UPLOAD_ID })),
    )
    .await;

    answer.problem(404);
    assert_eq!(setup.query.num_calls(), 0);
    setup.assert_untouched();
}

/// The ready application, with the front declared as `image/png` (the case).
fn application_with_png_front() -> Rule {
    owned_application_with(vec![
        item(&liveness(LivenessStatus::Passed)),
        item(&UploadItem {
            content_type: "image/png".into(),
            ..upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront)
        }),
        item(&upload(BACK_UPLOAD_ID, UploadPurpose::IdBack)),
    ])
}

/// The one write a rejected upload makes: its own item, marked, only if it still exists.
#[track_caller]
fn assert_marked_rejected(setup: &Setup, uploads: &[&str], problem: &str) {
    let puts = setup.writes.puts.lock().unwrap();
    let puts: Vec<_> = puts
        .iter()
        .filter(|p| {
            !p.item()
                .and_then(|i| i.get("sk"))
                .and_then(|v| v.as_s().ok())
                .is_some_and(|sk| sk.starts_with(ATTEMPT_PREFIX))
        })
        .collect();
    let marked: Vec<UploadItem> = puts.iter().map(|p| from_item(p.item().unwrap())).collect();
    assert_eq!(
        marked
            .iter()
            .map(|u| u.upload_id.as_str())
            .collect::<Vec<_>>(),
        uploads,
        "exactly the rejected uploads are written, nothing else"
    );
    for (put, upload) in puts.iter().zip(&marked) {
        assert_eq!(put.condition_expression(), Some("attribute_exists(pk)"));
        let rejection = upload.rejected.as_ref().expect("marked rejected");
        assert_eq!(
            serde_json::to_value(rejection.problem).unwrap(),
            json!(problem)
        );
        assert_eq!(rejection.rejected_at, NOW);
    }
    assert_eq!(setup.writes.transact.num_calls(), 0);
}

#[tokio::test]
async fn a_non_image_behind_image_png_is_422_naming_the_front_and_analyses_nothing() {
    let setup = Setup::with_heads(
        application_with_png_front(),
        vec![upload_with(&upload_key(FRONT_UPLOAD_ID), EXE_HEAD)],
        analyze_id(jane_doe_license("01/31/2030"), 1),
        compare_faces(99.5),
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await;

    let problem = answer.field_error("idFrontUploadId");
    assert_eq!(
        problem["type"],
        "https://lendverify.dev/problems/upload-content-mismatch"
    );
    assert_eq!(
        problem["errors"][0]["message"],
        "the file is not a PNG or JPEG image (declared as image/png)"
    );
    assert_eq!(problem["errors"].as_array().unwrap().len(), 1);
    assert_eq!(setup.analyze.num_calls(), 0, "AnalyzeID was called");
    assert_eq!(setup.compare.num_calls(), 0, "CompareFaces was called");
    assert_marked_rejected(&setup, &[FRONT_UPLOAD_ID], "CONTENT_MISMATCH");
}

#[tokio::test]
async fn a_non_image_back_is_422_naming_the_back() {
    let setup = Setup::with_heads(
        ready_application(),
        vec![
            upload_arrived(&upload_key(FRONT_UPLOAD_ID)),
            upload_with(&upload_key(BACK_UPLOAD_ID), PDF_HEAD),
        ],
        analyze_id(jane_doe_license("01/31/2030"), 2),
        compare_faces(99.5),
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID, "idBackUploadId": BACK_UPLOAD_ID }))
        .await;

    let problem = answer.field_error("idBackUploadId");
    assert_eq!(
        problem["type"],
        "https://lendverify.dev/problems/upload-content-mismatch"
    );
    assert_eq!(setup.analyze.num_calls() + setup.compare.num_calls(), 0);
    assert_marked_rejected(&setup, &[BACK_UPLOAD_ID], "CONTENT_MISMATCH");
}

#[tokio::test]
async fn a_rejected_upload_answers_its_422_again_without_reading_anything() {
    let rejected = UploadItem {
        rejected: Some(UploadRejection {
            problem: lendverify_core::UploadProblem::ContentMismatch,
            message: "the file is not a PNG or JPEG image (declared as image/png)".into(),
            rejected_at: "2026-11-27T11:50:00Z".into(),
        }),
        ..upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront)
    };
    let setup = Setup::new(
        owned_application_with(vec![
            item(&liveness(LivenessStatus::Passed)),
            item(&rejected),
        ]),
        analyze_id(jane_doe_license("01/31/2030"), 1),
        compare_faces(99.5),
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await;

    let problem = answer.field_error("idFrontUploadId");
    assert_eq!(
        problem["type"],
        "https://lendverify.dev/problems/upload-content-mismatch"
    );
    assert_eq!(setup.head_calls(), 0, "S3 was read");
    setup.assert_untouched();
}

/// Answers `code` on the wire for every call of AnalyzeID (or CompareFaces).
fn failing(op: Op, code: &'static str) -> Rule {
    match op {
        Op::AnalyzeId => mock!(aws_sdk_textract::Client::analyze_id)
            .then_http_response(move || wire_error(Service::Textract, code)),
        Op::CompareFaces => mock!(aws_sdk_rekognition::Client::compare_faces)
            .then_http_response(move || wire_error(Service::Rekognition, code)),
        other => unreachable!("{other:?}"),
    }
}

/// Every row of the error table for AnalyzeID and CompareFaces, on this route: the documented
/// answer, and only the documented writes.
#[tokio::test]
async fn every_error_of_analyze_id_and_compare_faces_has_its_documented_answer() {
    for op in [Op::AnalyzeId, Op::CompareFaces] {
        for row in rows_of(op) {
            for with_back in [false, true] {
                let (analyze, compare) = match op {
                    Op::AnalyzeId => (failing(op, row.code), compare_faces(99.5)),
                    _ => (
                        analyze_id(jane_doe_license("01/31/2030"), 1 + usize::from(with_back)),
                        failing(op, row.code),
                    ),
                };
                let setup = Setup::new(ready_application(), analyze, compare);
                let mut body = json!({ "idFrontUploadId": FRONT_UPLOAD_ID });
                if with_back {
                    body["idBackUploadId"] = json!(BACK_UPLOAD_ID);
                }
                let answer = setup.verify(body).await;
                let case = format!("{} {} (back: {with_back})", op.name(), row.code);
                match row.answer {
                    Documented::Transient => {
                        answer.unavailable();
                        setup.assert_only_the_attempt();
                    }
                    Documented::Ours => {
                        let problem = answer.problem(500);
                        assert_eq!(problem["detail"], "An unexpected error occurred.", "{case}");
                        setup.assert_only_the_attempt();
                    }
                    Documented::Upload(problem) => {
                        let body = answer.field_error("idFrontUploadId");
                        assert_eq!(
                            body["type"],
                            format!("https://lendverify.dev/problems/{}", problem.slug()),
                            "{case}"
                        );
                        // AnalyzeID reads both pages and does not say which one it could not
                        // read; CompareFaces reads only the front.
                        let expected: &[&str] = if op == Op::AnalyzeId && with_back {
                            &[FRONT_UPLOAD_ID, BACK_UPLOAD_ID]
                        } else {
                            &[FRONT_UPLOAD_ID]
                        };
                        assert_eq!(
                            body["errors"].as_array().unwrap().len(),
                            expected.len(),
                            "{case}"
                        );
                        let slug = serde_json::to_value(problem).unwrap();
                        assert_marked_rejected(&setup, expected, slug.as_str().unwrap());
                    }
                    Documented::Outcome => {
                        let body = answer.ok(200);
                        assert_eq!(body["decision"], "REJECTED", "{case}");
                        let (stored, _): (VerificationItem, _) =
                            verification_put(&setup.writes.puts);
                        assert_eq!(stored.similarity, None, "{case}");
                    }
                    other => panic!("{case}: no documented answer {other:?} on this route"),
                }
            }
        }
    }
}

#[tokio::test]
async fn an_unusable_upload_decides_the_answer_over_a_throttle_beside_it() {
    let setup = Setup::new(
        ready_application(),
        failing(Op::AnalyzeId, "ThrottlingException"),
        failing(Op::CompareFaces, "InvalidImageFormatException"),
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await;

    let problem = answer.field_error("idFrontUploadId");
    assert_eq!(
        problem["type"],
        "https://lendverify.dev/problems/upload-unreadable"
    );
    assert_marked_rejected(&setup, &[FRONT_UPLOAD_ID], "UNREADABLE");
}

#[tokio::test]
async fn our_error_is_answered_over_a_throttle_beside_it() {
    let setup = Setup::new(
        ready_application(),
        failing(Op::AnalyzeId, "ThrottlingException"),
        failing(Op::CompareFaces, "AccessDeniedException"),
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await;

    answer.problem(500);
    setup.assert_only_the_attempt();
}

/// The verification id of submitting `front` (and `back`) against the passed liveness session.
fn attempt_id(front: &str, back: Option<&str>) -> String {
    VerificationAttempt {
        liveness: &liveness(LivenessStatus::Passed),
        id_front_upload_id: front,
        id_back_upload_id: back,
    }
    .verification_id()
}

/// A decision another submission of the front-only attempt stored: rejected, so it cannot be
/// mistaken for the approval this test's own analysis would reach.
fn stored_rejection() -> VerificationItem {
    let mut stored = verification(Decision::Rejected, vec![ReasonCode::FaceMismatch]);
    stored.verification_id = attempt_id(FRONT_UPLOAD_ID, None);
    stored.sk = verification_sk(&stored.verification_id);
    stored
}

/// The PutItem of a submission that lost the race: the attempt's decision exists, and DynamoDB
/// returns it with the failure, as asked (`ReturnValuesOnConditionCheckFailure`).
/// The submission that loses the race to write the attempt's decision answers what the winner
/// stored: the same 200 and body as the first answer, not its own decision and not a 5xx.
#[tokio::test]
async fn a_racing_submission_answers_the_decision_stored_first() {
    let stored = stored_rejection();
    let query = ready_application();
    let lost_race = change_cancelled("ConditionalCheckFailed");
    let winner = get_item(
        &application_pk(APP_ID),
        &verification_sk(&stored.verification_id),
        Some(item(&stored)),
    );
    let (analyze, compare) = (
        analyze_id(jane_doe_license("01/31/2030"), 1),
        compare_faces(99.5),
    );
    let head = upload_arrived(&upload_key(FRONT_UPLOAD_ID));
    let (attempt_put, _) = put_item_ok();
    let state = Mocks::new()
        .dynamodb(&query)
        .audit_rule(&lost_race)
        .dynamodb(&winner)
        .dynamodb(&attempt_put)
        .textract(&analyze)
        .rekognition(&compare)
        .s3(&head)
        .state();

    let answer = call(
        &state,
        Function::VerifyIdentity,
        ApiRequest::post(VERIFICATIONS)
            .app(APP_ID)
            .json(json!({ "idFrontUploadId": FRONT_UPLOAD_ID })),
    )
    .await;

    assert_eq!(lost_race.num_calls(), 1, "a refused change is not retried");
    assert_eq!(winner.num_calls(), 1);
    assert_eq!(
        answer.ok(200),
        lendverify_functions::identity::view(&stored),
        "the first decision's answer, not this request's approval"
    );
}

#[tokio::test]
async fn the_decision_is_written_only_if_its_attempt_has_none_under_its_derived_id() {
    let setup = Setup::ready();

    let body = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID }))
        .await
        .ok(200);

    let expected_id = attempt_id(FRONT_UPLOAD_ID, None);
    assert_eq!(body["verificationId"], expected_id.as_str());
    let (stored, input): (VerificationItem, _) = verification_put(&setup.writes.puts);
    assert_eq!(stored.sk, verification_sk(&expected_id));
    assert_eq!(
        input.condition_expression(),
        Some("attribute_not_exists(pk)")
    );
    // The decision and its audit event are one transaction (the ATTEMPT item is written before
    // the analysis, on its own).
    assert_eq!(setup.audit.transactions(), 1);
    assert_eq!(setup.audit.kinds(), ["identity.decided"]);
    let messages = setup.published.messages();
    assert_eq!(messages.len(), 1, "an APPROVED decision is published");
    assert_eq!(messages[0]["data"]["verificationId"], expected_id.as_str());
}

/// A submission repeated after its decision (a retry after a lost response) is answered from
/// the table: nothing is analysed or written again.
#[tokio::test]
async fn a_repeated_submission_answers_the_stored_decision_without_analysing() {
    let stored = stored_rejection();
    let setup = Setup::new(
        owned_application_with(vec![
            item(&liveness(LivenessStatus::Passed)),
            item(&upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront)),
            item(&stored),
        ]),
        analyze_id(jane_doe_license("01/31/2030"), 1),
        compare_faces(99.5),
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID.to_ascii_uppercase() }))
        .await;

    assert_eq!(
        answer.ok(200),
        lendverify_functions::identity::view(&stored)
    );
    setup.assert_untouched();
    assert_eq!(setup.head_calls(), 0);
    // Its lenders' event again, at the decision's time (the first publication may have failed):
    // the same id, so the dispatcher delivers it once.
    let messages = setup.published.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["type"], "identity.decided");
    assert_eq!(messages[0]["occurredAt"], json!(stored.created_at));
    assert_eq!(messages[0]["data"]["decision"], "REJECTED");
}

/// Other uploads after a REJECTED decision are another attempt, but the decision is final: 409
/// `decision-final` naming the state, and nothing is analysed or written.
#[tokio::test]
async fn other_uploads_after_a_rejection_are_409_decision_final() {
    let stored = stored_rejection();
    let setup = Setup::new(
        owned_application_with(vec![
            item(&liveness(LivenessStatus::Passed)),
            item(&upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront)),
            item(&upload(BACK_UPLOAD_ID, UploadPurpose::IdBack)),
            item(&stored),
        ]),
        analyze_id(jane_doe_license("01/31/2030"), 2),
        compare_faces(99.5),
    );

    let answer = setup
        .verify(json!({ "idFrontUploadId": FRONT_UPLOAD_ID, "idBackUploadId": BACK_UPLOAD_ID }))
        .await;

    let problem = answer.problem(409);
    assert_eq!(
        problem["type"],
        "https://lendverify.dev/problems/decision-final"
    );
    assert!(problem["detail"].as_str().unwrap().contains("REJECTED"));
    setup.assert_untouched();
}
