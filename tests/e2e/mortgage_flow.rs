//! The whole mortgage flow, and its negative paths, against the local stage over real HTTP.
//!
//! One stage (moto, the emulator, `terraform apply` of environments/local, the local API and the
//! queue consumer) is started for all scenarios and stopped at the end. Scenarios run one at a
//! time because fault injection in the emulator is global.

mod error_walk;
mod gateway_responses;

use error_walk::every_error_of_the_table_is_answered_as_documented;
use gateway_responses::gateway_responses_are_the_templates;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use lendverify_aws::records;
use lendverify_e2e::fixtures::{self, Passport};
use lendverify_e2e::World;
use libtest_mimic::{Arguments, Trial};
use serde_json::json;

type Scenario = fn(Arc<World>) -> Pin<Box<dyn Future<Output = Result<()>> + Send>>;

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        vec![$((stringify!($name), (|w| Box::pin($name(w))) as Scenario)),*]
    };
}

fn main() {
    let mut args = Arguments::from_args();
    args.test_threads = Some(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let world = match runtime.block_on(World::start()) {
        Ok(world) => Arc::new(world),
        Err(err) => {
            eprintln!("could not start the local stage: {err:#}");
            std::process::exit(1);
        }
    };
    let trials = scenarios![
        whole_mortgage_flow,
        failed_liveness_blocks_identity_verification,
        face_mismatch_is_rejected,
        expired_document_is_rejected,
        invalid_mrz_is_rejected,
        another_users_application_is_not_found,
        missing_or_bad_token_is_unauthorized,
        gateway_responses_are_the_templates,
        malformed_body_is_400_and_writes_nothing,
        unsupported_content_type_is_415_and_writes_nothing,
        declared_oversize_is_413_and_writes_nothing,
        duplicate_sqs_delivery_changes_nothing,
        failed_lending_job_is_recorded,
        throttled_aws_is_retried_then_503,
        recorded_lending_package_replays_through_the_stage,
        recorded_driver_licence_replays_through_identity_verification,
        late_liveness_session_expires,
        non_image_behind_png_is_422_and_writes_nothing,
        non_pdf_package_is_422_before_textract,
        every_error_of_the_table_is_answered_as_documented,
        racing_identity_submissions_get_one_decision,
        a_presigned_put_is_single_use_and_the_decision_records_its_version,
        erasure_keeps_decided_evidence_and_sweeps_late_writes,
        erasure_waits_for_a_running_analysis,
    ]
    .into_iter()
    .map(|(name, scenario)| {
        let world = world.clone();
        let handle = runtime.handle().clone();
        Trial::test(name, move || {
            handle
                .block_on(scenario(world))
                .map_err(|e| format!("{e:#}").into())
        })
    })
    .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    if let Ok(world) = Arc::try_unwrap(world) {
        runtime.block_on(world.stop());
    }
    conclusion.exit();
}

/// A verified applicant with a passed liveness session; returns the application id.
async fn verified_application(w: &World, user: &str) -> Result<String> {
    let api = w.user(user).await?;
    let app = api.create_application(fixtures::applicant()).await?;
    api.pass_liveness(&app, user, 99.1).await?;
    let front = api
        .upload(
            &app,
            "ID_FRONT",
            "image/png",
            fixtures::passport_png(&fixtures::good_passport(user)),
        )
        .await?;
    let verdict = api
        .post(
            &format!("/applications/{app}/identity-verifications"),
            json!({ "idFrontUploadId": front }),
        )
        .await?
        .expect(200)?;
    ensure!(verdict["decision"] == "APPROVED", "verdict: {verdict}");
    Ok(app)
}

async fn whole_mortgage_flow(w: Arc<World>) -> Result<()> {
    let api = w.user("alice").await?;
    // 1. create an application
    let app = api.create_application(fixtures::applicant()).await?;
    // 2. liveness: the emulator completes the session; the result is PASSED
    let liveness = api.pass_liveness(&app, "alice", 99.1).await?;
    ensure!(liveness["status"] == "PASSED", "liveness: {liveness}");
    ensure!(
        liveness.get("confidence").is_none(),
        "confidence must never reach the browser"
    );
    // 3. upload a generated passport and verify identity: APPROVED
    let front = api
        .upload(
            &app,
            "ID_FRONT",
            "image/png",
            fixtures::passport_png(&fixtures::good_passport("alice")),
        )
        .await?;
    let verdict = api
        .post(
            &format!("/applications/{app}/identity-verifications"),
            json!({ "idFrontUploadId": front }),
        )
        .await?
        .expect(200)?;
    ensure!(verdict["decision"] == "APPROVED", "verdict: {verdict}");
    ensure!(verdict["reasons"] == json!([]), "verdict: {verdict}");
    ensure!(
        verdict["document"]["documentNumberMasked"] == "****4567",
        "masked: {verdict}"
    );
    // 4. upload a multi-page lending package and start the analysis
    let package = api
        .upload(
            &app,
            "LENDING_PACKAGE",
            "application/pdf",
            fixtures::lending_package("Ana Muller"),
        )
        .await?;
    let started = api
        .post(
            &format!("/applications/{app}/documents"),
            json!({ "uploadId": package }),
        )
        .await?
        .expect(202)?;
    ensure!(started["status"] == "IN_PROGRESS", "started: {started}");
    let document = started["documentId"]
        .as_str()
        .context("documentId")?
        .to_string();
    // 5–6. SNS → SQS → consumer; the document is SUCCEEDED with groups and fields
    let done = api.wait_for_document(&app, &document).await?;
    ensure!(done["status"] == "SUCCEEDED", "document: {done}");
    let types: Vec<&str> = done["documentGroups"]
        .as_array()
        .context("documentGroups")?
        .iter()
        .filter_map(|g| g["type"].as_str())
        .collect();
    for expected in ["1003", "W_2", "PAYSLIPS", "BANK_STATEMENT"] {
        ensure!(
            types.contains(&expected),
            "{expected} missing from {types:?}"
        );
    }
    let extracted = &done["extracted"];
    let checks = [
        (
            &extracted["w2"][0]["employeeName"]["text"],
            json!("Ana Muller"),
        ),
        (&extracted["w2"][0]["formYear"]["text"], json!("2025")),
        (&extracted["w2"][0]["wages"]["text"], json!("$85,000.00")),
        (&extracted["w2"][0]["wages"]["amount"], usd("85000.00")),
        (
            &extracted["payslips"][0]["borrowerName"]["text"],
            json!("Ana Muller"),
        ),
        (
            &extracted["payslips"][0]["currentGrossPay"]["amount"],
            usd("7083.33"),
        ),
        (
            &extracted["payslips"][0]["payPeriodStart"]["date"],
            json!("2026-10-01"),
        ),
        (
            &extracted["payslips"][0]["payPeriodEnd"]["date"],
            json!("2026-10-31"),
        ),
        (
            &extracted["bankStatements"][0]["endingBalance"]["amount"],
            usd("24310.55"),
        ),
        (
            &extracted["bankStatements"][0]["periodStart"]["date"],
            json!("2026-10-01"),
        ),
        (
            &extracted["bankStatements"][0]["periodEnd"]["date"],
            json!("2026-10-31"),
        ),
    ];
    expect_values(&checks, extracted)?;
    ensure!(done["missingRequired"] == json!([]), "missing: {done}");
    ensure!(done["flags"] == json!([]), "flags: {done}");
    // 7. the application shows everything
    let whole = api
        .get(&format!("/applications/{app}"))
        .await?
        .expect(200)?;
    ensure!(
        whole["liveness"]["status"] == "PASSED",
        "application: {whole}"
    );
    ensure!(
        whole["identity"]["decision"] == "APPROVED",
        "application: {whole}"
    );
    ensure!(
        whole["documents"][0]["status"] == "SUCCEEDED",
        "application: {whole}"
    );
    ensure!(
        !w.objects_of(&app).await?.is_empty(),
        "objects were written"
    );
    // 8. erase: every object and item is gone, checked directly against moto
    api.delete(&format!("/applications/{app}"))
        .await?
        .expect(204)?;
    let objects = w.objects_of(&app).await?;
    ensure!(
        objects.is_empty(),
        "objects left after erasure: {objects:?}"
    );
    let items = w.items_of(&app).await?;
    ensure!(
        items
            == vec![(
                records::application_pk(&app),
                records::ERASURE_SK.to_string()
            )],
        "items left after erasure: {items:?}"
    );
    api.get(&format!("/applications/{app}"))
        .await?
        .expect_problem(404)?;
    Ok(())
}

async fn failed_liveness_blocks_identity_verification(w: Arc<World>) -> Result<()> {
    let api = w.user("bob").await?;
    let app = api.create_application(fixtures::applicant()).await?;
    let liveness = api.pass_liveness(&app, "bob", 12.0).await?;
    ensure!(liveness["status"] == "FAILED", "liveness: {liveness}");
    let front = api
        .upload(
            &app,
            "ID_FRONT",
            "image/png",
            fixtures::passport_png(&fixtures::good_passport("bob")),
        )
        .await?;
    let before = w.items_of(&app).await?;
    api.post(
        &format!("/applications/{app}/identity-verifications"),
        json!({ "idFrontUploadId": front }),
    )
    .await?
    .expect_problem(409)?;
    ensure!(
        w.items_of(&app).await? == before,
        "a rejected request wrote an item"
    );
    Ok(())
}

async fn verify_with(w: &World, user: &str, passport: Passport<'_>) -> Result<serde_json::Value> {
    let api = w.user(user).await?;
    let app = api.create_application(fixtures::applicant()).await?;
    api.pass_liveness(&app, user, 98.0).await?;
    let front = api
        .upload(
            &app,
            "ID_FRONT",
            "image/png",
            fixtures::passport_png(&passport),
        )
        .await?;
    api.post(
        &format!("/applications/{app}/identity-verifications"),
        json!({ "idFrontUploadId": front }),
    )
    .await?
    .expect(200)
}

/// Several submissions of the same uploads at once (two tabs, a double click, a retry racing the
/// original): each one is analysed, but one decision is stored and every request is answered
/// with it; a later repeat is answered from the table without another analysis.
async fn racing_identity_submissions_get_one_decision(w: Arc<World>) -> Result<()> {
    let api = w.user("sybil").await?;
    let app = api.create_application(fixtures::applicant()).await?;
    api.pass_liveness(&app, "sybil", 99.1).await?;
    let front = api
        .upload(
            &app,
            "ID_FRONT",
            "image/png",
            fixtures::passport_png(&fixtures::good_passport("sybil")),
        )
        .await?;
    let path = format!("/applications/{app}/identity-verifications");
    let body = json!({ "idFrontUploadId": front });
    let analyses = || async {
        Ok::<_, anyhow::Error>(w.emulator_calls().await?["AnalyzeID"].as_u64().unwrap_or(0))
    };
    let before = analyses().await?;

    let (a, b, c, d) = tokio::join!(
        api.post(&path, body.clone()),
        api.post(&path, body.clone()),
        api.post(&path, body.clone()),
        api.post(&path, body.clone()),
    );
    let raced = analyses().await? - before;
    let answers = [
        a?.expect(200)?,
        b?.expect(200)?,
        c?.expect(200)?,
        d?.expect(200)?,
    ];
    ensure!(
        answers.iter().all(|answer| *answer == answers[0]),
        "racing submissions were answered differently: {answers:#?}"
    );
    ensure!(
        answers[0]["decision"] == "APPROVED",
        "verdict: {}",
        answers[0]
    );
    let verifications: Vec<_> = w
        .items_of(&app)
        .await?
        .into_iter()
        .filter(|(_, sk)| sk.starts_with(records::VERIFICATION_PREFIX))
        .collect();
    ensure!(
        verifications.len() == 1,
        "one decision per attempt, found {verifications:?} after {raced} analyses"
    );
    ensure!(
        verifications[0].1
            == records::verification_sk(
                answers[0]["verificationId"]
                    .as_str()
                    .context("verificationId")?
            ),
        "the answer names the stored decision: {verifications:?}"
    );

    let repeated = api.post(&path, body).await?.expect(200)?;
    ensure!(repeated == answers[0], "repeat: {repeated}");
    ensure!(
        analyses().await? - before == raced,
        "a decided attempt is not analysed again"
    );
    let whole = api
        .get(&format!("/applications/{app}"))
        .await?
        .expect(200)?;
    ensure!(whole["identity"] == answers[0], "application: {whole}");
    eprintln!(
        "racing identity submissions: 4 answered alike after {raced} analyses, 1 decision stored"
    );
    Ok(())
}

fn has_reason(verdict: &serde_json::Value, decision: &str, reason: &str) -> Result<()> {
    ensure!(verdict["decision"] == decision, "verdict: {verdict}");
    ensure!(
        verdict["reasons"]
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x == reason)),
        "{reason} missing: {verdict}"
    );
    Ok(())
}

