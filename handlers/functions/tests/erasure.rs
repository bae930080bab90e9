//! `erase-application` (`DELETE /applications/{applicationId}`) and `sweep-erasures`: the
//! tombstone first, the evidence of a decided application kept, every version and item deleted,
//! the late-write sweep; and the guard every other change carries once the tombstone exists.

mod support;

use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::Client as DynamoDb;
use aws_sdk_s3::types::{DeleteMarkerEntry, ObjectVersion};
use aws_smithy_mocks::{mock, Rule};
use lendverify_aws::records::*;
use lendverify_core::identity::Decision;
use lendverify_core::lending::DocumentStatus;
use lendverify_core::liveness::LivenessStatus;
use lendverify_core::uploads::UploadPurpose;
use lendverify_functions::routes::Function;
use support::*;

const ERASE: Function = Function::EraseApplication;

fn versions(keys: &[(&str, &str)]) -> Vec<ObjectVersion> {
    keys.iter()
        .map(|(key, version)| {
            ObjectVersion::builder()
                .key(*key)
                .version_id(*version)
                .build()
        })
        .collect()
}

fn no_versions() -> Rule {
    mock!(aws_sdk_s3::Client::list_object_versions).then_output(|| {
        aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput::builder().build()
    })
}

fn delete_item_ok() -> Rule {
    mock!(DynamoDb::delete_item).then_output(|| {
        aws_sdk_dynamodb::operation::delete_item::DeleteItemOutput::builder().build()
    })
}

/// The tombstones written, in order (in the transaction with its event, then by PutItem).
fn tombstones(writes: &Writes) -> Vec<ErasureItem> {
    writes
        .puts
        .lock()
        .unwrap()
        .iter()
        .filter(|p| p.item().unwrap()["sk"].as_s().unwrap() == ERASURE_SK)
        .map(|p| serde_dynamo::from_item(p.item().unwrap().clone()).unwrap())
        .collect()
}

fn erase_request() -> ApiRequest {
    ApiRequest::delete("/applications/{applicationId}").app(APP_ID)
}

