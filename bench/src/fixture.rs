//! The one application every bench event is about, and its DynamoDB items in the wire format
//! (`AttributeValue` JSON) the stub answers with. The items follow `handlers/aws/src/records.rs`
//! (camelCase attribute names, SCREAMING_SNAKE_CASE enums); if that layout changes so that these
//! no longer parse, the cold-start smoke test in `make test` fails with the handler's answer.

use serde_json::{json, Map, Value};

/// Ids of the application and everything under it. All are UUIDs, as the handlers require.
#[derive(Clone, Debug)]
pub struct Fixture {
    /// The Cognito `sub` of the applicant (the authorizer claim).
    pub sub: &'static str,
    pub application_id: &'static str,
    /// A liveness session that PASSED and has a reference image (identity verification uses it).
    pub passed_session_id: &'static str,
    /// A liveness session still IN_PROGRESS (`GET .../liveness-sessions/{id}` polls it).
    pub open_session_id: &'static str,
    pub id_front_upload_id: &'static str,
    pub package_upload_id: &'static str,
    /// A finished lending document (`GET .../documents/{id}` reads it).
    pub document_id: &'static str,
    /// The Textract job of a document still IN_PROGRESS (the consumer completes it).
    pub job_id: &'static str,
    /// An application nobody has (the stub knows no items under it): a request about it is
    /// answered 404 after one `Query`.
    pub unknown_application_id: &'static str,
    /// A Textract job LendVerify did not start (no document has it).
    pub unknown_job_id: &'static str,
    /// A decision event already delivered to the lender's endpoint (an SQS redelivery).
    pub delivered_event_id: &'static str,
    pub region: &'static str,
    pub uploads_bucket: &'static str,
    pub biometrics_bucket: &'static str,
}

impl Default for Fixture {
    fn default() -> Self {
        Self {
            sub: "5f1c9a3e-7b2d-4c1e-9f0a-2b3c4d5e6f70",
            application_id: "0b9c4b7e-3f1a-4d2b-9c8e-1a2b3c4d5e6f",
            passed_session_id: "1d2e3f40-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
            open_session_id: "2e3f4051-6b7c-4d8e-9fa0-1b2c3d4e5f60",
            id_front_upload_id: "3f405162-7c8d-4e9f-a0b1-2c3d4e5f6071",
            package_upload_id: "40516273-8d9e-4fa0-b1c2-3d4e5f607182",
            document_id: "51627384-9eaf-40b1-c2d3-4e5f60718293",
            job_id: "0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d",
            unknown_application_id: "62738495-afb0-41c2-83e4-5f6071829304",
            unknown_job_id: "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0",
            delivered_event_id: "7c8d9eaf-b0c1-5d2e-8f3a-4b5c6d7e8f90",
            region: "us-east-1",
            uploads_bucket: "bench-uploads",
            biometrics_bucket: "bench-biometrics",
        }
    }
}

/// `{"S": value}`
pub fn s(value: &str) -> Value {
    json!({ "S": value })
}

/// `{"N": "value"}`
pub fn n(value: impl ToString) -> Value {
    json!({ "N": value.to_string() })
}

/// `{"M": {...}}` from attribute pairs.
pub fn m(pairs: &[(&str, Value)]) -> Value {
    json!({ "M": item(pairs) })
}

/// `{"L": [...]}`
pub fn l(values: Vec<Value>) -> Value {
    json!({ "L": values })
}

/// An item (attribute map) from attribute pairs.
pub fn item(pairs: &[(&str, Value)]) -> Value {
    let map: Map<String, Value> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    Value::Object(map)
}

const CREATED: &str = "2026-11-27T09:00:00Z";

impl Fixture {
    pub fn pk(&self) -> String {
        format!("APP#{}", self.application_id)
    }

    /// The partition of [`Fixture::delivered_event_id`]'s delivery records.
    pub fn delivered_event_pk(&self) -> String {
        format!("EVENT#{}", self.delivered_event_id)
    }

    fn prefix(&self) -> String {
        format!("applications/{}/", self.application_id)
    }

    pub fn application(&self) -> Value {
        item(&[
            ("pk", s(&self.pk())),
            ("sk", s("APPLICATION")),
            ("applicationId", s(self.application_id)),
            ("ownerSub", s(self.sub)),
            ("createdAt", s(CREATED)),
            (
                "applicant",
                m(&[
                    ("givenName", s("Jorge")),
                    ("familyName", s("Souza")),
                    ("dateOfBirth", s("1978-03-18")),
                ]),
            ),
            (
                "consent",
                m(&[("policyVersion", s("2026-01")), ("givenAt", s(CREATED))]),
            ),
        ])
    }