async fn face_mismatch_is_rejected(w: Arc<World>) -> Result<()> {
    let mut passport = fixtures::good_passport("mallory");
    passport.face = "mallory";
    let verdict = verify_with(&w, "carol", passport).await?;
    has_reason(&verdict, "REJECTED", "FACE_MISMATCH")
}

async fn expired_document_is_rejected(w: Arc<World>) -> Result<()> {
    let mut passport = fixtures::good_passport("dave");
    passport.expires_on = "2021-01-31";
    let verdict = verify_with(&w, "dave", passport).await?;
    has_reason(&verdict, "REJECTED", "DOCUMENT_EXPIRED")
}

async fn invalid_mrz_is_rejected(w: Arc<World>) -> Result<()> {
    let mut passport = fixtures::good_passport("erin");
    passport.corrupt_mrz = true;
    let verdict = verify_with(&w, "erin", passport).await?;
    has_reason(&verdict, "REJECTED", "MRZ_INVALID")
}

async fn another_users_application_is_not_found(w: Arc<World>) -> Result<()> {
    let owner = w.user("frank").await?;
    let app = owner.create_application(fixtures::applicant()).await?;
    let intruder = w.user("grace").await?;
    let before = w.items_of(&app).await?;
    intruder
        .get(&format!("/applications/{app}"))
        .await?
        .expect_problem(404)?;
    intruder
        .delete(&format!("/applications/{app}"))
        .await?
        .expect_problem(404)?;
    intruder
        .post(&format!("/applications/{app}/liveness-sessions"), json!({}))
        .await?
        .expect_problem(404)?;
    intruder
        .post(
            &format!("/applications/{app}/uploads"),
            json!({ "purpose": "ID_FRONT", "contentType": "image/png", "contentLength": 100 }),
        )
        .await?
        .expect_problem(404)?;
    ensure!(
        w.items_of(&app).await? == before,
        "a foreign caller changed the application"
    );
    owner
        .get(&format!("/applications/{app}"))
        .await?
        .expect(200)?;
    Ok(())
}

