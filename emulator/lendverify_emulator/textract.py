"""Textract: AnalyzeID, StartLendingAnalysis, GetLendingAnalysis, GetLendingAnalysisSummary.

Deterministic: identity fields come from the ``lendverify-id`` fixture chunk, lending pages are
classified and extracted from the literal text lines of the PDF (see README.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from . import images, pdf
from .errors import AwsError, invalid_parameter

if TYPE_CHECKING:
    from .app import Emulator

# ---------------------------------------------------------------------------------- AnalyzeID

ANALYZE_ID_MODEL_VERSION = "1.0"
# Every normalized field AnalyzeID reports, in its order; absent ones come back with Text "".
ID_FIELDS = (
    "FIRST_NAME",
    "LAST_NAME",
    "MIDDLE_NAME",
    "SUFFIX",
    "CITY_IN_ADDRESS",
    "ZIP_CODE_IN_ADDRESS",
    "STATE_IN_ADDRESS",
    "STATE_NAME",
    "DOCUMENT_NUMBER",
    "EXPIRATION_DATE",
    "DATE_OF_BIRTH",
    "DATE_OF_ISSUE",
    "ID_TYPE",
    "ENDORSEMENTS",
    "VETERAN",
    "RESTRICTIONS",
    "CLASS",
    "ADDRESS",
    "COUNTY",
    "PLACE_OF_BIRTH",
    "MRZ_CODE",
)
DATE_FIELDS = frozenset({"EXPIRATION_DATE", "DATE_OF_BIRTH", "DATE_OF_ISSUE"})
DEFAULT_FIELD_CONFIDENCE = 98.5
TYPE_CONFIDENCE = 99.0
NO_DOCUMENT_CONFIDENCE = 12.5  # an image without a lendverify-id chunk: "found nothing, unsure"
DOCUMENT_BYTES_LIMIT = 10 * 1024 * 1024  # Textract synchronous: 10 MB
DOCUMENT_S3_LIMIT = 10 * 1024 * 1024


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _detection(field_name: str, value: str, confidence: float) -> dict[str, Any]:
    value_detection: dict[str, Any] = {"Text": value, "Confidence": confidence}
    if field_name in DATE_FIELDS and value:
        parsed = _parse_date(value)
        if parsed is not None:
            # AnalyzeID shows dates as printed (US order) and normalizes them separately.
            value_detection["Text"] = parsed.strftime("%m/%d/%Y")
            value_detection["NormalizedValue"] = {
                "Value": parsed.strftime("%Y-%m-%dT00:00:00"),
                "ValueType": "DATE",
            }
    return {
        "Type": {"Text": field_name, "Confidence": TYPE_CONFIDENCE},
        "ValueDetection": value_detection,
    }


def _identity_document(index: int, data: bytes) -> dict[str, Any]:
    doc = images.id_document(data)
    if doc is None:
        fields = [_detection(name, "", NO_DOCUMENT_CONFIDENCE) for name in ID_FIELDS]
        return {"DocumentIndex": index, "IdentityDocumentFields": fields, "Blocks": []}
    values = doc.get("fields") if isinstance(doc.get("fields"), dict) else {}
    confidences = doc.get("confidence") if isinstance(doc.get("confidence"), dict) else {}

    def conf(name: str) -> float:
        c = confidences.get(name)
        return float(c) if isinstance(c, (int, float)) and not isinstance(c, bool) else DEFAULT_FIELD_CONFIDENCE

    names = list(ID_FIELDS) + [n for n in values if n not in ID_FIELDS]
    fields = [
        _detection(name, "" if values.get(name) is None else str(values[name]), conf(name))
        for name in names
    ]
    return {"DocumentIndex": index, "IdentityDocumentFields": fields, "Blocks": []}


def analyze_id(emu: "Emulator", params: dict[str, Any]) -> dict[str, Any]:
    pages = params.get("DocumentPages")
    if not isinstance(pages, list) or not 1 <= len(pages) <= 2:
        raise invalid_parameter("DocumentPages must hold 1 or 2 documents")
    documents = []
    for index, page in enumerate(pages, start=1):
        data = emu.read_image(
            page,
            what=f"DocumentPages[{index - 1}]",
            too_large="DocumentTooLargeException",
            bytes_limit=DOCUMENT_BYTES_LIMIT,
            s3_limit=DOCUMENT_S3_LIMIT,
        )
        if images.image_format(data) is None:
            raise AwsError("UnsupportedDocumentException", "Request has unsupported document format")
        documents.append(_identity_document(index, data))
    return {
        "IdentityDocuments": documents,
        "DocumentMetadata": {"Pages": len(documents)},
        "AnalyzeIDModelVersion": ANALYZE_ID_MODEL_VERSION,
    }


# ------------------------------------------------------------------------------ Lending

LENDING_MODEL_VERSION = "1.0"
DEFAULT_OUTPUT_PREFIX = "textract_output"  # Textract's own default when S3Prefix is omitted
MAX_RESULTS = 30
CLASSIFICATION_CONFIDENCE = 99.0
KEY_CONFIDENCE = 99.0
DEFAULT_VALUE_CONFIDENCE = 97.0
SIGNATURE_CONFIDENCE = 99.0

# First match wins, so a 1003 that mentions a bank statement is still a 1003.
CLASSIFIERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("1003", ("uniform residential loan application",)),
    ("W2", ("form w-2", "wage and tax statement")),
    ("PAYSLIPS", ("earnings statement", "pay stub")),
    ("BANK_STATEMENT", ("bank statement",)),
    ("IDENTITY_DOCUMENT", ("driver license", "passport")),
)
UNCLASSIFIED = "UNCLASSIFIED"

_FIELD_LINE = re.compile(r"^\s*([A-Z0-9_]+)\s*:\s*(.*?)\s*$")


def classify(lines: list[str]) -> str:
    text = "\n".join(lines).lower()
    for page_type, phrases in CLASSIFIERS:
        if any(p in text for p in phrases):
            return page_type
    return UNCLASSIFIED


def _geometry(left: float, top: float, width: float, height: float) -> dict[str, Any]:
    r = lambda v: round(v, 4)  # noqa: E731 - keep JSON short and stable
    return {
        "BoundingBox": {"Width": r(width), "Height": r(height), "Left": r(left), "Top": r(top)},
        "Polygon": [
            {"X": r(left), "Y": r(top)},
            {"X": r(left + width), "Y": r(top)},
            {"X": r(left + width), "Y": r(top + height)},
            {"X": r(left), "Y": r(top + height)},
        ],
    }


def _line_top(index: int) -> float:
    return min(0.05 + index * 0.035, 0.94)


@dataclass
class AnalyzedPage:
    page: int
    page_type: str
    page_in_document: int
    fields: list[dict[str, Any]]
    signatures: list[dict[str, Any]]

    def result(self) -> dict[str, Any]:
        return {
            "Page": self.page,
            "PageClassification": {
                "PageType": [{"Value": self.page_type, "Confidence": CLASSIFICATION_CONFIDENCE}],
                "PageNumber": [
                    {"Value": str(self.page_in_document), "Confidence": CLASSIFICATION_CONFIDENCE}
                ],
            },
            "Extractions": [
                {
                    "LendingDocument": {
                        "LendingFields": self.fields,
                        "SignatureDetections": self.signatures,
                    }
                }
            ],
        }


def extract_page(lines: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """LendingFields and SignatureDetections from ``KEY: value`` lines of one page."""
    overrides: dict[str, float] = {}
    entries: list[tuple[int, str, str]] = []
    signatures: list[dict[str, Any]] = []
    for index, line in enumerate(lines):
        m = _FIELD_LINE.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2)
        if key.startswith("CONFIDENCE_") and len(key) > len("CONFIDENCE_"):
            try:
                overrides[key[len("CONFIDENCE_") :]] = float(value)
            except ValueError:
                pass
            continue
        if key == "SIGNATURE":
            if value.lower() == "present":
                signatures.append(
                    {
                        "Confidence": SIGNATURE_CONFIDENCE,
                        "Geometry": _geometry(0.55, _line_top(index), 0.25, 0.04),
                    }
                )
            continue
        entries.append((index, key, value))

    fields: dict[str, dict[str, Any]] = {}  # one LendingField per key, values in page order
    for index, key, value in entries:
        top = _line_top(index)
        lending_field = fields.setdefault(
            key,
            {
                "Type": key,
                "KeyDetection": {
                    "Text": key,
                    "Geometry": _geometry(0.07, top, 0.2, 0.015),
                    "Confidence": KEY_CONFIDENCE,
                },
                "ValueDetections": [],
            },
        )
        lending_field["ValueDetections"].append(
            {
                "Text": value,
                "Geometry": _geometry(0.3, top, 0.3, 0.015),
                "Confidence": overrides.get(key, DEFAULT_VALUE_CONFIDENCE),
            }
        )
    return list(fields.values()), signatures


def analyze_pages(page_lines: list[list[str]]) -> list[AnalyzedPage]:
    out: list[AnalyzedPage] = []
    for number, lines in enumerate(page_lines, start=1):
        page_type = classify(lines)
        within = out[-1].page_in_document + 1 if out and out[-1].page_type == page_type else 1
        fields, signatures = extract_page(lines)
        out.append(AnalyzedPage(number, page_type, within, fields, signatures))
    return out


def summarize(pages: list[AnalyzedPage]) -> dict[str, Any]:
    groups: dict[str, dict[str, Any]] = {}
    for page in pages:
        group = groups.setdefault(
            page.page_type,
            {
                "Type": page.page_type,
                "SplitDocuments": [],
                "DetectedSignatures": [],
                "UndetectedSignatures": [],
            },
        )
        if page.page_in_document == 1:
            group["SplitDocuments"].append({"Index": len(group["SplitDocuments"]) + 1, "Pages": []})
        group["SplitDocuments"][-1]["Pages"].append(page.page)
        if page.signatures:
            group["DetectedSignatures"].append({"Page": page.page})
        elif page.page_type == "1003":
            group["UndetectedSignatures"].append({"Page": page.page})
    return {"DocumentGroups": list(groups.values()), "UndetectedDocumentTypes": []}


@dataclass
class LendingJob:
    job_id: str
    params: dict[str, Any]
    fingerprint: str
    generation: int
    created_at: float
    status: str = "IN_PROGRESS"
    status_message: str | None = None
    pages: list[AnalyzedPage] = field(default_factory=list)
    completed_at: float | None = None
    notification: dict[str, Any] | None = None
    output_keys: list[str] = field(default_factory=list)

    @property
    def document(self) -> dict[str, Any]:
        return self.params["DocumentLocation"]["S3Object"]

    def describe(self) -> dict[str, Any]:
        """The control API's view, including the exact request parameters."""
        return {
            "JobId": self.job_id,
            "JobStatus": self.status,
            "StatusMessage": self.status_message,
            "Request": self.params,
            "Pages": [{"Page": p.page, "PageType": p.page_type} for p in self.pages],
            "OutputKeys": self.output_keys,
            "Notification": self.notification,
            "CreatedAt": self.created_at,
            "CompletedAt": self.completed_at,
        }

    def metadata(self) -> dict[str, Any]:
        return {"Pages": len(self.pages)}


