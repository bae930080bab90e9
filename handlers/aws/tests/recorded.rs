//! Golden tests: real Textract responses, recorded from the service (`tests/fixtures/aws-recorded/`,
//! see its README for source and licence), fed as raw HTTP bodies through the SDK's own
//! deserializers, the adapters and the domain rules. If the real service's names or shapes and
//! ours ever disagree, these fail, whatever our emulator says.

use std::collections::HashMap;
use std::path::PathBuf;

use aws_sdk_textract::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_http_client::test_util::infallible_client_fn;
use lendverify_aws::id_documents::IdDocuments;
use lendverify_aws::lending::Lending;
use lendverify_aws::objects::S3Location;
use lendverify_aws::AwsSettings;
use lendverify_core::applicant::Applicant;
use lendverify_core::config::{ChecklistItem, Thresholds};
use lendverify_core::identity::{
    decide_identity, Decision, DocumentKind, FaceComparison, IdentityInput, ReasonCode,
};
use lendverify_core::lending::{extract, flags, missing_required, DocumentFlag};
use lendverify_core::liveness::LivenessStatus;
use lendverify_core::printed::Amount;
use time::macros::date;

fn recorded(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/aws-recorded")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A Textract client whose HTTP layer answers each operation (by `X-Amz-Target`) with a body.
fn textract(bodies: HashMap<&'static str, String>) -> aws_sdk_textract::Client {
    let http = infallible_client_fn(move |request| {
        let target = request
            .headers()
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let operation = target.rsplit('.').next().unwrap_or_default();
        let body = bodies
            .get(operation)
            .unwrap_or_else(|| panic!("unexpected call {target}"))
            .clone();
        http::Response::builder()
            .status(200)
            .header("content-type", "application/x-amz-json-1.1")
            .body(body)
            .expect("response")
    });
    let config = aws_sdk_textract::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .http_client(http)
        .build();
    aws_sdk_textract::Client::from_conf(config)
}

fn settings() -> AwsSettings {
    AwsSettings {
        table: "applications".into(),
        audit_table: "audit".into(),
        uploads_bucket: "uploads".into(),
        biometrics_bucket: "biometrics".into(),
        textract_output_bucket: "output".into(),
        evidence_bucket: "evidence".into(),
        kms_key_arn: "arn:aws:kms:us-east-1:123456789012:key/k".into(),
        lending_topic_arn: "arn:aws:sns:us-east-1:123456789012:lending".into(),
        textract_publish_role_arn: "arn:aws:iam::123456789012:role/publish".into(),
        region: "us-east-1".into(),
        s3_force_path_style: false,
        decision_events: lendverify_aws::config::DecisionEventSettings {
            topic_arn: "arn:aws:sns:us-east-1:123456789012:decision-events".into(),
            webhook_secret_arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:webhook"
                .into(),
            endpoints: Vec::new(),
        },
    }
}

/// No summary was recorded with the package; this one has the shape `GetLendingAnalysisSummary`
/// documents, with one group per page type of the recorded results.
const SUMMARY: &str = r#"{
  "JobStatus": "SUCCEEDED",
  "Summary": {
    "DocumentGroups": [
      {"Type": "PAYSLIPS", "SplitDocuments": [{"Index": 1, "Pages": [1]}], "DetectedSignatures": [], "UndetectedSignatures": []},
      {"Type": "CHECKS", "SplitDocuments": [{"Index": 1, "Pages": [2]}], "DetectedSignatures": [], "UndetectedSignatures": [{"Page": 2}]},
      {"Type": "IDENTITY_DOCUMENT", "SplitDocuments": [{"Index": 1, "Pages": [3]}], "DetectedSignatures": [], "UndetectedSignatures": []},
      {"Type": "1099_DIV", "SplitDocuments": [{"Index": 1, "Pages": [4]}], "DetectedSignatures": [], "UndetectedSignatures": []},
      {"Type": "BANK_STATEMENT", "SplitDocuments": [{"Index": 1, "Pages": [5]}], "DetectedSignatures": [], "UndetectedSignatures": []},
      {"Type": "W_2", "SplitDocuments": [{"Index": 1, "Pages": [6]}], "DetectedSignatures": [], "UndetectedSignatures": []},
      {"Type": "UNCLASSIFIED", "SplitDocuments": [{"Index": 1, "Pages": [7]}], "DetectedSignatures": [], "UndetectedSignatures": []}
    ],
    "UndetectedDocumentTypes": ["1003"]
  },
  "AnalyzeLendingModelVersion": "1.0"
}"#;

fn usd(value: &str) -> Option<Amount> {
    Some(Amount {
        value: value.into(),
        currency: Some("USD".into()),
    })
}