#[tokio::test]
async fn erasure_writes_its_tombstone_first_then_deletes_every_version_and_item() {
    let prefix = format!("applications/{APP_ID}/");
    let mut app = application(OWNER);
    app.idempotency_key = Some("key-1".into());
    let query = query_application(vec![
        item(&app),
        item(&liveness(LivenessStatus::Passed)),
        item(&upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront)),
    ]);

    // Uploads: two versions and a delete marker; biometrics: one version; Textract output: none.
    // Each bucket is listed again after its delete, and is then empty.
    let front = upload_key(FRONT_UPLOAD_ID);
    let uploads_page = versions(&[(&front, "v1"), (&front, "v2")]);
    let list_uploads = mock!(aws_sdk_s3::Client::list_object_versions)
        .match_requests(|r| r.bucket() == Some(UPLOADS_BUCKET))
        .sequence()
        .output(move || {
            aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput::builder()
                .set_versions(Some(uploads_page.clone()))
                .delete_markers(
                    DeleteMarkerEntry::builder()
                        .key(upload_key(BACK_UPLOAD_ID))
                        .version_id("m1")
                        .build(),
                )
                .build()
        })
        .output(|| {
            aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput::builder().build()
        })
        .build();
    let biometrics_page = versions(&[(REFERENCE_KEY, "r1")]);
    let list_biometrics = mock!(aws_sdk_s3::Client::list_object_versions)
        .match_requests(|r| r.bucket() == Some(BIOMETRICS_BUCKET))
        .sequence()
        .output(move || {
            aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput::builder()
                .set_versions(Some(biometrics_page.clone()))
                .build()
        })
        .output(|| {
            aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput::builder().build()
        })
        .build();
    let list_output = mock!(aws_sdk_s3::Client::list_object_versions)
        .match_requests(|r| r.bucket() == Some(OUTPUT_BUCKET))
        .then_output(|| {
            aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput::builder().build()
        });
    let all_lists_use_the_prefix = mock!(aws_sdk_s3::Client::list_object_versions)
        .match_requests(move |r| r.prefix() != Some(prefix.as_str()))
        .then_output(|| panic!("listed outside the application's prefix"));
    let deletes = Arc::new(Mutex::new(Vec::new()));
    let seen = deletes.clone();
    let delete_objects =
        mock!(aws_sdk_s3::Client::delete_objects).then_compute_output(move |req| {
            let delete = req.delete().expect("delete");
            assert_eq!(delete.quiet(), Some(true));
            for object in delete.objects() {
                seen.lock().unwrap().push((
                    req.bucket().unwrap().to_string(),
                    object.key().to_string(),
                    object.version_id().unwrap_or_default().to_string(),
                ));
            }
            aws_sdk_s3::operation::delete_objects::DeleteObjectsOutput::builder().build()
        });
    let copy = mock!(aws_sdk_s3::Client::get_object)
        .then_output(|| panic!("an undecided application has no evidence to keep"));

    let deleted_keys = Arc::new(Mutex::new(Vec::new()));
    let seen = deleted_keys.clone();
    let delete_item = mock!(DynamoDb::delete_item).then_compute_output(move |req| {
        let key = req.key().expect("key");
        seen.lock().unwrap().push((
            key["pk"].as_s().unwrap().clone(),
            key["sk"].as_s().unwrap().clone(),
        ));
        aws_sdk_dynamodb::operation::delete_item::DeleteItemOutput::builder().build()
    });
    let writes = Writes::new();
    let mocks = writes
        .add_to(Mocks::new().dynamodb(&query).dynamodb(&delete_item))
        .s3(&all_lists_use_the_prefix)
        .s3(&list_uploads)
        .s3(&list_biometrics)
        .s3(&list_output)
        .s3(&delete_objects)
        .s3(&copy);
    let state = mocks.state();

    let answer = call(&state, ERASE, erase_request()).await;

    assert_eq!(
        answer.status,
        204,
        "{}",
        String::from_utf8_lossy(&answer.bytes)
    );
    assert!(answer.bytes.is_empty());
    assert_eq!(answer.header("access-control-allow-origin"), Some(ORIGIN));

    // The tombstone first, with its event, in one transaction; then, once everything is gone,
    // ERASED with the sweep due after the longest late write.
    let written = tombstones(&writes);
    assert_eq!(written.len(), 2, "{written:?}");
    let requested = ErasureItem::requested(&application(OWNER), NOW.into());
    assert_eq!(written[0], requested);
    assert_eq!(mocks.audit.kinds(), vec!["erasure.requested"]);
    let window = settings().late_write_window();
    assert_eq!(
        written[1],
        requested.erased(
            4,
            4,
            lendverify_functions::state::format_timestamp(now() + window)
        )
    );
    assert_eq!(written[1].sweep_queue.as_deref(), Some(SWEEP_QUEUE));

    let mut deletes = deletes.lock().unwrap().clone();
    deletes.sort();
    assert_eq!(
        deletes,
        vec![
            (
                BIOMETRICS_BUCKET.to_string(),
                REFERENCE_KEY.to_string(),
                "r1".to_string()
            ),
            (UPLOADS_BUCKET.to_string(), front.clone(), "v1".to_string()),
            (UPLOADS_BUCKET.to_string(), front.clone(), "v2".to_string()),
            (
                UPLOADS_BUCKET.to_string(),
                upload_key(BACK_UPLOAD_ID),
                "m1".to_string()
            ),
        ]
    );
    assert_eq!(delete_objects.num_calls(), 2);
    assert_eq!(copy.num_calls(), 0);

    let deleted_keys = deleted_keys.lock().unwrap().clone();
    assert_eq!(deleted_keys.len(), 4);
    assert!(deleted_keys.contains(&(idempotency_pk(OWNER, "key-1"), "IDEMPOTENCY".into())));
    assert!(deleted_keys.contains(&(application_pk(APP_ID), format!("LIVENESS#{SESSION_ID}"))));
    assert!(
        !deleted_keys.contains(&(application_pk(APP_ID), ERASURE_SK.into())),
        "the tombstone stays"
    );
}

