//! `start-lending-analysis` and `get-lending-analysis-results`.

mod support;

use aws_sdk_textract::operation::start_lending_analysis::{
    StartLendingAnalysisError, StartLendingAnalysisOutput,
};
use aws_smithy_mocks::{mock, Rule};
use lendverify_aws::error::table::{rows_of, Answer as Documented, Op, Service};
use lendverify_aws::records::*;
use lendverify_core::identity::Decision;
use lendverify_core::lending::{DocumentGroup, DocumentStatus, ExtractedData, Field, W2};
use lendverify_core::printed::Amount;
use lendverify_core::uploads::UploadPurpose;
use lendverify_functions::routes::Function;
use lendverify_functions::AppState;
use serde_json::{json, Value};
use support::*;

const DOCUMENTS: &str = "/applications/{applicationId}/documents";
const DOCUMENT: &str = "/applications/{applicationId}/documents/{documentId}";

/// The id `start` derives from the package's upload id (UUID v5), so a retried start finds the
/// document it already created.
fn derived_document_id() -> String {
    let namespace = uuid::uuid!("6f1c2a4e-1d0b-4b8e-9a57-3c1d2e4f5a60");
    uuid::Uuid::new_v5(&namespace, PACKAGE_UPLOAD_ID.as_bytes()).to_string()
}

fn start_ok() -> Rule {
    let document_id = derived_document_id();
    mock!(aws_sdk_textract::Client::start_lending_analysis)
        .match_requests(move |r| {
            let object = r.document_location().and_then(|l| l.s3_object());
            let channel = r.notification_channel();
            let output = r.output_config();
            object.and_then(|o| o.bucket()) == Some(UPLOADS_BUCKET)
                && object.and_then(|o| o.name()) == Some(upload_key(PACKAGE_UPLOAD_ID).as_str())
                && r.client_request_token() == Some(document_id.as_str())
                && r.job_tag() == Some(APP_ID)
                && channel.map(|c| c.sns_topic_arn()) == Some(TOPIC_ARN)
                && channel.map(|c| c.role_arn()) == Some(PUBLISH_ROLE_ARN)
                && output.map(|o| o.s3_bucket()) == Some(OUTPUT_BUCKET)
                && output.and_then(|o| o.s3_prefix())
                    == Some(format!("applications/{APP_ID}/textract/{document_id}").as_str())
                && r.kms_key_id() == Some(KMS_KEY_ARN)
        })
        .then_output(|| StartLendingAnalysisOutput::builder().job_id(JOB_ID).build())
}

struct Setup {
    query: Rule,
    head: Rule,
    start: Rule,
    writes: Writes,
    state: AppState,
}

impl Setup {
    fn new(query: Rule, head: Rule, start: Rule) -> Self {
        let writes = Writes::new();
        let state = writes
            .add_to(Mocks::new().dynamodb(&query))
            .s3(&head)
            .textract(&start)
            .state();
        Self {
            query,
            head,
            start,
            writes,
            state,
        }
    }

    fn with_items(items: Vec<Item>) -> Self {
        Self::new(
            owned_application_with(items),
            upload_arrived(&upload_key(PACKAGE_UPLOAD_ID)),
            start_ok(),
        )
    }

    fn ready() -> Self {
        Self::with_items(vec![
            item(&upload(PACKAGE_UPLOAD_ID, UploadPurpose::LendingPackage)),
            item(&upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront)),
        ])
    }

    async fn start(&self, body: Value) -> Answer {
        call(
            &self.state,
            Function::StartLendingAnalysis,
            ApiRequest::post(DOCUMENTS).app(APP_ID).json(body),
        )
        .await
    }

    #[track_caller]
    fn assert_untouched(&self) {
        assert_eq!(self.start.num_calls(), 0, "StartLendingAnalysis was called");
        self.writes.assert_none();
    }
}

