//! Issue 11 end to end on the local stage: human review of NEEDS_REVIEW decisions, the audit
//! chain, the liveness lockout, final decisions, and signed decision webhooks to a lender.
//!
//! One stage serves every scenario. Its dispatcher (`deliver-decision-events`) posts to this
//! suite's webhook receiver (`support/webhook_receiver.py`), which checks every delivery with the
//! README's snippet (`docs/webhooks/verify_signature.py`) and records the accepted ones by
//! `webhook-id`. Scenarios run one at a time: the receiver's "fail the next N" switch is global.
//! Every wait polls against a deadline; nothing sleeps a fixed time to let work finish.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, ensure, Context, Result};
use aws_sdk_dynamodb::types::AttributeValue;
use lendverify_aws::records;
use lendverify_core::config::{self, vars};
use lendverify_core::error::problems;
use lendverify_core::webhook::{event_id, DecisionEventType};
use lendverify_e2e::webhooks::{stage_secret, WebhookReceiver};
use lendverify_e2e::{fixtures, Api, World};
use libtest_mimic::{Arguments, Trial};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The receiver's name in `WEBHOOK_ENDPOINTS` (and in the delivery records' `DELIVERY#{name}`).
const ENDPOINT: &str = "lender";
/// The `type` of every handler problem is this base and the problem's slug.
const PROBLEM_BASE: &str = "https://lendverify.dev/problems/";
/// How long a delivery may take: the dispatcher's in-process retries take a few seconds.
const DELIVERY_DEADLINE: Duration = Duration::from_secs(30);

type Item = HashMap<String, AttributeValue>;

/// The stage and the lender's receiver its dispatcher posts to.
struct Suite {
    world: World,
    receiver: WebhookReceiver,
}

impl Suite {
    async fn start() -> Result<Self> {
        let receiver = WebhookReceiver::start(0).await?;
        let endpoints = receiver.endpoints_json(ENDPOINT);
        let world = World::start_with(|options| {
            options.webhook_endpoints = Some(endpoints);
            // This suite's stage has a dev-like application quota, so a fourth application in a
            // day is refused on the stage itself (no scenario here makes more than three per user).
            options.environment_overrides.insert(
                "APPLICATIONS_PER_DAY".into(),
                APPLICATIONS_PER_DAY.to_string(),
            );
        })
        .await?;
        ensure!(
            world.stage.outputs.decision_queue_url.is_some(),
            "environments/local has no decision_queue_url: decision events would not be delivered"
        );
        let secret = stage_secret(&world.stage.moto_url, &world.env("WEBHOOK_SECRET_ARN")).await?;
        receiver.set_secret(&secret).await?;
        Ok(Self { world, receiver })
    }
}

/// The stage's `APPLICATIONS_PER_DAY`.
const APPLICATIONS_PER_DAY: usize = 3;

type Scenario = fn(Arc<Suite>) -> Pin<Box<dyn Future<Output = Result<()>> + Send>>;

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        vec![$((stringify!($name), (|s| Box::pin($name(s))) as Scenario)),*]
    };
}

