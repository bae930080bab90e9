//! A local stand-in for the AWS APIs the functions call, reached through `AWS_ENDPOINT_URL` (the
//! SDK reads it itself) over plain HTTP/1.1 with keep-alive, as the SDK's pooled connections are.
//!
//! Operations are told apart the way the services tell them apart: `X-Amz-Target` for the JSON
//! protocols (DynamoDB `DynamoDB_20120810.*`, JSON 1.0; Rekognition `RekognitionService.*` and
//! Textract `Textract.*`, JSON 1.1) and method plus query for S3 (REST, path style). Every call is
//! logged by operation name so the bench can show how many AWS calls an invocation made.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::fixture::{self, Fixture};

/// The stub's answers, serialised once: its own latency stays a few microseconds, out of the numbers
/// it helps measure.
pub struct Canned {
    fixture: Fixture,
    application_items: String,
    owned: String,
    by_job: String,
    application: String,
    liveness_results: String,
    compare_faces: String,
    lending_summary: String,
}

impl Canned {
    pub fn new(fixture: &Fixture) -> Self {
        let query = |items: Vec<Value>| {
            json!({ "Count": items.len(), "ScannedCount": items.len(), "Items": items }).to_string()
        };
        Self {
            fixture: fixture.clone(),
            application_items: query(fixture.application_items()),
            owned: query(vec![fixture.application()]),
            by_job: query(vec![fixture.open_document()]),
            application: json!({ "Item": fixture.application() }).to_string(),
            liveness_results: fixture.liveness_results().to_string(),
            compare_faces: fixture.compare_faces().to_string(),
            lending_summary: fixture::lending_summary().to_string(),
        }
    }
}

/// One answer: the operation it was for, its status, headers and body.
/// The audit table's name in the bench environment: it holds no chain yet.
pub const AUDIT_TABLE: &str = "bench-audit";

#[derive(Debug)]
pub struct Answer {
    pub operation: String,
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
}

impl Answer {
    fn json(operation: &str, content_type: &'static str, body: String) -> Self {
        Self {
            operation: operation.to_string(),
            status: 200,
            content_type,
            headers: Vec::new(),
            body: Bytes::from(body),
        }
    }

    fn error(operation: &str, status: u16, message: String) -> Self {
        Self {
            operation: operation.to_string(),
            status,
            content_type: "application/x-amz-json-1.1",
            headers: vec![("x-amzn-errortype", "BenchStubUnknownOperation".into())],
            body: Bytes::from(
                json!({ "__type": "BenchStubUnknownOperation", "message": message }).to_string(),
            ),
        }
    }
}

/// Where the stub plays the lender's webhook endpoint for `deliver-decision-events`.
pub const WEBHOOK_PATH: &str = "/bench-lender/decisions";

/// The signing secret the stub's Secrets Manager answers (Standard Webhooks' example key).
const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const JSON_10: &str = "application/x-amz-json-1.0";
const JSON_11: &str = "application/x-amz-json-1.1";

/// The answer to one request. `target` is the `X-Amz-Target` header, `query` the raw query string.
pub fn answer(
    canned: &Canned,
    method: &str,
    path: &str,
    query: &str,
    target: Option<&str>,
    body: &[u8],
) -> Answer {
    answer_with_range(canned, method, path, query, target, None, body)
}

/// [`answer`], with the request's `Range` header (S3 ranged GETs).
pub fn answer_with_range(
    canned: &Canned,
    method: &str,
    path: &str,
    query: &str,
    target: Option<&str>,
    range: Option<&str>,
    body: &[u8],
) -> Answer {
    match target {
        Some(target) => {
            let (service, operation) = target.split_once('.').unwrap_or(("", target));
            let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            match service {
                "DynamoDB_20120810" => dynamodb(canned, operation, &request),
                "RekognitionService" => rekognition(canned, operation),
                "Textract" => textract(canned, operation),
                "secretsmanager" if operation == "GetSecretValue" => Answer::json(
                    operation,
                    JSON_11,
                    json!({ "Name": "bench-webhook", "SecretString": WEBHOOK_SECRET }).to_string(),
                ),
                _ => Answer::error(operation, 400, format!("no stub for {target}")),
            }
        }
        // SNS (the query protocol: a form body naming the action): decision events.
        None if method == "POST" && body.starts_with(b"Action=Publish") => Answer {
            operation: "Publish".into(),
            status: 200,
            content_type: "text/xml",
            headers: Vec::new(),
            body: Bytes::from_static(
                b"<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>bench-message</MessageId></PublishResult><ResponseMetadata><RequestId>bench-request</RequestId></ResponseMetadata></PublishResponse>",
            ),
        },
        None if method == "POST" && path == WEBHOOK_PATH => Answer {
            operation: "Webhook".into(),
            status: 204,
            content_type: "application/json",
            headers: Vec::new(),
            body: Bytes::new(),
        },
        None => s3(&canned.fixture, method, path, query, range),
    }
}