/// The owner's application with its liveness `session`, an ID front upload, and an approved
/// identity decision that read the objects at `versions` (object name, version id).
fn decided_application(session: LivenessItem, versions: &[(&str, &str)]) -> Rule {
    let mut decided = verification(Decision::Approved, Vec::new());
    decided.object_versions = versions
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    query_application(vec![
        item(&application(OWNER)),
        item(&session),
        item(&upload(FRONT_UPLOAD_ID, UploadPurpose::IdFront)),
        item(&decided),
    ])
}

#[tokio::test]
async fn a_decided_applications_evidence_is_kept_at_the_versions_its_decision_read() {
    let mut session = liveness(LivenessStatus::Passed);
    session.audit_image_keys = vec![format!("applications/{APP_ID}/liveness/audit-0.jpg")];
    let query = decided_application(
        session,
        &[("idFront", "front-v1"), ("livenessReference", "ref-v1")],
    );
    // Each source is read at the version the decision read; its bytes name it.
    let reads = Arc::new(Mutex::new(Vec::new()));
    let seen = reads.clone();
    let read = mock!(aws_sdk_s3::Client::get_object).then_compute_output(move |req| {
        let source = format!(
            "{}/{}?versionId={}",
            req.bucket().unwrap(),
            req.key().unwrap(),
            req.version_id().unwrap_or("")
        );
        seen.lock().unwrap().push(source.clone());
        aws_sdk_s3::operation::get_object::GetObjectOutput::builder()
            .content_type("image/jpeg")
            .body(source.into_bytes().into())
            .build()
    });
    let records = Arc::new(Mutex::new(Vec::new()));
    let seen = records.clone();
    let put_record = mock!(aws_sdk_s3::Client::put_object).then_compute_output(move |req| {
        let body = req.body().bytes().unwrap().to_vec();
        assert_eq!(
            req.checksum_algorithm(),
            Some(&aws_sdk_s3::types::ChecksumAlgorithm::Sha256),
            "Object Lock takes an upload only with a checksum"
        );
        seen.lock().unwrap().push((
            req.bucket().unwrap().to_string(),
            req.key().unwrap().to_string(),
            body,
        ));
        aws_sdk_s3::operation::put_object::PutObjectOutput::builder().build()
    });
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query).dynamodb(&delete_item_ok()))
        .s3(&no_versions())
        .s3(&read)
        .s3(&put_record)
        .state();

    let answer = call(&state, ERASE, erase_request()).await;
    assert_eq!(
        answer.status,
        204,
        "{}",
        String::from_utf8_lossy(&answer.bytes)
    );

    let front = upload_key(FRONT_UPLOAD_ID);
    let audit_image = format!("applications/{APP_ID}/liveness/audit-0.jpg");
    assert_eq!(
        reads.lock().unwrap().clone(),
        vec![
            format!("{UPLOADS_BUCKET}/{front}?versionId=front-v1"),
            format!("{BIOMETRICS_BUCKET}/{REFERENCE_KEY}?versionId=ref-v1"),
            format!("{BIOMETRICS_BUCKET}/{audit_image}?versionId="),
        ]
    );
    let records = records.lock().unwrap().clone();
    let written: Vec<(&str, &str)> = records
        .iter()
        .map(|(bucket, key, _)| (bucket.as_str(), key.as_str()))
        .collect();
    let record_key = format!(
        "applications/{APP_ID}/{}",
        lendverify_functions::erasure::EVIDENCE_RECORD
    );
    assert_eq!(
        written,
        vec![
            (EVIDENCE_BUCKET, front.as_str()),
            (EVIDENCE_BUCKET, REFERENCE_KEY),
            (EVIDENCE_BUCKET, audit_image.as_str()),
            (EVIDENCE_BUCKET, record_key.as_str()),
        ]
    );
    assert_eq!(
        records[0].2,
        format!("{UPLOADS_BUCKET}/{front}?versionId=front-v1").into_bytes(),
        "the bytes of the version the decision read"
    );
    let record: serde_json::Value = serde_json::from_slice(&records[3].2).unwrap();
    assert_eq!(record["verifications"][0]["decision"], "APPROVED");
    assert!(record["auditEvents"][0]["body"]
        .as_str()
        .unwrap()
        .contains("erasure.requested"));

    // The kept keys are stored before anything is deleted, and stay in the final tombstone.
    let written = tombstones(&writes);
    assert_eq!(written.len(), 3, "{written:?}");
    assert_eq!(written[1].state, ErasureState::Erasing);
    assert_eq!(written[1].evidence_keys.len(), 4);
    assert_eq!(written[2].state, ErasureState::Erased);
    assert_eq!(written[2].evidence_keys, written[1].evidence_keys);
}