#[tokio::test]
async fn recorded_lending_package_yields_the_underwriters_facts() {
    let client = textract(HashMap::from([
        (
            "GetLendingAnalysis",
            recorded("lending-package-no-signature.json"),
        ),
        ("GetLendingAnalysisSummary", SUMMARY.to_string()),
    ]));
    let results = Lending::new(client, settings())
        .results("job-1")
        .await
        .expect("the recorded response parses");
    assert_eq!(results.model_version.as_deref(), Some("1.0"));

    let types: Vec<(u32, &str)> = results
        .pages
        .iter()
        .map(|p| (p.page, p.page_type.as_str()))
        .collect();
    assert_eq!(
        types,
        [
            (1, "PAYSLIPS"),
            (2, "CHECKS"),
            (3, "IDENTITY_DOCUMENT"),
            (4, "1099_DIV"),
            (5, "BANK_STATEMENT"),
            (6, "W_2"),
            (7, "UNCLASSIFIED"),
        ],
        "Textract's own types, unchanged"
    );
    assert!(
        results.pages[2].readings.is_empty() && results.pages[6].readings.is_empty(),
        "identity and unclassified pages carry no LendingDocument"
    );
    assert!(
        results.pages[3].readings.iter().all(|r| !r.text.is_empty()),
        "value detections without text are dropped, not read as empty"
    );
    assert_eq!(results.groups.len(), 7);
    assert_eq!(results.groups[1].signatures_missing, vec![2]);

    let data = extract(
        &results.pages,
        Thresholds::default().min_extraction_confidence,
    );

    let payslip = &data.payslips[..];
    assert_eq!(payslip.len(), 1);
    let payslip = &payslip[0];
    assert_eq!(payslip.page, 1);
    assert_eq!(payslip.borrower_name.as_ref().unwrap().text, "JOHN STILES");
    let gross = payslip.current_gross_pay.as_ref().unwrap();
    assert_eq!((gross.text.as_str(), gross.confidence), ("$ 452.43", 97.0));
    assert_eq!(gross.amount, usd("452.43"));
    assert_eq!(payslip.pay_period_start, None, "no value detection at all");
    assert_eq!(
        payslip.pay_period_end.as_ref().unwrap().date,
        Some(date!(2008 - 07 - 18))
    );

    let statement = &data.bank_statements[0];
    assert_eq!(statement.page, 5);
    assert_eq!(statement.borrower_name.as_ref().unwrap().text, "Jane Doe");
    assert_eq!(
        statement.period_start.as_ref().unwrap().date,
        Some(date!(2021 - 05 - 01))
    );
    assert_eq!(
        statement.period_end.as_ref().unwrap().date,
        Some(date!(2021 - 05 - 31))
    );
    let balance = statement.ending_balance.as_ref().unwrap();
    assert_eq!(balance.text, "$123,084.85");
    assert_eq!(balance.amount, usd("123084.85"));
    assert!(!balance.low_confidence, "93 is above the minimum of 90");

    let w2 = &data.w2[0];
    assert_eq!(w2.page, 6);
    assert_eq!(w2.employee_name.as_ref().unwrap().text, "Arnav");
    assert_eq!(w2.form_year.as_ref().unwrap().text, "2022");
    assert_eq!(w2.wages.as_ref().unwrap().amount, usd("100.00"));

    let found = results
        .groups
        .iter()
        .map(|g| g.doc_type.as_str())
        .chain(results.pages.iter().map(|p| p.page_type.as_str()));
    assert_eq!(
        missing_required(found, false, &ChecklistItem::ALL),
        vec![ChecklistItem::Urla1003],
        "a W-2 or payslip is proof of income; the package has an identity document"
    );
    assert_eq!(
        flags(&data, Some(("JOHN", "STILES"))),
        vec![DocumentFlag::BorrowerNameMismatch],
        "the statement names Jane Doe and the W-2 Arnav"
    );
    assert_eq!(flags(&data, None), Vec::<DocumentFlag>::new());
}

#[tokio::test]
async fn recorded_driver_licence_parses_into_the_identity_document() {
    let client = textract(HashMap::from([(
        "AnalyzeID",
        recorded("test-trp2-analyzeid_sample_multi_page.json"),
    )]));
    let front = S3Location::latest("uploads", "front");
    let back = S3Location::latest("uploads", "back");
    let analyzed = IdDocuments::new(client)
        .analyze(&front, Some(&back))
        .await
        .expect("the recorded response parses");
    assert_eq!(analyzed.model_version.as_deref(), Some("1.0"));
    let document = analyzed.document;

    assert_eq!(document.kind, DocumentKind::DriverLicense);
    assert_eq!(document.given_name.as_ref().unwrap().value, "JORGE");
    assert_eq!(document.family_name.as_ref().unwrap().value, "SOUZA");
    assert_eq!(
        document.date_of_birth.map(|(d, _)| d),
        Some(date!(1978 - 03 - 18))
    );
    assert_eq!(
        document.expires_on.map(|(d, _)| d),
        Some(date!(2020 - 01 - 20))
    );
    assert_eq!(
        document.document_number.as_ref().unwrap().value,
        "820BAC729CBAC"
    );
    assert_eq!(document.mrz, None, "a licence has no MRZ");

    let declared = Applicant {
        given_name: "Jorge".into(),
        family_name: "Souza".into(),
        date_of_birth: date!(1978 - 03 - 18),
    };
    let face = FaceComparison {
        source_face_found: true,
        target_face_found: true,
        best_similarity: Some(99.6),
    };
    let input = |today| IdentityInput {
        liveness: LivenessStatus::Passed,
        face,
        document: &document,
        declared: Some(&declared),
        today,
    };
    let thresholds = Thresholds::default();
    let before_expiry = decide_identity(&input(date!(2019 - 06 - 01)), &thresholds);
    assert_eq!(
        before_expiry.decision,
        Decision::Approved,
        "{before_expiry:?}"
    );
    let today = decide_identity(&input(date!(2026 - 11 - 30)), &thresholds);
    assert_eq!(today.decision, Decision::Rejected);
    assert_eq!(today.reasons, vec![ReasonCode::DocumentExpired]);
}