def _validate_start(params: dict[str, Any]) -> None:
    loc = params.get("DocumentLocation")
    s3obj = loc.get("S3Object") if isinstance(loc, dict) else None
    if not isinstance(s3obj, dict) or not s3obj.get("Bucket") or not s3obj.get("Name"):
        raise invalid_parameter("DocumentLocation.S3Object with Bucket and Name is required")
    channel = params.get("NotificationChannel")
    if channel is not None and (
        not isinstance(channel, dict) or not channel.get("SNSTopicArn") or not channel.get("RoleArn")
    ):
        raise invalid_parameter("NotificationChannel needs SNSTopicArn and RoleArn")
    output = params.get("OutputConfig")
    if output is not None and (not isinstance(output, dict) or not output.get("S3Bucket")):
        raise invalid_parameter("OutputConfig.S3Bucket is required")
    for key in ("ClientRequestToken", "JobTag", "KMSKeyId"):
        if params.get(key) is not None and not isinstance(params[key], str):
            raise invalid_parameter(f"{key} must be a string")


def start_lending_analysis(emu: "Emulator", params: dict[str, Any]) -> dict[str, Any]:
    _validate_start(params)
    token = params.get("ClientRequestToken") or None
    request = {k: v for k, v in params.items() if k != "ClientRequestToken"}
    fingerprint = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()
    with emu.lock:
        if token and token in emu.state.lending_tokens:
            job = emu.state.lending_jobs[emu.state.lending_tokens[token]]
            if job.fingerprint != fingerprint:
                raise AwsError(
                    "IdempotentParameterMismatchException",
                    "ClientRequestToken was already used with different parameters",
                )
            return {"JobId": job.job_id}
    # Textract reports an unreadable input synchronously.
    emu.head_s3_object(params["DocumentLocation"]["S3Object"])
    with emu.lock:
        if token and token in emu.state.lending_tokens:  # lost a race with the same token
            return {"JobId": emu.state.lending_tokens[token]}
        job = LendingJob(
            job_id=uuid.uuid4().hex + uuid.uuid4().hex,  # Textract job ids are 64 hex digits
            params=json.loads(json.dumps(params)),
            fingerprint=fingerprint,
            generation=emu.generation,
            created_at=time.time(),
        )
        emu.state.lending_jobs[job.job_id] = job
        if token:
            emu.state.lending_tokens[token] = job.job_id
    timer = threading.Timer(emu.lending_delay, _run_job, args=(emu, job))
    timer.daemon = True
    timer.start()
    return {"JobId": job.job_id}