    /// `GetItem` of the delivery record of [`Fixture::delivered_event_id`] to the endpoint `sk`
    /// names: accepted by the lender earlier (`handlers/aws/src/deliveries.rs`).
    pub fn delivered(&self, sk: &Value) -> String {
        let sk = sk["S"].as_str().unwrap_or_default();
        let endpoint = sk.strip_prefix("DELIVERY#").unwrap_or(sk);
        json!({ "Item": item(&[
            ("pk", s(&self.delivered_event_pk())),
            ("sk", s(sk)),
            ("eventId", s(self.delivered_event_id)),
            ("endpoint", s(endpoint)),
            ("status", s("DELIVERED")),
            ("claim", s("8d9eafb0-c1d2-4e3f-9a4b-5c6d7e8f9012")),
            ("leaseUntil", n(0)),
            ("attempts", n(1)),
            ("deliveredAt", s("2026-11-27T12:00:01Z")),
            ("expiresAt", n(1_797_000_000)),
        ]) })
        .to_string()
    }

    fn reference_image_key(&self) -> String {
        format!(
            "{}liveness/{}/reference.jpg",
            self.prefix(),
            self.passed_session_id
        )
    }

    pub fn passed_liveness(&self) -> Value {
        item(&[
            ("pk", s(&self.pk())),
            ("sk", s(&format!("LIVENESS#{}", self.passed_session_id))),
            ("applicationId", s(self.application_id)),
            ("sessionId", s(self.passed_session_id)),
            ("status", s("PASSED")),
            ("createdAt", s("2026-11-27T09:01:00Z")),
            ("decidedAt", s("2026-11-27T09:02:00Z")),
            ("confidence", n(98.5)),
            ("passThreshold", n(90)),
            ("reviewBand", n(10)),
            ("referenceImageKey", s(&self.reference_image_key())),
            ("auditImageKeys", l(vec![])),
        ])
    }

    pub fn open_liveness(&self) -> Value {
        item(&[
            ("pk", s(&self.pk())),
            ("sk", s(&format!("LIVENESS#{}", self.open_session_id))),
            ("applicationId", s(self.application_id)),
            ("sessionId", s(self.open_session_id)),
            ("status", s("IN_PROGRESS")),
            ("createdAt", s("2026-11-27T09:03:00Z")),
            ("auditImageKeys", l(vec![])),
        ])
    }

    fn upload(&self, id: &str, purpose: &str, content_type: &str, length: u64) -> Value {
        item(&[
            ("pk", s(&self.pk())),
            ("sk", s(&format!("UPLOAD#{id}"))),
            ("applicationId", s(self.application_id)),
            ("uploadId", s(id)),
            ("purpose", s(purpose)),
            ("contentType", s(content_type)),
            ("contentLength", n(length)),
            ("bucket", s(self.uploads_bucket)),
            ("key", s(&format!("{}uploads/{id}", self.prefix()))),
            ("createdAt", s(CREATED)),
        ])
    }

    pub fn id_front_upload(&self) -> Value {
        self.upload(self.id_front_upload_id, "ID_FRONT", "image/jpeg", 412_345)
    }

    pub fn package_upload(&self) -> Value {
        self.upload(
            self.package_upload_id,
            "LENDING_PACKAGE",
            "application/pdf",
            2_345_678,
        )
    }

    fn group(doc_type: &str, page: u32) -> Value {
        m(&[
            ("type", s(doc_type)),
            ("pages", l(vec![n(page)])),
            ("signaturesFound", l(vec![])),
            ("signaturesMissing", l(vec![])),
        ])
    }

    /// A lending document Textract finished with.
    pub fn finished_document(&self) -> Value {
        item(&[
            ("pk", s(&self.pk())),
            ("sk", s(&format!("DOC#{}", self.document_id))),
            ("applicationId", s(self.application_id)),
            ("documentId", s(self.document_id)),
            ("uploadId", s("73849506-b0c1-42d3-e4f5-607182930415")),
            ("textractJobId", s("finished-job")),
            ("status", s("SUCCEEDED")),
            ("createdAt", s("2026-11-27T09:06:00Z")),
            ("completedAt", s("2026-11-27T09:07:00Z")),
            (
                "documentGroups",
                l(vec![
                    Self::group("PAYSLIPS", 1),
                    Self::group("BANK_STATEMENT", 2),
                    Self::group("W_2", 3),
                ]),
            ),
            (
                "pageClasses",
                l(vec![
                    m(&[("page", n(1)), ("type", s("PAYSLIPS"))]),
                    m(&[("page", n(2)), ("type", s("BANK_STATEMENT"))]),
                    m(&[("page", n(3)), ("type", s("W_2"))]),
                ]),
            ),
        ])
    }

    /// The document whose Textract job the consumer's SQS message completes.
    pub fn open_document(&self) -> Value {
        item(&[
            ("pk", s(&self.pk())),
            ("sk", s("DOC#84950617-c1d2-43e4-f506-718293041526")),
            ("applicationId", s(self.application_id)),
            ("documentId", s("84950617-c1d2-43e4-f506-718293041526")),
            ("uploadId", s(self.package_upload_id)),
            ("textractJobId", s(self.job_id)),
            ("status", s("IN_PROGRESS")),
            ("createdAt", s("2026-11-27T09:08:00Z")),
        ])
    }

