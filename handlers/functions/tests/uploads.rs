//! `create-upload-url`: validation before anything is read or signed, and a presigned PUT that
//! binds the declared content type and length.

mod support;

use aws_sdk_s3::operation::put_object::PutObjectOutput;
use aws_smithy_mocks::{mock, Rule};
use lendverify_aws::records::*;
use lendverify_core::uploads::UploadPurpose;
use lendverify_functions::routes::Function;
use serde_json::{json, Value};
use support::*;

const UPLOADS: &str = "/applications/{applicationId}/uploads";

/// Presigning runs the request pipeline up to (not including) transmission, so the mock
/// interceptor sees the `PutObject` and needs a rule for it; nothing is ever sent.
fn presign_rule() -> Rule {
    mock!(aws_sdk_s3::Client::put_object)
        .match_requests(|r| r.bucket() == Some(UPLOADS_BUCKET))
        .then_output(|| PutObjectOutput::builder().build())
}

struct Setup {
    query: Rule,
    presign: Rule,
    writes: Writes,
    state: lendverify_functions::AppState,
}

fn setup(query: Rule) -> Setup {
    let presign = presign_rule();
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query))
        .s3(&presign)
        .state();
    Setup {
        query,
        presign,
        writes,
        state,
    }
}

async fn request(setup: &Setup, body: Value) -> Answer {
    call(
        &setup.state,
        Function::CreateUploadUrl,
        ApiRequest::post(UPLOADS).app(APP_ID).json(body),
    )
    .await
}

fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

#[tokio::test]
async fn issues_a_presigned_put_that_binds_type_and_length() {
    let setup = setup(owned_application_with(vec![]));

    let answer = request(
        &setup,
        json!({ "purpose": "ID_FRONT", "contentType": "image/jpeg", "contentLength": 2_097_152 }),
    )
    .await;

    let body = answer.ok(201);
    let upload_id = body["uploadId"].as_str().expect("uploadId").to_string();
    assert!(lendverify_core::ids::is_uuid(&upload_id));
    assert_eq!(body["method"], "PUT");
    assert_eq!(body["expiresAt"], "2026-11-27T12:05:00Z");
    assert_eq!(body["headers"]["content-type"], "image/jpeg");
    assert_eq!(body["headers"]["content-length"], "2097152");
    assert_eq!(
        body["headers"]["if-none-match"], "*",
        "single-use: a second PUT to the key is refused"
    );

    let url = body["url"].as_str().expect("url");
    let key = upload_key(&upload_id);
    assert!(
        url.starts_with(&format!(
            "https://{UPLOADS_BUCKET}.s3.us-east-1.amazonaws.com/{key}?"
        )),
        "{url}"
    );
    assert_eq!(query_param(url, "X-Amz-Expires"), Some("300"));
    let signed = query_param(url, "X-Amz-SignedHeaders")
        .expect("X-Amz-SignedHeaders")
        .replace("%3B", ";");
    let signed: Vec<&str> = signed.split(';').collect();
    assert!(signed.contains(&"content-type"), "{signed:?}");
    assert!(signed.contains(&"content-length"), "{signed:?}");
    assert!(query_param(url, "X-Amz-Signature").is_some());

    let (stored, input): (UploadItem, _) = only_put(&setup.writes.puts);
    assert_eq!(
        stored,
        UploadItem {
            pk: application_pk(APP_ID),
            sk: format!("UPLOAD#{upload_id}"),
            application_id: APP_ID.into(),
            upload_id: upload_id.clone(),
            purpose: UploadPurpose::IdFront,
            content_type: "image/jpeg".into(),
            content_length: 2_097_152,
            bucket: UPLOADS_BUCKET.into(),
            key,
            created_at: NOW.into(),
            rejected: None,
        }
    );
    assert_eq!(
        input.condition_expression(),
        Some("attribute_not_exists(pk)")
    );
    assert_eq!(
        setup.presign.num_calls(),
        1,
        "one signing pass, nothing sent"
    );
}

#[tokio::test]
async fn normalizes_the_content_type_before_signing_it() {
    let setup = setup(owned_application_with(vec![]));

    let answer = request(
        &setup,
        json!({ "purpose": "LENDING_PACKAGE", "contentType": " Application/PDF ", "contentLength": 20_971_520 }),
    )
    .await;

    let body = answer.ok(201);
    assert_eq!(body["headers"]["content-type"], "application/pdf");
    let (stored, _): (UploadItem, _) = only_put(&setup.writes.puts);
    assert_eq!(stored.purpose, UploadPurpose::LendingPackage);
    assert_eq!(stored.content_type, "application/pdf");
}

