"""The smoke test's steps, in order, against one stage.

Each step makes its calls, checks the answers' shapes against the API contract
(modules/api/openapi.yaml.tftpl), and says what it saw. After the first failure the remaining
steps are skipped, except the clean-up ones: an application the run created is always erased.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from . import fixtures
from .api_client import Api, CheckFailed, Deadline, Reply, send
from .cognito import sign_in
from .config import Stage
from .report import Report

ANALYSIS_TIMEOUT_SECONDS = 300.0
FIRST_POLL_INTERVAL_SECONDS = 0.5
LONGEST_POLL_INTERVAL_SECONDS = 5.0
CLEANUP_SECONDS = 60.0

# Enums of the contract (modules/api/openapi.yaml.tftpl; scripts/tests/test_contract.py keeps them equal).
LIVENESS_STATUSES = {"IN_PROGRESS", "PASSED", "FAILED", "NEEDS_REVIEW", "EXPIRED"}
IDENTITY_DECISIONS = {"APPROVED", "REJECTED", "NEEDS_REVIEW"}
LENDING_STATUSES = {"IN_PROGRESS", "SUCCEEDED", "PARTIAL_SUCCESS", "FAILED"}
FINISHED_ANALYSIS_OK = {"SUCCEEDED", "PARTIAL_SUCCESS"}
PROBLEM_CONTENT_TYPE = "application/problem+json"

# WAF runs before the authorizer, so a blocked caller sees 403 where 401 was expected.
WAF_BLOCKED = (
    "HTTP 403 before the authorizer: the API's web application firewall blocks this machine's address "
    "(AWSManagedRulesAnonymousIpList blocks hosting providers, GitHub-hosted runners included; docs/terraform.md §7)"
)
# The notice version the consent record names: not the web app's (web/src/consent.ts), because no
# person read a notice; an audit of consent records can tell the smoke test's apart.
SMOKE_CONSENT_POLICY_VERSION = "smoke-test"
# The emulator completes the liveness session as a browser stream would, well above the pass mark.
EMULATED_LIVENESS_CONFIDENCE = 99.1
CAMERA_NEEDED = (
    "skipped on AWS: completing a Face Liveness session needs a camera (the browser streams video to "
    "Rekognition), so verify-identity is only checked to refuse with 409 here"
)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def require_string(body: Any, field: str) -> str:
    value = body.get(field) if isinstance(body, dict) else None
    require(isinstance(value, str) and value != "", f"{field} must be a non-empty string in {body}")
    return value


def require_list(body: Any, field: str) -> list:
    value = body.get(field) if isinstance(body, dict) else None
    require(isinstance(value, list), f"{field} must be a list in {body}")
    return value


def require_member(body: Any, field: str, allowed: set[str]) -> str:
    value = require_string(body, field)
    require(value in allowed, f"{field} {value!r} is not one of {sorted(allowed)}")
    return value


# RFC 3339 date-time (OpenAPI `format: date-time`); any number of fraction digits (the handlers write nanoseconds).
RFC3339_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def require_timestamp(body: Any, field: str) -> None:
    value = require_string(body, field)
    require(RFC3339_DATE_TIME.fullmatch(value) is not None, f"{field} {value!r} is not an RFC 3339 date-time")


def require_page_number(value: Any, where: Any) -> None:
    require(isinstance(value, int) and not isinstance(value, bool) and value >= 1, f"page numbers count from 1: {where}")


def require_extracted_field(value: Any, where: str) -> None:
    """An ExtractedField: null, or the text as read, its confidence, and a parsed amount or date."""
    if value is None:
        return
    require(isinstance(value, dict), f"{where} must be an object or null: {value}")
    require(isinstance(value.get("text"), str), f"{where}.text must be a string: {value}")
    confidence = value.get("confidence")
    require(isinstance(confidence, (int, float)) and 0 <= confidence <= 100, f"{where}.confidence must be 0-100: {value}")
    require(isinstance(value.get("lowConfidence"), bool), f"{where}.lowConfidence must be a boolean: {value}")
    if "amount" in value:
        amount = value["amount"]
        require(
            isinstance(amount, dict) and isinstance(amount.get("value"), str) and re.fullmatch(r"-?[0-9]+\.[0-9]{2}", amount["value"]),
            f"{where}.amount.value must be a decimal with two fraction digits: {value}",
        )
        currency = amount.get("currency")
        require(currency is None or (isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)), f"{where}.amount.currency: {value}")
    if "date" in value:
        try:
            datetime.date.fromisoformat(value["date"])
        except (TypeError, ValueError):
            raise CheckFailed(f"{where}.date must be an ISO 8601 date: {value}") from None


def require_lending_document(document: Any) -> None:
    """The LendingDocument schema: groups with pages and signatures, extracted fields per page."""
    for group in require_list(document, "documentGroups"):
        require_string(group, "type")
        for pages in ("pages", "signaturesFound", "signaturesMissing"):
            for page in require_list(group, pages):
                require_page_number(page, group)
    extracted = document.get("extracted")
    require(isinstance(extracted, dict), f"extracted must be an object: {document}")
    for kind in ("payslips", "bankStatements", "w2"):
        for entry in require_list(extracted, kind):
            require(isinstance(entry, dict), f"extracted.{kind} entries are objects: {entry}")
            require_page_number(entry.get("page"), entry)
            for name, field in entry.items():
                if name != "page":
                    require_extracted_field(field, f"extracted.{kind}[].{name}")
    for listed in ("missingRequired", "flags"):
        items = require_list(document, listed)
        require(all(isinstance(item, str) for item in items), f"{listed} must list strings: {items}")


def require_amount(extracted: dict, kind: str, field: str, printed: str) -> None:
    """The page printed `printed` (e.g. 85,000.00); the API returns its text and amount 85000.00."""
    readings = [e[field] for e in extracted.get(kind, []) if isinstance(e.get(field), dict)]
    found = [(r.get("text"), (r.get("amount") or {}).get("value")) for r in readings]
    require((printed, printed.replace(",", "")) in found, f"extracted.{kind}[].{field} should read {printed}, got {found}")


def require_problem(reply: Reply, status: int) -> dict:
    """An RFC 9457 answer with this status: problem+json, a title, and the status when given."""
    require(reply.status == status, f"expected HTTP {status}, got {reply.status}: {reply.body[:300]!r}")
    require(reply.content_type == PROBLEM_CONTENT_TYPE, f"Content-Type {reply.content_type!r}, not {PROBLEM_CONTENT_TYPE}")
    problem = reply.json()
    require_string(problem, "title")
    require("status" not in problem or problem["status"] == status, f"problem status {problem.get('status')} != {status}")
    return problem


@dataclasses.dataclass
class Run:
    """What the steps learn and pass on."""

    stage: Stage
    deadline: Deadline
    applicant: fixtures.Applicant
    today: datetime.date
    sleep: Callable[[float], None] = time.sleep
    api: Api | None = None
    application_id: str | None = None
    session_id: str | None = None
    id_front_upload_id: str | None = None
    package_upload_id: str | None = None
    document_id: str | None = None
    document_status: str | None = None

    @property
    def application_path(self) -> str:
        return f"/applications/{self.application_id}"

    # --- steps ---------------------------------------------------------------------------

    def sign_in(self) -> str:
        token = sign_in(
            self.stage.cognito_endpoint,
            self.stage.user_pool_id,
            self.stage.client_id,
            self.stage.username,
            self.stage.password,
            timeout=self.deadline.timeout(),
        )
        require(token.count(".") == 2, "the ID token is not a JWT")
        self.api = Api(self.stage.api_url, token, self.deadline)
        return f"ID token for {self.stage.username}"

    def refuses_anonymous_requests(self) -> str:
        anonymous = Api(self.stage.api_url, None, self.deadline)
        reply = anonymous.call("GET", "/applications")
        require(reply.status != 403, f"{WAF_BLOCKED}: {reply.body[:200]!r}")
        problem = require_problem(reply, 401)
        return f"401 {PROBLEM_CONTENT_TYPE} ({problem['title']})"

    def create_application(self) -> str:
        key = f"smoke-{uuid.uuid4()}"
        body = {"applicant": self.applicant.request_body()}
        created = self.api.call("POST", "/applications", body, {"Idempotency-Key": key}).expect(201)
        self.application_id = require_string(created, "applicationId")
        require_string(created, "status")
        require_timestamp(created, "createdAt")
        replayed = self.api.call("POST", "/applications", body, {"Idempotency-Key": key}).expect(201)
        require(
            replayed.get("applicationId") == self.application_id,
            f"the same Idempotency-Key gave another application: {replayed}",
        )
        return f"{self.application_id}, status {created['status']}; a retry with the same Idempotency-Key returns it"

    def list_applications(self) -> str:
        listed = require_list(self.api.call("GET", "/applications").expect(200), "applications")
        require(
            any(isinstance(item, dict) and item.get("applicationId") == self.application_id for item in listed),
            f"{self.application_id} is not in the caller's list",
        )
        return f"{len(listed)} application(s), including this one"

    def give_consent(self) -> str:
        """PUT .../consent: a liveness session can only be opened after it."""
        recorded = self.api.call(
            "PUT", f"{self.application_path}/consent", {"policyVersion": SMOKE_CONSENT_POLICY_VERSION}
        ).expect(200)
        require(recorded.get("applicationId") == self.application_id, f"applicationId differs: {recorded}")
        consent = recorded.get("consent")
        require(
            isinstance(consent, dict) and consent.get("policyVersion") == SMOKE_CONSENT_POLICY_VERSION,
            f"consent.policyVersion must be {SMOKE_CONSENT_POLICY_VERSION!r}: {recorded}",
        )
        require_timestamp(consent, "givenAt")
        return f"policy version {SMOKE_CONSENT_POLICY_VERSION}, given at {consent['givenAt']}"

    def open_liveness_session(self) -> str:
        opened = self.api.call("POST", f"{self.application_path}/liveness-sessions", {}).expect(201)
        self.session_id = require_string(opened, "sessionId")
        region = require_string(opened, "region")
        return f"session {self.session_id} in {region}"

    def liveness_result(self) -> dict:
        result = self.api.call("GET", f"{self.application_path}/liveness-sessions/{self.session_id}").expect(200)
        require(result.get("sessionId") == self.session_id, f"sessionId differs: {result}")
        require_member(result, "status", LIVENESS_STATUSES)
        require("confidence" not in result, "the raw liveness confidence must never reach the browser")
        return result

    def liveness_not_yet_streamed(self) -> str:
        status = self.liveness_result()["status"]
        require(status == "IN_PROGRESS", f"a session nobody streamed to is {status}, not IN_PROGRESS")
        return "IN_PROGRESS until a browser streams the selfie video"

    def complete_liveness_in_emulator(self) -> str:
        url = f"{self.stage.emulator_url.rstrip('/')}/_emulator/liveness-sessions/{self.session_id}/complete"
        outcome = {"confidence": EMULATED_LIVENESS_CONFIDENCE, "face": self.applicant.face}
        send("POST", url, self.deadline, json.dumps(outcome).encode("utf-8"), {"Content-Type": "application/json"}).expect(200)
        status = self.liveness_result()["status"]
        require(status == "PASSED", f"liveness is {status} after a {EMULATED_LIVENESS_CONFIDENCE} completion")
        return f"emulator control API completed it at {EMULATED_LIVENESS_CONFIDENCE}: PASSED"

    def upload(self, purpose: str, content_type: str, data: bytes) -> str:
        """Asks for a presigned URL, PUTs the bytes with exactly the signed headers; the upload id."""
        grant = self.api.call(
            "POST",
            f"{self.application_path}/uploads",
            {"purpose": purpose, "contentType": content_type, "contentLength": len(data)},
        ).expect(201)
        upload_id = require_string(grant, "uploadId")
        url = require_string(grant, "url")
        require(grant.get("method") == "PUT", f"method must be PUT: {grant}")
        require_timestamp(grant, "expiresAt")
        headers = grant.get("headers")
        require(isinstance(headers, dict), f"headers must be an object: {grant}")
        put = send("PUT", url, self.deadline, data, {name: str(value) for name, value in headers.items()})
        require(200 <= put.status < 300, f"presigned PUT answered {put.status}: {put.body[:300]!r}")
        return upload_id

    def upload_id_front(self) -> str:
        image = fixtures.passport_png(self.applicant, self.today)
        self.id_front_upload_id = self.upload("ID_FRONT", "image/png", image)
        return f"upload {self.id_front_upload_id}, generated passport PNG, {len(image)} bytes"

    def verify_identity(self) -> str:
        verdict = self.api.call(
            "POST", f"{self.application_path}/identity-verifications", {"idFrontUploadId": self.id_front_upload_id}
        ).expect(200)
        require_string(verdict, "verificationId")
        decision = require_member(verdict, "decision", IDENTITY_DECISIONS)
        reasons = require_list(verdict, "reasons")
        require(isinstance(verdict.get("document"), dict), f"document must be an object: {verdict}")
        # The generated passport matches the applicant, the liveness face and its own MRZ.
        require(decision == "APPROVED", f"decision {decision}, reasons {reasons}")
        return "APPROVED"

    def identity_needs_liveness(self) -> str:
        reply = self.api.call(
            "POST", f"{self.application_path}/identity-verifications", {"idFrontUploadId": self.id_front_upload_id}
        )
        problem = require_problem(reply, 409)
        return f"409 before liveness has passed ({problem['title']})"

    def upload_lending_package(self) -> str:
        package = fixtures.lending_package(self.applicant, self.today)
        self.package_upload_id = self.upload("LENDING_PACKAGE", "application/pdf", package)
        pages = len(fixtures.lending_pages(self.applicant, self.today))
        return f"upload {self.package_upload_id}, generated {pages}-page PDF, {len(package)} bytes"

    def start_analysis(self) -> str:
        accepted = self.api.call(
            "POST", f"{self.application_path}/documents", {"uploadId": self.package_upload_id}
        ).expect(202)
        self.document_id = require_string(accepted, "documentId")
        require_member(accepted, "status", LENDING_STATUSES)
        return f"document {self.document_id}, {accepted['status']}"

    def wait_for_analysis(self) -> str:
        """Polls until Textract's completion went SNS -> SQS -> consumer, at most 5 minutes."""
        started = time.monotonic()
        interval = FIRST_POLL_INTERVAL_SECONDS
        polls = 0
        while True:
            document = self.api.call("GET", f"{self.application_path}/documents/{self.document_id}").expect(200)
            polls += 1
            status = require_member(document, "status", LENDING_STATUSES)
            if status != "IN_PROGRESS":
                break
            waited = time.monotonic() - started
            require(waited < ANALYSIS_TIMEOUT_SECONDS, f"still IN_PROGRESS after {waited:.0f} s")
            self.sleep(min(interval, max(0.0, self.deadline.remaining())))
            self.deadline.timeout()  # fails the step once the run's deadline has passed
            interval = min(interval * 2, LONGEST_POLL_INTERVAL_SECONDS)
        self.document_status = status
        require(document.get("documentId") == self.document_id, f"documentId differs: {document}")
        require_lending_document(document)
        require(status in FINISHED_ANALYSIS_OK, f"the analysis ended {status}: {document}")
        groups = document["documentGroups"]
        require(groups, "a finished analysis has at least one document group")
        if self.stage.is_local:
            # The emulator reads the generated pages exactly: Textract's field names reached the table.
            for kind, field, printed in fixtures.PRINTED_AMOUNTS:
                require_amount(document["extracted"], kind, field, printed)
        types = ", ".join(sorted({g["type"] for g in groups}))
        return f"{status} after {polls} poll(s); groups {types}"

    def application_shows_progress(self) -> str:
        whole = self.api.call("GET", self.application_path).expect(200)
        require(whole.get("applicationId") == self.application_id, f"applicationId differs: {whole}")
        require_string(whole, "status")
        documents = require_list(whole, "documents")
        require(
            any(d.get("documentId") == self.document_id and d.get("status") == self.document_status for d in documents),
            f"document {self.document_id} ({self.document_status}) missing from {documents}",
        )
        liveness = whole.get("liveness") or {}
        require(liveness.get("sessionId") == self.session_id, f"liveness session missing: {whole}")
        consent = whole.get("consent") or {}
        require(consent.get("policyVersion") == SMOKE_CONSENT_POLICY_VERSION, f"consent missing: {whole}")
        return f"status {whole['status']}, liveness {liveness.get('status')}, document {self.document_status}"

    def erase_application(self) -> str:
        cleanup = Api(self.stage.api_url, self.api.token, Deadline(CLEANUP_SECONDS))
        reply = cleanup.call("DELETE", self.application_path)
        require(reply.status == 204, f"expected HTTP 204, got {reply.status}: {reply.body[:300]!r}")
        problem = require_problem(cleanup.call("GET", self.application_path), 404)
        return f"DELETE 204, then GET 404 ({problem['title']})"


