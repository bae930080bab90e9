"""Every answer the emulator gives, on every success path of all seven operations, matches the
botocore output shape (required members, types, enum values, no unknown members), checked on
the raw wire body; and a request that breaks the input shape is refused as AWS refuses it."""

from __future__ import annotations

import base64
import json
import re

import pytest
from support import ALICE_ID, RECORDED_ANALYZE_ID, RECORDED_LENDING, aws_call, http, recorded, wait_for_job

from lendverify_emulator.fixtures import make_pdf, make_png, sample_lending_pages
from lendverify_emulator.service_models import validate_response

ALL_OPERATIONS = {
    "CreateFaceLivenessSession",
    "GetFaceLivenessSessionResults",
    "CompareFaces",
    "AnalyzeID",
    "StartLendingAnalysis",
    "GetLendingAnalysis",
    "GetLendingAnalysisSummary",
}

VARIED_PAGES = [
    *sample_lending_pages(),
    ["Some cover letter"],  # UNCLASSIFIED
    ["Driver License", "FIRST_NAME: ANA", "DATE_OF_BIRTH: 1990-04-12", "Page 1"],  # IDENTITY_DOCUMENT
    ["Store Receipt", "TOTAL: $12.50"],  # RECEIPTS
    ["Pay to the order of Ana", "DOLLAR_AMOUNT: $10.00", "MEMO:"],  # CHECKS, empty value
    ["PAGE_TYPE: SOME_FUTURE_TYPE", "FIELD: x"],  # a type outside the documented table
]


class Wire:
    """Calls the emulator over HTTP and keeps every answer for validation."""

    def __init__(self, emu_url: str):
        self.emu_url = emu_url
        self.answers: list[tuple[str, dict]] = []

    def __call__(self, operation: str, **params) -> dict:
        status, body = aws_call(self.emu_url, operation, params)
        assert status == 200, (operation, body)
        self.answers.append((operation, body))
        return body

    def assert_all_conform(self, expected_operations: set[str]) -> None:
        assert {op for op, _ in self.answers} == expected_operations
        for operation, body in self.answers:
            assert validate_response(operation, body) == [], (operation, json.dumps(body)[:500])


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture()
def wire(emu_url):
    return Wire(emu_url)


def complete(emu_url: str, session_id: str, body: dict) -> None:
    assert http("POST", f"{emu_url}/_emulator/liveness-sessions/{session_id}/complete", body)[0] == 200


def test_rekognition_answers_conform(wire, emu_url, bucket):
    with_s3 = wire("CreateFaceLivenessSession", KmsKeyId="alias/lendverify", ClientRequestToken="t-1",
                   Settings={"OutputConfig": {"S3Bucket": bucket, "S3KeyPrefix": "applications/a/liveness"}, "AuditImagesLimit": 2})
    wire("GetFaceLivenessSessionResults", SessionId=with_s3["SessionId"])  # CREATED
    complete(emu_url, with_s3["SessionId"], {"confidence": 97.5, "face": "alice"})
    wire("GetFaceLivenessSessionResults", SessionId=with_s3["SessionId"])  # SUCCEEDED, S3 images
    inline = wire("CreateFaceLivenessSession", Settings={"AuditImagesLimit": 1})
    complete(emu_url, inline["SessionId"], {"confidence": 55.0, "face": "bob"})
    wire("GetFaceLivenessSessionResults", SessionId=inline["SessionId"])  # SUCCEEDED, inline bytes
    for status in ("FAILED", "IN_PROGRESS"):
        session = wire("CreateFaceLivenessSession")
        complete(emu_url, session["SessionId"], {"status": status})
        wire("GetFaceLivenessSessionResults", SessionId=session["SessionId"])
    late = wire("CreateFaceLivenessSession")
    http("POST", f"{emu_url}/_emulator/clock", {"advanceSeconds": 181})
    assert wire("GetFaceLivenessSessionResults", SessionId=late["SessionId"])["Status"] == "EXPIRED"

    alice = {"Bytes": b64(make_png(face="alice"))}
    wire("CompareFaces", SourceImage=alice, TargetImage=alice, SimilarityThreshold=99.0, QualityFilter="AUTO")
    wire("CompareFaces", SourceImage=alice, TargetImage={"Bytes": b64(make_png(face="mallory"))})
    wire("CompareFaces", SourceImage=alice, TargetImage={"Bytes": b64(make_png())})
    wire.assert_all_conform({"CreateFaceLivenessSession", "GetFaceLivenessSessionResults", "CompareFaces"})


def test_analyze_id_answers_conform(wire):
    wire("AnalyzeID", DocumentPages=[{"Bytes": b64(make_png(id_document=ALICE_ID))}])
    wire("AnalyzeID", DocumentPages=[{"Bytes": b64(make_png(face="alice"))}, {"Bytes": b64(make_png(id_document=ALICE_ID))}])
    wire.assert_all_conform({"AnalyzeID"})