#[tokio::test]
async fn validation_failures_read_sign_and_write_nothing() {
    let cases: Vec<(Value, u16, Option<&str>)> = vec![
        // Over Rekognition's and Textract's 5 MB image limit.
        (
            json!({ "purpose": "ID_FRONT", "contentType": "image/png", "contentLength": 5 * 1024 * 1024 + 1 }),
            413,
            None,
        ),
        // A PDF is no ID image.
        (
            json!({ "purpose": "ID_BACK", "contentType": "application/pdf", "contentLength": 1000 }),
            415,
            None,
        ),
        (
            json!({ "purpose": "SELFIE", "contentType": "image/jpeg", "contentLength": 1000 }),
            422,
            Some("purpose"),
        ),
        (
            json!({ "purpose": "ID_FRONT", "contentType": "image/jpeg", "contentLength": 0 }),
            422,
            Some("contentLength"),
        ),
        (
            json!({ "purpose": "ID_FRONT", "contentType": "", "contentLength": 10 }),
            422,
            Some("contentType"),
        ),
        (
            json!({ "purpose": "ID_FRONT", "contentType": "image/jpeg", "contentLength": -1 }),
            400,
            None,
        ),
        (
            json!({ "purpose": "ID_FRONT", "contentType": "image/jpeg", "contentLength": 10, "bucket": "other" }),
            400,
            None,
        ),
        (json!({ "purpose": "ID_FRONT" }), 400, None),
    ];
    for (body, status, field) in cases {
        let setup = setup(owned_application_with(vec![]));

        let answer = request(&setup, body.clone()).await;

        match field {
            Some(field) => {
                answer.field_error(field);
            }
            None => {
                answer.problem(status);
            }
        }
        assert_eq!(answer.status, status, "{body}");
        assert_eq!(
            setup.query.num_calls(),
            0,
            "validated before reading: {body}"
        );
        assert_eq!(
            setup.presign.num_calls(),
            0,
            "validated before signing: {body}"
        );
        setup.writes.assert_none();
    }
}

#[tokio::test]
async fn malformed_json_is_400() {
    let setup = setup(owned_application_with(vec![]));

    let answer = call(
        &setup.state,
        Function::CreateUploadUrl,
        ApiRequest::post(UPLOADS)
            .app(APP_ID)
            .body("application/json", "{\"purpose\": \"ID_FRONT\","),
    )
    .await;

    assert_eq!(
        answer.problem(400)["type"],
        "https://lendverify.dev/problems/malformed-json"
    );
    assert_eq!(setup.presign.num_calls(), 0);
    setup.writes.assert_none();
}

#[tokio::test]
async fn a_non_json_request_is_415() {
    let setup = setup(owned_application_with(vec![]));

    let answer = call(
        &setup.state,
        Function::CreateUploadUrl,
        ApiRequest::post(UPLOADS).app(APP_ID).body(
            "multipart/form-data; boundary=x",
            "--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n...\r\n--x--",
        ),
    )
    .await;

    answer.problem(415);
    assert_eq!(setup.query.num_calls(), 0);
    assert_eq!(setup.presign.num_calls(), 0);
    setup.writes.assert_none();
}

#[tokio::test]
async fn a_foreign_application_is_404_and_nothing_is_signed() {
    let setup = setup(query_application(vec![item(&application(STRANGER))]));

    let answer = request(
        &setup,
        json!({ "purpose": "ID_FRONT", "contentType": "image/jpeg", "contentLength": 1000 }),
    )
    .await;

    answer.problem(404);
    assert_eq!(setup.query.num_calls(), 1);
    assert_eq!(setup.presign.num_calls(), 0);
    setup.writes.assert_none();
}

#[tokio::test]
async fn an_unknown_application_is_404() {
    let setup = setup(query_application(vec![]));

    let answer = request(
        &setup,
        json!({ "purpose": "ID_FRONT", "contentType": "image/jpeg", "contentLength": 1000 }),
    )
    .await;

    answer.problem(404);
    assert_eq!(setup.presign.num_calls(), 0);
    setup.writes.assert_none();
}

#[tokio::test]
async fn without_authorizer_claims_is_401() {
    let setup = setup(owned_application_with(vec![]));

    let answer = call(
        &setup.state,
        Function::CreateUploadUrl,
        ApiRequest::post(UPLOADS).app(APP_ID).anonymous().json(
            json!({ "purpose": "ID_FRONT", "contentType": "image/jpeg", "contentLength": 1000 }),
        ),
    )
    .await;

    answer.problem(401);
    assert_eq!(setup.query.num_calls(), 0);
    assert_eq!(setup.presign.num_calls(), 0);
    setup.writes.assert_none();
}

#[tokio::test]
async fn answers_503_when_dynamodb_throttles_past_the_retries() {
    let setup = setup(query_throttled());

    let answer = request(
        &setup,
        json!({ "purpose": "ID_FRONT", "contentType": "image/jpeg", "contentLength": 1000 }),
    )
    .await;

    answer.unavailable();
    assert_eq!(setup.query.num_calls(), 3);
    assert_eq!(setup.presign.num_calls(), 0);
    setup.writes.assert_none();
}

#[tokio::test]
async fn is_only_served_by_its_own_function() {
    let setup = setup(owned_application_with(vec![]));

    let answer = call(
        &setup.state,
        Function::VerifyIdentity,
        ApiRequest::post(UPLOADS).app(APP_ID).json(
            json!({ "purpose": "ID_FRONT", "contentType": "image/jpeg", "contentLength": 1000 }),
        ),
    )
    .await;

    answer.problem(404);
    assert_eq!(setup.query.num_calls(), 0);
    setup.writes.assert_none();
}