fn dynamodb(canned: &Canned, operation: &str, request: &Value) -> Answer {
    const NO_ITEMS: &str = r#"{"Items":[],"Count":0,"ScannedCount":0}"#;
    let audit = request["TableName"].as_str() == Some(AUDIT_TABLE);
    let pk = request["ExpressionAttributeValues"][":pk"]["S"]
        .as_str()
        .unwrap_or_default();
    let body = match operation {
        // No audit chain yet (GetItem of HEAD finds nothing), no applicant liveness failures,
        // and an empty review queue.
        "GetItem" if audit => "{}".to_string(),
        "Query" if audit || pk.starts_with("APPLICANT#") => NO_ITEMS.to_string(),
        "Query" if request["IndexName"].as_str() == Some("review-index") => NO_ITEMS.to_string(),
        // No erasure is due for its sweep.
        "Query" if request["IndexName"].as_str() == Some("sweep-index") => NO_ITEMS.to_string(),
        "Query" => match request["IndexName"].as_str() {
            Some("owner-index") => canned.owned.clone(),
            Some("job-index")
                if request["ExpressionAttributeValues"][":job"]["S"].as_str()
                    == Some(canned.fixture.job_id) =>
            {
                canned.by_job.clone()
            }
            None if pk == canned.fixture.pk() => canned.application_items.clone(),
            // Nothing else exists: an unknown application or job has no items.
            _ => NO_ITEMS.to_string(),
        },
        "GetItem" => {
            let pk = request["Key"]["pk"]["S"].as_str().unwrap_or_default();
            if pk == canned.fixture.pk() {
                canned.application.clone()
            } else if pk == canned.fixture.delivered_event_pk() {
                canned.fixture.delivered(&request["Key"]["sk"])
            } else {
                // Erasure records and idempotency keys: none exist.
                "{}".to_string()
            }
        }
        "PutItem" | "DeleteItem" | "TransactWriteItems" | "UpdateItem" => "{}".to_string(),
        other => return Answer::error(other, 400, format!("no stub for DynamoDB {other}")),
    };
    Answer::json(operation, JSON_10, body)
}

fn rekognition(canned: &Canned, operation: &str) -> Answer {
    let body = match operation {
        "CreateFaceLivenessSession" => {
            r#"{"SessionId":"95a60718-d2e3-44f5-a607-182930415263"}"#.to_string()
        }
        "GetFaceLivenessSessionResults" => canned.liveness_results.clone(),
        "CompareFaces" => canned.compare_faces.clone(),
        other => return Answer::error(other, 400, format!("no stub for Rekognition {other}")),
    };
    Answer::json(operation, JSON_11, body)
}

fn textract(canned: &Canned, operation: &str) -> Answer {
    let body = match operation {
        "AnalyzeID" => fixture::ANALYZE_ID.to_string(),
        "StartLendingAnalysis" => json!({ "JobId": canned.fixture.job_id }).to_string(),
        "GetLendingAnalysis" => fixture::LENDING_RESULTS.to_string(),
        "GetLendingAnalysisSummary" => canned.lending_summary.clone(),
        other => return Answer::error(other, 400, format!("no stub for Textract {other}")),
    };
    Answer::json(operation, JSON_11, body)
}

/// The head of an uploaded object: a JPEG (the ID images) or a PDF (the lending package), as the
/// upload check's ranged GET reads it.
fn object_head(fixture: &Fixture, key: &str) -> Vec<u8> {
    let mut head = if key.contains(fixture.package_upload_id) {
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            .to_vec()
    } else {
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00".to_vec()
    };
    head.resize(4096, 0);
    head
}