def test_lending_answers_conform_on_every_path(wire, emulator, s3, bucket, lending_channel):
    def start(key: str, body: bytes) -> str:
        s3.put_object(Bucket=bucket, Key=key, Body=body)
        return wire("StartLendingAnalysis", DocumentLocation={"S3Object": {"Bucket": bucket, "Name": key}},
                    NotificationChannel={"SNSTopicArn": lending_channel.topic, "RoleArn": lending_channel.role},
                    OutputConfig={"S3Bucket": bucket, "S3Prefix": "applications/a/textract"}, JobTag="app-1")["JobId"]

    job_id = start("varied.pdf", make_pdf(VARIED_PAGES))
    wire("GetLendingAnalysis", JobId=job_id)  # IN_PROGRESS
    wire("GetLendingAnalysisSummary", JobId=job_id)
    wait_for_job(emulator, job_id)
    token, pages = None, 0
    while True:  # one result per answer, following NextToken to the end
        answer = wire("GetLendingAnalysis", JobId=job_id, MaxResults=1, **({"NextToken": token} if token else {}))
        pages += len(answer["Results"])
        token = answer.get("NextToken")
        if not token:
            break
    assert pages == len(VARIED_PAGES)
    wire("GetLendingAnalysis", JobId=job_id, MaxResults=1000)  # above 30: capped, not refused
    wire("GetLendingAnalysisSummary", JobId=job_id)

    for key, body in (("photo.png", make_png(face="a")), ("error.pdf", make_pdf([["JOB_STATUS: ERROR"]]))):
        failed = start(key, body)
        wait_for_job(emulator, failed)
        wire("GetLendingAnalysis", JobId=failed)
        wire("GetLendingAnalysisSummary", JobId=failed)
    wire.assert_all_conform({"StartLendingAnalysis", "GetLendingAnalysis", "GetLendingAnalysisSummary"})


def test_replayed_answers_conform(wire, emu_url, emulator, s3, bucket):
    analyze_id = recorded(RECORDED_ANALYZE_ID)  # with boto3's ResponseMetadata: stripped on entry
    assert http("POST", emu_url + "/_emulator/replays", {"operation": "AnalyzeID", "response": analyze_id})[0] == 200
    wire("AnalyzeID", DocumentPages=[{"Bytes": b64(make_png())}])
    lending = recorded(RECORDED_LENDING)
    assert http("POST", emu_url + "/_emulator/replays", {"operation": "StartLendingAnalysis", "getLendingAnalysis": lending})[0] == 200
    s3.put_object(Bucket=bucket, Key="recorded.pdf", Body=make_pdf([["x"]] * 7))
    job_id = wire("StartLendingAnalysis", DocumentLocation={"S3Object": {"Bucket": bucket, "Name": "recorded.pdf"}})["JobId"]
    wait_for_job(emulator, job_id)
    wire("GetLendingAnalysis", JobId=job_id, MaxResults=3)
    wire("GetLendingAnalysisSummary", JobId=job_id)
    wire.assert_all_conform({"AnalyzeID", "StartLendingAnalysis", "GetLendingAnalysis", "GetLendingAnalysisSummary"})


# A request of each operation that breaks its input shape, and the member the refusal names.
BAD_REQUESTS = [
    ("CreateFaceLivenessSession", {"Settings": {"AuditImagesLimit": 9}}, "Settings.AuditImagesLimit"),
    ("GetFaceLivenessSessionResults", {"SessionId": "nope"}, "SessionId"),
    ("CompareFaces", {"SourceImage": {"Bytes": b64(b"x")}}, "TargetImage"),
    ("AnalyzeID", {"DocumentPages": []}, "DocumentPages"),
    ("StartLendingAnalysis", {"DocumentLocation": {"S3Object": {"Bucket": "b", "Name": "k"}}}, "DocumentLocation.S3Object.Bucket"),
    ("GetLendingAnalysis", {"JobId": "j", "NextToken": ""}, "NextToken"),
    ("GetLendingAnalysisSummary", {"JobId": "job id with spaces"}, "JobId"),
]


def test_bad_requests_cover_every_operation():
    assert {op for op, _, _ in BAD_REQUESTS} == ALL_OPERATIONS


@pytest.mark.parametrize("operation, params, path", BAD_REQUESTS, ids=[op for op, _, _ in BAD_REQUESTS])
def test_a_request_that_breaks_the_model_is_refused_before_the_operation_runs(emu_url, emulator, operation, params, path):
    status, body = aws_call(emu_url, operation, params)
    assert status == 400 and body["__type"] == "ValidationException"
    assert re.match(r"\d+ validation errors? detected: ", body["message"]) and f"{path}: " in body["message"]
    assert emulator.state.lending_jobs == {} and emulator.state.liveness_sessions == {}
    assert http("GET", emu_url + "/_emulator/calls")[2][operation] == 1  # still counted, as retries show


@pytest.mark.parametrize(
    "operation, params, path",
    [
        ("GetLendingAnalysis", {"JobId": "j", "MaxResults": "30"}, "MaxResults"),
        ("CompareFaces", {"SourceImage": {"Bytes": "not base64!"}, "TargetImage": {"Bytes": b64(b"x")}}, "SourceImage.Bytes"),
        ("CreateFaceLivenessSession", {"Settings": []}, "Settings"),
    ],
)
def test_a_member_of_the_wrong_json_type_cannot_be_read(emu_url, operation, params, path):
    status, body = aws_call(emu_url, operation, params)
    assert status == 400 and body["__type"] == "SerializationException" and f"{path}: " in body["message"]