async fn missing_or_bad_token_is_unauthorized(w: Arc<World>) -> Result<()> {
    let before = w.item_count().await?;
    let anonymous = w.anonymous();
    anonymous
        .post("/applications", json!({}))
        .await?
        .expect_problem(401)?;
    anonymous
        .send(
            reqwest::Method::GET,
            "/applications",
            None,
            &[("authorization", "Bearer not.a.token")],
        )
        .await?
        .expect_problem(401)?;
    ensure!(
        w.item_count().await? == before,
        "an unauthenticated request wrote an item"
    );
    Ok(())
}

async fn malformed_body_is_400_and_writes_nothing(w: Arc<World>) -> Result<()> {
    let api = w.user("heidi").await?;
    let app = api.create_application(fixtures::applicant()).await?;
    let before = w.item_count().await?;
    api.send(
        reqwest::Method::POST,
        "/applications",
        Some(("application/json", b"{\"applicant\": ".to_vec())),
        &[],
    )
    .await?
    .expect_problem(400)?;
    api.send(
        reqwest::Method::POST,
        &format!("/applications/{app}/uploads"),
        Some(("application/json", b"[1,2".to_vec())),
        &[],
    )
    .await?
    .expect_problem(400)?;
    let invalid = api
        .post(
            "/applications",
            json!({ "applicant": { "givenName": "", "familyName": "X", "dateOfBirth": "1990-01-01" } }),
        )
        .await?
        .expect_problem(422)?;
    ensure!(
        invalid.to_string().contains("applicant.givenName"),
        "422 must name the field: {invalid}"
    );
    ensure!(
        w.item_count().await? == before,
        "malformed input wrote an item"
    );
    Ok(())
}

async fn unsupported_content_type_is_415_and_writes_nothing(w: Arc<World>) -> Result<()> {
    let api = w.user("ivan").await?;
    let app = api.create_application(fixtures::applicant()).await?;
    let before = w.item_count().await?;
    api.post(
        &format!("/applications/{app}/uploads"),
        json!({ "purpose": "ID_FRONT", "contentType": "application/pdf", "contentLength": 1000 }),
    )
    .await?
    .expect_problem(415)?;
    api.send(
        reqwest::Method::POST,
        "/applications",
        Some(("text/plain", b"hello".to_vec())),
        &[],
    )
    .await?
    .expect_problem(415)?;
    ensure!(w.item_count().await? == before, "a 415 wrote an item");
    ensure!(
        w.objects_of(&app).await?.is_empty(),
        "a 415 wrote an object"
    );
    Ok(())
}