@dataclasses.dataclass(frozen=True)
class Step:
    title: str
    action: Callable[[], str | None] | None
    cleanup: bool = False
    # A step this stage cannot run, and why (printed as a – line).
    skip_reason: str = ""


def steps(run: Run) -> list[Step]:
    """The order of the smoke test; the local stage completes liveness and verifies identity."""
    liveness = (
        [Step("complete liveness (emulator control API)", run.complete_liveness_in_emulator)]
        if run.stage.is_local
        else [
            Step("complete liveness", None, skip_reason=CAMERA_NEEDED),
            Step("liveness result before any video", run.liveness_not_yet_streamed),
        ]
    )
    identity = (
        Step("verify identity", run.verify_identity)
        if run.stage.is_local
        else Step("verify identity is refused without liveness", run.identity_needs_liveness)
    )
    return [
        Step("sign in to Cognito (SRP)", run.sign_in),
        Step("unauthenticated request", run.refuses_anonymous_requests),
        Step("create application", run.create_application),
        Step("list applications", run.list_applications),
        Step("give consent to biometric processing", run.give_consent),
        Step("open liveness session", run.open_liveness_session),
        *liveness,
        Step("upload ID front", run.upload_id_front),
        identity,
        Step("upload lending package", run.upload_lending_package),
        Step("start lending analysis", run.start_analysis),
        Step("wait for the analysis (SNS -> SQS -> consumer)", run.wait_for_analysis),
        Step("get application", run.application_shows_progress),
        Step("erase application", run.erase_application, cleanup=True),
    ]


def execute(run: Run, report: Report) -> bool:
    """Runs every step in order; after a failure only the clean-up, and only if there is something
    to clean up. True when every step passed."""
    failed = False
    for step in steps(run):
        if step.cleanup and run.application_id is None:
            continue
        if failed and not step.cleanup:
            continue
        if step.action is None:
            report.skip(step.title, step.skip_reason)
        elif not report.run(step.title, step.action):
            failed = True
            if not step.cleanup:
                report.note("    (the remaining steps are not run; an application this run created is still erased)")
    return not failed