fn main() {
    let mut args = Arguments::from_args();
    args.test_threads = Some(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let started = Instant::now();
    let suite = match runtime.block_on(Suite::start()) {
        Ok(suite) => Arc::new(suite),
        Err(err) => {
            eprintln!("could not start the local stage: {err:#}");
            std::process::exit(1);
        }
    };
    eprintln!("review_flow: stage up after {:.1?}", started.elapsed());
    let trials = scenarios![
        borderline_case_is_reviewed_approved_and_announced_once,
        review_routes_refuse_applicants_own_cases_and_strangers,
        sixth_liveness_failure_in_the_window_is_429,
        resubmission_after_rejected_is_409_and_writes_nothing,
        receiver_failing_twice_then_succeeding_gets_one_delivery,
        a_fourth_application_in_a_day_is_429_with_retry_after,
    ]
    .into_iter()
    .map(|(name, scenario)| {
        let suite = suite.clone();
        let handle = runtime.handle().clone();
        Trial::test(name, move || {
            let started = Instant::now();
            let outcome = handle.block_on(scenario(suite));
            eprintln!("{name}: {:.1?}", started.elapsed());
            outcome.map_err(|e| format!("{e:#}").into())
        })
    })
    .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    if let Ok(suite) = Arc::try_unwrap(suite) {
        let Suite { world, receiver } = suite;
        runtime.block_on(world.stop());
        drop(receiver);
    }
    eprintln!("review_flow: {:.1?} in all", started.elapsed());
    conclusion.exit();
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/// Borderline similarity → NEEDS_REVIEW → the reviewer finds the case, reads its numbers and
/// downloads its images → approves (a second decision is 409) → the applicant sees APPROVED →
/// both views of the audit trail, and the chain verifies by the server's verdict and by hashing
/// the stored bodies here → the lender receives the review decision exactly once, signed.
async fn borderline_case_is_reviewed_approved_and_announced_once(s: Arc<Suite>) -> Result<()> {
    let w = &s.world;
    let applicant = w.user("hana").await?;
    let case = borderline_case(w, &applicant, "hana").await?;
    let (app, verification) = (&case.app, &case.verification_id);

    // The decision is queued: the VERIFICATION item carries the sparse index's key.
    let stored = w
        .item(
            &records::application_pk(app),
            &records::verification_sk(verification),
        )
        .await?
        .context("verification item")?;
    ensure!(
        text(&stored, "review_queue") == Some(records::REVIEW_QUEUE)
            && text(&stored, "queued_at").is_some(),
        "a NEEDS_REVIEW decision is queued: {stored:?}"
    );

    // The queue lists it, oldest first.
    let reviewer = w.reviewer("rhea").await?;
    let queue = review_queue(&reviewer).await?;
    let listed = queue
        .iter()
        .find(|c| c["applicationId"] == app.as_str())
        .with_context(|| format!("{app} is not in the review queue: {queue:?}"))?;
    ensure!(
        listed["verificationId"] == verification.as_str()
            && listed["reasons"] == case.verdict["reasons"],
        "listed case: {listed}"
    );
    let queued: Vec<&str> = queue
        .iter()
        .filter_map(|c| c["queuedAt"].as_str())
        .collect();
    ensure!(
        queued.windows(2).all(|p| p[0] <= p[1]),
        "the queue is oldest first: {queued:?}"
    );

    // The case: numbers, thresholds, the masked document number, images that download.
    let detail = reviewer
        .get(&format!("/review/cases/{app}"))
        .await?
        .expect(200)?;
    let threshold = env_f64(w, vars::FACE_SIMILARITY_THRESHOLD)?;
    let band = env_f64(w, vars::FACE_SIMILARITY_REVIEW_BAND)?;
    ensure!(
        detail["decision"] == "NEEDS_REVIEW" && detail["verificationId"] == verification.as_str(),
        "case: {detail}"
    );
    ensure!(
        detail["reasons"] == json!(["FACE_SIMILARITY_BORDERLINE"]),
        "case: {detail}"
    );
    expect_number(
        &detail["scores"]["faceSimilarity"],
        case.similarity,
        "faceSimilarity",
    )?;
    expect_number(
        &detail["scores"]["livenessConfidence"],
        99.1,
        "livenessConfidence",
    )?;
    expect_number(
        &detail["thresholds"]["faceSimilarity"],
        threshold,
        "threshold",
    )?;
    expect_number(
        &detail["thresholds"]["faceSimilarityReviewBand"],
        band,
        "review band",
    )?;
    expect_number(
        &detail["livenessThresholds"]["passThreshold"],
        env_f64(w, vars::LIVENESS_PASS_THRESHOLD)?,
        "liveness pass threshold",
    )?;
    ensure!(
        detail["document"]["documentNumberMasked"] == "****4567",
        "masked document number: {detail}"
    );
    ensure!(
        !detail.to_string().contains("X1234567"),
        "the whole document number reached the reviewer: {detail}"
    );
    ensure!(detail["review"].is_null(), "not reviewed yet: {detail}");
    let images = detail["images"].as_array().context("images")?;
    let kinds: Vec<&str> = images.iter().filter_map(|i| i["kind"].as_str()).collect();
    for kind in ["ID_FRONT", "LIVENESS_REFERENCE"] {
        ensure!(kinds.contains(&kind), "no {kind} image: {kinds:?}");
    }
    for image in images {
        let bytes = download_presigned(w, image).await?;
        if image["kind"] == "ID_FRONT" {
            ensure!(bytes == case.id_front, "the ID front is the uploaded image");
        }
    }

    // The decision: the first one wins, a second one is 409 and changes nothing.
    let decided = reviewer
        .post(
            &format!("/review/cases/{app}/decisions"),
            json!({
                "decision": "APPROVED",
                "reasonCodes": ["FACE_MATCH_CONFIRMED"],
                "note": "Same person; the passport photo is older."
            }),
        )
        .await?
        .expect(201)?;
    ensure!(
        decided["decision"] == "APPROVED"
            && decided["reasonCodes"] == json!(["FACE_MATCH_CONFIRMED"])
            && decided["verificationId"] == verification.as_str(),
        "decision: {decided}"
    );
    let after_first = snapshot(w, app).await?;
    let second = reviewer
        .post(
            &format!("/review/cases/{app}/decisions"),
            json!({ "decision": "REJECTED", "reasonCodes": ["FACE_MISMATCH"] }),
        )
        .await?
        .expect_problem(409)?;
    expect_type(&second, problems::REVIEW_ALREADY_DECIDED)?;
    ensure!(
        snapshot(w, app).await? == after_first,
        "the refused second decision wrote something"
    );

    // What the table says: the review item, and the case has left the queue.
    let review = w
        .item(
            &records::application_pk(app),
            &records::review_sk(verification),
        )
        .await?
        .context("REVIEW item")?;
    let review: records::ReviewItem = serde_dynamo::from_item(review)?;
    ensure!(
        review.decision.as_str() == "APPROVED"
            && review.reason_codes == ["FACE_MATCH_CONFIRMED"]
            && review.verification_id == *verification,
        "{review:?}"
    );
    let reviewer_sub = review.reviewer_sub;
    let stored = w
        .item(
            &records::application_pk(app),
            &records::verification_sk(verification),
        )
        .await?
        .context("verification item")?;
    ensure!(
        !stored.contains_key("review_queue"),
        "the decided case is still queued: {stored:?}"
    );
    ensure!(
        !review_queue(&reviewer)
            .await?
            .iter()
            .any(|c| c["applicationId"] == app.as_str()),
        "the decided case is still listed"
    );

    // The applicant sees the reviewed decision.
    let whole = applicant
        .get(&format!("/applications/{app}"))
        .await?
        .expect(200)?;
    ensure!(
        whole["identity"]["decision"] == "APPROVED",
        "application: {whole}"
    );

    // The audit trail: recomputed from the stored bodies, and as both routes answer it.
    let chain = stored_chain(w, app).await?;
    let bodies = recompute_chain(app, &chain)?;
    let kinds: Vec<&str> = bodies.iter().filter_map(|b| b["kind"].as_str()).collect();
    ensure!(
        kinds
            == [
                "application.created",
                "consent.given",
                "liveness.decided",
                "identity.decided",
                "review.decided"
            ],
        "events: {kinds:?}"
    );
    let reviewed = &bodies[4];
    ensure!(
        reviewed["actor"] == json!({ "type": "reviewer", "sub": reviewer_sub })
            && reviewed["stateBefore"] == "NEEDS_REVIEW"
            && reviewed["stateAfter"] == "REVIEWED_APPROVED"
            && reviewed["reasonCodes"] == json!(["FACE_MATCH_CONFIRMED"]),
        "review event: {reviewed}"
    );
    let identity = &bodies[3];
    ensure!(
        identity["stateAfter"] == "NEEDS_REVIEW" && !identity["thresholds"].is_null(),
        "identity event: {identity}"
    );

    let full = reviewer
        .get(&format!("/review/cases/{app}/events"))
        .await?
        .expect(200)?;
    let head = chain.events.last().context("no events")?;
    ensure!(
        full["chainVerified"] == true
            && full["verification"]["verified"] == true
            && full["verification"]["headSeq"] == head.seq
            && full["verification"]["headHash"] == head.hash.as_str(),
        "the server's verdict: {full}"
    );
    let full_events = full["events"].as_array().context("events")?;
    ensure!(full_events.len() == bodies.len(), "reviewer events: {full}");
    for ((event, body), stored) in full_events.iter().zip(&bodies).zip(&chain.events) {
        let mut shown = event.clone();
        let hash = shown
            .as_object_mut()
            .and_then(|o| o.remove("hash"))
            .context("hash")?;
        ensure!(
            hash == stored.hash.as_str() && shown == *body,
            "the reviewer sees the stored event {body} as {event}"
        );
    }

    let own = applicant
        .get(&format!("/applications/{app}/events"))
        .await?
        .expect(200)?;
    ensure!(own["chainVerified"] == true, "applicant view: {own}");
    let own_events = own["events"].as_array().context("events")?;
    ensure!(own_events.len() == bodies.len(), "applicant view: {own}");
    let allowed = [
        "seq",
        "hash",
        "kind",
        "at",
        "actor",
        "reasonCodes",
        "stateBefore",
        "stateAfter",
    ];
    for (event, stored) in own_events.iter().zip(&chain.events) {
        let fields = event.as_object().context("event")?;
        ensure!(
            fields.keys().all(|k| allowed.contains(&k.as_str())),
            "the applicant sees more than the summary: {event}"
        );
        ensure!(
            event["seq"] == stored.seq
                && event["hash"] == stored.hash.as_str()
                && event["actor"].is_string(),
            "applicant event: {event}"
        );
    }
    let own_text = own.to_string();
    ensure!(
        !own_text.contains(&reviewer_sub) && !own_text.contains("confidence"),
        "no reviewer identity or raw scores for the applicant: {own}"
    );

    // The lender hears about the review decision exactly once, correctly signed; the
    // NEEDS_REVIEW decision itself is not a final decision and is not announced.
    let id = event_id(DecisionEventType::ReviewDecided, verification);
    let seen = s.receiver.wait_for(&id, DELIVERY_DEADLINE).await?;
    ensure!(seen.refused.is_empty(), "refused deliveries: {seen:?}");
    let delivered = seen.of(&id);
    ensure!(delivered.len() == 1, "deliveries of {id}: {delivered:?}");
    let event: Value = serde_json::from_str(&delivered[0].body)?;
    ensure!(
        event["id"] == id.as_str()
            && event["type"] == "review.decided"
            && event["applicationId"] == app.as_str()
            && event["data"]["decision"] == "APPROVED"
            && event["data"]["verificationId"] == verification.as_str(),
        "delivered event: {event}"
    );
    let identity_event = event_id(DecisionEventType::IdentityDecided, verification);
    ensure!(
        seen.of(&identity_event).is_empty(),
        "a NEEDS_REVIEW decision was announced as final"
    );
    expect_delivery_record(w, &id, 1).await?;
    Ok(())
}

/// Review routes are for reviewers, never on their own application; applicants' audit trails
/// are their own (404 for anyone else, reviewers included on applicant routes).
async fn review_routes_refuse_applicants_own_cases_and_strangers(s: Arc<Suite>) -> Result<()> {
    let w = &s.world;
    let applicant = w.user("ivan").await?;
    let case = borderline_case(w, &applicant, "ivan").await?;
    let app = &case.app;
    let before = snapshot(w, app).await?;

    let decision = json!({ "decision": "APPROVED", "reasonCodes": ["FACE_MATCH_CONFIRMED"] });
    for (what, answer) in [
        ("list", applicant.get("/review/cases").await?),
        (
            "case",
            applicant.get(&format!("/review/cases/{app}")).await?,
        ),
        (
            "decide",
            applicant
                .post(&format!("/review/cases/{app}/decisions"), decision.clone())
                .await?,
        ),
        (
            "events",
            applicant
                .get(&format!("/review/cases/{app}/events"))
                .await?,
        ),
    ] {
        let problem = answer
            .expect_problem(403)
            .with_context(|| format!("an applicant on the reviewer route '{what}'"))?;
        expect_type(&problem, "forbidden")?;
    }

    // A reviewer who is also an applicant: their own case is not theirs to review.
    let reviewer = w.reviewer("rhea").await?;
    let own = borderline_case(w, &reviewer, "rhea").await?;
    let own_before = snapshot(w, &own.app).await?;
    for (what, answer) in [
        (
            "case",
            reviewer.get(&format!("/review/cases/{}", own.app)).await?,
        ),
        (
            "decide",
            reviewer
                .post(
                    &format!("/review/cases/{}/decisions", own.app),
                    decision.clone(),
                )
                .await?,
        ),
        (
            "events",
            reviewer
                .get(&format!("/review/cases/{}/events", own.app))
                .await?,
        ),
    ] {
        let problem = answer
            .expect_problem(403)
            .with_context(|| format!("a reviewer on their own application: '{what}'"))?;
        expect_type(&problem, "forbidden")?;
    }
    ensure!(
        snapshot(w, &own.app).await? == own_before,
        "a refused self-review wrote something"
    );

    // Someone else's audit trail does not exist for an applicant, nor for a reviewer acting
    // through the applicant routes.
    let stranger = w.user("judy").await?;
    stranger
        .get(&format!("/applications/{app}/events"))
        .await?
        .expect_problem(404)?;
    reviewer
        .get(&format!("/applications/{app}/events"))
        .await?
        .expect_problem(404)?;
    reviewer
        .get(&format!("/applications/{app}"))
        .await?
        .expect_problem(404)?;
    ensure!(
        snapshot(w, app).await? == before,
        "a refused request wrote something"
    );
    // The owner still reads their own.
    let own_trail = applicant
        .get(&format!("/applications/{app}/events"))
        .await?
        .expect(200)?;
    ensure!(own_trail["chainVerified"] == true, "{own_trail}");
    Ok(())
}

/// After LIVENESS_LOCKOUT_FAILURES failed sessions within the window, the next session is
/// refused with 429 and Retry-After, no session is opened, and the lockout is recorded once.
async fn sixth_liveness_failure_in_the_window_is_429(s: Arc<Suite>) -> Result<()> {
    let w = &s.world;
    let failures = env_u32(
        w,
        vars::LIVENESS_LOCKOUT_FAILURES,
        config::DEFAULT_LIVENESS_LOCKOUT_FAILURES,
    )?;
    let window = env_u32(
        w,
        vars::LIVENESS_LOCKOUT_WINDOW_SECONDS,
        config::DEFAULT_LIVENESS_LOCKOUT_WINDOW_SECONDS,
    )?;
    let api = w.user("kate").await?;
    let app = api.create_application(fixtures::applicant()).await?;
    let first_failure = unix_now();
    for attempt in 1..=failures {
        let liveness = api.pass_liveness(&app, "kate", 12.0).await?;
        ensure!(
            liveness["status"] == "FAILED",
            "attempt {attempt}: {liveness}"
        );
    }
    let sub = owner_sub(w, &app).await?;
    let applicant_pk = records::applicant_pk(&sub);
    let applicant_items = |prefix: &'static str| {
        let pk = applicant_pk.clone();
        async move {
            Ok::<_, anyhow::Error>(
                partition(w, "APPLICATIONS_TABLE", &pk)
                    .await?
                    .into_iter()
                    .filter(|i| text(i, "sk").is_some_and(|sk| sk.starts_with(prefix)))
                    .count(),
            )
        }
    };
    ensure!(
        applicant_items(records::LIVENESS_FAILURE_PREFIX).await? == failures as usize,
        "one failure item per failed session"
    );
    ensure!(
        applicant_items(records::LIVENESS_LOCKOUT_PREFIX).await? == 0,
        "no lockout before the limit"
    );

    let sessions_before = w.emulator_calls().await?["CreateFaceLivenessSession"].clone();
    let liveness_before: Vec<String> = w
        .items_of(&app)
        .await?
        .into_iter()
        .map(|(_, sk)| sk)
        .filter(|sk| sk.starts_with(records::LIVENESS_PREFIX))
        .collect();
    for refused in 1..=2 {
        let answer = api
            .post(&format!("/applications/{app}/liveness-sessions"), json!({}))
            .await?;
        let retry_after = answer.retry_after.clone();
        let problem = answer.expect_problem(429)?;
        expect_type(&problem, problems::LIVENESS_LOCKED_OUT)?;
        let retry_after: i64 = retry_after
            .with_context(|| format!("429 #{refused} without Retry-After"))?
            .parse()
            .context("Retry-After is whole seconds")?;
        // Until the oldest counted failure leaves the window.
        let elapsed = unix_now() - first_failure;
        ensure!(
            (i64::from(window) - elapsed - 1..=i64::from(window)).contains(&retry_after),
            "Retry-After {retry_after} s, {elapsed} s after the first failure of a {window} s window"
        );
    }
    ensure!(
        w.emulator_calls().await?["CreateFaceLivenessSession"] == sessions_before,
        "a locked-out applicant got a liveness session"
    );
    let liveness_after: Vec<String> = w
        .items_of(&app)
        .await?
        .into_iter()
        .map(|(_, sk)| sk)
        .filter(|sk| sk.starts_with(records::LIVENESS_PREFIX))
        .collect();
    ensure!(
        liveness_after == liveness_before,
        "a refused request recorded a session"
    );
    ensure!(
        applicant_items(records::LIVENESS_LOCKOUT_PREFIX).await? == 1,
        "the lockout is recorded once"
    );
    let chain = stored_chain(w, &app).await?;
    let bodies = recompute_chain(&app, &chain)?;
    let locked: Vec<&Value> = bodies
        .iter()
        .filter(|b| b["kind"] == "liveness.locked_out")
        .collect();
    ensure!(
        locked.len() == 1
            && locked[0]["thresholds"]["livenessLockoutFailures"] == failures
            && locked[0]["thresholds"]["livenessLockoutWindowSeconds"] == window,
        "one lockout event with its thresholds: {locked:?}"
    );
    let trail = api
        .get(&format!("/applications/{app}/events"))
        .await?
        .expect(200)?;
    ensure!(trail["chainVerified"] == true, "{trail}");
    Ok(())
}

/// A REJECTED decision is final: a new submission is 409 `decision-final` naming the state,
/// nothing is analysed or written, and the rejection was announced to the lender once.
async fn resubmission_after_rejected_is_409_and_writes_nothing(s: Arc<Suite>) -> Result<()> {
    let w = &s.world;
    let api = w.user("liam").await?;
    let app = api.create_application(fixtures::applicant()).await?;
    api.pass_liveness(&app, "liam", 99.0).await?;
    let mut impostor = fixtures::good_passport("mallory");
    impostor.face = "mallory";
    let front = api
        .upload(
            &app,
            "ID_FRONT",
            "image/png",
            fixtures::passport_png(&impostor),
        )
        .await?;
    let path = format!("/applications/{app}/identity-verifications");
    let rejected = api
        .post(&path, json!({ "idFrontUploadId": front }))
        .await?
        .expect(200)?;
    ensure!(rejected["decision"] == "REJECTED", "verdict: {rejected}");
    let verification = rejected["verificationId"]
        .as_str()
        .context("verificationId")?;

    // A new, genuine ID: refused before any analysis.
    let retry = api
        .upload(
            &app,
            "ID_FRONT",
            "image/png",
            fixtures::passport_png(&fixtures::good_passport("liam")),
        )
        .await?;
    let before = snapshot(w, &app).await?;
    let calls_before = w.emulator_calls().await?;
    let problem = api
        .post(&path, json!({ "idFrontUploadId": retry }))
        .await?
        .expect_problem(409)?;
    expect_type(&problem, problems::DECISION_FINAL)?;
    ensure!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("REJECTED")),
        "the problem names the state: {problem}"
    );
    let calls = w.emulator_calls().await?;
    for op in ["AnalyzeID", "CompareFaces"] {
        ensure!(calls[op] == calls_before[op], "{op} was called: {calls}");
    }
    ensure!(
        snapshot(w, &app).await? == before,
        "the refused submission wrote something"
    );
    let whole = api
        .get(&format!("/applications/{app}"))
        .await?
        .expect(200)?;
    ensure!(
        whole["identity"]["decision"] == "REJECTED"
            && whole["identity"]["verificationId"] == verification,
        "the decision stands: {whole}"
    );

    // The rejection itself was a final decision: announced once.
    let id = event_id(DecisionEventType::IdentityDecided, verification);
    let seen = s.receiver.wait_for(&id, DELIVERY_DEADLINE).await?;
    let delivered = seen.of(&id);
    ensure!(delivered.len() == 1, "deliveries of {id}: {delivered:?}");
    let event: Value = serde_json::from_str(&delivered[0].body)?;
    ensure!(
        event["type"] == "identity.decided" && event["data"]["decision"] == "REJECTED",
        "delivered event: {event}"
    );
    Ok(())
}