async fn declared_oversize_is_413_and_writes_nothing(w: Arc<World>) -> Result<()> {
    let api = w.user("judy").await?;
    let app = api.create_application(fixtures::applicant()).await?;
    let before = w.item_count().await?;
    api.post(
        &format!("/applications/{app}/uploads"),
        json!({ "purpose": "ID_FRONT", "contentType": "image/jpeg", "contentLength": 6 * 1024 * 1024 }),
    )
    .await?
    .expect_problem(413)?;
    api.post(
        &format!("/applications/{app}/uploads"),
        json!({ "purpose": "LENDING_PACKAGE", "contentType": "application/pdf", "contentLength": 501u64 * 1024 * 1024 }),
    )
    .await?
    .expect_problem(413)?;
    ensure!(w.item_count().await? == before, "a 413 wrote an item");
    Ok(())
}

async fn start_package(w: &World, user: &str, bytes: Vec<u8>) -> Result<(String, String)> {
    let app = verified_application(w, user).await?;
    let api = w.user(user).await?;
    let package = api
        .upload(&app, "LENDING_PACKAGE", "application/pdf", bytes)
        .await?;
    let started = api
        .post(
            &format!("/applications/{app}/documents"),
            json!({ "uploadId": package }),
        )
        .await?
        .expect(202)?;
    let document = started["documentId"]
        .as_str()
        .context("documentId")?
        .to_string();
    Ok((app, document))
}

async fn duplicate_sqs_delivery_changes_nothing(w: Arc<World>) -> Result<()> {
    let (app, document) =
        start_package(&w, "mallory", fixtures::lending_package("Ana Muller")).await?;
    let api = w.user("mallory").await?;
    let first = api.wait_for_document(&app, &document).await?;
    ensure!(first["status"] == "SUCCEEDED", "document: {first}");
    let key = (format!("APP#{app}"), format!("DOC#{document}"));
    let stored = w.item(&key.0, &key.1).await?.context("document item")?;
    let job_id = stored["textractJobId"]
        .as_s()
        .map_err(|_| anyhow::anyhow!("job id"))?
        .clone();
    // Redeliver Textract's completion exactly as SNS wrapped it.
    let message = json!({ "JobId": job_id, "Status": "SUCCEEDED", "API": "StartLendingAnalysis", "JobTag": app });
    let envelope = json!({ "Type": "Notification", "MessageId": "duplicate", "TopicArn": w.env("LENDING_TOPIC_ARN"), "Message": message.to_string() });
    for _ in 0..2 {
        w.sqs
            .send_message()
            .queue_url(&w.stage.outputs.queue_url)
            .message_body(envelope.to_string())
            .send()
            .await?;
    }
    w.queue_drained().await?;
    let after = w.item(&key.0, &key.1).await?.context("document item")?;
    ensure!(after == stored, "a duplicate delivery changed the document");
    let calls = w.emulator_calls().await?;
    ensure!(
        calls["GetLendingAnalysisSummary"].as_u64().unwrap_or(0) >= 1,
        "calls: {calls}"
    );
    Ok(())
}

async fn failed_lending_job_is_recorded(w: Arc<World>) -> Result<()> {
    // A readable PDF that Textract fails on (the emulator's JOB_STATUS line): a file that is not
    // a PDF at all never reaches Textract (non_pdf_package_is_422_before_textract).
    let package = fixtures::pdf(&[vec![
        "Bank Statement".to_string(),
        "JOB_STATUS: FAILED".to_string(),
    ]]);
    let (app, document) = start_package(&w, "niaj", package).await?;
    let api = w.user("niaj").await?;
    let done = api.wait_for_document(&app, &document).await?;
    ensure!(done["status"] == "FAILED", "document: {done}");
    ensure!(done["documentGroups"] == json!([]), "document: {done}");
    Ok(())
}

async fn throttled_aws_is_retried_then_503(w: Arc<World>) -> Result<()> {
    let api = w.user("olivia").await?;
    let app = api.create_application(fixtures::applicant()).await?;
    api.pass_liveness(&app, "olivia", 99.0).await?;
    let front = api
        .upload(
            &app,
            "ID_FRONT",
            "image/png",
            fixtures::passport_png(&fixtures::good_passport("olivia")),
        )
        .await?;
    let before_items = w.items_of(&app).await?;
    let before_calls = w.emulator_calls().await?["CompareFaces"]
        .as_u64()
        .unwrap_or(0);
    w.emulator(
        "/_emulator/faults",
        json!({ "operation": "CompareFaces", "error": "ThrottlingException", "count": 10 }),
    )
    .await?;
    let answer = api
        .post(
            &format!("/applications/{app}/identity-verifications"),
            json!({ "idFrontUploadId": front }),
        )
        .await?;
    w.clear_faults().await?;
    let retry_after = answer.retry_after.clone();
    answer.expect_problem(503)?;
    ensure!(retry_after.is_some(), "503 without Retry-After");
    let attempts = w.emulator_calls().await?["CompareFaces"]
        .as_u64()
        .unwrap_or(0)
        - before_calls;
    ensure!(
        attempts == 3,
        "expected 3 attempts (standard retry), saw {attempts}"
    );
    // The one write: the attempt reached the analysis, so it counts towards the application's
    // identity attempts (issue 11), once.
    let attempts = |items: Vec<(String, String)>| {
        items
            .into_iter()
            .filter(|(_, sk)| sk.starts_with(records::ATTEMPT_PREFIX))
            .collect::<Vec<_>>()
    };
    let after_503 = w.items_of(&app).await?;
    let written: Vec<_> = after_503
        .iter()
        .filter(|key| !before_items.contains(key))
        .collect();
    ensure!(
        written.len() == 1 && written[0].1.starts_with(records::ATTEMPT_PREFIX),
        "a 503 wrote more than its attempt: {written:?}"
    );
    // And once the throttle passes, the same request succeeds, as the same attempt.
    let verdict = api
        .post(
            &format!("/applications/{app}/identity-verifications"),
            json!({ "idFrontUploadId": front }),
        )
        .await?
        .expect(200)?;
    ensure!(verdict["decision"] == "APPROVED", "verdict: {verdict}");
    ensure!(
        attempts(w.items_of(&app).await?) == attempts(after_503),
        "the retry counted as another attempt"
    );
    Ok(())
}

