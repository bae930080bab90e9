//! The error table (`handlers/aws/src/error/table.rs`), walked end to end: every row is injected
//! on the routes that call its operation, and the answer is the documented one, with nothing
//! half-written (read back from moto directly).
//!
//! Rekognition and Textract errors are injected with the emulator's fault control; DynamoDB, S3,
//! SNS and Secrets Manager errors with the fault proxy in front of moto
//! (`support/fault_proxy.rs`), and moto's own
//! behaviour is used where it produces the error naturally (an upload never PUT). Rows specific
//! to an operation are walked on every route that calls it; the service-wide rows on the first
//! route of each operation of the service; the AWS-wide rows (one row each, answered alike by
//! every operation) once per service, on a cheap route. The walk ends by checking that no row
//! was left out.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use aws_lambda_events::event::sqs::SqsEvent;
use aws_sdk_dynamodb::types::AttributeValue;
use lendverify_aws::error::table::{rows_of, Answer as Documented, Op, Row, Scope, Service};
use lendverify_aws::records::{self, DocumentItem};
use lendverify_core::lending::DocumentStatus;
use lendverify_e2e::fault_proxy::status_of;
use lendverify_e2e::fault_stage::{FaultStage, Receiver};
use lendverify_e2e::{fixtures, Answer, Api, World};
use serde_json::{json, Value};

type Item = HashMap<String, AttributeValue>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Route {
    CreateWithKey,
    CreateWithoutKey,
    List,
    Get,
    Erase,
    Consent,
    LivenessCreate,
    LivenessGet,
    LivenessGetAfterRace,
    Upload,
    BrowserPut,
    Verify,
    StartDocument,
    GetDocument,
    Events,
    Consumer,
    ConsumerErased,
    Dispatcher,
}

impl Route {
    fn name(self) -> &'static str {
        match self {
            Route::CreateWithKey => "POST /applications (Idempotency-Key)",
            Route::CreateWithoutKey => "POST /applications",
            Route::List => "GET /applications",
            Route::Get => "GET /applications/{id}",
            Route::Erase => "DELETE /applications/{id}",
            Route::Consent => "PUT .../consent",
            Route::LivenessCreate => "POST .../liveness-sessions",
            Route::LivenessGet => "GET .../liveness-sessions/{id}",
            Route::LivenessGetAfterRace => "GET .../liveness-sessions/{id} (lost race)",
            Route::Upload => "POST .../uploads",
            Route::BrowserPut => "PUT <presigned URL>",
            Route::Verify => "POST .../identity-verifications",
            Route::StartDocument => "POST .../documents",
            Route::GetDocument => "GET .../documents/{id}",
            Route::Events => "GET .../events",
            Route::Consumer => "lending consumer",
            Route::ConsumerErased => "lending consumer (erased application)",
            Route::Dispatcher => "decision event dispatcher",
        }
    }
}

/// The routes that call each operation; the first also walks the service- and AWS-wide rows.
fn routes_of(op: Op) -> &'static [Route] {
    use Route::*;
    match op {
        // `Events` reads the audit table: its chain head (GetItem) and its events (Query).
        Op::GetItem => &[CreateWithKey, LivenessGetAfterRace, ConsumerErased, Events],
        Op::Query => &[
            Get,
            List,
            Consent,
            LivenessCreate,
            LivenessGet,
            Upload,
            Verify,
            StartDocument,
            GetDocument,
            Erase,
            Consumer,
            Events,
        ],
        Op::PutItem => &[LivenessCreate, Upload, Verify, StartDocument, Erase],
        Op::DeleteItem => &[Erase],
        // A state change and its audit event are one transaction.
        Op::TransactWriteItems => &[
            CreateWithKey,
            CreateWithoutKey,
            Consent,
            LivenessGet,
            Verify,
            Consumer,
            Erase,
        ],
        Op::GetObject => &[StartDocument, Verify],
        Op::ListObjectVersions | Op::DeleteObjects => &[Erase],
        // Only the erasure of a decided application keeps evidence; the walk erases fresh
        // applications (handlers/functions/tests/erasure.rs answers these errors instead).
        Op::PutEvidence => &[],
        Op::PutObject => &[BrowserPut],
        Op::CreateFaceLivenessSession => &[LivenessCreate],
        Op::GetFaceLivenessSessionResults => &[LivenessGet],
        Op::CompareFaces | Op::AnalyzeId => &[Verify],
        Op::StartLendingAnalysis => &[StartDocument],
        Op::GetLendingAnalysis | Op::GetLendingAnalysisSummary => &[Consumer],
        // A final identity decision is published after it is stored (and its audit event
        // appended), so each probe decides a fresh application.
        Op::Publish => &[Verify],
        // The signing secret, read by the dispatcher before its first POST.
        Op::GetSecretValue => &[Dispatcher],
    }
}

/// The operation whose first route walks AWS's common rows for a service: a cheap one, since
/// every operation of the service answers them the same way (they are one row each).
fn common_host(service: Service) -> Op {
    match service {
        Service::DynamoDb => Op::Query,
        Service::S3 => Op::GetObject,
        Service::Rekognition => Op::CreateFaceLivenessSession,
        Service::Textract => Op::GetLendingAnalysisSummary,
        Service::Sns => Op::Publish,
        Service::SecretsManager => Op::GetSecretValue,
    }
}

/// The operation that walks an AWS-wide row for its service: the host, or else the first
/// operation of the service that does not override the row with its own.
fn walks_common_row(service: Service, code: &str) -> Option<Op> {
    std::iter::once(common_host(service))
        .chain(Op::ALL.into_iter().filter(|op| op.service() == service))
        .find(|op| {
            rows_of(*op)
                .iter()
                .any(|r| r.scope == Scope::Any && r.code == code)
        })
}

/// The rows walked for `op` on its `index`-th route: the operation's own rows on every route;
/// its service's rows on the first route; AWS-wide rows once per service.
fn rows(op: Op, index: usize) -> Vec<&'static Row> {
    rows_of(op)
        .into_iter()
        .filter(|r| match r.scope {
            Scope::Op(_) => true,
            Scope::Service(_) => index == 0,
            Scope::Any => index == 0 && walks_common_row(op.service(), r.code) == Some(op),
        })
        .collect()
}