def _log(message: str) -> None:
    print(f"[lending] {message}", file=sys.stderr, flush=True)


def _run_job(emu: "Emulator", job: LendingJob) -> None:
    try:
        _process(emu, job)
    except Exception as exc:  # never let a job die silently in IN_PROGRESS
        _log(f"job {job.job_id} crashed: {exc!r}")
        _finish(emu, job, "FAILED", f"INTERNAL_ERROR: {exc}")


def _process(emu: "Emulator", job: LendingJob) -> None:
    try:
        data = emu.get_s3_object(job.document)
    except AwsError:
        _finish(emu, job, "FAILED", "INVALID_S3_OBJECT")
        return
    if not pdf.is_pdf(data):
        _finish(emu, job, "FAILED", "UNSUPPORTED_DOCUMENT")
        return
    try:
        page_lines = pdf.page_texts(data)
    except pdf.PdfError:
        _finish(emu, job, "FAILED", "BAD_DOCUMENT")
        return
    pages = analyze_pages(page_lines)
    with emu.lock:
        if job.generation != emu.generation:
            return
        job.pages = pages
    try:
        _write_output(emu, job)
    except (ClientError, BotoCoreError) as exc:
        _log(f"job {job.job_id}: writing output failed: {exc}")
        _finish(emu, job, "FAILED", "INVALID_OUTPUT_CONFIG")
        return
    _finish(emu, job, "SUCCEEDED", None)