/// Real `GetLendingAnalysis` output (7 pages: payslip, check, identity document, 1099-DIV, bank
/// statement, W-2, unclassified) replayed through the whole asynchronous path: the job reads
/// its S3 object, writes its output, publishes to SNS → SQS, and the consumer stores it.
async fn recorded_lending_package_replays_through_the_stage(w: Arc<World>) -> Result<()> {
    let app = verified_application(&w, "rita").await?;
    let api = w.user("rita").await?;
    w.emulator(
        "/_emulator/replays",
        json!({
            "operation": "StartLendingAnalysis",
            "getLendingAnalysis": fixtures::recorded("lending-package-no-signature.json"),
        }),
    )
    .await?;
    let package = api
        .upload(
            &app,
            "LENDING_PACKAGE",
            "application/pdf",
            fixtures::lending_package("Ana Muller"),
        )
        .await?;
    let started = api
        .post(
            &format!("/applications/{app}/documents"),
            json!({ "uploadId": package }),
        )
        .await?
        .expect(202)?;
    let document = started["documentId"].as_str().context("documentId")?;
    let done = api.wait_for_document(&app, document).await?;
    ensure!(done["status"] == "SUCCEEDED", "document: {done}");

    let mut types: Vec<&str> = done["documentGroups"]
        .as_array()
        .context("documentGroups")?
        .iter()
        .filter_map(|g| g["type"].as_str())
        .collect();
    types.sort_unstable();
    ensure!(
        types
            == [
                "1099_DIV",
                "BANK_STATEMENT",
                "CHECKS",
                "IDENTITY_DOCUMENT",
                "PAYSLIPS",
                "UNCLASSIFIED",
                "W_2"
            ],
        "Textract's own types, unchanged: {types:?}"
    );
    let x = &done["extracted"];
    let field = |text: &str, confidence: f64| json!({ "text": text, "confidence": confidence, "lowConfidence": false });
    let checks = [
        (&x["payslips"][0]["page"], json!(1)),
        (
            &x["payslips"][0]["borrowerName"],
            field("JOHN STILES", 99.0),
        ),
        (
            &x["payslips"][0]["currentGrossPay"]["text"],
            json!("$ 452.43"),
        ),
        (
            &x["payslips"][0]["currentGrossPay"]["amount"],
            usd("452.43"),
        ),
        (
            &x["payslips"][0]["ytdGrossPay"]["amount"],
            json!({ "value": "23526.80", "currency": null }),
        ),
        (&x["payslips"][0]["payPeriodStart"], json!(null)),
        (
            &x["payslips"][0]["payPeriodEnd"]["date"],
            json!("2008-07-18"),
        ),
        (&x["payslips"][0]["payDate"]["date"], json!("2008-07-25")),
        (&x["bankStatements"][0]["page"], json!(5)),
        (
            &x["bankStatements"][0]["borrowerName"],
            field("Jane Doe", 100.0),
        ),
        (
            &x["bankStatements"][0]["periodStart"]["date"],
            json!("2021-05-01"),
        ),
        (
            &x["bankStatements"][0]["periodEnd"]["date"],
            json!("2021-05-31"),
        ),
        (
            &x["bankStatements"][0]["endingBalance"]["text"],
            json!("$123,084.85"),
        ),
        (
            &x["bankStatements"][0]["endingBalance"]["amount"],
            usd("123084.85"),
        ),
        (&x["w2"][0]["page"], json!(6)),
        (&x["w2"][0]["employeeName"], field("Arnav", 100.0)),
        (&x["w2"][0]["formYear"], field("2022", 100.0)),
        (&x["w2"][0]["wages"]["amount"], usd("100.00")),
    ];
    expect_values(&checks, x)?;
    ensure!(
        x["payslips"].as_array().map(Vec::len) == Some(1)
            && x["bankStatements"].as_array().map(Vec::len) == Some(1)
            && x["w2"].as_array().map(Vec::len) == Some(1),
        "one entry per classified page: {x}"
    );
    // No 1003 in the package; the approved verification stands in for the identity document.
    ensure!(
        done["missingRequired"] == json!(["URLA_1003"]),
        "missing: {done}"
    );
    // The documents name John Stiles, Jane Doe and Arnav; the passport names Ana Muller.
    ensure!(
        done["flags"] == json!(["BORROWER_NAME_MISMATCH"]),
        "flags: {done}"
    );
    // The same, read directly from the table.
    let stored = w
        .item(
            &records::application_pk(&app),
            &format!("{}{document}", records::DOCUMENT_PREFIX),
        )
        .await?
        .context("document item")?;
    ensure!(
        stored["status"].as_s().ok().map(String::as_str) == Some("SUCCEEDED"),
        "stored: {stored:?}"
    );
    ensure!(
        stored["pageClasses"].as_l().map(Vec::len).ok() == Some(7),
        "seven page classes: {stored:?}"
    );
    Ok(())
}