#[tokio::test]
async fn a_running_analysis_is_409_and_nothing_is_erased() {
    let query = query_application(vec![
        item(&application(OWNER)),
        item(&document(DOCUMENT_ID, DocumentStatus::InProgress)),
    ]);
    let list = no_versions();
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query))
        .s3(&list)
        .state();

    let answer = call(&state, ERASE, erase_request()).await;

    let problem = answer.problem(409);
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .ends_with("/analysis-running"),
        "{problem}"
    );
    assert_eq!(list.num_calls(), 0);
    writes.assert_none();
}

#[tokio::test]
async fn erasure_of_a_foreign_application_is_404_and_touches_nothing() {
    let query = query_application(vec![item(&application(STRANGER))]);
    let delete_item = delete_item_ok();
    let list = no_versions();
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query).dynamodb(&delete_item))
        .s3(&list)
        .state();

    let answer = call(&state, ERASE, erase_request()).await;

    answer.problem(404);
    assert_eq!(delete_item.num_calls(), 0);
    assert_eq!(list.num_calls(), 0);
    writes.assert_none();
}

#[tokio::test]
async fn the_owners_repeated_delete_resumes_an_interrupted_erasure_and_others_get_404() {
    let tombstone = ErasureItem::requested(&application(OWNER), "2026-11-27T11:59:00Z".into());
    // Interrupted after the tombstone: the liveness item is left (the application item went).
    let query = query_application(vec![
        item(&tombstone),
        item(&liveness(LivenessStatus::Passed)),
    ]);
    let delete_item = delete_item_ok();
    let writes = Writes::new();
    let mocks = writes
        .add_to(Mocks::new().dynamodb(&query).dynamodb(&delete_item))
        .s3(&no_versions());
    let state = mocks.state();

    let answer = call(&state, ERASE, erase_request()).await;
    assert_eq!(
        answer.status,
        204,
        "{}",
        String::from_utf8_lossy(&answer.bytes)
    );
    assert_eq!(delete_item.num_calls(), 1);
    let written = tombstones(&writes);
    assert_eq!(written.len(), 1, "only the final tombstone: {written:?}");
    assert_eq!(written[0].state, ErasureState::Erased);
    assert_eq!(
        written[0].erased_at, "2026-11-27T11:59:00Z",
        "the request's own time stays"
    );
    assert_eq!(mocks.audit.transactions(), 0, "no second erasure.requested");

    // Anyone else: the application does not exist.
    let stranger = call(&state, ERASE, erase_request().caller(STRANGER)).await;
    stranger.problem(404);
}