#[tokio::test]
async fn start_starts_one_job_and_records_the_document() {
    let setup = Setup::ready();

    let answer = setup.start(json!({ "uploadId": PACKAGE_UPLOAD_ID })).await;

    let body = answer.ok(202);
    let document_id = derived_document_id();
    assert_eq!(
        body,
        json!({ "documentId": document_id, "status": "IN_PROGRESS" })
    );
    assert_eq!(setup.head.num_calls(), 1);
    assert_eq!(setup.start.num_calls(), 1);
    let (stored, input): (DocumentItem, _) = only_put(&setup.writes.puts);
    assert_eq!(
        stored,
        DocumentItem {
            pk: application_pk(APP_ID),
            sk: format!("DOC#{document_id}"),
            application_id: APP_ID.into(),
            document_id: document_id.clone(),
            upload_id: PACKAGE_UPLOAD_ID.into(),
            textract_job_id: JOB_ID.into(),
            status: DocumentStatus::InProgress,
            created_at: NOW.into(),
            completed_at: None,
            status_message: None,
            document_groups: vec![],
            page_classes: vec![],
            extracted: None,
            upload_version: None,
        }
    );
    assert_eq!(
        input.condition_expression(),
        Some("attribute_not_exists(pk)")
    );
    // The job-index GSI is keyed on this attribute.
    assert_eq!(
        input.item().unwrap()["textractJobId"].as_s().unwrap(),
        JOB_ID
    );
}

#[tokio::test]
async fn start_again_for_the_same_upload_answers_the_existing_document() {
    let mut existing = document(&derived_document_id(), DocumentStatus::Succeeded);
    existing.upload_id = PACKAGE_UPLOAD_ID.into();
    let setup = Setup::with_items(vec![
        item(&upload(PACKAGE_UPLOAD_ID, UploadPurpose::LendingPackage)),
        item(&existing),
    ]);

    let answer = setup.start(json!({ "uploadId": PACKAGE_UPLOAD_ID })).await;

    assert_eq!(
        answer.ok(202),
        json!({ "documentId": derived_document_id(), "status": "SUCCEEDED" })
    );
    setup.assert_untouched();
}

#[tokio::test]
async fn start_racing_a_retry_of_itself_still_answers_202() {
    let put = put_item_condition_failed();
    let query = owned_application_with(vec![item(&upload(
        PACKAGE_UPLOAD_ID,
        UploadPurpose::LendingPackage,
    ))]);
    let head = upload_arrived(&upload_key(PACKAGE_UPLOAD_ID));
    let start = start_ok();
    let state = Mocks::new()
        .dynamodb(&query)
        .dynamodb(&put)
        .s3(&head)
        .textract(&start)
        .state();

    let answer = call(
        &state,
        Function::StartLendingAnalysis,
        ApiRequest::post(DOCUMENTS)
            .app(APP_ID)
            .json(json!({ "uploadId": PACKAGE_UPLOAD_ID })),
    )
    .await;

    assert_eq!(answer.ok(202)["documentId"], derived_document_id());
    assert_eq!(put.num_calls(), 1);
}

#[tokio::test]
async fn start_with_an_id_image_is_422_naming_upload_id() {
    let setup = Setup::new(
        owned_application_with(vec![item(&upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront))]),
        upload_arrived(&upload_key(FRONT_UPLOAD_ID)),
        start_ok(),
    );

    let answer = setup.start(json!({ "uploadId": FRONT_UPLOAD_ID })).await;

    answer.field_error("uploadId");
    setup.assert_untouched();
}

#[tokio::test]
async fn start_with_invalid_upload_ids_is_422_naming_upload_id() {
    for body in [
        json!({}),
        json!({ "uploadId": "package.pdf" }),
        json!({ "uploadId": "9f9f9f9f-8e8e-4d7d-9c6c-b5b5b5b5b5b5" }),
    ] {
        let setup = Setup::ready();

        let answer = setup.start(body.clone()).await;

        assert_eq!(answer.status, 422, "{body}");
        answer.field_error("uploadId");
        setup.assert_untouched();
    }
}