/// Real `AnalyzeID` output for a driver's licence (front and back), replayed: it parses into
/// the identity document the decision rules use, and its 2020 expiry rejects it.
async fn recorded_driver_licence_replays_through_identity_verification(
    w: Arc<World>,
) -> Result<()> {
    let api = w.user("jorge").await?;
    let app = api
        .create_application(json!({
            "givenName": "Jorge", "familyName": "Souza", "dateOfBirth": "1978-03-18"
        }))
        .await?;
    api.pass_liveness(&app, "jorge", 99.3).await?;
    let front = api
        .upload(
            &app,
            "ID_FRONT",
            "image/png",
            fixtures::passport_png(&fixtures::good_passport("jorge")),
        )
        .await?;
    w.emulator(
        "/_emulator/replays",
        json!({
            "operation": "AnalyzeID",
            "response": fixtures::recorded("test-trp2-analyzeid_sample_multi_page.json"),
        }),
    )
    .await?;
    let verdict = api
        .post(
            &format!("/applications/{app}/identity-verifications"),
            json!({ "idFrontUploadId": front }),
        )
        .await?
        .expect(200)?;
    ensure!(verdict["decision"] == "REJECTED", "verdict: {verdict}");
    ensure!(
        verdict["reasons"] == json!(["DOCUMENT_EXPIRED"]),
        "only the expiry is wrong: {verdict}"
    );
    let document = &verdict["document"];
    let checks = [
        (&document["type"], json!("DRIVER_LICENSE")),
        (&document["givenName"], json!("JORGE")),
        (&document["familyName"], json!("SOUZA")),
        (&document["dateOfBirth"], json!("1978-03-18")),
        (&document["expiresOn"], json!("2020-01-20")),
        (&document["documentNumberMasked"], json!("*********CBAC")),
    ];
    expect_values(&checks, &verdict)?;
    Ok(())
}

/// A session nobody completes within Rekognition's 3 minutes answers EXPIRED, stored once.
async fn late_liveness_session_expires(w: Arc<World>) -> Result<()> {
    let api = w.user("lena").await?;
    let app = api.create_application(fixtures::applicant()).await?;
    let session = api
        .post(&format!("/applications/{app}/liveness-sessions"), json!({}))
        .await?
        .expect(201)?;
    let session_id = session["sessionId"].as_str().context("sessionId")?;
    let path = format!("/applications/{app}/liveness-sessions/{session_id}");
    let early = api.get(&path).await?.expect(200)?;
    ensure!(early["status"] == "IN_PROGRESS", "early: {early}");
    w.emulator("/_emulator/clock", json!({ "advanceSeconds": 181 }))
        .await?;
    let late = api.get(&path).await?.expect(200)?;
    ensure!(late["status"] == "EXPIRED", "late: {late}");
    let again = api.get(&path).await?.expect(200)?;
    ensure!(again == late, "the decision is stored: {again}");
    Ok(())
}

/// The case: an executable header and noise PUT behind `image/png`. Refused with 422
/// naming `idFrontUploadId` before Rekognition or Textract is called; the one write is the
/// upload's own rejection mark, and naming it again answers the same 422 at once.
async fn non_image_behind_png_is_422_and_writes_nothing(w: Arc<World>) -> Result<()> {
    let api = w.user("ursula").await?;
    let app = api.create_application(fixtures::applicant()).await?;
    api.pass_liveness(&app, "ursula", 99.0).await?;
    let mut bytes = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    bytes.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let front = api.upload(&app, "ID_FRONT", "image/png", bytes).await?;
    let keys_before = w.items_of(&app).await?;
    let upload_key = (
        records::application_pk(&app),
        format!("{}{front}", records::UPLOAD_PREFIX),
    );
    let upload_before = w
        .item(&upload_key.0, &upload_key.1)
        .await?
        .context("upload")?;
    let calls_before = w.emulator_calls().await?;

    for attempt in 0..2 {
        let problem = api
            .post(
                &format!("/applications/{app}/identity-verifications"),
                json!({ "idFrontUploadId": front }),
            )
            .await?
            .expect_problem(422)?;
        ensure!(
            problem["type"] == "https://lendverify.dev/problems/upload-content-mismatch",
            "attempt {attempt}: {problem}"
        );
        ensure!(
            problem["errors"]
                == json!([{ "field": "idFrontUploadId", "message": "the file is not a PNG or JPEG image (declared as image/png)" }]),
            "attempt {attempt}: {problem}"
        );
    }

    let calls = w.emulator_calls().await?;
    for op in ["AnalyzeID", "CompareFaces"] {
        ensure!(calls[op] == calls_before[op], "{op} was called: {calls}");
    }
    ensure!(
        w.items_of(&app).await? == keys_before,
        "an item was written"
    );
    let upload_after = w
        .item(&upload_key.0, &upload_key.1)
        .await?
        .context("upload")?;
    let rejected = upload_after
        .get("rejected")
        .and_then(|r| r.as_m().ok())
        .context("the upload is marked rejected")?;
    ensure!(
        rejected
            .get("problem")
            .and_then(|p| p.as_s().ok())
            .map(String::as_str)
            == Some("CONTENT_MISMATCH"),
        "{rejected:?}"
    );
    // The mark is a write of the item, so its expiry (the TTL from the last write) moves on.
    let mut unmarked = upload_after.clone();
    unmarked.remove("rejected");
    unmarked.remove(lendverify_aws::store::EXPIRES_AT);
    let mut upload_before = upload_before;
    upload_before.remove(lendverify_aws::store::EXPIRES_AT);
    ensure!(
        unmarked == upload_before,
        "only the mark was added to the upload"
    );
    Ok(())
}

/// Not a PDF behind `application/pdf`: 422 naming `uploadId` before Textract is called, no
/// document recorded.
async fn non_pdf_package_is_422_before_textract(w: Arc<World>) -> Result<()> {
    let app = verified_application(&w, "victor").await?;
    let api = w.user("victor").await?;
    let package = api
        .upload(
            &app,
            "LENDING_PACKAGE",
            "application/pdf",
            b"this is not a PDF".to_vec(),
        )
        .await?;
    let keys_before = w.items_of(&app).await?;
    let starts_before = w.emulator_calls().await?["StartLendingAnalysis"].clone();
    let problem = api
        .post(
            &format!("/applications/{app}/documents"),
            json!({ "uploadId": package }),
        )
        .await?
        .expect_problem(422)?;
    ensure!(
        problem["type"] == "https://lendverify.dev/problems/upload-content-mismatch",
        "{problem}"
    );
    ensure!(problem["errors"][0]["field"] == "uploadId", "{problem}");
    ensure!(
        w.emulator_calls().await?["StartLendingAnalysis"] == starts_before,
        "StartLendingAnalysis was called"
    );
    ensure!(
        w.items_of(&app).await? == keys_before,
        "an item was written"
    );
    ensure!(
        !w.objects_of(&app)
            .await?
            .iter()
            .any(|o| o.contains("/textract/")),
        "Textract wrote output"
    );
    Ok(())
}

