"""The botocore-model validator itself, proven on real recorded AWS responses and on mutations of
them, so that the conformance tests built on it mean something."""

from __future__ import annotations

import copy

import pytest
from support import RECORDED_ANALYZE_ID, RECORDED_LENDING, recorded

from lendverify_emulator.service_models import (
    BOTO3_RESPONSE_METADATA,
    request_violation_message,
    validate_request,
    validate_response,
    without_response_metadata,
)


def paths(violations) -> list[str]:
    return [v.path for v in violations]


@pytest.mark.parametrize(
    "operation, fixture",
    [("GetLendingAnalysis", RECORDED_LENDING), ("AnalyzeID", RECORDED_ANALYZE_ID)],
)
def test_recorded_real_responses_pass(operation, fixture):
    body = recorded(fixture)
    assert BOTO3_RESPONSE_METADATA in body  # boto3 recorded them; it is not wire content
    assert paths(validate_response(operation, body)) == [BOTO3_RESPONSE_METADATA]
    assert validate_response(operation, without_response_metadata(body)) == []


def test_recorded_lending_results_have_the_shapes_the_emulator_imitates():
    results = without_response_metadata(recorded(RECORDED_LENDING))["Results"]
    types = [r["PageClassification"]["PageType"][0]["Value"] for r in results]
    assert types == ["PAYSLIPS", "CHECKS", "IDENTITY_DOCUMENT", "1099_DIV", "BANK_STATEMENT", "W_2", "UNCLASSIFIED"]
    assert results[6]["Extractions"] == []
    assert list(results[2]["Extractions"][0]) == ["IdentityDocument"]
    assert results[0]["PageClassification"]["PageNumber"][0]["Value"] == "undetected"


def lending() -> dict:
    return without_response_metadata(recorded(RECORDED_LENDING))


@pytest.mark.parametrize(
    "mutate, path, fragment",
    [
        (lambda b: b.update(JobStatus="DONE"), "JobStatus", "must be one of"),
        (lambda b: b["Results"][0].update(Page="1"), "Results[0].Page", "integer"),
        (lambda b: b["Results"][0]["PageClassification"].pop("PageNumber"), "Results[0].PageClassification.PageNumber", "not be null"),
        (lambda b: b["Results"][6].update(Extractions={}), "Results[6].Extractions", "list"),
        (lambda b: b["Results"][0]["PageClassification"]["PageType"][0].update(Confidence="high"), "Results[0].PageClassification.PageType[0].Confidence", "number"),
        (lambda b: b["Results"][5]["Extractions"][0]["LendingDocument"]["LendingFields"][0].update(Key="x"), "Results[5].Extractions[0].LendingDocument.LendingFields[0].Key", "not a member"),
        (lambda b: b["Results"][2]["Extractions"][0]["IdentityDocument"]["IdentityDocumentFields"][0]["Type"].pop("Text"), "Results[2].Extractions[0].IdentityDocument.IdentityDocumentFields[0].Type.Text", "not be null"),
        (lambda b: b.update(DocumentMetadata={"Pages": True}), "DocumentMetadata.Pages", "integer"),
    ],
)
def test_every_kind_of_response_violation_is_found_with_its_path(mutate, path, fragment):
    body = lending()
    mutate(body)
    [violation] = validate_response("GetLendingAnalysis", body)
    assert violation.path == path and fragment in violation.message


def test_date_value_type_accepts_the_model_and_the_real_service_spelling():
    body = without_response_metadata(recorded(RECORDED_ANALYZE_ID))
    detection = body["IdentityDocuments"][0]["IdentityDocumentFields"][9]["ValueDetection"]
    assert detection["NormalizedValue"]["ValueType"] == "Date"
    for spelling in ("Date", "DATE"):
        detection["NormalizedValue"]["ValueType"] = spelling
        assert validate_response("AnalyzeID", copy.deepcopy(body)) == []
    detection["NormalizedValue"]["ValueType"] = "date"
    assert paths(validate_response("AnalyzeID", body)) == [
        "IdentityDocuments[0].IdentityDocumentFields[9].ValueDetection.NormalizedValue.ValueType"
    ]