#[tokio::test]
async fn start_with_malformed_json_is_400() {
    for body in [
        "{\"uploadId\":",
        "[]",
        "{\"uploadId\": null, \"priority\": 1}",
    ] {
        let setup = Setup::ready();

        let answer = call(
            &setup.state,
            Function::StartLendingAnalysis,
            ApiRequest::post(DOCUMENTS)
                .app(APP_ID)
                .body("application/json", body),
        )
        .await;

        answer.problem(400);
        assert_eq!(setup.query.num_calls(), 0, "{body}");
        setup.assert_untouched();
    }
}

#[tokio::test]
async fn start_with_a_non_json_request_is_415() {
    let setup = Setup::ready();

    let answer = call(
        &setup.state,
        Function::StartLendingAnalysis,
        ApiRequest::post(DOCUMENTS)
            .app(APP_ID)
            .body("application/pdf", "%PDF-1.7"),
    )
    .await;

    answer.problem(415);
    assert_eq!(setup.query.num_calls(), 0);
    setup.assert_untouched();
}

#[tokio::test]
async fn start_before_the_package_arrived_is_409() {
    let setup = Setup::new(
        owned_application_with(vec![item(&upload(
            PACKAGE_UPLOAD_ID,
            UploadPurpose::LendingPackage,
        ))]),
        upload_missing(&upload_key(PACKAGE_UPLOAD_ID)),
        start_ok(),
    );

    let answer = setup.start(json!({ "uploadId": PACKAGE_UPLOAD_ID })).await;

    let problem = answer.problem(409);
    assert_eq!(
        problem["type"],
        "https://lendverify.dev/problems/upload-not-received"
    );
    assert_eq!(problem["errors"][0]["field"], "uploadId");
    setup.assert_untouched();
}

#[tokio::test]
async fn start_in_a_foreign_application_is_404() {
    let setup = Setup::new(
        query_application(vec![
            item(&application(STRANGER)),
            item(&upload(PACKAGE_UPLOAD_ID, UploadPurpose::LendingPackage)),
        ]),
        upload_arrived(&upload_key(PACKAGE_UPLOAD_ID)),
        start_ok(),
    );

    let answer = setup.start(json!({ "uploadId": PACKAGE_UPLOAD_ID })).await;

    assert_eq!(
        answer.problem(404)["detail"],
        "The application does not exist."
    );
    assert_eq!(setup.head.num_calls(), 0);
    setup.assert_untouched();
}

#[tokio::test]
async fn start_without_authorizer_claims_is_401() {
    let setup = Setup::ready();

    let answer = call(
        &setup.state,
        Function::StartLendingAnalysis,
        ApiRequest::post(DOCUMENTS)
            .app(APP_ID)
            .anonymous()
            .json(json!({ "uploadId": PACKAGE_UPLOAD_ID })),
    )
    .await;

    answer.problem(401);
    assert_eq!(setup.query.num_calls(), 0);
    setup.assert_untouched();
}

#[tokio::test]
async fn start_answers_503_when_textract_throttles_past_the_retries() {
    let start = mock!(aws_sdk_textract::Client::start_lending_analysis)
        .then_error(|| StartLendingAnalysisError::ThrottlingException(textract_throttle()));
    let setup = Setup::new(
        owned_application_with(vec![item(&upload(
            PACKAGE_UPLOAD_ID,
            UploadPurpose::LendingPackage,
        ))]),
        upload_arrived(&upload_key(PACKAGE_UPLOAD_ID)),
        start,
    );

    let answer = setup.start(json!({ "uploadId": PACKAGE_UPLOAD_ID })).await;

    answer.unavailable();
    assert_eq!(setup.start.num_calls(), 3);
    setup.writes.assert_none();
}

fn group(doc_type: &str, pages: Vec<u32>) -> DocumentGroup {
    DocumentGroup {
        doc_type: doc_type.into(),
        pages,
        signatures_found: vec![],
        signatures_missing: vec![],
    }
}