#[tokio::test]
async fn once_the_tombstone_exists_every_route_answers_404_and_every_change_is_guarded() {
    let tombstone = ErasureItem::requested(&application(OWNER), NOW.into());
    let query = query_application(vec![item(&application(OWNER)), item(&tombstone)]);
    let writes = Writes::new();
    let state = writes.add_to(Mocks::new().dynamodb(&query)).state();
    for request in [
        ApiRequest::get("/applications/{applicationId}").app(APP_ID),
        ApiRequest::new("PUT", "/applications/{applicationId}/consent")
            .app(APP_ID)
            .json(serde_json::json!({ "policyVersion": "biometric-2026-12" })),
    ] {
        call(&state, Function::Applications, request)
            .await
            .problem(404);
    }
    writes.assert_none();

    // A change that reads the application before the tombstone is written still cannot land:
    // it carries the condition that there is no tombstone.
    let query = query_application(vec![item(&application(OWNER))]);
    let writes = Writes::new();
    let mocks = writes.add_to(Mocks::new().dynamodb(&query));
    let state = mocks.state();
    let answer = call(
        &state,
        Function::Applications,
        ApiRequest::new("PUT", "/applications/{applicationId}/consent")
            .app(APP_ID)
            .json(serde_json::json!({ "policyVersion": "biometric-2026-12" })),
    )
    .await;
    answer.ok(200);
    let checks = mocks.audit.checks.lock().unwrap().clone();
    assert_eq!(checks.len(), 1, "{checks:?}");
    assert_eq!(checks[0].table_name(), TABLE);
    assert_eq!(
        checks[0].key()["pk"].as_s().unwrap(),
        &application_pk(APP_ID)
    );
    assert_eq!(checks[0].key()["sk"].as_s().unwrap(), ERASURE_SK);
    assert_eq!(checks[0].condition_expression(), "attribute_not_exists(pk)");
}

#[tokio::test]
async fn the_sweep_deletes_late_writes_of_due_erasures_and_takes_them_off_the_index() {
    let due = ErasureItem::requested(&application(OWNER), "2026-11-27T09:00:00Z".into()).erased(
        3,
        3,
        "2026-11-27T11:30:00Z".into(),
    );
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    let index = mock!(DynamoDb::query)
        .match_requests(|r| r.index_name() == Some("sweep-index"))
        .then_compute_output(move |r| {
            seen.lock().unwrap().push(
                r.expression_attribute_values().unwrap()[":now"]
                    .as_s()
                    .unwrap()
                    .clone(),
            );
            aws_sdk_dynamodb::operation::query::QueryOutput::builder()
                .items(item(&due))
                .count(1)
                .build()
        });
    // A late upload landed, and a late liveness item was put.
    let late_key = upload_key(BACK_UPLOAD_ID);
    let list = mock!(aws_sdk_s3::Client::list_object_versions)
        .match_requests(|r| r.bucket() == Some(UPLOADS_BUCKET))
        .sequence()
        .output(move || {
            aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput::builder()
                .set_versions(Some(versions(&[(&late_key, "late")])))
                .build()
        })
        .output(|| {
            aws_sdk_s3::operation::list_object_versions::ListObjectVersionsOutput::builder().build()
        })
        .build();
    let delete_objects = mock!(aws_sdk_s3::Client::delete_objects).then_output(|| {
        aws_sdk_s3::operation::delete_objects::DeleteObjectsOutput::builder().build()
    });
    let query = query_application(vec![item(&liveness(LivenessStatus::InProgress))]);
    let delete_item = delete_item_ok();
    let writes = Writes::new();
    let state = writes
        .add_to(
            Mocks::new()
                .dynamodb(&index)
                .dynamodb(&query)
                .dynamodb(&delete_item),
        )
        .s3(&list)
        .s3(&no_versions())
        .s3(&delete_objects)
        .state();

    let report = lendverify_functions::erasure::sweep(&state).await.unwrap();

    assert_eq!(
        report,
        lendverify_functions::erasure::SweepReport {
            erasures_swept: 1,
            objects_deleted: 1,
            items_deleted: 1,
        }
    );
    assert_eq!(asked.lock().unwrap().clone(), vec![NOW.to_string()]);
    let written = tombstones(&writes);
    assert_eq!(written.len(), 1);
    assert_eq!(written[0].sweep_queue, None, "off the index");
    assert_eq!(written[0].swept_at.as_deref(), Some(NOW));
    assert_eq!(
        (
            written[0].late_objects_deleted,
            written[0].late_items_deleted
        ),
        (1, 1)
    );
    assert_eq!(
        written[0].objects_deleted, 3,
        "the erasure's own counts stay"
    );
}