/// A receiver that answers 503 twice, then 2xx: the dispatcher retries with backoff and the
/// event is accepted exactly once; its delivery record says DELIVERED after three POSTs, and
/// SQS holds nothing more to redeliver.
async fn receiver_failing_twice_then_succeeding_gets_one_delivery(s: Arc<Suite>) -> Result<()> {
    let w = &s.world;
    // Earlier scenarios' deliveries are finished first, so the two failures are this event's.
    decision_queue_drained(w).await?;
    s.receiver.fail_first(2).await?;
    let api = w.user("mona").await?;
    let app = api.create_application(fixtures::applicant()).await?;
    api.pass_liveness(&app, "mona", 99.1).await?;
    let front = api
        .upload(
            &app,
            "ID_FRONT",
            "image/png",
            fixtures::passport_png(&fixtures::good_passport("mona")),
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
    let verification = verdict["verificationId"]
        .as_str()
        .context("verificationId")?;
    let id = event_id(DecisionEventType::IdentityDecided, verification);

    let seen = s.receiver.wait_for(&id, DELIVERY_DEADLINE).await?;
    ensure!(
        seen.failed_on_purpose == 2 && seen.attempts == 3 && seen.refused.is_empty(),
        "two failures, then one accepted POST: {seen:?}"
    );
    let delivered = seen.of(&id);
    ensure!(delivered.len() == 1, "deliveries of {id}: {delivered:?}");
    ensure!(
        seen.accepted.len() == 1,
        "nothing else was delivered: {seen:?}"
    );
    let event: Value = serde_json::from_str(&delivered[0].body)?;
    ensure!(
        event["type"] == "identity.decided"
            && event["applicationId"] == app.as_str()
            && event["data"]["decision"] == "APPROVED",
        "delivered event: {event}"
    );
    expect_delivery_record(w, &id, 3).await?;
    decision_queue_drained(w).await?;
    let later = s.receiver.deliveries().await?;
    ensure!(
        later.of(&id).len() == 1,
        "delivered again after the queue drained: {later:?}"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// A NEEDS_REVIEW identity decision and what produced it.
struct Case {
    app: String,
    verification_id: String,
    verdict: Value,
    /// CompareFaces similarity the emulator reported: inside the review band.
    similarity: f64,
    /// The uploaded ID front.
    id_front: Vec<u8>,
}

/// An application of `face` whose ID photo matches the liveness face only at a similarity in
/// the middle of the review band (the emulator's `<face>~<similarity>`): NEEDS_REVIEW.
async fn borderline_case(w: &World, api: &Api<'_>, face: &str) -> Result<Case> {
    let threshold = env_f64(w, vars::FACE_SIMILARITY_THRESHOLD)?;
    let band = env_f64(w, vars::FACE_SIMILARITY_REVIEW_BAND)?;
    ensure!(
        band > 0.0,
        "FACE_SIMILARITY_REVIEW_BAND is 0: nothing reaches review"
    );
    let similarity = ((threshold - band / 2.0) * 10.0).round() / 10.0;
    let app = api.create_application(fixtures::applicant()).await?;
    let liveness = api.pass_liveness(&app, face, 99.1).await?;
    ensure!(liveness["status"] == "PASSED", "liveness: {liveness}");
    let borderline_face = format!("{face}~{similarity:.1}");
    let id_front = fixtures::passport_png(&fixtures::good_passport(&borderline_face));
    let upload = api
        .upload(&app, "ID_FRONT", "image/png", id_front.clone())
        .await?;
    let verdict = api
        .post(
            &format!("/applications/{app}/identity-verifications"),
            json!({ "idFrontUploadId": upload }),
        )
        .await?
        .expect(200)?;
    ensure!(
        verdict["decision"] == "NEEDS_REVIEW",
        "similarity {similarity} (threshold {threshold}, band {band}): {verdict}"
    );
    let verification_id = verdict["verificationId"]
        .as_str()
        .context("verificationId")?
        .to_string();
    Ok(Case {
        app,
        verification_id,
        verdict,
        similarity,
        id_front,
    })
}

/// Every case of the review queue, all pages, in the order listed.
async fn review_queue(reviewer: &Api<'_>) -> Result<Vec<Value>> {
    let mut cases = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..100 {
        let path = match &token {
            Some(t) => format!("/review/cases?limit=100&nextToken={t}"),
            None => "/review/cases?limit=100".to_string(),
        };
        let page = reviewer.get(&path).await?.expect(200)?;
        cases.extend(page["cases"].as_array().context("cases")?.iter().cloned());
        match page["nextToken"].as_str() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(cases),
        }
    }
    bail!("the review queue did not end within 100 pages")
}

/// GETs a presigned image URL as a browser would: 200, an image, and the URL lives at most 60 s.
async fn download_presigned(w: &World, image: &Value) -> Result<Vec<u8>> {
    let kind = image["kind"].as_str().context("kind")?;
    let url = image["url"].as_str().context("url")?;
    let parsed = reqwest::Url::parse(url)?;
    let expires: u64 = parsed
        .query_pairs()
        .find(|(k, _)| k == "X-Amz-Expires")
        .with_context(|| format!("{kind}: not a presigned URL: {url}"))?
        .1
        .parse()?;
    ensure!(
        (1..=60).contains(&expires),
        "{kind}: URL valid for {expires} s"
    );
    let response = w.http.get(url).send().await?;
    let status = response.status();
    let bytes = response.bytes().await?.to_vec();
    ensure!(
        status == 200,
        "{kind}: GET {url}: {status} {}",
        String::from_utf8_lossy(&bytes)
    );
    let png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
    let jpeg = bytes.starts_with(&[0xff, 0xd8, 0xff]);
    ensure!(png || jpeg, "{kind}: not an image ({} bytes)", bytes.len());
    Ok(bytes)
}

/// One event as the audit table stores it.
struct StoredEvent {
    seq: u64,
    body: String,
    hash: String,
}

/// An application's audit chain read directly from the audit table.
struct StoredChain {
    events: Vec<StoredEvent>,
    head: Option<(u64, String)>,
}

async fn stored_chain(w: &World, app: &str) -> Result<StoredChain> {
    let mut chain = StoredChain {
        events: Vec::new(),
        head: None,
    };
    for item in partition(w, "AUDIT_TABLE", &records::application_pk(app)).await? {
        let sk = text(&item, "sk").context("sk")?;
        let seq = number(&item, "seq").with_context(|| format!("{sk}: seq"))?;
        let hash = text(&item, "hash")
            .with_context(|| format!("{sk}: hash"))?
            .to_string();
        if sk == "HEAD" {
            chain.head = Some((seq, hash));
        } else {
            ensure!(sk == format!("EVENT#{seq:010}"), "{sk} holds seq {seq}");
            let body = text(&item, "body")
                .with_context(|| format!("{sk}: body"))?
                .to_string();
            chain.events.push(StoredEvent { seq, body, hash });
        }
    }
    Ok(chain)
}

/// Verifies the chain here, without the domain code: seq 1, 2, …; each hash is the SHA-256 of
/// its body; each body names the application, its seq and the previous hash (64 zeros first);
/// HEAD is the last event. Returns the parsed bodies.
fn recompute_chain(app: &str, chain: &StoredChain) -> Result<Vec<Value>> {
    let mut previous = "0".repeat(64);
    let mut bodies = Vec::new();
    for (index, event) in chain.events.iter().enumerate() {
        let seq = index as u64 + 1;
        ensure!(
            event.seq == seq,
            "event {} where {seq} was expected",
            event.seq
        );
        let digest: String = Sha256::digest(event.body.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        ensure!(
            digest == event.hash,
            "event {seq}: stored hash {} but the body hashes to {digest}",
            event.hash
        );
        let body: Value = serde_json::from_str(&event.body)?;
        ensure!(
            body["applicationId"] == app && body["seq"] == seq && body["prevHash"] == previous,
            "event {seq} does not link to {previous}: {body}"
        );
        previous = event.hash.clone();
        bodies.push(body);
    }
    ensure!(!bodies.is_empty(), "no audit events for {app}");
    ensure!(
        chain.head == Some((bodies.len() as u64, previous.clone())),
        "HEAD {:?} is not the last event ({}, {previous})",
        chain.head,
        bodies.len()
    );
    Ok(bodies)
}

/// Every item of one partition, consistently read, in key order.
async fn partition(w: &World, table: &str, pk: &str) -> Result<Vec<Item>> {
    Ok(w.dynamodb
        .query()
        .table_name(w.env(table))
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", AttributeValue::S(pk.to_string()))
        .consistent_read(true)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await?)
}

/// Everything stored about an application: its items and its audit chain, whole.
async fn snapshot(w: &World, app: &str) -> Result<(Vec<Item>, Vec<Item>)> {
    let pk = records::application_pk(app);
    Ok((
        partition(w, "APPLICATIONS_TABLE", &pk).await?,
        partition(w, "AUDIT_TABLE", &pk).await?,
    ))
}

async fn owner_sub(w: &World, app: &str) -> Result<String> {
    let item = w
        .item(&records::application_pk(app), records::APPLICATION_SK)
        .await?
        .context("application item")?;
    let application: records::ApplicationItem = serde_dynamo::from_item(item)?;
    Ok(application.owner_sub)
}

/// The delivery record of an event to the suite's endpoint: DELIVERED after `attempts` POSTs.
async fn expect_delivery_record(w: &World, event_id: &str, attempts: u64) -> Result<()> {
    let pk = format!("EVENT#{event_id}");
    let sk = format!("DELIVERY#{ENDPOINT}");
    let record = w
        .item(&pk, &sk)
        .await?
        .with_context(|| format!("no delivery record {pk} {sk}"))?;
    ensure!(
        text(&record, "status") == Some("DELIVERED")
            && number(&record, "attempts") == Some(attempts),
        "delivery record: {record:?}"
    );
    Ok(())
}

/// Waits until the decision deliveries queue holds nothing, visible or in flight.
async fn decision_queue_drained(w: &World) -> Result<()> {
    let queue = w
        .stage
        .outputs
        .decision_queue_url
        .as_deref()
        .context("decision_queue_url")?;
    let left = w.wait_until_drained(queue, DELIVERY_DEADLINE).await?;
    ensure!(
        left.is_empty(),
        "the decision deliveries queue still holds {left} after {DELIVERY_DEADLINE:?}"
    );
    Ok(())
}

fn expect_type(problem: &Value, slug: &str) -> Result<()> {
    ensure!(
        problem["type"] == format!("{PROBLEM_BASE}{slug}"),
        "expected problem type {slug}: {problem}"
    );
    Ok(())
}

/// A JSON number close to `expected` (scores travel as f32).
fn expect_number(actual: &Value, expected: f64, what: &str) -> Result<()> {
    let value = actual
        .as_f64()
        .with_context(|| format!("{what} is not a number: {actual}"))?;
    ensure!(
        (value - expected).abs() < 0.01,
        "{what}: {value}, expected {expected}"
    );
    Ok(())
}

fn env_f64(w: &World, name: &str) -> Result<f64> {
    w.env(name)
        .parse()
        .with_context(|| format!("{name} = {:?}", w.env(name)))
}

/// An optional limit of the handler environment, its default when unset.
fn env_u32(w: &World, name: &str, default: u32) -> Result<u32> {
    let raw = w.env(name);
    if raw.trim().is_empty() {
        return Ok(default);
    }
    raw.trim()
        .parse()
        .with_context(|| format!("{name} = {raw:?}"))
}

fn text<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

fn number(item: &Item, name: &str) -> Option<u64> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|n| n.parse().ok())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Quotas (issue 12): with `APPLICATIONS_PER_DAY` = 3, one caller's fourth application within 24
/// hours is a 429 `application-quota-exceeded` whose `Retry-After` is when the oldest of the three
/// leaves the window, and nothing is written; another caller is not affected.
async fn a_fourth_application_in_a_day_is_429_with_retry_after(s: Arc<Suite>) -> Result<()> {
    let w = &s.world;
    let api = w.user("quinn").await?;
    for _ in 0..APPLICATIONS_PER_DAY {
        api.create_application(fixtures::applicant()).await?;
    }
    let before = w.item_count().await?;
    let refused = api
        .post(
            "/applications",
            json!({ "applicant": fixtures::applicant() }),
        )
        .await?;
    let retry_after: u64 = refused
        .retry_after
        .clone()
        .context("Retry-After")?
        .parse()
        .context("Retry-After in seconds")?;
    let problem = refused.expect_problem(429)?;
    ensure!(
        problem["type"]
            .as_str()
            .is_some_and(|t| t.ends_with("/application-quota-exceeded")),
        "{problem}"
    );
    ensure!(
        (23 * 60 * 60..=24 * 60 * 60).contains(&retry_after),
        "the oldest application leaves the window in about a day: Retry-After {retry_after}"
    );
    ensure!(
        w.item_count().await? == before,
        "a refused application wrote an item"
    );
    w.user("rosa")
        .await?
        .create_application(fixtures::applicant())
        .await?;
    Ok(())
}