fn analysed(borrower: &str) -> DocumentItem {
    let mut done = document(DOCUMENT_ID, DocumentStatus::Succeeded);
    done.completed_at = Some("2026-11-27T11:45:00Z".into());
    done.document_groups = vec![
        group("1003", vec![1, 2]),
        group("W_2", vec![3]),
        group("BANK_STATEMENT", vec![4]),
    ];
    let read = |text: &str, amount: Option<Amount>| Field {
        text: text.into(),
        confidence: 98.0,
        amount,
        date: None,
        low_confidence: false,
    };
    done.extracted = Some(ExtractedData {
        w2: vec![W2 {
            page: 3,
            employee_name: Some(read(borrower, None)),
            form_year: Some(read("2025", None)),
            wages: Some(read(
                "$52,000.00",
                Some(Amount {
                    value: "52000.00".into(),
                    currency: Some("USD".into()),
                }),
            )),
        }],
        payslips: vec![],
        bank_statements: vec![],
    });
    done
}

async fn get(state: &AppState, document_id: &str) -> Answer {
    call(
        state,
        Function::GetLendingAnalysisResults,
        ApiRequest::get(DOCUMENT)
            .app(APP_ID)
            .param("documentId", document_id),
    )
    .await
}

#[tokio::test]
async fn get_answers_the_analysis_with_checklist_and_flags() {
    let query = owned_application_with(vec![
        item(&analysed("Jane Doe")),
        item(&verification(Decision::Approved, vec![])),
    ]);
    let state = Mocks::new().dynamodb(&query).state();

    let answer = get(&state, DOCUMENT_ID).await;

    let body = answer.ok(200);
    assert_eq!(body["documentId"], DOCUMENT_ID);
    assert_eq!(body["status"], "SUCCEEDED");
    assert_eq!(body["statusMessage"], Value::Null);
    assert_eq!(
        body["documentGroups"][0],
        json!({ "type": "1003", "pages": [1, 2], "signaturesFound": [], "signaturesMissing": [] })
    );
    assert_eq!(
        body["extracted"]["w2"][0]["employeeName"]["text"],
        "Jane Doe"
    );
    assert_eq!(
        body["extracted"]["w2"][0]["wages"]["amount"],
        json!({ "value": "52000.00", "currency": "USD" })
    );
    assert_eq!(
        body["missingRequired"],
        json!([]),
        "an approved verification satisfies IDENTITY_DOCUMENT"
    );
    assert_eq!(body["flags"], json!([]));
    assert_eq!(query.num_calls(), 1);
}

#[tokio::test]
async fn get_flags_a_borrower_who_is_not_the_verified_applicant() {
    let query = owned_application_with(vec![
        item(&analysed("John Smith")),
        item(&verification(Decision::Approved, vec![])),
    ]);
    let state = Mocks::new().dynamodb(&query).state();

    let body = get(&state, DOCUMENT_ID).await.ok(200);

    assert_eq!(body["flags"], json!(["BORROWER_NAME_MISMATCH"]));
}

#[tokio::test]
async fn get_without_an_approved_verification_lists_the_identity_document_as_missing_and_still_compares_names(
) {
    let query = owned_application_with(vec![
        item(&analysed("John Smith")),
        item(&verification(
            Decision::Rejected,
            vec![lendverify_core::identity::ReasonCode::FaceMismatch],
        )),
    ]);
    let state = Mocks::new().dynamodb(&query).state();

    let body = get(&state, DOCUMENT_ID).await.ok(200);

    assert_eq!(body["missingRequired"], json!(["IDENTITY_DOCUMENT"]));
    assert_eq!(
        body["flags"],
        json!(["BORROWER_NAME_MISMATCH"]),
        "the ID's name is known whatever the decision"
    );
}