    /// Every item under the application's partition (`Query pk = APP#...`).
    pub fn application_items(&self) -> Vec<Value> {
        vec![
            self.application(),
            self.finished_document(),
            self.passed_liveness(),
            self.open_liveness(),
            self.id_front_upload(),
            self.package_upload(),
        ]
    }

    /// `GetFaceLivenessSessionResults` of the open session: it succeeded.
    pub fn liveness_results(&self) -> Value {
        let object = |name: String| json!({ "Bucket": self.biometrics_bucket, "Name": name });
        let bounding_box = json!({ "Width": 0.41, "Height": 0.52, "Left": 0.29, "Top": 0.21 });
        json!({
            "SessionId": self.open_session_id,
            "Status": "SUCCEEDED",
            "Confidence": 97.3,
            "ReferenceImage": {
                "S3Object": object(format!("{}liveness/{}/reference.jpg", self.prefix(), self.open_session_id)),
                "BoundingBox": bounding_box,
            },
            "AuditImages": (1..=4).map(|i| json!({
                "S3Object": object(format!("{}liveness/{}/audit_{i}.jpg", self.prefix(), self.open_session_id)),
                "BoundingBox": bounding_box,
            })).collect::<Vec<_>>(),
        })
    }

    /// `CompareFaces`: one face on each side, a close match.
    pub fn compare_faces(&self) -> Value {
        let face = json!({
            "BoundingBox": { "Width": 0.31, "Height": 0.42, "Left": 0.33, "Top": 0.18 },
            "Confidence": 99.98,
            "Landmarks": [],
            "Pose": { "Roll": 1.2, "Yaw": -3.4, "Pitch": 2.1 },
            "Quality": { "Brightness": 81.2, "Sharpness": 92.1 },
        });
        json!({
            "SourceImageFace": { "BoundingBox": face["BoundingBox"], "Confidence": 99.98 },
            "FaceMatches": [{ "Similarity": 99.42, "Face": face }],
            "UnmatchedFaces": [],
        })
    }

    /// The SNS envelope Textract's completion arrives in, as the SQS record body.
    pub fn completion_body(&self) -> String {
        self.completion_of(self.job_id, Some(self.application_id))
    }

    /// Textract's completion of a job LendVerify never started (no `JobTag`).
    pub fn unknown_completion_body(&self) -> String {
        self.completion_of(self.unknown_job_id, None)
    }

    fn completion_of(&self, job_id: &str, job_tag: Option<&str>) -> String {
        let mut message = json!({
            "JobId": job_id,
            "Status": "SUCCEEDED",
            "API": "StartLendingAnalysis",
            "Timestamp": 1_795_000_000_000_u64,
            "DocumentLocation": { "S3ObjectName": format!("{}uploads/{}", self.prefix(), self.package_upload_id), "S3Bucket": self.uploads_bucket },
        });
        // Textract leaves JobTag out of the message when the job was started without one.
        if let Some(tag) = job_tag {
            message["JobTag"] = json!(tag);
        }
        json!({
            "Type": "Notification",
            "MessageId": "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:bench-lending",
            "Message": message.to_string(),
            "Timestamp": "2026-11-27T09:09:00.000Z",
            "SignatureVersion": "1",
        })
        .to_string()
    }
}

/// `GetLendingAnalysis`: the recorded 7-page lending package (real Textract output).
pub const LENDING_RESULTS: &str =
    include_str!("../../tests/fixtures/aws-recorded/lending-package-no-signature.json");

/// `AnalyzeID`: the recorded 2-page driver's licence (real Textract output).
pub const ANALYZE_ID: &str =
    include_str!("../../tests/fixtures/aws-recorded/test-trp2-analyzeid_sample_multi_page.json");

/// `GetLendingAnalysisSummary` for the recorded package: one group per page type, with the shape
/// the API documents (no summary was recorded with the package).
pub fn lending_summary() -> Value {
    let groups: Vec<Value> = [
        "PAYSLIPS",
        "CHECKS",
        "IDENTITY_DOCUMENT",
        "1099_DIV",
        "BANK_STATEMENT",
        "W_2",
        "UNCLASSIFIED",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| {
        json!({
            "Type": t,
            "SplitDocuments": [{ "Index": 1, "Pages": [i + 1] }],
            "DetectedSignatures": [],
            "UndetectedSignatures": [],
        })
    })
    .collect();
    json!({
        "JobStatus": "SUCCEEDED",
        "Summary": { "DocumentGroups": groups, "UndetectedDocumentTypes": ["1003"] },
        "AnalyzeLendingModelVersion": "1.0",
    })
}