fn s3(fixture: &Fixture, method: &str, path: &str, query: &str, range: Option<&str>) -> Answer {
    let has = |name: &str| {
        query
            .split('&')
            .any(|pair| pair.split('=').next() == Some(name))
    };
    match method {
        "HEAD" => Answer {
            operation: "HeadObject".into(),
            status: 200,
            content_type: "image/jpeg",
            headers: vec![
                ("content-length", "412345".into()),
                ("etag", "\"9b2cf535f27731c974343645a3985328\"".into()),
                ("last-modified", "Fri, 27 Nov 2026 09:04:00 GMT".into()),
                ("x-amz-server-side-encryption", "aws:kms".into()),
            ],
            body: Bytes::new(),
        },
        "GET" if has("versions") => {
            let bucket = path.trim_start_matches('/').split('/').next().unwrap_or("");
            let prefix = format!("applications/{}/", fixture.application_id);
            Answer {
                operation: "ListObjectVersions".into(),
                status: 200,
                content_type: "application/xml",
                headers: Vec::new(),
                body: Bytes::from(format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListVersionsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>{bucket}</Name><Prefix>{prefix}</Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListVersionsResult>"
                )),
            }
        }
        "GET" => {
            // GetObject, ranged: `bytes=0-N` of the object's head.
            let key = path.trim_start_matches('/').split_once('/').map_or("", |(_, k)| k);
            let head = object_head(fixture, key);
            let end = range
                .and_then(|r| r.strip_prefix("bytes=0-"))
                .and_then(|n| n.parse::<usize>().ok())
                .map_or(head.len(), |last| (last + 1).min(head.len()));
            let total = 412_345;
            Answer {
                operation: "GetObject".into(),
                status: if range.is_some() { 206 } else { 200 },
                content_type: if key.contains(fixture.package_upload_id) {
                    "application/pdf"
                } else {
                    "image/jpeg"
                },
                headers: vec![
                    ("content-range", format!("bytes 0-{}/{total}", end - 1)),
                    ("etag", "\"9b2cf535f27731c974343645a3985328\"".into()),
                    ("accept-ranges", "bytes".into()),
                ],
                body: Bytes::from(head[..end].to_vec()),
            }
        }
        "POST" if has("delete") => Answer {
            operation: "DeleteObjects".into(),
            status: 200,
            content_type: "application/xml",
            headers: Vec::new(),
            body: Bytes::from_static(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></DeleteResult>"),
        },
        "PUT" => Answer {
            operation: "PutObject".into(),
            status: 200,
            content_type: "application/xml",
            headers: vec![("etag", "\"9b2cf535f27731c974343645a3985328\"".into())],
            body: Bytes::new(),
        },
        other => Answer::error(other, 400, format!("no stub for S3 {other} {path}?{query}")),
    }
}