/// What a probe must see.
#[derive(Debug)]
enum Expect {
    /// A problem answer: status, problem type, and the upload field it names.
    Problem(u16, &'static str, Option<&'static str>),
    /// A success answer with this status.
    Status(u16),
    /// Consumer: the record is reported for redelivery.
    Redelivered,
    /// Consumer: the record is acknowledged.
    Acknowledged,
    /// 503 with a `Retry-After` of the route's own choosing.
    Busy,
}

/// What a probe may write.
#[derive(Debug, PartialEq)]
enum Writes {
    Nothing,
    /// The documented write (a decision, an EXPIRED session, a rejected upload's mark…),
    /// checked by the probe itself.
    Documented,
}

/// The ids the probes of one application use.
struct Ctx {
    app: String,
    front: String,
    package: String,
    document_package: String,
    document: String,
    session: String,
    /// The consumer's document, as first stored, and its finished job.
    consumer: Option<(DocumentItem, String)>,
}

struct Walk<'w> {
    w: &'w World,
    stage: &'w FaultStage,
    api: Api<'w>,
    /// The same user on the stage's own API, which no fault reaches.
    own: Api<'w>,
    walked: BTreeSet<(Op, &'static str)>,
    report: BTreeMap<(Route, &'static str), usize>,
    time: BTreeMap<Route, Duration>,
    probes: usize,
    /// (operation, answer) pairs whose erasure was resumed to the end once.
    resumed: BTreeSet<(Op, &'static str)>,
    /// Whether an emulator fault may be armed (cleared after the probe).
    emulator_armed: std::sync::Mutex<bool>,
}

pub async fn every_error_of_the_table_is_answered_as_documented(w: Arc<World>) -> Result<()> {
    let started = Instant::now();
    let stage = FaultStage::start(&w).await?;
    let own = w.user("walker").await?;
    let api = w.user("walker").await?.via(&stage.api_url);
    let mut walk = Walk {
        w: &w,
        stage: &stage,
        api,
        own,
        walked: BTreeSet::new(),
        report: BTreeMap::new(),
        time: BTreeMap::new(),
        probes: 0,
        resumed: BTreeSet::new(),
        emulator_armed: std::sync::Mutex::new(true),
    };
    let result = walk.run().await;
    walk.clear().await?;
    result?;
    // Every row of the table was injected: each operation's own and its service's rows for that
    // operation, and each AWS-wide row for every service that can answer it.
    let mut missing = Vec::new();
    let not_walked: Vec<&str> = Op::ALL
        .into_iter()
        .filter(|op| routes_of(*op).is_empty())
        .map(Op::name)
        .collect();
    println!("error table walk: not walked end to end: {not_walked:?}");
    for op in Op::ALL.into_iter().filter(|op| !routes_of(*op).is_empty()) {
        for row in rows_of(op) {
            let at = match row.scope {
                Scope::Any => walks_common_row(op.service(), row.code).unwrap_or(op),
                _ => op,
            };
            if !walk.walked.contains(&(at, row.code)) {
                missing.push(format!("{} {}", op.name(), row.code));
            }
        }
    }
    ensure!(missing.is_empty(), "rows never injected: {missing:?}");
    println!(
        "error table walk: {} probes, {} rows, {:.1} s",
        walk.probes,
        walk.walked.len(),
        started.elapsed().as_secs_f64()
    );
    for ((route, answer), n) in &walk.report {
        println!("  {:<48} {answer:<28} {n:>4}", route.name());
    }
    for (route, time) in &walk.time {
        println!("  {:<48} {:>6.1} s", route.name(), time.as_secs_f64());
    }
    Ok(())
}

impl<'w> Walk<'w> {
    async fn run(&mut self) -> Result<()> {
        let mut ctx = self.application().await?;
        for op in Op::ALL {
            for (index, route) in routes_of(op).iter().enumerate() {
                for row in rows(op, index) {
                    let started = Instant::now();
                    self.probe(*route, op, row, &mut ctx)
                        .await
                        .with_context(|| {
                            format!("{} {} on {}", op.name(), row.code, route.name())
                        })?;
                    *self.time.entry(*route).or_default() += started.elapsed();
                }
            }
        }
        self.cancelled_by_throttling().await?;
        // The Verify probes may have used every identity attempt of the application.
        self.next_identity_attempt(&mut ctx, false).await?;
        self.natural_missing_object(&ctx).await?;
        self.one_job_per_document(&ctx).await
    }

    // ---- setup ----------------------------------------------------------------------------

    /// An application ready for every route: consent, a PASSED liveness session, an ID front,
    /// two lending packages (one analysed, one not yet), and an IN_PROGRESS liveness session
    /// whose result Rekognition has.
    async fn application(&self) -> Result<Ctx> {
        let app = self.api.create_application(fixtures::applicant()).await?;
        self.api.pass_liveness(&app, "walker", 99.0).await?;
        let front = self.fresh_front(&app).await?;
        let document_package = self.fresh_package(&app).await?;
        let started = self
            .api
            .post(
                &format!("/applications/{app}/documents"),
                json!({ "uploadId": document_package }),
            )
            .await?
            .expect(202)?;
        let document = started["documentId"].as_str().context("documentId")?.into();
        let package = self.fresh_package(&app).await?;
        let session = self.fresh_session(&app).await?;
        Ok(Ctx {
            app,
            front,
            package,
            document_package,
            document,
            session,
            consumer: None,
        })
    }

    /// What the next Verify probe submits: a new ID front of the same application while it can
    /// take a new identity attempt, or a new application once its decision is final (`decided`)
    /// or every attempt of `IDENTITY_MAX_ATTEMPTS` has reached the analysis (issue 11).
    async fn next_identity_attempt(&self, ctx: &mut Ctx, decided: bool) -> Result<()> {
        let attempts = self
            .partition(&ctx.app)
            .await?
            .iter()
            .filter(|item| sk(item).starts_with(records::ATTEMPT_PREFIX))
            .count();
        let cap = self.stage.state.settings.thresholds.identity_max_attempts as usize;
        if decided || attempts >= cap {
            *ctx = self.application().await?;
        } else {
            ctx.front = self.fresh_front(&ctx.app).await?;
        }
        Ok(())
    }

    async fn fresh_front(&self, app: &str) -> Result<String> {
        self.api
            .upload(
                app,
                "ID_FRONT",
                "image/png",
                fixtures::passport_png(&fixtures::good_passport("walker")),
            )
            .await
    }

    async fn fresh_package(&self, app: &str) -> Result<String> {
        self.api
            .upload(
                app,
                "LENDING_PACKAGE",
                "application/pdf",
                fixtures::lending_package("Ana Muller"),
            )
            .await
    }

    /// A session still IN_PROGRESS in the table, whose result Rekognition has (so a GET reaches
    /// the conditional write).
    async fn fresh_session(&self, app: &str) -> Result<String> {
        let session = self
            .api
            .post(&format!("/applications/{app}/liveness-sessions"), json!({}))
            .await?
            .expect(201)?;
        let id = session["sessionId"]
            .as_str()
            .context("sessionId")?
            .to_string();
        self.w
            .emulator(
                &format!("/_emulator/liveness-sessions/{id}/complete"),
                json!({ "confidence": 99.0, "face": "walker" }),
            )
            .await?;
        Ok(id)
    }

    // ---- faults ---------------------------------------------------------------------------

    async fn inject(&self, op: Op, code: &str, count: u32) -> Result<()> {
        match op.service() {
            Service::DynamoDb => {
                self.stage
                    .proxy
                    .inject(&format!("DynamoDB.{}", op.name()), code, count)
            }
            Service::S3 => self
                .stage
                .proxy
                .inject(&format!("S3.{}", op.name()), code, count),
            Service::Sns => self
                .stage
                .proxy
                .inject(&format!("SNS.{}", op.name()), code, count),
            Service::SecretsManager => {
                self.stage
                    .proxy
                    .inject(&format!("SecretsManager.{}", op.name()), code, count)
            }
            Service::Rekognition | Service::Textract => {
                *self.emulator_armed.lock().unwrap() = true;
                self.w
                    .emulator(
                        "/_emulator/faults",
                        json!({ "operation": op.name(), "error": code, "count": count, "status": status_of(code) }),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    async fn clear(&self) -> Result<()> {
        self.stage.proxy.clear();
        if std::mem::take(&mut *self.emulator_armed.lock().unwrap()) {
            self.w.clear_faults().await?;
        }
        Ok(())
    }

    // ---- reading moto ---------------------------------------------------------------------

    /// Every item of the application's partition, read directly from moto.
    async fn partition(&self, app: &str) -> Result<Vec<Item>> {
        let out = self
            .w
            .dynamodb
            .query()
            .table_name(self.w.env("APPLICATIONS_TABLE"))
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(records::application_pk(app)))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out.items.unwrap_or_default())
    }

    /// How many applications the walker owns, read through the stage's own API (no faults).
    async fn applications(&self) -> Result<usize> {
        let list = self.own.get("/applications").await?.expect(200)?;
        Ok(list["applications"].as_array().map_or(0, Vec::len))
    }

    async fn item(&self, pk: &str, sk: &str) -> Result<Option<Item>> {
        self.w.item(pk, sk).await
    }

    // ---- one probe ------------------------------------------------------------------------

    async fn probe(
        &mut self,
        route: Route,
        op: Op,
        row: &'static Row,
        ctx: &mut Ctx,
    ) -> Result<()> {
        match route {
            Route::Erase => return self.erase_probe(op, row).await,
            Route::Consumer | Route::ConsumerErased => {
                return self.consumer_probe(route, op, row, ctx).await
            }
            Route::BrowserPut => return self.browser_put_probe(row, ctx).await,
            Route::Dispatcher => return self.dispatcher_probe(op, row).await,
            Route::Verify if op == Op::Publish => return self.publish_probe(op, row).await,
            _ => {}
        }
        let (expect, writes) = expected(route, op, row)?;
        let count_before = match route {
            Route::CreateWithKey | Route::CreateWithoutKey => Some(self.applications().await?),
            _ => None,
        };
        let before = self.partition(&ctx.app).await?;
        if route == Route::LivenessGetAfterRace {
            // The conditional write loses (count 1), then the re-read fails.
            self.inject(Op::TransactWriteItems, "TransactionCanceledException", 1)
                .await?;
        }
        self.inject(op, row.code, 10).await?;
        let answer = self.send(route, ctx).await;
        self.clear().await?;
        let answer = answer?;
        let observed = describe(&answer);
        check(&answer, &expect)?;
        let after = self.partition(&ctx.app).await?;
        if writes == Writes::Nothing {
            ensure!(
                without_attempts(&before) == without_attempts(&after),
                "the application's items changed"
            );
            // An analysis that failed still used its identity attempt (ATTEMPT#, issue 11), once:
            // its retry is the same attempt.
            let attempts = new_attempts(&before, &after);
            ensure!(
                attempts.is_empty() || (reaches_analysis(route, op) && attempts.len() == 1),
                "attempts recorded: {attempts:?}"
            );
            if let Some(count) = count_before {
                ensure!(
                    self.applications().await? == count,
                    "an application was created"
                );
            }
        } else {
            self.documented_writes(route, op, row, ctx, &before, &after, &answer)
                .await?;
        }
        self.note(route, op, row, observed);
        Ok(())
    }

    fn note(&mut self, route: Route, op: Op, row: &'static Row, _observed: String) {
        self.walked.insert((op, row.code));
        *self.report.entry((route, row.answer.label())).or_default() += 1;
        self.probes += 1;
    }

    async fn send(&self, route: Route, ctx: &Ctx) -> Result<Answer> {
        let app = &ctx.app;
        let api = &self.api;
        match route {
            Route::CreateWithKey => {
                let key = uuid_like();
                api.send(
                    reqwest::Method::POST,
                    "/applications",
                    Some((
                        "application/json",
                        json!({ "applicant": fixtures::applicant() })
                            .to_string()
                            .into_bytes(),
                    )),
                    &[("idempotency-key", &key)],
                )
                .await
            }
            Route::CreateWithoutKey => {
                api.post("/applications", json!({ "applicant": fixtures::applicant() }))
                    .await
            }
            Route::List => api.get("/applications").await,
            Route::Get => api.get(&format!("/applications/{app}")).await,
            Route::Consent => {
                api.send(
                    reqwest::Method::PUT,
                    &format!("/applications/{app}/consent"),
                    Some((
                        "application/json",
                        json!({ "policyVersion": "biometric-e2e-walk" })
                            .to_string()
                            .into_bytes(),
                    )),
                    &[],
                )
                .await
            }
            Route::LivenessCreate => {
                api.post(&format!("/applications/{app}/liveness-sessions"), json!({}))
                    .await
            }
            Route::LivenessGet | Route::LivenessGetAfterRace => {
                api.get(&format!(
                    "/applications/{app}/liveness-sessions/{}",
                    ctx.session
                ))
                .await
            }
            Route::Upload => {
                api.post(
                    &format!("/applications/{app}/uploads"),
                    json!({ "purpose": "ID_FRONT", "contentType": "image/png", "contentLength": 100 }),
                )
                .await
            }
            Route::Verify => {
                api.post(
                    &format!("/applications/{app}/identity-verifications"),
                    json!({ "idFrontUploadId": ctx.front }),
                )
                .await
            }
            Route::StartDocument => {
                api.post(
                    &format!("/applications/{app}/documents"),
                    json!({ "uploadId": ctx.package }),
                )
                .await
            }
            Route::GetDocument => {
                api.get(&format!("/applications/{app}/documents/{}", ctx.document))
                    .await
            }
            Route::Events => api.get(&format!("/applications/{app}/events")).await,
            other => bail!("{other:?} is not an HTTP route"),
        }
    }

    /// The writes a probe documents, checked item by item; and fresh ids where an upload or a
    /// session was used up.
    #[allow(clippy::too_many_arguments)]
    async fn documented_writes(
        &self,
        route: Route,
        op: Op,
        row: &'static Row,
        ctx: &mut Ctx,
        before: &[Item],
        after: &[Item],
        answer: &Answer,
    ) -> Result<()> {
        let changed: Vec<String> = after
            .iter()
            .filter(|item| !before.contains(item))
            .map(sk)
            .collect();
        ensure!(
            before.iter().all(|b| after.iter().any(|a| sk(a) == sk(b))),
            "an item disappeared"
        );
        match (route, row.answer) {
            (Route::Verify | Route::StartDocument, Documented::Upload(problem)) => {
                let upload = if route == Route::Verify {
                    &ctx.front
                } else {
                    &ctx.package
                };
                let key = format!("{}{upload}", records::UPLOAD_PREFIX);
                let marked: Vec<&String> = changed
                    .iter()
                    .filter(|sk| !sk.starts_with(records::ATTEMPT_PREFIX))
                    .collect();
                ensure!(marked == [&key], "only the upload is marked: {changed:?}");
                let item = after.iter().find(|i| sk(i) == key).context("upload")?;
                let rejected = item
                    .get("rejected")
                    .and_then(|r| r.as_m().ok())
                    .context("the upload is marked rejected")?;
                let stored = rejected.get("problem").and_then(|p| p.as_s().ok());
                let slug = serde_json::to_value(problem)?;
                ensure!(stored.map(String::as_str) == slug.as_str(), "{rejected:?}");
                // Named again, the same 422 at once.
                let again = self.send(route, ctx).await?;
                check(&again, &expected(route, op, row)?.0)?;
                // The applicant uploads a new file.
                if route == Route::Verify {
                    self.next_identity_attempt(ctx, false).await?;
                } else {
                    ctx.package = self.fresh_package(&ctx.app).await?;
                }
            }
            // An outcome (no face found) rejects; a condition on the ATTEMPT put is this
            // attempt, counted once, decided as usual.
            (Route::Verify, outcome @ (Documented::Outcome | Documented::Condition)) => {
                let decided: Vec<&String> = changed
                    .iter()
                    .filter(|sk| !sk.starts_with(records::ATTEMPT_PREFIX))
                    .collect();
                ensure!(
                    decided.len() == 1 && decided[0].starts_with(records::VERIFICATION_PREFIX),
                    "one verification is recorded: {changed:?}"
                );
                ensure!(
                    outcome == Documented::Condition || answer.body["decision"] == "REJECTED",
                    "{}",
                    answer.body
                );
                // The decision is final (a new submission is 409 decision-final, issue 11): the
                // next probes need a new application.
                self.next_identity_attempt(ctx, true).await?;
            }
            (Route::LivenessGet, Documented::Missing) => {
                let key = format!("{}{}", records::LIVENESS_PREFIX, ctx.session);
                ensure!(
                    changed == [key.clone()],
                    "only the session is recorded: {changed:?}"
                );
                let item = after.iter().find(|i| sk(i) == key).context("session")?;
                ensure!(
                    item.get("status")
                        .and_then(|s| s.as_s().ok())
                        .map(String::as_str)
                        == Some("EXPIRED"),
                    "{item:?}"
                );
                ctx.session = self.fresh_session(&ctx.app).await?;
            }
            other => bail!("no documented write for {other:?}"),
        }
        Ok(())
    }

    // ---- erasure: resumable, whatever failed ----------------------------------------------

    async fn erase_probe(&mut self, op: Op, row: &'static Row) -> Result<()> {
        let created = self
            .api
            .post(
                "/applications",
                json!({ "applicant": fixtures::applicant() }),
            )
            .await?
            .expect(201)?;
        let app = created["applicationId"]
            .as_str()
            .context("applicationId")?
            .to_string();
        // An object under the prefix, so the listing has a version to delete.
        self.w
            .s3
            .put_object()
            .bucket(self.w.env("UPLOADS_BUCKET"))
            .key(format!("applications/{app}/uploads/walk"))
            .body(b"x".to_vec().into())
            .send()
            .await?;
        self.inject(op, row.code, 10).await?;
        let answer = self.api.delete(&format!("/applications/{app}")).await;
        self.clear().await?;
        let answer = answer?;
        let expect = match row.answer {
            Documented::Transient => transient(),
            // A refused tombstone is a concurrent DELETE's, which is then resumed; refused with
            // no tombstone stored (only an injected fault can be) is ours.
            Documented::Ours | Documented::Condition => ours(),
            other => bail!("no documented answer {other:?} for erasure"),
        };
        check(&answer, &expect)?;
        let tombstone = self
            .item(&records::application_pk(&app), records::ERASURE_SK)
            .await?;
        let state = tombstone
            .as_ref()
            .and_then(|t| t.get("state"))
            .and_then(|s| s.as_s().ok())
            .cloned();
        if matches!(op, Op::Query | Op::TransactWriteItems) {
            // Before the tombstone (the first write): nothing was erased.
            ensure!(tombstone.is_none(), "a tombstone without its transaction");
            ensure!(
                self.item(&records::application_pk(&app), "APPLICATION")
                    .await?
                    .is_some(),
                "the application was touched before the tombstone"
            );
        } else {
            // After the tombstone: the erasure is under way, and the application is gone for
            // every other route at once.
            ensure!(
                state.as_deref() == Some("ERASING"),
                "the tombstone says the erasure is under way: {state:?}"
            );
            self.api
                .get(&format!("/applications/{app}"))
                .await?
                .expect_problem(404)?;
        }
        // The owner's repeated DELETE finishes the erasure, once per operation and answer (each
        // takes a dozen calls).
        if self.resumed.insert((op, row.answer.label())) {
            self.api
                .delete(&format!("/applications/{app}"))
                .await?
                .expect(204)?;
            ensure!(
                self.w.items_of(&app).await?
                    == vec![(
                        records::application_pk(&app),
                        records::ERASURE_SK.to_string()
                    )],
                "items left beside the tombstone"
            );
            let state = self
                .item(&records::application_pk(&app), records::ERASURE_SK)
                .await?
                .and_then(|t| t.get("state").and_then(|s| s.as_s().ok()).cloned());
            ensure!(
                state.as_deref() == Some("ERASED"),
                "the erasure is recorded: {state:?}"
            );
            ensure!(self.w.objects_of(&app).await?.is_empty(), "objects left");
        }
        let observed = describe(&answer);
        self.note(Route::Erase, op, row, observed);
        Ok(())
    }

    // ---- decision events: published after the decision, delivered by the dispatcher --------

    /// A final decision on a fresh application while SNS answers `row`: the documented 503 or
    /// 500, with the decision (its attempt and its audit event) stored before the publish; the
    /// retry answers the stored decision and publishes it again (the fault matrix counts that
    /// publish), writing nothing more.
    async fn publish_probe(&mut self, op: Op, row: &'static Row) -> Result<()> {
        let app = self.api.create_application(fixtures::applicant()).await?;
        self.api.pass_liveness(&app, "walker", 99.0).await?;
        let front = self.fresh_front(&app).await?;
        let before = self.partition(&app).await?;
        self.inject(op, row.code, 10).await?;
        let answer = self
            .api
            .post(
                &format!("/applications/{app}/identity-verifications"),
                json!({ "idFrontUploadId": front }),
            )
            .await;
        self.clear().await?;
        let answer = answer?;
        let expect = match row.answer {
            Documented::Transient => transient(),
            Documented::Ours => ours(),
            other => bail!("no documented answer {other:?} for a publish"),
        };
        check(&answer, &expect)?;
        let after = self.partition(&app).await?;
        let mut written: Vec<String> = after
            .iter()
            .filter(|item| !before.contains(item))
            .map(|item| sk(item).split('#').next().unwrap_or_default().to_string())
            .collect();
        written.sort();
        let verification = records::VERIFICATION_PREFIX.trim_end_matches('#');
        ensure!(
            written == ["ATTEMPT", verification],
            "the decision and its attempt are stored before the publish: {written:?}"
        );
        let retry = self
            .api
            .post(
                &format!("/applications/{app}/identity-verifications"),
                json!({ "idFrontUploadId": front }),
            )
            .await?;
        ensure!(
            retry.status == 200,
            "the retry answers the stored decision: {} {}",
            retry.status,
            retry.body
        );
        ensure!(
            self.partition(&app).await? == after,
            "the retry writes nothing more"
        );
        let observed = describe(&answer);
        self.note(Route::Verify, op, row, observed);
        Ok(())
    }

    /// A decision event delivered while Secrets Manager answers `row`: reported for redelivery,
    /// nothing POSTed; the clean redelivery POSTs it once.
    async fn dispatcher_probe(&mut self, op: Op, row: &'static Row) -> Result<()> {
        use lendverify_core::webhook::{DecisionEvent, DecisionEventType};
        use lendverify_functions::dispatcher;
        let receiver = Receiver::start().await?;
        let mut state = self.stage.state.clone();
        state.aws.settings.decision_events.endpoints =
            vec![lendverify_aws::config::WebhookEndpoint {
                name: "error-walk".into(),
                url: receiver.url.clone(),
            }];
        // Not read yet, as in a new container (the secret is cached once read).
        state.aws.signing_secret = lendverify_aws::webhooks::SigningSecret::new(
            self.stage.secrets.clone(),
            state
                .aws
                .settings
                .decision_events
                .webhook_secret_arn
                .clone(),
        );
        let event = DecisionEvent::new(
            DecisionEventType::IdentityDecided,
            &uuid_like(),
            &uuid_like(),
            time::OffsetDateTime::now_utc(),
            json!({ "decision": "APPROVED" }),
        );
        let record = || -> Result<SqsEvent> {
            Ok(serde_json::from_value(json!({ "Records": [{
                "messageId": uuid_like(),
                "body": serde_json::to_string(&event)?,
                "eventSource": "aws:sqs",
                "attributes": {},
                "messageAttributes": {},
            }]}))?)
        };
        let policy = dispatcher::DeliveryPolicy {
            delays: vec![Duration::from_millis(10)],
            budget: Duration::from_secs(10),
        };
        ensure!(
            matches!(row.answer, Documented::Transient | Documented::Ours),
            "no documented answer {:?} in the dispatcher",
            row.answer
        );
        self.inject(op, row.code, 10).await?;
        let first = dispatcher::handle_batch_with(&state, record()?, &policy).await;
        self.clear().await?;
        ensure!(
            first.batch_item_failures.len() == 1,
            "reported for redelivery"
        );
        ensure!(receiver.posts(&event.id) == 0, "nothing POSTed unsigned");
        let again = dispatcher::handle_batch_with(&state, record()?, &policy).await;
        ensure!(
            again.batch_item_failures.is_empty() && receiver.posts(&event.id) == 1,
            "a clean redelivery delivers it once"
        );
        self.note(Route::Dispatcher, op, row, "Redelivered".into());
        Ok(())
    }

    // ---- the presigned PUT: S3 answers the browser ----------------------------------------

    async fn browser_put_probe(&mut self, row: &'static Row, ctx: &Ctx) -> Result<()> {
        let app = &ctx.app;
        let bytes = fixtures::passport_png(&fixtures::good_passport("walker"));
        let grant = self
            .api
            .post(
                &format!("/applications/{app}/uploads"),
                json!({ "purpose": "ID_FRONT", "contentType": "image/png", "contentLength": bytes.len() }),
            )
            .await?
            .expect(201)?;
        let upload = grant["uploadId"].as_str().context("uploadId")?.to_string();
        let url = grant["url"].as_str().context("url")?;
        ensure!(
            url.starts_with(&self.stage.proxy.url),
            "presigned through the proxy: {url}"
        );
        let mut put = self.w.http.put(url);
        for (name, value) in grant["headers"].as_object().context("headers")? {
            if !name.eq_ignore_ascii_case("content-length") {
                put = put.header(name.as_str(), value.as_str().unwrap_or_default());
            }
        }
        self.inject(Op::PutObject, row.code, 1).await?;
        let status = put.body(bytes).send().await?.status().as_u16();
        self.clear().await?;
        ensure!(status == status_of(row.code), "the browser's PUT: {status}");
        let before = self.partition(app).await?;
        let answer = self
            .api
            .post(
                &format!("/applications/{app}/identity-verifications"),
                json!({ "idFrontUploadId": upload }),
            )
            .await?;
        check(
            &answer,
            &Expect::Problem(409, "upload-not-received", Some("idFrontUploadId")),
        )?;
        ensure!(self.partition(app).await? == before, "a 409 wrote an item");
        let observed = describe(&answer);
        self.note(Route::BrowserPut, Op::PutObject, row, observed);
        Ok(())
    }

    // ---- the consumer ---------------------------------------------------------------------

    async fn consumer_probe(
        &mut self,
        route: Route,
        op: Op,
        row: &'static Row,
        ctx: &mut Ctx,
    ) -> Result<()> {
        let (document, job) = self.consumer_document(ctx).await?;
        let (pk, sk_) = (document.pk.clone(), document.sk.clone());
        let body = if route == Route::ConsumerErased {
            // A job of an application erased while it ran: without a fault, acknowledged.
            let erased = format!("erased-{}", uuid_like());
            let application = records::ApplicationItem::new(
                erased.clone(),
                "walker".into(),
                "2026-11-27T11:00:00Z".into(),
                None,
                None,
            );
            let record =
                records::ErasureItem::requested(&application, "2026-11-27T12:00:00Z".into());
            self.w
                .dynamodb
                .put_item()
                .table_name(self.w.env("APPLICATIONS_TABLE"))
                .set_item(Some(serde_dynamo::to_item(&record)?))
                .send()
                .await?;
            completion("e2e-walk-unknown-job", &erased)
        } else {
            completion(&job, &ctx.app)
        };
        let before = self.item(&pk, &sk_).await?;
        self.inject(op, row.code, 10).await?;
        let failures = self.deliver(&body).await;
        self.clear().await?;
        let failures = failures?;
        let after = self.item(&pk, &sk_).await?;
        let expect = match (op, row.answer) {
            (_, Documented::Transient | Documented::Ours) => Expect::Redelivered,
            (Op::TransactWriteItems, Documented::Condition) => Expect::Acknowledged,
            (Op::GetLendingAnalysis | Op::GetLendingAnalysisSummary, Documented::Missing) => {
                Expect::Acknowledged
            }
            (_, other) => bail!("no documented answer {other:?} in the consumer"),
        };
        match expect {
            Expect::Redelivered => ensure!(failures == 1, "reported for redelivery"),
            _ => ensure!(failures == 0, "acknowledged"),
        }
        if row.answer == Documented::Missing {
            let after = after.context("document")?;
            let status = after.get("status").and_then(|s| s.as_s().ok());
            ensure!(status.map(String::as_str) == Some("FAILED"), "{after:?}");
            let message = after.get("statusMessage").and_then(|s| s.as_s().ok());
            ensure!(
                message.map(String::as_str) == Some(lendverify_functions::consumer::JOB_GONE),
                "{after:?}"
            );
        } else {
            ensure!(before == after, "the document changed");
        }
        // Without the fault the same delivery is recorded (or acknowledged): the fault was the
        // only thing in the way.
        if matches!(expect, Expect::Redelivered) {
            ensure!(
                self.deliver(&body).await? == 0,
                "a clean redelivery succeeds"
            );
        }
        self.note(route, op, row, format!("{expect:?}"));
        Ok(())
    }

    /// An IN_PROGRESS document of `ctx.app` bound to a finished lending job of the emulator
    /// (started without a notification channel, so only the walk delivers its completion);
    /// made once, and put back as it was before every probe.
    async fn consumer_document(&self, ctx: &mut Ctx) -> Result<(DocumentItem, String)> {
        if let Some((document, job)) = &ctx.consumer {
            self.w
                .dynamodb
                .put_item()
                .table_name(self.w.env("APPLICATIONS_TABLE"))
                .set_item(Some(serde_dynamo::to_item(document)?))
                .send()
                .await?;
            return Ok((document.clone(), job.clone()));
        }
        let made = self.new_consumer_document(ctx).await?;
        ctx.consumer = Some(made.clone());
        Ok(made)
    }

    async fn new_consumer_document(&self, ctx: &Ctx) -> Result<(DocumentItem, String)> {
        let key = format!("applications/{}/uploads/walk-package", ctx.app);
        let bucket = self.w.env("UPLOADS_BUCKET");
        self.w
            .s3
            .put_object()
            .bucket(&bucket)
            .key(&key)
            .body(fixtures::lending_package("Ana Muller").into())
            .send()
            .await?;
        let token = uuid_like();
        let started = self
            .w
            .http
            .post(&self.w.stage.emulator_url)
            .header("x-amz-target", "Textract.StartLendingAnalysis")
            .header("content-type", "application/x-amz-json-1.1")
            .body(
                json!({
                    "DocumentLocation": { "S3Object": { "Bucket": bucket, "Name": key } },
                    "ClientRequestToken": token,
                })
                .to_string(),
            )
            .send()
            .await?
            .error_for_status()?
            .json::<Value>()
            .await?;
        let job = started["JobId"].as_str().context("JobId")?.to_string();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let state: Value = self
                .w
                .http
                .get(format!(
                    "{}/_emulator/lending-jobs/{job}",
                    self.w.stage.emulator_url
                ))
                .send()
                .await?
                .json()
                .await?;
            if state["JobStatus"] == "SUCCEEDED" {
                break;
            }
            ensure!(Instant::now() < deadline, "job {job}: {state}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let document = DocumentItem {
            pk: records::application_pk(&ctx.app),
            sk: format!("{}walk-{token}", records::DOCUMENT_PREFIX),
            application_id: ctx.app.clone(),
            document_id: format!("walk-{token}"),
            upload_id: "walk-package".into(),
            textract_job_id: job.clone(),
            status: DocumentStatus::InProgress,
            created_at: "2026-11-27T12:00:00Z".into(),
            completed_at: None,
            status_message: None,
            document_groups: Vec::new(),
            page_classes: Vec::new(),
            extracted: None,
            upload_version: None,
        };
        self.w
            .dynamodb
            .put_item()
            .table_name(self.w.env("APPLICATIONS_TABLE"))
            .set_item(Some(serde_dynamo::to_item(&document)?))
            .send()
            .await?;
        Ok((document, job))
    }

    /// Runs the consumer on one SQS record, as Lambda's event source mapping does; the number
    /// of records it reported for redelivery.
    async fn deliver(&self, body: &str) -> Result<usize> {
        let event: SqsEvent = serde_json::from_value(json!({ "Records": [{
            "messageId": uuid_like(),
            "receiptHandle": "walk",
            "body": body,
            "md5OfBody": "",
            "attributes": { "ApproximateReceiveCount": "1" },
            "messageAttributes": {},
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:walk",
            "awsRegion": "us-east-1",
        }]}))?;
        let response = lendverify_functions::consumer::handle_batch(&self.stage.state, event).await;
        Ok(response.batch_item_failures.len())
    }

    // ---- beyond injected faults -----------------------------------------------------------

    /// A transaction cancelled for throttling (not for its condition) is transient: 503, and no
    /// application is created.
    async fn cancelled_by_throttling(&self) -> Result<()> {
        let before = self.applications().await?;
        self.stage.proxy.inject_with(
            "DynamoDB.TransactWriteItems",
            "TransactionCanceledException",
            10,
            json!({ "CancellationReasons": [{ "Code": "ThrottlingError" }, { "Code": "None" }] }),
        );
        let answer = self.send(Route::CreateWithKey, &self.placeholder()).await;
        self.clear().await?;
        check(&answer?, &transient())?;
        ensure!(
            self.applications().await? == before,
            "an application was created"
        );
        Ok(())
    }

    fn placeholder(&self) -> Ctx {
        Ctx {
            app: String::new(),
            front: String::new(),
            package: String::new(),
            document_package: String::new(),
            document: String::new(),
            session: String::new(),
            consumer: None,
        }
    }

    /// moto's own NoSuchKey: an upload URL asked for, and nothing PUT.
    async fn natural_missing_object(&self, ctx: &Ctx) -> Result<()> {
        let grant = self
            .api
            .post(
                &format!("/applications/{}/uploads", ctx.app),
                json!({ "purpose": "ID_FRONT", "contentType": "image/png", "contentLength": 100 }),
            )
            .await?
            .expect(201)?;
        let upload = grant["uploadId"].as_str().context("uploadId")?;
        let before = self.partition(&ctx.app).await?;
        let answer = self
            .api
            .post(
                &format!("/applications/{}/identity-verifications", ctx.app),
                json!({ "idFrontUploadId": upload }),
            )
            .await?;
        check(
            &answer,
            &Expect::Problem(409, "upload-not-received", Some("idFrontUploadId")),
        )?;
        ensure!(
            self.partition(&ctx.app).await? == before,
            "a 409 wrote an item"
        );
        Ok(())
    }

    /// However often the start of one package failed after Textract accepted it, one document
    /// has one job: the retries reused the document id as `ClientRequestToken`.
    async fn one_job_per_document(&self, ctx: &Ctx) -> Result<()> {
        let answer = self
            .api
            .post(
                &format!("/applications/{}/documents", ctx.app),
                json!({ "uploadId": ctx.package }),
            )
            .await?
            .expect(202)?;
        let document = answer["documentId"].as_str().context("documentId")?;
        let jobs: Value = self
            .w
            .http
            .get(format!(
                "{}/_emulator/lending-jobs",
                self.w.stage.emulator_url
            ))
            .send()
            .await?
            .json()
            .await?;
        let jobs: Vec<&Value> = jobs
            .as_array()
            .or_else(|| jobs["jobs"].as_array())
            .context("lending jobs")?
            .iter()
            .filter(|j| j["Request"]["ClientRequestToken"] == document)
            .collect();
        ensure!(jobs.len() == 1, "one job for the document: {jobs:?}");
        let stored = self
            .item(
                &records::application_pk(&ctx.app),
                &format!("{}{document}", records::DOCUMENT_PREFIX),
            )
            .await?
            .context("document")?;
        ensure!(
            stored
                .get("textractJobId")
                .and_then(|v| v.as_s().ok())
                .map(String::as_str)
                == jobs[0]["JobId"].as_str(),
            "the document names that job"
        );
        let _ = &ctx.document_package;
        Ok(())
    }
}

/// The `Retry-After` of a transient error (`lendverify_aws::error::RETRY_AFTER_SECS`).
const RETRY_AFTER: &str = "5";

fn transient() -> Expect {
    Expect::Problem(503, "service-unavailable", None)
}

fn ours() -> Expect {
    Expect::Problem(500, "internal", None)
}

/// The documented answer of a row on a route (the table's answer, and for a condition, a
/// missing thing, an outcome or an upload problem, what that route does with it).
fn expected(route: Route, op: Op, row: &Row) -> Result<(Expect, Writes)> {
    use Route::*;
    Ok(match (row.answer, route, op) {
        (Documented::Transient, _, _) => (transient(), Writes::Nothing),
        (Documented::Ours, _, _) => (ours(), Writes::Nothing),
        // A fresh random id that exists already cannot happen: answered as ours.
        (
            Documented::Condition,
            CreateWithoutKey | LivenessCreate | Upload,
            Op::PutItem | Op::TransactWriteItems,
        ) => (ours(), Writes::Nothing),
        // Verify's one PutItem is its ATTEMPT item: one already there is this attempt, counted
        // once, and the decision goes ahead.
        (Documented::Condition, Verify, Op::PutItem) => (Expect::Status(200), Writes::Documented),
        // Its decision refused by the condition, yet no decision stored: not a state DynamoDB
        // can be in (ours).
        (Documented::Condition, Verify, Op::TransactWriteItems) => (ours(), Writes::Nothing),
        // A concurrent request with the same key holds it, and its application did not appear
        // while this one waited: 503, retry shortly (applications.rs, await_stored_answer).
        (Documented::Condition, CreateWithKey, Op::TransactWriteItems) => {
            (Expect::Busy, Writes::Nothing)
        }
        // The application was erased meanwhile.
        (Documented::Condition, Consent, Op::TransactWriteItems) => {
            (Expect::Problem(404, "not-found", None), Writes::Nothing)
        }
        // A concurrent poll decided first: its record (here: still the stored one) is answered.
        (Documented::Condition, LivenessGet, Op::TransactWriteItems) => {
            (Expect::Status(200), Writes::Nothing)
        }
        // A retried start recorded the document first.
        (Documented::Condition, StartDocument, Op::PutItem) => {
            (Expect::Status(202), Writes::Nothing)
        }
        (Documented::Missing, Verify, Op::GetObject) => (
            Expect::Problem(409, "upload-not-received", Some("idFrontUploadId")),
            Writes::Nothing,
        ),
        (Documented::Missing, StartDocument, Op::GetObject) => (
            Expect::Problem(409, "upload-not-received", Some("uploadId")),
            Writes::Nothing,
        ),
        (Documented::Missing, LivenessGet, Op::GetFaceLivenessSessionResults) => {
            (Expect::Status(200), Writes::Documented)
        }
        (Documented::Upload(problem), Verify, _) => (
            Expect::Problem(problem.status(), problem.slug(), Some("idFrontUploadId")),
            Writes::Documented,
        ),
        (Documented::Upload(problem), StartDocument, _) => (
            Expect::Problem(problem.status(), problem.slug(), Some("uploadId")),
            Writes::Documented,
        ),
        (Documented::Outcome, Verify, Op::CompareFaces) => {
            (Expect::Status(200), Writes::Documented)
        }
        (answer, route, op) => bail!(
            "no documented answer {answer:?} for {} on {}",
            op.name(),
            route.name()
        ),
    })
}

fn check(answer: &Answer, expect: &Expect) -> Result<()> {
    match expect {
        Expect::Problem(status, slug, field) => {
            ensure!(
                answer.status == *status
                    && answer.content_type.starts_with("application/problem+json"),
                "expected {status} {slug}, got {} {}",
                answer.status,
                answer.body
            );
            ensure!(
                answer.body["type"] == format!("https://lendverify.dev/problems/{slug}"),
                "expected {slug}: {}",
                answer.body
            );
            if *status == 503 {
                ensure!(
                    answer.retry_after.as_deref() == Some(RETRY_AFTER),
                    "Retry-After: {answer:?}"
                );
            }
            if *status == 500 {
                ensure!(
                    answer.body["detail"] == "An unexpected error occurred.",
                    "nothing internal in a 500: {}",
                    answer.body
                );
            }
            if let Some(field) = field {
                ensure!(
                    answer.body["errors"][0]["field"] == *field,
                    "names {field}: {}",
                    answer.body
                );
            }
        }
        Expect::Busy => {
            ensure!(
                answer.status == 503
                    && answer.body["type"] == "https://lendverify.dev/problems/service-unavailable",
                "expected 503, got {} {}",
                answer.status,
                answer.body
            );
            ensure!(
                answer
                    .retry_after
                    .as_deref()
                    .is_some_and(|s| s.parse::<u32>().is_ok()),
                "Retry-After: {answer:?}"
            );
        }
        Expect::Status(status) => ensure!(
            answer.status == *status,
            "expected {status}, got {} {}",
            answer.status,
            answer.body
        ),
        other => bail!("{other:?} is not an HTTP answer"),
    }
    Ok(())
}

fn describe(answer: &Answer) -> String {
    match answer.body["type"].as_str() {
        Some(t) => format!("{} {}", answer.status, t.rsplit('/').next().unwrap_or(t)),
        None => answer.status.to_string(),
    }
}

/// The items but the identity attempts (ATTEMPT#).
fn without_attempts(items: &[Item]) -> Vec<&Item> {
    items
        .iter()
        .filter(|item| !sk(item).starts_with(records::ATTEMPT_PREFIX))
        .collect()
}

/// The sort keys of the ATTEMPT# items in `after` that `before` lacks.
fn new_attempts(before: &[Item], after: &[Item]) -> Vec<String> {
    after
        .iter()
        .map(sk)
        .filter(|key| key.starts_with(records::ATTEMPT_PREFIX))
        .filter(|key| !before.iter().any(|b| sk(b) == *key))
        .collect()
}

/// Whether a fault of `op` on `route` comes after the identity attempt was recorded (the
/// analysis itself, and what follows it).
fn reaches_analysis(route: Route, op: Op) -> bool {
    // The decision's own write (with its audit event) comes after the analysis too.
    route == Route::Verify
        && matches!(
            op,
            Op::AnalyzeId | Op::CompareFaces | Op::TransactWriteItems
        )
}

fn sk(item: &Item) -> String {
    item.get("sk")
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default()
}

/// Textract's completion, inside SNS's envelope, as the queue delivers it.
fn completion(job: &str, application: &str) -> String {
    let message = json!({ "JobId": job, "Status": "SUCCEEDED", "API": "StartLendingAnalysis", "JobTag": application });
    json!({ "Type": "Notification", "MessageId": uuid_like(), "Message": message.to_string() })
        .to_string()
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        nanos as u32,
        n & 0xffff,
        n & 0xfff,
        (nanos >> 32) as u16 & 0xfff,
        nanos as u64 & 0xffff_ffff_ffff
    )
}