def _write_output(emu: "Emulator", job: LendingJob) -> None:
    output = job.params.get("OutputConfig")
    if not output:
        return
    prefix = (output.get("S3Prefix") or DEFAULT_OUTPUT_PREFIX).strip("/")
    base = f"{prefix}/{job.job_id}" if prefix else job.job_id
    kms = job.params.get("KMSKeyId")
    results = [p.result() for p in job.pages]
    keys = []
    for n, start in enumerate(range(0, max(len(results), 1), MAX_RESULTS), start=1):
        body = {
            "DocumentMetadata": job.metadata(),
            "JobStatus": "SUCCEEDED",
            "Results": results[start : start + MAX_RESULTS],
            "AnalyzeLendingModelVersion": LENDING_MODEL_VERSION,
        }
        key = f"{base}/analyzelending/{n}"
        emu.put_s3_object(output["S3Bucket"], key, json.dumps(body).encode(), "application/json", kms)
        keys.append(key)
    summary = {
        "DocumentMetadata": job.metadata(),
        "JobStatus": "SUCCEEDED",
        "Summary": summarize(job.pages),
        "AnalyzeLendingModelVersion": LENDING_MODEL_VERSION,
    }
    key = f"{base}/summary/output.json"
    emu.put_s3_object(output["S3Bucket"], key, json.dumps(summary).encode(), "application/json", kms)
    keys.append(key)
    job.output_keys = keys