def test_rekognition_output_shapes():
    ok = {"SessionId": "0b9f5d33-5a2c-4c3d-9a43-0e8f2b1c7d10", "Status": "EXPIRED"}
    assert validate_response("GetFaceLivenessSessionResults", ok) == []
    assert paths(validate_response("GetFaceLivenessSessionResults", {"Status": "CREATED"})) == ["SessionId"]
    assert paths(validate_response("GetFaceLivenessSessionResults", {**ok, "Status": "DONE"})) == ["Status"]
    faces = {"FaceMatches": [{"Similarity": 99.1, "Face": {"Confidence": 99.9, "Landmarks": [{"Type": "eyeLeft", "X": 0.1, "Y": 0.2}]}}]}
    assert validate_response("CompareFaces", faces) == []
    faces["FaceMatches"][0]["Face"]["Landmarks"][0]["Type"] = "thirdEye"
    assert paths(validate_response("CompareFaces", faces)) == ["FaceMatches[0].Face.Landmarks[0].Type"]


@pytest.mark.parametrize(
    "operation, body, path, fragment",
    [
        ("GetFaceLivenessSessionResults", {}, "SessionId", "must not be null"),
        ("GetFaceLivenessSessionResults", {"SessionId": "not-a-uuid"}, "SessionId", "length"),
        ("GetFaceLivenessSessionResults", {"SessionId": "z" * 36}, "SessionId", "pattern"),
        ("CreateFaceLivenessSession", {"Settings": {"AuditImagesLimit": 5}}, "Settings.AuditImagesLimit", "less than or equal to 4"),
        ("CreateFaceLivenessSession", {"Settings": {"OutputConfig": {}}}, "Settings.OutputConfig.S3Bucket", "must not be null"),
        ("CreateFaceLivenessSession", {"ClientRequestToken": "doc 1"}, "ClientRequestToken", "pattern"),
        ("CompareFaces", {"SourceImage": {"Bytes": "aGk="}, "TargetImage": {"Bytes": "aGk="}, "SimilarityThreshold": 101}, "SimilarityThreshold", "less than or equal to 100"),
        ("CompareFaces", {"SourceImage": {"Bytes": "aGk="}, "TargetImage": {"Bytes": "aGk="}, "QualityFilter": "BEST"}, "QualityFilter", "must be one of"),
        ("CompareFaces", {"SourceImage": {"Bytes": "***"}, "TargetImage": {"Bytes": "aGk="}}, "SourceImage.Bytes", "base64"),
        ("AnalyzeID", {"DocumentPages": []}, "DocumentPages", "greater than or equal to 1"),
        ("AnalyzeID", {"DocumentPages": [{"Bytes": "aGk="}] * 3}, "DocumentPages", "less than or equal to 2"),
        ("StartLendingAnalysis", {"DocumentLocation": {"S3Object": {"Bucket": "bucket", "Name": "k"}}, "JobTag": "app 1"}, "JobTag", "pattern"),
        ("StartLendingAnalysis", {"DocumentLocation": {"S3Object": {"Bucket": "bucket", "Name": "k"}}, "NotificationChannel": {"SNSTopicArn": "topic", "RoleArn": "arn:aws:iam::123456789012:role/r"}}, "NotificationChannel.SNSTopicArn", "length"),
        ("StartLendingAnalysis", {"DocumentLocation": {"S3Object": {"Bucket": "bucket", "Name": "k"}}, "OutputConfig": {"S3Prefix": "p"}}, "OutputConfig.S3Bucket", "must not be null"),
        ("GetLendingAnalysis", {"JobId": "j", "MaxResults": 0}, "MaxResults", "greater than or equal to 1"),
        ("GetLendingAnalysis", {"JobId": "j", "MaxResults": "30"}, "MaxResults", "integer"),
        ("GetLendingAnalysisSummary", {"JobId": "x" * 65}, "JobId", "length"),
    ],
)
def test_request_constraints_are_enforced(operation, body, path, fragment):
    violations = validate_request(operation, body)
    assert path in paths(violations), violations
    assert any(fragment in v.message for v in violations if v.path == path), violations


def test_requests_the_sdks_send_pass_and_unknown_members_are_tolerated():
    assert validate_request("StartLendingAnalysis", {
        "DocumentLocation": {"S3Object": {"Bucket": "lv-uploads", "Name": "applications/a/uploads/p.pdf"}},
        "ClientRequestToken": "0f6c2b1e-doc",
        "JobTag": "app-1",
        "NotificationChannel": {
            "SNSTopicArn": "arn:aws:sns:us-east-1:123456789012:lending",
            "RoleArn": "arn:aws:iam::123456789012:role/textract-publish",
        },
        "OutputConfig": {"S3Bucket": "lv-textract", "S3Prefix": "applications/a/textract/d"},
        "KMSKeyId": "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
        "AFutureMember": True,
    }) == []


def test_request_violation_message_names_every_violation():
    message = request_violation_message(validate_request("GetLendingAnalysis", {"MaxResults": 0}))
    assert message.startswith("2 validation errors detected: ")
    assert "JobId: Member must not be null" in message and "MaxResults" in message