/// The owner index as `POST /applications` reads it: `live` applications and `erased` tombstones.
fn owner_index(live: Vec<ApplicationItem>, erased: Vec<ErasureItem>) -> Rule {
    let mut items: Vec<Item> = live.iter().map(item).collect();
    items.extend(erased.iter().map(item));
    mock!(DynamoDb::query)
        .match_requests(|r| r.index_name() == Some("owner-index"))
        .then_output(move || {
            aws_sdk_dynamodb::operation::query::QueryOutput::builder()
                .count(items.len() as i32)
                .set_items(Some(items.clone()))
                .build()
        })
}

fn created_today(n: usize) -> ApplicationItem {
    ApplicationItem::new(
        format!("00000000-0000-4000-8000-00000000000{n}"),
        OWNER.into(),
        "2026-11-27T10:00:00Z".into(),
        None,
        None,
    )
}

#[tokio::test]
async fn an_erased_application_still_counts_against_the_daily_quota_once() {
    let create = || {
        ApiRequest::post("/applications").json(serde_json::json!({
            "applicant": { "givenName": "Jane", "familyName": "Doe", "dateOfBirth": "1990-05-17" }
        }))
    };
    let limit = settings().quotas.applications_per_day as usize;
    // limit - 1 live applications and the tombstone of one erased today: the quota is used up.
    let live: Vec<_> = (1..limit).map(created_today).collect();
    let erased = ErasureItem::requested(&created_today(limit), NOW.into());
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&owner_index(live.clone(), vec![erased])))
        .state();
    let answer = call(&state, Function::Applications, create()).await;
    let problem = answer.problem(429);
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .ends_with("/application-quota-exceeded"),
        "{problem}"
    );
    writes.assert_none();

    // An erasure under way (its application and its tombstone both indexed) counts once.
    let under_way = ErasureItem::requested(&live[0], NOW.into());
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&owner_index(live, vec![under_way])))
        .state();
    call(&state, Function::Applications, create()).await.ok(201);
}

#[tokio::test]
async fn evidence_that_cannot_be_kept_stops_the_erasure_before_anything_is_deleted() {
    use lendverify_aws::error::Service;
    let query = decided_application(liveness(LivenessStatus::Passed), &[("idFront", "front-v1")]);
    let read = mock!(aws_sdk_s3::Client::get_object).then_output(|| {
        aws_sdk_s3::operation::get_object::GetObjectOutput::builder()
            .body(b"image".to_vec().into())
            .build()
    });
    // S3 throttles every PUT into the evidence bucket, past the SDK's retries.
    let put = mock!(aws_sdk_s3::Client::put_object)
        .then_http_response(|| wire_error(Service::S3, "SlowDown"));
    let list = no_versions();
    let delete_item = delete_item_ok();
    let writes = Writes::new();
    let state = writes
        .add_to(Mocks::new().dynamodb(&query).dynamodb(&delete_item))
        .s3(&read)
        .s3(&put)
        .s3(&list)
        .state();

    let answer = call(&state, ERASE, erase_request()).await;

    answer.problem(503);
    assert!(answer.header("retry-after").is_some());
    assert_eq!(list.num_calls(), 0, "no object was deleted");
    assert_eq!(delete_item.num_calls(), 0, "no item was deleted");
    // Only the tombstone (with its event): the repeated DELETE resumes with the evidence.
    let written = tombstones(&writes);
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(written[0].state, ErasureState::Erasing);
    assert!(written[0].evidence_keys.is_empty());
}