/// The running stub.
pub struct Stub {
    pub addr: SocketAddr,
    calls: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl Stub {
    pub async fn start(fixture: Fixture) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let calls = Arc::new(Mutex::new(Vec::new()));
        let canned = Arc::new(Canned::new(&fixture));
        let log = calls.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                let canned = canned.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<Incoming>| {
                        let canned = canned.clone();
                        let log = log.clone();
                        async move { Ok::<_, Infallible>(serve(&canned, &log, request).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self { addr, calls, task })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The operations called since the last take, in order.
    pub fn take_calls(&self) -> Vec<String> {
        std::mem::take(&mut *self.calls.lock().expect("stub call log"))
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    canned: &Canned,
    log: &Mutex<Vec<String>>,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok());
    let range = parts.headers.get("range").and_then(|v| v.to_str().ok());
    let answer = answer_with_range(
        canned,
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query().unwrap_or_default(),
        target,
        range,
        &body,
    );
    log.lock()
        .expect("stub call log")
        .push(answer.operation.clone());
    let mut response = Response::builder()
        .status(answer.status)
        .header("content-type", answer.content_type)
        .header("x-amzn-requestid", "bench-stub-request")
        .header("x-amz-request-id", "bench-stub-request");
    for (name, value) in &answer.headers {
        response = response.header(*name, value);
    }
    response
        .body(Full::new(answer.body))
        .expect("stub response")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(target: &str, body: Value) -> Answer {
        answer(
            &Canned::new(&Fixture::default()),
            "POST",
            "/",
            "",
            Some(target),
            body.to_string().as_bytes(),
        )
    }

    #[test]
    fn dynamodb_queries_answer_by_index() {
        let fixture = Fixture::default();
        let items = |a: Answer| -> Vec<Value> {
            let body: Value = serde_json::from_slice(&a.body).unwrap();
            body["Items"].as_array().unwrap().clone()
        };
        let query = |pk: String| json!({ "ExpressionAttributeValues": { ":pk": { "S": pk } } });
        let partition = items(call("DynamoDB_20120810.Query", query(fixture.pk())));
        assert_eq!(partition.len(), fixture.application_items().len());
        assert!(partition
            .iter()
            .all(|i| i["pk"]["S"] == json!(fixture.pk())));
        let owned = items(call(
            "DynamoDB_20120810.Query",
            json!({ "IndexName": "owner-index" }),
        ));
        assert_eq!(owned[0]["ownerSub"]["S"], json!(fixture.sub));
        let by_job = |job: &str| {
            items(call(
                "DynamoDB_20120810.Query",
                json!({ "IndexName": "job-index", "ExpressionAttributeValues": { ":job": { "S": job } } }),
            ))
        };
        let document = by_job(fixture.job_id);
        assert_eq!(document[0]["textractJobId"]["S"], json!(fixture.job_id));
        assert_eq!(document[0]["status"]["S"], json!("IN_PROGRESS"));
        // What nobody has is not there.
        assert!(by_job(fixture.unknown_job_id).is_empty());
        let unknown = format!("APP#{}", fixture.unknown_application_id);
        assert!(items(call("DynamoDB_20120810.Query", query(unknown))).is_empty());
    }

    #[test]
    fn a_delivered_event_has_its_delivery_record() {
        let fixture = Fixture::default();
        let answer = call(
            "DynamoDB_20120810.GetItem",
            json!({ "Key": {
                "pk": { "S": fixture.delivered_event_pk() },
                "sk": { "S": "DELIVERY#bench-lender" },
            } }),
        );
        let body: Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(body["Item"]["status"]["S"], json!("DELIVERED"));
        assert_eq!(body["Item"]["endpoint"]["S"], json!("bench-lender"));
    }

    #[test]
    fn get_item_finds_only_the_application() {
        let fixture = Fixture::default();
        let found = call(
            "DynamoDB_20120810.GetItem",
            json!({ "Key": { "pk": { "S": fixture.pk() }, "sk": { "S": "APPLICATION" } } }),
        );
        assert!(String::from_utf8_lossy(&found.body).contains("\"Item\""));
        let erasure = call(
            "DynamoDB_20120810.GetItem",
            json!({ "Key": { "pk": { "S": "ERASURE#x" }, "sk": { "S": "ERASURE" } } }),
        );
        assert_eq!(&erasure.body[..], b"{}");
        assert_eq!(erasure.content_type, JSON_10);
    }

    #[test]
    fn textract_answers_are_the_recorded_responses() {
        let analyze = call("Textract.AnalyzeID", json!({}));
        assert_eq!(&analyze.body[..], fixture::ANALYZE_ID.as_bytes());
        let lending = call("Textract.GetLendingAnalysis", json!({}));
        let body: Value = serde_json::from_slice(&lending.body).unwrap();
        assert_eq!(body["DocumentMetadata"]["Pages"], json!(7));
        assert_eq!(analyze.content_type, JSON_11);
    }

    #[test]
    fn s3_operations_by_method_and_query() {
        let canned = Canned::new(&Fixture::default());
        let op =
            |method: &str, query: &str| answer(&canned, method, "/b/k", query, None, b"").operation;
        assert_eq!(op("HEAD", ""), "HeadObject");
        assert_eq!(
            op("GET", "versions&prefix=applications%2F"),
            "ListObjectVersions"
        );
        assert_eq!(op("POST", "delete"), "DeleteObjects");
        assert_eq!(op("GET", ""), "GetObject");
        assert_eq!(op("PATCH", ""), "PATCH");
        assert_eq!(answer(&canned, "PATCH", "/b/k", "", None, b"").status, 400);
    }

    #[test]
    fn ranged_gets_answer_the_uploads_head() {
        let fixture = Fixture::default();
        let canned = Canned::new(&fixture);
        let get = |key: String| {
            answer_with_range(
                &canned,
                "GET",
                &format!("/b/{key}"),
                "",
                None,
                Some("bytes=0-1023"),
                b"",
            )
        };
        let image = get(format!(
            "applications/a/uploads/{}",
            fixture.id_front_upload_id
        ));
        assert_eq!((image.status, image.body.len()), (206, 1024));
        assert!(image.body.starts_with(b"\xff\xd8\xff"));
        let package = get(format!(
            "applications/a/uploads/{}",
            fixture.package_upload_id
        ));
        assert!(package.body.starts_with(b"%PDF-"));
        assert_eq!(package.content_type, "application/pdf");
    }

    #[test]
    fn unknown_operations_are_errors_not_silence() {
        let answer = call("RekognitionService.DetectFaces", json!({}));
        assert_eq!(answer.status, 400);
        assert_eq!(answer.operation, "DetectFaces");
    }
}