#[tokio::test]
async fn get_of_a_failed_job_answers_its_status_message() {
    let mut failed = document(DOCUMENT_ID, DocumentStatus::Failed);
    failed.status_message = Some("Textract could not analyse the document".into());
    let query = owned_application_with(vec![item(&failed)]);
    let state = Mocks::new().dynamodb(&query).state();

    let body = get(&state, DOCUMENT_ID).await.ok(200);

    assert_eq!(body["status"], "FAILED");
    assert_eq!(
        body["statusMessage"],
        "Textract could not analyse the document"
    );
    assert_eq!(body["documentGroups"], json!([]));
    assert_eq!(
        body["extracted"],
        json!({ "w2": [], "payslips": [], "bankStatements": [] })
    );
    assert_eq!(
        body["missingRequired"],
        json!([
            "URLA_1003",
            "PROOF_OF_INCOME",
            "BANK_STATEMENT",
            "IDENTITY_DOCUMENT"
        ])
    );
}

#[tokio::test]
async fn get_of_an_in_progress_document() {
    let query = owned_application_with(vec![item(&document(
        DOCUMENT_ID,
        DocumentStatus::InProgress,
    ))]);
    let state = Mocks::new().dynamodb(&query).state();

    assert_eq!(
        get(&state, DOCUMENT_ID).await.ok(200)["status"],
        "IN_PROGRESS"
    );
}

#[tokio::test]
async fn get_of_an_unknown_or_malformed_document_is_404() {
    for document_id in ["9f9f9f9f-8e8e-4d7d-9c6c-b5b5b5b5b5b5", "DOC#1"] {
        let query = owned_application_with(vec![item(&analysed("Jane Doe"))]);
        let state = Mocks::new().dynamodb(&query).state();

        let answer = get(&state, document_id).await;

        assert_eq!(
            answer.problem(404)["detail"],
            "The document does not exist."
        );
    }
}

#[tokio::test]
async fn get_in_a_foreign_application_is_404() {
    let query = query_application(vec![
        item(&application(STRANGER)),
        item(&analysed("Jane Doe")),
    ]);
    let state = Mocks::new().dynamodb(&query).state();

    let answer = get(&state, DOCUMENT_ID).await;

    assert_eq!(
        answer.problem(404)["detail"],
        "The application does not exist."
    );
}

#[tokio::test]
async fn get_without_authorizer_claims_is_401() {
    let query = owned_application_with(vec![item(&analysed("Jane Doe"))]);
    let state = Mocks::new().dynamodb(&query).state();

    let answer = call(
        &state,
        Function::GetLendingAnalysisResults,
        ApiRequest::get(DOCUMENT)
            .app(APP_ID)
            .param("documentId", DOCUMENT_ID)
            .anonymous(),
    )
    .await;

    answer.problem(401);
    assert_eq!(query.num_calls(), 0);
}

#[tokio::test]
async fn get_answers_503_when_dynamodb_throttles_past_the_retries() {
    let query = query_throttled();
    let state = Mocks::new().dynamodb(&query).state();

    let answer = get(&state, DOCUMENT_ID).await;

    answer.unavailable();
    assert_eq!(query.num_calls(), 3);
}

#[tokio::test]
async fn each_document_route_is_only_served_by_its_own_function() {
    let setup = Setup::ready();

    let answer = call(
        &setup.state,
        Function::GetLendingAnalysisResults,
        ApiRequest::post(DOCUMENTS)
            .app(APP_ID)
            .json(json!({ "uploadId": PACKAGE_UPLOAD_ID })),
    )
    .await;
    answer.problem(404);

    let answer = call(
        &setup.state,
        Function::StartLendingAnalysis,
        ApiRequest::get(DOCUMENT)
            .app(APP_ID)
            .param("documentId", DOCUMENT_ID),
    )
    .await;
    answer.problem(404);

    assert_eq!(setup.query.num_calls(), 0);
    setup.assert_untouched();
}

fn package_only() -> Rule {
    owned_application_with(vec![item(&upload(
        PACKAGE_UPLOAD_ID,
        UploadPurpose::LendingPackage,
    ))])
}