def _finish(emu: "Emulator", job: LendingJob, status: str, message: str | None) -> None:
    with emu.lock:
        if job.generation != emu.generation:
            return  # reset since the job started: its world is gone
        job.status = status
        job.status_message = message
        job.completed_at = time.time()
    channel = job.params.get("NotificationChannel")
    if not channel:
        return
    notification: dict[str, Any] = {
        "JobId": job.job_id,
        "Status": status,
        "API": "StartLendingAnalysis",
        "Timestamp": int(job.completed_at * 1000),
        "DocumentLocation": {"S3ObjectName": job.document["Name"], "S3Bucket": job.document["Bucket"]},
    }
    if job.params.get("JobTag"):
        notification["JobTag"] = job.params["JobTag"]
    try:
        emu.aws.sns.publish(TopicArn=channel["SNSTopicArn"], Message=json.dumps(notification))
        job.notification = notification
    except (ClientError, BotoCoreError) as exc:
        _log(f"job {job.job_id}: publishing to {channel['SNSTopicArn']} failed: {exc}")


def _job(emu: "Emulator", params: dict[str, Any]) -> LendingJob:
    job_id = params.get("JobId")
    if not isinstance(job_id, str) or not job_id:
        raise invalid_parameter("JobId is required")
    job = emu.state.lending_jobs.get(job_id)
    if job is None:
        raise AwsError("InvalidJobIdException", f"Job {job_id} not found")
    return job


def _envelope(job: LendingJob) -> dict[str, Any]:
    out: dict[str, Any] = {"DocumentMetadata": job.metadata(), "JobStatus": job.status}
    if job.status_message:
        out["StatusMessage"] = job.status_message
    out["AnalyzeLendingModelVersion"] = LENDING_MODEL_VERSION
    return out


def _encode_token(job_id: str, offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"j": job_id, "o": offset}).encode()).decode()


def _decode_token(job_id: str, token: str) -> int:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
        if decoded["j"] == job_id and isinstance(decoded["o"], int) and decoded["o"] >= 0:
            return decoded["o"]
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError):
        pass
    raise invalid_parameter("NextToken is invalid for this JobId")


def get_lending_analysis(emu: "Emulator", params: dict[str, Any]) -> dict[str, Any]:
    max_results = params.get("MaxResults", MAX_RESULTS)
    if isinstance(max_results, bool) or not isinstance(max_results, int) or max_results < 1:
        raise invalid_parameter("MaxResults must be a positive integer")
    max_results = min(max_results, MAX_RESULTS)  # Textract caps pages at 30 per call
    token = params.get("NextToken")
    with emu.lock:
        job = _job(emu, params)
        out = _envelope(job)
        if job.status != "SUCCEEDED":
            return out
        offset = _decode_token(job.job_id, token) if token else 0
        results = [p.result() for p in job.pages[offset : offset + max_results]]
        if offset + max_results < len(job.pages):
            out["NextToken"] = _encode_token(job.job_id, offset + max_results)
        out["Results"] = results
    return out


def get_lending_analysis_summary(emu: "Emulator", params: dict[str, Any]) -> dict[str, Any]:
    with emu.lock:
        job = _job(emu, params)
        out = _envelope(job)
        if job.status == "SUCCEEDED":
            out["Summary"] = summarize(job.pages)
    return out
