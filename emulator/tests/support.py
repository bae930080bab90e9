"""Constants and helpers the test modules share (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The project-wide copy of real AWS responses (see its README for source and licence).
RECORDED = ROOT.parent / "tests" / "fixtures" / "aws-recorded"
RECORDED_LENDING = RECORDED / "lending-package-no-signature.json"
RECORDED_ANALYZE_ID = RECORDED / "test-trp2-analyzeid_sample_multi_page.json"

REGION = "us-east-1"
KMS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
AMZ_JSON = "application/x-amz-json-1.1"
TARGET_PREFIX = {
    "CreateFaceLivenessSession": "RekognitionService",
    "GetFaceLivenessSessionResults": "RekognitionService",
    "CompareFaces": "RekognitionService",
    "AnalyzeID": "Textract",
    "StartLendingAnalysis": "Textract",
    "GetLendingAnalysis": "Textract",
    "GetLendingAnalysisSummary": "Textract",
}

ALICE_ID = {
    "face": "alice",
    "fields": {
        "FIRST_NAME": "Ana",
        "LAST_NAME": "Müller",
        "DATE_OF_BIRTH": "1990-04-12",
        "EXPIRATION_DATE": "2031-01-31",
        "DOCUMENT_NUMBER": "X1234567",
        "ID_TYPE": "PASSPORT",
        "MRZ_CODE": "P<UTOMULLER<<ANA<<<<<<<<<<<<<<<<<<<<<<<<<<<\nX1234567<0UTO9004125F3101315<<<<<<<<<<<<<<02",
        "NATIONALITY": "UTO",
    },
    "confidence": {"DATE_OF_BIRTH": 62.0},
}


def recorded(path: Path) -> dict:
    return json.loads(path.read_text())


def http(method: str, url: str, body=None, headers=None):
    """(status, headers, parsed JSON body) without raising on 4xx/5xx."""
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
            return resp.status, dict(resp.headers), json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, dict(err.headers), json.loads(raw) if raw else None


def aws_call(emu_url: str, operation: str, params: dict) -> tuple[int, dict]:
    """One AWS JSON 1.1 call, raw: (status, the body exactly as it went over the wire)."""
    status, _, body = http(
        "POST",
        emu_url + "/",
        params,
        {"X-Amz-Target": f"{TARGET_PREFIX[operation]}.{operation}", "Content-Type": AMZ_JSON},
    )
    return status, body


def error_code(exc_info) -> str:
    return exc_info.value.response["Error"]["Code"]


def put(s3, bucket: str, key: str, body: bytes) -> dict:
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    return {"Bucket": bucket, "Name": key}


def start_job(textract, bucket, channel, key, **extra) -> str:
    return textract.start_lending_analysis(
        DocumentLocation={"S3Object": {"Bucket": bucket, "Name": key}},
        NotificationChannel={"SNSTopicArn": channel.topic, "RoleArn": channel.role},
        OutputConfig={"S3Bucket": bucket, "S3Prefix": "applications/app-1/textract/doc-1"},
        KMSKeyId=KMS_KEY_ARN,
        **extra,
    )["JobId"]


def wait_for_job(emulator, job_id: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while emulator.state.lending_jobs[job_id].status == "IN_PROGRESS":
        assert time.monotonic() < deadline, f"job {job_id} still IN_PROGRESS"
        time.sleep(0.05)