/// The one write a rejected package makes: its own upload item, marked.
#[track_caller]
fn assert_package_marked(setup: &Setup, problem: &str) {
    let (stored, input): (UploadItem, _) = only_put(&setup.writes.puts);
    assert_eq!(stored.upload_id, PACKAGE_UPLOAD_ID);
    assert_eq!(input.condition_expression(), Some("attribute_exists(pk)"));
    let rejection = stored.rejected.expect("marked rejected");
    assert_eq!(
        serde_json::to_value(rejection.problem).unwrap(),
        json!(problem)
    );
    assert_eq!(setup.writes.transact.num_calls(), 0);
}

#[tokio::test]
async fn start_with_a_non_pdf_behind_application_pdf_is_422_before_textract() {
    for head in [JPEG_HEAD, EXE_HEAD, b"this is not a PDF".as_slice()] {
        let setup = Setup::new(
            package_only(),
            upload_with(&upload_key(PACKAGE_UPLOAD_ID), head),
            start_ok(),
        );

        let answer = setup.start(json!({ "uploadId": PACKAGE_UPLOAD_ID })).await;

        let problem = answer.field_error("uploadId");
        assert_eq!(
            problem["type"],
            "https://lendverify.dev/problems/upload-content-mismatch"
        );
        assert_eq!(
            problem["errors"][0]["message"],
            "the file is not a PDF file (declared as application/pdf)"
        );
        assert_eq!(
            setup.start.num_calls(),
            0,
            "StartLendingAnalysis was called"
        );
        assert_package_marked(&setup, "CONTENT_MISMATCH");
    }
}

#[tokio::test]
async fn start_with_an_empty_package_is_422() {
    let empty = mock!(aws_sdk_s3::Client::get_object)
        .then_http_response(|| wire_error(Service::S3, "InvalidRange"));
    let setup = Setup::new(package_only(), empty, start_ok());

    let answer = setup.start(json!({ "uploadId": PACKAGE_UPLOAD_ID })).await;

    let problem = answer.field_error("uploadId");
    assert!(problem["errors"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("the file is empty"));
    assert_eq!(setup.start.num_calls(), 0);
    assert_package_marked(&setup, "CONTENT_MISMATCH");
}

/// Every row of the error table for StartLendingAnalysis and the ranged GetObject, on this
/// route: the documented answer, and only the documented writes.
#[tokio::test]
async fn every_error_of_start_lending_analysis_and_get_object_has_its_documented_answer() {
    for op in [Op::StartLendingAnalysis, Op::GetObject] {
        for row in rows_of(op) {
            let code = row.code;
            let (head, start) = match op {
                Op::GetObject => (
                    mock!(aws_sdk_s3::Client::get_object)
                        .then_http_response(move || wire_error(Service::S3, code)),
                    start_ok(),
                ),
                _ => (
                    upload_arrived(&upload_key(PACKAGE_UPLOAD_ID)),
                    mock!(aws_sdk_textract::Client::start_lending_analysis)
                        .then_http_response(move || wire_error(Service::Textract, code)),
                ),
            };
            let setup = Setup::new(package_only(), head, start);
            let answer = setup.start(json!({ "uploadId": PACKAGE_UPLOAD_ID })).await;
            let case = format!("{} {code}", op.name());
            match row.answer {
                Documented::Transient => {
                    answer.unavailable();
                    setup.writes.assert_none();
                }
                Documented::Ours => {
                    answer.problem(500);
                    setup.writes.assert_none();
                }
                Documented::Missing => {
                    let problem = answer.problem(409);
                    assert_eq!(
                        problem["type"], "https://lendverify.dev/problems/upload-not-received",
                        "{case}"
                    );
                    setup.assert_untouched();
                }
                Documented::Upload(problem) => {
                    let body = answer.field_error("uploadId");
                    assert_eq!(
                        body["type"],
                        format!("https://lendverify.dev/problems/{}", problem.slug()),
                        "{case}"
                    );
                    let slug = serde_json::to_value(problem).unwrap();
                    assert_package_marked(&setup, slug.as_str().unwrap());
                }
                other => panic!("{case}: no documented answer {other:?} on this route"),
            }
            if op == Op::GetObject {
                assert_eq!(setup.start.num_calls(), 0, "{case}: Textract was called");
            }
        }
    }
}
