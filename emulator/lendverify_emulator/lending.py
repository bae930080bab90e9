"""Textract StartLendingAnalysis, GetLendingAnalysis, GetLendingAnalysisSummary.

A job runs in a background thread: it reads its S3 object, computes its ``Results`` (from the
PDF's text, lending_pages.py, or from a queued replay, replays.py), derives the summary
(lending_summary.py), writes the output to S3 the way Textract lays it out and publishes the
completion to SNS.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import sys
import threading
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from . import pdf
from .errors import AwsError, invalid_parameter
from .lending_pages import lending_results
from .lending_summary import page_type, summarize

if TYPE_CHECKING:
    from .app import Emulator

LENDING_MODEL_VERSION = "1.0"
DEFAULT_OUTPUT_PREFIX = "textract_output"  # Textract's own default when S3Prefix is omitted
MAX_RESULTS = 30  # GetLendingAnalysis: default and largest page size (the API reference)
API_NAME = "StartLendingAnalysis"

# Under {S3Prefix}/{JobId}/ (StartLendingAnalysis API reference: "3 sub-directories").
DETAILED_RESPONSE_DIR = "detailedResponse"  # GetLendingAnalysis bodies, 30 results each: 1, 2, ...
SUMMARY_RESPONSE_DIR = "summaryResponse"  # the GetLendingAnalysisSummary body: 1
SPLIT_DOCUMENTS_DIR = "splitDocuments"  # {Type}/{Index}.pdf, the pages of each split document

# What a JOB_STATUS fixture line asks for → (JobStatus, StatusMessage, SNS completion Status).
# The SNS Status can be SUCCEEDED, FAILED or ERROR; JobStatus has no ERROR, so FAILED there.
REQUESTED_ENDINGS = {
    "FAILED": ("FAILED", "BAD_DOCUMENT", "FAILED"),
    "ERROR": ("FAILED", "INTERNAL_ERROR", "ERROR"),
}


@dataclass
class LendingJob:
    job_id: str
    params: dict[str, Any]
    fingerprint: str
    generation: int
    created_at: float
    replay: dict[str, Any] | None = None  # a queued StartLendingAnalysis replay (replays.py)
    status: str = "IN_PROGRESS"
    status_message: str | None = None
    page_count: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] | None = None
    model_version: str = LENDING_MODEL_VERSION
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
            "Replayed": self.replay is not None,
            "Pages": [{"Page": r.get("Page"), "PageType": page_type(r)} for r in self.results],
            "OutputKeys": self.output_keys,
            "Notification": self.notification,
            "CreatedAt": self.created_at,
            "CompletedAt": self.completed_at,
        }

    def envelope(self) -> dict[str, Any]:
        """The members GetLendingAnalysis and GetLendingAnalysisSummary share."""
        out: dict[str, Any] = {"DocumentMetadata": {"Pages": self.page_count}, "JobStatus": self.status}
        if self.status_message:
            out["StatusMessage"] = self.status_message
        out["AnalyzeLendingModelVersion"] = self.model_version
        return out


def _log(message: str) -> None:
    print(f"[lending] {message}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- operations


def start_lending_analysis(emu: "Emulator", params: dict[str, Any]) -> dict[str, Any]:
    s3obj = params["DocumentLocation"].get("S3Object")
    if not isinstance(s3obj, dict) or not s3obj.get("Bucket") or not s3obj.get("Name"):
        raise invalid_parameter("DocumentLocation.S3Object with Bucket and Name is required")
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
    emu.head_s3_object(s3obj)
    with emu.lock:
        if token and token in emu.state.lending_tokens:  # lost a race with the same token
            return {"JobId": emu.state.lending_tokens[token]}
        job = LendingJob(
            job_id=uuid.uuid4().hex + uuid.uuid4().hex,  # Textract job ids are 64 hex digits
            params=json.loads(json.dumps(params)),
            fingerprint=fingerprint,
            generation=emu.generation,
            created_at=emu.now(),
            replay=emu.take_replay(API_NAME),
        )
        emu.state.lending_jobs[job.job_id] = job
        if token:
            emu.state.lending_tokens[token] = job.job_id
    timer = threading.Timer(emu.lending_delay, _run_job, args=(emu, job))
    timer.daemon = True
    timer.start()
    return {"JobId": job.job_id}


def _job(emu: "Emulator", params: dict[str, Any]) -> LendingJob:
    job = emu.state.lending_jobs.get(params["JobId"])
    if job is None:
        raise AwsError("InvalidJobIdException", f"Job {params['JobId']} not found")
    return job


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
    # "If you specify a value greater than 30, a maximum of 30 results is returned."
    max_results = min(params.get("MaxResults", MAX_RESULTS), MAX_RESULTS)
    token = params.get("NextToken")
    with emu.lock:
        job = _job(emu, params)
        out = job.envelope()
        if job.status != "SUCCEEDED":
            return out
        offset = _decode_token(job.job_id, token) if token else 0
        if offset + max_results < len(job.results):
            out["NextToken"] = _encode_token(job.job_id, offset + max_results)
        out["Results"] = job.results[offset : offset + max_results]
    return json.loads(json.dumps(out))  # callers never share the job's dicts


def get_lending_analysis_summary(emu: "Emulator", params: dict[str, Any]) -> dict[str, Any]:
    with emu.lock:
        job = _job(emu, params)
        out = job.envelope()
        if job.status == "SUCCEEDED":
            out["Summary"] = job.summary
    return json.loads(json.dumps(out))


# ----------------------------------------------------------------------------- the job


def _run_job(emu: "Emulator", job: LendingJob) -> None:
    try:
        _process(emu, job)
    except Exception as exc:  # never let a job die silently in IN_PROGRESS
        _log(f"job {job.job_id} crashed: {exc!r}")
        _finish(emu, job, "FAILED", f"INTERNAL_ERROR: {exc}", "ERROR")


def _page_texts(data: bytes) -> list[list[str]] | None:
    try:
        return pdf.page_texts(data)
    except pdf.PdfError:
        return None


def _process(emu: "Emulator", job: LendingJob) -> None:
    try:
        data = emu.get_s3_object(job.document)
    except AwsError:
        _finish(emu, job, "FAILED", "INVALID_S3_OBJECT", "FAILED")
        return
    page_lines = _page_texts(data) if pdf.is_pdf(data) else None
    ending = None
    if job.replay is not None:
        recorded = job.replay["getLendingAnalysis"]
        results = recorded["Results"]
        page_count = recorded.get("DocumentMetadata", {}).get("Pages", len(results))
        summary_body = job.replay.get("getLendingAnalysisSummary")
        summary = summary_body["Summary"] if summary_body else summarize(results)
        model_version = recorded.get("AnalyzeLendingModelVersion", LENDING_MODEL_VERSION)
    else:
        if not pdf.is_pdf(data):
            _finish(emu, job, "FAILED", "UNSUPPORTED_DOCUMENT", "FAILED")
            return
        if page_lines is None:
            _finish(emu, job, "FAILED", "BAD_DOCUMENT", "FAILED")
            return
        results, requested = lending_results(page_lines)
        ending = REQUESTED_ENDINGS.get(requested or "")
        page_count, summary, model_version = len(results), summarize(results), LENDING_MODEL_VERSION
    if ending is not None:
        _finish(emu, job, *ending)
        return
    with emu.lock:
        if job.generation != emu.generation:
            return
        job.results, job.summary, job.page_count, job.model_version = results, summary, page_count, model_version
    try:
        _write_output(emu, job, page_lines)
    except (ClientError, BotoCoreError) as exc:
        _log(f"job {job.job_id}: writing output failed: {exc}")
        _finish(emu, job, "FAILED", "INVALID_OUTPUT_CONFIG", "FAILED")
        return
    _finish(emu, job, "SUCCEEDED", None, "SUCCEEDED")


def output_base(params: dict[str, Any], job_id: str) -> str:
    prefix = (params["OutputConfig"].get("S3Prefix") or DEFAULT_OUTPUT_PREFIX).strip("/")
    return f"{prefix}/{job_id}" if prefix else job_id


def _write_output(emu: "Emulator", job: LendingJob, page_lines: list[list[str]] | None) -> None:
    output = job.params.get("OutputConfig")
    if not output:
        return
    base = output_base(job.params, job.job_id)
    bucket, kms = output["S3Bucket"], job.params.get("KMSKeyId")
    keys = []

    def put(key: str, body: bytes, content_type: str) -> None:
        emu.put_s3_object(bucket, f"{base}/{key}", body, content_type, kms)
        keys.append(f"{base}/{key}")

    successful = {**job.envelope(), "JobStatus": "SUCCEEDED"}
    for n, start in enumerate(range(0, max(len(job.results), 1), MAX_RESULTS), start=1):
        body = {**successful, "Results": job.results[start : start + MAX_RESULTS]}
        put(f"{DETAILED_RESPONSE_DIR}/{n}", json.dumps(body).encode(), "application/json")
    put(f"{SUMMARY_RESPONSE_DIR}/1", json.dumps({**successful, "Summary": job.summary}).encode(), "application/json")
    for group in job.summary.get("DocumentGroups", []):
        for split in group.get("SplitDocuments", []):
            pages = split.get("Pages", [])
            # A replay may describe pages the input does not have: those cannot be split out.
            if page_lines is None or not pages or not all(1 <= p <= len(page_lines) for p in pages):
                continue
            body = pdf.make_pdf([page_lines[p - 1] for p in pages])
            put(f"{SPLIT_DOCUMENTS_DIR}/{group['Type']}/{split['Index']}.pdf", body, "application/pdf")
    job.output_keys = keys


def _finish(emu: "Emulator", job: LendingJob, status: str, message: str | None, notification_status: str) -> None:
    with emu.lock:
        if job.generation != emu.generation:
            return  # reset since the job started: its world is gone
        job.status = status
        job.status_message = message
        job.completed_at = emu.now()
    channel = job.params.get("NotificationChannel")
    if not channel:
        return
    notification: dict[str, Any] = {
        "JobId": job.job_id,
        "Status": notification_status,
        "API": API_NAME,
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