/// An amount in US dollars as `ExtractedField.amount` spells it.
fn usd(value: &str) -> serde_json::Value {
    json!({ "value": value, "currency": "USD" })
}

/// Every `(actual, expected)` pair is equal; a failure names the pair and the whole answer.
fn expect_values(
    checks: &[(&serde_json::Value, serde_json::Value)],
    answer: &serde_json::Value,
) -> Result<()> {
    for (actual, expected) in checks {
        ensure!(
            *actual == expected,
            "expected {expected}, got {actual} in {answer}"
        );
    }
    Ok(())
}

/// Issue 12, evidence integrity: the presigned PUT is signed with `If-None-Match: *`, so replaying
/// it before it expires cannot replace the upload (S3 answers 412); and the identity decision
/// records the S3 version of the ID image it read (the one passed to Rekognition and Textract).
async fn a_presigned_put_is_single_use_and_the_decision_records_its_version(
    w: Arc<World>,
) -> Result<()> {
    let api = w.user("vera").await?;
    let app = api.create_application(fixtures::applicant()).await?;
    api.pass_liveness(&app, "vera", 99.0).await?;
    let photo = fixtures::passport_png(&fixtures::good_passport("vera"));
    let grant = api
        .post(
            &format!("/applications/{app}/uploads"),
            json!({ "purpose": "ID_FRONT", "contentType": "image/png", "contentLength": photo.len() }),
        )
        .await?
        .expect(201)?;
    ensure!(
        grant["headers"]["if-none-match"] == "*",
        "the PUT is signed single-use: {grant}"
    );
    let put = |bytes: Vec<u8>| {
        let mut put = w.http.put(grant["url"].as_str().unwrap_or_default());
        for (name, value) in grant["headers"].as_object().into_iter().flatten() {
            if !name.eq_ignore_ascii_case("content-length") {
                put = put.header(name.as_str(), value.as_str().unwrap_or_default());
            }
        }
        put.body(bytes).send()
    };
    let first = put(photo.clone()).await?;
    ensure!(first.status().is_success(), "first PUT: {}", first.status());
    // The same URL again, with other bytes of the same length: refused, the upload stands.
    let mut forged = photo.clone();
    forged.reverse();
    let replay = put(forged).await?;
    ensure!(
        replay.status() == reqwest::StatusCode::PRECONDITION_FAILED,
        "a replayed PUT answered {}",
        replay.status()
    );

    let front = grant["uploadId"].as_str().context("uploadId")?;
    let decision = api
        .post(
            &format!("/applications/{app}/identity-verifications"),
            json!({ "idFrontUploadId": front }),
        )
        .await?
        .expect(200)?;
    ensure!(decision["decision"] == "APPROVED", "{decision}");
    let verification = decision["verificationId"]
        .as_str()
        .context("verificationId")?;
    let item = w
        .item(
            &records::application_pk(&app),
            &records::verification_sk(verification),
        )
        .await?
        .context("verification item")?;
    let versions = item
        .get("objectVersions")
        .and_then(|v| v.as_m().ok())
        .context("objectVersions recorded")?;
    ensure!(
        versions
            .get("idFront")
            .and_then(|v| v.as_s().ok())
            .is_some_and(|v| !v.is_empty()),
        "the ID front's version: {versions:?}"
    );
    Ok(())
}

/// Erasure of a decided application (issue 12): the tombstone refuses every other route at once;
/// the evidence its decision read (ID image, liveness reference, the decision record with its
/// audit chain) is kept in the evidence bucket, locked; everything else is gone; an upload URL
/// issued before the erasure still writes afterwards, and the sweep removes what it wrote.
async fn erasure_keeps_decided_evidence_and_sweeps_late_writes(w: Arc<World>) -> Result<()> {
    let app = verified_application(&w, "erin").await?;
    let api = w.user("erin").await?;
    // An upload URL issued before the erasure, used after it.
    let late = fixtures::passport_png(&fixtures::good_passport("erin"));
    let grant = api
        .post(
            &format!("/applications/{app}/uploads"),
            json!({ "purpose": "ID_BACK", "contentType": "image/png", "contentLength": late.len() }),
        )
        .await?
        .expect(201)?;

    api.delete(&format!("/applications/{app}"))
        .await?
        .expect(204)?;
    ensure!(
        w.objects_of(&app).await?.is_empty(),
        "objects left after the erasure"
    );
    let items = w.items_of(&app).await?;
    ensure!(
        items == vec![(records::application_pk(&app), records::ERASURE_SK.into())],
        "only the tombstone remains: {items:?}"
    );
    for path in ["", "/events"] {
        api.get(&format!("/applications/{app}{path}"))
            .await?
            .expect_problem(404)?;
    }
    api.post(&format!("/applications/{app}/liveness-sessions"), json!({}))
        .await?
        .expect_problem(404)?;
    // The owner's repeated DELETE is answered as the first; anyone else's is 404.
    api.delete(&format!("/applications/{app}"))
        .await?
        .expect(204)?;
    w.user("mallory")
        .await?
        .delete(&format!("/applications/{app}"))
        .await?
        .expect_problem(404)?;

    // The evidence: locked copies and the decision record, whose audit chain verifies.
    let evidence_bucket = w.env("EVIDENCE_BUCKET");
    let listed =
        w.s3.list_objects_v2()
            .bucket(&evidence_bucket)
            .prefix(format!("applications/{app}/"))
            .send()
            .await?;
    let keys: Vec<String> = listed
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_string))
        .collect();
    ensure!(
        keys.iter().any(|k| k.contains("/uploads/"))
            && keys.iter().any(|k| k.contains("/liveness/"))
            && keys
                .iter()
                .any(|k| k.ends_with("evidence/decision-record.json")),
        "the ID image, the liveness reference and the decision record are kept: {keys:?}"
    );
    let record_key = format!("applications/{app}/evidence/decision-record.json");
    let record =
        w.s3.get_object()
            .bucket(&evidence_bucket)
            .key(&record_key)
            .send()
            .await?;
    let retention = record.object_lock_retain_until_date().is_some();
    let record: serde_json::Value =
        serde_json::from_slice(&record.body.collect().await?.into_bytes())?;
    ensure!(
        record["verifications"][0]["decision"] == "APPROVED",
        "the decision is kept: {record}"
    );
    let events: Vec<lendverify_core::audit::AuditEvent> = record["auditEvents"]
        .as_array()
        .context("auditEvents")?
        .iter()
        .map(|e| lendverify_core::audit::AuditEvent {
            seq: e["seq"].as_u64().unwrap_or_default(),
            body: e["body"].as_str().unwrap_or_default().into(),
            hash: e["hash"].as_str().unwrap_or_default().into(),
        })
        .collect();
    lendverify_core::audit::verify_chain(&app, &events, None)
        .map_err(|e| anyhow::anyhow!("the kept audit chain does not verify: {e}"))?;
    ensure!(
        events.iter().any(|e| e.body.contains("erasure.requested")),
        "the kept chain ends with the erasure request"
    );
    ensure!(
        retention,
        "the evidence bucket's default retention locks the record"
    );
    let version =
        w.s3.head_object()
            .bucket(&evidence_bucket)
            .key(&record_key)
            .send()
            .await?
            .version_id()
            .context("a versioned record")?
            .to_string();
    let early =
        w.s3.delete_object()
            .bucket(&evidence_bucket)
            .key(&record_key)
            .version_id(&version)
            .send()
            .await;
    ensure!(
        early.is_err(),
        "a locked evidence version was deleted early"
    );

    // The late write lands (the key is free again), and the sweep removes it once it is due.
    let mut put = w.http.put(grant["url"].as_str().context("url")?);
    for (name, value) in grant["headers"].as_object().context("headers")? {
        if !name.eq_ignore_ascii_case("content-length") {
            put = put.header(name.as_str(), value.as_str().unwrap_or_default());
        }
    }
    ensure!(
        put.body(late).send().await?.status().is_success(),
        "the late PUT lands"
    );
    ensure!(
        !w.objects_of(&app).await?.is_empty(),
        "the late write is there"
    );
    let mut not_yet = w.stage.state.clone();
    not_yet.clock = time::OffsetDateTime::now_utc;
    let report = lendverify_functions::erasure::sweep(&not_yet).await?;
    ensure!(
        !w.objects_of(&app).await?.is_empty(),
        "swept before it was due: {report:?}"
    );
    let mut due = w.stage.state.clone();
    due.clock = || time::OffsetDateTime::now_utc() + time::Duration::days(8);
    let report = lendverify_functions::erasure::sweep(&due).await?;
    ensure!(report.objects_deleted >= 1, "sweep: {report:?}");
    ensure!(
        w.objects_of(&app).await?.is_empty(),
        "the late write was swept"
    );
    let tombstone = w
        .item(&records::application_pk(&app), records::ERASURE_SK)
        .await?
        .context("tombstone")?;
    ensure!(
        tombstone.contains_key("sweptAt") && !tombstone.contains_key("sweep_queue"),
        "the erasure left the sweep index: {tombstone:?}"
    );
    Ok(())
}

/// Erasure and a running lending analysis (issue 12): a DELETE while Textract still runs is
/// 409 `analysis-running` and erases nothing (the job's output would land after it); once the job
/// has completed, the erasure goes through, the sweep finds nothing left under the application's
/// prefixes, and the decided application's evidence is in the evidence store.
async fn erasure_waits_for_a_running_analysis(w: Arc<World>) -> Result<()> {
    let (app, document) =
        start_package(&w, "otto", fixtures::lending_package("Otto Larsen")).await?;
    let api = w.user("otto").await?;
    // The emulator's job takes its lending delay; the DELETE is sent at once.
    let early = api.delete(&format!("/applications/{app}")).await?;
    let ran = early.status == 409;
    if ran {
        let problem = early.expect_problem(409)?;
        ensure!(
            problem["type"]
                .as_str()
                .is_some_and(|t| t.ends_with("/analysis-running")),
            "{problem}"
        );
        ensure!(
            w.item(&records::application_pk(&app), records::ERASURE_SK)
                .await?
                .is_none(),
            "a refused erasure wrote its tombstone"
        );
        let done = api.wait_for_document(&app, &document).await?;
        ensure!(done["status"] == "SUCCEEDED", "{done}");
        api.delete(&format!("/applications/{app}"))
            .await?
            .expect(204)?;
    } else {
        // The analysis had already ended, so the DELETE erased at once: there is no document left
        // to wait for (it answers 404 now), only the sweep and the evidence to check.
        eprintln!(
            "erasure_waits_for_a_running_analysis: the job ended before the DELETE ({})",
            early.status
        );
        early.expect(204)?;
    }
    let mut due = w.stage.state.clone();
    due.clock = || time::OffsetDateTime::now_utc() + time::Duration::days(8);
    lendverify_functions::erasure::sweep(&due).await?;
    ensure!(
        w.objects_of(&app).await?.is_empty(),
        "objects left under the application's prefixes"
    );
    let kept =
        w.s3.list_objects_v2()
            .bucket(w.env("EVIDENCE_BUCKET"))
            .prefix(format!("applications/{app}/"))
            .send()
            .await?
            .key_count()
            .unwrap_or_default();
    ensure!(kept >= 3, "the decided evidence is kept: {kept} objects");
    Ok(())
}
